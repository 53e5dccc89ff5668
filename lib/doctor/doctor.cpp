#include "doctor/doctor.hpp"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>

#include "core/error.hpp"
#include "core/link.hpp"
#include "data/tracked.hpp"
#include "core/machine_info.hpp"
#include "pipeline/pipeline_file.hpp"
#include "remote/remote.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/object_store.hpp"

namespace mlops {

namespace {

// A library's version, or why it cannot be loaded (they are opened lazily).
std::string version_of(const std::function<std::string()>& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    return std::string("not loadable: ") + e.what();
  }
}

std::int64_t count(Db& db, const char* sql) {
  Stmt s(db, sql);
  return s.step() ? s.col_int(0) : 0;
}

// The first configured link mode that works between two files here.
std::string probe_link_mode(Repo& repo) {
  fs::path dir = repo.dot_dir() / "tmp";
  make_dirs(dir);
  fs::path src = dir / fmt::format("doctor-{}-src", ::getpid()), dst = dir / fmt::format("doctor-{}-dst", ::getpid());
  atomic_write(src, "mlops doctor\n");
  std::string used;
  try {
    Linker linker(repo.link_modes());
    used = std::string(link_mode_name(linker.place(src, 13, dst, false).mode));
  } catch (const Error& e) {
    used = std::string("none works: ") + e.what();
  }
  std::error_code ec;
  fs::remove(src, ec);
  fs::remove(dst, ec);
  return used;
}

}  // namespace

DoctorReport run_doctor(const fs::path& cwd, bool check_remotes) {
  DoctorReport r;
  r.version = MLOPS_VERSION;
  r.libraries.emplace_back("SQLite", sqlite3_libversion());
  r.libraries.emplace_back("libgit2", version_of([] {
    int a = 0, b = 0, c = 0;
    git_libgit2_version(&a, &b, &c);
    return fmt::format("{}.{}.{}", a, b, c);
  }));
  r.libraries.emplace_back("libcurl", version_of([] { return std::string(curl_version()); }));
  r.libraries.emplace_back("OpenSSL", version_of([] { return std::string(OpenSSL_version(OPENSSL_VERSION)); }));
  MachineInfo m = machine_info();
  r.os = m.os, r.cpu = m.cpu, r.cpus = m.cpus, r.memory_bytes = m.memory_bytes;

  std::optional<Repo> repo;
  try {
    repo.emplace(Repo::discover(cwd));
  } catch (const Error& e) {
    r.repo_error = e.what();
    return r;
  }
  r.root = repo->root();
  r.hash = std::string(algo_name(repo->algo()));
  r.store = repo->store().base_dir().string();
  r.link_modes = repo->config().get_or_default("cache.link");
  r.link_mode_used = probe_link_mode(*repo);
  if (auto git = GitRepo::open(repo->root())) {
    r.in_git = true;
    if (auto head = git->resolve("HEAD")) r.git_head = head->short_id() + (git->tracked_changes().empty() ? "" : " (uncommitted changes)");
    else r.git_head = "(no commits)";
  }
  Db& db = repo->db();
  r.schema = count(db, "PRAGMA user_version");
  r.runs = count(db, "SELECT count(*) FROM runs");
  r.models = count(db, "SELECT count(DISTINCT model) FROM model_versions");
  try {
    r.tracked = static_cast<std::int64_t>(find_tracked(*repo, {}).size());
  } catch (const Error& e) {
    r.problems.push_back(e.what());
  }
  if (has_pipeline(*repo)) {
    try {
      r.stages = static_cast<std::int64_t>(load_pipeline(*repo).stages.size());
    } catch (const Error& e) {
      r.problems.push_back(e.what());
    }
  }
  for (const auto& name : remote_names(repo->config())) {
    DoctorRemote dr;
    dr.name = name;
    try {
      RemoteSpec spec = remote_spec(repo->config(), name);
      dr.url = spec.url;
      if (check_remotes) {
        if (!spec.url.starts_with("s3://")) {  // a folder remote: the folder must be there
          fs::path dir = fs::path(spec.url).is_absolute() ? fs::path(spec.url) : repo->root() / spec.url;
          if (!lstat_path(dir)) fail(ExitCode::Remote, "the folder {} does not exist", dir.string());
        }
        auto t0 = std::chrono::steady_clock::now();
        auto remote = open_remote(*repo, spec);
        (void)remote->has(hash_bytes(repo->algo(), "mlops doctor"));  // an answer, yes or no, is what counts
        dr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        dr.reachable = true;
      }
    } catch (const Error& e) {
      dr.error = e.what();
      r.problems.push_back(fmt::format("remote {}: {}", name, e.what()));
    }
    r.remotes.push_back(std::move(dr));
  }
  return r;
}

}  // namespace mlops

#include "import/dvc_import.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "core/yaml_load.hpp"
#include "data/gitignore.hpp"
#include "data/pointer.hpp"
#include "data/workspace.hpp"
#include "import/dvc_content.hpp"
#include "import/dvc_pipeline.hpp"
#include "import/dvc_project.hpp"
#include "remote/aws_credentials.hpp"
#include "remote/folder_remote.hpp"
#include "remote/s3_remote.hpp"
#include "pipeline/lock_file.hpp"
#include "pipeline/pipeline_file.hpp"
#include "pipeline/staleness.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

namespace {

constexpr std::uint64_t kNoBound = std::uint64_t{1} << 50;  // a folder entry's size is not in the listing

std::unique_ptr<Remote> open_dvc_remote(Repo& repo, const DvcConfig& cfg, const std::string& wanted) {
  std::string name = !wanted.empty() ? wanted : cfg.default_remote;
  if (name.empty() && cfg.remotes.size() == 1) name = cfg.remotes[0].name;
  if (name.empty())
    throw Error(ExitCode::Usage, "--fetch: the DVC repository has no default remote",
                "name one: mlops import dvc --fetch --remote NAME");
  auto it = std::find_if(cfg.remotes.begin(), cfg.remotes.end(), [&](const DvcRemote& r) { return r.name == name; });
  if (it == cfg.remotes.end() || it->url.empty()) fail(ExitCode::Usage, "--fetch: no DVC remote '{}' in .dvc/config", name);
  const std::string& url = it->url;
  if (url.starts_with("s3://")) {
    S3Settings s = s3_settings("dvc-" + name, url, repo.config());
    if (auto e = it->options.find("endpointurl"); e != it->options.end()) s.endpoint = e->second;
    if (auto r = it->options.find("region"); r != it->options.end()) s.region = r->second;
    if (auto p = it->options.find("use_ssl"); p != it->options.end() && p->second == "false" && s.endpoint.empty())
      fail(ExitCode::Usage, "--fetch: DVC remote {}: use_ssl = false needs endpointurl", name);
    s.path_style = !s.endpoint.empty();
    auto profile = it->options.count("profile") ? it->options.at("profile") : std::string();
    return std::make_unique<S3Remote>(std::move(s), load_aws_credentials(profile));
  }
  if (url.find("://") != std::string::npos)
    fail(ExitCode::Usage, "--fetch: DVC remote {} ({}) is of a kind mlops cannot read (folders and s3:// only)", name, url);
  return std::make_unique<FolderRemote>("dvc-" + name, fs::path(url));
}

class Importer {
public:
  Importer(Repo& repo, const DvcImportOptions& opts, const fs::path& cwd, Progress* progress)
      : repo_(repo), opts_(opts), progress_(progress) {
    cfg_ = read_dvc_config(repo.root());
    std::vector<fs::path> caches;
    for (const auto& c : opts.from_cache) caches.push_back(fs::path(c).is_absolute() ? fs::path(c) : cwd / c);
    caches.push_back(cfg_.cache_dir);
    std::unique_ptr<Remote> remote;
    if (opts.fetch) remote = open_dvc_remote(repo, cfg_, opts.remote);
    remote_label_ = remote ? "DVC remote " + remote->location() : "";
    content_ = std::make_unique<DvcContent>(std::move(caches), std::move(remote), repo.store().base_dir() / "tmp");
  }

  DvcImportResult run() {
    auto files = find_dvc_files(repo_.root());  // every file parsed before anything is written
    if (files.empty() && !lstat_path(repo_.abs("dvc.yaml")))
      fail(ExitCode::Input, "no .dvc files and no dvc.yaml in {}", repo_.root().string());
    r_.pipeline = lstat_path(repo_.abs("dvc.yaml")).has_value();
    std::optional<StoreLock> hold;  // gc waits: what is stored is named before the lock goes
    if (!opts_.dry_run) hold.emplace(repo_.store().base_dir(), StoreLock::Mode::Shared);
    for (const auto& f : files) {
      r_.notes.insert(r_.notes.end(), f.notes.begin(), f.notes.end());
      for (const auto& out : f.outs) import_out(f, out);
    }
    if (r_.pipeline) import_pipeline();
    // The DVC files go only once everything in them is verified and here:
    // every output's content, mlops.yaml, every stage in mlops.lock.
    if (opts_.remove_dvc && !opts_.dry_run) {
      if (r_.missing.empty() && r_.conflicts.empty() && r_.stale.empty()) {
        std::vector<std::string> gone;
        for (const auto& f : files) gone.push_back(f.rel);
        if (r_.pipeline) gone.insert(gone.end(), {"dvc.yaml", "dvc.lock"});
        for (const auto& rel : gone)
          if (lstat_path(repo_.abs(rel))) {
            if (::unlink(repo_.abs(rel).c_str()) != 0) fail_errno("remove", rel, errno);
            r_.removed.push_back(rel);
          }
      } else {
        r_.notes.push_back("--remove-dvc: the DVC files are kept until everything in them came in (see below)");
      }
    }
    r_.fetched = content_->fetched_files();
    return std::move(r_);
  }

private:
  void import_pipeline() {
    DvcPipeline conv = convert_dvc_yaml(repo_.root());
    r_.notes.insert(r_.notes.end(), conv.notes.begin(), conv.notes.end());
    // The conversion must be a pipeline mlops takes before it is written.
    (void)parse_pipeline(conv.mlops_yaml, [&] { return load_params(repo_, kDefaultParamsFile); });
    fs::path file = repo_.abs(kPipelineFile);
    if (auto st = lstat_path(file)) {
      std::string old = st->is_regular() ? read_file(file, 16u << 20) : "";
      if (old != conv.mlops_yaml && !opts_.force) {
        r_.conflicts.push_back(fmt::format("{} exists and is not dvc.yaml's conversion", kPipelineFile));
        return;
      }
    }
    r_.pipeline_written = true;
    if (opts_.dry_run) return;
    atomic_write(file, conv.mlops_yaml);
    r_.git_files.push_back(kPipelineFile);
    Pipeline pipeline = load_pipeline(repo_);
    auto dvc_lock = read_dvc_lock(repo_.root(), conv.wdirs);
    auto lock = read_lock(repo_);
    Params params(repo_);
    bool changed = false;
    for (const Stage& stage : pipeline.stages) {
      auto l = dvc_lock.find(stage.name);
      if (l == dvc_lock.end()) {
        r_.stale.push_back(fmt::format("{}: not in dvc.lock (DVC never ran it)", stage.name));
        continue;
      }
      std::string why = differs(stage, l->second, conv.wdirs[stage.name.substr(0, stage.name.find('@'))], params);
      if (!why.empty()) {
        r_.stale.push_back(fmt::format("{}: {}", stage.name, why));
        continue;
      }
      LockEntry entry = evaluate(repo_, stage, nullptr, params).now;
      for (const auto& out : stage.outputs())
        if (auto v = version_of(repo_, out, true)) entry.outs.push_back(*v);
      if (auto it = lock.find(stage.name); it != lock.end() && !opts_.force) {
        if (it->second.outs == entry.outs && it->second.deps == entry.deps && it->second.cmd == entry.cmd) {
          r_.up_to_date.push_back(stage.name);
          continue;
        }
        r_.conflicts.push_back(fmt::format("mlops.lock: stage {} records another run (--force takes DVC's)", stage.name));
        continue;
      }
      lock[stage.name] = std::move(entry);
      for (const auto& out : stage.outs)
        if (auto gi = gitignore_add(repo_.root(), out); !gi.empty()) r_.git_files.push_back(gi);
      r_.up_to_date.push_back(stage.name);
      changed = true;
    }
    if (changed) {
      write_lock(repo_, lock);
      r_.git_files.push_back(kLockFile);
    }
  }

  // Why a stage's state in the workspace is not what dvc.lock recorded ("" when it is).
  std::string differs(const Stage& stage, const DvcLockStage& l, const std::string& wdir, Params& params) {
    std::string cmd = wdir.empty() ? l.cmd : fmt::format("cd {} && {}", wdir, l.cmd);
    if (stage.cmd != cmd) return "its command changed since dvc.lock";
    auto matches = [&](const DvcLockedPath& p) {
      fs::path abs = repo_.abs(p.path);
      auto st = lstat_path(abs);
      if (!st) return false;
      if (!p.dir) return st->is_regular() && dvc_file_matches(abs, p.md5, p.legacy);
      if (!st->is_dir()) return false;
      WorkTree tree = list_workspace(repo_, p.path);
      std::vector<DvcDirEntry> entries;
      for (const auto& wf : tree.files) entries.push_back({wf.path, dvc_file_md5s(abs / wf.path, p.legacy).back()});
      return dvc_dir_md5(entries) == p.md5;
    };
    for (const auto& d : l.deps)
      if (!matches(d)) return fmt::format("dependency {} is not what dvc.lock recorded", d.path);
    for (const auto& o : l.outs)
      if (!matches(o)) return fmt::format("output {} is not what dvc.lock recorded", o.path);
    for (const auto& out : stage.outputs())
      if (std::none_of(l.outs.begin(), l.outs.end(), [&](const DvcLockedPath& o) { return o.path == out; }))
        return fmt::format("output {} is not in dvc.lock", out);
    if (!l.params_yaml.empty()) {
      YAML::Node recorded = load_yaml(l.params_yaml, "dvc.lock");
      for (const auto& [file, keys] : stage.params) {
        std::string dvc_file = wdir.empty() ? file : fs::path(file).lexically_relative(wdir).generic_string();
        YAML::Node section = recorded[dvc_file];
        YAML::Emitter e;
        e << section;
        auto was = section ? flatten_yaml(e.c_str(), "dvc.lock") : std::map<std::string, std::string>{};
        for (const auto& [k, v] : params.values(stage, file, keys)) {
          auto it = was.find(k);
          if (it == was.end() || it->second != v) return fmt::format("param {} is not what dvc.lock recorded", k);
        }
      }
    }
    return "";
  }

  // True when the output's pointer is written (or there already).
  bool import_out(const DvcFile& f, const DvcOut& out) {
    if (out.md5.empty()) {
      r_.notes.push_back(fmt::format("{}: {} has no md5 yet (dvc commit it first; not imported)", out.where, out.path));
      return false;
    }
    std::string pointer_rel = out.path + std::string(kPointerSuffix);
    std::vector<std::string> looked;
    std::string source;
    std::optional<Pointer> p = out.dir ? folder(out, looked, source) : file(out, looked, source);
    if (!p) {
      r_.missing.push_back(fmt::format("{} ({}): md5 {}{}, looked in:{}", out.path, f.rel, out.md5, out.dir ? ".dir" : "",
                                       list_some(looked, 6)));
      return false;
    }
    p->path = fs::path(out.path).filename().string();
    std::string text = serialize_pointer(*p);
    fs::path abs = repo_.abs(pointer_rel);
    if (auto st = lstat_path(abs)) {
      std::string old = st->is_regular() ? read_file(abs, 1u << 20) : "";
      if (old == text) {
        r_.already.push_back(out.path);
        return true;
      }
      if (!opts_.force) {
        r_.conflicts.push_back(fmt::format("{} exists and names other content", pointer_rel));
        return false;
      }
    }
    r_.imported.push_back({out.path, source, p->files, p->size});
    if (opts_.dry_run) return true;
    gitignore_check(repo_.root(), out.path);
    atomic_write(abs, text);
    r_.git_files.push_back(pointer_rel);
    if (auto gi = gitignore_add(repo_.root(), out.path); !gi.empty()) r_.git_files.push_back(gi);
    return true;
  }

  std::optional<Pointer> file(const DvcOut& out, std::vector<std::string>& looked, std::string& source) {
    fs::path ws = repo_.abs(out.path);
    if (auto st = lstat_path(ws); st && st->is_regular() && dvc_file_matches(ws, out.md5, out.legacy)) {
      source = "workspace";
      return from_workspace(out.path);
    }
    looked.push_back(fmt::format("{} (workspace)", out.path));
    auto found = content_->file(out.md5, out.legacy, out.size ? out.size : kNoBound, looked);
    if (!found) return std::nullopt;
    source = found->string().starts_with(repo_.store().base_dir().string()) ? remote_label_ : "DVC cache";
    Pointer p;
    p.kind = Kind::File;
    p.files = 1;
    if (opts_.dry_run) {
      p.size = lstat_path(*found)->size;
      return p;
    }
    auto st = lstat_path(*found);
    auto stored = repo_.store().put_file(*found, found->string(), *st);
    p.id = stored.id;
    p.size = st->size;
    p.executable = st->is_executable();
    advance(progress_, 1, st->size);
    return p;
  }

  std::optional<Pointer> folder(const DvcOut& out, std::vector<std::string>& looked, std::string& source) {
    auto listing = content_->listing(out.md5, looked);
    fs::path ws = repo_.abs(out.path);
    auto wst = lstat_path(ws);
    if (!listing) {
      // No listing anywhere: the workspace folder is the content if it hashes to the id.
      if (wst && wst->is_dir()) {
        WorkTree tree = list_workspace(repo_, out.path);
        std::vector<DvcDirEntry> entries;
        // DVC 3's id is exact; of DVC 2's, the text rule's (the last candidate).
        for (const auto& wf : tree.files) entries.push_back({wf.path, dvc_file_md5s(ws / wf.path, out.legacy).back()});
        if (dvc_dir_md5(entries) == out.md5) {
          source = "workspace";
          return from_workspace(out.path);
        }
        looked.push_back(fmt::format("{}/ (workspace: other content)", out.path));
      }
      return std::nullopt;
    }
    // The workspace folder, when it holds exactly the listing's files.
    if (wst && wst->is_dir()) {
      WorkTree tree = list_workspace(repo_, out.path);
      bool same = tree.files.size() == listing->size();
      std::map<std::string, std::string> want;
      for (const auto& e : *listing) want[e.relpath] = e.md5;
      for (std::size_t i = 0; same && i < tree.files.size(); ++i) {
        auto it = want.find(tree.files[i].path);
        same = it != want.end() && dvc_file_matches(ws / tree.files[i].path, it->second, out.legacy);
      }
      if (same) {
        source = "workspace";
        return from_workspace(out.path);
      }
    }
    // Else file by file: the workspace's where it matches, the caches' (or the remote's) else.
    Manifest m;
    m.entries.resize(listing->size());
    std::vector<std::string> lost;
    std::mutex mu;
    std::size_t from_cache = 0;
    parallel_for(listing->size(), opts_.jobs, [&](std::size_t i) {
      const DvcDirEntry& e = (*listing)[i];
      fs::path here = ws / e.relpath;
      std::optional<fs::path> src;
      std::vector<std::string> seen;
      if (auto st = lstat_path(here); st && st->is_regular() && dvc_file_matches(here, e.md5, out.legacy)) src = here;
      else src = content_->file(e.md5, out.legacy, kNoBound, seen);
      if (!src) {
        std::lock_guard lock(mu);
        lost.push_back(fmt::format("{}/{} (md5 {})", out.path, e.relpath, e.md5));
        return;
      }
      auto st = lstat_path(*src);
      ManifestEntry entry{e.relpath, ObjectId{}, st->size, st->is_executable()};
      if (!opts_.dry_run) entry.id = repo_.store().put_file(*src, src->string(), *st).id;  // each thread its own entry
      advance(progress_, 1, st->size);
      std::lock_guard lock(mu);
      from_cache += *src != here;
      m.entries[i] = std::move(entry);
    });
    if (!lost.empty()) {
      looked.insert(looked.begin(), fmt::format("{} of its {} files are nowhere:{}", lost.size(), listing->size(),
                                                list_some(lost, 5)));
      return std::nullopt;
    }
    source = from_cache ? (content_->fetched_files() ? "DVC cache and remote" : "DVC cache") : "workspace";
    Pointer p;
    p.kind = Kind::Dir;
    p.files = m.entries.size();
    p.size = m.total_size();
    if (opts_.dry_run) return p;
    m.normalise();
    p.id = repo_.store().put_bytes(m.serialize());
    return p;
  }

  // The workspace's version, stored as `mlops add` stores it (the stat
  // cache learns it too: `mlops status` need not read it again).
  std::optional<Pointer> from_workspace(const std::string& rel) {
    WorkTree tree = list_workspace(repo_, rel);
    if (opts_.dry_run) {
      Pointer p;
      p.kind = tree.shape == Shape::Dir ? Kind::Dir : Kind::File;
      p.size = tree.total_size();
      p.files = tree.files.size();
      return p;
    }
    IdentifyStats stats;
    return store_tree(repo_, rel, tree, stats, progress_);
  }

  Repo& repo_;
  const DvcImportOptions& opts_;
  Progress* progress_;
  DvcConfig cfg_;
  std::unique_ptr<DvcContent> content_;
  std::string remote_label_;
  DvcImportResult r_;
};

}  // namespace

DvcImportResult import_dvc(Repo& repo, const DvcImportOptions& opts, const fs::path& cwd, Progress* progress) {
  return Importer(repo, opts, cwd, progress).run();
}

}  // namespace mlops

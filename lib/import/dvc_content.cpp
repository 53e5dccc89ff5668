#include "import/dvc_content.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/md5.hpp"
#include "core/text.hpp"
#include "remote/remote.hpp"
#include "store/manifest.hpp"

namespace mlops {

namespace {

// DVC 3's layout first, then DVC 2's.
std::vector<std::string> object_names(const std::string& name) {
  return {"files/md5/" + name.substr(0, 2) + "/" + name.substr(2), name.substr(0, 2) + "/" + name.substr(2)};
}

}  // namespace

DvcContent::DvcContent(std::vector<fs::path> caches, std::unique_ptr<Remote> remote, fs::path tmp)
    : caches_(std::move(caches)), remote_(std::move(remote)), tmp_(std::move(tmp)) {}

DvcContent::~DvcContent() {
  for (const auto& t : temps_) ::unlink(t.c_str());
}

std::optional<fs::path> DvcContent::fetch(const std::string& name, std::uint64_t max_bytes,
                                          std::vector<std::string>& looked) {
  if (!remote_) return std::nullopt;
  for (const auto& key : object_names(name)) {
    fs::path tmp = unique_temp_name(tmp_, "dvc-fetch");
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) fail_errno("create", tmp.string(), errno);
    {
      std::lock_guard lock(mu_);
      temps_.push_back(tmp);
    }
    bool got = false;
    try {
      got = remote_->read_foreign(key, max_bytes, [&](const char* d, std::size_t n) { write_all(fd.get(), d, n, tmp); });
    } catch (const DamagedObject& e) {  // larger than DVC says, not a file: not taken, said
      looked.push_back(fmt::format("{} (damaged)", e.what()));
      continue;
    }
    if (got) {
      std::lock_guard lock(mu_);
      ++fetched_;
      return tmp;
    }
    looked.push_back(fmt::format("remote {}: {}", remote_->location(), key));
  }
  return std::nullopt;
}

std::optional<fs::path> DvcContent::file(const std::string& md5, bool legacy, std::uint64_t max_bytes,
                                         std::vector<std::string>& looked) {
  for (const auto& cache : caches_)
    for (const auto& rel : object_names(md5)) {
      fs::path p = cache / rel;
      auto st = lstat_path(p);
      if (!st) continue;
      if (st->is_regular() && dvc_file_matches(p, md5, legacy)) return p;
      looked.push_back(fmt::format("{} (there, but {})", printable_path(p.string()),
                                   st->is_regular() ? "its MD5 differs: damaged" : "not a regular file"));
    }
  for (const auto& cache : caches_) looked.push_back(printable_path((cache / object_names(md5)[0]).string()));
  if (auto p = fetch(md5, max_bytes, looked)) {
    if (dvc_file_matches(*p, md5, legacy)) return p;
    looked.push_back(fmt::format("remote {}: {} (its MD5 differs: damaged)", remote_->location(), md5));
  }
  return std::nullopt;
}

std::optional<std::vector<DvcDirEntry>> DvcContent::listing(const std::string& md5, std::vector<std::string>& looked) {
  std::string name = md5 + ".dir";
  std::optional<std::string> text;
  auto take = [&](const fs::path& p) {
    std::string t = read_file(p, kMaxManifestBytes);
    if (md5_hex(t) == md5) text = std::move(t);
    else looked.push_back(fmt::format("{} (its MD5 differs: damaged)", printable_path(p.string())));
  };
  for (const auto& cache : caches_)
    for (const auto& rel : object_names(name))
      if (!text)
        if (auto st = lstat_path(cache / rel); st && st->is_regular()) take(cache / rel);
  if (!text) {
    for (const auto& cache : caches_) looked.push_back(printable_path((cache / object_names(name)[0]).string()));
    if (auto p = fetch(name, kMaxManifestBytes, looked)) take(*p);
  }
  if (!text) return std::nullopt;
  // A listing is someone else's too: every path is checked as one mlops may write.
  std::vector<DvcDirEntry> out;
  try {
    auto j = nlohmann::json::parse(*text);
    if (!j.is_array()) throw std::runtime_error("not a list");
    for (const auto& e : j) {
      if (!e.is_object() || !e.contains("md5") || !e.contains("relpath") || !e["md5"].is_string() ||
          !e["relpath"].is_string())
        throw std::runtime_error("an entry without md5 and relpath");
      DvcDirEntry d{e["relpath"].get<std::string>(), e["md5"].get<std::string>()};
      if (!is_lower_hex(d.md5, 32)) throw std::runtime_error("an md5 that is not one");
      if (!is_safe_relative_path(d.relpath)) throw std::runtime_error("an unsafe path '" + printable_path(d.relpath) + "'");
      out.push_back(std::move(d));
    }
  } catch (const std::exception& e) {
    fail(ExitCode::Input, "the DVC listing {}.dir is malformed: {}", md5, e.what());
  }
  return out;
}

}  // namespace mlops

#include "repo/config.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/hash.hpp"
#include "core/link.hpp"

namespace mlops {

const std::vector<ConfigKey>& known_config_keys() {
  static const std::vector<ConfigKey> keys = {
      {"core.hash", "hash algorithm of this repository's objects (set by init)", "xxh128"},
      {"core.jobs", "worker threads for hashing and checkout (default: number of cores)", nullptr},
      {"cache.dir", "where the object store lives (relative paths are from the repository root)", nullptr},
      {"cache.link", "how workspace files are made from the store, first that works", "reflink,copy"},
      {"core.remote", "the default remote for push, pull and fetch", nullptr},
      {"remote.*.url", "where a remote keeps its objects: a folder path or s3://bucket/prefix", nullptr},
      {"remote.*.jobs", "parallel transfers to this remote (default: 4 per core)", nullptr},
      {"remote.*.endpoint", "S3: the server's URL, for S3-compatible servers (MinIO, Ceph)", nullptr},
      {"remote.*.region", "S3: the bucket's region (default: AWS_REGION, else us-east-1)", nullptr},
      {"remote.*.profile", "S3: the profile in ~/.aws/credentials (default: AWS_PROFILE, else default)", nullptr},
      {"remote.*.path-style", "S3: true for http://endpoint/bucket/key URLs (default: true with an endpoint)", nullptr},
      {"remote.*.timeout", "S3: seconds without progress before a request is retried (default: 30)", nullptr},
      {"remote.*.part-size", "S3: multipart upload part size in bytes (default: 64 MiB, at least 5 MiB)", nullptr},
      {"remote.*.packs", "push sends objects of at most 1 MiB in packs of about 32 MiB (true or false)", "false"},
      {"model.stages", "the stages models are promoted to, comma-separated", "dev,staging,production,archived"},
      {"model.versions-per-stage", "one (promoting replaces the version in the stage) or many", "one"},
      {"model.git-tags", "whether registry changes create GTO-style git tags", "true"},
      {"gc.grace", "gc -r: objects on a remote younger than this are never removed (30d, 12h, 90m, 0)", "1d"},
  };
  return keys;
}

// "remote.*.url" matches "remote.NAME.url" for any non-empty NAME.
static bool key_matches(std::string_view pattern, std::string_view key) {
  auto star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == key;
  auto head = pattern.substr(0, star), tail = pattern.substr(star + 1);
  return key.size() > head.size() + tail.size() && key.substr(0, head.size()) == head &&
         key.substr(key.size() - tail.size()) == tail;
}

const ConfigKey* find_config_key(const std::string& key) {
  const auto& keys = known_config_keys();
  auto it = std::find_if(keys.begin(), keys.end(), [&](const ConfigKey& k) { return key_matches(k.name, key); });
  return it == keys.end() ? nullptr : &*it;
}

static const ConfigKey* find_key(const std::string& key) { return find_config_key(key); }

std::string setting_caveat(const std::string& key, const std::string& value) {
  if (key != "cache.link") return {};
  for (LinkMode m : parse_link_modes(value))
    if (m == LinkMode::Hardlink || m == LinkMode::Symlink)
      return fmt::format(
          "with {} a checked-out file is the store's own copy: a program that edits it in place (rather than "
          "writing a new file) changes the store too. mlops leaves such files read-only; 'mlops status' and "
          "'mlops fsck' tell when it happened",
          link_mode_name(m));
    else if (m == LinkMode::Copy)
      break;  // modes are tried in order: a copy before them always works
  return {};
}

// Threads or transfers at once: more than this is never faster, and a million
// threads abort the process when the system refuses to make them.
constexpr unsigned kMaxJobs = 1024;

// The one check of a *.jobs value, for `mlops config` and for the file as read.
static std::optional<unsigned> jobs_value(const std::string& value) {
  unsigned n = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || p != value.data() + value.size() || n == 0 || n > kMaxJobs) return std::nullopt;
  return n;
}

static std::string bad_jobs(const std::string& key, const std::string& value) {
  return fmt::format("{} must be a whole number from 1 to {}, not '{}'", key, kMaxJobs, value);
}

Config::Config(const fs::path& file) : file_(file) { load(); }

void Config::load() {
  entries_ = parse_git_config(read_file(file_, 1u << 20), file_.string());
  if (entries_.has_includes) {
    // Includes are libgit2's job: read everything through it.
    entries_.entries.clear();
    auto cb = [](const git_config_entry* e, void* payload) -> int {
      static_cast<ConfigEntries*>(payload)->entries.emplace_back(e->name, e->value ? e->value : "");
      return 0;
    };
    if (git_config_foreach(writer(), cb, &entries_) != 0)
      fail(ExitCode::Repo, "cannot read {}: {}", file_.string(), git_last_error());
  }
}

git_config* Config::writer() {
  if (!cfg_) {
    ensure_libgit2();
    git_config* raw = nullptr;
    if (git_config_open_ondisk(&raw, file_.c_str()) != 0)
      throw Error(ExitCode::Repo, fmt::format("cannot read {}: {}", file_.string(), git_last_error()),
                  "fix the file by hand, or remove the broken line");
    cfg_.reset(raw);
  }
  return cfg_.get();
}

std::optional<std::string> Config::get(const std::string& key) const { return entries_.last(key); }

std::string Config::get_or_default(const std::string& key) const {
  if (auto v = get(key)) return *v;
  const ConfigKey* k = find_key(key);
  return k && k->default_value ? k->default_value : "";
}

std::optional<unsigned> Config::get_jobs(const std::string& key) const {
  auto v = get(key);
  if (!v) return std::nullopt;
  if (auto n = jobs_value(*v)) return n;
  throw Error(ExitCode::Repo, fmt::format("{}: {}", file_.string(), bad_jobs(key, *v)),
              fmt::format("set it with 'mlops config {} N', or remove it with 'mlops config --unset {}'", key, key));
}

void Config::set(const std::string& key, const std::string& value) {
  if (!find_key(key)) {
    std::string names;
    for (const auto& k : known_config_keys()) names += fmt::format("{}{}", names.empty() ? "" : ", ", k.name);
    throw Error(ExitCode::Usage, fmt::format("unknown config key '{}'", key), "known keys: " + names);
  }
  if (key == "core.hash")
    throw Error(ExitCode::Usage, "core.hash is chosen once, at 'mlops init --hash'",
                "objects already stored are addressed by it");
  // A setting of a remote that is not there would make one without a URL.
  if (key.starts_with("remote.") && !key.ends_with(".url")) {
    std::string name = key.substr(7, key.rfind('.') - 7);
    if (!get("remote." + name + ".url"))
      throw Error(ExitCode::Usage, fmt::format("no remote named '{}'", name),
                  fmt::format("add it first: mlops remote add {} URL", name));
  }
  if (key == "cache.link") {
    try {
      (void)parse_link_modes(value);
    } catch (const Error& e) {  // a bad value on the command line, not a broken repository
      throw Error(ExitCode::Usage, e.what(), e.hint());
    }
  }
  if (key.ends_with(".jobs") && !jobs_value(value)) throw Error(ExitCode::Usage, bad_jobs(key, value));
  if (key == "cache.dir" && value.empty()) fail(ExitCode::Usage, "cache.dir must not be empty");
  if (key == "gc.grace") (void)parse_duration_ms(value, "gc.grace");
  if (key == "model.stages") {
    bool ok = !value.empty() && value.front() != ',' && value.back() != ',' && value.find(",,") == std::string::npos;
    for (std::size_t i = 0; i < value.size(); ++i) {
      char c = value[i];
      bool starts = i == 0 || value[i - 1] == ',';
      ok &= (c >= 'a' && c <= 'z') || (!starts && ((c >= '0' && c <= '9') || c == '-')) || c == ',';
    }
    if (!ok) fail(ExitCode::Usage, "model.stages must be names such as dev,staging,production, not '{}'", value);
  }
  if (key == "model.versions-per-stage" && value != "one" && value != "many")
    fail(ExitCode::Usage, "model.versions-per-stage must be one or many, not '{}'", value);
  if ((key == "model.git-tags" || (key.starts_with("remote.") && key.ends_with(".packs"))) && value != "true" &&
      value != "false")
    fail(ExitCode::Usage, "{} must be true or false, not '{}'", key, value);
  set_unchecked(key, value);
}

void Config::set_unchecked(const std::string& key, const std::string& value) {
  if (git_config_set_string(writer(), key.c_str(), value.c_str()) != 0)
    fail(ExitCode::Repo, "cannot write {} to {}: {}", key, file_.string(), git_last_error());
  load();
}

bool Config::unset(const std::string& key) {
  if (!find_key(key)) fail(ExitCode::Usage, "unknown config key '{}'", key);
  if (key == "core.hash") fail(ExitCode::Usage, "core.hash cannot be unset");
  int rc = git_config_delete_entry(writer(), key.c_str());
  if (rc == GIT_ENOTFOUND) return false;
  if (rc != 0) fail(ExitCode::Repo, "cannot unset {} in {}: {}", key, file_.string(), git_last_error());
  load();
  return true;
}

std::vector<std::pair<std::string, std::string>> Config::list() const { return entries_.entries; }

}  // namespace mlops

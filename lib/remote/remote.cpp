#include "remote/remote.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/zstd_codec.hpp"
#include "remote/folder_remote.hpp"
#include "remote/s3_remote.hpp"
#include "repo/repo.hpp"

namespace mlops {

std::vector<std::string> remote_names(const Config& cfg) {
  std::vector<std::string> out;
  for (const auto& [key, value] : cfg.list()) {
    if (!starts_with(key, "remote.") || !key.ends_with(".url")) continue;
    std::string name = key.substr(7, key.size() - 7 - 4);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

void check_remote(const std::string& name, const std::string& url) {
  bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!ok) fail(ExitCode::Usage, "invalid remote name '{}': use letters, digits, '-', '_' and '.'", name);
  if (url.empty()) fail(ExitCode::Usage, "remote {} needs a URL: a folder path or s3://bucket/prefix", name);
  if (url.find("://") != std::string::npos && !starts_with(url, "s3://"))
    fail(ExitCode::Usage, "unsupported remote URL '{}': use a folder path or s3://bucket/prefix", url);
}

RemoteSpec remote_spec(const Config& cfg, const std::string& wanted) {
  auto names = remote_names(cfg);
  std::string name = wanted;
  if (name.empty()) name = cfg.get("core.remote").value_or("");
  if (name.empty()) {
    if (names.size() == 1) name = names[0];
    else if (names.empty())
      throw Error(ExitCode::Usage, "no remote is configured", "add one: mlops remote add NAME URL --default");
    else
      throw Error(ExitCode::Usage, "several remotes are configured and none is the default",
                  "name one with -r NAME, or set one: mlops remote default NAME");
  }
  auto url = cfg.get("remote." + name + ".url");
  if (!url) throw Error(ExitCode::Usage, fmt::format("no remote named '{}'", name), "see 'mlops remote list'");
  return RemoteSpec{name, *url, cfg.get_jobs("remote." + name + ".jobs").value_or(0),
                    cfg.get("remote." + name + ".packs").value_or("false") == "true"};
}

void Remote::too_large(const ObjectId& id, std::uint64_t max_bytes) const {
  throw ObjectTooLarge(ExitCode::Remote,
                       fmt::format("object {} from remote {} is larger than expected ({} bytes)", id.str(), name_,
                                   max_bytes),
                       "the remote copy is damaged or not what its name says: nothing of it was kept; "
                       "'mlops fsck -r " + name_ + "' checks the remote");
}

bool Remote::get(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink) {
  // The packs are looked at first once their indexes are read (a fetch of
  // many objects reads them first), else only when the object is not loose:
  // a remote without packs costs no request more.
  auto from_pack = [&] {
    const auto& in_packs = packed();
    auto it = in_packs.find(id.hex);
    // false too when the pack is gone since its index was read
    return it != in_packs.end() && get_packed(id, it->second, max_bytes, sink);
  };
  if (packs_known()) return from_pack() || get_loose(id, max_bytes, sink);
  return get_loose(id, max_bytes, sink) || from_pack();
}

std::optional<std::string> Remote::get_checked(const ObjectId& id, std::uint64_t max_bytes) {
  auto attempt = [&](const std::function<bool(const ObjectSink&)>& read) -> std::optional<std::string> {
    std::string text;
    try {
      if (!read([&](const char* d, std::size_t n) { text.append(d, n); })) return std::nullopt;
    } catch (const DamagedObject&) {
      return std::nullopt;
    }
    if (hash_bytes(id.algo, text) != id) return std::nullopt;
    return text;
  };
  if (auto got = attempt([&](const ObjectSink& sink) { return get(id, max_bytes, sink); })) return got;
  // Each copy in turn: get() may have stopped at a damaged loose one.
  auto it = packed().find(id.hex);
  if (it == packed().end()) return std::nullopt;  // get() tried the loose copy, and there is no other
  const PackedAt first = it->second;
  if (auto got = attempt([&](const ObjectSink& sink) { return get_packed(id, first, max_bytes, sink); })) return got;
  if (auto got = attempt([&](const ObjectSink& sink) { return get_loose(id, max_bytes, sink); })) return got;
  for (const auto& at : other_copies(id))
    if (auto got = attempt([&](const ObjectSink& sink) { return get_packed(id, at, max_bytes, sink); })) return got;
  return std::nullopt;
}

bool Remote::get_loose(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink) {
  std::uint64_t arrived = 0;
  return read(id, max_bytes, [&](const char* data, std::size_t n) {
    arrived += n;
    if (arrived > max_bytes) too_large(id, max_bytes);
    sink(data, n);
  });
}

bool Remote::get_packed(const ObjectId& id, const PackedAt& at, std::uint64_t max_bytes, const ObjectSink& sink) {
  std::string pack = *at.pack + ".pack";
  if (!at.zstd) {
    // A byte range of the pack, not the pack.
    if (at.size > max_bytes) too_large(id, max_bytes);
    return read_range(kPackDir, pack, at.offset, at.size, sink);
  }
  std::string frame;
  if (!read_range(kPackDir, pack, at.offset, at.size, [&](const char* d, std::size_t n) { frame.append(d, n); }))
    return false;
  std::string where = fmt::format("remote {}: object {} in {}/{}", name_, id.str(), kPackDir, pack);
  std::string bytes;
  try {
    bytes = zstd_decompress(frame, max_bytes, where);
  } catch (const Error& e) {
    throw DamagedObject(ExitCode::Remote, e.what());
  }
  sink(bytes.data(), bytes.size());
  return true;
}

bool Remote::packs_known() {
  std::lock_guard lock(packs_mu_);
  return packs_read_;
}

std::unordered_set<std::string> Remote::list_all() {
  auto out = list();
  for (const auto& [hex, at] : packed()) out.insert(hex);
  return out;
}

std::vector<Remote::PackIndex> Remote::read_pack_indexes(bool cached, std::vector<std::string>& notes) {
  std::vector<PackIndex> out;
  std::size_t entries_in_all = 0;
  for (const auto& file : list_files(kPackDir)) {
    PackIndex index;
    index.pack = pack_name_of_index(file);
    if (index.pack.empty()) continue;  // a pack, or something not mlops's
    // A damaged index is left out; a remote that fails is an error.
    std::optional<std::string> text = cached && pack_cache_ ? pack_cache_->find_pack_index(file) : std::nullopt;
    index.from_cache = text.has_value();
    try {
      if (!text) text = read_file(kPackDir, file, kMaxPackIndexBytes);
      if (!text) continue;  // removed since the listing
    } catch (const DamagedObject& e) {
      notes.push_back(e.what());
      continue;
    }
    try {
      index.entries = parse_pack_index(*text, fmt::format("remote {}: {}/{}", name_, kPackDir, file));
    } catch (const Error& e) {
      notes.push_back(e.what());
      continue;
    }
    if (pack_cache_ && !index.from_cache) pack_cache_->keep_pack_index(file, *text);  // only an index that passed
    // Every index may be kept in memory: their sum is bounded as one index is.
    entries_in_all += index.entries.size();
    if (entries_in_all > kMaxPackEntries) {
      notes.push_back(fmt::format("remote {}: {}/{}: more than {} packed objects on the remote in all; "
                                  "this index and those after it are left out",
                                  name_, kPackDir, file, kMaxPackEntries));
      break;
    }
    out.push_back(std::move(index));
  }
  return out;
}

const std::unordered_map<std::string, Remote::PackedAt>& Remote::packed() {
  std::lock_guard lock(packs_mu_);
  if (packs_read_) return packed_;
  packed_.clear();
  other_copies_.clear();
  pack_notes_.clear();
  from_cache_ = false;
  for (auto& index : read_pack_indexes(!bypass_cache_, pack_notes_)) {
    from_cache_ |= index.from_cache;
    const std::string* name = &*pack_names_.insert(index.pack).first;
    for (const auto& e : index.entries) {
      PackedAt at{name, e.offset, e.size, e.zstd};
      if (!packed_.try_emplace(e.id.hex, at).second) other_copies_.emplace(e.id.hex, at);
    }
  }
  packs_read_ = true;  // a listing that failed is tried again by the next caller
  return packed_;
}

std::vector<Remote::PackedAt> Remote::other_copies(const ObjectId& id) {
  packed();
  std::lock_guard lock(packs_mu_);
  std::vector<PackedAt> out;
  auto [from, to] = other_copies_.equal_range(id.hex);
  for (auto it = from; it != to; ++it) out.push_back(it->second);
  return out;
}

bool Remote::packs_from_cache() {
  std::lock_guard lock(packs_mu_);
  return packs_read_ && from_cache_;
}

void Remote::reload_packs() {
  std::lock_guard lock(packs_mu_);
  packs_read_ = false;
  bypass_cache_ = true;
}

void Remote::relist_packs() {
  std::lock_guard lock(packs_mu_);
  packs_read_ = false;
}

void Remote::distrust_pack(const std::string& pack) {
  std::lock_guard lock(packs_mu_);  // the cache is used by one thread at a time
  if (pack_cache_) pack_cache_->forget_pack_index(pack + ".idx");
}

std::vector<std::string> Remote::pack_notes() {
  packed();
  return pack_notes_;
}

void Remote::put_pack(const PackWriter::Finished& pack) {
  // Replaced when there: a file left under that name (a killed push's, or
  // a planted one) is not trusted to hold these bytes.
  write_file(kPackDir, pack.name + ".pack", pack.pack, /*replace=*/true);
  write_file(kPackDir, pack.name + ".idx", pack.index, /*replace=*/true);
}

std::unique_ptr<Remote> open_remote(const Repo& repo, const RemoteSpec& spec) {
  if (starts_with(spec.url, "s3://")) {
    S3Settings s = s3_settings(spec.name, spec.url, const_cast<Repo&>(repo).config());
    return std::make_unique<S3Remote>(std::move(s), load_aws_credentials(
        const_cast<Repo&>(repo).config().get("remote." + spec.name + ".profile").value_or("")));
  }
  fs::path p(spec.url);
  return std::make_unique<FolderRemote>(spec.name, p.is_absolute() ? p : repo.root() / p);
}

}  // namespace mlops

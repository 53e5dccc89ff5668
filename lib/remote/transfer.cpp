#include "remote/transfer.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_set>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "data/tracked.hpp"
#include "remote/remote.hpp"
#include "remote/remote_index.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

namespace {


std::vector<Tracked> scope_tracked(Repo& repo, const TransferScope& scope) {
  if (scope.only_extra) return scope.extra;
  std::vector<Tracked> out =
      scope.rev.empty() ? find_tracked(repo, scope.rels) : find_tracked_at(repo, scope.rev, scope.rels);
  if (scope.all_branches || scope.all_tags) {
    auto git = GitRepo::open(repo.root());
    if (!git) fail(ExitCode::Usage, "--all-branches and --all-tags need a git repository");
    std::vector<Tracked> more;
    for (const auto& c : git->commits(scope.all_branches, scope.all_tags, false))
      git->for_each_file(c.oid, kPointerSuffix, [&](const std::string& path, std::string text) {
        std::string rel = path.substr(0, path.size() - kPointerSuffix.size());
        more.push_back(parse_tracked(rel, text, fmt::format("{}:{}", c.label, path)));
      });
    for (auto& t : more) {
      bool wanted = scope.rels.empty() || std::any_of(scope.rels.begin(), scope.rels.end(), [&](const auto& r) {
                      return t.rel == r || starts_with(t.rel, r + "/");
                    });
      if (wanted) out.push_back(std::move(t));
    }
  }
  out.insert(out.end(), scope.extra.begin(), scope.extra.end());
  return out;
}

// An object a tracked path needs, with a name for messages.
struct Needed {
  ObjectId id;
  std::string label;
  std::uint64_t size = 0;
};

// Files first, then the manifests naming them: an interrupted push never
// leaves a folder version whose manifest is there but whose files are not.
struct NeededSet {
  std::vector<Needed> files, manifests;
  std::vector<std::string> unknown;  // folders whose manifest the store lacks
};

NeededSet needed_objects(Repo& repo, const std::vector<Tracked>& tracked) {
  ObjectStore& store = repo.store();
  NeededSet n;
  std::set<std::string> seen;
  auto want = [&](std::vector<Needed>& list, const ObjectId& id, std::string label, std::uint64_t size) {
    if (seen.insert(id.hex).second) list.push_back({id, std::move(label), size});
  };
  for (const auto& t : tracked) {
    if (t.ptr.kind == Kind::File) {
      want(n.files, t.ptr.id, t.rel, t.ptr.size);
      continue;
    }
    if (!store.has(t.ptr.id)) {
      n.unknown.push_back(fmt::format("{} (folder manifest {})", t.rel, t.ptr.id.str()));
      continue;
    }
    Manifest m = Manifest::parse(store.read_verified(t.ptr.id), t.pointer_rel() + " (manifest)");
    for (const auto& e : m.entries) want(n.files, e.id, t.rel + "/" + e.path, e.size);
    want(n.manifests, t.ptr.id, t.rel + " (folder manifest)", 0);
  }
  return n;
}

unsigned jobs_for(const RemoteSpec& spec, unsigned asked) {
  if (asked) return asked;
  if (spec.jobs) return spec.jobs;
  return 4 * std::max(1u, std::thread::hardware_concurrency());  // transfers wait on I/O, not CPU
}

// Downloads `id` into the store, re-hashing it on the way; false when the
// remote's copy does not match its name (nothing is kept then).
bool download(Remote& remote, ObjectStore& store, const ObjectId& id, std::uint64_t& bytes) {
  TempFile tmp = store.new_object();
  Hasher h(id.algo);
  bytes = 0;
  remote.get(id, [&](const char* data, std::size_t n) {
    h.update(data, n);
    write_all(tmp.fd(), data, n, "a fetched object");
    bytes += n;
  });
  if (h.finish() != id) return false;
  store.install(tmp, id);
  return true;
}

}  // namespace

TransferResult push(Repo& repo, const std::string& name, const TransferScope& scope, unsigned jobs,
                    Progress* progress) {
  RemoteSpec spec = remote_spec(repo.config(), name);
  auto remote = open_remote(repo, spec);
  ObjectStore& store = repo.store();
  StoreLock lock(store.base_dir(), StoreLock::Mode::Shared);
  NeededSet needed = needed_objects(repo, scope_tracked(repo, scope));
  RemoteIndex index(repo.db(), remote->location());
  auto known = index.known();

  TransferResult r;
  r.remote = spec.name;
  std::vector<std::string> missing = needed.unknown;
  // Many objects to check: one listing of the remote beats a request each.
  constexpr std::size_t kListAbove = 64;
  std::size_t unknown = 0;
  for (auto* phase : {&needed.files, &needed.manifests})
    for (const auto& n : *phase) unknown += known.count(n.id.str()) ? 0 : 1;
  std::optional<std::unordered_set<std::string>> listed;
  if (unknown > kListAbove) listed = remote->list();
  for (auto* phase : {&needed.files, &needed.manifests}) {
    std::vector<Needed> todo;
    std::vector<ObjectId> seen_there;
    for (auto& n : *phase) {
      if (known.count(n.id.str())) {
        ++r.already;
      } else if (listed && listed->count(n.id.hex)) {
        ++r.already;
        seen_there.push_back(n.id);
      } else if (!store.has(n.id)) {
        missing.push_back(fmt::format("{} ({})", n.label, n.id.str()));
      } else {
        todo.push_back(n);
      }
    }
    index.add(seen_there);
    for (const auto& n : todo) add_total(progress, 1, n.size);
    std::atomic<std::uint64_t> sent{0}, there{0}, bytes{0};
    std::vector<ObjectId> present;
    std::mutex mu;
    try {
      parallel_for(todo.size(), jobs_for(spec, jobs), [&](std::size_t i) {
        const Needed& n = todo[i];
        if (!listed && remote->has(n.id)) {
          ++there;
        } else {
          auto st = lstat_path(store.path_of(n.id));
          remote->put(n.id, store.path_of(n.id), st ? st->size : 0);
          ++sent;
          bytes += st ? st->size : 0;
        }
        advance(progress, 1, n.size);
        std::lock_guard g(mu);
        present.push_back(n.id);
      });
    } catch (...) {
      index.add(present);  // what arrived is not sent again
      throw;
    }
    index.add(present);
    r.transferred += sent;
    r.already += there;
    r.bytes += bytes;
  }
  if (!missing.empty())
    throw Error(ExitCode::Missing,
                fmt::format("pushed {} object(s), but {} needed object(s) are not in the store:{}", r.transferred,
                            missing.size(), list_some(missing)),
                "add the data again where it exists, or fetch it from another remote");
  return r;
}

TransferResult fetch(Repo& repo, const std::string& name, const TransferScope& scope, unsigned jobs,
                     Progress* progress) {
  RemoteSpec spec = remote_spec(repo.config(), name);
  auto remote = open_remote(repo, spec);
  ObjectStore& store = repo.store();
  StoreLock lock(store.base_dir(), StoreLock::Mode::Shared);
  TransferResult r;
  r.remote = spec.name;
  std::vector<std::string> corrupt, absent;
  auto tracked = scope_tracked(repo, scope);

  // Manifests first: they say which files a folder needs.
  for (const auto& t : tracked) {
    if (t.ptr.kind != Kind::Dir || store.has(t.ptr.id)) continue;
    std::uint64_t bytes = 0;
    try {
      if (!download(*remote, store, t.ptr.id, bytes)) {
        corrupt.push_back(fmt::format("{} (folder manifest {})", t.rel, t.ptr.id.str()));
        continue;
      }
    } catch (const Error& e) {
      if (e.code() != ExitCode::Remote) throw;
      absent.push_back(fmt::format("{} (folder manifest {})", t.rel, t.ptr.id.str()));
      continue;
    }
    ++r.transferred;
    r.bytes += bytes;
  }
  NeededSet needed = needed_objects(repo, tracked);
  std::vector<ObjectId> ids;
  for (const auto& n : needed.files) ids.push_back(n.id);
  auto lacking_ids = store.missing(ids);
  std::set<std::string> lacking;
  for (const auto& id : lacking_ids) lacking.insert(id.hex);
  std::vector<Needed> todo;
  for (const auto& n : needed.files) {
    if (lacking.count(n.id.hex)) {
      todo.push_back(n);
      add_total(progress, 1, n.size);
    } else {
      ++r.already;
    }
  }
  std::mutex mu;
  parallel_for(todo.size(), jobs_for(spec, jobs), [&](std::size_t i) {
    const Needed& n = todo[i];
    std::uint64_t bytes = 0;
    bool good = false;
    try {
      good = download(*remote, store, n.id, bytes);
    } catch (const Error& e) {
      if (e.code() != ExitCode::Remote) throw;
      std::lock_guard g(mu);
      absent.push_back(fmt::format("{} ({})", n.label, n.id.str()));
      return;
    }
    advance(progress, 1, n.size);
    std::lock_guard g(mu);
    if (!good) {
      corrupt.push_back(fmt::format("{} ({})", n.label, n.id.str()));
      return;
    }
    ++r.transferred;
    r.bytes += bytes;
  });
  if (!corrupt.empty())
    throw Error(ExitCode::Remote,
                fmt::format("{} object(s) on the remote {} do not match their names and were not kept:{}",
                            corrupt.size(), spec.name, list_some(corrupt)),
                "the remote copy is damaged: push a good copy from a clone that has it");
  if (!absent.empty())
    throw Error(ExitCode::Remote,
                fmt::format("{} needed object(s) are not on the remote {}:{}", absent.size(), spec.name,
                            list_some(absent)),
                "push them from a clone that has them");
  return r;
}

RemoteStatus remote_status(Repo& repo, const std::string& name, const TransferScope& scope) {
  RemoteSpec spec = remote_spec(repo.config(), name);
  auto remote = open_remote(repo, spec);
  ObjectStore& store = repo.store();
  RemoteIndex index(repo.db(), remote->location());
  auto known = index.known();
  RemoteStatus s;
  s.remote = spec.name;
  NeededSet needed = needed_objects(repo, scope_tracked(repo, scope));
  for (const auto& u : needed.unknown) s.not_fetched.push_back(u);
  std::vector<ObjectId> confirmed;
  for (auto* phase : {&needed.files, &needed.manifests})
    for (const auto& n : *phase) {
      std::string label = fmt::format("{} ({})", n.label, n.id.str());
      bool local = store.has(n.id);
      bool there = known.count(n.id.str()) || remote->has(n.id);
      if (there && !known.count(n.id.str())) confirmed.push_back(n.id);
      if (!local) s.not_fetched.push_back(label);
      else if (!there) s.not_pushed.push_back(label);
    }
  index.add(confirmed);
  return s;
}

}  // namespace mlops

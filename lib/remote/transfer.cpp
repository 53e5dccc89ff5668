#include "remote/transfer.hpp"

#include <algorithm>
#include <functional>
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
#include "remote/pack_fetch.hpp"
#include "store/pack.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

namespace {


std::vector<Tracked> scope_tracked(Repo& repo, const TransferScope& scope) {
  if (scope.only_extra) return scope.extra;
  TrackedSources pointers_only;
  pointers_only.push_back(pointer_source());
  const TrackedSources& sources = scope.sources ? *scope.sources : pointers_only;
  std::vector<Tracked> out = resolve_tracked(repo, sources, scope.rels, scope.rev);
  if (scope.all_branches || scope.all_tags) {
    auto git = GitRepo::open(repo.root());
    if (!git) fail(ExitCode::Usage, "--all-branches and --all-tags need a git repository");
    std::vector<Tracked> more;
    for (const auto& c : git->commits(scope.all_branches, scope.all_tags, false))
      for (const auto& s : sources)
        for (auto& t : s->in_commit(repo, *git, c)) more.push_back(std::move(t));
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
  std::string label;         // the tracked path
  std::uint64_t size = 0;   // as the pointer or manifest says (0 for manifests)
  bool manifest = false;
  // The most the remote may send for it.
  std::uint64_t max_bytes() const { return manifest ? kMaxManifestBytes : size; }
  // "data/f1 (xxh128:…)", "data (folder manifest xxh128:…)"
  std::string text() const {
    return manifest ? fmt::format("{} (folder manifest {})", label, id.str()) : fmt::format("{} ({})", label, id.str());
  }
};

// Files first, then the manifests naming them: an interrupted push never
// leaves a folder version whose manifest is there but whose files are not.
struct NeededSet {
  std::vector<Needed> files, manifests;
  std::vector<Needed> unknown;  // manifests of folders that the store lacks
  std::vector<std::string> unknown_text() const {
    std::vector<std::string> out;
    for (const auto& n : unknown) out.push_back(n.text());
    return out;
  }
};

NeededSet needed_objects(Repo& repo, const std::vector<Tracked>& tracked) {
  ObjectStore& store = repo.store();
  NeededSet n;
  std::set<std::string> seen;
  auto want = [&](std::vector<Needed>& list, const ObjectId& id, std::string label, std::uint64_t size,
                  bool manifest) {
    if (seen.insert(id.hex).second) list.push_back({id, std::move(label), size, manifest});
  };
  for (const auto& t : tracked) {
    if (t.ptr.kind == Kind::File) {
      want(n.files, t.ptr.id, t.rel, t.ptr.size, false);
      continue;
    }
    if (!store.has(t.ptr.id)) {
      want(n.unknown, t.ptr.id, t.rel, 0, true);
      continue;
    }
    Manifest m = Manifest::parse(store.read_verified(t.ptr.id), t.pointer_rel() + " (manifest)");
    for (const auto& e : m.entries) want(n.files, e.id, t.rel + "/" + e.path, e.size, false);
    want(n.manifests, t.ptr.id, t.rel, 0, true);
  }
  return n;
}

unsigned jobs_for(const RemoteSpec& spec, unsigned asked) {
  if (asked) return asked;
  if (spec.jobs) return spec.jobs;
  return 4 * std::max(1u, std::thread::hardware_concurrency());  // transfers wait on I/O, not CPU
}

enum class Got { Ok, Absent, Corrupt };

// Reads one copy of an object on the remote into a sink: false when absent.
using CopyReader = std::function<bool(const ObjectSink&)>;

Got download_copy(ObjectStore& store, const Needed& n, const CopyReader& read, std::uint64_t& bytes,
                  std::string* why) {
  TempFile tmp = store.new_object();
  Hasher h(n.id.algo);
  bytes = 0;
  bool there = false;
  try {
    there = read([&](const char* data, std::size_t k) {
      h.update(data, k);
      write_all(tmp.fd(), data, k, "a fetched object");
      bytes += k;
    });
  } catch (const DamagedObject& e) {
    if (why) *why = e.what();
    return Got::Corrupt;
  }
  if (!there) return Got::Absent;
  if (h.finish() != n.id) return Got::Corrupt;
  store.install(tmp, n.id);
  return Got::Ok;
}

// The packed copy of an object that failed, when an index names one: its
// index is read anew next time (a forged or damaged index, fixed since, is
// not kept for good). Returns where it is, for messages: "in
// packs/NAME.pack at OFFSET". Reads the indexes when they are not yet.
std::string distrust_packed_copy(Remote& remote, const ObjectId& id) {
  auto it = remote.packed().find(id.hex);
  if (it == remote.packed().end()) return {};
  remote.distrust_pack(*it->second.pack);
  return fmt::format("in {}/{}.pack at {}", kPackDir, *it->second.pack, it->second.offset);
}

// Downloads `n` into the store, re-hashing it on the way; nothing is kept
// unless the remote's copy matches its name. A copy larger than expected is
// corrupt (`why` says so), found as soon as it is known. A packed copy that
// fails is followed by the loose one, when there is one (pushed again after
// fsck -r found the packed one damaged), then by those other packs claim.
Got download(Remote& remote, ObjectStore& store, const Needed& n, std::uint64_t& bytes, std::string* why = nullptr) {
  const std::uint64_t max = n.max_bytes();
  Got got = download_copy(store, n, [&](const ObjectSink& sink) { return remote.get(n.id, max, sink); }, bytes, why);
  if (got == Got::Ok) return got;
  // Each copy in turn: get() may have stopped at a damaged loose one, or at
  // the packed one.
  auto it = remote.packed().find(n.id.hex);
  if (it == remote.packed().end()) return got;
  const Remote::PackedAt first = it->second;
  std::string place = distrust_packed_copy(remote, n.id);
  for (bool packed_first : {true, false})
    if (download_copy(store, n, [&](const ObjectSink& sink) {
          return packed_first ? remote.get_packed(n.id, first, max, sink) : remote.get_loose(n.id, max, sink);
        }, bytes, nullptr) == Got::Ok)
      return Got::Ok;
  for (const auto& at : remote.other_copies(n.id))
    if (download_copy(store, n, [&](const ObjectSink& sink) { return remote.get_packed(n.id, at, max, sink); },
                      bytes, nullptr) == Got::Ok)
      return Got::Ok;
  if (why && got == Got::Corrupt) *why = why->empty() ? place : *why;
  return got;
}

// Reads `n` from the remote and re-hashes it, keeping nothing.
Got check_copy(Remote& remote, const Needed& n, const Remote::PackedAt* packed) {
  Hasher h(n.id.algo);
  auto sink = [&](const char* data, std::size_t k) { h.update(data, k); };
  try {
    if (!(packed ? remote.get_packed(n.id, *packed, n.max_bytes(), sink) : remote.get_loose(n.id, n.max_bytes(), sink)))
      return Got::Absent;
  } catch (const DamagedObject&) {
    return Got::Corrupt;
  }
  return h.finish() == n.id ? Got::Ok : Got::Corrupt;
}

// What fsck -r finds of an object: its packed copy (when an index names
// one) and else, or when that fails, its loose copy.
struct Checked {
  Got got = Got::Absent;
  bool packed_bad = false;  // an index names a copy that is damaged or gone
  bool loose_bad = false;   // the loose copy is damaged (to move aside)
};

// `loose_ids`: the remote's loose objects, when it also has packs (a damaged
// loose copy beside a good packed one would hide it from readers that try
// the loose copy first).
Checked check_on_remote(Remote& remote, const Needed& n, const std::unordered_set<std::string>& loose_ids) {
  Checked c;
  Got in_pack = Got::Absent;  // a pack that is gone: as absent
  const auto& packed = remote.packed();
  if (auto it = packed.find(n.id.hex); it != packed.end()) {
    in_pack = check_copy(remote, n, &it->second);
    if (in_pack == Got::Ok) {
      c.got = Got::Ok;
      c.loose_bad = loose_ids.count(n.id.hex) && check_copy(remote, n, nullptr) == Got::Corrupt;
      return c;
    }
    c.packed_bad = true;
    // Another pack's good copy serves readers: they try it after this one.
    for (const auto& at : remote.other_copies(n.id))
      if (check_copy(remote, n, &at) == Got::Ok) {
        c.got = Got::Ok;
        return c;
      }
  }
  Got loose = check_copy(remote, n, nullptr);
  c.loose_bad = loose == Got::Corrupt;
  c.got = loose == Got::Ok ? Got::Ok : (in_pack == Got::Corrupt || c.loose_bad) ? Got::Corrupt : Got::Absent;
  return c;
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
  remote->use_pack_cache(&index);
  std::unordered_set<std::string> known;
  if (!scope.ask_remote) known = index.known(*remote);

  TransferResult r;
  r.remote = spec.name;
  std::vector<std::string> missing = needed.unknown_text(), corrupt;
  // Many objects to check: one listing of the remote beats a request each.
  constexpr std::size_t kListAbove = 64;
  std::size_t unknown = 0;
  for (auto* phase : {&needed.files, &needed.manifests})
    for (const auto& n : *phase) unknown += known.count(n.id.str()) ? 0 : 1;
  std::optional<std::unordered_set<std::string>> listed;
  if (unknown > kListAbove) listed = remote->list_all();
  // Objects whose packed copy fsck -r found bad: sent again, loose,
  // whatever the indexes say.
  const std::unordered_set<std::string> unusable = index.unusable();
  auto usable_there = [&](const Needed& n) { return !unusable.count(n.id.str()) && remote->holds(n.id); };
  for (auto* phase : {&needed.files, &needed.manifests}) {
    std::vector<Needed> todo;
    std::vector<ObjectId> seen_there;
    for (auto& n : *phase) {
      if (known.count(n.id.str())) {
        ++r.already;
      } else if (listed && listed->count(n.id.hex) && !unusable.count(n.id.str())) {
        ++r.already;
        seen_there.push_back(n.id);
      } else if (!store.has(n.id)) {
        missing.push_back(n.text());
      } else {
        todo.push_back(n);
      }
    }
    index.add(seen_there);
    for (const auto& n : todo) add_total(progress, 1, n.size);
    std::atomic<std::uint64_t> sent{0}, there{0}, bytes{0};
    std::vector<ObjectId> present;
    std::mutex mu;
    // With remote.NAME.packs, small objects go in packs (store/pack.hpp),
    // with their sizes in the store.
    std::vector<std::vector<std::pair<Needed, std::uint64_t>>> packs;
    if (spec.packs) {
      std::vector<Needed> single;
      std::uint64_t filled = 0;
      for (auto& n : todo) {
        auto st = lstat_path(store.path_of(n.id));
        std::uint64_t size = st ? st->size : 0;
        if (size > kPackObjectMax || unusable.count(n.id.str())) {
          single.push_back(std::move(n));
          continue;
        }
        if (packs.empty() || filled + size > kPackTarget) packs.emplace_back(), filled = 0;
        packs.back().emplace_back(std::move(n), size);
        filled += size;
      }
      std::size_t packable = 0;
      for (const auto& p : packs) packable += p.size();
      if (packable < kFewestPacked) {
        for (auto& p : packs)
          for (auto& [n, size] : p) single.push_back(std::move(n));
        packs.clear();
      }
      todo = std::move(single);
    }
    try {
      // A pack is held in memory while it is built and sent: a few at once.
      constexpr unsigned kPacksAtOnce = 4;
      parallel_for(packs.size(), std::min(kPacksAtOnce, jobs_for(spec, jobs)), [&](std::size_t k) {
        PackWriter pack(packs[k].front().first.id.algo);
        std::vector<ObjectId> had;
        for (const auto& [n, size] : packs[k]) {
          if (!listed && usable_there(n)) {
            ++there;
            had.push_back(n.id);
            advance(progress, 1, n.size);
            continue;
          }
          if (!pack.add(n.id, store.path_of(n.id), size)) {
            std::lock_guard g(mu);
            corrupt.push_back(n.text());
          }
        }
        std::uint64_t packed_bytes = pack.raw_bytes();
        std::vector<ObjectId> sent_ids;
        if (!pack.empty()) {
          auto finished = std::move(pack).finish();
          remote->put_pack(finished);
          sent_ids = std::move(finished.ids);
          sent += sent_ids.size();
          bytes += packed_bytes;
        }
        for (const auto& [n, size] : packs[k])
          if (std::find(had.begin(), had.end(), n.id) == had.end()) advance(progress, 1, n.size);
        std::lock_guard g(mu);
        present.insert(present.end(), had.begin(), had.end());
        present.insert(present.end(), sent_ids.begin(), sent_ids.end());
      });
      parallel_for(todo.size(), jobs_for(spec, jobs), [&](std::size_t i) {
        const Needed& n = todo[i];
        if (!listed && usable_there(n)) {
          ++there;
        } else {
          auto st = lstat_path(store.path_of(n.id));
          // Hashed as it is sent: a damaged object is refused, and never
          // enters the remote index.
          if (!remote->put(n.id, store.path_of(n.id), st ? st->size : 0)) {
            advance(progress, 1, n.size);
            std::lock_guard g(mu);
            corrupt.push_back(n.text());
            return;
          }
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
    if (!unusable.empty()) index.clear_unusable(present);
    r.transferred += sent;
    r.already += there;
    r.bytes += bytes;
  }
  if (!corrupt.empty() || !missing.empty()) {
    std::string msg = fmt::format("pushed {} object(s), but", r.transferred);
    if (!corrupt.empty())
      msg += fmt::format(" {} object(s) in the store do not match their names and were not sent:{}", corrupt.size(),
                         list_some(corrupt));
    if (!corrupt.empty() && !missing.empty()) msg += "\nand";
    if (!missing.empty())
      msg += fmt::format(" {} needed object(s) are not in the store:{}", missing.size(), list_some(missing));
    throw Error(ExitCode::Missing, msg,
                corrupt.empty() ? "add the data again where it exists, or fetch it from another remote"
                                : "run 'mlops fsck' to move damaged objects aside, then add the data again or fetch "
                                  "it from a remote that has a good copy");
  }
  return r;
}

TransferResult fetch(Repo& repo, const std::string& name, const TransferScope& scope, unsigned jobs,
                     Progress* progress) {
  TransferResult r = fetch_available(repo, name, scope, jobs, progress);
  check_fetched(r);
  return r;
}

void check_fetched(const TransferResult& r, const std::string& also) {
  if (r.corrupt.empty() && r.absent.empty()) return;
  // Both kinds are named: a damaged object does not hide a missing one.
  std::string message;
  if (!r.corrupt.empty())
    message = fmt::format("{} object(s) on the remote {} do not match their names and were not kept:{}",
                          r.corrupt.size(), r.remote, list_some(r.corrupt));
  if (!r.absent.empty())
    message += fmt::format("{}{} needed object(s) are not on the remote {}:{}", message.empty() ? "" : "\n",
                           r.absent.size(), r.remote, list_some(r.absent));
  if (!r.absent.empty() && !r.pack_notes.empty())
    message += fmt::format("\nthese pack indexes on it were left out:{}", list_some(r.pack_notes));
  throw Error(ExitCode::Remote, message + also,
              r.corrupt.empty() ? "push them from a clone that has them"
                                : fmt::format("the remote copy is damaged: in a clone that has the data, 'mlops fsck "
                                              "-r {}' finds it and 'mlops push' then sends a good copy",
                                              r.remote));
}

TransferResult fetch_available(Repo& repo, const std::string& name, const TransferScope& scope, unsigned jobs,
                               Progress* progress) {
  RemoteSpec spec = remote_spec(repo.config(), name);
  auto remote = open_remote(repo, spec);
  ObjectStore& store = repo.store();
  StoreLock lock(store.base_dir(), StoreLock::Mode::Shared);
  RemoteIndex index(repo.db(), remote->location());
  remote->use_pack_cache(&index);
  TransferResult r;
  r.remote = spec.name;
  auto tracked = scope_tracked(repo, scope);
  // Downloads one object and counts it where it belongs in the result.
  std::mutex mu;
  std::vector<Needed> absent;  // as r.absent, to try again
  auto get_one = [&](const Needed& n) {
    std::uint64_t bytes = 0;
    std::string why;
    Got got = download(*remote, store, n, bytes, &why);
    std::lock_guard g(mu);
    if (got == Got::Absent) r.absent.push_back(n.text()), absent.push_back(n);
    else if (got == Got::Corrupt) r.corrupt.push_back(why.empty() ? n.text() : n.text() + ": " + why);  // `why` names the pack
    else ++r.transferred, r.bytes += bytes;
  };
  // Objects not found: the packs may have changed since their indexes were
  // read (a gc -r repacked them, or an index came from this clone's cache
  // and was replaced on the remote). The packs are listed again, every index
  // read anew when some came from the cache, and those objects tried once
  // more.
  auto again_if_packs_changed = [&] {
    if (absent.empty() || !remote->packs_known()) return;
    if (remote->packs_from_cache()) remote->reload_packs();
    else remote->relist_packs();
    std::vector<Needed> retry = std::move(absent);
    absent.clear();
    r.absent.clear();
    parallel_for(retry.size(), jobs_for(spec, jobs), [&](std::size_t i) { get_one(retry[i]); });
  };

  // Manifests first: they say which files a folder needs.
  for (const auto& n : needed_objects(repo, tracked).unknown) get_one(n);
  again_if_packs_changed();
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
  // Many objects: the packs' indexes are read once first, and the packed
  // objects come in runs, a ranged read each; the rest one by one.
  constexpr std::size_t kReadPacksAbove = 64;
  std::vector<std::size_t> loose;  // indexes into todo
  std::vector<PackRun> runs;
  if (todo.size() > kReadPacksAbove) {
    std::vector<WantedObject> wanted;
    for (std::size_t i = 0; i < todo.size(); ++i) wanted.push_back({todo[i].id, todo[i].max_bytes(), i});
    runs = pack_runs(*remote, wanted, jobs_for(spec, jobs), loose);
  } else {
    for (std::size_t i = 0; i < todo.size(); ++i) loose.push_back(i);
  }
  auto alone = [&](const Needed& n) {
    get_one(n);
    advance(progress, 1, n.size);
  };
  parallel_for(runs.size() + loose.size(), jobs_for(spec, jobs), [&](std::size_t i) {
    if (i >= runs.size()) return alone(todo[loose[i - runs.size()]]);
    // Objects that fail in the pack are tried again alone (get_one: then
    // loose), once the run's request is over.
    std::vector<std::size_t> again;
    std::set<std::size_t> done;
    bool read = false;
    try {
      read = download_run(*remote, store, runs[i], [&](std::size_t k, bool ok, std::uint64_t bytes) {
        done.insert(k);
        if (!ok) return again.push_back(k);
        advance(progress, 1, todo[k].size);
        std::lock_guard g(mu);
        ++r.transferred, r.bytes += bytes;
      });
    } catch (const DamagedObject&) {
      // not a plain file, or sent more than asked: as if it were gone
    }
    if (!read)  // the pack is gone or unreadable: each as get() finds it
      for (const auto& o : runs[i].objects)
        if (!done.count(o.first.tag)) again.push_back(o.first.tag);
    for (std::size_t k : again) alone(todo[k]);
  });
  again_if_packs_changed();
  if (!r.absent.empty()) r.pack_notes = remote->pack_notes();
  std::sort(r.absent.begin(), r.absent.end());  // the jobs finish in any order
  std::sort(r.corrupt.begin(), r.corrupt.end());
  return r;
}

RemoteStatus remote_status(Repo& repo, const std::string& name, const TransferScope& scope) {
  RemoteSpec spec = remote_spec(repo.config(), name);
  auto remote = open_remote(repo, spec);
  ObjectStore& store = repo.store();
  RemoteIndex index(repo.db(), remote->location());
  remote->use_pack_cache(&index);
  std::unordered_set<std::string> known;
  if (!scope.ask_remote) known = index.known(*remote);
  RemoteStatus s;
  s.remote = spec.name;
  NeededSet needed = needed_objects(repo, scope_tracked(repo, scope));
  s.not_fetched = needed.unknown_text();
  std::vector<ObjectId> confirmed, gone;
  const std::unordered_set<std::string> unusable = index.unusable();  // as push sees them
  for (auto* phase : {&needed.files, &needed.manifests})
    for (const auto& n : *phase) {
      bool local = store.has(n.id);
      bool there = !unusable.count(n.id.str()) && (known.count(n.id.str()) || remote->holds(n.id));
      if (there && !known.count(n.id.str())) confirmed.push_back(n.id);
      if (!there) gone.push_back(n.id);
      if (!local) s.not_fetched.push_back(n.text());
      else if (!there) s.not_pushed.push_back(n.text());
    }
  index.add(confirmed);
  index.forget(gone);
  return s;
}

RemoteCheck check_remote(Repo& repo, const std::string& name, const TransferScope& scope, unsigned jobs,
                         Progress* progress) {
  RemoteSpec spec = remote_spec(repo.config(), name);
  auto remote = open_remote(repo, spec);
  RemoteIndex index(repo.db(), remote->location());
  // What the remote holds now: every index read from it, and kept anew.
  remote->use_pack_cache(&index);
  remote->reload_packs();
  NeededSet needed = needed_objects(repo, scope_tracked(repo, scope));
  std::vector<Needed> todo = needed.files;
  todo.insert(todo.end(), needed.manifests.begin(), needed.manifests.end());
  todo.insert(todo.end(), needed.unknown.begin(), needed.unknown.end());
  for (const auto& n : todo) add_total(progress, 1, n.size);
  if (todo.size() > 64) remote->packed();  // as fetch does
  RemoteCheck c;
  c.remote = spec.name;
  std::vector<ObjectId> good, bad;
  std::mutex mu;
  std::vector<ObjectId> packed_bad;
  std::unordered_set<std::string> loose;
  if (!remote->packed().empty()) loose = remote->list();  // one listing
  parallel_for(todo.size(), jobs_for(spec, jobs), [&](std::size_t i) {
    const Needed& n = todo[i];
    Checked got = check_on_remote(*remote, n, loose);
    // A damaged loose copy is moved aside, so that the next push sends a
    // good one; a pack's stretch cannot be, and is recorded instead.
    if (got.loose_bad) remote->quarantine(n.id);
    advance(progress, 1, n.size);
    std::string place = got.packed_bad ? distrust_packed_copy(*remote, n.id) : std::string();
    std::lock_guard g(mu);
    (got.got == Got::Ok ? good : bad).push_back(n.id);
    if (got.packed_bad && got.got != Got::Ok) packed_bad.push_back(n.id);
    std::string text = place.empty() ? n.text() : fmt::format("{} ({})", n.text(), place);
    if (got.got == Got::Absent) c.missing.push_back(text);
    if (got.got == Got::Corrupt) (got.loose_bad ? c.corrupt : c.corrupt_in_packs).push_back(text);
    if (got.got == Got::Ok && got.loose_bad) c.corrupt.push_back(text + " (its loose copy; the packed one is good)");
  });
  c.checked = todo.size();
  c.pack_notes = remote->pack_notes();
  index.forget(bad);
  index.add(good);
  index.mark_unusable(packed_bad);
  std::sort(c.missing.begin(), c.missing.end());
  std::sort(c.corrupt.begin(), c.corrupt.end());
  std::sort(c.corrupt_in_packs.begin(), c.corrupt_in_packs.end());
  return c;
}

}  // namespace mlops

#include "exp/run_sharing.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <type_traits>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/artifact_source.hpp"
#include "exp/run_query.hpp"
#include "exp/run_record.hpp"
#include "remote/remote.hpp"
#include "remote/transfer.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"

namespace mlops {

namespace {

constexpr const char* kRunsDir = "runs";
// A reader lists the page names after its newest page's time less this.
constexpr std::int64_t kListOverlapMs = 24LL * 3600 * 1000;

struct PageName {
  std::int64_t ms = 0;
  std::string hash;
};

// "TIME-HASH.json": 13 digits, '-', 32 hex digits.
std::optional<PageName> parse_page_name(std::string_view name) {
  if (name.size() != 13 + 1 + 32 + 5 || name[13] != '-' || !name.ends_with(".json")) return std::nullopt;
  PageName p;
  for (char c : name.substr(0, 13)) {
    if (c < '0' || c > '9') return std::nullopt;
    p.ms = p.ms * 10 + (c - '0');
  }
  p.hash = std::string(name.substr(14, 32));
  if (!is_lower_hex(p.hash, 32)) return std::nullopt;
  return p;
}

std::string page_label(const std::string& name) { return printable_path(std::string(kRunsDir) + "/" + name); }

RunLabel label_of(const Run& r) { return RunLabel{r.id, r.name, r.user}; }
std::string run_label(const Run& r) { return label_of(r).text(); }

// What this clone knows of a remote's runs: the pages read so far (kept in
// remote_run_pages, since pages never change) and, for each run id, the
// newest page's word on it (a record, or its removal).
class RemoteRunIndex {
public:
  // full: list every page name (gc must know them all), not only the newest.
  RemoteRunIndex(Repo& repo, const std::string& remote_name, bool full = false)
      : repo_(repo), remote_(open_remote(repo, remote_spec(repo.config(), remote_name))), full_(full) {
    where_ = remote_->location();
    {
      Stmt s(repo.db(), "SELECT page, body FROM remote_run_pages WHERE remote = ? ORDER BY page");
      s.bind(1, where_);
      while (s.step()) {
        std::string name = s.col_text(0);
        try {
          add(name, decode_run_page(s.col_view(1), page_label(name)));
        } catch (const Error&) {
          stale_.push_back(name);  // kept by an older mlops, or damaged here: read again
        }
      }
    }
    refresh();
  }

  Remote& remote() { return *remote_; }
  const std::vector<std::string>& bad_pages() const { return bad_; }
  const std::vector<std::string>& strays() const { return strays_; }
  // The run's current record on the remote; null when absent or removed.
  const SharedRun* find(const std::string& id) const {
    auto it = current_.find(id);
    return it == current_.end() || it->second.removed ? nullptr : &records_[it->second.record];
  }
  // Every run's current record, in page order.
  std::vector<const SharedRun*> runs() const {
    std::vector<std::pair<std::string, const SharedRun*>> out;
    for (const auto& [id, c] : current_)
      if (!c.removed) out.emplace_back(c.page, &records_[c.record]);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const SharedRun*> runs;
    for (const auto& [page, r] : out) runs.push_back(r);
    return runs;
  }
  // Every record of every run not removed (a forged older or newer record of
  // the same id included: gc keeps what any of them names).
  std::vector<const SharedRun*> every_record() const {
    std::vector<const SharedRun*> out;
    for (const auto& r : records_)
      if (find(r.run.id)) out.push_back(&r);
    return out;
  }

  // Lists the remote's page names after the newest known (less the overlap)
  // and reads each new one.
  void refresh() {
    std::string after;
    if (newest_ms_ > 0 && !full_) after = fmt::format("{:013}", std::max<std::int64_t>(0, newest_ms_ - kListOverlapMs));
    std::vector<std::pair<std::string, std::string>> fresh;
    auto names = remote_->list_files(kRunsDir, after);
    for (const auto& name : stale_)
      if (name <= after) names.push_back(name);
    for (const auto& name : names) {
      if (known_.count(name)) continue;
      auto parsed = parse_page_name(name);
      if (!parsed) {
        strays_.push_back(page_label(name));
        continue;
      }
      std::optional<std::string> body;
      try {
        body = remote_->read_file(kRunsDir, name, kMaxRunPageBytes);
      } catch (const DamagedObject& e) {
        bad_.push_back(fmt::format("{}: {}", page_label(name), e.what()));
        continue;
      }
      if (!body) continue;  // removed since the listing
      if (hash_bytes(HashAlgo::Xxh128, *body).hex != parsed->hash) {
        bad_.push_back(fmt::format("{}: its content does not match its name (damaged or altered)", page_label(name)));
        continue;
      }
      try {
        add(name, decode_run_page(*body, page_label(name)));
      } catch (const Error& e) {
        bad_.push_back(e.what());
        continue;
      }
      fresh.emplace_back(name, std::move(*body));
    }
    remember(fresh);
  }

  // Writes the runs and removals as pages of at most kRunsPerPage each
  // (objects first: the caller has sent them) and remembers them. A page's
  // time is at least one more than any page seen.
  void write_pages(const RunPage& all) {
    auto part = [](const auto& v, std::size_t i) {
      using V = std::decay_t<decltype(v)>;
      return i >= v.size() ? V{} : V(v.begin() + static_cast<std::ptrdiff_t>(i),
                                      v.begin() + static_cast<std::ptrdiff_t>(std::min(v.size(), i + kRunsPerPage)));
    };
    for (std::size_t i = 0; i < std::max(all.runs.size(), all.removed.size()); i += kRunsPerPage) {
      RunPage page{part(all.runs, i), part(all.removed, i)};
      std::string body = encode_run_page(page);
      std::int64_t ms = std::max(now_ms(), newest_ms_ + 1);
      std::string name = fmt::format("{:013}-{}.json", ms, hash_bytes(HashAlgo::Xxh128, body).hex);
      remote_->write_file(kRunsDir, name, body);
      add(name, std::move(page));
      remember({{name, std::move(body)}});
    }
  }

private:
  struct Current {
    std::string page;
    bool removed = false;
    std::size_t record = 0;  // into records_
  };
  void add(const std::string& name, RunPage page) {
    known_.insert(name);
    // A page dated more than a day ahead (a wrong clock, or a forgery) does
    // not move the listing window or the next page's time.
    if (auto p = parse_page_name(name); p && p->ms <= now_ms() + kListOverlapMs) newest_ms_ = std::max(newest_ms_, p->ms);
    auto newer = [&](const std::string& id) {
      auto it = current_.find(id);
      return it == current_.end() || name >= it->second.page;
    };
    for (auto& s : page.runs) {
      std::string id = s.run.id;
      records_.push_back(std::move(s));
      if (newer(id)) current_[id] = Current{name, false, records_.size() - 1};
    }
    for (const auto& id : page.removed)
      if (newer(id)) current_[id] = Current{name, true, 0};
  }
  void remember(const std::vector<std::pair<std::string, std::string>>& pages) {
    if (pages.empty() || repo_.db().read_only()) return;
    Transaction tx(repo_.db());
    Stmt s(repo_.db(), "INSERT OR REPLACE INTO remote_run_pages (remote, page, body) VALUES (?, ?, ?)");
    for (const auto& [name, body] : pages) {
      s.bind(1, where_).bind(2, name).bind(3, body);
      s.run();
    }
    tx.commit();
  }

  Repo& repo_;
  std::unique_ptr<Remote> remote_;
  bool full_ = false;
  std::string where_;
  std::set<std::string> known_;
  std::vector<std::string> stale_, bad_, strays_;
  std::int64_t newest_ms_ = 0;
  std::deque<SharedRun> records_;  // stable addresses
  std::map<std::string, Current> current_;
};

bool selected(const Run& r, const RunSelection& sel) {
  return sel.experiment.empty() || r.experiment == sel.experiment;
}

// The object store size of an object, 0 when absent.
std::uint64_t stored_size(const ObjectStore& store, const ObjectId& id) {
  auto st = lstat_path(store.path_of(id));
  return st ? st->size : 0;
}

// A run's objects for transfer; labels start with the run's id, so that what
// transfer reports absent or damaged can be traced back to its run. From a
// local run the folder artifacts are found by content, from a record by what
// it says.
std::vector<Tracked> run_objects(const ObjectStore& store, const SharedRun& s, bool from_record) {
  std::vector<Tracked> out;
  const Run& r = s.run;
  auto add = [&](const std::string& what, const ObjectId& id, std::uint64_t size, bool dir) {
    Tracked t = from_record ? Tracked{} : run_object(store, r.id + ":" + what, id, size);
    if (from_record) {
      t.rel = r.id + ":" + what;
      t.origin = "run " + t.rel;
      t.ptr.id = id;
      t.ptr.size = size;
      t.ptr.kind = dir ? Kind::Dir : Kind::File;
    }
    out.push_back(std::move(t));
  };
  for (const auto& [path, id] : r.artifacts) {
    auto a = s.artifacts.find(path);
    SharedArtifact info = a == s.artifacts.end() ? SharedArtifact{} : a->second;
    add(path, ObjectId::parse(id), info.size, info.dir);
  }
  if (!r.git_diff_id.empty()) add("(uncommitted diff)", ObjectId::parse(r.git_diff_id), s.diff_size, false);
  if (!s.points.empty()) add("(metric points)", s.points, s.points_size, false);
  return out;
}

// A local run as it would travel, without its points object (made only to
// send it): enough to tell whether the remote's record says the same.
SharedRun local_record(RunStore& runs, Run r) {
  SharedRun s;
  auto sizes = runs.artifact_sizes(r.id);
  s.run = std::move(r);
  for (const auto& [path, id] : s.run.artifacts) {
    auto size = sizes.find(path);
    s.artifacts[path] = SharedArtifact{size == sizes.end() ? 0 : size->second, false};
  }
  return s;
}

// Whether two records say the same about a run: every field, param, tag,
// metric summary and artifact (object ids of points and how folders are
// stored aside, which follow from those).
bool same_record(const SharedRun& a, const SharedRun& b) {
  auto plain = [](SharedRun s) {
    s.points = {};
    s.points_size = s.diff_size = 0;
    for (auto& [path, art] : s.artifacts) art.dir = false;
    return encode_run_page({{std::move(s)}, {}});
  };
  return plain(a) == plain(b);
}

// "ID:path (id)" -> ID
std::string run_of(const std::string& transfer_label) { return transfer_label.substr(0, 32); }

}  // namespace

ExpPushResult push_runs(Repo& repo, const std::string& remote, const RunSelection& sel, unsigned jobs,
                        Progress* progress) {
  RemoteRunIndex index(repo, remote);
  ExpPushResult res;
  res.remote = index.remote().name();
  RunStore runs(repo.db());
  std::vector<Run> chosen;
  if (!sel.refs.empty()) {
    std::set<std::string> named;
    for (const auto& ref : sel.refs) named.insert(runs.get(ref).id);  // all resolve, or nothing is sent
    // A sweep named brings its runs.
    for (auto& r : runs.list())
      if (named.count(r.id) || named.count(r.parent_id)) chosen.push_back(std::move(r));
  } else {
    for (auto& r : runs.list())
      if (selected(r, sel)) chosen.push_back(std::move(r));
  }
  ObjectStore& store = repo.store();
  std::vector<SharedRun> to_send;
  std::vector<Tracked> objects;  // of the runs sent, and of those there already (re-sent if the remote lost them)
  for (auto& r : chosen) {
    if (r.status == "running") {
      res.running.push_back(label_of(r));
      continue;
    }
    try {
      RunStore::check_name(r.name);
    } catch (const Error& e) {
      res.incomplete.push_back(fmt::format("{}: {}; rename it (mlops exp rename)", run_label(r), e.what()));
      continue;
    }
    SharedRun s = local_record(runs, std::move(r));
    const SharedRun* there = index.find(s.run.id);
    if (there && same_record(s, *there)) {
      ++res.already;
      auto mine = run_objects(store, *there, true);
      objects.insert(objects.end(), mine.begin(), mine.end());
      continue;
    }
    if (auto points = runs.history(s.run.id); !points.empty()) {
      std::string text = encode_points(points);
      s.points = store.put_bytes(text);
      s.points_size = text.size();
    }
    if (!s.run.git_diff_id.empty()) s.diff_size = stored_size(store, ObjectId::parse(s.run.git_diff_id));
    auto mine = run_objects(store, s, false);
    std::vector<std::string> lacking;
    for (const auto& t : mine) {
      if (t.ptr.kind == Kind::Dir) s.artifacts[t.rel.substr(33)].dir = true;
      if (!store.has(t.ptr.id)) lacking.push_back(t.rel.substr(33));
    }
    if (!lacking.empty()) {
      res.incomplete.push_back(
          fmt::format("{}: {} not in the store ('mlops fsck' says more)", run_label(s.run), list_some(lacking, 3)));
      continue;
    }
    objects.insert(objects.end(), mine.begin(), mine.end());
    (there ? res.updated : res.pushed).push_back(label_of(s.run));
    to_send.push_back(std::move(s));
  }
  if (objects.empty()) return res;
  TransferScope scope;
  scope.extra = std::move(objects);
  scope.only_extra = true;
  scope.ask_remote = true;  // a page must never name an object the remote lost
  auto t = push(repo, remote, scope, jobs, progress);
  res.objects = t.transferred;
  res.bytes = t.bytes;
  if (to_send.empty()) return res;
  index.refresh();  // the newest page time, just before writing ours
  index.write_pages(RunPage{std::move(to_send), {}});
  // An object that was on the remote already (not sent) may have been
  // removed by a gc -r that read the pages before ours: asked again now
  // that our page is there, it is sent again if it is gone (mlops-gc(1)).
  auto again = push(repo, remote, scope, jobs, nullptr);
  res.objects += again.transferred;
  res.bytes += again.bytes;
  return res;
}

namespace {

// The remote runs `sel` names, with their sweeps' runs; Error(Input) for a ref
// that matches none or several.
std::vector<const SharedRun*> choose_remote(const RemoteRunIndex& index, const RunSelection& sel,
                                            const std::string& remote, std::vector<std::string>* not_on_remote) {
  auto all = index.runs();
  std::vector<const SharedRun*> chosen;
  if (sel.refs.empty()) {
    for (const auto* s : all)
      if (selected(s->run, sel)) chosen.push_back(s);
    return chosen;
  }
  std::vector<const Run*> candidates;
  for (const auto* s : all) candidates.push_back(&s->run);
  std::set<std::string> named;
  for (const auto& ref : sel.refs) {
    if (not_on_remote && !index.find(ref)) {
      not_on_remote->push_back(ref);
      continue;
    }
    named.insert(all[find_run(candidates, ref, "on remote " + remote)]->run.id);
  }
  for (const auto* s : all)
    if (named.count(s->run.id) || named.count(s->run.parent_id)) chosen.push_back(s);
  return chosen;
}

}  // namespace

ExpPullResult pull_runs(Repo& repo, const std::string& remote, const RunSelection& sel, bool force, unsigned jobs,
                        Progress* progress) {
  RemoteRunIndex index(repo, remote);
  ExpPullResult res;
  res.remote = index.remote().name();
  res.bad_pages = index.bad_pages();
  res.strays = index.strays();
  auto chosen = choose_remote(index, sel, res.remote, sel.absent_ok ? &res.not_on_remote : nullptr);
  RunStore runs(repo.db());
  auto here = runs.ids();
  // The local copies of runs the remote has, read in one pass (not a query each).
  std::unordered_map<std::string, Run> local;
  bool any_here = std::any_of(chosen.begin(), chosen.end(), [&](const SharedRun* s) { return here.count(s->run.id) != 0; });
  if (any_here)
    for (auto& r : runs.list())
      if (index.find(r.id)) local.emplace(r.id, std::move(r));
  std::vector<const SharedRun*> wanted;
  for (const auto* s : chosen) {
    if (here.count(s->run.id)) {
      auto it = local.find(s->run.id);
      if (it != local.end() && same_record(local_record(runs, it->second), *s)) {
        ++res.already;
        continue;
      }
      if (!force) {
        res.differ.push_back(label_of(s->run));
        continue;
      }
    }
    wanted.push_back(s);
  }
  ObjectStore& store = repo.store();
  std::map<std::string, std::vector<std::string>> problems;  // run id -> what did not arrive
  auto fetch_objects = [&](std::vector<Tracked> objects) {
    if (objects.empty()) return;
    // Two records naming one object with different sizes: the larger bound
    // (the bytes are verified by their id whatever the bound).
    std::map<std::string, std::uint64_t> largest;
    for (const auto& t : objects) largest[t.ptr.id.hex] = std::max(largest[t.ptr.id.hex], t.ptr.size);
    for (auto& t : objects) t.ptr.size = largest[t.ptr.id.hex];
    TransferScope scope;
    scope.extra = std::move(objects);
    scope.only_extra = true;
    auto t = fetch_available(repo, remote, scope, jobs, progress);
    res.objects += t.transferred;
    res.bytes += t.bytes;
    for (const auto& a : t.absent) problems[run_of(a)].push_back("absent: " + a.substr(33));
    for (const auto& c : t.corrupt) problems[run_of(c)].push_back("damaged: " + c.substr(33));
  };
  // Folder manifests first, each checked, so that one run's bad manifest
  // fails that run alone.
  std::vector<Tracked> manifests, files;
  for (const auto* s : wanted)
    for (auto& t : run_objects(store, *s, true)) {
      if (t.ptr.kind == Kind::Dir) {
        Tracked m = t;
        m.ptr.kind = Kind::File;
        m.ptr.size = kMaxManifestBytes;  // a folder's size is its files'; its manifest is bounded as transfer bounds it
        manifests.push_back(std::move(m));
      }
      files.push_back(std::move(t));
    }
  fetch_objects(manifests);
  for (const auto& m : manifests) {
    if (problems.count(run_of(m.rel)) || !store.has(m.ptr.id)) continue;
    try {
      Manifest::parse(store.read_verified(m.ptr.id), m.rel.substr(33) + " (folder manifest)");
    } catch (const Error& e) {
      problems[run_of(m.rel)].push_back(e.what());
    }
  }
  std::erase_if(files, [&](const Tracked& t) { return problems.count(run_of(t.rel)) != 0; });
  fetch_objects(std::move(files));
  for (const auto* s : wanted) {
    auto p = problems.find(s->run.id);
    if (p != problems.end()) {
      // One line per run: its first problems, joined.
      auto& why = p->second;
      std::vector<std::string> first(why.begin(), why.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(3, why.size())));
      std::string more = why.size() > 3 ? fmt::format("; and {} more", why.size() - 3) : "";
      res.failed.push_back(printable_path(fmt::format("{}: {}{}", run_label(s->run), fmt::join(first, "; "), more)));
      continue;
    }
    std::vector<MetricPoint> points;
    try {
      if (!s->points.empty())
        points = decode_points(store.read_verified(s->points, kMaxPointsBytes),
                               fmt::format("metric points of run {}", run_label(s->run)), &s->run.metrics);
    } catch (const Error& e) {
      res.failed.push_back(fmt::format("{}: {}", run_label(s->run), e.what()));
      continue;
    }
    std::map<std::string, std::uint64_t> sizes;
    for (const auto& [path, a] : s->artifacts) sizes[path] = a.size;
    bool replace = here.count(s->run.id) != 0;
    if (runs.import_run(s->run, sizes, points, replace)) (replace ? res.updated : res.pulled).push_back(label_of(s->run));
    else ++res.already;
  }
  return res;
}

std::vector<RunLabel> remove_remote_runs(Repo& repo, const std::string& remote, const std::vector<std::string>& refs) {
  RemoteRunIndex index(repo, remote);
  RunSelection sel;
  sel.refs = refs;
  auto chosen = choose_remote(index, sel, index.remote().name(), nullptr);
  RunPage page;
  std::vector<RunLabel> out;
  for (const auto* s : chosen) {
    page.removed.push_back(s->run.id);
    out.push_back(label_of(s->run));
  }
  index.write_pages(page);
  return out;
}

std::vector<Tracked> shared_run_objects(Repo& repo, const std::string& remote, std::vector<std::string>& bad_pages) {
  RemoteRunIndex index(repo, remote, /*full=*/true);
  bad_pages = index.bad_pages();
  std::vector<Tracked> out;
  for (const auto* s : index.every_record()) {
    auto mine = run_objects(repo.store(), *s, true);
    out.insert(out.end(), mine.begin(), mine.end());
  }
  return out;
}

RemoteRuns remote_runs(Repo& repo, const std::string& remote) {
  RemoteRunIndex index(repo, remote);
  RemoteRuns out;
  out.remote = index.remote().name();
  out.bad_pages = index.bad_pages();
  out.strays = index.strays();
  for (const auto* s : index.runs()) out.runs.push_back(s->run);
  std::stable_sort(out.runs.begin(), out.runs.end(),
                   [](const Run& a, const Run& b) { return a.started_at > b.started_at; });
  return out;
}

}  // namespace mlops

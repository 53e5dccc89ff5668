#include "exp/run_sharing.hpp"

#include <algorithm>
#include <map>
#include <set>
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
#include "store/object_store.hpp"

namespace mlops {

namespace {

constexpr const char* kRunsDir = "runs";
// A reader lists the page names after its newest page's time less this.
constexpr std::int64_t kListOverlapMs = 24LL * 3600 * 1000;
// The most a run's metric points object may weigh.
constexpr std::uint64_t kMaxPointsBytes = 1u << 30;

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

std::string page_label(const std::string& name) { return std::string(kRunsDir) + "/" + name; }

std::string run_label(const Run& r) { return fmt::format("{} ({})", r.name, r.short_id()); }

// What this clone knows of a remote's runs: the pages read so far (kept in
// remote_run_pages, since pages never change) and the runs they hold.
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
  bool has(const std::string& id) const { return by_id_.count(id) != 0; }
  // Every run, once (the first page naming an id wins), in page order.
  const std::vector<SharedRun>& runs() const { return runs_; }

  // Lists the remote's page names after the newest known (less the overlap)
  // and reads each new one.
  void refresh() {
    std::string after;
    if (newest_ms_ > 0 && !full_) after = fmt::format("{:013}", std::max<std::int64_t>(0, newest_ms_ - kListOverlapMs));
    std::set<std::string> retry(stale_.begin(), stale_.end());
    std::vector<std::pair<std::string, std::string>> fresh;
    auto names = remote_->list_files(kRunsDir, after);
    for (const auto& name : retry)
      if (name <= after) names.push_back(name);
    for (const auto& name : names) {
      if (known_.count(name)) continue;
      auto parsed = parse_page_name(name);
      if (!parsed) {
        bad_.push_back(fmt::format("{}: not a run page name (TIME-HASH.json)", page_label(name)));
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

  // Writes a page of runs (objects first: the caller has sent them) and
  // remembers it. Its time is at least one more than any page seen.
  void write_page(const std::vector<SharedRun>& runs) {
    std::string body = encode_run_page(runs);
    std::int64_t ms = std::max(now_ms(), newest_ms_ + 1);
    std::string name = fmt::format("{:013}-{}.json", ms, hash_bytes(HashAlgo::Xxh128, body).hex);
    remote_->write_file(kRunsDir, name, body);
    add(name, std::vector<SharedRun>(runs));
    remember({{name, std::move(body)}});
  }

private:
  void add(const std::string& name, std::vector<SharedRun> page) {
    known_.insert(name);
    if (auto p = parse_page_name(name)) newest_ms_ = std::max(newest_ms_, p->ms);
    for (auto& s : page)
      if (by_id_.emplace(s.run.id, runs_.size()).second) runs_.push_back(std::move(s));
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
  std::vector<std::string> stale_, bad_;
  std::int64_t newest_ms_ = 0;
  std::vector<SharedRun> runs_;
  std::unordered_map<std::string, std::size_t> by_id_;
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
// transfer reports absent or damaged can be traced back to its run.
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
    for (const auto& ref : sel.refs) chosen.push_back(runs.get(ref));  // all resolve, or nothing is sent
  } else {
    for (auto& r : runs.list())
      if (selected(r, sel)) chosen.push_back(std::move(r));
  }
  ObjectStore& store = repo.store();
  std::vector<SharedRun> to_send;
  std::vector<Tracked> objects;
  std::set<std::string> seen;
  for (auto& r : chosen) {
    if (!seen.insert(r.id).second) continue;
    if (r.status == "running") {
      res.running.push_back(run_label(r));
      continue;
    }
    if (index.has(r.id)) {
      ++res.already;
      continue;
    }
    SharedRun s;
    auto sizes = runs.artifact_sizes(r.id);
    if (auto points = runs.history(r.id); !points.empty()) {
      std::string text = encode_points(points);
      s.points = store.put_bytes(text);
      s.points_size = text.size();
    }
    if (!r.git_diff_id.empty()) s.diff_size = stored_size(store, ObjectId::parse(r.git_diff_id));
    s.run = std::move(r);
    for (const auto& [path, id] : s.run.artifacts) {
      auto size = sizes.find(path);
      s.artifacts[path] = SharedArtifact{size == sizes.end() ? 0 : size->second, false};
    }
    auto mine = run_objects(store, s, false);
    std::vector<std::string> lacking;
    for (const auto& t : mine) {
      if (t.ptr.kind == Kind::Dir) s.artifacts[t.rel.substr(33)].dir = true;
      if (!store.has(t.ptr.id)) lacking.push_back(t.rel.substr(33));
    }
    if (!lacking.empty()) {
      res.incomplete.push_back(fmt::format("{}: {} not in the store", run_label(s.run), list_some(lacking, 3)));
      continue;
    }
    objects.insert(objects.end(), mine.begin(), mine.end());
    to_send.push_back(std::move(s));
  }
  if (!to_send.empty()) {
    TransferScope scope;
    scope.extra = std::move(objects);
    scope.only_extra = true;
    scope.ask_remote = true;  // a page must never name an object the remote lost
    auto t = push(repo, remote, scope, jobs, progress);
    res.objects = t.transferred;
    res.bytes = t.bytes;
    index.refresh();  // the newest page time, just before writing ours
    for (std::size_t i = 0; i < to_send.size(); i += kRunsPerPage) {
      std::vector<SharedRun> page(to_send.begin() + static_cast<std::ptrdiff_t>(i),
                                  to_send.begin() + static_cast<std::ptrdiff_t>(std::min(to_send.size(), i + kRunsPerPage)));
      index.write_page(page);
      for (const auto& s : page) res.pushed.push_back(run_label(s.run));
    }
    // An object that was on the remote already (not sent) may have been
    // removed by a gc -r that read the pages before ours: asked again now
    // that our page is there, it is sent again if it is gone (mlops-gc(1)).
    auto again = push(repo, remote, scope, jobs, nullptr);
    res.objects += again.transferred;
    res.bytes += again.bytes;
  }
  if (!res.incomplete.empty())
    throw Error(ExitCode::Missing,
                fmt::format("{} run(s) not pushed, their objects are not in the store: {}{}", res.incomplete.size(),
                            list_some(res.incomplete, 5),
                            res.pushed.empty() ? "" : fmt::format(" ({} pushed)", res.pushed.size())),
                "'mlops fsck' says what the store lacks");
  return res;
}

ExpPullResult pull_runs(Repo& repo, const std::string& remote, const RunSelection& sel, unsigned jobs,
                        Progress* progress) {
  RemoteRunIndex index(repo, remote);
  ExpPullResult res;
  res.remote = index.remote().name();
  res.bad_pages = index.bad_pages();
  const auto& all = index.runs();
  std::vector<const SharedRun*> chosen;
  if (!sel.refs.empty()) {
    std::vector<const Run*> candidates;
    for (const auto& s : all) candidates.push_back(&s.run);
    for (const auto& ref : sel.refs) {
      if (sel.absent_ok && std::none_of(all.begin(), all.end(), [&](const SharedRun& s) { return s.run.id == ref; })) {
        res.not_on_remote.push_back(ref);
        continue;
      }
      chosen.push_back(&all[find_run(candidates, ref, "on remote " + res.remote)]);
    }
  } else {
    for (const auto& s : all)
      if (selected(s.run, sel)) chosen.push_back(&s);
  }
  RunStore runs(repo.db());
  auto here = runs.ids();
  std::vector<const SharedRun*> wanted;
  std::vector<Tracked> objects;
  std::set<std::string> seen;
  for (const auto* s : chosen) {
    if (!seen.insert(s->run.id).second) continue;
    if (here.count(s->run.id)) {
      ++res.already;
      continue;
    }
    wanted.push_back(s);
    auto mine = run_objects(repo.store(), *s, true);
    objects.insert(objects.end(), mine.begin(), mine.end());
  }
  std::map<std::string, std::vector<std::string>> problems;  // run id -> what did not arrive
  if (!objects.empty()) {
    TransferScope scope;
    scope.extra = std::move(objects);
    scope.only_extra = true;
    auto t = fetch_available(repo, remote, scope, jobs, progress);
    res.objects = t.transferred;
    res.bytes = t.bytes;
    for (const auto& a : t.absent) problems[run_of(a)].push_back("absent: " + a.substr(33));
    for (const auto& c : t.corrupt) problems[run_of(c)].push_back("damaged: " + c.substr(33));
  }
  ObjectStore& store = repo.store();
  for (const auto* s : wanted) {
    auto p = problems.find(s->run.id);
    if (p != problems.end()) {
      res.failed.push_back(fmt::format("{}: {}", run_label(s->run), list_some(p->second, 3)));
      continue;
    }
    std::vector<MetricPoint> points;
    try {
      if (!s->points.empty())
        points = decode_points(store.read_verified(s->points, kMaxPointsBytes),
                               fmt::format("metric points of run {}", run_label(s->run)));
    } catch (const Error& e) {
      res.failed.push_back(fmt::format("{}: {}", run_label(s->run), e.what()));
      continue;
    }
    std::map<std::string, std::uint64_t> sizes;
    for (const auto& [path, a] : s->artifacts) sizes[path] = a.size;
    if (runs.import_run(s->run, sizes, points)) res.pulled.push_back(run_label(s->run));
    else ++res.already;
  }
  return res;
}

std::vector<Tracked> shared_run_objects(Repo& repo, const std::string& remote, std::vector<std::string>& bad_pages) {
  RemoteRunIndex index(repo, remote, /*full=*/true);
  bad_pages = index.bad_pages();
  std::vector<Tracked> out;
  for (const auto& s : index.runs()) {
    auto mine = run_objects(repo.store(), s, true);
    out.insert(out.end(), mine.begin(), mine.end());
  }
  return out;
}

RemoteRuns remote_runs(Repo& repo, const std::string& remote) {
  RemoteRunIndex index(repo, remote);
  RemoteRuns out;
  out.remote = index.remote().name();
  out.bad_pages = index.bad_pages();
  for (const auto& s : index.runs()) out.runs.push_back(s.run);
  std::stable_sort(out.runs.begin(), out.runs.end(),
                   [](const Run& a, const Run& b) { return a.started_at > b.started_at; });
  return out;
}

}  // namespace mlops

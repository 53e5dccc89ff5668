#include "exp/run_store.hpp"

#include <cmath>

#include <algorithm>
#include <tuple>
#include <cstdlib>
#include <functional>
#include <unordered_map>

#include "core/error.hpp"
#include "core/machine_info.hpp"
#include "core/text.hpp"
#include "exp/run_recorder.hpp"
#include "state/db.hpp"

namespace mlops {

namespace {

constexpr const char* kRunColumns =
    "id, name, experiment, status, command, git_commit, git_dirty, started_at, ended_at, exit_code, user, host, "
    "parent_id, peak_rss_kib, log_id, os, cpu, cpus, memory_bytes, git_diff_id";

void read_run(Stmt& s, Run& r) {
  r.id = s.col_text(0);
  r.name = s.col_text(1);
  r.experiment = s.col_text(2);
  r.status = s.col_text(3);
  r.command = s.col_text(4);
  r.git_commit = s.col_text(5);
  r.git_dirty = s.col_int(6) != 0;
  r.started_at = s.col_int(7);
  r.ended_at = s.col_null(8) ? 0 : s.col_int(8);
  if (!s.col_null(9)) r.exit_code = static_cast<int>(s.col_int(9));
  r.user = s.col_text(10);
  r.host = s.col_text(11);
  r.parent_id = s.col_text(12);
  if (!s.col_null(13)) r.peak_rss_kib = s.col_int(13);
  r.log_id = s.col_text(14);
  r.os = s.col_text(15);
  r.cpu = s.col_text(16);
  r.cpus = s.col_null(17) ? 0 : s.col_int(17);
  r.memory_bytes = s.col_null(18) ? 0 : s.col_int(18);
  r.git_diff_id = s.col_text(19);
}

}  // namespace

void check_run_text(std::string_view what, std::string_view key, std::string_view value) {
  for (std::string_view s : {key, value}) {
    const char* why = !is_valid_utf8(s) ? "is not valid UTF-8" : has_control_chars(s) ? "has a control character" : nullptr;
    if (!why) continue;
    std::string shown = printable_path(key);
    if (!value.empty()) shown += "=" + printable_path(value);
    throw Error(ExitCode::Usage, fmt::format("{} '{}' {}", what, shown, why),
                "params, tags and metric names are text: they are shown in tables, JSON and CSV");
  }
}

void RunStore::create(const Run& r) {
  Stmt s(db_,
         "INSERT INTO runs (id, name, experiment, status, command, git_commit, git_dirty, started_at, user, host, "
         "parent_id, os, cpu, cpus, memory_bytes, git_diff_id, recorder) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.id).bind(2, r.name).bind(3, r.experiment).bind(4, r.status).bind(5, r.command).bind(6, r.git_commit);
  s.bind(7, static_cast<std::int64_t>(r.git_dirty)).bind(8, r.started_at).bind(9, r.user).bind(10, r.host);
  if (r.parent_id.empty()) s.bind_null(11);
  else s.bind(11, r.parent_id);
  s.bind(12, r.os).bind(13, r.cpu).bind(14, r.cpus).bind(15, r.memory_bytes);
  if (r.git_diff_id.empty()) s.bind_null(16);
  else s.bind(16, r.git_diff_id);
  s.bind(17, current_recorder());
  s.run();
}

void RunStore::mark_lost() {
  std::vector<std::string> lost;
  {
    Stmt s(db_, "SELECT id, recorder FROM runs WHERE status = 'running' AND recorder IS NOT NULL");
    while (s.step())
      if (!recorder_alive(s.col_text(1))) lost.push_back(s.col_text(0));
  }
  if (lost.empty()) return;
  // It ended, at the latest, with the last point it logged. Best effort: a
  // reader of a read-only database still lists the runs, as 'running'.
  try {
    Stmt s(db_,
           "UPDATE runs SET status = 'lost', ended_at = coalesce((SELECT max(ts) FROM metrics WHERE run_id = ?1), "
           "started_at) WHERE id = ?1 AND status = 'running'");
    for (const auto& id : lost) {
      s.bind(1, id);
      s.run();
    }
  } catch (const Error&) {
  }
}

void RunStore::finish(const std::string& id, const std::string& status, std::optional<int> exit_code,
                      std::optional<std::int64_t> peak_rss_kib, const std::string& log_id) {
  Stmt s(db_, "UPDATE runs SET status = ?, ended_at = ?, exit_code = ?, peak_rss_kib = ?, log_id = ? WHERE id = ?");
  s.bind(1, status).bind(2, now_ms());
  if (exit_code) s.bind(3, static_cast<std::int64_t>(*exit_code));
  else s.bind_null(3);
  if (peak_rss_kib) s.bind(4, *peak_rss_kib);
  else s.bind_null(4);
  s.bind(5, log_id).bind(6, id);
  s.run();
}

// params and run_tags share a shape: (run_id, key, value).
static void set_pairs(Db& db, const char* table, const std::string& id, const FlatMap<std::string, std::string>& kv) {
  Transaction tx(db);
  Stmt s(db, fmt::format("INSERT OR REPLACE INTO {} (run_id, key, value) VALUES (?, ?, ?)", table));
  for (const auto& [k, v] : kv) {
    s.bind(1, id).bind(2, k).bind(3, v);
    s.run();
  }
  tx.commit();
}

void RunStore::set_params(const std::string& id, const FlatMap<std::string, std::string>& params) {
  set_pairs(db_, "params", id, params);
}

void RunStore::set_tags(const std::string& id, const FlatMap<std::string, std::string>& tags) {
  set_pairs(db_, "run_tags", id, tags);
}

std::optional<std::string> RunStore::newest_with_tag(const std::string& key, const std::string& value) {
  Stmt q(db_,
         "SELECT t.run_id FROM run_tags t JOIN runs r ON r.id = t.run_id WHERE t.key = ? AND t.value = ? "
         "ORDER BY r.started_at DESC LIMIT 1");
  q.bind(1, key).bind(2, value);
  if (!q.step()) return std::nullopt;
  return q.col_text(0);
}

void RunStore::log_metrics(const std::string& id, const std::vector<MetricPoint>& points) {
  if (points.empty()) return;
  Transaction tx(db_);
  Stmt ins(db_, "INSERT INTO metrics (run_id, key, step, value, ts) VALUES (?, ?, ?, ?, ?)");
  // The summary keeps the value of the highest step as "last".
  Stmt sum(db_,
           "INSERT INTO latest_metrics (run_id, key, step, value, min, max, count) VALUES (?1, ?2, ?3, ?4, ?4, ?4, 1) "
           "ON CONFLICT (run_id, key) DO UPDATE SET "
           "value = CASE WHEN ?3 >= step THEN ?4 ELSE value END, step = max(step, ?3), "
           "min = min(min, ?4), max = max(max, ?4), count = count + 1");
  Stmt last(db_, "SELECT step FROM latest_metrics WHERE run_id = ? AND key = ?");
  for (const auto& point : points) {
    MetricPoint p = point;
    if (p.step < 0) {  // the next step, found inside the write lock so that concurrent loggers do not collide
      last.bind(1, id).bind(2, p.key);
      p.step = last.step() ? last.col_int(0) + 1 : 0;
      last.reset();
    }
    ins.bind(1, id).bind(2, p.key).bind(3, p.step).bind_double(4, p.value).bind(5, p.ts);
    ins.run();
    sum.bind(1, id).bind(2, p.key).bind(3, p.step).bind_double(4, p.value);
    sum.run();
  }
  tx.commit();
}

void RunStore::add_artifact(const std::string& id, const std::string& path, const std::string& object_id,
                            std::uint64_t size) {
  Stmt s(db_, "INSERT OR REPLACE INTO artifacts (run_id, path, id, size) VALUES (?, ?, ?, ?)");
  s.bind(1, id).bind(2, path).bind(3, object_id).bind(4, static_cast<std::int64_t>(size));
  s.run();
}

bool RunStore::import_run(const Run& r, const std::map<std::string, std::uint64_t>& artifact_sizes,
                          const std::vector<MetricPoint>& points, bool replace) {
  Transaction tx(db_);
  {
    Stmt q(db_, "SELECT 1 FROM runs WHERE id = ?");
    q.bind(1, r.id);
    if (q.step()) {
      if (!replace) return false;
      delete_runs({r.id});
    }
  }
  Stmt s(db_,
         "INSERT INTO runs (id, name, experiment, status, command, git_commit, git_dirty, started_at, ended_at, "
         "exit_code, user, host, parent_id, peak_rss_kib, log_id, os, cpu, cpus, memory_bytes, git_diff_id) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto text_or_null = [&](int i, const std::string& v) {
    if (v.empty()) s.bind_null(i);
    else s.bind(i, v);
  };
  s.bind(1, r.id).bind(2, r.name).bind(3, r.experiment).bind(4, r.status).bind(5, r.command);
  text_or_null(6, r.git_commit);
  s.bind(7, static_cast<std::int64_t>(r.git_dirty)).bind(8, r.started_at).bind(9, r.ended_at);
  if (r.exit_code) s.bind(10, static_cast<std::int64_t>(*r.exit_code));
  else s.bind_null(10);
  s.bind(11, r.user).bind(12, r.host);
  text_or_null(13, r.parent_id);
  if (r.peak_rss_kib) s.bind(14, *r.peak_rss_kib);
  else s.bind_null(14);
  text_or_null(15, r.log_id);
  s.bind(16, r.os).bind(17, r.cpu).bind(18, r.cpus).bind(19, r.memory_bytes);
  text_or_null(20, r.git_diff_id);
  s.run();
  for (const auto& [table, kv] : {std::pair{"params", &r.params}, std::pair{"run_tags", &r.tags}}) {
    Stmt p(db_, fmt::format("INSERT INTO {} (run_id, key, value) VALUES (?, ?, ?)", table));
    for (const auto& [k, v] : *kv) {
      p.bind(1, r.id).bind(2, k).bind(3, v);
      p.run();
    }
  }
  {
    Stmt a(db_, "INSERT INTO artifacts (run_id, path, id, size) VALUES (?, ?, ?, ?)");
    for (const auto& [path, id] : r.artifacts) {
      auto size = artifact_sizes.find(path);
      a.bind(1, r.id).bind(2, path).bind(3, id);
      a.bind(4, static_cast<std::int64_t>(size == artifact_sizes.end() ? 0 : size->second));
      a.run();
    }
  }
  // The summary is made from the points themselves, not taken from the record.
  std::map<std::string, MetricSummary> sums;
  Stmt ins(db_, "INSERT INTO metrics (run_id, key, step, value, ts) VALUES (?, ?, ?, ?, ?)");
  for (const auto& p : points) {
    ins.bind(1, r.id).bind(2, p.key).bind(3, p.step).bind_double(4, p.value).bind(5, p.ts);
    ins.run();
    auto [it, fresh] = sums.try_emplace(p.key, MetricSummary{p.step, p.value, p.value, p.value, 0});
    MetricSummary& m = it->second;
    if (!fresh && p.step >= m.step) m.step = p.step, m.last = p.value;
    // NaN (imported histories have them) is nobody's min or max while a number is there.
    if (std::isnan(m.min)) m.min = m.max = p.value;
    else if (!std::isnan(p.value)) m.min = std::min(m.min, p.value), m.max = std::max(m.max, p.value);
    ++m.count;
  }
  Stmt sum(db_, "INSERT INTO latest_metrics (run_id, key, step, value, min, max, count) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [k, m] : sums) {
    sum.bind(1, r.id).bind(2, k).bind(3, m.step).bind_double(4, m.last).bind_double(5, m.min).bind_double(6, m.max);
    sum.bind(7, m.count);
    sum.run();
  }
  tx.commit();
  return true;
}

std::unordered_set<std::string> RunStore::ids() {
  std::unordered_set<std::string> out;
  Stmt s(db_, "SELECT id FROM runs");
  while (s.step()) out.insert(s.col_text(0));
  return out;
}

std::map<std::string, std::uint64_t> RunStore::artifact_sizes(const std::string& id) {
  std::map<std::string, std::uint64_t> out;
  Stmt s(db_, "SELECT path, size FROM artifacts WHERE run_id = ?");
  s.bind(1, id);
  while (s.step()) out.emplace(s.col_text(0), static_cast<std::uint64_t>(std::max<std::int64_t>(0, s.col_int(1))));
  return out;
}

bool RunStore::name_taken(const std::string& name) {
  Stmt s(db_, "SELECT 1 FROM runs WHERE name = ?");
  s.bind(1, name);
  return s.step();
}

void RunStore::check_name(const std::string& name) {
  if (name.empty()) fail(ExitCode::Usage, "a run name must not be empty");
  if (name.size() > 200) fail(ExitCode::Usage, "a run name must be at most 200 bytes, not {}", name.size());
  if (!is_valid_utf8(name) || has_control_chars(name))
    fail(ExitCode::Usage, "run name '{}': not UTF-8, or with control characters", printable_path(name));
  // Runs travel between clones (exp push): a name must not pass for a run's
  // id, nor for NAME@USER, which names a run by its origin.
  if (is_lower_hex(name, 32)) fail(ExitCode::Usage, "run name '{}' looks like a run id", name);
  if (name.find('@') != std::string::npos)
    fail(ExitCode::Usage, "run name '{}' has an '@' (NAME@USER names a run by who ran it)", printable_path(name));
}

void RunStore::rename(const std::string& id, const std::string& name) {
  check_name(name);
  if (name_taken(name)) fail(ExitCode::Usage, "a run named '{}' exists already", name);
  Stmt s(db_, "UPDATE runs SET name = ? WHERE id = ?");
  s.bind(1, name).bind(2, id);
  s.run();
}

void RunStore::remove(const std::vector<std::string>& ids) {
  Transaction tx(db_);
  delete_runs(ids);
  tx.commit();
}

void RunStore::delete_runs(const std::vector<std::string>& ids) {
  for (const char* table : {"params", "run_tags", "metrics", "latest_metrics", "artifacts"}) {
    Stmt s(db_, fmt::format("DELETE FROM {} WHERE run_id = ?", table));
    for (const auto& id : ids) {
      s.bind(1, id);
      s.run();
    }
  }
  Stmt s(db_, "DELETE FROM runs WHERE id = ?");
  for (const auto& id : ids) {
    s.bind(1, id);
    s.run();
  }
}

Run RunStore::get(const std::string& ref, bool details) {
  if (details) mark_lost();
  std::vector<Run> found;
  {
    Stmt s(db_, std::string("SELECT ") + kRunColumns +
                    " FROM runs WHERE id = ?1 OR name = ?1 OR (length(?1) >= 4 AND id >= ?1 AND id < ?1 || 'g')");
    s.bind(1, ref);
    while (s.step()) read_run(s, found.emplace_back());
  }
  // Runs pulled from others may share a name: each is NAME@USER then.
  if (auto at = ref.rfind('@'); found.empty() && at != std::string::npos && at > 0) {
    Stmt s(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE name = ? AND user = ?");
    s.bind(1, ref.substr(0, at)).bind(2, ref.substr(at + 1));
    while (s.step()) read_run(s, found.emplace_back());
    if (found.size() > 1)
      fail(ExitCode::Input, "'{}' names {} runs; give the id of one", ref, found.size());
    if (found.size() == 1) {
      if (details) load_details(found);
      return found[0];
    }
  }
  if (std::size_t same = std::count_if(found.begin(), found.end(), [&](const Run& r) { return r.name == ref; });
      same > 1 && std::none_of(found.begin(), found.end(), [&](const Run& r) { return r.id == ref; })) {
    // Runs pulled from others share the name: this user's own run, when
    // there is exactly one, is the one meant (scripts that worked before a
    // pull keep working).
    const MachineInfo me = machine_info();
    std::vector<Run> own;
    for (const auto& r : found)
      if (r.name == ref && r.user == me.user && r.host == me.host) own.push_back(r);
    if (own.size() == 1) {
      if (details) load_details(own);
      return own[0];
    }
    std::vector<std::string> which;
    for (const auto& r : found)
      if (r.name == ref) which.push_back(fmt::format("{} ({}@{})", r.short_id(), r.user, r.host));
    fail(ExitCode::Input, "'{}' names {} runs, from different clones: {}; give the id or NAME@USER", ref, same,
         list_some(which));
  }
  // An exact id wins; a name wins over prefix matches, unless it is the start
  // of another run's id too (a run named like a short id would hide that run).
  const Run* named = nullptr;
  bool prefix_of_other = false;
  for (const auto& r : found) {
    if (r.name == ref && r.id != ref) named = &r;
    else if (r.id != ref && r.id.starts_with(ref)) prefix_of_other = true;
  }
  if (named && prefix_of_other && std::none_of(found.begin(), found.end(), [&](const Run& r) { return r.id == ref; }))
    fail(ExitCode::Input, "'{}' is the name of run {} and the start of another run's id; give more of the id", ref,
         named->short_id());
  for (auto& r : found)
    if (r.id == ref || r.name == ref) {
      std::vector<Run> one{r};
      if (details) load_details(one);
      return one[0];
    }
  if (found.empty()) fail(ExitCode::Input, "no run '{}' (give a run id, an id prefix or a name)", ref);
  if (found.size() > 1) fail(ExitCode::Input, "'{}' matches {} runs; give more of the id", ref, found.size());
  if (details) load_details(found);
  return found[0];
}

std::vector<Run> RunStore::list(Details details) {
  mark_lost();
  std::vector<Run> out;
  {
    Stmt n(db_, "SELECT count(*) FROM runs");
    if (n.step()) out.reserve(static_cast<std::size_t>(n.col_int(0)));  // no moves of big Run structs while growing
  }
  {
    // A plain scan, sorted here: ordering through the started_at index would
    // seek into the table once per run.
    Stmt s(db_, std::string("SELECT ") + kRunColumns + " FROM runs");
    while (s.step()) read_run(s, out.emplace_back());
  }
  std::vector<std::size_t> order(out.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return out[a].started_at != out[b].started_at ? out[a].started_at > out[b].started_at : out[a].id < out[b].id;
  });
  // In place, one cycle at a time: a second vector of runs would be as big
  // again, and touching fresh memory is most of what a large list costs.
  for (std::size_t start = 0; start < order.size(); ++start) {
    if (order[start] == start) continue;
    Run held = std::move(out[start]);
    std::size_t at = start;
    for (std::size_t from = order[at]; from != start; from = order[at]) {
      out[at] = std::move(out[from]);
      order[at] = at;
      at = from;
    }
    out[at] = std::move(held);
    order[at] = at;
  }
  load_details(out, details);
  return out;
}

std::vector<Run> RunStore::children(const std::string& parent_id, Details details) {
  mark_lost();
  std::vector<Run> out;
  Stmt s(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE parent_id = ?");
  s.bind(1, parent_id);
  while (s.step()) read_run(s, out.emplace_back());
  sort_sweep_order(out);
  load_details(out, details);
  return out;
}

void sort_sweep_order(std::vector<Run>& runs) {
  std::sort(runs.begin(), runs.end(), [](const Run& x, const Run& y) {
    return std::tuple(x.name.size(), x.name) < std::tuple(y.name.size(), y.name);
  });
}

static std::vector<MetricPoint> read_points(Stmt& s) {
  std::vector<MetricPoint> out;
  while (s.step()) out.push_back({s.col_text(0), s.col_int(1), s.col_double(2), s.col_int(3)});
  return out;
}

std::vector<MetricPoint> RunStore::history(const std::string& id, const std::string& key) {
  Stmt s(db_, "SELECT key, step, value, ts FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, ts");
  s.bind(1, id).bind(2, key);
  return read_points(s);
}

std::vector<MetricPoint> RunStore::history(const std::string& id) {
  Stmt s(db_, "SELECT key, step, value, ts FROM metrics WHERE run_id = ? ORDER BY key, step, ts");
  s.bind(1, id);
  return read_points(s);
}

void RunStore::load_details(std::vector<Run>& runs, Details details) {
  if (runs.empty()) return;
  std::unordered_map<std::string_view, Run*> by_id;
  for (auto& r : runs) by_id[r.id] = &r;
  // One run (exp log, exp show) reads its own rows; many runs read each
  // small table once, which beats a query per run. Rows come grouped by run
  // (the tables are keyed by run_id first), so a run is looked up once per group.
  const bool one = runs.size() == 1;
  auto each_row = [&](const char* columns, const char* table, auto&& fn) {
    Stmt s(db_, fmt::format("SELECT run_id, {} FROM {}{}", columns, table, one ? " WHERE run_id = ?" : ""));
    if (one) s.bind(1, runs[0].id);
    Run* run = nullptr;
    while (s.step()) {
      std::string_view id = s.col_view(0);
      if (!run || run->id != id) {
        auto it = by_id.find(id);
        if (it == by_id.end()) {
          run = nullptr;
          continue;
        }
        run = it->second;
      }
      fn(*run, s);
    }
  };
  each_row("key, value", "params", [](Run& r, Stmt& s) { r.params.emplace(s.col_view(1), s.col_view(2)); });
  each_row("key, step, value, min, max, count", "latest_metrics", [](Run& r, Stmt& s) {
    r.metrics.emplace(s.col_view(1),
                      MetricSummary{s.col_int(2), s.col_double(3), s.col_double(4), s.col_double(5), s.col_int(6)});
  });
  if (details == Details::ParamsAndMetrics) return;
  each_row("key, value", "run_tags", [](Run& r, Stmt& s) { r.tags.emplace(s.col_view(1), s.col_view(2)); });
  each_row("path, id", "artifacts", [](Run& r, Stmt& s) { r.artifacts.emplace(s.col_view(1), s.col_view(2)); });
}

}  // namespace mlops

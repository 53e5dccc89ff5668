#include "exp/run_query.hpp"

#include <cmath>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/run_filter.hpp"

namespace mlops {

namespace {

// For fields the code itself names.
RunField field(const std::string& name) { return *RunField::parse(name); }

}  // namespace

std::vector<Run> select_runs(RunStore& store, const std::vector<std::string>& refs, const std::string& filter_text,
                             RunStore::Details details) {
  RunFilter filter = RunFilter::parse(filter_text, [&](const std::string& ref) -> std::optional<std::string> {
    try {
      return store.get(ref, false).id;
    } catch (const Error&) {
      return std::nullopt;  // no such run, or several: compared as written
    }
  });  // before any work: a typo fails fast
  std::vector<Run> runs;
  if (refs.empty()) runs = store.list(details);
  else
    for (const auto& ref : refs) runs.push_back(store.get(ref));
  std::erase_if(runs, [&](const Run& r) { return !filter.matches(r); });
  return runs;
}

std::size_t find_run(const std::vector<const Run*>& runs, const std::string& ref, const std::string& where) {
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (runs[i]->id == ref) return i;
  auto at = ref.rfind('@');
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Run& r = *runs[i];
    if (r.name == ref || (ref.size() >= 4 && r.id.starts_with(ref)) ||
        (at != std::string::npos && at > 0 && r.name == ref.substr(0, at) && r.user == ref.substr(at + 1)))
      hits.push_back(i);
  }
  if (hits.empty())
    throw Error(ExitCode::Input, fmt::format("no run '{}' {}", ref, where),
                "'mlops exp list --remote' lists the runs a remote holds");
  if (hits.size() > 1) {
    std::vector<std::string> which;
    for (auto i : hits) which.push_back(fmt::format("{} ({}@{})", runs[i]->short_id(), runs[i]->user, runs[i]->host));
    throw Error(ExitCode::Input, fmt::format("'{}' matches {} runs {}: {}", ref, hits.size(), where, list_some(which)),
                "give the id, or NAME@USER");
  }
  return hits[0];
}

void filter_runs(std::vector<Run>& runs, const std::string& filter_text) {
  std::vector<const Run*> all;
  for (const auto& r : runs) all.push_back(&r);
  RunFilter filter = RunFilter::parse(filter_text, [&](const std::string& ref) -> std::optional<std::string> {
    try {
      return all[find_run(all, ref, "")]->id;
    } catch (const Error&) {
      return std::nullopt;  // no such run, or several: compared as written
    }
  });
  std::erase_if(runs, [&](const Run& r) { return !filter.matches(r); });
}

RunField field_named(const std::string& name, const std::string& option) {
  auto f = RunField::parse(name);
  if (!f) fail(ExitCode::Usage, "{}: unknown field '{}' (use {})", option, name, run_field_help());
  return *f;
}

RunStore::Details details_for(const std::string& filter, const std::string& columns, const std::string& sort) {
  return (filter + columns + sort).find("tags.") != std::string::npos ? RunStore::Details::All
                                                                       : RunStore::Details::ParamsAndMetrics;
}

std::vector<Run> select_sorted_runs(RunStore& store, const std::string& filter, const std::string& sort, bool desc,
                                    RunStore::Details details, const std::string& option) {
  std::optional<RunField> key;
  if (!sort.empty()) key = field_named(sort, option);
  auto runs = select_runs(store, {}, filter, details);
  if (key) sort_runs(runs, *key, desc);
  return runs;
}

void sort_runs(std::vector<Run>& runs, const RunField& key, bool desc) {
  // Each run's value read once, not once per comparison.
  struct Keyed {
    std::optional<std::string> text;
    std::optional<double> num;
    Run* run;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(runs.size());
  for (auto& r : runs) {
    auto num = key.number(r);
    if (num && std::isnan(*num)) keyed.push_back({std::nullopt, std::nullopt, &r});  // NaN sorts as no value
    else keyed.push_back({num ? std::nullopt : key.text(r), num, &r});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const Keyed& x, const Keyed& y) {
    bool hx = x.num || x.text, hy = y.num || y.text;
    if (hx != hy) return hx;  // runs without the key go last
    if (!hx) return false;
    if (x.num && y.num) return desc ? *x.num > *y.num : *x.num < *y.num;
    if (x.num != y.num) return x.num.has_value();  // numbers before text
    return desc ? *x.text > *y.text : *x.text < *y.text;
  });
  std::vector<Run> sorted;
  sorted.reserve(runs.size());
  for (auto& k : keyed) sorted.push_back(std::move(*k.run));
  runs = std::move(sorted);
}

namespace {

// The first best of `count` values read by `value(i)`, skipping NaN.
template <class Value>
std::optional<std::size_t> best_index(std::size_t count, Goal goal, Value&& value) {
  std::optional<std::size_t> best;
  std::optional<double> top;
  for (std::size_t i = 0; i < count; ++i)
    if (std::optional<double> v = value(i); v && !std::isnan(*v) && (!top || better(goal, *v, *top))) top = v, best = i;
  return best;
}

bool marks_best(const RunField& f) { return f.kind == RunField::Kind::Last || f.kind == RunField::Kind::Best; }

}  // namespace

std::optional<std::size_t> best_run(const std::vector<Run>& runs, const RunField& f, Goal goal) {
  return best_index(runs.size(), goal, [&](std::size_t i) { return f.number(runs[i]); });
}

std::optional<double> best_value(const std::vector<Run>& runs, const RunField& f) {
  auto i = best_run(runs, f, default_goal(f.key));
  return i ? f.number(runs[*i]) : std::nullopt;
}

std::vector<std::optional<double>> best_values(const std::vector<Run>& runs, const std::vector<RunField>& cols) {
  std::vector<std::optional<double>> best(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (runs.size() > 1 && marks_best(cols[c])) best[c] = best_value(runs, cols[c]);
  return best;
}

MetricColumns::MetricColumns(const std::vector<Run>& runs, const std::vector<RunField>& cols)
    : values(cols.size()), best(cols.size()) {
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (!cols[c].is_metric()) continue;
    auto& v = values[c];
    v.reserve(runs.size());
    for (const auto& r : runs) v.push_back(cols[c].number(r));
    if (runs.size() < 2 || !marks_best(cols[c])) continue;
    if (auto i = best_index(v.size(), default_goal(cols[c].key), [&](std::size_t k) { return v[k]; })) best[c] = v[*i];
  }
}

std::vector<RunField> run_columns(const std::vector<Run>& runs, const std::string& spec) {
  // Keys, and the metrics whose best step is not the last for some run.
  std::set<std::string> params, metrics, tags, best_differs;
  std::map<std::string, std::pair<bool, bool>> steps_differ;  // metric -> (min != last, max != last) for some run
  // Runs mostly share their keys: inserting in order with a hint finds each in constant time.
  auto collect = [](auto& keys, const auto& map) {
    for (auto hint = keys.begin(); const auto& kv : map) hint = std::next(keys.insert(hint, kv.first));
  };
  for (const auto& r : runs) {
    collect(params, r.params);
    collect(tags, r.tags);
    for (auto hint = steps_differ.begin(); const auto& [k, m] : r.metrics) {
      auto it = steps_differ.try_emplace(hint, k);
      it->second.first |= m.min != m.last;
      it->second.second |= m.max != m.last;
      hint = std::next(it);
    }
  }
  for (const auto& [k, d] : steps_differ) {
    metrics.insert(k);
    if (default_goal(k) == Goal::Min ? d.first : d.second) best_differs.insert(k);
  }
  std::vector<RunField> out;
  auto add_all = [&](const std::set<std::string>& keys, const std::string& prefix) {
    for (const auto& k : keys) out.push_back(field(prefix + k));
  };
  if (spec.empty()) {
    // Runs pulled from others: who ran each, once there is more than one.
    std::set<std::pair<std::string_view, std::string_view>> origins;
    for (const auto& r : runs)
      if (origins.emplace(r.user, r.host), origins.size() > 1) break;
    for (const char* name : {"id", "name", "user", "experiment", "status", "started", "duration"})
      if (std::string_view(name) != "user" || origins.size() > 1) out.push_back(field(name));
    add_all(params, "params.");
    for (const auto& k : metrics) {
      out.push_back(field("metrics." + k));
      if (best_differs.count(k)) out.push_back(field("best." + k));
    }
    return out;
  }
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t comma = spec.find(',', start);
    std::string col = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    col.erase(0, col.find_first_not_of(' '));
    col.erase(col.find_last_not_of(' ') + 1);
    if (col == "params.*") add_all(params, "params.");
    else if (col == "metrics.*") add_all(metrics, "metrics.");
    else if (col == "best.*") add_all(metrics, "best.");
    else if (col == "tags.*") add_all(tags, "tags.");
    else if (auto f = RunField::parse(col)) out.push_back(*f);
    else
      fail(ExitCode::Usage, "--columns: unknown column '{}' (use {}, or params.*, metrics.*, best.*, tags.*)", col,
           run_field_help());
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool CompareRow::differs() const {
  if (metric) return std::any_of(number.begin(), number.end(), [&](const auto& v) { return v != number.front(); });
  return std::any_of(text.begin(), text.end(), [&](const auto& v) { return v != text.front(); });
}

std::vector<CompareRow> compare_runs(const std::vector<Run>& runs) {
  std::set<std::string> params, metrics;
  for (const auto& r : runs) {
    for (const auto& [k, v] : r.params) params.insert(k);
    for (const auto& [k, v] : r.metrics) metrics.insert(k);
  }
  std::vector<CompareRow> rows;
  for (const auto& k : params) {
    CompareRow row;
    row.key = "params." + k;
    RunField f = field(row.key);
    for (const auto& r : runs) row.text.push_back(f.text(r));
    rows.push_back(std::move(row));
  }
  for (const auto& k : metrics) {
    CompareRow row;
    row.key = "metrics." + k;
    row.metric = true;
    RunField f = field(row.key);
    auto best = best_value(runs, f);
    for (std::size_t i = 0; i < runs.size(); ++i) {
      auto v = f.number(runs[i]);
      row.number.push_back(v);
      if (runs.size() > 1 && v && v == best) row.best.insert(i);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

bool RunChange::improved() const {
  return metric && delta && *delta != 0 && better(default_goal(key.substr(8)), *delta, 0);
}

std::vector<RunChange> diff_runs(const Run& from, const Run& to, bool all) {
  auto keys_of = [](const Run& r) {
    std::set<std::string> keys = {"commit"};
    for (const auto& [k, v] : r.params) keys.insert("params." + k);
    for (const auto& [k, v] : r.metrics) keys.insert("metrics." + k);
    for (const auto& [k, v] : r.tags) keys.insert("tags." + k);
    return keys;
  };
  std::set<std::string> keys = keys_of(from);
  keys.merge(keys_of(to));
  // params first, then metrics, then tags and data versions, then the commit.
  std::vector<RunChange> changes;
  for (const char* prefix : {"params.", "metrics.", "tags.", "commit"})
    for (const auto& k : keys) {
      if (!k.starts_with(prefix)) continue;
      RunField f = field(k);
      RunChange c;
      c.key = k;
      c.metric = f.is_metric();
      if (c.metric) {
        c.old_number = f.number(from), c.new_number = f.number(to);
        if (c.old_number == c.new_number && !all) continue;
        if (c.old_number && c.new_number) c.delta = *c.new_number - *c.old_number;
      } else {
        c.old_text = f.text(from), c.new_text = f.text(to);
        if (c.old_text == c.new_text && !all) continue;
      }
      changes.push_back(std::move(c));
    }
  return changes;
}

}  // namespace mlops

#pragma once
// Asking questions of recorded runs: which runs (named, filtered), in what
// order, which is best for a metric, what differs between runs. The answers
// behind exp list, compare, diff, best and export, free of printing.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exp/metric_goal.hpp"
#include "exp/run_fields.hpp"
#include "exp/run_store.hpp"

namespace mlops {

// The runs named by `refs` (ids, id prefixes or names; each must resolve), or
// every run when none is named; then those the filter (run_filter.hpp) keeps,
// where `id` and `parent` take short ids and names. A bad filter throws
// Error(Usage) before any run is read.
std::vector<Run> select_runs(RunStore& store, const std::vector<std::string>& refs, const std::string& filter,
                             RunStore::Details details = RunStore::Details::All);

// runs read from elsewhere (a remote): keeps those matching `filter`, whose
// run references resolve among them.
void filter_runs(std::vector<Run>& runs, const std::string& filter);

// The run of `runs` that `ref` names (id, id prefix of 4 or more, name, or
// NAME@USER); Error(Input) naming `where` when none or several match.
std::size_t find_run(const std::vector<const Run*>& runs, const std::string& ref, const std::string& where);

// Stable sort by a field: numbers as numbers, before text; runs without the
// field last, whatever the direction.
void sort_runs(std::vector<Run>& runs, const RunField& key, bool desc);

// The field `name` names (metrics.acc, params.lr, started...); Error(Usage)
// naming `option` (--sort) otherwise.
RunField field_named(const std::string& name, const std::string& option);
// What a runs table must read: tags only when the filter, columns or sort name them.
RunStore::Details details_for(const std::string& filter, const std::string& columns, const std::string& sort);
// select_runs, then sort_runs by the field `sort` names (empty: newest first);
// Error(Usage) naming `option` for an unknown field, before any run is read.
std::vector<Run> select_sorted_runs(RunStore& store, const std::string& filter, const std::string& sort, bool desc,
                                    RunStore::Details details, const std::string& option);

// The run with the best value of a field for `goal` (the first of equals);
// nullopt when no run has it.
std::optional<std::size_t> best_run(const std::vector<Run>& runs, const RunField& f, Goal goal);
// The best value of a metric field, its goal taken from the metric's name.
std::optional<double> best_value(const std::vector<Run>& runs, const RunField& f);
// For each column, the best value among two runs or more (metric columns;
// nullopt for others): what a table marks with ★.
std::vector<std::optional<double>> best_values(const std::vector<Run>& runs, const std::vector<RunField>& cols);
// The same, with every metric column's values read once, run by run, for a
// table that shows them all.
struct MetricColumns {
  MetricColumns(const std::vector<Run>& runs, const std::vector<RunField>& cols);
  std::vector<std::vector<std::optional<double>>> values;  // [column][run]; empty for other columns
  std::vector<std::optional<double>> best;                 // as best_values
};

// exp list's columns: `spec` is comma-separated field names and wildcards
// (params.*, metrics.*, best.*, tags.*); empty is the default set (the run's
// facts, every param, every metric, and best.KEY where some run's best step
// is not its last). Error(Usage) naming an unknown column.
std::vector<RunField> run_columns(const std::vector<Run>& runs, const std::string& spec);

// exp compare: a row per param and per metric of any of the runs.
struct CompareRow {
  std::string key;   // params.KEY or metrics.KEY
  bool metric = false;
  std::vector<std::optional<std::string>> text;  // params: each run's value
  std::vector<std::optional<double>> number;     // metrics: each run's last value
  std::set<std::size_t> best;                    // metrics, two runs or more: the runs with the best value
  bool differs() const;
};
std::vector<CompareRow> compare_runs(const std::vector<Run>& runs);

// exp diff: what changed from `from` to `to` (params, then metrics, tags and
// data versions, then the commit); with `all`, unchanged keys too.
struct RunChange {
  std::string key;
  bool metric = false;
  std::optional<std::string> old_text, new_text;  // not metrics
  std::optional<double> old_number, new_number;   // metrics
  std::optional<double> delta;                    // metrics both runs have
  bool improved() const;                          // the delta goes the metric's way
};
std::vector<RunChange> diff_runs(const Run& from, const Run& to, bool all);

}  // namespace mlops

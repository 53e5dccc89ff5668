#pragma once
// The runs pages of mlops ui and their sections in report.html: the runs
// table (exp list's filter language, sort, columns and best marks, in pages),
// one run (params, metrics charted, tags, data, artifacts, log, diff) and
// runs compared. HTML only; every recorded string is escaped.
#include <cstddef>
#include <string>
#include <vector>

#include "exp/run_store.hpp"
#include "ui/html_page.hpp"

namespace mlops {

class Repo;

struct RunsQuery {
  std::string filter, sort, columns;
  bool desc = false;
  std::size_t page = 1, per = 100;  // per 0: every run on one page
};

// The filter and columns form above the runs table.
std::string runs_filter_form(const RunsQuery& q);
// Error(Usage) for a bad filter, sort field or column list.
std::string runs_view(RunStore& store, const RunsQuery& q, const UiLinks& links);

// Points a chart of one metric keeps (downsample.hpp).
constexpr std::size_t kChartPoints = 1000;

// One chart (SVG) of a metric of several runs, over steps or over seconds
// since each run started; empty when no run has a point.
std::string metric_chart(RunStore& store, const std::vector<const Run*>& runs, const std::string& key, bool by_time);

std::string run_view(Repo& repo, const Run& r, const UiLinks& links, bool by_time);

std::string compare_view(RunStore& store, const std::vector<Run>& runs, const UiLinks& links);

}  // namespace mlops

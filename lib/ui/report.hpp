#pragma once
// mlops report: the ui's views as one self-contained HTML file (no server, no
// script, nothing fetched: fit to open from disk or attach to a CI job), or
// as GitHub-flavoured Markdown for $GITHUB_STEP_SUMMARY and pull requests.
#include <cstddef>
#include <string>

namespace mlops {

class Repo;

struct ReportOptions {
  std::string filter;            // exp list's filter language; empty: every run
  std::string columns;           // exp list's --columns; empty: its default
  bool models = false, pipeline = false;
  std::size_t detailed_runs = 10;  // the first runs (in `sort` order) shown in full and charted together
  std::string sort;                // a run field; empty: newest first
  bool desc = false;
  std::size_t md_rows = 100;       // --md: rows of the runs table (GitHub comments hold 65,536 characters)
  std::string rev;               // --pipeline: params and metrics against it (HEAD when empty)
};

std::string report_html(Repo& repo, const ReportOptions& opt);
std::string report_markdown(Repo& repo, const ReportOptions& opt);

}  // namespace mlops

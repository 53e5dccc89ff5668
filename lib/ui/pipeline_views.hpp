#pragma once
// The pipeline and data pages of mlops ui and their sections in report.html:
// the DAG drawn (SVG), each stage up to date or stale and why, the params and
// metrics files against a revision; tracked data with sizes, and what changed
// in it between two revisions.
#include <optional>
#include <string>

#include "ui/html_page.hpp"

namespace mlops {

class Repo;

// `rev`: the revision the params and metrics are compared with (HEAD when empty).
std::string pipeline_view(Repo& repo, const std::string& rev);

// `from`/`to`: the revisions diffed (to nullopt: the workspace); from empty: no diff.
std::string data_view(Repo& repo, const std::string& from, const std::optional<std::string>& to, const UiLinks& links);

}  // namespace mlops

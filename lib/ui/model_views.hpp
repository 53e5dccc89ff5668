#pragma once
// The models page of mlops ui and its section in report.html: each model's
// versions with stages and aliases, lineage back to the run, data and commit
// that made them, and the history of what happened to them.
#include <string>

#include "ui/html_page.hpp"

namespace mlops {

class Repo;

std::string models_view(Repo& repo, const UiLinks& links);

}  // namespace mlops

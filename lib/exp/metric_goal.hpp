#pragma once
// Which way a metric improves. Names that read as a cost (loss, error, mse,
// rmse, mae, perplexity, latency, time…) are minimised, anything else
// (acc, f1, auc, …) maximised; commands take --min/--max to say otherwise.
#include <string>

namespace mlops {

enum class Goal { Min, Max };

Goal default_goal(const std::string& metric);
const char* goal_name(Goal g);  // "min" / "max"
// True when `a` is better than `b` for the goal.
inline bool better(Goal g, double a, double b) { return g == Goal::Min ? a < b : a > b; }

}  // namespace mlops

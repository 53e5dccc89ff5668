#include "exp/metric_goal.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace mlops {

Goal default_goal(const std::string& metric) {
  std::string name = metric.substr(metric.rfind('.') == std::string::npos ? 0 : metric.rfind('.') + 1);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::array<std::string_view, 12> kCosts = {"loss", "error", "err",  "mse",     "mae",  "rmse",
                                                              "mape", "perplexity", "ppl", "latency", "time", "wer"};
  for (auto cost : kCosts) {
    auto at = name.find(cost);
    if (at == std::string::npos) continue;
    // A whole word of the name: "val_loss", "loss", "error_rate"; not "terror" or "timely".
    bool start = at == 0 || !std::isalpha(static_cast<unsigned char>(name[at - 1]));
    bool end = at + cost.size() == name.size() || !std::isalpha(static_cast<unsigned char>(name[at + cost.size()]));
    if (start && end) return Goal::Min;
  }
  return Goal::Max;
}

const char* goal_name(Goal g) { return g == Goal::Min ? "min" : "max"; }

}  // namespace mlops

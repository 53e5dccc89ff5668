#include "core/suggest.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace mlops {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows: the one before the previous is needed for swaps.
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> similar_words(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = word.size() <= 3 ? 1 : 2;
  std::vector<std::pair<std::size_t, std::string>> close;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d <= limit) close.emplace_back(d, c);
    else if (word.size() >= 3 && c.compare(0, word.size(), word) == 0) close.emplace_back(limit + 1, c);
  }
  std::stable_sort(close.begin(), close.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& [d, c] : close) out.push_back(std::move(c));
  return out;
}

}  // namespace mlops

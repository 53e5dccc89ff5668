#include "ui/downsample.hpp"

#include <cmath>

namespace mlops {

std::vector<std::size_t> lttb_indices(const std::vector<double>& x, const std::vector<double>& y, std::size_t max) {
  std::size_t n = std::min(x.size(), y.size());
  std::vector<std::size_t> keep;
  if (n <= max || max < 3) {
    for (std::size_t i = 0; i < n; ++i) keep.push_back(i);
    return keep;
  }
  keep.reserve(max);
  keep.push_back(0);
  // max - 2 buckets over the points between the first and the last.
  double every = static_cast<double>(n - 2) / static_cast<double>(max - 2);
  std::size_t a = 0;
  for (std::size_t b = 0; b < max - 2; ++b) {
    auto lo = static_cast<std::size_t>(std::floor(static_cast<double>(b) * every)) + 1;
    auto hi = std::min(static_cast<std::size_t>(std::floor(static_cast<double>(b + 1) * every)) + 1, n - 1);
    // The next bucket's mean (the last point for the last bucket).
    auto nlo = hi, nhi = std::min(static_cast<std::size_t>(std::floor(static_cast<double>(b + 2) * every)) + 1, n);
    if (nlo >= nhi) nlo = n - 1, nhi = n;
    double mx = 0, my = 0;
    for (std::size_t i = nlo; i < nhi; ++i) mx += x[i], my += y[i];
    mx /= static_cast<double>(nhi - nlo);
    my /= static_cast<double>(nhi - nlo);
    std::size_t best = lo;
    double best_area = -1;
    for (std::size_t i = lo; i < hi; ++i) {
      double area = std::abs((x[a] - mx) * (y[i] - y[a]) - (x[a] - x[i]) * (my - y[a]));
      if (std::isnan(area)) area = 0;  // a NaN point is kept only when nothing else is there
      if (area > best_area) best_area = area, best = i;
    }
    keep.push_back(best);
    a = best;
  }
  keep.push_back(n - 1);
  return keep;
}

void downsample(std::vector<double>& x, std::vector<double>& y, std::size_t max) {
  auto keep = lttb_indices(x, y, max);
  if (keep.size() == std::min(x.size(), y.size())) return;
  std::vector<double> nx, ny;
  nx.reserve(keep.size());
  ny.reserve(keep.size());
  for (auto i : keep) nx.push_back(x[i]), ny.push_back(y[i]);
  x.swap(nx);
  y.swap(ny);
}

}  // namespace mlops

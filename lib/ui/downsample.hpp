#pragma once
// Fewer points with the same shape, for charts of long metrics: a page with a
// 1,000,000-step metric gets some 1,000 points, chosen by
// Largest-Triangle-Three-Buckets (Steinarsson, 2013): the first and last
// points kept, and from each bucket between them the point that makes the
// largest triangle with the point kept before it and the next bucket's mean.
// Peaks and dips survive; a plain stride would drop them.
#include <cstddef>
#include <vector>

namespace mlops {

// Indices of the points to keep, ascending; every index when x.size() <= max
// (or max < 3).
std::vector<std::size_t> lttb_indices(const std::vector<double>& x, const std::vector<double>& y, std::size_t max);

// x and y reduced in place to those points.
void downsample(std::vector<double>& x, std::vector<double>& y, std::size_t max);

}  // namespace mlops

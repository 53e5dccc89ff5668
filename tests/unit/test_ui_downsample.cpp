#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "ui/downsample.hpp"

TEST_CASE("lttb_indices: short series kept whole; long ones cut to max with both ends and the peaks") {
  std::vector<double> x, y;
  for (int i = 0; i < 10; ++i) x.push_back(i), y.push_back(i * i);
  CHECK(mlops::lttb_indices(x, y, 10).size() == 10);
  CHECK(mlops::lttb_indices(x, y, 2).size() == 10);  // under 3: nothing to choose between

  x.clear(), y.clear();
  for (int i = 0; i < 1000000; ++i) x.push_back(i), y.push_back(std::sin(i / 1000.0));
  y[654321] = 50;   // a spike
  y[123456] = -50;  // a dip
  auto keep = mlops::lttb_indices(x, y, 1000);
  REQUIRE(keep.size() == 1000);
  CHECK(keep.front() == 0);
  CHECK(keep.back() == 999999);
  for (std::size_t i = 1; i < keep.size(); ++i) CHECK(keep[i] > keep[i - 1]);
  CHECK(std::find(keep.begin(), keep.end(), 654321) != keep.end());
  CHECK(std::find(keep.begin(), keep.end(), 123456) != keep.end());

  std::vector<double> nx = x, ny = y;
  mlops::downsample(nx, ny, 1000);
  CHECK(nx.size() == 1000);
  CHECK(ny.size() == 1000);
  CHECK(ny[0] == y[0]);
}

TEST_CASE("lttb_indices: NaN values do not break the choice") {
  std::vector<double> x, y;
  for (int i = 0; i < 100; ++i) x.push_back(i), y.push_back(i % 7 == 0 ? NAN : i);
  auto keep = mlops::lttb_indices(x, y, 10);
  CHECK(keep.size() == 10);
  CHECK(keep.back() == 99);
}

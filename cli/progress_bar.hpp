#pragma once
// Draws a Progress on stderr, only on a terminal, only once work has gone on for
// about a second; never on a pipe or with -q.
#include <atomic>
#include <string>
#include <thread>

#include "core/progress.hpp"

namespace mlops::cli {

class ProgressBar {
public:
  ProgressBar(std::string label, bool quiet);
  ~ProgressBar();
  Progress* get() { return &progress_; }

private:
  void draw(double elapsed);
  Progress progress_;
  std::string label_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  bool drawn_ = false;
};

}  // namespace mlops::cli

#include "progress_bar.hpp"

#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "output.hpp"

namespace mlops::cli {

ProgressBar::ProgressBar(std::string label, bool quiet) : label_(std::move(label)) {
  if (quiet || !::isatty(STDERR_FILENO)) return;
  thread_ = std::thread([this] {
    auto start = std::chrono::steady_clock::now();
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (elapsed >= 1.0 && !stop_.load()) draw(elapsed);
    }
  });
}

ProgressBar::~ProgressBar() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (drawn_) note("\r\033[K");
}

void ProgressBar::draw(double elapsed) {
  auto files = progress_.files_done.load(), files_total = progress_.files_total.load();
  auto bytes = progress_.bytes_done.load(), bytes_total = progress_.bytes_total.load();
  int pct = bytes_total ? static_cast<int>(100.0 * static_cast<double>(bytes) / static_cast<double>(bytes_total))
                        : (files_total ? static_cast<int>(100 * files / files_total) : 0);
  constexpr int kWidth = 24;
  int fill = pct * kWidth / 100;
  std::string bar = std::string(static_cast<std::size_t>(fill), '#') + std::string(static_cast<std::size_t>(kWidth - fill), '.');
  note("\r\033[K{} [{}] {:3}%  {}/{} files  {}/{}  {}/s", label_, bar, pct, files, files_total,
             human_size(bytes), human_size(bytes_total),
             human_size(static_cast<std::uint64_t>(static_cast<double>(bytes) / elapsed)));
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace mlops::cli

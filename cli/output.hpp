#pragma once
// Printing helpers shared by every command: sizes, tables, JSON, colour.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace mlops::cli {

// A message on standard error. That it cannot be written (a closed pipe, a
// full disk) is no reason to stop the work it reports on, as in git: the
// failure is ignored.
template <typename... Args>
void note(fmt::format_string<Args...> f, Args&&... args) {
  std::string text = fmt::format(f, std::forward<Args>(args)...);
  (void)std::fwrite(text.data(), 1, text.size(), stderr);
}

// 1536 -> "1.5 KiB".
std::string human_size(std::uint64_t bytes);
// "1 file" / "3 files".
std::string plural(std::uint64_t n, const char* one, const char* many);

// Colour only on a terminal, and never with NO_COLOR set.
bool use_colour();
std::string paint(const std::string& s, const char* ansi);

// Pretty JSON text. Bytes that are not UTF-8 (in a run recorded before mlops
// refused them, say) become U+FFFD rather than an error.
std::string json_text(const nlohmann::json& j);
void print_json(const nlohmann::json& j);
// Columns a string takes on a terminal: code points, colour sequences skipped.
std::size_t display_width(const std::string& s);
// The terminal's width in columns (stdout), else $COLUMNS, else 80.
int terminal_width();

// Fitting a table to a width: columns are left out, those of `drop_first`
// first (in that order), then from the right, never the first `keep` columns.
struct TableFit {
  std::size_t width = 0;  // 0: print every column
  std::vector<std::size_t> drop_first;
  std::size_t keep = 1;
};

// Columns aligned by their widest cell; the header is printed in bold on a TTY.
class Table {
public:
  using Fit = TableFit;
  explicit Table(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  // Returns how many columns were left out; `shown` (when given): which were not.
  std::size_t print(const Fit& fit = Fit(), std::vector<bool>* shown = nullptr) const;
  // The table in GitHub-flavoured Markdown (for $GITHUB_STEP_SUMMARY or a pull
  // request comment): cells escaped, colour left out, every column kept.
  std::string markdown() const;

private:
  std::vector<std::vector<std::string>> rows_;
};

// Hands a large result (thousands of runs, a table of their cells) to the
// process exit to reclaim: freeing it node by node costs ~10 ms that exiting
// does not. It stays reachable, so leak checkers do not count it.
template <class T>
void leave_to_exit(T&& value) {
  static auto* kept = new std::vector<std::shared_ptr<void>>();  // never destroyed, on purpose
  kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(value)));
}

// "To track the changes with git, run: git add …" style hints.
void print_git_hint(const std::vector<std::string>& files, bool stage_removals);

}  // namespace mlops::cli

#include "output.hpp"

#include "core/text.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <system_error>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/json_number.hpp"

namespace mlops::cli {

std::string human_size(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 5) v /= 1024, ++u;
  return fmt::format("{:.1f} {}", v, units[u]);
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

bool use_colour() {
  static const bool on = [] {
    const char* nc = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return ::isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && std::strcmp(term, "dumb") == 0);
  }();
  return on;
}

std::string paint(const std::string& s, const char* ansi) {
  return use_colour() ? fmt::format("\033[{}m{}\033[0m", ansi, s) : s;
}

int terminal_width() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS"); c && std::atoi(c) > 0) return std::atoi(c);
  return 80;
}

std::string json_text(const nlohmann::json& j) { return json_dump(j, 2); }

void print_json(const nlohmann::json& j) { fmt::print("{}\n", json_text(j)); }

Table::Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }

void Table::add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033') {  // an ANSI colour sequence takes no room
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    w += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;  // count code points, not UTF-8 bytes
  }
  return w;
}

std::string Table::markdown() const {
  std::vector<std::vector<std::string>> plain;  // colour sequences (ESC [ ... m) left out
  for (const auto& row : rows_) {
    plain.emplace_back();
    for (const auto& cell : row) {
      std::string text;
      for (std::size_t i = 0; i < cell.size(); ++i) {
        // Only the colour sequences paint() writes (ESC [ digits ; m); any
        // other escape byte stays, for markdown_cell to show escaped.
        std::size_t j = i + 1;
        if (cell[i] == '\033' && j < cell.size() && cell[j] == '[') {
          ++j;
          while (j < cell.size() && (std::isdigit(static_cast<unsigned char>(cell[j])) || cell[j] == ';')) ++j;
          if (j < cell.size() && cell[j] == 'm') {
            i = j;
            continue;
          }
        }
        text += cell[i];
      }
      plain.back().push_back(std::move(text));
    }
  }
  return markdown_table(plain);
}

std::size_t Table::print(const Fit& fit, std::vector<bool>* shown_out) const {
  // Every cell's width is measured once; the lines go out in large writes
  // (a table of thousands of runs is most of what `exp list` does).
  std::vector<std::size_t> width;
  std::vector<std::uint32_t> cell_width;
  cell_width.reserve(rows_.size() * rows_[0].size());
  for (const auto& r : rows_)
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      cell_width.push_back(static_cast<std::uint32_t>(display_width(r[c])));
      width[c] = std::max<std::size_t>(width[c], cell_width.back());
    }
  // Which columns fit: two spaces between columns.
  std::vector<bool> shown(width.size(), true);
  std::size_t hidden = 0;
  if (fit.width) {
    auto total = [&] {
      std::size_t sum = 0, n = 0;
      for (std::size_t c = 0; c < width.size(); ++c)
        if (shown[c]) sum += width[c], ++n;
      return sum + (n ? 2 * (n - 1) : 0);
    };
    std::vector<std::size_t> order = fit.drop_first;
    for (std::size_t c = width.size(); c-- > 0;) order.push_back(c);
    for (std::size_t c : order) {
      if (total() <= fit.width) break;
      if (c < fit.keep || c >= shown.size() || !shown[c]) continue;
      shown[c] = false;
      ++hidden;
    }
  }
  if (shown_out) *shown_out = shown;
  std::size_t last_shown = 0;
  for (std::size_t c = 0; c < shown.size(); ++c)
    if (shown[c]) last_shown = c;
  std::string out;
  auto flush = [&out] {
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size())
      throw std::system_error(errno, std::generic_category());  // main reports a write failure on stdout
    out.clear();
  };
  std::size_t k = 0;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    std::string line;
    for (std::size_t c = 0; c < rows_[i].size(); ++c, ++k) {
      if (c < shown.size() && !shown[c]) continue;
      line += rows_[i][c];
      if (c < last_shown) line.append(width[c] - cell_width[k] + 2, ' ');
    }
    out += i == 0 ? paint(line, "1") : line;
    out += '\n';
    if (out.size() >= (1u << 16)) flush();
  }
  flush();
  return hidden;
}

void print_git_hint(const std::vector<std::string>& files, bool stage_removals) {
  if (files.empty()) return;
  std::string list;
  std::vector<std::string> seen;
  for (const auto& f : files) {
    if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
    seen.push_back(f);
    list += " " + f;
  }
  fmt::print("\nTo record this in git, run:\n\n    git add{}{}\n\n", stage_removals ? " -A" : "", list);
}

}  // namespace mlops::cli

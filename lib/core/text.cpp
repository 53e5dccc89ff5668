#include "core/text.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "core/error.hpp"

namespace mlops {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
static std::size_t utf8_seq_len(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  char32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Reject overlong forms, surrogates and values past U+10FFFF.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return n;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_seq_len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string printable_path(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = utf8_seq_len(s, i);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool has_control_chars(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::size_t unsafe_char_at(std::string_view s, std::size_t i, bool newlines) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x20) return newlines && (b0 == '\n' || b0 == '\t') ? 0 : 1;
  if (b0 == 0x7f) return 1;
  auto b1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
  if (b0 == 0xc2 && b1 >= 0x80 && b1 <= 0x9f) return 2;
  if (b0 == 0xe2 && i + 2 < s.size()) {
    auto b2 = static_cast<unsigned char>(s[i + 2]);
    if ((b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) || (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9)) return 3;
  }
  return 0;
}

std::string escaped_text(std::string_view s, bool lines) {
  bool clean = is_valid_utf8(s);
  for (std::size_t i = 0; clean && i < s.size(); ++i) clean = unsafe_char_at(s, i, lines) == 0;
  if (clean) return std::string(s);
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = utf8_seq_len(s, i);
    std::size_t bad = n == 0 ? 1 : unsafe_char_at(s, i, lines);
    if (bad == 0 && n > 0 && c != '\\') {
      out.append(s.substr(i, n));
      i += n;
    } else if (c == '\\') {  // doubled, so that the escaped text reads back unambiguously
      out += "\\\\";
      ++i;
    } else if (n == 0 || (bad == 1 && c < 0x80)) {
      out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : c == '\r' ? std::string("\\r")
                                                                                 : fmt::format("\\x{:02x}", c);
      ++i;
    } else if (bad > 1) {  // a C1 control or an override: its code point
      auto b = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(s[i + k])); };
      unsigned cp = bad == 2 ? ((b(0) & 0x1f) << 6) | (b(1) & 0x3f) : ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
      out += fmt::format("\\u{:04x}", cp);
      i += bad;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_seq_len(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (s[i++]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: {
        // Control bytes are not XML (SVG), and act on a terminal that shows the page.
        unsigned char c = static_cast<unsigned char>(s[i - 1]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) out += "\xef\xbf\xbd";
        else out += s[i - 1];
      }
    }
  }
  return out;
}

std::string markdown_cell(std::string_view s) {
  std::string out;
  for (char c : escaped_text(s, true)) {
    if (c == '&') out += "&amp;";
    else if (c == '\n') out += "<br>";
    else if (std::string_view("\\`*_[]<>|~").find(c) != std::string_view::npos) out += '\\', out += c;
    else out += c;
  }
  return out;
}

std::string markdown_table(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return {};
  std::size_t n = rows[0].size();
  auto line = [n](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (std::size_t c = 0; c < n; ++c) out += " " + markdown_cell(c < cells.size() ? cells[c] : std::string()) + " |";
    return out + "\n";
  };
  std::string out = line(rows[0]) + "|";
  for (std::size_t c = 0; c < n; ++c) out += " --- |";
  out += "\n";
  for (std::size_t r = 1; r < rows.size(); ++r) out += line(rows[r]);
  return out;
}

std::string uri_encode(std::string_view s, bool encode_slash) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encode_slash))
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string substitute_vars(std::string_view text, const std::function<std::string(const std::string&)>& value,
                            const std::function<void()>& unclosed, bool backslash_escapes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto open = text.find("${", i);
    if (open == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    if (backslash_escapes && open > 0 && text[open - 1] == '\\') {
      out += text.substr(i, open - 1 - i);
      out += "${";
      i = open + 2;
      continue;
    }
    out += text.substr(i, open - i);
    auto close = text.find('}', open);
    if (close == std::string_view::npos) {
      unclosed();
      out += text.substr(open);
      break;
    }
    out += value(std::string(text.substr(open + 2, close - open - 2)));
    i = close + 1;
  }
  return out;
}

std::string list_some(const std::vector<std::string>& items, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out += "\n  " + items[i];
  if (items.size() > max) out += fmt::format("\n  … and {} more", items.size() - max);
  return out;
}

std::int64_t parse_duration_ms(const std::string& text, const std::string& what) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = unit == "d" ? 86400000 : unit == "h" ? 3600000 : unit == "m" ? 60000 : unit == "s" ? 1000
                       : (unit.empty() && n == 0) ? 1 : 0;
  if (ec != std::errc() || n < 0 || scale == 0 || n > INT64_MAX / scale)
    fail(ExitCode::Usage, "{}: '{}' is not a duration (such as 30d, 12h, 90m, 45s or 0)", what, text);
  return n * scale;
}

bool is_lower_hex(std::string_view s, std::size_t len) {
  if (s.size() != len) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return *end == '\0' ? std::optional<double>(v) : std::nullopt;
}

}  // namespace mlops

namespace mlops {

bool is_safe_relative_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || has_control_chars(p) || !is_valid_utf8(p)) return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    auto end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    auto part = p.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

}  // namespace mlops

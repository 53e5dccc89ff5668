#include "repo/config_reader.hpp"

#include <cctype>

#include "core/error.hpp"

namespace mlops {

std::optional<std::string> ConfigEntries::last(std::string_view name) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (it->first == name) return it->second;
  return std::nullopt;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

class Parser {
public:
  Parser(std::string_view text, std::string_view source) : t_(text), source_(source) {}

  ConfigEntries run() {
    ConfigEntries out;
    std::string section;  // "core" or "remote.origin"
    while (pos_ < t_.size()) {
      skip_blanks();
      if (pos_ >= t_.size()) break;
      char c = t_[pos_];
      if (c == '\n') {
        next_line();
      } else if (c == '#' || c == ';') {
        skip_to_eol();
      } else if (c == '[') {
        section = parse_section();
        auto base = section.substr(0, section.find('.'));
        if (base == "include" || base == "includeif") out.has_includes = true;
      } else if (std::isalpha(static_cast<unsigned char>(c))) {
        if (section.empty()) bad("key outside of any section");
        std::string key = lower(parse_name());
        skip_blanks();
        std::string value;
        if (pos_ < t_.size() && t_[pos_] == '=') {
          ++pos_;
          value = parse_value();
        } else if (pos_ < t_.size() && t_[pos_] != '\n' && t_[pos_] != '#' && t_[pos_] != ';') {
          bad("expected '=' after the key");
        } else {
          value.clear();  // a bare key (boolean true in git); libgit2 lists it with no value
          skip_to_eol();
        }
        out.entries.emplace_back(section + "." + key, std::move(value));
      } else {
        bad(fmt::format("unexpected character '{}'", c));
      }
    }
    return out;
  }

private:
  [[noreturn]] void bad(std::string_view why) const {
    throw Error(ExitCode::Repo, fmt::format("{}:{}: invalid config: {}", source_, line_, why),
                "fix the file by hand, or remove the broken line");
  }
  void skip_blanks() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\r')) ++pos_;
  }
  void skip_to_eol() {
    while (pos_ < t_.size() && t_[pos_] != '\n') ++pos_;
  }
  void next_line() {
    ++pos_;
    ++line_;
  }
  std::string parse_name() {
    std::size_t start = pos_;
    while (pos_ < t_.size() && is_name_char(t_[pos_])) ++pos_;
    return std::string(t_.substr(start, pos_ - start));
  }
  std::string parse_section() {
    ++pos_;  // '['
    std::size_t start = pos_;
    while (pos_ < t_.size() && (is_name_char(t_[pos_]) || t_[pos_] == '.')) ++pos_;
    if (pos_ == start) bad("empty section name");
    std::string name = lower(t_.substr(start, pos_ - start));
    skip_blanks();
    if (pos_ < t_.size() && t_[pos_] == '"') {  // [section "subsection"]: case kept
      ++pos_;
      std::string sub;
      while (pos_ < t_.size() && t_[pos_] != '"') {
        if (t_[pos_] == '\n') bad("unterminated subsection name");
        if (t_[pos_] == '\\' && pos_ + 1 < t_.size()) ++pos_;
        sub += t_[pos_++];
      }
      if (pos_ >= t_.size()) bad("unterminated subsection name");
      ++pos_;
      name += "." + sub;
    }
    if (pos_ >= t_.size() || t_[pos_] != ']') bad("expected ']' to close the section header");
    ++pos_;
    return name;
  }
  std::string parse_value() {
    std::string v;
    bool quoted = false;
    std::size_t trailing_ws_keep = 0;  // length of v up to the last non-blank outside quotes
    skip_blanks();
    while (pos_ < t_.size()) {
      char c = t_[pos_];
      if (c == '\n') {
        if (quoted) bad("unterminated quoted value");
        break;
      }
      if (!quoted && (c == '#' || c == ';')) {
        skip_to_eol();
        break;
      }
      ++pos_;
      if (c == '"') {
        quoted = !quoted;
        trailing_ws_keep = v.size();
        continue;
      }
      if (c == '\\') {
        if (pos_ >= t_.size()) bad("backslash at end of file");
        char e = t_[pos_++];
        switch (e) {
          case '\n': ++line_; continue;  // continuation line
          case 'n': v += '\n'; break;
          case 't': v += '\t'; break;
          case 'b': if (!v.empty()) v.pop_back(); break;
          case '"': v += '"'; break;
          case '\\': v += '\\'; break;
          default: bad(fmt::format("unknown escape '\\{}'", e));
        }
        trailing_ws_keep = v.size();
        continue;
      }
      v += c;
      if (quoted || (c != ' ' && c != '\t' && c != '\r')) trailing_ws_keep = v.size();
    }
    if (quoted) bad("unterminated quoted value");
    v.resize(trailing_ws_keep);
    return v;
  }

  std::string_view t_;
  std::string_view source_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

ConfigEntries parse_git_config(std::string_view text, std::string_view source) { return Parser(text, source).run(); }

}  // namespace mlops

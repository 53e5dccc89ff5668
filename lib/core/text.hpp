#pragma once
// Small text checks shared by every parser and by the path checks.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

bool is_valid_utf8(std::string_view s);
// A file name printable in messages, JSON and YAML: bytes that are not valid
// UTF-8, and control characters, shown as \xNN.
std::string printable_path(std::string_view s);
// True when s has a byte below 0x20 or 0x7f (newlines would break manifests).
bool has_control_chars(std::string_view s);
// The length of a character at s[i] that text shown to people must not hold:
// a control character (but '\n' and '\t' with `newlines`), a C1 control
// (U+0080-U+009F, some terminals act on them) or a bidirectional override
// (it makes text read other than it is); 0 when s[i] starts none. s is UTF-8.
std::size_t unsafe_char_at(std::string_view s, std::size_t i, bool newlines);
// s with every byte that is not UTF-8 and every unsafe character escaped
// (\n, \t, \r, \xNN, \uNNNN, and then every backslash doubled), so that
// it passes the checks shown text gets and reads back unambiguously; s
// itself, backslashes and all, when it has nothing to escape.
// With `lines`, newlines and tabs are kept (messages of several lines).
std::string escaped_text(std::string_view s, bool lines = false);
bool starts_with(std::string_view s, std::string_view prefix);
// Text for HTML or SVG, in an element or a quoted attribute: & < > " ' as
// entities, bytes that are not UTF-8 and control bytes (but tab and newline)
// as U+FFFD (a page must not break on a run recorded with them).
std::string html_escape(std::string_view s);
// A cell of a GitHub-flavoured Markdown table: ASCII punctuation that
// Markdown or HTML would read (| * _ ` < > [ ] \ and more) backslash-escaped,
// & as an entity, line breaks as <br>, control characters and bytes that
// are not UTF-8 escaped as escaped_text does.
std::string markdown_cell(std::string_view s);
// A GitHub-flavoured Markdown table: rows[0] is the header; every cell
// escaped with markdown_cell.
std::string markdown_table(const std::vector<std::vector<std::string>>& rows);
// RFC 3986 percent-encoding (as SigV4 and URLs' query strings want it):
// unreserved characters kept, everything else %XX (upper case); '/' kept
// unless encode_slash.
std::string uri_encode(std::string_view s, bool encode_slash);
// "30d", "12h", "90m", "45s", "0" in ms; Error(Usage) naming `what` otherwise.
std::int64_t parse_duration_ms(const std::string& text, const std::string& what);
// True when s is exactly `len` lowercase hex digits (object and run ids).
bool is_lower_hex(std::string_view s, std::size_t len);
// The whole of s as a number (strtod's syntax); nullopt when empty or when
// anything else follows the number.
std::optional<double> parse_number(const std::string& s);

// The lines of `text`, without their '\n' (a last line without one counts;
// nothing follows a final '\n'). Views into `text`.
std::vector<std::string_view> split_lines(std::string_view text);

// Each ${NAME} of `text` replaced by value(NAME); the rest as it is. A "${"
// without its "}" calls `unclosed` (which may throw) and stays as it is.
// With `backslash_escapes`, "\${" is a literal "${" (DVC's rule).
std::string substitute_vars(std::string_view text, const std::function<std::string(const std::string&)>& value,
                            const std::function<void()>& unclosed, bool backslash_escapes = false);

// "\n  a\n  b … and N more": the first `max` items of a list, for error messages.
std::string list_some(const std::vector<std::string>& items, std::size_t max = 10);

}  // namespace mlops

namespace mlops {
// A repository-relative path that is safe to write: not empty, not absolute, no
// "." or ".." or empty components, no control characters, valid UTF-8.
bool is_safe_relative_path(std::string_view p);
}  // namespace mlops

#include <doctest/doctest.h>

#include "core/text.hpp"

using namespace mlops;

TEST_CASE("UTF-8 validation") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xe6\x97"));          // truncated
  CHECK(printable_path("a\xff" "b\n") == "a\\xffb\\x0a");
}

TEST_CASE("safe relative paths") {
  CHECK(is_safe_relative_path("data/train.csv"));
  CHECK(is_safe_relative_path("with space/and+plus=~%"));
  CHECK_FALSE(is_safe_relative_path(""));
  CHECK_FALSE(is_safe_relative_path("/etc/passwd"));
  CHECK_FALSE(is_safe_relative_path("../x"));
  CHECK_FALSE(is_safe_relative_path("a/../../x"));
  CHECK_FALSE(is_safe_relative_path("a//b"));
  CHECK_FALSE(is_safe_relative_path("a/./b"));
  CHECK_FALSE(is_safe_relative_path("a/"));
  CHECK_FALSE(is_safe_relative_path("new\nline"));
  CHECK_FALSE(is_safe_relative_path("bad\xff"));
}

#include "core/suggest.hpp"

TEST_CASE("similar_words: close spellings and prefixes, closest first") {
  using mlops::similar_words;
  std::vector<std::string> cmds = {"add", "status", "checkout", "run", "rm", "remote", "exp", "push", "pull"};
  CHECK(mlops::edit_distance("stauts", "status") == 1);  // one swap
  CHECK(mlops::edit_distance("chekout", "checkout") == 1);
  CHECK(mlops::edit_distance("ab", "ba") == 1);  // a swap is one edit
  CHECK(similar_words("stauts", cmds) == std::vector<std::string>{"status"});
  CHECK(similar_words("pul", cmds) == std::vector<std::string>{"pull"});
  CHECK(similar_words("psh", cmds) == std::vector<std::string>{"push"});
  CHECK(similar_words("rem", cmds) == std::vector<std::string>{"rm", "remote"});
  CHECK(similar_words("xyzzy", cmds).empty());
}

TEST_CASE("split_lines: lines without their newline, a last line without one, empty lines kept") {
  using V = std::vector<std::string_view>;
  CHECK(mlops::split_lines("") == V{});
  CHECK(mlops::split_lines("a\nb\n") == V{"a", "b"});
  CHECK(mlops::split_lines("a\n\nb") == V{"a", "", "b"});
  CHECK(mlops::split_lines("\n") == V{""});
}

TEST_CASE("escaped_text: what shown text may not hold is escaped, the rest kept") {
  using mlops::escaped_text;
  CHECK(escaped_text("plain é text") == "plain é text");
  CHECK(escaped_text("two\nlines\tand\r") == "two\\nlines\\tand\\r");
  CHECK(escaped_text("bell\x07") == "bell\\x07");
  CHECK(escaped_text("C:\\new") == "C:\\new");                 // nothing to escape: as it is
  CHECK(escaped_text("C:\\new\n") == "C:\\\\new\\n");         // else backslashes doubled
  CHECK(escaped_text("bad \xff byte") == "bad \\xff byte");
  CHECK(escaped_text("c1 \xc2\x9b") == "c1 \\u009b");
  CHECK(escaped_text("rlo \xe2\x80\xae") == "rlo \\u202e");
  for (std::string s : {"a\nb", "\xe2\x81\xa6x", "\x7f"}) {
    std::string e = escaped_text(s);
    for (std::size_t i = 0; i < e.size(); ++i) CHECK(mlops::unsafe_char_at(e, i, false) == 0);
  }
}

TEST_CASE("html_escape: markup characters as entities, bytes that are not UTF-8 as U+FFFD") {
  using mlops::html_escape;
  CHECK(html_escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
  CHECK(html_escape("a&b \"q\" 'r'") == "a&amp;b &quot;q&quot; &#39;r&#39;");
  CHECK(html_escape("é ★") == "é ★");
  CHECK(html_escape("bad \xff") == "bad \xef\xbf\xbd");
  // Control bytes (not XML, and live on a terminal) too; tabs and newlines stay.
  CHECK(html_escape("a\x1b[31m\x07\x7f\tb\n") == "a\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd\tb\n");
}

TEST_CASE("markdown_cell and markdown_table: one cell stays one cell, markup stays text") {
  using mlops::markdown_cell;
  CHECK(markdown_cell("a|b") == "a\\|b");
  CHECK(markdown_cell("<b>x</b>") == "\\<b\\>x\\</b\\>");
  CHECK(markdown_cell("two\nlines") == "two<br>lines");
  CHECK(markdown_cell("a & b") == "a &amp; b");
  CHECK(markdown_cell("*x* _y_ `z`") == "\\*x\\* \\_y\\_ \\`z\\`");
  CHECK(markdown_cell("0.95") == "0.95");
  CHECK(mlops::markdown_table({{"K", "V"}, {"a", "1"}, {"b"}}) == "| K | V |\n| --- | --- |\n| a | 1 |\n| b |  |\n");
  CHECK(mlops::markdown_table({}).empty());
}

TEST_CASE("uri_encode: unreserved kept, the rest %XX") {
  CHECK(mlops::uri_encode("a b/c", true) == "a%20b%2Fc");
  CHECK(mlops::uri_encode("a b/c", false) == "a%20b/c");
}

#include "core/json_number.hpp"

TEST_CASE("append_json_string and append_json_number: what nlohmann reads back") {
  for (std::string s : {"plain", "q\"uote\\back", "ctl\x01\n\t", "é ★", "bad \xff"}) {
    std::string out;
    mlops::append_json_string(out, s);
    auto back = nlohmann::json::parse(out).get<std::string>();
    if (mlops::is_valid_utf8(s)) CHECK(back == s);
    else CHECK(back == "bad \xef\xbf\xbd");
  }
  for (double v : {0.1, 3.0, -2.5e-300, 1e300, 123456789012.0}) {
    std::string out;
    mlops::append_json_number(out, v);
    CHECK(nlohmann::json::parse(out).get<double>() == v);
  }
  std::string nan;
  mlops::append_json_number(nan, NAN);
  CHECK(nan == "\"NaN\"");
}

TEST_CASE("json_shape: nesting and members counted outside strings, stopped at the bound") {
  using mlops::json_shape, mlops::JsonShape;
  CHECK(json_shape(R"([{"a": [1, {"b": 2}]}])", 4, 10) == JsonShape::Within);
  CHECK(json_shape(R"([{"a": [1, {"b": 2}]}])", 3, 10) == JsonShape::TooDeep);
  CHECK(json_shape(R"({"s": "[[[[[[{{{{\"]]],,,,"})", 1, 1) == JsonShape::Within);  // inside a string
  CHECK(json_shape("[][][][]", 1, 1) == JsonShape::Within);
  CHECK(json_shape(std::string(100000, '['), 64, 10) == JsonShape::TooDeep);
  CHECK(json_shape(R"({"a": 1, "b": 2, "c": 3})", 4, 3) == JsonShape::Within);
  CHECK(json_shape(R"({"a": 1, "b": 2, "c": 3, "d": 4})", 4, 3) == JsonShape::TooWide);
  CHECK(json_shape("[1, 2, 3, 4, 5]", 4, 3) == JsonShape::Within);  // arrays are rows: not bounded here
  CHECK(json_shape(R"({"a": [1, 2, 3, 4], "b": {"x": 1}})", 4, 2) == JsonShape::Within);
}

#pragma once
// Metric values that JSON cannot hold. MLflow histories carry NaN and ±inf;
// JSON has no literal for them, and nlohmann writes them as null, which would
// read back as a missing value. Wherever mlops writes numbers as JSON (output,
// run pages, registry records) a non-finite value is the string "NaN",
// "Infinity" or "-Infinity" (JavaScript's names), and reads back as itself.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mlops {

nlohmann::json json_number(double v);
nlohmann::json json_numbers(const std::map<std::string, double>& values);
// A number, or one of the three strings; nullopt for anything else.
std::optional<double> number_from_json(const nlohmann::json& j);
// Replaces every non-finite number in `j` (at any depth) by its string.
void spell_non_finite(nlohmann::json& j);
// JSON text as mlops writes it: non-finite numbers spelled, bytes that are not
// UTF-8 as U+FFFD; indent -1 for one line.
std::string json_dump(const nlohmann::json& j, int indent = 2);
// Appends `s` as a JSON string (quoted; escapes as JSON requires; bytes that
// are not UTF-8 as U+FFFD), for answers written without building a tree.
void append_json_string(std::string& out, std::string_view s);
// Whether JSON text nests arrays and objects at most `max_depth` deep, and
// gives no object more than `max_members` members (strings skipped): text
// from elsewhere is checked before it is parsed, since writing a value back
// out recurses once a level, and an ordered object's keys are found by
// a search each (n keys cost n² to read).
enum class JsonShape { Within, TooDeep, TooWide };
JsonShape json_shape(std::string_view text, std::size_t max_depth, std::size_t max_members);
// Appends a number as mlops writes it (non-finite ones spelled).
void append_json_number(std::string& out, double v);

}  // namespace mlops

#pragma once
// "Did you mean …?": the candidates a mistyped word most likely meant.
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

// Optimal string alignment distance (Levenshtein plus adjacent swaps), bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates close to `word`, closest first: within two edits (one for
// words of up to three bytes), or starting with it when it has three or more
// bytes. Empty when nothing is close.
std::vector<std::string> similar_words(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mlops

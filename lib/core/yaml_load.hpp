#pragma once
// Loading YAML that arrives with a commit (params.yaml, mlops.yaml, mlops.lock,
// pointer files, metrics files). yaml-cpp shares the node an alias names, but
// every walk of the tree expands it again: ten anchors of ten aliases each
// (the "billion laughs") are 10^10 nodes to walk. Every such file is loaded
// here, and a document whose aliases expand past a bound is refused.
#include <cstdint>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/fs.hpp"

namespace mlops {

// Nodes that aliases may add to a document, all aliases together; a text
// counts a node per kYamlBytesPerNode bytes (so at most 64 MB of text).
constexpr std::uint64_t kMaxYamlAliasNodes = 1'000'000;
constexpr std::uint64_t kYamlBytesPerNode = 64;

// YAML::Load of the first document of `text`, with YAML 1.1 merge keys
// (`<<: *base`) applied, as Python's YAML readers apply them. Throws Error(Input)
// "SOURCE:LINE: ..." for aliases past the bound, an alias inside the node it
// names (a cycle) or a merge of something not a mapping; YAML::ParserException for malformed YAML, as YAML::Load does.
YAML::Node load_yaml(const std::string& text, std::string_view source);
// The same for a file; YAML::BadFile when it cannot be opened, as YAML::LoadFile.
YAML::Node load_yaml_file(const fs::path& file, std::string_view source);

}  // namespace mlops

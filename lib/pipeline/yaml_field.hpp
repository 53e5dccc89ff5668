#pragma once
// Reading a field of a YAML mapping safely: yaml-cpp throws on a missing key
// of a const node; this returns a null node instead.
#include <yaml-cpp/yaml.h>

#include <string>

namespace mlops {

YAML::Node yaml_field(const YAML::Node& map, const std::string& key);

}  // namespace mlops

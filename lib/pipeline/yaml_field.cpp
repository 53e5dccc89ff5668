#include "pipeline/yaml_field.hpp"

namespace mlops {

YAML::Node yaml_field(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return YAML::Node();
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node();
}

}  // namespace mlops

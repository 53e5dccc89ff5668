#pragma once
// Git tags for registry events, named as GTO names them so that GTO and CI
// (a workflow triggered by tag pushes) understand them:
//   NAME@vX.Y.Z        a version was registered
//   NAME#STAGE#N       a version was promoted to STAGE (N counts the model's tags)
//   NAME#STAGE!#N      ... and taken out of it again
// Aliases, which GTO lacks, follow the same shape:
//   NAME@ALIAS#N, NAME@ALIAS!#N
// The tag messages carry mlops's own record (JSON after a "mlops-registry:"
// line), from which `mlops model sync` rebuilds the registry.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mlops {

struct RegistryTag {
  enum class Kind { Register, Assign, Unassign, Alias, Unalias };
  Kind kind = Kind::Register;
  std::string model;
  std::string value;       // version (Register), stage or alias
  std::int64_t number = 0; // N, 0 for Register
};

std::string register_tag_name(const std::string& model, const std::string& version);
std::string stage_tag_name(const std::string& model, const std::string& stage, std::int64_t n, bool removed);
std::string alias_tag_name(const std::string& model, const std::string& alias, std::int64_t n, bool removed);
// nullopt for tags that are not registry tags.
std::optional<RegistryTag> parse_registry_tag(std::string_view name);

struct ModelVersion;

std::string tag_message(const std::string& headline, const nlohmann::json& record);
// The record of a message written by tag_message; nullopt for other messages
// (GTO's tags have none). Throws Error(Input) naming `tag` when the message
// has a record that is not a JSON object.
std::optional<nlohmann::json> tag_record(std::string_view message, std::string_view tag);
// A tag's record is input from whoever pushed the tag, checked as pointer
// files are: the fields a registration record must have (path, object_id,
// size, kind), their types, the object id, a safe path, and the types of the
// rest. Fills v; throws Error(Input) naming the tag and the field.
void read_version_record(const nlohmann::json& record, std::string_view tag, ModelVersion& v);
// The version a stage or alias tag's record names; empty when it names none.
std::string record_version(const nlohmann::json& record, std::string_view tag);

}  // namespace mlops

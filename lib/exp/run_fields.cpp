#include "exp/run_fields.hpp"

#include <array>
#include <cstdlib>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/text.hpp"
#include "exp/metric_goal.hpp"

namespace mlops {

namespace {

using Kind = RunField::Kind;

constexpr std::array<std::pair<std::string_view, Kind>, 11> kPlain = {{{"id", Kind::Id},
                                                                       {"name", Kind::Name},
                                                                       {"experiment", Kind::Experiment},
                                                                       {"status", Kind::Status},
                                                                       {"user", Kind::User},
                                                                       {"host", Kind::Host},
                                                                       {"command", Kind::Command},
                                                                       {"commit", Kind::Commit},
                                                                       {"parent", Kind::Parent},
                                                                       {"started", Kind::Started},
                                                                       {"duration", Kind::Duration}}};
constexpr std::array<std::pair<std::string_view, Kind>, 6> kPrefixed = {{{"params.", Kind::Param},
                                                                         {"tags.", Kind::Tag},
                                                                         {"metrics.", Kind::Last},
                                                                         {"best.", Kind::Best},
                                                                         {"min.", Kind::Min},
                                                                         {"max.", Kind::Max}}};

std::optional<std::string> nonempty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

std::optional<RunField> RunField::parse(const std::string& name) {
  for (auto [word, kind] : kPlain)
    if (name == word) return RunField{kind, "", name, false};
  for (auto [prefix, kind] : kPrefixed)
    if (name.size() > prefix.size() && name.starts_with(prefix)) {
      std::string key = name.substr(prefix.size());
      bool minimise = kind == Kind::Best && default_goal(key) == Goal::Min;
      return RunField{kind, std::move(key), name, minimise};
    }
  return std::nullopt;
}

bool is_run_field(const std::string& name) { return RunField::parse(name).has_value(); }

const char* run_field_help() {
  return "id, name, experiment, status, user, host, command, commit, parent, started, duration, params.KEY, tags.KEY, "
         "metrics.KEY, best.KEY, min.KEY or max.KEY";
}

std::optional<double> RunField::number(const Run& r) const {
  if (is_metric()) {
    auto it = r.metrics.find(key);
    if (it == r.metrics.end()) return std::nullopt;
    const MetricSummary& m = it->second;
    switch (kind) {
      case Kind::Last: return m.last;
      case Kind::Min: return m.min;
      case Kind::Max: return m.max;
      default: return minimise ? m.min : m.max;
    }
  }
  if (kind == Kind::Started) return static_cast<double>(r.started_at);
  if (kind == Kind::Duration)
    return r.ended_at ? std::optional<double>(static_cast<double>(r.ended_at - r.started_at)) : std::nullopt;
  auto t = text(r);
  return t ? parse_number(*t) : std::nullopt;
}

std::optional<std::string> RunField::text(const Run& r) const {
  auto in = [&](const FlatMap<std::string, std::string>& m) -> std::optional<std::string> {
    auto it = m.find(key);
    return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  switch (kind) {
    case Kind::Id: return r.id;
    case Kind::Name: return r.name;
    case Kind::Experiment: return r.experiment;
    case Kind::Status: return r.status;
    case Kind::User: return r.user;
    case Kind::Host: return r.host;
    case Kind::Command: return r.command;
    case Kind::Commit: return nonempty(r.git_commit);
    case Kind::Parent: return nonempty(r.parent_id);
    case Kind::Param: return in(r.params);
    case Kind::Tag: return in(r.tags);
    default: break;
  }
  auto n = number(r);  // metrics, started, duration
  if (!n) return std::nullopt;
  if (kind == Kind::Started || kind == Kind::Duration) return std::to_string(static_cast<std::int64_t>(*n));
  return fmt::format("{}", *n);  // the shortest text that reads back the same
}

}  // namespace mlops

#include "core/yaml_load.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/eventhandler.h>

#include "core/error.hpp"

namespace mlops {

namespace {

// Counts, from the parser's events, the nodes each alias stands for, without
// building (or expanding) the tree.
class AliasCounter : public YAML::EventHandler {
public:
  explicit AliasCounter(std::string_view source) : source_(source) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor, 1); }
  // A long text weighs a node per 64 bytes: a 1 MB value aliased a few
  // thousand times is gigabytes once expanded, though few nodes.
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    leaf(anchor, 1 + value.size() / kYamlBytesPerNode);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = size_.find(anchor);
    // Known at its start, unknown until its end: the alias is inside what it names.
    if (it == size_.end())
      refuse(mark, "an alias inside the node it names (a cycle)");
    aliased_ = std::min(aliased_ + it->second, kMaxYamlAliasNodes + 1);
    if (aliased_ > kMaxYamlAliasNodes)
      refuse(mark, fmt::format("aliases expand to more than {} nodes (a node per {} bytes of text)", kMaxYamlAliasNodes,
                               kYamlBytesPerNode));
    add(it->second);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_.push_back({anchor, 1});
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open_.push_back({anchor, 1});
  }
  void OnMapEnd() override { close(); }

private:
  struct Open {
    YAML::anchor_t anchor;
    std::uint64_t nodes;
  };

  // Sizes saturate just past the bound: nothing overflows.
  void add(std::uint64_t nodes) {
    if (!open_.empty()) open_.back().nodes = std::min(open_.back().nodes + nodes, kMaxYamlAliasNodes + 1);
  }
  void leaf(YAML::anchor_t anchor, std::uint64_t weight) {
    weight = std::min(weight, kMaxYamlAliasNodes + 1);
    if (anchor) size_[anchor] = weight;
    add(weight);
  }
  void close() {
    Open o = open_.back();
    open_.pop_back();
    if (o.anchor) size_[o.anchor] = o.nodes;
    add(o.nodes);
  }
  [[noreturn]] void refuse(const YAML::Mark& mark, const std::string& why) {
    throw Error(ExitCode::Input, fmt::format("{}:{}: {}", source_, mark.line + 1, why),
                "use fewer anchors and aliases, or write the values out");
  }

  std::string_view source_;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, std::uint64_t> size_;
  std::uint64_t aliased_ = 0;
};

bool is_merge_key(const YAML::Node& key) { return key.IsScalar() && key.Scalar() == "<<" && key.Tag() != "!"; }

// YAML 1.1 merge keys, which yaml-cpp reads as a plain key "<<": a mapping's
// `<<: *base` (or a list of them) gives it each key of those mappings that
// it does not have itself, the first listed winning, as PyYAML and ruamel
// (DVC's) read it. In place, children first; shared (aliased) nodes come out
// the same wherever they are used.
void merge_keys(YAML::Node n, std::string_view source) {
  if (n.IsSequence()) {
    for (auto item : n) merge_keys(item, source);
    return;
  }
  if (!n.IsMap()) return;
  std::vector<YAML::Node> merges;
  for (auto kv : n) {
    merge_keys(kv.second, source);
    if (is_merge_key(kv.first)) merges.push_back(kv.second);
  }
  if (merges.empty()) return;
  n.remove("<<");
  for (const auto& m : merges) {
    std::vector<YAML::Node> from;
    if (m.IsSequence())
      for (const auto& item : m) from.push_back(item);
    else
      from.push_back(m);
    for (const auto& f : from) {
      if (!f.IsMap())
        throw Error(ExitCode::Input, fmt::format("{}:{}: '<<' merges mappings only", source, f.Mark().line + 1));
      const YAML::Node& has = n;  // a const lookup adds no key
      for (const auto& kv : f)
        if (kv.first.IsScalar() && !has[kv.first.Scalar()]) n[kv.first.Scalar()] = kv.second;
    }
  }
}

}  // namespace

YAML::Node load_yaml(const std::string& text, std::string_view source) {
  // Aliases start with '*'; most files have none and are parsed once.
  if (text.find('*') != std::string::npos) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    AliasCounter counter(source);
    parser.HandleNextDocument(counter);
  }
  YAML::Node doc = YAML::Load(text);
  if (text.find("<<") != std::string::npos) merge_keys(doc, source);
  return doc;
}

YAML::Node load_yaml_file(const fs::path& file, std::string_view source) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) throw YAML::BadFile(file.string());
  // Bounded, and never blocked by a FIFO or a terminal (read_file refuses them).
  return load_yaml(read_file(file, 64u << 20), source);
}

}  // namespace mlops

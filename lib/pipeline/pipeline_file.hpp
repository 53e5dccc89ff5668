#pragma once
// mlops.yaml: the stages of a pipeline.
//
//   stages:
//     train:
//       cmd: python train.py --lr ${params.lr}
//       deps: [train.py, data/prepared]
//       params: [lr, model.depth]          # keys of params.yaml, or {other.yaml: [keys]}
//       outs: [models/model.bin]
//       metrics: [metrics.json]
//       plots:                             # files; or {file: {x, y, template, title, x_label, y_label}}
//         - plots/loss.csv
//         - plots/roc.json: {x: fpr, y: tpr, template: scatter}
//       wdir: .                            # where cmd runs, relative to the file
//       env: {SEED: "1"}
//       always_changed: false
//       frozen: false
//     eval:
//       foreach: [small, large]            # or a mapping; or matrix: {lr: [..], bs: [..]}
//       do:
//         cmd: python eval.py ${item}
//
//   plots:                                 # top level: plots of one file, or of fields of several
//     - plots/confusion.csv: {template: confusion, x: actual, y: predicted}
//     - Precision-Recall: {x: recall, y: {eval/train.json: precision, eval/test.json: precision}}
//
// ${params.KEY} is a value of the params file (params.yaml), ${item} and
// ${item.KEY} the foreach item, ${KEY} a matrix value, ${key} a foreach key.
// foreach stages are named NAME@ITEM (NAME@KEY for a mapping), matrix stages
// NAME@V1-V2. Paths are relative to the repository root after wdir is applied.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"

namespace mlops {

class Repo;

// How a plots file is drawn: DVC's plot properties. Empty means the default.
struct PlotProperties {
  std::string x, y;  // fields; y may name several, comma-separated
  std::string kind;  // a template as plot_kind names it
  std::string title, x_label, y_label;
  bool operator==(const PlotProperties&) const = default;
};

// A plot property's key as mlops.yaml (and DVC) name it: a field (x, y), a
// text (title, x_label, y_label), the template, or one of DVC's output options
// that mlops ignores (cache, persist: plots files are git's in mlops).
enum class PlotKey { Field, Text, Template, Ignored, Unknown };
PlotKey plot_key(std::string_view key);
constexpr const char* kPlotKeys = "x, y, template, title, x_label, y_label";

// The template a name of ours or DVC's draws: line (also linear, simple,
// smooth), scatter (also scatter_jitter), bar, bar_horizontal,
// bar_horizontal_sorted, confusion, confusion_normalized; nullopt for others.
std::optional<std::string> plot_kind(const std::string& template_name);

// A plot of the top-level plots: list. `files` are the files drawn together,
// each with its own x and y fields ("" for the properties').
struct PlotFile {
  std::string file, x, y;
};
struct PlotDefinition {
  std::string id;  // a file, or the name of a plot of several files
  std::vector<PlotFile> files;
  PlotProperties props;
  int line = 0;
};

struct Stage {
  std::string name;
  std::string cmd;
  std::string wdir;                                   // repo-relative, "" for the root
  std::vector<std::string> deps, outs, metrics, plots;  // repo-relative
  std::map<std::string, std::vector<std::string>> params;  // params file (repo-relative) -> keys
  std::map<std::string, PlotProperties> plot_props;  // plots file -> how it is drawn, when given
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> vars;  // a foreach item's or matrix row's values (generated stages)
  bool always_changed = false, frozen = false;
  int line = 0;  // in mlops.yaml
  // Everything the stage writes: outs, and its metrics and plots files (which
  // are kept in the store and the run cache too, but left to git).
  std::vector<std::string> outputs() const;
};

struct Pipeline {
  std::string file;  // repo-relative, "mlops.yaml"
  std::vector<Stage> stages;  // in file order (foreach/matrix expanded)
  std::vector<PlotDefinition> plots;  // the top-level plots: list
  std::vector<std::string> metrics, params;  // top-level metrics and params files (repo-relative), as DVCLive lists them
  const Stage* find(const std::string& name) const;
};

constexpr const char* kPipelineFile = "mlops.yaml";
constexpr const char* kDefaultParamsFile = "params.yaml";

// Throws Error(Input) naming the file, the line, the stage and the field.
Pipeline load_pipeline(Repo& repo);
// The same for the text of mlops.yaml; `default_params` gives the values of
// params.yaml when ${params.KEY} is used.
Pipeline parse_pipeline(const std::string& text, const std::function<std::map<std::string, std::string>()>& default_params);
// foreach and matrix expand to at most this many stages.
constexpr std::size_t kMaxStages = 10000;
bool has_pipeline(const Repo& repo);

// The flattened values of a params file (YAML or JSON): "model.depth" -> "6".
// Throws Error(Input) naming the file when it is missing or malformed.
std::map<std::string, std::string> load_params(Repo& repo, const std::string& rel);
// The same for a file's text (from git, say); `shown` names it in errors.
std::map<std::string, std::string> flatten_yaml(const std::string& text, const std::string& shown);

}  // namespace mlops

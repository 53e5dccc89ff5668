// mlops import mlflow: an MLflow history into runs and the model registry.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "import/mlflow_import.hpp"
#include "output.hpp"
#include "progress_bar.hpp"

namespace mlops::cli {

namespace {

struct MlflowArgs {
  std::string source;
  std::vector<std::string> experiments;
  bool include_deleted = false, dry_run = false, git_tags = false, update = false, json = false;
  unsigned jobs = 0;
};

// The history named, or the one MLflow would use here: ./mlruns, else ./mlflow.db.
std::string default_source(const fs::path& cwd) {
  if (lstat_path(cwd / "mlruns")) return "mlruns";
  if (lstat_path(cwd / "mlflow.db")) return "sqlite:///mlflow.db";
  throw Error(ExitCode::Usage, "no MLflow history here (no mlruns/ folder, no mlflow.db)",
              "name it: mlops import mlflow PATH/mlruns, or mlops import mlflow sqlite:///PATH/mlflow.db");
}

int run_import_mlflow(Context& ctx, const MlflowArgs& a) {
  MlflowImportOptions o;
  o.source = a.source.empty() ? default_source(ctx.cwd()) : a.source;
  o.experiments = a.experiments;
  o.include_deleted = a.include_deleted;
  o.dry_run = a.dry_run;
  o.git_tags = a.git_tags;
  o.update = a.update;
  o.jobs = a.jobs ? a.jobs : 4;
  MlflowImportResult r;
  {
    ProgressBar bar("importing runs", ctx.quiet || a.json);
    r = import_mlflow(ctx.repo(), o, ctx.cwd(), bar.get());
  }
  // Everything below names what the history holds: escaped again for the
  // terminal, whatever a reader let through.
  for (auto* list : {&r.problems, &r.missing, &r.renamed, &r.conflicts, &r.not_imported})
    for (auto& line : *list) line = escaped_text(line);
  constexpr std::size_t kShown = 50;  // a history of garbage is not a screenful per line
  for (std::size_t i = 0; i < r.problems.size() && i < kShown; ++i) note("mlops: warning: {}\n", r.problems[i]);
  if (r.problems.size() > kShown)
    note("mlops: warning: … and {} more (--json lists them all)\n", r.problems.size() - kShown);
  if (a.json) {
    print_json({{"source", r.source},
                {"dry_run", a.dry_run},
                {"experiments", r.experiments},
                {"runs", {{"imported", r.runs_imported}, {"updated", r.runs_updated}, {"already", r.runs_already},
                          {"deleted_skipped", r.runs_deleted}}},
                {"points", r.points},
                {"artifacts", {{"count", r.artifacts}, {"bytes", r.artifact_bytes}}},
                {"versions", {{"imported", r.versions_imported}, {"already", r.versions_already},
                              {"deleted_skipped", r.versions_deleted}, {"other_experiments", r.versions_elsewhere}}},
                {"git_tags", r.git_tags},
                {"renamed", r.renamed},
                {"missing", r.missing},
                {"conflicts", r.conflicts},
                {"problems", r.problems},
                {"not_imported", r.not_imported}});
  } else if (!ctx.quiet) {
    fmt::print("{} {} from {} ({}): {}, {} ({}){}{}.\n", a.dry_run ? "Would import" : "Imported",
               plural(r.runs_imported, "run", "runs"), r.source, plural(r.experiments, "experiment", "experiments"),
               plural(r.points, "metric point", "metric points"), plural(r.artifacts, "artifact", "artifacts"),
               human_size(r.artifact_bytes),
               r.runs_updated ? fmt::format("; {} {}", a.dry_run ? "would update" : "updated",
                                            plural(r.runs_updated, "run", "runs"))
                              : "",
               r.runs_already ? fmt::format("; {} here already", plural(r.runs_already, "run was", "runs were")) : "");
    if (r.runs_deleted)
      fmt::print("Skipped {} (--include-deleted imports them).\n", plural(r.runs_deleted, "deleted run", "deleted runs"));
    if (!r.versions_imported.empty() || r.versions_already)
      fmt::print("{} {}{}{}.\n", a.dry_run ? "Would register" : "Registered",
                 plural(r.versions_imported.size(), "model version", "model versions"),
                 r.versions_imported.empty() ? "" : ": " + fmt::format("{}", fmt::join(r.versions_imported, ", ")),
                 r.versions_already ? fmt::format("; {} here already", r.versions_already) : "");
    if (r.versions_elsewhere)
      fmt::print("Skipped {} made by runs of other experiments.\n",
                 plural(r.versions_elsewhere, "model version", "model versions"));
    if (r.versions_deleted)
      fmt::print("Skipped {} (deleted in MLflow).\n", plural(r.versions_deleted, "model version", "model versions"));
    if (!r.renamed.empty())
      fmt::print("Named for mlops (the MLflow names are kept as tags):{}\n", list_some(r.renamed, 20));
    if (!r.git_tags.empty()) fmt::print("Made {}.\n", plural(r.git_tags.size(), "git tag", "git tags"));
    if (!r.not_imported.empty()) fmt::print("Not imported:{}\n", list_some(r.not_imported, 20));
  }
  if (!r.conflicts.empty())
    throw Error(ExitCode::Conflict,
                fmt::format("{} here already with other content; kept as they are:{}",
                            plural(r.conflicts.size(), "model version is", "model versions are"), list_some(r.conflicts)),
                "versions are never replaced; import into a fresh registry, or rename the model here");
  if (!r.missing.empty())
    throw Error(ExitCode::Missing,
                fmt::format("{} could not be read; everything else was imported:{}",
                            plural(r.missing.size(), "artifact location", "artifact locations"), list_some(r.missing)),
                "copy the artifacts next to the history (mlruns/ or the folder of mlflow.db) and import again "
                "for the model versions; 'mlops import mlflow --update' brings runs' artifacts");
  if (!r.problems.empty())
    throw Error(ExitCode::Input,
                fmt::format("{} of {} could not be read (listed above); everything else was imported",
                            plural(r.problems.size(), "part", "parts"), r.source));
  return 0;
}

}  // namespace

void register_import_commands(CLI::App& app, Context& ctx) {
  command(&app, "import", "Bring in history from other tools: MLflow runs and models", [&ctx](CLI::App* imp) {
    imp->require_subcommand(1);
    command(imp, "mlflow", "Import an MLflow history (mlruns/ or mlflow.db): runs, metrics, artifacts, models",
            [&ctx](CLI::App* sub) {
              auto a = std::make_shared<MlflowArgs>();
              sub->add_option("source", a->source, "mlruns/ folder or sqlite:///mlflow.db (default: ./mlruns, ./mlflow.db)")
                  ->type_name("MLRUNS|sqlite:///DB");
              sub->add_option("-e,--experiment", a->experiments, "Only this experiment (name or id; repeatable)")
                  ->type_name("NAME");
              sub->add_flag("--include-deleted", a->include_deleted, "Also deleted runs and experiments");
              sub->add_flag("-n,--dry-run", a->dry_run, "Say what would be imported; change nothing");
              sub->add_flag("--git-tags", a->git_tags, "Make GTO git tags for the versions, stages and aliases");
              sub->add_flag("--update", a->update,
                            "Read runs here already again and take the history's record; versions take its stages");
              sub->add_option("-j,--jobs", a->jobs, "Files stored at once (default 4)")->check(CLI::Range(1, 256));
              sub->add_flag("--json", a->json, "Print JSON");
              sub->footer("A second import adds only what is new (--update: and what changed): runs keep their MLflow id.\n"
                          "Exit status 5 when a model version is here already with other content, 7 when\n"
                          "artifacts could not be read, 4 when parts of the history could not (the rest is imported).");
              bind(sub, ctx, a, run_import_mlflow);
            });
  });
}

}  // namespace mlops::cli

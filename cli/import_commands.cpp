// mlops import mlflow: an MLflow history into runs and the model registry.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "import/dvc_import.hpp"
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

struct DvcArgs {
  std::vector<std::string> from_cache;
  std::string remote;
  bool fetch = false, remove_dvc = false, dry_run = false, force = false, json = false;
  unsigned jobs = 0;
};

int run_import_dvc(Context& ctx, const DvcArgs& a) {
  DvcImportOptions o;
  o.from_cache = a.from_cache;
  o.fetch = a.fetch || !a.remote.empty();
  o.remote = a.remote;
  o.remove_dvc = a.remove_dvc;
  o.dry_run = a.dry_run;
  o.force = a.force;
  o.jobs = a.jobs ? a.jobs : 4;
  if (o.remove_dvc && o.dry_run) fail(ExitCode::Usage, "--remove-dvc and --dry-run: choose one");
  DvcImportResult r;
  {
    ProgressBar bar("importing data", ctx.quiet || a.json);
    r = import_dvc(ctx.repo(), o, ctx.cwd(), bar.get());
  }
  for (auto* list : {&r.conflicts, &r.missing, &r.notes, &r.problems}) {
    for (auto& line : *list) line = escaped_text(line, true);
  }
  if (a.json) {
    nlohmann::json imported = nlohmann::json::array();
    for (const auto& i : r.imported)
      imported.push_back({{"path", i.path}, {"source", i.source}, {"files", i.files}, {"bytes", i.bytes}});
    print_json({{"dry_run", a.dry_run}, {"imported", imported}, {"already", r.already}, {"conflicts", r.conflicts},
                {"missing", r.missing}, {"notes", r.notes}, {"problems", r.problems}, {"removed", r.removed},
                {"git_files", r.git_files},
                {"fetched", r.fetched}, {"pipeline_written", r.pipeline_written}, {"up_to_date", r.up_to_date},
                {"stale", r.stale}});
  } else if (!ctx.quiet) {
    std::uint64_t files = 0, bytes = 0;
    std::vector<std::string> lines;
    for (const auto& i : r.imported) {
      files += i.files, bytes += i.bytes;
      lines.push_back(fmt::format("{} ({}, {})", escaped_text(i.path), plural(i.files, "file", "files"), escaped_text(i.source)));
    }
    fmt::print("{} {} ({}, {}){}{}\n", a.dry_run ? "Would import" : "Imported",
               plural(r.imported.size(), "DVC-tracked path", "DVC-tracked paths"), plural(files, "file", "files"),
               human_size(bytes), lines.empty() ? "" : ":", list_some(lines, 50));
    if (!r.already.empty()) fmt::print("{} here already.\n", plural(r.already.size(), "path was", "paths were"));
    if (!r.removed.empty()) fmt::print("Removed {}.\n", plural(r.removed.size(), "DVC file", "DVC files"));
    for (const auto& n : r.notes) note("mlops: note: {}\n", n);
    for (const auto& p : r.problems) note("mlops: warning: {}\n", p);
    if (r.pipeline_written)
      fmt::print("{} mlops.yaml from dvc.yaml{}\n", a.dry_run ? "Would write" : "Wrote",
                 a.dry_run ? "." : fmt::format(": {} up to date as DVC left {}{}", plural(r.up_to_date.size(), "stage", "stages"),
                                               r.up_to_date.size() == 1 ? "it" : "them",
                                               r.stale.empty() ? "." : fmt::format("; these will run:{}", list_some(r.stale, 20))));
    if ((!r.git_files.empty() || !r.removed.empty()) && !a.dry_run) {
      // A command to paste: every path (deletions too), quoted when it must be.
      std::vector<std::string> paths = r.git_files;
      paths.insert(paths.end(), r.removed.begin(), r.removed.end());
      std::string cmd = "git add --all --";
      for (const auto& p : paths)
        cmd += p.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-@+") == std::string::npos
                   ? " " + p
                   : " '" + escaped_text(p) + "'";
      fmt::print("To record it in git: {}\n", cmd);
    }
  }
  const char* rest = a.dry_run ? "everything else would be imported" : "everything else was imported";
  if (!r.conflicts.empty())
    throw Error(ExitCode::Conflict,
                fmt::format("{} kept as {}; {}:{}", plural(r.conflicts.size(), "file", "files"),
                            r.conflicts.size() == 1 ? "it is" : "they are", rest, list_some(r.conflicts)),
                "--force replaces them with DVC's version");
  if (!r.missing.empty())
    throw Error(ExitCode::Missing,
                fmt::format("{} not found; {}:{}",
                            plural(r.missing.size(), "DVC-tracked path's content was", "DVC-tracked paths' content was"),
                            rest, list_some(r.missing, 10)),
                "--fetch reads the DVC remote, --from-cache DIR another DVC cache (dvc pull first, or copy the cache)");
  if (!r.problems.empty())
    throw Error(ExitCode::Input, fmt::format("{} could not be read (listed above); {}",
                                             plural(r.problems.size(), ".dvc file", ".dvc files"), rest));
  return 0;
}

}  // namespace

void register_import_commands(CLI::App& app, Context& ctx) {
  command(&app, "import", "Bring in what other tools keep: DVC-tracked data, MLflow runs and models", [&ctx](CLI::App* imp) {
    imp->require_subcommand(1);
    command(imp, "dvc", "Import the data a DVC repository tracks (.dvc files): pointers, content verified", [&ctx](CLI::App* sub) {
      auto a = std::make_shared<DvcArgs>();
      sub->add_option("--from-cache", a->from_cache, "Another DVC cache folder to read content from (repeatable)")
          ->type_name("DIR");
      sub->add_flag("--fetch", a->fetch, "Read what the caches lack from the DVC remote (read-only)");
      sub->add_option("-r,--remote", a->remote, "The DVC remote for --fetch (default: its core.remote)")->type_name("NAME");
      sub->add_flag("--remove-dvc", a->remove_dvc, "Remove each .dvc file once all its outputs came in");
      sub->add_flag("-n,--dry-run", a->dry_run, "Say what would be imported, and from where; change nothing");
      sub->add_flag("-f,--force", a->force, "Replace existing mlops pointers that name other content");
      sub->add_option("-j,--jobs", a->jobs, "Files stored at once (default 4)")->check(CLI::Range(1, 256))->type_name("N");
      sub->add_flag("--json", a->json, "Print JSON");
      sub->footer("Run at the top of the DVC repository, after mlops init. Every file is checked against its DVC MD5.\n"
                  "Exit status 7 when content is nowhere (the rest is imported), 5 when a pointer would be replaced.");
      bind(sub, ctx, a, run_import_dvc);
    });
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
              sub->add_option("-j,--jobs", a->jobs, "Files stored at once (default 4)")->check(CLI::Range(1, 256))->type_name("N");
              sub->add_flag("--json", a->json, "Print JSON");
              sub->footer("A second import adds only what is new (--update: and what changed): runs keep their MLflow id.\n"
                          "Exit status 5 when a model version is here already with other content, 7 when\n"
                          "artifacts could not be read, 4 when parts of the history could not (the rest is imported).");
              bind(sub, ctx, a, run_import_mlflow);
            });
  });
}

}  // namespace mlops::cli

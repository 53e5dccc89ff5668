// mlops model: the model registry (register, list, show, versions, history,
// promote, demote, alias, unalias, get, lineage, sync).

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/run_sharing.hpp"
#include "exp/run_store.hpp"
#include "output.hpp"
#include "registry/registry.hpp"
#include "registry/semver.hpp"
#include "exp/run_format.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

struct ModelArgs {
  std::string model, path, ref, version, bump, run, description, stage, alias, output, remote;
  std::vector<std::string> tags;
  bool no_git_tag = false, json = false, force = false, runs = false;
};


json version_json(Registry& reg, const ModelVersion& v) {
  auto names = version_names(reg.store().stages(v.model), reg.store().aliases(v.model), v.version);
  json stages = names.stages, aliases = names.aliases;
  auto or_null = [](const std::string& s) { return s.empty() ? json() : json(s); };
  return {{"model", v.model},
          {"version", v.version},
          {"path", v.path},
          {"id", or_null(v.object_id)},
          {"size", v.size},
          {"kind", v.kind},
          {"run", or_null(v.run_id)},
          {"git_commit", or_null(v.git_commit)},
          {"description", v.description},
          {"author", v.author},
          {"created_at", v.created_at},
          {"tags", v.tags},
          {"metrics", v.metrics},
          {"data", v.data},
          {"stages", stages},
          {"aliases", aliases}};
}

bool tagging(Registry& reg, const ModelArgs& a) { return !a.no_git_tag && reg.git_tags_enabled(); }

void print_change(Context& ctx, const ModelArgs& a, Registry& reg, const RegistryChange& c, const std::string& what) {
  if (a.json) {
    json j = version_json(reg, c.version);
    j["git_tag"] = c.git_tag.empty() ? json() : json(c.git_tag);
    j["replaced"] = c.replaced;
    print_json(j);
    return;
  }
  if (ctx.quiet) return;
  fmt::print("{}{}\n", what, c.git_tag.empty() ? "" : fmt::format(" (git tag {})", c.git_tag));
  if (!c.git_tag.empty())
    fmt::print("Push the tag to trigger CI: git push origin {}\n", c.git_tag);
}

int run_register(Context& ctx, const ModelArgs& a) {
  Repo& repo = ctx.repo();
  Registry reg(repo);
  RegisterSpec spec;
  spec.model = a.model;
  spec.path = repo.relative_path(a.path, ctx.cwd());
  spec.version = a.version;
  spec.bump = a.bump;
  spec.run = a.run;
  if (spec.run.empty())
    if (const char* env = std::getenv("MLOPS_RUN_ID")) spec.run = env;  // registering from inside a run
  spec.description = a.description;
  spec.tags = key_values(a.tags, "tag");
  spec.git_tag = tagging(reg, a);
  auto c = reg.register_version(spec);
  print_change(ctx, a, reg, c,
               fmt::format("Registered {} version {} ({}, {})", c.version.model, c.version.version,
                           human_size(c.version.size), c.version.object_id));
  return 0;
}

int run_model_list(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  json arr = json::array();
  Table t({"MODEL", "LATEST", "VERSIONS", "STAGES", "ALIASES", "UPDATED"});
  for (const auto& m : reg.store().models()) {
    auto versions = reg.store().versions(m);
    auto stages = reg.store().stages(m);
    auto aliases = reg.store().aliases(m);
    std::string st, al;
    json jst = json::object();
    for (const auto& [s, vs] : stages) {
      jst[s] = vs;
      for (const auto& v : vs) st += fmt::format("{}{}={}", st.empty() ? "" : " ", s, v);
    }
    for (const auto& [k, v] : aliases) al += fmt::format("{}{}={}", al.empty() ? "" : " ", k, v);
    auto events = reg.store().events(m);
    std::int64_t updated = events.empty() ? versions.back().created_at : events.back().at;
    arr.push_back({{"model", m}, {"latest", versions.back().version}, {"versions", versions.size()}, {"stages", jst},
                   {"aliases", aliases}, {"updated_at", updated}});
    t.add({m, versions.back().version, std::to_string(versions.size()), st, al, local_time(updated)});
  }
  if (a.json) print_json(arr);
  else if (arr.empty()) {
    if (!ctx.quiet) fmt::print("No models yet (register one with 'mlops model register NAME PATH').\n");
  } else {
    t.print();
  }
  return 0;
}

int run_model_show(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  ModelVersion v = reg.resolve(parse_model_ref(a.ref));
  json j = version_json(reg, v);
  if (a.json) {
    print_json(j);
    return 0;
  }
  fmt::print("model       {}\nversion     {}\n", v.model, v.version);
  if (!j["stages"].empty()) fmt::print("stages      {}\n", fmt::join(j["stages"].get<std::vector<std::string>>(), ", "));
  if (!j["aliases"].empty()) fmt::print("aliases     {}\n", fmt::join(j["aliases"].get<std::vector<std::string>>(), ", "));
  fmt::print("path        {} ({}, {})\nid          {}\n", v.path, v.kind, human_size(v.size),
             v.object_id.empty() ? "(unknown: registered without mlops)" : v.object_id);
  if (!v.description.empty()) fmt::print("description {}\n", v.description);
  fmt::print("registered  {} by {}\n", local_time(v.created_at), v.author);
  if (!v.git_commit.empty()) fmt::print("git commit  {}\n", v.git_commit.substr(0, 12));
  if (!v.run_id.empty()) {
    try {
      Run r = RunStore(ctx.repo().db()).get(v.run_id, false);
      fmt::print("run         {} ({})\n", r.name, r.short_id());
    } catch (const Error&) {
      fmt::print("run         {} (not in this clone: mlops exp pull {})\n", v.run_id.substr(0, 8), v.run_id.substr(0, 8));
    }
  }
  for (const auto& [k, val] : v.tags) fmt::print("tag         {} = {}\n", k, val);
  return 0;
}

int run_versions(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  check_model_name(a.model);
  auto versions = reg.store().versions(a.model);
  if (versions.empty()) fail(ExitCode::Input, "no model '{}' in the registry", a.model);
  if (a.json) {
    json arr = json::array();
    for (const auto& v : versions) arr.push_back(version_json(reg, v));
    print_json(arr);
    return 0;
  }
  Table t({"VERSION", "STAGES", "ALIASES", "SIZE", "ID", "RUN", "COMMIT", "REGISTERED", "AUTHOR"});
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    json j = version_json(reg, *it);
    t.add({it->version, fmt::format("{}", fmt::join(j["stages"].get<std::vector<std::string>>(), ",")),
           fmt::format("{}", fmt::join(j["aliases"].get<std::vector<std::string>>(), ",")), human_size(it->size),
           it->object_id.substr(0, 19), it->run_id.substr(0, 8), it->git_commit.substr(0, 7), local_time(it->created_at),
           it->author});
  }
  t.print();
  return 0;
}

int run_history(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  check_model_name(a.model);
  auto events = reg.store().events(a.model);
  if (events.empty()) fail(ExitCode::Input, "no model '{}' in the registry", a.model);
  if (a.json) {
    json arr = json::array();
    for (const auto& e : events)
      arr.push_back({{"at", e.at}, {"author", e.author}, {"action", e.action}, {"version", e.version},
                     {"detail", e.detail}, {"git_tag", e.git_tag.empty() ? json() : json(e.git_tag)}});
    print_json(arr);
    return 0;
  }
  Table t({"WHEN", "WHO", "ACTION", "VERSION", "DETAIL", "GIT TAG"});
  for (const auto& e : events) t.add({local_time(e.at), e.author, e.action, e.version, e.detail, e.git_tag});
  t.print();
  return 0;
}

int run_promote(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  auto c = reg.promote(a.model, a.version, a.stage, tagging(reg, a));
  std::string replaced = c.replaced.empty() ? "" : fmt::format(", replacing {}", fmt::join(c.replaced, ", "));
  print_change(ctx, a, reg, c, fmt::format("Promoted {} {} to {}{}", c.version.model, c.version.version, a.stage, replaced));
  return 0;
}

int run_demote(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  auto c = reg.demote(a.model, a.version, a.stage, tagging(reg, a));
  print_change(ctx, a, reg, c, fmt::format("Took {} {} out of {}", c.version.model, c.version.version, a.stage));
  return 0;
}

int run_alias(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  auto c = reg.set_alias(a.model, a.alias, a.version, tagging(reg, a));
  std::string moved = c.replaced.empty() ? "" : fmt::format(" (was {})", c.replaced[0]);
  print_change(ctx, a, reg, c, fmt::format("{}:{} is now {}{}", c.version.model, a.alias, c.version.version, moved));
  return 0;
}

int run_unalias(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  auto c = reg.unalias(a.model, a.alias, tagging(reg, a));
  print_change(ctx, a, reg, c, fmt::format("Removed alias {} of {} (was {})", a.alias, c.version.model, c.version.version));
  return 0;
}

int run_get(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  ModelVersion v = reg.resolve(parse_model_ref(a.ref));
  fs::path dest = ctx.cwd() / a.output;
  reg.materialize(v, dest, a.force, a.remote);
  if (a.json) print_json(version_json(reg, v));
  else if (!ctx.quiet) fmt::print("{} {} -> {}\n", v.model, v.version, a.output);
  return 0;
}

int run_lineage(Context& ctx, const ModelArgs& a) {
  Repo& repo = ctx.repo();
  Registry reg(repo);
  ModelVersion v = reg.resolve(parse_model_ref(a.ref));
  std::optional<Run> run;
  if (!v.run_id.empty()) {
    try {
      run = RunStore(repo.db()).get(v.run_id);
    } catch (const Error&) {
      // the run was removed since; the version keeps its snapshot
    }
  }
  if (a.json) {
    json j = version_json(reg, v);
    j["run"] = run ? run_json(*run) : json(v.run_id.empty() ? json() : json({{"id", v.run_id}, {"removed", true}}));
    print_json(j);
    return 0;
  }
  fmt::print("{}@{}  {} ({}, {})\n", v.model, v.version, v.path, human_size(v.size), v.object_id);
  fmt::print("  registered {} by {}\n", local_time(v.created_at), v.author);
  fmt::print("  code       {}\n", v.git_commit.empty() ? "(not in git)" : "git commit " + v.git_commit);
  if (run) {
    fmt::print("  run        {} ({}) {}, {}\n", run->name, run->short_id(), run->status, run->command);
    if (run->git_dirty) fmt::print("             with uncommitted changes (mlops exp show --diff {})\n", run->name);
    for (const auto& [k, val] : run->params) fmt::print("  param      {} = {}\n", k, val);
  } else if (!v.run_id.empty()) {
    fmt::print("  run        {} (not in this clone: 'mlops exp pull {}' brings it, unless it was removed)\n",
               v.run_id.substr(0, 8), v.run_id.substr(0, 8));
  } else {
    fmt::print("  run        (none recorded)\n");
  }
  for (const auto& [k, val] : v.metrics) fmt::print("  metric     {} = {}\n", k, number(val));
  for (const auto& [path, id] : v.data) fmt::print("  data       {}  {}\n", path, id);
  return 0;
}

int run_sync(Context& ctx, const ModelArgs& a) {
  Registry reg(ctx.repo());
  auto r = reg.sync();
  // --runs: the runs that registered versions name, from the remote.
  std::optional<ExpPullResult> pulled;
  if (a.runs) {
    RunSelection sel;
    sel.absent_ok = true;
    auto here = RunStore(ctx.repo().db()).ids();
    for (const auto& id : reg.run_ids())
      if (!here.count(id)) sel.refs.push_back(id);
    if (!sel.refs.empty()) pulled = pull_runs(ctx.repo(), a.remote, sel, false, 0, nullptr);
  }
  if (a.json) {
    json j = {{"models", r.models}, {"versions", r.versions}, {"events", r.events}, {"skipped_tags", r.skipped_tags}};
    if (a.runs) {
      json ids = json::array();
      if (pulled)
        for (const auto& p : pulled->pulled) ids.push_back(p.id);
      j["runs_pulled"] = ids;
      j["runs_not_on_remote"] = pulled ? json(pulled->not_on_remote) : json::array();
    }
    print_json(j);
  } else if (!ctx.quiet) {
    fmt::print("Rebuilt {} from git tags: {}, {}.\n", plural(r.models, "model", "models"),
               plural(r.versions, "version", "versions"), plural(r.events, "event", "events"));
    if (r.skipped_tags) fmt::print("Skipped {} that do not name a registered version.\n", plural(r.skipped_tags, "tag", "tags"));
    if (a.runs)
      fmt::print("Pulled {} that registered versions name{}.\n", plural(pulled ? pulled->pulled.size() : 0, "run", "runs"),
                 pulled && !pulled->not_on_remote.empty()
                     ? fmt::format(" ({} not on remote {}: {})", pulled->not_on_remote.size(), pulled->remote,
                                   list_some(pulled->not_on_remote, 3))
                     : "");
  }
  if (pulled && (!pulled->failed.empty() || !pulled->bad_pages.empty()))
    fail(ExitCode::Remote, "remote {}: run records not imported:{}", pulled->remote,
         list_some(pulled->failed.empty() ? pulled->bad_pages : pulled->failed));
  return 0;
}

void no_tag(CLI::App* sub, ModelArgs& a) {
  sub->add_flag("--no-git-tag", a.no_git_tag, "Do not create a git tag");
  sub->add_flag("--json", a.json, "Print JSON");
}

}  // namespace

void register_model_commands(CLI::App& app, Context& ctx) {
  command(
      &app, "model", "Model registry: versions, stages, aliases, lineage, GTO-style git tags", [&ctx](CLI::App* model) {
        model->require_subcommand(1);
        command(model, "register", "Store a model file or folder as a new version of NAME", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_option("name", a->model, "Model name (lowercase letters, digits, '-', '/')")->required();
          sub->add_option("path", a->path, "The model file or folder")->required();
          auto* v = sub->add_option("--version", a->version, "The version (semver, such as 1.2.0)")->type_name("X.Y.Z");
          sub->add_option("--bump", a->bump, "Next version after the latest: major, minor or patch (default)")
              ->check(CLI::IsMember({"major", "minor", "patch"}))
              ->excludes(v);
          sub->add_option("--run", a->run, "The run that made it (default: $MLOPS_RUN_ID)")->type_name("RUN");
          sub->add_option("-d,--description", a->description, "What this version is")->type_name("TEXT");
          sub->add_option("--tag", a->tags, "Tag KEY=VALUE (repeatable)")->type_name("KEY=VALUE");
          no_tag(sub, *a);
          bind(sub, ctx, a, run_register);
        });
        command(model, "list", "Models with their latest version, stages and aliases", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_flag("--json", a->json, "Print JSON");
          bind(sub, ctx, a, run_model_list);
        });
        command(model, "show", "One version: NAME, NAME@VERSION, NAME#STAGE or NAME:ALIAS", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_option("ref", a->ref, "NAME[@VERSION|#STAGE|:ALIAS]")->required();
          sub->add_flag("--json", a->json, "Print JSON");
          bind(sub, ctx, a, run_model_show);
        });
        command(model, "versions", "Every version of a model, newest first", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_option("name", a->model, "Model name")->required();
          sub->add_flag("--json", a->json, "Print JSON");
          bind(sub, ctx, a, run_versions);
        });
        command(model, "history", "What was done to a model, by whom and when (append-only)", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_option("name", a->model, "Model name")->required();
          sub->add_flag("--json", a->json, "Print JSON");
          bind(sub, ctx, a, run_history);
        });
        command(model, "promote", "Put a version in a stage (dev, staging, production, archived)",
                [&ctx](CLI::App* sub) {
                  auto a = std::make_shared<ModelArgs>();
                  sub->add_option("name", a->model, "Model name")->required();
                  sub->add_option("version", a->version, "Version")->required();
                  sub->add_option("stage", a->stage, "Stage")->required();
                  no_tag(sub, *a);
                  bind(sub, ctx, a, run_promote);
                });
        command(model, "demote", "Take a version out of a stage", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_option("name", a->model, "Model name")->required();
          sub->add_option("version", a->version, "Version")->required();
          sub->add_option("stage", a->stage, "Stage")->required();
          no_tag(sub, *a);
          bind(sub, ctx, a, run_demote);
        });
        command(model, "alias", "Point an alias (such as champion) at a version", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_option("name", a->model, "Model name")->required();
          sub->add_option("alias", a->alias, "Alias")->required();
          sub->add_option("version", a->version, "Version")->required();
          no_tag(sub, *a);
          bind(sub, ctx, a, run_alias);
        });
        command(model, "unalias", "Remove an alias", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_option("name", a->model, "Model name")->required();
          sub->add_option("alias", a->alias, "Alias")->required();
          no_tag(sub, *a);
          bind(sub, ctx, a, run_unalias);
        });
        command(model, "get", "Write a model version's files to PATH (fetched from a remote if needed)",
                [&ctx](CLI::App* sub) {
                  auto a = std::make_shared<ModelArgs>();
                  sub->add_option("ref", a->ref, "NAME[@VERSION|#STAGE|:ALIAS]")->required();
                  sub->add_option("-o,--output", a->output, "Where to put it")->required()->type_name("PATH");
                  sub->add_flag("-f,--force", a->force, "Replace PATH if it exists");
                  sub->add_option("-r,--remote", a->remote, "Remote to fetch from (default: the default remote)")
                      ->type_name("NAME");
                  sub->add_flag("--json", a->json, "Print JSON");
                  bind(sub, ctx, a, run_get);
                });
        command(model, "lineage", "From data to model: the run, params, metrics, data versions, commit",
                [&ctx](CLI::App* sub) {
                  auto a = std::make_shared<ModelArgs>();
                  sub->add_option("ref", a->ref, "NAME[@VERSION|#STAGE|:ALIAS]")->required();
                  sub->add_flag("--json", a->json, "Print JSON");
                  bind(sub, ctx, a, run_lineage);
                });
        command(model, "sync", "Rebuild the registry from git tags (after a clone or a fetch)", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<ModelArgs>();
          sub->add_flag("--runs", a->runs, "Also pull the runs that registered versions name (exp pull)");
          sub->add_option("-r,--remote", a->remote, "Remote for --runs (default: the default remote)")
              ->type_name("NAME");
          sub->add_flag("--json", a->json, "Print JSON");
          bind(sub, ctx, a, run_sync);
        });
      });
}

}  // namespace mlops::cli

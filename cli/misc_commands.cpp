// mlops config, mlops help.
#include <set>

#include <fmt/format.h>

#include "command_tree.hpp"
#include "context.hpp"
#include "data/tracked.hpp"
#include "exp/run_store.hpp"
#include "pipeline/pipeline_file.hpp"
#include "registry/registry.hpp"
#include "doctor/doctor.hpp"
#include "remote/remote.hpp"
#include "core/error.hpp"
#include "output.hpp"

namespace mlops::cli {

namespace {

struct ConfigArgs {
  std::string key, value;
  bool list = false, json = false;
  std::string unset;
};

int run_config(Context& ctx, const ConfigArgs& a) {
  Config& cfg = ctx.repo().config();
  if (a.list) {
    auto entries = cfg.list();
    if (a.json) {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& [k, v] : entries) j[k] = v;
      print_json(j);
    } else {
      for (const auto& [k, v] : entries) fmt::print("{}={}\n", k, v);
    }
    return 0;
  }
  if (!a.unset.empty()) {
    if (!cfg.unset(a.unset)) fail(ExitCode::CheckFailed, "{} is not set", a.unset);
    return 0;
  }
  if (a.key.empty()) fail(ExitCode::Usage, "name a key, or use --list");
  if (!find_config_key(a.key)) fail(ExitCode::Usage, "unknown config key '{}' (see 'mlops config --list' and mlops(1))", a.key);
  if (!a.value.empty()) {
    cfg.set(a.key, a.value);
    if (std::string caveat = setting_caveat(a.key, a.value); !caveat.empty() && !ctx.quiet)
      note("mlops: warning: {}\n", caveat);
    return 0;
  }
  std::string v = cfg.get_or_default(a.key);
  if (v.empty()) return static_cast<int>(ExitCode::CheckFailed);  // unset, like git config
  if (a.json) print_json({{a.key, v}});
  else fmt::print("{}\n", v);
  return 0;
}

// Hidden: every command path with its options, one per line ("exp run\t--name -n ..."),
// from CLI11's own definitions, so that tests can hold completions and man pages to it.
void print_cli(const CLI::App* app, const std::string& path) {
  for (const CLI::App* sub : app->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    std::string here = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    std::string opts;
    for (const CLI::Option* o : sub->get_options()) {
      for (const auto& l : o->get_lnames())
        if (l != "help") opts += " --" + l;
      for (const auto& sn : o->get_snames())
        if (sn != "h") opts += " -" + sn;
    }
    fmt::print("{}\t{}\n", here, opts.empty() ? "" : opts.substr(1));
    print_cli(sub, here);
  }
}

// Hidden: values for shell completion, one per line; silent on any error, as
// a completion must be.
int print_completions(Context& ctx, const std::string& kind) {
  try {
    Repo& repo = ctx.repo();
    std::vector<std::string> out;
    if (kind == "paths") {
      for (const auto& t : find_tracked(repo, {})) out.push_back(t.rel);
    } else if (kind == "remotes") {
      out = remote_names(repo.config());
    } else if (kind == "models") {
      out = RegistryStore(repo.db()).models();
    } else if (kind == "runs") {
      for (const auto& r : RunStore(repo.db()).list(RunStore::Details::ParamsAndMetrics)) out.push_back(r.name);
    } else if (kind == "stages") {
      for (const auto& st : load_pipeline(repo).stages) out.push_back(st.name);
    } else if (kind == "stages-of-models") {
      out = Registry(repo).allowed_stages();
    } else if (kind == "metrics" || kind == "fields") {
      // Metric keys across runs; fields: what --sort and --columns take.
      std::set<std::string> params, metrics;
      for (const auto& r : RunStore(repo.db()).list(RunStore::Details::ParamsAndMetrics)) {
        for (const auto& [k, v] : r.metrics) metrics.insert(k);
        for (const auto& [k, v] : r.params) params.insert(k);
      }
      if (kind == "fields") {
        for (const char* f : {"id", "name", "experiment", "status", "user", "host", "command", "commit", "parent",
                              "started", "duration"})
          out.emplace_back(f);
        for (const auto& k : params) out.push_back("params." + k);
        for (const auto& k : metrics) out.push_back("metrics." + k);
      } else {
        out.assign(metrics.begin(), metrics.end());
      }
    } else if (kind == "model-refs") {
      // NAME, NAME@vX.Y.Z, NAME#STAGE and NAME:ALIAS for every model.
      RegistryStore reg(repo.db());
      for (const auto& m : reg.models()) {
        out.push_back(m);
        for (const auto& v : reg.versions(m)) out.push_back(m + "@v" + v.version);
        for (const auto& [stage, versions] : reg.stages(m))
          if (!versions.empty()) out.push_back(m + "#" + stage);
        for (const auto& [alias, version] : reg.aliases(m)) out.push_back(m + ":" + alias);
      }
    }
    for (const auto& v : out) fmt::print("{}\n", v);
  } catch (const std::exception&) {
  }
  return 0;
}

struct DoctorArgs {
  bool json = false, offline = false;
};

int run_doctor_command(Context& ctx, const DoctorArgs& a) {
  DoctorReport r = run_doctor(ctx.cwd(), !a.offline);
  if (a.json) {
    nlohmann::json libs = nlohmann::json::object();
    for (const auto& [k, v] : r.libraries) libs[k] = v;
    nlohmann::json remotes = nlohmann::json::array();
    for (const auto& x : r.remotes)
      remotes.push_back({{"name", x.name}, {"url", x.url}, {"reachable", x.reachable}, {"error", x.error}, {"seconds", x.seconds}});
    nlohmann::json repo = nullptr;
    if (r.root)
      repo = {{"root", r.root->string()}, {"git", r.in_git}, {"head", r.git_head}, {"hash", r.hash}, {"store", r.store},
              {"schema", r.schema}, {"link_modes", r.link_modes}, {"link_mode_used", r.link_mode_used},
              {"tracked", r.tracked}, {"runs", r.runs}, {"models", r.models},
              {"stages", r.stages < 0 ? nlohmann::json() : nlohmann::json(r.stages)}, {"remotes", remotes}};
    print_json({{"version", r.version}, {"libraries", libs},
                {"system", {{"os", r.os}, {"cpu", r.cpu}, {"cpus", r.cpus}, {"memory_bytes", r.memory_bytes}}},
                {"repository", repo}, {"problems", r.problems}});
    return r.problems.empty() ? 0 : static_cast<int>(ExitCode::CheckFailed);
  }
  fmt::print("mlops       {}\n", r.version);
  for (const auto& [k, v] : r.libraries) fmt::print("{:<11} {}\n", k, v);
  fmt::print("system      {}; {} x {}; {} memory\n", r.os, r.cpus, r.cpu, human_size(static_cast<std::uint64_t>(r.memory_bytes)));
  if (!r.root) {
    fmt::print("repository  none ({})\n", r.repo_error);
    return 0;
  }
  fmt::print("repository  {}\n", r.root->string());
  fmt::print("git         {}\n", r.in_git ? "HEAD " + r.git_head : "not a git repository");
  fmt::print("store       {} ({} ids)\n", r.store, r.hash);
  fmt::print("state       schema {}; {} tracked, {} runs, {} models{}\n", r.schema, r.tracked, r.runs, r.models,
             r.stages < 0 ? "" : fmt::format(", {} pipeline stages", r.stages));
  fmt::print("link mode   {} (configured: {})\n", r.link_mode_used, r.link_modes);
  for (const auto& x : r.remotes) {
    std::string state = a.offline ? "not checked" : x.reachable ? fmt::format("reachable ({:.2f}s)", x.seconds) : "unreachable: " + x.error;
    fmt::print("remote      {} {} {}\n", x.name, x.url, state);
  }
  for (const auto& p : r.problems) fmt::print("problem     {}\n", p);
  return r.problems.empty() ? 0 : static_cast<int>(ExitCode::CheckFailed);
}

}  // namespace

void register_misc_commands(CLI::App& app, Context& ctx) {
  command(&app, "config", "Get, set, unset or list repository settings (.mlops/config)", [&ctx](CLI::App* config) {
    auto args = std::make_shared<ConfigArgs>();
    config->add_option("key", args->key, "Setting name, e.g. cache.link");
    config->add_option("value", args->value, "New value");
    config->add_flag("-l,--list", args->list, "List the settings in .mlops/config");
    config->add_option("--unset", args->unset, "Remove a setting")->type_name("KEY");
    config->add_flag("--json", args->json, "Print JSON");
    config->footer("Keys: core.hash (fixed at init), core.jobs, cache.dir, cache.link (reflink,hardlink,symlink,copy)");
    config->callback([&ctx, args] { ctx.action = [&ctx, args] { return run_config(ctx, *args); }; });
  });

  command(&app, "doctor", "Versions, machine, repository state, link mode, remotes: for bug reports",
          [&ctx](CLI::App* sub) {
            auto a = std::make_shared<DoctorArgs>();
            sub->add_flag("--offline", a->offline, "Do not contact the remotes");
            sub->add_flag("--json", a->json, "Print JSON");
            bind(sub, ctx, a, run_doctor_command);
          });
  command(&app, "__cli", "", [&app, &ctx](CLI::App* sub) {
    sub->callback([&app, &ctx] {
      ctx.action = [&app] {
        define_all(&app);
        print_cli(&app, "");
        return 0;
      };
    });
  })->group("");
  command(&app, "__complete", "", [&ctx](CLI::App* sub) {
    auto kind = std::make_shared<std::string>();
    sub->add_option("kind", *kind,
                    "paths, remotes, models, model-refs, runs, stages, stages-of-models, metrics or fields")
        ->required();
    sub->callback([&ctx, kind] { ctx.action = [&ctx, kind] { return print_completions(ctx, *kind); }; });
  })->group("");

  auto topic = std::make_shared<std::vector<std::string>>();
  auto* help = app.add_subcommand("help", "Show help for mlops or one of its commands");
  help->add_option("command", *topic, "Command to describe: status, exp run, model promote ...");
  help->callback([&app, &ctx, topic] {
    ctx.action = [&app, topic] {
      // The formatter directly: App::help() would describe the selected "help" command.
      if (topic->empty()) {
        fmt::print("{}", app.get_formatter()->make_help(&app, "mlops", CLI::AppFormatMode::Normal));
        return 0;
      }
      std::string path;
      CLI::App* sub = follow_commands(app, *topic, path, /*exact=*/true);
      define_all(sub);
      fmt::print("{}", sub->get_formatter()->make_help(sub, path, CLI::AppFormatMode::Normal));
      return 0;
    };
  });
}

}  // namespace mlops::cli

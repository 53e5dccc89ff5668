// mlops remote, push, fetch, pull: sharing data through a remote.
#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/checkout.hpp"
#include "tracking/tracking.hpp"
#include "output.hpp"
#include "progress_bar.hpp"
#include "remote/remote.hpp"
#include "remote/transfer.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

// ---- remote -----------------------------------------------------------------
struct RemoteArgs {
  std::string name, url, key, value;
  bool make_default = false;
  bool json = false;
};

int run_remote_add(Context& ctx, const RemoteArgs& a) {
  Config& cfg = ctx.repo().config();
  check_remote(a.name, a.url);
  if (cfg.get("remote." + a.name + ".url"))
    throw Error(ExitCode::Usage, fmt::format("remote '{}' exists already", a.name),
                fmt::format("change it with: mlops remote modify {} url URL", a.name));
  cfg.set("remote." + a.name + ".url", a.url);
  if (a.make_default) cfg.set("core.remote", a.name);
  if (!ctx.quiet) fmt::print("added remote {} ({}){}\n", a.name, a.url, a.make_default ? ", the default" : "");
  return 0;
}

int run_remote_list(Context& ctx, const RemoteArgs& a) {
  Config& cfg = ctx.repo().config();
  std::string def = cfg.get("core.remote").value_or("");
  auto names = remote_names(cfg);
  if (def.empty() && names.size() == 1) def = names[0];
  if (a.json) {
    json arr = json::array();
    for (const auto& n : names)
      arr.push_back({{"name", n}, {"url", cfg.get("remote." + n + ".url").value_or("")}, {"default", n == def}});
    print_json(arr);
    return 0;
  }
  for (const auto& n : names)
    fmt::print("{}\t{}{}\n", n, cfg.get("remote." + n + ".url").value_or(""), n == def ? "\t(default)" : "");
  return 0;
}

int run_remote_remove(Context& ctx, const RemoteArgs& a) {
  Config& cfg = ctx.repo().config();
  if (!cfg.get("remote." + a.name + ".url")) fail(ExitCode::Usage, "no remote named '{}'", a.name);
  for (const char* key : {"url", "jobs", "endpoint", "region", "profile", "path-style", "part-size", "timeout"})
    cfg.unset(fmt::format("remote.{}.{}", a.name, key));
  if (cfg.get("core.remote") == a.name) cfg.unset("core.remote");
  if (!ctx.quiet) fmt::print("removed remote {}\n", a.name);
  return 0;
}

int run_remote_default(Context& ctx, const RemoteArgs& a) {
  Config& cfg = ctx.repo().config();
  if (a.name.empty()) {
    fmt::print("{}\n", remote_spec(cfg, "").name);
    return 0;
  }
  if (!cfg.get("remote." + a.name + ".url")) fail(ExitCode::Usage, "no remote named '{}'", a.name);
  cfg.set("core.remote", a.name);
  return 0;
}

int run_remote_modify(Context& ctx, const RemoteArgs& a) {
  Config& cfg = ctx.repo().config();
  if (!cfg.get("remote." + a.name + ".url")) fail(ExitCode::Usage, "no remote named '{}'", a.name);
  if (a.key == "url") check_remote(a.name, a.value);
  std::string key = fmt::format("remote.{}.{}", a.name, a.key);
  if (!find_config_key(key))
    fail(ExitCode::Usage, "unknown remote setting '{}' (known: url, jobs, endpoint, region, profile, path-style, part-size, timeout, packs)",
         a.key);
  cfg.set(key, a.value);
  return 0;
}

// ---- push / fetch / pull ----------------------------------------------------
struct TransferArgs {
  std::string remote;
  std::vector<std::string> paths;
  std::string rev;
  bool all_branches = false, all_tags = false, force = false, json = false;
  bool no_remote_index = false;
  unsigned jobs = 0;
};

TransferScope scope_of(Context& ctx, const TransferArgs& a, ScopeFor what) {
  TransferScope request;
  request.rels = ctx.rel_paths(a.paths);
  request.rev = a.rev;
  request.all_branches = a.all_branches;
  request.all_tags = a.all_tags;
  request.ask_remote = a.no_remote_index;
  return transfer_scope(ctx.repo(), std::move(request), what);
}

void print_transfer(Context& ctx, const TransferArgs& a, const TransferResult& r, const char* verb) {
  if (a.json) {
    print_json({{"remote", r.remote}, {"transferred", r.transferred}, {"bytes", r.bytes}, {"already", r.already}});
    return;
  }
  if (ctx.quiet) return;
  fmt::print("{} {} ({}) {} {}; {} already there.\n", verb, plural(r.transferred, "object", "objects"),
             human_size(r.bytes), verb[0] == 'p' ? "to" : "from", r.remote, r.already);
}

// push and fetch: one transfer with a progress bar, then its summary.
using TransferFn = TransferResult (*)(Repo&, const std::string&, const TransferScope&, unsigned, Progress*);
int run_transfer(Context& ctx, const TransferArgs& a, TransferFn transfer, ScopeFor what, const char* label,
                 const char* verb) {
  TransferResult r;
  {
    ProgressBar bar(label, ctx.quiet || a.json);
    r = transfer(ctx.repo(), a.remote, scope_of(ctx, a, what), a.jobs, bar.get());
  }
  print_transfer(ctx, a, r, verb);
  return 0;
}

}  // namespace

int run_fsck_remote(Context& ctx, const std::string& remote, unsigned jobs, bool json) {
  RemoteCheck c;
  {
    ProgressBar bar("checking", ctx.quiet || json);
    // What push would send: the workspace's data, the pipeline's outputs and
    // the registered models.
    c = check_remote(ctx.repo(), remote, scope_of(ctx, TransferArgs{}, ScopeFor::Push), jobs, bar.get());
  }
  if (json) {
    print_json({{"remote", c.remote},
                {"ok", c.ok()},
                {"checked", c.checked},
                {"corrupt", c.corrupt},
                {"corrupt_in_packs", c.corrupt_in_packs},
                {"missing", c.missing},
                {"pack_indexes_left_out", c.pack_notes}});
  } else if (!ctx.quiet) {
    for (const auto& m : c.pack_notes) fmt::print("pack index left out on {}: {}\n", c.remote, m);
    for (const auto& m : c.corrupt) fmt::print("corrupt on {}: {} (moved aside there)\n", c.remote, m);
    for (const auto& m : c.corrupt_in_packs) fmt::print("corrupt on {}: {} (left in the pack)\n", c.remote, m);
    for (const auto& m : c.missing) fmt::print("missing on {}: {}\n", c.remote, m);
    fmt::print("Checked {} on {}: {} corrupt, {} missing.{}\n", plural(c.checked, "object", "objects"), c.remote,
               c.corrupt.size() + c.corrupt_in_packs.size(), c.missing.size(),
               c.ok() ? "" : " 'mlops push' sends them again.");
  }
  return c.ok() ? 0 : static_cast<int>(ExitCode::CheckFailed);
}

namespace {

int run_push(Context& ctx, const TransferArgs& a) {
  return run_transfer(ctx, a, push, ScopeFor::Push, "pushing", "pushed");
}
int run_fetch(Context& ctx, const TransferArgs& a) {
  return run_transfer(ctx, a, fetch, ScopeFor::Fetch, "fetching", "fetched");
}

int run_pull(Context& ctx, const TransferArgs& a) {
  TransferResult r;
  std::vector<CheckoutResult> placed;
  {
    ProgressBar bar("pulling", ctx.quiet || a.json);
    // What the remote lacks does not hold back the rest: everything that
    // can be restored is, then the command fails naming what could not be.
    r = fetch_available(ctx.repo(), a.remote, scope_of(ctx, a, ScopeFor::Fetch), a.jobs, bar.get());
    CheckoutOptions opts{a.force, a.rev};
    opts.skip_missing = true;
    placed = checkout(ctx.repo(), ctx.rel_paths(a.paths), opts, tracked_sources(), nullptr);
  }
  std::vector<std::string> not_restored, restored;
  for (const auto& c : placed) {
    if (!c.missing.empty()) not_restored.push_back(c.rel);
    else if (c.placed || c.removed) restored.push_back(c.rel);
  }
  if (a.json) {
    print_json({{"remote", r.remote}, {"transferred", r.transferred}, {"bytes", r.bytes}, {"already", r.already},
                {"restored", restored}, {"not_restored", not_restored}, {"absent", r.absent}, {"corrupt", r.corrupt}});
  } else {
    print_transfer(ctx, a, r, "fetched");
    if (!ctx.quiet)
      for (const auto& c : placed)
        if (c.missing.empty() && (c.placed || c.removed))
          fmt::print("{}: {} restored{}\n", c.rel, plural(c.placed, "file", "files"),
                     c.removed ? fmt::format(", {} removed", c.removed) : "");
  }
  if (!not_restored.empty()) {
    std::string also = fmt::format("\nnot restored{}:{}", restored.empty() ? "" : " (everything else was)",
                                   list_some(not_restored));
    check_fetched(r, also);
    // The store lacked objects the remote did not list as needed (an unknown
    // folder manifest): the same error as checkout's.
    std::vector<std::string> missing;
    for (const auto& c : placed) missing.insert(missing.end(), c.missing.begin(), c.missing.end());
    throw Error(ExitCode::Missing,
                fmt::format("{} object(s) needed are neither in the store nor fetched:{}{}", missing.size(),
                            list_some(missing), also));
  }
  check_fetched(r);
  return 0;
}

enum class Verb { Push, Fetch, Pull };

void transfer_options(CLI::App* sub, TransferArgs& a, Verb verb) {
  sub->add_option("paths", a.paths, "Tracked paths or folders holding them (default: all)")->type_name("PATH");
  sub->add_option("-r,--remote", a.remote, "Remote to use (default: core.remote)")->type_name("NAME");
  sub->add_option("--rev", a.rev, "The data of a git revision instead of the workspace's")->type_name("REV");
  sub->add_flag("--all-branches", a.all_branches, "Also the data of every branch");
  sub->add_flag("--all-tags", a.all_tags, "Also the data of every tag");
  sub->add_option("-j,--jobs", a.jobs, "Parallel transfers (default: remote.NAME.jobs, or 4 per core)")
      ->check(CLI::Range(1u, 1024u));
  if (verb == Verb::Pull) sub->add_flag("-f,--force", a.force, "Overwrite files whose content is not in the store");
  if (verb == Verb::Push)
    sub->add_flag("--no-remote-index", a.no_remote_index,
                  "Ask the remote which objects it has instead of trusting what earlier pushes recorded");
  sub->add_flag("--json", a.json, "Print JSON");
}

}  // namespace

void register_remote_commands(CLI::App& app, Context& ctx) {
  command(&app, "remote", "Manage remotes: where push and pull send and fetch data", [&ctx](CLI::App* remote) {
    remote->require_subcommand(1);
    command(remote, "add", "Add a remote: a folder path or s3://bucket/prefix", [&ctx](CLI::App* sub) {
      auto a = std::make_shared<RemoteArgs>();
      sub->add_option("name", a->name, "Remote name")->required();
      sub->add_option("url", a->url, "Folder path or s3://bucket/prefix")->required();
      sub->add_flag("-d,--default", a->make_default, "Make it the default remote");
      bind(sub, ctx, a, run_remote_add);
    });
    command(remote, "list", "List remotes", [&ctx](CLI::App* sub) {
      auto a = std::make_shared<RemoteArgs>();
      sub->add_flag("--json", a->json, "Print JSON");
      bind(sub, ctx, a, run_remote_list);
    });
    command(remote, "remove", "Remove a remote (its data stays where it is)", [&ctx](CLI::App* sub) {
      auto a = std::make_shared<RemoteArgs>();
      sub->add_option("name", a->name, "Remote name")->required();
      bind(sub, ctx, a, run_remote_remove);
    });
    command(remote, "default", "Show or set the default remote", [&ctx](CLI::App* sub) {
      auto a = std::make_shared<RemoteArgs>();
      sub->add_option("name", a->name, "Remote name");
      bind(sub, ctx, a, run_remote_default);
    });
    command(remote, "modify", "Change a remote's setting (see mlops-remote(1))", [&ctx](CLI::App* sub) {
      auto a = std::make_shared<RemoteArgs>();
      sub->add_option("name", a->name, "Remote name")->required();
      sub->add_option("key", a->key, "url, jobs, endpoint, region, profile, path-style, part-size, timeout or packs")
          ->required();
      sub->add_option("value", a->value, "New value")->required();
      bind(sub, ctx, a, run_remote_modify);
    });
  });
  command(&app, "push", "Send tracked data to a remote (only what it lacks; small objects in packs with remote.NAME.packs)",
          [&ctx](CLI::App* sub) {
    auto a = std::make_shared<TransferArgs>();
    transfer_options(sub, *a, Verb::Push);
    bind(sub, ctx, a, run_push);
  });
  command(&app, "fetch", "Get tracked data from a remote into the store", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<TransferArgs>();
    transfer_options(sub, *a, Verb::Fetch);
    bind(sub, ctx, a, run_fetch);
  });
  command(&app, "pull", "Fetch tracked data from a remote, then check it out", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<TransferArgs>();
    transfer_options(sub, *a, Verb::Pull);
    bind(sub, ctx, a, run_pull);
  });
}

}  // namespace mlops::cli

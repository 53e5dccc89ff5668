// mlops init, add, status, checkout, ls, rm: versioning data beside git.
#include <fmt/format.h>

#include "context.hpp"
#include "pipeline/runner.hpp"
#include "core/error.hpp"
#include "core/heap.hpp"
#include "data/add.hpp"
#include "data/checkout.hpp"
#include "tracking/tracking.hpp"
#include "data/remove.hpp"
#include "data/status.hpp"
#include "data/tracked.hpp"
#include "output.hpp"
#include "progress_bar.hpp"
#include "remote/transfer.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

json pointer_json(const std::string& rel, const Pointer& p) {
  return {{"path", rel}, {"kind", kind_name(p.kind)}, {"id", p.id.str()}, {"size", p.size}, {"files", p.files}};
}

// ---- init -------------------------------------------------------------------
struct InitArgs {
  std::string hash = "xxh128";
  bool json = false;
};

int run_init(Context& ctx, const InitArgs& a) {
  InitResult r = init_repo(ctx.cwd(), parse_algo(a.hash));
  if (!r.in_git)
    fmt::print(stderr,
               "mlops: warning: {} is not inside a git repository; pointer files will not be versioned\n",
               r.root.string());
  if (a.json) {
    print_json({{"root", r.root.string()}, {"git", r.in_git}, {"hash", algo_name(r.algo)}});
    return 0;
  }
  if (!ctx.quiet)
    fmt::print("Initialised mlops repository in {} (hash: {})\n", (r.root / ".mlops").string(), algo_name(r.algo));
  if (!ctx.quiet && r.in_git) print_git_hint({".mlops/config", ".mlops/.gitignore"}, false);
  return 0;
}

// ---- add --------------------------------------------------------------------
struct AddArgs {
  std::vector<std::string> paths;
  bool json = false;
};

int run_add(Context& ctx, const AddArgs& a) {
  Repo& repo = ctx.repo();
  auto rels = ctx.rel_paths(a.paths);
  std::vector<AddResult> results;
  {
    ProgressBar bar("adding", ctx.quiet || a.json);
    results = add_paths(repo, rels, tracked_sources(), bar.get());
  }
  if (a.json) {
    json j = json::array();
    for (const auto& r : results) {
      json o = pointer_json(r.rel, r.ptr);
      o["changed"] = r.changed;
      o["files_read"] = r.files_read;
      o["objects_written"] = r.objects_written;
      o["bytes_written"] = r.bytes_written;
      j.push_back(o);
    }
    print_json(j);
    return 0;
  }
  if (ctx.quiet) return 0;
  std::vector<std::string> git_files;
  for (const auto& r : results) {
    std::string what = fmt::format("{}, {}", plural(r.ptr.files, "file", "files"), human_size(r.ptr.size));
    if (!r.changed) fmt::print("{}: unchanged ({})\n", r.rel, what);
    else fmt::print("added {} ({}, {} new in the store)\n", r.rel, what, plural(r.objects_written, "object", "objects"));
    if (ctx.verbose)
      fmt::print("  id {}; {} read, {} written\n", r.ptr.id.str(), plural(r.files_read, "file", "files"),
                 human_size(r.bytes_written));
    git_files.insert(git_files.end(), r.git_files.begin(), r.git_files.end());
  }
  print_git_hint(git_files, false);
  return 0;
}

// ---- status -----------------------------------------------------------------
struct StatusArgs {
  std::vector<std::string> paths;
  bool json = false;
  bool exit_code = false;
  bool remote = false;
  bool no_remote_index = false;
  std::string remote_name;
};

// status --remote: what is not yet pushed, and what is not yet fetched.
int run_remote_status(Context& ctx, const StatusArgs& a) {
  TransferScope request;
  request.rels = ctx.rel_paths(a.paths);
  request.ask_remote = a.no_remote_index;
  // The same scope as push: pipeline outputs and model versions too.
  RemoteStatus s = remote_status(ctx.repo(), a.remote_name, transfer_scope(ctx.repo(), std::move(request), ScopeFor::Push));
  bool dirty = !s.not_pushed.empty() || !s.not_fetched.empty();
  if (a.json) {
    print_json({{"remote", s.remote}, {"clean", !dirty}, {"not_pushed", s.not_pushed}, {"not_fetched", s.not_fetched}});
  } else if (!ctx.quiet) {
    for (const auto& p : s.not_pushed) fmt::print("not pushed:  {}\n", p);
    for (const auto& p : s.not_fetched) fmt::print("not fetched: {}\n", p);
    if (!dirty) fmt::print("Remote {} is up to date with the workspace's data.\n", s.remote);
    else
      fmt::print("{} not pushed to {}, {} not fetched.\n", plural(s.not_pushed.size(), "object", "objects"), s.remote,
                 s.not_fetched.size());
  }
  return a.exit_code && dirty ? static_cast<int>(ExitCode::CheckFailed) : 0;
}

int run_status(Context& ctx, const StatusArgs& a) {
  if (a.remote || !a.remote_name.empty() || a.no_remote_index) return run_remote_status(ctx, a);
  // 100,000 files make ~80 MB of small objects: with 4 KiB pages, 20,000
  // page faults (address space only until used).
  prefer_huge_pages(256u << 20);
  Repo& repo = ctx.repo();
  std::vector<PathStatus> all;
  {
    ProgressBar bar("checking", ctx.quiet || a.json);
    all = data_status(repo, ctx.rel_paths(a.paths), tracked_sources(), bar.get());
  }
  bool dirty = std::any_of(all.begin(), all.end(), [](const PathStatus& s) { return s.changed(); });
  // The pipeline's stages too, when there is one and no path was named.
  std::vector<StageReport> stages;
  if (a.paths.empty() && has_pipeline(repo)) stages = pipeline_status(repo, {});
  std::size_t stale = std::count_if(stages.begin(), stages.end(), [](const StageReport& r) { return r.outcome == StageOutcome::WouldRun; });
  if (a.json) {
    json paths = json::array();
    for (const auto& s : all) {
      if (!s.tracked.conflict.empty()) {
        paths.push_back({{"path", s.tracked.rel}, {"state", "conflict"}, {"message", s.tracked.conflict}});
        continue;
      }
      json o = pointer_json(s.tracked.rel, s.tracked.ptr);
      o["state"] = work_state_name(s.state);
      o["in_store"] = s.in_store;
      o["objects_missing"] = s.objects_missing;
      o["store_copy_changed"] = s.store_copy_changed;
      if (s.tracked.ptr.kind == Kind::Dir) {
        o["added"] = s.added;
        o["modified"] = s.modified;
        o["deleted"] = s.deleted;
      }
      paths.push_back(o);
    }
    json st = json::array();
    for (const auto& r : stages)
      st.push_back({{"stage", r.name}, {"stale", r.outcome == StageOutcome::WouldRun}, {"frozen", r.outcome == StageOutcome::Frozen}, {"reasons", r.reasons}});
    print_json({{"clean", !dirty && !stale}, {"paths", paths}, {"stages", st}});
  } else if (!ctx.quiet) {
    for (const auto& s : all) {
      if (!s.changed()) {
        if (ctx.verbose) fmt::print("{}: unchanged\n", s.tracked.rel);
        continue;
      }
      if (!s.tracked.conflict.empty()) {
        fmt::print("{}: {} in {} (keep one side, or run 'mlops add {}', then commit)\n", s.tracked.rel,
                   paint("merge conflict", "31"), s.tracked.pointer_rel(), s.tracked.rel);
        continue;
      }
      if (s.state == WorkState::Modified) fmt::print("{}: {}\n", s.tracked.rel, paint("modified", "31"));
      if (s.store_copy_changed)
        fmt::print("{}: {} (it is linked to the store, cache.link): run 'mlops fsck', then 'mlops add' or 'mlops pull'\n",
                   s.tracked.rel, paint("edited in place, which changed the store's copy too", "31"));
      if (s.state == WorkState::Deleted)
        fmt::print("{}: {} (run 'mlops {} {}' to restore it)\n", s.tracked.rel,
                   paint("deleted from the workspace", "31"), s.in_store ? "checkout" : "pull", s.tracked.rel);
      auto list = [&](const char* label, const std::vector<std::string>& items, const char* colour) {
        for (const auto& i : items) fmt::print("        {:<9} {}\n", label, paint(s.tracked.rel + "/" + i, colour));
      };
      list("added:", s.added, "32");
      list("modified:", s.modified, "31");
      list("deleted:", s.deleted, "31");
      if (!s.in_store)
        fmt::print("{}: {} ({} missing)\n", s.tracked.rel, paint("not in the store", "33"),
                   plural(s.objects_missing, "object", "objects"));
    }
    if (all.empty() && stages.empty()) fmt::print("No tracked data (track some with 'mlops add PATH').\n");
    else if (!all.empty() && !dirty) fmt::print("Data is up to date ({} tracked).\n", plural(all.size(), "path", "paths"));
    for (const auto& r : stages)
      if (r.outcome == StageOutcome::WouldRun)
        fmt::print("stage {}: {} ({})\n", r.name, paint("stale", "33"), fmt::join(r.reasons, "; "));
    if (!stages.empty() && !stale) fmt::print("Pipeline is up to date ({}).\n", plural(stages.size(), "stage", "stages"));
    bool unfetched = std::any_of(all.begin(), all.end(), [](const PathStatus& s) { return !s.in_store; });
    if (unfetched) fmt::print("Run 'mlops pull' to fetch the data the store lacks.\n");
    else if (stale) fmt::print("Run 'mlops run' to bring {} up to date.\n", plural(stale, "stage", "stages"));
  }
  return a.exit_code && (dirty || stale) ? static_cast<int>(ExitCode::CheckFailed) : 0;
}

// ---- checkout ---------------------------------------------------------------
struct CheckoutArgs {
  std::vector<std::string> paths;
  bool force = false;
  bool json = false;
  std::string rev;
};

int run_checkout(Context& ctx, const CheckoutArgs& a) {
  Repo& repo = ctx.repo();
  std::vector<CheckoutResult> results;
  {
    ProgressBar bar("checking out", ctx.quiet || a.json);
    results = checkout(repo, ctx.rel_paths(a.paths), CheckoutOptions{a.force, a.rev}, tracked_sources(), bar.get());
  }
  if (a.json) {
    json j = json::array();
    for (const auto& r : results) {
      json modes = json::array();
      for (auto m : r.modes_used) modes.push_back(link_mode_name(m));
      j.push_back({{"path", r.rel}, {"placed", r.placed}, {"removed", r.removed}, {"link_modes", modes}});
    }
    print_json(j);
    return 0;
  }
  if (ctx.quiet) return 0;
  for (const auto& r : results) {
    if (r.placed == 0 && r.removed == 0) {
      if (ctx.verbose) fmt::print("{}: up to date\n", r.rel);
      continue;
    }
    std::string modes;
    for (auto m : r.modes_used) modes += fmt::format("{}{}", modes.empty() ? "" : ",", link_mode_name(m));
    fmt::print("{}: {} restored{}{}\n", r.rel, plural(r.placed, "file", "files"),
               r.removed ? fmt::format(", {} removed", r.removed) : "", modes.empty() ? "" : " (" + modes + ")");
  }
  return 0;
}

// ---- ls ---------------------------------------------------------------------
struct LsArgs {
  std::vector<std::string> paths;
  bool json = false;
  std::string rev;
};

int run_ls(Context& ctx, const LsArgs& a) {
  Repo& repo = ctx.repo();
  auto rels = ctx.rel_paths(a.paths);
  auto tracked = a.rev.empty() ? find_tracked(repo, rels) : find_tracked_at(repo, a.rev, rels);
  if (a.json) {
    json j = json::array();
    for (const auto& t : tracked) j.push_back(pointer_json(t.rel, t.ptr));
    print_json(j);
    return 0;
  }
  if (tracked.empty()) {
    if (!ctx.quiet) fmt::print("No tracked data.\n");
    return 0;
  }
  Table table({"PATH", "KIND", "SIZE", "FILES", "ID"});
  for (const auto& t : tracked)
    table.add({t.rel, std::string(kind_name(t.ptr.kind)), human_size(t.ptr.size), std::to_string(t.ptr.files),
               t.ptr.id.str()});
  table.print();
  return 0;
}

// ---- rm ---------------------------------------------------------------------
struct RmArgs {
  std::vector<std::string> paths;
  bool keep_data = false;
  bool force = false;
  bool json = false;
};

int run_rm(Context& ctx, const RmArgs& a) {
  Repo& repo = ctx.repo();
  auto results = remove_tracked(repo, ctx.rel_paths(a.paths), RemoveOptions{a.keep_data, a.force}, tracked_sources());
  if (a.json) {
    json arr = json::array();
    for (const auto& r : results) arr.push_back({{"path", r.rel}, {"data_removed", r.data_removed}, {"git_files", r.git_files}});
    print_json(arr);
    return 0;
  }
  if (ctx.quiet) return 0;
  std::vector<std::string> git_files;
  for (const auto& r : results) {
    fmt::print("{} is no longer tracked{}\n", r.rel, r.data_removed ? "; its data was removed (still in the store until gc)" : "");
    git_files.insert(git_files.end(), r.git_files.begin(), r.git_files.end());
  }
  print_git_hint(git_files, true);
  return 0;
}

}  // namespace

void register_data_commands(CLI::App& app, Context& ctx) {
  command(&app, "init", "Create .mlops/ at the top of the git repository", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<InitArgs>();
    sub->add_option("--hash", a->hash, "Object hash: xxh128 (default, fastest) or sha256")
        ->check(CLI::IsMember({"xxh128", "sha256"}));
    sub->add_flag("--json", a->json, "Print JSON");
    bind(sub, ctx, a, run_init);
  });
  command(&app, "add", "Track files and folders: store them and write PATH.mlops pointers", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<AddArgs>();
    sub->add_option("paths", a->paths, "Files or folders to track")->required()->type_name("PATH");
    sub->add_flag("--json", a->json, "Print JSON");
    bind(sub, ctx, a, run_add);
  });
  command(&app, "status", "Show tracked data that changed in the workspace or is missing", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<StatusArgs>();
    sub->add_option("paths", a->paths, "Tracked paths or folders holding them (default: all)")->type_name("PATH");
    sub->add_flag("--json", a->json, "Print JSON");
    sub->add_flag("--exit-code", a->exit_code, "Exit with 1 when anything changed");
    sub->add_flag("--remote", a->remote, "Compare with the default remote: what is not pushed or not fetched");
    sub->add_option("-r", a->remote_name, "Compare with this remote (implies --remote)")->type_name("NAME");
    sub->add_flag("--no-remote-index", a->no_remote_index,
                  "Ask the remote which objects it has instead of trusting what earlier pushes recorded (implies --remote)");
    bind(sub, ctx, a, run_status);
  });
  command(&app, "checkout", "Make the workspace match the pointer files", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<CheckoutArgs>();
    sub->add_option("paths", a->paths, "Tracked paths or folders holding them (default: all)")->type_name("PATH");
    sub->add_flag("-f,--force", a->force, "Overwrite or delete files whose content is not in the store");
    sub->add_option("--rev", a->rev, "Materialise the data as committed at a git revision")->type_name("REV");
    sub->add_flag("--json", a->json, "Print JSON");
    bind(sub, ctx, a, run_checkout);
  });
  command(&app, "ls", "List tracked paths with kind, size, file count and id", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<LsArgs>();
    sub->add_option("paths", a->paths, "Tracked paths or folders holding them (default: all)")->type_name("PATH");
    sub->add_option("--rev", a->rev, "List what was tracked at a git revision")->type_name("REV");
    sub->add_flag("--json", a->json, "Print JSON");
    bind(sub, ctx, a, run_ls);
  });
  command(&app, "rm", "Stop tracking paths (pointer and .gitignore entry removed)", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<RmArgs>();
    sub->add_option("paths", a->paths, "Tracked paths")->required()->type_name("PATH");
    sub->add_flag("--keep-data", a->keep_data, "Leave the data in the workspace");
    sub->add_flag("-f,--force", a->force, "Delete the data even if the store lacks its content");
    sub->add_flag("--json", a->json, "Print JSON");
    bind(sub, ctx, a, run_rm);
  });
}

}  // namespace mlops::cli

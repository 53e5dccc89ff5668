// mlops diff, gc, fsck, install-hooks (and the hidden hook runner): data in
// the git history it lives beside.
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/checkout.hpp"
#include "data/diff.hpp"
#include "data/fsck.hpp"
#include "data/gc.hpp"
#include "tracking/remote_gc.hpp"
#include "data/hooks.hpp"
#include "data/status.hpp"
#include "output.hpp"
#include "progress_bar.hpp"
#include "remote/remote.hpp"
#include "remote/transfer.hpp"
#include "store/object_store.hpp"
#include "tracking/tracking.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

// ---- diff -------------------------------------------------------------------
struct DiffArgs {
  std::vector<std::string> revs;
  std::vector<std::string> paths;
  bool json = false;
};

int run_diff(Context& ctx, const DiffArgs& a) {
  if (a.revs.size() > 2) fail(ExitCode::Usage, "diff takes at most two revisions");
  Repo& repo = ctx.repo();
  std::string from = a.revs.empty() ? "HEAD" : a.revs[0];
  std::optional<std::string> to;
  if (a.revs.size() == 2) to = a.revs[1];
  DataDiff d;
  {
    ProgressBar bar("comparing", ctx.quiet || a.json);
    d = diff_data(repo, from, to, ctx.rel_paths(a.paths), tracked_sources(), bar.get());
  }
  if (a.json) {
    auto version = [](const std::optional<FileVersion>& v) { return v ? json{{"id", v->id.str()}, {"size", v->size}} : json(); };
    auto list = [&](const std::vector<DiffItem>& items) {
      json arr = json::array();
      for (const auto& i : items) arr.push_back({{"path", i.path}, {"before", version(i.before)}, {"after", version(i.after)}});
      return arr;
    };
    print_json({{"from", from},
                {"to", to ? *to : "workspace"},
                {"added", list(d.added)},
                {"modified", list(d.modified)},
                {"deleted", list(d.deleted)},
                {"not_in_store", d.not_in_store}});
    return 0;
  }
  if (ctx.quiet) return 0;
  std::string where = fmt::format("{} and {}", from, to ? *to : "the workspace");
  if (d.added.empty() && d.modified.empty() && d.deleted.empty()) {
    fmt::print("No data changes between {}.\n", where);
    return 0;
  }
  auto section = [](const char* title, const std::vector<DiffItem>& items, const char* colour, auto describe) {
    if (items.empty()) return;
    fmt::print("{}:\n", title);
    for (const auto& i : items) fmt::print("    {}  ({})\n", paint(i.path, colour), describe(i));
  };
  section("Added", d.added, "32", [](const DiffItem& i) { return human_size(i.after->size); });
  section("Modified", d.modified, "33",
          [](const DiffItem& i) { return fmt::format("{} -> {}", human_size(i.before->size), human_size(i.after->size)); });
  section("Deleted", d.deleted, "31", [](const DiffItem& i) { return human_size(i.before->size); });
  fmt::print("{} added, {} modified, {} deleted between {}\n", d.added.size(), d.modified.size(), d.deleted.size(),
             where);
  for (const auto& p : d.not_in_store)
    fmt::print("note: {} was compared as a whole: a folder manifest is not in the store\n", p);
  return 0;
}

// ---- gc ---------------------------------------------------------------------
struct GcArgs {
  GcOptions opts;
  bool json = false;
  std::string remote, grace, repack_below;
};

// --repack-below: a whole percentage.
unsigned parse_percent(const std::string& text, const char* option) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > 100)
    fail(ExitCode::Usage, "{} takes a whole number from 0 to 100, not '{}'", option, text);
  return v;
}

// What gc -r did (or would do) to the packs, a sentence each.
void print_repack(const RepackResult& p, bool dry, unsigned below) {
  auto join = [](const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? " and " : "") + parts[i];
    return out;
  };
  std::vector<std::string> rewrites, removals;
  if (p.packs_rewritten)
    rewrites.push_back(fmt::format("{} {} whose live share fell under {}% (--repack-below)",
                                   dry ? "would rewrite" : "rewrote", plural(p.packs_rewritten, "pack", "packs"),
                                   below));
  if (p.packs_merged)
    rewrites.push_back(fmt::format("{} {}", dry ? "would merge" : "merged", plural(p.packs_merged, "small pack",
                                                                                  "small packs")));
  if (p.objects_moved)
    fmt::print("{} {} ({} of them loose) into {}{}{}.\n", dry ? "Would move" : "Moved",
               plural(p.objects_moved, "live object", "live objects"), p.loose_packed,
               dry ? "about " : "", plural(p.packs_written, "new pack", "new packs"),
               rewrites.empty() ? "" : "; " + join(rewrites));
  else if (!rewrites.empty())
    fmt::print("{}{}.\n", static_cast<char>(std::toupper(join(rewrites)[0])), join(rewrites).substr(1));
  if (p.packs_removed)
    removals.push_back(plural(p.packs_removed, "pack with nothing live or no index", "packs with nothing live or no index"));
  if (p.indexes_removed)
    removals.push_back(plural(p.indexes_removed, "index whose pack is gone", "indexes whose pack is gone"));
  if (!removals.empty()) fmt::print("{} {}.\n", dry ? "Would remove" : "Removed", join(removals));
  if (p.objects_moved || !rewrites.empty() || !removals.empty())
    fmt::print("Packs: {} {}, {}{} {}.\n", human_size(p.bytes_removed), dry ? "would go" : "removed",
               dry ? "about " : "", human_size(p.bytes_written), dry ? "would be written" : "written");
}

// gc -r: the same choice of what to keep, applied to a remote.
int run_remote_gc(Context& ctx, const GcArgs& a) {
  if (a.opts.run_cache) fail(ExitCode::Usage, "--run-cache forgets this clone's run cache: run it without -r");
  if (a.opts.force) fail(ExitCode::Usage, "--force is for gc of a shared store (cache.dir): gc -r does not take it");
  RemoteGcOptions o;
  o.keep = a.opts;
  std::string grace = !a.grace.empty() ? a.grace : ctx.repo().config().get("gc.grace").value_or("1d");
  o.grace_ms = parse_duration_ms(grace, a.grace.empty() ? "gc.grace" : "--grace");
  if (!a.repack_below.empty()) o.repack_below = parse_percent(a.repack_below, "--repack-below");
  RemoteGcResult r = collect_remote_garbage(ctx.repo(), a.remote, o);
  const RepackResult& p = r.packs;
  if (a.json) {
    json removed = json::array();
    for (const auto& [id, size] : r.removed) removed.push_back({{"id", id}, {"size", size}});
    json packs = {{"rewritten", p.packs_rewritten},     {"merged", p.packs_merged},
                  {"removed", p.packs_removed},
                  {"indexes_removed", p.indexes_removed}, {"written", p.packs_written},
                  {"objects_moved", p.objects_moved},     {"loose_packed", p.loose_packed},
                  {"garbage_left", p.dead_left},          {"bytes_removed", p.bytes_removed},
                  {"bytes_written", p.bytes_written},     {"notes", p.notes}};
    print_json({{"remote", r.remote},
                {"dry_run", a.opts.dry_run},
                {"removed", removed},
                {"bytes_removed", r.bytes_removed},
                {"objects_kept", r.objects_kept},
                {"young_kept", r.young_kept},
                {"revisions_kept", r.revisions_kept},
                {"partial_uploads_removed", r.partial_uploads ? json(*r.partial_uploads) : json()},
                {"packs", packs}});
    return 0;
  }
  for (const auto& n : p.notes) note("mlops: warning: {}\n", n);
  if (!r.partial_uploads && !a.opts.dry_run)
    note("mlops: warning: remote {} cannot list unfinished multipart uploads (NotImplemented); none were aborted\n",
         r.remote);
  if (ctx.quiet) return 0;
  if (a.opts.dry_run || ctx.verbose)
    for (const auto& [id, size] : r.removed)
      fmt::print("{} {} ({})\n", a.opts.dry_run ? "would remove" : "removed", id, human_size(size));
  fmt::print("{} {} ({}) from {}; kept {} that {} or the remote's runs name, and {} younger than {} (--grace).\n",
             a.opts.dry_run ? "Would remove" : "Removed", plural(r.removed.size(), "object", "objects"),
             human_size(r.bytes_removed), r.remote, plural(r.objects_kept, "object", "objects"),
             plural(r.revisions_kept, "revision", "revisions"), r.young_kept, grace);
  if (r.partial_uploads && *r.partial_uploads)
    fmt::print("Removed {}.\n", plural(*r.partial_uploads, "unfinished upload", "unfinished uploads"));
  print_repack(p, a.opts.dry_run, o.repack_below);
  if (p.dead_left)
    fmt::print("Left {} in packs still at least {}% live (--repack-below).\n",
               plural(p.dead_left, "unneeded object", "unneeded objects"), o.repack_below);
  return 0;
}

int run_gc(Context& ctx, const GcArgs& a) {
  if (!a.remote.empty()) return run_remote_gc(ctx, a);
  if (!a.grace.empty()) fail(ExitCode::Usage, "--grace is for gc -r REMOTE");
  if (!a.repack_below.empty()) fail(ExitCode::Usage, "--repack-below is for gc -r REMOTE");
  GcResult r = collect_all_garbage(ctx.repo(), a.opts);
  if (a.json) {
    json removed = json::array();
    for (const auto& [id, size] : r.removed) removed.push_back({{"id", id.str()}, {"size", size}});
    print_json({{"dry_run", a.opts.dry_run},
                {"removed", removed},
                {"bytes_removed", r.bytes_removed},
                {"objects_kept", r.objects_kept},
                {"revisions_kept", r.revisions_kept},
                {"run_cache_dropped", r.run_cache_dropped}});
    return 0;
  }
  if (ctx.quiet) return 0;
  if (a.opts.dry_run || ctx.verbose)
    for (const auto& [id, size] : r.removed)
      fmt::print("{} {} ({})\n", a.opts.dry_run ? "would remove" : "removed", id.str(), human_size(size));
  fmt::print("{} {} ({}); kept {} for the workspace and {}.\n", a.opts.dry_run ? "Would remove" : "Removed",
             plural(r.removed.size(), "object", "objects"), human_size(r.bytes_removed),
             plural(r.objects_kept, "object", "objects"), plural(r.revisions_kept, "revision", "revisions"));
  if (r.run_cache_dropped) fmt::print("Forgot {}.\n", plural(r.run_cache_dropped, "run cache entry", "run cache entries"));
  return 0;
}

// ---- fsck -------------------------------------------------------------------
struct FsckArgs {
  bool json = false;
  bool remote = false;
  std::string remote_name;
  unsigned jobs = 0;
};

int run_fsck(Context& ctx, const FsckArgs& a) {
  if (a.remote || !a.remote_name.empty()) return run_fsck_remote(ctx, a.remote_name, a.jobs, a.json);
  FsckResult r;
  {
    ProgressBar bar("checking", ctx.quiet || a.json);
    r = fsck(ctx.repo(), tracked_sources(), bar.get());
  }
  if (a.json) {
    json corrupt = json::array();
    for (const auto& id : r.corrupt) corrupt.push_back(id.str());
    print_json({{"ok", r.ok()}, {"checked", r.checked}, {"corrupt", corrupt}, {"missing", r.missing}, {"stray", r.stray},
                {"likely_cause", r.likely_cause.empty() ? json() : json(r.likely_cause)}});
  } else if (!ctx.quiet) {
    for (const auto& id : r.corrupt)
      fmt::print("corrupt: {} (moved to {})\n", id.str(), (ctx.repo().store().base_dir() / "quarantine").string());
    for (const auto& m : r.missing) fmt::print("missing: {}\n", m);
    for (const auto& s : r.stray) fmt::print("not an object (left alone): objects/{}\n", s);
    fmt::print("Checked {}: {} corrupt, {} missing.\n", plural(r.checked, "object", "objects"), r.corrupt.size(),
               r.missing.size());
    if (!r.likely_cause.empty())
      fmt::print("hint: {}; 'mlops add' the file again where it is right, or 'mlops pull' a good copy\n", r.likely_cause);
  }
  return r.ok() ? 0 : static_cast<int>(ExitCode::CheckFailed);
}

// ---- install-hooks ----------------------------------------------------------
struct HooksArgs {
  bool uninstall = false;
  bool json = false;
};

int run_install_hooks(Context& ctx, const HooksArgs& a) {
  Repo& repo = ctx.repo();
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  auto changes = a.uninstall ? uninstall_hooks(repo) : install_hooks(repo, ec ? fs::path("mlops") : exe);
  if (a.json) {
    json arr = json::array();
    for (const auto& c : changes) arr.push_back({{"hook", c.name}, {"chained", c.chained}});
    print_json({{a.uninstall ? "removed" : "installed", arr}});
    return 0;
  }
  if (ctx.quiet) return 0;
  if (changes.empty()) fmt::print("No mlops hooks were installed.\n");
  for (const auto& c : changes) {
    if (a.uninstall)
      fmt::print("removed {}{}\n", c.name, c.chained ? fmt::format(" (your earlier {} is back)", c.name) : "");
    else
      fmt::print("installed {}{}\n", c.name,
                 c.chained ? fmt::format(" (your hook is kept as {}.pre-mlops and runs first)", c.name) : "");
  }
  return 0;
}

// ---- hook (run by the installed git hooks) ----------------------------------
struct HookArgs {
  std::string name;
  std::vector<std::string> args;
};

int run_hook(Context& ctx, const HookArgs& a) {
  if (a.name == "pre-commit") {
    std::vector<std::string> problems;
    for (const auto& s : data_status(ctx.repo(), {}, TrackedSources{}, nullptr)) {  // pointer files: outputs are mlops run's
      if (!s.tracked.conflict.empty()) problems.push_back(s.tracked.rel + " (merge conflict in its pointer file)");
      else if (s.state == WorkState::Modified) problems.push_back(s.tracked.rel);
    }
    if (problems.empty()) return 0;
    throw Error(ExitCode::CheckFailed,
                fmt::format("tracked data is modified but not added, so this commit would not record it:{}",
                            list_some(problems)),
                "run 'mlops add' on it, or commit with --no-verify to skip this check");
  }
  if (a.name == "post-checkout") {
    // Arguments: previous HEAD, new HEAD, 1 for a branch checkout (0 for files).
    if (a.args.size() < 3 || a.args[2] != "1") return 0;
    try {
      auto results = checkout(ctx.repo(), {}, CheckoutOptions{}, tracked_sources(), nullptr);
      std::uint64_t placed = 0;
      for (const auto& r : results) placed += r.placed + r.removed;
      if (placed && !ctx.quiet) note("mlops: checked out the data of {}\n", plural(results.size(), "path", "paths"));
    } catch (const Error& e) {
      // A post-checkout hook cannot undo the checkout: warn and go on.
      note("mlops: warning: data not checked out: {}\n", e.what());
      if (!e.hint().empty()) note("hint: {}\n", e.hint());
    }
    return 0;
  }
  if (a.name == "pre-push") {
    // git is about to publish commits whose pointers name data: send the data
    // first, to the default mlops remote (none configured: nothing to do).
    Repo& repo = ctx.repo();
    if (remote_names(repo.config()).empty()) return 0;
    // Everything HEAD tracks goes, pipeline outputs and models included; an
    // object missing from the store stops the git push (Error Missing).
    auto r = push(repo, "", transfer_scope(repo, {}, ScopeFor::Push), 0, nullptr);
    if (!ctx.quiet && r.transferred)
      note("mlops: pushed {} ({}) to {}\n", plural(r.transferred, "object", "objects"),
                 human_size(r.bytes), r.remote);
    return 0;
  }
  fail(ExitCode::Usage, "unknown hook '{}'", a.name);
}

}  // namespace

void register_history_commands(CLI::App& app, Context& ctx) {
  command(
      &app, "diff", "Show tracked data that changed between commits, or a commit and the workspace",
      [&ctx](CLI::App* sub) {
        auto a = std::make_shared<DiffArgs>();
        sub->add_option("revs", a->revs, "Up to two git revisions (default: HEAD and the workspace)")->type_name("REV");
        sub->add_option("--path", a->paths, "Only these tracked paths (repeatable)")->type_name("PATH");
        sub->add_flag("--json", a->json, "Print JSON");
        bind(sub, ctx, a, run_diff);
      });
  command(&app, "gc", "Remove store objects that no kept revision or workspace pointer names", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<GcArgs>();
    sub->add_flag("-w,--workspace", a->opts.workspace, "Keep only what the workspace and HEAD need");
    sub->add_flag("-a,--all-branches", a->opts.all_branches, "Also keep what every branch needs");
    sub->add_flag("-T,--all-tags", a->opts.all_tags, "Also keep what every tag needs");
    sub->add_flag("-A,--all-commits", a->opts.all_commits, "Also keep what every commit needs");
    sub->add_flag("-n,--dry-run", a->opts.dry_run, "List what would be removed; remove nothing");
    sub->add_flag("-f,--force", a->opts.force, "Allow gc on a shared store (cache.dir)");
    sub->add_flag("--run-cache", a->opts.run_cache, "Also forget the pipeline's run cache, so its outputs are not kept");
    sub->add_option("-r,--remote", a->remote,
                    "Clean this remote instead of the store (keeps the remote's runs and registered models too)")
        ->type_name("NAME");
    sub->add_option("--grace", a->grace, "With -r: keep objects younger than this (default: gc.grace, else 1d)")
        ->type_name("DURATION");
    sub->add_option("--repack-below", a->repack_below,
                    "With -r: rewrite packs whose live share of bytes is under this percentage (default 50)")
        ->type_name("PERCENT");
    sub->add_flag("--json", a->json, "Print JSON");
    bind(sub, ctx, a, run_gc);
  });
  command(&app, "fsck", "Re-hash the store; report corrupt and missing objects", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<FsckArgs>();
    sub->add_flag("--json", a->json, "Print JSON");
    sub->add_flag("--remote", a->remote,
                  "Check the default remote instead: read back and re-hash every object push would send");
    sub->add_option("-r", a->remote_name, "Check this remote (implies --remote)")->type_name("NAME");
    sub->add_option("-j,--jobs", a->jobs, "Parallel downloads with --remote (default: remote.NAME.jobs, or 4 per core)")
        ->check(CLI::Range(1u, 1024u));
    bind(sub, ctx, a, run_fsck);
  });
  command(&app, "install-hooks", "Install git hooks: pre-commit check, checkout after git checkout",
          [&ctx](CLI::App* sub) {
            auto a = std::make_shared<HooksArgs>();
            sub->add_flag("--uninstall", a->uninstall, "Remove the hooks (restoring hooks that were there before)");
            sub->add_flag("--json", a->json, "Print JSON");
            bind(sub, ctx, a, run_install_hooks);
          });
  // Hidden: run by the installed git hooks.
  command(&app, "hook", "", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<HookArgs>();
    sub->add_option("name", a->name)->required();
    sub->add_option("args", a->args);
    sub->allow_extras();
    bind(sub, ctx, a, run_hook);
  })->group("");
}

}  // namespace mlops::cli

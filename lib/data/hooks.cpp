#include "data/hooks.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "core/error.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"

namespace mlops {

namespace {

constexpr std::string_view kMarker = "# Installed by 'mlops install-hooks'";
constexpr std::string_view kChainSuffix = ".pre-mlops";

// The text between single quotes in sh: ' becomes '\''.
std::string shell_quote_body(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out;
}

std::string hook_script(const std::string& name, const fs::path& exe) {
  return fmt::format(R"(#!/bin/sh
{marker}; 'mlops install-hooks --uninstall' removes it.
# A hook that was here before is kept as {name}{suffix} and runs first.
prior="$(dirname "$0")/{name}{suffix}"
if [ -x "$prior" ]; then "$prior" "$@" || exit $?; fi
mlops_bin='{exe}'
[ -x "$mlops_bin" ] || mlops_bin=mlops
exec "$mlops_bin" hook {name} "$@"
)",
                     fmt::arg("marker", kMarker), fmt::arg("name", name), fmt::arg("suffix", kChainSuffix),
                     fmt::arg("exe", shell_quote_body(exe.string())));
}

bool is_ours(const fs::path& p) {
  auto st = lstat_path(p);
  if (!st || !st->is_regular()) return false;
  return read_file(p, 1u << 20).find(kMarker) != std::string::npos;
}

fs::path hooks_dir(Repo& repo) {
  auto git = GitRepo::open(repo.root());
  if (!git) fail(ExitCode::Repo, "{} is not a git repository: there are no git hooks to install", repo.root().string());
  fs::path dir = git->hooks_dir();
  make_dirs(dir);
  return dir;
}

}  // namespace

const std::vector<std::string>& hook_names() {
  static const std::vector<std::string> names = {"pre-commit", "post-checkout", "pre-push"};
  return names;
}

std::vector<HookChange> install_hooks(Repo& repo, const fs::path& mlops_exe) {
  fs::path dir = hooks_dir(repo);
  // Check every hook before changing any.
  for (const auto& name : hook_names()) {
    fs::path hook = dir / name, kept = dir / (name + std::string(kChainSuffix));
    if (lstat_path(hook) && !is_ours(hook) && lstat_path(kept))
      fail(ExitCode::Conflict, "{} exists and so does {}: mlops will not overwrite either", hook.string(),
           kept.string());
  }
  std::vector<HookChange> out;
  for (const auto& name : hook_names()) {
    fs::path hook = dir / name;
    HookChange c{name, false};
    if (lstat_path(hook) && !is_ours(hook)) {
      if (std::rename(hook.c_str(), (dir / (name + std::string(kChainSuffix))).c_str()) != 0)
        fail_errno("keep", hook.string(), errno);
      c.chained = true;
    }
    atomic_write(hook, hook_script(name, mlops_exe));
    if (::chmod(hook.c_str(), 0755) != 0) fail_errno("chmod", hook.string(), errno);
    out.push_back(c);
  }
  return out;
}

std::vector<HookChange> uninstall_hooks(Repo& repo) {
  fs::path dir = hooks_dir(repo);
  std::vector<HookChange> out;
  for (const auto& name : hook_names()) {
    fs::path hook = dir / name, kept = dir / (name + std::string(kChainSuffix));
    if (!is_ours(hook)) continue;
    remove_file(hook);
    HookChange c{name, false};
    if (lstat_path(kept)) {
      if (std::rename(kept.c_str(), hook.c_str()) != 0) fail_errno("restore", kept.string(), errno);
      c.chained = true;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace mlops

#pragma once
// Git hooks that fit mlops into git's own workflow: pre-commit refuses to
// commit while tracked data is modified but not added; post-checkout brings
// the data along after git checkout / git switch; pre-push sends the data to
// the default mlops remote before git pushes the pointers that name it. Hooks
// that were there before are kept and run first.
#include <string>
#include <vector>

#include "core/fs.hpp"

namespace mlops {

class Repo;

// The hooks mlops installs.
const std::vector<std::string>& hook_names();

struct HookChange {
  std::string name;
  bool chained = false;  // a user's hook was kept as NAME.pre-mlops
};

// `mlops_exe` is written into the hooks (with a fall back to mlops on PATH).
std::vector<HookChange> install_hooks(Repo& repo, const fs::path& mlops_exe);
std::vector<HookChange> uninstall_hooks(Repo& repo);

}  // namespace mlops

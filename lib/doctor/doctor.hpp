#pragma once
// mlops doctor: what to paste into a bug report — versions of mlops and the
// libraries it uses, the machine, the repository's state, the link mode that
// works here, and whether each remote answers. An application-level summary
// that asks every area (data, exp, registry, pipeline, remote), so it sits
// above them all, as tracking/ does.
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"

namespace mlops {

struct DoctorRemote {
  std::string name, url;
  bool reachable = false;
  std::string error;
  double seconds = 0;
};

struct DoctorReport {
  std::string version;
  std::vector<std::pair<std::string, std::string>> libraries;  // name, version ("not loadable: ...")
  std::string os, cpu;
  std::int64_t cpus = 0, memory_bytes = 0;
  // The repository, when the command runs inside one.
  std::optional<fs::path> root;
  std::string repo_error;  // why there is none
  bool in_git = false;
  std::string git_head, hash, store, link_modes, link_mode_used;
  std::int64_t schema = 0, tracked = 0, runs = 0, models = 0, stages = -1;  // stages -1: no mlops.yaml
  std::vector<DoctorRemote> remotes;
  std::vector<std::string> problems;
};

DoctorReport run_doctor(const fs::path& cwd, bool check_remotes);

}  // namespace mlops

#include "pipeline/stage_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "core/child_signals.hpp"
#include "core/error.hpp"
#include "core/fd.hpp"
#include "pipeline/stage_keeper.hpp"
#include "repo/repo.hpp"

extern char** environ;

namespace mlops {

int run_stage_command(Repo& repo, const Stage& s, const fs::path* log, const std::map<std::string, std::string>& extra) {
  fs::path dir = repo.abs(s.wdir);
  // Everything the child needs is built before fork: other threads may hold
  // malloc's lock at that moment, so the child must not allocate.
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : s.env) env[k] = v;
  for (const auto& [k, v] : extra) env[k] = v;
  env["MLOPS_STAGE"] = s.name;
  std::vector<std::string> env_text;
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "sh", dash_c = "-c", cmd = s.cmd;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  UniqueFd log_fd;
  if (log) {
    log_fd.reset(::open(log->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!log_fd) fail_errno("create", log->string(), errno);
  }
  StageExec x{argv, envp.data(), dir.c_str(), log_fd.get(), static_cast<bool>(::isatty(STDIN_FILENO)), ::getpid()};
  ChildProcess keeper;  // leads the stage's process group
  if (keeper.pid() == 0) run_stage_keeper(x);
  log_fd.reset();
  int status = keeper.wait();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace mlops

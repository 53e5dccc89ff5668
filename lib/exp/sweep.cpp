#include "exp/sweep.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <set>

#include "core/error.hpp"
#include "exp/run_store.hpp"

namespace mlops {

namespace {

std::vector<std::string> split_values(const std::string& key, const std::string& text) {
  std::vector<std::string> out(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ',') out.back() += text[++i];
    else if (text[i] == ',') out.emplace_back();
    else out.back() += text[i];
  }
  if (out.size() > 1)
    for (const auto& v : out)
      if (v.empty()) fail(ExitCode::Usage, "param {}: empty value in the list '{}'", key, text);
  return out;
}

std::atomic<int> g_stop{0};
void on_stop(int sig) { g_stop = sig; }

}  // namespace

ParamGrid expand_grid(const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;
  std::set<std::string> seen;
  std::size_t runs = 1;  // saturates past the bound: no overflow
  std::string swept;     // "-p a (1000 values) x -p b (1000 values)", for the error
  for (const auto& kv : items) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) fail(ExitCode::Usage, "param '{}' is not KEY=VALUE", kv);
    std::string key = kv.substr(0, eq);
    if (!seen.insert(key).second) fail(ExitCode::Usage, "param {} is given twice", key);
    auto values = split_values(key, kv.substr(eq + 1));
    for (const auto& v : values) check_run_text("param", key, v);
    runs = std::min(runs * std::min(values.size(), kMaxSweepRuns + 1), kMaxSweepRuns + 1);
    if (values.size() > 1) swept += fmt::format("{}-p {} ({} values)", swept.empty() ? "" : " x ", key, values.size());
    lists.emplace_back(std::move(key), std::move(values));
  }
  if (runs > kMaxSweepRuns)
    throw Error(ExitCode::Usage, fmt::format("a sweep of more than {} runs: {}", kMaxSweepRuns, swept),
                "sweep fewer values at once, or split the sweep");
  ParamGrid grid(1);
  for (const auto& [key, values] : lists) {
    ParamGrid next;
    next.reserve(grid.size() * values.size());
    for (const auto& combo : grid)
      for (const auto& v : values) {
        next.push_back(combo);
        next.back()[key] = v;
      }
    grid = std::move(next);
  }
  return grid;
}

bool run_processes(const std::vector<std::vector<std::string>>& argvs, const ProcessPool& pool) {
  struct sigaction sa {}, old_int{}, old_term{};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  g_stop = 0;
  ::sigaction(SIGINT, &sa, &old_int);
  ::sigaction(SIGTERM, &sa, &old_term);
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  bool forwarded = false;
  auto restore = [&] {
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
  };
  try {
    while (next < argvs.size() || !running.empty()) {
      while (!g_stop && next < argvs.size() && static_cast<int>(running.size()) < std::max(1, pool.jobs)) {
        std::vector<char*> argv;
        for (const auto& a : argvs[next]) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        if (pool.on_start) pool.on_start(next);
        pid_t pid = ::fork();
        if (pid < 0) fail_errno("start", argvs[next][0], errno);
        if (pid == 0) {
          ::sigaction(SIGINT, &old_int, nullptr);
          ::sigaction(SIGTERM, &old_term, nullptr);
          if (pool.quiet) {
            int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, STDOUT_FILENO);
            ::dup2(null, STDERR_FILENO);
          }
          ::execv(argv[0], argv.data());
          ::_exit(127);
        }
        running[pid] = next++;
      }
      // A SIGTERM sent to this process alone is passed on once; SIGINT from a
      // terminal reaches the whole process group anyway.
      if (g_stop && !forwarded) {
        forwarded = true;
        if (g_stop == SIGTERM)
          for (const auto& [pid, i] : running) ::kill(pid, SIGTERM);
      }
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, 0);
      if (pid < 0) {
        if (errno == EINTR) continue;
        if (errno == ECHILD) break;
        fail_errno("wait for", "a run of the sweep", errno);
      }
      auto it = running.find(pid);
      if (it == running.end()) continue;
      std::size_t index = it->second;
      running.erase(it);
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (pool.on_exit) pool.on_exit(index, code);
    }
  } catch (...) {
    restore();
    throw;
  }
  restore();
  return g_stop != 0;
}

}  // namespace mlops

#include "pipeline/stage_keeper.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace mlops {

namespace {

// What mlops passes on to the group; the keeper itself stays to report.
constexpr int kPassedOn[] = {SIGINT, SIGTERM, SIGHUP};
// Sent by the kernel when mlops dies.
constexpr int kParentGone = SIGUSR1;

volatile sig_atomic_t g_parent = 0;
volatile sig_atomic_t g_ended_group = 0;

void on_parent_gone(int) {
  if (g_ended_group || ::getppid() == g_parent) return;  // a stray SIGUSR1, not the kernel's
  g_ended_group = 1;
  ::kill(0, SIGTERM);  // the whole group; the keeper ignores it
}

void set_handler(int sig, void (*fn)(int)) {
  struct sigaction sa {};
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
}

}  // namespace

void run_stage_keeper(const StageExec& x) {
  ::setpgid(0, 0);
  g_parent = x.parent;
  for (int sig : kPassedOn) set_handler(sig, SIG_IGN);
  set_handler(kParentGone, on_parent_gone);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::prctl(PR_SET_PDEATHSIG, kParentGone);
  if (::getppid() != x.parent) on_parent_gone(0);  // mlops died before prctl

  pid_t cmd = ::fork();
  if (cmd < 0) ::_exit(127);
  if (cmd == 0) {
    // Ignored signals stay ignored across exec: the command gets the defaults.
    for (int sig : kPassedOn) set_handler(sig, SIG_DFL);
    set_handler(kParentGone, SIG_DFL);
    if (x.null_stdin) {
      int null = ::open("/dev/null", O_RDONLY);
      if (null >= 0) ::dup2(null, STDIN_FILENO);
    }
    if (::chdir(x.dir) != 0) ::_exit(127);
    if (x.log_fd >= 0) {
      ::dup2(x.log_fd, STDOUT_FILENO);
      ::dup2(x.log_fd, STDERR_FILENO);
    }
    ::execve("/bin/sh", x.argv, x.envp);
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(cmd, &status, 0) < 0)
    if (errno != EINTR) ::_exit(127);
  if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
  // Ended by a signal: end by the same one, so that mlops sees what the command did.
  int sig = WTERMSIG(status);
  set_handler(sig, SIG_DFL);
  ::kill(::getpid(), sig);
  ::_exit(128 + sig);
}

}  // namespace mlops

#include "pipeline/stage_keeper.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>
#include <iterator>

namespace mlops {

namespace {

// What mlops passes on to the group; the keeper itself stays to report.
constexpr int kPassedOn[] = {SIGINT, SIGTERM, SIGHUP};
// Sent by the kernel when mlops dies.
constexpr int kParentGone = SIGUSR1;

volatile sig_atomic_t g_parent = 0;
volatile sig_atomic_t g_ended_group = 0;

void on_parent_gone(int) {
  int saved = errno;
  if (!g_ended_group && ::getppid() != g_parent) {  // not a stray SIGUSR1
    g_ended_group = 1;
    ::kill(0, SIGTERM);  // the whole group; the keeper ignores it
    ::kill(0, SIGCONT);  // a stopped command must run to end
  }
  errno = saved;
}

void set_handler(int sig, void (*fn)(int)) {
  struct sigaction sa {};
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
}

bool ignored(int sig) {
  struct sigaction old {};
  return ::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN;
}

}  // namespace

void run_stage_keeper(const StageExec& x) {
  ::setpgid(0, 0);
  g_parent = x.parent;
  // Until the command exists, signals wait (blocked) rather than being lost.
  sigset_t held, none;
  sigemptyset(&held);
  sigemptyset(&none);
  for (int sig : kPassedOn) sigaddset(&held, sig);
  sigaddset(&held, kParentGone);
  ::sigprocmask(SIG_BLOCK, &held, nullptr);

  // What the command gets: the defaults, except what mlops's caller ignored
  // (nohup: a hangup must not end the stage).
  bool keep_ignored[std::size(kPassedOn)];
  for (std::size_t i = 0; i < std::size(kPassedOn); ++i) keep_ignored[i] = ignored(kPassedOn[i]);
  for (int sig : kPassedOn) set_handler(sig, SIG_IGN);
  // The job-control stops a background group gets from the terminal would stop
  // the keeper too, and then nothing could ever reap the command.
  for (int sig : {SIGTTIN, SIGTTOU, SIGTSTP}) set_handler(sig, SIG_IGN);
  set_handler(kParentGone, on_parent_gone);

  // Only stdin, stdout and stderr: a lock mlops holds on an inherited file
  // (.gitignore's, the store's) must not stay held for as long as the stage runs.
  if (x.null_stdin) {
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0 && null != STDIN_FILENO) ::dup2(null, STDIN_FILENO), ::close(null);
  }
  if (x.log_fd >= 0) {
    ::dup2(x.log_fd, STDOUT_FILENO);
    ::dup2(x.log_fd, STDERR_FILENO);
  }
  ::close_range(3, ~0U, 0);

  ::prctl(PR_SET_PDEATHSIG, kParentGone);
  sigset_t pending;
  sigemptyset(&pending);
  ::sigpending(&pending);
  if (::getppid() != x.parent || sigismember(&pending, kParentGone)) ::_exit(128 + SIGTERM);  // mlops is gone

  pid_t cmd = ::fork();
  if (cmd < 0) ::_exit(127);
  if (cmd == 0) {
    for (std::size_t i = 0; i < std::size(kPassedOn); ++i) set_handler(kPassedOn[i], keep_ignored[i] ? SIG_IGN : SIG_DFL);
    for (int sig : {SIGTTIN, SIGTTOU, SIGTSTP, kParentGone}) set_handler(sig, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // what the group got meanwhile arrives now
    if (::chdir(x.dir) != 0) ::_exit(127);
    ::execve("/bin/sh", x.argv, x.envp);
    ::_exit(127);
  }
  // Signals that came before the command existed are passed on to it.
  for (int sig : kPassedOn)
    if (sigismember(&pending, sig)) ::kill(cmd, sig);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  int status = 0;
  while (::waitpid(cmd, &status, 0) < 0)
    if (errno != EINTR) ::_exit(127);
  if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
  // Ended by a signal: end by the same one, so that mlops sees what the command
  // did (without a core file of this fork of mlops).
  int sig = WTERMSIG(status);
  struct rlimit no_core {};
  ::setrlimit(RLIMIT_CORE, &no_core);
  set_handler(sig, SIG_DFL);
  ::kill(::getpid(), sig);
  ::_exit(128 + sig);
}

}  // namespace mlops

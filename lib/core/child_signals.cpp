#include "core/child_signals.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "core/error.hpp"

namespace mlops {

namespace {

constexpr int kStops[] = {SIGINT, SIGTERM, SIGHUP};
constexpr std::size_t kSlots = 1024;  // as many as jobs may be

std::atomic<int> g_received{0};
std::atomic<pid_t> g_children[kSlots];
StopOptions g_opts;
bool g_caught[3] = {};          // per kStops: whether the handler is installed
struct sigaction g_before[3];   // the dispositions mlops was started with

void pass(pid_t pid, int sig) {
  if (g_opts.to_groups) {
    ::kill(-pid, sig);
    ::kill(-pid, SIGCONT);
  } else {
    ::kill(pid, sig);
  }
}

bool passes(int sig) { return sig != SIGINT || g_opts.pass_interrupt; }

void on_stop(int sig) {
  int saved = errno;
  g_received = sig;
  if (passes(sig))
    for (auto& slot : g_children)
      if (pid_t pid = slot.load(); pid > 0) pass(pid, sig);
  errno = saved;
}

sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kStops) sigaddset(&set, sig);
  return set;
}

}  // namespace

StopSignals::StopSignals(StopOptions opts) {
  g_opts = opts;
  g_received = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < std::size(kStops); ++i) {
    ::sigaction(kStops[i], nullptr, &g_before[i]);
    // A hangup ends the work unless mlops was started to ignore it (nohup).
    g_caught[i] = !(kStops[i] == SIGHUP && g_before[i].sa_handler == SIG_IGN);
    if (g_caught[i]) ::sigaction(kStops[i], &sa, nullptr);
  }
}

StopSignals::~StopSignals() {
  for (std::size_t i = 0; i < std::size(kStops); ++i)
    if (g_caught[i]) ::sigaction(kStops[i], &g_before[i], nullptr);
}

int StopSignals::received() { return g_received.load(); }

ChildProcess::ChildProcess() {
  sigset_t stops = stop_set(), before;
  ::pthread_sigmask(SIG_BLOCK, &stops, &before);
  pid_ = ::fork();
  if (pid_ < 0) {
    int err = errno;
    ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
    fail_errno("start", "a command", err);
  }
  if (pid_ == 0) {
    // As exec would: what mlops catches is back to the default, what it was
    // started to ignore (a hangup under nohup) stays ignored.
    for (std::size_t i = 0; i < std::size(kStops); ++i)
      if (g_caught[i]) ::signal(kStops[i], SIG_DFL);
    // Its own group, before it execs (the parent's setpgid may come later).
    if (g_opts.to_groups) ::setpgid(0, 0);
    ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
    return;
  }
  // The group exists before any signal is passed on to it.
  if (g_opts.to_groups) ::setpgid(pid_, pid_);
  for (auto& slot : g_children) {
    pid_t free = 0;
    if (slot.compare_exchange_strong(free, pid_)) {
      slot_ = &slot;
      break;
    }
  }
  // A signal that came before the child was registered (the handler may run
  // on another thread meanwhile: then the child may get it twice).
  if (int sig = g_received.load(); sig && passes(sig)) pass(pid_, sig);
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

ChildProcess::~ChildProcess() { forget(); }

void ChildProcess::forget() {
  if (slot_) static_cast<std::atomic<pid_t>*>(slot_)->store(0);
  slot_ = nullptr;
}

int ChildProcess::wait(struct rusage* usage) {
  int status = 0;
  while (::wait4(pid_, &status, 0, usage) < 0)
    if (errno != EINTR) fail_errno("wait for", "a command", errno);
  forget();
  return status;
}

}  // namespace mlops

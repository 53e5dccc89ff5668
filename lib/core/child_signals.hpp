#pragma once
// Passing Ctrl-C, SIGTERM and hangups on to the processes mlops starts (the
// pipeline's stages, a sweep's runs, an experiment's command), one way for
// all. While a StopSignals lives, SIGINT and SIGTERM are caught, and SIGHUP
// too unless mlops was started to ignore it (nohup); the last one received is
// remembered, and each is passed to every running ChildProcess. A child that
// starts after a signal came gets it as soon as it exists; a signal that comes
// while a child is being made waits (blocked) rather than being lost, and the
// child never runs mlops's handler: what mlops catches is back to the default
// in it before the signals reach it.
#include <sys/resource.h>
#include <sys/types.h>

#include <csignal>

namespace mlops {

struct StopOptions {
  // Pass SIGINT on. A child in mlops's own process group gets a terminal's
  // Ctrl-C from the terminal already; one in a group of its own does not.
  bool pass_interrupt = true;
  // Children lead process groups of their own (set up by ChildProcess):
  // signals go to the whole group (what a `sh -c` started ends too), followed
  // by SIGCONT so that a stopped command sees them. A terminal's Ctrl-C then
  // reaches them only through mlops, once.
  bool to_groups = false;
};

class StopSignals {
public:
  explicit StopSignals(StopOptions opts = {});
  ~StopSignals();  // the handlers mlops had before
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  // The signal that came last while this lived, 0 when none did.
  static int received();
};

// fork(2) under a StopSignals. In the child, pid() is 0: the signals mlops
// catches are back to their defaults (a hangup mlops was started to ignore
// stays ignored) and the signal mask is mlops's (it must exec or _exit, and may
// only make async-signal-safe calls: mlops may have other threads). In the
// parent the child is registered for the signals until this is destroyed
// (it does not wait for the child).
class ChildProcess {
public:
  ChildProcess();  // throws Error(Io) when fork fails
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  pid_t pid() const { return pid_; }
  // Waits for the child to end (EINTR retried) and stops passing signals to
  // it; returns its wait status. `usage`: what it used.
  int wait(struct rusage* usage = nullptr);
  // Stops passing signals to it (once something else reaped it).
  void forget();

private:
  pid_t pid_ = -1;
  void* slot_ = nullptr;
};

}  // namespace mlops

#pragma once
// The first process of a pipeline stage: forked from mlops, never exec'd. It
// leads the stage's process group, starts `sh -c CMD` in it and waits for it,
// then ends the way the command ended. mlops passes Ctrl-C, SIGTERM and
// hangups to the whole group (the shell of `sh -c` would not pass them on);
// if mlops itself dies, even by SIGKILL, the kernel tells the keeper
// (PR_SET_PDEATHSIG) and it ends the group, so no stage command outlives the
// run that started it. It runs in a fork of a multithreaded process: only
// async-signal-safe calls, nothing allocated.
#include <sys/types.h>

namespace mlops {

struct StageExec {
  char* const* argv;   // for /bin/sh
  char* const* envp;
  const char* dir;     // the stage's wdir
  int log_fd;          // -1: the terminal's stdout and stderr
  bool null_stdin;     // out of the terminal's foreground group a read would stop it
  pid_t parent;        // mlops
};

[[noreturn]] void run_stage_keeper(const StageExec& x);

}  // namespace mlops

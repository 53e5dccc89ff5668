#pragma once
// Which process records a run ("HOST PID START"), so that a run whose
// recorder died without a word (kill -9, a crash, power loss) is shown as
// lost instead of running for ever.
#include <string>

namespace mlops {

// This process: host name, pid and the kernel's start time of the process
// (so that a reused pid is not taken for the recorder).
std::string current_recorder();

// False only when the recorder is surely gone: it ran on this host and its pid
// is free or belongs to another process. Runs recorded elsewhere, or without
// a recorder, are taken to be alive.
bool recorder_alive(const std::string& recorder);

}  // namespace mlops

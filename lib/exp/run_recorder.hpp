#pragma once
// Which process records a run ("HOST PID START"), so that a run whose
// recorder died without a word (kill -9, a crash, power loss) is shown as
// lost instead of running for ever.
#include <string>

namespace mlops {

// This process: host name, boot id, pid namespace, pid and the kernel's start
// time of the process (so that a reused pid is not taken for the recorder).
std::string current_recorder();

// False only when the recorder is surely gone: it ran on this host, in this
// boot and pid namespace, and its pid is free or belongs to a process started
// at another time. Anything else (another machine or container, a reboot, no
// recorder, /proc hidden) is taken to be alive.
bool recorder_alive(const std::string& recorder);

}  // namespace mlops

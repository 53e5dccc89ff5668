#pragma once
// The machine mlops runs on: user, host, OS, CPU model and count, memory
// (recorded with each run, and shown by doctor).
#include <cstdint>
#include <string>

namespace mlops {

struct MachineInfo {
  std::string user, host;
  std::string os;   // "Debian GNU/Linux 12 (bookworm); Linux 6.1.0 x86_64"
  std::string cpu;  // the model name from /proc/cpuinfo, or the architecture
  std::int64_t cpus = 0;
  std::int64_t memory_bytes = 0;
};

MachineInfo machine_info();

}  // namespace mlops

#include "exp/run_recorder.hpp"

#include <unistd.h>

#include <climits>
#include <sstream>

#include "core/fs.hpp"

namespace mlops {

namespace {

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "?";
  return buf;
}

// Field 22 of /proc/PID/stat (clock ticks after boot); empty when the process
// does not exist. The command name (field 2) may hold spaces and parentheses:
// the fields after it start after its last ')'.
std::string start_time(long pid) {
  std::string stat;
  try {
    stat = read_file(fs::path("/proc") / std::to_string(pid) / "stat");
  } catch (const std::exception&) {
    return "";
  }
  auto close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

}  // namespace

std::string current_recorder() {
  long pid = static_cast<long>(::getpid());
  return host_name() + ' ' + std::to_string(pid) + ' ' + start_time(pid);
}

bool recorder_alive(const std::string& recorder) {
  std::istringstream in(recorder);
  std::string host, start;
  long pid = 0;
  if (!(in >> host >> pid >> start) || host != host_name()) return true;
  return start_time(pid) == start;
}

}  // namespace mlops

#include "exp/run_recorder.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

std::string read_line(const fs::path& p) {
  try {
    std::string s = read_file(p);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s.empty() ? "?" : s;
  } catch (const std::exception&) {
    return "?";
  }
}

// The boot and the pid namespace: pids mean something only within both (a
// container or sandbox with the host's name has pids of its own).
std::string boot_id() { return read_line("/proc/sys/kernel/random/boot_id"); }

std::string pid_namespace() {
  struct stat st {};
  if (::stat("/proc/self/ns/pid", &st) != 0) return "?";
  return std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino);
}

// Field 22 of /proc/PID/stat (clock ticks after boot); empty when it cannot
// be read. The command name (field 2) may hold spaces and parentheses: the
// fields after it start after its last ')'.
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
  for (int i = 3; i <= 22 && rest >> field; ++i)
    if (i == 22) return field;
  return "";
}

}  // namespace

std::string current_recorder() {
  long pid = static_cast<long>(::getpid());
  return host_name() + ' ' + boot_id() + ' ' + pid_namespace() + ' ' + std::to_string(pid) + ' ' + start_time(pid);
}

bool recorder_alive(const std::string& recorder) {
  std::istringstream in(recorder);
  std::string host, boot, pidns, start;
  long pid = 0;
  if (!(in >> host >> boot >> pidns >> pid >> start) || pid <= 0) return true;
  // Judged only from the same host, boot and pid namespace.
  if (host != host_name() || boot == "?" || boot != boot_id() || pidns == "?" || pidns != pid_namespace()) return true;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  // The pid is taken; by the recorder, unless its start time says otherwise
  // (hidden /proc entries of other users read as unknown: alive).
  std::string now = start_time(pid);
  return now.empty() || now == start;
}

}  // namespace mlops

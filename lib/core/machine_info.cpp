#include "core/machine_info.hpp"

#include <pwd.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace mlops {

namespace {

// The value of the first line "KEY<sep>value" in a text file, unquoted.
std::string field_of_file(const char* file, std::string_view key, char sep) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(key)) continue;
    auto at = line.find(sep, key.size());
    if (at == std::string::npos || line.find_first_not_of(" \t", key.size()) != at) continue;
    std::string v = line.substr(at + 1);
    v.erase(0, v.find_first_not_of(" \t\""));
    while (!v.empty() && (v.back() == '"' || v.back() == ' ' || v.back() == '\r')) v.pop_back();
    return v;
  }
  return "";
}

}  // namespace

MachineInfo machine_info() {
  MachineInfo m;
  if (const char* u = std::getenv("USER"); u && *u) m.user = u;
  else if (passwd* pw = ::getpwuid(::getuid())) m.user = pw->pw_name;
  else m.user = std::to_string(::getuid());
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  m.host = host;
  utsname u{};
  ::uname(&u);
  std::string distro = field_of_file("/etc/os-release", "PRETTY_NAME", '=');
  m.os = (distro.empty() ? "" : distro + "; ") + u.sysname + " " + u.release + " " + u.machine;
  m.cpu = field_of_file("/proc/cpuinfo", "model name", ':');
  if (m.cpu.empty()) m.cpu = u.machine;
  m.cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  m.memory_bytes = static_cast<std::int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  return m;
}

}  // namespace mlops

#include "core/error.hpp"

#include <cerrno>
#include <cstring>

namespace mlops {

void fail_errno(const std::string& what, const std::string& path, int err) {
  ExitCode code = ExitCode::Io;
  throw Error(code, fmt::format("cannot {} {}: {}", what, path, std::strerror(err)),
              err == ENOSPC ? "the disk is full; free space and run the command again" : "");
}

}  // namespace mlops

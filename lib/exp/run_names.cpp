#include "exp/run_names.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <random>

#include <fmt/format.h>

#include "core/error.hpp"

namespace mlops {

namespace {

std::mt19937_64& rng() {
  thread_local std::mt19937_64 r(std::random_device{}());
  return r;
}

constexpr std::array kAdjectives = {"amber", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair",
                                    "fast", "gentle", "glad", "keen", "kind", "lucky", "merry", "noble", "proud",
                                    "quick", "quiet", "rapid", "sharp", "shy", "steady", "swift", "warm", "wise"};
constexpr std::array kNouns = {"badger", "crane", "dolphin", "eagle", "falcon", "fox", "gecko", "heron", "ibis",
                               "jaguar", "koala", "lynx", "marten", "newt", "otter", "owl", "panda", "quail",
                               "raven", "seal", "tiger", "urchin", "viper", "wolf", "yak", "zebra"};

}  // namespace

// From the kernel's random source, not the name generator: runs travel
// between clones (exp push), so ids must not collide across machines, and a
// 32-bit seed would make that likely after some ten thousand processes.
std::string new_run_id() {
  std::uint64_t v[2];
  std::size_t got = 0;
  while (got < sizeof v) {
    ssize_t n = ::getrandom(reinterpret_cast<char*>(v) + got, sizeof v - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("read random bytes for a run id", "getrandom", errno);
    }
    got += static_cast<std::size_t>(n);
  }
  return fmt::format("{:016x}{:016x}", v[0], v[1]);
}

std::string new_run_name() {
  auto& r = rng();
  return fmt::format("{}-{}-{:03}", kAdjectives[r() % kAdjectives.size()], kNouns[r() % kNouns.size()], r() % 1000);
}

std::string unique_run_name(RunStore& runs, const std::string& wanted) {
  if (!wanted.empty()) {
    RunStore::check_name(wanted);
    if (runs.name_taken(wanted)) fail(ExitCode::Usage, "a run named '{}' exists already", wanted);
    return wanted;
  }
  std::string name;
  do name = new_run_name();
  while (runs.name_taken(name));
  return name;
}

}  // namespace mlops

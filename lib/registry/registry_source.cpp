#include "registry/registry_source.hpp"

#include "registry/registry.hpp"

namespace mlops {

namespace {

// Versions live in the state database, not in a revision's files: the
// registry keeps them all.
class RegistrySource : public TrackedSource {
public:
  std::vector<Tracked> in_workspace(Repo&, const std::vector<std::string>&) const override { return {}; }
  std::vector<Tracked> in_commit(Repo&, GitRepo&, const GitCommitRef&) const override { return {}; }
  std::vector<Tracked> kept(Repo& repo) const override { return Registry(repo).all_tracked(); }
};

}  // namespace

std::unique_ptr<TrackedSource> registry_source() { return std::make_unique<RegistrySource>(); }

}  // namespace mlops

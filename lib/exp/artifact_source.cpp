#include "exp/artifact_source.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"

namespace mlops {

namespace {

class RunArtifactSource : public TrackedSource {
public:
  std::vector<Tracked> in_workspace(Repo&, const std::vector<std::string>&) const override { return {}; }
  std::vector<Tracked> in_commit(Repo&, GitRepo&, const GitCommitRef&) const override { return {}; }

  std::vector<Tracked> kept(Repo& repo) const override {
    std::vector<Tracked> out;
    ObjectStore& store = repo.store();
    Stmt s(repo.db(),
           "SELECT run_id || ':' || path, id, size FROM artifacts "
           "UNION ALL SELECT id || ':diff', git_diff_id, 0 FROM runs WHERE git_diff_id IS NOT NULL");
    while (s.step()) {
      ObjectId id;
      if (!ObjectId::try_parse(s.col_text(1), id)) continue;
      out.push_back(run_object(store, s.col_text(0), id, static_cast<std::uint64_t>(s.col_int(2))));
    }
    return out;
  }
};

}  // namespace

Tracked run_object(const ObjectStore& store, std::string label, const ObjectId& id, std::uint64_t size) {
  Tracked t;
  t.ptr.id = id;
  t.rel = std::move(label);
  t.origin = "run " + t.rel;
  t.ptr.size = size;
  auto st = lstat_path(store.path_of(id));
  if (st && st->size <= (64u << 20)) {
    std::string text = read_file(store.path_of(id), 64u << 20);
    if (starts_with(text, "xxh128:") || starts_with(text, "sha256:")) {
      try {
        Manifest::parse(text, "artifact");
        t.ptr.kind = Kind::Dir;
      } catch (const Error&) {
        // a file that merely starts like a manifest
      }
    }
  }
  return t;
}

std::unique_ptr<TrackedSource> run_artifact_source() { return std::make_unique<RunArtifactSource>(); }

}  // namespace mlops

#include "pipeline/output_source.hpp"

#include "core/error.hpp"
#include "pipeline/pipeline_file.hpp"
#include "pipeline/run_cache.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"

namespace mlops {

std::vector<Tracked> outputs_as_tracked(const std::map<std::string, LockEntry>& lock, const std::string& origin) {
  std::vector<Tracked> out;
  for (const auto& [stage, entry] : lock)
    for (const auto& o : entry.outs) {
      Tracked t;
      t.rel = o.path;
      t.origin = origin;
      t.ptr.path = o.path.substr(o.path.rfind('/') + 1);
      t.ptr.id = ObjectId::parse(o.id);  // checked when the lock file was read
      t.ptr.size = o.size;
      t.ptr.kind = o.kind == "dir" ? Kind::Dir : Kind::File;
      out.push_back(std::move(t));
    }
  return out;
}

namespace {

class PipelineOutputSource : public TrackedSource {
public:
  explicit PipelineOutputSource(bool keep_run_cache) : keep_run_cache_(keep_run_cache) {}

  std::vector<Tracked> in_workspace(Repo& repo, const std::vector<std::string>&) const override {
    return outputs_as_tracked(read_lock(repo), kLockFile);
  }

  std::vector<Tracked> in_commit(Repo&, GitRepo& git, const GitCommitRef& c) const override {
    auto text = git.read_file(c.oid, kLockFile);
    if (!text) return {};
    std::string where = fmt::format("{} ({}):{}", c.label, c.short_id(), kLockFile);
    try {
      return outputs_as_tracked(parse_lock(*text), where);
    } catch (const Error& e) {
      throw Error(e.code(), fmt::format("{} ({}): {}", c.label, c.short_id(), e.what()), e.hint());
    }
  }

  // What the run cache can restore: outputs of earlier runs on any branch.
  std::vector<Tracked> kept(Repo& repo) const override {
    std::vector<Tracked> out;
    if (!keep_run_cache_) return out;
    for (auto& [stage, outs] : run_cache_entries(repo)) {
      std::map<std::string, LockEntry> one;
      one[stage].outs = std::move(outs);
      try {
        for (auto& t : outputs_as_tracked(one, "the run cache")) out.push_back(std::move(t));
      } catch (const std::exception&) {
        // an entry naming an unsafe path keeps nothing; the stage runs again
      }
    }
    return out;
  }

  std::string claims(Repo& repo, const std::string& rel) const override {
    if (!has_pipeline(repo)) return {};
    auto within = [](const std::string& a, const std::string& b) { return a == b || a.starts_with(b + "/"); };
    for (const auto& s : load_pipeline(repo).stages)
      for (const auto& o : s.outputs())
        if (within(rel, o) || within(o, rel))
          return fmt::format("{}an output of stage '{}' in mlops.yaml", o == rel ? "" : "'" + o + "', ", s.name);
    return {};
  }

private:
  bool keep_run_cache_;
};

}  // namespace

std::unique_ptr<TrackedSource> pipeline_output_source(bool keep_run_cache) {
  return std::make_unique<PipelineOutputSource>(keep_run_cache);
}


}  // namespace mlops

#include "pipeline/values_diff.hpp"

#include <set>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/walk.hpp"
#include "pipeline/lock_file.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"

namespace mlops {

std::vector<std::string> params_files(const Pipeline& p) {
  std::set<std::string> files(p.params.begin(), p.params.end());
  for (const auto& s : p.stages)
    for (const auto& [file, keys] : s.params) files.insert(file);
  files.insert(kDefaultParamsFile);  // left out where it is absent (values_at)
  return {files.begin(), files.end()};
}

std::vector<std::string> metrics_files(const Pipeline& p) {
  std::set<std::string> files(p.metrics.begin(), p.metrics.end());
  for (const auto& s : p.stages) files.insert(s.metrics.begin(), s.metrics.end());
  return {files.begin(), files.end()};
}

namespace {

// A link mlops made (cache.link symlink): to a regular file of the store.
bool links_into_store(Repo& repo, const fs::path& link) {
  std::error_code ec;
  fs::path target = fs::canonical(link, ec);
  if (ec) return false;
  fs::path objects = fs::canonical(repo.store().objects_dir(), ec);
  if (ec) return false;
  fs::path rel = target.lexically_relative(objects);
  auto st = lstat_path(target);
  return !rel.empty() && *rel.begin() != ".." && st && st->is_regular();
}

}  // namespace

std::string workspace_file_problem(Repo& repo, const std::string& rel, bool folder_ok) {
  std::string prefix;
  for (std::size_t b = 0, e; b < rel.size(); b = e + 1) {
    e = rel.find('/', b);
    if (e == std::string::npos) e = rel.size();
    prefix = rel.substr(0, e);
    auto st = lstat_path(repo.abs(prefix));
    if (!st) return "";
    // A link may lead anywhere (~/.aws, /proc/self/environ): what a commit
    // brings is read inside the repository only.
    if (st->is_symlink() && !(e == rel.size() && links_into_store(repo, repo.abs(prefix))))
      return fmt::format("{}: {} is a symbolic link (not followed: files are read inside the repository only)", rel,
                         prefix);
    if (st->is_symlink()) return "";  // an output checked out as a link to its object (cache.link symlink)
    if (e == rel.size() && st->is_dir() && !folder_ok) return fmt::format("{}: a folder (name the files in it)", rel);
    if (e == rel.size() && !st->is_regular() && !st->is_dir()) return fmt::format("{}: not a regular file", rel);
  }
  return "";
}

std::string output_path_problem(Repo& repo, const fs::path& path, bool folder) {
  fs::path rel = path.lexically_normal().lexically_relative(repo.root());
  if (rel.empty() || *rel.begin() == "..") return "";  // outside the repository: the user's own choice
  fs::path at = repo.root();
  std::size_t n = static_cast<std::size_t>(std::distance(rel.begin(), rel.end())), i = 0;
  for (const auto& part : rel) {
    ++i;
    if (part == "." || part.empty()) continue;
    at /= part;
    auto st = lstat_path(at);
    if (!st) return "";
    bool last = i == n;
    if (st->is_symlink() && (folder || !last))
      return fmt::format("{}: {} is a symbolic link (not written through: it may lead out of the repository)",
                         path.string(), at.lexically_relative(repo.root()).string());
  }
  return "";
}

namespace {

// A revision's commit; nullopt when the repository has no commit yet.
std::optional<GitCommitRef> commit_at(std::optional<GitRepo>& git, Repo& repo, const std::string& rev) {
  if (!git) git = GitRepo::open(repo.root());
  if (!git) fail(ExitCode::Usage, "comparing with a revision needs a git repository");
  return git->resolve(rev);
}

// What a revision's mlops.lock recorded for the stages' outputs: path ->
// output. Nothing when it has none, or when it is malformed (crafted or
// broken: not followed).
std::map<std::string, LockedPath> recorded_outs(GitRepo& git, const git_oid& commit, const std::string& rev,
                                                std::vector<std::string>* notes) {
  std::map<std::string, LockedPath> out;
  auto lock_text = git.read_file(commit, kLockFile);
  if (!lock_text) return out;
  try {
    for (const auto& [stage, entry] : parse_lock(*lock_text))
      for (const auto& o : entry.outs) out[o.path] = o;
  } catch (const Error& e) {
    if (notes) notes->push_back(fmt::format("{}'s {} is not read: {}", rev, kLockFile, e.what()));
    return {};
  }
  return out;
}

// Recorded folder outputs' manifests, read from the store once each; nullopt
// for one the store lacks or that is not a manifest.
class RecordedFolders {
 public:
  RecordedFolders(Repo& repo, std::string rev, std::vector<std::string>* notes)
      : repo_(repo), rev_(std::move(rev)), notes_(notes) {}
  // The manifest of a recorded folder output; null (and a note) when it cannot be read.
  const Manifest* manifest(const LockedPath& out) {
    auto [it, added] = cache_.try_emplace(out.id);
    if (added) {
      try {
        ObjectId oid = ObjectId::parse(out.id);
        if (!repo_.store().has(oid)) note(out.path, "its content is not in the store (mlops fetch brings it)");
        else it->second = Manifest::parse(repo_.store().read_verified(oid, 64u << 20), out.id);
      } catch (const Error& e) {
        note(out.path, e.what());  // a malformed id, a damaged object, not a manifest
      }
    }
    return it->second ? &*it->second : nullptr;
  }
  void note(const std::string& path, const std::string& why) {
    if (notes_) notes_->push_back(fmt::format("{}: as {}'s {} records it: {}", path, rev_, kLockFile, why));
  }

 private:
  Repo& repo_;
  std::string rev_;
  std::vector<std::string>* notes_;
  std::map<std::string, std::optional<Manifest>> cache_;
};

// The folder output holding `path` (and the path inside it), if one does.
std::optional<std::pair<const LockedPath*, std::string>> folder_output_of(const std::map<std::string, LockedPath>& outs,
                                                                          const std::string& path) {
  for (const auto& [p, o] : outs)
    if (o.kind == "dir" && path.size() > p.size() && path.starts_with(p) && path[p.size()] == '/')
      return std::pair{&o, path.substr(p.size() + 1)};
  return std::nullopt;
}

}  // namespace

std::map<std::string, std::string> file_texts_at(Repo& repo, const std::vector<std::string>& files, const std::string& rev,
                                                 std::vector<std::string>* notes) {
  std::map<std::string, std::string> out;
  if (rev.empty()) {
    for (const auto& f : files) {
      if (std::string why = workspace_file_problem(repo, f); !why.empty()) throw Error(ExitCode::Input, why);
      if (lstat_path(repo.abs(f))) out[f] = read_file(repo.abs(f), 64u << 20);
    }
    return out;
  }
  std::optional<GitRepo> git;
  auto commit = commit_at(git, repo, rev);
  if (!commit) return out;  // no commits yet: nothing there
  std::vector<std::string> absent;
  for (const auto& f : files) {
    if (auto text = git->read_file(commit->oid, f)) out[f] = std::move(*text);
    else absent.push_back(f);
  }
  if (absent.empty()) return out;
  // Files git does not keep there (a DVC project's cached plots, imported):
  // the content mlops.lock recorded for them then, when the store has it.
  auto outs = recorded_outs(*git, commit->oid, rev, notes);
  RecordedFolders folders(repo, rev, notes);
  for (const auto& f : absent) {
    try {
      ObjectId id;
      if (auto it = outs.find(f); it != outs.end() && it->second.kind == "file") {
        id = ObjectId::parse(it->second.id);
      } else if (auto in = folder_output_of(outs, f)) {
        const Manifest* m = folders.manifest(*in->first);
        const ManifestEntry* e = m ? m->find(in->second) : nullptr;
        if (!e) continue;
        id = e->id;
      } else {
        continue;
      }
      if (repo.store().has(id)) out[f] = repo.store().read_verified(id, 64u << 20);
      else folders.note(f, "its content is not in the store (mlops fetch brings it)");
    } catch (const Error& e) {
      folders.note(f, e.what());  // a malformed id, or content that is not what it should be: not there
    }
  }
  return out;
}

std::optional<std::vector<std::string>> files_in_folder_at(Repo& repo, const std::string& folder,
                                                           const std::vector<std::string>& revs,
                                                           const std::vector<std::string>& extensions,
                                                           std::size_t max_files, std::vector<std::string>* notes) {
  std::set<std::string> files;
  bool found = false;
  auto keep = [&](const std::string& path) {
    for (const auto& ext : extensions)
      if (path.size() > ext.size() && path.ends_with(ext)) {
        if (files.insert(path).second && files.size() > max_files)
          fail(ExitCode::Input, "{}: more than {} plots files in the folder", folder, max_files);
        return;
      }
  };
  std::optional<GitRepo> git;
  for (const auto& rev : revs) {
    if (rev.empty()) {
      auto st = lstat_path(repo.abs(folder));
      if (!st || !st->is_dir()) continue;
      if (std::string why = workspace_file_problem(repo, folder, true); !why.empty()) throw Error(ExitCode::Input, why);
      found = true;
      WalkVisitor v;
      v.stat_entries = false;
      v.enter_dir = [](const WalkEntry& e) {  // not git's nor mlops's own folders (a nested checkout's)
        auto name = e.rel.substr(e.rel.rfind('/') + 1);
        return name != ".git" && name != ".mlops";
      };
      v.file = [&](const WalkEntry& e) { keep(e.rel); };  // links and devices too: refused when read, with why
      walk_tree(repo.abs(folder), folder, v);
      continue;
    }
    auto commit = commit_at(git, repo, rev);
    if (!commit) continue;
    auto in_git = git->files_under(commit->oid, folder);
    found |= !in_git.empty();
    for (const auto& f : in_git) keep(f);
    RecordedFolders folders(repo, rev, notes);
    for (const auto& [path, o] : recorded_outs(*git, commit->oid, rev, notes)) {
      if (o.kind != "dir") continue;
      std::string inside;  // the folder's path inside the output, with a slash
      if (path == folder) inside = "";
      else if (auto in = folder_output_of({{path, o}}, folder)) inside = in->second + "/";
      else continue;
      found |= inside.empty();  // the output itself; a path inside it is a folder if files are below it
      if (const Manifest* m = folders.manifest(o))
        for (const auto& e : m->entries)
          if (e.path.starts_with(inside)) keep(path + "/" + e.path), found = true;
    }
  }
  if (!found) return std::nullopt;
  return std::vector<std::string>(files.begin(), files.end());
}

FileValues values_at(Repo& repo, const std::vector<std::string>& files, const std::string& rev,
                     std::vector<std::string>* notes) {
  FileValues out;
  for (const auto& [f, text] : file_texts_at(repo, files, rev, notes)) {
    try {
      out[f] = flatten_yaml(text, rev.empty() ? f : rev + ":" + f);
    } catch (const Error& e) {
      if (!notes || e.code() != ExitCode::Input) throw;
      notes->push_back(fmt::format("{}; left out", e.what()));
    }
  }
  return out;
}

std::vector<std::string> pipeline_files_at(Repo& repo, const std::vector<std::string>& revs,
                                           std::vector<std::string> (*of)(const Pipeline&),
                                           std::vector<std::string>& notes) {
  std::set<std::string> files;
  for (const auto& rev : revs) {
    std::vector<std::string> named;
    if (rev.empty()) {
      named = of(has_pipeline(repo) ? load_pipeline(repo) : Pipeline());
    } else {
      auto text = file_texts_at(repo, {kPipelineFile}, rev);
      Pipeline p;
      if (auto it = text.find(kPipelineFile); it != text.end()) {
        try {
          p = parse_pipeline(it->second, [&] {
            auto values = values_at(repo, {kDefaultParamsFile}, rev, &notes);
            return values.count(kDefaultParamsFile) ? values.at(kDefaultParamsFile) : std::map<std::string, std::string>();
          });
        } catch (const Error& e) {
          if (e.code() != ExitCode::Input) throw;
          notes.push_back(fmt::format("{}: {}; its files are not read there", rev, e.what()));
        }
      }
      named = of(p);
    }
    files.insert(named.begin(), named.end());
  }
  return {files.begin(), files.end()};
}

std::vector<ValueChange> diff_values(const FileValues& a, const FileValues& b, bool all) {
  std::set<std::string> files;
  for (const auto& [f, _] : a) files.insert(f);
  for (const auto& [f, _] : b) files.insert(f);
  std::vector<ValueChange> out;
  static const std::map<std::string, std::string> none;
  for (const auto& f : files) {
    const auto& x = a.count(f) ? a.at(f) : none;
    const auto& y = b.count(f) ? b.at(f) : none;
    std::set<std::string> keys;
    for (const auto& [k, _] : x) keys.insert(k);
    for (const auto& [k, _] : y) keys.insert(k);
    for (const auto& k : keys) {
      ValueChange c{f, k, std::nullopt, std::nullopt};
      if (auto it = x.find(k); it != x.end()) c.old_value = it->second;
      if (auto it = y.find(k); it != y.end()) c.new_value = it->second;
      if (all || c.old_value != c.new_value) out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace mlops

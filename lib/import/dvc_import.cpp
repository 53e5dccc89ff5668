#include "import/dvc_import.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "core/parallel.hpp"
#include "core/file_hash.hpp"
#include "core/text.hpp"
#include "core/yaml_load.hpp"
#include "data/gitignore.hpp"
#include "data/pointer.hpp"
#include "data/workspace.hpp"
#include "import/dvc_content.hpp"
#include "import/dvc_pipeline.hpp"
#include "import/dvc_project.hpp"
#include "remote/aws_credentials.hpp"
#include "remote/folder_remote.hpp"
#include "remote/s3_remote.hpp"
#include "pipeline/lock_file.hpp"
#include "pipeline/pipeline_file.hpp"
#include "pipeline/staleness.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

namespace {

// A folder entry's size is not in its listing; a file's may be missing from
// its .dvc: what the remote may send then, at most.
constexpr std::uint64_t kNoBound = std::uint64_t{16} << 30;

std::unique_ptr<Remote> open_dvc_remote(Repo& repo, const DvcConfig& cfg, const std::string& wanted) {
  std::string name = !wanted.empty() ? wanted : cfg.default_remote;
  if (name.empty() && cfg.remotes.size() == 1) name = cfg.remotes[0].name;
  if (name.empty())
    throw Error(ExitCode::Usage, "--fetch: the DVC repository has no default remote",
                "name one: mlops import dvc --fetch --remote NAME");
  auto it = std::find_if(cfg.remotes.begin(), cfg.remotes.end(), [&](const DvcRemote& r) { return r.name == name; });
  if (it == cfg.remotes.end() || it->url.empty()) fail(ExitCode::Usage, "--fetch: no DVC remote '{}' in .dvc/config", name);
  const std::string& url = it->url;
  if (url.starts_with("s3://")) {
    S3Settings s = s3_settings("dvc-" + name, url, repo.config());
    if (auto e = it->options.find("endpointurl"); e != it->options.end()) {
      // .dvc/config is committed: an endpoint in it could send the signed
      // requests (and the access key's id) anywhere, in the clear.
      const std::string& ep = e->second;
      bool loopback = ep.starts_with("http://127.0.0.1") || ep.starts_with("http://localhost") || ep.starts_with("http://[::1]");
      if (!ep.starts_with("https://") && !loopback)
        fail(ExitCode::Usage, "--fetch: DVC remote {}: endpointurl {} is not https (credentials would travel in the clear)",
             name, escaped_text(ep));
      s.endpoint = ep;
    }
    if (auto r = it->options.find("region"); r != it->options.end()) s.region = r->second;
    if (auto p = it->options.find("use_ssl"); p != it->options.end() && p->second == "false" && s.endpoint.empty())
      fail(ExitCode::Usage, "--fetch: DVC remote {}: use_ssl = false needs endpointurl", name);
    s.path_style = !s.endpoint.empty();
    auto profile = it->options.count("profile") ? it->options.at("profile") : std::string();
    return std::make_unique<S3Remote>(std::move(s), load_aws_credentials(profile));
  }
  if (url.find("://") != std::string::npos)
    fail(ExitCode::Usage, "--fetch: DVC remote {} ({}) is of a kind mlops cannot read (folders and s3:// only)", name, url);
  return std::make_unique<FolderRemote>("dvc-" + name, fs::path(url));
}

class Importer {
public:
  Importer(Repo& repo, const DvcImportOptions& opts, const fs::path& cwd, Progress* progress)
      : repo_(repo), opts_(opts), progress_(progress) {
    cfg_ = read_dvc_config(repo.root());
    std::vector<fs::path> caches;
    for (const auto& c : opts.from_cache) caches.push_back(fs::path(c).is_absolute() ? fs::path(c) : cwd / c);
    caches.push_back(cfg_.cache_dir);
    caches_ = caches;
    std::unique_ptr<Remote> remote;
    if (opts.fetch) remote = open_dvc_remote(repo, cfg_, opts.remote);
    remote_label_ = remote ? "DVC remote " + remote->location() : "";
    content_ = std::make_unique<DvcContent>(std::move(caches), std::move(remote), repo.store().base_dir() / "tmp");
  }

  DvcImportResult run() {
    std::vector<std::string> nested;
    auto files = find_dvc_files(repo_.root(), r_.problems, nested);
    r_.pipeline = lstat_path(repo_.abs("dvc.yaml")).has_value();
    if (files.empty() && !r_.pipeline && nested.empty() && r_.problems.empty())
      fail(ExitCode::Input, "no .dvc files and no dvc.yaml in {}", repo_.root().string());
    note_what_is_not_read();
    r_.notes.insert(r_.notes.end(), cfg_.notes.begin(), cfg_.notes.end());
    // dvc.yaml is converted (and checked) before anything is written: a
    // conversion that fails leaves the repository as it was.
    std::optional<DvcPipeline> conv;
    if (r_.pipeline || !nested.empty()) {
      conv = convert_dvc_yaml(repo_.root(), nested);
      if (conv->mlops_yaml.empty()) {
        r_.notes.insert(r_.notes.end(), conv->notes.begin(), conv->notes.end());
        conv.reset();
      } else {
        (void)parse_pipeline(conv->mlops_yaml, [&] { return load_params(repo_, kDefaultParamsFile); });
      }
    }
    std::optional<StoreLock> hold;  // gc waits: what is stored is named before the lock goes
    if (!opts_.dry_run) hold.emplace(repo_.store().base_dir(), StoreLock::Mode::Shared);
    for (const auto& f : files)
      for (const auto& out : f.outs) out_paths_.push_back(out.path);
    for (const auto& f : files) {
      r_.notes.insert(r_.notes.end(), f.notes.begin(), f.notes.end());
      for (const auto& out : f.outs) {
        try {
          import_out(f, out);
        } catch (const Error& e) {  // a malformed listing, say: this output is left out, the rest comes in
          if (e.code() != ExitCode::Input) throw;
          r_.problems.push_back(fmt::format("{}: {} (not imported)", out.where, e.what()));
        }
      }
    }
    if (conv) import_pipeline(*conv);
    // The DVC files go only once everything in them is verified and here:
    // every output's content, mlops.yaml, every stage in mlops.lock.
    if (opts_.remove_dvc && !opts_.dry_run) {
      if (r_.missing.empty() && r_.conflicts.empty() && r_.stale.empty() && r_.problems.empty()) {
        std::vector<std::string> gone;
        for (const auto& f : files) gone.push_back(f.rel);
        if (r_.pipeline) gone.insert(gone.end(), {"dvc.yaml", "dvc.lock"});
        for (const auto& rel : gone)
          if (lstat_path(repo_.abs(rel))) {
            if (::unlink(repo_.abs(rel).c_str()) != 0) fail_errno("remove", rel, errno);
            r_.removed.push_back(rel);
          }
      } else {
        r_.notes.push_back("--remove-dvc: the DVC files are kept until everything in them came in (see below)");
      }
    }
    r_.fetched = content_->fetched_files();
    std::sort(r_.git_files.begin(), r_.git_files.end());
    r_.git_files.erase(std::unique(r_.git_files.begin(), r_.git_files.end()), r_.git_files.end());
    return std::move(r_);
  }

private:
  // What DVC reads that this import does not: said, never silently.
  // (The dvc.yaml files of subfolders are said by the conversion, which reads their lists.)
  void note_what_is_not_read() {
    if (lstat_path(repo_.abs(".dvcignore")))
      r_.notes.push_back(".dvcignore: its patterns are not applied (an mlops folder holds every file in it)");
  }

  void import_pipeline(const DvcPipeline& conv) {
    r_.notes.insert(r_.notes.end(), conv.notes.begin(), conv.notes.end());
    fs::path file = repo_.abs(kPipelineFile);
    bool same = false;
    if (auto st = lstat_path(file)) {
      std::string old = st->is_regular() ? read_file(file, 16u << 20) : "";
      same = old == conv.mlops_yaml;
      if (!same && !opts_.force) {
        r_.conflicts.push_back(fmt::format("{} exists and is not dvc.yaml's conversion", kPipelineFile));
        return;
      }
    }
    r_.pipeline_written = true;
    if (opts_.dry_run) return;
    if (!same) {
      tree_.write_file(kPipelineFile, conv.mlops_yaml);
      r_.git_files.push_back(kPipelineFile);
    }
    Pipeline pipeline = load_pipeline(repo_);
    auto dvc_lock = read_dvc_lock(repo_.root(), conv.wdirs);
    auto lock = read_lock(repo_);
    Params params(repo_);
    bool changed = false;
    for (const Stage& stage : pipeline.stages) {
      if (lock.count(stage.name) && !opts_.force) {  // mlops ran it, or an earlier import recorded it
        r_.up_to_date.push_back(stage.name);
        continue;
      }
      auto l = dvc_lock.find(stage.name);
      // What will run is shown: mlops.yaml came from someone else's dvc.yaml.
      std::string runs = fmt::format("; 'mlops run' runs: {}", escaped_text(stage.cmd));
      if (l == dvc_lock.end()) {
        r_.stale.push_back(fmt::format("{}: not in dvc.lock (DVC never ran it){}", stage.name, runs));
        continue;
      }
      std::string why;
      auto entry = recorded(stage, l->second, conv.wdirs.at(stage.name.substr(0, stage.name.find('@'))), params, why);
      if (!entry) {
        r_.stale.push_back(fmt::format("{}: {}{}", stage.name, why, runs));
        continue;
      }
      lock[stage.name] = std::move(*entry);
      for (const auto& out : stage.outs)
        if (auto gi = gitignore_add(repo_.root(), out); !gi.empty()) r_.git_files.push_back(gi);
      r_.up_to_date.push_back(stage.name);
      changed = true;
    }
    if (changed) {
      write_lock(repo_, lock);
      r_.git_files.push_back(kLockFile);
    }
  }

  // The stage as dvc.lock recorded it, in mlops.lock's terms; nullopt, with
  // `why`, when the workspace holds something else. A path the workspace
  // lacks is taken from the caches (or the remote) by its MD5, as `dvc pull`
  // would: `mlops checkout` then puts it back.
  std::optional<LockEntry> recorded(const Stage& stage, const DvcLockStage& l, const std::string& wdir, Params& params,
                                    std::string& why) {
    std::string cmd = wdir.empty() ? l.cmd : fmt::format("cd {} && {}", wdir, l.cmd);
    if (stage.cmd != cmd) {
      why = "its command changed since dvc.lock";
      return std::nullopt;
    }
    LockEntry e;
    e.cmd = stage.cmd;
    e.env = stage.env;
    auto locked = [&](const std::vector<DvcLockedPath>& in_lock, const std::string& path, bool output,
                      std::vector<LockedPath>& into) {
      auto p = std::find_if(in_lock.begin(), in_lock.end(), [&](const DvcLockedPath& x) { return x.path == path; });
      if (p == in_lock.end()) {
        why = fmt::format("{} {} is not in dvc.lock", output ? "output" : "dependency", path);
        return false;
      }
      fs::path abs = repo_.abs(path);
      if (lstat_path(abs) || !inside(path)) {
        if (!matches(*p)) {
          why = fmt::format("{} {} is not what dvc.lock recorded", output ? "output" : "dependency", path);
          return false;
        }
        auto v = version_of(repo_, path, output);
        if (!v) return false;
        into.push_back(*v);
        return true;
      }
      DvcOut o;
      o.path = p->path, o.md5 = p->md5, o.dir = p->dir, o.legacy = p->legacy;
      std::vector<std::string> looked;
      std::string source;
      auto ptr = o.dir ? folder(o, looked, source) : file(o, looked, source);
      if (!ptr) {
        why = fmt::format("{} {} is missing, and its content is in no cache", output ? "output" : "dependency", path);
        return false;
      }
      into.push_back(LockedPath{path, ptr->id.str(), std::string(kind_name(ptr->kind)), ptr->size});
      return true;
    };
    for (const auto& d : stage.deps)
      if (!locked(l.deps, d, false, e.deps)) return std::nullopt;
    for (const auto& o : stage.outputs())
      if (!locked(l.outs, o, true, e.outs)) return std::nullopt;
    YAML::Node recorded_params = l.params_yaml.empty() ? YAML::Node() : load_yaml(l.params_yaml, "dvc.lock");
    for (const auto& [file, keys] : stage.params) {
      std::string dvc_file = wdir.empty() ? file : fs::path(file).lexically_relative(wdir).generic_string();
      YAML::Node section = recorded_params[dvc_file];
      YAML::Emitter em;
      em << section;
      auto was = section ? flatten_yaml(em.c_str(), "dvc.lock") : std::map<std::string, std::string>{};
      e.params[file] = params.values(stage, file, keys);
      for (const auto& [k, v] : e.params[file])
        if (auto it = was.find(k); it == was.end() || it->second != v) {
          why = fmt::format("param {} is not what dvc.lock recorded", k);
          return std::nullopt;
        }
    }
    return e;
  }

  bool matches(const DvcLockedPath& p) {
    if (!inside(p.path)) return false;
    fs::path abs = repo_.abs(p.path);
    auto st = lstat_path(abs);
    if (!st) return false;
    if (!p.dir) return st->is_regular() && dvc_file_matches(abs, p.md5, p.legacy);
    return st->is_dir() && workspace_dir_md5(p.path, p.legacy) == p.md5;
  }

  // DVC's id of a workspace folder: DVC 3's is exact; of DVC 2's, the text
  // rule's (the last candidate of each file).
  std::string workspace_dir_md5(const std::string& rel, bool legacy) {
    WorkTree tree = list_workspace(repo_, rel);
    std::vector<DvcDirEntry> entries;
    for (const auto& wf : tree.files) entries.push_back({wf.path, dvc_file_md5s(repo_.abs(rel) / wf.path, legacy).back()});
    return dvc_dir_md5(entries);
  }

  // Whether rel's folders are real folders of the repository (no component
  // a symlink): what a committed symlink would make the import read or
  // write elsewhere is neither read nor written.
  bool inside(const std::string& rel) {
    try {
      std::string parent = fs::path(rel).parent_path().generic_string();
      (void)tree_.open_dir(parent, false, rel);
      return true;
    } catch (const Error&) {
      return false;
    }
  }

  // Where a file found for an MD5 came from, for the summary.
  std::string label_of(const fs::path& found) const {
    if (found.parent_path() == repo_.store().base_dir() / "tmp") return remote_label_;
    for (const auto& c : caches_)
      if (found.string().starts_with(c.string() + "/"))
        return c == cfg_.cache_dir ? "DVC cache" : "DVC cache " + printable_path(c.string());
    return "DVC cache";
  }

  // True when the output's pointer is written (or there already).
  bool import_out(const DvcFile& f, const DvcOut& out) {
    if (out.md5.empty()) {
      r_.notes.push_back(fmt::format("{}: {} has no md5 yet (dvc commit it first; not imported)", out.where, out.path));
      return false;
    }
    if (!out.cache) {  // git keeps it: a pointer would make two owners
      r_.notes.push_back(fmt::format("{}: {}: cache: false: git keeps it, and keeps it (not imported)", out.where, out.path));
      return true;
    }
    std::string pointer_rel = out.path + std::string(kPointerSuffix);
    if (!inside(out.path)) {
      r_.problems.push_back(fmt::format("{}: {} lies behind a symlink (not imported)", out.where, out.path));
      return false;
    }
    for (const auto& other : out_paths_)
      if (other != out.path && (out.path.starts_with(other + "/") || other.starts_with(out.path + "/"))) {
        r_.problems.push_back(fmt::format("{}: {} and {} overlap: one tracked path inside another (not imported)",
                                          out.where, out.path, other));
        return false;
      }
    std::vector<std::string> looked;
    std::string source;
    std::optional<Pointer> p = out.dir ? folder(out, looked, source) : file(out, looked, source);
    if (!p) {
      r_.missing.push_back(fmt::format("{} ({}): md5 {}{}, looked in:{}", out.path, f.rel, out.md5, out.dir ? ".dir" : "",
                                       list_some(looked, 6)));
      return false;
    }
    p->path = fs::path(out.path).filename().string();
    std::string text = serialize_pointer(*p);
    fs::path abs = repo_.abs(pointer_rel);
    if (auto st = lstat_path(abs)) {
      std::string old = st->is_regular() ? read_file(abs, 1u << 20) : "";
      if (old == text) {
        r_.already.push_back(out.path);
        return true;
      }
      if (!opts_.force) {
        r_.conflicts.push_back(fmt::format("{} exists and names other content", pointer_rel));
        return false;
      }
    }
    r_.imported.push_back({out.path, source, p->files, p->size});
    if (opts_.dry_run) return true;
    gitignore_check(repo_.root(), out.path);
    tree_.write_file(pointer_rel, text);  // folders made as needed, no symlink followed
    r_.git_files.push_back(pointer_rel);
    if (auto gi = gitignore_add(repo_.root(), out.path); !gi.empty()) r_.git_files.push_back(gi);
    return true;
  }

  std::optional<Pointer> file(const DvcOut& out, std::vector<std::string>& looked, std::string& source) {
    fs::path ws = repo_.abs(out.path);
    if (auto st = lstat_path(ws); st && st->is_regular() && dvc_file_matches(ws, out.md5, out.legacy)) {
      source = "workspace";
      return from_workspace(out.path);
    }
    looked.push_back(fmt::format("{} (workspace)", out.path));
    auto found = content_->file(out.md5, out.legacy, out.size ? out.size : kNoBound, looked);
    if (!found) return std::nullopt;
    source = label_of(*found);
    Pointer p;
    p.kind = Kind::File;
    p.files = 1;
    auto st = lstat_path(*found);
    // A dry run names the content as the import would (so that it can say
    // what is there already), without storing it.
    p.id = opts_.dry_run ? hash_file(*found, repo_.store().algo()) : repo_.store().put_file(*found, found->string(), *st).id;
    p.size = st->size;
    p.executable = st->is_executable();
    advance(progress_, 1, st->size);
    return p;
  }

  std::optional<Pointer> folder(const DvcOut& out, std::vector<std::string>& looked, std::string& source) {
    auto listing = content_->listing(out.md5, looked);
    if (listing)
      for (const auto& e : *listing)
        if (std::string why = unwritable_reason(out.path + "/" + e.relpath); !why.empty())
          fail(ExitCode::Input, "the DVC listing {}.dir names {}/{}: {}", out.md5, out.path, printable_path(e.relpath), why);
    fs::path ws = repo_.abs(out.path);
    auto wst = lstat_path(ws);
    if (!listing) {
      // No listing anywhere: the workspace folder is the content if it hashes to the id.
      if (wst && wst->is_dir()) {
        if (workspace_dir_md5(out.path, out.legacy) == out.md5) {
          source = "workspace";
          return from_workspace(out.path);
        }
        looked.push_back(fmt::format("{}/ (workspace: other content)", out.path));
      }
      return std::nullopt;
    }
    // The workspace folder, when it holds exactly the listing's files.
    if (wst && wst->is_dir()) {
      WorkTree tree = list_workspace(repo_, out.path);
      bool same = tree.files.size() == listing->size();
      std::map<std::string, std::string> want;
      for (const auto& e : *listing) want[e.relpath] = e.md5;
      for (std::size_t i = 0; same && i < tree.files.size(); ++i) {
        auto it = want.find(tree.files[i].path);
        same = it != want.end() && dvc_file_matches(ws / tree.files[i].path, it->second, out.legacy);
      }
      if (same) {
        source = "workspace";
        return from_workspace(out.path);
      }
    }
    // Else file by file: the workspace's where it matches, the caches' (or the remote's) else.
    Manifest m;
    m.entries.resize(listing->size());
    std::vector<std::string> lost;
    std::mutex mu;
    std::set<std::string> sources;
    parallel_for(listing->size(), opts_.jobs, [&](std::size_t i) {
      const DvcDirEntry& e = (*listing)[i];
      fs::path here = ws / e.relpath;
      std::optional<fs::path> src;
      std::vector<std::string> seen;
      if (auto st = lstat_path(here); st && st->is_regular() && dvc_file_matches(here, e.md5, out.legacy)) src = here;
      else src = content_->file(e.md5, out.legacy, kNoBound, seen);
      if (!src) {
        std::lock_guard lock(mu);
        lost.push_back(fmt::format("{}/{} (md5 {})", out.path, e.relpath, e.md5));
        return;
      }
      auto st = lstat_path(*src);
      ManifestEntry entry{e.relpath, ObjectId{}, st->size, st->is_executable()};
      entry.id = opts_.dry_run ? hash_file(*src, repo_.store().algo()) : repo_.store().put_file(*src, src->string(), *st).id;
      advance(progress_, 1, st->size);
      std::string from = *src == here ? "workspace" : label_of(*src);
      std::lock_guard lock(mu);
      sources.insert(from);
      m.entries[i] = std::move(entry);
    });
    if (!lost.empty()) {
      looked.insert(looked.begin(), fmt::format("{} of its {} files are nowhere:{}", lost.size(), listing->size(),
                                                list_some(lost, 5)));
      return std::nullopt;
    }
    source = fmt::format("{}", fmt::join(sources, " and "));
    Pointer p;
    p.kind = Kind::Dir;
    p.files = m.entries.size();
    p.size = m.total_size();
    m.normalise();
    p.id = opts_.dry_run ? hash_bytes(repo_.store().algo(), m.serialize()) : repo_.store().put_bytes(m.serialize());
    return p;
  }

  // The workspace's version, stored as `mlops add` stores it (the stat
  // cache learns it too: `mlops status` need not read it again).
  std::optional<Pointer> from_workspace(const std::string& rel) {
    WorkTree tree = list_workspace(repo_, rel);
    if (opts_.dry_run) {  // the ids, without storing (nor the stat cache learning them)
      for (auto& wf : tree.files)
        wf.id = hash_file(wf.path.empty() ? repo_.abs(rel) : repo_.abs(rel) / wf.path, repo_.store().algo());
      Pointer p;
      p.kind = tree.shape == Shape::Dir ? Kind::Dir : Kind::File;
      p.size = tree.total_size();
      p.files = tree.files.size();
      p.id = p.kind == Kind::Dir ? hash_bytes(repo_.store().algo(), tree.manifest().serialize()) : tree.files[0].id;
      p.executable = p.kind == Kind::File && tree.files[0].st.is_executable();
      return p;
    }
    IdentifyStats stats;
    return store_tree(repo_, rel, tree, stats, progress_);
  }

  Repo& repo_;
  const DvcImportOptions& opts_;
  Progress* progress_;
  DvcConfig cfg_;
  std::unique_ptr<DvcContent> content_;
  std::string remote_label_;
  std::vector<fs::path> caches_;
  std::vector<std::string> out_paths_;
  SafeTree tree_{repo_.root()};
  DvcImportResult r_;
};

}  // namespace

DvcImportResult import_dvc(Repo& repo, const DvcImportOptions& opts, const fs::path& cwd, Progress* progress) {
  return Importer(repo, opts, cwd, progress).run();
}

}  // namespace mlops

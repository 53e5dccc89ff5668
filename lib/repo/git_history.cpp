#include "repo/git_history.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "core/error.hpp"

namespace mlops {

std::string GitCommitRef::short_id() const { return oid_hex(oid).substr(0, 7); }

std::optional<GitRepo> GitRepo::open(const fs::path& root) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, root.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) return std::nullopt;
  return GitRepo(GitRepoPtr(raw));
}

std::optional<GitCommitRef> GitRepo::resolve(const std::string& rev) {
  if (rev == "HEAD" && git_repository_head_unborn(repo_.get()) == 1) return std::nullopt;
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo_.get(), rev.c_str()) != 0)
    throw Error(ExitCode::Usage, fmt::format("unknown revision '{}'", rev), git_last_error());
  GitObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0)
    fail(ExitCode::Usage, "revision '{}' does not name a commit", rev);
  GitObjectPtr commit(peeled);
  return GitCommitRef{*git_object_id(commit.get()), rev};
}

namespace {

struct WalkPayload {
  git_repository* repo;
  std::string_view suffix;
  const std::function<void(const std::string&, std::string)>* fn;
  std::exception_ptr error;
};

// A committed file's content, refused past `max` bytes before it is loaded
// (a 1 GB blob of zeros costs a few MB in .git).
std::string read_blob(git_repository* repo, const git_oid& id, const std::string& path, std::uint64_t max) {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) != 0) fail(ExitCode::Repo, "cannot read git's objects: {}", git_last_error());
  GitOdbPtr odb(raw_odb);
  std::size_t len = 0;
  git_object_t type{};
  if (git_odb_read_header(&len, &type, odb.get(), &id) != 0)
    fail(ExitCode::Repo, "cannot read {} from git: {}", path, git_last_error());
  if (len > max) fail(ExitCode::Input, "{} in git is {} bytes, more than mlops reads ({} at most)", path, len, max);
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &id) != 0) fail(ExitCode::Repo, "cannot read {} from git: {}", path, git_last_error());
  GitBlobPtr blob(raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

int on_tree_entry(const char* root, const git_tree_entry* entry, void* payload) {
  auto* p = static_cast<WalkPayload*>(payload);
  // A symlink is a blob too (its target): it is not a file mlops reads.
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) return 0;
  std::string path = std::string(root) + git_tree_entry_name(entry);
  if (path.size() <= p->suffix.size() || !path.ends_with(p->suffix)) return 0;
  try {
    (*p->fn)(path, read_blob(p->repo, *git_tree_entry_id(entry), path, kMaxCommittedFile));
  } catch (...) {
    p->error = std::current_exception();
    return -1;
  }
  return 0;
}

using GitTreeEntryPtr = std::unique_ptr<git_tree_entry, GitDeleter<git_tree_entry, git_tree_entry_free>>;

GitTreePtr commit_tree(git_repository* repo, const git_oid& commit) {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo, &commit) != 0) fail(ExitCode::Repo, "cannot read commit: {}", git_last_error());
  GitCommitPtr cp(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, cp.get()) != 0) fail(ExitCode::Repo, "cannot read a commit's tree: {}", git_last_error());
  return GitTreePtr(t);
}

// The entry at `path` in the commit's tree; null when there is none.
GitTreeEntryPtr entry_at(git_repository* repo, const git_oid& commit, const std::string& path) {
  GitTreePtr tree = commit_tree(repo, commit);
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree.get(), path.c_str()) != 0) return nullptr;
  return GitTreeEntryPtr(e);
}


}  // namespace

void GitRepo::for_each_file(const git_oid& commit_id, std::string_view suffix,
                            const std::function<void(const std::string&, std::string)>& fn) {
  GitTreePtr tree = commit_tree(repo_.get(), commit_id);
  WalkPayload payload{repo_.get(), suffix, &fn, nullptr};
  int rc2 = git_tree_walk(tree.get(), GIT_TREEWALK_PRE, on_tree_entry, &payload);
  if (payload.error) std::rethrow_exception(payload.error);
  if (rc2 != 0) fail(ExitCode::Repo, "cannot walk commit tree: {}", git_last_error());
}

std::vector<GitCommitRef> GitRepo::commits(bool branches, bool tags, bool all_commits) {
  std::vector<GitCommitRef> out;
  std::set<std::string> seen;
  auto add = [&](const git_oid& oid, std::string label) {
    if (seen.insert(oid_hex(oid)).second) out.push_back({oid, std::move(label)});
  };
  if (auto head = resolve("HEAD")) add(head->oid, "HEAD");
  if (branches || tags) {
    git_reference_iterator* ri = nullptr;
    if (git_reference_iterator_new(&ri, repo_.get()) != 0) fail(ExitCode::Repo, "cannot list refs: {}", git_last_error());
    GitRefIterPtr iter(ri);
    git_reference* rr = nullptr;
    while (git_reference_next(&rr, iter.get()) == 0) {
      GitReferencePtr ref(rr);
      bool is_branch = git_reference_is_branch(ref.get()) || git_reference_is_remote(ref.get());
      bool is_tag = git_reference_is_tag(ref.get());
      if (!((branches && is_branch) || (tags && is_tag))) continue;
      git_object* peeled = nullptr;
      if (git_reference_peel(&peeled, ref.get(), GIT_OBJECT_COMMIT) != 0) continue;  // a tag of a blob
      GitObjectPtr obj(peeled);
      add(*git_object_id(obj.get()), git_reference_shorthand(ref.get()));
    }
  }
  if (all_commits) {
    git_revwalk* rw = nullptr;
    if (git_revwalk_new(&rw, repo_.get()) != 0) fail(ExitCode::Repo, "cannot walk history: {}", git_last_error());
    GitRevwalkPtr walk(rw);
    git_revwalk_push_glob(walk.get(), "*");  // every ref under refs/
    if (git_repository_head_unborn(repo_.get()) != 1) git_revwalk_push_head(walk.get());
    git_oid oid;
    while (git_revwalk_next(&oid, walk.get()) == 0) add(oid, "");
  }
  for (auto& c : out)
    if (c.label.empty()) c.label = c.short_id();
  return out;
}

std::string GitRepo::uncommitted_diff() {
  GitTreePtr head_tree;
  if (auto head = resolve("HEAD")) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo_.get(), &head->oid) != 0)
      fail(ExitCode::Repo, "cannot read HEAD: {}", git_last_error());
    GitCommitPtr commit(c);
    git_tree* t = nullptr;
    if (git_commit_tree(&t, commit.get()) != 0) fail(ExitCode::Repo, "cannot read HEAD's tree: {}", git_last_error());
    head_tree.reset(t);
  }
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_SHOW_UNTRACKED_CONTENT;
  opts.max_size = 1 << 20;
  // libgit2 gives up when a file changes between its stat and its read (other
  // processes writing in the work tree, say another mlops add): try again.
  for (int attempt = 1;; ++attempt) {
    git_diff* d = nullptr;
    if (git_diff_tree_to_workdir_with_index(&d, repo_.get(), head_tree.get(), &opts) != 0)
      fail(ExitCode::Repo, "cannot diff the work tree against HEAD: {}", git_last_error());
    std::unique_ptr<git_diff, GitDeleter<git_diff, git_diff_free>> diff(d);
    git_buf buf = GIT_BUF_INIT;
    if (git_diff_to_buf(&buf, diff.get(), GIT_DIFF_FORMAT_PATCH) != 0) {
      if (attempt < 5) continue;
      fail(ExitCode::Repo, "cannot format the work tree's diff: {}", git_last_error());
    }
    std::string out(buf.ptr ? buf.ptr : "", buf.size);
    git_buf_dispose(&buf);
    return out;
  }
}

fs::path GitRepo::hooks_dir() {
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_item_path(&buf, repo_.get(), GIT_REPOSITORY_ITEM_HOOKS) != 0)
    fail(ExitCode::Repo, "cannot find the git hooks folder: {}", git_last_error());
  fs::path p(std::string(buf.ptr, buf.size));
  git_buf_dispose(&buf);
  return p;
}

}  // namespace mlops

namespace mlops {


std::optional<std::string> GitRepo::read_file(const git_oid& commit, const std::string& path) {
  auto entry = entry_at(repo_.get(), commit, path);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  if (git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_LINK) return std::nullopt;
  return read_blob(repo_.get(), *git_tree_entry_id(entry.get()), path, kMaxCommittedFile);
}

std::vector<std::string> GitRepo::files_under(const git_oid& commit, const std::string& folder) {
  auto entry = entry_at(repo_.get(), commit, folder);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return {};
  git_tree* st = nullptr;
  if (git_tree_lookup(&st, repo_.get(), git_tree_entry_id(entry.get())) != 0)
    fail(ExitCode::Repo, "cannot read {} from git: {}", folder, git_last_error());
  GitTreePtr sub(st);
  std::pair<std::string, std::vector<std::string>> acc{folder + "/", {}};
  git_tree_walk(sub.get(), GIT_TREEWALK_PRE, [](const char* root, const git_tree_entry* te, void* payload) {
    auto* a = static_cast<std::pair<std::string, std::vector<std::string>>*>(payload);
    if (git_tree_entry_type(te) == GIT_OBJECT_BLOB && git_tree_entry_filemode(te) != GIT_FILEMODE_LINK)
      a->second.push_back(a->first + root + git_tree_entry_name(te));
    return 0;
  }, &acc);
  std::sort(acc.second.begin(), acc.second.end());
  return acc.second;
}

std::vector<std::string> GitRepo::changed_paths(bool with_untracked) {
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;  // untracked files are left out by default
  if (with_untracked) opts.flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  git_status_list* raw = nullptr;
  if (git_status_list_new(&raw, repo_.get(), &opts) != 0)
    fail(ExitCode::Repo, "cannot read git status: {}", git_last_error());
  std::unique_ptr<git_status_list, GitDeleter<git_status_list, git_status_list_free>> list(raw);
  std::vector<std::string> paths;
  for (std::size_t i = 0, n = git_status_list_entrycount(list.get()); i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    if (!d) continue;
    for (const char* p : {d->old_file.path, d->new_file.path})
      if (p) paths.emplace_back(p);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

namespace {

using GitSignaturePtr = std::unique_ptr<git_signature, GitDeleter<git_signature, git_signature_free>>;

GitSignaturePtr signature_of(git_repository* repo) {
  git_signature* sig = nullptr;
  if (git_signature_default(&sig, repo) == 0) return GitSignaturePtr(sig);
  // No user.name/user.email configured: who and where, as git would guess.
  const char* user = std::getenv("USER");
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string name = user && *user ? user : "mlops";
  std::string email = name + "@" + host;
  if (git_signature_now(&sig, name.c_str(), email.c_str()) != 0)
    fail(ExitCode::Repo, "cannot make a git signature: {}", git_last_error());
  return GitSignaturePtr(sig);
}

}  // namespace

std::string GitRepo::author() {
  auto sig = signature_of(repo_.get());
  return fmt::format("{} <{}>", sig->name, sig->email);
}

void GitRepo::create_tag(const std::string& name, const git_oid& commit, const std::string& message) {
  int valid = 0;
  if (git_tag_name_is_valid(&valid, name.c_str()) != 0 || !valid)
    fail(ExitCode::Usage, "'{}' is not a valid git tag name", name);
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo_.get(), &commit, GIT_OBJECT_COMMIT) != 0)
    fail(ExitCode::Repo, "cannot find commit for tag {}: {}", name, git_last_error());
  GitObjectPtr target(raw);
  auto sig = signature_of(repo_.get());
  git_oid tag_id;
  int rc = git_tag_create(&tag_id, repo_.get(), name.c_str(), target.get(), sig.get(), message.c_str(), 0);
  if (rc == GIT_EEXISTS) fail(ExitCode::Conflict, "git tag {} exists already", name);
  if (rc != 0) fail(ExitCode::Repo, "cannot create git tag {}: {}", name, git_last_error());
}

void GitRepo::delete_tag(const std::string& name) {
  if (git_tag_delete(repo_.get(), name.c_str()) != 0 && git_error_last())
    fail(ExitCode::Repo, "cannot delete git tag {}: {}", name, git_last_error());
}

std::vector<GitTag> GitRepo::tags(const std::string& pattern) {
  git_strarray names{};
  if (git_tag_list_match(&names, pattern.c_str(), repo_.get()) != 0)
    fail(ExitCode::Repo, "cannot list git tags: {}", git_last_error());
  std::vector<GitTag> out;
  for (std::size_t i = 0; i < names.count; ++i) {
    GitTag t;
    t.name = names.strings[i];
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo_.get(), ("refs/tags/" + t.name).c_str()) != 0) continue;
    GitObjectPtr obj(raw);
    if (git_object_type(obj.get()) == GIT_OBJECT_TAG) {
      auto* tag = reinterpret_cast<git_tag*>(obj.get());
      if (const char* m = git_tag_message(tag)) t.message = m;
      if (const git_signature* s = git_tag_tagger(tag)) {
        t.tagger = fmt::format("{} <{}>", s->name, s->email);
        t.time = s->when.time;
      }
    }
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) continue;
    GitObjectPtr commit(peeled);
    t.target = *git_object_id(commit.get());
    out.push_back(std::move(t));
  }
  git_strarray_dispose(&names);
  std::sort(out.begin(), out.end(), [](const GitTag& a, const GitTag& b) { return a.name < b.name; });
  return out;
}

}  // namespace mlops

// libgit2, loaded on first use (see core/lazy_library.hpp): one definition
// per libgit2 function mlops calls. A function missing here is a link error.
#include <git2.h>

#include "core/lazy_library.hpp"

namespace mlops {
static LazyLibrary& libgit2_library() {
  static LazyLibrary lib(MLOPS_LIBGIT2_SONAME, "libgit2");
  return lib;
}
}  // namespace mlops

#define GIT(ret, name, params, args) MLOPS_LAZY(mlops::libgit2_library(), ret, name, params, args)

GIT(void, git_blob_free, (git_blob *blob), (blob))
GIT(int, git_blob_lookup, (git_blob **blob, git_repository *repo, const git_oid *id), (blob, repo, id))
GIT(const void *, git_blob_rawcontent, (const git_blob *blob), (blob))
GIT(git_object_size_t, git_blob_rawsize, (const git_blob *blob), (blob))
GIT(void, git_buf_dispose, (git_buf *buffer), (buffer))
GIT(void, git_commit_free, (git_commit *commit), (commit))
GIT(int, git_commit_lookup, (git_commit **commit, git_repository *repo, const git_oid *id), (commit, repo, id))
GIT(int, git_commit_tree, (git_tree **tree_out, const git_commit *commit), (tree_out, commit))
GIT(int, git_config_delete_entry, (git_config *cfg, const char *name), (cfg, name))
GIT(int, git_config_foreach, (const git_config *cfg, git_config_foreach_cb callback, void *payload), (cfg, callback, payload))
GIT(void, git_config_free, (git_config *cfg), (cfg))
GIT(int, git_config_open_ondisk, (git_config **out, const char *path), (out, path))
GIT(int, git_config_set_string, (git_config *cfg, const char *name, const char *value), (cfg, name, value))
GIT(void, git_diff_free, (git_diff *diff), (diff))
GIT(int, git_diff_to_buf, (git_buf *out, git_diff *diff, git_diff_format_t format), (out, diff, format))
GIT(int, git_diff_tree_to_workdir_with_index, (git_diff **diff, git_repository *repo, git_tree *old_tree, const git_diff_options *opts), (diff, repo, old_tree, opts))
GIT(const git_error *, git_error_last, (), ())
GIT(size_t, git_index_entrycount, (const git_index *index), (index))
GIT(int, git_index_find_prefix, (size_t *at_pos, git_index *index, const char *prefix), (at_pos, index, prefix))
GIT(void, git_index_free, (git_index *index), (index))
GIT(const git_index_entry *, git_index_get_byindex, (git_index *index, size_t n), (index, n))
GIT(int, git_libgit2_init, (), ())
GIT(void, git_object_free, (git_object *object), (object))
GIT(const git_oid *, git_object_id, (const git_object *obj), (obj))
GIT(int, git_object_peel, (git_object **peeled, const git_object *object, git_object_t target_type), (peeled, object, target_type))
GIT(char *, git_oid_tostr, (char *out, size_t n, const git_oid *id), (out, n, id))
GIT(void, git_reference_free, (git_reference *ref), (ref))
GIT(int, git_reference_is_branch, (const git_reference *ref), (ref))
GIT(int, git_reference_is_remote, (const git_reference *ref), (ref))
GIT(int, git_reference_is_tag, (const git_reference *ref), (ref))
GIT(void, git_reference_iterator_free, (git_reference_iterator *iter), (iter))
GIT(int, git_reference_iterator_new, (git_reference_iterator **out, git_repository *repo), (out, repo))
GIT(int, git_reference_next, (git_reference **out, git_reference_iterator *iter), (out, iter))
GIT(int, git_reference_peel, (git_object **out, const git_reference *ref, git_object_t type), (out, ref, type))
GIT(const char *, git_reference_shorthand, (const git_reference *ref), (ref))
GIT(void, git_repository_free, (git_repository *repo), (repo))
GIT(int, git_repository_head_unborn, (git_repository *repo), (repo))
GIT(int, git_repository_index, (git_index **out, git_repository *repo), (out, repo))
GIT(int, git_repository_item_path, (git_buf *out, const git_repository *repo, git_repository_item_t item), (out, repo, item))
GIT(int, git_repository_open_ext, (git_repository **out, const char *path, unsigned int flags, const char *ceiling_dirs), (out, path, flags, ceiling_dirs))
GIT(const char *, git_repository_workdir, (const git_repository *repo), (repo))
GIT(int, git_revparse_single, (git_object **out, git_repository *repo, const char *spec), (out, repo, spec))
GIT(void, git_revwalk_free, (git_revwalk *walk), (walk))
GIT(int, git_revwalk_new, (git_revwalk **out, git_repository *repo), (out, repo))
GIT(int, git_revwalk_next, (git_oid *out, git_revwalk *walk), (out, walk))
GIT(int, git_revwalk_push_glob, (git_revwalk *walk, const char *glob), (walk, glob))
GIT(int, git_revwalk_push_head, (git_revwalk *walk), (walk))
GIT(const git_oid *, git_tree_entry_id, (const git_tree_entry *entry), (entry))
GIT(const char *, git_tree_entry_name, (const git_tree_entry *entry), (entry))
GIT(git_object_t, git_tree_entry_type, (const git_tree_entry *entry), (entry))
GIT(void, git_tree_free, (git_tree *tree), (tree))
GIT(int, git_tree_walk, (const git_tree *tree, git_treewalk_mode mode, git_treewalk_cb callback, void *payload), (tree, mode, callback, payload))

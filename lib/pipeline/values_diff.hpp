#pragma once
// params diff and metrics show/diff: the values of the pipeline's params and
// metrics files, now or at a git revision, and what changed between two.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/pipeline_file.hpp"

namespace mlops {

using FileValues = std::map<std::string, std::map<std::string, std::string>>;  // file -> key -> value

struct ValueChange {
  std::string file, key;
  std::optional<std::string> old_value, new_value;  // nullopt: absent on that side
};

// The params files the stages read and the top-level list names, and
// params.yaml (the default params file, read whether named or not, as DVC does).
std::vector<std::string> params_files(const Pipeline& p);
// The metrics files the stages write and the top-level list names.
std::vector<std::string> metrics_files(const Pipeline& p);
// The files `of` names in each revision's own mlops.yaml ("" the work tree's),
// together: a metrics file added since the older revision is compared too.
// A revision without mlops.yaml names none; one whose mlops.yaml does not
// parse names none, and `notes` gets why. The work tree's errors are thrown.
std::vector<std::string> pipeline_files_at(Repo& repo, const std::vector<std::string>& revs,
                                           std::vector<std::string> (*of)(const Pipeline&),
                                           std::vector<std::string>& notes);
// Why the work tree's file `rel` is not read ("" when it is a regular file,
// or absent): a symbolic link on the way, a folder (unless `folder_ok`), a device.
std::string workspace_file_problem(Repo& repo, const std::string& rel, bool folder_ok = false);
// Why `-o PATH` (absolute) may not be written ("" when it may): inside the
// repository, a symbolic link on the way to it, or it, being a folder
// (`folder`) — a committed link would send the writes out of the repository.
std::string output_path_problem(Repo& repo, const fs::path& path, bool folder);
// The files' text in the work tree (rev empty) or at a git revision (at most
// 64 MiB each): git's, else for a file git does not keep (gitignored), the
// content that revision's mlops.lock recorded (a file output, or a file in
// a folder output), when the store has it. Files
// absent there are left out; Error(Input) for a work-tree file that
// workspace_file_problem refuses.
// `notes` (when given) gets why a file mlops.lock records is not read there:
// content not in the store (not fetched), a malformed lock, a damaged object.
std::map<std::string, std::string> file_texts_at(Repo& repo, const std::vector<std::string>& files, const std::string& rev,
                                                 std::vector<std::string>* notes = nullptr);
// The files below `folder` whose names end in one of `extensions` (".csv"),
// sorted, in the work tree and at the revisions ("" the work tree) together:
// git's, and those of a folder output that revision's mlops.lock recorded.
// nullopt when `folder` is a folder in none of them. Error(Input) past
// `max_files`, or for a work-tree folder behind a symbolic link. Folders
// named .git and .mlops are not entered. `notes`: as file_texts_at's.
std::optional<std::vector<std::string>> files_in_folder_at(Repo& repo, const std::string& folder,
                                                           const std::vector<std::string>& revs,
                                                           const std::vector<std::string>& extensions,
                                                           std::size_t max_files,
                                                           std::vector<std::string>* notes = nullptr);
// The files' flattened values in the work tree (rev empty) or at a git revision;
// files absent there are left out. A file that does not parse is an
// Error(Input), or with `notes`, left out and said there.
FileValues values_at(Repo& repo, const std::vector<std::string>& files, const std::string& rev,
                     std::vector<std::string>* notes = nullptr);
// Changes from `a` to `b`, by file and key; with `all`, unchanged values too.
std::vector<ValueChange> diff_values(const FileValues& a, const FileValues& b, bool all);

}  // namespace mlops

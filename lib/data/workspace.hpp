#pragma once
// What a tracked path looks like in the work tree: listing it (one lstat per
// file), then identifying each file's content from the stat cache or by reading.
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/hash.hpp"
#include "core/progress.hpp"
#include "data/pointer.hpp"
#include "store/manifest.hpp"

namespace mlops {

class Repo;

struct WorkFile {
  std::string path;  // relative to the tracked path; empty for a tracked file itself
  fs::path target;   // a symlink's target (what to read); empty for regular files
  FileStat st;       // the stat the stat cache is keyed on (a symlink's target's)
  ObjectId id;       // set by identify()
};

enum class Shape { Absent, File, Dir };

struct WorkTree {
  Shape shape = Shape::Absent;
  std::vector<WorkFile> files;  // sorted by path
  std::uint64_t total_size() const;
  Manifest manifest() const;  // for a Dir
};

// Lists rel without reading any content. Throws Error(Input) naming the path for
// names mlops cannot track, symlinks that leave the repository, symlinks to
// folders, special files, and pointer files of other tracked paths inside it.
WorkTree list_workspace(Repo& repo, const std::string& rel);

enum class Identify {
  HashOnly,  // status: read what the stat cache does not know
  Store,     // add: read what the store lacks, and keep it there
};

struct IdentifyStats {
  std::uint64_t files_read = 0;
  std::uint64_t objects_written = 0;
  std::uint64_t bytes_written = 0;
};

// Sets every file's id, reading only files the stat cache does not vouch for,
// in parallel, and records what it read in the stat cache.
IdentifyStats identify(Repo& repo, const std::string& rel, WorkTree& tree, Identify mode, Progress* progress);

// Stores a listed path (identify in Store mode) and returns the pointer that
// names it: a file's object, or a folder's manifest (written to the store).
Pointer store_tree(Repo& repo, const std::string& rel, WorkTree& tree, IdentifyStats& stats, Progress* progress);

// The stat-cache key of a file of a tracked path.
std::string cache_key(const std::string& rel, const std::string& path);

}  // namespace mlops

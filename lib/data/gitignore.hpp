#pragma once
// Keeping tracked data out of git: one "/name" line in the .gitignore of the
// folder that holds the data, as DVC does.
#include <string>

#include "core/fs.hpp"

namespace mlops {

// Both return the repo-relative path of the .gitignore when they changed it.
std::string gitignore_add(const fs::path& root, const std::string& rel);
// Throws Error(Input) when the .gitignore that gitignore_add would edit is not
// a regular file (a committed symlink): for checks before anything is written.
void gitignore_check(const fs::path& root, const std::string& rel);
std::string gitignore_remove(const fs::path& root, const std::string& rel);

}  // namespace mlops

#include "data/gitignore.hpp"

#include "core/error.hpp"

#include <vector>

#include "core/file_lock.hpp"

namespace mlops {

namespace {

struct Place {
  fs::path file;
  std::string rel_file;
  std::string line;
};

// gitignore treats *?[\ as pattern characters, and a trailing space as
// nothing; escape them so the line matches exactly this one name.
std::string escape_pattern(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
    out += c;
  }
  if (!out.empty() && out.back() == ' ') out.insert(out.end() - 1, '\\');
  return out;
}

Place place_of(const fs::path& root, const std::string& rel) {
  auto slash = rel.rfind('/');
  std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash);
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  Place p;
  p.rel_file = dir.empty() ? ".gitignore" : dir + "/.gitignore";
  p.file = root / p.rel_file;
  p.line = '/';
  p.line += escape_pattern(name);
  return p;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// .gitignore files are read, changed and written whole: processes (and
// pipeline threads) adding or removing paths at once take turns, or one's
// entry would be lost.
FileLock edit_lock(const fs::path& root) { return FileLock(root / ".mlops" / "gitignore.lock", FileLock::Mode::Exclusive); }

}  // namespace

// A .gitignore may come with a commit as a symlink to any file: mlops would
// read that file into the repository. It is refused instead.
static void refuse_symlink(const fs::path& file) {
  if (auto st = lstat_path(file); st && !st->is_regular())
    throw Error(ExitCode::Input, fmt::format("{} is not a regular file (a symbolic link?); mlops does not edit it", file.string()),
                "replace it with a plain .gitignore file");
}

void gitignore_check(const fs::path& root, const std::string& rel) { refuse_symlink(place_of(root, rel).file); }

std::string gitignore_add(const fs::path& root, const std::string& rel) {
  FileLock lock = edit_lock(root);
  Place p = place_of(root, rel);
  refuse_symlink(p.file);
  std::string text = lstat_path(p.file) ? read_file(p.file) : std::string();
  for (const auto& l : lines_of(text))
    if (l == p.line) return {};
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += p.line + '\n';
  atomic_write(p.file, text);
  return p.rel_file;
}

std::string gitignore_remove(const fs::path& root, const std::string& rel) {
  FileLock lock = edit_lock(root);
  Place p = place_of(root, rel);
  refuse_symlink(p.file);
  if (!lstat_path(p.file)) return {};
  bool found = false;
  std::string out;
  for (const auto& l : lines_of(read_file(p.file))) {
    if (l == p.line) {
      found = true;
      continue;
    }
    out += l + '\n';
  }
  if (!found) return {};
  if (out.empty()) remove_file(p.file);
  else atomic_write(p.file, out);
  return p.rel_file;
}

}  // namespace mlops

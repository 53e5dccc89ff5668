#pragma once
// Putting a stored object at a workspace path: reflink, hardlink, symlink or copy,
// the first that works in the configured order. Always through a temporary and a
// rename, so a reader never sees a half-written file.
#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

enum class LinkMode { Reflink, Hardlink, Symlink, Copy };

std::string_view link_mode_name(LinkMode m);
// Parses "reflink,copy" style lists; throws Error(Repo) naming the bad entry.
std::vector<LinkMode> parse_link_modes(std::string_view list);

// Shared across the threads of one checkout: remembers which modes the
// filesystem refused so that each file does not try them again.
class Linker {
public:
  explicit Linker(std::vector<LinkMode> order);
  struct Placed {
    LinkMode mode;
    FileStat st;  // of the placed file (a symlink's target), for the stat cache
  };
  // What to put where: the store file `object`, which must hold `size` bytes
  // (and, when `id` is set, hash to it), as `name` in the open folder `dir`
  // (`shown` names it in messages).
  struct Request {
    const fs::path& object;
    std::uint64_t size;
    const ObjectId* id;
    int dir;
    const std::string& name;
    const fs::path& shown;
    bool executable;  // x bits: copies get them; links are never made for such files
  };
  // Materialises the object, replacing what is there. A copy is verified
  // against the id in the same pass that writes it, and is never named when it
  // does not match (Error Missing); links check the size. A copy of an object
  // with no read bit for group and others gets none either.
  Placed place(const Request& r);
  // The same at a path whose folders are trusted (tests, doctor).
  Placed place(const fs::path& object, std::uint64_t size, const fs::path& dest, bool executable);

private:
  std::vector<LinkMode> order_;
  std::atomic<unsigned> refused_{0};  // bit per LinkMode
};

// Copies `size` bytes of src to an empty open fd with copy_file_range (falling
// back to read/write); holes of large sparse files stay holes.
void copy_fd(int in, int out, std::uint64_t size, const fs::path& src, const fs::path& dest);

}  // namespace mlops

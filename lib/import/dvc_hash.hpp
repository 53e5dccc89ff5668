#pragma once
// DVC's content ids, computed here to verify what is imported against them.
//  - DVC 3 (`hash: md5`): the MD5 of the bytes.
//  - DVC 2 (no `hash` field, "md5-dos2unix"): the MD5 of the bytes with every
//    CRLF made LF when the file looks like text: its first 512 bytes hold no
//    NUL and at most 30% bytes outside printable ASCII, \n \r \t \f \b. DVC
//    read in 1 MiB chunks and did not join a CRLF split across two; DVC 3,
//    computing these ids still, decides text or not per chunk. Both are
//    computed (and 4096-byte blocks, which some versions used): an id
//    matching any of them is the file's.
//  - A folder: the MD5 of json.dumps(sorted [{"md5", "relpath"}],
//    sort_keys=True) (Python's separators and ASCII escapes), then ".dir".
#include <string>
#include <string_view>
#include <vector>

#include "core/fs.hpp"

namespace mlops {

bool dvc_looks_like_text(std::string_view block);

// The candidate ids of a file: one for DVC 3, one or more for legacy.
std::vector<std::string> dvc_file_md5s(const fs::path& file, bool legacy);
bool dvc_file_matches(const fs::path& file, const std::string& md5, bool legacy);

struct DvcDirEntry {
  std::string relpath, md5;
};
// The text of a folder's .dir object (as DVC writes it) and its id (without ".dir").
std::string dvc_dir_json(std::vector<DvcDirEntry> entries);
std::string dvc_dir_md5(const std::vector<DvcDirEntry>& entries);

}  // namespace mlops

#include "temp_dir.hpp"

#include <cstdlib>
#include <vector>

#include "core/error.hpp"

namespace mlops::test {

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "mlops-unit-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) fail_errno("create", tmpl, errno);
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  // Store objects are read-only; the folder is writable, so remove_all works.
  fs::remove_all(path_, ec);
}

void TempDir::write(const std::string& rel, const std::string& content) const {
  make_dirs((path_ / rel).parent_path());
  atomic_write(path_ / rel, content);
}

}  // namespace mlops::test

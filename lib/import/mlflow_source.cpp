#include "import/mlflow_sources.hpp"

#include <system_error>

#include "core/error.hpp"
#include "core/text.hpp"

namespace mlops {

ArtifactRoots::ArtifactRoots(std::vector<fs::path> named, std::vector<fs::path> beside) {
  for (const auto& r : beside)
    if (auto st = lstat_path(r); st && st->is_dir()) named.push_back(r);
  for (auto& r : named) {
    std::error_code ec;
    auto c = fs::weakly_canonical(r, ec);
    if (!ec) roots_.push_back(c);
  }
}

ArtifactLocation ArtifactRoots::locate(const fs::path& p) const {
  using State = ArtifactLocation::State;
  if (!lstat_path(p)) return {State::Absent, p};
  std::error_code ec;
  auto c = fs::canonical(p, ec);
  if (ec) return {State::Absent, p};
  for (const auto& r : roots_) {
    auto rel = c.lexically_relative(r);
    if (!rel.empty() && *rel.begin() != "..") return {State::Found, c};
  }
  return {State::Outside, p};
}

std::string ArtifactRoots::file_path(const std::string& uri, const fs::path& base) {
  if (uri.starts_with("file://")) return uri.substr(7);
  if (uri.starts_with("file:")) return uri.substr(5);
  if (uri.empty() || uri.find(":/") != std::string::npos) return "";
  return fs::path(uri).is_absolute() ? uri : (base / uri).string();
}

std::string ArtifactRoots::strip_slashes(std::string s) {
  while (!s.empty() && s.front() == '/') s.erase(0, 1);
  return s;
}

std::unique_ptr<MlflowSource> open_mlflow_source(const std::string& where, const fs::path& cwd) {
  if (where.starts_with("sqlite:///")) {
    fs::path file = where.substr(10);
    if (file.is_relative()) file = cwd / file;
    auto st = lstat_path(file);
    if (!st) fail(ExitCode::Input, "{}: no such file", where);
    if (!st->is_regular()) fail(ExitCode::Input, "{}: not a database file", where);
    return open_mlflow_db(file, where);
  }
  if (where.find("://") != std::string::npos)
    throw Error(ExitCode::Usage, fmt::format("'{}': only a folder (mlruns/) or sqlite:///PATH can be imported", where),
                "copy the history to this machine first (an MLflow server: point at its backend store)");
  fs::path p = fs::path(where).is_relative() ? cwd / where : fs::path(where);
  auto st = lstat_path(p);
  if (!st) fail(ExitCode::Input, "{}: no such file or folder", where);
  if (!st->is_dir() && !st->is_regular())  // a FIFO would hang SQLite's open
    fail(ExitCode::Input, "{}: not a folder (mlruns/) or a database file", where);
  if (st->is_dir()) {
    if (!lstat_path(p / "0" / "meta.yaml") && !lstat_path(p / "models")) {
      bool any = false;
      for (const auto& e : fs::directory_iterator(p)) any = any || lstat_path(e.path() / "meta.yaml").has_value();
      if (!any) fail(ExitCode::Input, "{}: not an MLflow file store (no experiment folder with a meta.yaml)", where);
    }
    return open_mlflow_file_store(p, where);
  }
  return open_mlflow_db(p, where);
}

}  // namespace mlops

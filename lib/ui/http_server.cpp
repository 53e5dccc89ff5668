#include "ui/http_server.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/fs.hpp"

namespace mlops {

namespace {

// mlops-http.so beside the executable (the build tree), then where
// installation puts it (LIBDIR/mlops), relative to the executable and as
// configured.
std::vector<fs::path> module_candidates() {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back(exe.parent_path() / "mlops-http.so");
    out.push_back(exe.parent_path().parent_path() / MLOPS_LIBDIR_NAME / "mlops" / "mlops-http.so");
  }
  out.push_back(fs::path(MLOPS_MODULE_DIR) / "mlops-http.so");
  return out;
}

}  // namespace

void serve_http(const HttpServeOptions& options) {
  std::string tried, dl_error;
  void* handle = nullptr;
  for (const auto& p : module_candidates()) {
    if (::access(p.c_str(), R_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + p.string();
      continue;
    }
    handle = ::dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle) break;
    const char* e = ::dlerror();
    dl_error = e ? e : "unknown error";
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  if (!handle)
    throw Error(ExitCode::Io,
                dl_error.empty() ? fmt::format("the web server module mlops-http.so is not installed (looked at {})", tried)
                                 : fmt::format("cannot load the web server module: {}", dl_error),
                "it is built with mlops (CMake target mlops_http) and installed to LIBDIR/mlops/");
  auto serve = reinterpret_cast<HttpServeFn>(::dlsym(handle, "mlops_http_serve"));
  if (!serve) throw Error(ExitCode::Io, "the web server module has no entry point mlops_http_serve");
  std::string error;
  if (serve(&options, &error) != 0) throw Error(ExitCode::Io, error);
}

}  // namespace mlops

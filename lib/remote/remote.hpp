#pragma once
// A remote holds objects in the same layout as the local store
// (PREFIX/objects/ab/cdef…), whatever its kind, so that a folder remote copied
// to a bucket is a valid bucket remote and the reverse.
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

class Repo;
class Config;

struct RemoteSpec {
  std::string name;
  std::string url;  // as configured
  unsigned jobs = 0;
};

class Remote {
public:
  virtual ~Remote() = default;
  // Where it is, for messages and for the remote index.
  virtual std::string location() const = 0;
  // Whether the remote holds an object of that name (content is checked on download).
  virtual bool has(const ObjectId& id) = 0;
  // Stores a local file as object `id`; it is visible under its name only once complete.
  virtual void put(const ObjectId& id, const fs::path& local, std::uint64_t size) = 0;
  // Streams object `id` to `sink`, in order. Throws Error(Remote) when it is absent.
  virtual void get(const ObjectId& id, const std::function<void(const char*, std::size_t)>& sink) = 0;
  // The hex names of every object on the remote, in one listing; push uses it
  // instead of asking object by object when it has many to check.
  virtual std::unordered_set<std::string> list() = 0;
};

// The remote called `name` (empty: the default, core.remote, or the only one).
// Throws Error(Usage) naming what is wrong when there is no such remote.
RemoteSpec remote_spec(const Config& cfg, const std::string& name);
// The names of the configured remotes, in file order.
std::vector<std::string> remote_names(const Config& cfg);
// Checks a remote name and URL; throws Error(Usage).
void check_remote(const std::string& name, const std::string& url);

std::unique_ptr<Remote> open_remote(const Repo& repo, const RemoteSpec& spec);

}  // namespace mlops

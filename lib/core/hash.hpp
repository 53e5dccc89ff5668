#pragma once
// Object ids and the streaming hashers behind them (XXH3-128 and SHA-256).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

enum class HashAlgo { Xxh128, Sha256 };

std::string_view algo_name(HashAlgo a);
// Parses "xxh128" / "sha256"; throws Error(Usage) naming the bad value otherwise.
HashAlgo parse_algo(std::string_view name);

// "xxh128:<32 hex>" or "sha256:<64 hex>".
struct ObjectId {
  HashAlgo algo = HashAlgo::Xxh128;
  std::string hex;

  std::string str() const;
  bool empty() const { return hex.empty(); }
  bool operator==(const ObjectId&) const = default;
  // Throws Error(Input) with a message that names what is wrong with `text`.
  static ObjectId parse(std::string_view text);
  // nullopt-like: returns false instead of throwing.
  static bool try_parse(std::string_view text, ObjectId& out);
  // From a bare digest, as objects are named on disk: the algorithm follows
  // from its length. nullopt when it is no object's name.
  static std::optional<ObjectId> from_hex(std::string_view hex);
};

class Hasher {
public:
  explicit Hasher(HashAlgo algo);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  void update(const void* data, std::size_t n);
  ObjectId finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

ObjectId hash_bytes(HashAlgo algo, std::string_view data);

}  // namespace mlops

template <>
struct std::hash<mlops::ObjectId> {
  std::size_t operator()(const mlops::ObjectId& id) const noexcept {
    return std::hash<std::string>()(id.hex);
  }
};

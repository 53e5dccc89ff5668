#pragma once
// MD5, for reading other tools' content ids (DVC names files by their MD5).
// mlops never names its own content by it.
#include <memory>
#include <string>
#include <string_view>

namespace mlops {

class Md5 {
public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void update(const void* data, std::size_t n);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // 32 lowercase hex digits; the hasher is spent.
  std::string hex();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string md5_hex(std::string_view data);

}  // namespace mlops

#include "import/dvc_hash.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/fd.hpp"
#include "core/file_hash.hpp"
#include "core/md5.hpp"

namespace mlops {

namespace {

constexpr std::size_t kChunk = 1u << 20;  // DVC's read size

bool text_byte(unsigned char c) { return (c >= 32 && c <= 126) || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\b'; }

// CRLF -> LF within one chunk (a CRLF split between chunks stays, as in DVC).
std::string dos2unix(std::string_view chunk) {
  std::string out;
  out.reserve(chunk.size());
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    if (chunk[i] == '\r' && i + 1 < chunk.size() && chunk[i + 1] == '\n') continue;
    out += chunk[i];
  }
  return out;
}

// Python's json.dumps of a str with ensure_ascii.
void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20 || c == 0x7f) out += fmt::format("\\u{:04x}", c);
          else out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: its code point as \uXXXX (a surrogate pair above U+FFFF).
    unsigned cp = 0;
    std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    cp = c & (n == 4 ? 0x07 : n == 3 ? 0x0f : 0x1f);
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += fmt::format("\\u{:04x}\\u{:04x}", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      out += fmt::format("\\u{:04x}", cp);
    }
    i += n;
  }
  out += '"';
}

}  // namespace

bool dvc_looks_like_text(std::string_view block) {
  if (block.empty()) return true;
  if (block.find('\0') != std::string_view::npos) return false;
  std::size_t other = 0;
  for (unsigned char c : block) other += !text_byte(c);
  return static_cast<double>(other) / static_cast<double>(block.size()) <= 0.30;
}

std::vector<std::string> dvc_file_md5s(const fs::path& file, bool legacy) {
  UniqueFd fd = open_read(file);
  std::string buf(kChunk, '\0');
  Md5 raw;
  if (!legacy) {
    while (std::size_t n = read_full(fd.get(), buf.data(), buf.size(), file)) raw.update(buf.data(), n);
    return {raw.hex()};
  }
  // Legacy: the raw bytes, the per-file decision (512- or 4096-byte first
  // block) and the per-chunk decision, all on one read.
  Md5 file512, file4096, per_chunk;
  bool first = true, text512 = false, text4096 = false;
  while (std::size_t n = read_full(fd.get(), buf.data(), buf.size(), file)) {
    std::string_view chunk(buf.data(), n);
    if (first) {
      text512 = dvc_looks_like_text(chunk.substr(0, 512));
      text4096 = dvc_looks_like_text(chunk.substr(0, 4096));
      first = false;
    }
    bool chunk_text = dvc_looks_like_text(chunk.substr(0, 512));
    std::string converted = text512 || text4096 || chunk_text ? dos2unix(chunk) : std::string();
    raw.update(chunk);
    file512.update(text512 ? std::string_view(converted) : chunk);
    file4096.update(text4096 ? std::string_view(converted) : chunk);
    per_chunk.update(chunk_text ? std::string_view(converted) : chunk);
  }
  std::vector<std::string> out{raw.hex()};
  if (first) return out;  // empty: one id
  for (Md5* m : {&file512, &file4096, &per_chunk})
    if (std::string h = m->hex(); std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
  return out;
}

bool dvc_file_matches(const fs::path& file, const std::string& md5, bool legacy) {
  auto ids = dvc_file_md5s(file, legacy);
  return std::find(ids.begin(), ids.end(), md5) != ids.end();
}

std::string dvc_dir_json(std::vector<DvcDirEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.relpath < b.relpath; });
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ", ";
    out += "{\"md5\": ";
    json_string(out, entries[i].md5);
    out += ", \"relpath\": ";
    json_string(out, entries[i].relpath);
    out += "}";
  }
  return out + "]";
}

std::string dvc_dir_md5(const std::vector<DvcDirEntry>& entries) { return md5_hex(dvc_dir_json(entries)); }

}  // namespace mlops

#include "store/pack.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/text.hpp"
#include "core/zstd_codec.hpp"

namespace mlops {

std::string encode_pack_index(std::vector<PackEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const PackEntry& a, const PackEntry& b) { return a.id.hex < b.id.hex; });
  std::string out(kPackIndexMagic);
  for (const auto& e : entries) out += fmt::format("{} {} {} {}\n", e.id.str(), e.offset, e.size, e.zstd ? "zstd" : "raw");
  return out;
}

namespace {

bool whole_number(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::vector<PackEntry> parse_pack_index(std::string_view text, const std::string& where) {
  auto bad = [&](std::size_t line, const std::string& what) {
    throw Error(ExitCode::Remote, fmt::format("{}:{}: {}", where, line, what),
                "the pack's index is damaged or not mlops's: its objects are taken as absent");
  };
  if (text.starts_with("mlops-pack-index 1\r\n")) bad(1, "lines end in CR LF (converted to Windows line endings?)");
  if (!text.starts_with(kPackIndexMagic)) bad(1, "not a pack index (no 'mlops-pack-index 1' header)");
  if (!text.ends_with('\n')) bad(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1,
                                 "the index is cut short (no end of line)");
  std::vector<PackEntry> out;
  std::size_t line = 1;
  for (std::size_t at = kPackIndexMagic.size(); at < text.size();) {
    ++line;
    std::size_t end = text.find('\n', at);
    std::string_view l = text.substr(at, end - at);
    at = end + 1;
    if (out.size() >= kMaxPackEntries) bad(line, fmt::format("more than {} objects", kMaxPackEntries));
    if (l.ends_with('\r')) bad(line, "the line ends in CR (converted to Windows line endings?)");
    std::string_view field[4];
    std::size_t count = 0;
    for (std::size_t b = 0; b <= l.size() && count < 5;) {
      std::size_t e = std::min(l.find(' ', b), l.size());
      if (count < 4) field[count] = l.substr(b, e - b);
      ++count;
      b = e + 1;
    }
    if (count != 4) bad(line, "expected 'ID OFFSET LENGTH CODING'");
    PackEntry e;
    if (!ObjectId::try_parse(field[0], e.id))
      bad(line, fmt::format("'{}' is not an object id", printable_path(std::string(field[0].substr(0, 80)))));
    if (!whole_number(field[1], e.offset) || !whole_number(field[2], e.size))
      bad(line, "the offset and length must be whole numbers");
    if (field[3] != "raw" && field[3] != "zstd")
      bad(line, fmt::format("unknown coding '{}' (raw or zstd)", printable_path(std::string(field[3].substr(0, 40)))));
    e.zstd = field[3] == "zstd";
    if (e.offset < kPackMagic.size()) bad(line, "the offset is inside the pack's header");
    if (e.size > kPackObjectMax)
      bad(line, fmt::format("a length of {} bytes; packs hold objects of at most {}", e.size, kPackObjectMax));
    if (e.offset > (std::uint64_t{1} << 62)) bad(line, "the offset is out of range");
    if (!out.empty() && !(out.back().id.hex < e.id.hex)) bad(line, "ids out of order or repeated");
    out.push_back(std::move(e));
  }
  return out;
}

namespace {
std::string pack_name_of(std::string_view file, std::string_view ext) {
  if (!file.ends_with(ext)) return {};
  std::string_view name = file.substr(0, file.size() - ext.size());
  if (!is_lower_hex(name, 32) && !is_lower_hex(name, 64)) return {};
  return std::string(name);
}
}  // namespace

std::string pack_name_of_index(std::string_view file) { return pack_name_of(file, ".idx"); }
std::string pack_name_of_pack(std::string_view file) { return pack_name_of(file, ".pack"); }

PackWriter::PackWriter(HashAlgo algo) : algo_(algo), pack_(kPackMagic) { pack_.reserve(kPackTarget + kPackObjectMax); }

bool PackWriter::add(const ObjectId& id, const fs::path& file, std::uint64_t size) {
  UniqueFd fd = open_read(file);
  std::size_t start = pack_.size();
  Hasher h(id.algo);
  read_chunks(fd.get(), size, file, [&](const char* data, std::size_t n, bool) {
    h.update(data, n);
    pack_.append(data, n);
  });
  if (h.finish() != id) {
    pack_.resize(start);
    return false;
  }
  seal(id, start);
  return true;
}

void PackWriter::add_checked(const ObjectId& id, std::string_view bytes) {
  std::size_t start = pack_.size();
  pack_.append(bytes);
  seal(id, start);
}

void PackWriter::seal(const ObjectId& id, std::size_t start) {
  raw_bytes_ += pack_.size() - start;
  bool zstd = false;
  if (auto packed = zstd_compress_if_smaller(std::string_view(pack_).substr(start))) {
    pack_.replace(start, std::string::npos, *packed);
    zstd = true;
  }
  entries_.push_back({id, start, pack_.size() - start, zstd});
}

PackWriter::Finished PackWriter::finish() && {
  Finished f;
  f.name = hash_bytes(algo_, pack_).hex;
  f.pack = std::move(pack_);
  for (const auto& e : entries_) f.ids.push_back(e.id);
  f.index = encode_pack_index(std::move(entries_));
  return f;
}

}  // namespace mlops

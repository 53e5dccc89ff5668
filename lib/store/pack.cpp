#include "store/pack.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/text.hpp"

namespace mlops {

std::string encode_pack_index(std::vector<PackEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const PackEntry& a, const PackEntry& b) { return a.id.hex < b.id.hex; });
  std::string out(kPackIndexMagic);
  for (const auto& e : entries) out += fmt::format("{} {} {}\n", e.id.str(), e.offset, e.size);
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
    auto s1 = l.find(' '), s2 = s1 == std::string_view::npos ? s1 : l.find(' ', s1 + 1);
    if (s2 == std::string_view::npos || l.find(' ', s2 + 1) != std::string_view::npos)
      bad(line, "expected 'ID OFFSET SIZE'");
    PackEntry e;
    if (!ObjectId::try_parse(l.substr(0, s1), e.id))
      bad(line, fmt::format("'{}' is not an object id", printable_path(std::string(l.substr(0, std::min<std::size_t>(s1, 80))))));
    if (!whole_number(l.substr(s1 + 1, s2 - s1 - 1), e.offset) || !whole_number(l.substr(s2 + 1), e.size))
      bad(line, "the offset and size must be whole numbers");
    if (e.offset < kPackMagic.size()) bad(line, "the offset is inside the pack's header");
    if (e.size > kPackObjectMax)
      bad(line, fmt::format("an object of {} bytes; packs hold objects of at most {}", e.size, kPackObjectMax));
    if (e.offset > (std::uint64_t{1} << 62)) bad(line, "the offset is out of range");
    if (!out.empty() && !(out.back().id.hex < e.id.hex)) bad(line, "ids out of order or repeated");
    out.push_back(std::move(e));
  }
  return out;
}

std::string pack_name_of_index(std::string_view file) {
  if (!file.ends_with(".idx")) return {};
  std::string_view name = file.substr(0, file.size() - 4);
  if (!is_lower_hex(name, 32) && !is_lower_hex(name, 64)) return {};
  return std::string(name);
}

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
  entries_.push_back({id, start, pack_.size() - start});
  return true;
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

#include "remote/pack_fetch.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/zstd_codec.hpp"
#include "store/object_store.hpp"
#include "store/pack.hpp"

namespace mlops {

std::vector<PackRun> runs_in_pack(const std::string* pack,
                                  std::vector<std::pair<WantedObject, Remote::PackedAt>> objects) {
  // Reading past a gap this small costs less than another request.
  constexpr std::uint64_t kMaxGap = 256u << 10;
  constexpr std::uint64_t kMaxRun = 64u << 20;
  std::sort(objects.begin(), objects.end(),
            [](const auto& a, const auto& b) { return a.second.offset < b.second.offset; });
  std::vector<PackRun> runs;
  PackRun run;
  for (auto& o : objects) {
    bool joins = !run.objects.empty() && o.second.offset >= run.end() && o.second.offset - run.end() <= kMaxGap &&
                 o.second.offset + o.second.size - run.start() <= kMaxRun;
    if (!joins && !run.objects.empty()) runs.push_back(std::move(run)), run = PackRun();
    run.pack = pack;
    run.objects.push_back(std::move(o));
  }
  if (!run.objects.empty()) runs.push_back(std::move(run));
  return runs;
}

std::vector<PackRun> pack_runs(Remote& remote, const std::vector<WantedObject>& wanted, std::size_t jobs,
                               std::vector<std::size_t>& loose) {
  const auto& packed = remote.packed();
  std::map<const std::string*, std::vector<std::pair<WantedObject, Remote::PackedAt>>> by_pack;
  for (const auto& w : wanted) {
    auto it = packed.find(w.id.hex);
    if (it == packed.end() || (!it->second.zstd && it->second.size > w.max_bytes))
      loose.push_back(w.tag);  // too large: get() says so
    else
      by_pack[it->second.pack].push_back({w, it->second});
  }
  std::vector<PackRun> runs;
  for (auto& [pack, objects] : by_pack)
    for (auto& run : runs_in_pack(pack, std::move(objects))) runs.push_back(std::move(run));
  // Fewer runs than jobs: the largest are halved (writing each object into
  // the store is work too), keeping the requests few.
  constexpr std::size_t kFewestInRun = 64;
  while (runs.size() < jobs) {
    auto big = std::max_element(runs.begin(), runs.end(),
                                [](const PackRun& a, const PackRun& b) { return a.objects.size() < b.objects.size(); });
    if (big == runs.end() || big->objects.size() < 2 * kFewestInRun) break;
    PackRun half;
    half.pack = big->pack;
    auto mid = big->objects.begin() + static_cast<std::ptrdiff_t>(big->objects.size() / 2);
    half.objects.assign(mid, big->objects.end());
    big->objects.erase(mid, big->objects.end());
    runs.push_back(std::move(half));
  }
  return runs;
}

bool read_run(Remote& remote, const PackRun& run, const RunSink& got) {
  std::size_t at = 0;               // the object being received
  std::uint64_t pos = run.start();  // of the next byte to arrive, in the pack
  bool begun = false;               // some of the object's stretch has come
  std::string stretch;              // its bytes as they are in the pack (at most kPackObjectMax)
  auto finish_current = [&](bool whole) {
    const auto& [w, where] = run.objects[at];
    std::string bytes;
    bool ok = false;
    if (whole) {
      try {
        bytes = where.zstd ? zstd_decompress(stretch, w.max_bytes, w.id.str()) : std::move(stretch);
        ok = hash_bytes(w.id.algo, bytes) == w.id;
      } catch (const Error&) {
        // damaged: not handed over
      }
    }
    stretch.clear();
    begun = false;
    got(w, ok ? &bytes : nullptr);
    ++at;
  };
  // Begins the objects whose first byte is next, and finishes those whose
  // last byte has come (an empty one at once).
  auto settle = [&] {
    while (at < run.objects.size()) {
      const auto& where = run.objects[at].second;
      if (!begun) {
        if (pos < where.offset) return;  // in a gap
        begun = true;
      }
      if (pos < where.offset + where.size) return;
      finish_current(true);
    }
  };
  bool there = remote.read_range(kPackDir, *run.pack + ".pack", run.start(), run.end() - run.start(),
                                 [&](const char* data, std::size_t k) {
                                   settle();  // empty objects at the start
                                   while (k > 0 && at < run.objects.size()) {
                                     const auto& where = run.objects[at].second;
                                     if (pos < where.offset) {  // skip a gap
                                       auto skip = static_cast<std::size_t>(std::min<std::uint64_t>(k, where.offset - pos));
                                       data += skip, k -= skip, pos += skip;
                                       settle();
                                       continue;
                                     }
                                     auto take = static_cast<std::size_t>(
                                         std::min<std::uint64_t>(k, where.offset + where.size - pos));
                                     stretch.append(data, take);
                                     data += take, k -= take, pos += take;
                                     settle();
                                   }
                                 });
  if (!there) return false;  // nothing was received, nothing done
  settle();                  // empty objects at the end
  // A pack shorter than its index says: what did not arrive whole is damaged.
  while (at < run.objects.size()) finish_current(false);
  return true;
}

bool download_run(Remote& remote, ObjectStore& store, const PackRun& run,
                  const std::function<void(std::size_t tag, bool ok, std::uint64_t bytes)>& done) {
  return read_run(remote, run, [&](const WantedObject& w, const std::string* bytes) {
    if (bytes) {
      TempFile tmp = store.new_object();
      write_all(tmp.fd(), bytes->data(), bytes->size(), "a fetched object");
      store.install(tmp, w.id);
    }
    done(w.tag, bytes != nullptr, bytes ? bytes->size() : 0);
  });
}

}  // namespace mlops

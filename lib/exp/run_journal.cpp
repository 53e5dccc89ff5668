#include "exp/run_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace mlops {

namespace {

const char* kind_name(JournalEntry::Kind k) {
  switch (k) {
    case JournalEntry::Kind::Metric: return "metric";
    case JournalEntry::Kind::Param: return "param";
    case JournalEntry::Kind::Tag: return "tag";
  }
  return "metric";
}

fs::path recorder_lock(const fs::path& journal) { return journal.parent_path() / "recorder.lock"; }

// True while the run's `mlops exp run` lives (it holds the lock exclusively).
bool recorder_alive(const fs::path& journal) { return lock_held(recorder_lock(journal)); }

}  // namespace

std::string journal_line(const JournalEntry& e) {
  nlohmann::json j;
  j[kind_name(e.kind)] = e.key;
  if (e.kind == JournalEntry::Kind::Metric) {
    j["value"] = e.value;
    if (e.step >= 0) j["step"] = e.step;
  } else {
    j["value"] = e.text;
  }
  j["ts"] = e.ts;
  return j.dump() + '\n';
}

std::optional<fs::path> current_run_journal(const std::string& ref) {
  const char* id = std::getenv("MLOPS_RUN_ID");
  const char* journal = std::getenv("MLOPS_RUN_JOURNAL");
  if (!id || !journal || !*id || !*journal) return std::nullopt;
  if (!ref.empty() && ref != id) return std::nullopt;
  fs::path p(journal);
  // Only the journal exp run made for this run (.mlops/runs/ID/journal.jsonl):
  // a changed MLOPS_RUN_ID must not send values to another run's journal.
  if (!p.is_absolute() || p.parent_path().filename() != id) return std::nullopt;
  return p;
}

bool append_to_journal(const fs::path& journal, const JournalEntry& e) {
  if (!recorder_alive(journal)) return false;
  UniqueFd fd(::open(journal.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return false;
    fail_errno("open", journal.string(), errno);
  }
  lock_fd(fd.get(), FileLock::Mode::Shared, journal);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_errno("stat", journal.string(), errno);
  if (st.st_nlink == 0) return false;  // the run took the rest and removed it meanwhile
  std::string line = journal_line(e);
  // One write: O_APPEND keeps concurrent loggers' lines whole.
  write_all(fd.get(), line.data(), line.size(), journal);
  return true;
}

void JournalReader::create() {
  recorder_.emplace(recorder_lock(tail_.file()), FileLock::Mode::Exclusive);
  UniqueFd fd(::open(tail_.file().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) fail_errno("create", tail_.file().string(), errno);
}

void JournalReader::apply_new(RunStore& runs, const std::string& run_id, std::vector<std::string>& warnings) {
  std::size_t first = tail_.next_line();
  std::string text = tail_.read_new(false);
  if (!text.empty()) apply(text, first, runs, run_id, warnings);
}

void JournalReader::close(RunStore& runs, const std::string& run_id, std::vector<std::string>& warnings) {
  UniqueFd fd(::open(tail_.file().c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return;
    fail_errno("open", tail_.file().string(), errno);
  }
  lock_fd(fd.get(), FileLock::Mode::Exclusive, tail_.file());  // no logger is halfway through a line now
  std::size_t first = tail_.next_line();
  std::string text = tail_.read_new(true, fd.get());
  if (!text.empty()) apply(text, first, runs, run_id, warnings);
  if (::unlink(tail_.file().c_str()) != 0 && errno != ENOENT) fail_errno("remove", tail_.file().string(), errno);
  recorder_.reset();
}

void JournalReader::apply(const std::string& text, std::size_t first_line, RunStore& runs, const std::string& run_id,
                          std::vector<std::string>& warnings) {
  std::vector<MetricPoint> points;
  std::map<std::string, std::string> params, tags;
  std::size_t lineno = first_line;
  std::string_view rest(text);
  std::string shown = tail_.file().filename().string();
  for (; !rest.empty(); ++lineno) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    // Only mlops writes the journal; a bad line means a damaged file.
    auto bad = [&] { warnings.push_back(fmt::format("{}:{}: not a journal entry; skipped", shown, lineno)); };
    if (j.is_discarded() || !j.is_object() || !j.contains("value")) { bad(); continue; }
    auto t = j.find("ts");
    std::int64_t ts = t != j.end() && t->is_number_integer() ? t->get<std::int64_t>() : 0;
    if (auto m = j.find("metric"); m != j.end() && m->is_string() && j["value"].is_number()) {
      double v = j["value"].get<double>();
      auto s = j.find("step");
      std::int64_t step = s != j.end() && s->is_number_integer() ? s->get<std::int64_t>() : -1;
      if (!std::isfinite(v)) { bad(); continue; }
      points.push_back({m->get<std::string>(), step, v, ts ? ts : now_ms()});
    } else if (auto p = j.find("param"); p != j.end() && p->is_string() && j["value"].is_string()) {
      params[p->get<std::string>()] = j["value"].get<std::string>();
    } else if (auto g = j.find("tag"); g != j.end() && g->is_string() && j["value"].is_string()) {
      tags[g->get<std::string>()] = j["value"].get<std::string>();
    } else {
      bad();
    }
  }
  runs.log_metrics(run_id, points);
  if (!params.empty()) runs.set_params(run_id, params);
  if (!tags.empty()) runs.set_tags(run_id, tags);
}

}  // namespace mlops

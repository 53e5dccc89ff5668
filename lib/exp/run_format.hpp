#pragma once
// How runs are shown: times, numbers, JSON, CSV fields, KEY=VALUE options.
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "exp/run_fields.hpp"
#include "exp/run_store.hpp"

namespace mlops {

// "12.3s"; empty while the run is running.
std::string duration(const Run& r);
// Local time "2026-11-25 14:02:11" of milliseconds since the epoch; of a run's start.
std::string local_time(std::int64_t ms);
std::string started(const Run& r);
// Six significant digits: what tables show.
std::string number(double v);
std::string csv_field(const std::string& s);
std::string csv_line(const std::vector<std::string>& fields);
// A run's field as a table shows it: short ids unless full_id, times local,
// numbers with six digits; a name in `twice` (runs of others sharing it)
// with its NAME@USER origin.
std::string run_cell(const Run& r, const RunField& f, bool full_id, const std::set<std::string>& twice = {});
// Every field of the run, metric summaries with their best value and goal.
nlohmann::json run_json(const Run& r);
// KEY=VALUE options to a map; Error(Usage) naming `what` on a bad item.
std::map<std::string, std::string> key_values(const std::vector<std::string>& items, const char* what);

}  // namespace mlops

#include "pipeline/dag.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "core/error.hpp"

namespace mlops {

namespace {

// a is b, or inside it.
bool within(const std::string& a, const std::string& b) { return a == b || (a.size() > b.size() && a.starts_with(b) && a[b.size()] == '/'); }

}  // namespace

Dag build_dag(const Pipeline& p) {
  const auto& st = p.stages;
  std::size_t n = st.size();
  std::vector<std::vector<std::string>> outs(n);
  for (std::size_t i = 0; i < n; ++i) outs[i] = st[i].outputs();
  // Outputs: nobody else's, not nested in each other.
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a; b < n; ++b)
      for (std::size_t i = 0; i < outs[a].size(); ++i)
        for (std::size_t j = (a == b ? i + 1 : 0); j < outs[b].size(); ++j) {
          const auto &x = outs[a][i], &y = outs[b][j];
          if (!within(x, y) && !within(y, x)) continue;
          if (x == y && a != b)
            fail(ExitCode::Input, "{}: stages {} and {} both write '{}'; an output belongs to one stage", p.file,
                 st[a].name, st[b].name, x);
          fail(ExitCode::Input, "{}: outputs overlap: '{}' ({}) and '{}' ({})", p.file, x, st[a].name, y, st[b].name);
        }
  Dag d;
  d.upstream.resize(n);
  d.downstream.resize(n);
  for (std::size_t b = 0; b < n; ++b)
    for (const auto& dep : st[b].deps)
      for (std::size_t a = 0; a < n; ++a)
        for (const auto& out : outs[a])
          if (within(dep, out) || within(out, dep)) {
            if (a == b)
              fail(ExitCode::Input, "{}: stage {} depends on its own output '{}' (a cycle)", p.file, st[b].name, out);
            if (std::find(d.upstream[b].begin(), d.upstream[b].end(), a) == d.upstream[b].end()) {
              d.upstream[b].push_back(a);
              d.downstream[a].push_back(b);
            }
          }
  // Kahn's algorithm, taking the earliest ready stage in file order.
  std::vector<std::size_t> missing(n);
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (!(missing[i] = d.upstream[i].size())) ready.insert(i);
  while (!ready.empty()) {
    std::size_t i = *ready.begin();
    ready.erase(ready.begin());
    d.order.push_back(i);
    for (auto j : d.downstream[i])
      if (--missing[j] == 0) ready.insert(j);
  }
  if (d.order.size() != n) {
    // Walk upstream from a stage left over until a stage repeats: that is a cycle.
    std::size_t start = 0;
    while (!missing[start]) ++start;
    std::vector<std::size_t> path;
    std::vector<int> seen(n, -1);
    std::size_t at = start;
    while (seen[at] < 0) {
      seen[at] = static_cast<int>(path.size());
      path.push_back(at);
      at = *std::find_if(d.upstream[at].begin(), d.upstream[at].end(), [&](std::size_t u) { return missing[u] > 0; });
    }
    std::string cycle;
    for (std::size_t k = path.size(); k-- > static_cast<std::size_t>(seen[at]);) cycle += st[path[k]].name + " -> ";
    fail(ExitCode::Input, "{}: the stages form a cycle: {}{}", p.file, cycle, st[path.back()].name);
  }
  return d;
}

std::vector<std::size_t> select_stages(const Pipeline& p, const Dag& dag, const std::vector<std::string>& targets,
                                       bool downstream) {
  if (targets.empty()) return dag.order;
  std::vector<bool> chosen(p.stages.size());
  std::function<void(std::size_t)> take = [&](std::size_t i) {
    if (chosen[i]) return;
    chosen[i] = true;
    for (auto j : downstream ? dag.downstream[i] : dag.upstream[i]) take(j);
  };
  for (const auto& t : targets) {
    bool found = false;
    for (std::size_t i = 0; i < p.stages.size(); ++i)
      if (p.stages[i].name == t || p.stages[i].name.starts_with(t + "@")) take(i), found = true;  // NAME picks every NAME@...
    if (!found) fail(ExitCode::Usage, "no stage '{}' in {}", t, p.file);
  }
  std::vector<std::size_t> out;
  for (auto i : dag.order)
    if (chosen[i]) out.push_back(i);
  return out;
}

}  // namespace mlops

#include "ui/model_views.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "exp/run_format.hpp"
#include "exp/run_store.hpp"
#include "registry/registry.hpp"
#include "repo/repo.hpp"

namespace mlops {

std::string models_view(Repo& repo, const UiLinks& links) {
  auto h = [](const std::string& s) { return html_escape(s); };
  Registry reg(repo);
  RegistryStore& store = reg.store();
  RunStore runs(repo.db());
  auto known = runs.ids();
  std::string out = "<h1 id=\"models\">Models</h1>\n";
  auto models = store.models();
  if (models.empty()) return out + "<p>No models yet (register one with <code>mlops model register</code>).</p>\n";
  for (const auto& m : models) {
    out += fmt::format("<h2 id=\"model-{}\">{}</h2>\n", h(uri_encode(m, true)), h(m));
    auto stages = store.stages(m);
    auto aliases = store.aliases(m);
    std::vector<std::vector<std::string>> rows;
    auto versions = store.versions(m);
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {  // newest first
      const ModelVersion& v = *it;
      auto names = version_names(stages, aliases, v.version);
      std::string in_stages = names.stages_text(), named = names.aliases_text();
      std::string run = v.run_id.empty() ? ""
                        : known.count(v.run_id) ? fmt::format("<a href=\"{}\">{}</a>", h(links.run(v.run_id)), h(v.run_id.substr(0, 8)))
                                                : h(v.run_id.substr(0, 8)) + " <span class=\"muted\">(not here)</span>";
      std::string data, metrics;
      for (const auto& [path, id] : v.data) data += (data.empty() ? "" : "<br>") + h(path) + " <span class=\"muted\">" + h(id.substr(0, 19)) + "</span>";
      for (const auto& [k, x] : v.metrics) metrics += (metrics.empty() ? "" : "<br>") + h(k) + " = " + h(number(x));
      rows.push_back({h(v.version), h(in_stages), h(named), h(local_time(v.created_at)), h(v.author), run,
                      h(v.git_commit.substr(0, 12)), h(v.path) + " <span class=\"muted\">(" + h(v.kind) + ")</span>",
                      std::to_string(v.size), data, metrics, h(v.description)});
    }
    out += html_table({"version", "stages", "aliases", "registered", "by", "run", "commit", "path", "bytes", "data",
                       "metrics", "description"},
                      rows, {"", "", "", "", "", "", "", "", "num", "", "", ""});
    std::vector<std::vector<std::string>> events;
    for (const auto& e : store.events(m))
      events.push_back({h(local_time(e.at)), h(e.version), h(e.action), h(e.detail), h(e.author), h(e.git_tag)});
    if (!events.empty())
      out += "<details><summary>history</summary>\n" +
             html_table({"when", "version", "action", "detail", "by", "git tag"}, events) + "</details>\n";
  }
  return out;
}

}  // namespace mlops

#include "ui/html_page.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace mlops {

std::string UiLinks::run(const std::string& id) const {
  return served ? "/run/" + uri_encode(id, true) : "#run-" + uri_encode(id, true);
}

std::string UiLinks::model(const std::string& name) const {
  return served ? "/models#model-" + uri_encode(name, true) : "#model-" + uri_encode(name, true);
}

std::string UiLinks::artifact(const std::string& run_id, const std::string& path) const {
  return "/run/" + uri_encode(run_id, true) + "/artifact/" + uri_encode(path, false);
}

std::string UiLinks::compare(const std::vector<std::string>& run_ids) const {
  std::string q;
  for (const auto& id : run_ids) q += (q.empty() ? "?run=" : "&run=") + uri_encode(id, true);
  return "/compare" + q;
}

namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:0;color:#1d2128;background:#fafbfc}"
    "header{background:#1d2533;color:#fff;padding:8px 20px;display:flex;gap:20px;align-items:center}"
    "header a{color:#cfe0ff;text-decoration:none}header b{color:#fff;margin-right:12px}"
    "main{padding:12px 20px 40px}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}"
    "table{border-collapse:collapse;background:#fff;font-size:13px}"
    "th,td{padding:4px 10px;border-bottom:1px solid #e3e6ea;text-align:left;white-space:nowrap;"
    "max-width:40em;overflow:hidden;text-overflow:ellipsis}"
    "th{position:sticky;top:0;background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".best{font-weight:bold;color:#137333}.differs{background:#fff6d6}.status-failed,.status-lost,.status-killed"
    "{color:#b3261e}.status-running{color:#0b57d0}.muted{color:#6b7280}.error{color:#b3261e;font-weight:bold}"
    "pre{background:#fff;border:1px solid #e3e6ea;padding:8px;overflow:auto;max-height:40em;font-size:12px}"
    "svg{max-width:100%;height:auto}.charts{display:flex;flex-wrap:wrap;gap:12px}"
    ".charts figure{margin:0;background:#fff;border:1px solid #e3e6ea}nav.pages{margin:10px 0}"
    "nav.pages a,nav.pages span{margin-right:12px}form.filter input[type=text]{width:36em}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{color:#6b7280}dd{margin:0}";

}  // namespace

std::string html_page(const std::string& title, const std::string& body, const UiLinks& links, int refresh) {
  std::string nav = links.served ? fmt::format("<a href=\"/runs\">Runs</a><a href=\"/models\">Models</a>"
                                               "<a href=\"/pipeline\">Pipeline</a><a href=\"/data\">Data</a>")
                                 : "";
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{}"
      "<title>{} · mlops</title>\n<style>{}</style>\n</head>\n<body>\n<header><b>mlops</b>{}</header>\n<main>\n{}\n"
      "</main>\n</body>\n</html>\n",
      refresh > 0 ? fmt::format("<meta http-equiv=\"refresh\" content=\"{}\">\n", refresh) : std::string(),
      html_escape(title), kStyle, nav, body);
}

std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       const std::vector<std::string>& classes) {
  std::string out = "<table>\n<thead><tr>";
  for (const auto& h : header) out += "<th>" + h + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c)
      out += c < classes.size() && !classes[c].empty() ? "<td class=\"" + classes[c] + "\">" + row[c] + "</td>"
                                                       : "<td>" + row[c] + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string html_link(const std::string& href, const std::string& text) {
  return "<a href=\"" + html_escape(href) + "\">" + html_escape(text) + "</a>";
}

std::vector<std::pair<std::string, std::string>> ui_security_headers() {
  return {{"Content-Security-Policy",
           "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"},
          {"Cache-Control", "no-store"}};
}

}  // namespace mlops

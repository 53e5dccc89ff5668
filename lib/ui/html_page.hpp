#pragma once
// The frame of every page of mlops ui and of report.html: one style sheet,
// no script (nothing to run means nothing to inject into), the navigation.
#include <set>
#include <string>
#include <vector>

namespace mlops {

// Where a page's links go: to the server's routes, or, in report.html (one
// file opened from disk), to anchors in the same file.
struct UiLinks {
  bool served = true;
  // In report.html: the runs that have a section (others are not linked).
  const std::set<std::string>* sections = nullptr;
  bool links_run(const std::string& id) const { return served || !sections || sections->count(id); }
  std::string runs() const { return served ? "/runs" : "#runs"; }
  std::string run(const std::string& id) const;
  std::string model(const std::string& name) const;
  std::string artifact(const std::string& run_id, const std::string& path) const;  // served only
  std::string compare(const std::vector<std::string>& run_ids) const;             // served only
};

// A whole page: `body` is HTML made with html_escape for every value.
// `refresh`: seconds after which the browser reloads it (0: never), for a run still running.
std::string html_page(const std::string& title, const std::string& body, const UiLinks& links, int refresh = 0);

// <table> from cells that are HTML already; `classes` (when given) per column.
std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       const std::vector<std::string>& classes = {});

// <a href="...">text</a>, both escaped.
std::string html_link(const std::string& href, const std::string& text);

// The headers every answer of mlops ui carries: a Content-Security-Policy that
// allows no script and nothing from elsewhere, no sniffing, no framing.
std::vector<std::pair<std::string, std::string>> ui_security_headers();

}  // namespace mlops

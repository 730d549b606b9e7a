// The HTML page of a report: blocks in order, the plotting library and the plots'
// specifications inline, a small script that draws each plot with vega-embed.
#include "smartnano/report/report.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "smartnano/io/atomic_file.h"
#include "smartnano/version.h"

namespace smartnano::report {
namespace detail {
// report/embed_library.js generates these at build time (plot_library.cpp).
std::string_view plot_library_script();
std::string_view plot_library_versions();
}  // namespace detail

namespace {

constexpr const char* kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2125; background: #fff; line-height: 1.45; }
header { background: #0b3d5c; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 1.6em; }
header p { margin: 0; opacity: 0.85; font-size: 0.9em; }
nav { padding: 8px 32px; border-bottom: 1px solid #d0d7de; font-size: 0.9em; }
nav a { margin-right: 14px; color: #0b5c8c; text-decoration: none; }
main { padding: 8px 32px 48px 32px; max-width: 1100px; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
table { border-collapse: collapse; margin: 8px 0 16px 0; font-size: 0.88em; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 10px; overflow-x: auto;
      font-size: 0.85em; max-height: 480px; }
figure { margin: 16px 0 28px 0; }
figcaption { font-size: 0.88em; color: #444; max-width: 900px; }
.plot-area { min-height: 40px; }
.plot-problem { border: 2px dashed #d55e00; color: #8a2c00; background: #fff5ef;
                padding: 16px; max-width: 700px; }
.warnings { border-left: 4px solid #d55e00; background: #fff5ef; padding: 8px 16px; }
.table-wrap { max-height: 520px; overflow: auto; display: inline-block; max-width: 100%; }
)css";

// Draws every plot container from the specifications in #smartnano-plots. A plot that fails
// shows the error in its place and logs it (a test in a browser sees the console error).
constexpr const char* kDrawScript = R"js(
(function () {
  var specs = JSON.parse(document.getElementById('smartnano-plots').textContent);
  var pending = specs.map(function (item) {
    var area = document.getElementById(item.id);
    return vegaEmbed(area, item.spec, {
      renderer: 'svg',
      actions: {export: true, source: false, compiled: false, editor: false}
    }).then(function () {
      area.setAttribute('data-rendered', 'true');
    }).catch(function (error) {
      area.innerHTML = '';
      var note = document.createElement('div');
      note.className = 'plot-problem';
      note.textContent = 'This plot could not be drawn: ' + error;
      area.appendChild(note);
      area.setAttribute('data-rendered', 'failed');
      console.error('smartnano report: plot ' + item.id + ' failed: ' + error);
    });
  });
  Promise.all(pending).then(function () {
    document.documentElement.setAttribute('data-plots-done', 'true');
  });
})();
)js";

// JSON inside a <script> element: "</" and "<!--" must not appear; "<\/" is the same JSON.
std::string script_safe_json(const nlohmann::json& j) {
  const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && (text[i + 1] == '/' || text[i + 1] == '!')) {
      out += "\\u003c";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string anchor(int section) { return fmt::format("section-{}", section); }

bool looks_numeric(const std::string& cell) {
  if (cell.empty()) return false;
  char* end = nullptr;
  std::strtod(cell.c_str(), &end);
  return end != nullptr && *end == '\0';
}

void render_table(std::string& out, const Table& t) {
  out += "<div class=\"table-wrap\"><table>";
  if (!t.caption.empty()) out += "<caption>" + escape_html(t.caption) + "</caption>";
  if (!t.header.empty()) {
    out += "<thead><tr>";
    for (const auto& h : t.header) out += "<th>" + escape_html(h) + "</th>";
    out += "</tr></thead>";
  }
  out += "<tbody>\n";
  const std::size_t columns = t.header.size();
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < std::max(columns, row.size()); ++c) {
      const std::string cell = c < row.size() ? row[c] : std::string();
      out += looks_numeric(cell) ? "<td class=\"num\">" : "<td>";
      out += escape_html(cell) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view plot_library_versions() { return detail::plot_library_versions(); }

Report::Report(std::string title) : title_(std::move(title)) {}

void Report::add_heading(std::string text) {
  blocks_.push_back({Kind::kHeading, std::move(text), {}, {}, {}});
}
void Report::add_paragraph(std::string text) {
  blocks_.push_back({Kind::kParagraph, std::move(text), {}, {}, {}});
}
void Report::add_table(Table table) {
  blocks_.push_back({Kind::kTable, {}, {}, std::move(table), {}});
}
void Report::add_facts(std::string caption,
                       std::vector<std::pair<std::string, std::string>> facts) {
  Table t;
  t.caption = std::move(caption);
  for (auto& [name, value] : facts) t.rows.push_back({std::move(name), std::move(value)});
  add_table(std::move(t));
}
void Report::add_code(std::string caption, std::string text) {
  blocks_.push_back({Kind::kCode, std::move(caption), std::move(text), {}, {}});
}
void Report::add_plot(Plot plot) { blocks_.push_back({Kind::kPlot, {}, {}, {}, std::move(plot)}); }

int Report::plot_count() const {
  int n = 0;
  for (const auto& b : blocks_) n += b.kind == Kind::kPlot ? 1 : 0;
  return n;
}

int Report::drawn_plot_count() const {
  int n = 0;
  for (const auto& b : blocks_) n += b.kind == Kind::kPlot && b.plot.problem.empty() ? 1 : 0;
  return n;
}

std::vector<std::string> Report::warnings() const {
  std::vector<std::string> out;
  for (const auto& b : blocks_) {
    if (b.kind == Kind::kPlot && !b.plot.problem.empty()) {
      out.push_back(fmt::format("plot '{}' not drawn: {}", b.plot.title, b.plot.problem));
    }
  }
  return out;
}

std::string Report::html() const {
  std::string body;
  std::string toc;
  nlohmann::json specs = nlohmann::json::array();
  int section = 0;
  int plot_number = 0;
  for (const auto& b : blocks_) {
    switch (b.kind) {
      case Kind::kHeading:
        ++section;
        body += fmt::format("<h2 id=\"{}\">{}</h2>\n", anchor(section), escape_html(b.text));
        toc += fmt::format("<a href=\"#{}\">{}</a>", anchor(section), escape_html(b.text));
        break;
      case Kind::kParagraph:
        body += "<p>" + escape_html(b.text) + "</p>\n";
        break;
      case Kind::kTable:
        render_table(body, b.table);
        break;
      case Kind::kCode:
        if (!b.text.empty()) body += "<p><strong>" + escape_html(b.text) + "</strong></p>";
        body += "<pre>" + escape_html(b.code) + "</pre>\n";
        break;
      case Kind::kPlot: {
        ++plot_number;
        const std::string id = fmt::format("plot-{}", plot_number);
        body += fmt::format("<figure class=\"plot\" id=\"{}-figure\">", id);
        if (b.plot.problem.empty()) {
          body += fmt::format(
              "<div class=\"plot-area\" id=\"{}\" role=\"img\" aria-label=\"{}\">"
              "</div>",
              id, escape_html(b.plot.title));
          nlohmann::json spec = b.plot.spec;
          specs.push_back({{"id", id}, {"spec", std::move(spec)}});
        } else {
          body += fmt::format(
              "<div class=\"plot-problem\" id=\"{}\"><strong>{}</strong>: this plot could not be "
              "drawn: {}.</div>",
              id, escape_html(b.plot.title), escape_html(b.plot.problem));
        }
        if (!b.plot.caption.empty()) {
          body += "<figcaption>" + escape_html(b.plot.caption) + "</figcaption>";
        }
        body += "</figure>\n";
        break;
      }
    }
  }
  const auto problems = warnings();
  std::string warning_block;
  if (!problems.empty()) {
    warning_block = "<div class=\"warnings\" id=\"report-warnings\"><strong>Warnings</strong><ul>";
    for (const auto& w : problems) warning_block += "<li>" + escape_html(w) + "</li>";
    warning_block += "</ul></div>\n";
  }

  std::string page;
  const auto library = detail::plot_library_script();
  page.reserve(library.size() + body.size() + 16384);
  page += fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\" data-plots=\"{}\" data-drawn=\"{}\">\n<head>\n"
      "<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"smartnano {}\">\n<title>{}</title>\n<style>{}</style>\n",
      plot_count(), drawn_plot_count(), SMARTNANO_VERSION_STRING, escape_html(title_), kStyle);
  page += "<script>\n";
  page += library;
  page += "\n</script>\n</head>\n<body>\n";
  page += fmt::format(
      "<header><h1>{}</h1><p>smartnano {}; plots drawn with {} (embedded; the page needs no "
      "network)</p></header>\n",
      escape_html(title_), SMARTNANO_VERSION_STRING, escape_html(plot_library_versions()));
  if (!toc.empty()) page += "<nav>" + toc + "</nav>\n";
  page += "<main>\n" + warning_block + body + "</main>\n";
  page += "<script type=\"application/json\" id=\"smartnano-plots\">" + script_safe_json(specs) +
          "</script>\n";
  page += "<script>";
  page += kDrawScript;
  page += "</script>\n</body>\n</html>\n";
  return page;
}

void write_report(const Report& report, const std::string& path) {
  io::write_file_atomically(path, report.html());
}

}  // namespace smartnano::report

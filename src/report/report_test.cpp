// Tests of the HTML report builder: the page is well formed, user text is escaped, plot data
// are embedded, and plots without data say why instead of being drawn.
#include "smartnano/report/report.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stack>

#include <gtest/gtest.h>

namespace smartnano::report {
namespace {

// The text between the last <script ...> before `marker`'s position and </script>.
std::string plot_specs(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"smartnano-plots\">";
  const auto begin = html.find(open);
  EXPECT_NE(begin, std::string::npos);
  const auto start = begin + open.size();
  const auto end = html.find("</script>", start);
  return html.substr(start, end - start);
}

// The page without the contents of its <script> and <style> elements.
std::string outside_scripts(const std::string& html) {
  std::string text;
  std::size_t pos = 0;
  const std::regex raw("<(script|style)[^>]*>");
  while (pos < html.size()) {
    std::smatch m;
    const std::string rest = html.substr(pos);
    if (!std::regex_search(rest, m, raw)) {
      text += rest;
      break;
    }
    text += rest.substr(0, static_cast<std::size_t>(m.position(0)));
    const std::string close = "</" + m[1].str() + ">";
    const auto end = html.find(close, pos + static_cast<std::size_t>(m.position(0)));
    EXPECT_NE(end, std::string::npos) << "unclosed <" << m[1] << ">";
    if (end == std::string::npos) break;
    pos = end + close.size();
  }
  return text;
}

// Outside scripts and styles, elements open and close in order and text is escaped.
void expect_well_formed(const std::string& html) {
  const std::string text = outside_scripts(html);
  const std::set<std::string> void_elements = {"meta", "br", "hr", "img", "link", "input"};
  std::stack<std::string> open;
  const std::regex tag("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), tag); it != std::sregex_iterator();
       ++it) {
    const std::string name = (*it)[2];
    if (name == "DOCTYPE" || void_elements.count(name)) continue;
    if ((*it)[1] == "/") {
      ASSERT_FALSE(open.empty()) << "</" << name << "> closes nothing";
      ASSERT_EQ(open.top(), name) << "</" << name << "> closes <" << open.top() << ">";
      open.pop();
    } else if ((*it)[3] != "/") {
      open.push(name);
    }
  }
  EXPECT_TRUE(open.empty()) << "<" << (open.empty() ? "" : open.top()) << "> left open";
  // Nothing unescaped between the tags: a '<' or '&' that starts no tag or reference.
  const std::regex stray("<[^a-zA-Z/!]|&(?![a-zA-Z]+;|#[0-9]+;)");
  EXPECT_FALSE(std::regex_search(text, stray));
}

TEST(Report, EscapesUserText) {
  EXPECT_EQ(escape_html("a < b & \"c\" > 'd'"), "a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;");
  Report r("Scenario <b>bold</b> & co");
  r.add_heading("Run <1>");
  r.add_paragraph("5 < 6 & 7 > 3");
  r.add_table({"caption <x>", {"a&b", "<c>"}, {{"1", "</td>"}}});
  r.add_code("file <name>.yaml", "name: \"<script>alert(1)</script>\"\n");
  const std::string html = r.html();
  EXPECT_NE(html.find("<title>Scenario &lt;b&gt;bold&lt;/b&gt; &amp; co</title>"),
            std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  expect_well_formed(html);
}

TEST(Report, EmbedsTheLibraryAndThePlotData) {
  Report r("plots");
  plot::ProfileOptions po;
  po.title = "a </script> title";
  r.add_plot(line_plot({{"series <1>", {0, 1, 2}, {1.5, 2.5, 3.25}}}, po));
  const std::string html = r.html();
  expect_well_formed(html);
  EXPECT_NE(html.find("data-plots=\"1\" data-drawn=\"1\""), std::string::npos);
  EXPECT_NE(html.find("vegaEmbed"), std::string::npos);
  EXPECT_NE(plot_library_versions().find("vega-lite"), std::string::npos);
  EXPECT_NE(html.find(std::string(plot_library_versions()).substr(0, 10)), std::string::npos);
  // No network: no src= or href= to anything but the page's own anchors.
  const std::string page = outside_scripts(html);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  const auto specs = nlohmann::json::parse(plot_specs(html));
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0]["id"], "plot-1");
  EXPECT_EQ(specs[0]["spec"]["title"], "a </script> title");
  const auto& values = specs[0]["spec"]["data"]["values"];
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[2]["y"], 3.25);
  EXPECT_EQ(values[0]["series"], "series <1>");
  EXPECT_EQ(plot_specs(html).find("</"), std::string::npos);
}

TEST(Report, PlotWithoutFiniteDataSaysWhy) {
  Report r("bad data");
  plot::ProfileOptions po;
  po.title = "All missing";
  r.add_plot(band_plot({{"CP", {0, 1}, {NAN, INFINITY}, {NAN, NAN}, {NAN, NAN}, 3}}, po));
  po.title = "Log of zeros";
  po.log_y = true;
  r.add_plot(line_plot({{"x", {0, 1}, {0, -1}}}, po));
  r.add_plot(kaplan_meier_plot({{"arm", {}, {}, {}, {}, {}, {}, {}}}, {}));
  EXPECT_EQ(r.plot_count(), 3);
  EXPECT_EQ(r.drawn_plot_count(), 0);
  const auto warnings = r.warnings();
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_EQ(warnings[0], "plot 'All missing' not drawn: every value is missing (NA) or not finite");
  EXPECT_NE(warnings[1].find("no positive finite value"), std::string::npos);
  const std::string html = r.html();
  expect_well_formed(html);
  EXPECT_NE(html.find("id=\"report-warnings\""), std::string::npos);
  EXPECT_NE(html.find("class=\"plot-problem\""), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(plot_specs(html)).size(), 0u);
}

TEST(Report, NonFiniteValuesAreLeftOut) {
  plot::WaterfallOptions wo;
  wo.title = "w";
  const Plot w =
      waterfall_plot({{"a", -40, "PR", "A"}, {"b", NAN, "NE", "A"}, {"c", 250, "PD", "A"}}, wo);
  ASSERT_TRUE(w.problem.empty());
  const auto& values = w.spec["data"]["values"];
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[1]["shown"], 100.0);  // clipped at +100 %
  EXPECT_NE(w.caption.find("1 bar(s) above 100 %"), std::string::npos);
  EXPECT_NE(w.caption.find("1 patient(s) without"), std::string::npos);
  EXPECT_EQ(w.spec.dump().find("null,"), std::string::npos);
}

TEST(Report, KaplanMeierHasNumbersAtRisk) {
  plot::KaplanMeierCurve c;
  c.label = "PLD";
  c.time = {1, 2, 4};
  c.survival = {0.8, 0.6, 0.3};
  c.lower = {0.6, 0.4, 0.1};
  c.upper = {0.95, 0.8, 0.6};
  c.censor_times = {2};
  c.subject_times = {1, 1, 2, 2, 4};
  plot::KaplanMeierOptions o;
  o.title = "PFS";
  const Plot p = kaplan_meier_plot({c}, o);
  ASSERT_TRUE(p.problem.empty());
  ASSERT_TRUE(p.spec.contains("vconcat"));
  const auto& at_risk = p.spec["vconcat"][1]["data"]["values"];
  ASSERT_FALSE(at_risk.empty());
  EXPECT_EQ(at_risk[0]["time"], 0.0);
  EXPECT_EQ(at_risk[0]["n"], 5);
}

TEST(Report, PopulationProfilesFromResultsCsv) {
  const auto dir = std::filesystem::temp_directory_path() / "smartnano_report_test";
  std::filesystem::create_directories(dir);
  const auto file = (dir / "results.csv").string();
  {
    std::ofstream out(file);
    out << "ID,TIME,EVID,CP,CT\n";
    for (int id = 1; id <= 5; ++id) {
      out << id << ",0,1,NA,NA\n";  // a dose row is skipped
      for (int t = 0; t <= 2; ++t) out << id << ',' << t << ",0," << id * t << ",1\n";
    }
  }
  const PopulationProfiles p = read_population_profiles(file, {"CP", "CT"}, 4);
  EXPECT_EQ(p.subjects_read, 4u);
  EXPECT_TRUE(p.truncated);
  ASSERT_EQ(p.bands.size(), 2u);
  ASSERT_EQ(p.bands[0].time.size(), 3u);
  EXPECT_DOUBLE_EQ(p.bands[0].median[2], 5.0);  // 2, 4, 6, 8
  EXPECT_DOUBLE_EQ(p.bands[0].p05[2], 2.3);
  EXPECT_DOUBLE_EQ(p.subject_auc[0][1], 4.0);  // 2 t over [0, 2]
  EXPECT_DOUBLE_EQ(p.subject_cmax[0][3], 8.0);
  EXPECT_DOUBLE_EQ(p.subject_auc[1][0], 2.0);
  EXPECT_THROW(read_population_profiles(file, {"NOPE"}), std::runtime_error);
  std::filesystem::remove_all(dir);
}

TEST(Report, WriteIsAtomic) {
  const auto dir = std::filesystem::temp_directory_path() / "smartnano_report_write_test";
  std::filesystem::remove_all(dir);
  Report r("written");
  write_report(r, (dir / "report.html").string());
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(e.path().filename(), "report.html");
  }
  EXPECT_EQ(files, 1u);
  std::filesystem::remove_all(dir);
}

TEST(Report, SimulationReportOfAPopulation) {
  const auto dir = std::filesystem::temp_directory_path() / "smartnano_report_simulation_test";
  std::filesystem::remove_all(dir);
  const std::string file = SMARTNANO_SOURCE_DIR "/tests/cli/cases/population.yaml";
  const scenario::Scenario s = scenario::load_scenario_file(file);
  runner::RunOptions options;
  options.out_dir = dir.string();
  options.threads = 1;
  runner::SerialCommunicator comm;
  const runner::RunOutcome outcome = runner::run_scenario(s, options, comm);
  const Report r = simulation_report(s, file, outcome, dir.string());
  EXPECT_EQ(r.plot_count(), 1);  // CP, the model's only output
  EXPECT_TRUE(r.warnings().empty());
  const std::string html = r.html();
  expect_well_formed(html);
  // The scenario's text, the parameters with units and sources, the run statistics.
  EXPECT_NE(html.find("variability: {CL: 30 %, V: {omega2: 0.0625}}"), std::string::npos);
  const auto& cl = s.model->parameters().front();
  EXPECT_NE(html.find("<td>" + escape_html(cl.source) + "</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>" + escape_html(cl.unit.text) + "</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>CVODES steps</td>"), std::string::npos);
  // The band's data: 12 subjects, median and 5-95 % at each observation time.
  const auto specs = nlohmann::json::parse(plot_specs(html));
  ASSERT_EQ(specs.size(), 1u);
  const auto& values = specs[0]["spec"]["data"]["values"];
  ASSERT_EQ(values.size(), 7u);  // 0, 4, ..., 24 h
  EXPECT_LT(values[3]["p05"].get<double>(), values[3]["median"].get<double>());
  EXPECT_GT(values[3]["p95"].get<double>(), values[3]["median"].get<double>());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smartnano::report

// Tests of the trial plots: every picture is well-formed XML, holds the expected elements for
// known input, escapes text, never writes "nan" or "inf", sorts bars and lanes, and counts the
// numbers at risk right. Example pictures are written to the test's temporary directory.
#include <algorithm>
#include <clocale>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <locale>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plot/plot_frame.h"
#include "plot/svg_writer.h"
#include "plot/xml_check.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {
namespace {

using test_util::xml_problem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// --- helpers ----------------------------------------------------------------------------------

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) {
    ++n;
  }
  return n;
}

int count_class(const std::string& svg, const std::string& cls) {
  return count(svg, "class=\"" + cls + "\"");
}

// Contents of the <text class="cls" ...> elements, in document order.
std::vector<std::string> texts_of(const std::string& svg, const std::string& cls) {
  std::vector<std::string> out;
  const std::string attr = "class=\"" + cls + "\"";
  for (size_t pos = svg.find(attr); pos != std::string::npos; pos = svg.find(attr, pos + 1)) {
    if (svg.compare(svg.rfind('<', pos), 5, "<text") != 0) continue;
    const size_t begin = svg.find('>', pos) + 1;
    out.push_back(svg.substr(begin, svg.find("</text>", begin) - begin));
  }
  return out;
}

// The <title> of each element with class `cls`, in document order.
std::vector<std::string> titles_of(const std::string& svg, const std::string& cls) {
  std::vector<std::string> out;
  const std::string attr = "class=\"" + cls + "\"";
  for (size_t pos = svg.find(attr); pos != std::string::npos; pos = svg.find(attr, pos + 1)) {
    const size_t begin = svg.find("<title>", pos) + 7;
    out.push_back(svg.substr(begin, svg.find("</title>", begin) - begin));
  }
  return out;
}

bool has_nan_or_inf(const std::string& svg) {
  static const std::regex kBad("\\b(nan|inf|infinity)\\b", std::regex::icase);
  return std::regex_search(svg, kBad);
}

void expect_good_svg(const std::string& svg) {
  EXPECT_EQ(xml_problem(svg), "") << svg;
  EXPECT_FALSE(has_nan_or_inf(svg)) << svg;
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""),
            std::string::npos);
}

// A Kaplan-Meier curve computed here from (time, event), as survfit stores it.
KaplanMeierCurve km_curve(const std::string& label, std::vector<double> times,
                          std::vector<bool> events, bool with_subject_times) {
  std::vector<size_t> order(times.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return times[a] < times[b]; });
  KaplanMeierCurve curve;
  curve.label = label;
  double s = 1.0;
  int at_risk = static_cast<int>(times.size());
  for (size_t k = 0; k < order.size();) {
    const double t = times[order[k]];
    int deaths = 0, censored = 0;
    for (; k < order.size() && times[order[k]] == t; ++k) {
      events[order[k]] ? ++deaths : ++censored;
    }
    s *= 1.0 - static_cast<double>(deaths) / at_risk;
    curve.time.push_back(t);
    curve.survival.push_back(s);
    curve.lower.push_back(std::max(0.0, s - 0.15));
    curve.upper.push_back(std::min(1.0, s + 0.15));
    curve.n_risk.push_back(at_risk);
    if (censored > 0) curve.censor_times.push_back(t);
    at_risk -= deaths + censored;
  }
  if (with_subject_times) curve.subject_times = times;
  return curve;
}

std::vector<KaplanMeierCurve> two_arms(bool with_subject_times) {
  return {km_curve("Control", {1, 2, 2, 3, 5, 6, 8, 9, 12, 14},
                   {true, true, false, true, true, false, true, true, false, false},
                   with_subject_times),
          km_curve("Carrier", {2, 4, 5, 7, 9, 11, 13, 15, 18, 20},
                   {true, false, true, true, false, true, false, true, false, false},
                   with_subject_times)};
}

// --- internals --------------------------------------------------------------------------------

TEST(SvgWriter, EscapesTextAndWritesFiniteNumbers) {
  EXPECT_EQ(detail::escape_xml("a<b & c>\"d\" 'e'"),
            "a&lt;b &amp; c&gt;&quot;d&quot; &apos;e&apos;");
  EXPECT_EQ(detail::escape_xml(std::string("x\x01y")), "x y");
  EXPECT_EQ(detail::num(1.25), "1.2");  // round half to even in binary: 1.25 is exact
  EXPECT_EQ(detail::num(-0.01), "0.0");
  EXPECT_EQ(detail::num(kNaN), "0.0");
  EXPECT_EQ(detail::num(-kInf), "0.0");
  EXPECT_EQ(detail::num(1234567.891), "1234567.9");
}

TEST(NiceTicks, CoverTheRangeWithOneTwoFiveSteps) {
  const detail::Ticks a = detail::nice_ticks(0.0, 24.0, 6);
  EXPECT_DOUBLE_EQ(a.step, 5.0);
  EXPECT_EQ(a.values, (std::vector<double>{0, 5, 10, 15, 20, 25}));
  EXPECT_EQ(a.decimals, 0);
  const detail::Ticks b = detail::nice_ticks(0.0, 1.0, 5);
  EXPECT_DOUBLE_EQ(b.step, 0.2);
  ASSERT_EQ(b.values.size(), 6u);
  EXPECT_EQ(detail::format_tick(b.values[3], b.decimals), "0.6");
  const detail::Ticks c = detail::nice_ticks(-87.0, 143.0, 5);
  EXPECT_LE(c.lo, -87.0);
  EXPECT_GE(c.hi, 143.0);
  EXPECT_DOUBLE_EQ(c.step, 50.0);
  const detail::Ticks d = detail::nice_ticks(3.0, 3.0, 5);  // degenerate
  EXPECT_LT(d.lo, 3.0);
  EXPECT_GT(d.hi, 3.0);
  const detail::Ticks e = detail::nice_ticks(kNaN, kInf, 5);
  EXPECT_DOUBLE_EQ(e.lo, 0.0);
  EXPECT_DOUBLE_EQ(e.hi, 1.0);
  EXPECT_EQ(detail::format_tick(-0.0001, 2), "0.00");
}

TEST(Labels, TruncateByCodePoints) {
  EXPECT_EQ(detail::truncate_label("short", 10), "short");
  EXPECT_EQ(detail::truncate_label("abcdefghijkl", 8), "abcde...");
  EXPECT_EQ(detail::truncate_label("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 4), "\xC3\xA9...");
}

TEST(Colours, ResponsesHaveFixedColoursAndLegendOrder) {
  detail::ColourMap map(true);
  const std::string pd = map.colour(detail::canonical_response(" pd "));
  map.colour(detail::canonical_response("Cr"));
  map.colour(detail::canonical_response("unknown"));
  EXPECT_EQ(pd, "#D55E00");
  const auto entries = map.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first, "CR");
  EXPECT_EQ(entries[1].first, "PD");
  EXPECT_EQ(entries[2].first, "unknown");
}

TEST(XmlChecker, RejectsBrokenDocuments) {
  EXPECT_EQ(xml_problem("<a><b x=\"1\"/>t &amp; u</a>"), "");
  EXPECT_NE(xml_problem("<a><b></a>"), "");
  EXPECT_NE(xml_problem("<a x=\"1\" x=\"2\"/>"), "");
  EXPECT_NE(xml_problem("<a>x < y</a>"), "");
  EXPECT_NE(xml_problem("<a>R&D</a>"), "");
  EXPECT_NE(xml_problem("<a/><b/>"), "");
  EXPECT_NE(xml_problem("<a x=1/>"), "");
}

// --- Kaplan-Meier -----------------------------------------------------------------------------

TEST(KaplanMeierPlot, HasCurvesBandsCensorMarksAndLegend) {
  const auto curves = two_arms(true);
  KaplanMeierOptions options;
  options.title = "Overall survival";
  const std::string svg = kaplan_meier_svg(curves, options);
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "km-curve"), 2);
  EXPECT_EQ(count_class(svg, "km-band"), 2);
  EXPECT_EQ(count_class(svg, "censor"),
            static_cast<int>(curves[0].censor_times.size() + curves[1].censor_times.size()));
  EXPECT_EQ(count_class(svg, "legend"), 1);
  EXPECT_EQ(texts_of(svg, "legend-label"), (std::vector<std::string>{"Control", "Carrier"}));
  EXPECT_EQ(texts_of(svg, "title"), std::vector<std::string>{"Overall survival"});
  EXPECT_EQ(texts_of(svg, "axis-label"),
            (std::vector<std::string>{"Survival probability", "Time (months)"}));
  EXPECT_EQ(texts_of(svg, "at-risk-heading").size(), 1u);

  options.show_band = false;
  options.show_censor_marks = false;
  options.show_at_risk = false;
  const std::string bare = kaplan_meier_svg(curves, options);
  EXPECT_EQ(count_class(bare, "km-band"), 0);
  EXPECT_EQ(count_class(bare, "censor"), 0);
  EXPECT_EQ(count_class(bare, "at-risk"), 0);
  EXPECT_EQ(count_class(bare, "km-curve"), 2);
}

TEST(KaplanMeierPlot, NumbersAtRiskAtTheTicks) {
  // Control: times 1 2 2 3 5 6 8 9 12 14 -> at risk (time >= t) at 0, 5, 10, 15, 20:
  // 10, 6, 2, 0, 0. Carrier: 2 4 5 7 9 11 13 15 18 20 -> 10, 8, 5, 3, 1.
  const std::vector<double> ticks = {0, 5, 10, 15, 20};
  for (bool subject_times : {true, false}) {
    const auto curves = two_arms(subject_times);
    EXPECT_EQ(numbers_at_risk(curves[0], ticks), (std::vector<int>{10, 6, 2, 0, 0}));
    EXPECT_EQ(numbers_at_risk(curves[1], ticks), (std::vector<int>{10, 8, 5, 3, 1}));
    const std::string svg = kaplan_meier_svg(curves);
    EXPECT_EQ(texts_of(svg, "at-risk"),
              (std::vector<std::string>{"10", "6", "2", "0", "0", "10", "8", "5", "3", "1"}))
        << "subject_times: " << subject_times;
    EXPECT_EQ(texts_of(svg, "at-risk-label"), (std::vector<std::string>{"Control", "Carrier"}));
  }
  // A tick computed as 3 * 0.2 still counts a subject at exactly 0.6.
  KaplanMeierCurve c;
  c.subject_times = {0.6, 0.7};
  EXPECT_EQ(numbers_at_risk(c, {3 * 0.2}), std::vector<int>{2});
  EXPECT_EQ(numbers_at_risk(KaplanMeierCurve{}, {0.0, 1.0}), (std::vector<int>{0, 0}));
}

TEST(KaplanMeierPlot, AxisEndsAtXMax) {
  KaplanMeierOptions options;
  options.x_max = 10.0;
  const std::string svg = kaplan_meier_svg(two_arms(true), options);
  expect_good_svg(svg);
  // Ticks 0..10 by 2: six counts per arm; censor marks past 10 are left out.
  EXPECT_EQ(texts_of(svg, "at-risk").size(), 12u);
  EXPECT_EQ(count_class(svg, "censor"), 4);  // Control 2, 6; Carrier 4, 9 (within 0..10)
}

TEST(KaplanMeierPlot, OneSubjectAllCensoredAndEmpty) {
  const std::string one =
      kaplan_meier_svg({km_curve("Solo", {4.0}, {true}, true)}, KaplanMeierOptions{});
  expect_good_svg(one);
  EXPECT_EQ(count_class(one, "km-curve"), 1);

  const KaplanMeierCurve censored =
      km_curve("All censored", {3, 5, 7}, {false, false, false}, true);
  const std::string all = kaplan_meier_svg({censored});
  expect_good_svg(all);
  EXPECT_EQ(count_class(all, "km-curve"), 1);
  EXPECT_EQ(count_class(all, "censor"), 3);

  for (const std::string& empty :
       {kaplan_meier_svg({}), kaplan_meier_svg({KaplanMeierCurve{}}),
        kaplan_meier_svg({KaplanMeierCurve{"nan only", {kNaN}, {kNaN}, {}, {}, {kNaN}, {}, {}}})}) {
    expect_good_svg(empty);
    EXPECT_EQ(texts_of(empty, "no-data"), std::vector<std::string>{"No data"});
  }
}

TEST(KaplanMeierPlot, AllTimesZero) {
  const std::string svg = kaplan_meier_svg({km_curve("t = 0", {0, 0}, {true, false}, true)});
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "km-curve"), 1);
  EXPECT_EQ(texts_of(svg, "at-risk").front(), "2");
}

TEST(KaplanMeierPlot, SkipsNaNAndEscapesLabels) {
  auto curves = two_arms(true);
  curves[0].label = "Arm <A> & \"B\"";
  curves[0].time.push_back(kNaN);
  curves[0].survival.push_back(0.1);
  curves[0].lower.push_back(kNaN);
  curves[0].upper.push_back(kNaN);
  curves[0].n_risk.push_back(0);
  curves[1].lower[3] = kNaN;  // R's NA: a gap in the band
  curves[1].upper[3] = kInf;
  curves[1].censor_times.push_back(kNaN);
  curves[1].subject_times.push_back(kInf);
  KaplanMeierOptions options;
  options.title = "OS <ITT> & more";
  options.time_unit = "months & days";
  const std::string svg = kaplan_meier_svg(curves, options);
  expect_good_svg(svg);
  EXPECT_NE(svg.find("Arm &lt;A&gt; &amp; &quot;B&quot;"), std::string::npos);
  EXPECT_NE(svg.find("OS &lt;ITT&gt; &amp; more"), std::string::npos);
  EXPECT_NE(svg.find("Time (months &amp; days)"), std::string::npos);
  EXPECT_EQ(svg.find("<A>"), std::string::npos);
  EXPECT_EQ(count_class(svg, "km-curve"), 2);
}

// A C++ locale writing 1.234,5.
struct CommaPunct : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

TEST(KaplanMeierPlot, SameOutputUnderAnotherLocale) {
  const std::string before = kaplan_meier_svg(two_arms(true));
  const std::locale saved =
      std::locale::global(std::locale(std::locale::classic(), new CommaPunct));
  const std::string cpp_locale = kaplan_meier_svg(two_arms(true));
  std::locale::global(saved);
  EXPECT_EQ(before, cpp_locale);

  // The C locale too, where one with a decimal comma is installed.
  const char* old = std::setlocale(LC_ALL, nullptr);
  const std::string saved_c = old ? old : "C";
  if (std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr ||
      std::setlocale(LC_ALL, "fr_FR.UTF-8") != nullptr) {
    const std::string c_locale = kaplan_meier_svg(two_arms(true));
    std::setlocale(LC_ALL, saved_c.c_str());
    EXPECT_EQ(before, c_locale);
  }
}

TEST(PlotOptions, BadOptionsThrow) {
  KaplanMeierOptions km;
  km.width_px = 10;
  EXPECT_THROW(kaplan_meier_svg({}, km), std::invalid_argument);
  WaterfallOptions wf;
  wf.clip_above_pct = kNaN;
  EXPECT_NE(wf.validate(), "");
  EXPECT_THROW(waterfall_svg({}, wf), std::invalid_argument);
  SwimmerOptions sw;
  sw.max_patients = 0;
  EXPECT_THROW(swimmer_svg({}, sw), std::invalid_argument);
  EXPECT_EQ(SpiderOptions{}.validate(), "");
}

// --- waterfall ----------------------------------------------------------------------------------

std::vector<WaterfallBar> waterfall_data() {
  return {{"P01", -45.0, "PR", "A"}, {"P02", 12.0, "SD", "B"},  {"P03", -100.0, "CR", "A"},
          {"P04", 35.0, "pd", "B"},  {"P05", -10.0, "SD", "A"}, {"P06", kNaN, "NE", "B"},
          {"P07", 250.0, "PD", "A"}, {"P08", -31.0, "PR", "B"}, {"P09", 0.0, "NE", "B"}};
}

TEST(WaterfallPlot, BarsSortedLargestFirstWithClipAndNotes) {
  const std::string svg = waterfall_svg(waterfall_data());
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "bar"), 8);  // P06 has no value
  EXPECT_EQ(titles_of(svg, "bar"),
            (std::vector<std::string>{"P07: 250.0 % (PD)", "P04: 35.0 % (PD)", "P02: 12.0 % (SD)",
                                      "P09: 0.0 % (NE)", "P05: -10.0 % (SD)", "P08: -31.0 % (PR)",
                                      "P01: -45.0 % (PR)", "P03: -100.0 % (CR)"}));
  EXPECT_EQ(count_class(svg, "ref-line"), 2);
  EXPECT_EQ(count_class(svg, "zero-line"), 1);
  EXPECT_EQ(count_class(svg, "clip-marker"), 1);
  const auto notes = texts_of(svg, "note");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], "1 bar above +100 % clipped at +100 %");
  EXPECT_EQ(notes[1], "1 patient without a measured change not shown");
  EXPECT_EQ(texts_of(svg, "legend-label"),
            (std::vector<std::string>{"CR", "PR", "SD", "PD", "NE"}));
  EXPECT_EQ(count_class(svg, "panel-label"), 0);
}

TEST(WaterfallPlot, PanelsByArm) {
  WaterfallOptions options;
  options.group_by_arm = true;
  const std::string svg = waterfall_svg(waterfall_data(), options);
  expect_good_svg(svg);
  EXPECT_EQ(texts_of(svg, "panel-label"), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(titles_of(svg, "bar"),
            (std::vector<std::string>{"P07: 250.0 % (PD)", "P05: -10.0 % (SD)", "P01: -45.0 % (PR)",
                                      "P03: -100.0 % (CR)", "P04: 35.0 % (PD)", "P02: 12.0 % (SD)",
                                      "P09: 0.0 % (NE)", "P08: -31.0 % (PR)"}));
}

TEST(WaterfallPlot, EmptyAndAllNaN) {
  for (const std::string& svg :
       {waterfall_svg({}), waterfall_svg({{"x", kNaN, "PR", ""}, {"y", kInf, "PD", ""}})}) {
    expect_good_svg(svg);
    EXPECT_EQ(count_class(svg, "no-data"), 1);
  }
  const std::string one = waterfall_svg({{"<&>", -50.0, "PR & more", "arm<1>"}});
  expect_good_svg(one);
  EXPECT_EQ(count_class(one, "bar"), 1);
  EXPECT_NE(one.find("&lt;&amp;&gt;: -50.0 % (PR &amp; more)"), std::string::npos);
}

// --- spider -------------------------------------------------------------------------------------

std::vector<SpiderSeries> spider_data() {
  return {{"P01", {6, 12, 18, 24}, {-20, -35, -50, -55}, "Carrier", "PR"},
          {"P02", {6, 12}, {10, 25}, "Control", "PD"},
          {"P03", {0, 6, 12, 18}, {0, 5, kNaN, 150}, "Control", "PD"},
          {"P04", {kNaN}, {kNaN}, "Carrier", "NE"},
          {"P05", {8}, {-5}, "Carrier", "SD"}};
}

TEST(SpiderPlot, OneLinePerPatientWithPoints) {
  const std::string svg = spider_svg(spider_data());
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "spider-line"), 4);
  EXPECT_EQ(count_class(svg, "spider-end"), 4);
  EXPECT_EQ(count_class(svg, "ref-line"), 2);
  EXPECT_EQ(count_class(svg, "zero-line"), 1);
  EXPECT_EQ(count_class(svg, "clip-marker"), 1);
  EXPECT_EQ(texts_of(svg, "note"),
            std::vector<std::string>{"1 value above +100 % drawn at +100 %"});
  EXPECT_EQ(texts_of(svg, "legend-label"), (std::vector<std::string>{"Carrier", "Control"}));
  EXPECT_EQ(titles_of(svg, "spider-line")[0], "P01 (Carrier)");
  EXPECT_EQ(texts_of(svg, "axis-label"),
            (std::vector<std::string>{"Change from baseline in SLD (%)", "Time (weeks)"}));

  SpiderOptions options;
  options.colour_by = SpiderColour::kResponse;
  options.start_at_baseline = false;
  const std::string by_response = spider_svg(spider_data(), options);
  expect_good_svg(by_response);
  EXPECT_EQ(texts_of(by_response, "legend-label"), (std::vector<std::string>{"PR", "SD", "PD"}));
  // Without the baseline point P05 is a single point.
  EXPECT_NE(by_response.find("<polyline points=\""), std::string::npos);
}

TEST(SpiderPlot, Empty) {
  for (const std::string& svg : {spider_svg({}), spider_svg({{"x", {1}, {kNaN}, "", ""}})}) {
    expect_good_svg(svg);
    EXPECT_EQ(count_class(svg, "no-data"), 1);
  }
}

// --- swimmer ------------------------------------------------------------------------------------

std::vector<SwimmerLane> swimmer_data() {
  std::vector<SwimmerLane> lanes;
  for (int i = 0; i < 10; ++i) {
    SwimmerLane lane;
    lane.id = "P" + std::to_string(i);
    lane.arm = i % 2 == 0 ? "Carrier" : "Control";
    lane.end_time = 2.0 + (i * 7) % 10;  // 2 9 6 3 10 7 4 11 8 5
    lane.ongoing = i % 3 == 0;
    if (i % 2 == 0) lane.response_times = {1.0};
    if (i % 4 == 1) lane.progression_times = {lane.end_time - 0.5};
    if (i == 7) lane.death_time = lane.end_time;
    lanes.push_back(lane);
  }
  return lanes;
}

TEST(SwimmerPlot, SortedLongestFirstWithMarkers) {
  const std::string svg = swimmer_svg(swimmer_data());
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "swim-bar"), 10);
  EXPECT_EQ(texts_of(svg, "lane-label"),
            (std::vector<std::string>{"P7", "P4", "P1", "P8", "P5", "P2", "P9", "P6", "P3", "P0"}));
  EXPECT_EQ(count_class(svg, "event-response"), 5);
  EXPECT_EQ(count_class(svg, "event-progression"), 3);  // P1, P5, P9
  EXPECT_EQ(count_class(svg, "event-death"), 1);
  EXPECT_EQ(count_class(svg, "event-ongoing"), 4);  // P0, P3, P6, P9
  EXPECT_EQ(titles_of(svg, "swim-bar")[0], "P7 (Control): 11.0 months");
  EXPECT_EQ(texts_of(svg, "note").size(), 0u);
}

TEST(SwimmerPlot, CapsThePatientsShown) {
  auto lanes = swimmer_data();
  lanes.push_back({"no end", "Control", kNaN, true, {kNaN}, {}, kNaN});
  SwimmerOptions options;
  options.max_patients = 4;
  const std::string svg = swimmer_svg(lanes, options);
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "swim-bar"), 4);
  EXPECT_EQ(texts_of(svg, "lane-label"), (std::vector<std::string>{"P7", "P4", "P1", "P8"}));
  EXPECT_EQ(texts_of(svg, "note"),
            (std::vector<std::string>{"4 of 10 patients shown (longest time on study)",
                                      "1 patient without an end time not shown"}));
}

TEST(SwimmerPlot, ManyPatientsGrowThePicture) {
  std::vector<SwimmerLane> lanes;
  for (int i = 0; i < 60; ++i) lanes.push_back({"S" + std::to_string(i), "A", 1.0 + i, false});
  SwimmerOptions options;
  options.max_patients = 60;
  const std::string svg = swimmer_svg(lanes, options);
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "swim-bar"), 60);
  // 60 rows of at least 12 px do not fit in 480 px: the picture is taller.
  const std::regex height_attr("<svg [^>]*height=\"([0-9.]+)\"");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, height_attr));
  EXPECT_GT(std::stod(m[1]), 720.0);
}

TEST(SwimmerPlot, Empty) {
  for (const std::string& svg : {swimmer_svg({}), swimmer_svg({{"x", "A", kNaN}})}) {
    expect_good_svg(svg);
    EXPECT_EQ(count_class(svg, "no-data"), 1);
  }
}

// --- ROC ----------------------------------------------------------------------------------------

std::vector<RocCurvePlot> roc_data() {
  RocCurvePlot marker;
  marker.label = "Tumour EPR score";
  // Out of order on purpose.
  marker.fpr = {0.5, 0.0, 0.1, 1.0, 0.2, 0.1};
  marker.tpr = {0.9, 0.4, 0.4, 1.0, 0.8, 0.7};
  marker.auc = 0.814;
  marker.auc_lower = 0.723;
  marker.auc_upper = 0.9;
  marker.marked_fpr = 0.2;
  marker.marked_tpr = 0.8;
  marker.marked_label = "Youden threshold 2.5: sensitivity 0.80, specificity 0.80";
  RocCurvePlot ferumoxytol;
  ferumoxytol.label = "Ferumoxytol MRI";
  ferumoxytol.fpr = {0.0, 0.3, 0.6, 1.0};
  ferumoxytol.tpr = {0.0, 0.5, 0.8, 1.0};
  ferumoxytol.auc = 0.66;
  ferumoxytol.marked_fpr = 0.3;
  ferumoxytol.marked_tpr = 0.5;
  return {marker, ferumoxytol};
}

// The "d" attribute of each path with class `cls`, as (x, y) pixel pairs.
std::vector<std::vector<std::pair<double, double>>> path_points(const std::string& svg,
                                                                const std::string& cls) {
  std::vector<std::vector<std::pair<double, double>>> out;
  const std::string attr = "class=\"" + cls + "\"";
  static const std::regex kPair("[ML](-?[0-9.]+) (-?[0-9.]+)");
  for (size_t pos = svg.find(attr); pos != std::string::npos; pos = svg.find(attr, pos + 1)) {
    const size_t start = svg.rfind("<path d=\"", pos) + 9;
    const std::string d = svg.substr(start, svg.find('"', start) - start);
    std::vector<std::pair<double, double>> points;
    for (std::sregex_iterator it(d.begin(), d.end(), kPair), end; it != end; ++it) {
      points.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
    }
    out.push_back(points);
  }
  return out;
}

TEST(RocPlot, CurvesDiagonalPointsAndLegend) {
  const std::string svg = roc_svg(roc_data());
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "roc-plot"), 1);
  EXPECT_EQ(count_class(svg, "roc-curve"), 2);
  EXPECT_EQ(count_class(svg, "roc-diagonal"), 1);
  EXPECT_EQ(count_class(svg, "roc-point"), 2);
  EXPECT_EQ(count_class(svg, "legend"), 1);
  EXPECT_EQ(titles_of(svg, "roc-curve"),
            (std::vector<std::string>{"Tumour EPR score", "Ferumoxytol MRI"}));
  EXPECT_EQ(titles_of(svg, "roc-point"),
            (std::vector<std::string>{"Youden threshold 2.5: sensitivity 0.80, specificity 0.80",
                                      "Sensitivity 0.50, specificity 0.70"}));
  EXPECT_EQ(texts_of(svg, "axis-label"),
            (std::vector<std::string>{"Sensitivity (true-positive rate)",
                                      "1 - specificity (false-positive rate)"}));

  RocOptions options;
  options.show_diagonal = false;
  const std::string bare = roc_svg(roc_data(), options);
  expect_good_svg(bare);
  EXPECT_EQ(count_class(bare, "roc-diagonal"), 0);
  EXPECT_EQ(count_class(bare, "roc-curve"), 2);
}

TEST(RocPlot, SortedFromOriginToCornerOnASquare) {
  const std::string svg = roc_svg(roc_data());
  const auto paths = path_points(svg, "roc-curve");
  ASSERT_EQ(paths.size(), 2u);
  // (0,0), then (0,0.4) (0.1,0.4) (0.1,0.7) (0.2,0.8) (0.5,0.9), and (1,1) given once.
  const auto& first = paths[0];
  ASSERT_EQ(first.size(), 7u);
  for (size_t i = 1; i < first.size(); ++i) {
    EXPECT_GE(first[i].first, first[i - 1].first);
    if (first[i].first == first[i - 1].first) {
      EXPECT_LE(first[i].second, first[i - 1].second);  // pixel y grows downwards
    }
  }
  EXPECT_EQ(first[1].first, first[0].first);  // the step up at fpr = 0
  // The second curve lists (0,0) and (1,1) itself: they are not repeated.
  EXPECT_EQ(paths[1].size(), 4u);
  // Both ends of both curves are the corners of a square plot area.
  const double side_x = first.back().first - first.front().first;
  const double side_y = first.front().second - first.back().second;
  EXPECT_GT(side_x, 100.0);
  EXPECT_NEAR(side_x, side_y, 0.11);
  EXPECT_EQ(paths[1].front(), first.front());
  EXPECT_EQ(paths[1].back(), first.back());
}

TEST(RocPlot, AucInTheLegend) {
  auto curves = roc_data();
  RocCurvePlot unlabelled;
  unlabelled.fpr = {0.5};
  unlabelled.tpr = {0.5};
  unlabelled.auc = 0.5;
  unlabelled.auc_lower = 0.4;
  unlabelled.auc_upper = 0.6;
  curves.push_back(unlabelled);
  RocCurvePlot no_auc = unlabelled;
  no_auc.label = "Interval without AUC";
  no_auc.auc = kNaN;
  curves.push_back(no_auc);
  RocCurvePlot long_label = unlabelled;
  long_label.label = "A rather long name for a composite biomarker score";
  long_label.auc_upper = kInf;
  curves.push_back(long_label);
  const std::string svg = roc_svg(curves);
  expect_good_svg(svg);
  EXPECT_EQ(texts_of(svg, "legend-label"),
            (std::vector<std::string>{"Tumour EPR score (AUC 0.81, 95 % CI 0.72-0.90)",
                                      "Ferumoxytol MRI (AUC 0.66)", "AUC 0.50, 95 % CI 0.40-0.60",
                                      "Interval without AUC",
                                      "A rather long name for a ... (AUC 0.50)"}));

  // One curve without label or AUC: no legend.
  RocCurvePlot plain;
  plain.fpr = {0.2};
  plain.tpr = {0.7};
  const std::string single = roc_svg({plain});
  expect_good_svg(single);
  EXPECT_EQ(count_class(single, "legend"), 0);
  EXPECT_EQ(count_class(single, "roc-curve"), 1);
}

TEST(RocPlot, SkipsNaNPointsAndEscapesLabels) {
  auto curves = roc_data();
  curves[0].label = "Score <A> & \"B\"";
  curves[0].marked_label = "cut-off > 2 & 'high'";
  curves[0].fpr.insert(curves[0].fpr.begin() + 2, {kNaN, 0.3, kInf, 0.4});
  curves[0].tpr.insert(curves[0].tpr.begin() + 2, {0.5, kNaN, 0.6, -kInf});
  curves[0].fpr.push_back(0.7);  // no tpr to pair with
  curves[1].marked_tpr = kNaN;
  RocCurvePlot all_nan;
  all_nan.label = "all NaN";
  all_nan.fpr = {kNaN, kInf};
  all_nan.tpr = {0.5, 0.5};
  all_nan.auc = kNaN;
  curves.push_back(all_nan);
  RocOptions options;
  options.title = "ROC <training> & test";
  const std::string svg = roc_svg(curves, options);
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "roc-curve"), 2);  // "all NaN" has no point
  EXPECT_EQ(count_class(svg, "roc-point"), 1);
  EXPECT_EQ(path_points(svg, "roc-curve")[0].size(), 7u);  // as without the bad points
  EXPECT_NE(svg.find("Score &lt;A&gt; &amp; &quot;B&quot;"), std::string::npos);
  EXPECT_NE(svg.find("cut-off &gt; 2 &amp; &apos;high&apos;"), std::string::npos);
  EXPECT_NE(svg.find("ROC &lt;training&gt; &amp; test"), std::string::npos);
  EXPECT_EQ(svg.find("<A>"), std::string::npos);
  EXPECT_EQ(svg.find("all NaN"), std::string::npos);

  // Values outside 0 .. 1 are drawn at the edge.
  RocCurvePlot wild;
  wild.fpr = {-0.5, 2.0};
  wild.tpr = {0.5, 3.0};
  wild.marked_fpr = 1e300;
  wild.marked_tpr = -1e300;
  const std::string clamped = roc_svg({wild});
  expect_good_svg(clamped);
  EXPECT_EQ(count_class(clamped, "roc-point"), 1);
}

TEST(RocPlot, EmptyAndBadOptions) {
  RocCurvePlot nothing;
  nothing.label = "nothing";
  nothing.fpr = {kNaN};
  nothing.tpr = {kNaN};
  nothing.marked_fpr = 0.5;  // no tpr: no point
  for (const std::string& svg : {roc_svg({}), roc_svg({nothing}), roc_svg({RocCurvePlot{}})}) {
    expect_good_svg(svg);
    EXPECT_EQ(count_class(svg, "no-data"), 1);
    EXPECT_EQ(count_class(svg, "roc-curve"), 0);
  }
  // A lone operating point is something to draw.
  RocCurvePlot point_only;
  point_only.marked_fpr = 0.1;
  point_only.marked_tpr = 0.6;
  const std::string svg = roc_svg({point_only});
  EXPECT_EQ(count_class(svg, "no-data"), 0);
  EXPECT_EQ(count_class(svg, "roc-point"), 1);
  EXPECT_EQ(count_class(svg, "roc-curve"), 0);

  EXPECT_EQ(RocOptions{}.validate(), "");
  RocOptions bad;
  bad.height_px = 100;
  EXPECT_NE(bad.validate(), "");
  EXPECT_THROW(roc_svg(roc_data(), bad), std::invalid_argument);
  // Small and wide pictures still draw a square.
  for (auto [w, h] : {std::pair{200, 150}, std::pair{2000, 300}, std::pair{300, 1200}}) {
    RocOptions size;
    size.width_px = w;
    size.height_px = h;
    size.title = "Size";
    const std::string small = roc_svg(roc_data(), size);
    expect_good_svg(small);
    const auto first = path_points(small, "roc-curve")[0];
    EXPECT_NEAR(first.back().first - first.front().first,
                first.front().second - first.back().second, 0.11);
  }
}

// --- example pictures ---------------------------------------------------------------------------

// Larger made-up trials for looking at the layout.
std::vector<KaplanMeierCurve> four_arms() {
  std::vector<KaplanMeierCurve> curves;
  const std::vector<std::string> labels = {"Control (standard of care)", "Carrier 25 mg/m2",
                                           "Carrier 50 mg/m2 + anti-PD-1 <q3w>", "Free drug"};
  for (size_t g = 0; g < labels.size(); ++g) {
    std::vector<double> times;
    std::vector<bool> events;
    for (int i = 0; i < 150; ++i) {
      times.push_back(0.5 + std::fmod(i * 7.31 * (1.0 + 0.3 * g), 40.0));
      events.push_back(i % 4 != 0);
    }
    curves.push_back(km_curve(labels[g], times, events, true));
  }
  return curves;
}

std::vector<WaterfallBar> many_bars() {
  std::vector<WaterfallBar> bars;
  const std::vector<std::string> responses = {"PD", "SD", "PR", "CR", "NE"};
  for (int i = 0; i < 90; ++i) {
    const double change = std::fmod(i * 37.7, 190.0) - 100.0 + (i == 3 ? 300.0 : 0.0);
    const std::string response = change > 20    ? "PD"
                                 : change > -30 ? "SD"
                                 : change > -99 ? "PR"
                                                : "CR";
    bars.push_back({"S" + std::to_string(100 + i), i % 17 == 0 ? kNaN : change,
                    i % 11 == 0 ? "NE" : response, i % 3 == 0 ? "Control" : "Carrier"});
  }
  return bars;
}

std::vector<SwimmerLane> many_lanes() {
  std::vector<SwimmerLane> lanes;
  for (int i = 0; i < 75; ++i) {
    const double end = 1.0 + std::fmod(i * 5.77, 30.0);
    lanes.push_back({"SUBJ-" + std::to_string(1000 + i), i % 2 == 0 ? "Carrier" : "Control", end,
                     i % 5 == 0,
                     i % 3 == 0 ? std::vector<double>{end * 0.3} : std::vector<double>{},
                     i % 4 == 1 ? std::vector<double>{end * 0.8} : std::vector<double>{},
                     i % 9 == 2 ? end : kNaN});
  }
  return lanes;
}

TEST(Examples, WriteOneOfEach) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "smartnano_plot_examples";
  std::filesystem::create_directories(dir);
  KaplanMeierOptions km;
  km.title = "Overall survival by arm";
  WaterfallOptions wf;
  wf.title = "Best change in tumour size";
  SpiderOptions sp;
  sp.title = "Change in tumour size over time";
  SwimmerOptions sw;
  sw.title = "Time on study";
  WaterfallOptions wf_by_arm = wf;
  wf_by_arm.group_by_arm = true;
  RocOptions roc;
  roc.title = "Tumour EPR score vs ferumoxytol MRI";
  SwimmerOptions sw_capped = sw;
  sw_capped.max_patients = 30;
  const std::vector<std::pair<std::string, std::string>> pictures = {
      {"kaplan_meier.svg", kaplan_meier_svg(two_arms(true), km)},
      {"waterfall.svg", waterfall_svg(waterfall_data(), wf)},
      {"spider.svg", spider_svg(spider_data(), sp)},
      {"swimmer.svg", swimmer_svg(swimmer_data(), sw)},
      {"kaplan_meier_four_arms.svg", kaplan_meier_svg(four_arms(), km)},
      {"waterfall_by_arm.svg", waterfall_svg(many_bars(), wf_by_arm)},
      {"swimmer_capped.svg", swimmer_svg(many_lanes(), sw_capped)},
      {"roc.svg", roc_svg(roc_data(), roc)}};
  for (const auto& [name, svg] : pictures) {
    expect_good_svg(svg);
    std::ofstream(dir / name) << svg;
    EXPECT_TRUE(std::filesystem::exists(dir / name));
  }
  std::cout << "example pictures in " << dir.string() << "\n";
}

std::vector<ParetoPoint> pareto_data() {
  // Maximise x, minimise y: (4, 3) and (1, 1) and (3, 2) are the front.
  return {{4, 3, 1, false, "A"}, {1, 1, 1, false, "B"},  {3, 2, 1, true, "C"},
          {2, 3, 2, false, "D"}, {0.5, 4, 3, true, "E"}, {NAN, 2, 1, false, "F"}};
}

TEST(ParetoPlot, PointsFrontStaircaseAndLegend) {
  ParetoOptions options;
  options.maximise_y = false;
  options.x_label = "tumour exposure (max)";
  options.y_label = "heart exposure (min)";
  const std::string svg = pareto_svg(pareto_data(), options);
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "pareto-plot"), 1);
  EXPECT_EQ(count_class(svg, "pareto-point"), 5);  // the NaN point is left out
  EXPECT_EQ(count_class(svg, "pareto-front"), 1);
  EXPECT_EQ(count_class(svg, "legend"), 1);
  // Dominated points are drawn first, the front on top.
  EXPECT_EQ(titles_of(svg, "pareto-point"), (std::vector<std::string>{"D", "E", "A", "B", "C"}));
  // The staircase runs from the best x to the worst through every front point: 3 points,
  // 2 steps of 2 segments each.
  const auto paths = path_points(svg, "pareto-front");
  ASSERT_EQ(paths.size(), 1u);
  ASSERT_EQ(paths[0].size(), 5u);
  for (std::size_t i = 1; i < paths[0].size(); ++i) {
    EXPECT_LE(paths[0][i].first, paths[0][i - 1].first);  // x never increases
  }
  EXPECT_EQ(texts_of(svg, "axis-label"),
            (std::vector<std::string>{"heart exposure (min)", "tumour exposure (max)"}));
}

TEST(ParetoPlot, NoFinitePointIsNoData) {
  const std::string svg = pareto_svg({{NAN, 1, 1, false, "x"}});
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "no-data"), 1);
}

TEST(ProfilePlot, OneLinePerSeriesWithGapsAndLogScale) {
  const std::vector<ProfileSeries> series{{"ID 1", {0, 1, 2, 3}, {1, 10, NAN, 100}},
                                          {"ID 2", {0, 1, 2}, {2, 20, 200}},
                                          {"ID 3", {0, 1}, {NAN, NAN}}};
  ProfileOptions options;
  options.x_label = "time (h)";
  options.y_label = "CP (ug/mL)";
  const std::string svg = profile_svg(series, options);
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "profile-line"), 2);  // the all-NaN series draws nothing
  EXPECT_EQ(titles_of(svg, "profile-line"), (std::vector<std::string>{"ID 1", "ID 2"}));
  EXPECT_EQ(count_class(svg, "legend"), 1);
  // The NaN splits the first line: two move-to commands.
  const auto first = svg.substr(svg.find("class=\"profile-line\""));
  const auto d = first.substr(0, first.find("/>"));
  EXPECT_EQ(std::count(d.begin(), d.end(), 'M'), 2);
  options.log_y = true;
  const std::string log_svg = profile_svg(series, options);
  expect_good_svg(log_svg);
  EXPECT_EQ(texts_of(log_svg, "axis-label"),
            (std::vector<std::string>{"log10 CP (ug/mL)", "time (h)"}));
  EXPECT_EQ(count_class(profile_svg({{"x", {0}, {-1}}}, options), "no-data"), 1);
}

TEST(BandPlot, BandsSplitAtGapsAndMedianLines) {
  const std::vector<BandSeries> series{
      {"PLD + nivolumab", {0, 1, 2, 3}, {1, 2, 3, 4}, {0.5, 1, NAN, 3}, {1.5, 3, 4, 5}},
      {"nivolumab", {0, 1, 2}, {1, 1.1, 1.2}, {0.9, 1, 1.1}, {1.1, 1.2, 1.3}}};
  BandOptions options;
  options.x_label = "Weeks";
  options.y_label = "CD8_FOLD";
  const std::string svg = band_svg(series, options);
  expect_good_svg(svg);
  // The NaN lower edge of the first group splits its band in two polygons.
  EXPECT_EQ(count_class(svg, "band"), 3);
  EXPECT_EQ(titles_of(svg, "band-line"),
            (std::vector<std::string>{"PLD + nivolumab", "nivolumab"}));
  EXPECT_EQ(count_class(svg, "legend"), 1);
  EXPECT_NE(svg.find("10th-90th percentile"), std::string::npos);
  options.log_y = true;
  expect_good_svg(band_svg(series, options));
  EXPECT_EQ(count_class(band_svg({{"x", {0}, {NAN}, {NAN}, {NAN}}}, options), "no-data"), 1);
}

TEST(ProportionPlot, ClustersSeriesWhiskersAndCounts) {
  const std::vector<ProportionBar> bars{{"R848 NP + nivolumab", "cold", 0.25, 0.15, 0.37, 15, 60},
                                        {"R848 NP + nivolumab", "hot", 0.5, 0.3, 0.7, 10, 20},
                                        {"nivolumab", "cold", 0.0, 0.0, 0.06, 0, 60},
                                        {"nivolumab", "hot", NAN, NAN, NAN, 0, 0}};
  ProportionOptions options;
  options.y_label = "Objective response rate (%)";
  const std::string svg = proportion_svg(bars, options);
  expect_good_svg(svg);
  EXPECT_EQ(count_class(svg, "proportion-bar"), 3);  // the NaN bar is missing
  EXPECT_EQ(count_class(svg, "legend"), 1);
  EXPECT_EQ(texts_of(svg, "cluster-label"),
            (std::vector<std::string>{"R848 NP + nivolumab", "nivolumab"}));
  EXPECT_NE(svg.find(">15/60<"), std::string::npos);
  EXPECT_EQ(count_class(proportion_svg({}, options), "no-data"), 1);
}

}  // namespace
}  // namespace smartnano::plot

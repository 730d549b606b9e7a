// The pictures of a virtual trial run, as standalone SVG 1.1 documents (UTF-8 strings): a
// Kaplan-Meier plot with confidence bands, censoring marks and a numbers-at-risk table; a
// waterfall plot of best tumour change; a spider plot of tumour change over time; a swimmer plot
// of time on study with response, progression and death markers; and ROC curves of a biomarker
// or classifier with their AUC and a chosen operating point. docs/plots.md says what each shows
// and how to read it.
//
// Inputs are plain structs a caller fills from survival results and per-patient summaries. Data
// never make a function throw: NaN or infinite values are left out (a point, a bar, a patient,
// as each struct says), and a plot with nothing to draw is a valid SVG saying "No data". Only
// options that cannot be drawn (validate() != "") throw std::invalid_argument. Numbers in the
// output are written with fixed precision, independent of the locale; "nan" and "inf" never
// appear. Elements carry class attributes (listed with each function) so that tests and CSS can
// find them. Colours are the Okabe-Ito palette, which stays distinct for colour-blind readers.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace smartnano::plot {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// What every plot has. Empty labels are replaced by the plot's default (given with each
// function); the title is left out when empty. Text is escaped for XML, so labels may hold
// '<', '&' or quotes.
struct PlotOptions {
  std::string title{};
  std::string x_label{};
  std::string y_label{};
  int width_px = 720;   // 200 .. 10000
  int height_px = 480;  // 150 .. 10000; of the plot itself (see each function for what is added)
  // Lists problems ("" when none).
  std::string validate() const;
};

// ---------------------------------------------------------------------------------------------
// Kaplan-Meier plot

// One curve (one arm or group). `time` / `survival` is the step function as survfit stores it:
// S(t) = survival[i] from time[i] until the next time, S = 1 before time[0]; rows with a NaN
// time or survival are left out. `lower` / `upper` (optional: empty, or the same length as
// `time`) is the pointwise band, drawn as steps; NaN entries (R's NA where S = 0) leave a gap.
// `censor_times` get a '+' mark on the curve. Numbers at risk come from `subject_times` (every
// subject's follow-up time, event or censoring; n at risk at t = number with time >= t) when it
// is not empty, otherwise from `n_risk` aligned with `time` (survfit's n.risk: n at risk at t =
// n_risk of the first row with time >= t, 0 past the last row). From survival::KaplanMeier:
// time = km.time, survival = km.surv, n_risk = km.n_risk, censor_times = the times with
// n_censor > 0, and lower / upper from survival::confidence_band.
struct KaplanMeierCurve {
  std::string label{};
  std::vector<double> time{}, survival{};
  std::vector<double> lower{}, upper{};
  std::vector<double> censor_times{};
  std::vector<double> subject_times{};
  std::vector<int> n_risk{};
};

struct KaplanMeierOptions : PlotOptions {
  std::string time_unit = "months";  // default x label "Time (<unit>)"
  double x_max = 0.0;                // right end of the time axis; <= 0 = the last time
  bool show_band = true;
  bool show_censor_marks = true;
  bool show_at_risk = true;  // adds one 18 px row per curve (plus a heading) below the plot
  double band_opacity = 0.2;
  std::string validate() const;
};

// Default y label "Survival probability" (axis 0 to 1). Classes: "km-curve" (one path per curve
// with at least one valid row or subject), "km-band" (one path per curve whose band has a
// finite stretch), "censor" (one per censoring mark within the axis), "legend", "at-risk" (one
// text per curve and tick; the table has its own heading, class "at-risk-heading").
std::string kaplan_meier_svg(const std::vector<KaplanMeierCurve>& curves,
                             const KaplanMeierOptions& options = {});

// Numbers at risk of `curve` at each of `times` by the rules above (exposed for tests and for
// tables written next to the plot). All zeros when the curve has neither subject times nor
// n_risk.
std::vector<int> numbers_at_risk(const KaplanMeierCurve& curve, const std::vector<double>& times);

// ---------------------------------------------------------------------------------------------
// Waterfall plot

// One patient: best percentage change in the sum of longest diameters from baseline (negative =
// shrinkage) and the best overall response ("CR", "PR", "SD", "PD", "NE", any case; other
// strings are their own categories). A NaN change leaves the patient out; the plot says how
// many were left out.
struct WaterfallBar {
  std::string id{};
  double best_change_pct = kNoValue;
  std::string response{};
  std::string arm{};
};

struct WaterfallOptions : PlotOptions {
  // Bars above this are drawn to it with a triangle on top, and a note says so.
  double clip_above_pct = 100.0;
  // false: one panel, all patients sorted by change, largest first. true: one panel per arm
  // (arms in order of first appearance, side by side on a shared y axis, arm names below),
  // each sorted the same way.
  bool group_by_arm = false;
  std::string validate() const;
};

// Default y label "Best change from baseline in SLD (%)". Classes: "bar" (one rect per drawn
// patient, each with a <title> "id: change % (response)"), "ref-line" (the dashed +20 % and
// -30 % lines), "zero-line", "clip-marker" (one per clipped bar), "note", "legend",
// "panel-label".
std::string waterfall_svg(const std::vector<WaterfallBar>& bars,
                          const WaterfallOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Spider plot

// One patient's percentage change from baseline at each assessment. Points with a NaN time or
// change are left out; a patient with no point left is not drawn.
struct SpiderSeries {
  std::string id{};
  std::vector<double> time{}, change_pct{};
  std::string arm{};
  std::string response{};  // best overall response, for colour_by = kResponse
};

enum class SpiderColour { kArm, kResponse };

struct SpiderOptions : PlotOptions {
  std::string time_unit = "weeks";  // default x label "Time (<unit>)"
  SpiderColour colour_by = SpiderColour::kArm;
  // Starts every line at (0, 0 %) when its first point is later than time 0.
  bool start_at_baseline = true;
  // Changes above this are drawn at it with a triangle, and a note says so.
  double clip_above_pct = 100.0;
  std::string validate() const;
};

// Default y label "Change from baseline in SLD (%)". Classes: "spider-line" (one polyline per
// drawn patient, with a <title> naming it), "spider-end" (one circle at each line's last
// point), "ref-line", "zero-line", "clip-marker", "note", "legend".
std::string spider_svg(const std::vector<SpiderSeries>& series, const SpiderOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Swimmer plot

// One patient's time on study, from 0 to `end_time`, with the times at which responses began,
// progressions were seen and death (NaN = none). `ongoing` (still on study / censored) draws an
// arrow past the end. A NaN or negative end time leaves the patient out (the plot says how
// many); NaN or negative event times are left out.
struct SwimmerLane {
  std::string id{};
  std::string arm{};
  double end_time = kNoValue;
  bool ongoing = false;
  std::vector<double> response_times{};
  std::vector<double> progression_times{};
  double death_time = kNoValue;
};

struct SwimmerOptions : PlotOptions {
  std::string time_unit = "months";  // default x label "Time on study (<unit>)"
  // At most this many patients are shown: the longest on study; a note says "N of M shown".
  int max_patients = 50;
  std::string validate() const;
};

// Patients are sorted by end time, longest at the top (ties keep input order). Rows share
// height_px, but each is 12 to 28 px high, so the picture is shorter than height_px for few
// patients and taller for many. Classes: "swim-bar" (one rect
// per shown patient, with a <title>), "event-response" (triangle), "event-progression"
// (square), "event-death" (cross), "event-ongoing" (arrow), "note", "legend", "lane-label".
std::string swimmer_svg(const std::vector<SwimmerLane>& lanes, const SwimmerOptions& options = {});

// ---------------------------------------------------------------------------------------------
// ROC curve

// One ROC curve (one biomarker, classifier or arm). `fpr` / `tpr` are its points: false-positive
// rate (1 - specificity) and true-positive rate (sensitivity), paired by index, in any order
// along the curve; points with a NaN or infinite value are left out, the others are clamped to
// 0 .. 1. `auc` and its confidence interval go in the legend label as
// "label (AUC 0.81, 95 % CI 0.72-0.90)" (NaN = not shown; the interval only with both bounds and
// the AUC). `marked_fpr` / `marked_tpr` (NaN = none) is a chosen operating point, e.g. the Youden
// threshold, drawn as a filled circle whose <title> is `marked_label` (when empty:
// "Sensitivity 0.85, specificity 0.80").
struct RocCurvePlot {
  std::string label{};
  std::vector<double> fpr{}, tpr{};
  double auc = kNoValue, auc_lower = kNoValue, auc_upper = kNoValue;
  double marked_fpr = kNoValue, marked_tpr = kNoValue;
  std::string marked_label{};
};

struct RocOptions : PlotOptions {
  bool show_diagonal = true;  // the dashed chance line from (0, 0) to (1, 1)
  std::string validate() const;
};

// A square plot area (both axes 0 to 1, as large as width_px and height_px allow, centred), the
// legend in its lower right corner, one row per curve (labels cut at 28 characters, the AUC text
// never). Default x label "1 - specificity (false-positive rate)", y label
// "Sensitivity (true-positive rate)". Each curve is drawn through its points sorted by
// false-positive rate, then true-positive rate, from (0, 0) to (1, 1), so tied rates give the
// steps of an empirical ROC curve. Classes: "roc-curve" (one path per curve with at least one
// valid point, with a <title> naming it), "roc-diagonal", "roc-point" (one circle per finite
// operating point), "legend" (when there are several curves or any label or AUC to show).
std::string roc_svg(const std::vector<RocCurvePlot>& curves, const RocOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Pareto plot (formulation screens)

// One screened candidate on two objectives. `front` 1 is the non-dominated set; `refined` marks
// candidates of a second (refined) stage; `label` is its tooltip.
struct ParetoPoint {
  double x = 0.0, y = 0.0;
  int front = 1;
  bool refined = false;
  std::string label{};
};

struct ParetoOptions : PlotOptions {
  bool maximise_x = true;  // the direction of "better", for the front's staircase
  bool maximise_y = true;
  std::string validate() const;
};

// Every candidate as a point (x and y axes padded around the finite values): first-front points
// in colour and joined by the staircase that bounds the dominated region, the others grey;
// refined candidates as squares, first-stage ones as circles. Classes: "pareto-point" (one per
// finite point, with its label as <title>), "pareto-front" (the staircase, when the front has a
// finite point), "legend". No finite point gives the "No data" picture.
std::string pareto_svg(const std::vector<ParetoPoint>& points, const ParetoOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Synergy heatmap (drug-combination dose-response matrices, docs/synergy.md)

// Scores of one matrix: drug 1 concentrations on rows (drawn bottom to top), drug 2 on columns
// (left to right). `values` is row-major, rows x cols; NaN cells are drawn blank. The area
// (e.g. the most synergistic 3 x 3 window) is outlined when area_rows and area_cols are > 0.
struct SynergyHeatmap {
  std::vector<std::string> row_labels{}, col_labels{};
  std::vector<double> values{};
  int area_row = 0, area_col = 0, area_rows = 0, area_cols = 0;
};

struct SynergyHeatmapOptions : PlotOptions {
  double limit = 0.0;       // colour scale from -limit (green) to +limit (red); <= 0: the
                            // largest |score| rounded up to a multiple of 10 (at least 10)
  bool show_values = true;  // the score printed in each cell
  std::string validate() const;
};

// One rectangle per cell coloured green (antagonism, negative) - white (0) - red (synergy),
// as SynergyFinder draws them, with concentration labels on both axes, a colour bar and the
// outlined area. Classes: "synergy-heatmap", "heatmap-cell" (one per finite cell, with its
// score as <title>), "heatmap-value", "heatmap-area", "heatmap-colourbar". A shape that does
// not match the labels, or no finite value, gives the "No data" picture.
std::string synergy_heatmap_svg(const SynergyHeatmap& map,
                                const SynergyHeatmapOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Profile plot (time courses of a model output)

// One subject's time course of an output.
struct ProfileSeries {
  std::string label{};
  std::vector<double> time{}, value{};
};

struct ProfileOptions : PlotOptions {
  bool log_y = false;  // a log10 y axis (non-positive values are left out)
  std::string validate() const;
};

// One line per series (Okabe-Ito colours, cycled), axes padded around the finite values (or
// log10 of the positive ones), a legend of the series labels below the plot when there are 2 to
// 12 series. Classes: "profile-line" (one path per series with at least one point, its label as
// <title>), "legend". No finite point gives the "No data" picture.
std::string profile_svg(const std::vector<ProfileSeries>& series,
                        const ProfileOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Band plot (a population's time course: median and a percentile band per group)

// One group's summary over time: `middle` (e.g. the median) and the band [lower, upper] (e.g. the
// 10th and 90th percentiles) at each time; NaN leaves a gap.
struct BandSeries {
  std::string label{};
  std::vector<double> time{}, middle{}, lower{}, upper{};
};

struct BandOptions : PlotOptions {
  bool log_y = false;  // a log10 y axis (non-positive values are left out)
  std::string band_label = "10th-90th percentile";  // said in the legend
  std::string validate() const;
};

// One translucent band (class "band") and one median line (class "band-line", its label as
// <title>) per group in Okabe-Ito colours, a legend of the groups and the band's meaning below
// the plot. No finite point gives the "No data" picture.
std::string band_svg(const std::vector<BandSeries>& series, const BandOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Proportion plot (responder fractions with confidence intervals)

// One bar: a proportion in [0, 1] with its confidence interval, in a cluster (e.g. the arm) and
// coloured by its series (e.g. the subgroup; one series when empty).
struct ProportionBar {
  std::string cluster{};
  std::string series{};
  double estimate = 0.0, lower = 0.0, upper = 0.0;
  int successes = 0, total = 0;  // written above the bar as "k/n"
};

struct ProportionOptions : PlotOptions {
  std::string validate() const;
};

// Clusters left to right in order of first appearance, bars of a cluster side by side coloured
// by series (legend when there are two or more series), whiskers for the intervals (class
// "ci"), "k/n" above each bar. Bars are class "proportion-bar" with a <title>. Proportions
// outside [0, 1] or NaN are drawn as missing bars. No bar gives the "No data" picture.
std::string proportion_svg(const std::vector<ProportionBar>& bars,
                           const ProportionOptions& options = {});

}  // namespace smartnano::plot

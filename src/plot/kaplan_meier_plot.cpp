// The Kaplan-Meier plot: step curves, their confidence bands, censoring marks, legend and the
// numbers-at-risk table.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plot/plot_frame.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {

using detail::Anchor;
using detail::Frame;
using detail::LinearScale;
using detail::PathData;
using detail::Style;
using detail::SvgWriter;
using detail::TextStyle;

std::string KaplanMeierOptions::validate() const {
  std::string problems = PlotOptions::validate();
  auto add = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
  if (!std::isfinite(x_max)) add("x_max must be finite (<= 0 for automatic)");
  if (!(band_opacity >= 0.0 && band_opacity <= 1.0)) add("band_opacity must be in 0 .. 1");
  return problems;
}

namespace {

constexpr double kRowHeight = 18.0;
constexpr double kAtRiskFont = 11.0;
constexpr size_t kAtRiskLabelChars = 24;

// Times compared with a tolerance, so that a tick computed as 3 * 0.2 counts a subject at 0.6.
bool at_or_after(double time, double tick) {
  return time >= tick - 1e-9 * std::max(1.0, std::fabs(tick));
}

struct Row {
  double time, survival, lower, upper;
};

// The curve's valid rows (finite time >= 0 and survival), sorted by time.
std::vector<Row> valid_rows(const KaplanMeierCurve& curve) {
  const size_t n = std::min(curve.time.size(), curve.survival.size());
  const bool band =
      curve.lower.size() == curve.time.size() && curve.upper.size() == curve.time.size();
  std::vector<Row> rows;
  for (size_t i = 0; i < n; ++i) {
    const double t = curve.time[i], s = curve.survival[i];
    if (!std::isfinite(t) || t < 0.0 || !std::isfinite(s)) continue;
    Row row{t, std::clamp(s, 0.0, 1.0), kNoValue, kNoValue};
    if (band && std::isfinite(curve.lower[i]) && std::isfinite(curve.upper[i])) {
      row.lower = std::clamp(curve.lower[i], 0.0, 1.0);
      row.upper = std::clamp(curve.upper[i], 0.0, 1.0);
    }
    rows.push_back(row);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.time < b.time; });
  return rows;
}

// Largest finite time the curve knows of (rows, censoring, subjects); NaN when none.
double last_time(const KaplanMeierCurve& curve, const std::vector<Row>& rows) {
  double last = kNoValue;
  auto take = [&](double t) {
    if (std::isfinite(t) && t >= 0.0 && !(t <= last)) last = t;
  };
  for (const Row& r : rows) take(r.time);
  for (double t : curve.censor_times) take(t);
  for (double t : curve.subject_times) take(t);
  return last;
}

double survival_at(const std::vector<Row>& rows, double t) {
  double s = 1.0;
  for (const Row& r : rows) {
    if (r.time > t) break;
    s = r.survival;
  }
  return s;
}

bool has_at_risk_data(const KaplanMeierCurve& curve) {
  if (!curve.subject_times.empty()) return true;
  return !curve.n_risk.empty() && curve.n_risk.size() == curve.time.size();
}

}  // namespace

std::vector<int> numbers_at_risk(const KaplanMeierCurve& curve, const std::vector<double>& times) {
  std::vector<int> counts(times.size(), 0);
  const bool from_rows = curve.subject_times.empty() && !curve.n_risk.empty() &&
                         curve.n_risk.size() == curve.time.size();
  for (size_t k = 0; k < times.size(); ++k) {
    const double tick = times[k];
    if (!std::isfinite(tick)) continue;
    if (!curve.subject_times.empty()) {
      counts[k] = static_cast<int>(
          std::count_if(curve.subject_times.begin(), curve.subject_times.end(),
                        [&](double t) { return std::isfinite(t) && at_or_after(t, tick); }));
    } else if (from_rows) {
      // n_risk of the first row at or after the tick.
      double best_time = kNoValue;
      for (size_t i = 0; i < curve.time.size(); ++i) {
        const double t = curve.time[i];
        if (std::isfinite(t) && at_or_after(t, tick) && !(t >= best_time)) {
          best_time = t;
          counts[k] = std::max(0, curve.n_risk[i]);
        }
      }
    }
  }
  return counts;
}

std::string kaplan_meier_svg(const std::vector<KaplanMeierCurve>& curves,
                             const KaplanMeierOptions& options) {
  detail::check_options("kaplan_meier_svg", options.validate());

  std::vector<std::vector<Row>> rows;
  std::vector<double> ends;
  double data_end = kNoValue;
  for (const KaplanMeierCurve& curve : curves) {
    rows.push_back(valid_rows(curve));
    ends.push_back(last_time(curve, rows.back()));
    if (std::isfinite(ends.back()) && !(ends.back() <= data_end)) data_end = ends.back();
  }
  if (!std::isfinite(data_end)) return detail::no_data_svg(options, "km-plot");

  const double width = options.width_px, height = options.height_px;
  const double x_end = options.x_max > 0.0 ? options.x_max : (data_end > 0.0 ? data_end : 1.0);

  // Which curves get an at-risk row, and how wide their labels are.
  std::vector<size_t> at_risk_rows;
  double label_width = 0.0;
  if (options.show_at_risk) {
    for (size_t g = 0; g < curves.size(); ++g) {
      if (!std::isfinite(ends[g]) || !has_at_risk_data(curves[g])) continue;
      at_risk_rows.push_back(g);
      label_width =
          std::max(label_width,
                   detail::text_width(detail::truncate_label(curves[g].label, kAtRiskLabelChars),
                                      kAtRiskFont));
    }
  }
  const double table_height =
      at_risk_rows.empty() ? 0.0 : kRowHeight * static_cast<double>(at_risk_rows.size() + 1) + 12;

  std::vector<detail::LegendEntry> legend;
  for (size_t g = 0; g < curves.size(); ++g) {
    if (std::isfinite(ends[g]) && (curves.size() > 1 || !curves[g].label.empty())) {
      legend.push_back({curves[g].label, detail::group_colour(g), detail::Shape::kLine});
    }
  }

  SvgWriter svg(width, height + table_height, "km-plot");
  const double below_title = detail::draw_title(svg, options.title, width);
  Frame frame;
  // The at-risk labels (from x = 24) end left of the first count, centred on x = frame.left.
  frame.left = std::clamp(24.0 + label_width + 22.0, 64.0, width * 0.4);
  frame.right = width - 20.0;
  const double legend_top = below_title + 2.0;
  frame.top = legend_top + detail::legend_height(legend, frame.width()) + 10.0;
  frame.bottom = height - 46.0;
  if (frame.height() < 40.0) frame.top = frame.bottom - 40.0;
  detail::draw_legend(svg, legend, frame.left, legend_top, frame.width());

  const int target = std::max(2, static_cast<int>(frame.width() / 90.0));
  // The time axis ends at x_end (not at the next nice number), with the ticks up to it: the
  // table then has no column past the data.
  detail::Ticks x_ticks = detail::nice_ticks(0.0, x_end, target);
  std::erase_if(x_ticks.values, [&](double t) { return t > x_end * (1.0 + 1e-9); });
  x_ticks.hi = x_end;
  const detail::Ticks y_ticks = detail::nice_ticks(0.0, 1.0, 5);
  const LinearScale x{x_ticks.lo, x_ticks.hi, frame.left, frame.right};
  const LinearScale y{0.0, 1.0, frame.bottom, frame.top};
  detail::draw_y_axis(svg, frame, y, y_ticks,
                      options.y_label.empty() ? "Survival probability" : options.y_label, true);
  detail::draw_x_axis(
      svg, frame, x, x_ticks,
      options.x_label.empty() ? fmt::format("Time ({})", options.time_unit) : options.x_label,
      true);

  // Bands first, then curves and marks on top.
  if (options.show_band) {
    svg.begin_group("km-bands");
    for (size_t g = 0; g < curves.size(); ++g) {
      const std::vector<Row>& r = rows[g];
      PathData band;
      size_t k = 0;
      while (k < r.size() && r[k].time < x_end) {
        if (!std::isfinite(r[k].lower)) {
          ++k;
          continue;
        }
        // A run of rows with a finite band: upper edge forward, lower edge back.
        std::vector<double> a, b, lo, hi;
        for (; k < r.size() && r[k].time < x_end && std::isfinite(r[k].lower); ++k) {
          const double next = k + 1 < r.size() ? r[k + 1].time : ends[g];
          a.push_back(r[k].time);
          b.push_back(std::min(std::max(next, r[k].time), x_end));
          lo.push_back(r[k].lower);
          hi.push_back(r[k].upper);
        }
        band.move_to(x(a[0]), y(hi[0]));
        for (size_t i = 0; i < a.size(); ++i) {
          band.line_to(x(a[i]), y(hi[i])).line_to(x(b[i]), y(hi[i]));
        }
        for (size_t i = a.size(); i-- > 0;) {
          band.line_to(x(b[i]), y(lo[i])).line_to(x(a[i]), y(lo[i]));
        }
        band.close();
      }
      if (!band.empty()) {
        svg.path(band, Style{.cls = "km-band",
                             .fill = detail::group_colour(g),
                             .fill_opacity = options.band_opacity});
      }
    }
    svg.end_group();
  }

  svg.begin_group("km-curves");
  for (size_t g = 0; g < curves.size(); ++g) {
    if (!std::isfinite(ends[g])) continue;
    const std::string colour = detail::group_colour(g);
    PathData line;
    line.move_to(x(0.0), y(1.0));
    double current = 1.0;
    for (const Row& r : rows[g]) {
      if (r.time > x_end) break;
      line.line_to(x(r.time), y(current)).line_to(x(r.time), y(r.survival));
      current = r.survival;
    }
    line.line_to(x(std::min(ends[g], x_end)), y(current));
    svg.path(line, Style{.cls = "km-curve", .stroke = colour, .stroke_width = 2.0},
             curves[g].label);
    if (options.show_censor_marks) {
      for (double c : curves[g].censor_times) {
        if (!std::isfinite(c) || c < 0.0 || c > x_end) continue;
        detail::draw_marker(svg, detail::Shape::kPlus, x(c), y(survival_at(rows[g], c)), 8.0,
                            colour, "censor");
      }
    }
  }
  svg.end_group();

  if (!at_risk_rows.empty()) {
    svg.begin_group("at-risk-table");
    const double top = height + 4.0;
    svg.text(8.0, top + kRowHeight / 2.0 + 4.0, "Number at risk",
             TextStyle{.cls = "at-risk-heading", .size_px = kAtRiskFont, .bold = true});
    for (size_t row = 0; row < at_risk_rows.size(); ++row) {
      const size_t g = at_risk_rows[row];
      const double ty = top + kRowHeight * static_cast<double>(row + 1) + kRowHeight / 2.0 + 4.0;
      svg.line(8.0, ty - 4.0, 20.0, ty - 4.0,
               Style{.cls = "at-risk-key", .stroke = detail::group_colour(g), .stroke_width = 3});
      svg.text(24.0, ty, detail::truncate_label(curves[g].label, kAtRiskLabelChars),
               TextStyle{.cls = "at-risk-label", .size_px = kAtRiskFont});
      const std::vector<int> counts = numbers_at_risk(curves[g], x_ticks.values);
      for (size_t k = 0; k < counts.size(); ++k) {
        svg.text(x(x_ticks.values[k]), ty, fmt::format("{}", counts[k]),
                 TextStyle{.cls = "at-risk", .size_px = kAtRiskFont, .anchor = Anchor::kMiddle});
      }
    }
    svg.end_group();
  }
  return svg.finish();
}

}  // namespace smartnano::plot

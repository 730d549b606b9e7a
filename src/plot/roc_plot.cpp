// The ROC plot: sensitivity against 1 - specificity for one or more markers, the chance
// diagonal, chosen operating points, and the AUC with its confidence interval in the legend.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plot/plot_frame.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {

using detail::Frame;
using detail::LinearScale;
using detail::PathData;
using detail::Point;
using detail::Style;
using detail::SvgWriter;

std::string RocOptions::validate() const { return PlotOptions::validate(); }

namespace {

constexpr size_t kLabelChars = 28;  // of the curve label; the AUC text is never cut
constexpr double kMinSide = 40.0;
constexpr double kLegendFont = 11.0;
constexpr double kLegendRow = 18.0;
constexpr double kLegendSymbol = 22.0;

// The curve's valid points (both rates finite, clamped to 0 .. 1), sorted by false-positive
// rate, then true-positive rate.
std::vector<Point> valid_points(const RocCurvePlot& curve) {
  const size_t n = std::min(curve.fpr.size(), curve.tpr.size());
  std::vector<Point> points;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(curve.fpr[i]) || !std::isfinite(curve.tpr[i])) continue;
    points.push_back({std::clamp(curve.fpr[i], 0.0, 1.0), std::clamp(curve.tpr[i], 0.0, 1.0)});
  }
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  return points;
}

bool has_marked_point(const RocCurvePlot& curve) {
  return std::isfinite(curve.marked_fpr) && std::isfinite(curve.marked_tpr);
}

// "AUC 0.81, 95 % CI 0.72-0.90", "AUC 0.81" or "" (no finite AUC).
std::string auc_text(const RocCurvePlot& curve) {
  if (!std::isfinite(curve.auc)) return "";
  std::string text = "AUC " + detail::format_tick(curve.auc, 2);
  if (std::isfinite(curve.auc_lower) && std::isfinite(curve.auc_upper)) {
    text += fmt::format(", 95 % CI {}-{}", detail::format_tick(curve.auc_lower, 2),
                        detail::format_tick(curve.auc_upper, 2));
  }
  return text;
}

std::string legend_label(const RocCurvePlot& curve) {
  const std::string label = detail::truncate_label(curve.label, kLabelChars);
  const std::string auc = auc_text(curve);
  if (auc.empty()) return label;
  if (label.empty()) return auc;
  return fmt::format("{} ({})", label, auc);
}

// One row per curve in the lower right corner of the plot area, where a curve better than
// chance does not go, on a white box that keeps it readable where one does. The labels may be
// too long for detail::draw_legend, which cuts them at 40 characters.
void draw_roc_legend(SvgWriter& svg, const std::vector<detail::LegendEntry>& entries,
                     const Frame& frame, double svg_width) {
  if (entries.empty()) return;
  double text_width = 0.0;
  for (const detail::LegendEntry& e : entries) {
    text_width = std::max(text_width, detail::text_width(e.label, kLegendFont));
  }
  const double box_width = 8.0 + kLegendSymbol + 4.0 + text_width + 8.0;
  const double box_height = kLegendRow * static_cast<double>(entries.size()) + 8.0;
  // Wider than the square: it starts at the left edge and reaches into the right margin, or
  // further left when the picture is too narrow for that.
  double left = std::max(frame.left + 8.0, frame.right - 8.0 - box_width);
  if (left + box_width > svg_width - 4.0) left = std::max(4.0, svg_width - 4.0 - box_width);
  const double top = frame.bottom - 8.0 - box_height;
  svg.begin_group("legend");
  svg.rect(left, top, box_width, box_height,
           Style{.cls = "legend-box",
                 .fill = "#ffffff",
                 .stroke = "#cccccc",
                 .stroke_width = 0.8,
                 .fill_opacity = 0.85});
  double y = top + 4.0 + kLegendRow / 2.0;
  for (const detail::LegendEntry& e : entries) {
    detail::draw_marker(svg, e.shape, left + 8.0 + kLegendSymbol / 2.0, y,
                        kLegendSymbol / 2.0 - 2.0, e.colour, "legend-key");
    svg.text(left + 8.0 + kLegendSymbol + 4.0, y + 4.0, e.label,
             detail::TextStyle{.cls = "legend-label", .size_px = kLegendFont});
    y += kLegendRow;
  }
  svg.end_group();
}

}  // namespace

std::string roc_svg(const std::vector<RocCurvePlot>& curves, const RocOptions& options) {
  detail::check_options("roc_svg", options.validate());

  std::vector<std::vector<Point>> points;
  std::vector<bool> drawn;
  bool anything = false;
  for (const RocCurvePlot& curve : curves) {
    points.push_back(valid_points(curve));
    drawn.push_back(!points.back().empty() || has_marked_point(curve));
    anything = anything || drawn.back();
  }
  if (!anything) return detail::no_data_svg(options, "roc-plot");

  std::vector<detail::LegendEntry> legend;
  for (size_t g = 0; g < curves.size(); ++g) {
    if (!drawn[g]) continue;
    std::string label = legend_label(curves[g]);
    if (label.empty() && curves.size() == 1) continue;
    legend.push_back({std::move(label), detail::group_colour(g), detail::Shape::kLine});
  }

  const double width = options.width_px, height = options.height_px;
  SvgWriter svg(width, height, "roc-plot");
  const double below_title = detail::draw_title(svg, options.title, width);

  // The square: as large as the picture allows with room for the y axis on the left (70 px) and
  // the x axis below (46 px), centred across the picture.
  Frame frame;
  frame.bottom = height - 46.0;
  const double side =
      std::max(kMinSide, std::min(width - 70.0 - 20.0, frame.bottom - below_title - 10.0));
  frame.left = std::max(70.0, (width - side) / 2.0);
  frame.right = frame.left + side;
  frame.top = frame.bottom - side;

  const detail::Ticks ticks = detail::nice_ticks(0.0, 1.0, 5);
  const LinearScale x{0.0, 1.0, frame.left, frame.right};
  const LinearScale y{0.0, 1.0, frame.bottom, frame.top};
  detail::draw_y_axis(
      svg, frame, y, ticks,
      options.y_label.empty() ? "Sensitivity (true-positive rate)" : options.y_label, true);
  detail::draw_x_axis(
      svg, frame, x, ticks,
      options.x_label.empty() ? "1 - specificity (false-positive rate)" : options.x_label, true);

  if (options.show_diagonal) {
    svg.line(x(0.0), y(0.0), x(1.0), y(1.0),
             Style{.cls = "roc-diagonal", .stroke = "#777777", .dash = "6 4"});
  }

  svg.begin_group("roc-curves");
  for (size_t g = 0; g < curves.size(); ++g) {
    if (points[g].empty()) continue;
    PathData line;
    line.move_to(x(0.0), y(0.0));
    Point last{0.0, 0.0};
    for (const Point& p : points[g]) {
      if (p.x == last.x && p.y == last.y) continue;
      line.line_to(x(p.x), y(p.y));
      last = p;
    }
    if (last.x != 1.0 || last.y != 1.0) line.line_to(x(1.0), y(1.0));
    svg.path(line,
             Style{.cls = "roc-curve", .stroke = detail::group_colour(g), .stroke_width = 2.0},
             curves[g].label);
  }
  svg.end_group();

  // Operating points on top of every curve.
  svg.begin_group("roc-points");
  for (size_t g = 0; g < curves.size(); ++g) {
    const RocCurvePlot& curve = curves[g];
    if (!has_marked_point(curve)) continue;
    const double fpr = std::clamp(curve.marked_fpr, 0.0, 1.0);
    const double tpr = std::clamp(curve.marked_tpr, 0.0, 1.0);
    const std::string tooltip =
        curve.marked_label.empty()
            ? fmt::format("Sensitivity {}, specificity {}", detail::format_tick(tpr, 2),
                          detail::format_tick(1.0 - fpr, 2))
            : curve.marked_label;
    svg.circle(x(fpr), y(tpr), 4.5,
               Style{.cls = "roc-point",
                     .fill = detail::group_colour(g),
                     .stroke = "#ffffff",
                     .stroke_width = 1.2},
               tooltip);
  }
  svg.end_group();

  draw_roc_legend(svg, legend, frame, width);
  return svg.finish();
}

}  // namespace smartnano::plot

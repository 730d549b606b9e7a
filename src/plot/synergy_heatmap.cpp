// The synergy heatmap: one coloured cell per (drug 1, drug 2) concentration pair, a diverging
// green-white-red scale centred on 0, and the most synergistic area outlined.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plot/plot_frame.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {

using detail::Style;
using detail::SvgWriter;
using detail::TextStyle;

namespace {

// Green (antagonism) - white - red (synergy) at t in [-1, 1].
std::string diverging(double t) {
  t = std::clamp(t, -1.0, 1.0);
  auto mix = [](int from, int to, double f) { return static_cast<int>(from + (to - from) * f); };
  int r, g, b;
  if (t < 0) {  // white -> green (0, 158, 115: Okabe-Ito bluish green)
    r = mix(255, 0, -t);
    g = mix(255, 158, -t);
    b = mix(255, 115, -t);
  } else {  // white -> vermillion (213, 94, 0)
    r = mix(255, 213, t);
    g = mix(255, 94, t);
    b = mix(255, 0, t);
  }
  return fmt::format("#{:02x}{:02x}{:02x}", r, g, b);
}

}  // namespace

std::string SynergyHeatmapOptions::validate() const {
  std::string problems = PlotOptions::validate();
  if (!std::isfinite(limit)) problems += "limit is not finite; ";
  return problems;
}

std::string synergy_heatmap_svg(const SynergyHeatmap& map, const SynergyHeatmapOptions& options) {
  detail::check_options("synergy_heatmap_svg", options.validate());
  const int rows = static_cast<int>(map.row_labels.size());
  const int cols = static_cast<int>(map.col_labels.size());
  double largest = 0.0;
  bool any = false;
  if (rows > 0 && cols > 0 && map.values.size() == static_cast<size_t>(rows) * cols) {
    for (double v : map.values) {
      if (!std::isfinite(v)) continue;
      any = true;
      largest = std::max(largest, std::abs(v));
    }
  }
  if (!any) return detail::no_data_svg(options, "synergy-heatmap");
  const double limit =
      options.limit > 0.0 ? options.limit : std::max(10.0, std::ceil(largest / 10.0) * 10.0);

  const double width = options.width_px, height = options.height_px;
  SvgWriter svg(width, height, "synergy-heatmap");
  const double below_title = detail::draw_title(svg, options.title, width);
  detail::Frame frame;
  frame.left = 90.0;
  frame.right = width - 110.0;
  frame.top = below_title + 10.0;
  frame.bottom = height - 60.0;
  if (frame.right - frame.left < 40.0) frame.right = frame.left + 40.0;
  if (frame.bottom - frame.top < 40.0) frame.bottom = frame.top + 40.0;
  const double cw = frame.width() / cols, ch = frame.height() / rows;
  // Row 0 (concentration 0) at the bottom, as SynergyFinder draws it.
  auto cell_x = [&](int j) { return frame.left + j * cw; };
  auto cell_y = [&](int i) { return frame.bottom - (i + 1) * ch; };

  svg.begin_group("heatmap-cells");
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      const double v = map.values[size_t(i) * cols + j];
      if (!std::isfinite(v)) continue;
      const std::string tip =
          fmt::format("{} / {}: {:.2f}", map.row_labels[size_t(i)], map.col_labels[size_t(j)], v);
      svg.rect(cell_x(j), cell_y(i), cw, ch,
               Style{.cls = "heatmap-cell", .fill = diverging(v / limit), .stroke = "#ffffff"},
               tip);
      if (options.show_values && cw >= 28.0 && ch >= 14.0) {
        svg.text(cell_x(j) + cw / 2, cell_y(i) + ch / 2 + 4.0, fmt::format("{:.1f}", v),
                 TextStyle{.cls = "heatmap-value",
                           .size_px = std::min(11.0, ch * 0.45),
                           .anchor = detail::Anchor::kMiddle});
      }
    }
  }
  svg.end_group();
  if (map.area_rows > 0 && map.area_cols > 0 && map.area_row >= 0 && map.area_col >= 0 &&
      map.area_row + map.area_rows <= rows && map.area_col + map.area_cols <= cols) {
    svg.rect(cell_x(map.area_col), cell_y(map.area_row + map.area_rows - 1), cw * map.area_cols,
             ch * map.area_rows,
             Style{.cls = "heatmap-area", .stroke = "#333333", .stroke_width = 2.0, .dash = "6 3"},
             "most synergistic area");
  }
  // Axis labels: concentrations under the columns and left of the rows.
  for (int j = 0; j < cols; ++j) {
    svg.text(cell_x(j) + cw / 2, frame.bottom + 16.0,
             detail::truncate_label(map.col_labels[size_t(j)], 10),
             TextStyle{.cls = "tick-label", .size_px = 11.0, .anchor = detail::Anchor::kMiddle});
  }
  for (int i = 0; i < rows; ++i) {
    svg.text(frame.left - 6.0, cell_y(i) + ch / 2 + 4.0,
             detail::truncate_label(map.row_labels[size_t(i)], 10),
             TextStyle{.cls = "tick-label", .size_px = 11.0, .anchor = detail::Anchor::kEnd});
  }
  svg.text((frame.left + frame.right) / 2, frame.bottom + 40.0,
           options.x_label.empty() ? "Drug 2 concentration" : options.x_label,
           TextStyle{.cls = "axis-label", .size_px = 13.0, .anchor = detail::Anchor::kMiddle});
  svg.text(22.0, (frame.top + frame.bottom) / 2,
           options.y_label.empty() ? "Drug 1 concentration" : options.y_label,
           TextStyle{.cls = "axis-label",
                     .size_px = 13.0,
                     .anchor = detail::Anchor::kMiddle,
                     .rotate_deg = -90.0});
  // Colour bar: 20 steps from -limit (bottom) to +limit (top).
  svg.begin_group("heatmap-colourbar");
  const double bx = frame.right + 30.0, bw = 16.0, bh = frame.height();
  constexpr int kSteps = 20;
  for (int k = 0; k < kSteps; ++k) {
    const double t = -1.0 + (2.0 * k + 1.0) / kSteps;
    svg.rect(bx, frame.bottom - (k + 1) * bh / kSteps, bw, bh / kSteps + 0.5,
             Style{.fill = diverging(t)});
  }
  svg.rect(bx, frame.top, bw, bh, Style{.stroke = "#666666"});
  for (double v : {-limit, 0.0, limit}) {
    const double yy = frame.bottom - (v + limit) / (2.0 * limit) * bh;
    svg.text(bx + bw + 4.0, yy + 4.0, detail::format_tick(v, 0),
             TextStyle{.cls = "tick-label", .size_px = 11.0});
  }
  svg.end_group();
  return svg.finish();
}

}  // namespace smartnano::plot

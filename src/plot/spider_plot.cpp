// The spider plot: each patient's change in tumour size over time, one line per patient.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plot/plot_frame.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {

using detail::Frame;
using detail::LinearScale;
using detail::Point;
using detail::Style;
using detail::SvgWriter;
using detail::TextStyle;

std::string SpiderOptions::validate() const {
  return detail::clipped_plot_problems(*this, clip_above_pct);
}

namespace {

struct Line {
  const SpiderSeries* series;
  std::vector<Point> points;  // (time, change) in data units, sorted by time
  std::string key;            // arm or response category
};

}  // namespace

std::string spider_svg(const std::vector<SpiderSeries>& series, const SpiderOptions& options) {
  detail::check_options("spider_svg", options.validate());

  std::vector<Line> lines;
  double t_max = 0.0, lowest = -30.0, highest = 20.0;
  int clipped = 0;
  const bool by_response = options.colour_by == SpiderColour::kResponse;
  detail::ColourMap colours(by_response);
  for (const SpiderSeries& s : series) {
    Line line{&s, {}, by_response ? detail::canonical_response(s.response) : s.arm};
    const size_t n = std::min(s.time.size(), s.change_pct.size());
    for (size_t i = 0; i < n; ++i) {
      if (std::isfinite(s.time[i]) && std::isfinite(s.change_pct[i])) {
        line.points.push_back({s.time[i], s.change_pct[i]});
      }
    }
    if (line.points.empty()) continue;
    std::stable_sort(line.points.begin(), line.points.end(),
                     [](const Point& a, const Point& b) { return a.x < b.x; });
    if (options.start_at_baseline && line.points.front().x > 0.0) {
      line.points.insert(line.points.begin(), Point{0.0, 0.0});
    }
    for (const Point& p : line.points) {
      t_max = std::max(t_max, p.x);
      lowest = std::min(lowest, p.y);
      highest = std::max(highest, std::min(p.y, options.clip_above_pct));
      if (p.y > options.clip_above_pct) ++clipped;
    }
    colours.colour(line.key);
    lines.push_back(std::move(line));
  }
  if (lines.empty()) return detail::no_data_svg(options, "spider-plot");

  double t_min = 0.0;
  for (const Line& line : lines) t_min = std::min(t_min, line.points.front().x);

  std::vector<detail::LegendEntry> legend;
  for (const auto& [label, colour] : colours.entries()) {
    legend.push_back({label.empty() ? "(none)" : label, colour, detail::Shape::kLine});
  }

  const double width = options.width_px, height = options.height_px;
  Frame frame;
  frame.left = 70.0;
  frame.right = width - 44.0;  // reference line labels
  SvgWriter svg(width, height, "spider-plot");
  const double legend_top = detail::draw_title(svg, options.title, width) + 2.0;
  frame.top =
      legend_top + detail::legend_height(legend, frame.width()) + (clipped > 0 ? 16.0 : 10.0);
  frame.bottom = height - 46.0 - (clipped > 0 ? 16.0 : 0.0);
  if (frame.height() < 60.0) frame.bottom = frame.top + 60.0;
  detail::draw_legend(svg, legend, frame.left, legend_top, frame.width());

  const detail::Ticks x_ticks =
      detail::nice_ticks(t_min, t_max, std::max(2, static_cast<int>(frame.width() / 80.0)));
  const detail::Ticks y_ticks =
      detail::nice_ticks(lowest, highest, std::max(3, static_cast<int>(frame.height() / 50.0)));
  const LinearScale x{x_ticks.lo, x_ticks.hi, frame.left, frame.right};
  const LinearScale y{y_ticks.lo, y_ticks.hi, frame.bottom, frame.top};
  detail::draw_y_axis(svg, frame, y, y_ticks,
                      options.y_label.empty() ? "Change from baseline in SLD (%)" : options.y_label,
                      true);
  detail::draw_x_axis(
      svg, frame, x, x_ticks,
      options.x_label.empty() ? fmt::format("Time ({})", options.time_unit) : options.x_label,
      false);
  detail::draw_reference_line(svg, frame, y, 0.0, "zero-line", "");
  detail::draw_reference_line(svg, frame, y, 20.0, "ref-line", "+20 %");
  detail::draw_reference_line(svg, frame, y, -30.0, "ref-line", "-30 %");

  svg.begin_group("spider-lines");
  for (const Line& line : lines) {
    const std::string colour = colours.colour(line.key);
    std::vector<Point> pixels;
    for (const Point& p : line.points) {
      pixels.push_back({x(p.x), y(std::min(p.y, options.clip_above_pct))});
    }
    const std::string name =
        line.key.empty() ? line.series->id : fmt::format("{} ({})", line.series->id, line.key);
    svg.polyline(pixels, Style{.cls = "spider-line", .stroke = colour, .stroke_width = 1.5}, name);
    for (size_t i = 0; i < line.points.size(); ++i) {
      if (line.points[i].y > options.clip_above_pct) {
        detail::draw_marker(svg, detail::Shape::kTriangle, pixels[i].x, pixels[i].y - 5.0, 8.0,
                            colour, "clip-marker");
      }
    }
    svg.circle(pixels.back().x, pixels.back().y, 3.0, Style{.cls = "spider-end", .fill = colour});
  }
  svg.end_group();

  if (clipped > 0) {
    const double note_y = height - 8.0;
    detail::draw_marker(svg, detail::Shape::kTriangle, 12.0, note_y - 4.0, 8.0, "#000000",
                        "note-key");
    svg.text(20.0, note_y,
             fmt::format("{} value{} above +{:.0f} % drawn at +{:.0f} %", clipped,
                         clipped == 1 ? "" : "s", options.clip_above_pct, options.clip_above_pct),
             TextStyle{.cls = "note", .size_px = 10.0, .fill = "#333333"});
  }
  return svg.finish();
}

}  // namespace smartnano::plot

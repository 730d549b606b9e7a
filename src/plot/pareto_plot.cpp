// The Pareto plot of a formulation screen: candidates on two objectives, the first front in
// colour with the staircase that bounds what it dominates.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "plot/plot_frame.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {

using detail::Frame;
using detail::LinearScale;
using detail::PathData;
using detail::Style;
using detail::SvgWriter;

std::string ParetoOptions::validate() const { return PlotOptions::validate(); }

std::string pareto_svg(const std::vector<ParetoPoint>& points, const ParetoOptions& options) {
  detail::check_options("pareto_svg", options.validate());
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  bool any_refined = false;
  for (const ParetoPoint& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
    any_refined = any_refined || p.refined;
  }
  if (!(x0 <= x1)) return detail::no_data_svg(options, "pareto-plot");

  const std::string front_colour = detail::group_colour(0), other_colour = "#9a9a9a";
  std::vector<detail::LegendEntry> legend{{"First Pareto front", front_colour},
                                          {"Dominated", other_colour}};
  if (any_refined) legend.push_back({"Refined (stage 2)", "#333333", detail::Shape::kSquare});

  const double width = options.width_px, height = options.height_px;
  SvgWriter svg(width, height, "pareto-plot");
  const double below_title = detail::draw_title(svg, options.title, width);
  const double legend_h = detail::legend_height(legend, width - 90.0);
  Frame frame;
  frame.left = 80.0;
  frame.right = width - 20.0;
  frame.top = below_title + 10.0;
  frame.bottom = height - 50.0 - legend_h;
  if (frame.bottom - frame.top < 40.0) frame.bottom = frame.top + 40.0;

  const double px = (x1 - x0) * 0.05, py = (y1 - y0) * 0.05;
  const detail::Ticks xt = detail::nice_ticks(x0 - px, x1 + px, 6);
  const detail::Ticks yt = detail::nice_ticks(y0 - py, y1 + py, 6);
  const LinearScale x{xt.lo, xt.hi, frame.left, frame.right};
  const LinearScale y{yt.lo, yt.hi, frame.bottom, frame.top};
  detail::draw_y_axis(svg, frame, y, yt, options.y_label, true);
  detail::draw_x_axis(svg, frame, x, xt, options.x_label, true);

  // The staircase through the front, sorted from best x to worst x: between two front points
  // it runs first along y (keeping the better x), so everything below/behind it is dominated.
  std::vector<const ParetoPoint*> front;
  for (const ParetoPoint& p : points) {
    if (p.front == 1 && std::isfinite(p.x) && std::isfinite(p.y)) front.push_back(&p);
  }
  std::sort(front.begin(), front.end(), [&](const ParetoPoint* a, const ParetoPoint* b) {
    return options.maximise_x ? a->x > b->x : a->x < b->x;
  });
  if (!front.empty()) {
    PathData line;
    line.move_to(x(front[0]->x), y(front[0]->y));
    for (std::size_t i = 1; i < front.size(); ++i) {
      line.line_to(x(front[i - 1]->x), y(front[i]->y));
      line.line_to(x(front[i]->x), y(front[i]->y));
    }
    svg.path(
        line,
        Style{.cls = "pareto-front", .stroke = front_colour, .stroke_width = 1.5, .dash = "5 3"});
  }
  svg.begin_group("pareto-points");
  // Dominated points first, so the front is drawn on top.
  for (int pass = 0; pass < 2; ++pass) {
    for (const ParetoPoint& p : points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y) || (p.front == 1) != (pass == 1)) continue;
      const std::string& colour = p.front == 1 ? front_colour : other_colour;
      if (p.refined) {
        svg.rect(
            x(p.x) - 3.5, y(p.y) - 3.5, 7.0, 7.0,
            Style{.cls = "pareto-point", .fill = colour, .stroke = "#333333", .stroke_width = 0.8},
            p.label);
      } else {
        svg.circle(
            x(p.x), y(p.y), 4.0,
            Style{.cls = "pareto-point", .fill = colour, .stroke = "#ffffff", .stroke_width = 0.8},
            p.label);
      }
    }
  }
  svg.end_group();
  detail::draw_legend(svg, legend, frame.left, frame.bottom + 40.0, width - 90.0);
  return svg.finish();
}

}  // namespace smartnano::plot

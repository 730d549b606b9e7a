// The profile plot: time courses of one model output, one line per subject.
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

std::string ProfileOptions::validate() const { return PlotOptions::validate(); }

std::string profile_svg(const std::vector<ProfileSeries>& series, const ProfileOptions& options) {
  detail::check_options("profile_svg", options.validate());
  auto y_of = [&](double v) {
    if (!std::isfinite(v)) return std::numeric_limits<double>::quiet_NaN();
    if (options.log_y) return v > 0 ? std::log10(v) : std::numeric_limits<double>::quiet_NaN();
    return v;
  };
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const ProfileSeries& s : series) {
    const std::size_t n = std::min(s.time.size(), s.value.size());
    for (std::size_t k = 0; k < n; ++k) {
      const double y = y_of(s.value[k]);
      if (!std::isfinite(s.time[k]) || !std::isfinite(y)) continue;
      x0 = std::min(x0, s.time[k]);
      x1 = std::max(x1, s.time[k]);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  }
  if (!(x0 <= x1)) return detail::no_data_svg(options, "profile-plot");

  std::vector<detail::LegendEntry> legend;
  if (series.size() >= 2 && series.size() <= 12) {
    for (std::size_t g = 0; g < series.size(); ++g) {
      legend.push_back({series[g].label, detail::group_colour(g), detail::Shape::kLine});
    }
  }
  const double width = options.width_px, height = options.height_px;
  SvgWriter svg(width, height, "profile-plot");
  const double below_title = detail::draw_title(svg, options.title, width);
  const double legend_h = detail::legend_height(legend, width - 90.0);
  Frame frame;
  frame.left = 80.0;
  frame.right = width - 20.0;
  frame.top = below_title + 10.0;
  frame.bottom = height - 50.0 - legend_h;
  if (frame.bottom - frame.top < 40.0) frame.bottom = frame.top + 40.0;
  const double py = (y1 - y0) * 0.05;
  const detail::Ticks xt = detail::nice_ticks(x0, x1, 6);
  const detail::Ticks yt = detail::nice_ticks(y0 - py, y1 + py, 6);
  const LinearScale x{xt.lo, xt.hi, frame.left, frame.right};
  const LinearScale y{yt.lo, yt.hi, frame.bottom, frame.top};
  const std::string y_label =
      options.log_y ? fmt::format("log10 {}", options.y_label) : options.y_label;
  detail::draw_y_axis(svg, frame, y, yt, y_label, true);
  detail::draw_x_axis(svg, frame, x, xt, options.x_label, true);

  svg.begin_group("profile-lines");
  for (std::size_t g = 0; g < series.size(); ++g) {
    const ProfileSeries& s = series[g];
    std::vector<double> v(s.value.size());
    std::transform(s.value.begin(), s.value.end(), v.begin(), y_of);
    const PathData line = detail::line_with_gaps(s.time, v, x, y);
    if (line.empty()) continue;
    svg.path(line,
             Style{.cls = "profile-line", .stroke = detail::group_colour(g), .stroke_width = 1.6},
             s.label);
  }
  svg.end_group();
  if (!legend.empty()) {
    detail::draw_legend(svg, legend, frame.left, frame.bottom + 40.0, width - 90.0);
  }
  return svg.finish();
}

}  // namespace smartnano::plot

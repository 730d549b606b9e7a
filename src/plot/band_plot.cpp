// The band plot (a population's time course per group: median line and percentile band) and the
// proportion plot (responder fractions with confidence intervals, clustered bars).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "plot/plot_frame.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {

using detail::Frame;
using detail::LinearScale;
using detail::PathData;
using detail::Style;
using detail::SvgWriter;
using detail::TextStyle;

std::string BandOptions::validate() const { return PlotOptions::validate(); }
std::string ProportionOptions::validate() const { return PlotOptions::validate(); }

std::string band_svg(const std::vector<BandSeries>& series, const BandOptions& options) {
  detail::check_options("band_svg", options.validate());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto y_of = [&](double v) {
    if (!std::isfinite(v)) return nan;
    if (options.log_y) return v > 0 ? std::log10(v) : nan;
    return v;
  };
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const BandSeries& s : series) {
    for (std::size_t k = 0; k < s.time.size(); ++k) {
      if (!std::isfinite(s.time[k])) continue;
      for (const auto* v : {&s.middle, &s.lower, &s.upper}) {
        if (k >= v->size()) continue;
        const double y = y_of((*v)[k]);
        if (!std::isfinite(y)) continue;
        x0 = std::min(x0, s.time[k]);
        x1 = std::max(x1, s.time[k]);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
      }
    }
  }
  if (!(x0 <= x1)) return detail::no_data_svg(options, "band-plot");

  std::vector<detail::LegendEntry> legend;
  for (std::size_t g = 0; g < series.size(); ++g) {
    legend.push_back({series[g].label, detail::group_colour(g), detail::Shape::kLine});
  }
  legend.push_back({options.band_label, "#999999", detail::Shape::kSwatch});
  const double width = options.width_px, height = options.height_px;
  SvgWriter svg(width, height, "band-plot");
  const double below_title = detail::draw_title(svg, options.title, width);
  const double legend_h = detail::legend_height(legend, width - 90.0);
  Frame frame;
  frame.left = 80.0;
  frame.right = width - 20.0;
  frame.top = below_title + 10.0;
  frame.bottom = height - 50.0 - legend_h;
  if (frame.bottom - frame.top < 40.0) frame.bottom = frame.top + 40.0;
  const double py = (y1 - y0) * 0.05;
  // Counts and fractions never get a negative axis from the padding alone.
  const double y_lo = !options.log_y && y0 >= 0.0 ? std::max(0.0, y0 - py) : y0 - py;
  const detail::Ticks xt = detail::nice_ticks(x0, x1, 6);
  const detail::Ticks yt = detail::nice_ticks(y_lo, y1 + py, 6);
  const LinearScale x{xt.lo, xt.hi, frame.left, frame.right};
  const LinearScale y{yt.lo, yt.hi, frame.bottom, frame.top};
  const std::string y_label =
      options.log_y ? fmt::format("log10 {}", options.y_label) : options.y_label;
  detail::draw_y_axis(svg, frame, y, yt, y_label, true);
  detail::draw_x_axis(svg, frame, x, xt, options.x_label, true);

  svg.begin_group("bands");
  for (std::size_t g = 0; g < series.size(); ++g) {
    const BandSeries& s = series[g];
    // One closed polygon per run of times where both band edges are finite.
    std::size_t k = 0;
    const std::size_t n = std::min({s.time.size(), s.lower.size(), s.upper.size()});
    while (k < n) {
      auto ok = [&](std::size_t i) {
        return std::isfinite(s.time[i]) && std::isfinite(y_of(s.lower[i])) &&
               std::isfinite(y_of(s.upper[i]));
      };
      if (!ok(k)) {
        ++k;
        continue;
      }
      std::size_t end = k;
      while (end < n && ok(end)) ++end;
      PathData area;
      for (std::size_t i = k; i < end; ++i) {
        if (i == k) {
          area.move_to(x(s.time[i]), y(y_of(s.upper[i])));
        } else {
          area.line_to(x(s.time[i]), y(y_of(s.upper[i])));
        }
      }
      for (std::size_t i = end; i-- > k;) area.line_to(x(s.time[i]), y(y_of(s.lower[i])));
      area.close();
      svg.path(area, Style{.cls = "band",
                           .fill = detail::group_colour(g),
                           .stroke = "none",
                           .fill_opacity = 0.18});
      k = end;
    }
  }
  svg.end_group();
  svg.begin_group("band-lines");
  for (std::size_t g = 0; g < series.size(); ++g) {
    const BandSeries& s = series[g];
    std::vector<double> v(s.middle.size());
    std::transform(s.middle.begin(), s.middle.end(), v.begin(), y_of);
    const PathData line = detail::line_with_gaps(s.time, v, x, y);
    if (line.empty()) continue;
    svg.path(line,
             Style{.cls = "band-line", .stroke = detail::group_colour(g), .stroke_width = 2.0},
             s.label);
  }
  svg.end_group();
  detail::draw_legend(svg, legend, frame.left, frame.bottom + 40.0, width - 90.0);
  return svg.finish();
}

std::string proportion_svg(const std::vector<ProportionBar>& bars,
                           const ProportionOptions& options) {
  detail::check_options("proportion_svg", options.validate());
  std::vector<std::string> clusters, series;
  for (const ProportionBar& b : bars) {
    if (std::find(clusters.begin(), clusters.end(), b.cluster) == clusters.end()) {
      clusters.push_back(b.cluster);
    }
    if (std::find(series.begin(), series.end(), b.series) == series.end()) {
      series.push_back(b.series);
    }
  }
  if (bars.empty()) return detail::no_data_svg(options, "proportion-plot");
  std::vector<detail::LegendEntry> legend;
  if (series.size() >= 2) {
    for (std::size_t g = 0; g < series.size(); ++g) {
      legend.push_back({series[g], detail::group_colour(g), detail::Shape::kSwatch});
    }
  }
  const double width = options.width_px, height = options.height_px;
  SvgWriter svg(width, height, "proportion-plot");
  const double below_title = detail::draw_title(svg, options.title, width);
  const double legend_h = detail::legend_height(legend, width - 90.0);
  Frame frame;
  frame.left = 80.0;
  frame.right = width - 20.0;
  frame.top = below_title + 24.0;
  frame.bottom = height - 50.0 - legend_h;
  if (frame.bottom - frame.top < 40.0) frame.bottom = frame.top + 40.0;
  const detail::Ticks yt = detail::nice_ticks(0.0, 100.0, 5);
  const LinearScale y{yt.lo, yt.hi, frame.bottom, frame.top};
  detail::draw_y_axis(svg, frame, y, yt, options.y_label, true);
  // The x axis: cluster names under their bars.
  svg.line(frame.left, frame.bottom, frame.right, frame.bottom,
           Style{.cls = "axis", .stroke = "#000000"});
  const double slot = frame.width() / static_cast<double>(clusters.size());
  const double bar_w = std::min(60.0, 0.8 * slot / static_cast<double>(series.size()));
  svg.begin_group("proportions");
  for (const ProportionBar& b : bars) {
    const auto c = static_cast<std::size_t>(std::find(clusters.begin(), clusters.end(), b.cluster) -
                                            clusters.begin());
    const auto g = static_cast<std::size_t>(std::find(series.begin(), series.end(), b.series) -
                                            series.begin());
    const double centre = frame.left + slot * (static_cast<double>(c) + 0.5);
    const double left =
        centre - bar_w * static_cast<double>(series.size()) / 2.0 + bar_w * static_cast<double>(g);
    const std::string label =
        b.series.empty() ? b.cluster : fmt::format("{}, {}", b.cluster, b.series);
    if (!(b.estimate >= 0.0 && b.estimate <= 1.0)) continue;
    const double top = y(100.0 * b.estimate);
    svg.rect(left + 2.0, top, bar_w - 4.0, frame.bottom - top,
             Style{.cls = "proportion-bar", .fill = detail::group_colour(g)},
             fmt::format("{}: {:.1f} % ({}/{}), 95 % CI {:.1f}-{:.1f} %", label, 100.0 * b.estimate,
                         b.successes, b.total, 100.0 * b.lower, 100.0 * b.upper));
    const double mid = left + bar_w / 2.0;
    if (std::isfinite(b.lower) && std::isfinite(b.upper)) {
      const double lo = y(100.0 * std::clamp(b.lower, 0.0, 1.0));
      const double hi = y(100.0 * std::clamp(b.upper, 0.0, 1.0));
      const Style ci{.cls = "ci", .stroke = "#000000", .stroke_width = 1.2};
      svg.line(mid, lo, mid, hi, ci);
      svg.line(mid - 5.0, lo, mid + 5.0, lo, ci);
      svg.line(mid - 5.0, hi, mid + 5.0, hi, ci);
    }
    const double text_y =
        std::min(top, std::isfinite(b.upper) ? y(100.0 * std::clamp(b.upper, 0.0, 1.0)) : top);
    svg.text(mid, text_y - 5.0, fmt::format("{}/{}", b.successes, b.total),
             TextStyle{.cls = "count", .size_px = 10.0, .anchor = detail::Anchor::kMiddle});
  }
  svg.end_group();
  for (std::size_t c = 0; c < clusters.size(); ++c) {
    svg.text(frame.left + slot * (static_cast<double>(c) + 0.5), frame.bottom + 18.0,
             detail::truncate_label(clusters[c], 28),
             TextStyle{.cls = "cluster-label", .anchor = detail::Anchor::kMiddle});
  }
  if (!options.x_label.empty()) {
    svg.text((frame.left + frame.right) / 2.0, frame.bottom + 38.0, options.x_label,
             TextStyle{.cls = "axis-label", .anchor = detail::Anchor::kMiddle});
  }
  if (!legend.empty()) {
    detail::draw_legend(svg, legend, frame.left, frame.bottom + 46.0, width - 90.0);
  }
  return svg.finish();
}

}  // namespace smartnano::plot

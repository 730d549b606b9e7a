// The swimmer plot: time on study per patient with response, progression and death markers.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plot/plot_frame.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {

using detail::Anchor;
using detail::Frame;
using detail::LinearScale;
using detail::Shape;
using detail::Style;
using detail::SvgWriter;
using detail::TextStyle;

std::string SwimmerOptions::validate() const {
  std::string problems = PlotOptions::validate();
  if (max_patients < 1) {
    problems +=
        fmt::format("{}max_patients = {} must be >= 1", problems.empty() ? "" : "; ", max_patients);
  }
  return problems;
}

namespace {

constexpr double kLabelFont = 10.0;
constexpr size_t kLabelChars = 14;
constexpr const char* kMarkerColour = "#222222";

}  // namespace

std::string swimmer_svg(const std::vector<SwimmerLane>& lanes, const SwimmerOptions& options) {
  detail::check_options("swimmer_svg", options.validate());

  std::vector<const SwimmerLane*> valid;
  for (const SwimmerLane& lane : lanes) {
    if (std::isfinite(lane.end_time) && lane.end_time >= 0.0) valid.push_back(&lane);
  }
  const int left_out = static_cast<int>(lanes.size() - valid.size());
  if (valid.empty()) return detail::no_data_svg(options, "swimmer-plot");
  std::stable_sort(valid.begin(), valid.end(), [](const SwimmerLane* a, const SwimmerLane* b) {
    return a->end_time > b->end_time;
  });
  const size_t total = valid.size();
  const size_t shown = std::min(total, static_cast<size_t>(options.max_patients));
  valid.resize(shown);

  detail::ColourMap colours(false);
  double t_max = 0.0, label_width = 0.0;
  bool any_response = false, any_progression = false, any_death = false, any_ongoing = false;
  auto finite_time = [](double t) { return std::isfinite(t) && t >= 0.0; };
  for (const SwimmerLane* lane : valid) {
    colours.colour(lane->arm);
    t_max = std::max(t_max, lane->end_time);
    for (double t : lane->response_times) {
      if (finite_time(t)) any_response = true, t_max = std::max(t_max, t);
    }
    for (double t : lane->progression_times) {
      if (finite_time(t)) any_progression = true, t_max = std::max(t_max, t);
    }
    if (finite_time(lane->death_time)) any_death = true, t_max = std::max(t_max, lane->death_time);
    any_ongoing = any_ongoing || lane->ongoing;
    label_width = std::max(
        label_width, detail::text_width(detail::truncate_label(lane->id, kLabelChars), kLabelFont));
  }

  std::vector<detail::LegendEntry> legend;
  for (const auto& [label, colour] : colours.entries()) {
    legend.push_back({label.empty() ? "(no arm)" : label, colour, Shape::kSwatch});
  }
  if (any_response) legend.push_back({"Response start", kMarkerColour, Shape::kTriangle});
  if (any_progression) legend.push_back({"Progression", kMarkerColour, Shape::kSquare});
  if (any_death) legend.push_back({"Death", kMarkerColour, Shape::kCross});
  if (any_ongoing) legend.push_back({"Ongoing", kMarkerColour, Shape::kArrow});

  const int notes = (shown < total ? 1 : 0) + (left_out > 0 ? 1 : 0);
  const double width = options.width_px;
  Frame frame;
  frame.left = std::clamp(label_width + 14.0, 50.0, width * 0.3);
  frame.right = width - 24.0;  // room for an arrow past the longest bar
  const double title_bottom = 36.0;
  const double top = (options.title.empty() ? 8.0 : title_bottom) + 2.0;
  frame.top = top + detail::legend_height(legend, frame.width()) + 10.0;
  const double bottom_margin = 46.0 + notes * 15.0;
  const double rows = static_cast<double>(shown);
  const double row_height =
      std::clamp((options.height_px - frame.top - bottom_margin) / rows, 12.0, 28.0);
  frame.bottom = frame.top + row_height * rows;
  const double height = frame.bottom + bottom_margin;

  SvgWriter svg(width, height, "swimmer-plot");
  detail::draw_title(svg, options.title, width);
  detail::draw_legend(svg, legend, frame.left, top, frame.width());

  const detail::Ticks x_ticks =
      detail::nice_ticks(0.0, t_max, std::max(2, static_cast<int>(frame.width() / 80.0)));
  const LinearScale x{x_ticks.lo, x_ticks.hi, frame.left, frame.right};
  detail::draw_x_axis(svg, frame, x, x_ticks,
                      options.x_label.empty() ? fmt::format("Time on study ({})", options.time_unit)
                                              : options.x_label,
                      true);
  svg.line(frame.left, frame.top, frame.left, frame.bottom,
           Style{.cls = "axis", .stroke = "#333333"});
  if (!options.y_label.empty()) {
    svg.text(
        12.0, (frame.top + frame.bottom) / 2.0, options.y_label,
        TextStyle{
            .cls = "axis-label", .size_px = 12.0, .anchor = Anchor::kMiddle, .rotate_deg = -90.0});
  }

  const double bar_height = row_height * 0.6;
  const double marker = std::min(row_height * 0.7, 11.0);
  svg.begin_group("lanes");
  for (size_t i = 0; i < shown; ++i) {
    const SwimmerLane& lane = *valid[i];
    const double cy = frame.top + row_height * (static_cast<double>(i) + 0.5);
    svg.text(frame.left - 6.0, cy + 3.5, detail::truncate_label(lane.id, kLabelChars),
             TextStyle{.cls = "lane-label", .size_px = kLabelFont, .anchor = Anchor::kEnd});
    svg.rect(x(0.0), cy - bar_height / 2.0, x(lane.end_time) - x(0.0), bar_height,
             Style{.cls = "swim-bar", .fill = colours.colour(lane.arm)},
             fmt::format("{}{}: {:.1f} {}{}", lane.id,
                         lane.arm.empty() ? std::string() : " (" + lane.arm + ")", lane.end_time,
                         options.time_unit, lane.ongoing ? ", ongoing" : ""));
    for (double t : lane.response_times) {
      if (finite_time(t)) {
        detail::draw_marker(svg, Shape::kTriangle, x(t), cy, marker, kMarkerColour,
                            "event-response");
      }
    }
    for (double t : lane.progression_times) {
      if (finite_time(t)) {
        detail::draw_marker(svg, Shape::kSquare, x(t), cy, marker, kMarkerColour,
                            "event-progression");
      }
    }
    if (finite_time(lane.death_time)) {
      detail::draw_marker(svg, Shape::kCross, x(lane.death_time), cy, marker * 0.9, kMarkerColour,
                          "event-death");
    }
    if (lane.ongoing) {
      detail::draw_marker(svg, Shape::kArrow, x(lane.end_time) + marker / 2.0 + 3.0, cy, marker,
                          kMarkerColour, "event-ongoing");
    }
  }
  svg.end_group();

  double note_y = frame.bottom + 46.0 + 12.0;
  if (shown < total) {
    svg.text(8.0, note_y,
             fmt::format("{} of {} patients shown (longest time on study)", shown, total),
             TextStyle{.cls = "note", .size_px = 10.0, .fill = "#333333"});
    note_y += 15.0;
  }
  if (left_out > 0) {
    svg.text(8.0, note_y,
             fmt::format("{} patient{} without an end time not shown", left_out,
                         left_out == 1 ? "" : "s"),
             TextStyle{.cls = "note", .size_px = 10.0, .fill = "#333333"});
  }
  return svg.finish();
}

}  // namespace smartnano::plot

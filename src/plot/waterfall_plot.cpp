// The waterfall plot: best change in tumour size per patient, sorted, coloured by response.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plot/plot_frame.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {

using detail::Anchor;
using detail::Frame;
using detail::LinearScale;
using detail::Style;
using detail::SvgWriter;
using detail::TextStyle;

std::string WaterfallOptions::validate() const {
  return detail::clipped_plot_problems(*this, clip_above_pct);
}

namespace {

constexpr double kIdFont = 9.0;
constexpr size_t kIdChars = 12;
constexpr double kNoteLine = 15.0;

struct Panel {
  std::string arm;
  std::vector<const WaterfallBar*> bars;
};

}  // namespace

std::string waterfall_svg(const std::vector<WaterfallBar>& bars, const WaterfallOptions& options) {
  detail::check_options("waterfall_svg", options.validate());

  // Panels (one, or one per arm in order of first appearance), each sorted largest first.
  std::vector<Panel> panels;
  int left_out = 0;
  for (const WaterfallBar& bar : bars) {
    if (!std::isfinite(bar.best_change_pct)) {
      ++left_out;
      continue;
    }
    const std::string key = options.group_by_arm ? bar.arm : std::string();
    auto it =
        std::find_if(panels.begin(), panels.end(), [&](const Panel& p) { return p.arm == key; });
    if (it == panels.end()) it = panels.insert(panels.end(), Panel{key, {}});
    it->bars.push_back(&bar);
  }
  if (panels.empty()) return detail::no_data_svg(options, "waterfall-plot");

  size_t count = 0;
  double lowest = -30.0, highest = 20.0;
  int clipped = 0;
  detail::ColourMap colours(true);
  for (Panel& panel : panels) {
    std::stable_sort(panel.bars.begin(), panel.bars.end(),
                     [](const WaterfallBar* a, const WaterfallBar* b) {
                       return a->best_change_pct > b->best_change_pct;
                     });
    count += panel.bars.size();
    for (const WaterfallBar* bar : panel.bars) {
      colours.colour(detail::canonical_response(bar->response));
      lowest = std::min(lowest, bar->best_change_pct);
      highest = std::max(highest, std::min(bar->best_change_pct, options.clip_above_pct));
      if (bar->best_change_pct > options.clip_above_pct) ++clipped;
    }
  }

  std::vector<detail::LegendEntry> legend;
  for (const auto& [label, colour] : colours.entries()) {
    legend.push_back({label.empty() ? "(none)" : label, colour, detail::Shape::kSwatch});
  }

  const double width = options.width_px, height = options.height_px;
  const double gap_slots = options.group_by_arm ? 1.5 : 0.0;
  const double slots =
      static_cast<double>(count) + gap_slots * static_cast<double>(panels.size() - 1);
  Frame frame;
  frame.left = 70.0;
  frame.right = width - 44.0;  // reference line labels
  const double slot = frame.width() / slots;
  const bool show_ids = slot >= 11.0;
  size_t longest_id = 0;
  if (show_ids) {
    for (const Panel& panel : panels) {
      for (const WaterfallBar* bar : panel.bars) {
        longest_id = std::max(longest_id, detail::truncate_label(bar->id, kIdChars).size());
      }
    }
  }
  const double id_space = show_ids && longest_id > 0
                              ? detail::text_width(std::string(longest_id, 'x'), kIdFont) + 8.0
                              : 0.0;
  const double panel_space = options.group_by_arm ? 16.0 : 0.0;
  const int notes = (clipped > 0 ? 1 : 0) + (left_out > 0 ? 1 : 0);
  const std::string x_label =
      options.x_label.empty() ? fmt::format("Patients (n = {})", count) : options.x_label;

  SvgWriter svg(width, height, "waterfall-plot");
  const double legend_top = detail::draw_title(svg, options.title, width) + 2.0;
  frame.top =
      legend_top + detail::legend_height(legend, frame.width()) + (clipped > 0 ? 16.0 : 10.0);
  frame.bottom = height - (8.0 + id_space + panel_space + 20.0 + notes * kNoteLine + 4.0);
  if (frame.height() < 60.0) frame.bottom = frame.top + 60.0;
  detail::draw_legend(svg, legend, frame.left, legend_top, frame.width());

  const int target = std::max(3, static_cast<int>(frame.height() / 50.0));
  const detail::Ticks y_ticks = detail::nice_ticks(lowest, highest, target);
  const LinearScale y{y_ticks.lo, y_ticks.hi, frame.bottom, frame.top};
  detail::draw_y_axis(
      svg, frame, y, y_ticks,
      options.y_label.empty() ? "Best change from baseline in SLD (%)" : options.y_label, true);
  svg.line(frame.left, frame.bottom, frame.right, frame.bottom,
           Style{.cls = "axis", .stroke = "#333333"});
  const double labels_bottom = frame.bottom + 8.0 + id_space + panel_space;
  svg.text((frame.left + frame.right) / 2.0, labels_bottom + 14.0, x_label,
           TextStyle{.cls = "axis-label", .size_px = 12.0, .anchor = Anchor::kMiddle});

  svg.begin_group("bars");
  double position = 0.0;  // in slots
  for (size_t p = 0; p < panels.size(); ++p) {
    const Panel& panel = panels[p];
    const double panel_start = position;
    for (const WaterfallBar* bar : panel.bars) {
      const double left = frame.left + position * slot;
      const double centre = left + slot / 2.0;
      const double value = std::min(bar->best_change_pct, options.clip_above_pct);
      const double y0 = y(0.0), y1 = y(value);
      const std::string response = detail::canonical_response(bar->response);
      // A change of about 0 still shows as a thin bar.
      const double bar_top = std::fabs(y1 - y0) < 1.5 ? y0 - 0.75 : std::min(y0, y1);
      svg.rect(left + slot * 0.1, bar_top, slot * 0.8, std::max(std::fabs(y1 - y0), 1.5),
               Style{.cls = "bar", .fill = colours.colour(response)},
               fmt::format("{}: {:.1f} % ({})", bar->id, bar->best_change_pct,
                           response.empty() ? "no response" : response));
      if (bar->best_change_pct > options.clip_above_pct) {
        detail::draw_marker(svg, detail::Shape::kTriangle, centre, y1 - 6.0,
                            std::clamp(slot * 0.8, 5.0, 10.0), "#000000", "clip-marker");
      }
      if (show_ids) {
        svg.text(centre + 3.0, frame.bottom + 6.0, detail::truncate_label(bar->id, kIdChars),
                 TextStyle{.cls = "bar-label",
                           .size_px = kIdFont,
                           .anchor = Anchor::kEnd,
                           .rotate_deg = -90.0});
      }
      position += 1.0;
    }
    if (options.group_by_arm) {
      const double mid = frame.left + (panel_start + position) / 2.0 * slot;
      svg.text(mid, frame.bottom + 8.0 + id_space + 12.0,
               panel.arm.empty() ? "(no arm)" : detail::truncate_label(panel.arm, 30),
               TextStyle{
                   .cls = "panel-label", .size_px = 11.0, .anchor = Anchor::kMiddle, .bold = true});
      if (p + 1 < panels.size()) {
        const double sep = frame.left + (position + gap_slots / 2.0) * slot;
        svg.line(sep, frame.top, sep, frame.bottom,
                 Style{.cls = "panel-separator", .stroke = "#bbbbbb", .dash = "2 3"});
      }
      position += gap_slots;
    }
  }
  svg.end_group();

  detail::draw_reference_line(svg, frame, y, 0.0, "zero-line", "");
  detail::draw_reference_line(svg, frame, y, 20.0, "ref-line", "+20 %");
  detail::draw_reference_line(svg, frame, y, -30.0, "ref-line", "-30 %");

  double note_y = labels_bottom + 20.0 + kNoteLine - 3.0;
  if (clipped > 0) {
    detail::draw_marker(svg, detail::Shape::kTriangle, 12.0, note_y - 4.0, 8.0, "#000000",
                        "note-key");
    svg.text(20.0, note_y,
             fmt::format("{} bar{} above +{:.0f} % clipped at +{:.0f} %", clipped,
                         clipped == 1 ? "" : "s", options.clip_above_pct, options.clip_above_pct),
             TextStyle{.cls = "note", .size_px = 10.0, .fill = "#333333"});
    note_y += kNoteLine;
  }
  if (left_out > 0) {
    svg.text(8.0, note_y,
             fmt::format("{} patient{} without a measured change not shown", left_out,
                         left_out == 1 ? "" : "s"),
             TextStyle{.cls = "note", .size_px = 10.0, .fill = "#333333"});
  }
  return svg.finish();
}

}  // namespace smartnano::plot

// What the four trial plots share: "nice" axis ticks, linear scales, the colour-blind-safe
// Okabe-Ito palette and the response-category colours, a legend that wraps into rows, axes with
// labels, marker shapes, and the "No data" picture. Internal to src/plot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plot/svg_writer.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot::detail {

// Ticks at multiples of 1, 2 or 5 x 10^k, about `target` intervals, covering [lo, hi] (the
// first tick <= lo, the last >= hi). A degenerate or non-finite range gives [0, 1] or a unit
// range around the value.
struct Ticks {
  std::vector<double> values;
  double lo = 0.0, hi = 1.0, step = 0.2;
  int decimals = 1;  // enough to tell the ticks apart
};
Ticks nice_ticks(double lo, double hi, int target);

// `value` with `decimals` decimals ("C" formatting; never "-0").
std::string format_tick(double value, int decimals);

// Maps [d0, d1] onto [r0, r1]; a degenerate domain maps everything onto r0.
struct LinearScale {
  double d0 = 0.0, d1 = 1.0, r0 = 0.0, r1 = 1.0;
  double operator()(double v) const;
};

// Okabe-Ito colours (black last), cycled for more groups.
std::string group_colour(size_t index);

// "CR", "PR", "SD", "PD", "NE" (any case, surrounding blanks ignored) have fixed colours and
// come first in legends in that order; other labels get the remaining palette colours in order
// of first appearance.
std::string canonical_response(std::string_view response);

// Colours for labels: by group (first appearance order) or by response category.
class ColourMap {
 public:
  explicit ColourMap(bool responses) : responses_(responses) {}
  // Registers `label` (idempotent) and returns its colour.
  std::string colour(const std::string& label);
  // Labels in legend order with their colours.
  std::vector<std::pair<std::string, std::string>> entries() const;

 private:
  bool responses_;
  std::vector<std::pair<std::string, std::string>> known_;
};

// Rough width of `text` in `size_px` font (0.6 em per character, counting UTF-8 code points).
double text_width(std::string_view text, double size_px);

// `text` cut to at most `max_chars` code points, ending in "..." when cut.
std::string truncate_label(std::string_view text, size_t max_chars);

enum class Shape { kSwatch, kLine, kTriangle, kSquare, kCross, kArrow, kPlus };

// A marker centred on (x, y), about `size` px across.
void draw_marker(SvgWriter& svg, Shape shape, double x, double y, double size,
                 const std::string& colour, const std::string& cls, std::string_view tooltip = {});

struct LegendEntry {
  std::string label;
  std::string colour;
  Shape shape = Shape::kSwatch;
};

// Height the legend needs when wrapped into rows no wider than `max_width` (0 for none).
double legend_height(const std::vector<LegendEntry>& entries, double max_width);
// Draws the legend (a <g class="legend">) with its first row's top at `top`.
void draw_legend(SvgWriter& svg, const std::vector<LegendEntry>& entries, double left, double top,
                 double max_width);

// The plot area in pixels.
struct Frame {
  double left = 0.0, top = 0.0, right = 0.0, bottom = 0.0;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

// Title centred at the top (nothing when empty); returns the y below it.
double draw_title(SvgWriter& svg, const std::string& title, double width);

// Axes with tick marks, tick labels, optional light grid lines and the axis label.
void draw_x_axis(SvgWriter& svg, const Frame& frame, const LinearScale& x, const Ticks& ticks,
                 const std::string& label, bool grid);
void draw_y_axis(SvgWriter& svg, const Frame& frame, const LinearScale& y, const Ticks& ticks,
                 const std::string& label, bool grid);

// A horizontal line across the frame at data value `value` ("ref-line": dashed; "zero-line":
// solid), with an optional label right of the frame (keep about 40 px of margin for it).
void draw_reference_line(SvgWriter& svg, const Frame& frame, const LinearScale& y, double value,
                         const std::string& cls, const std::string& label);

// The path through the points (x(time[k]), y(value[k])) of the finite pairs, broken into a new
// sub-path wherever a time or value is not finite (values already on the plotted scale: pass
// log10 values for a log axis). Empty when no pair is finite.
PathData line_with_gaps(const std::vector<double>& time, const std::vector<double>& value,
                        const LinearScale& x, const LinearScale& y);

// A complete picture holding the title and a centred "No data" (class "no-data").
std::string no_data_svg(const PlotOptions& options, std::string_view root_class);

// Throws std::invalid_argument("<function>: <problems>") when `problems` is not empty.
void check_options(std::string_view function, const std::string& problems);

// PlotOptions' problems plus one for a clip level that is not finite or not above the +20 %
// reference line (waterfall and spider plots).
std::string clipped_plot_problems(const PlotOptions& options, double clip_above_pct);

}  // namespace smartnano::plot::detail

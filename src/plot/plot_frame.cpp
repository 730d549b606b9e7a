// Shared pieces of the trial plots: ticks, scales, colours, legend, axes, markers.
#include "plot/plot_frame.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace smartnano::plot {

std::string PlotOptions::validate() const {
  std::string problems;
  if (width_px < 200 || width_px > 10000) {
    problems += fmt::format("width_px = {} is not in 200 .. 10000; ", width_px);
  }
  if (height_px < 150 || height_px > 10000) {
    problems += fmt::format("height_px = {} is not in 150 .. 10000; ", height_px);
  }
  if (problems.size() >= 2) problems.resize(problems.size() - 2);
  return problems;
}

}  // namespace smartnano::plot

namespace smartnano::plot::detail {

namespace {

// Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish green, reddish purple,
// orange, sky blue, yellow, black.
constexpr std::array<const char*, 8> kOkabeIto = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                  "#E69F00", "#56B4E9", "#F0E442", "#000000"};

struct ResponseColour {
  const char* category;
  const char* colour;
};
// Deep blue for complete response, sky blue for partial, green for stable, vermillion for
// progression, grey for not evaluable.
constexpr std::array<ResponseColour, 5> kResponseColours = {{{"CR", "#0072B2"},
                                                             {"PR", "#56B4E9"},
                                                             {"SD", "#009E73"},
                                                             {"PD", "#D55E00"},
                                                             {"NE", "#999999"}}};
// Colours left for other response labels.
constexpr std::array<const char*, 4> kOtherResponseColours = {"#CC79A7", "#E69F00", "#F0E442",
                                                              "#000000"};

constexpr double kTickLength = 5.0;
constexpr double kAxisFont = 11.0;
constexpr double kLabelFont = 12.0;
constexpr double kLegendFont = 11.0;
constexpr double kLegendRow = 18.0;
constexpr double kLegendSymbol = 22.0;

size_t code_points(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

int response_rank(const std::string& label) {
  for (size_t i = 0; i < kResponseColours.size(); ++i) {
    if (label == kResponseColours[i].category) return static_cast<int>(i);
  }
  return static_cast<int>(kResponseColours.size());
}

}  // namespace

Ticks nice_ticks(double lo, double hi, int target) {
  Ticks ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    lo = 0.0;
    hi = 1.0;
  }
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
    if (lo == 0.0) {
      hi = 1.0;
    } else {
      const double pad = std::fabs(lo) * 0.5;
      lo -= pad;
      hi += pad;
    }
  }
  target = std::clamp(target, 1, 20);
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalised = raw / magnitude;
  double nice = 10.0;
  if (normalised <= 1.0 + 1e-9) {
    nice = 1.0;
  } else if (normalised <= 2.0 + 1e-9) {
    nice = 2.0;
  } else if (normalised <= 5.0 + 1e-9) {
    nice = 5.0;
  }
  ticks.step = nice * magnitude;
  const double first = std::floor(lo / ticks.step + 1e-9);
  const double last = std::ceil(hi / ticks.step - 1e-9);
  ticks.lo = first * ticks.step;
  ticks.hi = last * ticks.step;
  for (double k = first; k <= last + 0.5; k += 1.0) {
    double v = k * ticks.step;
    if (std::fabs(v) < ticks.step * 1e-9) v = 0.0;
    ticks.values.push_back(v);
  }
  ticks.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(ticks.step) + 1e-9)));
  return ticks;
}

std::string format_tick(double value, int decimals) {
  if (!std::isfinite(value)) return "";
  decimals = std::clamp(decimals, 0, 9);
  std::string s = fmt::format("{:.{}f}", value, decimals);
  if (s.starts_with('-') && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

double LinearScale::operator()(double v) const {
  if (!(d1 != d0)) return r0;
  return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
}

std::string group_colour(size_t index) { return kOkabeIto[index % kOkabeIto.size()]; }

std::string canonical_response(std::string_view response) {
  const size_t begin = response.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  const size_t end = response.find_last_not_of(" \t");
  std::string s(response.substr(begin, end - begin + 1));
  std::string upper = s;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const ResponseColour& r : kResponseColours) {
    if (upper == r.category) return upper;
  }
  return s;
}

std::string ColourMap::colour(const std::string& label) {
  for (const auto& [known, colour] : known_) {
    if (known == label) return colour;
  }
  std::string chosen;
  if (responses_) {
    const int rank = response_rank(label);
    if (rank < static_cast<int>(kResponseColours.size())) {
      chosen = kResponseColours[static_cast<size_t>(rank)].colour;
    } else {
      size_t others = 0;
      for (const auto& entry : known_) {
        if (response_rank(entry.first) == static_cast<int>(kResponseColours.size())) ++others;
      }
      chosen = kOtherResponseColours[others % kOtherResponseColours.size()];
    }
  } else {
    chosen = group_colour(known_.size());
  }
  known_.emplace_back(label, chosen);
  return chosen;
}

std::vector<std::pair<std::string, std::string>> ColourMap::entries() const {
  auto out = known_;
  if (responses_) {
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return response_rank(a.first) < response_rank(b.first);
    });
  }
  return out;
}

double text_width(std::string_view text, double size_px) {
  return static_cast<double>(code_points(text)) * 0.6 * size_px;
}

std::string truncate_label(std::string_view text, size_t max_chars) {
  if (code_points(text) <= max_chars) return std::string(text);
  const size_t keep = max_chars > 3 ? max_chars - 3 : 0;
  size_t n = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (n == keep) break;
      ++n;
    }
  }
  return std::string(text.substr(0, i)) + "...";
}

void draw_marker(SvgWriter& svg, Shape shape, double x, double y, double size,
                 const std::string& colour, const std::string& cls, std::string_view tooltip) {
  const double h = size / 2.0;
  switch (shape) {
    case Shape::kSwatch:
      svg.rect(x - h, y - h, size, size, Style{.cls = cls, .fill = colour}, tooltip);
      return;
    case Shape::kLine:
      svg.path(PathData().move_to(x - size, y).line_to(x + size, y),
               Style{.cls = cls, .stroke = colour, .stroke_width = 2.0}, tooltip);
      return;
    case Shape::kTriangle:
      svg.path(PathData().move_to(x, y - h).line_to(x + h, y + h).line_to(x - h, y + h).close(),
               Style{.cls = cls, .fill = colour, .stroke = "#ffffff", .stroke_width = 0.8},
               tooltip);
      return;
    case Shape::kSquare:
      svg.rect(x - h * 0.85, y - h * 0.85, size * 0.85, size * 0.85,
               Style{.cls = cls, .fill = colour, .stroke = "#ffffff", .stroke_width = 0.8},
               tooltip);
      return;
    case Shape::kCross:
      svg.path(PathData()
                   .move_to(x - h, y - h)
                   .line_to(x + h, y + h)
                   .move_to(x - h, y + h)
                   .line_to(x + h, y - h),
               Style{.cls = cls, .stroke = colour, .stroke_width = 2.2}, tooltip);
      return;
    case Shape::kArrow:
      svg.path(PathData().move_to(x - h, y - h).line_to(x + h, y).line_to(x - h, y + h).close(),
               Style{.cls = cls, .fill = colour}, tooltip);
      return;
    case Shape::kPlus:
      svg.path(PathData().move_to(x - h, y).line_to(x + h, y).move_to(x, y - h).line_to(x, y + h),
               Style{.cls = cls, .stroke = colour, .stroke_width = 1.4}, tooltip);
      return;
  }
}

namespace {

double entry_width(const LegendEntry& e) {
  return kLegendSymbol + 4.0 + text_width(truncate_label(e.label, 40), kLegendFont) + 16.0;
}

}  // namespace

double legend_height(const std::vector<LegendEntry>& entries, double max_width) {
  if (entries.empty()) return 0.0;
  int rows = 1;
  double x = 0.0;
  for (const LegendEntry& e : entries) {
    const double w = entry_width(e);
    if (x > 0.0 && x + w > max_width) {
      ++rows;
      x = 0.0;
    }
    x += w;
  }
  return rows * kLegendRow;
}

void draw_legend(SvgWriter& svg, const std::vector<LegendEntry>& entries, double left, double top,
                 double max_width) {
  if (entries.empty()) return;
  svg.begin_group("legend");
  double x = 0.0, y = top + kLegendRow / 2.0;
  for (const LegendEntry& e : entries) {
    const double w = entry_width(e);
    if (x > 0.0 && x + w > max_width) {
      x = 0.0;
      y += kLegendRow;
    }
    const double cx = left + x + kLegendSymbol / 2.0;
    const double size = e.shape == Shape::kLine ? kLegendSymbol / 2.0 - 2.0 : 10.0;
    draw_marker(svg, e.shape, cx, y, size, e.colour, "legend-key");
    svg.text(left + x + kLegendSymbol + 4.0, y + 4.0, truncate_label(e.label, 40),
             TextStyle{.cls = "legend-label", .size_px = kLegendFont});
    x += w;
  }
  svg.end_group();
}

double draw_title(SvgWriter& svg, const std::string& title, double width) {
  if (title.empty()) return 8.0;
  svg.text(width / 2.0, 24.0, title,
           TextStyle{.cls = "title", .size_px = 16.0, .anchor = Anchor::kMiddle, .bold = true});
  return 36.0;
}

void draw_x_axis(SvgWriter& svg, const Frame& frame, const LinearScale& x, const Ticks& ticks,
                 const std::string& label, bool grid) {
  svg.begin_group("x-axis");
  for (double v : ticks.values) {
    const double px = x(v);
    if (grid) {
      svg.line(px, frame.top, px, frame.bottom, Style{.cls = "grid", .stroke = "#e5e5e5"});
    }
    svg.line(px, frame.bottom, px, frame.bottom + kTickLength,
             Style{.cls = "tick", .stroke = "#333333"});
    svg.text(px, frame.bottom + kTickLength + 12.0, format_tick(v, ticks.decimals),
             TextStyle{.cls = "tick-label", .size_px = kAxisFont, .anchor = Anchor::kMiddle});
  }
  svg.line(frame.left, frame.bottom, frame.right, frame.bottom,
           Style{.cls = "axis", .stroke = "#333333"});
  if (!label.empty()) {
    svg.text((frame.left + frame.right) / 2.0, frame.bottom + 36.0, label,
             TextStyle{.cls = "axis-label", .size_px = kLabelFont, .anchor = Anchor::kMiddle});
  }
  svg.end_group();
}

void draw_y_axis(SvgWriter& svg, const Frame& frame, const LinearScale& y, const Ticks& ticks,
                 const std::string& label, bool grid) {
  svg.begin_group("y-axis");
  double widest = 0.0;
  for (double v : ticks.values) {
    const double py = y(v);
    if (grid) {
      svg.line(frame.left, py, frame.right, py, Style{.cls = "grid", .stroke = "#e5e5e5"});
    }
    svg.line(frame.left - kTickLength, py, frame.left, py,
             Style{.cls = "tick", .stroke = "#333333"});
    const std::string text = format_tick(v, ticks.decimals);
    widest = std::max(widest, text_width(text, kAxisFont));
    svg.text(frame.left - kTickLength - 3.0, py + 4.0, text,
             TextStyle{.cls = "tick-label", .size_px = kAxisFont, .anchor = Anchor::kEnd});
  }
  svg.line(frame.left, frame.top, frame.left, frame.bottom,
           Style{.cls = "axis", .stroke = "#333333"});
  if (!label.empty()) {
    const double lx = std::max(14.0, frame.left - kTickLength - widest - 14.0);
    svg.text(lx, (frame.top + frame.bottom) / 2.0, label,
             TextStyle{.cls = "axis-label",
                       .size_px = kLabelFont,
                       .anchor = Anchor::kMiddle,
                       .rotate_deg = -90.0});
  }
  svg.end_group();
}

void draw_reference_line(SvgWriter& svg, const Frame& frame, const LinearScale& y, double value,
                         const std::string& cls, const std::string& label) {
  const double py = y(value);
  if (py < frame.top - 0.5 || py > frame.bottom + 0.5) return;
  const bool dashed = cls == "ref-line";
  svg.line(frame.left, py, frame.right, py,
           Style{.cls = cls,
                 .stroke = dashed ? "#555555" : "#000000",
                 .stroke_width = dashed ? 1.0 : 1.2,
                 .dash = dashed ? "6 4" : ""});
  if (!label.empty()) {
    svg.text(frame.right + 4.0, py + 3.5, label,
             TextStyle{.cls = "ref-label", .size_px = 10.0, .fill = "#555555"});
  }
}

std::string no_data_svg(const PlotOptions& options, std::string_view root_class) {
  const double width = options.width_px, height = options.height_px;
  SvgWriter svg(width, height, root_class);
  draw_title(svg, options.title, width);
  svg.text(
      width / 2.0, height / 2.0, "No data",
      TextStyle{.cls = "no-data", .size_px = 14.0, .anchor = Anchor::kMiddle, .fill = "#555555"});
  return svg.finish();
}

std::string clipped_plot_problems(const PlotOptions& options, double clip_above_pct) {
  std::string problems = options.validate();
  if (!(std::isfinite(clip_above_pct) && clip_above_pct > 20.0)) {
    problems += fmt::format("{}clip_above_pct = {} must be finite and > 20",
                            problems.empty() ? "" : "; ", clip_above_pct);
  }
  return problems;
}

void check_options(std::string_view function, const std::string& problems) {
  if (!problems.empty()) throw std::invalid_argument(fmt::format("{}: {}", function, problems));
}

PathData line_with_gaps(const std::vector<double>& time, const std::vector<double>& value,
                        const LinearScale& x, const LinearScale& y) {
  PathData line;
  bool open = false;
  const std::size_t n = std::min(time.size(), value.size());
  for (std::size_t k = 0; k < n; ++k) {
    if (!std::isfinite(time[k]) || !std::isfinite(value[k])) {
      open = false;  // a gap
      continue;
    }
    if (open) {
      line.line_to(x(time[k]), y(value[k]));
    } else {
      line.move_to(x(time[k]), y(value[k]));
      open = true;
    }
  }
  return line;
}

}  // namespace smartnano::plot::detail

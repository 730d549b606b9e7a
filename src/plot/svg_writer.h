// A small writer of standalone SVG 1.1 documents for the plot module: elements with a class,
// fill and stroke, text escaped for XML, and every number written with fixed precision (one
// decimal, "C" formatting whatever the locale; a non-finite number is written as 0, so "nan"
// and "inf" never reach the output). Internal to src/plot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smartnano::plot::detail {

// `text` with & < > " ' replaced by entities; bytes below 0x20 other than tab, newline and
// carriage return (not allowed in XML 1.0) become spaces.
std::string escape_xml(std::string_view text);

// Fixed one-decimal number ("12.5", "-3.0"; -0.0 -> "0.0"; NaN or infinite -> "0.0").
std::string num(double value);

struct Point {
  double x = 0.0, y = 0.0;
};

// How a shape is painted. Empty strings leave the attribute out (SVG's defaults apply, except
// fill, which defaults to "none" here).
struct Style {
  std::string cls{};
  std::string fill = "none";
  std::string stroke{};
  double stroke_width = 1.0;
  std::string dash{};         // stroke-dasharray, e.g. "6 4"
  double fill_opacity = 1.0;  // written only when < 1
};

enum class Anchor { kStart, kMiddle, kEnd };

struct TextStyle {
  std::string cls{};
  double size_px = 12.0;
  Anchor anchor = Anchor::kStart;
  bool bold = false;
  std::string fill = "#000000";
  double rotate_deg = 0.0;  // about the text's anchor point
};

// Builds path data ("M x y L x y ... Z") with the writer's number format.
class PathData {
 public:
  PathData& move_to(double x, double y);
  PathData& line_to(double x, double y);
  PathData& close();
  bool empty() const { return d_.empty(); }
  const std::string& str() const { return d_; }

 private:
  std::string d_;
};

class SvgWriter {
 public:
  // Opens the document; `root_class` is the class of the <svg> element (e.g. "km-plot").
  SvgWriter(double width, double height, std::string_view root_class);

  // `tooltip`, when not empty, becomes a <title> child (shown on hover by browsers).
  void rect(double x, double y, double w, double h, const Style& style,
            std::string_view tooltip = {});
  void line(double x1, double y1, double x2, double y2, const Style& style);
  void polyline(const std::vector<Point>& points, const Style& style,
                std::string_view tooltip = {});
  void path(const PathData& data, const Style& style, std::string_view tooltip = {});
  void circle(double cx, double cy, double r, const Style& style, std::string_view tooltip = {});
  void text(double x, double y, std::string_view content, const TextStyle& style);
  void begin_group(std::string_view cls);
  void end_group();

  // Closes open groups and the document and returns it; the writer is left empty.
  std::string finish();

 private:
  void close_element(std::string_view name, std::string_view tooltip);
  std::string out_;
  int open_groups_ = 0;
};

}  // namespace smartnano::plot::detail

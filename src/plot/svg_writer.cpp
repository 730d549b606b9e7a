// The SVG writer: escaping, number formatting and elements.
#include "plot/svg_writer.h"

#include <cmath>

#include <fmt/format.h>

namespace smartnano::plot::detail {

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string num(double value) {
  if (!std::isfinite(value)) value = 0.0;
  if (std::fabs(value) < 0.05) value = 0.0;  // no "-0.0"
  return fmt::format("{:.1f}", value);
}

PathData& PathData::move_to(double x, double y) {
  d_ += fmt::format("{}M{} {}", d_.empty() ? "" : " ", num(x), num(y));
  return *this;
}

PathData& PathData::line_to(double x, double y) {
  d_ += fmt::format(" L{} {}", num(x), num(y));
  return *this;
}

PathData& PathData::close() {
  d_ += " Z";
  return *this;
}

namespace {

std::string style_attributes(const Style& style) {
  std::string out;
  if (!style.cls.empty()) out += fmt::format(" class=\"{}\"", escape_xml(style.cls));
  out += fmt::format(" fill=\"{}\"", escape_xml(style.fill.empty() ? "none" : style.fill));
  if (style.fill_opacity < 1.0) {
    out +=
        fmt::format(" fill-opacity=\"{:.2f}\"",
                    std::isfinite(style.fill_opacity) ? std::fmax(style.fill_opacity, 0.0) : 1.0);
  }
  if (!style.stroke.empty()) {
    out += fmt::format(" stroke=\"{}\" stroke-width=\"{}\"", escape_xml(style.stroke),
                       num(style.stroke_width));
  }
  if (!style.dash.empty()) out += fmt::format(" stroke-dasharray=\"{}\"", escape_xml(style.dash));
  return out;
}

}  // namespace

SvgWriter::SvgWriter(double width, double height, std::string_view root_class) {
  out_ = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" class=\"{}\" width=\"{}\" "
      "height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"DejaVu Sans, Helvetica, Arial, "
      "sans-serif\">\n",
      escape_xml(root_class), num(width), num(height), num(width), num(height));
  rect(0, 0, width, height, Style{.cls = "background", .fill = "#ffffff"});
}

void SvgWriter::close_element(std::string_view name, std::string_view tooltip) {
  if (tooltip.empty()) {
    out_ += "/>\n";
  } else {
    out_ += fmt::format("><title>{}</title></{}>\n", escape_xml(tooltip), name);
  }
}

void SvgWriter::rect(double x, double y, double w, double h, const Style& style,
                     std::string_view tooltip) {
  out_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}", num(x), num(y),
                      num(std::fmax(w, 0.0)), num(std::fmax(h, 0.0)), style_attributes(style));
  close_element("rect", tooltip);
}

void SvgWriter::line(double x1, double y1, double x2, double y2, const Style& style) {
  out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}", num(x1), num(y1), num(x2),
                      num(y2), style_attributes(style));
  close_element("line", {});
}

void SvgWriter::polyline(const std::vector<Point>& points, const Style& style,
                         std::string_view tooltip) {
  std::string pts;
  for (const Point& p : points) {
    if (!pts.empty()) pts += ' ';
    pts += num(p.x) + "," + num(p.y);
  }
  out_ += fmt::format("<polyline points=\"{}\"{}", pts, style_attributes(style));
  close_element("polyline", tooltip);
}

void SvgWriter::path(const PathData& data, const Style& style, std::string_view tooltip) {
  out_ += fmt::format("<path d=\"{}\"{}", data.str(), style_attributes(style));
  close_element("path", tooltip);
}

void SvgWriter::circle(double cx, double cy, double r, const Style& style,
                       std::string_view tooltip) {
  out_ += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{}", num(cx), num(cy), num(r),
                      style_attributes(style));
  close_element("circle", tooltip);
}

void SvgWriter::text(double x, double y, std::string_view content, const TextStyle& style) {
  std::string attrs;
  if (!style.cls.empty()) attrs += fmt::format(" class=\"{}\"", escape_xml(style.cls));
  attrs += fmt::format(" font-size=\"{}\"", num(style.size_px));
  if (style.anchor == Anchor::kMiddle) attrs += " text-anchor=\"middle\"";
  if (style.anchor == Anchor::kEnd) attrs += " text-anchor=\"end\"";
  if (style.bold) attrs += " font-weight=\"bold\"";
  attrs += fmt::format(" fill=\"{}\"", escape_xml(style.fill));
  if (style.rotate_deg != 0.0 && std::isfinite(style.rotate_deg)) {
    attrs += fmt::format(" transform=\"rotate({} {} {})\"", num(style.rotate_deg), num(x), num(y));
  }
  out_ += fmt::format("<text x=\"{}\" y=\"{}\"{}>{}</text>\n", num(x), num(y), attrs,
                      escape_xml(content));
}

void SvgWriter::begin_group(std::string_view cls) {
  out_ += fmt::format("<g class=\"{}\">\n", escape_xml(cls));
  ++open_groups_;
}

void SvgWriter::end_group() {
  if (open_groups_ == 0) return;
  out_ += "</g>\n";
  --open_groups_;
}

std::string SvgWriter::finish() {
  while (open_groups_ > 0) end_group();
  out_ += "</svg>\n";
  std::string done;
  done.swap(out_);
  return done;
}

}  // namespace smartnano::plot::detail

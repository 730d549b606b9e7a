#include "smartnano/core/csv.h"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "smartnano/core/text.h"

namespace smartnano {
namespace {
std::string trim_field(std::string_view s) {
  std::string out = trim(s);
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"') {
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < out.size(); ++i) {
      unquoted += out[i];
      if (out[i] == '"' && out[i + 1] == '"') ++i;  // "" inside quotes is one quote
    }
    return unquoted;
  }
  return out;
}
}  // namespace

std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && line[i] == '"') quoted = !quoted;
    if (i == line.size() || (line[i] == ',' && !quoted)) {
      fields.push_back(trim_field(line.substr(start, i - start)));
      start = i + 1;
    }
  }
  return fields;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  return lines;
}

std::string csv_number(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  return fmt::format("{:.6g}", v);
}

}  // namespace smartnano

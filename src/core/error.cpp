#include "smartnano/core/error.h"

#include <algorithm>

#include <fmt/format.h>

namespace smartnano {

std::string SourceLocation::to_string() const {
  std::string out = file;
  if (line > 0) out += fmt::format("{}{}", out.empty() ? "line " : ":", line);
  if (line > 0 && column > 0) out += fmt::format(":{}", column);
  if (!field.empty()) out += fmt::format("{}field '{}'", out.empty() ? "" : ": ", field);
  return out;
}

InputError::InputError(SourceLocation where, const std::string& message)
    : std::runtime_error(where.to_string().empty() ? message : where.to_string() + ": " + message),
      where_(std::move(where)),
      message_(message) {}

namespace {
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(word, candidates);
  return best.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", best);
}

}  // namespace smartnano

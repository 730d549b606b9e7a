#include "smartnano/events/regimen.h"

#include <cctype>
#include <cmath>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/core/text.h"

namespace smartnano::events {
namespace {

units::Quantity quantity(const std::string& text, const std::string& what, std::string_view all) {
  try {
    return units::parse_quantity(text);
  } catch (const units::UnitError& e) {
    throw std::invalid_argument(
        fmt::format("in regimen '{}': {} '{}' is not a quantity: {}", all, what, text, e.what()));
  }
}

void require_time(const units::Quantity& q, const std::string& what, std::string_view all) {
  if (!(q.unit.dimension == units::Dimension::time())) {
    throw std::invalid_argument(
        fmt::format("in regimen '{}': {} '{} {}' is not a time", all, what, q.value, q.unit.text));
  }
  if (!(q.value > 0)) {
    throw std::invalid_argument(fmt::format("in regimen '{}': {} must be > 0", all, what));
  }
}

}  // namespace

Regimen parse_regimen(std::string_view text) {
  Regimen r;
  r.text = trim(text);
  // Split on commas: the first part is the dose and its repetition, the rest are modifiers.
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= r.text.size(); ++i) {
    if (i == r.text.size() || r.text[i] == ',') {
      parts.push_back(trim(std::string_view(r.text).substr(start, i - start)));
      start = i + 1;
    }
  }
  if (parts.empty() || parts[0].empty()) {
    throw std::invalid_argument(fmt::format("empty regimen '{}'", r.text));
  }
  static const std::regex kDose(
      R"(^(.+?)(?:\s+infusion\s+for\s+(.+?))?(?:\s+every\s+(.+?)(?:\s+(?:x|×)\s*(\S+))?)?$)",
      std::regex::icase);
  std::smatch m;
  if (!std::regex_match(parts[0], m, kDose)) {
    throw std::invalid_argument(fmt::format("cannot read regimen '{}'", r.text));
  }
  const units::Quantity first = quantity(m[1].str(), "dose", r.text);
  if (m[2].matched) {
    r.infusion_rate = first;
    r.infusion_duration = quantity(m[2].str(), "infusion duration", r.text);
    require_time(*r.infusion_duration, "infusion duration", r.text);
    r.amount = units::Quantity{r.infusion_rate->value * r.infusion_duration->value,
                               r.infusion_rate->unit * r.infusion_duration->unit};
  } else {
    r.amount = first;
  }
  if (!(r.amount.value >= 0)) {
    throw std::invalid_argument(fmt::format("in regimen '{}': negative dose", r.text));
  }
  if (m[3].matched) {
    r.every = quantity(m[3].str(), "interval", r.text);
    require_time(*r.every, "interval", r.text);
    if (m[4].matched) {
      const std::string count = m[4].str();
      char* end = nullptr;
      const long n = std::strtol(count.c_str(), &end, 10);
      if (*end != '\0' || n < 1) {
        throw std::invalid_argument(fmt::format(
            "in regimen '{}': dose count '{}' is not a whole number >= 1", r.text, count));
      }
      r.count = static_cast<int>(n);
    } else {
      r.count = 1;
    }
  }
  static const std::regex kDuration(R"(^(.+?)\s+infusion$)", std::regex::icase);
  static const std::regex kOver(R"(^infusion\s+(?:over|for)\s+(.+)$)", std::regex::icase);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::smatch mm;
    if (r.infusion_duration) {
      throw std::invalid_argument(
          fmt::format("in regimen '{}': '{}' sets the infusion a second time", r.text, parts[i]));
    }
    if (std::regex_match(parts[i], mm, kOver) || std::regex_match(parts[i], mm, kDuration)) {
      r.infusion_duration = quantity(mm[1].str(), "infusion duration", r.text);
      require_time(*r.infusion_duration, "infusion duration", r.text);
    } else {
      throw std::invalid_argument(
          fmt::format("in regimen '{}': cannot read '{}' (expected e.g. '1 h infusion' or "
                      "'infusion over 30 min')",
                      r.text, parts[i]));
    }
  }
  return r;
}

Record expand_regimen(const Regimen& regimen, double start_time, int compartment,
                      const units::Unit& amount_unit, const units::Unit& time_unit,
                      const BodySize& body) {
  using units::Dimension;
  double value = regimen.amount.value;
  units::Unit unit = regimen.amount.unit;
  const Dimension area = Dimension::length().pow(2);
  // A number written without a unit is dimensionless like mg/kg into a mg compartment, but it is
  // not a per-kg dose: it falls through to the dimension check below.
  const bool bare_number = unit.dimensionless() && unit.scale == 1.0 && unit.text == "1";
  if (unit.dimension == amount_unit.dimension / area) {
    if (!(body.bsa_m2 > 0)) {
      throw std::invalid_argument(fmt::format(
          "regimen '{}' doses per body surface area but the subject has no BSA (give bsa, or "
          "weight and height)",
          regimen.text));
    }
    value *= body.bsa_m2;
    unit = unit * units::parse_unit("m2");
  } else if (!bare_number && unit.dimension == amount_unit.dimension / Dimension::mass()) {
    if (!(body.weight_kg > 0)) {
      throw std::invalid_argument(fmt::format(
          "regimen '{}' doses per body weight but the subject has no weight", regimen.text));
    }
    value *= body.weight_kg;
    unit = unit * units::parse_unit("kg");
  }
  Record record;
  record.kind = RecordKind::kDose;
  record.time = start_time;
  record.compartment = compartment;
  try {
    record.amount = value * units::conversion_factor(unit, amount_unit);
    if (regimen.every) {
      record.interval = regimen.every->in(time_unit);
      record.additional = regimen.count - 1;
    }
    if (regimen.infusion_duration) {
      const double duration = regimen.infusion_duration->in(time_unit);
      record.rate_mode = RateMode::kFixedRate;
      record.rate = record.amount / duration;
    }
  } catch (const units::UnitError& e) {
    throw std::invalid_argument(fmt::format("regimen '{}': {}", regimen.text, e.what()));
  }
  return record;
}

}  // namespace smartnano::events

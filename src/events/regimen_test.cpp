#include "smartnano/events/regimen.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace smartnano::events {
namespace {

using units::parse_unit;

// The dose record of `text` into a compartment in `amount_unit`, model time in `time_unit`.
Record expand(const std::string& text, const BodySize& body = {}, const char* amount_unit = "mg",
              const char* time_unit = "h", double start_time = 0.0, int compartment = 1) {
  return expand_regimen(parse_regimen(text), start_time, compartment, parse_unit(amount_unit),
                        parse_unit(time_unit), body);
}

// The std::invalid_argument message thrown by `f`; a test failure when nothing is thrown.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected std::invalid_argument";
  return "";
}

std::string parse_error(const std::string& text) {
  return error_of([&] { parse_regimen(text); });
}

std::string expand_error(const std::string& text, const BodySize& body = {},
                         const char* amount_unit = "mg") {
  return error_of([&] { expand(text, body, amount_unit); });
}

#define EXPECT_CONTAINS(haystack, needle)                          \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) \
      << "'" << (haystack) << "' does not contain '" << (needle) << "'"

// ---------------------------------------------------------------------------------------------
// Parsing

TEST(ParseRegimen, PerAreaCycleWithInfusion) {
  const Regimen r = parse_regimen("  50 mg/m2 every 28 days x 6, 1 h infusion ");
  EXPECT_EQ(r.text, "50 mg/m2 every 28 days x 6, 1 h infusion");
  EXPECT_EQ(r.amount.value, 50.0);
  EXPECT_EQ(r.amount.unit.dimension, units::Dimension::mass() / units::Dimension::length().pow(2));
  ASSERT_TRUE(r.every.has_value());
  EXPECT_DOUBLE_EQ(r.every->in(parse_unit("d")), 28.0);
  EXPECT_EQ(r.count, 6);
  ASSERT_TRUE(r.infusion_duration.has_value());
  EXPECT_DOUBLE_EQ(r.infusion_duration->in(parse_unit("h")), 1.0);
  EXPECT_FALSE(r.infusion_rate.has_value());
}

TEST(ParseRegimen, SingleDoseHasCountOneAndNoInterval) {
  const Regimen r = parse_regimen("100 mg");
  EXPECT_EQ(r.amount.value, 100.0);
  EXPECT_FALSE(r.every.has_value());
  EXPECT_EQ(r.count, 1);
  EXPECT_FALSE(r.infusion_duration.has_value());
}

TEST(ParseRegimen, EveryWithoutCountIsOneDose) {
  const Regimen r = parse_regimen("100 mg every 12 h");
  ASSERT_TRUE(r.every.has_value());
  EXPECT_EQ(r.count, 1);
}

TEST(ParseRegimen, RateForDurationGivesTheAmount) {
  const Regimen r = parse_regimen("10 mg/h infusion for 2 h");
  ASSERT_TRUE(r.infusion_rate.has_value());
  EXPECT_EQ(r.infusion_rate->value, 10.0);
  ASSERT_TRUE(r.infusion_duration.has_value());
  EXPECT_DOUBLE_EQ(r.amount.in(parse_unit("mg")), 20.0);
  EXPECT_FALSE(r.every.has_value());
}

TEST(ParseRegimen, KeywordsAreCaseInsensitive) {
  const Regimen r = parse_regimen("100 mg EVERY 24 h X 4, Infusion Over 30 min");
  ASSERT_TRUE(r.every.has_value());
  EXPECT_EQ(r.count, 4);
  ASSERT_TRUE(r.infusion_duration.has_value());
  EXPECT_DOUBLE_EQ(r.infusion_duration->in(parse_unit("min")), 30.0);
}

TEST(ParseRegimen, MultiplicationSignCounts) {
  EXPECT_EQ(parse_regimen("100 mg every 24 h × 4").count, 4);
  EXPECT_EQ(parse_regimen("100 mg every 24 h x4").count, 4);
}

// ---------------------------------------------------------------------------------------------
// Expansion into a dose record

TEST(ExpandRegimen, PerAreaCycleWithOneHourInfusion) {
  const Record r =
      expand("50 mg/m2 every 28 days x 6, 1 h infusion", {.bsa_m2 = 1.8}, "mg", "h", 5.0, 2);
  EXPECT_EQ(r.kind, RecordKind::kDose);
  EXPECT_EQ(r.time, 5.0);
  EXPECT_EQ(r.compartment, 2);
  EXPECT_DOUBLE_EQ(r.amount, 90.0);
  EXPECT_DOUBLE_EQ(r.interval, 672.0);
  EXPECT_EQ(r.additional, 5);
  EXPECT_EQ(r.rate_mode, RateMode::kFixedRate);
  EXPECT_DOUBLE_EQ(r.rate, 90.0);
  EXPECT_EQ(r.ss, SteadyState::kNone);
  EXPECT_EQ(r.line, 0);
}

TEST(ExpandRegimen, RepeatedBolus) {
  const Record r = expand("100 mg every 24 h x 4");
  EXPECT_DOUBLE_EQ(r.amount, 100.0);
  EXPECT_DOUBLE_EQ(r.interval, 24.0);
  EXPECT_EQ(r.additional, 3);
  EXPECT_EQ(r.rate_mode, RateMode::kBolus);
  EXPECT_EQ(r.rate, 0.0);
}

TEST(ExpandRegimen, SingleBolusHasNoAdditionalDoses) {
  const Record r = expand("100 mg");
  EXPECT_DOUBLE_EQ(r.amount, 100.0);
  EXPECT_EQ(r.interval, 0.0);
  EXPECT_EQ(r.additional, 0);
  EXPECT_EQ(r.rate_mode, RateMode::kBolus);
}

TEST(ExpandRegimen, PerWeightWithHalfHourInfusion) {
  const Record r = expand("2 mg/kg, 30 min infusion", {.weight_kg = 70});
  EXPECT_DOUBLE_EQ(r.amount, 140.0);
  EXPECT_EQ(r.rate_mode, RateMode::kFixedRate);
  EXPECT_DOUBLE_EQ(r.rate, 280.0);  // mg/h
  EXPECT_EQ(r.additional, 0);
}

TEST(ExpandRegimen, RateInfusionForADuration) {
  const Record r = expand("10 mg/h infusion for 2 h");
  EXPECT_DOUBLE_EQ(r.amount, 20.0);
  EXPECT_EQ(r.rate_mode, RateMode::kFixedRate);
  EXPECT_DOUBLE_EQ(r.rate, 10.0);

  const Record repeated = expand("10 mg/h infusion for 2 h every 12 h x 3");
  EXPECT_DOUBLE_EQ(repeated.amount, 20.0);
  EXPECT_DOUBLE_EQ(repeated.rate, 10.0);
  EXPECT_DOUBLE_EQ(repeated.interval, 12.0);
  EXPECT_EQ(repeated.additional, 2);
}

TEST(ExpandRegimen, RateInfusionPerArea) {
  // mg/m2/h for 2 h is mg/m2: scaled by the BSA, then spread over the two hours.
  const Record r = expand("10 mg/m2/h infusion for 2 h", {.bsa_m2 = 2.0});
  EXPECT_DOUBLE_EQ(r.amount, 40.0);
  EXPECT_DOUBLE_EQ(r.rate, 20.0);
}

TEST(ExpandRegimen, InfusionOverForm) {
  const Record r = expand("100 mg, infusion over 30 min");
  EXPECT_DOUBLE_EQ(r.amount, 100.0);
  EXPECT_EQ(r.rate_mode, RateMode::kFixedRate);
  EXPECT_DOUBLE_EQ(r.rate, 200.0);
  EXPECT_DOUBLE_EQ(expand("100 mg every 24 h x 2, infusion for 2 h").rate, 50.0);
}

TEST(ExpandRegimen, ConvertsAmountsAndTimes) {
  const Record grams = expand("1 g every 1 day x 2");
  EXPECT_DOUBLE_EQ(grams.amount, 1000.0);
  EXPECT_DOUBLE_EQ(grams.interval, 24.0);
  EXPECT_EQ(grams.additional, 1);

  // Model time in minutes: interval and rate follow.
  const Record minutes = expand("60 mg every 2 h x 3, 1 h infusion", {}, "mg", "min");
  EXPECT_DOUBLE_EQ(minutes.interval, 120.0);
  EXPECT_DOUBLE_EQ(minutes.rate, 1.0);  // mg/min

  // A compartment in ug; days into weeks.
  const Record micrograms = expand("0.5 mg every 1 wk x 2", {}, "ug", "d");
  EXPECT_DOUBLE_EQ(micrograms.amount, 500.0);
  EXPECT_DOUBLE_EQ(micrograms.interval, 7.0);

  // Moles: umol into a mmol compartment.
  EXPECT_DOUBLE_EQ(expand("5 umol", {}, "mmol").amount, 0.005);

  // Per-weight dose with a weight given in kg but the dose written per g.
  EXPECT_DOUBLE_EQ(expand("0.002 mg/g", {.weight_kg = 50}).amount, 100.0);
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(RegimenErrors, PerAreaWithoutBsa) {
  const std::string message = expand_error("50 mg/m2 every 28 days x 6", {.weight_kg = 70});
  EXPECT_CONTAINS(message, "50 mg/m2 every 28 days x 6");
  EXPECT_CONTAINS(message, "body surface area");
}

TEST(RegimenErrors, PerWeightWithoutWeight) {
  const std::string message = expand_error("2 mg/kg", {.bsa_m2 = 1.8});
  EXPECT_CONTAINS(message, "2 mg/kg");
  EXPECT_CONTAINS(message, "no weight");
}

TEST(RegimenErrors, BadDoseCount) {
  EXPECT_CONTAINS(parse_error("100 mg every 24 h x 0"), "dose count '0'");
  EXPECT_CONTAINS(parse_error("100 mg every 24 h x 2.5"), "dose count '2.5'");
  EXPECT_CONTAINS(parse_error("100 mg every 24 h x many"), "dose count 'many'");
}

TEST(RegimenErrors, IntervalThatIsNotATime) {
  const std::string message = parse_error("100 mg every 24 mg x 2");
  EXPECT_CONTAINS(message, "interval");
  EXPECT_CONTAINS(message, "is not a time");
  EXPECT_CONTAINS(parse_error("100 mg every 0 h x 2"), "interval must be > 0");
}

TEST(RegimenErrors, InfusionDurationThatIsNotATime) {
  EXPECT_CONTAINS(parse_error("100 mg, 5 mg infusion"), "is not a time");
  EXPECT_CONTAINS(parse_error("10 mg/h infusion for 3 L"), "is not a time");
  EXPECT_CONTAINS(parse_error("100 mg, infusion over 0 min"), "infusion duration must be > 0");
}

TEST(RegimenErrors, GarbageText) {
  EXPECT_CONTAINS(parse_error("hello world"), "'hello world' is not a quantity");
  EXPECT_CONTAINS(parse_error(""), "empty regimen");
  EXPECT_CONTAINS(parse_error("100 mg, by mouth"), "cannot read 'by mouth'");
  EXPECT_CONTAINS(parse_error("100 mg every soon"), "'soon' is not a quantity");
}

TEST(RegimenErrors, InfusionGivenTwice) {
  EXPECT_CONTAINS(parse_error("10 mg/h infusion for 2 h, 1 h infusion"), "a second time");
  EXPECT_CONTAINS(parse_error("100 mg, 1 h infusion, infusion over 2 h"), "a second time");
}

TEST(RegimenErrors, NegativeDose) {
  EXPECT_CONTAINS(parse_error("-5 mg every 24 h"), "negative dose");
  EXPECT_CONTAINS(parse_error("-5 mg/h infusion for 2 h"), "negative dose");
}

TEST(RegimenErrors, DimensionMismatch) {
  // A volume is not an amount of drug.
  const std::string volume = expand_error("5 L");
  EXPECT_CONTAINS(volume, "regimen '5 L'");
  EXPECT_CONTAINS(volume, "cannot convert 'L'");
  EXPECT_CONTAINS(volume, "'mg'");
  // Mass into a molar compartment needs a molecular weight the regimen does not have.
  EXPECT_CONTAINS(expand_error("5 mg", {}, "mol"), "cannot convert 'mg' (M) to 'mol' (N)");
  // A rate into a mass compartment without a duration.
  EXPECT_CONTAINS(expand_error("5 mg/h"), "cannot convert 'mg/h'");
}

TEST(RegimenErrors, NumberWithoutUnitIsNotAPerWeightDose) {
  // mg/kg into a mg compartment is dimensionless, and so is a bare number; the bare number must
  // not be multiplied by the weight (it once became 5 * 70 kg = 3.5e8 mg).
  EXPECT_CONTAINS(expand_error("5", {.bsa_m2 = 1.8, .weight_kg = 70}), "cannot convert");
  EXPECT_CONTAINS(expand_error("5 every 24 h x 2"), "cannot convert");
  // Into a count compartment (dimensionless) a bare number is fine.
  EXPECT_DOUBLE_EQ(expand("1e6", {.weight_kg = 70}, "cells").amount, 1e6);
}

}  // namespace
}  // namespace smartnano::events

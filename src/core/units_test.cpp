#include "smartnano/core/units.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace smartnano::units {
namespace {

using B = Dimension::Base;

// Relative comparison for scales that go through a few roundings.
void expect_close(double actual, double expected, double rel = 1e-12) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * rel) << "expected " << expected;
}

double si_scale(const char* text) { return parse_unit(text).scale; }

double factor(const char* from, const char* to) {
  return conversion_factor(parse_unit(from), parse_unit(to));
}

// Dimension from exponents of M L T N Θ I.
Dimension dim(int m, int l, int t, int n = 0, int th = 0, int i = 0) {
  return Dimension::mass().pow(m) * Dimension::length().pow(l) * Dimension::time().pow(t) *
         Dimension::amount().pow(n) * Dimension::temperature().pow(th) *
         Dimension::current().pow(i);
}

// The UnitError message thrown by `f`, or "" (and a test failure) when nothing is thrown.
template <typename F>
std::string error_message(F f) {
  try {
    f();
  } catch (const UnitError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a UnitError";
  return "";
}

std::string parse_error(const char* text) {
  return error_message([&] { parse_unit(text); });
}

// ---------------------------------------------------------------------------------------------
// Dimension

TEST(Dimension, ArithmeticAddsAndScalesExponents) {
  const Dimension concentration = Dimension::mass() / Dimension::length().pow(3);
  EXPECT_EQ(concentration.exponent(B::kMass), 1);
  EXPECT_EQ(concentration.exponent(B::kLength), -3);
  EXPECT_EQ(concentration.exponent(B::kTime), 0);
  const Dimension auc = concentration * Dimension::time();
  EXPECT_EQ(auc.exponent(B::kTime), 1);
  EXPECT_EQ(auc / Dimension::time(), concentration);
  EXPECT_EQ(concentration.pow(2).exponent(B::kLength), -6);
  EXPECT_EQ(concentration.pow(0), Dimension());
  EXPECT_TRUE(Dimension().dimensionless());
  EXPECT_TRUE((Dimension::amount() / Dimension::amount()).dimensionless());
  EXPECT_FALSE(Dimension::current().dimensionless());
  EXPECT_NE(Dimension::mass(), Dimension::amount());
}

TEST(Dimension, ToStringListsNonZeroExponentsInBaseOrder) {
  EXPECT_EQ(dim(1, -3, 0).to_string(), "M L^-3");
  EXPECT_EQ(dim(0, 0, -1).to_string(), "T^-1");
  EXPECT_EQ(Dimension().to_string(), "1");
  EXPECT_EQ(dim(0, 3, 0).to_string(), "L^3");
  EXPECT_EQ(dim(1, 2, -3, 0, 0, -1).to_string(), "M L^2 T^-3 I^-1");
  EXPECT_EQ(dim(0, -3, 0, 1).to_string(), "L^-3 N");
  EXPECT_EQ(Dimension::temperature().to_string(), "Θ");
}

TEST(Dimension, RootDividesExponentsOrThrows) {
  EXPECT_EQ(dim(0, 6, -2).root(2), dim(0, 3, -1));
  EXPECT_EQ(dim(0, 3, 0).root(3), Dimension::length());
  EXPECT_EQ(dim(0, 2, 0).root(-2), dim(0, -1, 0));
  EXPECT_EQ(Dimension().root(5), Dimension());
  EXPECT_THROW(dim(0, 3, 0).root(2), std::domain_error);
  EXPECT_THROW(dim(1, 2, 0).root(2), std::domain_error);
  EXPECT_THROW(dim(0, 2, 0).root(0), std::domain_error);
}

// ---------------------------------------------------------------------------------------------
// Symbols and prefixes

TEST(ParseUnit, MassSymbolsAndPrefixes) {
  EXPECT_EQ(parse_unit("g").dimension, Dimension::mass());
  EXPECT_DOUBLE_EQ(si_scale("g"), 1e-3);
  EXPECT_DOUBLE_EQ(si_scale("kg"), 1.0);
  EXPECT_DOUBLE_EQ(si_scale("mg"), 1e-6);
  EXPECT_DOUBLE_EQ(si_scale("ug"), 1e-9);
  EXPECT_DOUBLE_EQ(si_scale("µg"), 1e-9);   // U+00B5 micro sign
  EXPECT_DOUBLE_EQ(si_scale("μg"), 1e-9);   // U+03BC Greek mu
  EXPECT_DOUBLE_EQ(si_scale("mcg"), 1e-9);  // clinical micro
  EXPECT_DOUBLE_EQ(si_scale("ng"), 1e-12);
  EXPECT_DOUBLE_EQ(si_scale("pg"), 1e-15);
  EXPECT_DOUBLE_EQ(si_scale("cg"), 1e-5);
  EXPECT_DOUBLE_EQ(si_scale("dg"), 1e-4);
}

TEST(ParseUnit, VolumeAndLengthSymbols) {
  EXPECT_EQ(parse_unit("L").dimension, dim(0, 3, 0));
  EXPECT_DOUBLE_EQ(si_scale("L"), 1e-3);
  EXPECT_DOUBLE_EQ(si_scale("l"), 1e-3);
  EXPECT_DOUBLE_EQ(si_scale("mL"), 1e-6);
  EXPECT_DOUBLE_EQ(si_scale("ml"), 1e-6);
  EXPECT_DOUBLE_EQ(si_scale("uL"), 1e-9);
  EXPECT_DOUBLE_EQ(si_scale("dL"), 1e-4);
  EXPECT_DOUBLE_EQ(si_scale("nL"), 1e-12);
  EXPECT_EQ(parse_unit("m").dimension, Dimension::length());
  EXPECT_DOUBLE_EQ(si_scale("m"), 1.0);
  EXPECT_DOUBLE_EQ(si_scale("mm"), 1e-3);
  EXPECT_DOUBLE_EQ(si_scale("cm"), 1e-2);
  EXPECT_DOUBLE_EQ(si_scale("um"), 1e-6);
  EXPECT_DOUBLE_EQ(si_scale("nm"), 1e-9);
  EXPECT_DOUBLE_EQ(si_scale("km"), 1e3);
  EXPECT_DOUBLE_EQ(factor("cm3", "mL"), 1.0);
  EXPECT_DOUBLE_EQ(factor("dm3", "L"), 1.0);
}

TEST(ParseUnit, TimeSymbols) {
  EXPECT_EQ(parse_unit("h").dimension, Dimension::time());
  EXPECT_DOUBLE_EQ(si_scale("s"), 1.0);
  EXPECT_DOUBLE_EQ(si_scale("sec"), 1.0);
  EXPECT_DOUBLE_EQ(si_scale("ms"), 1e-3);
  EXPECT_DOUBLE_EQ(si_scale("min"), 60.0);  // minutes, not milli-"in"
  EXPECT_DOUBLE_EQ(si_scale("h"), 3600.0);
  EXPECT_DOUBLE_EQ(si_scale("hr"), 3600.0);
  EXPECT_DOUBLE_EQ(si_scale("d"), 86400.0);  // day, not a prefix
  EXPECT_DOUBLE_EQ(si_scale("day"), 86400.0);
  EXPECT_DOUBLE_EQ(si_scale("days"), 86400.0);
  EXPECT_DOUBLE_EQ(si_scale("wk"), 604800.0);
  EXPECT_DOUBLE_EQ(si_scale("week"), 604800.0);
  EXPECT_DOUBLE_EQ(si_scale("weeks"), 604800.0);
  EXPECT_DOUBLE_EQ(si_scale("yr"), 365.25 * 86400.0);
  EXPECT_DOUBLE_EQ(si_scale("year"), 365.25 * 86400.0);
  EXPECT_DOUBLE_EQ(si_scale("years"), 365.25 * 86400.0);
  EXPECT_DOUBLE_EQ(factor("wk", "d"), 7.0);
  EXPECT_DOUBLE_EQ(factor("yr", "d"), 365.25);
}

TEST(ParseUnit, AmountAndMolarSymbols) {
  EXPECT_EQ(parse_unit("mol").dimension, Dimension::amount());
  EXPECT_DOUBLE_EQ(si_scale("mmol"), 1e-3);
  EXPECT_DOUBLE_EQ(si_scale("umol"), 1e-6);
  EXPECT_DOUBLE_EQ(si_scale("nmol"), 1e-9);
  EXPECT_DOUBLE_EQ(si_scale("pmol"), 1e-12);
  EXPECT_EQ(parse_unit("M").dimension, dim(0, -3, 0, 1));
  EXPECT_DOUBLE_EQ(si_scale("M"), 1e3);  // mol/L in mol/m^3
  EXPECT_DOUBLE_EQ(si_scale("mM"), 1.0);
  EXPECT_DOUBLE_EQ(si_scale("uM"), 1e-3);
  EXPECT_DOUBLE_EQ(si_scale("µM"), 1e-3);
  EXPECT_DOUBLE_EQ(si_scale("pM"), 1e-9);
  EXPECT_DOUBLE_EQ(factor("M", "mol/L"), 1.0);
  EXPECT_DOUBLE_EQ(factor("nM", "nmol/L"), 1.0);
}

TEST(ParseUnit, NanomolarToSiIsOneMicromolePerCubicMetre) {
  EXPECT_DOUBLE_EQ(factor("nM", "mol/m3"), 1e-6);
  EXPECT_DOUBLE_EQ(factor("nM", "mol/m^3"), 1e-6);
}

TEST(ParseUnit, PhysicalSymbols) {
  EXPECT_EQ(parse_unit("K").dimension, Dimension::temperature());
  EXPECT_DOUBLE_EQ(si_scale("K"), 1.0);
  EXPECT_EQ(parse_unit("Gy").dimension, dim(0, 2, -2));
  EXPECT_DOUBLE_EQ(si_scale("cGy"), 1e-2);
  EXPECT_DOUBLE_EQ(factor("Gy", "m^2/s^2"), 1.0);
  EXPECT_EQ(parse_unit("Pa").dimension, dim(1, -1, -2));
  EXPECT_DOUBLE_EQ(si_scale("kPa"), 1e3);
  EXPECT_DOUBLE_EQ(factor("Pa", "kg/(m*s^2)"), 1.0);
  EXPECT_EQ(parse_unit("mmHg").dimension, dim(1, -1, -2));
  EXPECT_EQ(parse_unit("V").dimension, dim(1, 2, -3, 0, 0, -1));
  EXPECT_DOUBLE_EQ(si_scale("mV"), 1e-3);
  EXPECT_EQ(parse_unit("Da").dimension, dim(1, 0, 0, -1));
  EXPECT_DOUBLE_EQ(factor("Da", "g/mol"), 1.0);
  EXPECT_DOUBLE_EQ(factor("kDa", "g/mol"), 1e3);
}

TEST(ParseUnit, DimensionlessSymbols) {
  for (const char* text : {"1", "%", "cells", "cell", "mg/mg", "h/min"}) {
    EXPECT_TRUE(parse_unit(text).dimensionless()) << text;
  }
  EXPECT_DOUBLE_EQ(si_scale("%"), 0.01);
  EXPECT_DOUBLE_EQ(si_scale("1"), 1.0);
  EXPECT_DOUBLE_EQ(si_scale("cells"), 1.0);
  EXPECT_DOUBLE_EQ(factor("%", "1"), 0.01);
  EXPECT_DOUBLE_EQ(factor("h/min", "1"), 60.0);
  EXPECT_DOUBLE_EQ(convert(50.0, parse_unit("%"), parse_unit("1")), 0.5);
  EXPECT_EQ(parse_unit("cells/mL").dimension, dim(0, -3, 0));
}

// ---------------------------------------------------------------------------------------------
// Grammar

TEST(ParseUnit, BodySurfaceDoseMatchesSiForm) {
  const Unit mg_m2 = parse_unit("mg/m2");
  EXPECT_EQ(mg_m2.dimension, dim(1, -2, 0));
  EXPECT_EQ(mg_m2.dimension, parse_unit("kg/m^2").dimension);
  EXPECT_DOUBLE_EQ(factor("mg/m2", "kg/m^2"), 1e-6);
  EXPECT_DOUBLE_EQ(factor("mg/m2", "mg/m**2"), 1.0);
}

TEST(ParseUnit, ClearanceConversion) {
  expect_close(factor("L/h", "mL/min"), 1000.0 / 60.0);
  EXPECT_EQ(parse_unit("L/h").dimension, dim(0, 3, -1));
}

TEST(ParseUnit, RateConstantsInEveryNotation) {
  EXPECT_DOUBLE_EQ(factor("1/h", "1/day"), 24.0);
  const Unit reference = parse_unit("1/h");
  EXPECT_EQ(reference.dimension, dim(0, 0, -1));
  for (const char* text : {"h-1", "/h", "h^-1", "h**-1", "h^(-1)", " 1 / h ", "hr-1"}) {
    const Unit u = parse_unit(text);
    EXPECT_EQ(u.dimension, reference.dimension) << text;
    EXPECT_DOUBLE_EQ(u.scale, reference.scale) << text;
  }
}

TEST(ParseUnit, ConcentrationsAndExposure) {
  EXPECT_DOUBLE_EQ(factor("ug/mL", "mg/L"), 1.0);
  EXPECT_DOUBLE_EQ(factor("ng/mL", "ug/L"), 1.0);
  const Unit auc = parse_unit("mg*h/L");
  EXPECT_EQ(auc.dimension, dim(1, -3, 1));
  EXPECT_DOUBLE_EQ(auc.scale, 3.6);  // 1e-6 kg * 3600 s / 1e-3 m^3
  EXPECT_DOUBLE_EQ(factor("mg.h/L", "mg*h/L"), 1.0);
  expect_close(factor("ug*h/mL", "mg*min/L"), 60.0);
}

TEST(ParseUnit, DivisionIsLeftAssociative) {
  const Unit chained = parse_unit("mg/L/h");
  const Unit grouped = parse_unit("mg/(L*h)");
  EXPECT_EQ(chained.dimension, dim(1, -3, -1));
  EXPECT_EQ(chained.dimension, grouped.dimension);
  EXPECT_DOUBLE_EQ(chained.scale, grouped.scale);
  // Not mg/(L/h):
  EXPECT_NE(parse_unit("mg/(L/h)").dimension, chained.dimension);
}

TEST(ParseUnit, ParenthesesAndExponentsOnGroups) {
  EXPECT_EQ(parse_unit("(m/s)^2").dimension, dim(0, 2, -2));
  EXPECT_DOUBLE_EQ(factor("(cm)^3", "mL"), 1.0);
  EXPECT_EQ(parse_unit("((mg))").dimension, Dimension::mass());
  EXPECT_EQ(parse_unit("1/(mg/L)").dimension, dim(-1, 3, 0));
  EXPECT_EQ(parse_unit("m^0").dimension, Dimension());
  EXPECT_EQ(parse_unit("m^+2").dimension, dim(0, 2, 0));
}

TEST(ParseUnit, TextIsTrimmedButKeepsTheUsersSymbols) {
  EXPECT_EQ(parse_unit("  mg / L ").text, "mg/L");
  EXPECT_EQ(parse_unit("µg/mL").text, "µg/mL");
  EXPECT_EQ(parse_unit("h-1").text, "h-1");
  EXPECT_EQ(parse_unit("mg * h / ( L )").text, "mg*h/(L)");
  EXPECT_EQ(parse_unit("1").text, "1");
}

// ---------------------------------------------------------------------------------------------
// Conversions

TEST(Convert, CelsiusToKelvinAndBack) {
  const Unit celsius = parse_unit("degC");
  const Unit kelvin = parse_unit("K");
  EXPECT_DOUBLE_EQ(convert(37.0, celsius, kelvin), 310.15);
  EXPECT_DOUBLE_EQ(convert(310.15, kelvin, celsius), 37.0);
  EXPECT_DOUBLE_EQ(convert(20.0, celsius, celsius), 20.0);
  EXPECT_THROW(conversion_factor(celsius, kelvin), UnitError);
  EXPECT_THROW(conversion_factor(kelvin, celsius), UnitError);
}

TEST(Convert, PressureInMillimetresOfMercury) {
  EXPECT_DOUBLE_EQ(factor("mmHg", "Pa"), 133.322387415);
  EXPECT_DOUBLE_EQ(convert(760.0, parse_unit("mmHg"), parse_unit("kPa")), 101.3250144354);
}

TEST(Convert, ScalesValues) {
  EXPECT_DOUBLE_EQ(convert(2.0, parse_unit("g"), parse_unit("mg")), 2000.0);
  expect_close(convert(6.0, parse_unit("L/h"), parse_unit("mL/min")), 100.0);
  EXPECT_DOUBLE_EQ(convert(1.0, parse_unit("d"), parse_unit("h")), 24.0);
}

TEST(Convert, DimensionMismatchNamesBothUnitsAndDimensions) {
  const std::string message =
      error_message([] { conversion_factor(parse_unit("mg"), parse_unit("L")); });
  EXPECT_EQ(message, "cannot convert 'mg' (M) to 'L' (L^3)");
  const std::string convert_message =
      error_message([] { convert(1.0, parse_unit("mg/L"), parse_unit("1/h")); });
  EXPECT_NE(convert_message.find("'mg/L' (M L^-3)"), std::string::npos) << convert_message;
  EXPECT_NE(convert_message.find("'1/h' (T^-1)"), std::string::npos) << convert_message;
  EXPECT_THROW(convert(1.0, parse_unit("degC"), parse_unit("Pa")), UnitError);
}

// ---------------------------------------------------------------------------------------------
// Unit arithmetic

TEST(UnitArithmetic, CombinesScaleDimensionAndText) {
  const Unit mg = parse_unit("mg");
  const Unit l = parse_unit("L");
  const Unit h = parse_unit("h");
  const Unit conc = mg / l;
  EXPECT_EQ(conc.text, "mg/L");
  EXPECT_DOUBLE_EQ(conc.scale, 1e-3);
  EXPECT_EQ(conc.dimension, dim(1, -3, 0));
  const Unit auc = conc * h;
  EXPECT_EQ(auc.dimension, dim(1, -3, 1));
  EXPECT_DOUBLE_EQ(auc.scale, 3.6);
  const Unit per_conc = parse_unit("1") / conc;
  EXPECT_EQ(per_conc.text, "1/(mg/L)");
  EXPECT_DOUBLE_EQ(conversion_factor(per_conc, parse_unit("L/mg")), 1.0);
  const Unit cm3 = parse_unit("cm").pow(3);
  EXPECT_EQ(cm3.text, "cm^3");
  EXPECT_DOUBLE_EQ(conversion_factor(cm3, parse_unit("mL")), 1.0);
  EXPECT_EQ(conc.pow(-1).dimension, dim(-1, 3, 0));
  EXPECT_EQ(conc.pow(2).text, "(mg/L)^2");
  EXPECT_EQ(conc.pow(0).text, "1");
  // The text of a combination parses back to the same unit.
  const Unit reparsed = parse_unit((conc * h / parse_unit("m2")).text);
  EXPECT_EQ(reparsed.dimension, dim(1, -5, 1));
  EXPECT_DOUBLE_EQ(reparsed.scale, (conc * h / parse_unit("m2")).scale);
}

TEST(UnitArithmetic, OffsetUnitsCannotBeCombined) {
  const Unit celsius = parse_unit("degC");
  EXPECT_THROW(celsius * parse_unit("s"), UnitError);
  EXPECT_THROW(parse_unit("s") / celsius, UnitError);
  EXPECT_THROW(celsius.pow(2), UnitError);
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(ParseUnitErrors, UnknownSymbolNamesItWithItsColumn) {
  const std::string message = parse_error("mg/Lx");
  EXPECT_NE(message.find("'mg/Lx'"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown symbol 'Lx'"), std::string::npos) << message;
  EXPECT_NE(message.find("column 4"), std::string::npos) << message;
  EXPECT_NE(parse_error("mgg").find("did you mean 'mg'"), std::string::npos);
  EXPECT_NE(parse_error("foo").find("unknown symbol 'foo'"), std::string::npos);
  // Columns count characters, not bytes.
  EXPECT_NE(parse_error("µg/q").find("column 4"), std::string::npos);
}

TEST(ParseUnitErrors, AmbiguousOrUnsupportedForms) {
  EXPECT_THROW(parse_unit("Mm"), UnitError);    // no mega prefix
  EXPECT_THROW(parse_unit("kmin"), UnitError);  // min takes no prefix
  EXPECT_THROW(parse_unit("mh"), UnitError);
  EXPECT_THROW(parse_unit("kK"), UnitError);
  EXPECT_THROW(parse_unit("mmg"), UnitError);  // one prefix only
  EXPECT_THROW(parse_unit("2/h"), UnitError);  // only "1" is a number factor
  EXPECT_THROW(parse_unit("1.5/h"), UnitError);
  EXPECT_THROW(parse_unit("m²"), UnitError);
}

TEST(ParseUnitErrors, SyntaxErrors) {
  EXPECT_NE(parse_error("mg/").find("expected a unit after '/'"), std::string::npos);
  EXPECT_NE(parse_error("(mg").find("missing ')'"), std::string::npos);
  EXPECT_NE(parse_error("mg)").find("unmatched ')'"), std::string::npos);
  EXPECT_NE(parse_error("mg L").find("missing operator"), std::string::npos);
  EXPECT_NE(parse_error("m 2").find("missing operator"), std::string::npos);
  EXPECT_NE(parse_error("m^").find("expected an integer exponent"), std::string::npos);
  EXPECT_NE(parse_error("m^x").find("expected an integer exponent"), std::string::npos);
  EXPECT_NE(parse_error("mg-").find("unexpected '-'"), std::string::npos);
  EXPECT_NE(parse_error("m^2^3").find("unexpected '^'"), std::string::npos);
  for (const char* text : {"", "   ", "()", "mg//L", "*mg", "mg*", "m^1000", "mg,L"}) {
    EXPECT_THROW(parse_unit(text), UnitError) << "'" << text << "'";
  }
}

TEST(ParseUnitErrors, CelsiusOnlyAlone) {
  EXPECT_NO_THROW(parse_unit("degC"));
  EXPECT_NO_THROW(parse_unit(" (degC) "));
  for (const char* text : {"degC/h", "mg*degC", "/degC", "degC2", "degC^2"}) {
    const std::string message = parse_error(text);
    EXPECT_NE(message.find("offset"), std::string::npos) << text << ": " << message;
  }
}

// ---------------------------------------------------------------------------------------------
// Quantities

TEST(ParseQuantity, NumberAndUnit) {
  const Quantity dose = parse_quantity("50 mg/m2");
  EXPECT_DOUBLE_EQ(dose.value, 50.0);
  EXPECT_EQ(dose.unit.text, "mg/m2");
  EXPECT_DOUBLE_EQ(dose.in(parse_unit("kg/m^2")), 50e-6);

  const Quantity rate = parse_quantity("1e-3 1/h");
  EXPECT_DOUBLE_EQ(rate.value, 1e-3);
  EXPECT_DOUBLE_EQ(rate.in(parse_unit("1/day")), 0.024);

  const Quantity temperature = parse_quantity("  37 degC ");
  EXPECT_DOUBLE_EQ(temperature.in(parse_unit("K")), 310.15);

  EXPECT_DOUBLE_EQ(parse_quantity("-2.5 h").value, -2.5);
  EXPECT_DOUBLE_EQ(parse_quantity(".5 L").value, 0.5);
  EXPECT_DOUBLE_EQ(parse_quantity("+3 mg / L").value, 3.0);
  EXPECT_EQ(parse_quantity("+3 mg / L").unit.text, "mg/L");
}

TEST(ParseQuantity, BareNumberIsDimensionless) {
  const Quantity q = parse_quantity("0.5");
  EXPECT_DOUBLE_EQ(q.value, 0.5);
  EXPECT_TRUE(q.unit.dimensionless());
  EXPECT_DOUBLE_EQ(q.unit.scale, 1.0);
  EXPECT_EQ(q.unit.text, "1");
  EXPECT_DOUBLE_EQ(parse_quantity("50%").in(parse_unit("1")), 0.5);
  EXPECT_DOUBLE_EQ(parse_quantity("50 %").in(parse_unit("1")), 0.5);
}

TEST(ParseQuantity, MalformedInputThrows) {
  EXPECT_NE(error_message([] { parse_quantity("abc mg"); }).find("malformed number 'abc'"),
            std::string::npos);
  EXPECT_NE(error_message([] { parse_quantity("5mg"); }).find("put a space"), std::string::npos);
  for (const char* text : {"", "  ", "1..2 mg", "1e mg", "+-1 mg", "nan", "inf h", "1e999", "0x10",
                           "5 mgg", "5 mg/"}) {
    EXPECT_THROW(parse_quantity(text), UnitError) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace smartnano::units

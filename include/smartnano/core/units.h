// Physical units: parse unit strings, check dimensions, convert values.
//
// Models and scenarios write units the way a pharmacometrician does ("mg/m2", "L/h", "1/h",
// "ug/mL", "mg*h/L", "nM", "%"). Every unit is a scale to SI base units times a dimension
// (integer exponents of mass, length, time, amount of substance, temperature, current), so a
// dimension error is caught when a file is loaded, before any simulation.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace smartnano::units {

// Integer exponents of the base dimensions: M, L, T, N (amount), Θ (temperature), I (current).
class Dimension {
 public:
  enum Base { kMass, kLength, kTime, kAmount, kTemperature, kCurrent, kCount };

  constexpr Dimension() = default;
  static Dimension mass() { return of(kMass); }
  static Dimension length() { return of(kLength); }
  static Dimension time() { return of(kTime); }
  static Dimension amount() { return of(kAmount); }
  static Dimension temperature() { return of(kTemperature); }
  static Dimension current() { return of(kCurrent); }

  int exponent(Base b) const { return exponents_[b]; }
  bool dimensionless() const;
  Dimension operator*(const Dimension& o) const;
  Dimension operator/(const Dimension& o) const;
  Dimension pow(int n) const;
  // The dimension whose n-th power is this one; throws std::domain_error if not integral.
  Dimension root(int n) const;
  bool operator==(const Dimension& o) const = default;
  // Readable form, e.g. "M L^-3", "T^-1", "1" for dimensionless.
  std::string to_string() const;

 private:
  static Dimension of(Base b) {
    Dimension d;
    d.exponents_[b] = 1;
    return d;
  }
  std::array<int, kCount> exponents_{};
};

// A unit: value_in_si = value * scale + offset (offset is non-zero only for degC).
struct Unit {
  double scale = 1.0;
  double offset = 0.0;
  Dimension dimension;
  std::string text;  // as written by the user, normalised spacing ("1" for dimensionless)

  bool dimensionless() const { return dimension.dimensionless(); }
  Unit operator*(const Unit& o) const;
  Unit operator/(const Unit& o) const;
  Unit pow(int n) const;
};

// Raised for an unknown symbol, a syntax error or a dimension mismatch. The message names the
// unit text; callers add file/line/field.
class UnitError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Parses a unit expression. Grammar: factors joined by '*', '.', or '/' (left-associative, so
// "mg/L/h" is mg/(L*h)), parentheses, exponents written "^n", "^-n" or as trailing digits
// ("m2", "h-1"); "1" alone is dimensionless; "/h" means 1/h. Symbols: g, L (l), m, s, min, h
// (hr), d (day, days), wk (week, weeks), yr (year; 365.25 d), mol, M (mol/L), K, degC, Gy,
// Pa, mmHg, V, Da (g/mol), %, cells/cell (count: dimensionless) with SI prefixes
// p n u (also µ, mc) m c d k on g, L, m, s, mol, M, Pa, V, Gy, Da. docs/units.md has the details.
Unit parse_unit(std::string_view text);

// Factor f such that value_in_to = value_in_from * f. Throws UnitError naming both units when
// their dimensions differ, or when either has an offset (use convert()).
double conversion_factor(const Unit& from, const Unit& to);

// Converts a value, offsets included. Throws UnitError when dimensions differ.
double convert(double value, const Unit& from, const Unit& to);

// A value with its unit, e.g. parsed from "50 mg/m2" or "1e-3 1/h" or "0.5" (dimensionless).
struct Quantity {
  double value = 0.0;
  Unit unit;
  double in(const Unit& target) const { return convert(value, unit, target); }
};

// Parses "<number> [unit]". Throws UnitError on a malformed number or unit.
Quantity parse_quantity(std::string_view text);

}  // namespace smartnano::units

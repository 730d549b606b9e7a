#include "smartnano/core/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "smartnano/core/error.h"

namespace smartnano::units {

// ---------------------------------------------------------------------------------------------
// Dimension

bool Dimension::dimensionless() const {
  for (int e : exponents_) {
    if (e != 0) return false;
  }
  return true;
}

Dimension Dimension::operator*(const Dimension& o) const {
  Dimension d;
  for (int b = 0; b < kCount; ++b) d.exponents_[b] = exponents_[b] + o.exponents_[b];
  return d;
}

Dimension Dimension::operator/(const Dimension& o) const {
  Dimension d;
  for (int b = 0; b < kCount; ++b) d.exponents_[b] = exponents_[b] - o.exponents_[b];
  return d;
}

Dimension Dimension::pow(int n) const {
  Dimension d;
  for (int b = 0; b < kCount; ++b) d.exponents_[b] = exponents_[b] * n;
  return d;
}

Dimension Dimension::root(int n) const {
  if (n == 0) throw std::domain_error("Dimension::root: the 0-th root is undefined");
  Dimension d;
  for (int b = 0; b < kCount; ++b) {
    if (exponents_[b] % n != 0) {
      throw std::domain_error(
          fmt::format("Dimension::root: '{}' has no integral {}-th root", to_string(), n));
    }
    d.exponents_[b] = exponents_[b] / n;
  }
  return d;
}

std::string Dimension::to_string() const {
  static constexpr std::array<const char*, kCount> kNames = {"M", "L", "T", "N", "Θ", "I"};
  std::string out;
  for (int b = 0; b < kCount; ++b) {
    const int e = exponents_[b];
    if (e == 0) continue;
    if (!out.empty()) out += ' ';
    out += kNames[b];
    if (e != 1) out += fmt::format("^{}", e);
  }
  return out.empty() ? "1" : out;
}

// ---------------------------------------------------------------------------------------------
// Unit arithmetic

namespace {

// x^n by repeated multiplication, so that "h^-1" and "1/h" give the same double.
double integer_power(double x, int n) {
  double result = 1.0;
  double base = x;
  for (unsigned k = static_cast<unsigned>(n < 0 ? -static_cast<long>(n) : n); k > 0; k >>= 1) {
    if (k & 1u) result *= base;
    base *= base;
  }
  return n < 0 ? 1.0 / result : result;
}

std::string_view display_text(const Unit& u) {
  return u.text.empty() ? std::string_view("1") : std::string_view(u.text);
}

bool is_identifier_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '%' || u >= 0x80;
}

// Parenthesised unless the text is one operand that an operator or exponent cannot split.
std::string grouped(std::string_view text, bool allow_digits) {
  for (char c : text) {
    const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (!is_identifier_byte(c) && !(allow_digits && digit)) return fmt::format("({})", text);
  }
  return std::string(text);
}

void require_no_offset(const Unit& u, std::string_view operation) {
  if (u.offset != 0.0) {
    throw UnitError(fmt::format(
        "cannot {} unit '{}': it has an offset (use K instead of degC in compound units)",
        operation, display_text(u)));
  }
}

}  // namespace

Unit Unit::operator*(const Unit& o) const {
  require_no_offset(*this, "multiply");
  require_no_offset(o, "multiply");
  Unit u;
  u.scale = scale * o.scale;
  u.dimension = dimension * o.dimension;
  const std::string_view a = display_text(*this);
  const std::string_view b = display_text(o);
  if (a == "1") {
    u.text = b;
  } else if (b == "1") {
    u.text = a;
  } else {
    u.text = fmt::format("{}*{}", a, grouped(b, true));
  }
  return u;
}

Unit Unit::operator/(const Unit& o) const {
  require_no_offset(*this, "divide");
  require_no_offset(o, "divide");
  Unit u;
  u.scale = scale / o.scale;
  u.dimension = dimension / o.dimension;
  const std::string_view b = display_text(o);
  u.text = b == "1" ? std::string(display_text(*this))
                    : fmt::format("{}/{}", display_text(*this), grouped(b, true));
  return u;
}

Unit Unit::pow(int n) const {
  require_no_offset(*this, "raise to a power");
  Unit u;
  u.scale = integer_power(scale, n);
  u.dimension = dimension.pow(n);
  const std::string_view t = display_text(*this);
  if (n == 0 || t == "1") {
    u.text = "1";
  } else if (n == 1) {
    u.text = t;
  } else {
    u.text = fmt::format("{}^{}", grouped(t, false), n);
  }
  return u;
}

// ---------------------------------------------------------------------------------------------
// Symbols

namespace {

// 10^e, correctly rounded: 10^k is exact for k <= 22, and 1 / 10^k is one rounding.
double pow10(int e) { return integer_power(10.0, e); }

// A unit symbol: scale = mantissa * 10^exp10 in SI; dims are the M L T N Θ I exponents.
struct Symbol {
  std::string_view name;
  double mantissa;
  int exp10;
  std::array<int, Dimension::kCount> dims;
  bool prefixable;
  double offset = 0.0;
};

constexpr double kMinute = 60.0;
constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;
constexpr double kWeek = 7.0 * kDay;
constexpr double kYear = 365.25 * kDay;

// Gy = J/kg, Pa = N/m^2, V = W/A, Da = g/mol, M = mol/L.
const std::array<Symbol, 30> kSymbols = {{
    {"g", 1.0, -3, {1, 0, 0, 0, 0, 0}, true},
    {"L", 1.0, -3, {0, 3, 0, 0, 0, 0}, true},
    {"l", 1.0, -3, {0, 3, 0, 0, 0, 0}, true},
    {"m", 1.0, 0, {0, 1, 0, 0, 0, 0}, true},
    {"s", 1.0, 0, {0, 0, 1, 0, 0, 0}, true},
    {"sec", 1.0, 0, {0, 0, 1, 0, 0, 0}, false},
    {"min", kMinute, 0, {0, 0, 1, 0, 0, 0}, false},
    {"h", kHour, 0, {0, 0, 1, 0, 0, 0}, false},
    {"hr", kHour, 0, {0, 0, 1, 0, 0, 0}, false},
    {"d", kDay, 0, {0, 0, 1, 0, 0, 0}, false},
    {"day", kDay, 0, {0, 0, 1, 0, 0, 0}, false},
    {"days", kDay, 0, {0, 0, 1, 0, 0, 0}, false},
    {"wk", kWeek, 0, {0, 0, 1, 0, 0, 0}, false},
    {"week", kWeek, 0, {0, 0, 1, 0, 0, 0}, false},
    {"weeks", kWeek, 0, {0, 0, 1, 0, 0, 0}, false},
    {"yr", kYear, 0, {0, 0, 1, 0, 0, 0}, false},
    {"year", kYear, 0, {0, 0, 1, 0, 0, 0}, false},
    {"years", kYear, 0, {0, 0, 1, 0, 0, 0}, false},
    {"mol", 1.0, 0, {0, 0, 0, 1, 0, 0}, true},
    {"M", 1.0, 3, {0, -3, 0, 1, 0, 0}, true},
    {"K", 1.0, 0, {0, 0, 0, 0, 1, 0}, false},
    {"degC", 1.0, 0, {0, 0, 0, 0, 1, 0}, false, 273.15},
    {"Gy", 1.0, 0, {0, 2, -2, 0, 0, 0}, true},
    {"Pa", 1.0, 0, {1, -1, -2, 0, 0, 0}, true},
    {"mmHg", 133.322387415, 0, {1, -1, -2, 0, 0, 0}, false},
    {"V", 1.0, 0, {1, 2, -3, 0, 0, -1}, true},
    {"Da", 1.0, -3, {1, 0, 0, -1, 0, 0}, true},
    {"%", 1.0, -2, {0, 0, 0, 0, 0, 0}, false},
    {"cells", 1.0, 0, {0, 0, 0, 0, 0, 0}, false},
    {"cell", 1.0, 0, {0, 0, 0, 0, 0, 0}, false},
}};

struct Prefix {
  std::string_view text;
  int exp10;
};

// Longest first, so "mcg" is micro-gram rather than milli-"cg".
constexpr std::array<Prefix, 10> kPrefixes = {{
    {"mc", -6},
    {"\xC2\xB5", -6},  // U+00B5 MICRO SIGN
    {"\xCE\xBC", -6},  // U+03BC GREEK SMALL LETTER MU
    {"p", -12},
    {"n", -9},
    {"u", -6},
    {"m", -3},
    {"c", -2},
    {"d", -1},
    {"k", 3},
}};

Dimension make_dimension(const std::array<int, Dimension::kCount>& dims) {
  return Dimension::mass().pow(dims[0]) * Dimension::length().pow(dims[1]) *
         Dimension::time().pow(dims[2]) * Dimension::amount().pow(dims[3]) *
         Dimension::temperature().pow(dims[4]) * Dimension::current().pow(dims[5]);
}

Unit symbol_unit(const Symbol& s, int prefix_exp10) {
  Unit u;
  u.scale = s.mantissa * pow10(s.exp10 + prefix_exp10);
  u.offset = s.offset;
  u.dimension = make_dimension(s.dims);
  u.text = s.name;
  return u;
}

const Symbol* find_symbol(std::string_view name) {
  for (const Symbol& s : kSymbols) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// Exact symbol first ("min", "mmHg", "d"), then prefix + prefixable symbol ("mm", "dL").
std::optional<Unit> lookup_symbol(std::string_view word) {
  if (const Symbol* s = find_symbol(word)) return symbol_unit(*s, 0);
  for (const Prefix& p : kPrefixes) {
    if (word.size() <= p.text.size() || word.substr(0, p.text.size()) != p.text) continue;
    const Symbol* s = find_symbol(word.substr(p.text.size()));
    if (s != nullptr && s->prefixable) return symbol_unit(*s, p.exp10);
  }
  return std::nullopt;
}

// Every symbol and every ASCII-prefixed form, for "did you mean" suggestions.
const std::vector<std::string>& known_symbols() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Symbol& s : kSymbols) out.emplace_back(s.name);
    for (const Symbol& s : kSymbols) {
      if (!s.prefixable || s.name == "l") continue;
      // Common prefixes first: a tie in edit distance goes to the earlier candidate.
      for (std::string_view prefix : {"m", "u", "n", "k", "p", "c", "d", "mc"}) {
        out.push_back(fmt::format("{}{}", prefix, s.name));
      }
    }
    return out;
  }();
  return names;
}

// ---------------------------------------------------------------------------------------------
// Parser

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

constexpr int kMaxExponent = 99;    // largest exponent written in a unit
constexpr int kMaxDimension = 999;  // largest exponent of a base dimension after combining

// Recursive descent over the (trimmed) unit text:
//   expression := ['/'] factor { ('*' | '.' | '/') factor }     left-associative
//   factor     := primary [ ('^' | '**') exponent ]
//   primary    := symbol [digits | '-' digits] | '1' | '(' expression ')'
//   exponent   := ['-' | '+'] digits | '(' ['-' | '+'] digits ')'
// Spaces are allowed around operators and parentheses, not inside a symbol or its digits.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Unit parse() {
    Unit u = expression();
    skip_spaces();
    if (!at_end()) {
      if (peek() == ')') fail("unmatched ')'", pos_);
      fail(fmt::format("unexpected '{}'", char_at(pos_)), pos_);
    }
    return u;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void skip_spaces() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  // The whole UTF-8 character starting at byte `at`, for messages.
  std::string_view char_at(std::size_t at) const {
    std::size_t end = at + 1;
    while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    return text_.substr(at, end - at);
  }

  // 1-based column in characters (not bytes) of byte offset `at`.
  int column(std::size_t at) const {
    int col = 1;
    for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col;
    }
    return col;
  }

  [[noreturn]] void fail(std::string_view what, std::size_t at, std::string_view hint = {}) const {
    throw UnitError(
        fmt::format("invalid unit '{}': {} at column {}{}", text_, what, column(at), hint));
  }

  void check_range(const Unit& u, std::size_t at) const {
    for (int b = 0; b < Dimension::kCount; ++b) {
      const int e = u.dimension.exponent(static_cast<Dimension::Base>(b));
      if (e > kMaxDimension || e < -kMaxDimension) fail("exponent out of range", at);
    }
    if (!std::isfinite(u.scale) || u.scale == 0.0) fail("scale out of range", at);
  }

  Unit combine(const Unit& a, const Unit& b, bool divide, std::size_t at) const {
    if (a.offset != 0.0 || b.offset != 0.0) {
      fail("'degC' has an offset and may only stand alone (use K in compound units)", at);
    }
    Unit u;
    u.scale = divide ? a.scale / b.scale : a.scale * b.scale;
    u.dimension = divide ? a.dimension / b.dimension : a.dimension * b.dimension;
    check_range(u, at);
    return u;
  }

  Unit raise(const Unit& a, int n, std::size_t at) const {
    if (a.offset != 0.0) {
      fail("'degC' has an offset and cannot take an exponent (use K in compound units)", at);
    }
    Unit u;
    u.scale = integer_power(a.scale, n);
    u.dimension = a.dimension.pow(n);
    check_range(u, at);
    return u;
  }

  bool at_micro() const {
    const std::string_view two = text_.substr(pos_, 2);
    return two == "\xC2\xB5" || two == "\xCE\xBC";
  }
  // Whether a factor (symbol, number or group) starts at the current position.
  bool at_factor() const {
    const char c = peek();
    return c == '(' || c == '%' || is_digit(c) || std::isalpha(static_cast<unsigned char>(c)) ||
           at_micro();
  }

  Unit expression() {
    skip_spaces();
    Unit result;  // dimensionless, scale 1: the implicit "1" of "/h"
    if (peek() != '/') result = factor();
    while (true) {
      skip_spaces();
      if (at_end() || peek() == ')') break;
      const char op = peek();
      const std::size_t op_pos = pos_;
      if (op == '*' || op == '.' || op == '/') {
        ++pos_;
        skip_spaces();
        if (at_end() || !at_factor()) {
          fail(fmt::format("expected a unit after '{}'", op), at_end() ? op_pos : pos_);
        }
        result = combine(result, factor(), op == '/', op_pos);
      } else if (at_factor()) {
        fail("missing operator ('*' or '/') before '" + std::string(char_at(pos_)) + "'", pos_);
      } else {
        fail(fmt::format("unexpected '{}'", char_at(pos_)), pos_);
      }
    }
    return result;
  }

  Unit factor() {
    Unit base = primary();
    const std::size_t after = pos_;
    skip_spaces();
    const bool caret = peek() == '^';
    if (caret || (peek() == '*' && peek(1) == '*')) {
      const std::size_t op_pos = pos_;
      pos_ += caret ? 1 : 2;
      skip_spaces();
      const bool paren = peek() == '(';
      if (paren) {
        ++pos_;
        skip_spaces();
      }
      const int n = signed_integer(op_pos);
      if (paren) {
        skip_spaces();
        if (peek() != ')') fail("missing ')' after the exponent", pos_);
        ++pos_;
      }
      return raise(base, n, op_pos);
    }
    pos_ = after;
    return base;
  }

  // ['-' | '+'] digits, as an exponent; `op_pos` is where the exponent was introduced.
  int signed_integer(std::size_t op_pos) {
    int sign = 1;
    if (peek() == '-' || peek() == '+') {
      sign = peek() == '-' ? -1 : 1;
      ++pos_;
    }
    if (!is_digit(peek())) fail("expected an integer exponent", at_end() ? op_pos : pos_);
    const std::size_t start = pos_;
    int n = 0;
    while (is_digit(peek())) {
      n = n * 10 + (peek() - '0');
      if (n > kMaxExponent) fail("exponent out of range", start);
      ++pos_;
    }
    return sign * n;
  }

  Unit primary() {
    skip_spaces();
    if (at_end()) fail("expected a unit", pos_);
    const std::size_t start = pos_;
    const char c = peek();
    if (c == '(') {
      ++pos_;
      Unit inner = expression();
      skip_spaces();
      if (peek() != ')') fail("missing ')' for this '('", start);
      ++pos_;
      return inner;
    }
    if (is_digit(c)) {
      while (is_digit(peek())) ++pos_;
      if (text_.substr(start, pos_ - start) != "1") {
        fail(fmt::format("number '{}' is not a unit (only '1' may stand for a dimensionless "
                         "factor)",
                         text_.substr(start, pos_ - start)),
             start);
      }
      return Unit{};
    }
    if (!at_factor()) fail(fmt::format("expected a unit, found '{}'", char_at(pos_)), pos_);

    // A symbol is a run of letters (µ and μ included), or a lone '%'.
    if (c == '%') {
      ++pos_;
    } else {
      while (!at_end()) {
        if (std::isalpha(static_cast<unsigned char>(peek()))) {
          ++pos_;
        } else if (at_micro()) {
          pos_ += 2;
        } else {
          break;
        }
      }
    }
    const std::string_view word = text_.substr(start, pos_ - start);
    std::optional<Unit> unit = lookup_symbol(word);
    if (!unit) {
      const std::string hint =
          word.size() >= 2 ? did_you_mean(word, known_symbols()) : std::string();
      fail(fmt::format("unknown symbol '{}'", word), start, hint);
    }
    // Trailing exponent written directly after the symbol: "m2", "h-1", "cm3".
    if (is_digit(peek()) || ((peek() == '-' || peek() == '+') && is_digit(peek(1)))) {
      const std::size_t exp_pos = pos_;
      return raise(*unit, signed_integer(exp_pos), exp_pos);
    }
    return *unit;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string without_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!is_space(c)) out += c;
  }
  return out;
}

void require_same_dimension(const Unit& from, const Unit& to) {
  if (from.dimension != to.dimension) {
    throw UnitError(fmt::format("cannot convert '{}' ({}) to '{}' ({})", display_text(from),
                                from.dimension.to_string(), display_text(to),
                                to.dimension.to_string()));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public functions

Unit parse_unit(std::string_view text) {
  const std::string_view trimmed = trim(text);
  if (trimmed.empty()) throw UnitError("invalid unit '': the unit is empty (use '1' for none)");
  Unit u = Parser(trimmed).parse();
  u.text = without_spaces(trimmed);
  return u;
}

double conversion_factor(const Unit& from, const Unit& to) {
  require_same_dimension(from, to);
  for (const Unit* u : {&from, &to}) {
    if (u->offset != 0.0) {
      throw UnitError(
          fmt::format("no conversion factor from '{}' to '{}': '{}' has an offset (use convert())",
                      display_text(from), display_text(to), display_text(*u)));
    }
  }
  return from.scale / to.scale;
}

double convert(double value, const Unit& from, const Unit& to) {
  require_same_dimension(from, to);
  if (from.offset == 0.0 && to.offset == 0.0) return value * (from.scale / to.scale);
  return (value * from.scale + from.offset - to.offset) / to.scale;
}

Quantity parse_quantity(std::string_view text) {
  const std::string_view trimmed = trim(text);
  if (trimmed.empty()) throw UnitError("invalid quantity '': expected a number");
  std::size_t split = 0;
  while (split < trimmed.size() && !is_space(trimmed[split])) ++split;
  std::string_view number = trimmed.substr(0, split);
  std::string_view unit_text = trim(trimmed.substr(split));
  // "50%" is common enough to accept without the space.
  if (unit_text.empty() && number.size() > 1 && number.back() == '%') {
    unit_text = number.substr(number.size() - 1);
    number.remove_suffix(1);
  }

  // std::from_chars parses the C locale strtod syntax, except for a leading '+'.
  std::string_view digits = number;
  const bool plus = !digits.empty() && digits.front() == '+';
  if (plus) digits.remove_prefix(1);
  Quantity q;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, q.value);
  const bool valid = !digits.empty() && !(plus && digits.front() == '-') && ec == std::errc() &&
                     ptr == end && std::isfinite(q.value);
  if (!valid) {
    std::string hint;
    if (ec == std::errc() && ptr != end && std::isalpha(static_cast<unsigned char>(*ptr))) {
      hint = " (put a space between the number and the unit)";
    }
    throw UnitError(
        fmt::format("invalid quantity '{}': malformed number '{}'{}", trimmed, number, hint));
  }

  if (unit_text.empty()) {
    q.unit.text = "1";
  } else {
    q.unit = parse_unit(unit_text);
  }
  return q;
}

}  // namespace smartnano::units

// Recursive-descent parser for model expressions (grammar in expression.h).
//
//   or      := and ('||' and)*
//   and     := compare ('&&' compare)*
//   compare := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)*
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := ('-' | '!') unary | power
//   power   := primary ('^' unary)?          right-associative; 2^-1 allowed
//   primary := number ('[' unit ']')? | name | name '(' arguments ')' | '(' or ')'
//
// A minus sign written directly before a number literal that is not raised to a power gives a
// negative constant ("-2" is constant(-2), "-2^2" is -(2^2), "-(2)" is -(constant 2)), so that
// to_string() of a negative constant reads back as the same tree.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "smartnano/core/error.h"
#include "smartnano/expr/expression.h"

namespace smartnano::expr {
namespace {

struct FunctionInfo {
  std::string_view name;
  Function function;
  int arity;  // -2: two or more (min, max)
};

constexpr std::array<FunctionInfo, 14> kFunctions = {{
    {"exp", Function::kExp, 1},
    {"log", Function::kLog, 1},
    {"log10", Function::kLog10, 1},
    {"sqrt", Function::kSqrt, 1},
    {"abs", Function::kAbs, 1},
    {"sin", Function::kSin, 1},
    {"cos", Function::kCos, 1},
    {"tan", Function::kTan, 1},
    {"tanh", Function::kTanh, 1},
    {"min", Function::kMin, -2},
    {"max", Function::kMax, -2},
    {"floor", Function::kFloor, 1},
    {"ceil", Function::kCeil, 1},
    {"factorial", Function::kFactorial, 1},
}};

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  NodePtr parse_all() {
    NodePtr result = parse_or();
    skip_space();
    if (!at_end()) fail_unexpected();
    return result;
  }

 private:
  // --- Characters -------------------------------------------------------------------------
  bool at_end() const { return pos_ >= source_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < source_.size() ? source_[pos_ + ahead] : '\0';
  }
  int column() const { return static_cast<int>(pos_) + 1; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }
  // Consumes `token` (after whitespace) when it is next.
  bool accept(std::string_view token) {
    skip_space();
    if (source_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  [[noreturn]] void fail(const std::string& message, int column) const {
    throw SyntaxError(message, column);
  }
  // The error for whatever is at the current position (after whitespace).
  [[noreturn]] void fail_unexpected() {
    skip_space();
    if (at_end()) fail("unexpected end of expression", column());
    fail(std::string("unexpected character '") + peek() + "'", column());
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) {
      const std::string what = at_end() ? "end of expression" : std::string("'") + peek() + "'";
      fail(std::string("expected '") + c + "', found " + what, column());
    }
    ++pos_;
  }

  // --- Grammar ----------------------------------------------------------------------------
  NodePtr parse_or() {
    NodePtr left = parse_and();
    while (accept("||")) left = binary(Op::kOr, left, parse_and());
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_compare();
    while (accept("&&")) left = binary(Op::kAnd, left, parse_compare());
    return left;
  }

  NodePtr parse_compare() {
    NodePtr left = parse_sum();
    while (true) {
      Op op;
      if (accept("<=")) {
        op = Op::kLessEqual;
      } else if (accept(">=")) {
        op = Op::kGreaterEqual;
      } else if (accept("==")) {
        op = Op::kEqual;
      } else if (accept("!=")) {
        op = Op::kNotEqual;
      } else if (accept("<")) {
        op = Op::kLess;
      } else if (accept(">")) {
        op = Op::kGreater;
      } else {
        return left;
      }
      left = binary(op, left, parse_sum());
    }
  }

  NodePtr parse_sum() {
    NodePtr left = parse_product();
    while (true) {
      if (accept("+")) {
        left = binary(Op::kAdd, left, parse_product());
      } else if (accept("-")) {
        left = binary(Op::kSub, left, parse_product());
      } else {
        return left;
      }
    }
  }

  NodePtr parse_product() {
    NodePtr left = parse_unary();
    while (true) {
      if (accept("*")) {
        left = binary(Op::kMul, left, parse_unary());
      } else if (accept("/")) {
        left = binary(Op::kDiv, left, parse_unary());
      } else {
        return left;
      }
    }
  }

  NodePtr parse_unary() {
    // Every cycle of the grammar passes here; bound the recursion so that hostile input
    // ("((((...", "----...") is an error rather than a stack overflow.
    if (depth_ >= kMaxDepth) fail("expression nested too deeply", column());
    ++depth_;
    NodePtr result = parse_unary_unguarded();
    --depth_;
    return result;
  }

  NodePtr parse_unary_unguarded() {
    if (accept("-")) {
      skip_space();
      const bool literal_follows = is_digit(peek()) || (peek() == '.' && is_digit(peek(1)));
      NodePtr operand = parse_unary();
      if (literal_follows && operand->op == Op::kConstant) {
        auto negative = std::make_shared<Node>(*operand);
        negative->value = -negative->value;
        return negative;
      }
      return unary(Op::kNeg, operand);
    }
    skip_space();
    if (peek() == '!' && peek(1) != '=') {
      ++pos_;
      return unary(Op::kNot, parse_unary());
    }
    return parse_power();
  }

  NodePtr parse_power() {
    NodePtr base = parse_primary();
    if (accept("^")) return binary(Op::kPow, base, parse_unary());
    return base;
  }

  NodePtr parse_primary() {
    skip_space();
    const char c = peek();
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return parse_number();
    if (is_name_start(c)) return parse_name();
    if (c == '(') {
      ++pos_;
      NodePtr inner = parse_or();
      expect(')');
      return inner;
    }
    fail_unexpected();
  }

  NodePtr parse_number() {
    const std::size_t start = pos_;
    while (is_digit(peek())) ++pos_;
    if (peek() == '.') {
      ++pos_;
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      std::size_t exponent = pos_ + 1;
      if (exponent < source_.size() && (source_[exponent] == '+' || source_[exponent] == '-')) {
        ++exponent;
      }
      if (exponent >= source_.size() || !is_digit(source_[exponent])) {
        fail("expected digits in the exponent of a number", static_cast<int>(exponent) + 1);
      }
      pos_ = exponent;
      while (is_digit(peek())) ++pos_;
    }
    const std::string_view text = source_.substr(start, pos_ - start);
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc::result_out_of_range) {
      // Too large (1e999) or too small (1e-999): saturate as strtod would.
      const std::size_t e = text.find_first_of("eE");
      const bool negative_exponent =
          e != std::string_view::npos && e + 1 < text.size() && text[e + 1] == '-';
      value = negative_exponent ? 0.0 : std::numeric_limits<double>::infinity();
    } else if (error != std::errc() || end != text.data() + text.size()) {
      fail("invalid number '" + std::string(text) + "'", static_cast<int>(start) + 1);
    }
    NodePtr result = constant(value);
    skip_space();
    if (peek() == '[') {
      const int open_column = column();
      const std::size_t close = source_.find(']', pos_);
      if (close == std::string_view::npos) fail("expected ']' to close the unit", open_column);
      std::string_view unit = source_.substr(pos_ + 1, close - pos_ - 1);
      while (!unit.empty() && (unit.front() == ' ' || unit.front() == '\t')) unit.remove_prefix(1);
      while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t')) unit.remove_suffix(1);
      if (unit.empty()) fail("empty unit in brackets", open_column);
      auto with_unit = std::make_shared<Node>(*result);
      with_unit->unit = std::string(unit);
      result = with_unit;
      pos_ = close + 1;
    }
    return result;
  }

  NodePtr parse_name() {
    const std::size_t start = pos_;
    while (is_name_char(peek())) ++pos_;
    std::string name(source_.substr(start, pos_ - start));
    const std::size_t after_name = pos_;
    skip_space();
    if (peek() != '(') {
      pos_ = after_name;
      return variable(std::move(name));
    }
    ++pos_;
    const int name_column = static_cast<int>(start) + 1;
    std::vector<NodePtr> args;
    skip_space();
    if (peek() != ')') {
      args.push_back(parse_or());
      while (accept(",")) args.push_back(parse_or());
    }
    expect(')');
    return make_call(name, name_column, std::move(args));
  }

  NodePtr make_call(const std::string& name, int name_column, std::vector<NodePtr> args) {
    const int count = static_cast<int>(args.size());
    auto check_count = [&](int wanted) {
      if (count != wanted) {
        fail("function '" + name + "' takes " + std::to_string(wanted) + " argument" +
                 (wanted == 1 ? "" : "s") + ", got " + std::to_string(count),
             name_column);
      }
    };
    if (name == "pow") {
      check_count(2);
      return binary(Op::kPow, args[0], args[1]);
    }
    if (name == "if") {
      check_count(3);
      return if_then_else(args[0], args[1], args[2]);
    }
    const auto info = std::find_if(kFunctions.begin(), kFunctions.end(),
                                   [&](const FunctionInfo& f) { return f.name == name; });
    if (info == kFunctions.end()) {
      std::vector<std::string> known = {"pow", "if"};
      for (const auto& f : kFunctions) known.emplace_back(f.name);
      fail("unknown function '" + name + "'" + did_you_mean(name, known), name_column);
    }
    if (info->arity > 0) {
      check_count(info->arity);
      return call(info->function, std::move(args));
    }
    if (count < 2) {
      fail("function '" + name + "' takes 2 or more arguments, got " + std::to_string(count),
           name_column);
    }
    // min(a, b, c) = min(min(a, b), c): every call node has exactly two arguments.
    NodePtr folded = call(info->function, {args[0], args[1]});
    for (std::size_t i = 2; i < args.size(); ++i) folded = call(info->function, {folded, args[i]});
    return folded;
  }

  static constexpr int kMaxDepth = 256;

  std::string_view source_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

NodePtr parse(std::string_view source) { return Parser(source).parse_all(); }

}  // namespace smartnano::expr

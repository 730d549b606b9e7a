// Expressions of model files: parsed once into an immutable tree, differentiated symbolically,
// then compiled (program.h) for fast repeated evaluation.
//
// Syntax: numbers (1, 2.5, 1e-3), numbers with a unit in brackets (70[kg], 0.5[1/h]), names
// ([A-Za-z_][A-Za-z0-9_]*), + - * / ^ (right-associative, binds tighter than unary minus on its
// left: -x^2 = -(x^2)), parentheses, comparisons < <= > >= == !=, logical && || !, functions
// exp log log10 sqrt abs sin cos tan tanh min max floor ceil factorial pow(a, b) and
// if(condition, then, else).
// Logical values are 1 and 0.
#pragma once

#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace smartnano::expr {

enum class Op {
  kConstant,  // value (and unit, when written as 70[kg])
  kVariable,  // name
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,  // two args
  kNeg,  // one arg
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,  // two args, result 1 or 0
  kAnd,
  kOr,    // two args
  kNot,   // one arg
  kIf,    // three args: condition, then, else (only the chosen branch matters)
  kCall,  // function applied to args
};

enum class Function {
  kExp,
  kLog,
  kLog10,
  kSqrt,
  kAbs,
  kSin,
  kCos,
  kTan,
  kTanh,
  kMin,
  kMax,
  kFloor,
  kCeil,
  kFactorial,  // x! = Gamma(x + 1)
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
  Op op = Op::kConstant;
  double value = 0.0;                  // kConstant
  std::string unit;                    // kConstant written with [unit]; "" otherwise
  std::string name;                    // kVariable
  Function function = Function::kExp;  // kCall
  std::vector<NodePtr> args;
};

// A syntax error; column is 1-based within the parsed text.
class SyntaxError : public std::invalid_argument {
 public:
  SyntaxError(const std::string& message, int column)
      : std::invalid_argument(message), column_(column) {}
  int column() const { return column_; }

 private:
  int column_;
};

// Parses one expression. Throws SyntaxError (unknown function, unbalanced parentheses, wrong
// number of arguments, trailing text, ...).
NodePtr parse(std::string_view source);

// Builders, so transformations need not spell out Node literals.
NodePtr constant(double value);
NodePtr variable(std::string name);
NodePtr binary(Op op, NodePtr a, NodePtr b);
NodePtr unary(Op op, NodePtr a);
NodePtr call(Function f, std::vector<NodePtr> args);
NodePtr if_then_else(NodePtr condition, NodePtr then_value, NodePtr else_value);

// Text that parse() reads back to an equal tree (minimal parentheses).
std::string to_string(const NodePtr& node);
std::string_view function_name(Function f);

// Every variable name the expression refers to.
std::set<std::string> referenced_names(const NodePtr& node);

// Replaces variables by expressions (others are kept).
NodePtr substitute(const NodePtr& node, const std::unordered_map<std::string, NodePtr>& values);

// Constant folding and algebraic identities (x+0, x*1, x*0, x^1, --x, ...); never changes the
// value where the original is defined.
NodePtr simplify(const NodePtr& node);

// d(node)/d(variable), simplified. abs, min, max, comparisons and if() are differentiated
// piecewise (if(c, a, b) -> if(c, da, db)); comparisons and logic have derivative 0.
NodePtr differentiate(const NodePtr& node, std::string_view variable);

// Reference tree-walking evaluator (tests and one-off values; use Program in hot loops).
// Throws std::out_of_range naming an unknown variable.
double evaluate(const NodePtr& node, const std::unordered_map<std::string, double>& values);

}  // namespace smartnano::expr

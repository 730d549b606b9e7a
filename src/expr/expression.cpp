// Expression trees: builders, printing, substitution, simplification and the reference
// evaluator. Transformations memoize on node identity, so a DAG with shared subtrees (as
// differentiate() produces) is processed in time linear in its number of distinct nodes.
#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "smartnano/expr/expression.h"

namespace smartnano::expr {
namespace {

[[maybe_unused]] int arity(Op op) {
  switch (op) {
    case Op::kConstant:
    case Op::kVariable:
      return 0;
    case Op::kNeg:
    case Op::kNot:
      return 1;
    case Op::kIf:
      return 3;
    case Op::kCall:
      return -1;
    default:
      return 2;
  }
}

// --- Evaluation of one operation on values (shared by evaluate() and constant folding) ------

double apply_function(Function f, const std::vector<double>& x) {
  switch (f) {
    case Function::kExp:
      return std::exp(x[0]);
    case Function::kLog:
      return std::log(x[0]);
    case Function::kLog10:
      return std::log10(x[0]);
    case Function::kSqrt:
      return std::sqrt(x[0]);
    case Function::kAbs:
      return std::fabs(x[0]);
    case Function::kSin:
      return std::sin(x[0]);
    case Function::kCos:
      return std::cos(x[0]);
    case Function::kTan:
      return std::tan(x[0]);
    case Function::kTanh:
      return std::tanh(x[0]);
    case Function::kFloor:
      return std::floor(x[0]);
    case Function::kCeil:
      return std::ceil(x[0]);
    case Function::kFactorial:
      return std::tgamma(x[0] + 1.0);
    case Function::kMin: {
      double result = x[0];
      for (std::size_t i = 1; i < x.size(); ++i) result = std::min(result, x[i]);
      return result;
    }
    case Function::kMax: {
      double result = x[0];
      for (std::size_t i = 1; i < x.size(); ++i) result = std::max(result, x[i]);
      return result;
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double truth(bool b) { return b ? 1.0 : 0.0; }

// Value of `node` given the values of its arguments.
double apply_op(const Node& node, const std::vector<double>& x) {
  switch (node.op) {
    case Op::kConstant:
      return node.value;
    case Op::kVariable:
      break;  // handled by the caller
    case Op::kAdd:
      return x[0] + x[1];
    case Op::kSub:
      return x[0] - x[1];
    case Op::kMul:
      return x[0] * x[1];
    case Op::kDiv:
      return x[0] / x[1];
    case Op::kPow:
      return std::pow(x[0], x[1]);
    case Op::kNeg:
      return -x[0];
    case Op::kLess:
      return truth(x[0] < x[1]);
    case Op::kLessEqual:
      return truth(x[0] <= x[1]);
    case Op::kGreater:
      return truth(x[0] > x[1]);
    case Op::kGreaterEqual:
      return truth(x[0] >= x[1]);
    case Op::kEqual:
      return truth(x[0] == x[1]);
    case Op::kNotEqual:
      return truth(x[0] != x[1]);
    case Op::kAnd:
      return truth(x[0] != 0.0 && x[1] != 0.0);
    case Op::kOr:
      return truth(x[0] != 0.0 || x[1] != 0.0);
    case Op::kNot:
      return truth(x[0] == 0.0);
    case Op::kIf:
      return x[0] != 0.0 ? x[1] : x[2];
    case Op::kCall:
      return apply_function(node.function, x);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// --- Printing --------------------------------------------------------------------------------

// Binding strength of the text to_string() writes for a node (higher binds tighter).
constexpr int kLevelOr = 1, kLevelAnd = 2, kLevelCompare = 3, kLevelSum = 4, kLevelProduct = 5,
              kLevelUnary = 6, kLevelPower = 7, kLevelPrimary = 8;

int level(const Node& node) {
  switch (node.op) {
    case Op::kConstant:
      return std::signbit(node.value) ? kLevelUnary : kLevelPrimary;  // "-2" is unary
    case Op::kOr:
      return kLevelOr;
    case Op::kAnd:
      return kLevelAnd;
    case Op::kLess:
    case Op::kLessEqual:
    case Op::kGreater:
    case Op::kGreaterEqual:
    case Op::kEqual:
    case Op::kNotEqual:
      return kLevelCompare;
    case Op::kAdd:
    case Op::kSub:
      return kLevelSum;
    case Op::kMul:
    case Op::kDiv:
      return kLevelProduct;
    case Op::kNeg:
    case Op::kNot:
      return kLevelUnary;
    case Op::kPow:
      return kLevelPower;
    default:
      return kLevelPrimary;
  }
}

std::string_view operator_text(Op op) {
  switch (op) {
    case Op::kAdd:
      return " + ";
    case Op::kSub:
      return " - ";
    case Op::kMul:
      return " * ";
    case Op::kDiv:
      return " / ";
    case Op::kPow:
      return "^";
    case Op::kLess:
      return " < ";
    case Op::kLessEqual:
      return " <= ";
    case Op::kGreater:
      return " > ";
    case Op::kGreaterEqual:
      return " >= ";
    case Op::kEqual:
      return " == ";
    case Op::kNotEqual:
      return " != ";
    case Op::kAnd:
      return " && ";
    case Op::kOr:
      return " || ";
    default:
      return " ? ";
  }
}

std::string number_text(double value) {
  if (std::isnan(value)) return "(0 / 0)";
  if (std::isinf(value)) return value > 0 ? "1e999" : "-1e999";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest exact
  return std::string(buffer, result.ptr);
}

void print(const Node& node, std::string& out);

void print_child(const Node& child, int min_level, std::string& out) {
  const bool parens = level(child) < min_level;
  if (parens) out += '(';
  print(child, out);
  if (parens) out += ')';
}

void print(const Node& node, std::string& out) {
  switch (node.op) {
    case Op::kConstant:
      out += number_text(node.value);
      if (!node.unit.empty()) out += "[" + node.unit + "]";
      return;
    case Op::kVariable:
      out += node.name;
      return;
    case Op::kNeg:
    case Op::kNot: {
      out += node.op == Op::kNeg ? '-' : '!';
      // "-(2)" keeps negation of a constant apart from the constant -2 (see parser.cpp).
      const Node& operand = *node.args[0];
      print_child(operand, operand.op == Op::kConstant ? kLevelPrimary + 1 : kLevelUnary, out);
      return;
    }
    case Op::kPow:
      print_child(*node.args[0], kLevelPrimary, out);
      out += '^';
      print_child(*node.args[1], kLevelUnary, out);
      return;
    case Op::kIf:
    case Op::kCall: {
      out += node.op == Op::kIf ? std::string_view("if") : function_name(node.function);
      out += '(';
      for (std::size_t i = 0; i < node.args.size(); ++i) {
        if (i > 0) out += ", ";
        print(*node.args[i], out);
      }
      out += ')';
      return;
    }
    default: {  // left-associative binary operators
      const int own = level(node);
      print_child(*node.args[0], own, out);
      out += operator_text(node.op);
      print_child(*node.args[1], own + 1, out);
      return;
    }
  }
}

// --- Simplification --------------------------------------------------------------------------

bool is_constant(const NodePtr& n, double value) {
  return n->op == Op::kConstant && n->value == value;
}

class Simplifier {
 public:
  NodePtr run(const NodePtr& node) {
    const auto found = memo_.find(node.get());
    if (found != memo_.end()) return found->second;
    NodePtr result = simplify_node(node);
    memo_.emplace(node.get(), result);  // keys stay alive: the caller holds the root
    return result;
  }

 private:
  NodePtr simplify_node(const NodePtr& node) {
    if (node->args.empty()) return node;
    std::vector<NodePtr> args;
    args.reserve(node->args.size());
    bool changed = false;
    bool all_constant = true;
    for (const auto& arg : node->args) {
      args.push_back(run(arg));
      changed = changed || args.back() != arg;
      all_constant = all_constant && args.back()->op == Op::kConstant;
    }
    if (all_constant) {
      std::vector<double> values;
      for (const auto& arg : args) values.push_back(arg->value);
      const double value = apply_op(*node, values);
      if (std::isfinite(value)) return constant(value);
      // A non-finite result (log(-1), 1/0, 0/0) stays written out, so the problem stays
      // visible; no identity may hide it either.
      if (!changed) return node;
      auto copy = std::make_shared<Node>(*node);
      copy->args = std::move(args);
      return copy;
    }
    if (NodePtr rewritten = identities(node->op, args)) return rewritten;
    if (!changed) return node;
    auto copy = std::make_shared<Node>(*node);
    copy->args = std::move(args);
    return copy;
  }

  // An identity that applies to op(args), or null.
  static NodePtr identities(Op op, const std::vector<NodePtr>& args) {
    switch (op) {
      case Op::kAdd:
        if (is_constant(args[0], 0.0)) return args[1];
        if (is_constant(args[1], 0.0)) return args[0];
        if (args[1]->op == Op::kNeg) return binary(Op::kSub, args[0], args[1]->args[0]);
        return nullptr;
      case Op::kSub:
        if (is_constant(args[1], 0.0)) return args[0];
        if (is_constant(args[0], 0.0)) return negate(args[1]);
        if (args[1]->op == Op::kNeg) return binary(Op::kAdd, args[0], args[1]->args[0]);
        return nullptr;
      case Op::kMul:
        if (is_constant(args[0], 0.0) || is_constant(args[1], 0.0)) return constant(0.0);
        if (is_constant(args[0], 1.0)) return args[1];
        if (is_constant(args[1], 1.0)) return args[0];
        if (is_constant(args[0], -1.0)) return negate(args[1]);
        if (is_constant(args[1], -1.0)) return negate(args[0]);
        return nullptr;
      case Op::kDiv:
        if (is_constant(args[0], 0.0)) return constant(0.0);
        if (is_constant(args[1], 1.0)) return args[0];
        return nullptr;
      case Op::kPow:
        if (is_constant(args[1], 0.0) || is_constant(args[0], 1.0)) return constant(1.0);
        if (is_constant(args[1], 1.0)) return args[0];
        return nullptr;
      case Op::kNeg:
        if (args[0]->op == Op::kNeg) return args[0]->args[0];
        return nullptr;
      case Op::kIf:
        if (args[0]->op == Op::kConstant) return args[0]->value != 0.0 ? args[1] : args[2];
        if (args[1] == args[2]) return args[1];
        if (args[1]->op == Op::kConstant && args[2]->op == Op::kConstant &&
            args[1]->value == args[2]->value) {
          return args[1];
        }
        return nullptr;
      default:
        return nullptr;
    }
  }

  static NodePtr negate(const NodePtr& x) {
    if (x->op == Op::kNeg) return x->args[0];
    if (x->op == Op::kConstant) return constant(-x->value);
    return unary(Op::kNeg, x);
  }

  std::unordered_map<const Node*, NodePtr> memo_;
};

// --- Traversals ------------------------------------------------------------------------------

void collect_names(const Node* node, std::unordered_map<const Node*, bool>& seen,
                   std::set<std::string>& names) {
  if (!seen.emplace(node, true).second) return;
  if (node->op == Op::kVariable) names.insert(node->name);
  for (const auto& arg : node->args) collect_names(arg.get(), seen, names);
}

NodePtr substitute_node(const NodePtr& node, const std::unordered_map<std::string, NodePtr>& values,
                        std::unordered_map<const Node*, NodePtr>& memo) {
  if (node->op == Op::kVariable) {
    const auto found = values.find(node->name);
    return found != values.end() ? found->second : node;
  }
  if (node->args.empty()) return node;
  const auto done = memo.find(node.get());
  if (done != memo.end()) return done->second;
  std::vector<NodePtr> args;
  bool changed = false;
  for (const auto& arg : node->args) {
    args.push_back(substitute_node(arg, values, memo));
    changed = changed || args.back() != arg;
  }
  NodePtr result = node;
  if (changed) {
    auto copy = std::make_shared<Node>(*node);
    copy->args = std::move(args);
    result = copy;
  }
  memo.emplace(node.get(), result);
  return result;
}

double evaluate_node(const Node& node, const std::unordered_map<std::string, double>& values) {
  switch (node.op) {
    case Op::kConstant:
      return node.value;
    case Op::kVariable: {
      const auto found = values.find(node.name);
      if (found == values.end()) {
        throw std::out_of_range("unknown variable '" + node.name + "'");
      }
      return found->second;
    }
    case Op::kAdd:
      return evaluate_node(*node.args[0], values) + evaluate_node(*node.args[1], values);
    case Op::kSub:
      return evaluate_node(*node.args[0], values) - evaluate_node(*node.args[1], values);
    case Op::kMul:
      return evaluate_node(*node.args[0], values) * evaluate_node(*node.args[1], values);
    case Op::kDiv:
      return evaluate_node(*node.args[0], values) / evaluate_node(*node.args[1], values);
    default: {
      // Every argument is evaluated, the branches of if() included, so an unknown name is
      // reported wherever it is; the value is that of the chosen branch only.
      std::vector<double> x;
      x.reserve(node.args.size());
      for (const auto& arg : node.args) x.push_back(evaluate_node(*arg, values));
      return apply_op(node, x);
    }
  }
}

}  // namespace

// --- Public functions ------------------------------------------------------------------------

NodePtr constant(double value) {
  auto node = std::make_shared<Node>();
  node->op = Op::kConstant;
  node->value = value;
  return node;
}

NodePtr variable(std::string name) {
  auto node = std::make_shared<Node>();
  node->op = Op::kVariable;
  node->name = std::move(name);
  return node;
}

NodePtr binary(Op op, NodePtr a, NodePtr b) {
  assert(arity(op) == 2 && a && b);
  auto node = std::make_shared<Node>();
  node->op = op;
  node->args = {std::move(a), std::move(b)};
  return node;
}

NodePtr unary(Op op, NodePtr a) {
  assert(arity(op) == 1 && a);
  auto node = std::make_shared<Node>();
  node->op = op;
  node->args = {std::move(a)};
  return node;
}

NodePtr call(Function f, std::vector<NodePtr> args) {
  assert(!args.empty());
  auto node = std::make_shared<Node>();
  node->op = Op::kCall;
  node->function = f;
  node->args = std::move(args);
  return node;
}

NodePtr if_then_else(NodePtr condition, NodePtr then_value, NodePtr else_value) {
  auto node = std::make_shared<Node>();
  node->op = Op::kIf;
  node->args = {std::move(condition), std::move(then_value), std::move(else_value)};
  return node;
}

std::string_view function_name(Function f) {
  switch (f) {
    case Function::kExp:
      return "exp";
    case Function::kLog:
      return "log";
    case Function::kLog10:
      return "log10";
    case Function::kSqrt:
      return "sqrt";
    case Function::kAbs:
      return "abs";
    case Function::kSin:
      return "sin";
    case Function::kCos:
      return "cos";
    case Function::kTan:
      return "tan";
    case Function::kTanh:
      return "tanh";
    case Function::kMin:
      return "min";
    case Function::kMax:
      return "max";
    case Function::kFloor:
      return "floor";
    case Function::kCeil:
      return "ceil";
    case Function::kFactorial:
      return "factorial";
  }
  return "?";
}

std::string to_string(const NodePtr& node) {
  std::string out;
  print(*node, out);
  return out;
}

std::set<std::string> referenced_names(const NodePtr& node) {
  std::set<std::string> names;
  std::unordered_map<const Node*, bool> seen;
  collect_names(node.get(), seen, names);
  return names;
}

NodePtr substitute(const NodePtr& node, const std::unordered_map<std::string, NodePtr>& values) {
  std::unordered_map<const Node*, NodePtr> memo;
  return substitute_node(node, values, memo);
}

NodePtr simplify(const NodePtr& node) { return Simplifier().run(node); }

double evaluate(const NodePtr& node, const std::unordered_map<std::string, double>& values) {
  return evaluate_node(*node, values);
}

}  // namespace smartnano::expr

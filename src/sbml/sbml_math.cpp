#include "sbml/sbml_math.h"

#include <cmath>

#include <fmt/format.h>
#include <sbml/math/ASTNode.h>

LIBSBML_CPP_NAMESPACE_USE

namespace smartnano::sbml::detail {
namespace {

using expr::binary;
using expr::call;
using expr::constant;
using expr::Function;
using expr::NodePtr;
using expr::Op;

class Translator {
 public:
  explicit Translator(const MathContext& context) : c_(context) {}

  NodePtr operator()(const ::ASTNode* node) {
    if (node == nullptr) return unsupported("missing math");
    const unsigned n = node->getNumChildren();
    auto arg = [&](unsigned i) { return (*this)(node->getChild(i)); };
    switch (node->getType()) {
      case ::AST_INTEGER:
      case ::AST_REAL:
      case ::AST_REAL_E:
      case ::AST_RATIONAL: {
        const double v = node->getType() == AST_INTEGER ? static_cast<double>(node->getInteger())
                                                        : node->getReal();
        if (!std::isfinite(v)) return unsupported("an infinite or NaN number (UncommonMathML)");
        return constant(v);
      }
      case ::AST_NAME:
        return name(node->getName() ? node->getName() : "");
      case ::AST_NAME_TIME:
        return c_.time;
      case ::AST_NAME_AVOGADRO:
        return constant(6.02214076e23);
      case ::AST_CONSTANT_E:
        return call(Function::kExp, {constant(1.0)});
      case ::AST_CONSTANT_PI:
        return constant(3.14159265358979323846);
      case ::AST_CONSTANT_TRUE:
        return constant(1.0);
      case ::AST_CONSTANT_FALSE:
        return constant(0.0);
      case ::AST_PLUS:
        return fold(node, Op::kAdd, 0.0);
      case ::AST_TIMES:
        return fold(node, Op::kMul, 1.0);
      case ::AST_MINUS:
        if (n == 1) return expr::unary(Op::kNeg, arg(0));
        if (n == 2) return binary(Op::kSub, arg(0), arg(1));
        return unsupported("minus with more than two arguments");
      case ::AST_DIVIDE:
        if (n != 2) return unsupported("divide without two arguments");
        return binary(Op::kDiv, arg(0), arg(1));
      case ::AST_POWER:
      case ::AST_FUNCTION_POWER:
        if (n != 2) return unsupported("power without two arguments");
        return binary(Op::kPow, arg(0), arg(1));
      case ::AST_FUNCTION_ROOT:
        if (n == 1) return call(Function::kSqrt, {arg(0)});
        if (node->isSqrt()) return call(Function::kSqrt, {arg(1)});
        if (n != 2) return unsupported("root without one or two arguments");
        return binary(Op::kPow, arg(1), binary(Op::kDiv, constant(1.0), arg(0)));
      case ::AST_FUNCTION_ABS:
        return unary_call(node, Function::kAbs);
      case ::AST_FUNCTION_EXP:
        return unary_call(node, Function::kExp);
      case ::AST_FUNCTION_LN:
        return unary_call(node, Function::kLog);
      case ::AST_FUNCTION_LOG:
        if (n == 1 || node->isLog10()) return call(Function::kLog10, {arg(n - 1)});
        if (n != 2) return unsupported("log without one or two arguments");
        return binary(Op::kDiv, call(Function::kLog, {arg(1)}), call(Function::kLog, {arg(0)}));
      case ::AST_FUNCTION_FLOOR:
        return unary_call(node, Function::kFloor);
      case ::AST_FUNCTION_CEILING:
        return unary_call(node, Function::kCeil);
      case ::AST_FUNCTION_FACTORIAL:
        return unary_call(node, Function::kFactorial);
      case ::AST_FUNCTION_SIN:
        return unary_call(node, Function::kSin);
      case ::AST_FUNCTION_COS:
        return unary_call(node, Function::kCos);
      case ::AST_FUNCTION_TAN:
        return unary_call(node, Function::kTan);
      case ::AST_FUNCTION_TANH:
        return unary_call(node, Function::kTanh);
      case ::AST_FUNCTION_SINH:
      case ::AST_FUNCTION_COSH: {
        if (n != 1) return unsupported("sinh or cosh without one argument");
        const NodePtr x = arg(0);
        const NodePtr ex = call(Function::kExp, {x});
        const NodePtr emx = call(Function::kExp, {expr::unary(Op::kNeg, x)});
        const Op op = node->getType() == ::AST_FUNCTION_SINH ? Op::kSub : Op::kAdd;
        return binary(Op::kDiv, binary(op, ex, emx), constant(2.0));
      }
      case ::AST_FUNCTION_SEC:
      case ::AST_FUNCTION_CSC:
      case ::AST_FUNCTION_COT: {
        if (n != 1) return unsupported("sec, csc or cot without one argument");
        const auto t = node->getType();
        const Function f = t == ::AST_FUNCTION_SEC   ? Function::kCos
                           : t == ::AST_FUNCTION_CSC ? Function::kSin
                                                     : Function::kTan;
        return binary(Op::kDiv, constant(1.0), call(f, {arg(0)}));
      }
      case ::AST_FUNCTION_MAX:
      case ::AST_FUNCTION_MIN: {
        if (n == 0) return unsupported("min or max without arguments");
        if (n == 1) return arg(0);
        std::vector<NodePtr> args;
        for (unsigned i = 0; i < n; ++i) args.push_back(arg(i));
        return call(node->getType() == ::AST_FUNCTION_MAX ? Function::kMax : Function::kMin,
                    std::move(args));
      }
      case ::AST_LOGICAL_AND:
        return fold(node, Op::kAnd, 1.0);
      case ::AST_LOGICAL_OR:
        return fold(node, Op::kOr, 0.0);
      case ::AST_LOGICAL_XOR: {
        // Logical values are 1 and 0, so "exactly one of two" is "they differ".
        if (n == 0) return constant(0.0);
        NodePtr result = truth(arg(0));
        for (unsigned i = 1; i < n; ++i) result = binary(Op::kNotEqual, result, truth(arg(i)));
        return result;
      }
      case ::AST_LOGICAL_NOT:
        if (n != 1) return unsupported("not without one argument");
        return expr::unary(Op::kNot, arg(0));
      case ::AST_RELATIONAL_EQ:
        return chain(node, Op::kEqual);
      case ::AST_RELATIONAL_NEQ:
        if (n != 2) return unsupported("neq without two arguments");
        return binary(Op::kNotEqual, arg(0), arg(1));
      case ::AST_RELATIONAL_GEQ:
        return chain(node, Op::kGreaterEqual);
      case ::AST_RELATIONAL_GT:
        return chain(node, Op::kGreater);
      case ::AST_RELATIONAL_LEQ:
        return chain(node, Op::kLessEqual);
      case ::AST_RELATIONAL_LT:
        return chain(node, Op::kLess);
      case ::AST_FUNCTION_PIECEWISE: {
        // piece(value, condition)..., otherwise: if(c1, v1, if(c2, v2, ... otherwise)).
        // Without otherwise and no condition true, the value is undefined (NaN).
        NodePtr result = n % 2 == 1 ? arg(n - 1) : binary(Op::kDiv, constant(0.0), constant(0.0));
        for (unsigned i = n - n % 2; i >= 2; i -= 2) {
          result = expr::if_then_else(arg(i - 1), arg(i - 2), result);
        }
        return result;
      }
      case ::AST_FUNCTION:
        return user_function(node);
      case ::AST_FUNCTION_DELAY:
        return unsupported("the delay function (CSymbolDelay)");
      case ::AST_FUNCTION_RATE_OF:
        return unsupported("the rateOf function (CSymbolRateOf)");
      default: {
        const char* text = node->getName();
        return unsupported(
            fmt::format("the MathML function '{}' (UncommonMathML)", text != nullptr ? text : "?"));
      }
    }
  }

 private:
  NodePtr unsupported(const std::string& what) {
    if (c_.unsupported != nullptr) {
      c_.unsupported->push_back(c_.where.empty() ? what : fmt::format("{} in {}", what, c_.where));
    }
    return constant(0.0);
  }

  NodePtr name(const std::string& id) {
    if (c_.local != nullptr) {
      if (auto it = c_.local->find(id); it != c_.local->end()) return expr::variable(it->second);
    }
    if (c_.names != nullptr) {
      if (auto it = c_.names->find(id); it != c_.names->end()) return expr::variable(it->second);
    }
    return expr::variable(id);
  }

  // 1 or 0 for any value (MathML logical operands are already logical; this keeps xor exact).
  static NodePtr truth(const NodePtr& x) {
    return expr::binary(Op::kNotEqual, x, expr::constant(0.0));
  }

  NodePtr unary_call(const ::ASTNode* node, Function f) {
    if (node->getNumChildren() != 1) {
      return unsupported(fmt::format("{} without one argument", expr::function_name(f)));
    }
    return call(f, {(*this)(node->getChild(0))});
  }

  NodePtr fold(const ::ASTNode* node, Op op, double empty) {
    const unsigned n = node->getNumChildren();
    if (n == 0) return constant(empty);
    NodePtr result = (*this)(node->getChild(0));
    for (unsigned i = 1; i < n; ++i) result = binary(op, result, (*this)(node->getChild(i)));
    return result;
  }

  // a < b < c is a < b && b < c.
  NodePtr chain(const ::ASTNode* node, Op op) {
    const unsigned n = node->getNumChildren();
    if (n < 2) return unsupported("a comparison with fewer than two arguments");
    NodePtr result;
    NodePtr left = (*this)(node->getChild(0));
    for (unsigned i = 1; i < n; ++i) {
      NodePtr right = (*this)(node->getChild(i));
      NodePtr pair = binary(op, left, right);
      result = result ? binary(Op::kAnd, result, pair) : pair;
      left = right;
    }
    return result;
  }

  NodePtr user_function(const ::ASTNode* node) {
    const std::string id = node->getName() ? node->getName() : "";
    const auto it =
        c_.functions != nullptr ? c_.functions->find(id) : decltype(c_.functions->end()){};
    if (c_.functions == nullptr || it == c_.functions->end()) {
      return unsupported(fmt::format("a call of '{}', which is not a function definition", id));
    }
    const Lambda& lambda = it->second;
    if (lambda.arguments.size() != node->getNumChildren()) {
      return unsupported(fmt::format("function '{}' called with {} arguments, defined with {}", id,
                                     node->getNumChildren(), lambda.arguments.size()));
    }
    std::unordered_map<std::string, NodePtr> values;
    for (unsigned i = 0; i < node->getNumChildren(); ++i) {
      values[lambda.arguments[i]] = (*this)(node->getChild(i));
    }
    return expr::substitute(lambda.body, values);
  }

  const MathContext& c_;
};

}  // namespace

expr::NodePtr translate_math(const ::ASTNode* node, const MathContext& context) {
  return Translator(context)(node);
}

}  // namespace smartnano::sbml::detail

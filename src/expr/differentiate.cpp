// Symbolic differentiation. The derivative is built as a DAG that shares the subtrees of the
// original expression (d(exp(a)) = exp(a) * da reuses the node exp(a)), memoized per node, and
// then simplified once, so the cost is linear in the number of distinct nodes.
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "smartnano/expr/expression.h"

namespace smartnano::expr {
namespace {

class Differentiator {
 public:
  explicit Differentiator(std::string_view variable) : variable_(variable) {}

  NodePtr derivative(const NodePtr& node) {
    const auto found = derivatives_.find(node.get());
    if (found != derivatives_.end()) return found->second;
    NodePtr result = depends(node) ? rule(node) : constant(0.0);
    derivatives_.emplace(node.get(), result);  // keys stay alive: the caller holds the root
    return result;
  }

 private:
  // Whether `node` refers to the variable at all.
  bool depends(const NodePtr& node) {
    if (node->op == Op::kVariable) return node->name == variable_;
    if (node->args.empty()) return false;
    const auto found = depends_.find(node.get());
    if (found != depends_.end()) return found->second;
    bool result = false;
    for (const auto& arg : node->args) result = result || depends(arg);
    depends_.emplace(node.get(), result);
    return result;
  }

  NodePtr rule(const NodePtr& node) {
    const auto& args = node->args;
    auto d = [&](std::size_t i) { return derivative(args[i]); };
    switch (node->op) {
      case Op::kConstant:
        return constant(0.0);
      case Op::kVariable:
        return constant(1.0);  // depends() said it is the variable
      case Op::kAdd:
        return binary(Op::kAdd, d(0), d(1));
      case Op::kSub:
        return binary(Op::kSub, d(0), d(1));
      case Op::kMul:
        return binary(Op::kAdd, binary(Op::kMul, d(0), args[1]), binary(Op::kMul, args[0], d(1)));
      case Op::kDiv:  // a'/b - a*b'/b^2
        return binary(Op::kSub, binary(Op::kDiv, d(0), args[1]),
                      binary(Op::kDiv, binary(Op::kMul, args[0], d(1)),
                             binary(Op::kPow, args[1], constant(2.0))));
      case Op::kPow:
        return power_rule(node);
      case Op::kNeg:
        return unary(Op::kNeg, d(0));
      case Op::kIf:
        return if_then_else(args[0], d(1), d(2));
      case Op::kCall:
        return call_rule(node);
      default:  // comparisons and logic: piecewise constant
        return constant(0.0);
    }
  }

  NodePtr power_rule(const NodePtr& node) {
    const NodePtr& a = node->args[0];
    const NodePtr& b = node->args[1];
    if (!depends(b)) {  // b * a^(b-1) * a'
      const NodePtr b_minus_one =
          b->op == Op::kConstant ? constant(b->value - 1.0) : binary(Op::kSub, b, constant(1.0));
      return binary(Op::kMul, binary(Op::kMul, b, binary(Op::kPow, a, b_minus_one)), derivative(a));
    }
    if (!depends(a)) {  // a^b * log(a) * b'
      return binary(Op::kMul, binary(Op::kMul, node, call(Function::kLog, {a})), derivative(b));
    }
    // a^b * (b' * log(a) + b * a' / a)
    return binary(Op::kMul, node,
                  binary(Op::kAdd, binary(Op::kMul, derivative(b), call(Function::kLog, {a})),
                         binary(Op::kDiv, binary(Op::kMul, b, derivative(a)), a)));
  }

  NodePtr call_rule(const NodePtr& node) {
    const auto& args = node->args;
    if (node->function == Function::kMin || node->function == Function::kMax) {
      if (args.size() > 2) {  // min(a, b, c) = min(min(a, b), c)
        NodePtr folded = call(node->function, {args[0], args[1]});
        for (std::size_t i = 2; i < args.size(); ++i) {
          folded = call(node->function, {folded, args[i]});
        }
        temporaries_.push_back(folded);  // its address is a memo key
        return derivative(folded);
      }
      if (args.size() == 1) return derivative(args[0]);
      // std::min(a, b) is a unless b < a; std::max(a, b) is a unless a < b.
      const Op keeps_first = node->function == Function::kMin ? Op::kLessEqual : Op::kGreaterEqual;
      return if_then_else(binary(keeps_first, args[0], args[1]), derivative(args[0]),
                          derivative(args[1]));
    }
    const NodePtr& a = args[0];
    const NodePtr da = derivative(a);
    auto times_da = [&](NodePtr factor) { return binary(Op::kMul, std::move(factor), da); };
    auto square = [](const NodePtr& x) { return binary(Op::kPow, x, constant(2.0)); };
    switch (node->function) {
      case Function::kExp:
        return times_da(node);
      case Function::kLog:
        return binary(Op::kDiv, da, a);
      case Function::kLog10:
        return binary(Op::kDiv, da, binary(Op::kMul, a, constant(std::log(10.0))));
      case Function::kSqrt:
        return binary(Op::kDiv, da, binary(Op::kMul, constant(2.0), node));
      case Function::kAbs:
        return times_da(if_then_else(binary(Op::kGreaterEqual, a, constant(0.0)), constant(1.0),
                                     constant(-1.0)));
      case Function::kSin:
        return times_da(call(Function::kCos, {a}));
      case Function::kCos:
        return times_da(unary(Op::kNeg, call(Function::kSin, {a})));
      case Function::kTan:
        return times_da(binary(Op::kAdd, constant(1.0), square(node)));
      case Function::kTanh:
        return times_da(binary(Op::kSub, constant(1.0), square(node)));
      case Function::kFloor:
      case Function::kCeil:
      case Function::kFactorial:
        // Piecewise constant (floor, ceil), or defined for the model's whole numbers (factorial):
        // no slope for the Jacobian.
        return constant(0.0);
      case Function::kMin:
      case Function::kMax:
        break;  // handled above
    }
    return constant(0.0);
  }

  std::string variable_;
  std::unordered_map<const Node*, NodePtr> derivatives_;
  std::unordered_map<const Node*, bool> depends_;
  std::vector<NodePtr> temporaries_;  // nodes made here that are memo keys
};

}  // namespace

NodePtr differentiate(const NodePtr& node, std::string_view variable) {
  Differentiator differentiator(variable);
  const NodePtr raw = differentiator.derivative(node);
  return simplify(raw);
}

}  // namespace smartnano::expr

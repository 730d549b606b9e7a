#include "model/unit_check.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace smartnano::model {
namespace {

using expr::Function;
using expr::NodePtr;
using expr::Op;

units::Unit dimensionless() { return units::Unit{}; }

std::string show(const units::Unit& u) {
  return u.dimensionless() && u.scale == 1.0 ? std::string("1 (dimensionless)")
                                             : fmt::format("'{}'", u.text.empty() ? "1" : u.text);
}

NodePtr scaled(const NodePtr& node, double factor) {
  if (factor == 1.0) return node;
  return expr::binary(Op::kMul, node, expr::constant(factor));
}

bool is_bare_zero(const Annotated& a) {
  return a.bare_number && a.node->op == Op::kConstant && a.node->value == 0.0;
}

// Brings b to a's unit (or a to b's when a is a bare zero). Returns the common unit.
units::Unit unify(Annotated& a, Annotated& b, const NodePtr& whole) {
  if (is_bare_zero(b)) return a.unit;
  if (is_bare_zero(a)) return b.unit;
  if (!(a.unit.dimension == b.unit.dimension)) {
    throw std::invalid_argument(fmt::format(
        "in '{}': {} and {} have different dimensions ({} vs {}){}", expr::to_string(whole),
        show(a.unit), show(b.unit), a.unit.dimension.to_string(), b.unit.dimension.to_string(),
        (a.bare_number || b.bare_number) ? "; write numbers with units, e.g. 5[L/h]" : ""));
  }
  b.node = scaled(b.node, b.unit.scale / a.unit.scale);
  return a.unit;
}

// A dimensionless argument at scale 1 (so 50 % enters exp() as 0.5).
NodePtr plain_number(const Annotated& a, const NodePtr& whole, const char* role) {
  if (!a.unit.dimensionless()) {
    throw std::invalid_argument(fmt::format("in '{}': {} must be dimensionless, not {} ({})",
                                            expr::to_string(whole), role, show(a.unit),
                                            a.unit.dimension.to_string()));
  }
  return scaled(a.node, a.unit.scale);
}

}  // namespace

Annotated annotate_units(const NodePtr& node, const UnitLookup& lookup) {
  switch (node->op) {
    case Op::kConstant: {
      if (node->unit.empty()) return {node, dimensionless(), true};
      try {
        return {expr::constant(node->value), units::parse_unit(node->unit), false};
      } catch (const units::UnitError& e) {
        throw std::invalid_argument(fmt::format("in '{}': {}", expr::to_string(node), e.what()));
      }
    }
    case Op::kVariable: {
      const units::Unit* u = lookup(node->name);
      if (u == nullptr) throw std::invalid_argument(fmt::format("undefined name '{}'", node->name));
      return {node, *u, false};
    }
    default:
      break;
  }
  std::vector<Annotated> args;
  for (const auto& arg : node->args) args.push_back(annotate_units(arg, lookup));
  auto rebuilt = [&](Op op) {
    if (args.size() == 1) return expr::unary(op, args[0].node);
    return expr::binary(op, args[0].node, args[1].node);
  };
  switch (node->op) {
    case Op::kAdd:
    case Op::kSub: {
      const units::Unit u = unify(args[0], args[1], node);
      return {rebuilt(node->op), u, args[0].bare_number && args[1].bare_number};
    }
    case Op::kLess:
    case Op::kLessEqual:
    case Op::kGreater:
    case Op::kGreaterEqual:
    case Op::kEqual:
    case Op::kNotEqual:
      unify(args[0], args[1], node);
      return {rebuilt(node->op), dimensionless(), false};
    case Op::kAnd:
    case Op::kOr:
    case Op::kNot:
      return {rebuilt(node->op), dimensionless(), false};
    case Op::kNeg:
      return {rebuilt(node->op), args[0].unit, args[0].bare_number};
    case Op::kMul:
      return {rebuilt(node->op), args[0].unit * args[1].unit,
              args[0].bare_number && args[1].bare_number};
    case Op::kDiv:
      return {rebuilt(node->op), args[0].unit / args[1].unit,
              args[0].bare_number && args[1].bare_number};
    case Op::kPow: {
      NodePtr exponent = plain_number(args[1], node, "an exponent");
      if (args[0].unit.dimensionless()) {
        return {expr::binary(Op::kPow, plain_number(args[0], node, "the base"), exponent),
                dimensionless(), args[0].bare_number && args[1].bare_number};
      }
      const NodePtr folded = expr::simplify(exponent);
      const double n = folded->op == Op::kConstant ? folded->value : std::nan("");
      if (std::isfinite(n) && n == std::round(n) && std::abs(n) <= 12) {
        return {expr::binary(Op::kPow, args[0].node, folded), args[0].unit.pow(static_cast<int>(n)),
                false};
      }
      if (std::isfinite(n) && 2 * n == std::round(2 * n)) {
        try {
          units::Unit root = args[0].unit.pow(static_cast<int>(std::round(2 * n)));
          root.dimension = root.dimension.root(2);
          root.scale = std::sqrt(root.scale);
          root.text = fmt::format("({})^{}", args[0].unit.text, n);
          return {expr::binary(Op::kPow, args[0].node, folded), root, false};
        } catch (const std::domain_error&) {
        }
      }
      throw std::invalid_argument(fmt::format(
          "in '{}': {} raised to a power that is not a whole number; divide by a reference "
          "value with a unit first, e.g. (WT / 70[kg])^0.75",
          expr::to_string(node), show(args[0].unit)));
    }
    case Op::kIf: {
      const units::Unit u = unify(args[1], args[2], node);
      return {expr::if_then_else(args[0].node, args[1].node, args[2].node), u, false};
    }
    case Op::kCall: {
      std::vector<NodePtr> converted;
      switch (node->function) {
        case Function::kAbs:
          return {expr::call(node->function, {args[0].node}), args[0].unit, args[0].bare_number};
        case Function::kSqrt: {
          units::Unit u = args[0].unit;
          try {
            u.dimension = u.dimension.root(2);
          } catch (const std::domain_error&) {
            throw std::invalid_argument(fmt::format("in '{}': square root of {} has no unit",
                                                    expr::to_string(node), show(args[0].unit)));
          }
          u.scale = std::sqrt(u.scale);
          u.text = fmt::format("({})^0.5", u.text);
          return {expr::call(node->function, {args[0].node}), u, args[0].bare_number};
        }
        case Function::kMin:
        case Function::kMax: {
          units::Unit u = args[0].unit;
          for (std::size_t i = 1; i < args.size(); ++i) u = unify(args[0], args[i], node);
          for (auto& a : args) converted.push_back(a.node);
          return {expr::call(node->function, converted), u, false};
        }
        default:
          for (auto& a : args) converted.push_back(plain_number(a, node, "the argument"));
          return {expr::call(node->function, converted), dimensionless(), false};
      }
    }
    default:
      throw std::logic_error("annotate_units: unhandled operator");
  }
}

NodePtr convert_to(const Annotated& a, const units::Unit& target, const std::string& what) {
  // A bare number assigned to something with a unit is read in that unit ("initial: 50").
  if (a.bare_number) return a.node;
  if (!(a.unit.dimension == target.dimension)) {
    throw std::invalid_argument(
        fmt::format("{} has unit {} ({}) but must be in {} ({}){}", what, show(a.unit),
                    a.unit.dimension.to_string(), show(target), target.dimension.to_string(),
                    a.bare_number ? "; write numbers with units, e.g. 2[h]" : ""));
  }
  return expr::simplify(scaled(a.node, a.unit.scale / target.scale));
}

}  // namespace smartnano::model

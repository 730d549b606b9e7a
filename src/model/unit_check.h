// Dimensional analysis of model expressions.
//
// Every sub-expression gets a unit. Where two operands must agree (+, -, comparisons, min, max,
// both branches of if) the right one is converted to the left one's unit by inserting a
// constant factor, so "CL + Q" works with CL in L/h and Q in mL/min; a dimension mismatch is an
// error. Bare numbers are dimensionless, except a bare 0, which fits any unit.
#pragma once

#include <functional>
#include <string>

#include "smartnano/core/units.h"
#include "smartnano/expr/expression.h"

namespace smartnano::model {

struct Annotated {
  expr::NodePtr node;  // with conversion factors inserted
  units::Unit unit;
  bool bare_number = false;  // a number without a [unit]
};

// Unit of a name, or nullptr when the name is unknown.
using UnitLookup = std::function<const units::Unit*(const std::string&)>;

// Throws std::invalid_argument with a readable message on a dimension error or unknown name.
Annotated annotate_units(const expr::NodePtr& node, const UnitLookup& lookup);

// `a` expressed in `target` (multiplied by the conversion factor when it is not 1); a bare
// number is taken to be in `target` already. Throws
// std::invalid_argument naming `what` when the dimensions differ.
expr::NodePtr convert_to(const Annotated& a, const units::Unit& target, const std::string& what);

}  // namespace smartnano::model

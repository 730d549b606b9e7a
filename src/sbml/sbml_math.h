// SBML MathML (libSBML abstract syntax trees) to engine expressions.
//
// Names are renamed to the engine's names, calls of function definitions are inlined (their
// bodies with the arguments substituted for the bound variables), and MathML operators become
// the expression language's (docs/sbml.md lists the mapping). What has no equivalent is
// recorded as an unsupported feature, and a placeholder 0 is returned.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "smartnano/expr/expression.h"

#include <sbml/common/libsbml-namespace.h>

LIBSBML_CPP_NAMESPACE_BEGIN
class ASTNode;
LIBSBML_CPP_NAMESPACE_END

namespace smartnano::sbml::detail {

// A function definition: lambda(x, y, ..., body), body over the bound variables' own names.
struct Lambda {
  std::vector<std::string> arguments;
  expr::NodePtr body;
};

struct MathContext {
  // SBML id -> engine name (a name absent from both maps is kept as written: bound variables).
  const std::unordered_map<std::string, std::string>* names = nullptr;
  const std::unordered_map<std::string, std::string>* local = nullptr;  // local parameters first
  const std::unordered_map<std::string, Lambda>* functions = nullptr;
  expr::NodePtr time;                               // what the csymbol time becomes
  std::vector<std::string>* unsupported = nullptr;  // features met, one message each
  std::string where;                                // "the kinetic law of reaction 'R1'", ...
};

expr::NodePtr translate_math(const LIBSBML_CPP_NAMESPACE_QUALIFIER ASTNode* node,
                             const MathContext& context);

}  // namespace smartnano::sbml::detail

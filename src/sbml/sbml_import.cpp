#include "smartnano/sbml/sbml_import.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <sbml/SBMLTypes.h>
#include <nlohmann/json.hpp>

LIBSBML_CPP_NAMESPACE_USE

#include "sbml/sbml_math.h"
#include "smartnano/core/text.h"

namespace smartnano::sbml {

using expr::NodePtr;

UnsupportedSbml::UnsupportedSbml(SourceLocation where, std::vector<std::string> features)
    : InputError(std::move(where),
                 [&] {
                   std::string message = "the SBML model uses features smartnano does not support:";
                   for (const auto& f : features) message += "\n  - " + f;
                   return message;
                 }()),
      features_(std::move(features)) {}

std::vector<std::string> SbmlImportOptions::validate() const {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].id.empty()) problems.push_back(fmt::format("output {} has no SBML id", i + 1));
  }
  return problems;
}

bool is_sbml_path(const std::string& path) {
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.ends_with(".xml") || lower.ends_with(".sbml");
}

namespace {

// A YAML double-quoted scalar (JSON strings are YAML).
std::string quoted(const std::string& text) { return nlohmann::json(text).dump(); }

std::string number(double value) { return expr::to_string(expr::constant(value)); }

// What an SBML id becomes in the engine.
enum class Kind { kParameter, kState, kDerived };

struct Entry {
  Kind kind = Kind::kParameter;
  std::string name;         // engine name
  std::string description;  // what it was in SBML
  double value = 0.0;       // kParameter
  NodePtr expression;       // kDerived: its value; kState: its derivative (per time unit)
  NodePtr initial;          // kState: raw initial value (resolved when written)
  bool inline_initially =
      false;  // kDerived from a rule or a kinetic law: inlined in initial values
};

struct SpeciesInfo {
  std::string compartment;  // engine name of its compartment
  bool amount = false;      // the id means an amount (hasOnlySubstanceUnits)
};

class Importer {
 public:
  Importer(const ::Model& model, std::string file, const SbmlImportOptions& options)
      : m_(model), file_(std::move(file)), options_(options) {}

  SbmlImport run() {
    collect_targets();
    choose_time_unit();
    name_everything();
    read_functions();
    read_compartments();
    read_parameters();
    read_species();
    read_reactions();
    read_rules();
    read_events();
    check_compartments_are_constant();
    if (!unsupported_.empty()) throw UnsupportedSbml({file_, 0, 0, ""}, unsupported_);
    SbmlImport result;
    result.model_name = model_name();
    result.renamed = renamed_;
    result.time_unit = time_unit_;
    result.yaml = write(result.output_names);
    if (!unsupported_.empty()) throw UnsupportedSbml({file_, 0, 0, ""}, unsupported_);
    return result;
  }

 private:
  // --- what sets what ----------------------------------------------------------------------
  void collect_targets() {
    for (unsigned i = 0; i < m_.getNumRules(); ++i) {
      const ::Rule* r = m_.getRule(i);
      if (r->isAlgebraic()) {
        unsupported_.push_back(fmt::format("an algebraic rule (AlgebraicRule){}", line_of(r)));
        continue;
      }
      (r->isAssignment() ? assignment_rules_ : rate_rules_)[r->getVariable()] = r;
    }
    for (unsigned i = 0; i < m_.getNumInitialAssignments(); ++i) {
      const ::InitialAssignment* a = m_.getInitialAssignment(i);
      initial_assignments_[a->getSymbol()] = a;
    }
    for (unsigned i = 0; i < m_.getNumEvents(); ++i) {
      const ::Event* e = m_.getEvent(i);
      for (unsigned j = 0; j < e->getNumEventAssignments(); ++j) {
        event_targets_.insert(e->getEventAssignment(j)->getVariable());
      }
    }
    if (m_.getLevel() >= 3 && m_.isSetConversionFactor()) {
      unsupported_.push_back("a model conversion factor (ConversionFactors)");
    }
  }

  std::string line_of(const ::SBase* s) const {
    return s->getLine() > 0 ? fmt::format(" at line {}", s->getLine()) : "";
  }

  void choose_time_unit() {
    std::string id = m_.getLevel() >= 3 ? m_.getTimeUnits() : "time";
    if (id.empty() || id == "second") return;
    const ::UnitDefinition* d = m_.getUnitDefinition(id);
    if (d == nullptr || d->getNumUnits() != 1) return;
    const ::Unit* u = d->getUnit(0);
    if (u->getKind() != ::UNIT_KIND_SECOND || u->getExponentAsDouble() != 1.0) return;
    const double seconds = u->getMultiplier() * std::pow(10.0, u->getScale());
    const std::pair<double, const char*> known[] = {
        {1.0, "s"}, {60.0, "min"}, {3600.0, "h"}, {86400.0, "d"}, {604800.0, "wk"}};
    for (const auto& [factor, text] : known) {
      if (std::abs(seconds - factor) <= 1e-12 * factor) time_unit_ = text;
    }
  }

  // --- names -------------------------------------------------------------------------------
  void name_everything() {
    std::vector<std::string> ids;
    for (unsigned i = 0; i < m_.getNumCompartments(); ++i)
      ids.push_back(m_.getCompartment(i)->getId());
    for (unsigned i = 0; i < m_.getNumSpecies(); ++i) ids.push_back(m_.getSpecies(i)->getId());
    for (unsigned i = 0; i < m_.getNumParameters(); ++i) ids.push_back(m_.getParameter(i)->getId());
    for (unsigned i = 0; i < m_.getNumReactions(); ++i) ids.push_back(m_.getReaction(i)->getId());
    for (const auto& id : ids) used_.insert(id);
    for (const auto& id : ids) {
      // `t` is the engine's time; the engine's function names are fine as plain names.
      names_[id] = id == "t" ? fresh(id + "_sbml") : id;
      if (names_[id] != id) renamed_[id] = names_[id];
    }
    auto unit = std::make_shared<expr::Node>();
    unit->value = 1.0;
    unit->unit = time_unit_;
    per_time_ = unit;
    time_ = expr::binary(expr::Op::kDiv, expr::variable("t"), unit);  // time as a number
  }

  std::string fresh(const std::string& wanted) {
    std::string name = wanted;
    while (used_.count(name) > 0 || name == "t") name += "_";
    used_.insert(name);
    return name;
  }

  detail::MathContext context(std::string where,
                              const std::unordered_map<std::string, std::string>* local = nullptr) {
    detail::MathContext c;
    c.names = &names_;
    c.local = local;
    c.functions = &functions_;
    c.time = time_;
    c.unsupported = &unsupported_;
    c.where = std::move(where);
    return c;
  }

  NodePtr math(const ::ASTNode* node, const std::string& where,
               const std::unordered_map<std::string, std::string>* local = nullptr) {
    return detail::translate_math(node, context(where, local));
  }

  void read_functions() {
    for (unsigned i = 0; i < m_.getNumFunctionDefinitions(); ++i) {
      const ::FunctionDefinition* f = m_.getFunctionDefinition(i);
      detail::Lambda lambda;
      for (unsigned k = 0; k < f->getNumArguments(); ++k) {
        const char* name = f->getArgument(k)->getName();
        lambda.arguments.emplace_back(name != nullptr ? name : "");
      }
      detail::MathContext c = context(fmt::format("function definition '{}'", f->getId()));
      c.names = nullptr;  // the body speaks of its bound variables only
      lambda.body = detail::translate_math(f->getBody(), c);
      functions_[f->getId()] = std::move(lambda);
    }
  }

  // --- symbols -----------------------------------------------------------------------------
  Entry& add(const std::string& id, Kind kind, std::string description) {
    Entry& e = entries_[id];
    e.kind = kind;
    e.name = names_.at(id);
    e.description = std::move(description);
    order_.push_back(id);
    return e;
  }

  // A symbol with a constant or initially-assigned value that rules may change.
  void read_value_symbol(const std::string& id, const ::SBase* s, bool has_value, double value,
                         const std::string& what) {
    const std::string description = fmt::format("SBML {} '{}'", what, id);
    if (auto it = assignment_rules_.find(id); it != assignment_rules_.end()) {
      Entry& e = add(id, Kind::kDerived, description + " (assignment rule)");
      e.expression = math(it->second->getMath(), fmt::format("the assignment rule of '{}'", id));
      e.inline_initially = true;
      return;
    }
    const auto ia = initial_assignments_.find(id);
    NodePtr initial;
    if (ia != initial_assignments_.end()) {
      initial = math(ia->second->getMath(), fmt::format("the initial assignment of '{}'", id));
    } else if (has_value) {
      initial = expr::constant(value);
    }
    const bool rate = rate_rules_.count(id) > 0;
    if (rate || event_targets_.count(id) > 0) {
      if (!initial) {
        unsupported_.push_back(fmt::format("{} '{}' has no value{}", what, id, line_of(s)));
        initial = expr::constant(0.0);
      }
      Entry& e = add(id, Kind::kState, description);
      e.initial = initial;
      e.expression =
          rate ? math(rate_rules_.at(id)->getMath(), fmt::format("the rate rule of '{}'", id))
               : expr::constant(0.0);
      return;
    }
    if (ia != initial_assignments_.end()) {
      Entry& e = add(id, Kind::kDerived, description + " (initial assignment)");
      e.expression = initial;  // resolved when written
      initially_assigned_.insert(id);
      return;
    }
    if (!has_value) {
      unsupported_.push_back(fmt::format("{} '{}' has no value{}", what, id, line_of(s)));
    }
    Entry& e = add(id, Kind::kParameter, description);
    e.value = has_value ? value : 0.0;
  }

  void read_compartments() {
    for (unsigned i = 0; i < m_.getNumCompartments(); ++i) {
      const ::Compartment* c = m_.getCompartment(i);
      const std::string& id = c->getId();
      if (rate_rules_.count(id) > 0 || event_targets_.count(id) > 0) {
        unsupported_.push_back(fmt::format(
            "compartment '{}' changes size in time (NonConstantCompartment){}", id, line_of(c)));
      }
      read_value_symbol(id, c, c->isSetSize(), c->getSize(), "compartment");
    }
  }

  void read_parameters() {
    for (unsigned i = 0; i < m_.getNumParameters(); ++i) {
      const ::Parameter* p = m_.getParameter(i);
      read_value_symbol(p->getId(), p, p->isSetValue(), p->getValue(), "parameter");
    }
  }

  void read_species() {
    for (unsigned i = 0; i < m_.getNumSpecies(); ++i) {
      const ::Species* s = m_.getSpecies(i);
      const std::string& id = s->getId();
      const ::Compartment* c = m_.getCompartment(s->getCompartment());
      if (c == nullptr) {
        unsupported_.push_back(fmt::format("species '{}' has no compartment{}", id, line_of(s)));
        continue;
      }
      SpeciesInfo info;
      info.compartment = names_.at(c->getId());
      info.amount = s->getHasOnlySubstanceUnits();
      if (!info.amount && c->getSpatialDimensionsAsDouble() == 0.0) {
        unsupported_.push_back(fmt::format(
            "species '{}' in a compartment of zero dimensions without hasOnlySubstanceUnits "
            "(0D-Compartment){}",
            id, line_of(s)));
      }
      if (s->isSetConversionFactor()) {
        unsupported_.push_back(fmt::format(
            "the conversion factor of species '{}' (ConversionFactors){}", id, line_of(s)));
      }
      species_[id] = info;
      const std::string form = info.amount ? "amount" : "concentration";
      const std::string description =
          fmt::format("SBML species '{}' ({} in compartment '{}'{}{})", id, form, c->getId(),
                      s->getBoundaryCondition() ? ", boundary condition" : "",
                      s->getConstant() ? ", constant" : "");
      if (auto it = assignment_rules_.find(id); it != assignment_rules_.end()) {
        Entry& e = add(id, Kind::kDerived, description + " (assignment rule)");
        e.expression = math(it->second->getMath(), fmt::format("the assignment rule of '{}'", id));
        e.inline_initially = true;
        continue;
      }
      Entry& e = add(id, Kind::kState, description);
      const NodePtr size = expr::variable(info.compartment);
      if (auto ia = initial_assignments_.find(id); ia != initial_assignments_.end()) {
        e.initial = math(ia->second->getMath(), fmt::format("the initial assignment of '{}'", id));
      } else if (s->isSetInitialAmount()) {
        const NodePtr a = expr::constant(s->getInitialAmount());
        e.initial = info.amount ? a : expr::binary(expr::Op::kDiv, a, size);
      } else if (s->isSetInitialConcentration()) {
        const NodePtr x = expr::constant(s->getInitialConcentration());
        e.initial = info.amount ? expr::binary(expr::Op::kMul, x, size) : x;
      } else {
        unsupported_.push_back(fmt::format("species '{}' has no initial value{}", id, line_of(s)));
        e.initial = expr::constant(0.0);
      }
      if (auto it = rate_rules_.find(id); it != rate_rules_.end()) {
        e.expression = math(it->second->getMath(), fmt::format("the rate rule of '{}'", id));
      } else {
        e.expression = expr::constant(0.0);  // reactions add to it below
        changed_by_reactions_.insert(id);
        if (s->getBoundaryCondition() || s->getConstant()) changed_by_reactions_.erase(id);
      }
    }
  }

  void read_reactions() {
    // Per species: the sum of stoichiometry x rate over reactions, an amount per time.
    std::unordered_map<std::string, NodePtr> flux;
    for (unsigned i = 0; i < m_.getNumReactions(); ++i) {
      const ::Reaction* r = m_.getReaction(i);
      const std::string& id = r->getId();
      if (r->isSetFast() && r->getFast()) {
        unsupported_.push_back(fmt::format("fast reaction '{}' (FastReaction){}", id, line_of(r)));
      }
      if (!r->isSetKineticLaw() || !r->getKineticLaw()->isSetMath()) {
        unsupported_.push_back(fmt::format("reaction '{}' has no kinetic law{}", id, line_of(r)));
        continue;
      }
      const ::KineticLaw* law = r->getKineticLaw();
      std::unordered_map<std::string, std::string> local;
      auto add_local = [&](const ::Parameter* p) {
        const std::string name = fresh(fmt::format("{}_{}", names_.at(id), p->getId()));
        local[p->getId()] = name;
        locals_.push_back(
            {name, p->isSetValue() ? p->getValue() : 0.0,
             fmt::format("SBML local parameter '{}' of reaction '{}'", p->getId(), id)});
        renamed_[fmt::format("{}/{}", id, p->getId())] = name;
        if (!p->isSetValue()) {
          unsupported_.push_back(
              fmt::format("local parameter '{}' of reaction '{}' has no value", p->getId(), id));
        }
      };
      for (unsigned k = 0; k < law->getNumLocalParameters(); ++k)
        add_local(law->getLocalParameter(k));
      if (m_.getLevel() < 3) {
        for (unsigned k = 0; k < law->getNumParameters(); ++k) add_local(law->getParameter(k));
      }
      Entry& e = add(id, Kind::kDerived, fmt::format("SBML reaction '{}' (its rate)", id));
      e.expression =
          math(law->getMath(), fmt::format("the kinetic law of reaction '{}'", id), &local);
      e.inline_initially = true;
      auto contribute = [&](const ::SpeciesReference* ref, double sign) {
        if (ref->isSetStoichiometryMath()) {
          unsupported_.push_back(
              fmt::format("stoichiometryMath in reaction '{}' (StoichiometryMath)", id));
          return;
        }
        if (ref->isSetId() &&
            (initial_assignments_.count(ref->getId()) > 0 ||
             assignment_rules_.count(ref->getId()) > 0 || rate_rules_.count(ref->getId()) > 0 ||
             event_targets_.count(ref->getId()) > 0)) {
          unsupported_.push_back(
              fmt::format("the stoichiometry of '{}' in reaction '{}' is set by mathematics",
                          ref->getSpecies(), id));
          return;
        }
        const double nu = ref->isSetStoichiometry() ? ref->getStoichiometry() : 1.0;
        const std::string& s = ref->getSpecies();
        if (changed_by_reactions_.count(s) == 0) return;
        NodePtr term =
            nu == 1.0 ? expr::variable(e.name)
                      : expr::binary(expr::Op::kMul, expr::constant(nu), expr::variable(e.name));
        NodePtr& total = flux[s];
        if (!total) {
          total = sign > 0 ? term : expr::unary(expr::Op::kNeg, term);
        } else {
          total = expr::binary(sign > 0 ? expr::Op::kAdd : expr::Op::kSub, total, term);
        }
      };
      for (unsigned k = 0; k < r->getNumReactants(); ++k) contribute(r->getReactant(k), -1.0);
      for (unsigned k = 0; k < r->getNumProducts(); ++k) contribute(r->getProduct(k), +1.0);
    }
    for (auto& [s, total] : flux) {
      const SpeciesInfo& info = species_.at(s);
      // Reactions change amounts; a species that means a concentration changes by amount / size.
      entries_.at(s).expression =
          info.amount ? total
                      : expr::binary(expr::Op::kDiv, total, expr::variable(info.compartment));
    }
  }

  void read_rules() {
    for (const auto& [id, rule] : assignment_rules_) {
      if (entries_.count(id) == 0) {
        unsupported_.push_back(fmt::format(
            "an assignment rule for '{}', which is not a compartment, species or parameter{}", id,
            line_of(rule)));
      }
    }
    for (const auto& [id, rule] : rate_rules_) {
      if (entries_.count(id) == 0) {
        unsupported_.push_back(
            fmt::format("a rate rule for '{}', which is not a compartment, species or parameter{}",
                        id, line_of(rule)));
      }
    }
  }

  void read_events() {
    std::set<std::string> event_names;
    for (unsigned i = 0; i < m_.getNumEvents(); ++i) {
      const ::Event* ev = m_.getEvent(i);
      const std::string label =
          ev->isSetId() ? fmt::format("event '{}'", ev->getId()) : fmt::format("event {}", i + 1);
      if (ev->isSetDelay())
        unsupported_.push_back(
            fmt::format("{} has a delay (EventWithDelay){}", label, line_of(ev)));
      if (ev->isSetPriority())
        unsupported_.push_back(
            fmt::format("{} has a priority (EventPriority){}", label, line_of(ev)));
      if (!ev->isSetTrigger() || !ev->getTrigger()->isSetMath()) {
        unsupported_.push_back(fmt::format("{} has no trigger{}", label, line_of(ev)));
        continue;
      }
      const ::Trigger* trigger = ev->getTrigger();
      if (m_.getLevel() >= 3 && !trigger->getPersistent()) {
        unsupported_.push_back(
            fmt::format("{} has a trigger that is not persistent (EventIsNotPersistent){}", label,
                        line_of(ev)));
      }
      Event e;
      std::string name = ev->isSetId() ? ev->getId() : fmt::format("event_{}", i + 1);
      while (!event_names.insert(name).second) name += "_";
      e.name = name;
      e.trigger = math(trigger->getMath(), fmt::format("the trigger of {}", label));
      e.fire_at_start = m_.getLevel() >= 3 && !trigger->getInitialValue();
      for (unsigned j = 0; j < ev->getNumEventAssignments(); ++j) {
        const ::EventAssignment* a = ev->getEventAssignment(j);
        const std::string& target = a->getVariable();
        auto it = entries_.find(target);
        if (it == entries_.end() || it->second.kind != Kind::kState) {
          if (m_.getCompartment(target) == nullptr) {
            unsupported_.push_back(
                fmt::format("{} assigns '{}', which is not a species or parameter", label, target));
          }
          continue;
        }
        e.assignments.emplace_back(it->second.name,
                                   math(a->getMath(), fmt::format("an assignment of {}", label)));
      }
      events_.push_back(std::move(e));
    }
  }

  // Compartment sizes are constant in the engine: a size from a rule must not change in time.
  void check_compartments_are_constant() {
    for (unsigned i = 0; i < m_.getNumCompartments(); ++i) {
      const std::string& id = m_.getCompartment(i)->getId();
      auto it = entries_.find(id);
      if (it != entries_.end() && it->second.kind == Kind::kDerived && changes_in_time(id, 0)) {
        unsupported_.push_back(
            fmt::format("compartment '{}' changes size in time through its assignment rule "
                        "(NonConstantCompartment)",
                        id));
      }
    }
  }

  bool changes_in_time(const std::string& id, int depth) {
    auto it = entries_.find(id);
    if (it == entries_.end() || depth > 1000) return false;
    if (it->second.kind == Kind::kState) return true;
    if (it->second.kind == Kind::kParameter) return false;
    for (const auto& name : expr::referenced_names(it->second.expression)) {
      if (name == "t") return true;
      if (const std::string* sbml = id_of(name);
          sbml != nullptr && changes_in_time(*sbml, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  const std::string* id_of(const std::string& engine_name) {
    if (reverse_.empty()) {
      for (const auto& [id, entry] : entries_) reverse_[entry.name] = id;
    }
    auto it = reverse_.find(engine_name);
    return it == reverse_.end() ? nullptr : &it->second;
  }

  // --- initial values ------------------------------------------------------------------------
  // An initial value over parameters and state-independent derived quantities only: states are
  // replaced by their own initial values, rules and reaction rates by their expressions, t by 0.
  NodePtr resolve_initial(const NodePtr& node, int depth) {
    if (depth > 200) {
      unsupported_.push_back("initial values that depend on each other in a cycle");
      return expr::constant(0.0);
    }
    std::unordered_map<std::string, NodePtr> values;
    for (const auto& name : expr::referenced_names(node)) {
      if (name == "t") {
        values[name] = expr::constant(0.0);
        continue;
      }
      const std::string* id = id_of(name);
      if (id == nullptr) continue;
      const Entry& e = entries_.at(*id);
      if (e.kind == Kind::kState) {
        values[name] = state_initial(*id, depth + 1);
      } else if (e.kind == Kind::kDerived && e.inline_initially) {
        values[name] = resolve_initial(e.expression, depth + 1);
      }
    }
    return values.empty() ? node : expr::substitute(node, values);
  }

  NodePtr state_initial(const std::string& id, int depth) {
    if (auto it = resolved_.find(id); it != resolved_.end()) return it->second;
    const NodePtr value = expr::simplify(resolve_initial(entries_.at(id).initial, depth));
    resolved_[id] = value;
    return value;
  }

  // --- the model file ------------------------------------------------------------------------
  std::string model_name() const {
    std::string name = m_.isSetId() ? m_.getId() : "";
    if (name.empty()) name = "sbml_model";
    return name;
  }

  NodePtr per_time(const NodePtr& rate) const {
    if (rate->op == expr::Op::kConstant && rate->value == 0.0) return rate;
    return expr::binary(expr::Op::kDiv, rate, per_time_);
  }

  std::string write(std::vector<std::string>& output_names) {
    std::string y;
    y += fmt::format(
        "# Imported from the SBML file {} (Level {} Version {}) by smartnano import "
        "sbml.\n# Quantities are dimensionless numbers in the SBML model's own "
        "units; time is in {}.\n",
        file_, m_.getLevel(), m_.getVersion(), time_unit_);
    y += fmt::format("model: {}\n", quoted(model_name()));
    const std::string title = m_.isSetName() ? m_.getName() : model_name();
    y += fmt::format("description: {}\n", quoted("SBML model '" + title + "'"));
    y += fmt::format("time_unit: {}\n", time_unit_);
    std::string parameters, states, derived, odes;
    for (const auto& id : order_) {
      const Entry& e = entries_.at(id);
      switch (e.kind) {
        case Kind::kParameter:
          parameters += fmt::format("  {}: {{value: {}, description: {}}}\n", quoted(e.name),
                                    number(e.value), quoted(e.description));
          break;
        case Kind::kState:
          states +=
              fmt::format("  {}: {{unit: \"1\", initial: {}, description: {}}}\n", quoted(e.name),
                          quoted(expr::to_string(state_initial(id, 0))), quoted(e.description));
          odes += fmt::format("  {}: {}\n", quoted(e.name),
                              quoted(expr::to_string(per_time(e.expression))));
          break;
        case Kind::kDerived: {
          const NodePtr value = initially_assigned_.count(id) > 0
                                    ? expr::simplify(resolve_initial(e.expression, 0))
                                    : e.expression;
          derived += fmt::format("  {}: {{expression: {}, description: {}}}\n", quoted(e.name),
                                 quoted(expr::to_string(value)), quoted(e.description));
          break;
        }
      }
    }
    for (const auto& p : locals_) {
      parameters += fmt::format("  {}: {{value: {}, description: {}}}\n", quoted(p.name),
                                number(p.value), quoted(p.description));
    }
    if (states.empty()) {
      // The engine integrates at least one state; this one never changes.
      const std::string name = fresh("sbml_no_state");
      states += fmt::format(
          "  {}: {{unit: \"1\", description: \"placeholder: the SBML model "
          "has no variable that changes by a rate\"}}\n",
          quoted(name));
      odes += fmt::format("  {}: \"0\"\n", quoted(name));
    }
    if (!parameters.empty()) y += "parameters:\n" + parameters;
    y += "states:\n" + states;
    if (!derived.empty()) y += "derived:\n" + derived;
    y += "odes:\n" + odes;
    if (!events_.empty()) {
      y += "events:\n";
      for (const auto& e : events_) {
        y += fmt::format("  {}:\n    trigger: {}\n", quoted(e.name),
                         quoted(expr::to_string(e.trigger)));
        if (e.fire_at_start) y += "    fire_at_start: true\n";
        y += "    assign:\n";
        for (const auto& [target, value] : e.assignments) {
          y += fmt::format("      {}: {}\n", quoted(target), quoted(expr::to_string(value)));
        }
        if (e.assignments.empty()) y.resize(y.size() - std::string("    assign:\n").size());
      }
    }
    std::string outputs;
    for (const auto& request : output_requests()) {
      auto it = entries_.find(request.id);
      if (it == entries_.end()) {
        throw InputError({file_, 0, 0, ""},
                         fmt::format("output '{}' is not a compartment, species, parameter or "
                                     "reaction of the SBML model",
                                     request.id));
      }
      const Entry& e = it->second;
      NodePtr value = expr::variable(e.name);
      std::string suffix = "value";
      auto sp = species_.find(request.id);
      if (sp != species_.end() && request.quantity != Quantity::kValue) {
        const NodePtr size = expr::variable(sp->second.compartment);
        if (request.quantity == Quantity::kAmount) {
          suffix = "amount";
          if (!sp->second.amount) value = expr::binary(expr::Op::kMul, value, size);
        } else {
          suffix = "concentration";
          if (sp->second.amount) value = expr::binary(expr::Op::kDiv, value, size);
        }
      } else if (sp != species_.end()) {
        suffix = sp->second.amount ? "amount" : "concentration";
      }
      const std::string name = fresh(fmt::format("{}_{}", e.name, suffix));
      output_names.push_back(name);
      outputs += fmt::format("  {}: {}\n", quoted(name), quoted(expr::to_string(value)));
    }
    if (!outputs.empty()) y += "outputs:\n" + outputs;
    return y;
  }

  std::vector<OutputRequest> output_requests() {
    if (!options_.outputs.empty()) return options_.outputs;
    std::vector<OutputRequest> all;
    for (unsigned i = 0; i < m_.getNumSpecies(); ++i) all.push_back({m_.getSpecies(i)->getId()});
    for (const auto& id : order_) {
      if (species_.count(id) > 0) continue;
      if (rate_rules_.count(id) > 0 || assignment_rules_.count(id) > 0 ||
          event_targets_.count(id) > 0) {
        all.push_back({id});
      }
    }
    return all;
  }

  struct Local {
    std::string name;
    double value;
    std::string description;
  };
  struct Event {
    std::string name;
    NodePtr trigger;
    bool fire_at_start = false;
    std::vector<std::pair<std::string, NodePtr>> assignments;
  };

  const ::Model& m_;
  std::string file_;
  const SbmlImportOptions& options_;
  std::vector<std::string> unsupported_;
  std::string time_unit_ = "s";
  NodePtr time_, per_time_;
  std::unordered_map<std::string, const ::Rule*> assignment_rules_, rate_rules_;
  std::unordered_map<std::string, const ::InitialAssignment*> initial_assignments_;
  std::unordered_set<std::string> event_targets_;
  std::unordered_set<std::string> used_;
  std::unordered_map<std::string, std::string> names_;
  std::map<std::string, std::string> renamed_;
  std::unordered_map<std::string, detail::Lambda> functions_;
  std::unordered_map<std::string, Entry> entries_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, SpeciesInfo> species_;
  std::unordered_set<std::string> changed_by_reactions_;
  std::unordered_set<std::string> initially_assigned_;
  std::vector<Local> locals_;
  std::vector<Event> events_;
  std::unordered_map<std::string, std::string> reverse_;
  std::unordered_map<std::string, NodePtr> resolved_;
};

// libSBML's errors in a document, one line each, with the line where it gives one.
std::vector<std::string> document_errors(::SBMLDocument& doc, const std::string& file) {
  std::vector<std::string> errors;
  auto collect = [&] {
    for (unsigned i = 0; i < doc.getNumErrors(); ++i) {
      const ::SBMLError* e = doc.getError(i);
      if (e->getSeverity() < ::LIBSBML_SEV_ERROR) continue;
      // One line per error: libSBML's message, its reference and details joined.
      std::string message;
      for (char c : e->getMessage()) {
        if (c == '\n' || c == '\r') c = ' ';
        if (!(c == ' ' && !message.empty() && message.back() == ' ')) message += c;
      }
      while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
        message.pop_back();
      }
      errors.push_back(e->getLine() > 0 ? fmt::format("{}:{}: {}", file, e->getLine(), message)
                                        : fmt::format("{}: {}", file, message));
    }
  };
  collect();
  if (!errors.empty() || doc.getModel() == nullptr) return errors;
  // Consistency of the model itself; unit consistency is not required (units are often
  // incomplete in SBML models, and the engine imports quantities as plain numbers).
  doc.setConsistencyChecks(::LIBSBML_CAT_UNITS_CONSISTENCY, false);
  doc.setConsistencyChecks(::LIBSBML_CAT_MODELING_PRACTICE, false);
  doc.setConsistencyChecks(::LIBSBML_CAT_SBO_CONSISTENCY, false);
  doc.getErrorLog()->clearLog();
  doc.checkConsistency();
  collect();
  return errors;
}

SbmlImport import_document(::SBMLDocument& doc, const std::string& file,
                           const SbmlImportOptions& options) {
  const auto problems = options.validate();
  if (!problems.empty()) {
    throw std::invalid_argument(fmt::format("invalid SBML import options: {}", problems.front()));
  }
  const auto errors = document_errors(doc, file);
  if (!errors.empty()) {
    std::string message = fmt::format("libSBML reports {} error{} in the SBML file:", errors.size(),
                                      errors.size() == 1 ? "" : "s");
    for (const auto& e : errors) message += "\n  " + e;
    throw InputError({file, 0, 0, ""}, message);
  }
  const ::Model* model = doc.getModel();
  if (model == nullptr) throw InputError({file, 0, 0, ""}, "the SBML document has no model");
  if (doc.getLevel() < 2) {
    throw UnsupportedSbml({file, 0, 0, ""},
                          {fmt::format("SBML Level {} (Levels 2 and 3 are read)", doc.getLevel())});
  }
  // An SBML Level 3 package is declared by its namespace on the document (libSBML also enables
  // plugins of its own, such as layout for Level 2 annotations: those are not the model's).
  std::vector<std::string> packages;
  if (const ::XMLNamespaces* ns = doc.getNamespaces(); ns != nullptr) {
    for (int i = 0; i < ns->getLength(); ++i) {
      const std::string uri = ns->getURI(i);
      if (uri.rfind("http://www.sbml.org/sbml/level3/", 0) == 0 &&
          uri.find("/core") == std::string::npos) {
        packages.push_back(fmt::format("the SBML Level 3 package '{}'",
                                       ns->getPrefix(i).empty() ? uri : ns->getPrefix(i)));
      }
    }
  }
  if (!packages.empty()) throw UnsupportedSbml({file, 0, 0, ""}, packages);
  return Importer(*model, file, options).run();
}

}  // namespace

SbmlImport import_sbml_text(const std::string& xml, const std::string& file,
                            const SbmlImportOptions& options) {
  ::SBMLReader reader;
  std::unique_ptr<::SBMLDocument> doc(reader.readSBMLFromString(xml));
  return import_document(*doc, file, options);
}

SbmlImport import_sbml_file(const std::string& path, const SbmlImportOptions& options) {
  return import_sbml_text(read_text_file(path, "SBML file"), path, options);
}

model::ModelPtr load_sbml_model(const std::string& path, const SbmlImportOptions& options) {
  const SbmlImport imported = import_sbml_file(path, options);
  return model::Model::load_text(imported.yaml, path);
}

}  // namespace smartnano::sbml

#include "model/model_compile.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace smartnano::model {

void compile_programs(Model& m) {
  using expr::Assignment;
  using expr::NodePtr;
  const int n = static_cast<int>(m.states_.size());
  Model::Layout& L = m.layout_;
  int next = 0;
  L.time = next++;
  L.states = next, next += n;
  L.parameters = next, next += static_cast<int>(m.parameters_.size());
  L.covariates = next, next += static_cast<int>(m.covariates_.size());
  L.derived = next, next += static_cast<int>(m.derived_.size());
  L.derivatives = next, next += n;

  std::unordered_map<std::string, int> slots;
  slots["t"] = L.time;
  for (int i = 0; i < n; ++i) slots[m.states_[i].name] = L.states + i;
  for (std::size_t i = 0; i < m.parameters_.size(); ++i)
    slots[m.parameters_[i].name] = L.parameters + static_cast<int>(i);
  for (std::size_t i = 0; i < m.covariates_.size(); ++i)
    slots[m.covariates_[i].name] = L.covariates + static_cast<int>(i);
  for (std::size_t i = 0; i < m.derived_.size(); ++i)
    slots[m.derived_[i].name] = L.derived + static_cast<int>(i);

  // Symbolic Jacobian: inline the state-dependent derived quantities (in dependency order),
  // then differentiate each equation by each state. State-independent derived quantities stay
  // as names: they are constants for the Jacobian.
  std::unordered_map<std::string, NodePtr> inline_map;
  std::vector<Assignment> dynamic_derived, static_derived;
  for (std::size_t i = 0; i < m.derived_.size(); ++i) {
    const DerivedSpec& d = m.derived_[i];
    const Assignment a{L.derived + static_cast<int>(i), d.expression};
    if (d.depends_on_state) {
      dynamic_derived.push_back(a);
      inline_map[d.name] = expr::substitute(d.expression, inline_map);
    } else {
      static_derived.push_back(a);
    }
  }
  std::vector<NodePtr> jacobian_entries;
  m.jacobian_pattern_.clear();
  for (int i = 0; i < n; ++i) {
    const NodePtr f = expr::substitute(m.odes_[i], inline_map);
    for (int j = 0; j < n; ++j) {
      NodePtr dfdy = expr::differentiate(f, m.states_[j].name);
      if (dfdy->op == expr::Op::kConstant && dfdy->value == 0.0) continue;
      m.jacobian_pattern_.emplace_back(i, j);
      jacobian_entries.push_back(std::move(dfdy));
    }
  }
  L.jacobian = next, next += static_cast<int>(jacobian_entries.size());
  L.outputs = next, next += static_cast<int>(m.outputs_.size());
  L.initial = next, next += n;
  L.dosing = next, next += 4 * static_cast<int>(m.dose_targets_.size());
  // Events: one root function per comparison in a trigger (its two sides' difference), then
  // each trigger's value and each assignment's value.
  std::vector<NodePtr> root_functions;
  for (const EventSpec& e : m.events_) {
    const std::size_t before = root_functions.size();
    std::vector<NodePtr> pending{e.trigger};
    while (!pending.empty()) {
      const NodePtr node = pending.back();
      pending.pop_back();
      switch (node->op) {
        case expr::Op::kLess:
        case expr::Op::kLessEqual:
        case expr::Op::kGreater:
        case expr::Op::kGreaterEqual:
        case expr::Op::kEqual:
        case expr::Op::kNotEqual:
          root_functions.push_back(expr::binary(expr::Op::kSub, node->args[0], node->args[1]));
          break;
        default:
          for (const NodePtr& a : node->args) pending.push_back(a);
      }
    }
    // A trigger without a comparison (a logical name, a constant): its value itself.
    if (root_functions.size() == before) {
      root_functions.push_back(expr::binary(expr::Op::kSub, e.trigger, expr::constant(0.5)));
    }
  }
  int n_assigned = 0;
  for (const EventSpec& e : m.events_) n_assigned += static_cast<int>(e.assignments.size());
  L.roots = next, next += static_cast<int>(root_functions.size());
  L.root_count = static_cast<int>(root_functions.size());
  L.triggers = next, next += static_cast<int>(m.events_.size());
  L.assigned = next, next += n_assigned;
  L.named = next;

  std::vector<Assignment> parameters = static_derived;
  for (int i = 0; i < n; ++i) parameters.push_back({L.initial + i, m.states_[i].initial});
  std::vector<Assignment> rhs = dynamic_derived;
  for (int i = 0; i < n; ++i) rhs.push_back({L.derivatives + i, m.odes_[i]});
  std::vector<Assignment> jacobian;
  for (std::size_t k = 0; k < jacobian_entries.size(); ++k) {
    jacobian.push_back({L.jacobian + static_cast<int>(k), jacobian_entries[k]});
  }
  std::vector<Assignment> outputs = dynamic_derived;
  for (std::size_t k = 0; k < m.outputs_.size(); ++k) {
    outputs.push_back({L.outputs + static_cast<int>(k), m.outputs_[k].expression});
  }
  // Unmodelled attributes get NaN, so the engine can tell "not modelled" from a value.
  std::vector<Assignment> dosing = dynamic_derived;
  const NodePtr unset = expr::constant(std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < m.dose_targets_.size(); ++k) {
    const DoseTargetSpec& d = m.dose_targets_[k];
    const int base = L.dosing + 4 * static_cast<int>(k);
    dosing.push_back({base + 0, d.lag ? d.lag : unset});
    dosing.push_back({base + 1, d.bioavailability ? d.bioavailability : unset});
    dosing.push_back({base + 2, d.rate ? d.rate : unset});
    dosing.push_back({base + 3, d.duration ? d.duration : unset});
  }
  std::vector<Assignment> roots = dynamic_derived;
  for (std::size_t k = 0; k < root_functions.size(); ++k) {
    roots.push_back({L.roots + static_cast<int>(k), root_functions[k]});
  }
  std::vector<Assignment> events = dynamic_derived;
  int assigned = 0;
  for (std::size_t k = 0; k < m.events_.size(); ++k) {
    events.push_back({L.triggers + static_cast<int>(k), m.events_[k].trigger});
    for (const auto& [state, value] : m.events_[k].assignments) {
      events.push_back({L.assigned + assigned++, value});
    }
  }
  Model::Programs& P = m.programs_;
  P.parameters = expr::Program::compile(parameters, slots, L.named);
  P.rhs = expr::Program::compile(rhs, slots, L.named);
  P.jacobian = expr::Program::compile(jacobian, slots, L.named);
  P.outputs = expr::Program::compile(outputs, slots, L.named);
  P.dosing = expr::Program::compile(dosing, slots, L.named);
  if (!m.events_.empty()) {  // a model without events runs exactly as before they existed
    P.roots = expr::Program::compile(roots, slots, L.named);
    P.events = expr::Program::compile(events, slots, L.named);
  }
  m.memory_size_ =
      std::max({P.parameters.memory_size(), P.rhs.memory_size(), P.jacobian.memory_size(),
                P.outputs.memory_size(), P.dosing.memory_size(), P.roots.memory_size(),
                P.events.memory_size(), static_cast<std::size_t>(L.named)});
}

}  // namespace smartnano::model

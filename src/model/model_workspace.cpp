#include "smartnano/model/model_workspace.h"

#include <cmath>
#include <cstring>

namespace smartnano::model {

ModelWorkspace::ModelWorkspace(ModelPtr model)
    : model_(std::move(model)), memory_(model_->memory_size(), 0.0) {
  const auto& L = model_->layout();
  for (std::size_t i = 0; i < model_->parameters().size(); ++i) {
    memory_[L.parameters + i] = model_->parameters()[i].value;
  }
  for (std::size_t i = 0; i < model_->covariates().size(); ++i) {
    memory_[L.covariates + i] = model_->covariates()[i].default_value.value_or(0.0);
  }
  dose_target_of_state_.assign(model_->states().size(), -1);
  for (std::size_t k = 0; k < model_->dose_targets().size(); ++k) {
    dose_target_of_state_[model_->dose_targets()[k].state] = static_cast<int>(k);
  }
  update();
}

void ModelWorkspace::set_parameter(int index, double value) {
  memory_[model_->layout().parameters + index] = value;
}

double ModelWorkspace::parameter(int index) const {
  return memory_[model_->layout().parameters + index];
}

void ModelWorkspace::set_covariate(int index, double value) {
  memory_[model_->layout().covariates + index] = value;
}

void ModelWorkspace::update() { model_->programs().parameters.run(memory_.data()); }

void ModelWorkspace::initial_state(double* y) const {
  std::memcpy(y, memory_.data() + model_->layout().initial, sizeof(double) * size());
}

void ModelWorkspace::load_time_and_state(double t, const double* y) {
  memory_[model_->layout().time] = t;
  std::memcpy(memory_.data() + model_->layout().states, y, sizeof(double) * size());
}

void ModelWorkspace::rhs(double t, const double* y, double* ydot) {
  load_time_and_state(t, y);
  model_->programs().rhs.run(memory_.data());
  std::memcpy(ydot, memory_.data() + model_->layout().derivatives, sizeof(double) * size());
}

void ModelWorkspace::jacobian(double t, const double* y, double* jac) {
  load_time_and_state(t, y);
  model_->programs().jacobian.run(memory_.data());
  const int n = size();
  const double* entries = memory_.data() + model_->layout().jacobian;
  const auto& pattern = model_->jacobian_pattern();
  for (std::size_t k = 0; k < pattern.size(); ++k) {
    jac[pattern[k].first + pattern[k].second * n] = entries[k];
  }
}

void ModelWorkspace::outputs(double t, const double* y, double* out) {
  load_time_and_state(t, y);
  model_->programs().outputs.run(memory_.data());
  std::memcpy(out, memory_.data() + model_->layout().outputs,
              sizeof(double) * model_->outputs().size());
}

void ModelWorkspace::roots(double t, const double* y, double* g) {
  load_time_and_state(t, y);
  model_->programs().roots.run(memory_.data());
  std::memcpy(g, memory_.data() + model_->layout().roots, sizeof(double) * root_count());
}

void ModelWorkspace::events(double t, const double* y, std::vector<double>& triggers,
                            std::vector<double>& assigned) {
  load_time_and_state(t, y);
  model_->programs().events.run(memory_.data());
  const auto& L = model_->layout();
  triggers.assign(memory_.begin() + L.triggers, memory_.begin() + L.assigned);
  assigned.assign(memory_.begin() + L.assigned, memory_.begin() + L.named);
}

ModelWorkspace::DoseAttributes ModelWorkspace::dose_attributes(int state, double t,
                                                               const double* y) {
  DoseAttributes a;
  const int k = dose_target_of_state_[state];
  if (k < 0) return a;
  load_time_and_state(t, y);
  model_->programs().dosing.run(memory_.data());
  const double* v = memory_.data() + model_->layout().dosing + 4 * k;
  if (!std::isnan(v[0])) a.lag = v[0];
  if (!std::isnan(v[1])) a.bioavailability = v[1];
  a.has_rate = !std::isnan(v[2]);
  a.has_duration = !std::isnan(v[3]);
  if (a.has_rate) a.rate = v[2];
  if (a.has_duration) a.duration = v[3];
  return a;
}

}  // namespace smartnano::model

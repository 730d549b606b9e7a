// Per-thread evaluation of a model: parameter values, covariates and the memory its compiled
// programs run on. Cheap to create; one per thread (or per subject) and reused.
#pragma once

#include <vector>

#include "smartnano/model/model.h"
#include "smartnano/solver/ode_integrator.h"

namespace smartnano::model {

class ModelWorkspace : public solver::OdeSystem {
 public:
  explicit ModelWorkspace(ModelPtr model);

  const Model& model() const { return *model_; }

  // Parameters in the model's declared units; starts at the model's defaults.
  void set_parameter(int index, double value);
  double parameter(int index) const;
  // Covariates in the model's declared units, one per model covariate.
  void set_covariate(int index, double value);
  // Recomputes state-independent derived quantities; call after changing parameters or
  // covariates, before the next evaluation.
  void update();

  void initial_state(double* y) const;

  // solver::OdeSystem
  int size() const override { return static_cast<int>(model_->states().size()); }
  void rhs(double t, const double* y, double* ydot) override;
  bool has_jacobian() const override { return true; }
  void jacobian(double t, const double* y, double* jac) override;

  // Event root functions (Model::root_count() values): one changes sign where a trigger may.
  int root_count() const override { return model_->root_count(); }
  void roots(double t, const double* y, double* g) override;
  // Every event's trigger (1 true, 0 false) and the values its assignments would give now,
  // all events' assignments in order (Model::events()).
  void events(double t, const double* y, std::vector<double>& triggers,
              std::vector<double>& assigned);

  // Outputs in their declared units, one per model output.
  void outputs(double t, const double* y, double* out);

  // The modelled dosing attributes of a state (NaN where not modelled).
  struct DoseAttributes {
    double lag = 0.0;
    double bioavailability = 1.0;
    double rate = 0.0;
    double duration = 0.0;
    bool has_rate = false;
    bool has_duration = false;
  };
  DoseAttributes dose_attributes(int state, double t, const double* y);

 private:
  void load_time_and_state(double t, const double* y);

  ModelPtr model_;
  std::vector<double> memory_;
  std::vector<int> dose_target_of_state_;  // index into model dose targets, -1 if none
};

}  // namespace smartnano::model

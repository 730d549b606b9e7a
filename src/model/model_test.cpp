#include "smartnano/model/model.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "smartnano/model/model_workspace.h"
#include "smartnano/solver/ode_integrator.h"

namespace smartnano::model {
namespace {

const std::string kFile = "test.yaml";

ModelPtr load(const std::string& yaml) { return Model::load_text(yaml, kFile); }

// The InputError thrown while loading `yaml`; a test failure when it loads.
InputError load_error(const std::string& yaml) {
  try {
    load(yaml);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << yaml;
  return InputError({}, "");
}

// 1-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
  const std::size_t pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

// 1-based column of the first occurrence of `needle` within its line.
int column_of(const std::string& text, const std::string& needle) {
  const std::size_t pos = text.find(needle);
  const std::size_t line_start = text.rfind('\n', pos);
  return static_cast<int>(pos - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
}

// Checks where an error points (column 0 = do not check) and that its message has `fragment`.
void expect_error_at(const InputError& e, int line, int column, const std::string& field,
                     const std::string& fragment) {
  EXPECT_EQ(e.where().file, kFile);
  EXPECT_EQ(e.where().line, line) << e.what();
  if (column > 0) {
    EXPECT_EQ(e.where().column, column) << e.what();
  }
  EXPECT_EQ(e.where().field, field) << e.what();
  EXPECT_NE(e.message().find(fragment), std::string::npos)
      << "message '" << e.message() << "' lacks '" << fragment << "'";
  EXPECT_EQ(std::string(e.what()).rfind(e.where().to_string() + ": ", 0), 0u) << e.what();
}

// A valid one-compartment model; error tests change one part of it.
const std::string kParameters =
    "model: test\n"
    "time_unit: h\n"
    "parameters:\n"
    "  CL: {value: 1.1, unit: L/h, source: test}\n"
    "  V: {value: 20, unit: L, source: test}\n";
const std::string kStates =
    "states:\n"
    "  CENT: mg\n";
const std::string kOdes =
    "odes:\n"
    "  CENT: -CL / V * CENT\n";

// ---------------------------------------------------------------------------------------------
// The built-in model

TEST(BuiltinModel, OneCompartmentOralLoads) {
  const ModelPtr m = load_builtin_model("one_cmt_oral");
  EXPECT_EQ(m->name(), "one_cmt_oral");
  EXPECT_EQ(m->file(), "models/one_cmt_oral.yaml");
  EXPECT_EQ(m->time_unit().dimension, units::Dimension::time());
  EXPECT_DOUBLE_EQ(m->time_unit().scale, 3600.0);

  ASSERT_EQ(m->parameters().size(), 3u);
  EXPECT_EQ(m->parameter_index("CL"), 0);
  EXPECT_EQ(m->parameter_index("V"), 1);
  EXPECT_EQ(m->parameter_index("KA"), 2);
  EXPECT_EQ(m->parameter_index("ka"), -1) << "names are case-sensitive";
  EXPECT_EQ(m->parameters()[0].value, 1.1);
  EXPECT_EQ(m->parameters()[0].unit.text, "L/h");
  EXPECT_EQ(m->parameters()[1].value, 20.0);
  EXPECT_EQ(m->parameters()[2].value, 1.5);

  // States in file order are the data set's CMT numbers: DEPOT = CMT 1, CENT = CMT 2.
  ASSERT_EQ(m->states().size(), 2u);
  EXPECT_EQ(m->state_index("DEPOT"), 0);
  EXPECT_EQ(m->state_index("CENT"), 1);
  EXPECT_EQ(m->state_index("PERI"), -1);
  EXPECT_EQ(m->states()[1].unit.text, "mg");
  EXPECT_EQ(m->default_dose_state(), 0);

  ASSERT_EQ(m->covariates().size(), 4u);
  EXPECT_EQ(m->covariate_index("LAGT"), 0);
  EXPECT_EQ(m->covariate_index("BIOAV"), 1);
  EXPECT_EQ(m->covariates()[1].default_value, 1.0);

  ASSERT_EQ(m->outputs().size(), 1u);
  EXPECT_EQ(m->output_index("CP"), 0);
  EXPECT_EQ(m->outputs()[0].unit.text, "ug/L");

  EXPECT_EQ(m->dose_target(0), nullptr);
  const DoseTargetSpec* central = m->dose_target(1);
  ASSERT_NE(central, nullptr);
  EXPECT_TRUE(central->lag && central->bioavailability && central->rate && central->duration);

  const std::vector<std::pair<int, int>> pattern = {{0, 0}, {1, 0}, {1, 1}};
  EXPECT_EQ(m->jacobian_pattern(), pattern);
}

TEST(BuiltinModel, WorkspaceEvaluatesTheEquations) {
  const ModelPtr m = load_builtin_model("one_cmt_oral");
  ModelWorkspace ws(m);
  EXPECT_EQ(ws.size(), 2);
  EXPECT_TRUE(ws.has_jacobian());
  double y0[2] = {-1, -1};
  ws.initial_state(y0);
  EXPECT_EQ(y0[0], 0.0);
  EXPECT_EQ(y0[1], 0.0);

  const double y[2] = {10.0, 5.0};
  double ydot[2];
  ws.rhs(0.0, y, ydot);
  EXPECT_DOUBLE_EQ(ydot[0], -1.5 * 10.0);
  EXPECT_DOUBLE_EQ(ydot[1], 1.5 * 10.0 - 1.1 / 20.0 * 5.0);

  double jac[4] = {0, 0, 0, 0};
  ws.jacobian(0.0, y, jac);
  EXPECT_DOUBLE_EQ(jac[0 + 0 * 2], -1.5);
  EXPECT_DOUBLE_EQ(jac[1 + 0 * 2], 1.5);
  EXPECT_DOUBLE_EQ(jac[0 + 1 * 2], 0.0);
  EXPECT_DOUBLE_EQ(jac[1 + 1 * 2], -1.1 / 20.0);

  double cp = 0;
  ws.outputs(0.0, y, &cp);
  EXPECT_DOUBLE_EQ(cp, 5.0 / 20.0 * 1000.0) << "mg/L declared as ug/L";

  // New parameter values take effect.
  const int cl = m->parameter_index("CL");
  EXPECT_EQ(ws.parameter(cl), 1.1);
  ws.set_parameter(cl, 2.2);
  ws.update();
  EXPECT_EQ(ws.parameter(cl), 2.2);
  ws.rhs(0.0, y, ydot);
  EXPECT_DOUBLE_EQ(ydot[1], 1.5 * 10.0 - 2.2 / 20.0 * 5.0);
}

TEST(BuiltinModel, DoseAttributesComeFromCovariates) {
  const ModelPtr m = load_builtin_model("one_cmt_oral");
  ModelWorkspace ws(m);
  const double y[2] = {0.0, 0.0};
  ModelWorkspace::DoseAttributes central = ws.dose_attributes(1, 0.0, y);
  EXPECT_EQ(central.lag, 0.0);
  EXPECT_EQ(central.bioavailability, 1.0);
  EXPECT_TRUE(central.has_rate);
  EXPECT_TRUE(central.has_duration);

  ws.set_covariate(m->covariate_index("LAGT"), 0.5);
  ws.set_covariate(m->covariate_index("BIOAV"), 0.8);
  ws.set_covariate(m->covariate_index("RAT2"), 12.0);
  ws.set_covariate(m->covariate_index("DUR2"), 3.0);
  ws.update();
  central = ws.dose_attributes(1, 0.0, y);
  EXPECT_EQ(central.lag, 0.5);
  EXPECT_EQ(central.bioavailability, 0.8);
  EXPECT_EQ(central.rate, 12.0);
  EXPECT_EQ(central.duration, 3.0);

  const ModelWorkspace::DoseAttributes depot = ws.dose_attributes(0, 0.0, y);
  EXPECT_EQ(depot.lag, 0.0);
  EXPECT_EQ(depot.bioavailability, 1.0);
  EXPECT_FALSE(depot.has_rate);
  EXPECT_FALSE(depot.has_duration);
}

TEST(BuiltinModel, IntegratesToTheNonmemConcentration) {
  // nmtests 1001-01: 100 mg into the depot; NONMEM's CP at 1 h is 3754.4 ug/L.
  const ModelPtr m = load_builtin_model("one_cmt_oral");
  ModelWorkspace ws(m);
  solver::OdeIntegrator integrator(ws, solver::IntegratorOptions{});
  EXPECT_TRUE(integrator.uses_analytic_jacobian());
  double y[2] = {100.0, 0.0};
  integrator.reinit(0.0, y);
  ASSERT_EQ(integrator.advance(1.0, 1.0, y), solver::IntegratorStatus::kSuccess);
  double cp = 0;
  ws.outputs(1.0, y, &cp);
  EXPECT_NEAR(cp, 3754.4, 0.05);
  const double k = 1.1 / 20.0, ka = 1.5;
  EXPECT_NEAR(y[1], 100.0 * ka / (ka - k) * (std::exp(-k) - std::exp(-ka)), 1e-6);
}

TEST(BuiltinModel, NamesAndSuggestions) {
  const std::vector<std::string> names = builtin_model_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "one_cmt_oral"), names.end());
  try {
    load_builtin_model("one_cmt_ora");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "model");
    EXPECT_NE(e.message().find("no built-in model 'one_cmt_ora'"), std::string::npos)
        << e.message();
    EXPECT_NE(e.message().find("did you mean 'one_cmt_oral'"), std::string::npos) << e.message();
  }
}

TEST(BuiltinModel, EveryShippedModelFileIsBuiltIn) {
  const std::vector<std::string> names = builtin_model_names();
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SMARTNANO_SOURCE_DIR "/models")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    const std::string stem = entry.path().stem().string();
    EXPECT_NE(std::find(names.begin(), names.end(), stem), names.end()) << stem;
    const ModelPtr from_file = Model::load_file(entry.path().string());
    EXPECT_EQ(from_file->file(), entry.path().string());
    EXPECT_EQ(from_file->parameters().size(), load_builtin_model(stem)->parameters().size());
  }
  EXPECT_EQ(files, static_cast<int>(names.size()));
}

// Project rule: a parameter default without a source (or a unit) fails the build's tests.
TEST(BuiltinModel, EveryParameterHasASourceAndAUnit) {
  for (const std::string& name : builtin_model_names()) {
    const ModelPtr m = load_builtin_model(name);
    for (const ParameterSpec& p : m->parameters()) {
      EXPECT_FALSE(p.source.empty()) << name << ": parameter " << p.name << " has no source";
      EXPECT_FALSE(p.unit.text.empty()) << name << ": parameter " << p.name << " has no unit";
      if (p.range) {
        EXPECT_LE(p.range->first, p.value) << name << ": " << p.name;
        EXPECT_GE(p.range->second, p.value) << name << ": " << p.name;
      }
    }
  }
}

TEST(LoadModel, FileOrBuiltInName) {
  EXPECT_EQ(load_model("one_cmt_oral")->name(), "one_cmt_oral");
  const std::string path = SMARTNANO_SOURCE_DIR "/models/one_cmt_oral.yaml";
  EXPECT_EQ(load_model(path)->file(), path);
  try {
    load_model("no/such/model.yaml");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "no/such/model.yaml");
    EXPECT_NE(e.message().find("not found"), std::string::npos) << e.message();
  }
  EXPECT_THROW(Model::load_file("/no/such/file.yaml"), InputError);
}

// ---------------------------------------------------------------------------------------------
// A nonlinear model: Michaelis-Menten elimination, derived quantities of states (written out
// of dependency order), if(), powers, a peripheral flow in mL/min and an effect state.

const std::string kNonlinear = R"(model: nonlinear_test
time_unit: h
parameters:
  KA: {value: 0.8, unit: 1/h, source: test}
  VMAX: {value: 2, unit: mg/h, source: test}
  KM: {value: 1.5, unit: mg/L, source: test}
  V: {value: 10, unit: L, source: test}
  Q: {value: 50, unit: mL/min, source: test}
  EC50: {value: 0.3, unit: mg/L, source: test}
  GAMMA: {value: 1.7, unit: "1", source: test}
  KIN: {value: 0.1, unit: 1/h, source: test}
states:
  DEPOT: mg
  CENT: mg
  PERI: {unit: mg}
  EFF: {unit: "1", initial: 1}
derived:
  HILL: R^GAMMA / (1 + R^GAMMA)
  R: C / EC50
  C: CENT / V
  ELIM: VMAX * C / (KM + C)
  FLOW: if(C > 0.5[mg/L], Q, Q / 2)
  K21: Q / (2 * V)
odes:
  DEPOT: -KA * DEPOT
  CENT: KA * DEPOT - ELIM - FLOW * C + K21 * PERI
  PERI: FLOW * C - K21 * PERI
  EFF: KIN * (1 - EFF) - KIN * HILL * EFF - 0.01[1/h] * (C / KM)^2 * EFF
outputs:
  CONC: {expression: C, unit: ug/L}
  EFFECT: EFF
)";

// The right-hand side of kNonlinear written out by hand (time in h, Q = 50 mL/min = 3 L/h).
std::vector<double> nonlinear_rhs_by_hand(const double* y) {
  const double ka = 0.8, vmax = 2, km = 1.5, v = 10, q = 3.0, ec50 = 0.3, gamma = 1.7, kin = 0.1;
  const double c = y[1] / v;
  const double r = c / ec50;
  const double hill = std::pow(r, gamma) / (1 + std::pow(r, gamma));
  const double elim = vmax * c / (km + c);
  const double flow = c > 0.5 ? q : q / 2;
  const double k21 = q / (2 * v);
  return {-ka * y[0], ka * y[0] - elim - flow * c + k21 * y[2], flow * c - k21 * y[2],
          kin * (1 - y[3]) - kin * hill * y[3] - 0.01 * (c / km) * (c / km) * y[3]};
}

TEST(NonlinearModel, DerivedQuantitiesAreSortedByDependency) {
  const ModelPtr m = load(kNonlinear);
  std::vector<std::string> order;
  for (const auto& d : m->derived()) order.push_back(d.name);
  auto position = [&](const std::string& name) {
    return std::find(order.begin(), order.end(), name) - order.begin();
  };
  ASSERT_EQ(order.size(), 6u);
  EXPECT_LT(position("C"), position("R"));
  EXPECT_LT(position("R"), position("HILL"));
  EXPECT_LT(position("C"), position("ELIM"));
  for (const auto& d : m->derived()) {
    EXPECT_EQ(d.depends_on_state, d.name != "K21") << d.name;
  }
}

TEST(NonlinearModel, RhsEqualsHandComputedValues) {
  ModelWorkspace ws(load(kNonlinear));
  double y0[4];
  ws.initial_state(y0);
  EXPECT_EQ(y0[0], 0.0);
  EXPECT_EQ(y0[3], 1.0) << "initial: 1";
  for (const auto& y : {std::vector<double>{4, 8, 3, 0.6}, std::vector<double>{1, 2, 5, 1.2}}) {
    double ydot[4];
    ws.rhs(0.0, y.data(), ydot);
    const std::vector<double> expected = nonlinear_rhs_by_hand(y.data());
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(ydot[i], expected[i], 1e-12) << "state " << i;
  }
  double out[2];
  const double y[4] = {0, 8, 0, 0.25};
  ws.outputs(0.0, y, out);
  EXPECT_DOUBLE_EQ(out[0], 800.0) << "0.8 mg/L in ug/L";
  EXPECT_DOUBLE_EQ(out[1], 0.25);
}

TEST(NonlinearModel, JacobianPatternHasOnlyStructuralEntries) {
  const ModelPtr m = load(kNonlinear);
  const std::vector<std::pair<int, int>> expected = {{0, 0}, {1, 0}, {1, 1}, {1, 2},
                                                     {2, 1}, {2, 2}, {3, 1}, {3, 3}};
  EXPECT_EQ(m->jacobian_pattern(), expected);
}

TEST(NonlinearModel, SymbolicJacobianEqualsFiniteDifferences) {
  const ModelPtr m = load(kNonlinear);
  ModelWorkspace ws(m);
  const int n = ws.size();
  const std::set<std::pair<int, int>> pattern(m->jacobian_pattern().begin(),
                                              m->jacobian_pattern().end());
  std::mt19937 rng(20240611);
  std::uniform_real_distribution<double> depot(0, 50), cent(0.5, 30), peri(0, 20), eff(0.05, 1.5);
  int checked = 0;
  while (checked < 25) {
    std::vector<double> y = {depot(rng), cent(rng), peri(rng), eff(rng)};
    if (std::abs(y[1] / 10 - 0.5) < 0.05) continue;  // keep away from the if() switch
    ++checked;
    std::vector<double> jac(n * n, 0.0);
    ws.jacobian(1.0, y.data(), jac.data());
    for (int j = 0; j < n; ++j) {
      const double h = 1e-6 * std::max(1.0, std::abs(y[j]));
      std::vector<double> up = y, down = y, f_up(n), f_down(n);
      up[j] += h;
      down[j] -= h;
      ws.rhs(1.0, up.data(), f_up.data());
      ws.rhs(1.0, down.data(), f_down.data());
      for (int i = 0; i < n; ++i) {
        const double fd = (f_up[i] - f_down[i]) / (2 * h);
        const double analytic = jac[i + j * n];
        EXPECT_NEAR(analytic, fd, 1e-6 * (1 + std::abs(fd)))
            << "d f" << i << " / d y" << j << " at CENT = " << y[1];
        if (!pattern.count({i, j})) {
          EXPECT_EQ(analytic, 0.0) << i << "," << j;
        }
      }
    }
  }
}

TEST(NonlinearModel, SolvesWithTheSymbolicJacobian) {
  // The same answer with the model's Jacobian and with finite differences.
  const ModelPtr m = load(kNonlinear);
  auto solve = [&](solver::JacobianMode mode) {
    ModelWorkspace ws(m);
    solver::IntegratorOptions o;
    o.jacobian = mode;
    solver::OdeIntegrator integrator(ws, o);
    std::vector<double> y(4);
    ws.initial_state(y.data());
    y[0] = 100.0;
    integrator.reinit(0.0, y.data());
    EXPECT_EQ(integrator.advance(24.0, 24.0, y.data()), solver::IntegratorStatus::kSuccess);
    return y;
  };
  const std::vector<double> analytic = solve(solver::JacobianMode::kAnalytic);
  const std::vector<double> finite = solve(solver::JacobianMode::kFiniteDifference);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(analytic[i], finite[i], 1e-6 * std::abs(finite[i]));
  EXPECT_GT(analytic[1], 0.0);
}

// ---------------------------------------------------------------------------------------------
// Units inside expressions

const std::string kUnits = R"(model: units_test
time_unit: h
parameters:
  CL: {value: 1, unit: L/h, source: test}
  Q: {value: 50, unit: mL/min, source: test}
  V: {value: 10, unit: L, source: test}
covariates:
  WT: {unit: kg, default: 70}
states:
  CENT: mg
derived:
  CLT: CL + Q
  QT: Q + CL
odes:
  CENT: 5[mg/min] - CLT / V * CENT
outputs:
  CLT_LH: {expression: CLT, unit: L/h}
  QT_LH: {expression: QT, unit: L/h}
  QT_RAW: QT
  CONC: {expression: CENT / V, unit: ug/L}
  CONC_RAW: CENT / V
  CLI: {expression: "CL * (WT / 70[kg])^0.75", unit: L/h}
)";

TEST(ModelUnits, SumsConvertToTheLeftOperandsUnit) {
  const ModelPtr m = load(kUnits);
  ModelWorkspace ws(m);
  std::vector<double> out(m->outputs().size());
  const double y[1] = {10.0};
  ws.outputs(0.0, y, out.data());
  EXPECT_DOUBLE_EQ(out[m->output_index("CLT_LH")], 4.0) << "1 L/h + 50 mL/min = 4 L/h";
  EXPECT_DOUBLE_EQ(out[m->output_index("QT_LH")], 4.0);
  EXPECT_NEAR(out[m->output_index("QT_RAW")], 50.0 + 1000.0 / 60.0, 1e-12) << "in mL/min";
  EXPECT_EQ(m->outputs()[m->output_index("QT_RAW")].unit.dimension,
            units::Dimension::length().pow(3) / units::Dimension::time());
  EXPECT_NEAR(m->outputs()[m->output_index("QT_RAW")].unit.scale, 1e-6 / 60, 1e-20);
}

TEST(ModelUnits, OutputsConvertToTheirDeclaredUnit) {
  const ModelPtr m = load(kUnits);
  ModelWorkspace ws(m);
  std::vector<double> out(m->outputs().size());
  const double y[1] = {10.0};
  ws.outputs(0.0, y, out.data());
  EXPECT_DOUBLE_EQ(out[m->output_index("CONC")], 1000.0) << "1 mg/L is 1000 ug/L";
  EXPECT_DOUBLE_EQ(out[m->output_index("CONC_RAW")], 1.0) << "no declared unit: mg/L";
}

TEST(ModelUnits, LiteralsWithUnits) {
  const ModelPtr m = load(kUnits);
  ModelWorkspace ws(m);
  const double y[1] = {10.0};
  double ydot = 0;
  ws.rhs(0.0, y, &ydot);
  EXPECT_DOUBLE_EQ(ydot, 300.0 - 4.0) << "5 mg/min = 300 mg/h; CLT / V * CENT = 4 mg/h";

  std::vector<double> out(m->outputs().size());
  ws.outputs(0.0, y, out.data());
  EXPECT_DOUBLE_EQ(out[m->output_index("CLI")], 1.0) << "WT = 70 kg: (WT / 70[kg])^0.75 = 1";
  ws.set_covariate(m->covariate_index("WT"), 140.0);
  ws.update();
  ws.outputs(0.0, y, out.data());
  EXPECT_DOUBLE_EQ(out[m->output_index("CLI")], std::pow(2.0, 0.75));
}

TEST(ModelUnits, CovariateInGramsAgainstAKilogramLiteral) {
  const ModelPtr m = load(R"(model: grams
parameters:
  CL: {value: 2, unit: L/h, source: test}
covariates:
  WT: {unit: g, default: 35000}
states:
  A: mg
odes:
  A: -CL * (WT / 70[kg])^0.75 / 1[L] * A
)");
  ModelWorkspace ws(m);
  const double y[1] = {1.0};
  double ydot = 0;
  ws.rhs(0.0, y, &ydot);
  EXPECT_NEAR(ydot, -2.0 * std::pow(0.5, 0.75), 1e-12) << "35000 g / 70 kg = 0.5";
}

// ---------------------------------------------------------------------------------------------
// Load errors: each an InputError naming file, 1-based YAML line, column and field.

TEST(ModelErrors, YamlSyntaxError) {
  const std::string bad_indent = "model: t\nstates:\n  A: mg\n B: mg\nodes:\n  A: 0\n";
  expect_error_at(load_error(bad_indent), 4, 0, "", "YAML syntax error");
  const std::string tab = "model: t\nstates:\n\tA: mg\n";
  expect_error_at(load_error(tab), 3, 0, "", "YAML syntax error");
}

TEST(ModelErrors, NotAMap) {
  const InputError e = load_error("- just\n- a list\n");
  EXPECT_EQ(e.where().file, kFile);
  EXPECT_NE(e.message().find("a model file is a map"), std::string::npos) << e.message();
}

TEST(ModelErrors, UnknownTopLevelKeySuggestsTheRightOne) {
  const std::string yaml =
      "model: test\n"
      "paramters:\n"
      "  CL: {value: 1.1, unit: L/h, source: test}\n" +
      kStates + kOdes;
  const InputError e = load_error(yaml);
  expect_error_at(e, 2, 1, "paramters", "unknown key 'paramters' (did you mean 'parameters'?)");
}

TEST(ModelErrors, UnknownKeyInsideAParameter) {
  const std::string yaml =
      "model: test\n"
      "parameters:\n"
      "  CL:\n"
      "    value: 1.1\n"
      "    unit: L/h\n"
      "    sorce: a paper\n"
      "  V: {value: 20, unit: L, source: test}\n" +
      kStates + kOdes;
  expect_error_at(load_error(yaml), 6, 5, "parameters.CL.sorce",
                  "unknown key 'sorce' (did you mean 'source'?)");
}

TEST(ModelErrors, ValueThatIsNotANumber) {
  const std::string yaml =
      "model: test\n"
      "parameters:\n"
      "  CL: {value: 1.1, unit: L/h, source: test}\n"
      "  V:\n"
      "    value: twenty\n"
      "    unit: L\n" +
      kStates + kOdes;
  expect_error_at(load_error(yaml), 5, column_of(yaml, "twenty"), "parameters.V.value",
                  "'twenty' is not a number");
}

TEST(ModelErrors, BadUnit) {
  const std::string yaml =
      "model: test\n"
      "parameters:\n"
      "  CL:\n"
      "    value: 1.1\n"
      "    unit: L/hh\n"
      "  V: {value: 20, unit: L, source: test}\n" +
      kStates + kOdes;
  const InputError e = load_error(yaml);
  expect_error_at(e, 5, column_of(yaml, "L/hh"), "parameters.CL.unit", "L/hh");
  EXPECT_NE(e.message().find("did you mean 'h'"), std::string::npos) << e.message();
}

TEST(ModelErrors, TimeUnitThatIsNotATime) {
  const std::string yaml = "model: test\ntime_unit: mg\n" + kStates + kOdes;
  expect_error_at(load_error(yaml), 2, 0, "time_unit", "'mg' is not a unit of time");
}

TEST(ModelErrors, DimensionErrorInAnOde) {
  const std::string yaml = kParameters + kStates + "odes:\n  CENT: -CL * CENT\n";
  const InputError e = load_error(yaml);
  expect_error_at(e, line_of(yaml, "-CL * CENT"), column_of(yaml, "-CL * CENT"), "odes.CENT",
                  "dCENT/dt has unit");
  EXPECT_NE(e.message().find("must be in 'mg/h'"), std::string::npos) << e.message();
}

TEST(ModelErrors, DimensionErrorInASum) {
  const std::string yaml = kParameters + kStates + "odes:\n  CENT: -(CL + V) * CENT\n";
  const InputError e = load_error(yaml);
  expect_error_at(e, line_of(yaml, "-(CL + V)"), 0, "odes.CENT", "different dimensions");
}

TEST(ModelErrors, NonWholePowerOfAQuantityWithAUnit) {
  const std::string yaml = kParameters + kStates + "odes:\n  CENT: -CL * (CENT / V)^0.7\n";
  const InputError e = load_error(yaml);
  expect_error_at(e, line_of(yaml, "(CENT / V)^0.7"), 0, "odes.CENT", "not a whole number");
  EXPECT_NE(e.message().find("70[kg]"), std::string::npos) << "the hint shows how to fix it";
}

TEST(ModelErrors, UndefinedNameSuggestsTheClosestName) {
  const std::string yaml = kParameters + kStates + "odes:\n  CENT: -CLL / V * CENT\n";
  expect_error_at(load_error(yaml), line_of(yaml, "-CLL"), column_of(yaml, "-CLL"), "odes.CENT",
                  "undefined name 'CLL' (did you mean 'CL'?)");
}

TEST(ModelErrors, UndefinedNameInADerivedQuantity) {
  const std::string yaml = kParameters + kStates + "derived:\n  KE: CL / VV\n" + kOdes;
  expect_error_at(load_error(yaml), line_of(yaml, "CL / VV"), 0, "derived.KE",
                  "undefined name 'VV' (did you mean 'V'?)");
}

TEST(ModelErrors, NameDefinedTwice) {
  const std::string yaml = kParameters + "states:\n  CENT: mg\n  CL: mg\n" + kOdes;
  expect_error_at(load_error(yaml), line_of(yaml, "  CL: mg"), 0, "states.CL",
                  "'CL' is defined twice");
}

TEST(ModelErrors, CycleAmongDerivedQuantities) {
  const std::string yaml =
      kParameters + kStates + "derived:\n  K: V2 / V * CL / V\n  V2: K * V * 1[h]\n" + kOdes;
  expect_error_at(load_error(yaml), line_of(yaml, "V2 / V"), 0, "derived.K",
                  "depend on each other in a cycle: K -> V2 -> K");
}

TEST(ModelErrors, MissingOdeForAState) {
  const std::string yaml =
      kParameters + "states:\n  DEPOT: mg\n  CENT: mg\n" + "odes:\n  DEPOT: -CL / V * DEPOT\n";
  expect_error_at(load_error(yaml), line_of(yaml, "  DEPOT: -CL"), 0, "odes",
                  "no equation for state 'CENT'");
}

TEST(ModelErrors, OdeForSomethingThatIsNotAState) {
  const std::string yaml =
      kParameters + kStates + "odes:\n  CENT: -CL / V * CENT\n  CENTT: -CL / V * CENT\n";
  expect_error_at(load_error(yaml), line_of(yaml, "CENTT"), 0, "odes.CENTT",
                  "'CENTT' is not a state (did you mean 'CENT'?)");
}

TEST(ModelErrors, ExpressionSyntaxErrorPointsAtTheToken) {
  const std::string yaml = kParameters + kStates + "odes:\n  CENT: -CL / V * * CENT\n";
  const InputError e = load_error(yaml);
  // The column is that of the second '*', inside the expression.
  expect_error_at(e, line_of(yaml, "* * CENT"), column_of(yaml, "* * CENT") + 2, "odes.CENT",
                  "in expression '-CL / V * * CENT'");
}

TEST(ModelErrors, UnknownFunction) {
  const std::string yaml = kParameters + kStates + "odes:\n  CENT: -CL / V * expp(CENT)\n";
  expect_error_at(load_error(yaml), line_of(yaml, "expp"), 0, "odes.CENT", "in expression");
}

TEST(ModelErrors, MissingRequiredKeys) {
  expect_error_at(load_error("model: t\n" + kOdes), 1, 0, "", "missing required key 'states'");
  const InputError no_value = load_error("model: t\nparameters:\n  CL: {unit: L/h}\n" + kStates +
                                         "odes:\n  CENT: -CENT * 1[1/h]\n");
  expect_error_at(no_value, 3, 0, "parameters.CL", "missing required key 'value'");
}

TEST(ModelErrors, InitialValueCannotDependOnAState) {
  const std::string yaml = kParameters + "states:\n  CENT: {unit: mg, initial: CENT}\n" + kOdes;
  expect_error_at(load_error(yaml), line_of(yaml, "initial: CENT"), 0, "states.CENT.initial",
                  "an initial value cannot depend on 'CENT'");
}

// --- extends: a model file that adds to another --------------------------------------------

TEST(ModelExtends, AddsStatesParametersAndOutputsToABuiltInModel) {
  const ModelPtr base = load_model("one_cmt_oral");
  const ModelPtr m = load(R"(
model: oral_with_effect
extends: one_cmt_oral
parameters:
  KE0: {value: 0.5, unit: 1/h, source: test}
states:
  CE: {unit: mg/L}
odes:
  CE: KE0 * (CENT / V - CE)
outputs:
  EFFECT_SITE: {expression: CE, unit: mg/L}
)");
  EXPECT_EQ(m->name(), "oral_with_effect");
  EXPECT_EQ(m->lineage(), (std::vector<std::string>{"oral_with_effect", "one_cmt_oral"}));
  EXPECT_TRUE(m->extends("one_cmt_oral"));
  EXPECT_FALSE(base->extends("oral_with_effect"));
  EXPECT_EQ(m->file(), kFile);
  ASSERT_EQ(m->states().size(), base->states().size() + 1);
  EXPECT_EQ(m->parameters().size(), base->parameters().size() + 1);
  EXPECT_EQ(m->outputs().size(), base->outputs().size() + 1);
  for (std::size_t i = 0; i < base->states().size(); ++i) {
    EXPECT_EQ(m->states()[i].name, base->states()[i].name);
  }
  EXPECT_EQ(m->state_index("CE"), static_cast<int>(base->states().size()));
  EXPECT_EQ(m->default_dose_state(), base->default_dose_state());
  // The base's parameters keep the base file as their location.
  EXPECT_EQ(m->parameters()[0].where.file, base->parameters()[0].where.file);
  EXPECT_EQ(m->parameters().back().where.file, kFile);
}

TEST(ModelExtends, ReadsABaseFileRelativeToTheExtendingFile) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("smartnano_extends_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sub");
  {
    std::ofstream base(dir / "base.yaml");
    base << "model: base\nparameters:\n  K: {value: 1, unit: 1/h, source: test}\n"
            "states: {A: mg}\nodes: {A: -K * A}\n";
    std::ofstream top(dir / "sub" / "top.yaml");
    top << "model: top\nextends: ../base.yaml\nstates: {B: mg}\nodes: {B: K * A}\n";
  }
  const ModelPtr m = Model::load_file((dir / "sub" / "top.yaml").string());
  EXPECT_EQ(m->states().size(), 2u);
  EXPECT_EQ(m->name(), "top");
  std::filesystem::remove_all(dir);
}

TEST(ModelExtends, AnExtensionCannotRedefineTheBase) {
  const std::string parameter =
      "model: x\nextends: one_cmt_oral\nparameters:\n  KA: {value: 1, "
      "unit: 1/h, source: test}\n";
  expect_error_at(load_error(parameter), 4, 0, "parameters.KA", "'KA' is defined twice");
  const ModelPtr base = load_model("one_cmt_oral");
  const std::string state = base->states()[0].name;
  const std::string ode =
      "model: x\nextends: one_cmt_oral\nodes:\n  " + state + ": 0 * " + state + " / 1[h]\n";
  EXPECT_NE(load_error(ode).message().find("given twice"), std::string::npos);
}

TEST(ModelExtends, UnknownBaseAndDifferentTimeUnitAreErrors) {
  const std::string unknown = "model: x\nextends: one_cmt_orall\n";
  const InputError e = load_error(unknown);
  expect_error_at(e, 2, 0, "extends", "no built-in model 'one_cmt_orall'");
  EXPECT_NE(e.message().find("did you mean 'one_cmt_oral'"), std::string::npos) << e.what();
  expect_error_at(load_error("model: x\nextends: one_cmt_oral\ntime_unit: min\n"), 3, 0,
                  "time_unit", "differs from the time unit");
  expect_error_at(load_error("model: x\nextends: ./missing.yaml\n"), 2, 0, "extends", "not found");
}

}  // namespace
}  // namespace smartnano::model

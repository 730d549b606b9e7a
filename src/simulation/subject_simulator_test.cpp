// SubjectSimulator against closed-form solutions of the built-in one_cmt_oral model
// (NONMEM ADVAN2: DEPOT -> CENT -> out; CL 1.1 L/h, V 20 L, KA 1.5 /h; CP = CENT / V in ug/L).
//
// With k = CL / V and a dose D given at time 0, the central amount A(t) (mg) is
//   IV bolus into CENT:               A(t) = D exp(-k t)
//   oral bolus into DEPOT (Bateman):  A(t) = D KA / (KA - k) (exp(-k t) - exp(-KA t))
//   zero-order infusion R for T h:    A(t) = R / k (1 - exp(-k t))                     t <= T
//                                     A(t) = R / k (1 - exp(-k T)) exp(-k (t - T))     t >  T
// The model is linear, so several doses add (superposition), a lag L shifts a dose to t + L, a
// bioavailability F scales its amount, and the steady state of "dose D every II" at the dose is
// the sum over all earlier doses: sum_{j >= 0} a(t + j II) (for an IV bolus the geometric series
// D exp(-k s) / (1 - exp(-k II)), s = time since the last dose).
//
// Tolerances: the integrator runs at relative 1e-8 and absolute 1e-10 mg (the defaults); the
// global error of a BDF solution is a small multiple of the local tolerance, so results must agree
// with the closed forms to kRelTol = 100 x the relative tolerance (1e-6) plus kAbsTol = 1e-6 ug/L
// (100 x the absolute tolerance in mg, times 1000 / V, rounded up). Steady states are fixed points
// iterated to 1e-7 relative (SimulationOptions defaults), inside the same bound.
#include "smartnano/simulation/subject_simulator.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smartnano/core/error.h"
#include "smartnano/events/record.h"
#include "smartnano/model/model.h"

namespace smartnano::simulation {
namespace {

constexpr double kCL = 1.1;  // L/h
constexpr double kV = 20.0;  // L
constexpr double kKA = 1.5;  // 1/h
constexpr double kK = kCL / kV;

constexpr double kSolverRelTol = 1e-8;
constexpr double kRelTol = 100 * kSolverRelTol;
constexpr double kAbsTol = 1e-6;  // ug/L

// CP (ug/L) from a central amount (mg).
double cp(double amount_mg) { return amount_mg / kV * 1000.0; }

double iv_bolus(double dose, double t) { return t < 0 ? 0.0 : dose * std::exp(-kK * t); }

double oral_bolus(double dose, double t) {
  return t < 0 ? 0.0 : dose * kKA / (kKA - kK) * (std::exp(-kK * t) - std::exp(-kKA * t));
}

double infusion(double rate, double duration, double t) {
  if (t <= 0) return 0.0;
  if (t <= duration) return rate / kK * (1 - std::exp(-kK * t));
  return rate / kK * (1 - std::exp(-kK * duration)) * std::exp(-kK * (t - duration));
}

// Sum over a dose series given at t0 - j * ii, j = 0, 1, ...: the steady state at t0 + s. The
// terms fall as exp(-k j ii); 4000 h of history leaves exp(-220), far below rounding.
template <typename Response>
double steady_state_sum(Response a, double ii, double s) {
  double sum = 0.0;
  for (int j = 0; j * ii <= 4000.0; ++j) sum += a(s + j * ii);
  return sum;
}

// One data row as a NONMEM data set would hold it; covariates of one_cmt_oral alongside.
struct Row {
  double time = 0.0;
  int evid = 0;
  double amt = 0.0;
  int cmt = 0;
  double rate = 0.0;
  int ss = 0;
  double ii = 0.0;
  int addl = 0;
  double lagt = 0.0;
  double bioav = 1.0;
  double rat2 = 0.0;
  double dur2 = 0.0;
};

Row obs(double time) { return Row{.time = time}; }

// Builds SubjectInput by hand, covariates in the model's order LAGT, BIOAV, RAT2, DUR2. Line
// numbers are those of a CSV with a header row.
SubjectInput subject_of(const std::vector<Row>& rows) {
  SubjectInput s;
  s.id = 1;
  s.source = "hand-built.csv";
  int line = 2;
  for (const Row& row : rows) {
    events::Record r;
    r.time = row.time;
    EXPECT_TRUE(events::evid_to_kind(row.evid, r.kind));
    r.amount = row.amt;
    r.compartment = row.cmt;
    if (row.rate > 0) {
      r.rate_mode = events::RateMode::kFixedRate;
      r.rate = row.rate;
    } else if (row.rate == -1) {
      r.rate_mode = events::RateMode::kModelledRate;
    } else if (row.rate == -2) {
      r.rate_mode = events::RateMode::kModelledDuration;
    }
    r.ss = row.ss == 0 ? events::SteadyState::kNone
                       : (row.ss == 1 ? events::SteadyState::kReset : events::SteadyState::kAdd);
    r.interval = row.ii;
    r.additional = row.addl;
    r.line = line++;
    s.records.push_back(r);
    s.covariates.insert(s.covariates.end(), {row.lagt, row.bioav, row.rat2, row.dur2});
  }
  return s;
}

class SubjectSimulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = model::load_builtin_model("one_cmt_oral");
    // The hand-built covariate rows and the constants above assume this layout.
    ASSERT_EQ(model_->covariates().size(), 4u);
    EXPECT_EQ(model_->covariates()[0].name, "LAGT");
    EXPECT_EQ(model_->covariates()[1].name, "BIOAV");
    EXPECT_EQ(model_->covariates()[2].name, "RAT2");
    EXPECT_EQ(model_->covariates()[3].name, "DUR2");
    ASSERT_EQ(model_->states().size(), 2u);
    ASSERT_EQ(model_->outputs().size(), 1u);
    EXPECT_DOUBLE_EQ(model_->parameters()[model_->parameter_index("CL")].value, kCL);
    EXPECT_DOUBLE_EQ(model_->parameters()[model_->parameter_index("V")].value, kV);
    EXPECT_DOUBLE_EQ(model_->parameters()[model_->parameter_index("KA")].value, kKA);
    EXPECT_EQ(options_.integrator.relative_tolerance, kSolverRelTol);
  }

  SubjectResult simulate(const std::vector<Row>& rows) {
    SubjectSimulator simulator(model_, options_);
    SubjectResult r = simulator.simulate(subject_of(rows));
    EXPECT_EQ(r.status, SubjectStatus::kSuccess) << r.message;
    EXPECT_EQ(r.times.size(), rows.size());
    EXPECT_EQ(r.outputs.size(), rows.size());
    return r;
  }

  // Simulates `rows` and compares CP at every row with expected_amount(row time) (mg in CENT).
  template <typename Expected>
  void expect_matches(const std::vector<Row>& rows, Expected expected_amount) {
    const SubjectResult r = simulate(rows);
    if (r.outputs.size() != rows.size()) return;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(r.times[i], rows[i].time);
      EXPECT_EQ(r.evids[i], rows[i].evid);
      const double expected = cp(expected_amount(rows[i].time));
      EXPECT_NEAR(r.outputs[i], expected, kRelTol * std::abs(expected) + kAbsTol)
          << "row " << i << " at t = " << rows[i].time;
    }
  }

  model::ModelPtr model_;
  SimulationOptions options_;
};

std::vector<Row> observations(double from, double to, double every) {
  std::vector<Row> rows;
  for (double t = from; t <= to + 1e-9; t += every) rows.push_back(obs(t));
  return rows;
}

// Rows: the dose rows first, then the observations (a dose before observations at tied times).
std::vector<Row> with_observations(std::vector<Row> doses, double from, double to, double every) {
  std::vector<Row> rows;
  std::vector<Row> grid = observations(from, to, every);
  std::size_t d = 0;
  for (const Row& o : grid) {
    while (d < doses.size() && doses[d].time <= o.time) rows.push_back(doses[d++]);
    rows.push_back(o);
  }
  while (d < doses.size()) rows.push_back(doses[d++]);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Single doses

TEST_F(SubjectSimulatorTest, BolusIntoCentralDecaysExponentially) {
  const auto rows =
      with_observations({Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2}}, 0, 48, 1.5);
  expect_matches(rows, [](double t) { return iv_bolus(100, t); });
}

TEST_F(SubjectSimulatorTest, OralBolusIntoDepotFollowsTheBatemanFunction) {
  const auto rows =
      with_observations({Row{.time = 0, .evid = 1, .amt = 100, .cmt = 1}}, 0, 48, 0.25);
  expect_matches(rows, [](double t) { return oral_bolus(100, t); });
}

TEST_F(SubjectSimulatorTest, DefaultCompartmentIsTheDepot) {
  // CMT 0 (not given) means the model's default dose target: DEPOT.
  const auto rows = with_observations({Row{.time = 0, .evid = 1, .amt = 100}}, 0, 24, 2);
  expect_matches(rows, [](double t) { return oral_bolus(100, t); });
}

TEST_F(SubjectSimulatorTest, ZeroOrderInfusionDuringAndAfter) {
  // 100 mg at 10 mg/h: 10 h of infusion; observations inside, at the end and after.
  const auto rows =
      with_observations({Row{.time = 2, .evid = 1, .amt = 100, .cmt = 2, .rate = 10}}, 0, 40, 0.5);
  expect_matches(rows, [](double t) { return infusion(10, 10, t - 2); });
}

TEST_F(SubjectSimulatorTest, DosesStartWhereTheFirstRecordIs) {
  // A subject whose records start at t = 5: the solution is the same curve, shifted.
  const auto rows = with_observations({Row{.time = 5, .evid = 1, .amt = 80, .cmt = 1}}, 5, 30, 1);
  expect_matches(rows, [](double t) { return oral_bolus(80, t - 5); });
}

// ---------------------------------------------------------------------------------------------
// ADDL / II, lag, bioavailability

TEST_F(SubjectSimulatorTest, AdditionalDosesSuperpose) {
  // Oral: 100 mg every 24 h, four doses.
  const auto oral = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 1, .ii = 24, .addl = 3}}, 0, 120, 1);
  expect_matches(oral, [](double t) {
    double a = 0;
    for (int j = 0; j < 4; ++j) a += oral_bolus(100, t - 24 * j);
    return a;
  });
  // IV: an observation at the time of an additional dose sees that dose.
  const auto iv = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 50, .cmt = 2, .ii = 12, .addl = 2}}, 0, 48, 3);
  expect_matches(iv, [](double t) {
    double a = 0;
    for (int j = 0; j < 3; ++j) a += iv_bolus(50, t - 12 * j);
    return a;
  });
}

TEST_F(SubjectSimulatorTest, AdditionalInfusionsSuperpose) {
  const auto rows = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .rate = 20, .ii = 12, .addl = 2}}, 0, 60,
      0.5);
  expect_matches(rows, [](double t) {
    double a = 0;
    for (int j = 0; j < 3; ++j) a += infusion(20, 5, t - 12 * j);
    return a;
  });
}

TEST_F(SubjectSimulatorTest, LagTimeDelaysTheDose) {
  // LAGT = 2.5 h on a bolus into CENT; the observation at exactly 2.5 h sees the dose, and
  // additional doses are lagged too.
  const double lag = 2.5;
  std::vector<Row> rows = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .ii = 12, .addl = 1, .lagt = lag}}, 0, 36,
      0.5);
  for (Row& r : rows) r.lagt = lag;
  expect_matches(rows,
                 [&](double t) { return iv_bolus(100, t - lag) + iv_bolus(100, t - 12 - lag); });
  const SubjectResult r = simulate(rows);
  ASSERT_EQ(r.outputs.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].time < lag) {
      EXPECT_EQ(r.outputs[i], 0.0) << "before the lag, t = " << rows[i].time;
    }
  }
}

TEST_F(SubjectSimulatorTest, LagAppliesToCentralOnlyNotToTheDepot) {
  // one_cmt_oral models ALAG2 only: a depot dose ignores LAGT.
  std::vector<Row> rows =
      with_observations({Row{.time = 0, .evid = 1, .amt = 100, .cmt = 1}}, 0, 24, 1);
  for (Row& r : rows) r.lagt = 3;
  expect_matches(rows, [](double t) { return oral_bolus(100, t); });
}

TEST_F(SubjectSimulatorTest, BioavailabilityScalesABolus) {
  std::vector<Row> rows =
      with_observations({Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2}}, 0, 24, 1);
  for (Row& r : rows) r.bioav = 0.3;
  expect_matches(rows, [](double t) { return iv_bolus(30, t); });
}

TEST_F(SubjectSimulatorTest, BioavailabilityKeepsTheRateOfAFixedRateInfusion) {
  // AMT 480, RATE 10, F 0.5: 240 mg at 10 mg/h, so 24 h (not 48 h at 5 mg/h, nor 48 h at 10).
  std::vector<Row> rows =
      with_observations({Row{.time = 0, .evid = 1, .amt = 480, .cmt = 2, .rate = 10}}, 0, 72, 1);
  for (Row& r : rows) r.bioav = 0.5;
  expect_matches(rows, [](double t) { return infusion(10, 24, t); });
}

TEST_F(SubjectSimulatorTest, ModelledRateFromRat2) {
  // RATE = -1: rate R2 = RAT2 = 20 mg/h; duration F * AMT / R2 = 0.5 * 100 / 20 = 2.5 h.
  std::vector<Row> rows =
      with_observations({Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .rate = -1}}, 0, 24, 0.5);
  for (Row& r : rows) {
    r.rat2 = 20;
    r.bioav = 0.5;
  }
  expect_matches(rows, [](double t) { return infusion(20, 2.5, t); });
}

TEST_F(SubjectSimulatorTest, ModelledDurationFromDur2) {
  // RATE = -2: duration D2 = DUR2 = 4 h; rate F * AMT / D2 = 0.5 * 100 / 4 = 12.5 mg/h.
  std::vector<Row> rows =
      with_observations({Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .rate = -2}}, 0, 24, 0.5);
  for (Row& r : rows) {
    r.dur2 = 4;
    r.bioav = 0.5;
  }
  expect_matches(rows, [](double t) { return infusion(12.5, 4, t); });
}

TEST_F(SubjectSimulatorTest, TimeVaryingCovariateTakesTheValueOfTheDoseRecord) {
  // BIOAV is 1 on the first dose, 0.5 on the observations between the doses and 0.25 on the
  // second dose record: a record's value applies to the interval ending at it, so the second
  // dose (at t = 24) gets F = 0.25 and the first keeps F = 1.
  std::vector<Row> rows = {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .bioav = 1}};
  for (double t = 0; t < 24; t += 2) rows.push_back(Row{.time = t, .bioav = 0.5});
  rows.push_back(Row{.time = 24, .evid = 1, .amt = 100, .cmt = 2, .bioav = 0.25});
  for (double t = 24; t <= 48; t += 2) rows.push_back(Row{.time = t, .bioav = 0.25});
  expect_matches(rows, [](double t) { return iv_bolus(100, t) + iv_bolus(25, t - 24); });
}

// ---------------------------------------------------------------------------------------------
// Steady state

TEST_F(SubjectSimulatorTest, SteadyStateBolusHasTheGeometricAccumulationFactor) {
  // SS = 1, 100 mg IV every 12 h, ADDL 3: A(t0 + n II + s) = D exp(-k s) / (1 - exp(-k II)).
  const double ii = 12;
  const auto rows = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .ss = 1, .ii = ii, .addl = 3}}, 0, 47, 1);
  const double accumulation = 1 / (1 - std::exp(-kK * ii));
  expect_matches(rows,
                 [&](double t) { return 100 * std::exp(-kK * std::fmod(t, ii)) * accumulation; });
  const SubjectResult r = simulate(rows);
  EXPECT_GT(r.steady_state_intervals, 0);
  ASSERT_FALSE(r.outputs.empty());
  EXPECT_NEAR(r.outputs[0], cp(100 * accumulation), kRelTol * cp(100 * accumulation));
}

TEST_F(SubjectSimulatorTest, SteadyStateOralBolusIsTheSumOfAllEarlierDoses) {
  const double ii = 8;
  const auto rows = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 1, .ss = 1, .ii = ii}}, 0, 30, 0.5);
  // Only the record's own dose after t = 0 (no ADDL): the earlier doses' tails plus this one.
  expect_matches(rows, [&](double t) {
    return steady_state_sum([](double s) { return oral_bolus(100, s); }, ii, t);
  });
}

TEST_F(SubjectSimulatorTest, SteadyStateInfusionLongerThanTheInterval) {
  // SS = 1, 100 mg at 5 mg/h (20 h) every 12 h: infusions overlap; at t0 the previous dose is
  // still running (8 h left) and keeps running after it.
  const double ii = 12;
  const auto one = [](double s) { return infusion(5, 20, s); };
  const auto rows = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .rate = 5, .ss = 1, .ii = ii}}, 0, 48, 0.5);
  expect_matches(rows, [&](double t) { return steady_state_sum(one, ii, t); });
  // With ADDL the regimen stays periodic.
  const auto periodic = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .rate = 5, .ss = 1, .ii = ii, .addl = 4}}, 0,
      48, 0.5);
  expect_matches(periodic, [&](double t) { return steady_state_sum(one, ii, std::fmod(t, ii)); });
}

TEST_F(SubjectSimulatorTest, SteadyStateAddedToTheCurrentState) {
  // 50 mg IV at t = 0, then at t = 6 an SS = 2 dose of 100 mg every 12 h: the steady state adds
  // to what the first dose left (SS = 1 would have discarded it).
  const double ii = 12;
  const double accumulation = 1 / (1 - std::exp(-kK * ii));
  std::vector<Row> doses = {Row{.time = 0, .evid = 1, .amt = 50, .cmt = 2},
                            Row{.time = 6, .evid = 1, .amt = 100, .cmt = 2, .ss = 2, .ii = ii}};
  const auto rows = with_observations(doses, 0, 30, 1);
  expect_matches(rows, [&](double t) {
    return iv_bolus(50, t) + (t < 6 ? 0.0 : 100 * std::exp(-kK * (t - 6)) * accumulation);
  });
  doses[1].ss = 1;
  const auto reset = with_observations(doses, 0, 30, 1);
  expect_matches(reset, [&](double t) {
    return t < 6 ? iv_bolus(50, t) : 100 * std::exp(-kK * (t - 6)) * accumulation;
  });
}

TEST_F(SubjectSimulatorTest, SteadyStateWithLagShiftsTheWholeSeries) {
  // Doses at t0 + lag - j II (j >= 0): before t0 + lag the state is the tail of the earlier
  // doses. A lag longer than II (15 h > 12 h) leaves one earlier dose still to come after t0.
  const double ii = 12;
  for (const double lag : {2.0, 15.0}) {
    std::vector<Row> rows = with_observations(
        {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .ss = 1, .ii = ii}}, 0, 40, 0.5);
    for (Row& r : rows) r.lagt = lag;
    expect_matches(rows, [&](double t) {
      return steady_state_sum([](double s) { return iv_bolus(100, s); }, ii, t - lag);
    });
    for (Row& r : rows) r.rate = r.evid == 1 ? 25 : 0;  // the same as 4 h infusions
    expect_matches(rows, [&](double t) {
      return steady_state_sum([](double s) { return infusion(25, 4, s); }, ii, t - lag);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Resets

TEST_F(SubjectSimulatorTest, ResetEmptiesCompartmentsAndCancelsPendingDoses) {
  // EVID 3 at t = 20 after 100 mg IV every 12 h x 4: the dose at 12 was given, those at 24 and
  // 36 are cancelled (the documented rule), so everything is 0 from t = 20 on.
  std::vector<Row> rows = {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .ii = 12, .addl = 3}};
  for (double t = 0; t < 20; t += 2) rows.push_back(obs(t));
  rows.push_back(Row{.time = 20, .evid = 3});
  for (double t = 20; t <= 48; t += 2) rows.push_back(obs(t));
  expect_matches(rows,
                 [](double t) { return t >= 20 ? 0.0 : iv_bolus(100, t) + iv_bolus(100, t - 12); });
}

TEST_F(SubjectSimulatorTest, ResetCancelsALaggedDoseNotYetGiven) {
  // 100 mg into CENT at t = 0 with a 5 h lag; EVID 3 at t = 2 cancels it; EVID 2 rows are
  // output rows that give nothing.
  std::vector<Row> rows = {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2},
                           obs(1),
                           Row{.time = 2, .evid = 3},
                           obs(3),
                           Row{.time = 6, .evid = 2},
                           obs(8)};
  for (Row& r : rows) r.lagt = 5;
  expect_matches(rows, [](double) { return 0.0; });
  rows.erase(rows.begin() + 2);  // without the reset the dose arrives at t = 5
  expect_matches(rows, [](double t) { return iv_bolus(100, t - 5); });
}

TEST_F(SubjectSimulatorTest, ResetStopsARunningInfusion) {
  std::vector<Row> rows = {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .rate = 10}};
  for (double t = 0; t < 5; t += 1) rows.push_back(obs(t));
  rows.push_back(Row{.time = 5, .evid = 3});
  for (double t = 5; t <= 20; t += 1) rows.push_back(obs(t));
  expect_matches(rows, [](double t) { return t >= 5 ? 0.0 : infusion(10, 10, t); });
}

TEST_F(SubjectSimulatorTest, ResetAndDoseStartsAfreshAndCancelsPendingDoses) {
  // EVID 4 at t = 20 with 60 mg into the depot: only that dose from t = 20 on.
  std::vector<Row> rows = {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .ii = 12, .addl = 3}};
  for (double t = 0; t < 20; t += 2) rows.push_back(obs(t));
  rows.push_back(Row{.time = 20, .evid = 4, .amt = 60, .cmt = 1});
  for (double t = 20; t <= 48; t += 2) rows.push_back(obs(t));
  expect_matches(rows, [](double t) {
    return t >= 20 ? oral_bolus(60, t - 20) : iv_bolus(100, t) + iv_bolus(100, t - 12);
  });
}

// ---------------------------------------------------------------------------------------------
// Bad input, failures, statuses

// The InputError thrown by simulating `rows`, or one with an empty message after a test failure.
InputError input_error(const model::ModelPtr& model, const std::vector<Row>& rows) {
  SubjectSimulator simulator(model, SimulationOptions{});
  try {
    simulator.simulate(subject_of(rows));
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError({}, "");
}

TEST_F(SubjectSimulatorTest, ModelledRateIntoTheDepotIsAnInputError) {
  // Line 3 of the hand-built file: the second row.
  const InputError e = input_error(
      model_, {obs(0), Row{.time = 1, .evid = 1, .amt = 100, .cmt = 1, .rate = -1}, obs(2)});
  EXPECT_EQ(e.where().file, "hand-built.csv");
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.where().field, "RATE");
  EXPECT_NE(std::string(e.what()).find("hand-built.csv:3"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("DEPOT"), std::string::npos) << e.what();
}

TEST_F(SubjectSimulatorTest, ModelledDurationIntoTheDepotIsAnInputError) {
  const InputError e =
      input_error(model_, {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 1, .rate = -2}});
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().field, "RATE");
}

TEST_F(SubjectSimulatorTest, CompartmentTheModelLacksIsAnInputError) {
  const InputError e =
      input_error(model_, {obs(0), obs(1), Row{.time = 2, .evid = 1, .amt = 100, .cmt = 5}});
  EXPECT_EQ(e.where().file, "hand-built.csv");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().field, "CMT");
  EXPECT_NE(e.message().find("compartment 5"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("hand-built.csv:4"), std::string::npos) << e.what();
}

TEST_F(SubjectSimulatorTest, SolverFailureIsAStatusNotAnException) {
  options_.integrator.max_steps = 1;
  SubjectSimulator simulator(model_, options_);
  const auto rows = with_observations({Row{.time = 0, .evid = 1, .amt = 100, .cmt = 1}}, 0, 48, 12);
  SubjectResult r;
  ASSERT_NO_THROW(r = simulator.simulate(subject_of(rows)));
  EXPECT_EQ(r.status, SubjectStatus::kSolverFailure);
  EXPECT_FALSE(r.message.empty());
  EXPECT_LT(r.times.size(), rows.size());  // stopped at the failure
  EXPECT_EQ(to_string(r.status), "solver failure");
  // The simulator is still usable: a fresh subject with no integration at all succeeds.
  const SubjectResult ok = simulator.simulate(subject_of({obs(0)}));
  EXPECT_EQ(ok.status, SubjectStatus::kSuccess) << ok.message;
}

TEST_F(SubjectSimulatorTest, SteadyStateReportsTheIntervalsItTook) {
  const auto rows = with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2, .ss = 1, .ii = 12}}, 0, 12, 4);
  const SubjectResult converged = simulate(rows);
  EXPECT_EQ(converged.status, SubjectStatus::kSuccess);
  EXPECT_GT(converged.steady_state_intervals, 1);
  EXPECT_LT(converged.steady_state_intervals, options_.steady_state_max_intervals);

  options_.steady_state_max_intervals = 1;
  SubjectSimulator simulator(model_, options_);
  const SubjectResult r = simulator.simulate(subject_of(rows));
  EXPECT_EQ(r.status, SubjectStatus::kSteadyStateNotReached);
  EXPECT_FALSE(r.message.empty());
  EXPECT_EQ(r.steady_state_intervals, 1);
}

TEST_F(SubjectSimulatorTest, InvalidOptionsAreRejected) {
  options_.steady_state_max_intervals = 0;
  EXPECT_FALSE(options_.validate().empty());
  EXPECT_THROW(SubjectSimulator(model_, options_), std::invalid_argument);
}

TEST_F(SubjectSimulatorTest, SameSubjectTwiceGivesBitwiseIdenticalResults) {
  std::vector<Row> doses = {
      Row{.time = 0, .evid = 1, .amt = 100, .cmt = 1, .ii = 24, .addl = 2},
      Row{.time = 6, .evid = 1, .amt = 100, .cmt = 2, .rate = 5, .ss = 2, .ii = 12, .lagt = 1},
      Row{.time = 30, .evid = 1, .amt = 40, .cmt = 2, .rate = -2, .dur2 = 3}};
  const SubjectInput subject = subject_of(with_observations(doses, 0, 72, 0.5));
  options_.record_states = true;
  SubjectSimulator simulator(model_, options_);
  const SubjectResult a = simulator.simulate(subject);
  const SubjectResult b = simulator.simulate(subject);
  ASSERT_EQ(a.status, SubjectStatus::kSuccess) << a.message;
  EXPECT_EQ(a.times, b.times);
  EXPECT_EQ(a.evids, b.evids);
  EXPECT_EQ(a.outputs, b.outputs);  // operator== on doubles: bit for bit (no NaN here)
  EXPECT_EQ(a.states, b.states);
  EXPECT_EQ(a.states.size(), 2 * a.times.size());
  EXPECT_EQ(a.stats.steps, b.stats.steps);
  EXPECT_EQ(a.steady_state_intervals, b.steady_state_intervals);
}

// One simulator keeps its workspace and integrator from subject to subject; nothing of an
// earlier subject (parameters, running infusions, counters) may reach the next one.
TEST_F(SubjectSimulatorTest, ReusedSimulatorForgetsThePreviousSubject) {
  const SubjectInput typical = subject_of(with_observations(
      {Row{.time = 0, .evid = 1, .amt = 100, .cmt = 1, .ii = 24, .addl = 2}}, 0, 72, 1));
  SubjectInput other = subject_of(with_observations(
      {Row{.time = 0, .evid = 1, .amt = 50, .cmt = 2, .rate = 1}}, 0, 12, 0.5));  // still running
  other.parameters.assign(model_->parameters().size(), 0.0);
  for (std::size_t i = 0; i < other.parameters.size(); ++i)
    other.parameters[i] = model_->parameters()[i].value;
  other.parameters[model_->parameter_index("CL")] = 3 * kCL;

  SubjectSimulator fresh(model_, options_);
  const SubjectResult expected = fresh.simulate(typical);
  SubjectSimulator reused(model_, options_);
  const SubjectResult first = reused.simulate(other);
  const SubjectResult again = reused.simulate(typical);
  ASSERT_EQ(first.status, SubjectStatus::kSuccess) << first.message;
  ASSERT_EQ(again.status, SubjectStatus::kSuccess) << again.message;
  EXPECT_EQ(again.times, expected.times);
  EXPECT_EQ(again.outputs, expected.outputs);  // bit for bit
  EXPECT_EQ(again.stats.steps, expected.stats.steps);
  EXPECT_EQ(again.stats.rhs_evaluations, expected.stats.rhs_evaluations);
  EXPECT_EQ(again.stats.segments, expected.stats.segments);
}

// Every built-in model, with CVODES' kernels compiled by the project (the default) and with
// SUNDIALS' own: the same numbers bit for bit. A 1 h infusion at 0 h and a bolus at 168 h into
// the model's default dose state, every state every 6 h for two weeks.
TEST(EveryBuiltinModel, CompiledSolverKernelsGiveSundialsResultsBitForBit) {
  for (const std::string& name : model::builtin_model_names()) {
    const model::ModelPtr m = model::load_builtin_model(name);
    SubjectInput subject;
    subject.source = name;
    for (double t = 0; t <= 336; t += 6) {
      events::Record r;
      r.time = t;
      r.kind = events::RecordKind::kObservation;
      if (t == 0 || t == 168) {
        r.kind = events::RecordKind::kDose;
        r.amount = 10.0;
        if (t == 0) r.rate_mode = events::RateMode::kFixedRate, r.rate = 10.0;
      }
      subject.records.push_back(r);
      for (const auto& c : m->covariates())
        subject.covariates.push_back(c.default_value.value_or(0));
    }
    SimulationOptions options;
    options.record_states = true;
    options.integrator.relative_tolerance = 1e-6;
    options.integrator.absolute_tolerance = 1e-9;
    SubjectResult results[2];
    for (int compiled = 0; compiled < 2; ++compiled) {
      options.integrator.compiled_kernels = compiled == 1;
      results[compiled] = SubjectSimulator(m, options).simulate(subject);
      ASSERT_EQ(results[compiled].status, SubjectStatus::kSuccess)
          << name << ": " << results[compiled].message;
    }
    EXPECT_EQ(results[0].states, results[1].states) << name;
    EXPECT_EQ(results[0].outputs, results[1].outputs) << name;
    EXPECT_EQ(results[0].stats.steps, results[1].stats.steps) << name;
    EXPECT_GT(results[0].stats.steps, 0) << name;
  }
}

TEST_F(SubjectSimulatorTest, ParametersPerSubjectOverrideTheModel) {
  // CL doubled for this subject: k doubles.
  SubjectInput s =
      subject_of(with_observations({Row{.time = 0, .evid = 1, .amt = 100, .cmt = 2}}, 0, 24, 2));
  s.parameters.assign(model_->parameters().size(), 0.0);
  for (std::size_t i = 0; i < s.parameters.size(); ++i)
    s.parameters[i] = model_->parameters()[i].value;
  s.parameters[model_->parameter_index("CL")] = 2 * kCL;
  SubjectSimulator simulator(model_, options_);
  const SubjectResult r = simulator.simulate(s);
  ASSERT_EQ(r.outputs.size(), s.records.size());
  for (std::size_t i = 0; i < r.times.size(); ++i) {
    const double expected = cp(100 * std::exp(-2 * kK * r.times[i]));
    EXPECT_NEAR(r.outputs[i], expected, kRelTol * expected + kAbsTol) << "t = " << r.times[i];
  }
}

}  // namespace
}  // namespace smartnano::simulation

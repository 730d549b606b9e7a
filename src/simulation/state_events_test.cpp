// State-triggered events (model `events:`) in SubjectSimulator, against closed forms.
//
// x' = -k x from x(0) = 1 with k = 1 /h; whenever x falls below 1/2 it is reset to 1 and a
// counter n goes up by one. The resets happen at t = j ln 2 (j = 1, 2, ...), so
// x(t) = exp(-(t - floor(t / ln 2) ln 2)) and n(t) = floor(t / ln 2). Root finding places each
// reset to the solver's precision, so the closed forms hold to the integrator's tolerance.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smartnano/core/error.h"
#include "smartnano/events/record.h"
#include "smartnano/model/model.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::simulation {
namespace {

const char* kResetModel = R"(
model: reset_below_half
parameters:
  k: {value: 1, unit: 1/h}
states:
  x: {unit: mg, initial: 1}
  n: {unit: "1"}
odes:
  x: -k * x
  n: 0
events:
  refill:
    trigger: x < 0.5[mg]
    assign:
      x: 1[mg]
      n: n + 1
outputs:
  X: x
  N: n
)";

SubjectResult simulate(const model::ModelPtr& model, const std::vector<double>& times) {
  SimulationOptions options;
  options.integrator.relative_tolerance = 1e-10;
  options.integrator.absolute_tolerance = 1e-12;
  SubjectInput subject;
  for (double t : times) {
    events::Record r;
    r.time = t;
    subject.records.push_back(r);
  }
  return SubjectSimulator(model, options).simulate(subject);
}

TEST(StateEvents, ResetsWhereTheTriggerBecomesTrue) {
  const auto model = model::Model::load_text(kResetModel, "reset.yaml");
  ASSERT_EQ(model->events().size(), 1u);
  EXPECT_EQ(model->root_count(), 1);
  std::vector<double> times;
  for (int i = 0; i <= 50; ++i) times.push_back(0.1 * i);
  const auto result = simulate(model, times);
  ASSERT_EQ(result.status, SubjectStatus::kSuccess) << result.message;
  const double ln2 = std::log(2.0);
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double t = times[i];
    const double resets = std::floor(t / ln2);
    EXPECT_NEAR(result.outputs[2 * i], std::exp(-(t - resets * ln2)), 1e-7) << "t = " << t;
    EXPECT_EQ(result.outputs[2 * i + 1], resets) << "t = " << t;
  }
}

TEST(StateEvents, ATriggerTrueAtTheStartFiresOnlyWhenAsked) {
  std::string text = kResetModel;
  text.replace(text.find("initial: 1}"), 11, "initial: 0.25}");
  const auto quiet = model::Model::load_text(text, "start.yaml");
  auto result = simulate(quiet, {0.0, 0.1});
  ASSERT_EQ(result.status, SubjectStatus::kSuccess);
  EXPECT_DOUBLE_EQ(result.outputs[0], 0.25);  // already below 1/2: no transition, no reset
  EXPECT_EQ(result.outputs[3], 0.0);

  text.replace(text.find("assign:"), 7, "fire_at_start: true\n    assign:");
  const auto eager = model::Model::load_text(text, "start.yaml");
  result = simulate(eager, {0.0, 0.1});
  ASSERT_EQ(result.status, SubjectStatus::kSuccess);
  EXPECT_DOUBLE_EQ(result.outputs[0], 1.0);  // reset at t = 0 before the first output
  EXPECT_EQ(result.outputs[1], 1.0);
}

TEST(StateEvents, AModelWithoutEventsHasNoRootFunctions) {
  const auto model = model::load_builtin_model("one_cmt_oral");
  EXPECT_TRUE(model->events().empty());
  EXPECT_EQ(model->root_count(), 0);
}

TEST(StateEvents, BadEventsAreReportedWithFileAndField) {
  std::string text = kResetModel;
  text.replace(text.find("x: 1[mg]"), 8, "y: 1");
  try {
    model::Model::load_text(text, "bad.yaml");
    FAIL() << "an assignment to an unknown state was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yaml:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'y' is not a state"), std::string::npos) << e.what();
  }
  text = kResetModel;
  text.replace(text.find("x < 0.5[mg]"), 11, "x + 1[h]");
  EXPECT_THROW(model::Model::load_text(text, "bad.yaml"), InputError);  // mg + h
}

}  // namespace
}  // namespace smartnano::simulation

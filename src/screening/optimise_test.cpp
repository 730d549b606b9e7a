// Schedule optimisation: reading the section, finding a known optimum, meeting a limit.
#include "smartnano/screening/optimise.h"

#include <cmath>

#include <gtest/gtest.h>

#include "smartnano/core/error.h"

namespace smartnano::screening {
namespace {

std::string mouse(const std::string& optimise, const std::string& dose = "5 mg/kg") {
  return R"(scenario: optimise-test
model: liposomal_doxorubicin_mouse
subject: {weight: 25 g}
dosing:
  - dose: )" +
         dose + R"(
    into: LP
triggers:
  - ultrasound: {at: [2 h], duration: 30 min, permeability_fold: 3, window_half_life: 1 h}
observe: {from: 0 h, to: 48 h, every: 1 h}
optimise:
)" + optimise;
}

TEST(Optimise, SonicationIsBestWhileTheCarrierIsStillInPlasma) {
  // The window acts on carrier extravasation, which is proportional to the plasma carrier
  // concentration: the earlier the sonication after the bolus, the more reaches the tumour.
  const Optimisation o = load_optimisation_text(mouse(R"(  variables:
    lead: {set: triggers.0.ultrasound.at.0, low: 0 h, high: 24 h, start: 12 h}
  objective: {output: PID_TUMOUR_CAR, at: 48 h, goal: max}
  algorithm: subplex
  max_evaluations: 40
  landscape: {points: 7}
)"),
                                                "opt.yaml");
  runner::SerialCommunicator comm;
  const OptimisationResult r = run_optimisation(o, {}, comm);
  EXPECT_LT(r.best.values[0], 1.0);
  EXPECT_TRUE(r.found_feasible);
  ASSERT_EQ(r.landscape.size(), 7u);
  // On the landscape, later sonication delivers less.
  for (std::size_t k = 1; k < r.landscape.size(); ++k) {
    EXPECT_LT(r.evaluations[r.landscape[k]].scores[0], r.evaluations[r.landscape[k - 1]].scores[0]);
  }
  EXPECT_GE(r.best.scores[0], r.evaluations[r.landscape.front()].scores[0]);
}

TEST(Optimise, LargestDoseUnderACardiacLimitMeetsTheLimit) {
  // Tumour and heart exposure both rise with the dose, so the best dose under a cardiac limit
  // puts the heart exposure on the limit (COBYLA, the limit as a constraint).
  const Optimisation o = load_optimisation_text(mouse(R"(  variables:
    dose: {set: dosing.0.dose, format: "{} mg/kg", low: 1, high: 20, start: 2}
  objective: {output: C_TUMOUR, statistic: auc, goal: max}
  limits:
    - {output: C_HEART_FREE, statistic: auc, at_most: 8 ug*h/mL}
  max_evaluations: 80
  tolerance: 1e-4
  landscape: {points: 0}
)"),
                                                "opt.yaml");
  runner::SerialCommunicator comm;
  const OptimisationResult r = run_optimisation(o, {}, comm);
  ASSERT_TRUE(r.found_feasible) << r.status;
  EXPECT_LE(r.best.scores[1], 8.0);
  EXPECT_GT(r.best.scores[1], 0.99 * 8.0);
  EXPECT_GT(r.best.values[0], 5.0);  // 5 mg/kg gives about 6.2 ug*h/mL in the heart
  EXPECT_LT(r.best.values[0], 20.0);
  EXPECT_TRUE(r.landscape.empty());
}

TEST(Optimise, BadInputNamesTheField) {
  auto error = [](const std::string& text) -> std::string {
    try {
      load_optimisation_text(text, "opt.yaml");
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(
      error(mouse("  variables:\n    lead: {set: triggers.0.ultrasound.at.0, levels: [1 h, 2 h]}\n"
                  "  objective: {output: PID_TUMOUR, at: 24 h, goal: max}\n"))
          .find("continuous"),
      std::string::npos);
  EXPECT_NE(error(mouse("  variables:\n    lead: {set: triggers.0.ultrasound.at.0, low: 0 h, high: "
                        "4 h, start: 9 h}\n"
                        "  objective: {output: PID_TUMOUR, at: 24 h, goal: max}\n"))
                .find("start must be within"),
            std::string::npos);
  EXPECT_NE(
      error(mouse("  variables:\n    lead: {set: triggers.0.ultrasound.at.0, low: 0 h, high: 4 h}\n"
                  "  objective: {output: PID_TUMOUR, at: 24 h}\n"))
          .find("needs a goal"),
      std::string::npos);
  EXPECT_NE(
      error(mouse("  variables:\n    lead: {set: triggers.0.ultrasound.at.0, low: 0 h, high: 4 h}\n"
                  "  objective: {output: PID_TUMOUR, at: 24 h, goal: max}\n"
                  "  limits: [{output: C_HEART_FREE, at_most: 1 ug*h/mL}]\n"
                  "  algorithm: subplex\n"))
          .find("cannot take limits"),
      std::string::npos);
  EXPECT_NE(error(mouse("  variables: {}\n  objective: {output: PID_TUMOUR, goal: max}\n"))
                .find("opt.yaml:11:"),
            std::string::npos);
}

}  // namespace
}  // namespace smartnano::screening

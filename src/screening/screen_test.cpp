// Formulation screens: reading the screen section, building candidates, running them across a
// small mouse population, ranking and refining.
#include "smartnano/screening/screen.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "smartnano/core/error.h"

namespace smartnano::screening {
namespace {

// Four mice with their own MPS uptake and tumour pores; 7 days of hourly observations.
std::string mouse_screen(const std::string& screen) {
  return R"(scenario: test-screen
model: liposomal_doxorubicin_mouse
subject: {weight: 25 g}
population:
  size: 4
  seed: 5
  variability: {CLMPS_L: 30 %, CLMPS_S: 30 %}
  tumour: {pore_size: {}}
dosing:
  - dose: 5 mg/kg
    into: LP
observe: {from: 0 h, to: 168 h, every: 2 h}
screen:
)" + screen;
}

const char* kScores = R"(  scores:
    tumour_released: {output: C_TUMOUR_CELL_FREE, statistic: auc, goal: max}
    tumour_delivery: {output: PID_TUMOUR, statistic: cmax, goal: max}
    heart: {output: C_HEART_FREE, statistic: auc, goal: min}
)";

std::string expect_input_error(const std::string& yaml) {
  try {
    load_screen_text(yaml, "screen.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError for:\n" << yaml;
  return "";
}

TEST(ScreenSpec, ReadsFactorsOfEveryKindWithUnits) {
  const Screen s = load_screen_text(mouse_screen(R"(  factors:
    diameter: {low: 0.06 um, high: 250 nm}
    release_half_life: {low: 6 h, high: 30 day, scale: log}
    KREL_TC: {levels: [0.05, 0.1]}
    surface:
      options:
        plain: {carrier: {peg_mol_percent: 0}}
        pegylated: {carrier: {peg_mol_percent: 5}}
  constraints: ["diameter >= 80 || surface == 1"]
  design: {kind: latin_hypercube, size: 12, seed: 3}
)" + std::string(kScores)),
                                    "screen.yaml");
  const ScreenSpec& spec = s.spec;
  ASSERT_EQ(spec.space.factors.size(), 4u);
  EXPECT_DOUBLE_EQ(spec.space.factors[0].low, 60.0);    // nm
  EXPECT_DOUBLE_EQ(spec.space.factors[1].high, 720.0);  // h
  EXPECT_TRUE(spec.space.factors[1].log_scale);
  EXPECT_EQ(spec.bindings[0].target, FactorTarget::kCarrier);
  EXPECT_EQ(spec.bindings[2].target, FactorTarget::kParameter);
  EXPECT_EQ(spec.bindings[3].target, FactorTarget::kOption);
  EXPECT_EQ(spec.space.factors[3].labels, (std::vector<std::string>{"plain", "pegylated"}));
  EXPECT_EQ(spec.objectives,
            (std::vector<std::string>{"tumour_released", "tumour_delivery", "heart"}));
  EXPECT_EQ(spec.scores[0].unit, "ug/mL*h");

  // A candidate's scenario carries its values.
  const scenario::Scenario c = candidate_scenario(s, {150.0, 24.0, 0.1, 0.0});
  ASSERT_TRUE(c.carrier_design.has_value());
  EXPECT_DOUBLE_EQ(c.carrier_design->hydrodynamic_diameter_nm, 150.0);
  EXPECT_DOUBLE_EQ(c.carrier_design->release_half_life_h, 24.0);
  EXPECT_DOUBLE_EQ(c.carrier_design->peg_mol_percent, 0.0);
  const int krel = c.model->parameter_index("KREL_TC");
  EXPECT_DOUBLE_EQ(c.parameters[static_cast<std::size_t>(krel)], 0.1);
  // Less PEG shielding: more MPS uptake than the pegylated option.
  const scenario::Scenario p = candidate_scenario(s, {150.0, 24.0, 0.1, 1.0});
  const auto l = static_cast<std::size_t>(c.model->parameter_index("CLMPS_L"));
  EXPECT_GT(c.parameters[l], 2 * p.parameters[l]);
}

TEST(ScreenSpec, BadInputNamesTheField) {
  EXPECT_NE(expect_input_error(
                mouse_screen("  factors: {}\n  design: {size: 4}\n" + std::string(kScores)))
                .find("the design space is empty"),
            std::string::npos);
  EXPECT_NE(expect_input_error(mouse_screen("  factors:\n    diametre: {low: 60, high: 100}\n"
                                            "  design: {size: 4}\n" +
                                            std::string(kScores)))
                .find("did you mean 'diameter'"),
            std::string::npos);
  EXPECT_NE(expect_input_error(mouse_screen("  factors:\n    diameter: {low: 60 h, high: 100 h}\n"
                                            "  design: {size: 4}\n" +
                                            std::string(kScores)))
                .find("screen.yaml:15"),
            std::string::npos);
  EXPECT_NE(expect_input_error(mouse_screen("  factors:\n    diameter: {low: 60, high: 100}\n"
                                            "  constraints: [\"size > 3\"]\n"
                                            "  design: {size: 4}\n" +
                                            std::string(kScores)))
                .find("names 'size', which is not a factor"),
            std::string::npos);
  EXPECT_NE(expect_input_error(mouse_screen("  factors:\n    diameter: {low: 60, high: 100}\n"
                                            "  constraints: [\"diameter > 300\"]\n"
                                            "  design: {size: 4}\n" +
                                            std::string(kScores)))
                .find("reject all 4 candidates"),
            std::string::npos);
  EXPECT_NE(expect_input_error(mouse_screen("  factors:\n    diameter: {low: 60, high: 100}\n"
                                            "  design: {size: 4}\n"
                                            "  scores:\n    heart: {output: C_HART_FREE}\n"))
                .find("did you mean 'C_HEART_FREE'"),
            std::string::npos);
  EXPECT_NE(expect_input_error(mouse_screen("  factors:\n    diameter: {low: 60, high: 100}\n"
                                            "  design: {size: 4}\n"
                                            "  scores:\n    heart: {output: C_HEART_FREE}\n"
                                            "  objectives: [heart]\n"))
                .find("has no goal"),
            std::string::npos);
  EXPECT_NE(expect_input_error(mouse_screen("  factors:\n    surface:\n      options:\n"
                                            "        plain: {carrier: {peg_mol_percent: -3}}\n"
                                            "  design: {kind: full_factorial}\n" +
                                            std::string(kScores)))
                .find("option 'plain' does not make a scenario"),
            std::string::npos);
}

TEST(ScreenSpec, PathFactorsSetAnyValueOfTheScenario) {
  const std::string base = R"(scenario: path-screen
model: liposomal_doxorubicin_mouse
subject: {weight: 25 g}
dosing:
  - dose: 5 mg/kg
triggers:
  - ultrasound: {at: [1 h], permeability_fold: 2}
observe: {from: 0 h, to: 24 h, every: 1 h}
screen:
  factors:
    lead: {set: triggers.0.ultrasound.at.0, levels: [30 min, 2 h]}
    fold: {set: triggers.0.ultrasound.permeability_fold, low: 1, high: 4}
  design: {kind: full_factorial}
  scores:
    tumour: {output: PID_TUMOUR, at: 24 h, goal: max}
)";
  const Screen s = load_screen_text(base, "path.yaml");
  ASSERT_EQ(s.spec.bindings[0].target, FactorTarget::kPath);
  EXPECT_EQ(s.spec.bindings[0].unit, "min");
  EXPECT_DOUBLE_EQ(s.spec.space.factors[0].levels[1], 120.0);  // in the first level's unit
  const scenario::Scenario c = candidate_scenario(s, {120.0, 4.0});
  ASSERT_TRUE(c.triggers);
  const auto& course = c.triggers->courses().front();
  EXPECT_DOUBLE_EQ(course.knots.front(), 2.0);  // hours, the model's time unit
  EXPECT_DOUBLE_EQ(course.values.front(), 4.0);
  // A larger permeability fold delivers more to the tumour.
  const ScreenResult r = run_screen(s);
  double low_fold = 0, high_fold = 0;
  for (const auto& cand : r.candidates) {
    if (cand.factors[0] == 30.0 && cand.factors[1] == 1.0) low_fold = cand.scores[0].summary;
    if (cand.factors[0] == 30.0 && cand.factors[1] == 4.0) high_fold = cand.scores[0].summary;
  }
  EXPECT_GT(high_fold, 1.2 * low_fold);
  // A path that is not in the scenario is refused where it is written.
  std::string bad = base;
  bad.replace(bad.find("ultrasound.permeability_fold"), 28, "ultrasound.permeability_gold");
  try {
    load_screen_text(bad, "path.yaml");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("path.yaml:12:17: field 'screen.factors.fold.set'"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("has no 'permeability_gold'"), std::string::npos);
  }
}

Screen small_screen(const std::string& extra = "") {
  return load_screen_text(mouse_screen(R"(  factors:
    diameter: {low: 60 nm, high: 200 nm}
    release_half_life: {low: 6 h, high: 720 h, scale: log}
  design: {kind: sobol, size: 6}
)" + std::string(kScores) + R"(  responder: {score: tumour_released, at_least: 20 ug/mL*h}
  therapeutic_index: {efficacy: tumour_released, toxicity: heart}
)" + extra),
                          "screen.yaml");
}

TEST(RunScreen, SameResultOnOneOrTwoThreads) {
  const Screen s = small_screen();
  ScreenRunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const ScreenResult a = run_screen(s, one), b = run_screen(s, two);
  ASSERT_EQ(a.candidates.size(), 6u);
  ASSERT_EQ(a.subjects, 4u);
  for (std::size_t c = 0; c < a.candidates.size(); ++c) {
    EXPECT_EQ(a.candidates[c].subject_scores, b.candidates[c].subject_scores);
    EXPECT_EQ(a.candidates[c].rank, b.candidates[c].rank);
    EXPECT_EQ(a.candidates[c].failures, 0);
  }
}

TEST(RunScreen, ScoresAreThoseOfTheCandidateScenarioAndFrontsAreNonDominated) {
  const Screen s = small_screen();
  const ScreenResult r = run_screen(s);
  // Every subject's score is the statistic of a direct simulation of the candidate's scenario.
  const std::size_t heart = 2;
  const int out = s.scenario.model->output_index("C_HEART_FREE");
  const std::size_t n_out = s.scenario.model->outputs().size();
  for (const auto& c : {r.candidates.front(), r.candidates.back()}) {
    const scenario::Scenario cs = candidate_scenario(s, c.factors);
    simulation::SubjectSimulator sim(cs.model, cs.options);
    for (std::size_t i = 0; i < r.subjects; ++i) {
      const auto res = sim.simulate(cs.subject(i));
      double auc = 0.0;
      for (std::size_t k = 1; k < res.times.size(); ++k) {
        auc += 0.5 * (res.times[k] - res.times[k - 1]) *
               (res.outputs[k * n_out + static_cast<std::size_t>(out)] +
                res.outputs[(k - 1) * n_out + static_cast<std::size_t>(out)]);
      }
      EXPECT_NEAR(c.subject_scores[i][heart], auc, 1e-9 * auc) << c.id << " subject " << i;
    }
    // The median of four subjects is the mean of the middle two.
    std::vector<double> v;
    for (const auto& row : c.subject_scores) v.push_back(row[heart]);
    std::sort(v.begin(), v.end());
    EXPECT_DOUBLE_EQ(c.scores[heart].summary, 0.5 * (v[1] + v[2]));
  }
  // Percentiles bracket the median; responder fraction and TI are defined.
  for (const auto& c : r.candidates) {
    for (const auto& q : c.scores) {
      EXPECT_LE(q.p05, q.summary);
      EXPECT_LE(q.summary, q.p95);
    }
    EXPECT_GE(c.responder_fraction, 0.0);
    EXPECT_LE(c.responder_fraction, 1.0);
    EXPECT_GT(c.therapeutic_index, 0.0);
    // Objectives: three scores, then responder fraction and therapeutic index.
    ASSERT_EQ(c.objectives.size(), 5u);
  }
  // No candidate of front 1 is dominated by any other candidate.
  for (const auto& a : r.candidates) {
    if (a.front != 1) continue;
    for (const auto& b : r.candidates) {
      bool ge = true, gt = false;
      for (std::size_t k = 0; k < a.objectives.size(); ++k) {
        const double x = s.spec.goals[k] == Goal::kMaximise ? b.objectives[k] : -b.objectives[k];
        const double y = s.spec.goals[k] == Goal::kMaximise ? a.objectives[k] : -a.objectives[k];
        ge = ge && x >= y;
        gt = gt || x > y;
      }
      EXPECT_FALSE(ge && gt) << b.id << " dominates " << a.id;
    }
  }
}

TEST(RunScreen, SecondStageSamplesAroundTheFirstFront) {
  const Screen s = small_screen(
      "  objectives: [tumour_released, heart]\n"
      "  refine: {size: 6, shrink: 0.2}\n");
  const ScreenResult r = run_screen(s);
  ASSERT_EQ(r.candidates.size(), 12u);
  // The centres: the first front of stage 1 alone (ranks were recomputed with stage 2).
  std::vector<const CandidateResult*> stage1;
  std::vector<std::vector<double>> objectives;
  for (const auto& c : r.candidates) {
    if (c.stage == 1) {
      stage1.push_back(&c);
      objectives.push_back(c.objectives);
    }
  }
  const auto fronts = pareto_fronts(objectives, s.spec.goals);
  std::vector<const CandidateResult*> centres;
  for (std::size_t i = 0; i < stage1.size(); ++i) {
    if (fronts[i] == 1) centres.push_back(stage1[i]);
  }
  ASSERT_FALSE(centres.empty());
  for (const auto& c : r.candidates) {
    if (c.stage != 2) continue;
    bool near = false;
    for (const auto* centre : centres) {
      bool inside = true;
      for (std::size_t j = 0; j < 2; ++j) {
        const Factor& f = s.spec.space.factors[j];
        inside = inside && std::abs(f.coordinate_of(c.factors[j]) -
                                    f.coordinate_of(centre->factors[j])) <= 0.2 + 1e-12;
      }
      near = near || inside;
    }
    EXPECT_TRUE(near) << "candidate " << c.id;
  }
  // Ranks are a permutation of 1..12.
  std::vector<int> ranks;
  for (const auto& c : r.candidates) ranks.push_back(c.rank);
  std::sort(ranks.begin(), ranks.end());
  for (int k = 0; k < 12; ++k) EXPECT_EQ(ranks[static_cast<std::size_t>(k)], k + 1);
}

TEST(RunScreen, WritesTablesSummaryAndPlot) {
  const Screen s = small_screen();
  const ScreenResult r = run_screen(s);
  const auto dir = std::filesystem::temp_directory_path() / "smartnano_screen_test";
  std::filesystem::remove_all(dir);
  write_screen_outputs(s, r, dir.string());
  for (const char* f : {"screen_candidates.csv", "screen_front.csv", "screen_subjects.csv",
                        "screen_summary.json", "pareto.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  }
  std::ifstream in(dir / "screen_candidates.csv");
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_EQ(header.rfind("rank,id,stage,diameter,release_half_life,tumour_released_median,", 0),
            0u);
  EXPECT_EQ(first.rfind("1,", 0), 0u);  // sorted by rank
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smartnano::screening

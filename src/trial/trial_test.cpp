// The trial engine on a small model whose behaviour is known by hand: a one-compartment drug
// that shrinks the tumour and lowers neutrophils in proportion to its amount.
#include "smartnano/trial/trial.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "smartnano/core/error.h"

namespace smartnano::trial {
namespace {

namespace fs = std::filesystem;

// Drug in CENT decays with K; the tumour grows with KG and is killed by KKILL per mg; neutrophils
// fall by KANC per mg and recover towards ANC0 with KREC.
constexpr const char* kModel = R"(model: tiny_trial
time_unit: day
parameters:
  K: {value: 0.5, unit: 1/day, source: test}
  SLD0: {value: 50, unit: mm, source: test}
  KG: {value: 0, unit: 1/day, source: test}
  KKILL: {value: 0, unit: 1/day/mg, source: test}
  ANC0: {value: 5, unit: cells/nL, source: test}
  KANC: {value: 0, unit: 1/day/mg, source: test}
  KREC: {value: 0.1, unit: 1/day, source: test}
  OS_A: {value: 6, unit: "1", source: test}
  OS_B: {value: 0, unit: "1", source: test}
  OS_S: {value: 0, unit: "1", source: test}
states:
  CENT: mg
  SLD: {unit: mm, initial: SLD0}
  ANC: {unit: cells/nL, initial: ANC0}
odes:
  CENT: -K * CENT
  SLD: KG * SLD - KKILL * CENT * SLD
  ANC: KREC * (ANC0 - ANC) - KANC * CENT * ANC
outputs:
  SLD_MM: {expression: SLD, unit: mm}
  ANC_OUT: {expression: ANC, unit: cells/nL}
  AMOUNT: {expression: CENT, unit: mg}
)";

class TrialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("smartnano_trial_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    std::ofstream(dir_ / "tiny.yaml") << kModel;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A two-arm trial; `parameters` and `trial_extra` are spliced into the scenario.
  std::string scenario(const std::string& parameters, const std::string& trial_extra,
                       const std::string& arms = "",
                       const std::string& variability = "SLD0: 30 %") const {
    const std::string default_arms = R"(  arms:
    - name: A
      dosing: [{dose: 100 mg/m2 every 7 days x 10, into: CENT}]
    - name: B
      dosing: [{dose: 50 mg/m2 every 7 days x 10, into: CENT}]
)";
    return "model: tiny.yaml\nparameters: {" + parameters +
           "}\nsubject: {weight: 70 kg, height: 170 cm}\n"
           "population: {size: 1, seed: 7, variability: {" +
           variability +
           "}}\n"
           "trial:\n  patients_per_arm: 10\n" +
           (arms.empty() ? default_arms : arms) +
           "  endpoints: {tumour_size: SLD_MM, neutrophils: ANC_OUT, cardiac_exposure: AMOUNT,\n"
           "              overall_survival: {landmark: 8 weeks, intercept: OS_A, size_change: "
           "OS_B, sigma: OS_S}}\n"
           "  follow_up: 1 year\n" +
           trial_extra;
  }

  Trial load(const std::string& text) const {
    return load_trial_text(text, (dir_ / "trial.yaml").string());
  }

  InputError load_error(const std::string& text) const {
    try {
      load(text);
    } catch (const InputError& e) {
      return e;
    }
    ADD_FAILURE() << "expected an InputError for:\n" << text;
    return InputError({}, "");
  }

  fs::path dir_;
};

TEST_F(TrialTest, ArmsHaveTheirSizesAndResultsDoNotDependOnThreads) {
  const Trial trial = load(scenario("KKILL: 0.01", "  replicates: 2\n"));
  TrialRunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const TrialResult a = run_trial(trial, one);
  const TrialResult b = run_trial(trial, two);
  ASSERT_EQ(a.patients.size(), 40u);
  ASSERT_EQ(b.patients.size(), 40u);
  int per_arm[2] = {0, 0};
  std::set<std::size_t> used;
  for (std::size_t i = 0; i < a.patients.size(); ++i) {
    const PatientOutcome& p = a.patients[i];
    const PatientOutcome& q = b.patients[i];
    EXPECT_EQ(p.arm, q.arm);
    EXPECT_EQ(p.population_index, q.population_index);
    EXPECT_EQ(p.endpoints.progression_free_survival.time_days,
              q.endpoints.progression_free_survival.time_days);
    EXPECT_EQ(p.overall_survival.time_days, q.overall_survival.time_days);
    EXPECT_EQ(p.doses.size(), q.doses.size());
    if (p.replicate == 0) ++per_arm[p.arm];
    EXPECT_TRUE(used.insert(p.population_index).second) << "a patient entered twice";
    EXPECT_TRUE(p.failure.empty()) << p.failure;
  }
  EXPECT_EQ(per_arm[0], 10);
  EXPECT_EQ(per_arm[1], 10);
  EXPECT_EQ(a.replicates.size(), 2u);
}

TEST_F(TrialTest, SurvivalModelWithoutNoiseGivesExactDeathTimes) {
  // sigma 0, no size effect: every patient dies at exp(OS_A) days.
  const Trial trial = load(scenario("OS_A: 5", "  follow_up: 2 years\n"));
  const TrialResult r = run_trial(trial);
  for (const auto& p : r.patients) {
    EXPECT_NEAR(p.death_days, std::exp(5.0), 1e-9);
    EXPECT_TRUE(p.overall_survival.is_event());
    EXPECT_NEAR(p.overall_survival.time_days, std::exp(5.0), 1e-9);
    // Nothing is given after death.
    for (const auto& d : p.doses) EXPECT_LT(d.time_days, std::exp(5.0));
  }
}

TEST_F(TrialTest, CumulativeLimitStopsBeforeTheDoseThatWouldCrossIt) {
  const Trial trial = load(scenario("OS_A: 9", "  toxicity: {cumulative_limit: 350 mg/m2}\n"));
  const TrialResult r = run_trial(trial);
  for (const auto& p : r.patients) {
    if (p.arm == 0) {  // 100 mg/m2 a week: 3 doses (300), a fourth would make 400
      EXPECT_EQ(p.doses.size(), 3u);
      EXPECT_EQ(p.stop, StopReason::kCumulativeLimit);
      EXPECT_NEAR(p.cumulative_mg_per_m2, 300.0, 1e-9);
      EXPECT_NEAR(p.stop_days, 21.0, 1e-9);
    } else {  // 50 mg/m2: 7 doses (350) reach the limit exactly
      EXPECT_EQ(p.doses.size(), 7u);
      EXPECT_NEAR(p.cumulative_mg_per_m2, 350.0, 1e-9);
    }
  }
}

TEST_F(TrialTest, ProgressionStopsTreatmentAtTheVisit) {
  // A tumour doubling about every 10 days with no drug effect progresses at the first visit.
  const Trial trial = load(scenario("KG: 0.07, OS_A: 9", "  visits: {every: 4 weeks}\n"));
  const TrialResult r = run_trial(trial);
  for (const auto& p : r.patients) {
    EXPECT_EQ(p.stop, StopReason::kProgression);
    EXPECT_NEAR(p.stop_days, 28.0, 1e-9);
    EXPECT_EQ(p.doses.size(), 4u);  // days 0, 7, 14, 21
    EXPECT_EQ(p.endpoints.best.response, Response::kPD);
    EXPECT_TRUE(p.endpoints.progression_free_survival.is_event());
    EXPECT_NEAR(p.endpoints.progression_free_survival.time_days, 28.0, 1e-9);
  }
}

TEST_F(TrialTest, NeutropeniaHoldsDelayDosesByTheRecheckInterval) {
  // Neutrophils fall far below 1.5 after each dose and recover slowly: doses are held.
  const Trial trial =
      load(scenario("KANC: 0.01, KREC: 0.05, OS_A: 9",
                    "  toxicity: {hold_below: 1.5 cells/nL, recheck: 3 days, max_delay: 60 days, "
                    "reduce_after_grade: 0}\n"));
  const TrialResult r = run_trial(trial);
  int delayed = 0;
  for (const auto& p : r.patients) {
    delayed += p.delays > 0;
    for (std::size_t k = 1; k < p.doses.size(); ++k) {
      const double gap = p.doses[k].time_days - p.doses[k - 1].time_days;
      // Every gap is the 7-day interval plus whole rechecks.
      const double extra = gap - 7.0;
      EXPECT_GE(extra, -1e-9);
      EXPECT_NEAR(extra / 3.0, std::round(extra / 3.0), 1e-9);
    }
  }
  EXPECT_GT(delayed, 0);
}

TEST_F(TrialTest, GradeFourNadirReducesLaterDoses) {
  const Trial trial =
      load(scenario("KANC: 1, KREC: 1, OS_A: 9",
                    "  toxicity: {reduce_after_grade: 4, reduction: 25 %, max_reductions: 2}\n"));
  const TrialResult r = run_trial(trial);
  for (const auto& p : r.patients) {
    ASSERT_FALSE(p.doses.empty());
    EXPECT_GE(p.worst_neutropenia_grade, 4);
    ASSERT_GE(p.doses.size(), 3u);
    EXPECT_NEAR(p.doses[1].amount / p.doses[0].amount, 0.75, 1e-9);
    EXPECT_NEAR(p.doses[2].amount / p.doses[0].amount, 0.5, 1e-9);
    // A third reduction stops treatment.
    EXPECT_EQ(p.stop, StopReason::kMaxReductions);
    EXPECT_EQ(p.reductions, 3);
  }
}

TEST_F(TrialTest, EligibilityScreensOutPatients) {
  const Trial trial = load(scenario("OS_A: 9", "  eligibility: {SLD0: {min: 50 mm}}\n"));
  const TrialResult r = run_trial(trial);
  EXPECT_GT(r.replicates[0].screened, 20);
  for (const auto& p : r.patients) EXPECT_GE(p.baseline_sld_mm, 50.0 - 1e-9);
}

TEST_F(TrialTest, SelectionHookDecidesWhoEnters) {
  Trial trial = load(scenario("OS_A: 9", ""));
  trial.spec.selection = [](const Candidate& c) { return c.population_index % 2 == 1; };
  const TrialResult r = run_trial(trial);
  for (const auto& p : r.patients) EXPECT_EQ(p.population_index % 2, 1u);
  EXPECT_EQ(r.replicates[0].screened, 40);
}

TEST_F(TrialTest, EffectiveArmWinsAndPowerIsReported) {
  // Arm A shrinks the tumour for a while; arm B gives too little to stop it growing. Growth
  // rates vary between patients, so progression times overlap and the hazard ratio exists.
  const Trial trial = load(scenario("KG: 0.01, KKILL: 0.001, OS_A: 9",
                                    "  replicates: 3\n  analysis: {endpoint: pfs, control: B}\n",
                                    R"(  arms:
    - name: A
      patients: 30
      dosing: [{dose: 100 mg/m2 every 7 days x 6, into: CENT}]
    - name: B
      patients: 30
      dosing: [{dose: 1 mg/m2 every 7 days x 20, into: CENT}]
)",
                                    "SLD0: 30 %, KG: 100 %"));
  const TrialResult r = run_trial(trial);
  ASSERT_TRUE(r.power.has_value());
  EXPECT_EQ(r.power->estimate, 1.0);
  const ReplicateSummary& first = r.replicates[0];
  EXPECT_GT(first.arms[0].response.objective_response_rate.estimate, 0.5);
  EXPECT_EQ(first.arms[1].response.objective_response_rate.estimate, 0.0);
  ASSERT_TRUE(first.comparison.has_value());
  EXPECT_LT(first.comparison->pfs_hazard_ratio, 0.2) << first.comparison->note;
  EXPECT_LT(first.comparison->pfs_logrank_p, 0.001);
}

TEST_F(TrialTest, SampleSizeRepeatsTheTrialForEachArmSize) {
  const std::string arms = R"(  arms:
    - name: A
      dosing: [{dose: 100 mg/m2 every 7 days x 6, into: CENT}]
    - name: B
      dosing: [{dose: 1 mg/m2 every 7 days x 20, into: CENT}]
)";
  const Trial trial =
      load(scenario("KG: 0.01, KKILL: 0.0003, OS_A: 9",
                    "  replicates: 6\n  analysis: {endpoint: pfs, control: B}\n"
                    "  sample_size: {patients_per_arm: [3, 40], target_power: 0.8}\n",
                    arms, "SLD0: 30 %, KG: 100 %"));
  const TrialResult r = run_trial(trial);
  ASSERT_EQ(r.sample_size.size(), 2u);
  EXPECT_EQ(r.sample_size[0].patients_per_arm, 3);
  EXPECT_EQ(r.sample_size[1].patients_per_arm, 40);
  EXPECT_EQ(r.sample_size[0].replicates, 6);
  // Three patients per arm cannot reach significance that forty reach every time.
  EXPECT_LT(r.sample_size[0].power.estimate, r.sample_size[1].power.estimate);
  EXPECT_EQ(r.sample_size[1].power.estimate, 1.0);
  EXPECT_LT(r.sample_size[1].median_hazard_ratio, 1.0);
  const fs::path out = dir_ / "sized";
  write_trial_outputs(trial, r, out.string());
  std::ifstream in(out / "trial_summary.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["sample_size"]["smallest_reaching_target"], 40);
}

TEST_F(TrialTest, NonInferiorityUsesTheUpperConfidenceLimit) {
  // Two identical arms: the hazard ratio is near 1, its upper limit below a wide margin and
  // above a narrow one.
  const std::string arms = R"(  arms:
    - name: A
      patients: 40
      dosing: [{dose: 10 mg/m2 every 7 days x 6, into: CENT}]
    - name: B
      patients: 40
      dosing: [{dose: 10 mg/m2 every 7 days x 6, into: CENT}]
)";
  const std::string design = "  analysis: {endpoint: pfs, control: B, noninferiority_margin: ";
  const Trial wide =
      load(scenario("KG: 0.01, OS_A: 9", design + "5}\n", arms, "SLD0: 30 %, KG: 100 %"));
  const Trial narrow =
      load(scenario("KG: 0.01, OS_A: 9", design + "1.01}\n", arms, "SLD0: 30 %, KG: 100 %"));
  const TrialResult w = run_trial(wide);
  const TrialResult n = run_trial(narrow);
  const Comparison& c = *w.replicates[0].comparison;
  EXPECT_LT(c.pfs_upper, 5.0);
  EXPECT_GT(c.pfs_upper, 1.01);
  EXPECT_TRUE(c.success);
  EXPECT_FALSE(n.replicates[0].comparison->success);
}

TEST_F(TrialTest, ConfirmedResponsesNeedASecondVisit) {
  // A tumour that shrinks for good: every visit is PR or better, so confirmation changes
  // nothing but the confirming visit is recorded.
  const std::string extra = "  recist: {confirm: true, confirmation_interval: 4 weeks}\n";
  const TrialResult r = run_trial(load(scenario("KKILL: 0.01, OS_A: 9", extra)));
  int responders = 0;
  for (const auto& p : r.patients) {
    if (p.endpoints.objective_response) {
      ++responders;
      EXPECT_GT(p.endpoints.best.confirmation_visit, p.endpoints.best.first_response_visit);
    }
  }
  EXPECT_EQ(responders, 20);
}

TEST_F(TrialTest, WritesEveryFileAtomicallyWithoutNaN) {
  const Trial trial = load(scenario("KKILL: 0.002, OS_A: 6", "  analysis: {control: B}\n"));
  const TrialResult r = run_trial(trial);
  const fs::path out = dir_ / "out";
  write_trial_outputs(trial, r, out.string());
  for (const char* name : {"trial_patients.csv", "trial_visits.csv", "trial_doses.csv",
                           "trial_arms.csv", "trial_summary.json", "km_pfs.svg", "km_os.svg",
                           "waterfall.svg", "spider.svg", "swimmer.svg"}) {
    ASSERT_TRUE(fs::exists(out / name)) << name;
    std::ifstream in(out / name);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    // No NaN written as a number ("smartnano" itself contains "nan").
    EXPECT_FALSE(std::regex_search(text, std::regex("(^|[^A-Za-z])[Nn]a[Nn]([^A-Za-z]|$)")))
        << name;
  }
  for (const auto& entry : fs::directory_iterator(out)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos);
  }
  std::ifstream in(out / "trial_summary.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["first_trial"]["arms"].size(), 2u);
  EXPECT_EQ(j["first_trial"]["arms"][0]["patients"], 10);
}

TEST_F(TrialTest, BadTrialsAreRefusedWithTheirLocation) {
  auto expect = [&](const std::string& text, const std::string& fragment) {
    const InputError e = load_error(text);
    EXPECT_NE(e.message().find(fragment), std::string::npos) << e.what();
    EXPECT_GT(e.where().line, 0) << e.what();
  };
  expect(scenario("", "", "  arms: []\n"), "at least one arm");
  expect(scenario("", "  analysis: {control: A}\n"), "must not be the first arm");
  expect(scenario("", "  analysis: {control: C}\n"), "no arm named 'C'");
  expect(scenario("", "  toxicity: {reduction: 50 %, max_reductions: 2}\n"), "leaves no dose");
  expect(scenario("", "  eligibility: {SLDO: {min: 1 mm}}\n"), "did you mean 'SLD0'");
  expect(scenario("", "", R"(  arms:
    - name: A
      patients: 0
      dosing: [{dose: 1 mg, into: CENT}]
)"),
         "has no patients");
  std::string wrong_output = scenario("", "");
  wrong_output.replace(wrong_output.find("tumour_size: SLD_MM"), 19, "tumour_size: ANC_OUT");
  expect(wrong_output, "cannot be converted to mm");
  expect(scenario("",
                  "  biomarkers: [{name: IHC, kind: tissue, source: KKILL, cutpoints: [1, 2]}]\n"
                  "  selection: {biomarker: IHC, min: 3}\n"),
         "outside the range of biomarker 'IHC'");
  expect(scenario("",
                  "  biomarkers: [{name: IHC, kind: tissue, source: KKILL, cutpoints: [1]}]\n"
                  "  selection: {biomarker: IHX, min: 1}\n"),
         "no biomarker named 'IHX'");
  expect(scenario("", "  biomarkers: [{name: X, kind: blood, source: KKILL}]\n"),
         "is not one of pet, mri_r2star, tissue, liquid");
  std::string no_population = scenario("", "");
  no_population.replace(no_population.find("population:"), 11, "#opulation:");
  expect(no_population, "population");
}

TEST_F(TrialTest, TissueBiomarkerScoresAndSelectsPatients) {
  // A biopsy score of the kill rate: without sampling error it is the number of cut-points at
  // or below the patient's KKILL; selection keeps scores >= 2.
  const std::string biomarker =
      "  biomarkers:\n"
      "    - {name: KILL_IHC, kind: tissue, source: KKILL, cutpoints: [0.001, 0.002, 0.004]}\n"
      "  selection: {biomarker: KILL_IHC, min: 2}\n";
  const TrialResult r =
      run_trial(load(scenario("KKILL: 0.002, OS_A: 9", biomarker, "", "SLD0: 30 %, KKILL: 60 %")));
  ASSERT_FALSE(r.selected);  // a fixed threshold without enrichment: one (selected) trial
  EXPECT_GT(r.replicates[0].screened, 20);
  for (const auto& p : r.patients) {
    ASSERT_EQ(p.biomarkers.size(), 1u);
    EXPECT_GE(p.biomarkers[0], 2.0);
  }
}

TEST_F(TrialTest, EnrichmentSelectsByTheYoudenThresholdOfAllComers) {
  const std::string biomarker =
      "  biomarkers:\n"
      "    - {name: KILL_IHC, kind: tissue, source: KKILL, sampling_error: 20 %,\n"
      "       cutpoints: [0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004]}\n"
      "  selection: {biomarker: KILL_IHC, threshold: youden}\n"
      "  recist: {complete_response_below: 10 mm}\n";
  const std::string arms = R"(  arms:
    - name: A
      patients: 40
      dosing: [{dose: 50 mg/m2 every 7 days x 6, into: CENT}]
)";
  const TrialResult r = run_trial(load(
      scenario("KG: 0.005, KKILL: 0.0015, OS_A: 9", biomarker, arms, "SLD0: 30 %, KKILL: 80 %")));
  ASSERT_TRUE(r.selected);
  ASSERT_EQ(r.biomarker_performance.size(), 1u);
  const BiomarkerPerformance& b = r.biomarker_performance[0];
  EXPECT_GT(b.auc, 0.7) << b.note;
  EXPECT_DOUBLE_EQ(r.selection_threshold, b.youden_threshold);
  const double all_orr = r.replicates[0].arms[0].response.objective_response_rate.estimate;
  const double selected_orr =
      r.selected->replicates[0].arms[0].response.objective_response_rate.estimate;
  EXPECT_GT(selected_orr, all_orr);
  EXPECT_GT(r.selected->replicates[0].screened, r.replicates[0].screened);
  for (const auto& p : r.selected->patients) EXPECT_GE(p.biomarkers[0], r.selection_threshold);
  const fs::path out = dir_ / "enriched";
  write_trial_outputs(load(scenario("KG: 0.005, KKILL: 0.0015, OS_A: 9", biomarker, arms,
                                    "SLD0: 30 %, KKILL: 80 %")),
                      r, out.string());
  for (const char* name : {"enrichment.csv", "roc.svg", "trial_summary.json",
                           "all-comers/trial_patients.csv", "selected/trial_patients.csv"}) {
    EXPECT_TRUE(fs::exists(out / name)) << name;
  }
}

TEST_F(TrialTest, TwoBiomarkersAreAlsoCombinedByLogisticRegression) {
  const std::string biomarkers =
      "  biomarkers:\n"
      "    - {name: IHC_A, kind: tissue, source: KKILL, sampling_error: 30 %,\n"
      "       cutpoints: [0.0005, 0.001, 0.0015, 0.002, 0.003]}\n"
      "    - {name: IHC_B, kind: tissue, source: KKILL, sampling_error: 60 %,\n"
      "       cutpoints: [0.0005, 0.001, 0.0015, 0.002, 0.003]}\n"
      "  recist: {complete_response_below: 10 mm}\n";
  const std::string arms = R"(  arms:
    - name: A
      patients: 60
      dosing: [{dose: 50 mg/m2 every 7 days x 6, into: CENT}]
)";
  const TrialResult r = run_trial(load(scenario("KG: 0.005, KKILL: 0.0015, OS_A: 9", biomarkers,
                                                arms, "SLD0: 30 %, KKILL: 80 %, KG: 80 %")));
  ASSERT_EQ(r.biomarker_performance.size(), 3u);
  const BiomarkerPerformance& combined = r.biomarker_performance[2];
  EXPECT_EQ(combined.name, "COMBINED");
  EXPECT_EQ(combined.patients, 60);
  EXPECT_TRUE(std::isfinite(combined.auc)) << combined.note;
  EXPECT_NE(combined.note.find("IHC_A"), std::string::npos) << combined.note;
  EXPECT_GT(combined.auc, 0.5);
  // Scores that split responders from non-responders exactly have no logistic fit: a note, not
  // a number.
  const TrialResult separated = run_trial(load(
      scenario("KG: 0.005, KKILL: 0.0015, OS_A: 9", biomarkers, arms, "SLD0: 30 %, KKILL: 80 %")));
  const BiomarkerPerformance& none = separated.biomarker_performance[2];
  EXPECT_TRUE(std::isnan(none.auc));
  EXPECT_NE(none.note.find("separation"), std::string::npos) << none.note;
}

TEST_F(TrialTest, LiquidBiopsyCountsArePoissonAroundTheExpectedMean) {
  const std::string biomarker =
      "  biomarkers:\n"
      "    - {name: CTC, kind: liquid, cells_per_mm: 0.2, tumour_size: SLD0}\n";
  const TrialResult r = run_trial(load(scenario("OS_A: 9", biomarker + "  replicates: 10\n")));
  double sum = 0.0, expected = 0.0;
  for (const auto& p : r.patients) {
    EXPECT_EQ(p.biomarkers[0], std::round(p.biomarkers[0]));
    sum += p.biomarkers[0];
    expected += 0.2 * p.baseline_sld_mm;
  }
  // 200 patients with means of about 10 cells: the total is within 4 Poisson SDs.
  EXPECT_NEAR(sum, expected, 4.0 * std::sqrt(expected));
}

TEST_F(TrialTest, ReceptorPositiveFractionOfCirculatingCells) {
  // Without cell-to-cell spread a cell is positive exactly when the patient's level (here
  // KKILL) is at or above the cut: the fraction is 1 or 0 (0 too when no cell was found).
  const std::string biomarker =
      "  biomarkers:\n"
      "    - {name: CTC_POS, kind: liquid, cells_per_mm: 0.5, tumour_size: SLD0,\n"
      "       value: positive_fraction, receptor: KKILL, positive_at: 0.002}\n"
      "    - {name: CTC_POS_SPREAD, kind: liquid, cells_per_mm: 0.5, tumour_size: SLD0,\n"
      "       value: positive_fraction, receptor: KKILL, positive_at: 0.002, cell_sd: 1}\n";
  const TrialResult r =
      run_trial(load(scenario("KKILL: 0.002, OS_A: 9", biomarker, "", "SLD0: 30 %, KKILL: 80 %")));
  const Trial trial =
      load(scenario("KKILL: 0.002, OS_A: 9", biomarker, "", "SLD0: 30 %, KKILL: 80 %"));
  const int kkill = trial.scenario.model->parameter_index("KKILL");
  int mixed = 0;
  for (const auto& p : r.patients) {
    const double v = p.biomarkers[0];
    EXPECT_TRUE(v == 0.0 || v == 1.0) << v;
    mixed += p.biomarkers[1] > 0.0 && p.biomarkers[1] < 1.0;
  }
  EXPECT_GT(mixed, 0);  // with spread, some cells of a patient are positive and some not
}

TEST(Trial, SphereRecoveryUnderAGaussianPointSpreadFunction) {
  // Values of erf(x / sqrt 2) - sqrt(2 / pi) x exp(-x^2 / 2), x = d / (2 sigma), computed
  // independently (Python math module).
  EXPECT_NEAR(sphere_recovery_coefficient(6.0, 6.0), 0.29124946920066236, 1e-12);
  EXPECT_NEAR(sphere_recovery_coefficient(12.0, 6.0), 0.8640386624113445, 1e-12);
  EXPECT_NEAR(sphere_recovery_coefficient(30.0, 6.0), 0.9999998560814415, 1e-12);
  EXPECT_EQ(sphere_recovery_coefficient(10.0, 0.0), 1.0);
  EXPECT_EQ(sphere_recovery_coefficient(0.0, 6.0), 0.0);
}

TEST(Trial, NeutropeniaGradesFollowCtcae) {
  EXPECT_EQ(neutropenia_grade(5.0), 0);
  EXPECT_EQ(neutropenia_grade(1.9), 1);
  EXPECT_EQ(neutropenia_grade(1.49), 2);
  EXPECT_EQ(neutropenia_grade(1.0), 2);
  EXPECT_EQ(neutropenia_grade(0.99), 3);
  EXPECT_EQ(neutropenia_grade(0.5), 3);
  EXPECT_EQ(neutropenia_grade(0.49), 4);
}

TEST(Trial, FisherExactTestMatchesR) {
  // R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value = 0.4857143
  EXPECT_NEAR(fisher_exact_p(3, 4, 1, 4), 0.4857142857, 1e-9);
  // R: fisher.test(matrix(c(10, 2, 3, 15), 2))$p.value = 0.0005367241 (rows: successes, failures)
  EXPECT_NEAR(fisher_exact_p(10, 12, 3, 18), 0.0005367241, 1e-9);
  EXPECT_NEAR(fisher_exact_p(0, 5, 0, 5), 1.0, 1e-12);
  EXPECT_THROW(fisher_exact_p(6, 5, 0, 5), std::invalid_argument);
}

}  // namespace
}  // namespace smartnano::trial

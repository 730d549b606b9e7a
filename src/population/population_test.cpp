// Virtual populations: the random streams are reproducible and independent of the order of
// sampling; etas have the requested variances and correlations (within statistical
// tolerances); CV becomes omega^2; truncation holds; bad specs are refused with clear messages.
// Further: sex, named covariates bound to model covariates (with unit conversion), weight by
// sex, logit-normal and bounded variability, patient tables, pinned numbers of an existing
// specification, and that new quantities never change existing patients' numbers.
#include "smartnano/population/population.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "population/population_test_support.h"

namespace smartnano::population {
namespace {

using test_support::typical;
using test_support::what_of;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

PopulationSpec two_correlated(long size, double rho) {
  PopulationSpec spec;
  spec.size = size;
  spec.seed = 20261127;
  spec.variability = {{"CL", 0.09}, {"V", 0.04}};
  spec.correlations = {{"CL", "V", rho}};
  return spec;
}

TEST(RandomStream, SplitMixMatchesTheReferenceOutput) {
  // The first output of Vigna's splitmix64.c seeded with 0.
  EXPECT_EQ(splitmix64_mix(0), 0xe220a8397b1dcdafULL);
  EXPECT_NE(stream_key(1, 2, 3), stream_key(1, 3, 2));
  EXPECT_NE(stream_key(1, 2, 3), stream_key(2, 1, 3));
}

TEST(RandomStream, SameKeySameNumbersOtherKeyOtherNumbers) {
  RandomStream a(7, 3, StreamPurpose::kVariability), b(7, 3, StreamPurpose::kVariability);
  RandomStream other_patient(7, 4, StreamPurpose::kVariability);
  RandomStream other_purpose(7, 3, StreamPurpose::kWeight);
  RandomStream other_seed(8, 3, StreamPurpose::kVariability);
  int differ = 0;
  for (int k = 0; k < 100; ++k) {
    const double x = a.normal();
    EXPECT_TRUE(same_bits(x, b.normal()));
    differ += !same_bits(x, other_patient.normal()) && !same_bits(x, other_purpose.normal()) &&
              !same_bits(x, other_seed.normal());
  }
  EXPECT_EQ(differ, 100);
}

TEST(RandomStream, UniformIsInTheOpenUnitIntervalAndNormalHasUnitMoments) {
  RandomStream s(1, 0, StreamPurpose::kVariability);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int k = 0; k < n; ++k) {
    const double u = s.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    const double z = s.normal();
    sum += z;
    sum2 += z * z;
  }
  // Standard errors: 1/sqrt(n) = 0.0022 for the mean, sqrt(2/n) = 0.0032 for the variance;
  // the tolerances are five of them.
  EXPECT_NEAR(sum / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(sum2 / n, 1.0, 5 * std::sqrt(2.0 / n));
}

TEST(Population, PatientsDoNotDependOnTheOrderOfSampling) {
  const auto m = model::load_model("one_cmt_oral");
  auto spec = two_correlated(100, 0.5);
  spec.weight_kg = CovariateDistribution{Distribution::kLogNormal, 70, 0.2, 40, 150};
  spec.height_cm = CovariateDistribution{Distribution::kNormal, 170, 10};
  const PopulationSampler sampler(spec, *m, typical(*m));
  std::vector<PatientSample> forward;
  for (long k = 0; k < 100; ++k) forward.push_back(sampler.sample(k));
  for (long k = 99; k >= 0; --k) {
    const PatientSample p = sample_patient(spec, *m, typical(*m), k);
    for (std::size_t i = 0; i < p.parameters.size(); ++i) {
      ASSERT_TRUE(same_bits(p.parameters[i], forward[k].parameters[i])) << k;
    }
    ASSERT_TRUE(same_bits(p.weight_kg, forward[k].weight_kg));
    ASSERT_TRUE(same_bits(p.height_cm, forward[k].height_cm));
  }
  // KA has no variability; patients differ in CL.
  EXPECT_EQ(forward[5].parameters[m->parameter_index("KA")], 1.5);
  EXPECT_NE(forward[5].parameters[0], forward[6].parameters[0]);
  // Adding a covariate distribution does not change the parameters (separate streams).
  spec.weight_kg.reset();
  EXPECT_TRUE(same_bits(PopulationSampler(spec, *m, typical(*m)).sample(5).parameters[0],
                        forward[5].parameters[0]));
}

TEST(Population, EtasHaveTheRequestedVariancesAndCorrelation) {
  const auto m = model::load_model("one_cmt_oral");
  const long n = 20000;
  const double rho = 0.6;
  const PopulationSampler sampler(two_correlated(n, rho), *m, typical(*m));
  double s[2] = {0, 0}, ss[2] = {0, 0}, cross = 0;
  const int cl = m->parameter_index("CL");
  double log_ratio_sum = 0;
  for (long k = 0; k < n; ++k) {
    const PatientSample p = sampler.sample(k);
    for (int i = 0; i < 2; ++i) {
      s[i] += p.eta[i];
      ss[i] += p.eta[i] * p.eta[i];
    }
    cross += p.eta[0] * p.eta[1];
    log_ratio_sum += std::log(p.parameters[cl] / 1.1) - p.eta[0];
  }
  const double mean0 = s[0] / n, mean1 = s[1] / n;
  const double sd0 = std::sqrt(ss[0] / n - mean0 * mean0);
  const double sd1 = std::sqrt(ss[1] / n - mean1 * mean1);
  const double r = (cross / n - mean0 * mean1) / (sd0 * sd1);
  // Tolerances are five standard errors for n = 20000: omega / sqrt(n) for a mean,
  // omega / sqrt(2 n) for an SD, (1 - rho^2) / sqrt(n) for a correlation. The seed is fixed,
  // so the test is deterministic; the tolerances say the numbers are plausible draws.
  EXPECT_NEAR(mean0, 0.0, 5 * 0.3 / std::sqrt(n));
  EXPECT_NEAR(mean1, 0.0, 5 * 0.2 / std::sqrt(n));
  EXPECT_NEAR(sd0, 0.3, 5 * 0.3 / std::sqrt(2.0 * n));
  EXPECT_NEAR(sd1, 0.2, 5 * 0.2 / std::sqrt(2.0 * n));
  EXPECT_NEAR(r, rho, 5 * (1 - rho * rho) / std::sqrt(n));
  // parameter = typical * exp(eta).
  EXPECT_NEAR(log_ratio_sum / n, 0.0, 1e-12);
}

TEST(Population, CvBecomesOmega2AndTheParameterHasThatCv) {
  EXPECT_NEAR(omega2_from_cv(0.3), std::log(1.09), 1e-15);  // log1p: more exact than log
  EXPECT_DOUBLE_EQ(omega2_from_cv(1.0), std::log(2.0));
  const auto m = model::load_model("one_cmt_oral");
  PopulationSpec spec;
  spec.size = 20000;
  spec.seed = 1;
  spec.variability = {{"V", omega2_from_cv(0.3)}};
  const PopulationSampler sampler(spec, *m, typical(*m));
  const int v = m->parameter_index("V");
  double sum = 0, sum2 = 0;
  for (long k = 0; k < spec.size; ++k) {
    const double x = sampler.sample(k).parameters[v];
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / spec.size;
  const double cv = std::sqrt(sum2 / spec.size - mean * mean) / mean;
  // The sample CV of a log-normal with CV 0.3 has a standard error near 0.3 * 1.1 / sqrt(2n)
  // (0.0017 here); 0.01 is about six of them.
  EXPECT_NEAR(cv, 0.3, 0.01);
  // The mean of a log-normal is typical * exp(omega^2 / 2); standard error 0.3 * 20.9 /
  // sqrt(n) = 0.044 L.
  EXPECT_NEAR(mean, 20 * std::exp(omega2_from_cv(0.3) / 2), 5 * 0.044);
}

TEST(Population, TruncationKeepsEveryDrawInRange) {
  CovariateDistribution w{Distribution::kLogNormal, 70, std::sqrt(omega2_from_cv(0.2)), 60, 80};
  EXPECT_GT(w.kept_fraction(), 0.5);
  EXPECT_LT(w.kept_fraction(), 0.6);
  RandomStream s(3, 0, StreamPurpose::kWeight);
  double lo = 1e9, hi = -1e9;
  for (int k = 0; k < 10000; ++k) {
    const double x = sample_covariate(w, s);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  EXPECT_GE(lo, 60);
  EXPECT_LE(hi, 80);
  EXPECT_LT(lo, 60.5);  // the range is filled up to its ends
  EXPECT_GT(hi, 79.5);
}

TEST(Population, ValidateNamesEveryProblem) {
  PopulationSpec spec;
  spec.size = 0;
  spec.variability = {{"CL", 0.1}, {"CL", -1}};
  spec.correlations = {{"CL", "V", 1.5}};
  spec.height_cm = CovariateDistribution{Distribution::kNormal, 170, 10, 300, 400};
  spec.weight_kg = CovariateDistribution{Distribution::kLogNormal, -70, 0.2};
  const auto problems = spec.validate();
  auto has = [&](const std::string& text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const auto& p) { return p.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("population size must be >= 1, not 0"));
  EXPECT_TRUE(has("variability of CL: omega2 must be > 0 and finite, not -1"));
  EXPECT_TRUE(has("variability of CL is given twice"));
  EXPECT_TRUE(has("correlation CL-V: parameter V has no variability to correlate"));
  EXPECT_TRUE(has("correlation CL-V: must be in [-1, 1], not 1.5"));
  EXPECT_TRUE(has("height: truncation to [300, 400] keeps only"));
  EXPECT_TRUE(has("weight: the median of a log-normal must be > 0, not -70"));
  EXPECT_TRUE(two_correlated(10, 0.5).validate().empty());
}

TEST(Population, NonPositiveDefiniteCorrelationsAndUnknownNamesAreRefused) {
  const auto m = model::load_model("one_cmt_oral");
  PopulationSpec spec;
  spec.size = 10;
  spec.variability = {{"CL", 0.1}, {"V", 0.1}, {"KA", 0.1}};
  spec.correlations = {{"CL", "V", 0.9}, {"V", "KA", 0.9}, {"CL", "KA", -0.9}};
  EXPECT_NE(what_of([&] { PopulationSampler(spec, *m, typical(*m)); })
                .find("the correlations of the etas of CL, V, KA do not form a positive "
                      "definite matrix"),
            std::string::npos);
  spec.correlations.clear();
  spec.variability[2].parameter = "KAA";
  EXPECT_NE(what_of([&] {
              PopulationSampler(spec, *m, typical(*m));
            }).find("model 'one_cmt_oral' has no parameter 'KAA' (did you mean 'KA'?)"),
            std::string::npos);
}

// --- covariates, sex, variability ---------------------------------------------------------

model::ModelPtr covariate_model() {
  return model::Model::load_text(test_support::covariate_fixture_model_text(), "fixture.yaml");
}

NamedCovariate age_covariate() {
  NamedCovariate age;
  age.name = "AGE";
  age.unit = "yr";
  age.distribution = {Distribution::kNormal, 60, 10, 18, 90};
  age.model_covariate = "AGE";
  return age;
}

TEST(Population, SexAndAgeAreSampledReportedAndGivenToModelCovariates) {
  const auto m = covariate_model();
  PopulationSpec spec;
  spec.size = 20000;
  spec.seed = 42;
  spec.sex = SexSpec{0.52, 1.0, 0.0, "SEX"};
  spec.covariates = {age_covariate()};
  spec.weight_kg = CovariateDistribution{Distribution::kLogNormal, 80, 0.2};
  spec.weight_kg_female = CovariateDistribution{Distribution::kLogNormal, 65, 0.2};
  const PopulationSampler sampler(spec, *m, typical(*m));
  EXPECT_EQ(sampler.reported_names(), (std::vector<std::string>{"SEX", "AGE_yr"}));
  long females = 0;
  double age_sum = 0, female_log_weight = 0, male_log_weight = 0;
  for (long k = 0; k < spec.size; ++k) {
    const PatientSample p = sampler.sample(k);
    ASSERT_EQ(p.reported.size(), 2u);
    ASSERT_EQ(p.model_covariates.size(), 3u);
    const bool female = p.reported[0] == 1.0;
    females += female;
    EXPECT_EQ(p.model_covariates[1], p.reported[0]);                  // SEX
    EXPECT_DOUBLE_EQ(p.model_covariates[0], p.reported[1] * 365.25);  // AGE: yr -> d
    EXPECT_TRUE(std::isnan(p.model_covariates[2]));                   // CRCL: not set
    ASSERT_GE(p.reported[1], 18);
    ASSERT_LE(p.reported[1], 90);
    age_sum += p.reported[1];
    (female ? female_log_weight : male_log_weight) += std::log(p.weight_kg);
  }
  const double n = static_cast<double>(spec.size);
  // Five binomial standard errors, sqrt(0.52 * 0.48 / n) = 0.0035.
  EXPECT_NEAR(females / n, 0.52, 5 * std::sqrt(0.52 * 0.48 / n));
  // The truncation [18, 90] is nearly symmetric about 60: the mean stays within 0.02 yr of 60,
  // well inside five standard errors (10 / sqrt(n) = 0.07 yr).
  EXPECT_NEAR(age_sum / n, 60, 5 * 10 / std::sqrt(n));
  // Weight by sex: the medians 65 and 80 kg; SD of ln 0.2 / sqrt(n / 2) per group.
  EXPECT_NEAR(std::exp(female_log_weight / females), 65, 65 * 5 * 0.2 / std::sqrt(n / 2));
  EXPECT_NEAR(std::exp(male_log_weight / (n - females)), 80, 80 * 5 * 0.2 / std::sqrt(n / 2));
}

TEST(Population, NewQuantitiesChangeNoExistingNumbers) {
  const auto m = model::load_model("liposomal_doxorubicin_human");
  PopulationSpec base;
  base.size = 50;
  base.seed = 20261127;
  base.variability = {{"CLMPS_L", omega2_from_cv(0.3)}, {"PS_OT", 0.09}};
  base.correlations = {{"CLMPS_L", "PS_OT", 0.4}};
  base.weight_kg = CovariateDistribution{Distribution::kLogNormal, 70, 0.2, 40, 150};
  base.height_cm = CovariateDistribution{Distribution::kNormal, 170, 10};
  PopulationSpec extended = base;
  extended.sex = SexSpec{};
  NamedCovariate age = age_covariate();
  age.model_covariate.clear();
  extended.covariates = {age};
  TumourPhenotype permeability;
  permeability.name = "permeability";
  permeability.distribution = {Distribution::kLogNormal, 0.9153, 1.240};
  permeability.parameters = {"PSV_TUM"};
  extended.tumour = {permeability};
  extended.tumour_correlations = {{"permeability", "CLMPS_L", 0.5}};
  PopulationSpec more = extended;
  NamedCovariate crcl;
  crcl.name = "CRCL";
  crcl.unit = "mL/min";
  crcl.distribution = {Distribution::kLogNormal, 100, 0.25};
  more.covariates.insert(more.covariates.begin(), crcl);
  const PopulationSampler a(base, *m, typical(*m)), b(extended, *m, typical(*m)),
      c(more, *m, typical(*m));
  const int psv = m->parameter_index("PSV_TUM");
  for (long k = 0; k < base.size; ++k) {
    const PatientSample pa = a.sample(k), pb = b.sample(k), pc = c.sample(k);
    for (std::size_t i = 0; i < pa.parameters.size(); ++i) {
      if (static_cast<int>(i) == psv) continue;  // the phenotype acts on it
      ASSERT_TRUE(same_bits(pa.parameters[i], pb.parameters[i])) << k << " " << i;
    }
    for (std::size_t i = 0; i < pa.eta.size(); ++i) ASSERT_TRUE(same_bits(pa.eta[i], pb.eta[i]));
    ASSERT_TRUE(same_bits(pa.weight_kg, pb.weight_kg));
    ASSERT_TRUE(same_bits(pa.height_cm, pb.height_cm));
    // Adding CRCL (before AGE) changes neither age nor the phenotype nor sex.
    ASSERT_TRUE(same_bits(pb.reported[0], pc.reported[0]));  // SEX
    ASSERT_TRUE(same_bits(pb.reported[1], pc.reported[2]));  // AGE
    ASSERT_TRUE(same_bits(pb.reported[2], pc.reported[3]));  // permeability
    ASSERT_TRUE(same_bits(pb.parameters[psv], pc.parameters[psv]));
    EXPECT_TRUE(pa.reported.empty());
    EXPECT_TRUE(pa.model_covariates.empty());
  }
}

TEST(Population, LogitNormalAndBoundedVariability) {
  const auto m = covariate_model();
  PopulationSpec spec;
  spec.size = 20000;
  spec.seed = 3;
  spec.variability = {{"FU", 0.25, Distribution::kLogitNormal}, {"CL", 0.09}};
  spec.variability[1].min = 0.8;
  spec.variability[1].max = 1.5;
  spec.correlations = {{"FU", "CL", 0.5}};
  const PopulationSampler sampler(spec, *m, typical(*m));
  const int fu = m->parameter_index("FU"), cl = m->parameter_index("CL");
  double s = 0, ss = 0, below = 0;
  for (long k = 0; k < spec.size; ++k) {
    const PatientSample p = sampler.sample(k);
    ASSERT_GT(p.parameters[fu], 0);
    ASSERT_LT(p.parameters[fu], 1);
    EXPECT_NEAR(logit(p.parameters[fu]) - logit(0.3), p.eta[0], 1e-12);
    ASSERT_GE(p.parameters[cl], 0.8);
    ASSERT_LE(p.parameters[cl], 1.5);
    EXPECT_NEAR(std::log(p.parameters[cl]), p.eta[1], 1e-12);
    s += p.eta[0];
    ss += p.eta[0] * p.eta[0];
    below += p.parameters[cl] < 1.0;
  }
  const double n = static_cast<double>(spec.size);
  const double mean = s / n, sd = std::sqrt(ss / n - mean * mean);
  EXPECT_NEAR(mean, 0, 5 * 0.5 / std::sqrt(n));
  EXPECT_NEAR(sd, 0.5, 5 * 0.5 / std::sqrt(2 * n));
  // P(CL < 1 | 0.8 <= CL <= 1.5) = (Phi(0) - Phi(ln 0.8 / 0.3)) / (Phi(ln 1.5 / 0.3) -
  // Phi(ln 0.8 / 0.3)); five binomial standard errors.
  const double a = std::log(0.8) / 0.3, b = std::log(1.5) / 0.3;
  const double expected =
      (0.5 - standard_normal_cdf(a)) / (standard_normal_cdf(b) - standard_normal_cdf(a));
  EXPECT_NEAR(below / n, expected, 5 * std::sqrt(expected * (1 - expected) / n));
  // A logit-normal parameter needs a typical value in (0, 1); bounds must keep enough.
  PopulationSpec bad = spec;
  bad.variability[0].parameter = "V";
  bad.correlations.clear();
  EXPECT_NE(what_of([&] {
              PopulationSampler(bad, *m, typical(*m));
            }).find("a logit-normal parameter's typical value must be in (0, 1), not 20"),
            std::string::npos);
  bad = spec;
  bad.variability[1].min = 10;
  bad.variability[1].max = 20;
  EXPECT_NE(what_of([&] { PopulationSampler(bad, *m, typical(*m)); }).find("keep only"),
            std::string::npos);
}

TEST(Population, PatientTablesGiveIdsBodiesAndValues) {
  const auto m = covariate_model();
  PopulationSpec spec;
  spec.size = 3;
  spec.variability = {{"CL", 0.09}};
  spec.sex = SexSpec{};
  NamedCovariate age = age_covariate();
  age.sampled = false;
  spec.covariates = {age};
  PatientTable t;
  t.id = {101, 102, 205};
  t.weight_kg = {60, 70, 80};
  t.female = {1, 0, 1};
  t.covariates = {{"AGE", {40, 50, 60}}};
  t.model_covariates = {{"CRCL", {5, 6, 7}}};
  spec.patients = t;
  const PopulationSampler sampler(spec, *m, typical(*m));
  EXPECT_EQ(sampler.size(), 3);
  EXPECT_EQ(sampler.reported_names(), (std::vector<std::string>{"SEX", "AGE_yr", "CRCL_L/h"}));
  const PatientSample p = sampler.sample(2);
  EXPECT_EQ(p.id, 205);
  EXPECT_EQ(p.weight_kg, 80);
  EXPECT_EQ(p.reported, (std::vector<double>{1, 60, 7}));
  EXPECT_DOUBLE_EQ(p.model_covariates[0], 60 * 365.25);
  EXPECT_EQ(p.model_covariates[2], 7);
  // The variability is still drawn per row index, as for a sampled population.
  PopulationSpec plain;
  plain.size = 3;
  plain.variability = {{"CL", 0.09}};
  EXPECT_TRUE(same_bits(p.eta[0], PopulationSampler(plain, *m, typical(*m)).sample(2).eta[0]));
  spec.size = 4;
  EXPECT_NE(what_of([&] {
              PopulationSampler(spec, *m, typical(*m));
            }).find("the patient table has 3 rows for a population of 4"),
            std::string::npos);
}

TEST(Population, ValidateNamesTheNewProblems) {
  PopulationSpec spec;
  spec.size = 10;
  spec.sex = SexSpec{1.5, 1, 1, ""};
  spec.weight_kg_female = CovariateDistribution{Distribution::kNormal, 60, 5};
  NamedCovariate c;
  c.name = "CRCL";
  c.unit = "mL/min";
  c.distribution = {Distribution::kLogNormal, 100, 0.2};
  spec.covariates = {c, c};
  TumourPhenotype t;
  t.name = "stroma";
  t.relation = PhenotypeRelation::kAccessibleFraction;
  t.distribution = {Distribution::kLogitNormal, 0.3, 0.8};
  spec.tumour = {t};
  spec.tumour_correlations = {{"stroma", "perfusion", 0.2}};
  const auto problems = spec.validate();
  auto has = [&](const std::string& text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const auto& p) { return p.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("sex: the female fraction must be in [0, 1], not 1.5"));
  EXPECT_TRUE(has("sex: the codes (female 1, male 1) must be finite and differ"));
  EXPECT_TRUE(has("weight and height by sex need the males' distribution too"));
  EXPECT_TRUE(has("covariate CRCL is given twice"));
  EXPECT_TRUE(has("stroma: acts on no model parameter"));
  EXPECT_TRUE(
      has("tumour correlation stroma-perfusion: perfusion is neither a tumour phenotype "
          "nor a parameter with variability"));
}

TEST(Population, NamedCovariateStreamsAreDistinct) {
  EXPECT_NE(named_covariate_purpose("AGE"), named_covariate_purpose("CRCL"));
  EXPECT_NE(static_cast<std::uint64_t>(named_covariate_purpose("AGE")) >> 63, 0u);
}
// Values of the sampling code as first committed (b8417ba), pinned so that extensions of the
// population never change what an existing specification gives.
TEST(Population, ExistingSpecificationsGiveThePinnedNumbers) {
  const auto m = model::load_model("one_cmt_oral");
  PopulationSpec spec;
  spec.size = 100;
  spec.seed = 20261127;
  spec.variability = {{"CL", 0.09}, {"V", 0.04}, {"KA", 0.25}};
  spec.correlations = {{"CL", "V", 0.5}, {"KA", "CL", -0.2}};
  spec.weight_kg = CovariateDistribution{Distribution::kLogNormal, 70, 0.2, 40, 150};
  spec.height_cm = CovariateDistribution{Distribution::kNormal, 170, 10, 150, 185};
  struct Pinned {
    long index;
    double parameters[3];  // CL, V, KA
    double weight_kg, height_cm;
  };
  const Pinned pinned[] = {
      {0,
       {0x1.4f6c6dc80afd9p+0, 0x1.4379905ae24fdp+4, 0x1.6558f45c3d8ebp+1},
       0x1.bb34868c1fdc6p+5,
       0x1.4dbb6d819bb91p+7},
      {7,
       {0x1.6d740dc90e7e9p+0, 0x1.3c5387ce16a7fp+4, 0x1.ad9efed15c8dp-1},
       0x1.abcacdb61c499p+5,
       0x1.493cc37500e4ap+7},
      {99,
       {0x1.0db3d3997f571p+0, 0x1.2b8d900d3c17dp+4, 0x1.fec5f799b4453p+0},
       0x1.18b54bfa50f2ap+6,
       0x1.42026abc9ce78p+7},
  };
  const PopulationSampler sampler(spec, *m, typical(*m));
  for (const Pinned& want : pinned) {
    const PatientSample p = sampler.sample(want.index);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(same_bits(p.parameters[i], want.parameters[i])) << i;
    EXPECT_TRUE(same_bits(p.weight_kg, want.weight_kg));
    EXPECT_TRUE(same_bits(p.height_cm, want.height_cm));
  }
}

}  // namespace
}  // namespace smartnano::population

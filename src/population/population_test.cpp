// Virtual populations: the random streams are reproducible and independent of the order of
// sampling; etas have the requested variances and correlations (within statistical
// tolerances); CV becomes omega^2; truncation holds; bad specs are refused with clear messages.
#include "smartnano/population/population.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace smartnano::population {
namespace {

std::vector<double> typical(const model::Model& m) {
  std::vector<double> v;
  for (const auto& p : m.parameters()) v.push_back(p.value);
  return v;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

PopulationSpec two_correlated(long size, double rho) {
  PopulationSpec spec;
  spec.size = size;
  spec.seed = 20261127;
  spec.variability = {{"CL", 0.09}, {"V", 0.04}};
  spec.correlations = {{"CL", "V", rho}};
  return spec;
}

std::string what_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
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

}  // namespace
}  // namespace smartnano::population

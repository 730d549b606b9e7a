// Distributions of the population module: the normal quantile inverts the CDF; the truncated
// normal quantile map stays in its interval, keeps ranks and has the truncated mean;
// logit-normal and uniform draws have their moments; bad distributions are named.
#include "smartnano/population/distribution.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "smartnano/population/population.h"

namespace smartnano::population {
namespace {

TEST(Distribution, NormalQuantileInvertsTheCdf) {
  EXPECT_EQ(standard_normal_quantile(0.5), 0.0);
  EXPECT_NEAR(standard_normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(standard_normal_quantile(0.025), -1.959963984540054, 1e-14);
  for (const double p : {1e-300, 1e-100, 1e-12, 1e-6, 0.001, 0.02, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9,
                         0.97575, 0.99, 0.999999}) {
    const double x = standard_normal_quantile(p);
    // Relative error of the probability (in the tail where it is represented exactly).
    const double back = p < 0.5 ? standard_normal_cdf(x) : 1 - standard_normal_cdf(x);
    const double target = p < 0.5 ? p : 1 - p;
    EXPECT_NEAR(back / target, 1.0, 1e-12) << p;
  }
  EXPECT_EQ(standard_normal_quantile(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(standard_normal_quantile(1.0), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(standard_normal_quantile(1.5)));
}

TEST(Distribution, TruncatedNormalMapFollowsTheTruncatedDistribution) {
  // Mean of the standard normal truncated to [a, b]: (phi(a) - phi(b)) / (Phi(b) - Phi(a)).
  auto phi = [](double x) { return std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi); };
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{
           {-1.0, 0.5}, {1.0, 3.0}, {-4.0, -2.5}, {-INFINITY, -1.0}, {0.5, INFINITY}}) {
    RandomStream s(11, 0, StreamPurpose::kTumour);
    const int n = 100000;
    double sum = 0, previous_z = -10, previous = -INFINITY;
    for (int k = 0; k < n; ++k) {
      const double x = truncated_normal(s.normal(), a, b);
      ASSERT_GE(x, a);
      ASSERT_LE(x, b);
      sum += x;
    }
    for (double z = -8; z <= 8; z += 0.25) {  // increasing in z (ranks are kept)
      const double x = truncated_normal(z, a, b);
      EXPECT_GE(x, previous) << z << " after " << previous_z;
      previous = x;
      previous_z = z;
    }
    const double pa = std::isinf(a) ? 0 : phi(a), pb = std::isinf(b) ? 0 : phi(b);
    const double mean = (pa - pb) / (standard_normal_cdf(b) - standard_normal_cdf(a));
    // A truncated normal's SD is below 1: five standard errors are at most 5 / sqrt(n).
    EXPECT_NEAR(sum / n, mean, 5 / std::sqrt(n)) << a << " " << b;
  }
}

TEST(Distribution, LogitNormalAndUniformHaveTheirMoments) {
  const CovariateDistribution logit_normal{Distribution::kLogitNormal, 0.3, 0.8};
  const CovariateDistribution uniform{Distribution::kUniform, 0, 0, 18, 80};
  RandomStream s(5, 0, StreamPurpose::kSex);
  const int n = 50000;
  double l = 0, ll = 0, u = 0, uu = 0;
  for (int k = 0; k < n; ++k) {
    const double x = sample_covariate(logit_normal, s);
    ASSERT_GT(x, 0);
    ASSERT_LT(x, 1);
    l += logit(x);
    ll += logit(x) * logit(x);
    const double y = sample_covariate(uniform, s);
    ASSERT_GE(y, 18);
    ASSERT_LE(y, 80);
    u += y;
    uu += y * y;
  }
  const double lm = l / n, lsd = std::sqrt(ll / n - lm * lm);
  // Five standard errors: sd / sqrt(n) for a mean, sd / sqrt(2 n) for an SD (normal), and for
  // the uniform's variance sqrt(var(X^2)...) bounded by 0.02 of 313 (about 4 SE at n = 50000).
  EXPECT_NEAR(lm, logit(0.3), 5 * 0.8 / std::sqrt(n));
  EXPECT_NEAR(lsd, 0.8, 5 * 0.8 / std::sqrt(2.0 * n));
  const double um = u / n, uvar = uu / n - um * um;
  EXPECT_NEAR(um, 49, 5 * std::sqrt(62.0 * 62 / 12 / n));
  EXPECT_NEAR(uvar, 62.0 * 62 / 12, 0.02 * 62.0 * 62 / 12);
  // The copula marginal: the median maps to the median, truncation is respected.
  EXPECT_NEAR(logit_normal.from_standard_normal(0.0), 0.3, 1e-15);
  const CovariateDistribution truncated{Distribution::kLogNormal, 1.0, 1.0, 0.5, 4.0};
  for (double z = -9; z <= 9; z += 0.5) {
    const double x = truncated.from_standard_normal(z);
    EXPECT_GE(x, 0.5);
    EXPECT_LE(x, 4.0);
  }
  EXPECT_NEAR(uniform.from_standard_normal(0.0), 49, 1e-12);
  std::vector<std::string> problems;
  check_distribution({Distribution::kLogitNormal, 1.3, 0.5}, "f", problems);
  check_distribution({Distribution::kUniform, 0, 0, 1, INFINITY}, "u", problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "f: the median of a logit-normal must be in (0, 1), not 1.3");
  EXPECT_EQ(problems[1], "u: a uniform distribution needs finite min and max");
}

}  // namespace
}  // namespace smartnano::population

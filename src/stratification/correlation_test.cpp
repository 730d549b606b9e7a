// Tests of Pearson and Spearman correlation. Reference values were produced with R 4.2.2
// (stats::cor.test on the data typed below; Spearman with exact = FALSE). R gives no interval for
// Spearman: the two intervals were computed in R from their formulas, tanh(atanh(rho) -+
// qnorm(0.975) sqrt(v / (n - 3))) with v = 1.06 (Fieller) and v = 1 + rho^2 / 2 (Bonett-Wright).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "smartnano/stratification/roc.h"

namespace smartnano::stratification {
namespace {

// Ties in x (2.3) and in y (4.1).
const std::vector<double> kX = {1.2, 2.3, 2.3, 3.1, 4.8, 5.0, 5.5, 6.1, 7.4, 8.0};
const std::vector<double> kY = {0.8, 1.9, 3.5, 2.2, 3.0, 4.9, 4.1, 4.1, 6.6, 5.7};

TEST(Correlation, PearsonMatchesCorTest) {
  const Correlation c = pearson(kX, kY);
  EXPECT_NEAR(c.estimate, 0.89768026198768946511, 1e-14);
  EXPECT_NEAR(c.statistic, 5.76202899874044049966, 1e-12);
  EXPECT_EQ(c.df, 8);
  EXPECT_NEAR(c.p, 0.00042312498039094365, 1e-15);
  EXPECT_NEAR(c.lower, 0.61650385043974442745, 1e-13);
  EXPECT_NEAR(c.upper, 0.97578810069086541201, 1e-13);
  EXPECT_EQ(c.n, 10);
}

TEST(Correlation, SpearmanMatchesCorTestWithTies) {
  EXPECT_EQ(average_ranks(kX), (std::vector<double>{1, 2.5, 2.5, 4, 5, 6, 7, 8, 9, 10}));
  CorrelationOptions o;
  o.spearman_interval = SpearmanInterval::kFieller;
  const Correlation f = spearman(kX, kY, o);
  EXPECT_NEAR(f.estimate, 8.9634146341463428e-01, 1e-14);
  EXPECT_NEAR(f.statistic, 5.71817803613704711552, 1e-12);
  EXPECT_NEAR(f.p, 4.4496547298708409e-04, 1e-15);
  EXPECT_NEAR(f.lower, 0.59836271926620899, 1e-13);
  EXPECT_NEAR(f.upper, 0.97649746812381932, 1e-13);
  const Correlation b = spearman(kX, kY);  // Bonett-Wright by default
  EXPECT_NEAR(b.lower, 0.51992053669756078, 1e-13);
  EXPECT_NEAR(b.upper, 0.98125757594378815, 1e-13);
  EXPECT_EQ(b.p, f.p);
}

TEST(Correlation, PerfectAndSmallSamples) {
  const Correlation c = pearson({1, 2, 3, 4, 5}, {2, 4, 6, 8, 10});
  EXPECT_EQ(c.estimate, 1.0);
  EXPECT_TRUE(std::isinf(c.statistic));
  EXPECT_EQ(c.p, 0.0);
  EXPECT_EQ(c.lower, 1.0);
  EXPECT_EQ(c.upper, 1.0);
  const Correlation s = spearman({1, 2, 3, 4, 5}, {5, 4, 3, 2, -7});
  EXPECT_EQ(s.estimate, -1.0);
  EXPECT_EQ(s.lower, -1.0);
  // n = 3: test defined, interval not.
  const Correlation three = pearson({1, 2, 3}, {1, 3, 2});
  EXPECT_NEAR(three.estimate, 0.5, 1e-15);
  EXPECT_TRUE(std::isnan(three.lower));
  EXPECT_FALSE(std::isnan(three.p));
  EXPECT_FALSE(three.brief_report().empty());
}

TEST(Correlation, BadInput) {
  EXPECT_THROW(pearson({1, 2, 3}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(pearson({1, 2}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(pearson({1, 2, NAN}, {1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(pearson({1, 1, 1}, {1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(spearman({1, 2, 3}, {4, 4, 4}), std::invalid_argument);
  CorrelationOptions o;
  o.conf_level = 0;
  EXPECT_FALSE(o.validate().empty());
  EXPECT_THROW(spearman({1, 2, 3, 4}, {1, 2, 4, 3}, o), std::invalid_argument);
}

}  // namespace
}  // namespace smartnano::stratification

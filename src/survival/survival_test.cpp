// Tests of the survival module on small data sets worked out by hand: a six-subject
// Kaplan-Meier curve (Greenwood, bands, median, restricted mean), a four-subject log-rank test,
// a Cox model whose estimate has a closed form (and whose score test equals the log-rank test),
// Efron's and Breslow's null log-likelihoods with ties, Clopper-Pearson, and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "smartnano/core/error.h"
#include "smartnano/survival/survival.h"

namespace smartnano::survival {
namespace {

SurvivalData make(std::vector<double> t, std::vector<bool> e) {
  return {std::move(t), std::move(e)};
}

TEST(KaplanMeier, SixSubjectsByHand) {
  // times 1 2 2+ 3 4+ 5 (+ = censored)
  const auto km = kaplan_meier(make({2, 1, 2, 3, 4, 5}, {false, true, true, true, false, true}));
  ASSERT_EQ(km.time, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(km.n_risk, (std::vector<int>{6, 5, 3, 2, 1}));
  EXPECT_EQ(km.n_event, (std::vector<int>{1, 1, 1, 0, 1}));
  EXPECT_EQ(km.n_censor, (std::vector<int>{0, 1, 0, 1, 0}));
  EXPECT_NEAR(km.surv[0], 5.0 / 6, 1e-15);
  EXPECT_NEAR(km.surv[1], 2.0 / 3, 1e-15);
  EXPECT_NEAR(km.surv[2], 4.0 / 9, 1e-15);
  EXPECT_NEAR(km.surv[3], 4.0 / 9, 1e-15);
  EXPECT_EQ(km.surv[4], 0.0);
  EXPECT_NEAR(km.std_err[0], std::sqrt(1.0 / 30), 1e-15);
  EXPECT_NEAR(km.std_err[1], std::sqrt(1.0 / 30 + 1.0 / 20), 1e-15);
  EXPECT_NEAR(km.std_err[2], std::sqrt(1.0 / 30 + 1.0 / 20 + 1.0 / 6), 1e-15);
  EXPECT_TRUE(std::isinf(km.std_err[4]));

  const double z = normal_quantile(0.975);
  EXPECT_NEAR(z, 1.959963984540054, 1e-14);
  const auto log_band = confidence_band(km, ConfidenceType::kLog);
  EXPECT_NEAR(log_band.lower[0], 5.0 / 6 * std::exp(-z * std::sqrt(1.0 / 30)), 1e-14);
  EXPECT_EQ(log_band.upper[0], 1.0);  // clipped
  EXPECT_TRUE(std::isnan(log_band.lower[4]));
  const auto plain = confidence_band(km, ConfidenceType::kPlain);
  EXPECT_NEAR(plain.lower[2], 4.0 / 9 - z * 4.0 / 9 * km.std_err[2], 1e-14);
  const auto loglog = confidence_band(km, ConfidenceType::kLogLog);
  const double s = 4.0 / 9, w = z * km.std_err[2] / std::log(s);
  EXPECT_NEAR(loglog.lower[2], std::exp(-std::exp(std::log(-std::log(s)) - w)), 1e-14);
  EXPECT_LT(loglog.lower[2], s);
  EXPECT_GT(loglog.upper[2], s);

  const auto summary = summarize(km, log_band, 5.0);
  EXPECT_EQ(summary.median, 3.0);
  EXPECT_EQ(summary.n, 6);
  EXPECT_EQ(summary.events, 4);
  EXPECT_NEAR(summary.rmean, 61.0 / 18, 1e-14);
  const double var =
      std::pow(43.0 / 18, 2) / 30 + std::pow(28.0 / 18, 2) / 20 + std::pow(16.0 / 18, 2) / 6;
  EXPECT_NEAR(summary.rmean_se, std::sqrt(var), 1e-14);
}

TEST(KaplanMeier, MedianOnAFlatHalfIsTheMidpoint) {
  const auto km = kaplan_meier(make({1, 2, 3, 4}, {true, true, true, true}));
  const auto summary = summarize(km, confidence_band(km, ConfidenceType::kLog), 4.0);
  EXPECT_EQ(summary.median, 2.5);
}

TEST(KaplanMeier, MedianNotReachedIsNotDefined) {
  const auto km = kaplan_meier(make({1, 2, 3, 4}, {true, false, false, false}));
  const auto summary = summarize(km, confidence_band(km, ConfidenceType::kLog), 4.0);
  EXPECT_TRUE(std::isnan(summary.median));
}

TEST(KaplanMeier, BadInput) {
  EXPECT_THROW(kaplan_meier(make({}, {})), std::invalid_argument);
  EXPECT_THROW(kaplan_meier(make({1, -2}, {true, true})), std::invalid_argument);
  EXPECT_THROW(kaplan_meier(make({1, NAN}, {true, true})), std::invalid_argument);
  // All censored: a flat curve at 1, no NaN in the estimate.
  const auto km = kaplan_meier(make({1, 2}, {false, false}));
  EXPECT_EQ(km.surv, (std::vector<double>{1, 1}));
  EXPECT_EQ(km.std_err, (std::vector<double>{0, 0}));
}

// A: deaths at 1 and 3; B: deaths at 2 and 4. O_A = 2, E_A = 1/2 + 1/3 + 1/2 = 4/3,
// V = 1/4 + 2/9 + 1/4 = 13/18, chi-square = (2/3)^2 / (13/18) = 8/13.
TEST(LogRankTest, FourSubjectsByHand) {
  const auto data = make({1, 2, 3, 4}, {true, true, true, true});
  const auto r = log_rank_test(data, {"A", "B", "A", "B"});
  ASSERT_EQ(r.groups, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(r.n, (std::vector<int>{2, 2}));
  EXPECT_NEAR(r.observed[0], 2, 1e-15);
  EXPECT_NEAR(r.expected[0], 4.0 / 3, 1e-15);
  EXPECT_NEAR(r.expected[1], 8.0 / 3, 1e-15);
  EXPECT_NEAR(r.variance(0, 0), 13.0 / 18, 1e-15);
  EXPECT_NEAR(r.variance(0, 1), -13.0 / 18, 1e-15);
  EXPECT_NEAR(r.chisq, 8.0 / 13, 1e-14);
  EXPECT_EQ(r.df, 1);
  EXPECT_NEAR(r.p, chi_square_p(8.0 / 13, 1), 1e-15);
}

TEST(LogRankTest, StratifiedSumsOverStrata) {
  // The same four subjects twice, in two strata: O, E and V double, chi-square doubles.
  const auto data = make({1, 2, 3, 4, 1, 2, 3, 4}, std::vector<bool>(8, true));
  const auto r = log_rank_test(data, {"A", "B", "A", "B", "A", "B", "A", "B"},
                               {"s1", "s1", "s1", "s1", "s2", "s2", "s2", "s2"});
  EXPECT_NEAR(r.expected[0], 8.0 / 3, 1e-14);
  EXPECT_NEAR(r.chisq, 16.0 / 13, 1e-14);
}

TEST(LogRankTest, NumericLabelsSortAsNumbers) {
  const auto data = make({1, 2, 3, 4}, std::vector<bool>(4, true));
  EXPECT_EQ(log_rank_test(data, {"10", "9", "10", "9"}).groups,
            (std::vector<std::string>{"9", "10"}));
}

TEST(LogRankTest, BadInput) {
  const auto data = make({1, 2, 3}, {true, true, false});
  EXPECT_THROW(log_rank_test(data, {"A", "A", "A"}), std::invalid_argument);
  EXPECT_THROW(log_rank_test(make({1, 2}, {false, false}), {"A", "B"}), std::invalid_argument);
  EXPECT_THROW(log_rank_test(data, {"A", "B"}), std::invalid_argument);
  EXPECT_THROW(log_rank_test(make({}, {}), {}), std::invalid_argument);
}

// The log-rank data with x = 1 for A. With u = exp(beta) the score is
// 2 - 2u/(2u + 2) - u/(u + 2) - u/(u + 1) = 2 - 2u/(u + 1) - u/(u + 2), zero where
// u^2 - u - 4 = 0: u = (1 + sqrt(17)) / 2.
TEST(CoxModel, ClosedFormWithoutTies) {
  const auto data = make({1, 2, 3, 4}, std::vector<bool>(4, true));
  Eigen::MatrixXd x(4, 1);
  x << 1, 0, 1, 0;
  for (TieMethod ties : {TieMethod::kEfron, TieMethod::kBreslow}) {
    CoxOptions options;
    options.ties = ties;
    const auto m = fit_cox(data, x, {"x"}, options);
    EXPECT_NEAR(m.coef[0], std::log((1 + std::sqrt(17.0)) / 2), 1e-8);
    // Without ties the score test at beta = 0 is the log-rank test.
    EXPECT_NEAR(m.score.statistic, 8.0 / 13, 1e-12);
    EXPECT_NEAR(m.loglik_null, -std::log(4.0) - std::log(3.0) - std::log(2.0), 1e-12);
    EXPECT_NEAR(m.hazard_ratio[0], (1 + std::sqrt(17.0)) / 2, 1e-7);
    EXPECT_NEAR(m.hr_lower[0], std::exp(m.coef[0] - normal_quantile(0.975) * m.se[0]), 1e-12);
    EXPECT_NEAR(m.wald.statistic, m.z[0] * m.z[0], 1e-12);
    EXPECT_GT(m.likelihood_ratio.statistic, 0);
  }
}

TEST(CoxModel, TiesEfronAndBreslowNullLogLikelihood) {
  // Deaths tied at t = 1 (x = 1 and x = 0), 2+ (x = 1), 3 (x = 1), 4 (x = 0), 5+ (x = 1).
  const auto data = make({1, 1, 2, 3, 4, 5}, {true, true, false, true, true, false});
  Eigen::MatrixXd x(6, 1);
  x << 1, 0, 1, 1, 0, 1;
  CoxOptions efron;
  const auto e = fit_cox(data, x, {"x"}, efron);
  EXPECT_NEAR(e.loglik_null, -std::log(180.0), 1e-12);  // -log(6 * 5) - log 3 - log 2
  CoxOptions breslow;
  breslow.ties = TieMethod::kBreslow;
  const auto b = fit_cox(data, x, {"x"}, breslow);
  EXPECT_NEAR(b.loglik_null, -std::log(216.0), 1e-12);  // -2 log 6 - log 3 - log 2
  EXPECT_NE(e.coef[0], b.coef[0]);
}

TEST(CoxModel, BadInputIsNamed) {
  const auto data = make({1, 2, 3, 4, 5, 6}, std::vector<bool>(6, true));
  Eigen::MatrixXd monotone(6, 1);
  monotone << 1, 1, 1, 0, 0, 0;  // every early death has x = 1
  try {
    fit_cox(data, monotone, {"arm"});
    FAIL() << "no exception for a monotone likelihood";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("arm"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("infinit"), std::string::npos) << e.what();
  }
  Eigen::MatrixXd collinear(6, 2);
  collinear << 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0, 0;
  try {
    fit_cox(data, collinear, {"a", "b"});
    FAIL() << "no exception for collinear covariates";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("collinear"), std::string::npos) << e.what();
  }
  Eigen::MatrixXd constant = Eigen::MatrixXd::Ones(6, 1);
  EXPECT_THROW(fit_cox(data, constant, {"c"}), std::invalid_argument);
  Eigen::MatrixXd ok(6, 1);
  ok << 1, 0, 1, 0, 0, 1;
  EXPECT_THROW(fit_cox(make({1, 2, 3, 4, 5, 6}, std::vector<bool>(6, false)), ok, {"x"}),
               std::invalid_argument);
  EXPECT_THROW(fit_cox(data, ok, {"x", "y"}), std::invalid_argument);
  EXPECT_THROW(fit_cox(make({}, {}), Eigen::MatrixXd(0, 1), {"x"}), std::invalid_argument);
}

TEST(Concordance, CountsPairs) {
  // Scores in the order of death: all concordant; reversed: all discordant; equal: 1/2.
  const auto data = make({1, 2, 3}, {true, true, true});
  EXPECT_EQ(concordance(data, {3, 2, 1}).value, 1.0);
  EXPECT_EQ(concordance(data, {1, 2, 3}).value, 0.0);
  EXPECT_EQ(concordance(data, {1, 1, 1}).value, 0.5);
  // 3 comparable pairs, 2 concordant (1 vs 2, 1 vs 3) and 1 discordant (2 vs 3): C = 2/3.
  // Somers' d = 1/3; influences (pairs per subject by kind): (2,0), (1,1), (1,1); dfbeta =
  // (c - d)/3 - (1/3)(c + d)/3: 4/9, -2/9, -2/9; se = sqrt(sum dfbeta^2 / 4) = sqrt(6)/9.
  const auto c = concordance(data, {3, 1, 2});
  EXPECT_NEAR(c.value, 2.0 / 3, 1e-15);
  EXPECT_EQ(c.concordant, 2);
  EXPECT_EQ(c.discordant, 1);
  EXPECT_NEAR(c.std_err, std::sqrt(6.0) / 9, 1e-15);
}

TEST(ClopperPearson, MatchesClosedFormsAndR) {
  const auto none = clopper_pearson(0, 10);
  EXPECT_EQ(none.lower, 0.0);
  EXPECT_NEAR(none.upper, 1 - std::pow(0.025, 0.1), 1e-12);
  const auto all = clopper_pearson(10, 10);
  EXPECT_NEAR(all.lower, std::pow(0.025, 0.1), 1e-12);
  EXPECT_EQ(all.upper, 1.0);
  const auto r = clopper_pearson(7, 20);  // R: binom.test(7, 20)$conf.int
  EXPECT_NEAR(r.estimate, 0.35, 1e-15);
  EXPECT_NEAR(r.lower, 0.1539092, 5e-8);
  EXPECT_NEAR(r.upper, 0.5921885, 5e-8);
  EXPECT_THROW(clopper_pearson(3, 0), std::invalid_argument);
  EXPECT_THROW(clopper_pearson(11, 10), std::invalid_argument);
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(ReadSurvivalCsv, CompleteCasesAndStatusCodes) {
  const std::string path = write_temp("smartnano_survival_read.csv",
                                      "time,status,arm,age\n"
                                      "5,2,A,60\n"
                                      "7,1,B,NA\n"
                                      "9,1,B,\n"
                                      "\"11\",2,A,70\n");
  SurvivalColumns columns;
  columns.group = "arm";
  columns.covariates = {"age"};
  const auto t = read_survival_csv(path, columns);
  EXPECT_EQ(t.rows_read, 4);
  EXPECT_EQ(t.rows_dropped, 2);
  EXPECT_EQ(t.data.time, (std::vector<double>{5, 11}));
  EXPECT_EQ(t.data.event, (std::vector<bool>{true, true}));  // 1/2 coding: 2 = event
  EXPECT_EQ(t.group, (std::vector<std::string>{"A", "A"}));
  EXPECT_EQ(t.covariates(1, 0), 70);
  // Without the covariate the rows missing age are kept; 1/2 coding gives 1 = censored.
  const auto all = read_survival_csv(path, {});
  EXPECT_EQ(all.data.event, (std::vector<bool>{true, false, false, true}));
  std::filesystem::remove(path);
}

TEST(ReadSurvivalCsv, ErrorsNameFileLineAndField) {
  const std::string path =
      write_temp("smartnano_survival_bad.csv", "time,status,arm\n1,0,A\n-2,1,B\n");
  try {
    read_survival_csv(path, {});
    FAIL() << "no error for a negative time";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().field, "time");
  }
  SurvivalColumns columns;
  columns.group = "amr";
  try {
    read_survival_csv(path, columns);
    FAIL() << "no error for a missing column";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'arm'"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace smartnano::survival

// Survival statistics for virtual (and real) trials, following the conventions of R's survival
// package 3.5 so that results can be checked against it (docs/survival.md gives every formula):
// Kaplan-Meier curves with Greenwood standard errors and plain / log / log-log confidence bands,
// median survival with its confidence interval and the restricted mean (print.survfit's rules),
// the log-rank test (survdiff, rho = 0), optionally stratified, Cox proportional hazards with
// Efron or Breslow ties (coxph's Newton-Raphson), and the exact Clopper-Pearson interval for a
// proportion. Bad input (no rows, no events, one group, an infinite or non-identifiable Cox
// coefficient) throws std::invalid_argument with a message that says what is wrong; no result
// ever holds NaN except where documented as "not defined" (e.g. a median that is not reached).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace smartnano::survival {

inline constexpr double kNotDefined = std::numeric_limits<double>::quiet_NaN();

// Right-censored observations: time >= 0 (finite) and event = true for an event (death,
// progression), false for censoring. check() throws std::invalid_argument naming the first bad
// row (0-based index) and `what` (e.g. "Kaplan-Meier").
struct SurvivalData {
  std::vector<double> time;
  std::vector<bool> event;
  size_t size() const { return time.size(); }
  int events() const;
  void check(const std::string& what) const;
};

// How a confidence band for S(t) is built from the standard error of log S(t) (survfit's
// conf.type): plain S +- z se(S); log exp(log S +- z se); log-log on log(-log S).
enum class ConfidenceType { kPlain, kLog, kLogLog };
std::string to_string(ConfidenceType type);  // "plain", "log", "log-log"

// A Kaplan-Meier curve: one row per distinct time (event or censoring), as survfit stores it.
struct KaplanMeier {
  std::vector<double> time;
  std::vector<int> n_risk, n_event, n_censor;
  std::vector<double> surv;
  // Greenwood standard error of log S(t) (survfit's std.err); se of S(t) is surv * std_err.
  // Infinite once S(t) = 0 (everyone at risk had the event); the CLI writes it as null.
  std::vector<double> std_err;
  int n = 0;       // subjects
  int events = 0;  // events
};

// Kaplan-Meier estimate with Greenwood's variance. Throws for no rows or bad values.
KaplanMeier kaplan_meier(const SurvivalData& data);

// Pointwise confidence band; entries are NaN where R gives NA (S = 0, or S = 1 for log-log).
struct ConfidenceBand {
  std::vector<double> lower, upper;
};
ConfidenceBand confidence_band(const KaplanMeier& km, ConfidenceType type,
                               double conf_level = 0.95);

// print.survfit's table for one curve: median (first time S <= 0.5, the midpoint when S is
// exactly 0.5 on a flat stretch), its CI the same rule applied to the band's lower curve (giving
// the lower limit) and upper curve (the upper limit), and the restricted mean to `rmean_end` with
// its standard error. median / lower / upper are NaN when the curve does not reach 0.5 ("not
// reached").
struct SurvivalSummary {
  int n = 0, events = 0;
  double median = kNotDefined, median_lower = kNotDefined, median_upper = kNotDefined;
  double rmean = 0.0, rmean_se = 0.0, rmean_end = 0.0;
};
SurvivalSummary summarize(const KaplanMeier& km, const ConfidenceBand& band, double rmean_end);

// Log-rank test between groups (survdiff with rho = 0); with `strata` non-empty the observed,
// expected and variance are summed over strata (stratified log-rank). `group` and `strata`
// label each row. Throws when fewer than two groups, no events, or the sizes disagree.
struct LogRankTest {
  std::vector<std::string> groups;  // sorted labels
  std::vector<int> n;
  std::vector<double> observed, expected;
  Eigen::MatrixXd variance;
  double chisq = 0.0;
  int df = 0;
  double p = 1.0;
};
LogRankTest log_rank_test(const SurvivalData& data, const std::vector<std::string>& group,
                          const std::vector<std::string>& strata = {});

// Cox proportional hazards.
enum class TieMethod { kEfron, kBreslow };
std::string to_string(TieMethod ties);  // "efron", "breslow"

// coxph.control's defaults.
struct CoxOptions {
  TieMethod ties = TieMethod::kEfron;
  int max_iterations = 20;
  double eps = 1e-9;  // stop when |1 - loglik_old / loglik_new| <= eps (after a full step)
  double conf_level = 0.95;
  // Lists problems ("" when none).
  std::string validate() const;
};

struct ChiSquareTest {
  double statistic = 0.0;
  int df = 0;
  double p = 1.0;
};

struct CoxModel {
  std::vector<std::string> terms;
  Eigen::VectorXd coef, se, hazard_ratio, z, p, hr_lower, hr_upper;
  Eigen::MatrixXd vcov;  // inverse of the information matrix at the estimate
  double loglik_null = 0.0, loglik_fit = 0.0;
  ChiSquareTest likelihood_ratio, wald, score;
  // Harrell's C of the linear predictor (ties count 1/2) and its infinitesimal-jackknife standard
  // error (coxph's); not defined above 50 000 subjects (the pair count is O(n^2)).
  double concordance = kNotDefined, concordance_se = kNotDefined;
  int n = 0, n_event = 0, iterations = 0;
  TieMethod ties = TieMethod::kEfron;
  std::string brief_report() const;
};

// Fits the model by Newton-Raphson with step halving, as coxph does. `covariates` has one row
// per subject and one column per term. Throws std::invalid_argument for no events, constant or
// collinear covariates, a likelihood that is monotone (a coefficient diverging to +-infinity),
// or no convergence within max_iterations.
CoxModel fit_cox(const SurvivalData& data, const Eigen::MatrixXd& covariates,
                 const std::vector<std::string>& terms, const CoxOptions& options = {});

// Harrell's concordance of `score` (higher = shorter survival) as survival::concordance counts
// it: comparable pairs have the shorter time an event; tied scores count 1/2; pairs tied in time
// are not comparable unless one is censored (then the censored one lives longer). std_err is
// survival::concordancefit's infinitesimal-jackknife standard error.
struct Concordance {
  double value = kNotDefined, std_err = kNotDefined;
  double concordant = 0, discordant = 0, tied_score = 0;  // pair counts
};
Concordance concordance(const SurvivalData& data, const std::vector<double>& score);

// Exact (Clopper-Pearson) confidence interval for successes / trials.
struct ProportionInterval {
  double estimate = 0.0, lower = 0.0, upper = 1.0;
};
ProportionInterval clopper_pearson(int successes, int trials, double conf_level = 0.95);

// Upper-tail chi-square p-value and the standard normal quantile (Boost.Math).
double chi_square_p(double statistic, int df);
double normal_quantile(double probability);

// Reading survival data from CSV. Cells that are empty or "NA" are missing; a row missing any
// of the columns asked for is left out (complete cases, as R's model functions do). The status
// column is coded 0 / 1 (1 = event), 1 / 2 (2 = event, R's convention when every value is 1 or
// 2) or TRUE / FALSE. Other cells must be numbers, except the group column (any text). Throws
// InputError with file, line and field.
struct SurvivalColumns {
  std::string time = "time", status = "status";
  std::string group;                    // "" = none
  std::string strata;                   // "" = none (for a stratified log-rank test)
  std::vector<std::string> covariates;  // numeric columns
};
struct SurvivalTable {
  SurvivalData data;
  std::vector<std::string> group;   // one label per kept row (empty without a group column)
  std::vector<std::string> strata;  // likewise for the strata column
  Eigen::MatrixXd covariates;       // kept rows x covariates
  int rows_read = 0, rows_dropped = 0;
};
SurvivalTable read_survival_csv(const std::string& path, const SurvivalColumns& columns);

}  // namespace smartnano::survival

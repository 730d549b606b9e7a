// The log-rank test (R's survdiff with rho = 0), plain or stratified.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/survival/survival.h"

namespace smartnano::survival {
namespace {

bool as_number(const std::string& s, double& value) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, value);
  return ec == std::errc() && ptr == end;
}

// Labels in R's factor order: numerically when every label is a number, else as text.
std::vector<std::string> sorted_labels(const std::vector<std::string>& labels) {
  std::vector<std::string> u(labels);
  std::sort(u.begin(), u.end());
  u.erase(std::unique(u.begin(), u.end()), u.end());
  double a = 0, b = 0;
  const bool numeric =
      std::all_of(u.begin(), u.end(), [&](const std::string& s) { return as_number(s, a); });
  if (numeric) {
    std::stable_sort(u.begin(), u.end(), [&](const std::string& x, const std::string& y) {
      as_number(x, a);
      as_number(y, b);
      return a < b;
    });
  }
  return u;
}

}  // namespace

LogRankTest log_rank_test(const SurvivalData& data, const std::vector<std::string>& group,
                          const std::vector<std::string>& strata) {
  data.check("log-rank test");
  if (group.size() != data.size()) {
    throw std::invalid_argument(fmt::format("log-rank test: {} group labels for {} observations",
                                            group.size(), data.size()));
  }
  if (!strata.empty() && strata.size() != data.size()) {
    throw std::invalid_argument(fmt::format("log-rank test: {} strata labels for {} observations",
                                            strata.size(), data.size()));
  }
  LogRankTest r;
  r.groups = sorted_labels(group);
  const size_t g = r.groups.size();
  if (g < 2) {
    throw std::invalid_argument(fmt::format(
        "log-rank test: all {} observations are in one group ('{}'); the test compares two or "
        "more groups",
        data.size(), r.groups.empty() ? "" : r.groups[0]));
  }
  if (data.events() == 0) {
    throw std::invalid_argument(
        "log-rank test: every observation is censored; with no events there is nothing to "
        "compare");
  }
  std::map<std::string, size_t> index;
  for (size_t k = 0; k < g; ++k) index[r.groups[k]] = k;
  std::vector<size_t> gid(data.size());
  for (size_t i = 0; i < data.size(); ++i) gid[i] = index[group[i]];
  r.n.assign(g, 0);
  for (size_t k : gid) ++r.n[k];
  r.observed.assign(g, 0.0);
  r.expected.assign(g, 0.0);
  r.variance = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(g));

  // Rows by (stratum, time); each stratum contributes its own risk sets.
  std::vector<std::string> stratum_of(data.size());
  if (!strata.empty()) stratum_of = strata;
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (stratum_of[a] != stratum_of[b]) return stratum_of[a] < stratum_of[b];
    return data.time[a] < data.time[b];
  });
  Eigen::VectorXd at_risk(g), deaths(g);
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    while (end < order.size() && stratum_of[order[end]] == stratum_of[order[begin]]) ++end;
    at_risk.setZero();
    for (size_t i = begin; i < end; ++i) at_risk[gid[order[i]]] += 1;
    for (size_t i = begin; i < end;) {
      const double t = data.time[order[i]];
      deaths.setZero();
      size_t j = i;
      for (; j < end && data.time[order[j]] == t; ++j) {
        if (data.event[order[j]]) deaths[gid[order[j]]] += 1;
      }
      const double n = at_risk.sum(), d = deaths.sum();
      if (d > 0) {
        for (size_t k = 0; k < g; ++k) {
          r.observed[k] += deaths[k];
          r.expected[k] += d * at_risk[k] / n;
        }
        if (n > 1) {
          const double factor = d * (n - d) / (n * n * (n - 1));
          r.variance +=
              factor * (n * Eigen::MatrixXd(at_risk.asDiagonal()) - at_risk * at_risk.transpose());
        }
      }
      for (size_t k = i; k < j; ++k) at_risk[gid[order[k]]] -= 1;
      i = j;
    }
    begin = end;
  }
  // survdiff: groups with no expected events drop out; the first remaining one is the reference.
  std::vector<Eigen::Index> used;
  for (size_t k = 0; k < g; ++k) {
    if (r.expected[k] > 0) used.push_back(static_cast<Eigen::Index>(k));
  }
  if (used.size() < 2) {
    throw std::invalid_argument(
        "log-rank test: fewer than two groups have subjects at risk at an event time");
  }
  const auto m = static_cast<Eigen::Index>(used.size()) - 1;
  Eigen::VectorXd diff(m);
  Eigen::MatrixXd v(m, m);
  for (Eigen::Index a = 0; a < m; ++a) {
    diff[a] =
        r.observed[static_cast<size_t>(used[a + 1])] - r.expected[static_cast<size_t>(used[a + 1])];
    for (Eigen::Index b = 0; b < m; ++b) v(a, b) = r.variance(used[a + 1], used[b + 1]);
  }
  Eigen::LDLT<Eigen::MatrixXd> ldlt(v);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() ||
      ldlt.vectorD().minCoeff() <= 1e-12 * ldlt.vectorD().maxCoeff()) {
    throw std::invalid_argument(
        "log-rank test: the variance matrix is singular (a group has no subjects at risk at any "
        "event time)");
  }
  r.chisq = diff.dot(ldlt.solve(diff));
  r.df = static_cast<int>(m);
  r.p = chi_square_p(std::max(r.chisq, 0.0), r.df);
  return r;
}

}  // namespace smartnano::survival

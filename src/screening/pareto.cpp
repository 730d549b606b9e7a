// Pareto fronts, crowding distances and weighted scores (docs/screening.md).
#include "smartnano/screening/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace smartnano::screening {
namespace {

void check_shape(const std::vector<std::vector<double>>& values, std::size_t objectives) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() != objectives) {
      throw std::invalid_argument(fmt::format("candidate {} has {} objective values for {} goals",
                                              i, values[i].size(), objectives));
    }
  }
}

bool has_nan(const std::vector<double>& row) {
  return std::any_of(row.begin(), row.end(), [](double v) { return std::isnan(v); });
}

// a dominates b (both without NaN).
bool dominates(const std::vector<double>& a, const std::vector<double>& b,
               const std::vector<Goal>& goals) {
  bool better = false;
  for (std::size_t j = 0; j < goals.size(); ++j) {
    const double x = goals[j] == Goal::kMaximise ? a[j] : -a[j];
    const double y = goals[j] == Goal::kMaximise ? b[j] : -b[j];
    if (x < y) return false;
    if (x > y) better = true;
  }
  return better;
}

// Fast non-dominated sort of the candidates in `members`, numbering fronts from `first`.
int sort_fronts(const std::vector<std::vector<double>>& values, const std::vector<Goal>& goals,
                const std::vector<std::size_t>& members, int first, std::vector<int>& fronts) {
  const std::size_t n = members.size();
  std::vector<std::vector<std::size_t>> dominated(n);  // whom i dominates
  std::vector<std::size_t> dominators(n, 0);           // how many dominate i
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = a + 1; b < n; ++b) {
      if (dominates(values[members[a]], values[members[b]], goals)) {
        dominated[a].push_back(b);
        ++dominators[b];
      } else if (dominates(values[members[b]], values[members[a]], goals)) {
        dominated[b].push_back(a);
        ++dominators[a];
      }
    }
  }
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i) {
    if (dominators[i] == 0) current.push_back(i);
  }
  int front = first;
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (const std::size_t i : current) {
      fronts[members[i]] = front;
      for (const std::size_t j : dominated[i]) {
        if (--dominators[j] == 0) next.push_back(j);
      }
    }
    current = std::move(next);
    ++front;
  }
  return front;
}

}  // namespace

std::vector<int> pareto_fronts(const std::vector<std::vector<double>>& values,
                               const std::vector<Goal>& goals) {
  check_shape(values, goals.size());
  std::vector<int> fronts(values.size(), 0);
  std::vector<std::size_t> complete, incomplete;
  for (std::size_t i = 0; i < values.size(); ++i) {
    (has_nan(values[i]) ? incomplete : complete).push_back(i);
  }
  const int next = sort_fronts(values, goals, complete, 1, fronts);
  // Candidates with a missing objective: ranked among themselves on the objectives they all
  // have would need a partial order; they share one front after the complete ones.
  for (const std::size_t i : incomplete) fronts[i] = next;
  return fronts;
}

std::vector<double> crowding_distance(const std::vector<std::vector<double>>& values,
                                      const std::vector<Goal>& goals,
                                      const std::vector<int>& fronts) {
  check_shape(values, goals.size());
  if (fronts.size() != values.size()) {
    throw std::invalid_argument("crowding_distance: one front per candidate is needed");
  }
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> distance(values.size(), 0.0);
  const int last = fronts.empty() ? 0 : *std::max_element(fronts.begin(), fronts.end());
  for (int front = 1; front <= last; ++front) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (fronts[i] == front && !has_nan(values[i])) members.push_back(i);
    }
    if (members.size() <= 2) {
      for (const std::size_t i : members) distance[i] = inf;
      continue;
    }
    for (std::size_t j = 0; j < goals.size(); ++j) {
      std::sort(members.begin(), members.end(),
                [&](std::size_t a, std::size_t b) { return values[a][j] < values[b][j]; });
      const double low = values[members.front()][j], high = values[members.back()][j];
      distance[members.front()] = distance[members.back()] = inf;
      if (!(high > low)) continue;
      for (std::size_t k = 1; k + 1 < members.size(); ++k) {
        distance[members[k]] +=
            (values[members[k + 1]][j] - values[members[k - 1]][j]) / (high - low);
      }
    }
  }
  return distance;
}

std::vector<double> weighted_scores(const std::vector<std::vector<double>>& values,
                                    const std::vector<Goal>& goals,
                                    const std::vector<double>& weights) {
  check_shape(values, goals.size());
  if (weights.size() != goals.size()) {
    throw std::invalid_argument(
        fmt::format("{} weights for {} objectives", weights.size(), goals.size()));
  }
  double total = 0.0;
  for (const double w : weights) {
    if (!(w >= 0.0) || !std::isfinite(w)) {
      throw std::invalid_argument(fmt::format("a weight is {}; weights must be >= 0", w));
    }
    total += w;
  }
  if (!(total > 0.0)) throw std::invalid_argument("the weights sum to 0");
  std::vector<double> score(values.size(), 0.0);
  for (std::size_t j = 0; j < goals.size(); ++j) {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const auto& row : values) {
      if (std::isnan(row[j])) continue;
      low = std::min(low, row[j]);
      high = std::max(high, row[j]);
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double v = values[i][j];
      if (std::isnan(v)) continue;
      double u = high > low ? (v - low) / (high - low) : 1.0;
      if (goals[j] == Goal::kMinimise && high > low) u = 1.0 - u;
      score[i] += weights[j] * u / total;
    }
  }
  return score;
}

}  // namespace smartnano::screening

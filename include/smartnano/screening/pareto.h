// Ranking screened candidates on several objectives at once (docs/screening.md): Pareto fronts
// by non-dominated sorting, the crowding distance that spreads a front, and a weighted score of
// min-max normalised objectives for a single ranked list.
#pragma once

#include <vector>

namespace smartnano::screening {

enum class Goal { kMaximise, kMinimise };

// Front of every candidate: 1 for the non-dominated ones, 2 for those dominated only by front 1,
// and so on (Deb et al. 2002 IEEE Trans Evol Comput 6:182, fast non-dominated sorting).
// `values` is candidates x objectives. Candidate a dominates b when it is at least as good on
// every objective and better on one. A candidate with a NaN objective is dominated by every
// candidate without one (it is placed in the fronts after them). Throws std::invalid_argument
// when a row has a different number of objectives than `goals`.
std::vector<int> pareto_fronts(const std::vector<std::vector<double>>& values,
                               const std::vector<Goal>& goals);

// Crowding distance of each candidate within its front (Deb et al. 2002): the sum over
// objectives of the normalised gap between its neighbours; +infinity at a front's extremes.
std::vector<double> crowding_distance(const std::vector<std::vector<double>>& values,
                                      const std::vector<Goal>& goals,
                                      const std::vector<int>& fronts);

// Weighted score in [0, 1] of each candidate: sum_j w_j u_j / sum_j w_j, where u_j is objective
// j min-max normalised over the candidates and turned so that 1 is best (a constant objective
// gives u_j = 1). NaN objectives score 0. Weights must be >= 0 with a positive sum.
std::vector<double> weighted_scores(const std::vector<std::vector<double>>& values,
                                    const std::vector<Goal>& goals,
                                    const std::vector<double>& weights);

}  // namespace smartnano::screening

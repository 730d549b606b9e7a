// Pareto fronts, crowding distances and weighted scores on small sets worked by hand.
#include "smartnano/screening/pareto.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace smartnano::screening {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<Goal> kMaxMin{Goal::kMaximise, Goal::kMinimise};

TEST(ParetoFronts, TwoObjectivesByHand) {
  // Maximise x, minimise y. (4,1) and (2,0) are non-dominated; (3,2) is dominated by (4,1);
  // (1,3) by everything in front 2 as well; (2,0.5) is dominated by (2,0) only.
  const std::vector<std::vector<double>> v{{4, 1}, {2, 0}, {3, 2}, {1, 3}, {2, 0.5}};
  const auto fronts = pareto_fronts(v, kMaxMin);
  EXPECT_EQ(fronts, (std::vector<int>{1, 1, 2, 3, 2}));
}

TEST(ParetoFronts, EqualCandidatesShareAFront) {
  const std::vector<std::vector<double>> v{{1, 1}, {1, 1}, {0, 2}};
  EXPECT_EQ(pareto_fronts(v, kMaxMin), (std::vector<int>{1, 1, 2}));
}

TEST(ParetoFronts, MissingObjectiveComesAfterEveryCompleteCandidate) {
  const std::vector<std::vector<double>> v{{kNaN, 0}, {1, 5}, {0, 6}};
  EXPECT_EQ(pareto_fronts(v, kMaxMin), (std::vector<int>{3, 1, 2}));
}

TEST(ParetoFronts, ThreeObjectivesAgreeWithBruteForce) {
  // Every candidate of front k is dominated by one of front k-1 and by none of front >= k.
  std::vector<std::vector<double>> v;
  for (int i = 0; i < 60; ++i) {
    v.push_back({std::fmod(i * 0.37, 1.0), std::fmod(i * 0.61, 1.0), std::fmod(i * 0.23, 1.0)});
  }
  const std::vector<Goal> goals{Goal::kMaximise, Goal::kMinimise, Goal::kMaximise};
  const auto fronts = pareto_fronts(v, goals);
  auto dominates = [&](std::size_t a, std::size_t b) {
    const bool ge = v[a][0] >= v[b][0] && v[a][1] <= v[b][1] && v[a][2] >= v[b][2];
    const bool gt = v[a][0] > v[b][0] || v[a][1] < v[b][1] || v[a][2] > v[b][2];
    return ge && gt;
  };
  for (std::size_t b = 0; b < v.size(); ++b) {
    bool by_previous = fronts[b] == 1;
    for (std::size_t a = 0; a < v.size(); ++a) {
      if (dominates(a, b)) {
        EXPECT_LT(fronts[a], fronts[b]);
        if (fronts[a] == fronts[b] - 1) by_previous = true;
      }
    }
    EXPECT_TRUE(by_previous) << "candidate " << b;
  }
}

TEST(ParetoFronts, RowOfTheWrongSizeIsRefused) {
  EXPECT_THROW(pareto_fronts({{1, 2}, {1}}, kMaxMin), std::invalid_argument);
}

TEST(CrowdingDistance, ExtremesAreInfiniteAndTheMiddleSumsNormalisedGaps) {
  const std::vector<std::vector<double>> v{{0, 0}, {1, 1}, {3, 3}, {4, 4}};
  const std::vector<int> fronts{1, 1, 1, 1};
  const auto d = crowding_distance(v, kMaxMin, fronts);
  EXPECT_TRUE(std::isinf(d[0]));
  EXPECT_TRUE(std::isinf(d[3]));
  EXPECT_DOUBLE_EQ(d[1], 2 * (3.0 - 0.0) / 4.0);  // both objectives: (3 - 0) / (4 - 0)
  EXPECT_DOUBLE_EQ(d[2], 2 * (4.0 - 1.0) / 4.0);
}

TEST(WeightedScores, NormalisesAndTurnsMinimisedObjectives) {
  const std::vector<std::vector<double>> v{{10, 5}, {20, 1}, {15, 3}};
  const auto s = weighted_scores(v, kMaxMin, {1.0, 3.0});
  EXPECT_DOUBLE_EQ(s[0], 0.0);                            // worst on both
  EXPECT_DOUBLE_EQ(s[1], 1.0);                            // best on both
  EXPECT_DOUBLE_EQ(s[2], (1.0 * 0.5 + 3.0 * 0.5) / 4.0);  // halfway on both
  EXPECT_THROW(weighted_scores(v, kMaxMin, {0.0, 0.0}), std::invalid_argument);
  EXPECT_THROW(weighted_scores(v, kMaxMin, {1.0}), std::invalid_argument);
}

}  // namespace
}  // namespace smartnano::screening

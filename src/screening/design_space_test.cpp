#include "smartnano/screening/design_space.h"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

namespace smartnano::screening {
namespace {

Factor continuous(const std::string& name, double low, double high, bool log_scale = false) {
  Factor f;
  f.name = name;
  f.low = low;
  f.high = high;
  f.log_scale = log_scale;
  return f;
}

TEST(DesignSpace, FullFactorialIsEveryCombinationLastFactorFastest) {
  DesignSpace space;
  space.factors.push_back(continuous("diameter_nm", 50, 150));  // 3 levels: 50, 100, 150
  Factor carrier;
  carrier.name = "carrier";
  carrier.levels = {0, 1};
  carrier.labels = {"liposome", "polymeric micelle"};
  space.factors.push_back(carrier);
  const Design d = make_design(space, DesignKind::kFullFactorial, 0);
  ASSERT_EQ(d.candidates.size(), 6u);
  EXPECT_EQ(d.candidates[0], (std::vector<double>{50, 0}));
  EXPECT_EQ(d.candidates[1], (std::vector<double>{50, 1}));
  EXPECT_EQ(d.candidates[5], (std::vector<double>{150, 1}));
  EXPECT_EQ(d.generated, 6u);
  EXPECT_EQ(d.rejected, 0u);
}

TEST(DesignSpace, ConstraintsDropCandidatesAndAreCounted) {
  DesignSpace space;
  space.factors.push_back(continuous("peg", 0, 10));
  space.factors.back().factorial_levels = 3;  // 0, 5, 10
  space.factors.push_back(continuous("ligand", 0, 10));
  space.factors.back().factorial_levels = 3;
  space.constraints.push_back(parse_constraint("ligand <= 0.5 * peg"));
  const Design d = make_design(space, DesignKind::kFullFactorial, 0);
  // (0,0), (5,0), (10,0), (10,5) pass; 5 of 9 are rejected.
  EXPECT_EQ(d.candidates.size(), 4u);
  EXPECT_EQ(d.rejected, 5u);
  for (const auto& c : d.candidates) EXPECT_LE(c[1], 0.5 * c[0]);
}

TEST(DesignSpace, LatinHypercubeHasOnePointPerStratumOfEveryFactor) {
  DesignSpace space;
  space.factors.push_back(continuous("a", 0, 1));
  space.factors.push_back(continuous("b", 10, 1000, true));
  const std::size_t n = 20;
  const Design d = make_design(space, DesignKind::kLatinHypercube, n, 7);
  ASSERT_EQ(d.candidates.size(), n);
  std::set<int> strata_a, strata_b;
  for (const auto& c : d.candidates) {
    strata_a.insert(static_cast<int>(c[0] * n));
    strata_b.insert(static_cast<int>(std::log(c[1] / 10) / std::log(100.0) * n));
  }
  EXPECT_EQ(strata_a.size(), n);
  EXPECT_EQ(strata_b.size(), n);
  // Seeded: the same design again, another with another seed.
  EXPECT_EQ(make_design(space, DesignKind::kLatinHypercube, n, 7).candidates, d.candidates);
  EXPECT_NE(make_design(space, DesignKind::kLatinHypercube, n, 8).candidates, d.candidates);
}

TEST(DesignSpace, SobolStartsWithTheKnownPoints) {
  DesignSpace space;
  space.factors.push_back(continuous("a", 0, 1));
  space.factors.push_back(continuous("b", 0, 1));
  const Design d = make_design(space, DesignKind::kSobol, 3);
  // The two-dimensional Sobol sequence after (0, 0): (1/2, 1/2), (3/4, 1/4), (1/4, 3/4).
  ASSERT_EQ(d.candidates.size(), 3u);
  EXPECT_EQ(d.candidates[0], (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(d.candidates[1], (std::vector<double>{0.75, 0.25}));
  EXPECT_EQ(d.candidates[2], (std::vector<double>{0.25, 0.75}));
}

TEST(DesignSpace, LevelsAndLogScalesMapTheUnitInterval) {
  Factor f = continuous("d", 10, 1000, true);
  EXPECT_DOUBLE_EQ(f.value_at(0.5), 100.0);
  Factor g;
  g.name = "drug";
  g.levels = {0, 1, 2};
  EXPECT_EQ(g.value_at(0.0), 0);
  EXPECT_EQ(g.value_at(0.5), 1);
  EXPECT_EQ(g.value_at(1.0), 2);
}

TEST(DesignSpace, BadSpacesAreRefusedWithTheirReason) {
  auto message = [](const DesignSpace& s, DesignKind kind, std::size_t n) {
    try {
      make_design(s, kind, n);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  DesignSpace empty;
  EXPECT_NE(message(empty, DesignKind::kSobol, 4).find("no factor"), std::string::npos);
  DesignSpace twice;
  twice.factors = {continuous("a", 0, 1), continuous("a", 0, 2)};
  EXPECT_NE(message(twice, DesignKind::kSobol, 4).find("defined twice"), std::string::npos);
  DesignSpace backwards;
  backwards.factors = {continuous("a", 2, 1)};
  EXPECT_NE(message(backwards, DesignKind::kSobol, 4).find("must be below"), std::string::npos);
  DesignSpace unknown;
  unknown.factors = {continuous("a", 0, 1)};
  unknown.constraints = {parse_constraint("b < 1")};
  EXPECT_NE(message(unknown, DesignKind::kSobol, 4).find("'b', which is not a factor"),
            std::string::npos);
  DesignSpace impossible;
  impossible.factors = {continuous("a", 0, 1)};
  impossible.constraints = {parse_constraint("a > 2")};
  EXPECT_NE(message(impossible, DesignKind::kLatinHypercube, 4).find("reject all 4"),
            std::string::npos);
  EXPECT_NE(message(impossible, DesignKind::kLatinHypercube, 0).find("size >= 1"),
            std::string::npos);
  DesignSpace huge;
  for (int i = 0; i < 16; ++i) huge.factors.push_back(continuous("f" + std::to_string(i), 0, 1));
  EXPECT_NE(message(huge, DesignKind::kFullFactorial, 0).find("more than 10 million"),
            std::string::npos);
  EXPECT_THROW(parse_constraint("a <"), std::invalid_argument);
}

}  // namespace
}  // namespace smartnano::screening

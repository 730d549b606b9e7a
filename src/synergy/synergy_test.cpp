// Hand-computed scores, the 4PL fit recovering known parameters, the combination index and bad
// input.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "smartnano/synergy/synergy.h"

namespace smartnano::synergy {
namespace {

// 3 x 3: drug 1 at 0, 1, 2 on rows; drug 2 at 0, 10, 20 on columns.
Grid small_grid() {
  Grid g(3, 3, 0.0);
  g(1, 0) = 20.0;
  g(2, 0) = 40.0;
  g(0, 1) = 10.0;
  g(0, 2) = 50.0;
  g(1, 1) = 35.0;
  g(1, 2) = 55.0;
  g(2, 1) = 50.0;
  g(2, 2) = 80.0;
  return g;
}

TEST(Synergy, BlissByHand) {
  const Grid s = bliss(small_grid());
  // (1,1): 35 - (20 + 10 - 2) = 7; (2,2): 80 - (40 + 50 - 20) = 10.
  EXPECT_NEAR(s(1, 1), 7.0, 1e-12);
  EXPECT_NEAR(s(1, 2), 55.0 - (20 + 50 - 10), 1e-12);
  EXPECT_NEAR(s(2, 1), 50.0 - (40 + 10 - 4), 1e-12);
  EXPECT_NEAR(s(2, 2), 10.0, 1e-12);
  EXPECT_EQ(s(0, 1), 0.0);
  EXPECT_EQ(s(1, 0), 0.0);
}

TEST(Synergy, HsaByHand) {
  const Grid s = hsa(small_grid());
  EXPECT_NEAR(s(1, 1), 15.0, 1e-12);
  EXPECT_NEAR(s(1, 2), 5.0, 1e-12);
  EXPECT_NEAR(s(2, 1), 10.0, 1e-12);
  EXPECT_NEAR(s(2, 2), 30.0, 1e-12);
  EXPECT_NEAR(mean_combination_score(s), 15.0, 1e-12);
}

TEST(Synergy, MostSynergisticAreaIsTheBestWindow) {
  Grid s(5, 4, 0.0);
  s(3, 2) = 9.0;
  s(4, 3) = 9.0;
  const SynergisticArea a = most_synergistic_area(s);
  EXPECT_EQ(a.rows, 3);
  EXPECT_EQ(a.cols, 3);
  EXPECT_EQ(a.row, 2);
  EXPECT_EQ(a.col, 1);
  EXPECT_NEAR(a.mean, 2.0, 1e-12);
}

TEST(Synergy, BaselineAllShiftsEveryCellAndPartOnlyNegatives) {
  const std::vector<double> c = {0, 1, 3, 10, 30, 100};
  const LogLogistic truth{-1.2, 5.0, 90.0, 10.0};
  Grid g(6, 6, 0.0);
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 6; ++j) g(i, j) = truth(c[i] + c[j]);
  }
  g(0, 0) = -3.0;
  double b = 0.0;
  const Grid all = correct_baseline(g, c, c, Baseline::kAll, &b);
  // Exact single-agent curves: the minimum fitted value is the curve at concentration 1.
  EXPECT_NEAR(b, truth(1.0), 1e-5);
  EXPECT_NEAR(all(2, 3), g(2, 3) - (100 - g(2, 3)) / 100 * b, 1e-12);
  const Grid part = correct_baseline(g, c, c, Baseline::kPart);
  EXPECT_EQ(part(2, 3), g(2, 3));
  EXPECT_NEAR(part(0, 0), -3.0 - 103.0 / 100 * b, 1e-5);
  const Grid none = correct_baseline(g, c, c, Baseline::kNone);
  EXPECT_EQ(none.values, g.values);
}

TEST(Synergy, LogLogisticFitRecoversKnownParameters) {
  const LogLogistic truth{-1.5, 3.0, 85.0, 40.0};
  std::vector<double> x, y;
  for (double d : {1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0}) {
    x.push_back(d);
    y.push_back(truth(d));
  }
  const FitResult f = fit_log_logistic(x, y);
  EXPECT_NEAR(f.curve.b, -1.5, 1e-4);
  EXPECT_NEAR(f.curve.c, 3.0, 1e-3);
  EXPECT_NEAR(f.curve.d, 85.0, 1e-3);
  EXPECT_NEAR(f.curve.e, 40.0, 1e-3);
  EXPECT_LT(f.rss, 1e-10);
  EXPECT_NEAR(f.curve.inverse(truth(55.0)), 55.0, 1e-6);
  // Fixed limits are held.
  FitOptions fo;
  fo.fixed_c = 0.0;
  fo.fixed_d = 100.0;
  const FitResult g = fit_log_logistic(x, y, fo);
  EXPECT_EQ(g.curve.c, 0.0);
  EXPECT_EQ(g.curve.d, 100.0);
  // Zero concentrations are left out, too few points are refused.
  EXPECT_THROW(fit_log_logistic({0.0, 1.0, 2.0}, {1.0, 2.0, 3.0}), std::invalid_argument);
}

// Two drugs that are the same drug (sham combination): Loewe additivity holds exactly, so the
// Loewe score of the expected surface is 0.
TEST(Synergy, LoeweIsZeroForAShamCombination) {
  const LogLogistic f{-1.0, 0.0, 100.0, 10.0};
  const std::vector<double> c = {0, 2, 5, 10, 20, 50};
  Grid g(6, 6);
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 6; ++j) g(i, j) = f(c[i] + c[j]);
  }
  const Grid s = loewe(g, c, c);
  for (int i = 1; i < 6; ++i) {
    for (int j = 1; j < 6; ++j) EXPECT_NEAR(s(i, j), 0.0, 1e-3) << i << "," << j;
  }
}

// A Bliss-independent surface built from 4PL singles: ZIP's delta is about 0.
TEST(Synergy, ZipIsNearZeroForABlissIndependentSurface) {
  const LogLogistic f1{-1.3, 0.0, 100.0, 8.0}, f2{-0.9, 0.0, 100.0, 30.0};
  const std::vector<double> c1 = {0, 1, 3, 10, 30, 100}, c2 = {0, 3, 10, 30, 100, 300};
  Grid g(6, 6);
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 6; ++j) {
      const double a = f1(c1[i]), b = f2(c2[j]);
      g(i, j) = a + b - a * b / 100;
    }
  }
  const Grid s = zip(g, c1, c2);
  for (int i = 1; i < 6; ++i) {
    for (int j = 1; j < 6; ++j) EXPECT_NEAR(s(i, j), 0.0, 0.5) << i << "," << j;
  }
  const Grid bl = bliss(g);
  EXPECT_NEAR(mean_combination_score(bl), 0.0, 1e-9);
}

TEST(Synergy, CombinationIndexIsOneForLoeweAdditivity) {
  // Median-effect singles with m = 1: fa / (1 - fa) = D / Dm; equal potency Dm = 10.
  auto fa = [](double d) { return d / (d + 10.0); };
  const std::vector<double> c = {0, 1, 3, 10, 30};
  Grid g(5, 5);
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) g(i, j) = 100.0 * fa(c[i] + c[j]);
  }
  const CombinationIndex ci = combination_index(g, c, c);
  EXPECT_NEAR(ci.drug1.m, 1.0, 1e-9);
  EXPECT_NEAR(ci.drug1.dm, 10.0, 1e-9);
  EXPECT_NEAR(ci.per_cell(2, 3), 1.0, 1e-9);
  ASSERT_EQ(ci.at_fa.size(), 3u);
  for (const auto& [level, value] : ci.at_fa) EXPECT_NEAR(value, 1.0, 1e-9) << level;
}

class SynergyCsv : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() / "smartnano_synergy_test";
    std::filesystem::create_directories(dir);
    const auto path = (dir / name).string();
    std::ofstream(path) << text;
    return path;
  }
  static std::string message(const std::string& path, const ReadOptions& o = {}) {
    try {
      read_dose_response_csv(path, o);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(SynergyCsv, ReadsBlocksReplicatesAndViability) {
  const auto path = write("good.csv",
                          "block_id,drug_row,drug_col,conc_r,conc_c,response,conc_r_unit\n"
                          "7,A,B,0,0,100,nM\n7,A,B,0,0,98,nM\n7,A,B,1,0,80,nM\n7,A,B,1,0,82,nM\n"
                          "7,A,B,0,5,90,nM\n7,A,B,0,5,92,nM\n7,A,B,1,5,60,nM\n7,A,B,1,5,62,nM\n");
  ReadOptions o;
  o.scale = ResponseScale::kViability;
  const auto m = read_dose_response_csv(path, o);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].block_id, "7");
  EXPECT_EQ(m[0].conc_unit, "nM");
  EXPECT_EQ(m[0].min_replicates(), 2);
  const Grid med = m[0].summary(ReplicateSummary::kMedian);
  EXPECT_NEAR(med(1, 1), 39.0, 1e-12);
  EXPECT_NEAR(m[0].replicate(1)(1, 0), 18.0, 1e-12);
}

TEST_F(SynergyCsv, BadInputNamesFileLineAndField) {
  const std::string head = "PairIndex,Drug1,Drug2,Conc1,Conc2,Response\n";
  auto p = write("no_mono.csv", head + "1,A,B,0,1,5\n1,A,B,1,1,9\n1,A,B,0,2,6\n1,A,B,1,2,12\n");
  EXPECT_NE(message(p).find("no_mono.csv:2: field 'Conc2'"), std::string::npos) << message(p);
  EXPECT_NE(message(p).find("no monotherapy of drug 1 'A'"), std::string::npos);

  p = write("inf.csv", head + "1,A,B,0,0,0\n1,A,B,1,0,5\n1,A,B,0,1,inf\n1,A,B,1,1,9\n");
  EXPECT_NE(message(p).find("inf.csv:4:6: field 'Response'"), std::string::npos) << message(p);
  EXPECT_NE(message(p).find("non-finite response"), std::string::npos);

  p = write("na.csv", head + "1,A,B,0,0,0\n1,A,B,1,0,NA\n");
  EXPECT_NE(message(p).find("na.csv:3:6: field 'Response'"), std::string::npos) << message(p);

  p = write("neg.csv", head + "1,A,B,0,0,0\n1,A,B,-1,0,5\n");
  EXPECT_NE(message(p).find("neg.csv:3:4: field 'Conc1'"), std::string::npos) << message(p);

  p = write("hole.csv", head + "1,A,B,0,0,0\n1,A,B,1,0,5\n1,A,B,0,1,6\n");
  EXPECT_NE(message(p).find("not a full matrix"), std::string::npos) << message(p);

  p = write("nocol.csv", "PairIndex,Drug1,Drug2,Conc1,Conc2,Respons\n1,A,B,0,0,0\n");
  EXPECT_NE(message(p).find("nocol.csv:1: field 'response'"), std::string::npos) << message(p);

  p = write("mixed.csv", head + "1,A,B,0,0,0\n1,A,C,1,0,5\n");
  EXPECT_NE(message(p).find("mixed.csv:3:3: field 'Drug2'"), std::string::npos) << message(p);
}

TEST_F(SynergyCsv, UncertaintyNeedsReplicates) {
  std::string text = "PairIndex,Drug1,Drug2,Conc1,Conc2,Response\n";
  for (double a : {0.0, 1.0, 3.0, 10.0}) {
    for (double b : {0.0, 1.0, 3.0, 10.0}) {
      text += "1,A,B," + std::to_string(a) + "," + std::to_string(b) + "," +
              std::to_string(5.0 * a + 2.0 * b + 0.3 * a * b) + "\n";
    }
  }
  const auto m = read_dose_response_csv(write("single.csv", text));
  SynergyOptions o;
  o.uncertainty = true;
  try {
    analyse(m[0], o);
    FAIL() << "no error for a single replicate";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("single.csv:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at least 2 replicates"), std::string::npos);
  }
  o.uncertainty = false;
  const SynergyResult r = analyse(m[0], o);
  EXPECT_EQ(r.methods.size(), 4u);
  EXPECT_TRUE(std::isnan(r.response_sd(1, 1)));
}

TEST_F(SynergyCsv, ReplicateUncertaintyIsATInterval) {
  std::string text = "PairIndex,Drug1,Drug2,Conc1,Conc2,Response,Replicate\n";
  for (int rep : {2, 1}) {
    for (double a : {0.0, 1.0, 3.0, 10.0}) {
      for (double b : {0.0, 1.0, 3.0, 10.0}) {
        const double y = 5.0 * a + 2.0 * b + 0.3 * a * b + (rep == 1 ? 1.0 : -1.0);
        text += "1,A,B," + std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(y) +
                "," + std::to_string(rep) + "\n";
      }
    }
  }
  const auto m = read_dose_response_csv(write("two.csv", text));
  EXPECT_EQ(m[0].replicate(0)(1, 1), 5.0 + 2.0 + 0.3 + 1.0);  // ordered by replicate number
  SynergyOptions o;
  o.methods = {Method::kHsa};
  o.baseline = Baseline::kNone;
  o.uncertainty = true;
  const SynergyResult r = analyse(m[0], o);
  const MethodResult& h = r.methods[0];
  // HSA of each replicate: y_ij - max(y_i0, y_0j); the +-1 shift cancels, so SD = 0.
  EXPECT_NEAR(h.rep_sd(2, 2), 0.0, 1e-12);
  EXPECT_NEAR(h.rep_mean(2, 2), h.scores(2, 2), 1e-12);
  EXPECT_NEAR(h.rep_ci_low(2, 2), h.rep_ci_high(2, 2), 1e-12);
}

TEST(Synergy, RatioWindowSpansTheRatiosOfSynergisticCells) {
  // Rows: drug 1 at 0, 1, 5, 10; columns: drug 2 at 0, 1, 2. Cells above 10: (1, 1) ratio 1,
  // (2, 1) ratio 5, (2, 2) ratio 2.5; (3, 2) = 10 is not above the threshold.
  Grid s(4, 3, 0.0);
  s(1, 1) = 12;
  s(2, 1) = 30;
  s(2, 2) = 11;
  s(3, 2) = 10;
  s(3, 0) = 50;  // a monotherapy cell never counts
  const RatioWindow w = synergistic_ratio_window(s, {0, 1, 5, 10}, {0, 1, 2});
  EXPECT_EQ(w.cells, 3);
  EXPECT_DOUBLE_EQ(w.low, 1.0);
  EXPECT_DOUBLE_EQ(w.high, 5.0);
  const RatioWindow none = synergistic_ratio_window(s, {0, 1, 5, 10}, {0, 1, 2}, 40.0);
  EXPECT_EQ(none.cells, 0);
  EXPECT_TRUE(std::isnan(none.low));
}

}  // namespace
}  // namespace smartnano::synergy

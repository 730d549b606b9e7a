// compare_with_r_reference on the lung data against R survival 3.5-3 (shared/validation/
// survival), and on a perturbed copy of the reference, which must fail.
#include "smartnano/survival/r_reference.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "smartnano/core/error.h"

namespace smartnano::survival {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(SMARTNANO_SHARED_DIR) / "validation" / "survival";

TEST(SurvivalRReference, LungAgreesWithR) {
  if (!fs::exists(kDir / "lung.csv")) GTEST_SKIP() << "no " << kDir;
  const auto report = compare_with_r_reference((kDir / "lung.csv").string(),
                                               (kDir / "lung_expected.json").string());
  std::cout << report.table();
  EXPECT_TRUE(report.passed());
  EXPECT_GT(report.quantities.size(), 60u);
}

TEST(SurvivalRReference, PerturbedReferenceFails) {
  if (!fs::exists(kDir / "lung.csv")) GTEST_SKIP() << "no " << kDir;
  nlohmann::json j;
  std::ifstream(kDir / "lung_expected.json") >> j;
  j["cox"][0]["coef"][0] = j["cox"][0]["coef"][0].get<double>() * 1.0001;
  const fs::path copy = fs::temp_directory_path() / "smartnano_lung_expected_perturbed.json";
  std::ofstream(copy) << j.dump();
  const auto report = compare_with_r_reference((kDir / "lung.csv").string(), copy.string());
  fs::remove(copy);
  EXPECT_FALSE(report.passed());
  int failing = 0;
  for (const auto& q : report.quantities) {
    if (!q.passed()) {
      ++failing;
      EXPECT_EQ(q.quantity, "cox.efron.coef");
    }
  }
  EXPECT_EQ(failing, 1);
}

TEST(SurvivalRReference, MissingFilesAreInputErrors) {
  EXPECT_THROW(compare_with_r_reference("no-such.csv", "no-such.json"), InputError);
}

}  // namespace
}  // namespace smartnano::survival

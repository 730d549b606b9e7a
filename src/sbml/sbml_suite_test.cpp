// The SBML Test Suite runner on a folder made here: a passing case (settings with CRLF line
// ends, a results header spelled "Time" with spaces), the same case with one expected value
// changed (it must fail, naming the variable and time), an unsupported case, and one shared
// case of ../shared/validation/sbml.
#include "smartnano/sbml/sbml_suite.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smartnano/core/error.h"

namespace smartnano::sbml {
namespace {

namespace fs = std::filesystem;

// dS/dt = -S (a rate rule), S(0) = 1: S(t) = exp(-t).
const char* kDecay = R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="decay">
    <listOfParameters><parameter id="S" value="1" constant="false"/></listOfParameters>
    <listOfRules>
      <rateRule variable="S">
        <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><minus/><ci> S </ci></apply></math>
      </rateRule>
    </listOfRules>
  </model>
</sbml>
)";

const char* kAlgebraic = R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="algebraic">
    <listOfParameters><parameter id="x" value="1" constant="false"/></listOfParameters>
    <listOfRules>
      <algebraicRule>
        <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><minus/><ci> x </ci><cn> 1 </cn></apply></math>
      </algebraicRule>
    </listOfRules>
  </model>
</sbml>
)";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class SbmlSuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ =
        fs::temp_directory_path() /
        fmt::format("smartnano-sbml-suite-{}", ::testing::UnitTest::GetInstance()->random_seed());
    fs::remove_all(folder_);
    add_case("00001", kDecay, 0.0);
    add_case("00002", kDecay, 0.01);  // one expected value off by 0.01: far outside the rule
    add_case("00003", kAlgebraic, 0.0);
    write(folder_ / "index.csv",
          "case,sbml_file,level_version\r\n"
          "00001,cases/00001/00001-sbml-l3v2.xml,L3V2\r\n"
          "00002,cases/00002/00002-sbml-l3v2.xml,L3V2\r\n"
          "00003,cases/00003/00003-sbml-l3v2.xml,L3V2\r\n");
  }
  void TearDown() override { fs::remove_all(folder_); }

  void add_case(const std::string& id, const std::string& xml, double offset) {
    const fs::path dir = folder_ / "cases" / id;
    write(dir / (id + "-sbml-l3v2.xml"), xml);
    write(dir / (id + "-settings.txt"),
          "start: 0\r\nduration: 2\r\nsteps: 4\r\nvariables: S\r\nabsolute: 1e-7\r\n"
          "relative: 0.0001\r\namount:\r\nconcentration:\r\n");
    std::string results = "Time, S\n";
    for (int i = 0; i <= 4; ++i) {
      const double t = 0.5 * i;
      results += fmt::format("{},{:.17g}\n", t, std::exp(-t) + (i == 3 ? offset : 0.0));
    }
    write(dir / (id + "-results.csv"), results);
  }

  fs::path folder_;
};

TEST_F(SbmlSuiteTest, PassesFailsAndListsUnsupportedCases) {
  SuiteOptions options;
  options.threads = 2;
  const SuiteReport report = run_sbml_suite(folder_.string(), options);
  ASSERT_EQ(report.cases.size(), 3u);
  EXPECT_EQ(report.cases[0].outcome, CaseOutcome::kPass) << report.cases[0].detail;
  EXPECT_EQ(report.cases[1].outcome, CaseOutcome::kFail);
  EXPECT_NEAR(report.cases[1].largest_error, 0.01, 1e-6);
  EXPECT_NE(report.cases[1].detail.find("S at t = 1.5"), std::string::npos)
      << report.cases[1].detail;
  EXPECT_EQ(report.cases[2].outcome, CaseOutcome::kUnsupported);
  EXPECT_NE(report.cases[2].detail.find("AlgebraicRule"), std::string::npos);
  EXPECT_FALSE(report.passed());
  const std::string table = report.table();
  EXPECT_NE(table.find("00001 pass\n"), std::string::npos) << table;
  EXPECT_NE(table.find("00002 fail 0.01 ("), std::string::npos) << table;
  EXPECT_NE(table.find("00003 unsupported an algebraic rule"), std::string::npos) << table;
  EXPECT_NE(table.find("total: 3 cases, 1 pass, 1 fail, 1 unsupported"), std::string::npos)
      << table;
}

TEST_F(SbmlSuiteTest, SettingsAreReadWithTheirTolerances) {
  const CaseSettings s = read_case_settings((folder_ / "cases/00001/00001-settings.txt").string());
  EXPECT_EQ(s.steps, 4);
  EXPECT_DOUBLE_EQ(s.duration, 2.0);
  EXPECT_DOUBLE_EQ(s.absolute, 1e-7);
  EXPECT_EQ(s.variables, std::vector<std::string>{"S"});
  EXPECT_TRUE(s.amount.empty());
}

TEST_F(SbmlSuiteTest, AMissingIndexIsBadInput) {
  fs::remove(folder_ / "index.csv");
  EXPECT_THROW(run_sbml_suite(folder_.string()), InputError);
}

TEST(SbmlSuite, ASharedCasePasses) {
  const fs::path dir = fs::path(SMARTNANO_SHARED_DIR) / "validation/sbml/cases/00001";
  if (!fs::exists(dir)) GTEST_SKIP() << "no shared SBML cases at " << dir;
  const CaseResult r =
      run_sbml_case("00001", (dir / "00001-sbml-l3v2.xml").string(),
                    (dir / "00001-settings.txt").string(), (dir / "00001-results.csv").string());
  EXPECT_EQ(r.outcome, CaseOutcome::kPass) << r.detail;
}

}  // namespace
}  // namespace smartnano::sbml

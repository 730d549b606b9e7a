// results.csv written whole or in chunks gives the same bytes; run statistics add up; a value
// that could not be computed is written NA.
#include "smartnano/io/results.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace smartnano::io {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

simulation::SubjectResult subject(double id, int rows, double scale) {
  simulation::SubjectResult r;
  r.id = id;
  for (int k = 0; k < rows; ++k) {
    r.times.push_back(0.5 * k);
    r.evids.push_back(k == 0 ? 1 : 0);
    r.outputs.push_back(scale * std::exp(-0.1 * k));  // one_cmt_oral has one output, CP
  }
  r.stats.steps = 10 * rows;
  r.stats.rhs_evaluations = 12 * rows;
  return r;
}

class ResultsFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("smartnano-results-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  model::ModelPtr model_ = model::load_builtin_model("one_cmt_oral");
};

TEST_F(ResultsFiles, ChunkedWritingGivesTheSameBytesAsWholeWriting) {
  std::vector<simulation::SubjectResult> all;
  for (int i = 1; i <= 7; ++i) all.push_back(subject(i, 5 + i, 100.0 * i));
  write_results_csv((dir_ / "whole.csv").string(), *model_, all);
  ResultsCsvWriter writer((dir_ / "chunked.csv").string(), *model_, false);
  writer.append({all.begin(), all.begin() + 3});
  writer.append({});
  writer.append({all.begin() + 3, all.end()});
  writer.commit();
  const std::string whole = read(dir_ / "whole.csv");
  EXPECT_EQ(read(dir_ / "chunked.csv"), whole);
  EXPECT_EQ(whole.substr(0, whole.find('\n')), "ID,TIME,EVID,CP");
  EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'), 1 + (6 + 7 + 8 + 9 + 10 + 11 + 12));
}

TEST_F(ResultsFiles, AnUncommittedWriterLeavesNothing) {
  {
    ResultsCsvWriter writer((dir_ / "results.csv").string(), *model_, false);
    writer.append({subject(1, 3, 1.0)});
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(ResultsFiles, NotANumberIsWrittenNA) {
  auto r = subject(1, 2, 1.0);
  r.outputs[1] = std::nan("");
  write_results_csv((dir_ / "r.csv").string(), *model_, {r});
  EXPECT_NE(read(dir_ / "r.csv").find("1,0.5,0,NA\n"), std::string::npos) << read(dir_ / "r.csv");
}

TEST(RunStatistics, AddsUpSubjectsWorkAndFailures) {
  RunStatistics s;
  auto ok = subject(1, 4, 1.0);
  auto bad = subject(2, 2, 1.0);
  bad.status = simulation::SubjectStatus::kSolverFailure;
  bad.message = "too much work";
  s.add(ok);
  s.add(bad);
  EXPECT_EQ(s.subjects, 2u);
  EXPECT_EQ(s.failed_subjects, 1);
  EXPECT_EQ(s.integrator.steps, 60);
  EXPECT_EQ(s.integrator.rhs_evaluations, 72);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0]["id"], 2.0);
  EXPECT_EQ(s.failures[0]["message"], "too much work");
}

}  // namespace
}  // namespace smartnano::io

// run_scenario: the files do not depend on threads or chunk size; an interrupted run resumed
// from its checkpoint gives the same bytes as an uninterrupted one; per-subject summaries;
// failed subjects are reported, not dropped.
#include "smartnano/runner/population_run.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "smartnano/scenario/scenario.h"

namespace smartnano::runner {
namespace {

namespace fs = std::filesystem;

const char* kPopulation = R"(scenario: pop
model: one_cmt_oral
subject: {weight: 70 kg, height: 170 cm}
population:
  size: 37
  seed: 11
  variability: {CL: 30 %, V: 20 %, KA: 50 %}
  weight: {distribution: lognormal, median: 70 kg, cv: 20 %}
dosing:
  - dose: 100 mg every 12 h x 3
observe: {from: 0 h, to: 48 h, every: 4 h}
output:
  summaries: {CP: [cmax, tmax, auc, final, cmin]}
)";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PopulationRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("smartnano-run-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunOutcome run(const scenario::Scenario& s, const std::string& out, int threads,
                 std::size_t chunk, bool resume = false, const std::atomic<bool>* stop = nullptr) {
    RunOptions o;
    o.out_dir = (dir_ / out).string();
    o.threads = threads;
    o.chunk_subjects = chunk;
    o.resume = resume;
    o.stop_requested = stop;
    o.info.command = "test";
    SerialCommunicator comm;
    return run_scenario(s, o, comm);
  }

  fs::path dir_;
};

TEST_F(PopulationRun, FilesDoNotDependOnThreadsOrChunks) {
  const auto s = scenario::load_scenario_text(kPopulation, "pop.yaml");
  const RunOutcome a = run(s, "a", 1, 1000);
  const RunOutcome b = run(s, "b", 2, 5);
  EXPECT_EQ(a.statistics.subjects, 37u);
  EXPECT_EQ(b.statistics.subjects, 37u);
  for (const char* name : {"results.csv", "subjects.csv", "subject_summaries.csv"}) {
    const std::string one = read(dir_ / "a" / name);
    EXPECT_FALSE(one.empty()) << name;
    EXPECT_EQ(one, read(dir_ / "b" / name)) << name;
  }
  EXPECT_EQ(a.statistics.to_json(), b.statistics.to_json());
  EXPECT_FALSE(fs::exists(dir_ / "a" / ".smartnano-run"));  // the work folder is cleaned up
}

TEST_F(PopulationRun, AnInterruptedRunResumesToTheSameBytes) {
  const auto s = scenario::load_scenario_text(kPopulation, "pop.yaml");
  run(s, "whole", 1, 4);
  std::atomic<bool> stop{true};  // stop after the first chunk
  const RunOutcome first = run(s, "parts", 1, 4, false, &stop);
  EXPECT_TRUE(first.interrupted);
  EXPECT_EQ(first.statistics.subjects, 4u);
  EXPECT_FALSE(fs::exists(dir_ / "parts" / "results.csv"));  // nothing half-written in place
  // A crash after rows reached the disk but before the checkpoint counted them: the rows are
  // dropped again on resume.
  {
    std::ofstream part(dir_ / "parts" / ".smartnano-run" / "results.csv.part", std::ios::app);
    part << "99,0,0,garbage\n";
  }
  const RunOutcome second = run(s, "parts", 2, 7, true, &stop);  // other threads and chunks
  EXPECT_TRUE(second.interrupted);
  EXPECT_EQ(second.resumed_from, 4u);
  const RunOutcome last = run(s, "parts", 2, 100, true);
  EXPECT_FALSE(last.interrupted);
  EXPECT_EQ(last.resumed_from, 11u);  // 4 + one chunk of 7
  EXPECT_EQ(last.statistics.subjects, 37u);
  for (const char* name : {"results.csv", "subjects.csv", "subject_summaries.csv"}) {
    EXPECT_EQ(read(dir_ / "whole" / name), read(dir_ / "parts" / name)) << name;
  }
}

TEST_F(PopulationRun, ResumingAnotherScenarioIsRefused) {
  const auto s = scenario::load_scenario_text(kPopulation, "pop.yaml");
  std::atomic<bool> stop{true};
  run(s, "out", 1, 4, false, &stop);
  std::string other = kPopulation;
  other.replace(other.find("seed: 11"), 8, "seed: 12");
  const auto changed = scenario::load_scenario_text(other, "pop.yaml");
  try {
    run(changed, "out", 1, 4, true);
    FAIL() << "expected the checkpoint to be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("another scenario"), std::string::npos) << e.what();
  }
  // Without --resume the folder is simply started afresh.
  EXPECT_FALSE(run(changed, "out", 1, 4).interrupted);
}

TEST_F(PopulationRun, ProfilesCanBeLeftOutForSummariesOnly) {
  std::string text = kPopulation;
  text.replace(text.find("output:\n"), 8, "output:\n  profiles: false\n");
  const auto s = scenario::load_scenario_text(text, "pop.yaml");
  fs::create_directories(dir_ / "out");
  std::ofstream(dir_ / "out" / "results.csv") << "stale\n";
  const RunOutcome r = run(s, "out", 1, 0);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "results.csv"));  // no stale file from another run
  ASSERT_TRUE(fs::exists(dir_ / "out" / "subject_summaries.csv"));
  std::ifstream in(dir_ / "out" / "subject_summaries.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "ID,STATUS,CP_cmax,CP_tmax,CP_auc,CP_final,CP_cmin");
  int rows = 0;
  for (std::string line; std::getline(in, line);) ++rows;
  EXPECT_EQ(rows, 37);
  EXPECT_EQ(r.files.size(), 3u);  // subjects.csv, subject_summaries.csv, summary.json
}

TEST(Summaries, AreComputedOverObservationRowsOnly) {
  simulation::SubjectResult r;
  r.times = {0, 0, 1, 2, 4};
  r.evids = {1, 0, 0, 0, 0};  // the dose row is not an observation
  r.outputs = {99, 0, 4, 2, 1};
  const std::vector<scenario::OutputSummary> summaries = {
      {0, scenario::SummaryStatistic::kCmax, "c"},
      {0, scenario::SummaryStatistic::kTmax, "t"},
      {0, scenario::SummaryStatistic::kCmin, "m"},
      {0, scenario::SummaryStatistic::kAuc, "a"},
      {0, scenario::SummaryStatistic::kFinal, "f"}};
  const auto v = summarize(r, summaries, 1);
  EXPECT_DOUBLE_EQ(v[0], 4);
  EXPECT_DOUBLE_EQ(v[1], 1);
  EXPECT_DOUBLE_EQ(v[2], 0);
  EXPECT_DOUBLE_EQ(v[3], 0.5 * 1 * 4 + 0.5 * 1 * 6 + 0.5 * 2 * 3);  // trapezoids: 2 + 3 + 3
  EXPECT_DOUBLE_EQ(v[4], 1);
  r.evids = {1, 1, 1, 1, 1};
  for (const double x : summarize(r, summaries, 1)) EXPECT_TRUE(std::isnan(x));
}

TEST_F(PopulationRun, FailedSubjectsAreReportedAndTheRunGoesOn) {
  std::string text = kPopulation;
  text += "solver: {max_steps: 3}\n";  // far too few steps for any patient
  const auto s = scenario::load_scenario_text(text, "pop.yaml");
  const RunOutcome r = run(s, "out", 2, 5);
  EXPECT_EQ(r.statistics.subjects, 37u);
  EXPECT_EQ(r.statistics.failed_subjects, 37);
  ASSERT_EQ(r.statistics.failures.size(), 37u);
  EXPECT_EQ(r.statistics.failures[0].at("id").get<double>(), 1.0);
  EXPECT_EQ(r.statistics.failures[36].at("id").get<double>(), 37.0);
  const std::string summaries = read(dir_ / "out" / "subject_summaries.csv");
  EXPECT_NE(summaries.find("\n1,solver failure"), std::string::npos) << summaries.substr(0, 200);
}

}  // namespace
}  // namespace smartnano::runner

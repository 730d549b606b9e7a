#include "smartnano/io/atomic_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

namespace smartnano::io {
namespace {

namespace fs = std::filesystem;

// A fresh, empty folder per test, removed afterwards.
class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("smartnano_atomic_file_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Names of the entries in the test folder, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static void write_plain(const std::string& file, const std::string& content) {
    std::ofstream(file, std::ios::binary) << content;
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, ContentAppearsOnlyAfterCommit) {
  const std::string target = path("results.csv");
  {
    AtomicFile file(target);
    EXPECT_EQ(file.path(), target);
    file.stream() << "a,b\n1,2\n";
    file.stream().flush();
    EXPECT_FALSE(fs::exists(target)) << "the target must not exist before commit";
    ASSERT_EQ(entries().size(), 1u) << "one temporary beside the target";
    EXPECT_EQ(entries()[0].rfind("results.csv.tmp-", 0), 0u) << entries()[0];
    file.commit();
    EXPECT_TRUE(fs::exists(target));
  }
  EXPECT_EQ(read(target), "a,b\n1,2\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"results.csv"}) << "no temporary left behind";
}

TEST_F(AtomicFileTest, DestructorWithoutCommitLeavesNothing) {
  {
    AtomicFile file(path("results.csv"));
    file.stream() << "half-written";
  }
  EXPECT_TRUE(entries().empty()) << "found " << (entries().empty() ? "" : entries()[0]);
}

TEST_F(AtomicFileTest, UncommittedWriteLeavesAnExistingTargetUntouched) {
  const std::string target = path("summary.json");
  write_plain(target, "old content");
  {
    AtomicFile file(target);
    file.stream() << "new content";
    file.stream().flush();
    EXPECT_EQ(read(target), "old content");
  }
  EXPECT_EQ(read(target), "old content");
  EXPECT_EQ(entries(), std::vector<std::string>{"summary.json"});
}

TEST_F(AtomicFileTest, CommitReplacesAnExistingTarget) {
  const std::string target = path("summary.json");
  write_plain(target, "old content that is longer than the new one");
  {
    AtomicFile file(target);
    file.stream() << "new";
    file.commit();
  }
  EXPECT_EQ(read(target), "new");
  EXPECT_EQ(entries(), std::vector<std::string>{"summary.json"});
}

TEST_F(AtomicFileTest, ParallelWritersUseDistinctTemporaries) {
  const std::string target = path("out.txt");
  AtomicFile first(target);
  AtomicFile second(target);
  first.stream() << "first";
  second.stream() << "second";
  EXPECT_EQ(entries().size(), 2u);
  first.commit();
  second.commit();
  EXPECT_EQ(read(target), "second") << "the last commit wins, whole";
  EXPECT_EQ(entries(), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, WriteFileAtomicallyCreatesParentFolders) {
  const std::string target = path("a/b/c/report.md");
  write_file_atomically(target, "# Report\n");
  EXPECT_EQ(read(target), "# Report\n");
  std::vector<std::string> in_c;
  for (const auto& e : fs::directory_iterator(dir_ / "a/b/c")) in_c.push_back(e.path().filename());
  EXPECT_EQ(in_c, std::vector<std::string>{"report.md"});
}

TEST_F(AtomicFileTest, WriteFileAtomicallyOverwrites) {
  const std::string target = path("x.txt");
  write_file_atomically(target, "one");
  write_file_atomically(target, "two");
  EXPECT_EQ(read(target), "two");
  EXPECT_EQ(entries(), std::vector<std::string>{"x.txt"});
}

TEST_F(AtomicFileTest, ParentThatIsAFileThrowsNamingThePath) {
  write_plain(path("blocker"), "I am a file");
  const std::string target = path("blocker/out.csv");
  try {
    AtomicFile file(target);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(target), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_file_atomically(target, "x"), std::runtime_error);
  EXPECT_EQ(read(path("blocker")), "I am a file");
  EXPECT_EQ(entries(), std::vector<std::string>{"blocker"});
}

TEST_F(AtomicFileTest, TargetThatIsAFolderFailsOnCommitAndCleansUp) {
  fs::create_directories(dir_ / "taken");
  fs::create_directories(dir_ / "taken/inner");
  {
    AtomicFile file(path("taken"));
    file.stream() << "x";
    EXPECT_THROW(file.commit(), std::runtime_error);
  }
  EXPECT_TRUE(fs::is_directory(dir_ / "taken/inner"));
  EXPECT_EQ(entries(), std::vector<std::string>{"taken"}) << "the temporary is removed";
}

}  // namespace
}  // namespace smartnano::io

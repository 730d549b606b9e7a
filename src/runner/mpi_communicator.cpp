// The MPI communicator (built when CMake finds MPI; see no_mpi_communicator.cpp otherwise).
#include <mpi.h>

#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/runner/population_run.h"

namespace smartnano::runner {
namespace {

void check(int code, const char* call) {
  if (code != MPI_SUCCESS) throw std::runtime_error(fmt::format("MPI: {} failed ({})", call, code));
}

class MpiWorldCommunicator final : public Communicator {
 public:
  MpiWorldCommunicator(int* argc, char*** argv) {
    int initialised = 0;
    check(MPI_Initialized(&initialised), "MPI_Initialized");
    if (!initialised) {
      check(MPI_Init(argc, argv), "MPI_Init");
      owns_ = true;
    }
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  }
  ~MpiWorldCommunicator() override {
    if (owns_) MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<std::string> gather(const std::string& bytes) override {
    const int n = checked_count(bytes.size());
    std::vector<int> counts(rank_ == 0 ? size_ : 0);
    check(MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    std::vector<int> offsets(counts.size());
    std::string all;
    if (rank_ == 0) {
      long total = 0;
      for (int r = 0; r < size_; ++r) {
        offsets[r] = static_cast<int>(total);
        total += counts[r];
      }
      all.resize(static_cast<std::size_t>(checked_count(static_cast<std::size_t>(total))));
    }
    check(MPI_Gatherv(bytes.data(), n, MPI_CHAR, all.data(), counts.data(), offsets.data(),
                      MPI_CHAR, 0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    std::vector<std::string> parts;
    for (int r = 0; r < static_cast<int>(counts.size()); ++r)
      parts.push_back(all.substr(offsets[r], counts[r]));
    return parts;
  }

  std::string broadcast(const std::string& bytes) override {
    int n = rank_ == 0 ? checked_count(bytes.size()) : 0;
    check(MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
    std::string out = rank_ == 0 ? bytes : std::string(static_cast<std::size_t>(n), '\0');
    check(MPI_Bcast(out.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
    return out;
  }

  [[noreturn]] void abort(int exit_code) override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);
  }

 private:
  // MPI counts are ints: a round's rows must stay under 2 GiB (chunks are far smaller).
  static int checked_count(std::size_t n) {
    if (n > 0x7fffffffu)
      throw std::runtime_error("MPI: a chunk's output exceeds 2 GiB; use a smaller chunk");
    return static_cast<int>(n);
  }

  int rank_ = 0;
  int size_ = 1;
  bool owns_ = false;
};

}  // namespace

bool built_with_mpi() { return true; }

std::unique_ptr<Communicator> mpi_world_communicator(int* argc, char*** argv) {
  return std::make_unique<MpiWorldCommunicator>(argc, argv);
}

}  // namespace smartnano::runner

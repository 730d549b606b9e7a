// Running a scenario's subjects at scale: in chunks, on threads and MPI processes, with a
// checkpoint after every chunk so that an interrupted run can be resumed.
//
// Subjects are made on demand (Scenario::subject), simulated chunk by chunk and their rows
// appended to the output files as each chunk completes, so memory does not grow with the
// number of subjects. With K processes, every round of chunks is split among the ranks and
// rank 0 appends their rows in subject order; since a subject's rows depend only on the
// subject, the files are byte for byte those of one process with one thread, whatever K,
// the thread count, the chunk size or the number of interruptions (docs/running.md).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "smartnano/io/results.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::runner {

// How the processes of a run exchange chunks: one process, or the ranks of an MPI job.
class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Rank 0 gets every rank's bytes in rank order; the other ranks get an empty vector.
  virtual std::vector<std::string> gather(const std::string& bytes) = 0;
  // Every rank gets rank 0's bytes (the argument is ignored on the other ranks).
  virtual std::string broadcast(const std::string& bytes) = 0;
  // Ends every process of the job (after an error that only some ranks saw).
  [[noreturn]] virtual void abort(int exit_code) = 0;
};

// A run in one process.
class SerialCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<std::string> gather(const std::string& bytes) override { return {bytes}; }
  std::string broadcast(const std::string& bytes) override { return bytes; }
  [[noreturn]] void abort(int exit_code) override;
};

// Whether this build can run under MPI, and whether this process was started by mpirun or
// mpiexec (Open MPI, MPICH and PMIx launchers set their rank variables).
bool built_with_mpi();
bool launched_by_mpi();

// MPI_COMM_WORLD, initialising MPI; finalised when the communicator is destroyed. Throws
// std::runtime_error when the build has no MPI.
std::unique_ptr<Communicator> mpi_world_communicator(int* argc, char*** argv);

struct Progress {
  std::size_t done = 0;          // subjects with results on disk, including resumed ones
  std::size_t total = 0;         // subjects in the run
  std::size_t resumed_from = 0;  // subjects done before this process started
  double elapsed_seconds = 0.0;  // since this process started simulating
};

struct RunOptions {
  std::string out_dir;
  int threads = 0;                 // per process; 0: every core
  bool resume = false;             // continue from the checkpoint in out_dir, if any
  std::size_t chunk_subjects = 0;  // subjects per process and round; 0: 256 per thread
  // Called on rank 0 after every round of chunks.
  std::function<void(const Progress&)> on_progress;
  // Checked after every round: when set, the run stops with its checkpoint in place.
  const std::atomic<bool>* stop_requested = nullptr;
  io::RunInfo info;  // command and scenario label for summary.json
};

struct RunOutcome {
  io::RunStatistics statistics;  // every subject's, including resumed ones
  double wall_seconds = 0.0;     // simulation (each round: its slowest rank), over resumed parts
  int threads = 1;
  int processes = 1;
  std::size_t resumed_from = 0;    // subjects already done when this run started (0: fresh)
  bool interrupted = false;        // stopped on request; outputs are not in place yet
  std::vector<std::string> files;  // written into out_dir (rank 0), in order
};

// Runs every subject of `s` and writes out_dir/results.csv (unless the scenario's output
// section turns profiles off), subjects.csv, subject_summaries.csv (with summaries) and
// summary.json; until the last chunk they live in out_dir/.smartnano-run with a checkpoint.
// Every rank of `comm` must call it with the same scenario and options. Throws InputError
// for input that fails while subjects are made (the lowest such subject's error, as one
// thread would find it) and std::runtime_error for files that cannot be written.
RunOutcome run_scenario(const scenario::Scenario& s, const RunOptions& options, Communicator& comm);

// The scenario's per-subject summaries of one result, over its observation rows (EVID 0), in
// the order of `summaries`; NaN where a subject has no observation row.
std::vector<double> summarize(const simulation::SubjectResult& result,
                              const std::vector<scenario::OutputSummary>& summaries,
                              std::size_t n_outputs);

// The folder inside out_dir that holds a run's checkpoint and partial files.
std::string work_folder(const std::string& out_dir);

}  // namespace smartnano::runner

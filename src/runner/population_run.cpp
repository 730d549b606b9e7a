#include "smartnano/runner/population_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "smartnano/core/error.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/simulation/simulate_all.h"

namespace smartnano::runner {

namespace fs = std::filesystem;
using nlohmann::json;

void SerialCommunicator::abort(int exit_code) { std::_Exit(exit_code); }

bool launched_by_mpi() {
  for (const char* variable :
       {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
    if (std::getenv(variable) != nullptr) return true;
  }
  return false;
}

std::string work_folder(const std::string& out_dir) {
  return (fs::path(out_dir) / ".smartnano-run").string();
}

std::vector<double> summarize(const simulation::SubjectResult& result,
                              const std::vector<scenario::OutputSummary>& summaries,
                              std::size_t n_outputs) {
  std::vector<double> values;
  values.reserve(summaries.size());
  for (const auto& summary : summaries) {
    double value = std::nan("");
    double best_time = std::nan("");
    double previous_time = 0.0, previous_value = 0.0;
    bool first = true;
    for (std::size_t row = 0; row < result.times.size(); ++row) {
      if (result.evids[row] != 0) continue;
      const double t = result.times[row];
      const double y = result.outputs[row * n_outputs + static_cast<std::size_t>(summary.output)];
      switch (summary.statistic) {
        case scenario::SummaryStatistic::kCmax:
        case scenario::SummaryStatistic::kTmax:
          if (first || y > value) {
            value = y;
            best_time = t;
          }
          break;
        case scenario::SummaryStatistic::kCmin:
          if (first || y < value) value = y;
          break;
        case scenario::SummaryStatistic::kAuc:
          value = first ? 0.0 : value + 0.5 * (t - previous_time) * (y + previous_value);
          break;
        case scenario::SummaryStatistic::kFinal:
          value = y;
          break;
      }
      previous_time = t;
      previous_value = y;
      first = false;
    }
    values.push_back(summary.statistic == scenario::SummaryStatistic::kTmax ? best_time : value);
  }
  return values;
}

namespace {

// An output file built by appending: the rows on disk are always a prefix of the final file,
// and sync() makes them durable before the checkpoint that counts them is written.
class AppendFile {
 public:
  AppendFile(std::string path, bool truncate) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | (truncate ? O_TRUNC : 0), 0644);
    if (fd_ < 0) throw std::runtime_error(fmt::format("{}: cannot open for writing", path_));
  }
  ~AppendFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(const std::string& bytes) {
    std::size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
      if (n < 0) throw std::runtime_error(fmt::format("{}: write failed", path_));
      written += static_cast<std::size_t>(n);
    }
    size_ += bytes.size();
  }
  void sync() {
    if (::fsync(fd_) != 0) throw std::runtime_error(fmt::format("{}: cannot sync", path_));
  }
  void set_size(std::uintmax_t size) { size_ = size; }
  std::uintmax_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::uintmax_t size_ = 0;
};

// One output file of the run: its final name and the partial file in the work folder.
struct OutputFile {
  std::string name;    // "results.csv"
  std::string header;  // written when the run starts afresh
  std::unique_ptr<AppendFile> part;
};

constexpr const char* kCheckpointFormat = "smartnano-checkpoint 1";

// What one rank sends rank 0 after its chunk: the bytes of each output file, then its
// statistics; or an error. Length-prefixed fields, so any bytes can travel.
std::string pack(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) {
    out += std::to_string(f.size());
    out += ':';
    out += f;
  }
  return out;
}

std::vector<std::string> unpack(const std::string& bytes) {
  std::vector<std::string> fields;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t colon = bytes.find(':', at);
    const std::size_t n = std::stoul(bytes.substr(at, colon - at));
    fields.push_back(bytes.substr(colon + 1, n));
    at = colon + 1 + n;
  }
  return fields;
}

// The largest resident memory of this process so far (Linux reports ru_maxrss in KiB).
double peak_resident_mib() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The error a rank reports: "input" errors are the user's (exit 1), others are internal.
[[noreturn]] void rethrow_remote(const std::string& kind, const std::string& message) {
  if (kind == "input") throw std::invalid_argument(message);
  throw std::runtime_error(message);
}

}  // namespace

RunOutcome run_scenario(const scenario::Scenario& s, const RunOptions& options,
                        Communicator& comm) {
  const model::Model& m = *s.model;
  const std::size_t total = s.subject_count();
  const int rank = comm.rank();
  const int ranks = comm.size();
  RunOutcome outcome;
  outcome.processes = ranks;
  outcome.threads = simulation::effective_threads(options.threads, total);
  const std::size_t chunk = options.chunk_subjects > 0
                                ? options.chunk_subjects
                                : 256 * static_cast<std::size_t>(outcome.threads);
  const bool with_states = s.options.record_states;
  const bool with_summaries = !s.output.summaries.empty();

  // Rank 0 owns the files: it opens or restores them and tells every rank where to start.
  const fs::path out(options.out_dir);
  const fs::path work(work_folder(options.out_dir));
  const fs::path checkpoint_path = work / "checkpoint.json";
  std::vector<OutputFile> files;
  if (s.output.profiles)
    files.push_back({"results.csv", io::results_csv_header(m, with_states), {}});
  files.push_back({"subjects.csv", io::subjects_csv_header(m, s), {}});
  if (with_summaries) {
    files.push_back({"subject_summaries.csv", io::subject_summaries_csv_header(s), {}});
  }
  io::RunStatistics statistics;
  double wall_before = 0.0;  // simulation time of earlier, interrupted parts
  std::size_t start = 0;
  std::string start_message;
  if (rank == 0) {
    try {
      std::error_code ec;
      fs::create_directories(work, ec);
      if (ec) {
        throw std::runtime_error(
            fmt::format("{}: cannot create folder: {}", work.string(), ec.message()));
      }
      json checkpoint;
      if (options.resume && fs::exists(checkpoint_path)) {
        std::ifstream in(checkpoint_path);
        try {
          checkpoint = json::parse(in);
        } catch (const json::exception& e) {
          throw std::runtime_error(
              fmt::format("{}: the checkpoint cannot be read ({}); run again without --resume",
                          checkpoint_path.string(), e.what()));
        }
        if (checkpoint.value("format", "") != kCheckpointFormat ||
            checkpoint.value("fingerprint", "") != s.fingerprint ||
            checkpoint.value("total", std::size_t{0}) != total) {
          throw std::invalid_argument(fmt::format(
              "{}: the interrupted run in this folder was of another scenario or version (its "
              "checkpoint does not match); run without --resume to start afresh, or choose "
              "another --out",
              checkpoint_path.string()));
        }
        for (auto& f : files) {
          const std::string part = (work / (f.name + ".part")).string();
          const auto size = checkpoint.at("files").at(f.name).get<std::uintmax_t>();
          if (!fs::exists(part) || fs::file_size(part) < size) {
            throw std::runtime_error(fmt::format(
                "{}: shorter than its checkpoint says; run again without --resume", part));
          }
          fs::resize_file(part, size);  // drop rows written after the last checkpoint
          f.part = std::make_unique<AppendFile>(part, false);
          f.part->set_size(size);
        }
        start = checkpoint.at("done").get<std::size_t>();
        statistics = io::RunStatistics::from_json(checkpoint.at("statistics"));
        wall_before = checkpoint.at("wall_seconds").get<double>();
      } else {
        for (auto& f : files) {
          f.part = std::make_unique<AppendFile>((work / (f.name + ".part")).string(), true);
          f.part->append(f.header);
        }
        fs::remove(checkpoint_path, ec);
      }
      start_message = pack({"ok", std::to_string(start)});
    } catch (const std::invalid_argument& e) {
      start_message = pack({"input", e.what()});
    } catch (const std::exception& e) {
      start_message = pack({"error", e.what()});
    }
  }
  {
    const auto fields = unpack(comm.broadcast(start_message));
    if (fields.at(0) != "ok") rethrow_remote(fields.at(0), fields.at(1));
    start = std::stoul(fields.at(1));
  }
  outcome.resumed_from = start;

  const auto began = std::chrono::steady_clock::now();
  double wall = 0.0;
  auto write_checkpoint = [&](std::size_t done) {
    json sizes = json::object();
    for (auto& f : files) {
      f.part->sync();
      sizes[f.name] = f.part->size();
    }
    const json checkpoint = {{"format", kCheckpointFormat},
                             {"fingerprint", s.fingerprint},
                             {"scenario", options.info.scenario},
                             {"total", total},
                             {"done", done},
                             {"files", sizes},
                             {"wall_seconds", wall_before + wall},
                             {"statistics", statistics.to_json()}};
    io::write_file_atomically(checkpoint_path.string(), checkpoint.dump(1) + "\n");
  };
  if (rank == 0 && start == 0) write_checkpoint(0);

  const std::size_t round = chunk * static_cast<std::size_t>(ranks);
  for (std::size_t first = start; first < total; first += round) {
    // This rank's share of the round.
    const std::size_t mine = std::min(total, first + static_cast<std::size_t>(rank) * chunk);
    const std::size_t count = std::min(chunk, total - mine);
    std::string payload;
    try {
      const auto t0 = std::chrono::steady_clock::now();
      // Each patient is sampled once: its description (subjects.csv) is kept as it is made.
      std::vector<scenario::SubjectDescription> descriptions(count);
      const auto results = simulation::simulate_all(
          s.model, s.options, count,
          [&s, &descriptions, mine](std::size_t i) { return s.subject(mine + i, descriptions[i]); },
          options.threads);
      const double chunk_wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      io::RunStatistics part;
      std::string profile_rows, subject_rows, summary_rows;
      if (s.output.profiles) io::append_results_csv_rows(profile_rows, m, with_states, results);
      for (std::size_t i = 0; i < results.size(); ++i) {
        part.add(results[i]);
        io::append_subjects_csv_row(subject_rows, m, descriptions[i]);
        if (with_summaries) {
          io::append_subject_summaries_csv_row(
              summary_rows, results[i],
              summarize(results[i], s.output.summaries, m.outputs().size()));
        }
      }
      std::vector<std::string> fields = {"ok"};
      if (s.output.profiles) fields.push_back(std::move(profile_rows));
      fields.push_back(std::move(subject_rows));
      if (with_summaries) fields.push_back(std::move(summary_rows));
      fields.push_back(fmt::format("{:.17g}", chunk_wall));
      fields.push_back(part.to_json().dump());
      payload = pack(fields);
    } catch (const InputError& e) {
      payload = pack({"input", e.what()});
    } catch (const std::invalid_argument& e) {
      payload = pack({"input", e.what()});
    } catch (const std::exception& e) {
      payload = pack({"error", e.what()});
    }
    const std::vector<std::string> gathered = comm.gather(payload);
    // Rank 0 appends the round in rank (= subject) order, or reports the first rank's error;
    // then every rank learns whether to go on.
    std::string verdict;
    if (rank == 0) {
      verdict = pack({"go"});
      try {
        for (const auto& bytes : gathered) {
          const auto fields = unpack(bytes);
          if (fields.at(0) != "ok") {
            verdict = pack({fields.at(0), fields.at(1)});
            break;
          }
        }
        if (unpack(verdict).at(0) == "go") {
          // The ranks simulate side by side: a round takes as long as its slowest chunk.
          double round_wall = 0.0;
          for (const auto& bytes : gathered) {
            const auto fields = unpack(bytes);
            for (std::size_t k = 0; k < files.size(); ++k) files[k].part->append(fields.at(k + 1));
            round_wall = std::max(round_wall, std::stod(fields.at(files.size() + 1)));
            statistics.merge(io::RunStatistics::from_json(json::parse(fields.back())));
          }
          wall += round_wall;
          const std::size_t done = std::min(total, first + round);
          write_checkpoint(done);
          if (options.on_progress) {
            options.on_progress(Progress{
                done, total, start,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count()});
          }
          if (done < total && options.stop_requested != nullptr && options.stop_requested->load()) {
            verdict = pack({"stop"});
          }
        }
      } catch (const std::exception& e) {
        verdict = pack({"error", e.what()});
      }
    }
    const auto fields = unpack(comm.broadcast(verdict));
    if (fields.at(0) == "stop") {
      outcome.interrupted = true;
      break;
    }
    if (fields.at(0) != "go") {
      // The lowest failing rank's error; for input errors, exactly the one a single thread
      // would have met first (ranks and threads take subjects in increasing order).
      rethrow_remote(fields.at(0), fields.at(1));
    }
  }
  // Simulation time of the whole run (rank 0 summed the rounds), summed over resumed parts.
  wall = std::stod(comm.broadcast(fmt::format("{:.17g}", wall)));
  outcome.wall_seconds = wall_before + wall;
  outcome.statistics = statistics;
  if (rank != 0 || outcome.interrupted) return outcome;

  // Every chunk is on disk: move the files into place, summary last, then forget the work.
  for (auto& f : files) {
    f.part->sync();
    f.part.reset();
    const fs::path target = out / f.name;
    fs::rename(work / (f.name + ".part"), target);
    outcome.files.push_back(target.string());
  }
  std::error_code ec;
  for (const char* stale : {"results.csv", "subject_summaries.csv"}) {
    // A file this run does not write must not survive from an earlier run in the folder.
    const bool written = std::any_of(files.begin(), files.end(),
                                     [&](const OutputFile& f) { return f.name == stale; });
    if (!written) fs::remove(out / stale, ec);
  }
  io::RunInfo info = options.info;
  info.results_file = s.output.profiles ? "results.csv" : "";
  info.wall_seconds = outcome.wall_seconds;
  info.extra["subjects_file"] = "subjects.csv";
  if (with_summaries) {
    json columns = json::array();
    for (const auto& summary : s.output.summaries) {
      const auto& output = m.outputs()[static_cast<std::size_t>(summary.output)];
      std::string unit = output.unit.text;
      if (summary.statistic == scenario::SummaryStatistic::kTmax) unit = m.time_unit().text;
      if (summary.statistic == scenario::SummaryStatistic::kAuc) {
        unit = fmt::format("({})*{}", output.unit.text, m.time_unit().text);
      }
      columns.push_back({{"name", summary.column},
                         {"output", output.name},
                         {"statistic", scenario::to_string(summary.statistic)},
                         {"unit", unit}});
    }
    info.extra["summaries_file"] = "subject_summaries.csv";
    info.extra["summary_columns"] = columns;
  }
  info.extra["threads"] = outcome.threads;
  info.extra["processes"] = outcome.processes;
  info.extra["chunk_subjects"] = chunk;
  if (outcome.resumed_from > 0) info.extra["resumed_from_subject"] = outcome.resumed_from;
  info.extra["peak_resident_MiB"] = peak_resident_mib();
  const std::string summary_path = (out / "summary.json").string();
  io::write_file_atomically(
      summary_path,
      io::results_summary(m, s.parameters, s.options, statistics, info).dump(2) + "\n");
  outcome.files.push_back(summary_path);
  fs::remove_all(work, ec);
  return outcome;
}

}  // namespace smartnano::runner

// `smartnano run` (the built-in default scenario) and `smartnano simulate <scenario>`.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include "commands/commands.h"
#include "commands/report_hook.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/plot/trial_plots.h"
#include "smartnano/runner/population_run.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/simulate_all.h"
#include "smartnano/trial/trial.h"

namespace smartnano::cli {
namespace {

struct SimulateArgs {
  std::string scenario;
  std::string out = "smartnano-output";
  int threads = 0;  // 0: the hardware concurrency
  bool progress = false;
  bool quiet = false;
  bool resume = false;
  long chunk = 0;
  bool report = true;  // report.html
};

// Set by SIGINT / SIGTERM: the run stops after the chunk in progress, with its checkpoint saved.
// A signal handler can only reach state like this; it is the one flag of the process.
std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int signal_number) {
  stop_requested.store(true);
  // A second signal ends the process at once (the checkpoint of the last chunk stays valid).
  std::signal(signal_number, SIG_DFL);
}

std::string duration_text(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const long s = std::lround(seconds);
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{}:{:02} min", s / 60, s % 60);
  return fmt::format("{}:{:02}:{:02} h", s / 3600, (s / 60) % 60, s % 60);
}

// A progress bar redrawn in place on a terminal; a line per chunk otherwise (--progress).
class ProgressReport {
 public:
  explicit ProgressReport(bool terminal) : terminal_(terminal) {}

  void operator()(const runner::Progress& p) {
    const double fraction =
        p.total ? static_cast<double>(p.done) / static_cast<double>(p.total) : 1;
    const double rate = p.elapsed_seconds > 0
                            ? static_cast<double>(p.done - p.resumed_from) / p.elapsed_seconds
                            : 0.0;
    const double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : -1.0;
    const std::string numbers = fmt::format(
        "{} of {} subjects ({:.0f} %), {:.1f} subjects/s, {} elapsed, ETA {}", p.done, p.total,
        100.0 * fraction, rate, duration_text(p.elapsed_seconds), duration_text(eta));
    if (terminal_) {
      constexpr int kWidth = 24;
      const int filled = static_cast<int>(fraction * kWidth);
      std::cerr << fmt::format("\r[{:#<{}}{: <{}}] {}\x1b[K", "", filled, "", kWidth - filled,
                               numbers)
                << (p.done == p.total ? "\n" : "") << std::flush;
    } else {
      std::cerr << "smartnano: " << numbers << '\n';
    }
  }

 private:
  bool terminal_;
};

// profile_<OUTPUT>.svg for the outputs the scenario asks to plot: the first subjects'
// observation rows, simulated again here (a run of any size keeps no profiles in memory).
std::vector<std::string> write_profile_plots(const scenario::Scenario& s, const std::string& out,
                                             int threads) {
  if (s.output.plots.empty()) return {};
  const std::size_t n = std::min(s.subject_count(), scenario::kPlottedSubjects);
  const auto results = simulation::simulate_all(
      s.model, s.options, n, [&s](std::size_t i) { return s.subject(i); }, threads);
  const std::size_t n_out = s.model->outputs().size();
  std::vector<std::string> written;
  for (const int o : s.output.plots) {
    const auto& spec = s.model->outputs()[static_cast<std::size_t>(o)];
    std::vector<plot::ProfileSeries> series;
    for (const auto& r : results) {
      plot::ProfileSeries line;
      line.label = fmt::format("ID {}", r.id);
      for (std::size_t k = 0; k < r.times.size(); ++k) {
        if (r.evids[k] != 0) continue;
        line.time.push_back(r.times[k]);
        line.value.push_back(r.outputs[k * n_out + static_cast<std::size_t>(o)]);
      }
      series.push_back(std::move(line));
    }
    plot::ProfileOptions po;
    po.title = fmt::format("{}: {}{}", s.name, spec.name,
                           s.subject_count() > n ? fmt::format(" (first {} subjects)", n) : "");
    po.x_label = fmt::format("time ({})", s.model->time_unit().text);
    po.y_label =
        spec.unit.text == "1" ? spec.name : fmt::format("{} ({})", spec.name, spec.unit.text);
    po.log_y = s.output.plot_log_y;
    const std::string name = fmt::format("profile_{}.svg", spec.name);
    io::write_file_atomically((std::filesystem::path(out) / name).string(),
                              plot::profile_svg(series, po));
    written.push_back(name);
  }
  return written;
}

int simulate(const scenario::Scenario& s, const SimulateArgs& args, const std::string& label,
             const std::string& command_line, runner::Communicator& comm) {
  const bool lead = comm.rank() == 0;
  const bool terminal = ::isatty(2) != 0;
  runner::RunOptions options;
  options.out_dir = args.out;
  options.threads = args.threads;
  options.resume = args.resume;
  options.chunk_subjects = static_cast<std::size_t>(args.chunk);
  options.stop_requested = &stop_requested;
  options.info.command = command_line;
  options.info.scenario = label;
  options.info.extra["scenario_name"] = s.name;
  if (s.population) {
    options.info.seed = static_cast<long long>(s.population->seed);
    nlohmann::json variability = nlohmann::json::object();
    for (const auto& v : s.population->variability) variability[v.parameter] = v.omega2;
    options.info.extra["population"] = {
        {"size", s.population->size}, {"seed", s.population->seed}, {"omega2", variability}};
  }
  if (!s.data_file.empty()) options.info.extra["data"] = s.data_file;
  options.info.extra["body"] = {{"weight_kg", s.body.weight_kg}, {"bsa_m2", s.body.bsa_m2}};
  if (s.carrier_design) {
    const auto& d = *s.carrier_design;
    nlohmann::json factors;
    for (const auto& name : carrier::pk_factor_names()) {
      factors[name] = carrier::pk_factor(s.carrier_factors, name);
    }
    options.info.extra["carrier"] = {
        {"design",
         {{"hydrodynamic_diameter_nm", d.hydrodynamic_diameter_nm},
          {"polydispersity_index", d.polydispersity_index},
          {"zeta_potential_mV", d.zeta_potential_mV},
          {"peg_mol_percent", d.peg_mol_percent},
          {"ligand_mol_percent", d.ligand_mol_percent},
          {"release_half_life_h", d.release_half_life_h},
          {"drug_loading_w_w", d.drug_loading_w_w},
          {"encapsulation_efficiency", d.encapsulation_efficiency}}},
        {"factors", factors},
        {"encapsulated_fraction_of_dose", s.carrier_factors.encapsulated_fraction_of_dose},
        {"carrier_dose_per_drug_dose", s.carrier_factors.carrier_dose_per_drug_dose}};
  }
  const bool show_progress = lead && !args.quiet && (args.progress || terminal);
  if (show_progress && s.subject_count() > 1) options.on_progress = ProgressReport(terminal);
  if (lead && args.resume && !args.quiet) {
    const auto checkpoint =
        std::filesystem::path(runner::work_folder(args.out)) / "checkpoint.json";
    if (!std::filesystem::exists(checkpoint)) {
      std::cerr << fmt::format(
          "smartnano: nothing to resume in {}; starting from the first subject\n", args.out);
    }
  }

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  const runner::RunOutcome outcome = runner::run_scenario(s, options, comm);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!lead) return outcome.statistics.failed_subjects > 0 ? kExitCheckFailed : kExitOk;

  const auto& st = outcome.statistics;
  if (outcome.interrupted) {
    std::cerr << fmt::format(
        "\nsmartnano: interrupted after {} of {} subjects; they are saved in {}. Continue with "
        "the same command and --resume.\n",
        st.subjects, s.subject_count(), runner::work_folder(args.out));
    return kExitInterrupted;
  }
  // The first failures on the terminal; all of them are in summary.json.
  constexpr std::size_t kFailuresShown = 10;
  for (std::size_t k = 0; k < st.failures.size() && k < kFailuresShown; ++k) {
    const auto& failure = st.failures[k];
    std::cerr << fmt::format(
        "smartnano: subject {} failed ({}): {}\n", failure.at("id").get<double>(),
        failure.at("status").get<std::string>(), failure.at("message").get<std::string>());
  }
  if (st.failures.size() > kFailuresShown) {
    std::cerr << fmt::format("smartnano: ... and {} more failed subjects (summary.json)\n",
                             st.failures.size() - kFailuresShown);
  }
  if (!args.quiet) {
    std::cout << fmt::format(
        "Simulated scenario '{}' (model {}): {} subject(s) in {:.3f} s on {} thread(s){}{}.\n",
        s.name, s.model->name(), st.subjects, outcome.wall_seconds, outcome.threads,
        outcome.processes > 1 ? fmt::format(" x {} processes", outcome.processes) : "",
        outcome.resumed_from > 0 ? fmt::format(", resumed after subject {}", outcome.resumed_from)
                                 : "");
    if (st.failed_subjects > 0) {
      std::cout << fmt::format("{} subject(s) failed; see 'failures' in summary.json\n",
                               st.failed_subjects);
    }
    std::cout << "Wrote";
    for (std::size_t k = 0; k < outcome.files.size(); ++k) {
      std::cout << (k ? "\n  and " : " ") << outcome.files[k];
    }
    std::cout << '\n';
  }
  const auto plots = write_profile_plots(s, args.out, args.threads);
  if (!args.quiet && !plots.empty()) {
    std::cout << fmt::format("Wrote {} to {}\n", fmt::join(plots, ", "), args.out);
  }
  if (args.report) {
    PendingReport(report::simulation_report(s, args.scenario, outcome, args.out), args.out)
        .commit(args.quiet);
  }
  return st.failed_subjects > 0 ? kExitCheckFailed : kExitOk;
}

void add_run_options(CLI::App& cmd, SimulateArgs& args) {
  cmd.add_option("-o,--out", args.out, "output folder")->capture_default_str();
  cmd.add_option("--threads", args.threads,
                 "threads simulating subjects (0: the hardware concurrency); results are the "
                 "same for any number")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_flag("--resume", args.resume,
               "continue an interrupted run from its last saved chunk (same scenario, same "
               "--out); the files are identical to an uninterrupted run's");
  cmd.add_flag("--progress", args.progress,
               "report progress on standard error after every chunk (on by default when "
               "standard error is a terminal)");
  cmd.add_flag("-q,--quiet", args.quiet, "print nothing but errors");
  cmd.add_option("--chunk", args.chunk,
                 "subjects per process between checkpoints (0: 256 per thread); the results do "
                 "not depend on it")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_flag("!--no-report", args.report, kNoReportHelp);
}

}  // namespace

void add_run_command(CLI::App& app, Action& action, const std::string& command_line,
                     runner::Communicator& comm) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a scenario; with none, the built-in default scenario (scenarios/default.yaml)");
  cmd->add_option("scenario", args->scenario, "scenario file (YAML); default: the built-in one");
  add_run_options(*cmd, *args);
  cmd->callback([&action, &comm, args, command_line] {
    action = [&comm, args, command_line] {
      if (args->scenario.empty() && !trial::default_scenario_is_trial()) {
        return simulate(scenario::load_default_scenario(), *args, "built-in default", command_line,
                        comm);
      }
      if (args->scenario.empty() || is_trial_scenario(args->scenario)) {
        TrialArgs trial;
        trial.scenario = args->scenario;
        trial.out = args->out;
        trial.threads = args->threads;
        trial.progress = args->progress;
        trial.quiet = args->quiet;
        trial.report = args->report;
        return run_trial_file(trial);
      }
      if (is_optimise_scenario(args->scenario)) {
        ScreenArgs optimise;
        optimise.scenario = args->scenario;
        optimise.out = args->out;
        optimise.threads = args->threads;
        optimise.quiet = args->quiet;
        optimise.report = args->report;
        return run_optimise_file(optimise, comm);
      }
      if (is_screen_scenario(args->scenario)) {
        ScreenArgs screen;
        screen.scenario = args->scenario;
        screen.out = args->out;
        screen.threads = args->threads;
        screen.progress = args->progress;
        screen.quiet = args->quiet;
        screen.report = args->report;
        return run_screen_file(screen, comm);
      }
      return simulate(scenario::load_scenario_file(args->scenario), *args, args->scenario,
                      command_line, comm);
    };
  });
}

void add_simulate_command(CLI::App& app, Action& action, const std::string& command_line,
                          runner::Communicator& comm) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Simulate a scenario file; write results.csv, subjects.csv and summary.json (run under "
      "mpirun to split the subjects across processes)");
  cmd->add_option("scenario", args->scenario, "scenario file (YAML)")->required();
  add_run_options(*cmd, *args);
  cmd->callback([&action, &comm, args, command_line] {
    action = [&comm, args, command_line] {
      return simulate(scenario::load_scenario_file(args->scenario), *args, args->scenario,
                      command_line, comm);
    };
  });
}

}  // namespace smartnano::cli

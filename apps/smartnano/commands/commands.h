// The smartnano commands. Each registers its CLI11 subcommand and returns the exit code; this
// is the only layer that prints to the terminal and decides exit codes.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "smartnano/runner/population_run.h"

namespace smartnano::cli {

// Exit codes: 0 success, 1 bad input (file, line and field in the message), 2 a check failed
// (validation outside tolerance, a subject failed to solve), 3 internal error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitCheckFailed = 2;
inline constexpr int kExitInternal = 3;
// A run stopped by Ctrl-C or SIGTERM after saving its checkpoint (128 + SIGINT, as shells do).
inline constexpr int kExitInterrupted = 130;

using Action = std::function<int()>;

// `run` and `simulate` split subjects across the processes of `comm` (one, or MPI ranks).
void add_run_command(CLI::App& app, Action& action, const std::string& command_line,
                     runner::Communicator& comm);
void add_simulate_command(CLI::App& app, Action& action, const std::string& command_line,
                          runner::Communicator& comm);
void add_validate_command(CLI::App& app, Action& action);
// `import sbml`, and `validate sbml` under the validate command (call after it).
void add_sbml_commands(CLI::App& app, Action& action);
void add_models_command(CLI::App& app, Action& action);
void add_nca_command(CLI::App& app, Action& action);
void add_survival_command(CLI::App& app, Action& action);
void add_params_command(CLI::App& app, Action& action);
void add_trial_command(CLI::App& app, Action& action);
void add_lesion_command(CLI::App& app, Action& action);
void add_barcodes_command(CLI::App& app, Action& action);
void add_synergy_command(CLI::App& app, Action& action);
// `screen` splits candidate-subject simulations across the processes of `comm`.
void add_screen_command(CLI::App& app, Action& action, runner::Communicator& comm);
void add_optimise_command(CLI::App& app, Action& action, runner::Communicator& comm);

// A virtual trial run (`smartnano trial`, or `smartnano run` on a scenario with a trial:).
struct TrialArgs {
  std::string scenario;
  std::string out = "smartnano-trial";
  int replicates = 0;
  int threads = 0;
  bool progress = false;
  bool quiet = false;
  bool report = true;  // report.html (docs/report.md)
};
bool is_trial_scenario(const std::string& path);
int run_trial_file(const TrialArgs& args);

// A formulation screen (`smartnano screen`, or `smartnano run` on a scenario with a screen:).
struct ScreenArgs {
  std::string scenario;
  std::string out = "smartnano-screen";
  int threads = 0;
  bool progress = false;
  bool quiet = false;
  bool report = true;  // report.html (docs/report.md)
};
bool is_screen_scenario(const std::string& path);
int run_screen_file(const ScreenArgs& args, runner::Communicator& comm);
// A schedule optimisation (`smartnano optimise`, or `smartnano run` with an optimise: section).
bool is_optimise_scenario(const std::string& path);
int run_optimise_file(const ScreenArgs& args, runner::Communicator& comm);

}  // namespace smartnano::cli

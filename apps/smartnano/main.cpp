// smartnano: command-line entry point. Parses the command line, runs one command, and turns
// every error into one message and an exit code (see commands/commands.h).
#include <cstdio>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/core/error.h"
#include "smartnano/version.h"

int main(int argc, char** argv) {
  using namespace smartnano::cli;
  // Under mpirun every rank runs this same command; the ranks share the subjects of `run` and
  // `simulate`, and only rank 0 writes files and speaks.
  std::unique_ptr<smartnano::runner::Communicator> comm;
  try {
    if (smartnano::runner::launched_by_mpi()) {
      comm = smartnano::runner::mpi_world_communicator(&argc, &argv);
    }
  } catch (const std::exception& e) {
    std::cerr << "smartnano: error: " << e.what() << '\n';
    return kExitBadInput;
  }
  if (!comm) comm = std::make_unique<smartnano::runner::SerialCommunicator>();
  const bool lead = comm->rank() == 0;
  CLI::App app{"smartnano: in-silico smart cancer nanomedicine (docs: README.md, docs/)"};
  app.set_version_flag("--version", SMARTNANO_VERSION_STRING);
  app.require_subcommand(1);
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  Action action;
  add_run_command(app, action, command_line, *comm);
  add_simulate_command(app, action, command_line, *comm);
  add_validate_command(app, action);
  add_sbml_commands(app, action);
  add_models_command(app, action);
  add_nca_command(app, action);
  add_survival_command(app, action);
  add_trial_command(app, action);
  add_lesion_command(app, action);
  add_barcodes_command(app, action);
  add_synergy_command(app, action);
  add_screen_command(app, action, *comm);
  add_optimise_command(app, action, *comm);
  add_params_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitBadInput;
  }
  // Every rank meets the same errors (input is read by all; run errors are agreed among
  // them), so all exit alike and only rank 0 reports.
  try {
    return action();
  } catch (const smartnano::InputError& e) {
    if (lead) std::cerr << "smartnano: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::invalid_argument& e) {
    if (lead) std::cerr << "smartnano: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    if (lead) std::cerr << "smartnano: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
}

// smartnano: command-line entry point. Parses the command line, runs one command, and turns
// every error into one message and an exit code (see commands/commands.h).
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/core/error.h"
#include "smartnano/version.h"

int main(int argc, char** argv) {
  using namespace smartnano::cli;
  CLI::App app{"smartnano: in-silico smart cancer nanomedicine (docs: README.md, docs/)"};
  app.set_version_flag("--version", SMARTNANO_VERSION_STRING);
  app.require_subcommand(1);
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  Action action;
  add_run_command(app, action, command_line);
  add_simulate_command(app, action, command_line);
  add_validate_command(app, action);
  add_models_command(app, action);
  add_nca_command(app, action);
  add_params_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitBadInput;
  }
  try {
    return action();
  } catch (const smartnano::InputError& e) {
    std::cerr << "smartnano: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::invalid_argument& e) {
    std::cerr << "smartnano: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "smartnano: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
}

// The smartnano commands. Each registers its CLI11 subcommand and returns the exit code; this
// is the only layer that prints to the terminal and decides exit codes.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace smartnano::cli {

// Exit codes: 0 success, 1 bad input (file, line and field in the message), 2 a check failed
// (validation outside tolerance, a subject failed to solve), 3 internal error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitCheckFailed = 2;
inline constexpr int kExitInternal = 3;

using Action = std::function<int()>;

void add_run_command(CLI::App& app, Action& action, const std::string& command_line);
void add_simulate_command(CLI::App& app, Action& action, const std::string& command_line);
void add_validate_command(CLI::App& app, Action& action);
void add_models_command(CLI::App& app, Action& action);
void add_nca_command(CLI::App& app, Action& action);
void add_params_command(CLI::App& app, Action& action);

}  // namespace smartnano::cli

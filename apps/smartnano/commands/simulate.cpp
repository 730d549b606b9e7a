// `smartnano run` (the built-in default scenario) and `smartnano simulate <scenario>`.
#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/io/results.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::cli {
namespace {

struct SimulateArgs {
  std::string scenario;
  std::string out = "smartnano-output";
};

int simulate(const scenario::Scenario& s, const std::string& out_dir, const std::string& label,
             const std::string& command_line) {
  const auto start = std::chrono::steady_clock::now();
  simulation::SubjectSimulator simulator(s.model, s.options);
  std::vector<simulation::SubjectResult> results;
  results.reserve(s.subjects.size());
  for (const auto& subject : s.subjects) results.push_back(simulator.simulate(subject));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const std::string csv = (std::filesystem::path(out_dir) / "results.csv").string();
  const std::string json = (std::filesystem::path(out_dir) / "summary.json").string();
  io::write_results_csv(csv, *s.model, results);
  io::RunInfo info{command_line, label, "results.csv", wall, 0, {}};
  info.extra["scenario_name"] = s.name;
  if (!s.data_file.empty()) info.extra["data"] = s.data_file;
  info.extra["body"] = {{"weight_kg", s.body.weight_kg}, {"bsa_m2", s.body.bsa_m2}};
  if (s.carrier_design) {
    const auto& d = *s.carrier_design;
    nlohmann::json factors;
    for (const auto& name : carrier::pk_factor_names()) {
      factors[name] = carrier::pk_factor(s.carrier_factors, name);
    }
    info.extra["carrier"] = {
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
  io::write_file_atomically(
      json, io::results_summary(*s.model, s.parameters, s.options, results, info).dump(2) + "\n");

  long failed = 0;
  for (const auto& r : results) {
    if (r.status != simulation::SubjectStatus::kSuccess) {
      ++failed;
      std::cerr << fmt::format("smartnano: subject {} failed: {}\n", r.id, r.message);
    }
  }
  std::cout << fmt::format("Simulated scenario '{}' (model {}): {} subject(s) in {:.3f} s.\n",
                           s.name, s.model->name(), results.size(), wall);
  std::cout << fmt::format(
      "Wrote {}\n  and {} (units, parameters with sources, solver statistics)\n", csv, json);
  return failed > 0 ? kExitCheckFailed : kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a scenario; with none, the built-in default scenario (scenarios/default.yaml)");
  cmd->add_option("scenario", args->scenario, "scenario file (YAML); default: the built-in one");
  cmd->add_option("-o,--out", args->out, "output folder")->capture_default_str();
  cmd->callback([&action, args, command_line] {
    action = [args, command_line] {
      if (args->scenario.empty()) {
        return simulate(scenario::load_default_scenario(), args->out, "built-in default",
                        command_line);
      }
      return simulate(scenario::load_scenario_file(args->scenario), args->out, args->scenario,
                      command_line);
    };
  });
}

void add_simulate_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Simulate a scenario file; write results.csv and summary.json");
  cmd->add_option("scenario", args->scenario, "scenario file (YAML)")->required();
  cmd->add_option("-o,--out", args->out, "output folder")->capture_default_str();
  cmd->callback([&action, args, command_line] {
    action = [args, command_line] {
      return simulate(scenario::load_scenario_file(args->scenario), args->out, args->scenario,
                      command_line);
    };
  });
}

}  // namespace smartnano::cli

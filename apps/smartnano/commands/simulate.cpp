// `smartnano run` (the built-in default scenario) and `smartnano simulate <scenario>`.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <span>

#include <fmt/format.h>
#include <unistd.h>

#include "commands/commands.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/io/results.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/simulate_all.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::cli {
namespace {

struct SimulateArgs {
  std::string scenario;
  std::string out = "smartnano-output";
  int threads = 0;  // 0: the hardware concurrency
  bool progress = false;
};

int simulate(const scenario::Scenario& s, const std::string& out_dir, const std::string& label,
             const std::string& command_line, int threads, bool progress) {
  const int used_threads = simulation::effective_threads(threads, s.subjects.size());
  const std::string csv = (std::filesystem::path(out_dir) / "results.csv").string();
  const std::string json = (std::filesystem::path(out_dir) / "summary.json").string();
  const std::string subjects_csv = (std::filesystem::path(out_dir) / "subjects.csv").string();
  // Subjects are simulated and written in chunks, so results never pile up in memory; the files
  // are moved into place only when every chunk is done.
  const std::size_t chunk = 256 * static_cast<std::size_t>(used_threads);
  io::ResultsCsvWriter writer(csv, *s.model, s.options.record_states);
  io::RunStatistics statistics;
  double wall = 0.0;  // simulation only, not writing
  const std::span<const simulation::SubjectInput> all(s.subjects);
  for (std::size_t first = 0; first < all.size(); first += chunk) {
    const auto start = std::chrono::steady_clock::now();
    const auto results = simulation::simulate_all(
        s.model, s.options, all.subspan(first, std::min(chunk, all.size() - first)), used_threads);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& r : results) {
      statistics.add(r);
      if (r.status != simulation::SubjectStatus::kSuccess) {
        std::cerr << fmt::format("smartnano: subject {} failed: {}\n", r.id, r.message);
      }
    }
    writer.append(results);
    const std::size_t done = std::min(first + chunk, all.size());
    if (progress && all.size() > chunk) {
      std::cerr << fmt::format(
          "smartnano: simulated {} of {} subjects ({:.0f} %) in {:.1f} s\n", done, all.size(),
          100.0 * static_cast<double>(done) / static_cast<double>(all.size()), wall);
    }
  }
  std::vector<events::BodySize> bodies = s.subject_bodies;
  if (bodies.empty()) bodies.assign(s.subjects.size(), s.body);
  io::write_subjects_csv(subjects_csv, *s.model, s.subjects, s.parameters, bodies);
  io::RunInfo info{command_line, label, "results.csv", wall, 0, {}};
  info.extra["subjects_file"] = "subjects.csv";
  info.extra["scenario_name"] = s.name;
  info.extra["threads"] = used_threads;
  if (s.population) {
    info.seed = static_cast<long long>(s.population->seed);
    nlohmann::json variability = nlohmann::json::object();
    for (const auto& v : s.population->variability) variability[v.parameter] = v.omega2;
    info.extra["population"] = {
        {"size", s.population->size}, {"seed", s.population->seed}, {"omega2", variability}};
  }
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
      json,
      io::results_summary(*s.model, s.parameters, s.options, statistics, info).dump(2) + "\n");
  writer.commit();
  std::cout << fmt::format(
      "Simulated scenario '{}' (model {}): {} subject(s) in {:.3f} s on {} thread(s).\n", s.name,
      s.model->name(), statistics.subjects, wall, used_threads);
  std::cout << fmt::format(
      "Wrote {}\n  and {} (units, parameters with sources, solver statistics)\n  and {} (each "
      "subject's parameters and body size)\n",
      csv, json, subjects_csv);
  return statistics.failed_subjects > 0 ? kExitCheckFailed : kExitOk;
}

void add_threads_option(CLI::App& cmd, SimulateArgs& args) {
  cmd.add_option("--threads", args.threads,
                 "threads simulating subjects (0: the hardware concurrency); results are the "
                 "same for any number")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_flag("--progress", args.progress,
               "report progress on standard error after every chunk of subjects (on by default "
               "when standard error is a terminal)");
}

// Progress lines go to a person watching, not into logs: on when asked, or on a terminal.
bool want_progress(const SimulateArgs& args) { return args.progress || ::isatty(2) != 0; }

}  // namespace

void add_run_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a scenario; with none, the built-in default scenario (scenarios/default.yaml)");
  cmd->add_option("scenario", args->scenario, "scenario file (YAML); default: the built-in one");
  cmd->add_option("-o,--out", args->out, "output folder")->capture_default_str();
  add_threads_option(*cmd, *args);
  cmd->callback([&action, args, command_line] {
    action = [args, command_line] {
      if (args->scenario.empty()) {
        return simulate(scenario::load_default_scenario(), args->out, "built-in default",
                        command_line, args->threads, want_progress(*args));
      }
      return simulate(scenario::load_scenario_file(args->scenario), args->out, args->scenario,
                      command_line, args->threads, want_progress(*args));
    };
  });
}

void add_simulate_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Simulate a scenario file; write results.csv and summary.json");
  cmd->add_option("scenario", args->scenario, "scenario file (YAML)")->required();
  cmd->add_option("-o,--out", args->out, "output folder")->capture_default_str();
  add_threads_option(*cmd, *args);
  cmd->callback([&action, args, command_line] {
    action = [args, command_line] {
      return simulate(scenario::load_scenario_file(args->scenario), args->out, args->scenario,
                      command_line, args->threads, want_progress(*args));
    };
  });
}

}  // namespace smartnano::cli

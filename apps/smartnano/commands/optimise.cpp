// `smartnano optimise SCENARIO.yaml [-o DIR] [--threads N]`: schedule optimisation
// (docs/schedule-optimisation.md). `smartnano run` hands scenarios with `optimise:` here too.
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "commands/commands.h"
#include "commands/report_hook.h"
#include "smartnano/screening/optimise.h"

namespace smartnano::cli {

bool is_optimise_scenario(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    return root.IsMap() && root["optimise"];
  } catch (const YAML::Exception&) {
    return false;
  }
}

int run_optimise_file(const ScreenArgs& args, runner::Communicator& comm) {
  const screening::Optimisation o = screening::load_optimisation_file(args.scenario);
  screening::ScreenRunOptions options;
  options.threads = args.threads;
  const screening::OptimisationResult r = screening::run_optimisation(o, options, comm);
  if (comm.rank() != 0) return kExitOk;
  std::unique_ptr<PendingReport> report;
  if (args.report) {
    report = std::make_unique<PendingReport>(report::optimisation_report(o, r), args.out);
  }
  screening::write_optimisation_outputs(o, r, args.out);
  if (report) report->commit(args.quiet);
  const auto& p = o.spec.problem;
  if (!args.quiet) {
    std::cout << fmt::format(
        "Optimisation '{}' (model {}, {}): {} evaluations x {} subject(s) in {:.1f} s; {}.\n",
        o.screen.scenario.name, o.screen.scenario.model->name(), to_string(o.spec.algorithm),
        r.optimiser_evaluations, r.subjects, r.wall_seconds, r.status);
    for (std::size_t k = 0; k < p.space.factors.size(); ++k) {
      const auto& b = p.bindings[k];
      std::cout << fmt::format("  {} = {:.4g}{}{}\n", p.space.factors[k].name, r.best.values[k],
                               b.unit.empty() || b.unit == "1" ? "" : " ",
                               b.unit == "1" ? "" : b.unit);
    }
    std::cout << fmt::format(
        "  objective ({} {}) = {:.4g} {}\n",
        p.goals[0] == screening::Goal::kMaximise ? "max" : "min",
        o.screen.scenario.model->outputs()[static_cast<std::size_t>(p.scores[0].output)].name,
        r.best.scores[0], p.scores[0].unit);
    for (const auto& l : o.spec.limits) {
      const auto& s = p.scores[static_cast<std::size_t>(l.score)];
      std::cout << fmt::format(
          "  limit {} {} {:.4g} {}: {:.4g}\n",
          o.screen.scenario.model->outputs()[static_cast<std::size_t>(s.output)].name,
          l.at_most ? "<=" : ">=", l.limit, s.unit,
          r.best.scores[static_cast<std::size_t>(l.score)]);
    }
    std::cout << fmt::format(
        "Wrote optimise_summary.json, optimise_evaluations.csv, optimise_landscape.csv ({} "
        "points) and optimise_landscape.svg to {}\n",
        r.landscape.size(), args.out);
  }
  if (!r.found_feasible) {
    std::cerr << "smartnano: no evaluated schedule meets every limit; the best infeasible one is "
                 "reported\n";
    return kExitCheckFailed;
  }
  return kExitOk;
}

void add_optimise_command(CLI::App& app, Action& action, runner::Communicator& comm) {
  auto args = std::make_shared<ScreenArgs>();
  args->out = "smartnano-optimise";
  CLI::App* cmd = app.add_subcommand(
      "optimise",
      "Optimise trigger timings, doses or formulation values (a scenario with an optimise: "
      "section) for a population exposure under limits; report the optimum and the landscape");
  cmd->add_option("scenario", args->scenario, "scenario file with an optimise: section (YAML)")
      ->required();
  cmd->add_option("-o,--out", args->out, "output folder")->capture_default_str();
  cmd->add_option("--threads", args->threads, "threads per process (0: the hardware concurrency)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("-q,--quiet", args->quiet, "print nothing but errors");
  cmd->add_flag("!--no-report", args->report, kNoReportHelp);
  cmd->callback([&action, &comm, args] {
    action = [&comm, args] { return run_optimise_file(*args, comm); };
  });
}

}  // namespace smartnano::cli

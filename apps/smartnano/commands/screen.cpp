// `smartnano screen SCENARIO.yaml [-o DIR] [--threads N]`: a formulation screen
// (docs/screening.md). `smartnano run` hands scenarios with a `screen:` section here too.
#include <algorithm>
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "commands/commands.h"
#include "commands/report_hook.h"
#include "smartnano/screening/screen.h"

namespace smartnano::cli {
namespace {

std::string factor_text(const screening::Factor& f, double v) {
  if (!f.labels.empty()) return f.labels.at(static_cast<std::size_t>(std::lround(v)));
  return fmt::format("{:.4g}", v);
}

void print_screen(const screening::Screen& s, const screening::ScreenResult& r) {
  const auto& spec = s.spec;
  int front = 0;
  for (const auto& c : r.candidates) front += c.front == 1 ? 1 : 0;
  std::cout << fmt::format(
      "Screen '{}' (model {}): {} candidates ({} design{}) x {} subjects in {:.1f} s on {} "
      "thread(s){}; first Pareto front: {} candidates.\n",
      s.scenario.name, s.scenario.model->name(), r.candidates.size(), to_string(spec.design),
      spec.refine.size > 0 ? fmt::format(" + {} refined", r.stage2_generated - r.stage2_rejected)
                           : std::string(),
      r.subjects, r.wall_seconds, r.threads,
      r.processes > 1 ? fmt::format(" x {} processes", r.processes) : std::string(), front);
  std::vector<const screening::CandidateResult*> best;
  for (const auto& c : r.candidates) best.push_back(&c);
  std::sort(best.begin(), best.end(),
            [](const auto* a, const auto* b) { return a->rank < b->rank; });
  if (best.size() > 5) best.resize(5);
  std::cout << "Top candidates by weighted score:\n";
  for (const auto* c : best) {
    std::string factors;
    for (std::size_t j = 0; j < spec.space.factors.size(); ++j) {
      factors += fmt::format("{}{} {}", j ? ", " : "", spec.space.factors[j].name,
                             factor_text(spec.space.factors[j], c->factors[j]));
    }
    std::string objectives;
    for (std::size_t k = 0; k < spec.objectives.size(); ++k) {
      objectives += fmt::format("{}{} {:.4g}", k ? ", " : "", spec.objectives[k], c->objectives[k]);
    }
    std::cout << fmt::format("  {}. #{} (front {}, score {:.3f}): {}\n     {}\n", c->rank, c->id,
                             c->front, c->weighted_score, factors, objectives);
  }
}

void print_pool(const screening::PoolSpec& spec, const screening::PooledScreenResult& r) {
  std::cout << fmt::format(
      "Barcoded pool: {} formulations at 1/{} of the dose each in {} animals ({} coupling "
      "iterations); Spearman of pooled vs standalone delivery {:.3f}.\n",
      r.library, r.library, r.animals, r.full.coupling_iterations, r.spearman_pooled_vs_standalone);
  std::cout << "  Recovery of the standalone ranking (mean over sub-pools and replicates):\n";
  std::cout << fmt::format("  {:>9} {:>12} {:>10} {:>16}\n", "pool size", "reads/sample",
                           "Spearman", "top-k precision");
  std::vector<std::pair<std::size_t, std::uint64_t>> seen;
  for (const auto& row : r.recovery) {
    const auto key = std::make_pair(row.pool_size, row.read_depth);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    double rho = 0.0, precision = 0.0;
    int n = 0, top = 0;
    for (const auto& other : r.recovery) {
      if (other.pool_size != row.pool_size || other.read_depth != row.read_depth) continue;
      if (std::isnan(other.spearman)) continue;
      rho += other.spearman;
      precision += other.top_k_precision;
      top = other.top_k;
      ++n;
    }
    std::cout << fmt::format("  {:>9} {:>12} {:>10.3f} {:>11.2f} (k={})\n", row.pool_size,
                             row.read_depth, n ? rho / n : NAN, n ? precision / n : NAN, top);
  }
  std::cout << fmt::format(
      "Wrote pool_delivery.csv, pool_recovery.csv, pool_recovery_summary.csv, "
      "pool_summary.json{}\n",
      spec.fastq_depths.empty() ? std::string()
                                : " and simulated FASTQ with its whitelist in pool_fastq/");
}

}  // namespace

bool is_screen_scenario(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    return root.IsMap() && root["screen"];
  } catch (const YAML::Exception&) {
    return false;  // the scenario loader reports the syntax error with its location
  }
}

int run_screen_file(const ScreenArgs& args, runner::Communicator& comm) {
  const screening::Screen s = screening::load_screen_file(args.scenario);
  screening::ScreenRunOptions options;
  options.threads = args.threads;
  options.progress = args.progress && !args.quiet;
  const screening::ScreenResult result = screening::run_screen(s, options, comm);
  if (comm.rank() != 0) return kExitOk;
  std::unique_ptr<PendingReport> report;
  if (args.report)
    report = std::make_unique<PendingReport>(report::screen_report(s, result), args.out);
  screening::write_screen_outputs(s, result, args.out);
  if (report) report->commit(args.quiet);
  int failures = 0;
  for (const auto& c : result.candidates) failures += c.failures;
  if (!args.quiet) {
    print_screen(s, result);
    std::cout << fmt::format(
        "Wrote screen_candidates.csv, screen_front.csv, screen_subjects.csv, "
        "screen_summary.json and pareto.svg to {}\n",
        args.out);
  }
  if (s.pool) {
    const screening::PooledScreenResult pool =
        screening::run_pooled_screen(s, args.threads, options.progress);
    screening::write_pooled_outputs(s, pool, args.out);
    if (!args.quiet) print_pool(*s.pool, pool);
  }
  if (failures > 0) {
    std::cerr << fmt::format(
        "smartnano: {} candidate-subject simulation(s) failed; see failed_subjects in "
        "screen_candidates.csv\n",
        failures);
  }
  return failures > 0 ? kExitCheckFailed : kExitOk;
}

void add_screen_command(CLI::App& app, Action& action, runner::Communicator& comm) {
  auto args = std::make_shared<ScreenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "screen",
      "Screen a formulation design space (a scenario with a screen: section) across a virtual "
      "population: ranked table, Pareto front and plot (run under mpirun to split the work)");
  cmd->add_option("scenario", args->scenario, "screen scenario file (YAML)")->required();
  cmd->add_option("-o,--out", args->out, "output folder")->capture_default_str();
  cmd->add_option("--threads", args->threads,
                  "threads per process (0: the hardware concurrency); results are the same for "
                  "any number")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--progress", args->progress, "report simulations done on standard error");
  cmd->add_flag("-q,--quiet", args->quiet, "print nothing but errors");
  cmd->add_flag("!--no-report", args->report, kNoReportHelp);
  cmd->callback(
      [&action, &comm, args] { action = [&comm, args] { return run_screen_file(*args, comm); }; });
}

}  // namespace smartnano::cli

// `smartnano trial SCENARIO.yaml [-o DIR] [--replicates N] [--threads N]`: a virtual clinical
// trial (docs/trials.md). `smartnano run` hands scenarios with a `trial:` section here too.
#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "commands/commands.h"
#include "commands/report_hook.h"
#include "smartnano/core/error.h"
#include "smartnano/trial/trial.h"

namespace smartnano::cli {
namespace {

std::string rate(const survival::ProportionInterval& p) {
  return fmt::format("{:.0f} % ({:.0f}-{:.0f})", 100 * p.estimate, 100 * p.lower, 100 * p.upper);
}

std::string months(double median, double lower, double upper) {
  auto show = [](double x) { return std::isnan(x) ? std::string("NR") : fmt::format("{:.1f}", x); };
  return fmt::format("{} ({}-{})", show(median), show(lower), show(upper));
}

void print_trial(const trial::Trial& t, const trial::TrialResult& result,
                 const std::string& heading) {
  if (!result.replicates.empty()) {
    const auto& first = result.replicates.front();
    int enrolled = 0;
    for (const auto& a : first.arms) enrolled += a.patients;
    std::cout << fmt::format("{} ({} screened, {:.1f} per patient enrolled):\n", heading,
                             first.screened,
                             enrolled > 0 ? static_cast<double>(first.screened) / enrolled : 0.0);
    std::cout << fmt::format("  {:<16} {:>4}  {:<18} {:<20} {:<20} {:<18} {:>10}\n", "arm", "n",
                             "ORR", "PFS median, months", "OS median, months", "grade>=3 neutr.",
                             "cum. mg/m2");
    for (const auto& a : first.arms) {
      std::cout << fmt::format("  {:<16} {:>4}  {:<18} {:<20} {:<20} {:<18} {:>10.0f}\n", a.arm,
                               a.patients, rate(a.response.objective_response_rate),
                               months(a.pfs.median, a.pfs.median_lower, a.pfs.median_upper),
                               t.spec.endpoints.overall_survival
                                   ? months(a.os.median, a.os.median_lower, a.os.median_upper)
                                   : std::string("-"),
                               rate(a.neutropenia_grade3), a.mean_cumulative_mg_per_m2);
    }
    if (first.comparison) {
      const auto& c = *first.comparison;
      std::cout << fmt::format(
          "  PFS hazard ratio {} vs {}: {:.2f} ({:.2f}-{:.2f}), log-rank p = {:.3g}\n",
          t.spec.arms[0].name,
          t.spec.arms[static_cast<std::size_t>(t.spec.analysis.control_arm)].name,
          c.pfs_hazard_ratio, c.pfs_lower, c.pfs_upper, c.pfs_logrank_p);
    }
  }
  if (result.power && t.spec.replicates > 1) {
    std::cout << fmt::format("  Power over {} replicates: {}\n", t.spec.replicates,
                             rate(*result.power));
  }
  for (const auto& p : result.sample_size) {
    std::cout << fmt::format("  {} per arm: power {}\n", p.patients_per_arm, rate(p.power));
  }
}

}  // namespace

bool is_trial_scenario(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    return root.IsMap() && root["trial"];
  } catch (const YAML::Exception&) {
    return false;  // the scenario loader reports the syntax error with its location
  }
}

int run_trial_file(const TrialArgs& args) {
  trial::Trial t =
      args.scenario.empty() ? trial::load_default_trial() : trial::load_trial_file(args.scenario);
  if (args.replicates > 0) t.spec.replicates = args.replicates;
  trial::TrialRunOptions options;
  options.threads = args.threads;
  options.progress = args.progress && !args.quiet;
  const trial::TrialResult result = trial::run_trial(t, options);
  std::unique_ptr<PendingReport> report;
  if (args.report)
    report = std::make_unique<PendingReport>(report::trial_report(t, result), args.out);
  trial::write_trial_outputs(t, result, args.out);
  if (report) report->commit(args.quiet);
  if (args.quiet) {
    return result.failures + (result.selected ? result.selected->failures : 0) > 0
               ? kExitCheckFailed
               : kExitOk;
  }

  std::cout << fmt::format(
      "Trial '{}' (model {}): {} replicate(s), {} patients in {:.1f} s.\n", t.scenario.name,
      t.scenario.model->name(), t.spec.replicates,
      result.patients.size() + (result.selected ? result.selected->patients.size() : 0),
      result.wall_seconds);
  for (const auto& b : result.biomarker_performance) {
    std::cout << fmt::format(
        "Biomarker {} for response on {}: AUC {:.2f} ({:.2f}-{:.2f}), Youden threshold {:.4g} "
        "(sensitivity {:.2f}, specificity {:.2f}){}\n",
        b.name, t.spec.arms[0].name, b.auc, b.auc_lower, b.auc_upper, b.youden_threshold,
        b.sensitivity, b.specificity,
        std::isnan(b.spearman_exposure)
            ? std::string()
            : fmt::format("; Spearman with tumour exposure {:.2f}", b.spearman_exposure));
  }
  print_trial(t, result, result.selected ? "All-comers" : "First trial");
  if (result.selected) {
    const auto& rule = *t.spec.selection_rule;
    print_trial(t, *result.selected,
                fmt::format("Selected ({} {} {:.4g})",
                            t.spec.biomarkers[static_cast<std::size_t>(rule.biomarker)].name,
                            rule.below ? "<=" : ">=", result.selection_threshold));
  }
  const int failures = result.failures + (result.selected ? result.selected->failures : 0);
  if (failures > 0) {
    std::cerr << fmt::format(
        "smartnano: {} patient(s) failed to solve; see the failure column "
        "of trial_patients.csv\n",
        failures);
  }
  std::cout << fmt::format(
      "Wrote {}trial_summary.json, trial_patients.csv, trial_arms.csv, trial_visits.csv, "
      "trial_doses.csv and SVG plots to {}\n",
      result.selected ? "enrichment.csv, roc.svg and, in all-comers/ and selected/, " : "",
      args.out);
  return failures > 0 ? kExitCheckFailed : kExitOk;
}

void add_trial_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<TrialArgs>();
  CLI::App* cmd = app.add_subcommand(
      "trial",
      "Run a virtual clinical trial (a scenario with a trial: section); write tables, a JSON "
      "summary and Kaplan-Meier, waterfall, spider and swimmer plots");
  cmd->add_option("scenario", args->scenario, "trial scenario file (YAML)")->required();
  cmd->add_option("-o,--out", args->out, "output folder")->capture_default_str();
  cmd->add_option("--replicates", args->replicates,
                  "replicated trials (overrides trial.replicates; 0 = the file's)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", args->threads,
                  "threads simulating patients (0: the hardware concurrency); results are the "
                  "same for any number")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--progress", args->progress, "report patients done on standard error");
  cmd->add_flag("-q,--quiet", args->quiet, "print nothing but errors");
  cmd->add_flag("!--no-report", args->report, kNoReportHelp);
  cmd->callback([&action, args] { action = [args] { return run_trial_file(*args); }; });
}

}  // namespace smartnano::cli

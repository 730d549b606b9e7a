// `smartnano validate nmtests DIR`: the event engine against NONMEM reference runs.
// `smartnano validate survival DATA.csv EXPECTED.json`: the survival statistics against R.
// `smartnano validate synergy INPUT.csv RESULT_DIR`: synergy scores against SynergyFinder 2.
#include <iostream>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/model/model.h"
#include "smartnano/survival/r_reference.h"
#include "smartnano/synergy/synergy.h"
#include "smartnano/validate/nmtests.h"

namespace smartnano::cli {

void add_validate_command(CLI::App& app, Action& action) {
  CLI::App* validate = app.add_subcommand("validate", "Check results against reference data");
  validate->require_subcommand(1);
  struct Args {
    std::string folder;
    std::string model = "one_cmt_oral";
    validate::NmtestsOptions options;
  };
  auto args = std::make_shared<Args>();
  CLI::App* nm = validate->add_subcommand(
      "nmtests",
      "Simulate every NONMEM dosing scenario in a folder (index.csv + CSVs) and compare");
  nm->add_option("folder", args->folder, "folder with index.csv and the scenario CSVs")->required();
  nm->add_option("--model", args->model, "built-in model name or model file")
      ->capture_default_str();
  nm->add_option("--output", args->options.output, "model output to compare")
      ->capture_default_str();
  nm->add_option("--reference-column", args->options.reference_column,
                 "reference column when index.csv names none")
      ->capture_default_str();
  nm->add_option("--rtol", args->options.relative_tolerance, "pass rule: relative part")
      ->capture_default_str();
  nm->add_option("--atol", args->options.absolute_tolerance, "pass rule: absolute part")
      ->capture_default_str();
  nm->callback([&action, args] {
    action = [args] {
      const auto model = model::load_model(args->model);
      const auto report = validate::validate_nmtests(args->folder, model, args->options);
      std::cout << fmt::format("Model {} against {} (pass: |sim - ref| <= {:g} * |ref| + {:g})\n",
                               model->name(), args->folder, args->options.relative_tolerance,
                               args->options.absolute_tolerance);
      std::cout << report.table();
      return report.passed() ? kExitOk : kExitCheckFailed;
    };
  });

  struct SurvivalArgs {
    std::string data, expected;
  };
  auto sargs = std::make_shared<SurvivalArgs>();
  CLI::App* sv = validate->add_subcommand(
      "survival",
      "Run the Kaplan-Meier, log-rank and Cox analyses a JSON of R survival outputs holds on "
      "the data and compare, quantity by quantity");
  sv->add_option("data", sargs->data, "CSV with the columns the JSON's meta names")->required();
  sv->add_option("expected", sargs->expected, "JSON of R outputs (lung_expected.json format)")
      ->required();
  sv->callback([&action, sargs] {
    action = [sargs] {
      const auto report = survival::compare_with_r_reference(sargs->data, sargs->expected);
      std::cout << fmt::format("Survival statistics on {} against {} (docs/survival.md)\n",
                               sargs->data, sargs->expected);
      std::cout << report.table();
      return report.passed() ? kExitOk : kExitCheckFailed;
    };
  });
  struct SynergyArgs {
    std::string input, results;
    std::string baseline = "all";
    std::string methods = "bliss,hsa,loewe,zip";
    double tolerance = 0.03;
  };
  auto yargs = std::make_shared<SynergyArgs>();
  CLI::App* sy = validate->add_subcommand(
      "synergy",
      "Recompute the synergy scores of a dose-response CSV and compare them cell by cell with "
      "SynergyFinder 2's SF2_result_<Method>_<input name>.csv files");
  sy->add_option("input", yargs->input, "long CSV in the ReplExample.csv layout")->required();
  sy->add_option("results", yargs->results, "folder with the SynergyFinder 2 result files")
      ->required();
  sy->add_option("--baseline", yargs->baseline, "baseline correction: none|part|all")
      ->capture_default_str();
  sy->add_option("--methods", yargs->methods, "comma-separated: bliss,hsa,loewe,zip")
      ->capture_default_str();
  sy->add_option("--tolerance", yargs->tolerance,
                 "Bliss and HSA pass rule: |ours - SynergyFinder| in % points, every cell")
      ->capture_default_str();
  sy->callback([&action, yargs] {
    action = [yargs] {
      const auto report = synergy::compare_with_synergyfinder(
          yargs->input, yargs->results, synergy::parse_baseline(yargs->baseline),
          synergy::parse_methods(yargs->methods), yargs->tolerance);
      std::cout << fmt::format(
          "Synergy scores of {} against SynergyFinder 2 in {} (baseline {}; differences in % "
          "points over combination cells; Loewe and ZIP reported, docs/synergy.md)\n",
          yargs->input, yargs->results, yargs->baseline);
      std::cout << report.table();
      return report.passed() ? kExitOk : kExitCheckFailed;
    };
  });
}

}  // namespace smartnano::cli

// `smartnano validate nmtests DIR`: the event engine against NONMEM reference runs.
#include <iostream>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/model/model.h"
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
}

}  // namespace smartnano::cli

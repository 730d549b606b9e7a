// `smartnano nca INPUT.csv [-o OUT.csv]`: non-compartmental analysis of single-dose profiles
// (PKNCA 0.12.1 rules, docs/nca.md), read from the reference input format
// (subject,time,conc,dose,route) or from a table such as smartnano's results.csv (--conc).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/core/error.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/nca/nca.h"

namespace smartnano::cli {
namespace {

struct NcaArgs {
  std::string input;
  std::string out;
  std::string method = "lin-up-log-down";
  std::string conc, time = "TIME", subject = "ID";
  double dose = std::numeric_limits<double>::quiet_NaN();
  std::string route;
  double infusion_duration = 0.0;
};

std::vector<nca::Profile> read_profiles(const NcaArgs& a, bool table_options_given) {
  if (a.conc.empty()) {
    if (table_options_given) {
      throw std::invalid_argument(
          "--dose, --route, --time and --subject describe a table read with --conc COLUMN; the "
          "reference format (subject,time,conc,dose,route) has dose and route on every row");
    }
    try {
      return nca::read_nca_input(a.input);
    } catch (const InputError& e) {
      if (e.where().line != 1) throw;
      throw InputError(e.where(), e.message() +
                                      "; for a table such as results.csv give --conc COLUMN "
                                      "--dose VALUE --route extravascular|intravascular");
    }
  }
  if (std::isnan(a.dose)) {
    throw std::invalid_argument("--conc needs --dose VALUE (the single dose, given at t = 0)");
  }
  if (a.route.empty()) {
    throw std::invalid_argument("--conc needs --route extravascular|intravascular");
  }
  nca::TableColumns columns;
  columns.conc = a.conc;
  columns.time = a.time;
  columns.subject = a.subject;
  const nca::Route route = a.route == "extravascular" ? nca::Route::kExtravascular
                           : a.infusion_duration > 0  ? nca::Route::kIntravascularInfusion
                                                      : nca::Route::kIntravascularBolus;
  return nca::read_concentration_table(a.input, columns, a.dose, route, a.infusion_duration);
}

int run_nca(const NcaArgs& a, bool table_options_given) {
  std::vector<nca::Profile> profiles = read_profiles(a, table_options_given);
  if (profiles.empty()) throw InputError({a.input, 0, 0, ""}, "no concentration rows to analyse");
  if (a.infusion_duration > 0) {
    if (std::none_of(profiles.begin(), profiles.end(),
                     [](const auto& p) { return p.route != nca::Route::kExtravascular; })) {
      throw std::invalid_argument("--infusion-duration applies to intravascular doses only");
    }
    for (auto& p : profiles) {
      if (p.route != nca::Route::kExtravascular) {
        p.route = nca::Route::kIntravascularInfusion;
        p.infusion_duration = a.infusion_duration;
      }
    }
  }
  nca::NcaOptions options;
  options.auc_method = *nca::parse_auc_method(a.method);
  const auto results = nca::analyse_profiles(profiles, options);
  std::cout << fmt::format("NCA of {}: {} subject(s), AUC {} (PKNCA 0.12.1 rules, docs/nca.md)\n",
                           a.input, results.size(), nca::to_string(options.auc_method));
  std::cout << nca::format_nca_table(results);
  if (!a.out.empty()) {
    io::write_file_atomically(a.out, nca::format_nca_csv(results));
    std::cout << fmt::format("Wrote {}\n", a.out);
  }
  return kExitOk;
}

}  // namespace

void add_nca_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<NcaArgs>();
  CLI::App* cmd = app.add_subcommand(
      "nca",
      "Non-compartmental analysis of single-dose profiles (PKNCA rules): Cmax, AUC, "
      "lambda-z, half-life, CL, V, MRT");
  cmd->add_option("input", args->input,
                  "CSV: subject,time,conc,dose,route, or a table such as results.csv (--conc)")
      ->required();
  cmd->add_option("-o,--out", args->out, "write the results as CSV (PKNCA column names)");
  cmd->add_option("--method", args->method, "AUC method")
      ->check(CLI::IsMember({"lin-up-log-down", "linear"}))
      ->capture_default_str();
  cmd->add_option("--conc", args->conc,
                  "concentration column of a table such as results.csv (e.g. CP)");
  auto* time =
      cmd->add_option("--time", args->time, "time column (with --conc)")->capture_default_str();
  auto* subject = cmd->add_option("--subject", args->subject, "subject column (with --conc)")
                      ->capture_default_str();
  auto* dose = cmd->add_option("--dose", args->dose,
                               "the single dose at t = 0 (with --conc; sets the units of CL, V)");
  auto* route = cmd->add_option("--route", args->route, "route of the dose (with --conc)")
                    ->check(CLI::IsMember({"extravascular", "intravascular"}));
  cmd->add_option("--infusion-duration", args->infusion_duration,
                  "intravascular doses are infusions of this length (time units of the data)")
      ->check(CLI::PositiveNumber);
  cmd->callback([&action, args, time, subject, dose, route] {
    const bool table_options_given =
        time->count() + subject->count() + dose->count() + route->count() > 0;
    action = [args, table_options_given] { return run_nca(*args, table_options_given); };
  });
}

}  // namespace smartnano::cli

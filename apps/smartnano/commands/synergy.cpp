// `smartnano synergy INPUT.csv [-o DIR]`: synergy scores of every dose-response matrix in a long
// CSV (docs/synergy.md): per-cell and per-matrix tables, a JSON summary and one heatmap per
// matrix and method.
#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "commands/report_hook.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/plot/trial_plots.h"
#include "smartnano/synergy/synergy.h"

namespace smartnano::cli {
namespace {

using nlohmann::json;

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : "NA"; }
json jnum(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return out;
}

struct SynergyArgs {
  std::string input;
  std::string out = "smartnano-synergy";
  std::string methods = "bliss,hsa,loewe,zip";
  std::string baseline = "all";
  std::string scale = "inhibition";
  std::string summary = "median";
  bool uncertainty = false;
  bool report = true;
};

int run_synergy(const SynergyArgs& a) {
  synergy::ReadOptions ro;
  ro.scale = synergy::parse_scale(a.scale);
  synergy::SynergyOptions so;
  so.methods = synergy::parse_methods(a.methods);
  so.baseline = synergy::parse_baseline(a.baseline);
  if (a.summary != "median" && a.summary != "mean") {
    throw std::invalid_argument(fmt::format("--summary '{}': median or mean", a.summary));
  }
  so.summary =
      a.summary == "mean" ? synergy::ReplicateSummary::kMean : synergy::ReplicateSummary::kMedian;
  so.uncertainty = a.uncertainty;
  const auto matrices = synergy::read_dose_response_csv(a.input, ro);
  std::vector<synergy::SynergyResult> results;
  for (const auto& m : matrices) results.push_back(synergy::analyse(m, so));  // all before writing

  std::unique_ptr<PendingReport> report;
  if (a.report) {
    const std::vector<std::pair<std::string, std::string>> settings = {
        {"methods", a.methods},
        {"baseline correction", a.baseline},
        {"response scale of the input", a.scale},
        {"summary over replicates", a.summary},
        {"replicate uncertainty", a.uncertainty ? "yes" : "no"}};
    report =
        std::make_unique<PendingReport>(report::synergy_report(a.input, settings, results), a.out);
  }
  std::filesystem::create_directories(a.out);
  std::string cells = "block,drug1,drug2,conc1,conc2,conc_unit,response,response_sd,corrected";
  for (auto m : so.methods) {
    const std::string n = synergy::method_name(m);
    cells += "," + n;
    if (so.uncertainty) cells += fmt::format(",{0}_rep_mean,{0}_rep_sd,{0}_ci_low,{0}_ci_high", n);
  }
  cells += ",CI\n";
  std::string mats =
      "block,drug1,drug2,replicates,baseline,method,mean_score,area_mean,"
      "area_conc1_from,area_conc1_to,area_conc2_from,area_conc2_to,ratio_window_low,"
      "ratio_window_high,ratio_window_cells\n";
  json summary = {{"input", a.input},
                  {"baseline", a.baseline},
                  {"scale", a.scale},
                  {"summary", a.summary},
                  {"units", "% inhibition; scores in % points"},
                  {"matrices", json::array()}};
  for (const auto& r : results) {
    for (int i = 0; i < r.corrected.rows; ++i) {
      for (int j = 0; j < r.corrected.cols; ++j) {
        cells += fmt::format("{},{},{},{},{},{},{},{},{}", r.block_id, r.drug1, r.drug2,
                             num(r.conc1[i]), num(r.conc2[j]), r.conc_unit, num(r.response(i, j)),
                             num(r.response_sd(i, j)), num(r.corrected(i, j)));
        for (const auto& m : r.methods) {
          cells += "," + num(m.scores(i, j));
          if (so.uncertainty) {
            cells += fmt::format(",{},{},{},{}", num(m.rep_mean(i, j)), num(m.rep_sd(i, j)),
                                 num(m.rep_ci_low(i, j)), num(m.rep_ci_high(i, j)));
          }
        }
        cells += "," + num(r.ci.per_cell(i, j)) + "\n";
      }
    }
    json jm = {{"block", r.block_id},
               {"drug1", r.drug1},
               {"drug2", r.drug2},
               {"conc_unit", r.conc_unit},
               {"replicates", r.replicates},
               {"baseline", jnum(r.baseline)},
               {"fit_drug1",
                {{"b", r.fit1.curve.b},
                 {"c", r.fit1.curve.c},
                 {"d", r.fit1.curve.d},
                 {"e", r.fit1.curve.e},
                 {"rss", jnum(r.fit1.rss)}}},
               {"fit_drug2",
                {{"b", r.fit2.curve.b},
                 {"c", r.fit2.curve.c},
                 {"d", r.fit2.curve.d},
                 {"e", r.fit2.curve.e},
                 {"rss", jnum(r.fit2.rss)}}},
               {"combination_index", json::array()},
               {"scores", json::object()}};
    for (const auto& [fa, ci] : r.ci.at_fa) {
      jm["combination_index"].push_back({{"fa", fa}, {"ci", ci}});
    }
    for (const auto& m : r.methods) {
      const std::string n = synergy::method_name(m.method);
      const auto& ar = m.area;
      const auto& rw = m.ratio_window;
      mats += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.block_id, r.drug1,
                          r.drug2, r.replicates, num(r.baseline), n, num(m.mean), num(ar.mean),
                          num(r.conc1[ar.row]), num(r.conc1[ar.row + ar.rows - 1]),
                          num(r.conc2[ar.col]), num(r.conc2[ar.col + ar.cols - 1]),
                          rw.cells > 0 ? num(rw.low) : std::string(),
                          rw.cells > 0 ? num(rw.high) : std::string(), rw.cells);
      jm["scores"][n] = {{"mean", jnum(m.mean)},
                         {"most_synergistic_area", jnum(ar.mean)},
                         {"synergistic_ratio_window",
                          {{"low", jnum(rw.low)},
                           {"high", jnum(rw.high)},
                           {"cells", rw.cells},
                           {"threshold", rw.threshold}}}};
      plot::SynergyHeatmap hm;
      for (double c : r.conc1) hm.row_labels.push_back(fmt::format("{:g}", c));
      for (double c : r.conc2) hm.col_labels.push_back(fmt::format("{:g}", c));
      hm.values = m.scores.values;
      hm.area_row = ar.row;
      hm.area_col = ar.col;
      hm.area_rows = ar.rows;
      hm.area_cols = ar.cols;
      plot::SynergyHeatmapOptions po;
      po.title = fmt::format("{} synergy: {} + {} (mean {:.2f})", n, r.drug1, r.drug2, m.mean);
      const std::string unit = r.conc_unit.empty() ? "" : " (" + r.conc_unit + ")";
      po.y_label = r.drug1 + unit;
      po.x_label = r.drug2 + unit;
      io::write_file_atomically((std::filesystem::path(a.out) /
                                 fmt::format("heatmap_{}_{}.svg", safe_name(r.block_id), n))
                                    .string(),
                                plot::synergy_heatmap_svg(hm, po));
    }
    summary["matrices"].push_back(jm);
    std::cout << r.brief_report() << '\n';
  }
  const std::filesystem::path out(a.out);
  io::write_file_atomically((out / "synergy_cells.csv").string(), cells);
  io::write_file_atomically((out / "synergy_matrices.csv").string(), mats);
  io::write_file_atomically((out / "synergy_summary.json").string(), summary.dump(2) + "\n");
  std::cout << fmt::format(
      "Wrote {}/synergy_cells.csv, synergy_matrices.csv, "
      "synergy_summary.json and {} heatmaps\n",
      a.out, results.size() * so.methods.size());
  if (report) report->commit(false);
  return kExitOk;
}

}  // namespace

void add_synergy_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<SynergyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "synergy",
      "Synergy scores (Bliss, HSA, Loewe, ZIP) of drug-combination dose-response "
      "matrices in a long CSV");
  cmd->add_option("input", args->input, "long CSV: block, drugs, concentrations, response")
      ->required();
  cmd->add_option("-o,--out", args->out, "output folder")->capture_default_str();
  cmd->add_option("--methods", args->methods, "comma-separated: bliss,hsa,loewe,zip")
      ->capture_default_str();
  cmd->add_option("--baseline", args->baseline, "SynergyFinder baseline correction: none|part|all")
      ->capture_default_str();
  cmd->add_option("--scale", args->scale, "response scale: viability|inhibition")
      ->capture_default_str();
  cmd->add_option("--summary", args->summary, "over replicates: median|mean")
      ->capture_default_str();
  cmd->add_flag("--uncertainty", args->uncertainty,
                "per-cell mean, SD and t 95% interval of the scores over replicates");
  cmd->add_flag("!--no-report", args->report, kNoReportHelp);
  cmd->callback([&action, args] { action = [args] { return run_synergy(*args); }; });
}

}  // namespace smartnano::cli

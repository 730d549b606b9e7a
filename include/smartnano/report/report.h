// HTML reports: one self-contained page per run (docs/report.md). A `Report` is a list of
// blocks (headings, paragraphs, tables, preformatted text such as the scenario's YAML, plots)
// rendered into one HTML file that carries its plotting library (Vega, Vega-Lite and
// vega-embed, embedded into the program at build time) and every plot's data inline, so it
// opens offline in any browser. Plots are Vega-Lite specifications built here from the same
// structs the SVG writers of smartnano/plot take; the per-run builders at the end turn a
// run's result structs into its report.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "smartnano/plot/trial_plots.h"
#include "smartnano/runner/population_run.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/screening/optimise.h"
#include "smartnano/screening/screen.h"
#include "smartnano/synergy/synergy.h"
#include "smartnano/trial/trial.h"

namespace smartnano::report {

// A table of text cells; rows shorter than the header are padded with empty cells.
struct Table {
  std::string caption{};
  std::vector<std::string> header{};
  std::vector<std::vector<std::string>> rows{};
};

// One picture. `spec` is a Vega-Lite v5 specification with its data inline (`data.values`).
// A plot whose `problem` is not empty is not drawn: the page shows the problem in its place
// and the report lists it among its warnings.
struct Plot {
  std::string title{};
  std::string caption{};  // how to read it, shown under the plot
  nlohmann::json spec{};
  std::string problem{};  // why it cannot be drawn, e.g. "no finite values"
};

class Report {
 public:
  explicit Report(std::string title);

  // A section heading (h2); the page opens with a list of them.
  void add_heading(std::string text);
  void add_paragraph(std::string text);
  void add_table(Table table);
  // Name-value pairs as a two-column table (run statistics, settings).
  void add_facts(std::string caption, std::vector<std::pair<std::string, std::string>> facts);
  // Preformatted text (the scenario's YAML), shown as written.
  void add_code(std::string caption, std::string text);
  void add_plot(Plot plot);

  const std::string& title() const { return title_; }
  // Plots declared (drawn or not) and those that will be drawn.
  int plot_count() const;
  int drawn_plot_count() const;
  // One line per plot that cannot be drawn: "plot 'TITLE' not drawn: PROBLEM".
  std::vector<std::string> warnings() const;
  // The whole page: UTF-8 HTML5, every user text escaped, the plotting library and the plots'
  // specifications inline. The <html> element carries data-plots (plots declared) and
  // data-drawn (plots to draw); each drawn plot's container is a <div class="plot-area">.
  std::string html() const;

 private:
  enum class Kind { kHeading, kParagraph, kTable, kCode, kPlot };
  struct Block {
    Kind kind;
    std::string text;  // heading, paragraph, code caption
    std::string code;
    Table table;
    Plot plot;
  };
  std::string title_;
  std::vector<Block> blocks_;
};

// Writes report.html (or any path) through a temporary file renamed into place.
void write_report(const Report& report, const std::string& path);

// `text` with &, <, >, " and ' replaced by character references.
std::string escape_html(std::string_view text);

// The versions of the embedded plotting library ("vega 5.33.0, vega-lite 5.23.0, ...").
std::string_view plot_library_versions();

// --- plots of the plot module's structs, as Vega-Lite --------------------------------------
// Each drops non-finite values as the SVG writers do and sets `problem` when nothing is left.
// Kaplan-Meier step curves with their bands and censoring marks, numbers at risk under them.
Plot kaplan_meier_plot(const std::vector<plot::KaplanMeierCurve>& curves,
                       const plot::KaplanMeierOptions& options);
Plot waterfall_plot(const std::vector<plot::WaterfallBar>& bars,
                    const plot::WaterfallOptions& options);
Plot spider_plot(const std::vector<plot::SpiderSeries>& series, const plot::SpiderOptions& options);
Plot roc_plot(const std::vector<plot::RocCurvePlot>& curves, const plot::RocOptions& options);
Plot pareto_plot(const std::vector<plot::ParetoPoint>& points, const plot::ParetoOptions& options);
Plot synergy_heatmap_plot(const plot::SynergyHeatmap& map,
                          const plot::SynergyHeatmapOptions& options);
// One line per series (e.g. an optimisation landscape); log_y leaves non-positive values out.
Plot line_plot(const std::vector<plot::ProfileSeries>& series, const plot::ProfileOptions& options);

// A population's time course of one output: the median over subjects at each time and the
// band from the 5th to the 95th percentile.
struct BandSeries {
  std::string label{};
  std::vector<double> time{}, median{}, p05{}, p95{};
  std::size_t subjects = 0;
};
Plot band_plot(const std::vector<BandSeries>& series, const plot::ProfileOptions& options);

// A histogram of per-subject values, one colour per group (e.g. arm).
struct HistogramGroup {
  std::string label{};
  std::vector<double> values{};
};
Plot histogram_plot(const std::vector<HistogramGroup>& groups, const plot::PlotOptions& options);

// --- population bands from results.csv ---------------------------------------------------------
// The observation rows (EVID 0) of the first `max_subjects` subjects of a results.csv, for the
// named output columns: per output the median and 5-95 % band at each time (over the subjects
// observed at that time), and per subject the area under the curve (trapezoids) and maximum.
struct PopulationProfiles {
  std::vector<BandSeries> bands;                  // one per output, in the order asked
  std::vector<std::vector<double>> subject_auc;   // [output][subject]
  std::vector<std::vector<double>> subject_cmax;  // [output][subject]
  std::size_t subjects_read = 0;
  bool truncated = false;  // the file had more subjects than max_subjects
};
// Throws std::runtime_error naming the file when it cannot be read or lacks a column.
PopulationProfiles read_population_profiles(const std::string& results_csv,
                                            const std::vector<std::string>& outputs,
                                            std::size_t max_subjects = 2000);

// --- the report of each run ---------------------------------------------------------------
// `scenario_file`: the file the run read; empty for the built-in default scenario. The
// scenario's YAML text is shown as it was written.

// `smartnano run` / `simulate`: scenario, parameters, run statistics, population bands of the
// plotted outputs (the scenario's `output: plots`, else its first outputs) read back from the
// run's results.csv, and distributions of per-subject tumour exposures.
Report simulation_report(const scenario::Scenario& s, const std::string& scenario_file,
                         const runner::RunOutcome& outcome, const std::string& out_dir);
// `smartnano trial` (and `run` on a trial): arms, results, Kaplan-Meier curves with numbers at
// risk, waterfall, spider, tumour exposure distributions, ROC curves and the enrichment.
Report trial_report(const trial::Trial& t, const trial::TrialResult& result);
// `smartnano screen`: the design, the candidates, Pareto front, score distributions.
Report screen_report(const screening::Screen& s, const screening::ScreenResult& result);
// `smartnano optimise`: the optimum, the limits, the landscape and the optimiser's path.
Report optimisation_report(const screening::Optimisation& o,
                           const screening::OptimisationResult& result);
// `smartnano synergy`: the settings (name-value pairs, e.g. the baseline correction), per
// matrix the scores, one heatmap per method and the single agents' responses.
Report synergy_report(const std::string& input_file,
                      const std::vector<std::pair<std::string, std::string>>& settings,
                      const std::vector<synergy::SynergyResult>& results);

}  // namespace smartnano::report

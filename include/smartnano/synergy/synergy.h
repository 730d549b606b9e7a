// Synergy scoring of two-drug dose-response matrices (docs/synergy.md): reading a long CSV into
// one matrix per block (drug pair), single-agent 4-parameter log-logistic fits, SynergyFinder's
// baseline correction, the Bliss, HSA, Loewe and ZIP (Yadav et al. 2015) scores per cell with
// matrix summaries and the most synergistic area, the Chou-Talalay combination index, and
// replicate-based uncertainty. Responses are % inhibition (0 = untreated, 100 = full effect);
// scores are in percentage points, as SynergyFinder reports them.
//
// Bad input (missing monotherapy row or column, incomplete matrices, non-finite responses,
// negative concentrations, a single replicate where uncertainty is asked) throws InputError
// naming file, line and field. Concentration 0 is the monotherapy reference: it is never put on
// a log axis (single-agent fits use the non-zero concentrations only, as SynergyFinder does).
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "smartnano/core/error.h"

namespace smartnano::synergy {

enum class ResponseScale { kInhibition, kViability };  // viability v becomes inhibition 100 - v
enum class Baseline { kNone, kPart, kAll };            // SynergyFinder's "non", "part", "all"
enum class Method { kBliss, kHsa, kLoewe, kZip };
enum class ReplicateSummary { kMedian, kMean };

// "bliss", "hsa", "loewe", "zip" (any case); "none"/"non", "part", "all"; throws
// std::invalid_argument naming the accepted words.
Method parse_method(const std::string& word);
Baseline parse_baseline(const std::string& word);
ResponseScale parse_scale(const std::string& word);
// Comma-separated list of methods ("bliss,hsa"); empty = all four.
std::vector<Method> parse_methods(const std::string& list);
std::string method_name(Method method);  // "Bliss", "HSA", "Loewe", "ZIP"

// A dense row-major matrix of doubles (rows: drug 1 concentrations, columns: drug 2).
struct Grid {
  int rows = 0, cols = 0;
  std::vector<double> values;
  Grid() = default;
  Grid(int r, int c, double fill = 0.0) : rows(r), cols(c), values(size_t(r) * c, fill) {}
  double& operator()(int i, int j) { return values[size_t(i) * cols + j]; }
  double operator()(int i, int j) const { return values[size_t(i) * cols + j]; }
};

// One block: drug 1 on rows, drug 2 on columns, concentrations ascending with conc[0] == 0 (the
// monotherapy row/column). replicates[i * cols + j] holds the % inhibition of every replicate
// of cell (i, j) in the order read (or ordered by the replicate column when there is one).
struct DoseResponseMatrix {
  std::string block_id, drug1, drug2, conc_unit;
  std::vector<double> conc1, conc2;
  std::vector<std::vector<double>> replicates;
  std::string file;
  int first_line = 0;  // the block's first data line, for messages
  int rows() const { return static_cast<int>(conc1.size()); }
  int cols() const { return static_cast<int>(conc2.size()); }
  // The smallest number of replicates of any cell.
  int min_replicates() const;
  // Median or mean over replicates, cell by cell.
  Grid summary(ReplicateSummary how) const;
  // Replicate k of every cell (k < min_replicates()).
  Grid replicate(int k) const;
};

struct ReadOptions {
  ResponseScale scale = ResponseScale::kInhibition;
  // Round each response to this many decimals when read (SynergyFinder 2's web input rounds
  // to 2); negative = keep as read.
  int round_decimals = -1;
};

// Reads the long layout: one row per well with columns for block (PairIndex / block_id,
// optional: else one block per drug pair), drug 1 and 2 (Drug1 / drug_row, Drug2 / drug_col),
// their concentrations (Conc1 / conc_r, Conc2 / conc_c), the response (Response / inhibition
// / viability), and optionally a replicate number and a concentration unit (ConcUnit /
// conc_r_unit). Names match case-insensitively, ignoring '_'. Blocks keep the order of first
// appearance. Every block must be a full matrix with a zero-concentration row and column.
std::vector<DoseResponseMatrix> read_dose_response_csv(const std::string& path,
                                                       const ReadOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Single-agent fit: drc's LL.4, y = c + (d - c) / (1 + exp(b (ln x - ln e))); b < 0 for a
// response that rises with dose. Least squares by Ceres (Levenberg-Marquardt, dense QR) from
// several starting points; the best fit is kept.
struct LogLogistic {
  double b = -1.0, c = 0.0, d = 100.0, e = 1.0;
  double operator()(double x) const;  // x > 0; x == 0 gives the limit (c when b < 0)
  // The concentration giving response y (NaN when y is not strictly between c and d).
  double inverse(double y) const;
};

struct FitOptions {
  std::optional<double> fixed_c, fixed_d;  // hold the lower / upper limit (ZIP's row fits)
  int max_iterations = 200;
  std::string validate() const;
};

struct FitResult {
  LogLogistic curve;
  double rss = 0.0;
  bool converged = false;
  int starts = 0;              // starting points tried
  int iterations = 0;          // of the best start
  std::string reason;          // Ceres' message for the best start
  std::vector<double> fitted;  // curve at the input concentrations
};

// Needs at least 3 points with x > 0 and finite y (throws std::invalid_argument otherwise);
// points with x == 0 are left out (log axis).
FitResult fit_log_logistic(const std::vector<double>& conc, const std::vector<double>& response,
                           const FitOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Scores. Each takes a % inhibition grid with the concentrations of its rows and columns
// (conc[0] == 0) and returns a grid of the same shape, 0 in the monotherapy row and column.

// SynergyFinder's baseline correction: b = mean of the minima of the two single-agent fits'
// fitted values (at the non-zero concentrations); "all" maps every y to y - (100 - y) b / 100,
// "part" only the negative ones (and nothing when none is negative).
Grid correct_baseline(const Grid& response, const std::vector<double>& conc1,
                      const std::vector<double>& conc2, Baseline baseline,
                      double* baseline_value = nullptr);

// y_ij - (y_i0 + y_0j - y_i0 y_0j / 100).
Grid bliss(const Grid& response);
// y_ij - max(y_i0, y_0j).
Grid hsa(const Grid& response);
// y_ij - y_Loewe, y_Loewe solving c1 / X1(y) + c2 / X2(y) = 1 with X the inverse single-agent
// fits; where no root lies between the curves' limits, max(f1(c1 + c2), f2(c1 + c2)) (as
// SynergyFinder); capped at 100.
Grid loewe(const Grid& response, const std::vector<double>& conc1,
           const std::vector<double>& conc2);
// Delta score: each row and column of combinations refitted with LL.4 whose lower limit is the
// fitted single-agent response of the other drug and upper limit 100, the two fits averaged
// (capped at 100), minus the Bliss reference of the fitted single agents.
Grid zip(const Grid& response, const std::vector<double>& conc1, const std::vector<double>& conc2);

Grid score(Method method, const Grid& response, const std::vector<double>& conc1,
           const std::vector<double>& conc2);

// Mean over the combination cells (i, j >= 1).
double mean_combination_score(const Grid& scores);

// The 3 x 3 window (over the whole matrix, monotherapy row and column included, as
// SynergyFinder's web app) with the highest mean score; first found wins ties. A matrix with
// fewer than 3 rows or columns uses its whole extent.
struct SynergisticArea {
  int row = 0, col = 0, rows = 0, cols = 0;  // top-left cell and size
  double mean = 0.0;
};
SynergisticArea most_synergistic_area(const Grid& scores);

// The synergistic ratio window: the drug 1 : drug 2 concentration ratios (in the file's units,
// so a molar ratio when both are molar) of the combination cells whose score exceeds
// `threshold` (SynergyFinder reads scores above 10 as likely synergy), as [low, high] and the
// number of such cells; NaN bounds and 0 cells when none does. A ratiometric carrier aims to
// keep the tumour's drug ratio inside it (docs/models/cpx351.md).
struct RatioWindow {
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  int cells = 0;
  double threshold = 10.0;
};
RatioWindow synergistic_ratio_window(const Grid& scores, const std::vector<double>& conc1,
                                     const std::vector<double>& conc2, double threshold = 10.0);

// ---------------------------------------------------------------------------------------------
// Chou-Talalay combination index from median-effect fits: log(fa / (1 - fa)) = m (log D -
// log Dm) by least squares over the single-agent points with 0 < fa < 1 (fa = inhibition /
// 100). CI = c1 / Dx1 + c2 / Dx2 with Dx = Dm (fa / (1 - fa))^(1 / m).
struct MedianEffect {
  double m = 1.0, dm = 1.0, r2 = 0.0;
  int points = 0;
  bool valid = false;  // at least 2 points with distinct doses and m > 0
  double dose_for(double fa) const;
};
MedianEffect fit_median_effect(const std::vector<double>& dose, const std::vector<double>& fa);

struct CombinationIndex {
  MedianEffect drug1, drug2;
  Grid per_cell;  // NaN where 0 < fa < 1 fails or a fit is invalid; NaN in mono row/column
  // CI at fa = 0.5, 0.75, 0.9 along the diagonal (cells (k, k)) when its concentration ratio
  // is constant; empty otherwise.
  double diagonal_ratio = 0.0;
  MedianEffect diagonal;
  std::vector<std::pair<double, double>> at_fa;  // (fa, CI)
};
CombinationIndex combination_index(const Grid& response, const std::vector<double>& conc1,
                                   const std::vector<double>& conc2);

// ---------------------------------------------------------------------------------------------
// Analysis of one matrix: summary response (median of replicates by default), baseline
// correction, scores, summaries and, with replicates, uncertainty: the score is computed on
// each replicate matrix (replicate k of every cell) after the same correction, and each cell
// gets mean, SD and the t-based 95 % interval over replicates.
struct SynergyOptions {
  std::vector<Method> methods{Method::kBliss, Method::kHsa, Method::kLoewe, Method::kZip};
  Baseline baseline = Baseline::kAll;
  ReplicateSummary summary = ReplicateSummary::kMedian;
  bool uncertainty = false;  // needs >= 2 replicates in every cell (InputError otherwise)
  std::string validate() const;
};

struct MethodResult {
  Method method = Method::kBliss;
  Grid scores;
  double mean = 0.0;  // over combination cells
  SynergisticArea area;
  RatioWindow ratio_window;  // cells scoring above 10
  // With uncertainty: per cell over replicate matrices (empty grids otherwise).
  Grid rep_mean, rep_sd, rep_ci_low, rep_ci_high;
};

struct SynergyResult {
  std::string block_id, drug1, drug2, conc_unit;
  std::vector<double> conc1, conc2;
  Grid response;     // summary over replicates, % inhibition, before correction
  Grid corrected;    // after baseline correction
  Grid response_sd;  // SD over replicates (NaN with one replicate)
  double baseline = 0.0;
  int replicates = 1;
  FitResult fit1, fit2;  // single agents on the corrected matrix
  std::vector<MethodResult> methods;
  CombinationIndex ci;
  std::string brief_report() const;
};

SynergyResult analyse(const DoseResponseMatrix& matrix, const SynergyOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Comparison with SynergyFinder 2 result files (SF2_result_<Method>_<base>.csv: PairIndex,
// Drug1, Drug2, Conc1, Conc2, Relative_inhibition, Synergy, ...) as `smartnano validate
// synergy` runs it. The input is read with SynergyFinder 2's rounding of responses to 2
// decimals and summarised by the median over replicates.
struct ReferenceComparison {
  Method method = Method::kBliss;
  std::string file;
  int cells = 0;              // combination cells compared
  double max_abs_diff = 0.0;  // percentage points
  double mean_abs_diff = 0.0;
  double correlation = 0.0;  // Pearson, over combination cells
  std::string worst_cell;    // "block 2, conc1 10, conc2 30"
  double tolerance = 0.0;    // > 0: a pass rule applies (Bliss and HSA)
  bool passed() const { return tolerance <= 0.0 || max_abs_diff <= tolerance; }
};

struct ReferenceReport {
  std::vector<ReferenceComparison> methods;
  bool passed() const;
  std::string table() const;
};

// tolerance_points: Bliss and HSA must agree within it in every combination cell (0.03 %
// points by default; docs/synergy.md). Throws InputError for a missing or malformed file.
ReferenceReport compare_with_synergyfinder(const std::string& input_csv,
                                           const std::string& result_dir, Baseline baseline,
                                           const std::vector<Method>& methods,
                                           double tolerance_points = 0.03);

}  // namespace smartnano::synergy

// Non-compartmental analysis (NCA) of single-dose concentration-time profiles, following the
// rules of R's PKNCA 0.12.1 with its default options (validated against PKNCA on Theoph and
// Indometh; docs/nca.md gives every formula). compute_nca() analyses one profile: Cmax, Tmax,
// AUC and AUMC to Tlast (linear or lin-up/log-down trapezoids), the terminal slope lambda-z
// chosen by PKNCA's adjusted-R² rule, and the parameters extrapolated to infinity (AUCinf, CL,
// Vz, MRT, Vss). Reading profiles from CSV and writing results as CSV text are here too; the
// module writes no files itself (the CLI writes them atomically).
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smartnano::nca {

// How the area between two consecutive samples is integrated.
enum class AucMethod {
  kLinearUpLogDown,  // log trapezoid where the concentration falls (c2 < c1, c2 > 0), else linear
  kLinear,           // linear trapezoid everywhere
};

// How the single dose, given at t = 0, enters the body.
enum class Route {
  kExtravascular,          // oral, s.c., ...: CL and V are apparent (CL/F, Vz/F)
  kIntravascularBolus,     // IV bolus: C0 is back-extrapolated (see compute_nca)
  kIntravascularInfusion,  // IV infusion of NcaOptions::infusion_duration, starting at t = 0
};

// PKNCA's label: "lin up/log down" or "linear".
std::string_view to_string(AucMethod method);
// "extravascular", "intravascular bolus" or "intravascular infusion".
std::string_view to_string(Route route);
// Accepts "lin up/log down", "lin-up-log-down", "linuplogdown" and "linear" (case-insensitive).
std::optional<AucMethod> parse_auc_method(std::string_view text);

// What the analysis uses. Defaults are PKNCA 0.12.1's PKNCA.options().
struct NcaOptions {
  AucMethod auc_method = AucMethod::kLinearUpLogDown;
  Route route = Route::kExtravascular;
  // Length of the infusion (time units of the profile); used, and required > 0, only for
  // Route::kIntravascularInfusion.
  double infusion_duration = 0.0;
  // The single dose given at t = 0 (amount, in the units that CL and V are wanted in). > 0.
  double dose = std::numeric_limits<double>::quiet_NaN();
  // A lambda-z fit qualifies if its adjusted R² > (best adjusted R² of all fits) - this factor.
  double adj_r_squared_factor = 1e-4;
  // Fewest points in a lambda-z fit (>= 3: the adjusted R² needs n - 2 > 0).
  int min_half_life_points = 3;
  // false: only samples after Tmax are lambda-z candidates; true: Tmax itself may be one.
  bool allow_tmax_in_half_life = false;

  // Problems with these options, one message each; empty when valid.
  std::vector<std::string> validate() const;
};

enum class NcaStatus {
  kSuccess,                  // every parameter computed
  kTooFewHalfLifePoints,     // fewer than min_half_life_points lambda-z candidates
  kNoHalfLifeFit,            // no candidate fit had lambda-z > 0 and a qualifying adjusted R²
  kNoPositiveConcentration,  // every concentration is 0 (BLQ): no Tlast, no lambda-z
};
std::string_view to_string(NcaStatus status);

// One profile's parameters; PKNCA's name in brackets. Times in the profile's time unit,
// concentrations in its concentration unit, CL and V in dose units per concentration unit
// (apparent, i.e. divided by F, for the extravascular route). A value that cannot be computed
// is NaN: everything that depends on lambda-z when status is not kSuccess, c0 unless the route
// is an IV bolus, vss_obs for the extravascular route.
struct NcaResult {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

  NcaStatus status = NcaStatus::kSuccess;
  std::string reason;  // one line saying why, when status is not kSuccess; "" otherwise
  // Copied from the options, so that a result describes itself.
  double dose = kNaN;
  AucMethod auc_method = AucMethod::kLinearUpLogDown;
  Route route = Route::kExtravascular;
  // Counters.
  int samples_used = 0;          // after BLQ cleaning (zeros between positive values dropped)
  int half_life_candidates = 0;  // samples eligible for the lambda-z fit
  int half_life_fits = 0;        // log-linear fits tried (candidates - min points + 1)
  bool c0_imputed = false;       // IV bolus: C0 was added at t = 0 (not a sample)

  double cmax = kNaN;                 // [cmax] largest observed concentration
  double tmax = kNaN;                 // [tmax] its time (the first if tied)
  double tlast = kNaN;                // [tlast] last time with conc > 0
  double clast_obs = kNaN;            // [clast.obs] conc at tlast
  double c0 = kNaN;                   // [c0] IV bolus: conc at t = 0 used by the AUC
  double auclast = kNaN;              // [auclast] AUC from 0 to tlast
  double aumclast = kNaN;             // [aumclast] AUMC from 0 to tlast
  double lambda_z = kNaN;             // [lambda.z] terminal rate constant (> 0)
  double half_life = kNaN;            // [half.life] ln 2 / lambda_z
  double r_squared = kNaN;            // [r.squared] of the selected log-linear fit
  double adj_r_squared = kNaN;        // [adj.r.squared] 1 - (1 - r²)(n - 1)/(n - 2)
  int lambda_z_n_points = 0;          // [lambda.z.n.points] points in the selected fit (0: none)
  double lambda_z_time_first = kNaN;  // [lambda.z.time.first]
  double lambda_z_time_last = kNaN;   // [lambda.z.time.last]
  double clast_pred = kNaN;           // [clast.pred] fitted conc at tlast
  double span_ratio = kNaN;           // [span.ratio] (time last - time first) / half-life
  double aucinf_obs = kNaN;           // [aucinf.obs] auclast + clast_obs / lambda_z
  double aucinf_pred = kNaN;          // [aucinf.pred] auclast + clast_pred / lambda_z
  double aumcinf_obs = kNaN;          // [aumcinf.obs]
  double aucpext_obs = kNaN;          // [aucpext.obs] % of aucinf_obs that is extrapolated
  double aucpext_pred = kNaN;         // [aucpext.pred]
  double cl_obs = kNaN;               // [cl.obs] dose / aucinf_obs
  double cl_pred = kNaN;              // [cl.pred] dose / aucinf_pred
  double vz_obs = kNaN;               // [vz.obs] cl_obs / lambda_z
  double vz_pred = kNaN;              // [vz.pred] cl_pred / lambda_z
  double mrt_last = kNaN;             // [mrt.last] aumclast / auclast
  double mrt_obs = kNaN;              // [mrt.obs] aumcinf_obs / aucinf_obs
  double vss_obs = kNaN;              // [vss.obs] IV: cl_obs (mrt_obs - infusion duration / 2)

  bool ok() const { return status == NcaStatus::kSuccess; }
  // "lambda-z from 3 points (9.05 to 24.37), adj. R² 0.9999995, 11 samples" or the reason.
  std::string brief_report() const;
};

// Analyses one single-dose profile (dose at t = 0; see docs/nca.md for every rule):
// * BLQ: concentrations of 0 before the first positive one are kept, those between positive
//   values dropped, those after the last positive one kept (they add no AUC to Tlast).
// * The AUC starts at t = 0. IV bolus: if there is no positive sample at t = 0, C0 at t = 0 is
//   back-extrapolated log-linearly from the first two samples after 0 (if the second is lower
//   and > 0), else C0 = the first sample after 0 (PKNCA's pk.calc.c0 order c0, logslope, c1).
//   Other routes: if the first sample is after t = 0, a concentration 0 at t = 0 is assumed.
// * Cmax and Tmax come from the samples only (never C0).
// * lambda-z candidates: conc > 0, time > 0 and time > the Tmax of the analysed profile (>= with
//   allow_tmax_in_half_life). The last n candidates are fitted for every n from
//   min_half_life_points up; the fit with most points among those with lambda-z > 0 and
//   adj. R² > max(adj. R²) - adj_r_squared_factor is selected.
// Fewer candidates than needed, or no qualifying fit, is a status in the result, not an error.
// Throws std::invalid_argument (naming the argument and value) if the sizes differ, there are
// no samples, a time or concentration is not finite, a time is negative or not after the
// previous one, a concentration is negative, or options.validate() finds a problem.
NcaResult compute_nca(std::span<const double> time, std::span<const double> conc,
                      const NcaOptions& options);

// The PKNCA parameter names written after subject,dose,auc_method by format_nca_csv, in order.
// c0 and vss.obs are included only when `intravascular`.
std::vector<std::string_view> nca_parameter_names(bool intravascular);
// The value of a parameter by its PKNCA name ("lambda.z.n.points" as a double); nullopt for a
// name that is not one of nca_parameter_names(true).
std::optional<double> nca_parameter(const NcaResult& result, std::string_view name);

// ---- profiles from files ----------------------------------------------------------------------

// One subject's single-dose profile, as read from a file.
struct Profile {
  std::string subject;  // the label as written in the file
  double dose = 0.0;
  Route route = Route::kExtravascular;
  double infusion_duration = 0.0;
  std::vector<double> time, conc;
  int first_line = 0;  // line of the subject's first row (for messages)
};

// Parses the reference input format: header with columns subject,time,conc,dose,route (any
// order, names case-insensitive, other columns ignored), one row per sample. route is
// "extravascular" or "intravascular" (IV bolus). A conc of "NA" or "" drops the row (PKNCA's
// conc.na = "drop"). Subjects are returned in order of first appearance. `file` names the text
// in messages. Throws InputError naming file, line, column and field on: a missing column, a
// row with the wrong number of fields, a value that is not a finite number, a negative time or
// concentration, a time not after the subject's previous one, a dose <= 0, an unknown route, or
// a dose or route that changes within a subject.
std::vector<Profile> parse_nca_input(std::string_view text, const std::string& file);
// Reads and parses a file; throws InputError if it cannot be read.
std::vector<Profile> read_nca_input(const std::string& path);

// Which columns of a general table (such as smartnano's results.csv) hold the profile.
struct TableColumns {
  std::string subject = "ID";
  std::string time = "TIME";
  std::string conc;           // required: the concentration column, e.g. "CP"
  std::string evid = "EVID";  // if the table has it, only rows with EVID 0 are read
};

// Parses a general table: every subject gets `dose` and `route` (and `infusion_duration`).
// Rows whose conc is "NA" or "" are dropped. Column names are case-insensitive. Throws
// InputError as parse_nca_input does (and if dose <= 0 or the infusion has no duration).
std::vector<Profile> parse_concentration_table(std::string_view text, const std::string& file,
                                               const TableColumns& columns, double dose,
                                               Route route, double infusion_duration = 0.0);
std::vector<Profile> read_concentration_table(const std::string& path, const TableColumns& columns,
                                              double dose, Route route,
                                              double infusion_duration = 0.0);

// ---- several subjects -------------------------------------------------------------------------

// One subject's analysis.
struct SubjectNca {
  std::string subject;
  NcaResult result;
};

// compute_nca on every profile, with `options` except dose, route and infusion duration, which
// come from the profile.
std::vector<SubjectNca> analyse_profiles(const std::vector<Profile>& profiles,
                                         const NcaOptions& options);

// CSV text: header subject,dose,auc_method,<nca_parameter_names(any IV subject)>, one row per
// subject, numbers as the shortest decimal that reads back to the same double, "NA" for NaN.
// The same layout as the PKNCA reference files (shared/validation/nca).
std::string format_nca_csv(std::span<const SubjectNca> subjects);

// A readable table of the main parameters (4 significant digits), one row per subject, then one
// line per subject whose lambda-z could not be estimated, with the reason.
std::string format_nca_table(std::span<const SubjectNca> subjects);

}  // namespace smartnano::nca

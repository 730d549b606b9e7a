// compute_nca: one profile's NCA with PKNCA 0.12.1's rules (docs/nca.md).
#include "smartnano/nca/nca.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/core/text.h"

namespace smartnano::nca {

std::string_view to_string(AucMethod method) {
  switch (method) {
    case AucMethod::kLinearUpLogDown:
      return "lin up/log down";
    case AucMethod::kLinear:
      return "linear";
  }
  return "?";
}

std::string_view to_string(Route route) {
  switch (route) {
    case Route::kExtravascular:
      return "extravascular";
    case Route::kIntravascularBolus:
      return "intravascular bolus";
    case Route::kIntravascularInfusion:
      return "intravascular infusion";
  }
  return "?";
}

std::string_view to_string(NcaStatus status) {
  switch (status) {
    case NcaStatus::kSuccess:
      return "success";
    case NcaStatus::kTooFewHalfLifePoints:
      return "too few half-life points";
    case NcaStatus::kNoHalfLifeFit:
      return "no half-life fit";
    case NcaStatus::kNoPositiveConcentration:
      return "no positive concentration";
  }
  return "?";
}

std::optional<AucMethod> parse_auc_method(std::string_view text) {
  const std::string t = to_upper(trim(text));
  if (t == "LIN UP/LOG DOWN" || t == "LIN-UP-LOG-DOWN" || t == "LINUPLOGDOWN") {
    return AucMethod::kLinearUpLogDown;
  }
  if (t == "LINEAR") return AucMethod::kLinear;
  return std::nullopt;
}

std::vector<std::string> NcaOptions::validate() const {
  std::vector<std::string> problems;
  if (!(dose > 0) || !std::isfinite(dose)) {
    problems.push_back(fmt::format("dose {} is not a finite number > 0", dose));
  }
  if (route == Route::kIntravascularInfusion &&
      (!(infusion_duration > 0) || !std::isfinite(infusion_duration))) {
    problems.push_back(
        fmt::format("infusion_duration {} is not a finite number > 0 (required by "
                    "the intravascular infusion route)",
                    infusion_duration));
  }
  if (!(adj_r_squared_factor >= 0) || !std::isfinite(adj_r_squared_factor)) {
    problems.push_back(
        fmt::format("adj_r_squared_factor {} is not a finite number >= 0", adj_r_squared_factor));
  }
  if (min_half_life_points < 3) {
    problems.push_back(
        fmt::format("min_half_life_points {} is not >= 3 (the adjusted R² needs 3 points)",
                    min_half_life_points));
  }
  return problems;
}

std::string NcaResult::brief_report() const {
  if (status != NcaStatus::kSuccess) return fmt::format("{}: {}", to_string(status), reason);
  return fmt::format("lambda-z from {} points ({:g} to {:g}), adj. R² {:.7g}, {} samples",
                     lambda_z_n_points, lambda_z_time_first, lambda_z_time_last, adj_r_squared,
                     samples_used);
}

namespace {

void check_inputs(std::span<const double> time, std::span<const double> conc,
                  const NcaOptions& options) {
  if (time.size() != conc.size()) {
    throw std::invalid_argument(
        fmt::format("compute_nca: time has {} values but conc has {}", time.size(), conc.size()));
  }
  if (time.empty()) throw std::invalid_argument("compute_nca: the profile has no samples");
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (!std::isfinite(time[i]) || time[i] < 0) {
      throw std::invalid_argument(fmt::format(
          "compute_nca: time[{}] = {} is not a finite number >= 0 (the dose is at t = 0)", i,
          time[i]));
    }
    if (i > 0 && !(time[i] > time[i - 1])) {
      throw std::invalid_argument(
          fmt::format("compute_nca: time[{}] = {} is not after time[{}] = {} (times must increase)",
                      i, time[i], i - 1, time[i - 1]));
    }
    if (!std::isfinite(conc[i]) || conc[i] < 0) {
      throw std::invalid_argument(fmt::format(
          "compute_nca: conc[{}] = {} (time {}) is not a finite number >= 0", i, conc[i], time[i]));
    }
  }
  const auto problems = options.validate();
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw std::invalid_argument("compute_nca: invalid options: " + all);
  }
}

// The index of the first largest value.
std::size_t first_max(std::span<const double> v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// PKNCA's pk.calc.c0 with its default order: the sample at t = 0 if positive ("c0"), else the
// log-linear back-extrapolation of the first two samples after 0 if the second is lower and
// > 0 ("logslope"), else the first sample after 0 ("c1"). NaN if there is no sample after 0.
double bolus_c0(std::span<const double> time, std::span<const double> conc) {
  if (time[0] == 0 && conc[0] > 0) return conc[0];
  const std::size_t first = time[0] > 0 ? 0 : 1;
  if (first >= time.size()) return NcaResult::kNaN;
  if (first + 1 < time.size()) {
    const double t1 = time[first], t2 = time[first + 1];
    const double c1 = conc[first], c2 = conc[first + 1];
    if (c2 < c1 && c2 != 0) {
      return std::exp(std::log(c1) - (std::log(c2) - std::log(c1)) / (t2 - t1) * t1);
    }
  }
  return conc[first];
}

struct Segment {
  double auc, aumc;
};

// The area under C and t·C between (t1, c1) and (t2, c2).
Segment segment(double t1, double c1, double t2, double c2, AucMethod method) {
  const double dt = t2 - t1;
  if (method == AucMethod::kLinearUpLogDown && c2 < c1 && c2 > 0) {
    const double k = std::log(c2 / c1);
    return {dt * (c2 - c1) / k, dt * (t2 * c2 - t1 * c1) / k - dt * dt * (c2 - c1) / (k * k)};
  }
  return {dt * (c1 + c2) / 2, dt * (t1 * c1 + t2 * c2) / 2};
}

struct LogLinearFit {
  double lambda_z, intercept, r_squared, adj_r_squared;
};

// Ordinary least squares of ln(c) = a - lambda_z t.
LogLinearFit fit_log_linear(std::span<const double> t, std::span<const double> c) {
  const double n = static_cast<double>(t.size());
  double t_mean = 0, y_mean = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    t_mean += t[i];
    y_mean += std::log(c[i]);
  }
  t_mean /= n;
  y_mean /= n;
  double stt = 0, sty = 0, syy = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double dt = t[i] - t_mean, dy = std::log(c[i]) - y_mean;
    stt += dt * dt;
    sty += dt * dy;
    syy += dy * dy;
  }
  const double slope = sty / stt;
  const double intercept = y_mean - slope * t_mean;
  double ss_res = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double r = std::log(c[i]) - (intercept + slope * t[i]);
    ss_res += r * r;
  }
  const double r_squared = 1 - ss_res / syy;  // NaN when every ln(c) is equal
  const double adj = 1 - (1 - r_squared) * (n - 1) / (n - 2);
  return {-slope, intercept, r_squared, adj};
}

// Selects lambda-z (rule 3 of docs/nca.md) and fills the fit columns of `r`.
void select_lambda_z(std::span<const double> t, std::span<const double> c, double profile_tmax,
                     const NcaOptions& o, NcaResult& r) {
  std::vector<double> ct, cc;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool after_tmax = o.allow_tmax_in_half_life ? t[i] >= profile_tmax : t[i] > profile_tmax;
    if (c[i] > 0 && t[i] > 0 && after_tmax) {
      ct.push_back(t[i]);
      cc.push_back(c[i]);
    }
  }
  const int n_candidates = static_cast<int>(ct.size());
  r.half_life_candidates = n_candidates;
  if (n_candidates < o.min_half_life_points) {
    r.status = NcaStatus::kTooFewHalfLifePoints;
    r.reason =
        fmt::format("too few points for lambda-z: {} sample(s) with conc > 0 after Tmax, {} needed",
                    n_candidates, o.min_half_life_points);
    return;
  }
  std::vector<LogLinearFit> fits;  // fits[k] uses the last min_half_life_points + k candidates
  double best_adj = -std::numeric_limits<double>::infinity();
  for (int n = o.min_half_life_points; n <= n_candidates; ++n) {
    const std::size_t first = static_cast<std::size_t>(n_candidates - n);
    fits.push_back(fit_log_linear(std::span<const double>(ct).subspan(first),
                                  std::span<const double>(cc).subspan(first)));
    if (!std::isnan(fits.back().adj_r_squared)) {
      best_adj = std::max(best_adj, fits.back().adj_r_squared);
    }
  }
  r.half_life_fits = static_cast<int>(fits.size());
  // The qualifying fit with the most points: scan from the largest n down.
  for (int k = static_cast<int>(fits.size()) - 1; k >= 0; --k) {
    const LogLinearFit& f = fits[static_cast<std::size_t>(k)];
    if (f.lambda_z > 0 && f.adj_r_squared > best_adj - o.adj_r_squared_factor) {
      const int n = o.min_half_life_points + k;
      r.lambda_z = f.lambda_z;
      r.r_squared = f.r_squared;
      r.adj_r_squared = f.adj_r_squared;
      r.lambda_z_n_points = n;
      r.lambda_z_time_first = ct[static_cast<std::size_t>(n_candidates - n)];
      r.lambda_z_time_last = ct.back();
      r.half_life = std::log(2.0) / f.lambda_z;
      r.clast_pred = std::exp(f.intercept - f.lambda_z * r.tlast);
      r.span_ratio = (r.lambda_z_time_last - r.lambda_z_time_first) / r.half_life;
      return;
    }
  }
  r.status = NcaStatus::kNoHalfLifeFit;
  r.reason = fmt::format(
      "no lambda-z fit qualifies: none of the {} fits of the last {}..{} points has lambda-z > 0 "
      "and an adjusted R² within {:g} of the best",
      fits.size(), o.min_half_life_points, n_candidates, o.adj_r_squared_factor);
}

}  // namespace

NcaResult compute_nca(std::span<const double> time, std::span<const double> conc,
                      const NcaOptions& options) {
  check_inputs(time, conc, options);
  NcaResult r;
  r.dose = options.dose;
  r.auc_method = options.auc_method;
  r.route = options.route;

  // Cmax and Tmax from the samples.
  const std::size_t imax = first_max(conc);
  r.cmax = conc[imax];
  r.tmax = time[imax];

  // BLQ: keep zeros before the first and after the last positive value, drop those between.
  const auto is_positive = [](double c) { return c > 0; };
  const auto first_pos = std::find_if(conc.begin(), conc.end(), is_positive);
  if (first_pos == conc.end()) {
    r.status = NcaStatus::kNoPositiveConcentration;
    r.reason = "every concentration is 0 (below the limit of quantification)";
    r.samples_used = static_cast<int>(conc.size());
    r.auclast = 0;
    r.aumclast = 0;
    return r;
  }
  const std::size_t first = static_cast<std::size_t>(first_pos - conc.begin());
  const std::size_t last =
      conc.size() - 1 -
      static_cast<std::size_t>(std::find_if(conc.rbegin(), conc.rend(), is_positive) -
                               conc.rbegin());
  std::vector<double> t, c;
  t.reserve(time.size() + 1);
  c.reserve(time.size() + 1);
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (i > first && i < last && conc[i] == 0) continue;
    t.push_back(time[i]);
    c.push_back(conc[i]);
  }
  r.samples_used = static_cast<int>(t.size());

  // The concentration at the dose time, t = 0.
  if (options.route == Route::kIntravascularBolus) {
    if (!(time[0] == 0 && conc[0] > 0)) {
      r.c0 = bolus_c0(time, conc);
      r.c0_imputed = true;
      if (t[0] == 0) {
        c[0] = r.c0;
      } else {
        t.insert(t.begin(), 0.0);
        c.insert(c.begin(), r.c0);
      }
    } else {
      r.c0 = conc[0];
    }
  } else if (t[0] > 0) {
    t.insert(t.begin(), 0.0);
    c.insert(c.begin(), 0.0);
  }

  // Tlast and the AUC / AUMC up to it.
  std::size_t ilast = t.size() - 1;
  while (c[ilast] == 0) --ilast;  // a positive value exists (sample or C0)
  r.tlast = t[ilast];
  r.clast_obs = c[ilast];
  double auc = 0, aumc = 0;
  for (std::size_t i = 0; i < ilast; ++i) {
    const Segment s = segment(t[i], c[i], t[i + 1], c[i + 1], options.auc_method);
    auc += s.auc;
    aumc += s.aumc;
  }
  r.auclast = auc;
  r.aumclast = aumc;
  r.mrt_last = aumc / auc;

  // lambda-z, on the analysed profile (for an IV bolus its Tmax is normally C0's t = 0).
  const double profile_tmax = t[first_max(c)];
  select_lambda_z(t, c, profile_tmax, options, r);
  if (r.status != NcaStatus::kSuccess) return r;

  // Extrapolation to infinity.
  const double lz = r.lambda_z;
  r.aucinf_obs = r.auclast + r.clast_obs / lz;
  r.aucinf_pred = r.auclast + r.clast_pred / lz;
  r.aumcinf_obs = r.aumclast + r.clast_obs * r.tlast / lz + r.clast_obs / (lz * lz);
  r.aucpext_obs = 100 * (1 - r.auclast / r.aucinf_obs);
  r.aucpext_pred = 100 * (1 - r.auclast / r.aucinf_pred);
  r.cl_obs = options.dose / r.aucinf_obs;
  r.cl_pred = options.dose / r.aucinf_pred;
  r.vz_obs = r.cl_obs / lz;
  r.vz_pred = r.cl_pred / lz;
  r.mrt_obs = r.aumcinf_obs / r.aucinf_obs;
  if (options.route == Route::kIntravascularBolus) {
    r.vss_obs = r.cl_obs * r.mrt_obs;
  } else if (options.route == Route::kIntravascularInfusion) {
    r.vss_obs = r.cl_obs * (r.mrt_obs - options.infusion_duration / 2);
  }
  return r;
}

namespace {

struct Column {
  std::string_view name;
  double (*value)(const NcaResult&);
  bool iv_only;
};

// Every column, in PKNCA's order; c0 and vss.obs only in files with an IV subject.
constexpr Column kColumns[] = {
    {"cmax", [](const NcaResult& r) { return r.cmax; }, false},
    {"tmax", [](const NcaResult& r) { return r.tmax; }, false},
    {"tlast", [](const NcaResult& r) { return r.tlast; }, false},
    {"clast.obs", [](const NcaResult& r) { return r.clast_obs; }, false},
    {"c0", [](const NcaResult& r) { return r.c0; }, true},
    {"auclast", [](const NcaResult& r) { return r.auclast; }, false},
    {"aumclast", [](const NcaResult& r) { return r.aumclast; }, false},
    {"lambda.z", [](const NcaResult& r) { return r.lambda_z; }, false},
    {"half.life", [](const NcaResult& r) { return r.half_life; }, false},
    {"r.squared", [](const NcaResult& r) { return r.r_squared; }, false},
    {"adj.r.squared", [](const NcaResult& r) { return r.adj_r_squared; }, false},
    {"lambda.z.n.points",
     [](const NcaResult& r) {
       return r.lambda_z_n_points > 0 ? static_cast<double>(r.lambda_z_n_points) : NcaResult::kNaN;
     },
     false},
    {"lambda.z.time.first", [](const NcaResult& r) { return r.lambda_z_time_first; }, false},
    {"lambda.z.time.last", [](const NcaResult& r) { return r.lambda_z_time_last; }, false},
    {"clast.pred", [](const NcaResult& r) { return r.clast_pred; }, false},
    {"span.ratio", [](const NcaResult& r) { return r.span_ratio; }, false},
    {"aucinf.obs", [](const NcaResult& r) { return r.aucinf_obs; }, false},
    {"aucinf.pred", [](const NcaResult& r) { return r.aucinf_pred; }, false},
    {"aumcinf.obs", [](const NcaResult& r) { return r.aumcinf_obs; }, false},
    {"aucpext.obs", [](const NcaResult& r) { return r.aucpext_obs; }, false},
    {"aucpext.pred", [](const NcaResult& r) { return r.aucpext_pred; }, false},
    {"cl.obs", [](const NcaResult& r) { return r.cl_obs; }, false},
    {"cl.pred", [](const NcaResult& r) { return r.cl_pred; }, false},
    {"vz.obs", [](const NcaResult& r) { return r.vz_obs; }, false},
    {"vz.pred", [](const NcaResult& r) { return r.vz_pred; }, false},
    {"mrt.last", [](const NcaResult& r) { return r.mrt_last; }, false},
    {"mrt.obs", [](const NcaResult& r) { return r.mrt_obs; }, false},
    {"vss.obs", [](const NcaResult& r) { return r.vss_obs; }, true},
};

}  // namespace

std::vector<std::string_view> nca_parameter_names(bool intravascular) {
  std::vector<std::string_view> names;
  for (const Column& column : kColumns) {
    if (intravascular || !column.iv_only) names.push_back(column.name);
  }
  return names;
}

std::optional<double> nca_parameter(const NcaResult& result, std::string_view name) {
  for (const Column& column : kColumns) {
    if (column.name == name) return column.value(result);
  }
  return std::nullopt;
}

}  // namespace smartnano::nca

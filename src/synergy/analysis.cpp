// One matrix from replicates to scores: summary response, baseline correction, the requested
// scores with their summaries, replicate uncertainty and the Chou-Talalay combination index.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/math/distributions/students_t.hpp>

#include "smartnano/synergy/synergy.h"

namespace smartnano::synergy {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double MedianEffect::dose_for(double fa) const {
  if (!valid || !(fa > 0.0 && fa < 1.0)) return kNaN;
  return dm * std::pow(fa / (1.0 - fa), 1.0 / m);
}

MedianEffect fit_median_effect(const std::vector<double>& dose, const std::vector<double>& fa) {
  MedianEffect out;
  std::vector<double> x, y;
  for (size_t i = 0; i < dose.size() && i < fa.size(); ++i) {
    if (dose[i] > 0.0 && fa[i] > 0.0 && fa[i] < 1.0) {
      x.push_back(std::log(dose[i]));
      y.push_back(std::log(fa[i] / (1.0 - fa[i])));
    }
  }
  out.points = static_cast<int>(x.size());
  if (x.size() < 2) return out;
  const double n = static_cast<double>(x.size());
  double mx = 0.0, my = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx <= 0.0) return out;
  out.m = sxy / sxx;
  // y = m (log D - log Dm)  ->  intercept = -m log Dm
  const double intercept = my - out.m * mx;
  out.dm = out.m != 0.0 ? std::exp(-intercept / out.m) : kNaN;
  out.r2 = syy > 0.0 ? sxy * sxy / (sxx * syy) : 1.0;
  out.valid = out.m > 0.0 && std::isfinite(out.dm);
  return out;
}

CombinationIndex combination_index(const Grid& y, const std::vector<double>& conc1,
                                   const std::vector<double>& conc2) {
  CombinationIndex ci;
  std::vector<double> fa1, fa2;
  for (int i = 0; i < y.rows; ++i) fa1.push_back(y(i, 0) / 100.0);
  for (int j = 0; j < y.cols; ++j) fa2.push_back(y(0, j) / 100.0);
  ci.drug1 = fit_median_effect(conc1, fa1);
  ci.drug2 = fit_median_effect(conc2, fa2);
  ci.per_cell = Grid(y.rows, y.cols, kNaN);
  for (int i = 1; i < y.rows; ++i) {
    for (int j = 1; j < y.cols; ++j) {
      const double fa = y(i, j) / 100.0;
      const double d1 = ci.drug1.dose_for(fa), d2 = ci.drug2.dose_for(fa);
      if (std::isfinite(d1) && std::isfinite(d2)) ci.per_cell(i, j) = conc1[i] / d1 + conc2[j] / d2;
    }
  }
  // A constant-ratio series along the diagonal, when there is one.
  const int n = std::min(y.rows, y.cols);
  if (n >= 3) {
    const double ratio = conc1[1] / conc2[1];
    bool constant = true;
    for (int k = 2; k < n; ++k) {
      constant = constant && std::abs(conc1[k] / conc2[k] - ratio) <= 1e-6 * ratio;
    }
    if (constant) {
      std::vector<double> total, fa;
      for (int k = 1; k < n; ++k) {
        total.push_back(conc1[k] + conc2[k]);
        fa.push_back(y(k, k) / 100.0);
      }
      ci.diagonal_ratio = ratio;
      ci.diagonal = fit_median_effect(total, fa);
      const double p1 = ratio / (1.0 + ratio);  // share of drug 1 in the total dose
      for (double level : {0.5, 0.75, 0.9}) {
        const double d = ci.diagonal.dose_for(level);
        const double dx1 = ci.drug1.dose_for(level), dx2 = ci.drug2.dose_for(level);
        const double v = d * p1 / dx1 + d * (1.0 - p1) / dx2;
        if (std::isfinite(v)) ci.at_fa.push_back({level, v});
      }
    }
  }
  return ci;
}

std::string SynergyOptions::validate() const {
  return methods.empty() ? "no synergy method chosen; " : "";
}

SynergyResult analyse(const DoseResponseMatrix& matrix, const SynergyOptions& options) {
  if (const std::string p = options.validate(); !p.empty()) {
    throw std::invalid_argument("analyse: " + p);
  }
  SynergyResult r;
  r.block_id = matrix.block_id;
  r.drug1 = matrix.drug1;
  r.drug2 = matrix.drug2;
  r.conc_unit = matrix.conc_unit;
  r.conc1 = matrix.conc1;
  r.conc2 = matrix.conc2;
  r.replicates = matrix.min_replicates();
  const SourceLocation where{matrix.file, matrix.first_line, 0, ""};
  if (options.uncertainty) {
    if (r.replicates < 2) {
      throw InputError(where, fmt::format("block '{}': uncertainty needs at least 2 replicates of "
                                          "every well, some well has {}",
                                          matrix.block_id, r.replicates));
    }
    for (const auto& cell : matrix.replicates) {
      if (static_cast<int>(cell.size()) != r.replicates) {
        throw InputError(where, fmt::format("block '{}': uncertainty needs the same number of "
                                            "replicates in every well ({} and {} found)",
                                            matrix.block_id, r.replicates, cell.size()));
      }
    }
  }
  const bool needs_fits = options.baseline != Baseline::kNone ||
                          std::any_of(options.methods.begin(), options.methods.end(), [](Method m) {
                            return m == Method::kLoewe || m == Method::kZip;
                          });
  if (needs_fits && (matrix.rows() < 4 || matrix.cols() < 4)) {
    throw InputError(where,
                     fmt::format("block '{}': {} x {} non-zero concentrations; baseline "
                                 "correction, Loewe and ZIP fit 4-parameter curves and need at "
                                 "least 3 of each drug (use --baseline none --methods bliss,hsa)",
                                 matrix.block_id, matrix.rows() - 1, matrix.cols() - 1));
  }
  r.response = matrix.summary(options.summary);
  r.response_sd = Grid(matrix.rows(), matrix.cols(), kNaN);
  for (size_t k = 0; k < matrix.replicates.size(); ++k) {
    const auto& v = matrix.replicates[k];
    if (v.size() < 2) continue;
    double mean = 0.0, ss = 0.0;
    for (double x : v) mean += x / v.size();
    for (double x : v) ss += (x - mean) * (x - mean);
    r.response_sd.values[k] = std::sqrt(ss / (v.size() - 1));
  }
  r.corrected = correct_baseline(r.response, r.conc1, r.conc2, options.baseline, &r.baseline);
  if (needs_fits) {
    std::vector<double> a, b;
    for (int i = 1; i < r.corrected.rows; ++i) a.push_back(r.corrected(i, 0));
    for (int j = 1; j < r.corrected.cols; ++j) b.push_back(r.corrected(0, j));
    r.fit1 = fit_log_logistic({r.conc1.begin() + 1, r.conc1.end()}, a);
    r.fit2 = fit_log_logistic({r.conc2.begin() + 1, r.conc2.end()}, b);
  }
  for (Method m : options.methods) {
    MethodResult mr;
    mr.method = m;
    mr.scores = score(m, r.corrected, r.conc1, r.conc2);
    mr.mean = mean_combination_score(mr.scores);
    mr.area = most_synergistic_area(mr.scores);
    mr.ratio_window = synergistic_ratio_window(mr.scores, matrix.conc1, matrix.conc2);
    if (options.uncertainty) {
      const int n = r.replicates;
      std::vector<Grid> reps;
      for (int k = 0; k < n; ++k) {
        Grid g = matrix.replicate(k);
        // The summary matrix's correction, applied alike to every replicate.
        for (double& v : g.values) {
          if (options.baseline == Baseline::kAll ||
              (options.baseline == Baseline::kPart && v < 0.0)) {
            v = v - (100.0 - v) / 100.0 * r.baseline;
          }
        }
        reps.push_back(score(m, g, r.conc1, r.conc2));
      }
      const double t = boost::math::quantile(boost::math::students_t(n - 1), 0.975);
      const int R = r.corrected.rows, C = r.corrected.cols;
      mr.rep_mean = Grid(R, C);
      mr.rep_sd = Grid(R, C);
      mr.rep_ci_low = Grid(R, C);
      mr.rep_ci_high = Grid(R, C);
      for (size_t k = 0; k < mr.rep_mean.values.size(); ++k) {
        double mean = 0.0, ss = 0.0;
        for (const Grid& g : reps) mean += g.values[k] / n;
        for (const Grid& g : reps) ss += (g.values[k] - mean) * (g.values[k] - mean);
        const double sd = std::sqrt(ss / (n - 1));
        mr.rep_mean.values[k] = mean;
        mr.rep_sd.values[k] = sd;
        mr.rep_ci_low.values[k] = mean - t * sd / std::sqrt(double(n));
        mr.rep_ci_high.values[k] = mean + t * sd / std::sqrt(double(n));
      }
    }
    r.methods.push_back(std::move(mr));
  }
  r.ci = combination_index(r.corrected, r.conc1, r.conc2);
  return r;
}

std::string SynergyResult::brief_report() const {
  std::string s = fmt::format(
      "block {}: {} x {} ({} x {} concentrations, {} replicate{}, "
      "baseline {:.3f})",
      block_id, drug1, drug2, conc1.size(), conc2.size(), replicates, replicates == 1 ? "" : "s",
      baseline);
  for (const MethodResult& m : methods) {
    s += fmt::format("; {} {:.2f} (most synergistic area {:.2f})", method_name(m.method), m.mean,
                     m.area.mean);
  }
  return s;
}

}  // namespace smartnano::synergy

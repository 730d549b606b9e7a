#include "smartnano/population/distribution.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/population/population.h"

namespace smartnano::population {
namespace {

// The latent standard normal of x (its z-score on the distribution's own scale).
double z_of(const CovariateDistribution& d, double x) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  switch (d.distribution) {
    case Distribution::kLogNormal:
      if (x <= 0) return -kInf;
      if (x == kInf) return kInf;
      return (std::log(x) - std::log(d.location)) / d.scale;
    case Distribution::kLogitNormal:
      if (x <= 0) return -kInf;
      if (x >= 1) return kInf;
      return (logit(x) - logit(d.location)) / d.scale;
    case Distribution::kNormal:
    case Distribution::kUniform:
      break;
  }
  return (x - d.location) / d.scale;
}

// The value whose latent standard normal is z (no truncation).
double value_of(const CovariateDistribution& d, double z) {
  switch (d.distribution) {
    case Distribution::kLogNormal:
      return d.location * std::exp(d.scale * z);
    case Distribution::kLogitNormal:
      return expit(logit(d.location) + d.scale * z);
    case Distribution::kNormal:
    case Distribution::kUniform:
      break;
  }
  return d.location + d.scale * z;
}

}  // namespace

double logit(double p) { return std::log(p / (1.0 - p)); }
double expit(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double standard_normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double standard_normal_quantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  // Acklam (2003), relative error below 1.2e-9 ...
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  double x = 0.0;
  if (p < kLow || p > 1 - kLow) {
    const double q = std::sqrt(-2 * std::log(p < kLow ? p : 1 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > 1 - kLow) x = -x;
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // ... refined by Halley's method on the exact CDF (erfc), in the tail where p is exact.
  for (int step = 0; step < 2; ++step) {
    const double e = x <= 0 ? standard_normal_cdf(x) - p : (1 - p) - standard_normal_cdf(-x);
    const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
    x -= u / (1 + x * u / 2);
  }
  return x;
}

double truncated_normal(double z, double a, double b) {
  if (a > 0) return -truncated_normal(-z, -b, -a);  // work in the lower tail, where Phi is exact
  const double pa = standard_normal_cdf(a), pb = standard_normal_cdf(b);
  const double x = standard_normal_quantile(pa + standard_normal_cdf(z) * (pb - pa));
  return std::clamp(x, a, b);
}

double CovariateDistribution::kept_fraction() const {
  if (distribution == Distribution::kUniform) return 1.0;
  return standard_normal_cdf(z_of(*this, max)) - standard_normal_cdf(z_of(*this, min));
}

double CovariateDistribution::from_standard_normal(double z) const {
  if (distribution == Distribution::kUniform) return min + (max - min) * standard_normal_cdf(z);
  if (std::isinf(min) && std::isinf(max)) return value_of(*this, z);
  const double x = value_of(*this, truncated_normal(z, z_of(*this, min), z_of(*this, max)));
  return std::clamp(x, min, max);
}

void check_distribution(const CovariateDistribution& d, const char* name,
                        std::vector<std::string>& problems) {
  if (std::isnan(d.min) || std::isnan(d.max) || !(d.min < d.max)) {
    problems.push_back(
        fmt::format("{}: truncation min ({}) must be below max ({})", name, d.min, d.max));
    return;
  }
  if (d.distribution == Distribution::kUniform) {
    if (!std::isfinite(d.min) || !std::isfinite(d.max)) {
      problems.push_back(fmt::format("{}: a uniform distribution needs finite min and max", name));
    }
    return;
  }
  if (!std::isfinite(d.location)) {
    problems.push_back(fmt::format("{}: the location must be finite, not {}", name, d.location));
    return;
  }
  if (d.distribution == Distribution::kLogNormal && !(d.location > 0)) {
    problems.push_back(
        fmt::format("{}: the median of a log-normal must be > 0, not {}", name, d.location));
    return;
  }
  if (d.distribution == Distribution::kLogitNormal && !(d.location > 0 && d.location < 1)) {
    problems.push_back(fmt::format("{}: the median of a logit-normal must be in (0, 1), not {}",
                                   name, d.location));
    return;
  }
  if (!(d.scale > 0) || !std::isfinite(d.scale)) {
    problems.push_back(fmt::format("{}: the spread (SD or CV) must be > 0, not {}", name, d.scale));
    return;
  }
  const double kept = d.kept_fraction();
  if (!(kept >= kMinKeptFraction)) {
    problems.push_back(
        fmt::format("{}: truncation to [{}, {}] keeps only {:.3g} of the distribution (at least "
                    "{} is needed)",
                    name, d.min, d.max, kept, kMinKeptFraction));
  }
}

double sample_covariate(const CovariateDistribution& d, RandomStream& stream) {
  if (d.distribution == Distribution::kUniform) return d.min + (d.max - d.min) * stream.uniform();
  // validate() guarantees kept_fraction() >= 1e-3, so this loop ends after ~1000 draws at
  // most on average; the cap only guards against a spec that was never validated.
  for (int attempt = 0; attempt < 1'000'000; ++attempt) {
    const double x = value_of(d, stream.normal());
    if (x >= d.min && x <= d.max) return x;
  }
  throw std::invalid_argument("sample_covariate: the truncation keeps almost nothing");
}

}  // namespace smartnano::population

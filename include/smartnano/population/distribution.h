// Univariate distributions of a virtual population: covariates (weight, height, age, ...),
// tumour phenotypes and the marginals of parameters with variability.
//
// Everything here is computed from a patient's RandomStream or from standard normals handed
// in, with our own code (no std::*_distribution), so a value is the same on every platform
// whose log, exp and erfc agree. docs/population.md gives each distribution's parameters.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace smartnano::population {

class RandomStream;

enum class Distribution {
  kNormal,       // location = mean, scale = SD
  kLogNormal,    // location = median (> 0), scale = SD of ln x
  kLogitNormal,  // for fractions: location = median in (0, 1), scale = SD of logit x
  kUniform,      // on [min, max] (both finite); location and scale unused
};

// A distribution, optionally truncated to [min, max].
struct CovariateDistribution {
  Distribution distribution = Distribution::kNormal;
  double location = 0.0;  // normal: the mean; log-normal, logit-normal: the median
  double scale = 0.0;     // normal: the SD; log-normal: SD of the log; logit-normal: of the logit
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();

  // The fraction of the untruncated distribution that lies in [min, max] (1 for uniform).
  double kept_fraction() const;

  // The value whose latent standard normal is z, with the truncation applied by the quantile
  // map of truncated_normal(): a Gaussian copula's marginal. Uniform: min + (max - min) Phi(z).
  double from_standard_normal(double z) const;
};

// The smallest fraction of a distribution that a truncation may keep (rejection needs
// 1 / fraction draws on average, and the quantile map loses precision beyond it).
inline constexpr double kMinKeptFraction = 1e-3;

// Every problem of `d` as one sentence prefixed by `name`; nothing when it is usable.
void check_distribution(const CovariateDistribution& d, const char* name,
                        std::vector<std::string>& problems);

// Draws one value from `d`: truncation by rejection (normal, log-normal, logit-normal; one
// standard normal per try) or one uniform number (uniform).
double sample_covariate(const CovariateDistribution& d, RandomStream& stream);

// The standard normal cumulative distribution function, 0.5 erfc(-x / sqrt 2).
double standard_normal_cdf(double x);

// Its inverse for p in (0, 1): Acklam's rational approximation refined by two Halley steps
// on erfc, accurate to a few ulp; -inf / +inf at 0 / 1, NaN outside [0, 1].
double standard_normal_quantile(double p);

// The standard normal z moved into [a, b] by the quantile map Phi(z') = Phi(a) + Phi(z)
// (Phi(b) - Phi(a)): z' follows the standard normal truncated to [a, b] and is increasing in
// z (so a copula's rank correlations are kept). Computed in the tail nearer to the interval.
double truncated_normal(double z, double a, double b);

double logit(double p);  // ln(p / (1 - p))
double expit(double x);  // 1 / (1 + exp(-x))

}  // namespace smartnano::population

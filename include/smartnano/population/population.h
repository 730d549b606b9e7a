// Virtual populations: seeded random streams, inter-individual variability and body size.
//
// A population is described by a PopulationSpec (size, seed, log-normal variability of model
// parameters with optional correlations, and distributions of body weight and height). Patient
// k is a pure function of (spec, k): its random numbers come from streams keyed by
// (seed, k, purpose), so patients can be sampled in any order, on any number of threads or
// processes, and come out bit for bit the same. docs/population.md gives the scheme.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "smartnano/model/model.h"

namespace smartnano::population {

// What a stream's numbers are for. Separate purposes give independent streams, so adding a
// covariate distribution does not change any patient's parameters, and vice versa.
enum class StreamPurpose : std::uint64_t {
  kVariability = 1,  // the etas of the parameters
  kWeight = 2,       // body weight
  kHeight = 3,       // body height
};

// SplitMix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
std::uint64_t splitmix64_mix(std::uint64_t z);

// The 64-bit key of the stream (seed, patient, purpose): SplitMix64 applied in a chain,
// mix(mix(mix(seed) ^ patient) ^ purpose). Every input bit reaches every output bit.
std::uint64_t stream_key(std::uint64_t seed, std::uint64_t patient, std::uint64_t purpose);

// A per-patient random stream: std::mt19937_64 seeded with stream_key(seed, patient,
// purpose). The engine's integer output is fixed by the C++ standard, and every derived
// number is computed here from raw 64-bit outputs (no std::*_distribution, whose results
// differ between standard libraries), so a stream gives the same numbers everywhere.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t patient, StreamPurpose purpose);

  // The next raw 64-bit output of the engine.
  std::uint64_t next_u64() { return engine_(); }

  // Uniform on the open interval (0, 1): the top 53 bits b of one output, (b + 0.5) / 2^53.
  double uniform();

  // Standard normal by Marsaglia's polar form of the Box-Muller transform: draws u, v uniform
  // on (-1, 1) until 0 < s = u^2 + v^2 < 1, then returns u * sqrt(-2 ln s / s) and keeps
  // v * sqrt(-2 ln s / s) for the next call. Uses only +, *, /, sqrt (exact in IEEE 754)
  // and log.
  double normal();

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// Log-normal variability of one model parameter: parameter = typical * exp(eta), with
// eta ~ N(0, omega2). A CV is turned into omega2 by omega2_from_cv.
struct ParameterVariability {
  std::string parameter;  // a model parameter name
  double omega2 = 0.0;    // variance of eta (of the log of the parameter); > 0
};

// omega^2 = ln(1 + CV^2), the variance of the log of a log-normal variable with that CV
// (cv as a fraction: 0.3 for 30 %).
double omega2_from_cv(double cv);

// The correlation of the etas of two parameters that both have variability.
struct EtaCorrelation {
  std::string first;
  std::string second;
  double rho = 0.0;  // in [-1, 1]
};

enum class Distribution { kNormal, kLogNormal };

// A covariate distribution, optionally truncated to [min, max] (by rejection).
struct CovariateDistribution {
  Distribution distribution = Distribution::kNormal;
  double location = 0.0;  // normal: the mean; log-normal: the median (> 0)
  double scale = 0.0;     // normal: the SD; log-normal: the SD of the log (> 0)
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();

  // The fraction of the untruncated distribution that lies in [min, max].
  double kept_fraction() const;
};

struct PopulationSpec {
  long size = 0;           // patients, numbered 1..size in outputs (index 0..size-1 here)
  std::uint64_t seed = 0;  // the population's seed
  std::vector<ParameterVariability> variability;
  std::vector<EtaCorrelation> correlations;
  std::optional<CovariateDistribution> weight_kg;  // body weight
  std::optional<CovariateDistribution> height_cm;  // body height

  // Every problem, one sentence each ("population size must be >= 1, not 0"); empty if none.
  // Model-independent: names are checked against a model by PopulationSampler.
  std::vector<std::string> validate() const;
};

// One sampled patient.
struct PatientSample {
  long index = 0;
  std::vector<double> parameters;  // every model parameter, in the model's order and units
  std::vector<double> eta;         // one per spec.variability entry, in that order
  double weight_kg = 0.0;          // 0 when the spec samples no weight
  double height_cm = 0.0;          // 0 when the spec samples no height
};

// A spec checked against a model, with the Cholesky factor of the eta covariance computed
// once. sample() is const and touches no shared state: call it from any number of threads.
class PopulationSampler {
 public:
  // Throws std::invalid_argument when spec.validate() finds a problem, a name is not a model
  // parameter (with a did-you-mean), or the covariance of the etas is not positive definite.
  PopulationSampler(PopulationSpec spec, const model::Model& model,
                    std::vector<double> typical_parameters);

  // Patient `index` (0-based): eta = L z with z from the kVariability stream, then
  // parameter_i = typical_i * exp(eta_i); weight and height from the kWeight and kHeight streams.
  PatientSample sample(long index) const;

  const PopulationSpec& spec() const { return spec_; }
  const Eigen::MatrixXd& covariance() const { return covariance_; }

 private:
  PopulationSpec spec_;
  std::vector<double> typical_;
  std::vector<int> parameter_index_;  // model index of each variability entry
  Eigen::MatrixXd covariance_;        // of the etas
  Eigen::MatrixXd cholesky_;          // lower triangular, covariance = L L^T
};

// Convenience: PopulationSampler(spec, model, typical).sample(index). Prefer a sampler when
// sampling many patients (the checks and the factorisation are done once).
PatientSample sample_patient(const PopulationSpec& spec, const model::Model& model,
                             const std::vector<double>& typical_parameters, long index);

// Draws one value from a covariate distribution (rejection for truncation).
double sample_covariate(const CovariateDistribution& d, RandomStream& stream);

}  // namespace smartnano::population

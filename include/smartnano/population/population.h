// Virtual populations: seeded random streams, inter-individual variability, body size, sex,
// named covariates (age, ...), tumour phenotypes and patients read from a table.
//
// A population is described by a PopulationSpec (size, seed, log-normal or logit-normal
// variability of model parameters with correlations and bounds, distributions of body weight
// and height (optionally by sex), sex, other covariates optionally bound to model covariates,
// tumour phenotypes acting on model parameters, or a table of patients). Patient
// k is a pure function of (spec, k): its random numbers come from streams keyed by
// (seed, k, purpose), so patients can be sampled in any order, on any number of threads or
// processes, and come out bit for bit the same. docs/population.md gives the scheme.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "smartnano/model/model.h"
#include "smartnano/population/distribution.h"
#include "smartnano/population/tumour.h"

namespace smartnano::population {

// What a stream's numbers are for. Separate purposes give independent streams, so adding a
// covariate distribution does not change any patient's parameters, and vice versa.
enum class StreamPurpose : std::uint64_t {
  kVariability = 1,  // the etas of the parameters
  kWeight = 2,       // body weight
  kHeight = 3,       // body height
  kSex = 4,          // female or male
  kTumour = 5,       // the tumour phenotypes' own standard normals
  // Named covariates (age, ...) each have their own: named_covariate_purpose(name).
};

// The stream purpose of the named covariate `name`: FNV-1a (64-bit) of "covariate:" + name
// with the top bit set (so it never equals one of the small fixed purposes above). Adding,
// removing or reordering covariates changes no other quantity of any patient.
StreamPurpose named_covariate_purpose(std::string_view name);

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

// Variability of one model parameter, eta ~ N(0, omega2): log-normal, parameter =
// typical * exp(eta), or logit-normal for fractions (typical in (0, 1)), logit(parameter) =
// logit(typical) + eta. Bounds [min, max] truncate the parameter's distribution by the quantile
// map of truncated_normal() applied to eta / omega (the correlations' ranks are kept; eta is
// then the truncated one). A CV is turned into omega2 by omega2_from_cv.
struct ParameterVariability {
  std::string parameter;  // a model parameter name
  double omega2 = 0.0;    // variance of eta (of the log or logit of the parameter); > 0
  Distribution distribution = Distribution::kLogNormal;   // or kLogitNormal
  double min = -std::numeric_limits<double>::infinity();  // bounds, in the model's unit
  double max = std::numeric_limits<double>::infinity();
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

// Sex: female with probability female_fraction (from the kSex stream), coded in outputs and
// in a bound model covariate as female_code / male_code.
struct SexSpec {
  double female_fraction = 0.5;  // in [0, 1]
  double female_code = 1.0;
  double male_code = 0.0;
  std::string model_covariate;  // the model covariate that gets the code; "" for none
};

// A named covariate (age, creatinine clearance, ...): sampled from its distribution (in its own
// unit) on its own stream, or read from the patient table; reported as NAME_unit and, when
// bound, given to a model covariate converted to that covariate's unit.
struct NamedCovariate {
  std::string name;  // "AGE"
  std::string unit;  // of the distribution and of the reported value ("1": dimensionless)
  CovariateDistribution distribution;           // males too when `female` is set
  std::optional<CovariateDistribution> female;  // females' distribution, when it differs
  bool sampled = true;                          // false: every value comes from the patient table
  std::string model_covariate;                  // "" for none
};

// Patients read from a table (a CSV file): one per row, row r is patient index r. Empty
// vectors are quantities the table does not give; values are in the units named.
struct PatientTable {
  std::string file;  // for messages
  std::vector<double> id;
  std::vector<double> weight_kg, height_cm, bsa_m2;
  std::vector<double> female;  // 1 female, 0 male
  struct Column {
    std::string name;  // a NamedCovariate, model covariate or tumour phenotype name
    std::vector<double> values;
  };
  std::vector<Column> covariates;        // named covariates, in their NamedCovariate unit
  std::vector<Column> model_covariates;  // in the model covariate's unit
  std::vector<Column> phenotypes;        // in the phenotype's unit
  long rows() const { return static_cast<long>(id.size()); }
};

struct PopulationSpec {
  long size = 0;           // patients, numbered 1..size in outputs (index 0..size-1 here)
  std::uint64_t seed = 0;  // the population's seed
  std::vector<ParameterVariability> variability;
  std::vector<EtaCorrelation> correlations;
  std::optional<CovariateDistribution> weight_kg;  // body weight
  std::optional<CovariateDistribution> height_cm;  // body height
  // Females' weight and height when they differ by sex (then weight_kg / height_cm are the
  // males'); need `sex`.
  std::optional<CovariateDistribution> weight_kg_female;
  std::optional<CovariateDistribution> height_cm_female;
  std::optional<SexSpec> sex;
  std::vector<NamedCovariate> covariates;
  // Tumour phenotypes, drawn through one Gaussian copula with the etas: their latent normals
  // u = L21 z + L22 w, where z are the etas' standard normals, w the kTumour stream's and
  // [L11 0; L21 L22] the Cholesky factor of the joint correlation of (eta / omega, u).
  std::vector<TumourPhenotype> tumour;
  // Correlations of the phenotypes' latent normals with each other and with etas: each name is
  // a phenotype or a parameter with variability, at least one a phenotype.
  std::vector<EtaCorrelation> tumour_correlations;
  TumourCarrier carrier;  // for the carrier-dependent relations (pore size, receptor level)
  std::optional<PatientTable> patients;  // when set, size == patients->rows()

  // Every problem, one sentence each ("population size must be >= 1, not 0"); empty if none.
  // Model-independent: names are checked against a model by PopulationSampler.
  std::vector<std::string> validate() const;
};

// One sampled patient.
struct PatientSample {
  long index = 0;
  double id = 0.0;                 // the subject's ID in outputs: index + 1 unless set otherwise
  std::vector<double> parameters;  // every model parameter, in the model's order and units
  std::vector<double> eta;         // one per spec.variability entry, in that order
  double weight_kg = 0.0;          // 0 when the spec samples no weight
  double height_cm = 0.0;          // 0 when the spec samples no height
  double bsa_m2 = 0.0;             // 0 unless the patient table gives it (then it wins)
  // One value per model covariate, in the model's order and units; NaN where the population
  // sets none (the scenario's value applies). Empty when the population sets no covariate.
  std::vector<double> model_covariates;
  // Other values of this patient written to subjects.csv, aligned with
  // PopulationSampler::reported_names() (empty when there are none).
  std::vector<double> reported;
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
  // parameter_i = typical_i * exp(eta_i) (or the logit-normal form); sex from kSex, weight and
  // height from the kWeight and kHeight streams, each named covariate from its own stream,
  // tumour phenotypes from kTumour and z; the patient table's values replace sampled ones.
  PatientSample sample(long index) const;

  const PopulationSpec& spec() const { return spec_; }
  // The number of patients.
  long size() const { return spec_.size; }
  // Column names (with units, e.g. "AGE_y") of PatientSample::reported.
  const std::vector<std::string>& reported_names() const { return reported_names_; }
  const Eigen::MatrixXd& covariance() const { return covariance_; }

 private:
  PopulationSpec spec_;
  std::vector<double> typical_;
  std::vector<int> parameter_index_;  // model index of each variability entry
  std::vector<std::string> reported_names_;
  Eigen::MatrixXd covariance_;  // of the etas
  Eigen::MatrixXd cholesky_;    // lower triangular, covariance = L L^T
  // Bounded variability entries: the bounds of eta / omega (a, b); +-inf when unbounded.
  std::vector<double> eta_lower_, eta_upper_;
  // Tumour copula: latent u = tumour_from_eta_ z + tumour_cholesky_ w.
  Eigen::MatrixXd tumour_from_eta_, tumour_cholesky_;
  std::vector<std::vector<int>> phenotype_parameters_;  // model indices per phenotype
  std::vector<double> reference_transmission_;          // per phenotype (pore hindrance)
  std::vector<int> phenotype_column_;                   // in patients->phenotypes, or -1
  std::vector<int> covariate_column_;                   // in patients->covariates, or -1
  // Model covariates the population sets: (model index, conversion factor to its unit).
  std::vector<std::pair<int, double>> covariate_binding_;  // per spec.covariates entry (-1: none)
  int sex_covariate_ = -1;
  std::vector<int> table_covariate_index_;  // model index per patients->model_covariates
  int model_covariate_count_ = 0;
  bool sets_model_covariates_ = false;

  void build_tumour_copula();
  void bind_covariates(const model::Model& model);
  void apply_tumour(long index, const Eigen::VectorXd& z, PatientSample& p) const;
};

// Convenience: PopulationSampler(spec, model, typical).sample(index). Prefer a sampler when
// sampling many patients (the checks and the factorisation are done once).
PatientSample sample_patient(const PopulationSpec& spec, const model::Model& model,
                             const std::vector<double>& typical_parameters, long index);

}  // namespace smartnano::population

#include "smartnano/population/population.h"

#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "smartnano/core/error.h"

namespace smartnano::population {

std::uint64_t splitmix64_mix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t stream_key(std::uint64_t seed, std::uint64_t patient, std::uint64_t purpose) {
  return splitmix64_mix(splitmix64_mix(splitmix64_mix(seed) ^ patient) ^ purpose);
}

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t patient, StreamPurpose purpose)
    : engine_(stream_key(seed, patient, static_cast<std::uint64_t>(purpose))) {}

double RandomStream::uniform() {
  const std::uint64_t bits = next_u64() >> 11;  // 53 bits
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

double RandomStream::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u = 0.0, v = 0.0, s = 0.0;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

double omega2_from_cv(double cv) { return std::log1p(cv * cv); }

namespace {

double standard_normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// The smallest kept fraction a truncation may leave (rejection needs 1 / fraction draws).
constexpr double kMinKeptFraction = 1e-3;

void check_distribution(const CovariateDistribution& d, const std::string& name,
                        std::vector<std::string>& problems) {
  if (!std::isfinite(d.location)) {
    problems.push_back(fmt::format("{}: the location must be finite, not {}", name, d.location));
    return;
  }
  if (d.distribution == Distribution::kLogNormal && !(d.location > 0)) {
    problems.push_back(
        fmt::format("{}: the median of a log-normal must be > 0, not {}", name, d.location));
    return;
  }
  if (!(d.scale > 0) || !std::isfinite(d.scale)) {
    problems.push_back(fmt::format("{}: the spread (SD or CV) must be > 0, not {}", name, d.scale));
    return;
  }
  if (std::isnan(d.min) || std::isnan(d.max) || !(d.min < d.max)) {
    problems.push_back(
        fmt::format("{}: truncation min ({}) must be below max ({})", name, d.min, d.max));
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

}  // namespace

double CovariateDistribution::kept_fraction() const {
  auto z = [&](double x) {
    if (distribution == Distribution::kLogNormal) {
      if (x <= 0) return -std::numeric_limits<double>::infinity();
      return (std::log(x) - std::log(location)) / scale;
    }
    return (x - location) / scale;
  };
  return standard_normal_cdf(z(max)) - standard_normal_cdf(z(min));
}

std::vector<std::string> PopulationSpec::validate() const {
  std::vector<std::string> problems;
  if (size < 1) problems.push_back(fmt::format("population size must be >= 1, not {}", size));
  std::set<std::string> varied;
  for (const auto& v : variability) {
    if (!(v.omega2 > 0) || !std::isfinite(v.omega2)) {
      problems.push_back(fmt::format("variability of {}: omega2 must be > 0 and finite, not {}",
                                     v.parameter, v.omega2));
    }
    if (!varied.insert(v.parameter).second) {
      problems.push_back(fmt::format("variability of {} is given twice", v.parameter));
    }
  }
  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto& c : correlations) {
    const std::string name = fmt::format("correlation {}-{}", c.first, c.second);
    for (const auto* p : {&c.first, &c.second}) {
      if (!varied.count(*p)) {
        problems.push_back(
            fmt::format("{}: parameter {} has no variability to correlate", name, *p));
      }
    }
    if (c.first == c.second) {
      problems.push_back(fmt::format("{}: a parameter cannot be correlated with itself", name));
    }
    if (!(c.rho >= -1.0 && c.rho <= 1.0)) {
      problems.push_back(fmt::format("{}: must be in [-1, 1], not {}", name, c.rho));
    }
    const auto key = std::minmax(c.first, c.second);
    if (!pairs.insert({key.first, key.second}).second) {
      problems.push_back(fmt::format("{} is given twice", name));
    }
  }
  if (weight_kg) check_distribution(*weight_kg, "weight", problems);
  if (height_cm) check_distribution(*height_cm, "height", problems);
  return problems;
}

PopulationSampler::PopulationSampler(PopulationSpec spec, const model::Model& model,
                                     std::vector<double> typical_parameters)
    : spec_(std::move(spec)), typical_(std::move(typical_parameters)) {
  const auto problems = spec_.validate();
  if (!problems.empty()) throw std::invalid_argument(problems.front());
  if (typical_.size() != model.parameters().size()) {
    throw std::invalid_argument(
        fmt::format("PopulationSampler: {} typical parameter values for the {} parameters of "
                    "model '{}'",
                    typical_.size(), model.parameters().size(), model.name()));
  }
  std::vector<std::string> names;
  for (const auto& p : model.parameters()) names.push_back(p.name);
  for (const auto& v : spec_.variability) {
    const int i = model.parameter_index(v.parameter);
    if (i < 0) {
      throw std::invalid_argument(fmt::format("model '{}' has no parameter '{}'{}", model.name(),
                                              v.parameter, did_you_mean(v.parameter, names)));
    }
    parameter_index_.push_back(i);
  }
  const auto n = static_cast<Eigen::Index>(spec_.variability.size());
  covariance_ = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index k = 0; k < n; ++k) covariance_(k, k) = spec_.variability[k].omega2;
  auto position = [&](const std::string& name) {
    for (Eigen::Index k = 0; k < n; ++k) {
      if (spec_.variability[k].parameter == name) return k;
    }
    return Eigen::Index{-1};  // not reached: validate() checked the names
  };
  for (const auto& c : spec_.correlations) {
    const Eigen::Index a = position(c.first), b = position(c.second);
    covariance_(a, b) = covariance_(b, a) =
        c.rho * std::sqrt(covariance_(a, a) * covariance_(b, b));
  }
  if (n > 0) {
    const Eigen::LLT<Eigen::MatrixXd> llt(covariance_);
    if (llt.info() != Eigen::Success) {
      std::string list;
      for (const auto& v : spec_.variability) list += (list.empty() ? "" : ", ") + v.parameter;
      throw std::invalid_argument(fmt::format(
          "the correlations of the etas of {} do not form a positive definite matrix (no "
          "population has them); lower the largest correlations or remove one",
          list));
    }
    cholesky_ = llt.matrixL();
  }
}

PatientSample PopulationSampler::sample(long index) const {
  PatientSample p;
  p.index = index;
  p.parameters = typical_;
  const auto patient = static_cast<std::uint64_t>(index);
  const auto n = static_cast<Eigen::Index>(parameter_index_.size());
  if (n > 0) {
    RandomStream stream(spec_.seed, patient, StreamPurpose::kVariability);
    Eigen::VectorXd z(n);
    for (Eigen::Index k = 0; k < n; ++k) z(k) = stream.normal();
    // L z by explicit loops: a fixed order of operations, whatever Eigen vectorises.
    p.eta.assign(n, 0.0);
    for (Eigen::Index r = 0; r < n; ++r) {
      double sum = 0.0;
      for (Eigen::Index c = 0; c <= r; ++c) sum += cholesky_(r, c) * z(c);
      p.eta[r] = sum;
    }
    for (Eigen::Index k = 0; k < n; ++k) {
      p.parameters[parameter_index_[k]] *= std::exp(p.eta[k]);
    }
  }
  if (spec_.weight_kg) {
    RandomStream stream(spec_.seed, patient, StreamPurpose::kWeight);
    p.weight_kg = sample_covariate(*spec_.weight_kg, stream);
  }
  if (spec_.height_cm) {
    RandomStream stream(spec_.seed, patient, StreamPurpose::kHeight);
    p.height_cm = sample_covariate(*spec_.height_cm, stream);
  }
  return p;
}

PatientSample sample_patient(const PopulationSpec& spec, const model::Model& model,
                             const std::vector<double>& typical_parameters, long index) {
  return PopulationSampler(spec, model, typical_parameters).sample(index);
}

double sample_covariate(const CovariateDistribution& d, RandomStream& stream) {
  // validate() guarantees kept_fraction() >= 1e-3, so this loop ends after ~1000 draws at
  // most on average; the cap only guards against a spec that was never validated.
  for (int attempt = 0; attempt < 1'000'000; ++attempt) {
    const double z = stream.normal();
    const double x = d.distribution == Distribution::kLogNormal ? d.location * std::exp(d.scale * z)
                                                                : d.location + d.scale * z;
    if (x >= d.min && x <= d.max) return x;
  }
  throw std::invalid_argument("sample_covariate: the truncation keeps almost nothing");
}

}  // namespace smartnano::population

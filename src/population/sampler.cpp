// PopulationSampler: a PopulationSpec checked against a model, with every factorisation and
// lookup done once, and sample(k), a pure function of (spec, k).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "smartnano/core/error.h"
#include "smartnano/core/units.h"
#include "smartnano/population/population.h"

namespace smartnano::population {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The reported column name: NAME, or NAME_unit for a quantity with a unit.
std::string reported_name(std::string name, const std::string& unit) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return unit.empty() || unit == "1" ? name : name + "_" + unit;
}

int column_of(const std::vector<PatientTable::Column>& columns, const std::string& name) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int covariate_index(const model::Model& model, const std::string& name) {
  const auto& covs = model.covariates();
  for (std::size_t i = 0; i < covs.size(); ++i) {
    if (covs[i].name == name) return static_cast<int>(i);
  }
  std::vector<std::string> names;
  for (const auto& c : covs) names.push_back(c.name);
  throw std::invalid_argument(fmt::format("model '{}' has no covariate '{}'{}", model.name(), name,
                                          did_you_mean(name, names)));
}

}  // namespace

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
  auto parameter = [&](const std::string& name) {
    const int i = model.parameter_index(name);
    if (i < 0) {
      throw std::invalid_argument(fmt::format("model '{}' has no parameter '{}'{}", model.name(),
                                              name, did_you_mean(name, names)));
    }
    return i;
  };
  for (const auto& v : spec_.variability) {
    const int i = parameter(v.parameter);
    parameter_index_.push_back(i);
    const double typical = typical_[i];
    const bool logit_normal = v.distribution == Distribution::kLogitNormal;
    if (logit_normal && !(typical > 0 && typical < 1)) {
      throw std::invalid_argument(fmt::format(
          "variability of {}: a logit-normal parameter's typical value must be in (0, 1), not {}",
          v.parameter, typical));
    }
    if (!logit_normal && !(typical > 0)) {
      throw std::invalid_argument(fmt::format(
          "variability of {}: a log-normal parameter's typical value must be > 0, not {}",
          v.parameter, typical));
    }
    // The bounds on the scale of eta / omega.
    CovariateDistribution d{logit_normal ? Distribution::kLogitNormal : Distribution::kLogNormal,
                            typical, std::sqrt(v.omega2), v.min, v.max};
    const bool bounded = std::isfinite(v.min) || std::isfinite(v.max);
    if (bounded && !(d.kept_fraction() >= kMinKeptFraction)) {
      throw std::invalid_argument(fmt::format(
          "variability of {}: bounds [{}, {}] keep only {:.3g} of its distribution around the "
          "typical value {} (at least {} is needed)",
          v.parameter, v.min, v.max, d.kept_fraction(), typical, kMinKeptFraction));
    }
    auto z_of = [&](double x) {
      if (logit_normal) {
        if (x <= 0) return -std::numeric_limits<double>::infinity();
        if (x >= 1) return std::numeric_limits<double>::infinity();
        return (logit(x) - logit(typical)) / d.scale;
      }
      if (x <= 0) return -std::numeric_limits<double>::infinity();
      if (std::isinf(x)) return x;
      return (std::log(x) - std::log(typical)) / d.scale;
    };
    eta_lower_.push_back(bounded ? z_of(v.min) : -std::numeric_limits<double>::infinity());
    eta_upper_.push_back(bounded ? z_of(v.max) : std::numeric_limits<double>::infinity());
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
  for (const auto& t : spec_.tumour) {
    std::vector<int> indices;
    for (const auto& name : t.parameters) indices.push_back(parameter(name));
    phenotype_parameters_.push_back(std::move(indices));
    reference_transmission_.push_back(
        t.relation == PhenotypeRelation::kPoreHindrance
            ? pore_transmission_with_background(t.reference, spec_.carrier)
            : 1.0);
    phenotype_column_.push_back(spec_.patients ? column_of(spec_.patients->phenotypes, t.name)
                                               : -1);
  }
  build_tumour_copula();
  bind_covariates(model);
}

void PopulationSampler::build_tumour_copula() {
  const auto n = static_cast<Eigen::Index>(spec_.variability.size());
  const auto m = static_cast<Eigen::Index>(spec_.tumour.size());
  if (m == 0) return;
  auto phenotype = [&](const std::string& name) {
    for (Eigen::Index k = 0; k < m; ++k) {
      if (spec_.tumour[k].name == name) return k;
    }
    return Eigen::Index{-1};
  };
  auto eta = [&](const std::string& name) {
    for (Eigen::Index k = 0; k < n; ++k) {
      if (spec_.variability[k].parameter == name) return k;
    }
    return Eigen::Index{-1};
  };
  // R: correlation of the phenotypes' latent normals; C: covariance of eta (rows) with them.
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(m, m);
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, m);
  for (const auto& corr : spec_.tumour_correlations) {
    const Eigen::Index a = phenotype(corr.first), b = phenotype(corr.second);
    if (a >= 0 && b >= 0) {
      r(a, b) = r(b, a) = corr.rho;
    } else if (a >= 0) {
      const Eigen::Index e = eta(corr.second);
      c(e, a) = corr.rho * std::sqrt(covariance_(e, e));
    } else {
      const Eigen::Index e = eta(corr.first);
      c(e, b) = corr.rho * std::sqrt(covariance_(e, e));
    }
  }
  // eta = L11 z and u = L21 z + L22 w have cov(eta, u) = L11 L21^T = C and cov(u) = R when
  // L21 = (L11^-1 C)^T and L22 L22^T = R - L21 L21^T (the Schur complement).
  tumour_from_eta_ = Eigen::MatrixXd::Zero(m, n);
  if (n > 0) {
    tumour_from_eta_ = cholesky_.triangularView<Eigen::Lower>().solve(c).transpose();
  }
  const Eigen::MatrixXd schur = r - tumour_from_eta_ * tumour_from_eta_.transpose();
  const Eigen::LLT<Eigen::MatrixXd> llt(schur);
  if (llt.info() != Eigen::Success) {
    throw std::invalid_argument(
        "the tumour correlations (with each other and with the etas) do not form a positive "
        "definite matrix together with the etas' (no population has them); lower the largest "
        "correlations or remove one");
  }
  tumour_cholesky_ = llt.matrixL();
}

void PopulationSampler::bind_covariates(const model::Model& model) {
  model_covariate_count_ = static_cast<int>(model.covariates().size());
  if (spec_.sex) {
    reported_names_.push_back("SEX");
    if (!spec_.sex->model_covariate.empty()) {
      sex_covariate_ = covariate_index(model, spec_.sex->model_covariate);
      sets_model_covariates_ = true;
    }
  }
  for (const auto& c : spec_.covariates) {
    reported_names_.push_back(reported_name(c.name, c.unit));
    covariate_column_.push_back(spec_.patients ? column_of(spec_.patients->covariates, c.name)
                                               : -1);
    if (c.model_covariate.empty()) {
      covariate_binding_.push_back({-1, 1.0});
      continue;
    }
    const int i = covariate_index(model, c.model_covariate);
    const units::Unit& to = model.covariates()[i].unit;
    double factor = 1.0;
    try {
      factor = units::conversion_factor(units::parse_unit(c.unit.empty() ? "1" : c.unit), to);
    } catch (const std::exception& e) {
      throw std::invalid_argument(
          fmt::format("covariate {} in {} cannot be given to model "
                      "covariate {} in {}: {}",
                      c.name, c.unit, c.model_covariate, to.text, e.what()));
    }
    covariate_binding_.push_back({i, factor});
    sets_model_covariates_ = true;
  }
  if (spec_.patients) {
    for (const auto& col : spec_.patients->model_covariates) {
      const int i = covariate_index(model, col.name);
      table_covariate_index_.push_back(i);
      reported_names_.push_back(reported_name(col.name, model.covariates()[i].unit.text));
      sets_model_covariates_ = true;
    }
  }
  for (const auto& t : spec_.tumour) reported_names_.push_back(reported_name(t.name, t.unit));
  std::vector<int> bound;
  if (sex_covariate_ >= 0) bound.push_back(sex_covariate_);
  for (const auto& [i, factor] : covariate_binding_) {
    if (i >= 0) bound.push_back(i);
  }
  bound.insert(bound.end(), table_covariate_index_.begin(), table_covariate_index_.end());
  std::sort(bound.begin(), bound.end());
  const auto twice = std::adjacent_find(bound.begin(), bound.end());
  if (twice != bound.end()) {
    throw std::invalid_argument(fmt::format("model covariate {} is set twice by the population",
                                            model.covariates()[*twice].name));
  }
}

PatientSample PopulationSampler::sample(long index) const {
  PatientSample p;
  p.index = index;
  p.id = static_cast<double>(index + 1);
  p.parameters = typical_;
  const auto patient = static_cast<std::uint64_t>(index);
  const PatientTable* table = spec_.patients ? &*spec_.patients : nullptr;
  if (table) p.id = table->id[index];
  const auto n = static_cast<Eigen::Index>(parameter_index_.size());
  Eigen::VectorXd z(n);
  if (n > 0) {
    RandomStream stream(spec_.seed, patient, StreamPurpose::kVariability);
    for (Eigen::Index k = 0; k < n; ++k) z(k) = stream.normal();
    // L z by explicit loops: a fixed order of operations, whatever Eigen vectorises.
    p.eta.assign(n, 0.0);
    for (Eigen::Index r = 0; r < n; ++r) {
      double sum = 0.0;
      for (Eigen::Index c = 0; c <= r; ++c) sum += cholesky_(r, c) * z(c);
      p.eta[r] = sum;
    }
    for (Eigen::Index k = 0; k < n; ++k) {
      const ParameterVariability& v = spec_.variability[k];
      if (std::isfinite(eta_lower_[k]) || std::isfinite(eta_upper_[k])) {
        const double omega = std::sqrt(v.omega2);
        p.eta[k] = omega * truncated_normal(p.eta[k] / omega, eta_lower_[k], eta_upper_[k]);
      }
      double& x = p.parameters[parameter_index_[k]];
      if (v.distribution == Distribution::kLogitNormal) {
        x = expit(logit(x) + p.eta[k]);
      } else {
        x *= std::exp(p.eta[k]);
      }
      x = std::clamp(x, v.min, v.max);
    }
  }
  bool female = false;
  if (spec_.sex) {
    if (table && !table->female.empty()) {
      female = table->female[index] != 0;
    } else {
      RandomStream stream(spec_.seed, patient, StreamPurpose::kSex);
      female = stream.uniform() < spec_.sex->female_fraction;
    }
  }
  auto body = [&](const std::optional<CovariateDistribution>& all,
                  const std::optional<CovariateDistribution>& females, StreamPurpose purpose) {
    RandomStream stream(spec_.seed, patient, purpose);
    return sample_covariate(female && females ? *females : *all, stream);
  };
  if (spec_.weight_kg)
    p.weight_kg = body(spec_.weight_kg, spec_.weight_kg_female, StreamPurpose::kWeight);
  if (spec_.height_cm)
    p.height_cm = body(spec_.height_cm, spec_.height_cm_female, StreamPurpose::kHeight);
  if (table && !table->weight_kg.empty()) p.weight_kg = table->weight_kg[index];
  if (table && !table->height_cm.empty()) p.height_cm = table->height_cm[index];
  if (table && !table->bsa_m2.empty()) p.bsa_m2 = table->bsa_m2[index];

  if (sets_model_covariates_) p.model_covariates.assign(model_covariate_count_, kNaN);
  if (spec_.sex) {
    const double code = female ? spec_.sex->female_code : spec_.sex->male_code;
    p.reported.push_back(code);
    if (sex_covariate_ >= 0) p.model_covariates[sex_covariate_] = code;
  }
  for (std::size_t c = 0; c < spec_.covariates.size(); ++c) {
    const NamedCovariate& cov = spec_.covariates[c];
    double x = 0.0;
    if (covariate_column_[c] >= 0) {
      x = table->covariates[covariate_column_[c]].values[index];
    } else {
      RandomStream stream(spec_.seed, patient, named_covariate_purpose(cov.name));
      x = sample_covariate(female && cov.female ? *cov.female : cov.distribution, stream);
    }
    p.reported.push_back(x);
    const auto [model_index, factor] = covariate_binding_[c];
    if (model_index >= 0) p.model_covariates[model_index] = x * factor;
  }
  if (table) {
    for (std::size_t c = 0; c < table->model_covariates.size(); ++c) {
      const double x = table->model_covariates[c].values[index];
      p.reported.push_back(x);
      p.model_covariates[table_covariate_index_[c]] = x;
    }
  }
  if (!spec_.tumour.empty()) apply_tumour(index, z, p);
  return p;
}

void PopulationSampler::apply_tumour(long index, const Eigen::VectorXd& z, PatientSample& p) const {
  const auto m = static_cast<Eigen::Index>(spec_.tumour.size());
  const auto n = z.size();
  RandomStream stream(spec_.seed, static_cast<std::uint64_t>(index), StreamPurpose::kTumour);
  Eigen::VectorXd w(m);
  for (Eigen::Index k = 0; k < m; ++k) w(k) = stream.normal();
  for (Eigen::Index j = 0; j < m; ++j) {
    const TumourPhenotype& t = spec_.tumour[j];
    double x = 0.0;
    if (phenotype_column_[j] >= 0) {
      x = spec_.patients->phenotypes[phenotype_column_[j]].values[index];
    } else {
      double u = 0.0;  // explicit loops, a fixed order of operations
      for (Eigen::Index c = 0; c < n; ++c) u += tumour_from_eta_(j, c) * z(c);
      for (Eigen::Index c = 0; c <= j; ++c) u += tumour_cholesky_(j, c) * w(c);
      x = t.distribution.from_standard_normal(u);
    }
    p.reported.push_back(x);
    const double factor = phenotype_factor(t, x, spec_.carrier, reference_transmission_[j]);
    for (const int i : phenotype_parameters_[j]) p.parameters[i] *= factor;
  }
}

PatientSample sample_patient(const PopulationSpec& spec, const model::Model& model,
                             const std::vector<double>& typical_parameters, long index) {
  return PopulationSampler(spec, model, typical_parameters).sample(index);
}

}  // namespace smartnano::population

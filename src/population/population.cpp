#include "smartnano/population/population.h"

#include <algorithm>
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

StreamPurpose named_covariate_purpose(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  for (const char c : std::string("covariate:") + std::string(name)) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;  // FNV prime
  }
  return static_cast<StreamPurpose>(h | (1ULL << 63));
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
  for (const auto& v : variability) {
    if (v.distribution != Distribution::kLogNormal &&
        v.distribution != Distribution::kLogitNormal) {
      problems.push_back(
          fmt::format("variability of {}: a parameter's variability is log-normal or logit-normal",
                      v.parameter));
    }
    if (std::isnan(v.min) || std::isnan(v.max) || !(v.min < v.max)) {
      problems.push_back(fmt::format("variability of {}: bounds min ({}) must be below max ({})",
                                     v.parameter, v.min, v.max));
    }
  }
  if (weight_kg) check_distribution(*weight_kg, "weight", problems);
  if (height_cm) check_distribution(*height_cm, "height", problems);
  if (weight_kg_female) check_distribution(*weight_kg_female, "weight (female)", problems);
  if (height_cm_female) check_distribution(*height_cm_female, "height (female)", problems);
  if ((weight_kg_female && !weight_kg) || (height_cm_female && !height_cm)) {
    problems.push_back("weight and height by sex need the males' distribution too");
  }
  if ((weight_kg_female || height_cm_female) && !sex) {
    problems.push_back("weight and height by sex need a sex distribution (sex)");
  }
  if (sex) {
    if (!(sex->female_fraction >= 0 && sex->female_fraction <= 1)) {
      problems.push_back(
          fmt::format("sex: the female fraction must be in [0, 1], not {}", sex->female_fraction));
    }
    if (!std::isfinite(sex->female_code) || !std::isfinite(sex->male_code) ||
        sex->female_code == sex->male_code) {
      problems.push_back(
          fmt::format("sex: the codes (female {}, male {}) must be finite and differ",
                      sex->female_code, sex->male_code));
    }
  }
  std::set<std::string> names;
  for (const auto& c : covariates) {
    if (!names.insert(c.name).second) {
      problems.push_back(fmt::format("covariate {} is given twice", c.name));
    }
    if (c.name == "SEX") problems.push_back("covariate SEX: sex is given by `sex`");
    if (c.sampled) check_distribution(c.distribution, c.name.c_str(), problems);
    if (c.sampled && c.female) {
      check_distribution(*c.female, (c.name + " (female)").c_str(), problems);
      if (!sex) problems.push_back(fmt::format("{} by sex needs a sex distribution", c.name));
    }
    if (!c.sampled &&
        !(patients && std::any_of(patients->covariates.begin(), patients->covariates.end(),
                                  [&](const auto& col) { return col.name == c.name; }))) {
      problems.push_back(
          fmt::format("covariate {} is neither sampled nor in the patient table", c.name));
    }
  }
  std::set<std::string> phenotypes;
  for (const auto& t : tumour) {
    const auto list = t.validate();
    problems.insert(problems.end(), list.begin(), list.end());
    if (!phenotypes.insert(t.name).second) {
      problems.push_back(fmt::format("tumour phenotype {} is given twice", t.name));
    }
    if (varied.count(t.name)) {
      problems.push_back(fmt::format("{} is both a tumour phenotype and a parameter", t.name));
    }
  }
  pairs.clear();
  for (const auto& c : tumour_correlations) {
    const std::string name = fmt::format("tumour correlation {}-{}", c.first, c.second);
    for (const auto* p : {&c.first, &c.second}) {
      if (!phenotypes.count(*p) && !varied.count(*p)) {
        problems.push_back(fmt::format(
            "{}: {} is neither a tumour phenotype nor a parameter with variability", name, *p));
      }
    }
    if (!phenotypes.count(c.first) && !phenotypes.count(c.second)) {
      problems.push_back(fmt::format(
          "{}: correlations of two parameters belong in `correlations`, not the tumour's", name));
    }
    if (c.first == c.second) problems.push_back(fmt::format("{}: the same name twice", name));
    if (!(c.rho >= -1.0 && c.rho <= 1.0)) {
      problems.push_back(fmt::format("{}: must be in [-1, 1], not {}", name, c.rho));
    }
    const auto key = std::minmax(c.first, c.second);
    if (!pairs.insert({key.first, key.second}).second) {
      problems.push_back(fmt::format("{} is given twice", name));
    }
  }
  if (patients) {
    const long rows = patients->rows();
    if (rows != size) {
      problems.push_back(
          fmt::format("the patient table has {} rows for a population of {}", rows, size));
    }
    auto check_column = [&](const std::vector<double>& v, const std::string& what) {
      if (!v.empty() && static_cast<long>(v.size()) != rows) {
        problems.push_back(fmt::format("patient table column {}: {} values for {} patients", what,
                                       v.size(), rows));
      }
    };
    check_column(patients->weight_kg, "weight");
    check_column(patients->height_cm, "height");
    check_column(patients->bsa_m2, "BSA");
    check_column(patients->female, "SEX");
    for (const auto* list :
         {&patients->covariates, &patients->model_covariates, &patients->phenotypes}) {
      for (const auto& col : *list) check_column(col.values, col.name);
    }
    if (!patients->female.empty() && !sex) {
      problems.push_back("the patient table's SEX column needs `sex` (its codes)");
    }
    if ((!patients->weight_kg.empty() && weight_kg) ||
        (!patients->height_cm.empty() && height_cm)) {
      problems.push_back(
          "weight and height come either from the patient table or from a "
          "distribution, not both");
    }
  }
  return problems;
}

}  // namespace smartnano::population

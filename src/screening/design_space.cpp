// Design spaces and their designs (docs/screening.md).
#include "smartnano/screening/design_space.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/random/sobol.hpp>

#include "smartnano/population/population.h"

namespace smartnano::screening {

std::vector<std::string> Factor::validate() const {
  std::vector<std::string> problems;
  if (name.empty()) problems.push_back("a factor has no name");
  if (is_discrete()) {
    for (const double v : levels) {
      if (!std::isfinite(v))
        problems.push_back(fmt::format("factor '{}': a level is not finite", name));
    }
    if (!labels.empty() && labels.size() != levels.size()) {
      problems.push_back(
          fmt::format("factor '{}': {} labels for {} levels", name, labels.size(), levels.size()));
    }
    return problems;
  }
  if (!(std::isfinite(low) && std::isfinite(high) && low < high)) {
    problems.push_back(fmt::format("factor '{}': low {} must be below high {}", name, low, high));
  }
  if (log_scale && !(low > 0)) {
    problems.push_back(fmt::format("factor '{}': a log scale needs low > 0", name));
  }
  if (factorial_levels < 2) {
    problems.push_back(fmt::format("factor '{}': a full factorial needs >= 2 levels", name));
  }
  return problems;
}

double Factor::value_at(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  if (is_discrete()) {
    const auto k = std::min(levels.size() - 1, static_cast<std::size_t>(u * levels.size()));
    return levels[k];
  }
  return log_scale ? low * std::pow(high / low, u) : low + (high - low) * u;
}

double Factor::coordinate_of(double value) const {
  if (is_discrete()) {
    std::size_t nearest = 0;
    for (std::size_t k = 1; k < levels.size(); ++k) {
      if (std::abs(levels[k] - value) < std::abs(levels[nearest] - value)) nearest = k;
    }
    return (static_cast<double>(nearest) + 0.5) / static_cast<double>(levels.size());
  }
  const double u =
      log_scale ? std::log(value / low) / std::log(high / low) : (value - low) / (high - low);
  return std::clamp(u, 0.0, 1.0);
}

Constraint parse_constraint(const std::string& text) {
  try {
    return Constraint{text, expr::parse(text)};
  } catch (const expr::SyntaxError& e) {
    throw std::invalid_argument(fmt::format("constraint '{}': {}", text, e.what()));
  }
}

void DesignSpace::check() const {
  if (factors.empty()) throw std::invalid_argument("the design space has no factor");
  std::set<std::string> names;
  for (const auto& f : factors) {
    const auto problems = f.validate();
    if (!problems.empty()) throw std::invalid_argument(problems.front());
    if (!names.insert(f.name).second) {
      throw std::invalid_argument(fmt::format("factor '{}' is defined twice", f.name));
    }
  }
  for (const auto& c : constraints) {
    for (const auto& name : expr::referenced_names(c.expression)) {
      if (!names.count(name)) {
        throw std::invalid_argument(
            fmt::format("constraint '{}' names '{}', which is not a "
                        "factor (factors: {})",
                        c.text, name, fmt::join(names, ", ")));
      }
    }
  }
}

bool DesignSpace::admits(const std::vector<double>& candidate) const {
  if (constraints.empty()) return true;
  std::unordered_map<std::string, double> values;
  for (std::size_t i = 0; i < factors.size(); ++i) values[factors[i].name] = candidate[i];
  return std::all_of(constraints.begin(), constraints.end(), [&](const Constraint& c) {
    return expr::evaluate(c.expression, values) != 0.0;
  });
}

std::string to_string(DesignKind kind) {
  switch (kind) {
    case DesignKind::kFullFactorial:
      return "full-factorial";
    case DesignKind::kLatinHypercube:
      return "latin-hypercube";
    case DesignKind::kSobol:
      return "sobol";
  }
  return "?";
}

namespace {

// The values a factor takes in a full factorial.
std::vector<double> factorial_values(const Factor& f) {
  if (f.is_discrete()) return f.levels;
  std::vector<double> v;
  for (int k = 0; k < f.factorial_levels; ++k) {
    v.push_back(f.value_at(static_cast<double>(k) / (f.factorial_levels - 1)));
  }
  return v;
}

}  // namespace

Design make_design(const DesignSpace& space, DesignKind kind, std::size_t size,
                   std::uint64_t seed) {
  space.check();
  const std::size_t d = space.factors.size();
  Design design;
  for (const auto& f : space.factors) design.factors.push_back(f.name);
  auto keep = [&](std::vector<double> candidate) {
    ++design.generated;
    if (space.admits(candidate)) {
      design.candidates.push_back(std::move(candidate));
    } else {
      ++design.rejected;
    }
  };
  if (kind == DesignKind::kFullFactorial) {
    std::vector<std::vector<double>> values;
    double total = 1.0;
    for (const auto& f : space.factors) {
      values.push_back(factorial_values(f));
      total *= static_cast<double>(values.back().size());
    }
    if (total > 1e7) {
      throw std::invalid_argument(fmt::format(
          "a full factorial of these factors has {:.0f} candidates (more than 10 million); use "
          "a Latin hypercube or Sobol design",
          total));
    }
    std::vector<std::size_t> index(d, 0);
    for (auto done = static_cast<std::size_t>(total); done > 0; --done) {
      std::vector<double> candidate(d);
      for (std::size_t i = 0; i < d; ++i) candidate[i] = values[i][index[i]];
      keep(std::move(candidate));
      for (std::size_t i = d; i-- > 0;) {  // odometer: the last factor varies fastest
        if (++index[i] < values[i].size()) break;
        index[i] = 0;
      }
    }
  } else {
    if (size == 0) throw std::invalid_argument("a sampled design needs a size >= 1");
    if (kind == DesignKind::kLatinHypercube) {
      // One permutation of the strata per factor, and a uniform jitter in each stratum, from
      // the project's portable random streams (same design on every platform).
      std::vector<std::vector<double>> u(size, std::vector<double>(d));
      for (std::size_t j = 0; j < d; ++j) {
        population::RandomStream stream(seed, j, population::named_covariate_purpose("lhs"));
        std::vector<std::size_t> strata(size);
        std::iota(strata.begin(), strata.end(), 0);
        for (std::size_t i = size; i > 1; --i) {
          const std::size_t k = std::min(i - 1, static_cast<std::size_t>(stream.uniform() * i));
          std::swap(strata[i - 1], strata[k]);
        }
        for (std::size_t i = 0; i < size; ++i) {
          u[i][j] = (static_cast<double>(strata[i]) + stream.uniform()) / static_cast<double>(size);
        }
      }
      for (const auto& point : u) {
        std::vector<double> candidate(d);
        for (std::size_t j = 0; j < d; ++j) candidate[j] = space.factors[j].value_at(point[j]);
        keep(std::move(candidate));
      }
    } else {
      boost::random::sobol sobol(d);  // starts after the all-zero point
      const double scale = 1.0 / (static_cast<double>(sobol.max()) + 1.0);
      for (std::size_t i = 0; i < size; ++i) {
        std::vector<double> candidate(d);
        for (std::size_t j = 0; j < d; ++j) {
          candidate[j] = space.factors[j].value_at(static_cast<double>(sobol()) * scale);
        }
        keep(std::move(candidate));
      }
    }
  }
  if (design.candidates.empty()) {
    throw std::invalid_argument(
        fmt::format("the constraints reject all {} candidates of the {} design", design.generated,
                    to_string(kind)));
  }
  return design;
}

Design make_refined_design(const DesignSpace& space,
                           const std::vector<std::vector<double>>& centres, std::size_t size,
                           double shrink, std::uint64_t seed) {
  space.check();
  if (centres.empty()) throw std::invalid_argument("a refined design needs at least one centre");
  if (size == 0) throw std::invalid_argument("a refined design needs a size >= 1");
  if (!(shrink > 0.0 && shrink <= 1.0)) {
    throw std::invalid_argument(fmt::format("shrink {} must be in (0, 1]", shrink));
  }
  const std::size_t d = space.factors.size();
  Design design;
  for (const auto& f : space.factors) design.factors.push_back(f.name);
  for (std::size_t c = 0; c < centres.size() && c < size; ++c) {
    if (centres[c].size() != d) {
      throw std::invalid_argument(
          fmt::format("centre {} has {} values for {} factors", c, centres[c].size(), d));
    }
    // Points of this centre: every size-th point, round-robin.
    const std::size_t n = size / centres.size() + (c < size % centres.size() ? 1 : 0);
    std::vector<double> low(d), width(d);
    for (std::size_t j = 0; j < d; ++j) {
      const double u = space.factors[j].coordinate_of(centres[c][j]);
      low[j] = std::clamp(u - shrink / 2, 0.0, 1.0 - shrink);
      width[j] = shrink;
    }
    population::RandomStream stream(seed, c, population::named_covariate_purpose("refine"));
    std::vector<std::vector<double>> u(n, std::vector<double>(d));
    for (std::size_t j = 0; j < d; ++j) {
      std::vector<std::size_t> strata(n);
      std::iota(strata.begin(), strata.end(), 0);
      for (std::size_t i = n; i > 1; --i) {
        const std::size_t k = std::min(i - 1, static_cast<std::size_t>(stream.uniform() * i));
        std::swap(strata[i - 1], strata[k]);
      }
      for (std::size_t i = 0; i < n; ++i) {
        u[i][j] = (static_cast<double>(strata[i]) + stream.uniform()) / static_cast<double>(n);
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<double> candidate(d);
      bool admitted = false;
      for (int attempt = 0; attempt <= 20 && !admitted; ++attempt) {
        for (std::size_t j = 0; j < d; ++j) {
          const Factor& f = space.factors[j];
          const double v = attempt == 0 ? u[i][j] : stream.uniform();
          candidate[j] = f.is_discrete() ? centres[c][j] : f.value_at(low[j] + width[j] * v);
        }
        admitted = space.admits(candidate);
      }
      ++design.generated;
      if (admitted) {
        design.candidates.push_back(std::move(candidate));
      } else {
        ++design.rejected;
      }
    }
  }
  if (design.candidates.empty()) {
    throw std::invalid_argument(fmt::format(
        "the constraints reject all {} points of the refined design", design.generated));
  }
  return design;
}

}  // namespace smartnano::screening

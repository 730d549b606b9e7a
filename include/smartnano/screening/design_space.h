// Formulation libraries as design spaces (docs/screening.md): factors of the carrier and the
// drug (size, PEG, ligand density, charge, release half-life, loading, a categorical carrier
// type or drug), constraints between them, and the designs that sample the space - full
// factorial, Latin hypercube and Sobol. A design is a list of candidates, each a value per
// factor; a screen simulates each candidate across a virtual population.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "smartnano/expr/expression.h"

namespace smartnano::screening {

struct Factor {
  std::string name;
  // Continuous factors span [low, high], on a log scale when `log_scale` (both > 0): a design
  // value u in [0, 1] maps to low * (high / low)^u. A factor with `levels` takes only those
  // values (a full factorial uses them as they are; Latin hypercube and Sobol pick the level
  // of the u-quantile); `labels` names categorical levels (carrier type, drug), whose values
  // are then 0, 1, 2, ...
  double low = 0.0, high = 1.0;
  bool log_scale = false;
  std::vector<double> levels;
  std::vector<std::string> labels;
  int factorial_levels = 3;  // evenly spaced points of a continuous factor in a full factorial

  bool is_discrete() const { return !levels.empty(); }
  // Problems, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
  // The factor's value at unit coordinate u in [0, 1].
  double value_at(double u) const;
  // The unit coordinate of `value`: the inverse of value_at for a continuous factor (clamped to
  // [0, 1]); for a discrete factor, the middle of the stratum of the level nearest to `value`.
  double coordinate_of(double value) const;
};

// A constraint between factors: an expression that must be true (non-zero), e.g.
// "ligand_mol_percent <= 0.5 * peg_mol_percent" or "diameter_nm >= 60 || carrier == 1".
struct Constraint {
  std::string text;
  expr::NodePtr expression;
};

struct DesignSpace {
  std::vector<Factor> factors;
  std::vector<Constraint> constraints;
  // Throws std::invalid_argument naming the factor or constraint: no factor, duplicate names,
  // a bad factor, a constraint that does not parse or names an unknown factor.
  void check() const;
  bool admits(const std::vector<double>& candidate) const;  // every constraint holds
};

// Parses a constraint (throws std::invalid_argument with the text on a syntax error).
Constraint parse_constraint(const std::string& text);

enum class DesignKind { kFullFactorial, kLatinHypercube, kSobol };
std::string to_string(DesignKind kind);

struct Design {
  std::vector<std::string> factors;
  std::vector<std::vector<double>> candidates;  // each: one value per factor
  std::size_t generated = 0;                    // before the constraints
  std::size_t rejected = 0;                     // by the constraints
};

// The design: a full factorial (every combination of levels; `size` ignored), a Latin hypercube
// of `size` points (one point in each of `size` equal strata per factor, strata paired at
// random, jittered inside each stratum; seeded) or the first `size` points of the Sobol
// sequence after its all-zero point (Joe-Kuo direction numbers, Boost.Random).
// Candidates that break a constraint are dropped (and counted). Throws std::invalid_argument
// when the space is not usable, `size` is 0 for a sampled design, a full factorial would exceed
// 10 million candidates, or no candidate is left.
Design make_design(const DesignSpace& space, DesignKind kind, std::size_t size,
                   std::uint64_t seed = 1);

// A refined design around `centres` (candidates of an earlier design, e.g. its Pareto front):
// `size` points shared round-robin among the centres; around each, a Latin hypercube in a box
// `shrink` wide (in unit coordinates, clipped to [0, 1]) for the continuous factors, while
// discrete factors keep the centre's level. A point that breaks a constraint is redrawn
// uniformly in its box (up to 20 times, then dropped and counted as rejected). Seeded like
// make_design. Throws std::invalid_argument for no centre, a centre with the wrong number of
// values, size 0, shrink outside (0, 1], or no admissible point.
Design make_refined_design(const DesignSpace& space,
                           const std::vector<std::vector<double>>& centres, std::size_t size,
                           double shrink, std::uint64_t seed = 1);

}  // namespace smartnano::screening

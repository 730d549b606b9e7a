// Shared helpers of the stratification module: argument checks that name the function and the
// argument, and the normal / t tail probabilities (Boost.Math).
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace smartnano::stratification::detail {

inline void check_conf_level(const char* function, double conf_level) {
  if (!(conf_level > 0 && conf_level < 1)) {
    throw std::invalid_argument(
        fmt::format("{}: conf_level {} must be in (0, 1)", function, conf_level));
  }
}

// Every value finite; the message names the first bad one (0-based index).
inline void check_finite(const char* function, const char* name, const std::vector<double>& v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      throw std::invalid_argument(
          fmt::format("{}: {}[{}] = {} is not a finite number", function, name, i, v[i]));
    }
  }
}

inline void check_same_size(const char* function, const char* name_a, size_t a, const char* name_b,
                            size_t b) {
  if (a != b) {
    throw std::invalid_argument(
        fmt::format("{}: {} has {} values but {} has {}", function, name_a, a, name_b, b));
  }
}

// Counts positives and negatives; throws unless there is at least one of each.
inline void count_outcomes(const char* function, const std::vector<bool>& outcome, int& positives,
                           int& negatives) {
  positives = 0;
  for (bool y : outcome) positives += y ? 1 : 0;
  negatives = static_cast<int>(outcome.size()) - positives;
  if (positives == 0 || negatives == 0) {
    throw std::invalid_argument(fmt::format(
        "{}: outcome needs at least one positive and one negative patient (got {} positive, {} "
        "negative)",
        function, positives, negatives));
  }
}

// z_{1 - (1 - level) / 2}
inline double two_sided_z(double conf_level) {
  return boost::math::quantile(
      boost::math::complement(boost::math::normal(), (1.0 - conf_level) / 2.0));
}

// 2 P(Z > |z|); 0 for infinite z.
inline double normal_two_sided_p(double z) {
  if (std::isinf(z)) return 0.0;
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(z)));
}

// 2 P(T_df > |t|); 0 for infinite t.
inline double t_two_sided_p(double t, double df) {
  if (std::isinf(t)) return 0.0;
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::fabs(t)));
}

}  // namespace smartnano::stratification::detail

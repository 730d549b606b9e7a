// Trigger time courses and their application to a subject's records (docs/triggers.md).
#include "smartnano/triggers/triggers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/core/units.h"

namespace smartnano::triggers {
namespace {

constexpr double kBody = 37.0;

// Knots from a to b in n equal steps (n >= 1).
void append_steps(std::vector<double>& knots, double a, double b, int n) {
  for (int k = 0; k <= n; ++k) {
    const double t = a + (b - a) * k / n;
    if (knots.empty() || t > knots.back()) knots.push_back(t);
  }
}

// Mean of f over each interval of the knots: Simpson's rule on the interval's ends and middle.
template <class F>
std::vector<double> interval_means(const std::vector<double>& knots, F f) {
  std::vector<double> values;
  for (std::size_t k = 1; k < knots.size(); ++k) {
    const double a = knots[k - 1], b = knots[k];
    values.push_back((f(a) + 4 * f(0.5 * (a + b)) + f(b)) / 6);
  }
  return values;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

}  // namespace

double ThermalRelease::rate_per_h(double temperature_celsius) const {
  if (max_rate_per_h <= 0) return 0.0;
  auto k = [this](double t) {
    return max_rate_per_h / (1 + std::exp(-(t - t50_celsius) / width_celsius));
  };
  return std::max(0.0, k(temperature_celsius) - k(kBody));
}

double HeatPerfusion::fold(double t) const {
  if (t <= kBody) return 1.0;
  if (t <= peak_celsius) return 1.0 + (peak_fold - 1.0) * (t - kBody) / (peak_celsius - kBody);
  if (t <= shutdown_celsius) return peak_fold;
  if (t >= shutdown_celsius + 5.0) return shutdown_fold;
  return peak_fold + (shutdown_fold - peak_fold) * (t - shutdown_celsius) / 5.0;
}

double Hyperthermia::temperature_at(double t) const {
  const double s = t - start;
  if (s <= 0) return kBody;
  if (s < ramp) return kBody + (temperature_celsius - kBody) * s / ramp;
  if (s <= ramp + hold) return temperature_celsius;
  const double after = s - ramp - hold;
  return cooling > 0 ? kBody + (temperature_celsius - kBody) * std::exp(-after / cooling) : kBody;
}

double Radiotherapy::surviving_fraction() const {
  return std::exp(-alpha_per_gy * dose_gy - beta_per_gy2 * dose_gy * dose_gy);
}

std::vector<Course> courses(const Hyperthermia& h, double hours_per_time_unit) {
  require(h.temperature_celsius >= kBody && h.temperature_celsius <= 60.0,
          fmt::format("hyperthermia: a tumour temperature of {} C is outside 37-60 C: below body "
                      "temperature nothing is heated, and above 60 C tissue coagulates within "
                      "seconds (thermal ablation), which this compartment model does not represent",
                      h.temperature_celsius));
  require(h.ramp >= 0 && h.hold > 0 && h.cooling >= 0,
          "hyperthermia: ramp and cooling must be >= 0 and the hold (dwell) time > 0");
  require(h.release.max_rate_per_h >= 0 && h.release.width_celsius > 0,
          "hyperthermia: the release needs max_rate >= 0 and width > 0");
  require(h.perfusion.peak_fold > 0 && h.perfusion.shutdown_fold > 0 &&
              h.perfusion.peak_celsius > kBody &&
              h.perfusion.shutdown_celsius >= h.perfusion.peak_celsius,
          "hyperthermia: perfusion folds must be > 0 and 37 C < peak <= shutdown temperature");
  std::vector<double> knots;
  const double t0 = h.start, t1 = h.start + h.ramp, t2 = t1 + h.hold;
  knots.push_back(t0);
  if (h.ramp > 0) append_steps(knots, t0, t1, 12);
  // The hold is constant: one interval (two when it is long, to keep rows readable).
  append_steps(knots, t1, t2, 1);
  if (h.cooling > 0) append_steps(knots, t2, t2 + 8 * h.cooling, 32);
  std::vector<Course> out;
  if (h.release.max_rate_per_h > 0) {
    Course release{"KREL_HEAT_TUM", Combine::kAdd, "1/h", knots, {}};
    release.values =
        interval_means(knots, [&](double t) { return h.release.rate_per_h(h.temperature_at(t)); });
    out.push_back(std::move(release));
  }
  (void)hours_per_time_unit;
  Course perfusion{"PERF_FOLD_TUM", Combine::kMultiply, "1", knots, {}};
  perfusion.values =
      interval_means(knots, [&](double t) { return h.perfusion.fold(h.temperature_at(t)); });
  out.push_back(std::move(perfusion));
  return out;
}

std::vector<Course> courses(const Ultrasound& u) {
  require(!u.times.empty(), "ultrasound: no sonication time");
  require(u.duration > 0 && u.window_half_life > 0 && u.permeability_fold >= 1,
          "ultrasound: duration and window half-life must be > 0 and the permeability fold >= 1");
  std::vector<double> times = u.times;
  std::sort(times.begin(), times.end());
  const double lambda = std::log(2.0) / u.window_half_life;
  // The fold: F during a sonication, then 1 + (F - 1) exp(-lambda s); overlapping windows
  // take the larger fold.
  auto fold = [&](double t) {
    double excess = 0.0;
    for (const double ts : times) {
      const double s = t - ts;
      if (s < 0) continue;
      const double e = s <= u.duration ? 1.0 : std::exp(-lambda * (s - u.duration));
      excess = std::max(excess, e);
    }
    return 1.0 + (u.permeability_fold - 1.0) * excess;
  };
  std::vector<double> knots;
  for (const double ts : times) {
    const double end = ts + u.duration;
    if (!knots.empty() && ts < knots.back())
      knots.erase(std::upper_bound(knots.begin(), knots.end(), ts), knots.end());
    append_steps(knots, ts, end, 1);
    append_steps(knots, end, end + 6 * u.window_half_life, 24);
  }
  Course c{"PERM_FOLD_TUM", Combine::kMultiply, "1", knots, {}};
  c.values = interval_means(knots, fold);
  return {c};
}

std::vector<Course> courses(const Radiotherapy& r, double hours_per_time_unit) {
  require(!r.times.empty(), "radiotherapy: no fraction time");
  require(r.dose_gy > 0 && r.alpha_per_gy >= 0 && r.beta_per_gy2 >= 0,
          "radiotherapy: the dose per fraction must be > 0 and alpha, beta >= 0");
  require(r.permeability_fold >= 1 && (r.permeability_fold == 1 || r.permeability_peak > 0),
          "radiotherapy: the permeability fold must be >= 1, with a peak time > 0");
  std::vector<double> times = r.times;
  std::sort(times.begin(), times.end());
  std::vector<Course> out;
  if (r.kill) {
    const double pulse = r.kill_pulse > 0 ? r.kill_pulse : 1.0 / 60.0 / hours_per_time_unit;
    const double rate_per_h = -std::log(r.surviving_fraction()) / (pulse * hours_per_time_unit);
    Course kill{"RT_KILL_RATE", Combine::kAdd, "1/h", {}, {}};
    for (std::size_t f = 0; f < times.size(); ++f) {
      require(f == 0 || times[f] >= times[f - 1] + pulse, "radiotherapy: two fractions overlap");
      if (!kill.knots.empty() && kill.knots.back() < times[f]) {
        kill.knots.push_back(times[f]);
        kill.values.push_back(0.0);  // between fractions
      } else if (kill.knots.empty()) {
        kill.knots.push_back(times[f]);
      }
      kill.knots.push_back(times[f] + pulse);
      kill.values.push_back(rate_per_h);
    }
    out.push_back(std::move(kill));
  }
  if (r.permeability_fold > 1) {
    const double peak = r.permeability_peak;
    auto fold = [&](double t) {
      double best = 0.0;
      for (const double tf : times) {
        const double s = t - tf;
        if (s > 0) best = std::max(best, (s / peak) * std::exp(1.0 - s / peak));
      }
      return 1.0 + (r.permeability_fold - 1.0) * best;
    };
    std::vector<double> knots;
    for (const double tf : times) {
      if (!knots.empty() && tf < knots.back()) {
        knots.erase(std::upper_bound(knots.begin(), knots.end(), tf), knots.end());
      }
      append_steps(knots, tf, tf + 10 * peak, 40);
    }
    Course c{"PERM_FOLD_TUM", Combine::kMultiply, "1", knots, {}};
    c.values = interval_means(knots, fold);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Course> courses(const Losartan& l) {
  require(l.end > l.start, "losartan: the last dose must come after the first");
  require(l.onset > 0 && l.offset > 0, "losartan: onset and offset time constants must be > 0");
  require(l.perfusion_fold > 0 && l.permeability_fold > 0, "losartan: folds must be > 0");
  auto level = [&](double t) {  // 0 -> 1 approach during dosing, decay after
    if (t <= l.start) return 0.0;
    const double on = 1.0 - std::exp(-(std::min(t, l.end) - l.start) / l.onset);
    return t <= l.end ? on : on * std::exp(-(t - l.end) / l.offset);
  };
  std::vector<double> knots;
  append_steps(knots, l.start, l.end,
               std::max(4, static_cast<int>(std::ceil(4 * (l.end - l.start) / l.onset))));
  append_steps(knots, l.end, l.end + 6 * l.offset, 24);
  std::vector<Course> out;
  for (const auto& [name, target] :
       {std::pair<const char*, double>{"PERF_FOLD_TUM", l.perfusion_fold},
        std::pair<const char*, double>{"PERM_FOLD_TUM", l.permeability_fold}}) {
    if (target == 1.0) continue;
    Course c{name, Combine::kMultiply, "1", knots, {}};
    c.values = interval_means(knots, [&](double t) { return 1.0 + (target - 1.0) * level(t); });
    out.push_back(std::move(c));
  }
  return out;
}

Schedule::Schedule(std::vector<Course> courses, const model::Model& m)
    : courses_(std::move(courses)), covariates_(m.covariates().size()) {
  for (auto& c : courses_) {
    const int i = m.covariate_index(c.covariate);
    if (i < 0) {
      throw std::invalid_argument(fmt::format(
          "model '{}' has no covariate '{}', which this trigger sets ({}); see docs/triggers.md "
          "for the hooks a model needs",
          m.name(), c.covariate,
          c.covariate == "RT_KILL_RATE"
              ? "radiation cell kill needs a tumour-size state: set kill: false or use a model "
                "with one, e.g. doxorubicin_trial_human"
          : c.covariate == "KREL_HEAT_TUM" ? "heat-triggered release"
          : c.covariate == "PERF_FOLD_TUM" ? "a fold change of tumour perfusion"
                                           : "a fold change of tumour permeability"));
    }
    const units::Unit& to = m.covariates()[static_cast<std::size_t>(i)].unit;
    const double factor = units::conversion_factor(units::parse_unit(c.unit), to);
    for (double& v : c.values) v *= factor;
    covariate_index_.push_back(i);
  }
}

void Schedule::apply(simulation::SubjectInput& subject) const {
  if (courses_.empty()) return;
  const std::size_t n_cov = covariates_;
  // Every knot becomes a record unless one is there already.
  std::vector<double> extra;
  for (const auto& c : courses_) extra.insert(extra.end(), c.knots.begin(), c.knots.end());
  std::sort(extra.begin(), extra.end());
  extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
  std::vector<events::Record> records;
  std::vector<double> covariates;
  records.reserve(subject.records.size() + extra.size());
  std::size_t e = 0;
  auto add_extra = [&](double t, std::size_t copy_from) {
    events::Record r;
    r.time = t;
    r.kind = events::RecordKind::kOther;
    records.push_back(r);
    covariates.insert(covariates.end(),
                      subject.covariates.begin() + static_cast<long>(copy_from * n_cov),
                      subject.covariates.begin() + static_cast<long>((copy_from + 1) * n_cov));
  };
  for (std::size_t r = 0; r < subject.records.size(); ++r) {
    const double t = subject.records[r].time;
    while (e < extra.size() && extra[e] < t) add_extra(extra[e++], r);
    while (e < extra.size() && extra[e] == t) ++e;  // a record is there already
    records.push_back(subject.records[r]);
    covariates.insert(covariates.end(), subject.covariates.begin() + static_cast<long>(r * n_cov),
                      subject.covariates.begin() + static_cast<long>((r + 1) * n_cov));
  }
  const std::size_t last = subject.records.empty() ? 0 : subject.records.size() - 1;
  while (e < extra.size() && !subject.records.empty()) add_extra(extra[e++], last);
  // Each record's interval (previous record's time, its time]: the course value there.
  for (std::size_t k = 0; k < courses_.size(); ++k) {
    const Course& c = courses_[k];
    const auto col = static_cast<std::size_t>(covariate_index_[k]);
    double previous = -std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < records.size(); ++r) {
      const double t = records[r].time;
      const double mid = std::isinf(previous) ? t : 0.5 * (previous + t);
      previous = t;
      if (t <= c.knots.front() || mid >= c.knots.back()) continue;
      // The interval (knots[j], knots[j + 1]] that holds this record's interval.
      const auto it = std::upper_bound(c.knots.begin(), c.knots.end(), mid);
      const auto j = static_cast<std::size_t>(it - c.knots.begin()) - 1;
      if (j >= c.values.size()) continue;
      double& v = covariates[r * n_cov + col];
      v = c.combine == Combine::kMultiply ? v * c.values[j] : v + c.values[j];
    }
  }
  subject.records = std::move(records);
  subject.covariates = std::move(covariates);
}

}  // namespace smartnano::triggers

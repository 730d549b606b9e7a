// Schedule optimisation with NLopt (docs/schedule-optimisation.md).
#include "smartnano/screening/optimise.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <nlopt.h>
#include <nlohmann/json.hpp>

#include "smartnano/core/csv.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::screening {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Evaluates variable values (cached: the optimiser may ask twice for the same point).
class Evaluator {
 public:
  Evaluator(const Optimisation& o, const ScreenRunOptions& options, runner::Communicator& comm,
            OptimisationResult& result)
      : o_(o), options_(options), comm_(comm), result_(result) {}

  const Evaluation& at(const std::vector<double>& values) {
    const auto hit = cache_.find(values);
    if (hit != cache_.end()) return result_.evaluations[hit->second];
    int threads = 1;
    const auto candidates =
        evaluate_candidates(o_.screen, {values}, 1, 1, result_.subjects, options_, comm_, threads);
    const CandidateResult& c = candidates.front();
    Evaluation e;
    e.values = values;
    for (const auto& s : c.scores) e.scores.push_back(s.summary);
    e.failures = c.failures;
    e.feasible = std::isfinite(e.scores[0]);
    for (const auto& limit : o_.spec.limits) {
      const double v = e.scores[static_cast<std::size_t>(limit.score)];
      e.feasible =
          e.feasible && std::isfinite(v) && (limit.at_most ? v <= limit.limit : v >= limit.limit);
    }
    result_.evaluations.push_back(e);
    cache_[values] = result_.evaluations.size() - 1;
    return result_.evaluations.back();
  }

 private:
  const Optimisation& o_;
  const ScreenRunOptions& options_;
  runner::Communicator& comm_;
  OptimisationResult& result_;
  std::map<std::vector<double>, std::size_t> cache_;
};

struct Context {
  const Optimisation* o;
  Evaluator* evaluator;
  // NLopt works in unit coordinates, so log-scale variables are searched on their log.
  std::vector<double> values(const double* u) const {
    std::vector<double> v;
    const auto& factors = o->spec.problem.space.factors;
    for (std::size_t j = 0; j < factors.size(); ++j) v.push_back(factors[j].value_at(u[j]));
    return v;
  }
};

// NLopt minimises: the objective is turned for a maximisation; a missing value is +infinity.
double objective(unsigned n, const double* u, double* grad, void* data) {
  (void)n;
  (void)grad;  // derivative-free algorithms only
  const auto* ctx = static_cast<const Context*>(data);
  const Evaluation& e = ctx->evaluator->at(ctx->values(u));
  const double v = e.scores[0];
  if (!std::isfinite(v)) return HUGE_VAL;
  return ctx->o->spec.problem.goals[0] == Goal::kMaximise ? -v : v;
}

struct LimitContext {
  const Context* ctx;
  OptimiseLimit limit;
};

// Constraint c(u) <= 0, scaled by the limit so that tolerances are relative.
double constraint(unsigned n, const double* u, double* grad, void* data) {
  (void)n;
  (void)grad;
  const auto* lc = static_cast<const LimitContext*>(data);
  const Evaluation& e = lc->ctx->evaluator->at(lc->ctx->values(u));
  const double v = e.scores[static_cast<std::size_t>(lc->limit.score)];
  if (!std::isfinite(v)) return HUGE_VAL;
  const double scale = std::max(std::abs(lc->limit.limit), 1e-300);
  return (lc->limit.at_most ? v - lc->limit.limit : lc->limit.limit - v) / scale;
}

nlopt_algorithm algorithm_of(OptimiseAlgorithm a) {
  switch (a) {
    case OptimiseAlgorithm::kCobyla:
      return NLOPT_LN_COBYLA;
    case OptimiseAlgorithm::kBobyqa:
      return NLOPT_LN_BOBYQA;
    case OptimiseAlgorithm::kSubplex:
      return NLOPT_LN_SBPLX;
    case OptimiseAlgorithm::kNelderMead:
      return NLOPT_LN_NELDERMEAD;
  }
  return NLOPT_LN_COBYLA;
}

std::string status_text(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS:
      return "success";
    case NLOPT_STOPVAL_REACHED:
      return "stop value reached";
    case NLOPT_FTOL_REACHED:
      return "objective tolerance reached";
    case NLOPT_XTOL_REACHED:
      return "variable tolerance reached";
    case NLOPT_MAXEVAL_REACHED:
      return "maximum number of evaluations reached";
    case NLOPT_MAXTIME_REACHED:
      return "time limit reached";
    case NLOPT_ROUNDOFF_LIMITED:
      return "stopped by round-off";
    case NLOPT_FORCED_STOP:
      return "stopped";
    default:
      return fmt::format("NLopt failure {}", static_cast<int>(r));
  }
}

// Is a better than b for the goal? (feasible first, then the objective)
bool better(const Evaluation& a, const Evaluation& b, Goal goal) {
  if (a.feasible != b.feasible) return a.feasible;
  if (!std::isfinite(b.scores[0])) return std::isfinite(a.scores[0]);
  if (!std::isfinite(a.scores[0])) return false;
  return goal == Goal::kMaximise ? a.scores[0] > b.scores[0] : a.scores[0] < b.scores[0];
}

}  // namespace

OptimisationResult run_optimisation(const Optimisation& o, const ScreenRunOptions& options,
                                    runner::Communicator& comm) {
  const auto started = std::chrono::steady_clock::now();
  const OptimiseSpec& spec = o.spec;
  const auto& factors = spec.problem.space.factors;
  const auto n = static_cast<unsigned>(factors.size());
  OptimisationResult result;
  result.subjects = o.screen.scenario.subject_count();
  Evaluator evaluator(o, options, comm, result);
  Context ctx{&o, &evaluator};

  std::unique_ptr<std::remove_pointer_t<nlopt_opt>, decltype(&nlopt_destroy)> opt(
      nlopt_create(algorithm_of(spec.algorithm), n), &nlopt_destroy);
  if (!opt) throw std::runtime_error("NLopt could not create the optimiser");
  std::vector<double> lower(n, 0.0), upper(n, 1.0), u(n);
  for (unsigned j = 0; j < n; ++j) u[j] = factors[j].coordinate_of(spec.start[j]);
  nlopt_set_lower_bounds(opt.get(), lower.data());
  nlopt_set_upper_bounds(opt.get(), upper.data());
  nlopt_set_min_objective(opt.get(), objective, &ctx);
  std::vector<LimitContext> limits;
  limits.reserve(spec.limits.size());
  for (const auto& l : spec.limits) limits.push_back({&ctx, l});
  for (auto& l : limits) nlopt_add_inequality_constraint(opt.get(), constraint, &l, 1e-6);
  nlopt_set_xtol_rel(opt.get(), spec.tolerance);
  nlopt_set_maxeval(opt.get(), spec.max_evaluations);
  // A first step of a fifth of each range: large enough to leave a flat start.
  std::vector<double> step(n, 0.2);
  nlopt_set_initial_step(opt.get(), step.data());
  double f = 0.0;
  const nlopt_result status = nlopt_optimize(opt.get(), u.data(), &f);
  result.status = status_text(status);
  result.optimiser_evaluations = result.evaluations.size();
  if (result.evaluations.empty()) evaluator.at(ctx.values(u.data()));

  // The landscape over the first one or two variables, the others at the optimum found.
  std::size_t best = 0;
  for (std::size_t i = 1; i < result.optimiser_evaluations; ++i) {
    if (better(result.evaluations[i], result.evaluations[best], spec.problem.goals[0])) best = i;
  }
  const std::vector<double> optimum = result.evaluations[best].values;
  if (spec.landscape_points > 0) {
    const int points = spec.landscape_points;
    const unsigned axes = std::min(n, 2u);
    std::vector<int> index(axes, 0);
    const int total = axes == 1 ? points : points * points;
    for (int k = 0; k < total; ++k) {
      std::vector<double> values = optimum;
      const int i0 = k % points, i1 = k / points;
      values[0] = factors[0].value_at(static_cast<double>(i0) / (points - 1));
      if (axes == 2) values[1] = factors[1].value_at(static_cast<double>(i1) / (points - 1));
      evaluator.at(values);
      // The cache may have returned an earlier evaluation: find its index.
      for (std::size_t e = 0; e < result.evaluations.size(); ++e) {
        if (result.evaluations[e].values == values) {
          result.landscape.push_back(e);
          break;
        }
      }
    }
  }
  // The best over everything evaluated, the landscape included (a grid point may beat a local
  // optimum; it is reported as such).
  for (std::size_t i = 0; i < result.evaluations.size(); ++i) {
    if (better(result.evaluations[i], result.evaluations[best], spec.problem.goals[0])) best = i;
  }
  result.best = result.evaluations[best];
  result.found_feasible = result.best.feasible;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

void write_optimisation_outputs(const Optimisation& o, const OptimisationResult& result,
                                const std::string& directory) {
  const ScreenSpec& p = o.spec.problem;
  auto cell = [](double v) { return csv_number(v); };
  std::string header;
  for (const auto& f : p.space.factors) header += f.name + ",";
  for (const auto& s : p.scores) header += s.name + ",";
  header += "feasible,failed_subjects";
  auto row = [&](const Evaluation& e) {
    std::string r;
    for (const double v : e.values) r += cell(v) + ",";
    for (const double v : e.scores) r += cell(v) + ",";
    return r + fmt::format("{},{}\n", e.feasible ? 1 : 0, e.failures);
  };
  std::string evaluations = "evaluation,phase," + header + "\n";
  for (std::size_t i = 0; i < result.evaluations.size(); ++i) {
    evaluations +=
        fmt::format("{},{},", i + 1, i < result.optimiser_evaluations ? "optimiser" : "landscape") +
        row(result.evaluations[i]);
  }
  std::string landscape = header + "\n";
  for (const std::size_t i : result.landscape) landscape += row(result.evaluations[i]);

  nlohmann::ordered_json j;
  j["scenario"] = o.screen.scenario.name;
  j["scenario_file"] = o.screen.file;
  j["model"] = o.screen.scenario.model->name();
  j["algorithm"] = to_string(o.spec.algorithm);
  j["status"] = result.status;
  j["optimiser_evaluations"] = result.optimiser_evaluations;
  j["landscape_evaluations"] = result.landscape.size();
  j["subjects"] = result.subjects;
  j["population_summary"] = p.summary == PopulationSummary::kMedian ? "median" : "mean";
  nlohmann::ordered_json variables;
  for (std::size_t k = 0; k < p.space.factors.size(); ++k) {
    const Factor& f = p.space.factors[k];
    const FactorBinding& b = p.bindings[k];
    variables[f.name] = {{"optimum", result.best.values[k]},
                         {"start", o.spec.start[k]},
                         {"low", f.low},
                         {"high", f.high},
                         {"sets", b.field},
                         {"unit", b.target == FactorTarget::kPath ? b.unit : std::string()}};
  }
  j["variables"] = variables;
  auto number = [](double v) {
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json();
  };
  j["objective"] = {
      {"output",
       o.screen.scenario.model->outputs()[static_cast<std::size_t>(p.scores[0].output)].name},
      {"statistic", to_string(p.scores[0].statistic)},
      {"goal", p.goals[0] == Goal::kMaximise ? "max" : "min"},
      {"unit", p.scores[0].unit},
      {"value", number(result.best.scores[0])}};
  nlohmann::ordered_json limits = nlohmann::ordered_json::array();
  for (const auto& l : o.spec.limits) {
    const ScoreSpec& s = p.scores[static_cast<std::size_t>(l.score)];
    limits.push_back(
        {{"output", o.screen.scenario.model->outputs()[static_cast<std::size_t>(s.output)].name},
         {"statistic", to_string(s.statistic)},
         {l.at_most ? "at_most" : "at_least", l.limit},
         {"unit", s.unit},
         {"value", number(result.best.scores[static_cast<std::size_t>(l.score)])}});
  }
  j["limits"] = limits;
  j["feasible"] = result.found_feasible;
  j["wall_seconds"] = result.wall_seconds;

  // The landscape picture: the objective against the first variable, one line per value of the
  // second (if any), feasible points only (an infeasible point breaks the line).
  std::vector<plot::ProfileSeries> lines;
  for (const std::size_t i : result.landscape) {
    const Evaluation& e = result.evaluations[i];
    const std::string label = p.space.factors.size() > 1
                                  ? fmt::format("{} = {:.4g}", p.space.factors[1].name, e.values[1])
                                  : p.scores[0].name;
    if (lines.empty() || lines.back().label != label) lines.push_back({label, {}, {}});
    lines.back().time.push_back(e.values[0]);
    lines.back().value.push_back(e.feasible ? e.scores[0] : kNaN);
  }
  plot::ProfileOptions po;
  po.title =
      fmt::format("{}: objective over the landscape (feasible points)", o.screen.scenario.name);
  const FactorBinding& b0 = p.bindings[0];
  po.x_label = b0.target == FactorTarget::kPath && !b0.unit.empty() && b0.unit != "1"
                   ? fmt::format("{} ({})", p.space.factors[0].name, b0.unit)
                   : p.space.factors[0].name;
  po.y_label = fmt::format(
      "{} {} ({})", to_string(p.scores[0].statistic),
      o.screen.scenario.model->outputs()[static_cast<std::size_t>(p.scores[0].output)].name,
      p.scores[0].unit);

  std::filesystem::create_directories(directory);
  std::vector<std::pair<std::string, std::string>> files{
      {"optimise_summary.json", j.dump(2) + "\n"},
      {"optimise_evaluations.csv", evaluations},
      {"optimise_landscape.csv", landscape},
  };
  if (!lines.empty()) files.emplace_back("optimise_landscape.svg", plot::profile_svg(lines, po));
  std::vector<std::unique_ptr<io::AtomicFile>> pending;
  for (const auto& [name, content] : files) {
    auto f = std::make_unique<io::AtomicFile>((std::filesystem::path(directory) / name).string());
    f->stream() << content;
    pending.push_back(std::move(f));
  }
  for (auto& f : pending) f->commit();
}

}  // namespace smartnano::screening

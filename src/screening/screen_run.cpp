// Running a formulation screen: candidates x virtual patients on threads and MPI ranks, scores,
// fronts, ranks and the second stage (docs/screening.md).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "smartnano/core/error.h"
#include "smartnano/screening/screen.h"
#include "smartnano/simulation/simulate_all.h"

namespace smartnano::screening {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A per-subject statistic over the observation rows (EVID 0) of one output.
double statistic(const simulation::SubjectResult& r, std::size_t n_outputs, int output,
                 ScoreStatistic s, double at) {
  if (s == ScoreStatistic::kAt) {
    double prev_t = kNaN, prev_v = kNaN;
    for (std::size_t k = 0; k < r.times.size(); ++k) {
      if (r.evids[k] != 0) continue;
      const double t = r.times[k];
      const double v = r.outputs[k * n_outputs + static_cast<std::size_t>(output)];
      if (t == at) return v;
      if (t > at) {
        if (std::isnan(prev_t)) return kNaN;  // before the first observation
        return prev_v + (v - prev_v) * (at - prev_t) / (t - prev_t);
      }
      prev_t = t;
      prev_v = v;
    }
    return kNaN;  // after the last observation
  }
  double first_t = kNaN, last_t = kNaN, last_v = kNaN, prev_t = kNaN, prev_v = kNaN;
  double cmax = -std::numeric_limits<double>::infinity(), cmin = -cmax, auc = 0.0;
  std::size_t rows = 0;
  for (std::size_t k = 0; k < r.times.size(); ++k) {
    if (r.evids[k] != 0) continue;
    const double t = r.times[k];
    const double v = r.outputs[k * n_outputs + static_cast<std::size_t>(output)];
    if (rows == 0) first_t = t;
    if (rows > 0) auc += 0.5 * (v + prev_v) * (t - prev_t);
    cmax = std::max(cmax, v);
    cmin = std::min(cmin, v);
    prev_t = t;
    prev_v = v;
    last_t = t;
    last_v = v;
    ++rows;
  }
  if (rows == 0) return kNaN;
  switch (s) {
    case ScoreStatistic::kCmax:
      return cmax;
    case ScoreStatistic::kCmin:
      return cmin;
    case ScoreStatistic::kAuc:
      return auc;
    case ScoreStatistic::kMean:
      return last_t > first_t ? auc / (last_t - first_t) : last_v;
    case ScoreStatistic::kFinal:
      return last_v;
    case ScoreStatistic::kAt:
      break;
  }
  return kNaN;
}

// The p-quantile (type 7, as R's default) of sorted values.
double quantile_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return kNaN;
  const double h = (static_cast<double>(sorted.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double summarise(std::vector<double> values, PopulationSummary how, ScoreSummary* out = nullptr) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double s =
      how == PopulationSummary::kMedian
          ? quantile_sorted(values, 0.5)
          : std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  if (out) {
    out->summary = s;
    out->p05 = quantile_sorted(values, 0.05);
    out->p95 = quantile_sorted(values, 0.95);
  }
  return s;
}

// Every subject's scores for `designs`: candidates x subjects x scores, flattened, computed in
// parallel over threads and ranks.
std::vector<double> simulate_scores(const Screen& screen,
                                    const std::vector<scenario::Scenario>& candidates,
                                    std::size_t subjects, const ScreenRunOptions& options,
                                    runner::Communicator& comm, int& threads_used) {
  const ScreenSpec& spec = screen.spec;
  const std::size_t n_scores = spec.scores.size();
  const std::size_t total = candidates.size() * subjects;
  const auto rank = static_cast<std::size_t>(comm.rank());
  const auto ranks = static_cast<std::size_t>(comm.size());
  const std::size_t begin = total * rank / ranks, end = total * (rank + 1) / ranks;
  const model::ModelPtr& model = screen.scenario.model;
  const std::size_t n_outputs = model->outputs().size();
  std::vector<double> mine((end - begin) * n_scores, kNaN);
  // Chunks bound the memory of results held at once.
  const std::size_t chunk = 1024;
  std::size_t done = 0;
  for (std::size_t first = begin; first < end; first += chunk) {
    const std::size_t count = std::min(chunk, end - first);
    threads_used = simulation::effective_threads(options.threads, count);
    const auto results = simulation::simulate_all(
        model, screen.scenario.options, count,
        [&](std::size_t k) {
          const std::size_t item = first + k;
          const scenario::Scenario& s = candidates[item / subjects];
          simulation::SubjectInput input = s.subject(item % subjects);
          if (input.parameters.empty()) input.parameters = s.parameters;
          return input;
        },
        options.threads);
    for (std::size_t k = 0; k < count; ++k) {
      const auto& r = results[k];
      if (r.status != simulation::SubjectStatus::kSuccess) continue;  // NaN scores
      for (std::size_t q = 0; q < n_scores; ++q) {
        mine[(first - begin + k) * n_scores + q] = statistic(
            r, n_outputs, spec.scores[q].output, spec.scores[q].statistic, spec.scores[q].at);
      }
    }
    done += count;
    if (options.progress && comm.rank() == 0) {
      std::cerr << fmt::format("\rscreen: {}/{} candidate-patient simulations", done, end - begin)
                << std::flush;
    }
  }
  if (options.progress && comm.rank() == 0) std::cerr << "\n";
  if (ranks == 1) return mine;
  // Rank 0 collects every rank's block in order and hands the whole to every rank, so that
  // each can rank candidates and design the second stage identically.
  std::string bytes(reinterpret_cast<const char*>(mine.data()), mine.size() * sizeof(double));
  std::string whole;
  const auto blocks = comm.gather(bytes);
  for (const auto& b : blocks) whole += b;
  whole = comm.broadcast(whole);
  std::vector<double> all(total * n_scores);
  if (whole.size() != all.size() * sizeof(double)) {
    throw std::runtime_error("screen: the ranks returned an unexpected number of scores");
  }
  std::memcpy(all.data(), whole.data(), whole.size());
  return all;
}

}  // namespace

std::vector<CandidateResult> evaluate_candidates(const Screen& screen,
                                                 const std::vector<std::vector<double>>& designs,
                                                 int stage, int first_id, std::size_t subjects,
                                                 const ScreenRunOptions& options,
                                                 runner::Communicator& comm, int& threads_used) {
  const ScreenSpec& spec = screen.spec;
  std::vector<scenario::Scenario> scenarios;
  scenarios.reserve(designs.size());
  for (const auto& values : designs) scenarios.push_back(candidate_scenario(screen, values));
  const std::vector<double> scores =
      simulate_scores(screen, scenarios, subjects, options, comm, threads_used);
  const std::size_t n_scores = spec.scores.size();
  std::vector<CandidateResult> out;
  for (std::size_t c = 0; c < designs.size(); ++c) {
    CandidateResult r;
    r.id = first_id + static_cast<int>(c);
    r.stage = stage;
    r.factors = designs[c];
    r.subject_scores.assign(subjects, std::vector<double>(n_scores));
    for (std::size_t i = 0; i < subjects; ++i) {
      const double* row = &scores[(c * subjects + i) * n_scores];
      std::copy(row, row + n_scores, r.subject_scores[i].begin());
      if (std::isnan(row[0]) && n_scores > 0) {
        bool all_nan = true;
        for (std::size_t q = 0; q < n_scores; ++q) all_nan = all_nan && std::isnan(row[q]);
        if (all_nan) ++r.failures;
      }
    }
    r.scores.resize(n_scores);
    for (std::size_t q = 0; q < n_scores; ++q) {
      std::vector<double> column(subjects);
      for (std::size_t i = 0; i < subjects; ++i) column[i] = r.subject_scores[i][q];
      summarise(column, spec.summary, &r.scores[q]);
    }
    if (spec.responder) {
      const auto q = static_cast<std::size_t>(spec.responder->score);
      std::size_t n = 0, responders = 0;
      for (const auto& row : r.subject_scores) {
        if (std::isnan(row[q])) continue;
        ++n;
        const bool responds = spec.responder->at_most ? row[q] <= spec.responder->threshold
                                                      : row[q] >= spec.responder->threshold;
        if (responds) ++responders;
      }
      r.responder_fraction =
          n > 0 ? static_cast<double>(responders) / static_cast<double>(n) : kNaN;
    }
    if (spec.therapeutic_index) {
      const auto e = static_cast<std::size_t>(spec.therapeutic_index->efficacy);
      const auto t = static_cast<std::size_t>(spec.therapeutic_index->toxicity);
      std::vector<double> ratios;
      for (const auto& row : r.subject_scores) {
        ratios.push_back(row[t] > 0 ? row[e] / row[t] : kNaN);
      }
      r.therapeutic_index = summarise(ratios, spec.summary);
    }
    for (const auto& name : spec.objectives) {
      if (name == kResponderFractionObjective) {
        r.objectives.push_back(r.responder_fraction);
      } else if (name == kTherapeuticIndexObjective) {
        r.objectives.push_back(r.therapeutic_index);
      } else {
        for (std::size_t q = 0; q < n_scores; ++q) {
          if (spec.scores[q].name == name) r.objectives.push_back(r.scores[q].summary);
        }
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

void rank_candidates(const ScreenSpec& spec, std::vector<CandidateResult>& candidates) {
  std::vector<std::vector<double>> values;
  for (const auto& c : candidates) values.push_back(c.objectives);
  const auto fronts = pareto_fronts(values, spec.goals);
  const auto crowding = crowding_distance(values, spec.goals, fronts);
  const auto weighted = weighted_scores(values, spec.goals, spec.weights);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    candidates[i].front = fronts[i];
    candidates[i].crowding = crowding[i];
    candidates[i].weighted_score = weighted[i];
  }
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (candidates[a].weighted_score != candidates[b].weighted_score) {
      return candidates[a].weighted_score > candidates[b].weighted_score;
    }
    return candidates[a].front < candidates[b].front;
  });
  for (std::size_t r = 0; r < order.size(); ++r)
    candidates[order[r]].rank = static_cast<int>(r + 1);
}

ScreenResult run_screen(const Screen& screen, const ScreenRunOptions& options,
                        runner::Communicator& comm) {
  const auto started = std::chrono::steady_clock::now();
  const ScreenSpec& spec = screen.spec;
  ScreenResult result;
  result.subjects = screen.scenario.subject_count();
  result.processes = comm.size();
  const Design first = make_design(spec.space, spec.design, spec.design_size, spec.design_seed);
  result.stage1_generated = first.generated;
  result.stage1_rejected = first.rejected;
  result.candidates = evaluate_candidates(screen, first.candidates, 1, 1, result.subjects, options,
                                          comm, result.threads);
  rank_candidates(spec, result.candidates);
  if (spec.refine.size > 0) {
    std::vector<const CandidateResult*> front;
    for (const auto& c : result.candidates) {
      if (c.front == 1) front.push_back(&c);
    }
    std::sort(front.begin(), front.end(),
              [](const CandidateResult* a, const CandidateResult* b) { return a->rank < b->rank; });
    if (spec.refine.max_centres > 0 && front.size() > spec.refine.max_centres) {
      front.resize(spec.refine.max_centres);
    }
    std::vector<std::vector<double>> centres;
    for (const auto* c : front) centres.push_back(c->factors);
    const Design second = make_refined_design(spec.space, centres, spec.refine.size,
                                              spec.refine.shrink, spec.refine.seed);
    result.stage2_generated = second.generated;
    result.stage2_rejected = second.rejected;
    auto more = evaluate_candidates(screen, second.candidates, 2,
                                    static_cast<int>(result.candidates.size()) + 1, result.subjects,
                                    options, comm, result.threads);
    for (auto& c : more) result.candidates.push_back(std::move(c));
    rank_candidates(spec, result.candidates);
  }
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

ScreenResult run_screen(const Screen& screen, const ScreenRunOptions& options) {
  runner::SerialCommunicator comm;
  return run_screen(screen, options, comm);
}

}  // namespace smartnano::screening

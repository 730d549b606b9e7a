// The files a screen writes (docs/screening.md, "Outputs"), each renamed into place together.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <numeric>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "smartnano/core/csv.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/plot/trial_plots.h"
#include "smartnano/screening/screen.h"

namespace smartnano::screening {
namespace {

using nlohmann::ordered_json;

std::string cell(double v) { return csv_number(v); }

ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(); }

std::string factor_cell(const Factor& f, double v) {
  if (!f.labels.empty()) return f.labels.at(static_cast<std::size_t>(std::lround(v)));
  return cell(v);
}

std::string summary_name(PopulationSummary s) {
  return s == PopulationSummary::kMedian ? "median" : "mean";
}

std::string goal_name(Goal g) { return g == Goal::kMaximise ? "max" : "min"; }

std::string header(const ScreenSpec& spec) {
  std::string h = "rank,id,stage";
  for (const auto& f : spec.space.factors) h += fmt::format(",{}", f.name);
  const std::string s = summary_name(spec.summary);
  for (const auto& q : spec.scores) {
    h += fmt::format(",{0}_{1},{0}_p05,{0}_p95", q.name, s);
  }
  if (spec.responder) h += ",responder_fraction";
  if (spec.therapeutic_index) h += ",therapeutic_index";
  return h + ",front,crowding,weighted_score,failed_subjects\n";
}

std::string row(const ScreenSpec& spec, const CandidateResult& c) {
  std::string r = fmt::format("{},{},{}", c.rank, c.id, c.stage);
  for (std::size_t j = 0; j < spec.space.factors.size(); ++j) {
    r += fmt::format(",{}", factor_cell(spec.space.factors[j], c.factors[j]));
  }
  for (const auto& s : c.scores) {
    r += fmt::format(",{},{},{}", cell(s.summary), cell(s.p05), cell(s.p95));
  }
  if (spec.responder) r += fmt::format(",{}", cell(c.responder_fraction));
  if (spec.therapeutic_index) r += fmt::format(",{}", cell(c.therapeutic_index));
  return r + fmt::format(",{},{},{},{}\n", c.front, cell(c.crowding), cell(c.weighted_score),
                         c.failures);
}

std::string label(const ScreenSpec& spec, const CandidateResult& c) {
  std::string text = fmt::format("#{} (rank {}, front {})", c.id, c.rank, c.front);
  for (std::size_t j = 0; j < spec.space.factors.size(); ++j) {
    text += fmt::format("; {} {}", spec.space.factors[j].name,
                        factor_cell(spec.space.factors[j], c.factors[j]));
  }
  return text;
}

std::string objective_unit(const ScreenSpec& spec, const std::string& name) {
  for (const auto& s : spec.scores) {
    if (s.name == name) return s.unit;
  }
  return "";
}

}  // namespace

void write_screen_outputs(const Screen& screen, const ScreenResult& result,
                          const std::string& directory) {
  const ScreenSpec& spec = screen.spec;
  std::vector<const CandidateResult*> by_rank;
  for (const auto& c : result.candidates) by_rank.push_back(&c);
  std::sort(by_rank.begin(), by_rank.end(),
            [](const CandidateResult* a, const CandidateResult* b) { return a->rank < b->rank; });

  std::string all = header(spec), front = header(spec);
  for (const auto* c : by_rank) {
    all += row(spec, *c);
    if (c->front == 1) front += row(spec, *c);
  }
  std::string subjects = "id,subject";
  for (const auto& q : spec.scores) subjects += fmt::format(",{}", q.name);
  subjects += "\n";
  for (const auto& c : result.candidates) {
    for (std::size_t i = 0; i < c.subject_scores.size(); ++i) {
      subjects += fmt::format("{},{}", c.id, i + 1);
      for (const double v : c.subject_scores[i]) subjects += fmt::format(",{}", cell(v));
      subjects += "\n";
    }
  }

  ordered_json j;
  j["screen"] = screen.scenario.name;
  j["scenario_file"] = screen.file;
  j["model"] = screen.scenario.model->name();
  j["design"] = {{"kind", to_string(spec.design)},
                 {"size", spec.design_size},
                 {"seed", spec.design_seed},
                 {"generated", result.stage1_generated},
                 {"rejected_by_constraints", result.stage1_rejected}};
  if (spec.refine.size > 0) {
    j["refinement"] = {{"size", spec.refine.size},
                       {"shrink", spec.refine.shrink},
                       {"seed", spec.refine.seed},
                       {"generated", result.stage2_generated},
                       {"rejected_by_constraints", result.stage2_rejected}};
  }
  j["subjects_per_candidate"] = result.subjects;
  j["candidates"] = result.candidates.size();
  j["population_summary"] = summary_name(spec.summary);
  ordered_json objectives = ordered_json::array();
  for (std::size_t k = 0; k < spec.objectives.size(); ++k) {
    objectives.push_back({{"name", spec.objectives[k]},
                          {"goal", goal_name(spec.goals[k])},
                          {"weight", spec.weights[k]},
                          {"unit", objective_unit(spec, spec.objectives[k])}});
  }
  j["objectives"] = objectives;
  ordered_json top = ordered_json::array();
  for (const auto* c : by_rank) {
    if (c->front != 1) continue;
    ordered_json entry;
    entry["id"] = c->id;
    entry["rank"] = c->rank;
    entry["stage"] = c->stage;
    ordered_json factors;
    for (std::size_t f = 0; f < spec.space.factors.size(); ++f) {
      const Factor& factor = spec.space.factors[f];
      if (factor.labels.empty()) {
        factors[factor.name] = number(c->factors[f]);
      } else {
        factors[factor.name] = factor_cell(factor, c->factors[f]);
      }
    }
    entry["factors"] = factors;
    ordered_json values;
    for (std::size_t k = 0; k < spec.objectives.size(); ++k) {
      values[spec.objectives[k]] = number(c->objectives[k]);
    }
    entry["objectives"] = values;
    entry["weighted_score"] = number(c->weighted_score);
    top.push_back(entry);
  }
  j["first_front"] = top;
  int failures = 0;
  for (const auto& c : result.candidates) failures += c.failures;
  j["failed_subject_simulations"] = failures;
  j["threads"] = result.threads;
  j["processes"] = result.processes;
  j["wall_seconds"] = result.wall_seconds;

  std::vector<plot::ParetoPoint> points;
  const std::size_t ox = 0, oy = spec.objectives.size() > 1 ? 1 : 0;
  for (const auto& c : result.candidates) {
    points.push_back({c.objectives[ox], c.objectives[oy], c.front, c.stage == 2, label(spec, c)});
  }
  plot::ParetoOptions po;
  po.title = fmt::format("{}: {} candidates, first front of {}", screen.scenario.name,
                         result.candidates.size(), top.size());
  auto axis = [&spec](std::size_t k) {
    const std::string unit = objective_unit(spec, spec.objectives[k]);
    return unit.empty() || unit == "1"
               ? fmt::format("{} ({})", spec.objectives[k], goal_name(spec.goals[k]))
               : fmt::format("{}, {} ({})", spec.objectives[k], unit, goal_name(spec.goals[k]));
  };
  po.x_label = axis(ox);
  po.y_label = axis(oy);
  po.maximise_x = spec.goals[ox] == Goal::kMaximise;
  po.maximise_y = spec.goals[oy] == Goal::kMaximise;

  std::filesystem::create_directories(directory);
  const std::vector<std::pair<std::string, std::string>> files{
      {"screen_candidates.csv", all},
      {"screen_front.csv", front},
      {"screen_subjects.csv", subjects},
      {"screen_summary.json", j.dump(2) + "\n"},
      {"pareto.svg", plot::pareto_svg(points, po)},
  };
  std::vector<std::unique_ptr<io::AtomicFile>> pending;
  for (const auto& [name, content] : files) {
    auto f = std::make_unique<io::AtomicFile>((std::filesystem::path(directory) / name).string());
    f->stream() << content;
    pending.push_back(std::move(f));
  }
  for (auto& f : pending) f->commit();
}

}  // namespace smartnano::screening

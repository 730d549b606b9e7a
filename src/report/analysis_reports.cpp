// The reports of the direction analyses: formulation screens, schedule optimisation and
// drug-combination synergy.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/sections.h"

namespace smartnano::report {
namespace {

using detail::num;

std::string factor_value(const screening::Factor& f, double v) {
  if (!f.labels.empty()) {
    const long k = std::lround(v);
    if (k >= 0 && k < static_cast<long>(f.labels.size())) {
      return f.labels[static_cast<std::size_t>(k)];
    }
  }
  return num(v);
}

std::string goal_name(screening::Goal g) {
  return g == screening::Goal::kMaximise ? "maximise" : "minimise";
}

std::string score_unit(const screening::ScreenSpec& spec, const std::string& objective) {
  for (const auto& s : spec.scores) {
    if (s.name == objective) return s.unit;
  }
  return "";
}

std::string axis_label(const screening::ScreenSpec& spec, std::size_t k) {
  const std::string unit = score_unit(spec, spec.objectives[k]);
  return unit.empty() || unit == "1"
             ? fmt::format("{} ({})", spec.objectives[k], goal_name(spec.goals[k]))
             : fmt::format("{}, {} ({})", spec.objectives[k], unit, goal_name(spec.goals[k]));
}

std::string factor_range(const screening::Factor& f) {
  if (!f.labels.empty()) {
    std::string out;
    for (const auto& l : f.labels) out += (out.empty() ? "" : ", ") + l;
    return out;
  }
  if (!f.levels.empty()) {
    std::string out;
    for (const double l : f.levels) out += (out.empty() ? "" : ", ") + num(l);
    return out;
  }
  return fmt::format("{} - {}{}", num(f.low), num(f.high), f.log_scale ? " (log scale)" : "");
}

Table factor_table(const screening::ScreenSpec& spec) {
  Table t{"Factors", {"factor", "acts on", "unit", "values"}, {}};
  for (std::size_t k = 0; k < spec.space.factors.size(); ++k) {
    const auto& f = spec.space.factors[k];
    const auto& b = spec.bindings[k];
    t.rows.push_back({f.name, b.field, b.unit, factor_range(f)});
  }
  return t;
}

}  // namespace

Report screen_report(const screening::Screen& s, const screening::ScreenResult& result) {
  const auto& spec = s.spec;
  Report r(fmt::format("Formulation screen: {}", s.scenario.name));
  int front = 0, failures = 0;
  for (const auto& c : result.candidates) {
    front += c.front == 1 ? 1 : 0;
    failures += c.failures;
  }
  r.add_heading("Screen");
  if (!s.scenario.description.empty()) r.add_paragraph(s.scenario.description);
  r.add_facts("Run statistics",
              {{"scenario", s.scenario.name},
               {"model", s.scenario.model->name()},
               {"design", fmt::format("{}, {} candidates generated, {} rejected by constraints",
                                      screening::to_string(spec.design), result.stage1_generated,
                                      result.stage1_rejected)},
               {"refinement", spec.refine.size > 0
                                  ? fmt::format("{} generated, {} rejected",
                                                result.stage2_generated, result.stage2_rejected)
                                  : std::string("none")},
               {"candidates evaluated", std::to_string(result.candidates.size())},
               {"subjects per candidate", std::to_string(result.subjects)},
               {"first Pareto front", fmt::format("{} candidates", front)},
               {"failed candidate-subject simulations", std::to_string(failures)},
               {"wall time", fmt::format("{:.2f} s", result.wall_seconds)},
               {"threads x processes", fmt::format("{} x {}", result.threads, result.processes)}});
  r.add_table(factor_table(spec));

  r.add_heading("Candidates");
  std::vector<const screening::CandidateResult*> ranked;
  for (const auto& c : result.candidates) ranked.push_back(&c);
  std::sort(ranked.begin(), ranked.end(),
            [](const auto* a, const auto* b) { return a->rank < b->rank; });
  Table best;
  best.caption = fmt::format(
      "The best {} of {} candidates by weighted score (all in "
      "screen_candidates.csv)",
      std::min<std::size_t>(ranked.size(), 25), ranked.size());
  best.header = {"rank", "candidate", "stage", "front", "weighted score"};
  for (const auto& f : spec.space.factors) best.header.push_back(f.name);
  for (std::size_t k = 0; k < spec.objectives.size(); ++k) {
    best.header.push_back(axis_label(spec, k));
  }
  for (std::size_t i = 0; i < ranked.size() && i < 25; ++i) {
    const auto& c = *ranked[i];
    std::vector<std::string> row = {std::to_string(c.rank), fmt::format("#{}", c.id),
                                    std::to_string(c.stage), std::to_string(c.front),
                                    num(c.weighted_score, 3)};
    for (std::size_t j = 0; j < spec.space.factors.size() && j < c.factors.size(); ++j) {
      row.push_back(factor_value(spec.space.factors[j], c.factors[j]));
    }
    for (const double o : c.objectives) row.push_back(num(o));
    best.rows.push_back(std::move(row));
  }
  r.add_table(std::move(best));

  if (!spec.objectives.empty()) {
    std::vector<plot::ParetoPoint> points;
    const std::size_t ox = 0, oy = spec.objectives.size() > 1 ? 1 : 0;
    for (const auto& c : result.candidates) {
      std::string label = fmt::format("#{}:", c.id);
      for (std::size_t j = 0; j < spec.space.factors.size() && j < c.factors.size(); ++j) {
        label += fmt::format(" {} {}", spec.space.factors[j].name,
                             factor_value(spec.space.factors[j], c.factors[j]));
      }
      points.push_back({c.objectives[ox], c.objectives[oy], c.front, c.stage == 2, label});
    }
    plot::ParetoOptions po;
    po.title = fmt::format("Pareto front: {} candidates, first front of {}",
                           result.candidates.size(), front);
    po.x_label = axis_label(spec, ox);
    po.y_label = axis_label(spec, oy);
    po.maximise_x = spec.goals[ox] == screening::Goal::kMaximise;
    po.maximise_y = spec.goals[oy] == screening::Goal::kMaximise;
    r.add_plot(pareto_plot(points, po));
  }

  if (!ranked.empty() && !ranked.front()->subject_scores.empty()) {
    const auto& top = *ranked.front();
    r.add_heading("Exposure distributions of the best candidate");
    r.add_paragraph(fmt::format(
        "Candidate #{} (rank 1): each score per subject of the virtual population.", top.id));
    for (std::size_t k = 0; k < spec.scores.size() && k < 6; ++k) {
      HistogramGroup g{spec.scores[k].name, {}};
      for (const auto& subject : top.subject_scores) {
        if (k < subject.size()) g.values.push_back(subject[k]);
      }
      plot::PlotOptions po;
      po.title = fmt::format("{} of candidate #{}", spec.scores[k].name, top.id);
      po.x_label = spec.scores[k].unit.empty() || spec.scores[k].unit == "1"
                       ? spec.scores[k].name
                       : fmt::format("{} ({})", spec.scores[k].name, spec.scores[k].unit);
      r.add_plot(histogram_plot({g}, po));
    }
  }
  detail::add_parameter_section(r, s.scenario);
  detail::add_scenario_section(r, s.file);
  return r;
}

Report optimisation_report(const screening::Optimisation& o,
                           const screening::OptimisationResult& result) {
  const auto& p = o.spec.problem;
  const auto& model = *o.screen.scenario.model;
  Report r(fmt::format("Schedule optimisation: {}", o.screen.scenario.name));
  r.add_heading("Optimisation");
  if (!o.screen.scenario.description.empty()) r.add_paragraph(o.screen.scenario.description);
  r.add_facts("Run statistics",
              {{"scenario", o.screen.scenario.name},
               {"model", model.name()},
               {"algorithm", screening::to_string(o.spec.algorithm)},
               {"stopped because", result.status},
               {"optimiser evaluations", std::to_string(result.optimiser_evaluations)},
               {"landscape evaluations", std::to_string(result.landscape.size())},
               {"subjects per evaluation", std::to_string(result.subjects)},
               {"a schedule met every limit", result.found_feasible ? "yes" : "no"},
               {"wall time", fmt::format("{:.2f} s", result.wall_seconds)}});
  r.add_heading("Optimum");
  Table best{result.found_feasible ? "The best feasible evaluation"
                                   : "No evaluation met every limit; the best infeasible one",
             {"quantity", "value", "unit"},
             {}};
  for (std::size_t k = 0; k < p.space.factors.size() && k < result.best.values.size(); ++k) {
    best.rows.push_back({p.space.factors[k].name, num(result.best.values[k], 5),
                         p.bindings[k].unit == "1" ? "" : p.bindings[k].unit});
  }
  for (std::size_t k = 0; k < p.scores.size() && k < result.best.scores.size(); ++k) {
    const auto& sc = p.scores[k];
    std::string role = k == 0 ? (p.goals.empty() ? "objective" : goal_name(p.goals[0])) : "";
    for (const auto& l : o.spec.limits) {
      if (l.score == static_cast<int>(k)) {
        role = fmt::format("limit {} {}", l.at_most ? "<=" : ">=", num(l.limit, 5));
      }
    }
    best.rows.push_back(
        {fmt::format("{} {} ({})", screening::to_string(sc.statistic),
                     model.outputs()[static_cast<std::size_t>(sc.output)].name, role),
         num(result.best.scores[k], 5), sc.unit});
  }
  r.add_table(std::move(best));

  const std::string objective_label = fmt::format(
      "{} {} ({})", screening::to_string(p.scores[0].statistic),
      model.outputs()[static_cast<std::size_t>(p.scores[0].output)].name, p.scores[0].unit);
  const auto& b0 = p.bindings[0];
  const std::string x_label = !b0.unit.empty() && b0.unit != "1"
                                  ? fmt::format("{} ({})", p.space.factors[0].name, b0.unit)
                                  : p.space.factors[0].name;
  if (!result.landscape.empty()) {
    r.add_heading("Landscape");
    std::vector<plot::ProfileSeries> lines;
    for (const std::size_t i : result.landscape) {
      const auto& e = result.evaluations[i];
      const std::string label =
          p.space.factors.size() > 1
              ? fmt::format("{} = {:.4g}", p.space.factors[1].name, e.values[1])
              : p.scores[0].name;
      if (lines.empty() || lines.back().label != label) lines.push_back({label, {}, {}});
      lines.back().time.push_back(e.values[0]);
      lines.back().value.push_back(e.feasible ? e.scores[0] : NAN);
    }
    plot::ProfileOptions po;
    po.title = "Objective over the landscape (feasible points)";
    po.x_label = x_label;
    po.y_label = objective_label;
    Plot plot = line_plot(lines, po);
    if (plot.problem.empty()) {
      plot.caption =
          "The objective against the first variable, one line per value of the "
          "second, the other variables at the optimum; infeasible points are left "
          "out.";
    } else {
      plot.problem += " (no landscape point meets every limit)";
    }
    r.add_plot(std::move(plot));
  }
  r.add_heading("The optimiser's path");
  plot::ProfileSeries path{"objective", {}, {}};
  plot::ProfileSeries feasible{"objective (feasible)", {}, {}};
  for (std::size_t i = 0; i < result.optimiser_evaluations && i < result.evaluations.size(); ++i) {
    const auto& e = result.evaluations[i];
    path.time.push_back(static_cast<double>(i + 1));
    path.value.push_back(e.scores.empty() ? NAN : e.scores[0]);
    feasible.time.push_back(static_cast<double>(i + 1));
    feasible.value.push_back(e.feasible && !e.scores.empty() ? e.scores[0] : NAN);
  }
  plot::ProfileOptions po;
  po.title = "Objective at each evaluation of the optimiser";
  po.x_label = "evaluation";
  po.y_label = objective_label;
  r.add_plot(line_plot({path, feasible}, po));
  detail::add_parameter_section(r, o.screen.scenario);
  detail::add_scenario_section(r, o.screen.file);
  return r;
}

Report synergy_report(const std::string& input_file,
                      const std::vector<std::pair<std::string, std::string>>& settings,
                      const std::vector<synergy::SynergyResult>& results) {
  Report r(fmt::format("Drug-combination synergy: {}", input_file));
  r.add_heading("Analysis");
  std::vector<std::pair<std::string, std::string>> facts = {
      {"input", input_file}, {"matrices", std::to_string(results.size())}};
  for (const auto& s : settings) facts.push_back(s);
  facts.push_back({"units", "responses in % inhibition; scores in percentage points"});
  r.add_facts("Settings", std::move(facts));
  Table summary{
      "Mean score and most synergistic area per matrix and method",
      {"block", "drug 1", "drug 2", "replicates", "method", "mean score", "most synergistic area"},
      {}};
  for (const auto& m : results) {
    for (const auto& method : m.methods) {
      summary.rows.push_back({m.block_id, m.drug1, m.drug2, std::to_string(m.replicates),
                              synergy::method_name(method.method), num(method.mean),
                              num(method.area.mean)});
    }
  }
  r.add_table(std::move(summary));
  for (const auto& m : results) {
    r.add_heading(fmt::format("Block {}: {} + {}", m.block_id, m.drug1, m.drug2));
    const std::string unit = m.conc_unit.empty() ? "" : " (" + m.conc_unit + ")";
    for (const auto& method : m.methods) {
      const std::string name = synergy::method_name(method.method);
      plot::SynergyHeatmap hm;
      for (double c : m.conc1) hm.row_labels.push_back(fmt::format("{:g}", c));
      for (double c : m.conc2) hm.col_labels.push_back(fmt::format("{:g}", c));
      hm.values = method.scores.values;
      hm.area_row = method.area.row;
      hm.area_col = method.area.col;
      hm.area_rows = method.area.rows;
      hm.area_cols = method.area.cols;
      plot::SynergyHeatmapOptions po;
      po.title =
          fmt::format("{} synergy: {} + {} (mean {})", name, m.drug1, m.drug2, num(method.mean, 3));
      po.y_label = m.drug1 + unit;
      po.x_label = m.drug2 + unit;
      r.add_plot(synergy_heatmap_plot(hm, po));
    }
    // The single agents' measured responses (first column and first row of the matrix).
    std::vector<plot::ProfileSeries> agents(2);
    agents[0].label = m.drug1;
    agents[1].label = m.drug2;
    for (std::size_t i = 0; i < m.conc1.size(); ++i) {
      agents[0].time.push_back(m.conc1[i]);
      agents[0].value.push_back(m.corrected(static_cast<int>(i), 0));
    }
    for (std::size_t j = 0; j < m.conc2.size(); ++j) {
      agents[1].time.push_back(m.conc2[j]);
      agents[1].value.push_back(m.corrected(0, static_cast<int>(j)));
    }
    plot::ProfileOptions po;
    po.title = fmt::format("Single agents: {} and {}", m.drug1, m.drug2);
    po.x_label = "concentration" + unit;
    po.y_label = "inhibition, baseline-corrected (%)";
    Plot p = line_plot(agents, po);
    if (p.problem.empty()) {
      p.caption = "Measured responses of each drug alone (the matrix's first column and row).";
    }
    r.add_plot(std::move(p));
  }
  return r;
}

}  // namespace smartnano::report

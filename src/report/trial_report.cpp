// The report of a virtual trial (`smartnano trial`, `smartnano run` on a trial scenario): the
// first replicate's pictures, as trial_output.cpp draws them in SVG, plus exposure
// distributions, biomarker ROC curves and the enrichment comparison.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/sections.h"
#include "smartnano/survival/survival.h"

namespace smartnano::report {
namespace {

using detail::num;

std::string rate(const survival::ProportionInterval& p) {
  if (!std::isfinite(p.estimate)) return "NA";
  return fmt::format("{:.0f} % ({:.0f}-{:.0f})", 100 * p.estimate, 100 * p.lower, 100 * p.upper);
}

std::string months(const survival::SurvivalSummary& s) {
  auto show = [](double x) { return std::isnan(x) ? std::string("NR") : fmt::format("{:.1f}", x); };
  return fmt::format("{} ({}-{})", show(s.median), show(s.median_lower), show(s.median_upper));
}

plot::KaplanMeierCurve km_curve(const std::string& label,
                                const std::vector<trial::TimeToEvent>& outcomes) {
  plot::KaplanMeierCurve curve;
  curve.label = label;
  std::vector<trial::TimeToEvent> in_months;
  for (const auto& o : outcomes) {
    if (!o.defined()) continue;
    in_months.push_back({o.time_days / trial::kDaysPerMonth, o.event});
    curve.subject_times.push_back(o.time_days / trial::kDaysPerMonth);
  }
  const survival::SurvivalData data = trial::to_survival_data(in_months);
  if (data.size() == 0) return curve;
  const survival::KaplanMeier km = survival::kaplan_meier(data);
  const survival::ConfidenceBand band =
      survival::confidence_band(km, survival::ConfidenceType::kLog);
  curve.time = km.time;
  curve.survival = km.surv;
  curve.lower = band.lower;
  curve.upper = band.upper;
  for (std::size_t i = 0; i < km.time.size(); ++i) {
    if (km.n_censor[i] > 0) curve.censor_times.push_back(km.time[i]);
  }
  return curve;
}

void add_arm_table(Report& r, const trial::Trial& t, const trial::TrialResult& result) {
  if (result.replicates.empty()) return;
  const auto& first = result.replicates.front();
  const bool with_os = t.spec.endpoints.overall_survival.has_value();
  Table table;
  table.caption = fmt::format("Arms of the first replicate ({} screened)", first.screened);
  table.header = {"arm",
                  "patients",
                  "ORR (95 % CI)",
                  "DCR (95 % CI)",
                  "PFS median, months (95 % CI)",
                  "OS median, months (95 % CI)",
                  "grade >= 3 neutropenia",
                  "mean cumulative mg/m2",
                  "mean cycles"};
  for (const auto& a : first.arms) {
    table.rows.push_back({a.arm, std::to_string(a.patients),
                          rate(a.response.objective_response_rate),
                          rate(a.response.disease_control_rate), months(a.pfs),
                          with_os ? months(a.os) : std::string("-"), rate(a.neutropenia_grade3),
                          num(a.mean_cumulative_mg_per_m2), num(a.mean_cycles, 3)});
  }
  r.add_table(std::move(table));
  if (first.comparison) {
    const auto& c = *first.comparison;
    const auto& control = t.spec.arms[static_cast<std::size_t>(t.spec.analysis.control_arm)].name;
    std::vector<std::pair<std::string, std::string>> facts = {
        {"PFS hazard ratio",
         fmt::format("{} ({}-{}), log-rank p = {}", num(c.pfs_hazard_ratio, 3), num(c.pfs_lower, 3),
                     num(c.pfs_upper, 3), num(c.pfs_logrank_p, 3))},
        {"ORR difference",
         fmt::format("{}, Fisher p = {}", num(c.orr_difference, 3), num(c.orr_fisher_p, 3))},
        {"primary analysis met", c.success ? "yes" : "no"}};
    if (with_os) {
      facts.insert(facts.begin() + 1,
                   {"OS hazard ratio",
                    fmt::format("{} ({}-{}), log-rank p = {}", num(c.os_hazard_ratio, 3),
                                num(c.os_lower, 3), num(c.os_upper, 3), num(c.os_logrank_p, 3))});
    }
    if (!c.note.empty()) facts.push_back({"note", c.note});
    r.add_facts(fmt::format("{} against {}", t.spec.arms[0].name, control), std::move(facts));
  }
  if (result.power && t.spec.replicates > 1) {
    r.add_paragraph(fmt::format("Power over {} replicated trials: {}.", t.spec.replicates,
                                rate(*result.power)));
  }
  if (!result.sample_size.empty()) {
    Table power{"Power by patients per arm",
                {"patients per arm", "replicates", "power (95 % CI)", "median hazard ratio"},
                {}};
    for (const auto& p : result.sample_size) {
      power.rows.push_back({std::to_string(p.patients_per_arm), std::to_string(p.replicates),
                            rate(p.power), num(p.median_hazard_ratio, 3)});
    }
    r.add_table(std::move(power));
  }
}

// The pictures of one trial's first replicate.
void add_trial_plots(Report& r, const trial::Trial& t, const trial::TrialResult& result,
                     const std::string& population) {
  const auto& spec = t.spec;
  const std::string suffix = population.empty() ? "" : " (" + population + ")";
  std::vector<plot::KaplanMeierCurve> pfs, os;
  std::vector<plot::WaterfallBar> bars;
  std::vector<plot::SpiderSeries> spiders;
  std::vector<HistogramGroup> exposure, cardiac;
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    std::vector<trial::TimeToEvent> p_out, o_out;
    HistogramGroup e{spec.arms[a].name, {}}, c{spec.arms[a].name, {}};
    for (const auto& p : result.patients) {
      if (p.replicate != 0 || p.arm != static_cast<int>(a) || !p.failure.empty()) continue;
      p_out.push_back(p.endpoints.progression_free_survival);
      o_out.push_back(p.overall_survival);
      e.values.push_back(p.tumour_exposure);
      c.values.push_back(p.cardiac_exposure);
    }
    pfs.push_back(km_curve(spec.arms[a].name, p_out));
    os.push_back(km_curve(spec.arms[a].name, o_out));
    exposure.push_back(std::move(e));
    cardiac.push_back(std::move(c));
  }
  for (const auto& p : result.patients) {
    if (p.replicate != 0 || !p.failure.empty()) continue;
    const std::string arm = spec.arms[static_cast<std::size_t>(p.arm)].name;
    const std::string id = fmt::format("{} #{}", arm, p.patient);
    const std::string response(trial::to_string(p.endpoints.best.response));
    bars.push_back({id, 100.0 * p.endpoints.best_change_from_baseline, response, arm});
    plot::SpiderSeries series;
    series.id = id;
    series.arm = arm;
    series.response = response;
    for (const auto& v : p.endpoints.visits) {
      series.time.push_back(v.time_days / 7.0);
      series.change_pct.push_back(100.0 * v.change_from_baseline);
    }
    spiders.push_back(std::move(series));
  }
  // Followed outputs (trajectories:): per arm the median and 5-95 % band over the patients
  // still on study at each time.
  const auto& traj = spec.trajectories;
  const std::vector<double> times =
      traj.outputs.empty() ? std::vector<double>() : trial::trajectory_times(traj);
  const std::size_t n_out = traj.outputs.size();
  for (std::size_t j = 0; j < n_out; ++j) {
    const auto& out = t.scenario.model->outputs()[static_cast<std::size_t>(traj.outputs[j])];
    std::vector<BandSeries> bands;
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      BandSeries b;
      b.label = spec.arms[a].name;
      for (std::size_t k = 0; k < times.size(); ++k) {
        std::vector<double> values;
        for (const auto& p : result.patients) {
          if (p.replicate != 0 || p.arm != static_cast<int>(a) || !p.failure.empty()) continue;
          const std::size_t at = k * n_out + j;
          if (at < p.trajectory.size() && std::isfinite(p.trajectory[at])) {
            values.push_back(p.trajectory[at]);
          }
        }
        b.subjects = std::max(b.subjects, values.size());
        if (values.empty()) continue;
        std::sort(values.begin(), values.end());
        b.time.push_back(times[k]);
        b.median.push_back(detail::quantile(values, 0.5));
        b.p05.push_back(detail::quantile(values, 0.05));
        b.p95.push_back(detail::quantile(values, 0.95));
      }
      bands.push_back(std::move(b));
    }
    plot::ProfileOptions po;
    po.title = fmt::format("{} over time{}", out.name, suffix);
    po.x_label = "days from randomisation";
    po.y_label = out.unit.text == "1" ? out.name : fmt::format("{} ({})", out.name, out.unit.text);
    r.add_plot(band_plot(bands, po));
  }
  plot::KaplanMeierOptions km;
  km.title = "Progression-free survival" + suffix;
  km.y_label = "Progression-free survival";
  r.add_plot(kaplan_meier_plot(pfs, km));
  if (spec.endpoints.overall_survival) {
    km.title = "Overall survival" + suffix;
    km.y_label = "Overall survival";
    r.add_plot(kaplan_meier_plot(os, km));
  }
  plot::WaterfallOptions waterfall;
  waterfall.title = "Best change in tumour size (RECIST 1.1)" + suffix;
  waterfall.group_by_arm = spec.arms.size() > 1;
  r.add_plot(waterfall_plot(bars, waterfall));
  plot::SpiderOptions spider;
  spider.title = "Tumour size over time" + suffix;
  r.add_plot(spider_plot(spiders, spider));
  if (spec.exposure_output >= 0) {
    const auto& out = t.scenario.model->outputs()[static_cast<std::size_t>(spec.exposure_output)];
    plot::PlotOptions po;
    po.title = "Tumour exposure" + suffix;
    po.x_label = fmt::format("{} at the end of study ({})", out.name, out.unit.text);
    po.y_label = "Patients";
    r.add_plot(histogram_plot(exposure, po));
  }
  if (spec.endpoints.cardiac >= 0) {
    const auto& out = t.scenario.model->outputs()[static_cast<std::size_t>(spec.endpoints.cardiac)];
    plot::PlotOptions po;
    po.title = "Cardiac exposure" + suffix;
    po.x_label = fmt::format("{} at the end of study ({})", out.name, out.unit.text);
    po.y_label = "Patients";
    r.add_plot(histogram_plot(cardiac, po));
  }
}

void add_biomarkers(Report& r, const trial::Trial& t, const trial::TrialResult& result) {
  if (result.biomarker_performance.empty()) return;
  r.add_heading("Biomarkers");
  Table table{"Biomarkers for objective response on " + t.spec.arms[0].name,
              {"biomarker", "patients", "responders", "AUC (95 % CI)", "Youden threshold",
               "sensitivity", "specificity", "PPV", "NPV", "Spearman with tumour exposure", "note"},
              {}};
  std::vector<plot::RocCurvePlot> curves;
  for (const auto& b : result.biomarker_performance) {
    table.rows.push_back(
        {b.name, std::to_string(b.patients), std::to_string(b.responders),
         fmt::format("{} ({}-{})", num(b.auc, 3), num(b.auc_lower, 3), num(b.auc_upper, 3)),
         num(b.youden_threshold), num(b.sensitivity, 3), num(b.specificity, 3), num(b.ppv, 3),
         num(b.npv, 3), num(b.spearman_exposure, 3), b.note});
    curves.push_back(trial::biomarker_roc_curve(b));
  }
  r.add_table(std::move(table));
  plot::RocOptions roc;
  roc.title = fmt::format("Biomarkers for objective response ({})", t.spec.arms[0].name);
  r.add_plot(roc_plot(curves, roc));
}

}  // namespace

Report trial_report(const trial::Trial& t, const trial::TrialResult& result) {
  Report r(fmt::format("Virtual trial: {}", t.scenario.name));
  r.add_heading("Trial");
  if (!t.scenario.description.empty()) r.add_paragraph(t.scenario.description);
  std::size_t patients = result.patients.size();
  if (result.selected) patients += result.selected->patients.size();
  std::string arms;
  for (const auto& a : t.spec.arms) arms += (arms.empty() ? "" : ", ") + a.name;
  const int failures = result.failures + (result.selected ? result.selected->failures : 0);
  r.add_facts("Run statistics", {{"scenario", t.scenario.name},
                                 {"model", t.scenario.model->name()},
                                 {"arms", arms},
                                 {"replicates", std::to_string(t.spec.replicates)},
                                 {"patients simulated", std::to_string(patients)},
                                 {"patients that failed to solve", std::to_string(failures)},
                                 {"wall time", fmt::format("{:.2f} s", result.wall_seconds)},
                                 {"pictures", "first replicate"}});
  add_biomarkers(r, t, result);
  if (!result.selected) {
    r.add_heading("Results");
    add_arm_table(r, t, result);
    r.add_heading("Pictures");
    add_trial_plots(r, t, result, "");
  } else {
    const auto& rule = *t.spec.selection_rule;
    const std::string selected = fmt::format(
        "selected: {} {} {:.4g}", t.spec.biomarkers[static_cast<std::size_t>(rule.biomarker)].name,
        rule.below ? "<=" : ">=", result.selection_threshold);
    r.add_heading("All-comers");
    add_arm_table(r, t, result);
    add_trial_plots(r, t, result, "all-comers");
    r.add_heading(fmt::format("Selected patients ({})", selected.substr(10)));
    add_arm_table(r, t, *result.selected);
    add_trial_plots(r, t, *result.selected, selected);
  }
  detail::add_parameter_section(r, t.scenario);
  detail::add_scenario_section(r, t.file.find("(built in)") != std::string::npos ? "" : t.file);
  return r;
}

}  // namespace smartnano::report

// The files a trial run writes (docs/trials.md, "Outputs"): tables, a JSON summary and the SVG
// pictures of the first replicate. All are built in memory and renamed into place together.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "smartnano/core/csv.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/plot/trial_plots.h"
#include "smartnano/trial/trial.h"

namespace smartnano::trial {

namespace {

using nlohmann::ordered_json;

// A number for CSV: empty for NaN ("not defined"), "Inf" for infinity as R reads it.
std::string cell(double v) { return csv_number(v); }

// A number for JSON: null when not finite.
ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(); }

std::string quoted(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

ordered_json interval(const survival::ProportionInterval& p) {
  return {{"estimate", number(p.estimate)}, {"lower", number(p.lower)}, {"upper", number(p.upper)}};
}

ordered_json survival_json(const survival::SurvivalSummary& s) {
  return {{"n", s.n},
          {"events", s.events},
          {"median_months", number(s.median)},
          {"median_lower", number(s.median_lower)},
          {"median_upper", number(s.median_upper)}};
}

ordered_json arm_json(const ArmSummary& a, bool with_os) {
  ordered_json j;
  j["arm"] = a.arm;
  j["patients"] = a.patients;
  j["best_overall_response"] = {{"CR", a.response.complete},
                                {"PR", a.response.partial},
                                {"SD", a.response.stable},
                                {"PD", a.response.progressive},
                                {"NE", a.response.not_evaluable}};
  j["objective_response_rate"] = interval(a.response.objective_response_rate);
  j["disease_control_rate"] = interval(a.response.disease_control_rate);
  j["progression_free_survival"] = survival_json(a.pfs);
  if (with_os) j["overall_survival"] = survival_json(a.os);
  j["neutropenia_grade3_or_worse"] = interval(a.neutropenia_grade3);
  j["neutropenia_grade4"] = interval(a.neutropenia_grade4);
  j["mean_cumulative_dose_mg_per_m2"] = number(a.mean_cumulative_mg_per_m2);
  j["reached_cumulative_limit"] = interval(a.reached_cumulative_limit);
  j["mean_cardiac_exposure"] = number(a.mean_cardiac_exposure);
  j["mean_doses_given"] = number(a.mean_cycles);
  j["held_or_reduced"] = interval(a.held_or_reduced);
  return j;
}

ordered_json comparison_json(const Comparison& c, const Trial& trial) {
  ordered_json j;
  const TrialSpec& spec = trial.spec;
  j["experimental"] = spec.arms[0].name;
  j["control"] = spec.arms[static_cast<std::size_t>(spec.analysis.control_arm)].name;
  j["pfs_hazard_ratio"] = {{"estimate", number(c.pfs_hazard_ratio)},
                           {"lower", number(c.pfs_lower)},
                           {"upper", number(c.pfs_upper)},
                           {"logrank_p", number(c.pfs_logrank_p)}};
  if (spec.endpoints.overall_survival) {
    j["os_hazard_ratio"] = {{"estimate", number(c.os_hazard_ratio)},
                            {"lower", number(c.os_lower)},
                            {"upper", number(c.os_upper)},
                            {"logrank_p", number(c.os_logrank_p)}};
  }
  j["orr_difference"] = number(c.orr_difference);
  j["orr_fisher_p"] = number(c.orr_fisher_p);
  j["primary_analysis_met"] = c.success;
  if (!c.note.empty()) j["note"] = c.note;
  return j;
}

std::string endpoint_name(PrimaryEndpoint e) {
  switch (e) {
    case PrimaryEndpoint::kProgressionFreeSurvival:
      return "pfs";
    case PrimaryEndpoint::kOverallSurvival:
      return "os";
    case PrimaryEndpoint::kObjectiveResponse:
      return "orr";
  }
  return "?";
}

plot::KaplanMeierCurve km_curve(const std::string& label,
                                const std::vector<TimeToEvent>& outcomes) {
  plot::KaplanMeierCurve curve;
  curve.label = label;
  std::vector<TimeToEvent> months;
  for (const auto& o : outcomes) {
    months.push_back({o.time_days / kDaysPerMonth, o.event});
    curve.subject_times.push_back(o.time_days / kDaysPerMonth);
  }
  const survival::SurvivalData data = to_survival_data(months);
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

}  // namespace

namespace {

ordered_json performance_json(const BiomarkerPerformance& b) {
  return {{"biomarker", b.name},
          {"patients", b.patients},
          {"responders", b.responders},
          {"auc", number(b.auc)},
          {"auc_lower", number(b.auc_lower)},
          {"auc_upper", number(b.auc_upper)},
          {"youden_threshold", number(b.youden_threshold)},
          {"sensitivity", number(b.sensitivity)},
          {"specificity", number(b.specificity)},
          {"ppv", number(b.ppv)},
          {"npv", number(b.npv)},
          {"spearman_tumour_exposure", number(b.spearman_exposure)},
          {"spearman_tumour_exposure_p", number(b.spearman_exposure_p)},
          {"spearman_best_change", number(b.spearman_best_change)},
          {"spearman_best_change_p", number(b.spearman_best_change_p)},
          {"note", b.note}};
}

// The files of one trial run (tables, JSON, pictures), named relative to the output folder.
// A percentile of sorted values by linear interpolation (R's type 7); NaN when empty.
double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Median and 10th-90th percentiles over an arm's patients of each trajectory output and time.
struct TrajectoryStats {
  std::vector<double> median, p10, p90;  // [time]
  std::vector<int> patients;             // with a value at that time
};

std::vector<std::vector<TrajectoryStats>> trajectory_stats(
    const TrialSpec& spec, const std::vector<const PatientOutcome*>& first) {
  const std::size_t n_t = trajectory_times(spec.trajectories).size();
  const std::size_t n_o = spec.trajectories.outputs.size();
  std::vector<std::vector<TrajectoryStats>> stats(spec.arms.size(),
                                                  std::vector<TrajectoryStats>(n_o));
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    for (std::size_t j = 0; j < n_o; ++j) {
      TrajectoryStats& st = stats[a][j];
      for (std::size_t k = 0; k < n_t; ++k) {
        std::vector<double> v;
        for (const PatientOutcome* p : first) {
          if (p->arm != static_cast<int>(a) || !p->failure.empty()) continue;
          if (p->trajectory.size() != n_t * n_o) continue;
          const double x = p->trajectory[k * n_o + j];
          if (std::isfinite(x)) v.push_back(x);
        }
        std::sort(v.begin(), v.end());
        st.median.push_back(percentile(v, 0.5));
        st.p10.push_back(percentile(v, 0.1));
        st.p90.push_back(percentile(v, 0.9));
        st.patients.push_back(static_cast<int>(v.size()));
      }
    }
  }
  return stats;
}

// A subgroup's label: the output's value at randomisation.
std::string subgroup_label(const Trial& trial, double value) {
  for (const auto& [v, name] : trial.spec.subgroup_labels) {
    if (std::abs(v - value) <= 1e-9 * std::max(1.0, std::abs(v))) return name;
  }
  const auto& o =
      trial.scenario.model->outputs()[static_cast<std::size_t>(trial.spec.subgroup_output)];
  return fmt::format("{} = {:.4g}", o.name, value);
}

// Responder fractions of the first replicate per arm, and per arm and subgroup.
struct ResponderRow {
  std::string arm, subgroup;  // subgroup "" for all patients of the arm
  ResponseSummary response;
};

std::vector<ResponderRow> responder_rows(const Trial& trial,
                                         const std::vector<const PatientOutcome*>& first) {
  const TrialSpec& spec = trial.spec;
  std::vector<ResponderRow> rows;
  std::vector<double> groups;
  if (spec.subgroup_output >= 0) {
    for (const PatientOutcome* p : first) {
      if (!p->failure.empty() || !std::isfinite(p->subgroup)) continue;
      if (std::find(groups.begin(), groups.end(), p->subgroup) == groups.end()) {
        groups.push_back(p->subgroup);
      }
    }
    std::sort(groups.begin(), groups.end());
  }
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    auto add = [&](const std::string& label, auto keep) {
      std::vector<Response> best;
      for (const PatientOutcome* p : first) {
        if (p->arm == static_cast<int>(a) && p->failure.empty() && keep(*p)) {
          best.push_back(p->endpoints.best.response);
        }
      }
      if (best.empty()) return;
      rows.push_back({spec.arms[a].name, label, summarize_responses(best)});
    };
    add("", [](const PatientOutcome&) { return true; });
    for (const double g : groups) {
      add(subgroup_label(trial, g), [g](const PatientOutcome& p) { return p.subgroup == g; });
    }
  }
  return rows;
}

ordered_json add_trial_files(const Trial& trial, const TrialResult& result,
                             const std::string& prefix, std::map<std::string, std::string>& files) {
  const TrialSpec& spec = trial.spec;

  // trial_patients.csv: one row per patient of every replicate.
  {
    std::ostringstream out;
    out << "replicate,arm,patient,ID,population_index,entry_days,baseline_sld_mm,best_response,"
           "best_change_pct,objective_response,disease_control,pfs_days,pfs_event,"
           "dor_days,dor_event,os_days,os_event,death_days,censor_days,doses,delays,reductions,"
           "cumulative_mg_per_m2,stop_reason,stop_days,nadir_neutrophils,neutropenia_grade,"
           "cardiac_exposure,tumour_exposure";
    for (const auto& b : spec.biomarkers) out << ',' << quoted(b.name);
    out << ",failure\n";
    for (const auto& p : result.patients) {
      const auto& e = p.endpoints;
      out << p.replicate + 1 << ',' << quoted(spec.arms[static_cast<std::size_t>(p.arm)].name)
          << ',' << p.patient << ',' << cell(p.id) << ',' << p.population_index + 1 << ','
          << cell(p.entry_days) << ',' << cell(p.baseline_sld_mm) << ','
          << (p.failure.empty() ? std::string(to_string(e.best.response)) : "") << ','
          << cell(100.0 * e.best_change_from_baseline) << ',' << e.objective_response << ','
          << e.disease_control << ',' << cell(e.progression_free_survival.time_days) << ','
          << e.progression_free_survival.is_event() << ',' << cell(e.duration_of_response.time_days)
          << ','
          << (e.duration_of_response.defined() ? (e.duration_of_response.is_event() ? "1" : "0")
                                               : "")
          << ',' << cell(p.overall_survival.time_days) << ',' << p.overall_survival.is_event()
          << ',' << cell(p.death_days) << ',' << cell(p.censor_days) << ',' << p.doses.size() << ','
          << p.delays << ',' << p.reductions << ',' << cell(p.cumulative_mg_per_m2) << ','
          << quoted(to_string(p.stop)) << ',' << cell(p.stop_days) << ','
          << cell(p.nadir_neutrophils) << ',' << p.worst_neutropenia_grade << ','
          << cell(p.cardiac_exposure) << ',' << cell(p.tumour_exposure);
      for (std::size_t b = 0; b < spec.biomarkers.size(); ++b) {
        out << ',' << (b < p.biomarkers.size() ? cell(p.biomarkers[b]) : "");
      }
      out << ',' << quoted(p.failure) << '\n';
    }
    files[prefix + "trial_patients.csv"] = out.str();
  }
  // trial_visits.csv and trial_doses.csv: the first replicate's imaging and dosing.
  std::vector<const PatientOutcome*> first;
  for (const auto& p : result.patients) {
    if (p.replicate == 0) first.push_back(&p);
  }
  {
    std::ostringstream out;
    out << "arm,patient,ID,time_days,sld_mm,change_from_baseline_pct,change_from_nadir_pct,"
           "response\n";
    for (const PatientOutcome* p : first) {
      for (const auto& v : p->endpoints.visits) {
        out << quoted(spec.arms[static_cast<std::size_t>(p->arm)].name) << ',' << p->patient << ','
            << cell(p->id) << ',' << cell(v.time_days) << ',' << cell(v.sld_mm) << ','
            << cell(100.0 * v.change_from_baseline) << ',' << cell(100.0 * v.change_from_nadir)
            << ',' << to_string(v.response) << '\n';
      }
    }
    files[prefix + "trial_visits.csv"] = out.str();
  }
  {
    std::ostringstream out;
    out << "arm,patient,ID,time_days,dosing_line,amount,dose_mg_per_m2\n";
    for (const PatientOutcome* p : first) {
      for (const auto& d : p->doses) {
        out << quoted(spec.arms[static_cast<std::size_t>(p->arm)].name) << ',' << p->patient << ','
            << cell(p->id) << ',' << cell(d.time_days) << ',' << d.line + 1 << ',' << cell(d.amount)
            << ',' << cell(d.per_m2) << '\n';
      }
    }
    files[prefix + "trial_doses.csv"] = out.str();
  }
  // trial_arms.csv: one row per replicate and arm.
  {
    std::ostringstream out;
    out << "replicate,arm,patients,screened,CR,PR,SD,PD,NE,orr,orr_lower,orr_upper,dcr,"
           "pfs_median_months,pfs_median_lower,pfs_median_upper,os_median_months,"
           "os_median_lower,os_median_upper,neutropenia_grade3,neutropenia_grade4,"
           "mean_cumulative_mg_per_m2,reached_cumulative_limit,mean_cardiac_exposure\n";
    for (const auto& r : result.replicates) {
      for (const auto& a : r.arms) {
        out << r.replicate + 1 << ',' << quoted(a.arm) << ',' << a.patients << ',' << r.screened
            << ',' << a.response.complete << ',' << a.response.partial << ',' << a.response.stable
            << ',' << a.response.progressive << ',' << a.response.not_evaluable << ','
            << cell(a.response.objective_response_rate.estimate) << ','
            << cell(a.response.objective_response_rate.lower) << ','
            << cell(a.response.objective_response_rate.upper) << ','
            << cell(a.response.disease_control_rate.estimate) << ',' << cell(a.pfs.median) << ','
            << cell(a.pfs.median_lower) << ',' << cell(a.pfs.median_upper) << ','
            << cell(a.os.median) << ',' << cell(a.os.median_lower) << ',' << cell(a.os.median_upper)
            << ',' << cell(a.neutropenia_grade3.estimate) << ','
            << cell(a.neutropenia_grade4.estimate) << ',' << cell(a.mean_cumulative_mg_per_m2)
            << ',' << cell(a.reached_cumulative_limit.estimate) << ','
            << cell(a.mean_cardiac_exposure) << '\n';
      }
    }
    files[prefix + "trial_arms.csv"] = out.str();
  }
  // trial_summary.json
  ordered_json summary;
  {
    ordered_json j;
    j["scenario"] = trial.scenario.name;
    j["file"] = trial.file;
    j["model"] = trial.scenario.model->name();
    j["seed"] = spec.seed;
    j["replicates"] = spec.replicates;
    ordered_json arms = ordered_json::array();
    for (const auto& a : spec.arms) {
      ordered_json dosing = ordered_json::array();
      for (const auto& d : a.dosing) {
        dosing.push_back(
            {{"dose", d.regimen.text},
             {"into", trial.scenario.model->states()[static_cast<std::size_t>(d.state)].name},
             {"start_days", d.start_days}});
      }
      arms.push_back({{"name", a.name}, {"patients", a.patients}, {"dosing", dosing}});
    }
    j["arms"] = arms;
    j["visits_every_days"] = spec.visit_interval_days;
    j["follow_up_days"] = spec.follow_up_days;
    j["accrual_days"] = spec.accrual_days;
    j["dropout_per_year"] = spec.dropout_per_year;
    const bool with_os = spec.endpoints.overall_survival.has_value();
    if (!result.replicates.empty()) {
      const ReplicateSummary& r = result.replicates.front();
      ordered_json first_trial;
      first_trial["screened"] = r.screened;
      ordered_json per_arm = ordered_json::array();
      for (const auto& a : r.arms) per_arm.push_back(arm_json(a, with_os));
      first_trial["arms"] = per_arm;
      if (r.comparison) first_trial["comparison"] = comparison_json(*r.comparison, trial);
      j["first_trial"] = first_trial;
    }
    if (result.power) {
      j["primary_analysis"] = {
          {"endpoint", endpoint_name(spec.analysis.endpoint)},
          {"alpha", spec.analysis.alpha},
          {"test", std::isnan(spec.analysis.noninferiority_margin)
                       ? (spec.analysis.endpoint == PrimaryEndpoint::kObjectiveResponse
                              ? "Fisher exact, two-sided"
                              : "log-rank, two-sided")
                       : "Cox hazard ratio upper confidence limit below the margin"},
          {"noninferiority_margin", number(spec.analysis.noninferiority_margin)},
          {"power", interval(*result.power)}};
    }
    if (!result.sample_size.empty()) {
      ordered_json points = ordered_json::array();
      int smallest = -1;
      for (const auto& p : result.sample_size) {
        points.push_back({{"patients_per_arm", p.patients_per_arm},
                          {"replicates", p.replicates},
                          {"power", interval(p.power)},
                          {"median_hazard_ratio", number(p.median_hazard_ratio)}});
        if (smallest < 0 && p.power.estimate >= spec.target_power) smallest = p.patients_per_arm;
      }
      j["sample_size"] = {
          {"target_power", spec.target_power},
          {"points", points},
          {"smallest_reaching_target", smallest < 0 ? ordered_json() : ordered_json(smallest)}};
    }
    if (!result.biomarker_performance.empty()) {
      ordered_json biomarkers = ordered_json::array();
      for (const auto& b : result.biomarker_performance) biomarkers.push_back(performance_json(b));
      j["biomarkers"] = biomarkers;
    }
    if (spec.selection_rule) {
      j["selection"] = {
          {"biomarker",
           spec.biomarkers[static_cast<std::size_t>(spec.selection_rule->biomarker)].name},
          {"rule", spec.selection_rule->below ? "at or below" : "at or above"},
          {"threshold", number(result.selection_threshold)},
          {"chosen_by", spec.selection_rule->youden ? "youden" : "given"}};
    }
    {
      ordered_json responders = ordered_json::array();
      for (const ResponderRow& r : responder_rows(trial, first)) {
        responders.push_back(
            {{"arm", r.arm},
             {"subgroup", r.subgroup.empty() ? ordered_json() : ordered_json(r.subgroup)},
             {"patients", r.response.patients},
             {"responders", r.response.complete + r.response.partial},
             {"objective_response_rate", interval(r.response.objective_response_rate)},
             {"disease_control_rate", interval(r.response.disease_control_rate)}});
      }
      j["responders"] = responders;
    }
    if (!spec.trajectories.outputs.empty()) {
      const auto stats = trajectory_stats(spec, first);
      ordered_json tr;
      tr["times_days"] = trajectory_times(spec.trajectories);
      ordered_json per_arm = ordered_json::array();
      for (std::size_t a = 0; a < spec.arms.size(); ++a) {
        ordered_json arm;
        arm["arm"] = spec.arms[a].name;
        for (std::size_t o = 0; o < spec.trajectories.outputs.size(); ++o) {
          const auto& out = trial.scenario.model
                                ->outputs()[static_cast<std::size_t>(spec.trajectories.outputs[o])];
          ordered_json med = ordered_json::array(), lo = ordered_json::array(),
                       hi = ordered_json::array();
          for (std::size_t k = 0; k < stats[a][o].median.size(); ++k) {
            med.push_back(number(stats[a][o].median[k]));
            lo.push_back(number(stats[a][o].p10[k]));
            hi.push_back(number(stats[a][o].p90[k]));
          }
          arm[out.name] = {{"unit", out.unit.text},
                           {"median", med},
                           {"p10", lo},
                           {"p90", hi},
                           {"patients", stats[a][o].patients}};
        }
        per_arm.push_back(arm);
      }
      tr["arms"] = per_arm;
      j["trajectories"] = tr;
    }
    j["failures"] = result.failures;
    j["wall_seconds"] = result.wall_seconds;
    summary = j;
    files[prefix + "trial_summary.json"] = j.dump(2) + "\n";
  }
  // Pictures of the first replicate.
  {
    std::vector<plot::KaplanMeierCurve> pfs, os;
    std::vector<plot::WaterfallBar> bars;
    std::vector<plot::SpiderSeries> spiders;
    std::vector<plot::SwimmerLane> lanes;
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      std::vector<TimeToEvent> p_out, o_out;
      for (const PatientOutcome* p : first) {
        if (p->arm != static_cast<int>(a) || !p->failure.empty()) continue;
        p_out.push_back(p->endpoints.progression_free_survival);
        o_out.push_back(p->overall_survival);
      }
      pfs.push_back(km_curve(spec.arms[a].name, p_out));
      os.push_back(km_curve(spec.arms[a].name, o_out));
    }
    for (const PatientOutcome* p : first) {
      if (!p->failure.empty()) continue;
      const std::string arm = spec.arms[static_cast<std::size_t>(p->arm)].name;
      const std::string id = fmt::format("{} #{}", arm, p->patient);
      const std::string response(to_string(p->endpoints.best.response));
      bars.push_back({id, 100.0 * p->endpoints.best_change_from_baseline, response, arm});
      plot::SpiderSeries series;
      series.id = id;
      series.arm = arm;
      series.response = response;
      for (const auto& v : p->endpoints.visits) {
        series.time.push_back(v.time_days / 7.0);
        series.change_pct.push_back(100.0 * v.change_from_baseline);
      }
      spiders.push_back(std::move(series));
      plot::SwimmerLane lane;
      lane.id = id;
      lane.arm = arm;
      lane.end_time = p->overall_survival.time_days / kDaysPerMonth;
      lane.ongoing = !p->overall_survival.is_event();
      const auto& e = p->endpoints;
      if (e.best.first_response_visit >= 0) {
        lane.response_times.push_back(
            e.visits[static_cast<std::size_t>(e.best.first_response_visit)].time_days /
            kDaysPerMonth);
      }
      if (e.best.first_progression_visit >= 0) {
        lane.progression_times.push_back(
            e.visits[static_cast<std::size_t>(e.best.first_progression_visit)].time_days /
            kDaysPerMonth);
      }
      if (p->overall_survival.is_event())
        lane.death_time = p->overall_survival.time_days / kDaysPerMonth;
      lanes.push_back(std::move(lane));
    }
    plot::KaplanMeierOptions km;
    km.title = fmt::format("{}: progression-free survival", trial.scenario.name);
    km.y_label = "Progression-free survival";
    files[prefix + "km_pfs.svg"] = plot::kaplan_meier_svg(pfs, km);
    if (spec.endpoints.overall_survival) {
      km.title = fmt::format("{}: overall survival", trial.scenario.name);
      km.y_label = "Overall survival";
      files[prefix + "km_os.svg"] = plot::kaplan_meier_svg(os, km);
    }
    plot::WaterfallOptions waterfall;
    waterfall.title = "Best change in tumour size (RECIST 1.1)";
    waterfall.group_by_arm = spec.arms.size() > 1;
    files[prefix + "waterfall.svg"] = plot::waterfall_svg(bars, waterfall);
    plot::SpiderOptions spider;
    spider.title = "Tumour size over time";
    files[prefix + "spider.svg"] = plot::spider_svg(spiders, spider);
    plot::SwimmerOptions swimmer;
    swimmer.title = "Time on study";
    files[prefix + "swimmer.svg"] = plot::swimmer_svg(lanes, swimmer);
  }
  // Responder fractions (responders.svg, trial_responders.csv).
  {
    const std::vector<ResponderRow> rows = responder_rows(trial, first);
    std::ostringstream csv;
    csv << "arm,subgroup,patients,responders,orr,orr_lower,orr_upper,dcr,dcr_lower,dcr_upper\n";
    std::vector<plot::ProportionBar> bars;
    const bool by_group = spec.subgroup_output >= 0;
    for (const ResponderRow& r : rows) {
      const auto& orr = r.response.objective_response_rate;
      const auto& dcr = r.response.disease_control_rate;
      const int k = r.response.complete + r.response.partial;
      csv << quoted(r.arm) << ',' << quoted(r.subgroup) << ',' << r.response.patients << ',' << k
          << ',' << cell(orr.estimate) << ',' << cell(orr.lower) << ',' << cell(orr.upper) << ','
          << cell(dcr.estimate) << ',' << cell(dcr.lower) << ',' << cell(dcr.upper) << '\n';
      bars.push_back({r.arm, by_group ? (r.subgroup.empty() ? "all patients" : r.subgroup) : "",
                      orr.estimate, orr.lower, orr.upper, k, r.response.patients});
    }
    files[prefix + "trial_responders.csv"] = csv.str();
    plot::ProportionOptions po;
    po.title = "Objective response (RECIST 1.1) with 95 % exact CIs";
    po.y_label = "Objective response rate (%)";
    files[prefix + "responders.svg"] = plot::proportion_svg(bars, po);
  }
  // Trajectories (trial_trajectories.csv, trajectory_<OUTPUT>.svg).
  if (!spec.trajectories.outputs.empty()) {
    const std::vector<double> times = trajectory_times(spec.trajectories);
    const std::size_t n_o = spec.trajectories.outputs.size();
    const auto& outputs = trial.scenario.model->outputs();
    std::ostringstream csv;
    csv << "arm,patient,ID,time_days";
    for (const int o : spec.trajectories.outputs) {
      csv << ',' << quoted(outputs[static_cast<std::size_t>(o)].name);
    }
    csv << '\n';
    for (const PatientOutcome* p : first) {
      if (!p->failure.empty() || p->trajectory.size() != times.size() * n_o) continue;
      for (std::size_t k = 0; k < times.size(); ++k) {
        if (!std::isfinite(p->trajectory[k * n_o])) break;
        csv << quoted(spec.arms[static_cast<std::size_t>(p->arm)].name) << ',' << p->patient << ','
            << cell(p->id) << ',' << cell(times[k]);
        for (std::size_t j = 0; j < n_o; ++j) csv << ',' << cell(p->trajectory[k * n_o + j]);
        csv << '\n';
      }
    }
    files[prefix + "trial_trajectories.csv"] = csv.str();
    const auto stats = trajectory_stats(spec, first);
    for (std::size_t j = 0; j < n_o; ++j) {
      const auto& out = outputs[static_cast<std::size_t>(spec.trajectories.outputs[j])];
      std::vector<plot::BandSeries> series;
      for (std::size_t a = 0; a < spec.arms.size(); ++a) {
        plot::BandSeries b;
        b.label = spec.arms[a].name;
        for (std::size_t k = 0; k < times.size(); ++k) b.time.push_back(times[k] / 7.0);
        b.middle = stats[a][j].median;
        b.lower = stats[a][j].p10;
        b.upper = stats[a][j].p90;
        series.push_back(std::move(b));
      }
      plot::BandOptions bo;
      bo.title = fmt::format("{} by arm: median and 10th-90th percentile", out.name);
      bo.x_label = "Weeks from randomisation";
      bo.y_label = out.unit.text.empty() || out.unit.text == "1"
                       ? out.name
                       : fmt::format("{} ({})", out.name, out.unit.text);
      files[prefix + "trajectory_" + out.name + ".svg"] = plot::band_svg(series, bo);
    }
  }
  if (!result.biomarker_performance.empty()) {
    std::vector<plot::RocCurvePlot> curves;
    for (const auto& b : result.biomarker_performance) curves.push_back(biomarker_roc_curve(b));
    plot::RocOptions roc;
    roc.title = fmt::format("Biomarkers for objective response ({})", spec.arms[0].name);
    files[prefix + "roc.svg"] = plot::roc_svg(curves, roc);
  }
  return summary;
}

// One row per arm of the first replicate, all-comers and selected side by side.
std::string enrichment_table(const Trial& trial, const TrialResult& all,
                             const TrialResult& selected) {
  std::ostringstream out;
  out << "population,arm,patients,screened,screened_per_enrolled,orr,orr_lower,orr_upper,"
         "pfs_median_months,os_median_months,neutropenia_grade3,power,power_lower,power_upper\n";
  auto rows = [&](const char* population, const TrialResult& r) {
    if (r.replicates.empty()) return;
    const ReplicateSummary& first = r.replicates.front();
    int enrolled = 0;
    for (const auto& a : first.arms) enrolled += a.patients;
    for (const auto& a : first.arms) {
      out << population << ',' << quoted(a.arm) << ',' << a.patients << ',' << first.screened << ','
          << cell(enrolled > 0 ? static_cast<double>(first.screened) / enrolled : 0.0) << ','
          << cell(a.response.objective_response_rate.estimate) << ','
          << cell(a.response.objective_response_rate.lower) << ','
          << cell(a.response.objective_response_rate.upper) << ',' << cell(a.pfs.median) << ','
          << cell(trial.spec.endpoints.overall_survival ? a.os.median : std::nan("")) << ','
          << cell(a.neutropenia_grade3.estimate) << ',' << (r.power ? cell(r.power->estimate) : "")
          << ',' << (r.power ? cell(r.power->lower) : "") << ','
          << (r.power ? cell(r.power->upper) : "") << '\n';
    }
  };
  rows("all-comers", all);
  rows("selected", selected);
  return out.str();
}

}  // namespace

plot::RocCurvePlot biomarker_roc_curve(const BiomarkerPerformance& b) {
  plot::RocCurvePlot c;
  c.label = b.name;
  c.fpr = b.roc_fpr;
  c.tpr = b.roc_tpr;
  c.auc = b.auc;
  c.auc_lower = b.auc_lower;
  c.auc_upper = b.auc_upper;
  if (std::isfinite(b.youden_threshold)) {
    c.marked_fpr = 1.0 - b.specificity;
    c.marked_tpr = b.sensitivity;
    c.marked_label = fmt::format("Youden threshold {:.4g}: sensitivity {:.2f}, specificity {:.2f}",
                                 b.youden_threshold, b.sensitivity, b.specificity);
  }
  return c;
}

void write_trial_outputs(const Trial& trial, const TrialResult& result,
                         const std::string& directory) {
  std::filesystem::create_directories(directory);
  std::map<std::string, std::string> files;
  if (!result.selected) {
    add_trial_files(trial, result, "", files);
  } else {
    // Enrichment: each trial in its own folder, the comparison at the top.
    ordered_json j;
    j["scenario"] = trial.scenario.name;
    j["all_comers"] = add_trial_files(trial, result, "all-comers/", files);
    j["selected"] = add_trial_files(trial, *result.selected, "selected/", files);
    files["enrichment.csv"] = enrichment_table(trial, result, *result.selected);
    files["trial_summary.json"] = j.dump(2) + "\n";
    if (files.count("all-comers/roc.svg")) files["roc.svg"] = files["all-comers/roc.svg"];
  }

  // Everything is written to temporary files first and renamed only when all are complete.
  std::vector<std::unique_ptr<io::AtomicFile>> pending;
  for (const auto& [name, content] : files) {
    auto f = std::make_unique<io::AtomicFile>((std::filesystem::path(directory) / name).string());
    f->stream() << content;
    pending.push_back(std::move(f));
  }
  for (auto& f : pending) f->commit();
}

}  // namespace smartnano::trial

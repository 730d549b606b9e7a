// Virtual clinical trials for Python: smartnano.Trial, run_trial(). Per-patient results are
// columns named as trial_patients.csv, arm summaries as trial_arms.csv (docs/trials.md).
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "bind_common.h"
#include "smartnano/trial/trial.h"

namespace smartnano::python {
namespace {

using TrialHandle = std::shared_ptr<trial::Trial>;

py::dict interval(const survival::ProportionInterval& p) {
  py::dict d;
  d["estimate"] = p.estimate;
  d["lower"] = p.lower;
  d["upper"] = p.upper;
  return d;
}

// trial_patients.csv as columns.
py::dict patient_columns(const trial::Trial& t, const trial::TrialResult& r) {
  const auto& spec = t.spec;
  std::vector<int> replicate, patient, population_index, objective, control, pfs_event, os_event,
      doses, delays, reductions, grade;
  std::vector<double> id, entry, baseline, best_change, pfs, dor, dor_event, os, death, censor,
      cumulative, stop_days, nadir, cardiac, exposure;
  std::vector<std::string> arm, best, stop, failure;
  std::vector<std::vector<double>> biomarkers(spec.biomarkers.size());
  for (const auto& p : r.patients) {
    const auto& e = p.endpoints;
    replicate.push_back(p.replicate + 1);
    arm.push_back(spec.arms[static_cast<std::size_t>(p.arm)].name);
    patient.push_back(p.patient);
    id.push_back(p.id);
    population_index.push_back(static_cast<int>(p.population_index) + 1);
    entry.push_back(p.entry_days);
    baseline.push_back(p.baseline_sld_mm);
    best.push_back(p.failure.empty() ? std::string(to_string(e.best.response)) : "");
    best_change.push_back(100.0 * e.best_change_from_baseline);
    objective.push_back(e.objective_response);
    control.push_back(e.disease_control);
    pfs.push_back(e.progression_free_survival.time_days);
    pfs_event.push_back(e.progression_free_survival.is_event());
    dor.push_back(e.duration_of_response.time_days);
    // NaN for a patient without a response (no duration of response), as the CSV's empty cell.
    dor_event.push_back(!e.duration_of_response.defined()   ? std::nan("")
                        : e.duration_of_response.is_event() ? 1.0
                                                            : 0.0);
    os.push_back(p.overall_survival.time_days);
    os_event.push_back(p.overall_survival.is_event());
    death.push_back(p.death_days);
    censor.push_back(p.censor_days);
    doses.push_back(static_cast<int>(p.doses.size()));
    delays.push_back(p.delays);
    reductions.push_back(p.reductions);
    cumulative.push_back(p.cumulative_mg_per_m2);
    stop.push_back(trial::to_string(p.stop));
    stop_days.push_back(p.stop_days);
    nadir.push_back(p.nadir_neutrophils);
    grade.push_back(p.worst_neutropenia_grade);
    cardiac.push_back(p.cardiac_exposure);
    exposure.push_back(p.tumour_exposure);
    for (std::size_t b = 0; b < biomarkers.size(); ++b) {
      biomarkers[b].push_back(b < p.biomarkers.size() ? p.biomarkers[b] : std::nan(""));
    }
    failure.push_back(p.failure);
  }
  py::dict c;
  c["replicate"] = array(replicate);
  c["arm"] = string_array(arm);
  c["patient"] = array(patient);
  c["ID"] = array(id);
  c["population_index"] = array(population_index);
  c["entry_days"] = array(entry);
  c["baseline_sld_mm"] = array(baseline);
  c["best_response"] = string_array(best);
  c["best_change_pct"] = array(best_change);
  c["objective_response"] = array(objective);
  c["disease_control"] = array(control);
  c["pfs_days"] = array(pfs);
  c["pfs_event"] = array(pfs_event);
  c["dor_days"] = array(dor);
  c["dor_event"] = array(dor_event);
  c["os_days"] = array(os);
  c["os_event"] = array(os_event);
  c["death_days"] = array(death);
  c["censor_days"] = array(censor);
  c["doses"] = array(doses);
  c["delays"] = array(delays);
  c["reductions"] = array(reductions);
  c["cumulative_mg_per_m2"] = array(cumulative);
  c["stop_reason"] = string_array(stop);
  c["stop_days"] = array(stop_days);
  c["nadir_neutrophils"] = array(nadir);
  c["neutropenia_grade"] = array(grade);
  c["cardiac_exposure"] = array(cardiac);
  c["tumour_exposure"] = array(exposure);
  for (std::size_t b = 0; b < biomarkers.size(); ++b) {
    c[py::str(spec.biomarkers[b].name)] = array(biomarkers[b]);
  }
  c["failure"] = string_array(failure);
  return c;
}

// trial_arms.csv as columns (one row per replicate and arm), with the CIs of every rate.
py::dict arm_columns(const trial::TrialResult& r) {
  std::vector<int> replicate, patients, screened, cr, pr, sd, pd, ne;
  std::vector<std::string> arm;
  std::vector<double> orr, orr_lo, orr_hi, dcr, pfs, pfs_lo, pfs_hi, os, os_lo, os_hi, g3, g4,
      cumulative, limit, cardiac, cycles, held;
  for (const auto& rep : r.replicates) {
    for (const auto& a : rep.arms) {
      replicate.push_back(rep.replicate + 1);
      arm.push_back(a.arm);
      patients.push_back(a.patients);
      screened.push_back(rep.screened);
      cr.push_back(a.response.complete);
      pr.push_back(a.response.partial);
      sd.push_back(a.response.stable);
      pd.push_back(a.response.progressive);
      ne.push_back(a.response.not_evaluable);
      orr.push_back(a.response.objective_response_rate.estimate);
      orr_lo.push_back(a.response.objective_response_rate.lower);
      orr_hi.push_back(a.response.objective_response_rate.upper);
      dcr.push_back(a.response.disease_control_rate.estimate);
      pfs.push_back(a.pfs.median);
      pfs_lo.push_back(a.pfs.median_lower);
      pfs_hi.push_back(a.pfs.median_upper);
      os.push_back(a.os.median);
      os_lo.push_back(a.os.median_lower);
      os_hi.push_back(a.os.median_upper);
      g3.push_back(a.neutropenia_grade3.estimate);
      g4.push_back(a.neutropenia_grade4.estimate);
      cumulative.push_back(a.mean_cumulative_mg_per_m2);
      limit.push_back(a.reached_cumulative_limit.estimate);
      cardiac.push_back(a.mean_cardiac_exposure);
      cycles.push_back(a.mean_cycles);
      held.push_back(a.held_or_reduced.estimate);
    }
  }
  py::dict c;
  c["replicate"] = array(replicate);
  c["arm"] = string_array(arm);
  c["patients"] = array(patients);
  c["screened"] = array(screened);
  c["CR"] = array(cr);
  c["PR"] = array(pr);
  c["SD"] = array(sd);
  c["PD"] = array(pd);
  c["NE"] = array(ne);
  c["orr"] = array(orr);
  c["orr_lower"] = array(orr_lo);
  c["orr_upper"] = array(orr_hi);
  c["dcr"] = array(dcr);
  c["pfs_median_months"] = array(pfs);
  c["pfs_median_lower"] = array(pfs_lo);
  c["pfs_median_upper"] = array(pfs_hi);
  c["os_median_months"] = array(os);
  c["os_median_lower"] = array(os_lo);
  c["os_median_upper"] = array(os_hi);
  c["neutropenia_grade3"] = array(g3);
  c["neutropenia_grade4"] = array(g4);
  c["mean_cumulative_mg_per_m2"] = array(cumulative);
  c["reached_cumulative_limit"] = array(limit);
  c["mean_cardiac_exposure"] = array(cardiac);
  c["mean_cycles"] = array(cycles);
  c["held_or_reduced"] = array(held);
  return c;
}

py::list comparisons(const trial::TrialResult& r) {
  py::list out;
  for (const auto& rep : r.replicates) {
    if (!rep.comparison) continue;
    const auto& c = *rep.comparison;
    py::dict d;
    d["replicate"] = rep.replicate + 1;
    d["pfs_hazard_ratio"] = c.pfs_hazard_ratio;
    d["pfs_lower"] = c.pfs_lower;
    d["pfs_upper"] = c.pfs_upper;
    d["pfs_logrank_p"] = c.pfs_logrank_p;
    d["os_hazard_ratio"] = c.os_hazard_ratio;
    d["os_lower"] = c.os_lower;
    d["os_upper"] = c.os_upper;
    d["os_logrank_p"] = c.os_logrank_p;
    d["orr_difference"] = c.orr_difference;
    d["orr_fisher_p"] = c.orr_fisher_p;
    d["success"] = c.success;
    d["note"] = c.note;
    out.append(d);
  }
  return out;
}

py::list biomarker_performance(const trial::TrialResult& r) {
  py::list out;
  for (const auto& b : r.biomarker_performance) {
    py::dict d;
    d["name"] = b.name;
    d["patients"] = b.patients;
    d["responders"] = b.responders;
    d["auc"] = b.auc;
    d["auc_lower"] = b.auc_lower;
    d["auc_upper"] = b.auc_upper;
    d["youden_threshold"] = b.youden_threshold;
    d["sensitivity"] = b.sensitivity;
    d["specificity"] = b.specificity;
    d["ppv"] = b.ppv;
    d["npv"] = b.npv;
    d["spearman_exposure"] = b.spearman_exposure;
    d["spearman_exposure_p"] = b.spearman_exposure_p;
    d["spearman_best_change"] = b.spearman_best_change;
    d["spearman_best_change_p"] = b.spearman_best_change_p;
    d["roc_fpr"] = array(b.roc_fpr);
    d["roc_tpr"] = array(b.roc_tpr);
    d["note"] = b.note;
    out.append(d);
  }
  return out;
}

py::dict result_dict(const trial::Trial& t, const trial::TrialResult& r) {
  py::dict d;
  d["patients"] = patient_columns(t, r);
  d["arms"] = arm_columns(r);
  d["comparisons"] = comparisons(r);
  d["power"] = r.power ? py::object(interval(*r.power)) : py::none();
  std::vector<int> per_arm, reps;
  std::vector<double> power, power_lo, power_hi, hr;
  for (const auto& p : r.sample_size) {
    per_arm.push_back(p.patients_per_arm);
    reps.push_back(p.replicates);
    power.push_back(p.power.estimate);
    power_lo.push_back(p.power.lower);
    power_hi.push_back(p.power.upper);
    hr.push_back(p.median_hazard_ratio);
  }
  py::dict ss;
  ss["patients_per_arm"] = array(per_arm);
  ss["replicates"] = array(reps);
  ss["power"] = array(power);
  ss["power_lower"] = array(power_lo);
  ss["power_upper"] = array(power_hi);
  ss["median_hazard_ratio"] = array(hr);
  d["sample_size"] = ss;
  d["biomarker_performance"] = biomarker_performance(r);
  d["failures"] = r.failures;
  d["wall_seconds"] = r.wall_seconds;
  d["selection_threshold"] = r.selection_threshold;
  d["selected"] = r.selected ? py::object(result_dict(t, *r.selected)) : py::none();
  return d;
}

py::dict run_trial(const trial::Trial& t, int threads, std::optional<int> replicates,
                   std::optional<Path> out_dir) {
  trial::TrialRunOptions options;
  options.threads = checked_threads(threads, "run_trial");
  if (replicates && *replicates < 1) {
    throw py::value_error(fmt::format("run_trial(): replicates must be >= 1, got {}", *replicates));
  }
  trial::TrialResult result;
  {
    py::gil_scoped_release release;
    if (replicates) {
      trial::Trial copy = t;
      copy.spec.replicates = *replicates;
      result = trial::run_trial(copy, options);
      if (out_dir) trial::write_trial_outputs(copy, result, out_dir->string());
    } else {
      result = trial::run_trial(t, options);
      if (out_dir) trial::write_trial_outputs(t, result, out_dir->string());
    }
  }
  return result_dict(t, result);
}

}  // namespace

void bind_trial(py::module_& m) {
  py::class_<trial::Trial, TrialHandle>(m, "Trial",
                                        "A trial scenario: a population scenario with a "
                                        "`trial:` section (docs/trials.md).")
      .def_readonly("file", &trial::Trial::file)
      .def_property_readonly("name", [](const trial::Trial& t) { return t.scenario.name; })
      .def_property_readonly(
          "scenario",
          [](const trial::Trial& t) { return std::make_shared<scenario::Scenario>(t.scenario); })
      .def_property_readonly("arms",
                             [](const trial::Trial& t) {
                               py::list arms;
                               for (const auto& a : t.spec.arms) {
                                 py::dict d;
                                 d["name"] = a.name;
                                 d["patients"] = a.patients;
                                 arms.append(d);
                               }
                               return arms;
                             })
      .def_property_readonly("replicates", [](const trial::Trial& t) { return t.spec.replicates; })
      .def_property_readonly("seed", [](const trial::Trial& t) { return t.spec.seed; })
      .def_property_readonly("biomarkers",
                             [](const trial::Trial& t) {
                               std::vector<std::string> names;
                               for (const auto& b : t.spec.biomarkers) names.push_back(b.name);
                               return names;
                             })
      .def_property_readonly("enrichment", [](const trial::Trial& t) { return t.spec.enrichment; })
      .def("__repr__", [](const trial::Trial& t) {
        return fmt::format("<smartnano.Trial '{}': {} arm(s), {} replicate(s)>", t.scenario.name,
                           t.spec.arms.size(), t.spec.replicates);
      });
  m.def(
      "load_trial_file",
      [](const Path& path) {
        return std::make_shared<trial::Trial>(trial::load_trial_file(path.string()));
      },
      py::arg("path"));
  m.def(
      "load_trial_text",
      [](const std::string& yaml, const std::string& file) {
        return std::make_shared<trial::Trial>(trial::load_trial_text(yaml, file));
      },
      py::arg("yaml"), py::arg("file") = "<text>");
  m.def("load_default_trial",
        [] { return std::make_shared<trial::Trial>(trial::load_default_trial()); });
  m.def("run_trial", &run_trial, py::arg("trial"), py::arg("threads") = 0,
        py::arg("replicates") = py::none(), py::arg("out_dir") = py::none());
}

}  // namespace smartnano::python

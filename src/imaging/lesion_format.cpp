// Lesion reports as a terminal table, CSV and JSON.
#include <cmath>
#include <functional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "smartnano/imaging/lesion.h"

namespace smartnano::imaging {
namespace {

struct Column {
  std::string header;  // table header
  std::string name;    // CSV / JSON key
  std::function<double(const LesionStats&)> get;
  bool integer = false;
};

std::vector<Column> columns_of(const LesionReport& r) {
  const bool r2 = r.kind == ImageKind::kR2star;
  const std::string unit = r2 ? "1/s" : (r.pet.bq_per_ml_per_unit == 1.0 ? "Bq/mL" : "unit");
  std::vector<Column> c = {
      {"label", "label", [](const LesionStats& s) { return double(s.label); }, true},
      {"voxels", "voxels", [](const LesionStats& s) { return double(s.voxels); }, true},
      {"volume mL", "volume_ml", [](const LesionStats& s) { return s.volume_ml; }},
      {fmt::format("mean {}", unit), "mean", [](const LesionStats& s) { return s.mean; }},
      {"SD", "sd", [](const LesionStats& s) { return s.sd; }},
      {"min", "min", [](const LesionStats& s) { return s.min; }},
      {"max", "max", [](const LesionStats& s) { return s.max; }},
      {"peak 1mL", "peak", [](const LesionStats& s) { return s.peak; }},
  };
  if (!r2 && !std::isnan(r.decay_factor)) {
    c.push_back({"%ID/mL mean", "pct_id_per_ml_mean",
                 [](const LesionStats& s) { return s.pct_id_per_ml_mean; }});
    c.push_back({"%ID/mL max", "pct_id_per_ml_max",
                 [](const LesionStats& s) { return s.pct_id_per_ml_max; }});
    c.push_back({"%ID/mL peak", "pct_id_per_ml_peak",
                 [](const LesionStats& s) { return s.pct_id_per_ml_peak; }});
    c.push_back({"%ID/kg mean", "pct_id_per_kg_mean",
                 [](const LesionStats& s) { return s.pct_id_per_kg_mean; }});
    c.push_back({"%ID total", "pct_id_total", [](const LesionStats& s) { return s.pct_id_total; }});
    if (!std::isnan(r.pet.weight_kg)) {
      c.push_back({"SUVmean", "suv_mean", [](const LesionStats& s) { return s.suv_mean; }});
      c.push_back({"SUVmax", "suv_max", [](const LesionStats& s) { return s.suv_max; }});
      c.push_back({"SUVpeak", "suv_peak", [](const LesionStats& s) { return s.suv_peak; }});
    }
  }
  if (r2 && !r.baseline.empty()) {
    c.push_back(
        {"baseline 1/s", "baseline_mean", [](const LesionStats& s) { return s.baseline_mean; }});
    c.push_back({"dR2* 1/s", "delta_r2star_mean",
                 [](const LesionStats& s) { return s.delta_r2star_mean; }});
    if (!std::isnan(r.r2star.relaxivity_per_mM_s)) {
      c.push_back({"Fe mM", "iron_mM", [](const LesionStats& s) { return s.iron_mM; }});
      c.push_back(
          {"Fe ug/mL", "iron_ug_per_ml", [](const LesionStats& s) { return s.iron_ug_per_ml; }});
    }
  }
  return c;
}

std::string cell(double x, bool integer, bool csv) {
  if (std::isnan(x)) return csv ? "" : "-";
  if (integer) return fmt::format("{}", static_cast<std::int64_t>(x));
  return csv ? fmt::format("{:.10g}", x) : fmt::format("{:.4g}", x);
}

nlohmann::json number(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

}  // namespace

std::string format_lesion_table(const LesionReport& report) {
  const auto columns = columns_of(report);
  std::vector<std::size_t> width;
  for (const auto& c : columns) {
    std::size_t w = c.header.size();
    for (const auto& s : report.lesions) w = std::max(w, cell(c.get(s), c.integer, false).size());
    width.push_back(w);
  }
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    out += fmt::format("{}{:>{}}", i ? "  " : "", columns[i].header, width[i]);
  }
  out += '\n';
  for (const auto& s : report.lesions) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      out += fmt::format("{}{:>{}}", i ? "  " : "",
                         cell(columns[i].get(s), columns[i].integer, false), width[i]);
    }
    out += '\n';
  }
  for (const auto& note : report.notes) out += fmt::format("note: {}\n", note);
  return out;
}

std::string format_lesion_csv(const LesionReport& report) {
  const auto columns = columns_of(report);
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + columns[i].name;
  out += '\n';
  for (const auto& s : report.lesions) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      out += (i ? "," : "") + cell(columns[i].get(s), columns[i].integer, true);
    }
    out += '\n';
  }
  return out;
}

std::string format_lesion_json(const LesionReport& report) {
  nlohmann::json j;
  j["image"] = report.image;
  j["mask"] = report.mask;
  j["baseline"] =
      report.baseline.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.baseline);
  j["kind"] = std::string(to_string(report.kind));
  j["voxel_volume_ml"] = report.voxel_volume_ml;
  if (report.kind == ImageKind::kPet) {
    j["image_unit_bq_per_ml"] = report.pet.bq_per_ml_per_unit;
    j["nuclide"] =
        report.pet.nuclide.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.pet.nuclide);
    j["half_life_h"] = number(report.pet.half_life_h);
    j["injected_activity_mbq"] = number(report.pet.injected_activity_mbq);
    j["elapsed_h"] = number(report.pet.elapsed_h);
    j["weight_kg"] = number(report.pet.weight_kg);
    j["decay_factor"] = number(report.decay_factor);
    j["activity_at_scan_mbq"] = number(report.activity_at_scan_mbq);
    j["tissue_density_g_per_ml"] = 1.0;
  } else {
    j["image_unit"] = "1/s";
    j["relaxivity_per_mM_s"] = number(report.r2star.relaxivity_per_mM_s);
  }
  j["notes"] = report.notes;
  nlohmann::json lesions = nlohmann::json::array();
  const auto columns = columns_of(report);
  for (const auto& s : report.lesions) {
    nlohmann::json row;
    for (const auto& c : columns) {
      row[c.name] =
          c.integer ? nlohmann::json(static_cast<std::int64_t>(c.get(s))) : number(c.get(s));
    }
    row["peak_voxels"] = s.peak_voxels;
    row["nonfinite_voxels"] = s.nonfinite_voxels;
    row["max_voxel"] = s.max_voxel;
    lesions.push_back(row);
  }
  j["lesions"] = lesions;
  return j.dump(2) + "\n";
}

}  // namespace smartnano::imaging

// Vega-Lite specifications of the report's plots, from the plot module's structs. Values that
// are not finite are left out (JSON has no NaN); a plot with nothing left gets a `problem`.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "smartnano/report/report.h"

namespace smartnano::report {
namespace {

using nlohmann::json;

// Okabe-Ito, as the SVG writers (docs/plots.md).
const std::vector<std::string> kPalette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                           "#E69F00", "#56B4E9", "#F0E442", "#000000"};

bool finite(double v) { return std::isfinite(v); }

json base_spec(const plot::PlotOptions& o) {
  json spec = {{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
               {"width", std::min(o.width_px, 760)},
               {"height", std::min(o.height_px, 400)},
               {"config",
                {{"font", "system-ui, sans-serif"},
                 {"range", {{"category", kPalette}}},
                 {"axis", {{"labelFontSize", 11}, {"titleFontSize", 12}}},
                 {"legend", {{"labelLimit", 320}}}}}};
  if (!o.title.empty()) spec["title"] = o.title;
  return spec;
}

Plot make_plot(const plot::PlotOptions& o, json spec, std::string caption) {
  Plot p;
  p.title = o.title;
  p.spec = std::move(spec);
  p.caption = std::move(caption);
  return p;
}

Plot no_data(const plot::PlotOptions& o, std::string why) {
  Plot p;
  p.title = o.title.empty() ? std::string("untitled plot") : o.title;
  p.problem = std::move(why);
  return p;
}

json x_title(const std::string& label, const std::string& fallback) {
  return label.empty() ? json(fallback) : json(label);
}

// Axis ticks at 1, 2 or 5 x 10^k from 0 to `end`, about six of them.
std::vector<double> nice_ticks(double end) {
  if (!(end > 0)) return {0.0};
  const double raw = end / 6.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = 0.0; t <= end * (1 + 1e-9); t += step) ticks.push_back(t);
  return ticks;
}

json response_colours() {
  return {{"domain", {"CR", "PR", "SD", "PD", "NE"}},
          {"range", {"#0B3D91", "#56B4E9", "#009E73", "#D55E00", "#999999"}}};
}

json reference_rule(double y, bool dashed) {
  json rule = {{"mark", {{"type", "rule"}, {"color", "#555"}}},
               {"encoding", {{"y", {{"datum", y}}}}}};
  if (dashed) rule["mark"]["strokeDash"] = {4, 3};
  return rule;
}

}  // namespace

Plot kaplan_meier_plot(const std::vector<plot::KaplanMeierCurve>& curves,
                       const plot::KaplanMeierOptions& o) {
  json steps = json::array(), band = json::array(), censored = json::array();
  double end = o.x_max > 0 ? o.x_max : 0.0;
  std::vector<std::string> groups;
  for (const auto& c : curves) {
    groups.push_back(c.label);
    steps.push_back({{"group", c.label}, {"time", 0.0}, {"survival", 1.0}});
    if (o.show_band) band.push_back({{"group", c.label}, {"time", 0.0}, {"lo", 1.0}, {"hi", 1.0}});
    for (std::size_t i = 0; i < c.time.size() && i < c.survival.size(); ++i) {
      if (!finite(c.time[i]) || !finite(c.survival[i])) continue;
      steps.push_back({{"group", c.label}, {"time", c.time[i]}, {"survival", c.survival[i]}});
      if (o.x_max <= 0) end = std::max(end, c.time[i]);
      if (o.show_band && i < c.lower.size() && i < c.upper.size() && finite(c.lower[i]) &&
          finite(c.upper[i])) {
        band.push_back(
            {{"group", c.label}, {"time", c.time[i]}, {"lo", c.lower[i]}, {"hi", c.upper[i]}});
      }
    }
    if (o.show_censor_marks) {
      for (const double t : c.censor_times) {
        if (!finite(t)) continue;
        // S(t) at a censoring time: the last step at or before it.
        double s = 1.0;
        for (std::size_t i = 0; i < c.time.size() && i < c.survival.size(); ++i) {
          if (finite(c.time[i]) && c.time[i] <= t && finite(c.survival[i])) s = c.survival[i];
        }
        censored.push_back({{"group", c.label}, {"time", t}, {"survival", s}});
      }
    }
  }
  if (steps.size() == curves.size()) {
    return no_data(o, "no subject has a finite follow-up time");
  }
  const std::vector<double> ticks = nice_ticks(end);
  const json x_scale = {{"domain", {0.0, std::max(end, ticks.back())}}, {"nice", false}};
  const std::string x_label = o.x_label.empty() ? fmt::format("Time ({})", o.time_unit) : o.x_label;
  const json colour = {{"field", "group"}, {"type", "nominal"}, {"title", "Arm"}, {"sort", groups}};
  json curve_chart = {{"width", std::min(o.width_px, 760)},
                      {"height", std::min(o.height_px, 360)},
                      {"layer",
                       {{{"data", {{"values", steps}}},
                         {"mark", {{"type", "line"}, {"interpolate", "step-after"}}},
                         {"encoding",
                          {{"x",
                            {{"field", "time"},
                             {"type", "quantitative"},
                             {"title", x_label},
                             {"scale", x_scale},
                             {"axis", {{"values", ticks}}}}},
                           {"y",
                            {{"field", "survival"},
                             {"type", "quantitative"},
                             {"title", x_title(o.y_label, "Probability event-free")},
                             {"scale", {{"domain", {0, 1}}}}}},
                           {"color", colour},
                           {"tooltip",
                            {{{"field", "group"}, {"title", "Arm"}},
                             {{"field", "time"}, {"format", ".2f"}},
                             {{"field", "survival"}, {"format", ".3f"}}}}}}}}}};
  if (o.show_band && !band.empty()) {
    curve_chart["layer"].insert(
        curve_chart["layer"].begin(),
        json{{"data", {{"values", band}}},
             {"mark",
              {{"type", "area"}, {"interpolate", "step-after"}, {"opacity", o.band_opacity}}},
             {"encoding",
              {{"x", {{"field", "time"}, {"type", "quantitative"}, {"scale", x_scale}}},
               {"y", {{"field", "lo"}, {"type", "quantitative"}}},
               {"y2", {{"field", "hi"}}},
               {"color", colour}}}});
  }
  if (!censored.empty()) {
    curve_chart["layer"].push_back(
        {{"data", {{"values", censored}}},
         {"mark", {{"type", "point"}, {"shape", "cross"}, {"size", 40}, {"filled", true}}},
         {"encoding",
          {{"x", {{"field", "time"}, {"type", "quantitative"}, {"scale", x_scale}}},
           {"y", {{"field", "survival"}, {"type", "quantitative"}}},
           {"color", colour}}}});
  }
  json spec = base_spec(o);
  spec.erase("width");
  spec.erase("height");
  std::string caption =
      "Step curves: Kaplan-Meier estimate of the probability of being event-free; shaded: "
      "pointwise 95 % confidence band; crosses: censored subjects.";
  if (o.show_at_risk) {
    json at_risk = json::array();
    for (const auto& c : curves) {
      const std::vector<int> n = plot::numbers_at_risk(c, ticks);
      for (std::size_t k = 0; k < ticks.size() && k < n.size(); ++k) {
        at_risk.push_back({{"group", c.label}, {"time", ticks[k]}, {"n", n[k]}});
      }
    }
    json table = {
        {"width", std::min(o.width_px, 760)},
        {"height", 18 * static_cast<int>(curves.size())},
        {"title", {{"text", "Number at risk"}, {"fontSize", 11}, {"anchor", "start"}}},
        {"data", {{"values", at_risk}}},
        {"mark", {{"type", "text"}, {"fontSize", 11}}},
        {"encoding",
         {{"x",
           {{"field", "time"}, {"type", "quantitative"}, {"scale", x_scale}, {"axis", nullptr}}},
          {"y", {{"field", "group"}, {"type", "nominal"}, {"sort", groups}, {"title", nullptr}}},
          {"text", {{"field", "n"}, {"type", "quantitative"}}},
          {"color", colour}}}};
    spec["vconcat"] = {curve_chart, table};
    spec["resolve"] = {{"scale", {{"color", "shared"}}}};
    caption +=
        " The numbers at risk under the plot are the subjects still followed and "
        "event-free just before each tick.";
  } else {
    spec.update(curve_chart);
  }
  return make_plot(o, std::move(spec), caption);
}

Plot waterfall_plot(const std::vector<plot::WaterfallBar>& bars, const plot::WaterfallOptions& o) {
  json values = json::array();
  int clipped = 0, missing = 0;
  for (const auto& b : bars) {
    if (!finite(b.best_change_pct)) {
      ++missing;
      continue;
    }
    const double shown = std::min(b.best_change_pct, o.clip_above_pct);
    clipped += b.best_change_pct > o.clip_above_pct ? 1 : 0;
    values.push_back({{"id", b.id},
                      {"arm", b.arm},
                      {"response", b.response},
                      {"change", b.best_change_pct},
                      {"shown", shown}});
  }
  if (values.empty()) return no_data(o, "no patient has a measured change in tumour size");
  json bar = {{"mark", "bar"},
              {"encoding",
               {{"x",
                 {{"field", "id"},
                  {"type", "nominal"},
                  {"sort", {{"field", "change"}, {"order", "descending"}}},
                  {"title", x_title(o.x_label, "Patients")},
                  {"axis", values.size() <= 60 ? json{{"labelAngle", -90}, {"labelFontSize", 8}}
                                               : json{{"labels", false}, {"ticks", false}}}}},
                {"y",
                 {{"field", "shown"},
                  {"type", "quantitative"},
                  {"title", x_title(o.y_label, "Best change from baseline (%)")}}},
                {"color",
                 {{"field", "response"},
                  {"type", "nominal"},
                  {"title", "Best response"},
                  {"scale", response_colours()}}},
                {"tooltip",
                 {{{"field", "id"}, {"title", "Patient"}},
                  {{"field", "change"}, {"title", "Change (%)"}, {"format", ".1f"}},
                  {{"field", "response"}, {"title", "Response"}}}}}}};
  json layers = {bar, reference_rule(20.0, true), reference_rule(-30.0, true),
                 reference_rule(0.0, false)};
  json spec = base_spec(o);
  if (o.group_by_arm) {
    const int width = std::min(o.width_px, 760);
    spec.erase("width");
    spec["data"] = {{"values", values}};
    spec["facet"] = {{"column", {{"field", "arm"}, {"type", "nominal"}, {"title", nullptr}}}};
    spec["spec"] = {
        {"layer", layers}, {"width", width / 2}, {"height", std::min(o.height_px, 400)}};
    spec.erase("height");
    spec["resolve"] = {{"scale", {{"x", "independent"}}}};
  } else {
    spec["data"] = {{"values", values}};
    spec["layer"] = layers;
  }
  std::string caption =
      "One bar per patient: best change in the sum of longest diameters (RECIST 1.1), largest "
      "increase on the left; dashed lines at +20 % (progression by size) and -30 % (partial "
      "response by size).";
  if (clipped > 0) {
    caption += fmt::format(" {} bar(s) above {:g} % are drawn at {:g} %.", clipped,
                           o.clip_above_pct, o.clip_above_pct);
  }
  if (missing > 0)
    caption += fmt::format(" {} patient(s) without a measurement are left out.", missing);
  return make_plot(o, std::move(spec), caption);
}

Plot spider_plot(const std::vector<plot::SpiderSeries>& series, const plot::SpiderOptions& o) {
  json values = json::array();
  int drawn = 0;
  const bool by_response = o.colour_by == plot::SpiderColour::kResponse;
  for (const auto& s : series) {
    json points = json::array();
    int order = 0;
    if (o.start_at_baseline) points.push_back({{"time", 0.0}, {"change", 0.0}, {"order", order++}});
    for (std::size_t k = 0; k < s.time.size() && k < s.change_pct.size(); ++k) {
      if (!finite(s.time[k]) || !finite(s.change_pct[k])) continue;
      points.push_back({{"time", s.time[k]},
                        {"change", std::min(s.change_pct[k], o.clip_above_pct)},
                        {"order", order++}});
    }
    if (points.size() < (o.start_at_baseline ? 2u : 1u)) continue;
    ++drawn;
    for (auto& p : points) {
      p["id"] = s.id;
      p["group"] = by_response ? s.response : s.arm;
      values.push_back(std::move(p));
    }
  }
  if (drawn == 0) return no_data(o, "no patient has a measured tumour size after baseline");
  json colour = {
      {"field", "group"}, {"type", "nominal"}, {"title", by_response ? "Best response" : "Arm"}};
  if (by_response) colour["scale"] = response_colours();
  json line = {
      {"mark", {{"type", "line"}, {"point", true}, {"strokeWidth", 1.2}, {"opacity", 0.8}}},
      {"encoding",
       {{"x",
         {{"field", "time"},
          {"type", "quantitative"},
          {"title", o.x_label.empty() ? fmt::format("Time ({})", o.time_unit) : o.x_label}}},
        {"y",
         {{"field", "change"},
          {"type", "quantitative"},
          {"title", x_title(o.y_label, "Change in tumour size from baseline (%)")}}},
        {"detail", {{"field", "id"}, {"type", "nominal"}}},
        {"order", {{"field", "order"}, {"type", "quantitative"}}},
        {"color", colour},
        {"tooltip",
         {{{"field", "id"}, {"title", "Patient"}},
          {{"field", "time"}, {"format", ".1f"}},
          {{"field", "change"}, {"title", "Change (%)"}, {"format", ".1f"}}}}}}};
  json spec = base_spec(o);
  spec["data"] = {{"values", values}};
  spec["layer"] = {line, reference_rule(20.0, true), reference_rule(-30.0, true),
                   reference_rule(0.0, false)};
  return make_plot(o, std::move(spec),
                   "One line per patient: change in the sum of longest diameters at each "
                   "assessment; dashed lines at +20 % and -30 %.");
}

Plot roc_plot(const std::vector<plot::RocCurvePlot>& curves, const plot::RocOptions& o) {
  json values = json::array(), marks = json::array();
  std::vector<std::string> labels;
  for (const auto& c : curves) {
    std::vector<std::pair<double, double>> pts;
    for (std::size_t k = 0; k < c.fpr.size() && k < c.tpr.size(); ++k) {
      if (finite(c.fpr[k]) && finite(c.tpr[k])) {
        pts.emplace_back(std::clamp(c.fpr[k], 0.0, 1.0), std::clamp(c.tpr[k], 0.0, 1.0));
      }
    }
    if (pts.empty()) continue;
    std::sort(pts.begin(), pts.end());
    pts.insert(pts.begin(), {0.0, 0.0});
    pts.emplace_back(1.0, 1.0);
    std::string label = c.label;
    if (finite(c.auc)) {
      label +=
          finite(c.auc_lower) && finite(c.auc_upper)
              ? fmt::format(" (AUC {:.2f}, 95 % CI {:.2f}-{:.2f})", c.auc, c.auc_lower, c.auc_upper)
              : fmt::format(" (AUC {:.2f})", c.auc);
    }
    labels.push_back(label);
    for (std::size_t k = 0; k < pts.size(); ++k) {
      values.push_back({{"curve", label},
                        {"fpr", pts[k].first},
                        {"tpr", pts[k].second},
                        {"order", static_cast<int>(k)}});
    }
    if (finite(c.marked_fpr) && finite(c.marked_tpr)) {
      marks.push_back(
          {{"curve", label},
           {"fpr", c.marked_fpr},
           {"tpr", c.marked_tpr},
           {"note", c.marked_label.empty() ? fmt::format("Sensitivity {:.2f}, specificity {:.2f}",
                                                         c.marked_tpr, 1.0 - c.marked_fpr)
                                           : c.marked_label}});
    }
  }
  if (values.empty()) return no_data(o, "no curve has a finite point");
  const json colour = {{"field", "curve"},
                       {"type", "nominal"},
                       {"title", nullptr},
                       {"sort", labels},
                       {"legend", {{"orient", "bottom-right"}}}};
  const int side = std::min(std::min(o.width_px, o.height_px), 420);
  json spec = base_spec(o);
  spec["width"] = side;
  spec["height"] = side;
  spec["layer"] = json::array();
  if (o.show_diagonal) {
    spec["layer"].push_back(
        {{"data", {{"values", {{{"fpr", 0}, {"tpr", 0}}, {{"fpr", 1}, {"tpr", 1}}}}}},
         {"mark", {{"type", "line"}, {"color", "#888"}, {"strokeDash", {4, 3}}}},
         {"encoding",
          {{"x", {{"field", "fpr"}, {"type", "quantitative"}}},
           {"y", {{"field", "tpr"}, {"type", "quantitative"}}}}}});
  }
  spec["layer"].push_back(
      {{"data", {{"values", values}}},
       {"mark", {{"type", "line"}, {"interpolate", "linear"}}},
       {"encoding",
        {{"x",
          {{"field", "fpr"},
           {"type", "quantitative"},
           {"title", x_title(o.x_label, "1 - specificity (false-positive rate)")},
           {"scale", {{"domain", {0, 1}}}}}},
         {"y",
          {{"field", "tpr"},
           {"type", "quantitative"},
           {"title", x_title(o.y_label, "Sensitivity (true-positive rate)")},
           {"scale", {{"domain", {0, 1}}}}}},
         {"order", {{"field", "order"}, {"type", "quantitative"}}},
         {"color", colour}}}});
  if (!marks.empty()) {
    spec["layer"].push_back({{"data", {{"values", marks}}},
                             {"mark", {{"type", "point"}, {"filled", true}, {"size", 80}}},
                             {"encoding",
                              {{"x", {{"field", "fpr"}, {"type", "quantitative"}}},
                               {"y", {{"field", "tpr"}, {"type", "quantitative"}}},
                               {"color", colour},
                               {"tooltip", {{{"field", "note"}, {"title", "Operating point"}}}}}}});
  }
  return make_plot(o, std::move(spec),
                   "Sensitivity against 1 - specificity as the threshold moves; dashed: chance; "
                   "dot: the threshold chosen (Youden's J). Legend: area under the curve with "
                   "its DeLong 95 % CI.");
}

Plot pareto_plot(const std::vector<plot::ParetoPoint>& points, const plot::ParetoOptions& o) {
  json values = json::array(), front = json::array();
  for (const auto& p : points) {
    if (!finite(p.x) || !finite(p.y)) continue;
    json v = {{"x", p.x},
              {"y", p.y},
              {"front", p.front == 1 ? "first front" : "dominated"},
              {"stage", p.refined ? "refined" : "design"},
              {"label", p.label}};
    values.push_back(v);
    if (p.front == 1) front.push_back(v);
  }
  if (values.empty()) return no_data(o, "no candidate has finite objective values");
  // The first front as a staircase, ordered along x.
  std::sort(front.begin(), front.end(), [](const json& a, const json& b) {
    return a["x"].get<double>() < b["x"].get<double>();
  });
  json spec = base_spec(o);
  const json x = {{"field", "x"},
                  {"type", "quantitative"},
                  {"title", x_title(o.x_label, "x")},
                  {"scale", {{"zero", false}}}};
  const json y = {{"field", "y"},
                  {"type", "quantitative"},
                  {"title", x_title(o.y_label, "y")},
                  {"scale", {{"zero", false}}}};
  spec["layer"] = json::array();
  if (front.size() > 1) {
    spec["layer"].push_back(
        {{"data", {{"values", front}}},
         {"mark", {{"type", "line"}, {"color", "#D55E00"}, {"interpolate", "linear"}}},
         {"encoding", {{"x", x}, {"y", y}}}});
  }
  spec["layer"].push_back(
      {{"data", {{"values", values}}},
       {"mark", {{"type", "point"}, {"filled", true}, {"size", 50}}},
       {"encoding",
        {{"x", x},
         {"y", y},
         {"color",
          {{"field", "front"},
           {"type", "nominal"},
           {"title", nullptr},
           {"scale",
            {{"domain", {"first front", "dominated"}}, {"range", {"#D55E00", "#9aa4ad"}}}}}},
         {"shape", {{"field", "stage"}, {"type", "nominal"}, {"title", "Stage"}}},
         {"tooltip",
          {{{"field", "label"}, {"title", "Candidate"}},
           {{"field", "x"}, {"title", x_title(o.x_label, "x")}, {"format", ".4g"}},
           {{"field", "y"}, {"title", x_title(o.y_label, "y")}, {"format", ".4g"}}}}}}});
  return make_plot(
      o, std::move(spec),
      fmt::format("Each point a candidate; the first Pareto front (no candidate "
                  "better in both) in vermillion. Better is {} x and {} y.",
                  o.maximise_x ? "larger" : "smaller", o.maximise_y ? "larger" : "smaller"));
}

Plot synergy_heatmap_plot(const plot::SynergyHeatmap& m, const plot::SynergyHeatmapOptions& o) {
  const std::size_t rows = m.row_labels.size(), cols = m.col_labels.size();
  if (rows == 0 || cols == 0 || m.values.size() != rows * cols) {
    return no_data(
        o, fmt::format("the matrix has {} values for {} x {} cells", m.values.size(), rows, cols));
  }
  json values = json::array();
  double limit = o.limit;
  bool any = false;
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      const double v = m.values[i * cols + j];
      const bool in_area =
          static_cast<int>(i) >= m.area_row && static_cast<int>(i) < m.area_row + m.area_rows &&
          static_cast<int>(j) >= m.area_col && static_cast<int>(j) < m.area_col + m.area_cols;
      json cell = {{"row", m.row_labels[i]}, {"col", m.col_labels[j]}, {"area", in_area}};
      if (finite(v)) {
        cell["score"] = v;
        cell["text"] = fmt::format("{:.1f}", v);
        if (o.limit <= 0) limit = std::max(limit, std::abs(v));
        any = true;
      } else {
        cell["text"] = "NA";
      }
      values.push_back(std::move(cell));
    }
  }
  if (!any) return no_data(o, "every score of the matrix is missing");
  if (!(limit > 0)) limit = 1.0;
  std::vector<std::string> rows_down(m.row_labels.rbegin(), m.row_labels.rend());
  const json x = {{"field", "col"},
                  {"type", "ordinal"},
                  {"sort", m.col_labels},
                  {"title", x_title(o.x_label, "drug 2")}};
  const json y = {{"field", "row"},
                  {"type", "ordinal"},
                  {"sort", rows_down},
                  {"title", x_title(o.y_label, "drug 1")}};
  json spec = base_spec(o);
  spec["width"] = std::min(o.width_px, 60 * static_cast<int>(cols) + 40);
  spec["height"] = std::min(o.height_px, 40 * static_cast<int>(rows) + 20);
  spec["data"] = {{"values", values}};
  spec["layer"] = {
      {{"mark", {{"type", "rect"}, {"stroke", "#ffffff"}}},
       {"encoding",
        {{"x", x},
         {"y", y},
         {"color",
          {{"field", "score"},
           {"type", "quantitative"},
           {"title", "Score"},
           {"scale",
            {{"domain", {-limit, 0.0, limit}},
             {"range", {"#1a9850", "#ffffff", "#d73027"}},
             {"clamp", true}}}}},
         {"tooltip",
          {{{"field", "row"}, {"title", x_title(o.y_label, "drug 1")}},
           {{"field", "col"}, {"title", x_title(o.x_label, "drug 2")}},
           {{"field", "text"}, {"title", "Score"}}}}}}},
      {{"transform", {{{"filter", "datum.area"}}}},
       {"mark", {{"type", "rect"}, {"fillOpacity", 0}, {"stroke", "#000"}, {"strokeWidth", 1.5}}},
       {"encoding", {{"x", x}, {"y", y}}}}};
  if (o.show_values) {
    spec["layer"].push_back({{"mark", {{"type", "text"}, {"fontSize", 10}}},
                             {"encoding", {{"x", x}, {"y", y}, {"text", {{"field", "text"}}}}}});
  }
  return make_plot(o, std::move(spec),
                   "Synergy score per concentration pair: red synergy, green antagonism "
                   "(percentage points of inhibition); outlined: the most synergistic area.");
}

Plot line_plot(const std::vector<plot::ProfileSeries>& series, const plot::ProfileOptions& o) {
  json values = json::array();
  std::vector<std::string> labels;
  for (const auto& s : series) {
    bool used = false;
    for (std::size_t k = 0; k < s.time.size() && k < s.value.size(); ++k) {
      if (!finite(s.time[k]) || !finite(s.value[k]) || (o.log_y && s.value[k] <= 0)) continue;
      values.push_back({{"series", s.label},
                        {"x", s.time[k]},
                        {"y", s.value[k]},
                        {"order", static_cast<int>(k)}});
      used = true;
    }
    if (used) labels.push_back(s.label);
  }
  if (values.empty()) {
    return no_data(
        o, o.log_y ? "no positive finite value to draw on a log axis" : "no finite value to draw");
  }
  json spec = base_spec(o);
  spec["data"] = {{"values", values}};
  spec["mark"] = {{"type", "line"}, {"point", values.size() <= 400}};
  spec["encoding"] = {
      {"x", {{"field", "x"}, {"type", "quantitative"}, {"title", x_title(o.x_label, "x")}}},
      {"y",
       {{"field", "y"},
        {"type", "quantitative"},
        {"title", x_title(o.y_label, "y")},
        {"scale", o.log_y ? json{{"type", "log"}} : json{{"zero", false}}}}},
      {"order", {{"field", "order"}, {"type", "quantitative"}}},
      {"color", {{"field", "series"}, {"type", "nominal"}, {"title", nullptr}, {"sort", labels}}},
      {"tooltip",
       {{{"field", "series"}},
        {{"field", "x"}, {"format", ".4g"}},
        {{"field", "y"}, {"format", ".4g"}}}}};
  return make_plot(o, std::move(spec), "");
}

Plot band_plot(const std::vector<BandSeries>& series, const plot::ProfileOptions& o) {
  json values = json::array();
  std::size_t subjects = 0;
  for (const auto& s : series) {
    subjects = std::max(subjects, s.subjects);
    for (std::size_t k = 0; k < s.time.size(); ++k) {
      const double m = k < s.median.size() ? s.median[k] : NAN;
      const double lo = k < s.p05.size() ? s.p05[k] : NAN;
      const double hi = k < s.p95.size() ? s.p95[k] : NAN;
      if (!finite(s.time[k]) || !finite(m) || (o.log_y && m <= 0)) continue;
      json v = {{"series", s.label}, {"time", s.time[k]}, {"median", m}};
      if (finite(lo) && finite(hi) && (!o.log_y || lo > 0)) {
        v["p05"] = lo;
        v["p95"] = hi;
      }
      values.push_back(std::move(v));
    }
  }
  if (values.empty()) {
    return no_data(o, o.log_y ? "no positive finite value to draw on a log axis"
                              : "every value is missing (NA) or not finite");
  }
  const json x = {
      {"field", "time"}, {"type", "quantitative"}, {"title", x_title(o.x_label, "time")}};
  const json y_scale = o.log_y ? json{{"type", "log"}} : json{{"zero", false}};
  const json colour = {{"field", "series"}, {"type", "nominal"}, {"title", nullptr}};
  json spec = base_spec(o);
  spec["data"] = {{"values", values}};
  spec["layer"] = json::array();
  if (subjects > 1) {
    spec["layer"].push_back(
        {{"transform", {{{"filter", "isValid(datum.p05) && isValid(datum.p95)"}}}},
         {"mark", {{"type", "area"}, {"opacity", 0.25}}},
         {"encoding",
          {{"x", x},
           {"y",
            {{"field", "p05"},
             {"type", "quantitative"},
             {"scale", y_scale},
             {"title", x_title(o.y_label, "value")}}},
           {"y2", {{"field", "p95"}}},
           {"color", colour}}}});
  }
  spec["layer"].push_back(
      {{"mark", {{"type", "line"}, {"strokeWidth", 2}}},
       {"encoding",
        {{"x", x},
         {"y",
          {{"field", "median"},
           {"type", "quantitative"},
           {"scale", y_scale},
           {"title", x_title(o.y_label, "value")}}},
         {"color", colour},
         {"tooltip",
          {{{"field", "time"}, {"format", ".4g"}},
           {{"field", "median"}, {"format", ".4g"}},
           {{"field", "p05"}, {"title", "5th percentile"}, {"format", ".4g"}},
           {{"field", "p95"}, {"title", "95th percentile"}, {"format", ".4g"}}}}}}});
  return make_plot(
      o, std::move(spec),
      subjects > 1 ? fmt::format("Line: median over {} subjects at each time; band: 5th to 95th "
                                 "percentile.",
                                 subjects)
                   : std::string("One subject: its time course."));
}

Plot histogram_plot(const std::vector<HistogramGroup>& groups, const plot::PlotOptions& o) {
  json values = json::array();
  int missing = 0;
  for (const auto& g : groups) {
    for (const double v : g.values) {
      if (finite(v)) {
        values.push_back({{"group", g.label}, {"value", v}});
      } else {
        ++missing;
      }
    }
  }
  if (values.empty()) return no_data(o, "no subject has a finite value");
  json spec = base_spec(o);
  spec["data"] = {{"values", values}};
  spec["mark"] = {{"type", "bar"}, {"opacity", 0.65}, {"binSpacing", 1}};
  spec["encoding"] = {{"x",
                       {{"field", "value"},
                        {"type", "quantitative"},
                        {"bin", {{"maxbins", 30}}},
                        {"title", x_title(o.x_label, "value")}}},
                      {"y",
                       {{"aggregate", "count"},
                        {"type", "quantitative"},
                        {"stack", nullptr},
                        {"title", x_title(o.y_label, "Subjects")}}},
                      {"color", {{"field", "group"}, {"type", "nominal"}, {"title", nullptr}}}};
  std::string caption = groups.size() > 1 ? "Subjects per bin, one colour per group (overlaid)."
                                          : "Subjects per bin.";
  if (missing > 0)
    caption += fmt::format(" {} value(s) missing or not finite are left out.", missing);
  return make_plot(o, std::move(spec), caption);
}

}  // namespace smartnano::report

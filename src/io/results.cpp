#include "smartnano/io/results.h"

#include <cmath>

#include <fmt/format.h>
#include <sundials/sundials_config.h>
#include <yaml-cpp/yaml.h>

#include "smartnano/io/atomic_file.h"
#include "smartnano/version.h"

namespace smartnano::io {

namespace {

void put_number(fmt::memory_buffer& buffer, double v) {
  if (std::isnan(v)) {
    buffer.append(std::string_view("NA"));
  } else {
    fmt::format_to(std::back_inserter(buffer), "{:.10g}", v);
  }
}

}  // namespace

std::string results_csv_header(const model::Model& model, bool with_states) {
  std::string line = "ID,TIME,EVID";
  for (const auto& o : model.outputs()) line += ',' + o.name;
  if (with_states) {
    for (const auto& st : model.states()) line += ',' + st.name;
  }
  return line + '\n';
}

void append_results_csv_rows(std::string& out, const model::Model& model, bool with_states,
                             const std::vector<simulation::SubjectResult>& results) {
  const std::size_t n_outputs = model.outputs().size();
  const std::size_t n_states = model.states().size();
  fmt::memory_buffer buffer;
  for (const auto& r : results) {
    for (std::size_t row = 0; row < r.times.size(); ++row) {
      put_number(buffer, r.id);
      buffer.push_back(',');
      put_number(buffer, r.times[row]);
      fmt::format_to(std::back_inserter(buffer), ",{}", r.evids[row]);
      for (std::size_t k = 0; k < n_outputs; ++k) {
        buffer.push_back(',');
        put_number(buffer, r.outputs[row * n_outputs + k]);
      }
      if (with_states) {
        for (std::size_t k = 0; k < n_states; ++k) {
          buffer.push_back(',');
          const std::size_t at = row * n_states + k;
          put_number(buffer, at < r.states.size() ? r.states[at] : std::nan(""));
        }
      }
      buffer.push_back('\n');
    }
    out.append(buffer.data(), buffer.size());
    buffer.clear();
  }
}

ResultsCsvWriter::ResultsCsvWriter(const std::string& path, const model::Model& model,
                                   bool with_states)
    : file_(path), model_(&model), with_states_(with_states) {
  file_.stream() << results_csv_header(model, with_states);
}

void ResultsCsvWriter::append(const std::vector<simulation::SubjectResult>& results) {
  // Rows are formatted into one buffer and written in one piece: with millions of rows the
  // writer, not the solver, would otherwise dominate a population run.
  std::string rows;
  append_results_csv_rows(rows, *model_, with_states_, results);
  file_.stream().write(rows.data(), static_cast<std::streamsize>(rows.size()));
}

void ResultsCsvWriter::commit() { file_.commit(); }

void write_results_csv(const std::string& path, const model::Model& model,
                       const std::vector<simulation::SubjectResult>& results) {
  ResultsCsvWriter writer(path, model, !results.empty() && !results.front().states.empty());
  writer.append(results);
  writer.commit();
}

void RunStatistics::add(const simulation::SubjectResult& r) {
  if (subjects == 0) with_states = !r.states.empty();
  ++subjects;
  integrator += r.stats;
  steady_state_intervals += r.steady_state_intervals;
  if (r.status != simulation::SubjectStatus::kSuccess) {
    ++failed_subjects;
    failures.push_back(
        {{"id", r.id}, {"status", simulation::to_string(r.status)}, {"message", r.message}});
  }
}

void RunStatistics::merge(const RunStatistics& later) {
  if (subjects == 0) with_states = later.with_states;
  subjects += later.subjects;
  failed_subjects += later.failed_subjects;
  steady_state_intervals += later.steady_state_intervals;
  integrator += later.integrator;
  for (const auto& f : later.failures) failures.push_back(f);
}

nlohmann::json RunStatistics::to_json() const {
  const auto& i = integrator;
  return {{"subjects", subjects},
          {"failed_subjects", failed_subjects},
          {"steady_state_intervals", steady_state_intervals},
          {"with_states", with_states},
          {"integrator",
           {i.steps, i.rhs_evaluations, i.jacobian_evaluations, i.linear_solver_setups,
            i.error_test_failures, i.nonlinear_convergence_failures, i.segments}},
          {"failures", failures}};
}

RunStatistics RunStatistics::from_json(const nlohmann::json& j) {
  RunStatistics s;
  s.subjects = j.at("subjects").get<std::size_t>();
  s.failed_subjects = j.at("failed_subjects").get<long>();
  s.steady_state_intervals = j.at("steady_state_intervals").get<long>();
  s.with_states = j.at("with_states").get<bool>();
  const auto& i = j.at("integrator");
  s.integrator.steps = i.at(0).get<long>();
  s.integrator.rhs_evaluations = i.at(1).get<long>();
  s.integrator.jacobian_evaluations = i.at(2).get<long>();
  s.integrator.linear_solver_setups = i.at(3).get<long>();
  s.integrator.error_test_failures = i.at(4).get<long>();
  s.integrator.nonlinear_convergence_failures = i.at(5).get<long>();
  s.integrator.segments = i.at(6).get<long>();
  s.failures = j.at("failures");
  return s;
}

std::string subjects_csv_header(const model::Model& model, const scenario::Scenario& s) {
  std::string line = "ID,WEIGHT,BSA";
  for (const auto& name : s.reported_names()) line += ',' + name;
  for (const auto& name : s.eta_names()) line += ',' + name;
  for (const auto& p : model.parameters()) line += ',' + p.name;
  return line + '\n';
}

void append_subjects_csv_row(std::string& out, const model::Model& model,
                             const scenario::SubjectDescription& subject) {
  fmt::memory_buffer buffer;
  put_number(buffer, subject.id);
  buffer.push_back(',');
  put_number(buffer, subject.body.weight_kg > 0 ? subject.body.weight_kg : std::nan(""));
  buffer.push_back(',');
  put_number(buffer, subject.body.bsa_m2 > 0 ? subject.body.bsa_m2 : std::nan(""));
  for (const double v : subject.reported) {
    buffer.push_back(',');
    put_number(buffer, v);
  }
  for (const double v : subject.eta) {
    buffer.push_back(',');
    put_number(buffer, v);
  }
  for (std::size_t i = 0; i < model.parameters().size(); ++i) {
    buffer.push_back(',');
    put_number(buffer,
               i < subject.parameters.size() ? subject.parameters[i] : model.parameters()[i].value);
  }
  buffer.push_back('\n');
  out.append(buffer.data(), buffer.size());
}

std::string subject_summaries_csv_header(const scenario::Scenario& s) {
  std::string line = "ID,STATUS";
  for (const auto& summary : s.output.summaries) line += ',' + summary.column;
  return line + '\n';
}

void append_subject_summaries_csv_row(std::string& out, const simulation::SubjectResult& result,
                                      const std::vector<double>& summaries) {
  fmt::memory_buffer buffer;
  put_number(buffer, result.id);
  buffer.push_back(',');
  buffer.append(simulation::to_string(result.status));
  for (const double v : summaries) {
    buffer.push_back(',');
    put_number(buffer, v);
  }
  buffer.push_back('\n');
  out.append(buffer.data(), buffer.size());
}

nlohmann::json versions() {
  return {{"smartnano", SMARTNANO_VERSION_STRING},
          {"sundials", SUNDIALS_VERSION},
          {"compiler", fmt::format("{} {}", "gcc", __VERSION__)},
          {"fmt", FMT_VERSION}};
}

nlohmann::json results_summary(const model::Model& model,
                               const std::vector<double>& parameter_values,
                               const simulation::SimulationOptions& options,
                               const std::vector<simulation::SubjectResult>& results,
                               const RunInfo& info) {
  RunStatistics statistics;
  for (const auto& r : results) statistics.add(r);
  return results_summary(model, parameter_values, options, statistics, info);
}

nlohmann::json results_summary(const model::Model& model,
                               const std::vector<double>& parameter_values,
                               const simulation::SimulationOptions& options,
                               const RunStatistics& statistics, const RunInfo& info) {
  using nlohmann::json;
  json columns = json::array();
  columns.push_back({{"name", "ID"}, {"unit", ""}, {"description", "subject identifier"}});
  columns.push_back({{"name", "TIME"}, {"unit", model.time_unit().text}, {"description", "time"}});
  columns.push_back(
      {{"name", "EVID"}, {"unit", ""}, {"description", "NONMEM event type of the row"}});
  for (const auto& o : model.outputs()) {
    columns.push_back({{"name", o.name}, {"unit", o.unit.text}, {"description", o.description}});
  }
  if (statistics.with_states) {
    for (const auto& s : model.states()) {
      columns.push_back({{"name", s.name}, {"unit", s.unit.text}, {"description", s.description}});
    }
  }
  json parameters = json::array();
  for (std::size_t i = 0; i < model.parameters().size(); ++i) {
    const auto& p = model.parameters()[i];
    parameters.push_back({{"name", p.name},
                          {"value", i < parameter_values.size() ? parameter_values[i] : p.value},
                          {"default", p.value},
                          {"unit", p.unit.text},
                          {"source", p.source}});
  }
  const solver::IntegratorStats& total = statistics.integrator;
  const auto& io = options.integrator;
  return json{
      {"command", info.command},
      {"scenario", info.scenario},
      {"results", info.results_file},
      {"columns", columns},
      {"model",
       {{"name", model.name()}, {"file", model.file()}, {"time_unit", model.time_unit().text}}},
      {"parameters", parameters},
      {"solver",
       {{"method", "CVODES BDF, dense direct linear solver"},
        {"jacobian", io.jacobian == solver::JacobianMode::kFiniteDifference
                         ? "finite differences"
                         : "analytic (symbolic)"},
        {"relative_tolerance", io.relative_tolerance},
        {"absolute_tolerance", io.absolute_tolerance},
        {"max_steps", io.max_steps},
        {"steady_state_relative_tolerance", options.steady_state_relative_tolerance},
        {"steady_state_absolute_tolerance", options.steady_state_absolute_tolerance}}},
      {"statistics",
       {{"subjects", statistics.subjects},
        {"failed_subjects", statistics.failed_subjects},
        {"steps", total.steps},
        {"rhs_evaluations", total.rhs_evaluations},
        {"jacobian_evaluations", total.jacobian_evaluations},
        {"segments", total.segments},
        {"steady_state_intervals", statistics.steady_state_intervals}}},
      {"failures", statistics.failures},
      {"versions", versions()},
      {"seed", info.seed},
      {"wall_seconds", info.wall_seconds},
      {"extra", info.extra}};
}

}  // namespace smartnano::io

#include "smartnano/io/results.h"

#include <cmath>

#include <fmt/format.h>
#include <sundials/sundials_config.h>
#include <yaml-cpp/yaml.h>

#include "smartnano/io/atomic_file.h"
#include "smartnano/version.h"

namespace smartnano::io {

namespace {
std::string number(double v) {
  if (std::isnan(v)) return "NA";
  return fmt::format("{:.10g}", v);
}
}  // namespace

ResultsCsvWriter::ResultsCsvWriter(const std::string& path, const model::Model& model,
                                   bool with_states)
    : file_(path),
      n_outputs_(model.outputs().size()),
      n_states_(model.states().size()),
      with_states_(with_states) {
  std::ostream& out = file_.stream();
  out << "ID,TIME,EVID";
  for (const auto& o : model.outputs()) out << ',' << o.name;
  if (with_states_) {
    for (const auto& st : model.states()) out << ',' << st.name;
  }
  out << '\n';
}

void ResultsCsvWriter::append(const std::vector<simulation::SubjectResult>& results) {
  std::ostream& out = file_.stream();
  // Rows are formatted into one buffer and written in large chunks: with millions of rows the
  // writer, not the solver, would otherwise dominate a population run.
  fmt::memory_buffer buffer;
  auto put = [&buffer](double v) {
    if (std::isnan(v)) {
      buffer.append(std::string_view("NA"));
    } else {
      fmt::format_to(std::back_inserter(buffer), "{:.10g}", v);
    }
  };
  for (const auto& r : results) {
    for (std::size_t row = 0; row < r.times.size(); ++row) {
      put(r.id);
      buffer.push_back(',');
      put(r.times[row]);
      fmt::format_to(std::back_inserter(buffer), ",{}", r.evids[row]);
      for (std::size_t k = 0; k < n_outputs_; ++k) {
        buffer.push_back(',');
        put(r.outputs[row * n_outputs_ + k]);
      }
      if (with_states_) {
        for (std::size_t k = 0; k < n_states_; ++k) {
          buffer.push_back(',');
          const std::size_t at = row * n_states_ + k;
          put(at < r.states.size() ? r.states[at] : std::nan(""));
        }
      }
      buffer.push_back('\n');
      if (buffer.size() > (1 << 20)) {
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
      }
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
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

void write_subjects_csv(const std::string& path, const model::Model& model,
                        const std::vector<simulation::SubjectInput>& subjects,
                        const std::vector<double>& default_parameters,
                        const std::vector<events::BodySize>& bodies) {
  AtomicFile file(path);
  std::ostream& out = file.stream();
  out << "ID,WEIGHT,BSA";
  for (const auto& p : model.parameters()) out << ',' << p.name;
  out << '\n';
  for (std::size_t k = 0; k < subjects.size(); ++k) {
    const auto& subject = subjects[k];
    const events::BodySize body = k < bodies.size() ? bodies[k] : events::BodySize{};
    std::string line = fmt::format("{},{},{}", number(subject.id),
                                   body.weight_kg > 0 ? number(body.weight_kg) : "NA",
                                   body.bsa_m2 > 0 ? number(body.bsa_m2) : "NA");
    const auto& values = subject.parameters.empty() ? default_parameters : subject.parameters;
    for (std::size_t i = 0; i < model.parameters().size(); ++i) {
      line += ',' + number(i < values.size() ? values[i] : model.parameters()[i].value);
    }
    out << line << '\n';
  }
  file.commit();
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

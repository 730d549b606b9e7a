// `smartnano params MODEL`: the parameter database of a model - every default with its unit,
// plausible range and source - as a table, CSV or JSON.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/model/model.h"

namespace smartnano::cli {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string render(const model::Model& m, const std::string& format) {
  std::string out;
  if (format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& p : m.parameters()) {
      nlohmann::json row = {{"model", m.name()},
                            {"name", p.name},
                            {"value", p.value},
                            {"unit", p.unit.text},
                            {"description", p.description},
                            {"source", p.source}};
      row["range"] =
          p.range ? nlohmann::json::array({p.range->first, p.range->second}) : nlohmann::json();
      rows.push_back(row);
    }
    return rows.dump(2) + "\n";
  }
  if (format == "csv") {
    out = "model,name,value,unit,range_low,range_high,description,source\n";
    for (const auto& p : m.parameters()) {
      out += fmt::format("{},{},{},{},{},{},{},{}\n", m.name(), p.name, p.value,
                         csv_field(p.unit.text), p.range ? fmt::format("{}", p.range->first) : "",
                         p.range ? fmt::format("{}", p.range->second) : "",
                         csv_field(p.description), csv_field(p.source));
    }
    return out;
  }
  out = fmt::format("Parameters of model {} ({})\n", m.name(), m.file());
  for (const auto& p : m.parameters()) {
    out += fmt::format(
        "  {:<14} {:>12g} {:<12} {}\n", p.name, p.value, p.unit.text == "1" ? "" : p.unit.text,
        p.range ? fmt::format("range {:g} - {:g}", p.range->first, p.range->second) : "");
    if (!p.description.empty()) out += fmt::format("      {}\n", p.description);
    out += fmt::format("      source: {}\n", p.source.empty() ? "(none)" : p.source);
  }
  return out;
}

}  // namespace

void add_params_command(CLI::App& app, Action& action) {
  struct Args {
    std::vector<std::string> models;
    std::string format = "table";
    std::string out;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "params", "Print the parameter database of models: value, unit, range and source");
  cmd->add_option("model", args->models,
                  "built-in model names or model files; default: all built-in");
  cmd->add_option("--format", args->format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("-o,--out", args->out, "write to this file (atomically) instead of the terminal");
  cmd->callback([&action, args] {
    action = [args] {
      std::vector<std::string> names = args->models;
      if (names.empty()) names = model::builtin_model_names();
      std::string text;
      std::string json_rows;
      int missing = 0;
      for (std::size_t i = 0; i < names.size(); ++i) {
        const auto m = model::load_model(names[i]);
        for (const auto& p : m->parameters()) missing += p.source.empty() ? 1 : 0;
        std::string part = render(*m, args->format);
        if (args->format == "csv" && i > 0) part = part.substr(part.find('\n') + 1);
        if (args->format == "json") {
          // Merge the per-model arrays into one.
          auto merged =
              json_rows.empty() ? nlohmann::json::array() : nlohmann::json::parse(json_rows);
          for (auto& row : nlohmann::json::parse(part)) merged.push_back(row);
          json_rows = merged.dump(2) + "\n";
        } else {
          text += part;
        }
      }
      if (args->format == "json") text = json_rows;
      if (args->out.empty()) {
        std::cout << text;
      } else {
        io::write_file_atomically(args->out, text);
        std::cout << fmt::format("Wrote {}\n", args->out);
      }
      if (missing > 0) {
        std::cerr << fmt::format("smartnano: {} parameter(s) have no source\n", missing);
        return kExitCheckFailed;
      }
      return kExitOk;
    };
  });
}

}  // namespace smartnano::cli

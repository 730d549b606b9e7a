// The `patients:` file of a scenario's population: one patient per CSV row, with ID and any of
// weight, height, BSA, sex, age, other named covariates, model covariates and tumour
// phenotypes. A header may give a column's unit in brackets or parentheses ("weight [lb]");
// without one the documented default unit applies (docs/population.md, "Patients from a file").
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scenario/population_scenario.h"
#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"

namespace smartnano::scenario::detail {
namespace {

namespace fs = std::filesystem;
using model::YamlInput;

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// What a column holds.
enum class Kind { kId, kWeight, kHeight, kBsa, kSex, kCovariate, kModelCovariate, kPhenotype };

struct ColumnPlan {
  Kind kind = Kind::kId;
  std::string header;   // as written
  std::string name;     // the covariate or phenotype name
  double factor = 1.0;  // from the header's unit to the quantity's unit
  std::vector<double> values;
};

// 1-based character column of field `index` in a CSV line (quotes are not looked into).
int column_of_field(std::string_view line, std::size_t index) {
  std::size_t pos = 0;
  for (std::size_t k = 0; k < index && pos != std::string_view::npos; ++k) {
    pos = line.find(',', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  return pos == std::string_view::npos ? 0 : static_cast<int>(pos) + 1;
}

}  // namespace

void read_patient_table(const YamlInput& at, const model::Model& m,
                        population::PopulationSpec& spec) {
  const std::string name = at.as_string();
  const std::string path =
      fs::path(name).is_absolute() || at.file().empty()
          ? name
          : (fs::path(at.file()).parent_path() / name).lexically_normal().string();
  std::string text;
  try {
    text = read_text_file(path, "patients file");
  } catch (const InputError& e) {
    at.fail(fmt::format("{}: {}", path, e.message()));
  }
  const auto lines = split_lines(text);
  std::size_t header_line = 0;
  while (header_line < lines.size() && trim(lines[header_line]).empty()) ++header_line;
  if (header_line == lines.size()) at.fail(fmt::format("{}: the file is empty", path));
  auto fail_at = [&](std::size_t line, int column, const std::string& field,
                     const std::string& message) {
    throw InputError({path, static_cast<int>(line + 1), column, field}, message);
  };

  // The header: every column must be known.
  const std::vector<std::string> header = split_csv_line(lines[header_line]);
  std::vector<ColumnPlan> plan;
  std::vector<std::string> allowed = {"ID", "WEIGHT", "WT", "HEIGHT", "HT", "BSA", "SEX"};
  for (const auto& c : spec.covariates) allowed.push_back(c.name);
  if (std::find(allowed.begin(), allowed.end(), "AGE") == allowed.end()) allowed.push_back("AGE");
  for (const auto& c : m.covariates()) allowed.push_back(c.name);
  for (const auto& t : spec.tumour) allowed.push_back(t.name);
  for (std::size_t k = 0; k < header.size(); ++k) {
    const int column = column_of_field(lines[header_line], k);
    std::string label = header[k], unit_text;
    const std::size_t open = label.find_first_of("[(");
    if (open != std::string::npos) {
      const char close = label[open] == '[' ? ']' : ')';
      const std::size_t end = label.find(close, open);
      if (end == std::string::npos || !trim(label.substr(end + 1)).empty()) {
        fail_at(header_line, column, header[k],
                fmt::format("write a unit as 'name [unit]' or 'name (unit)', not '{}'", label));
      }
      unit_text = trim(label.substr(open + 1, end - open - 1));
      label = trim(label.substr(0, open));
    }
    const std::string key = upper(label);
    ColumnPlan c;
    c.header = header[k];
    std::string quantity_unit;  // the unit values are stored in
    if (key == "ID") {
      c.kind = Kind::kId;
    } else if (key == "WEIGHT" || key == "WT") {
      c.kind = Kind::kWeight;
      quantity_unit = "kg";
    } else if (key == "HEIGHT" || key == "HT") {
      c.kind = Kind::kHeight;
      quantity_unit = "cm";
    } else if (key == "BSA") {
      c.kind = Kind::kBsa;
      quantity_unit = "m2";
    } else if (key == "SEX") {
      c.kind = Kind::kSex;
    } else {
      auto same = [&](const std::string& n) { return upper(n) == key; };
      const auto cov = std::find_if(spec.covariates.begin(), spec.covariates.end(),
                                    [&](const auto& x) { return same(x.name); });
      const auto phen = std::find_if(spec.tumour.begin(), spec.tumour.end(),
                                     [&](const auto& x) { return same(x.name); });
      const auto mcov = std::find_if(m.covariates().begin(), m.covariates().end(),
                                     [&](const auto& x) { return same(x.name); });
      if (cov != spec.covariates.end()) {
        if (cov->sampled) {
          fail_at(header_line, column, header[k],
                  fmt::format("{} has a distribution in the scenario; give it either there or "
                              "here (a covariate without a distribution, e.g. {{unit: yr, "
                              "covariate: AGE}}, takes this column)",
                              cov->name));
        }
        c.kind = Kind::kCovariate;
        c.name = cov->name;
        quantity_unit = cov->unit;
      } else if (key == "AGE") {
        c.kind = Kind::kCovariate;
        c.name = "AGE";
        quantity_unit = "yr";
        population::NamedCovariate age;
        age.name = "AGE";
        age.unit = "yr";
        age.sampled = false;
        spec.covariates.push_back(age);
      } else if (phen != spec.tumour.end()) {
        c.kind = Kind::kPhenotype;
        c.name = phen->name;
        quantity_unit = phen->unit;
      } else if (mcov != m.covariates().end()) {
        c.kind = Kind::kModelCovariate;
        c.name = mcov->name;
        quantity_unit = mcov->unit.text;
      } else {
        fail_at(header_line, column, header[k],
                fmt::format("'{}' is not a column of a patients file (known here: {}){}", label,
                            fmt::join(allowed, ", "), did_you_mean(label, allowed)));
      }
    }
    if (!unit_text.empty()) {
      if (quantity_unit.empty()) {
        fail_at(header_line, column, header[k], fmt::format("{} has no unit", label));
      }
      try {
        c.factor = units::conversion_factor(units::parse_unit(unit_text),
                                            units::parse_unit(quantity_unit));
      } catch (const units::UnitError& e) {
        fail_at(header_line, column, header[k], e.what());
      }
    }
    for (const auto& other : plan) {
      if (other.kind == c.kind && other.name == c.name) {
        fail_at(header_line, column, header[k],
                fmt::format("the same quantity as column '{}'", other.header));
      }
    }
    plan.push_back(std::move(c));
  }
  if (std::none_of(plan.begin(), plan.end(), [](const auto& c) { return c.kind == Kind::kId; })) {
    fail_at(header_line, 0, "", "a patients file needs an ID column");
  }

  // The rows: every value present, numeric and finite; IDs unique.
  const population::SexSpec sex = spec.sex.value_or(population::SexSpec{});
  std::map<double, std::size_t> id_line;
  for (std::size_t line = header_line + 1; line < lines.size(); ++line) {
    if (trim(lines[line]).empty()) continue;
    const std::vector<std::string> fields = split_csv_line(lines[line]);
    if (fields.size() > plan.size()) {
      fail_at(line, column_of_field(lines[line], plan.size()), "",
              fmt::format("{} values for {} columns", fields.size(), plan.size()));
    }
    for (std::size_t k = 0; k < plan.size(); ++k) {
      ColumnPlan& c = plan[k];
      const int column = column_of_field(lines[line], k);
      const std::string value = k < fields.size() ? fields[k] : "";
      if (value.empty()) fail_at(line, column, c.header, "the value is missing");
      if (c.kind == Kind::kSex) {
        const std::string v = upper(value);
        double female = -1;
        if (v == "F" || v == "FEMALE") female = 1;
        if (v == "M" || v == "MALE") female = 0;
        if (female < 0) {
          char* end = nullptr;
          const double code = std::strtod(value.c_str(), &end);
          if (end && *end == '\0' && code == sex.female_code) female = 1;
          if (end && *end == '\0' && code == sex.male_code) female = 0;
        }
        if (female < 0) {
          fail_at(line, column, c.header,
                  fmt::format("'{}' is not F, M, female, male or a code (female {}, male {}; "
                              "population.sex.codes sets them)",
                              value, sex.female_code, sex.male_code));
        }
        c.values.push_back(female);
        continue;
      }
      double x = 0.0;
      std::size_t used = 0;
      try {
        x = std::stod(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != value.size() || used == 0) {
        fail_at(line, column, c.header, fmt::format("'{}' is not a number", value));
      }
      if (!std::isfinite(x)) {
        fail_at(line, column, c.header, fmt::format("'{}' is not a finite number", value));
      }
      x *= c.factor;
      if ((c.kind == Kind::kWeight || c.kind == Kind::kHeight || c.kind == Kind::kBsa) &&
          !(x > 0)) {
        fail_at(line, column, c.header, fmt::format("must be > 0, not {}", value));
      }
      if (c.kind == Kind::kId) {
        const auto [it, inserted] = id_line.emplace(x, line);
        if (!inserted) {
          fail_at(line, column, c.header,
                  fmt::format("ID {} is given twice (also on line {})", value, it->second + 1));
        }
      }
      c.values.push_back(x);
    }
  }
  if (id_line.empty()) fail_at(header_line, 0, "", "the patients file has no patients");

  population::PatientTable table;
  table.file = path;
  for (auto& c : plan) {
    switch (c.kind) {
      case Kind::kId:
        table.id = std::move(c.values);
        break;
      case Kind::kWeight:
        table.weight_kg = std::move(c.values);
        break;
      case Kind::kHeight:
        table.height_cm = std::move(c.values);
        break;
      case Kind::kBsa:
        table.bsa_m2 = std::move(c.values);
        break;
      case Kind::kSex:
        table.female = std::move(c.values);
        break;
      case Kind::kCovariate:
        table.covariates.push_back({c.name, std::move(c.values)});
        break;
      case Kind::kModelCovariate:
        table.model_covariates.push_back({c.name, std::move(c.values)});
        break;
      case Kind::kPhenotype:
        table.phenotypes.push_back({c.name, std::move(c.values)});
        break;
    }
  }
  if (!table.female.empty() && !spec.sex) spec.sex = population::SexSpec{};
  if (!table.weight_kg.empty() && spec.weight_kg) {
    at.fail("the patients file gives weight; remove population.weight");
  }
  if (!table.height_cm.empty() && spec.height_cm) {
    at.fail("the patients file gives height; remove population.height");
  }
  spec.patients = std::move(table);
}

}  // namespace smartnano::scenario::detail

// NCA profiles from CSV files (the reference input format and general tables such as
// smartnano's results.csv), and NCA results as CSV text and as a readable table.
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"
#include "smartnano/nca/nca.h"

namespace smartnano::nca {

namespace {

bool is_missing(const std::string& field) { return field.empty() || to_upper(field) == "NA"; }

// A CSV table read row by row, with the location of every field for messages.
class Table {
 public:
  Table(std::string_view text, std::string file) : file_(std::move(file)) {
    lines_ = split_lines(text);
    while (header_line_ < lines_.size() && trim(lines_[header_line_]).empty()) ++header_line_;
    if (header_line_ == lines_.size()) throw InputError({file_, 0, 0, ""}, "the file is empty");
    header_ = split_csv_line(lines_[header_line_]);
  }

  // The index of a column (names compared case-insensitively); -1 if absent.
  int find(std::string_view name) const {
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (to_upper(header_[i]) == to_upper(name)) return static_cast<int>(i);
    }
    return -1;
  }
  int require(std::string_view name, std::string_view what) const {
    const int index = find(name);
    if (index < 0) {
      throw InputError({file_, line_number(header_line_), 0, std::string(name)},
                       fmt::format("missing required column '{}' ({}){}", name, what,
                                   did_you_mean(name, header_)));
    }
    return index;
  }

  // Calls row(fields) for every non-blank data line, with current_line() set.
  template <typename F>
  void for_each_row(F&& row) {
    for (std::size_t i = header_line_ + 1; i < lines_.size(); ++i) {
      current_ = i;
      if (trim(lines_[i]).empty()) continue;
      fields_ = split_csv_line(lines_[i]);
      if (fields_.size() != header_.size()) {
        throw InputError({file_, line_number(i), 0, ""},
                         fmt::format("expected {} fields (as in the header), found {}",
                                     header_.size(), fields_.size()));
      }
      row();
    }
  }
  const std::string& field(int column) const { return fields_[static_cast<std::size_t>(column)]; }
  int line() const { return line_number(current_); }

  InputError error(int column, const std::string& message) const {
    return InputError({file_, line(), column + 1, header_[static_cast<std::size_t>(column)]},
                      message);
  }
  // The field as a finite number; throws naming file, line, column and field otherwise.
  double number(int column) const {
    const std::string& text = field(column);
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
      throw error(column, fmt::format("'{}' is not a finite number", text));
    }
    return value;
  }

 private:
  static int line_number(std::size_t index) { return static_cast<int>(index + 1); }
  std::string file_;
  std::vector<std::string_view> lines_;
  std::vector<std::string> header_, fields_;
  std::size_t header_line_ = 0, current_ = 0;
};

// Collects rows into per-subject profiles, checking each value as it comes.
class ProfileBuilder {
 public:
  explicit ProfileBuilder(const Table& table) : table_(table) {}

  // Returns the subject's profile (created on first sight, with dose and route).
  Profile& subject(const std::string& label, int subject_column, double dose, int dose_column,
                   Route route, int route_column, double infusion_duration) {
    if (label.empty()) throw table_.error(subject_column, "empty subject label");
    auto [it, inserted] = index_.try_emplace(label, profiles_.size());
    if (inserted) {
      Profile p;
      p.subject = label;
      p.dose = dose;
      p.route = route;
      p.infusion_duration = infusion_duration;
      p.first_line = table_.line();
      profiles_.push_back(std::move(p));
    }
    Profile& p = profiles_[it->second];
    if (dose_column >= 0 && dose != p.dose) {
      throw table_.error(dose_column, fmt::format("dose {} differs from subject {}'s dose {} on "
                                                  "line {} (one single dose per subject)",
                                                  dose, label, p.dose, p.first_line));
    }
    if (route_column >= 0 && route != p.route) {
      throw table_.error(
          route_column,
          fmt::format("route differs from subject {}'s route on line {}", label, p.first_line));
    }
    return p;
  }

  void add_sample(Profile& p, double time, int time_column, double conc, int conc_column) {
    if (time < 0) {
      throw table_.error(time_column,
                         fmt::format("negative time {} (the dose is given at t = 0)", time));
    }
    if (!p.time.empty() && !(time > p.time.back())) {
      throw table_.error(
          time_column, fmt::format("time {} is not after the previous time {} of subject {}", time,
                                   p.time.back(), p.subject));
    }
    if (conc < 0) throw table_.error(conc_column, fmt::format("negative concentration {}", conc));
    p.time.push_back(time);
    p.conc.push_back(conc);
  }

  std::vector<Profile> take() { return std::move(profiles_); }

 private:
  const Table& table_;
  std::vector<Profile> profiles_;
  std::map<std::string, std::size_t> index_;
};

void check_dose(const Table& table, int column, double dose) {
  if (!(dose > 0)) throw table.error(column, fmt::format("dose {} is not > 0", dose));
}

}  // namespace

std::vector<Profile> parse_nca_input(std::string_view text, const std::string& file) {
  Table table(text, file);
  const int subject = table.require("subject", "subject label");
  const int time = table.require("time", "time after the dose");
  const int conc = table.require("conc", "concentration");
  const int dose = table.require("dose", "the subject's single dose at t = 0");
  const int route = table.require("route", "extravascular or intravascular");
  ProfileBuilder builder(table);
  table.for_each_row([&] {
    const double t = table.number(time);
    const double d = table.number(dose);
    check_dose(table, dose, d);
    const std::string route_text = to_upper(table.field(route));
    Route r = Route::kExtravascular;
    if (route_text == "INTRAVASCULAR") {
      r = Route::kIntravascularBolus;
    } else if (route_text != "EXTRAVASCULAR") {
      throw table.error(
          route, fmt::format("unknown route '{}': expected extravascular or "
                             "intravascular{}",
                             table.field(route),
                             did_you_mean(table.field(route), {"extravascular", "intravascular"})));
    }
    Profile& p = builder.subject(table.field(subject), subject, d, dose, r, route, 0.0);
    if (is_missing(table.field(conc))) return;  // PKNCA's conc.na = "drop"
    builder.add_sample(p, t, time, table.number(conc), conc);
  });
  return builder.take();
}

std::vector<Profile> read_nca_input(const std::string& path) {
  return parse_nca_input(read_text_file(path), path);
}

std::vector<Profile> parse_concentration_table(std::string_view text, const std::string& file,
                                               const TableColumns& columns, double dose,
                                               Route route, double infusion_duration) {
  if (!(dose > 0) || !std::isfinite(dose)) {
    throw std::invalid_argument(fmt::format("the dose {} is not a finite number > 0", dose));
  }
  if (route == Route::kIntravascularInfusion &&
      (!(infusion_duration > 0) || !std::isfinite(infusion_duration))) {
    throw std::invalid_argument(
        fmt::format("the infusion duration {} is not a finite number > 0", infusion_duration));
  }
  if (columns.conc.empty()) {
    throw std::invalid_argument("no concentration column given (e.g. CP)");
  }
  Table table(text, file);
  const int conc = table.require(columns.conc, "concentration");
  const int time = table.require(columns.time, "time after the dose");
  const int subject = table.require(columns.subject, "subject");
  const int evid = columns.evid.empty() ? -1 : table.find(columns.evid);
  ProfileBuilder builder(table);
  table.for_each_row([&] {
    if (evid >= 0 && table.number(evid) != 0) return;  // doses and other events
    const double t = table.number(time);
    Profile& p =
        builder.subject(table.field(subject), subject, dose, -1, route, -1, infusion_duration);
    if (is_missing(table.field(conc))) return;
    builder.add_sample(p, t, time, table.number(conc), conc);
  });
  return builder.take();
}

std::vector<Profile> read_concentration_table(const std::string& path, const TableColumns& columns,
                                              double dose, Route route, double infusion_duration) {
  return parse_concentration_table(read_text_file(path), path, columns, dose, route,
                                   infusion_duration);
}

std::vector<SubjectNca> analyse_profiles(const std::vector<Profile>& profiles,
                                         const NcaOptions& options) {
  std::vector<SubjectNca> out;
  out.reserve(profiles.size());
  for (const Profile& p : profiles) {
    NcaOptions o = options;
    o.dose = p.dose;
    o.route = p.route;
    o.infusion_duration = p.infusion_duration;
    try {
      out.push_back({p.subject, compute_nca(p.time, p.conc, o)});
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(
          fmt::format("subject {} (from line {}): {}", p.subject, p.first_line, e.what()));
    }
  }
  return out;
}

namespace {

// Shortest decimal that reads back to the same double; "NA" for NaN (as R writes it).
std::string shortest(double v) {
  if (std::isnan(v)) return "NA";
  return fmt::format("{}", v);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char ch : s) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + '"';
}

bool any_intravascular(std::span<const SubjectNca> subjects) {
  for (const auto& s : subjects) {
    if (s.result.route != Route::kExtravascular) return true;
  }
  return false;
}

}  // namespace

std::string format_nca_csv(std::span<const SubjectNca> subjects) {
  const auto names = nca_parameter_names(any_intravascular(subjects));
  std::string out = "subject,dose,auc_method";
  for (const auto name : names) out += fmt::format(",{}", name);
  out += '\n';
  for (const auto& s : subjects) {
    out += fmt::format("{},{},{}", csv_field(s.subject), shortest(s.result.dose),
                       to_string(s.result.auc_method));
    for (const auto name : names) out += ',' + shortest(*nca_parameter(s.result, name));
    out += '\n';
  }
  return out;
}

std::string format_nca_table(std::span<const SubjectNca> subjects) {
  auto g = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.4g}", v); };
  std::string out = fmt::format(
      "{:<8} {:>9} {:>7} {:>7} {:>10} {:>10} {:>9} {:>9} {:>9} {:>3} {:>10} {:>8} {:>10} "
      "{:>10}\n",
      "subject", "cmax", "tmax", "tlast", "auclast", "aumclast", "lambda.z", "half.life", "adj.r2",
      "n", "aucinf.obs", "%ext", "cl.obs", "vz.obs");
  for (const auto& s : subjects) {
    const NcaResult& r = s.result;
    out += fmt::format(
        "{:<8} {:>9} {:>7} {:>7} {:>10} {:>10} {:>9} {:>9} {:>9} {:>3} {:>10} {:>8} {:>10} "
        "{:>10}\n",
        s.subject, g(r.cmax), g(r.tmax), g(r.tlast), g(r.auclast), g(r.aumclast), g(r.lambda_z),
        g(r.half_life), g(r.adj_r_squared),
        r.lambda_z_n_points > 0 ? fmt::format("{}", r.lambda_z_n_points) : "-", g(r.aucinf_obs),
        g(r.aucpext_obs), g(r.cl_obs), g(r.vz_obs));
  }
  for (const auto& s : subjects) {
    if (!s.result.ok()) out += fmt::format("subject {}: {}\n", s.subject, s.result.reason);
  }
  return out;
}

}  // namespace smartnano::nca

#include "smartnano/events/dataset.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"

namespace smartnano::events {
namespace {

// Column positions of the reserved names (-1 when absent).
struct Layout {
  int id = -1, time = -1, evid = -1, amt = -1, cmt = -1, rate = -1, ss = -1, ii = -1, addl = -1,
      c = -1;
  std::vector<int> covariate_columns;
};

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  DataSet run() {
    DataSet data;
    data.file = file_;
    std::size_t pos = 0;
    int line_no = 0;
    bool have_header = false;
    std::vector<std::string> header;
    Layout layout;
    Subject* subject = nullptr;
    double previous_id = std::nan("");
    while (pos <= text_.size()) {
      std::size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos = end + 1;
      ++line_no;
      if (trim(line).empty() || trim(line)[0] == '#') {
        if (pos > text_.size()) break;
        continue;
      }
      std::vector<std::string> fields = split_csv_line(line);
      if (!have_header) {
        header = fields;
        layout = read_header(header, line_no, data);
        have_header = true;
        continue;
      }
      if (fields.size() != header.size()) {
        throw InputError({file_, line_no, 0, ""},
                         fmt::format("expected {} fields as in the header, found {}", header.size(),
                                     fields.size()));
      }
      if (layout.c >= 0 && to_upper(fields[layout.c]) == "C") continue;
      auto value = [&](int column, double fallback) {
        return column < 0 ? fallback : number(fields[column], line_no, column, header[column]);
      };
      const double id = value(layout.id, 0);
      if (subject == nullptr || id != previous_id) {
        data.subjects.push_back(Subject{id, {}, {}});
        subject = &data.subjects.back();
        previous_id = id;
      }
      Record r;
      r.line = line_no;
      r.time = value(layout.time, 0);
      r.amount = value(layout.amt, 0);
      const double evid = value(layout.evid, r.amount > 0 ? 1 : 0);
      const double cmt = value(layout.cmt, 0);
      const double rate = value(layout.rate, 0);
      const double ss = value(layout.ss, 0);
      r.interval = value(layout.ii, 0);
      const double addl = value(layout.addl, 0);
      check_record(r, evid, cmt, rate, ss, addl, layout, line_no, *subject);
      subject->records.push_back(r);
      for (int column : layout.covariate_columns) {
        subject->covariates.push_back(number(fields[column], line_no, column, header[column]));
      }
      if (pos > text_.size()) break;
    }
    if (!have_header) throw InputError({file_, 0, 0, ""}, "the data set is empty (no header row)");
    return data;
  }

 private:
  Layout read_header(const std::vector<std::string>& header, int line_no, DataSet& data) {
    Layout layout;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string name = to_upper(header[i]);
      const int col = static_cast<int>(i);
      if (name.empty()) throw InputError({file_, line_no, col + 1, ""}, "empty column name");
      for (std::size_t j = 0; j < i; ++j) {
        if (to_upper(header[j]) == name) {
          throw InputError({file_, line_no, col + 1, header[i]}, "column appears twice");
        }
      }
      if (name == "ID")
        layout.id = col;
      else if (name == "TIME")
        layout.time = col;
      else if (name == "EVID")
        layout.evid = col;
      else if (name == "AMT")
        layout.amt = col;
      else if (name == "CMT")
        layout.cmt = col;
      else if (name == "RATE")
        layout.rate = col;
      else if (name == "SS")
        layout.ss = col;
      else if (name == "II")
        layout.ii = col;
      else if (name == "ADDL")
        layout.addl = col;
      else if (name == "C")
        layout.c = col;
      else if (name != "MDV" && name != "DV") {
        layout.covariate_columns.push_back(col);
        data.covariate_names.push_back(name);
      }
    }
    for (const auto& [column, name] :
         {std::pair{layout.id, "ID"}, std::pair{layout.time, "TIME"}}) {
      if (column < 0) {
        std::vector<std::string> upper_header;
        for (const auto& h : header) upper_header.push_back(to_upper(h));
        const std::string close = closest_match(name, upper_header);
        throw InputError({file_, line_no, 0, name},
                         close.empty() ? fmt::format("missing required column {}", name)
                                       : fmt::format("missing required column {} (is '{}' a "
                                                     "misspelling of it?)",
                                                     name, close));
      }
    }
    return layout;
  }

  double number(const std::string& field, int line_no, int column, const std::string& name) {
    if (field == "." || field.empty()) return 0.0;
    double v = 0.0;
    const char* begin = field.data();
    const char* end = begin + field.size();
    if (*begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || ptr != end || !std::isfinite(v)) {
      throw InputError({file_, line_no, column + 1, name},
                       fmt::format("'{}' is not a number", field));
    }
    return v;
  }

  void check_record(Record& r, double evid, double cmt, double rate, double ss, double addl,
                    const Layout& layout, int line_no, const Subject& subject) {
    auto fail = [&](int column, const char* field, const std::string& message) {
      throw InputError({file_, line_no, column + 1, field}, message);
    };
    if (evid != std::floor(evid) || !evid_to_kind(static_cast<int>(evid), r.kind)) {
      fail(layout.evid, "EVID", fmt::format("EVID {} is not one of 0, 1, 2, 3, 4", evid));
    }
    if (r.amount < 0) fail(layout.amt, "AMT", fmt::format("negative dose AMT = {}", r.amount));
    if (cmt != std::floor(cmt) || cmt < 0) {
      fail(layout.cmt, "CMT", fmt::format("CMT {} is not a compartment number", cmt));
    }
    r.compartment = static_cast<int>(cmt);
    if (ss != 0 && ss != 1 && ss != 2)
      fail(layout.ss, "SS", fmt::format("SS {} is not 0, 1 or 2", ss));
    r.ss = ss == 0 ? SteadyState::kNone : (ss == 1 ? SteadyState::kReset : SteadyState::kAdd);
    if (rate > 0) {
      r.rate_mode = RateMode::kFixedRate;
      r.rate = rate;
    } else if (rate == 0) {
      r.rate_mode = RateMode::kBolus;
    } else if (rate == -1) {
      r.rate_mode = RateMode::kModelledRate;
    } else if (rate == -2) {
      r.rate_mode = RateMode::kModelledDuration;
    } else {
      fail(layout.rate, "RATE", fmt::format("RATE {} is not >= 0, -1 or -2", rate));
    }
    if (r.interval < 0) fail(layout.ii, "II", fmt::format("negative II = {}", r.interval));
    if (addl < 0 || addl != std::floor(addl)) {
      fail(layout.addl, "ADDL", fmt::format("ADDL {} is not a whole number >= 0", addl));
    }
    r.additional = static_cast<int>(addl);
    if (is_dose(r.kind)) {
      if (r.additional > 0 && r.interval <= 0) {
        fail(layout.ii, "II", fmt::format("ADDL = {} needs II > 0", r.additional));
      }
      const bool constant_infusion = r.amount == 0 && r.rate_mode == RateMode::kFixedRate;
      if (r.ss != SteadyState::kNone && r.interval <= 0 && !constant_infusion) {
        fail(layout.ii, "II", "a steady-state dose needs II > 0 (or AMT = 0 with RATE > 0)");
      }
    }
    if (!subject.records.empty() && r.time < subject.records.back().time) {
      fail(layout.time, "TIME",
           fmt::format("time {} goes back within ID {} (previous record at line {} has time {})",
                       r.time, subject.id, subject.records.back().line,
                       subject.records.back().time));
    }
  }

  std::string_view text_;
  const std::string& file_;
};

}  // namespace

DataSet parse_nonmem_csv(std::string_view text, const std::string& file) {
  return Parser(text, file).run();
}

DataSet read_nonmem_csv(const std::string& path) {
  return parse_nonmem_csv(read_text_file(path, "data set"), path);
}

}  // namespace smartnano::events

// Reading the barcode whitelist (CSV barcode,formulation).
#include <algorithm>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "smartnano/barcodes/barcodes.h"
#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"

namespace smartnano::barcodes {

Whitelist read_whitelist(const std::string& path) {
  return parse_whitelist(read_text_file(path, "barcode whitelist"), path);
}

Whitelist parse_whitelist(std::string_view text, const std::string& path) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::size_t header_index = 0;
  while (header_index < lines.size() && trim(lines[header_index]).empty()) ++header_index;
  if (header_index == lines.size()) {
    throw InputError({path, 0, 0, ""},
                     "the barcode whitelist is empty (expected a header "
                     "barcode,formulation and one row per barcode)");
  }
  const int header_line = static_cast<int>(header_index) + 1;
  std::vector<std::string> header = split_csv_line(lines[header_index]);
  for (auto& name : header) name = to_upper(trim(name));
  const auto column = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), to_upper(name));
    if (it == header.end()) {
      throw InputError({path, header_line, 0, name},
                       fmt::format("the header has no column '{}' (expected a header "
                                   "barcode,formulation)",
                                   name));
    }
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t barcode_column = column("barcode");
  const std::size_t formulation_column = column("formulation");

  Whitelist whitelist;
  std::unordered_map<std::string, int> first_line;
  int first_length_line = 0;
  for (std::size_t i = header_index + 1; i < lines.size(); ++i) {
    if (trim(lines[i]).empty()) continue;
    const int line = static_cast<int>(i) + 1;
    const std::vector<std::string> fields = split_csv_line(lines[i]);
    if (fields.size() <= std::max(barcode_column, formulation_column)) {
      throw InputError({path, line, 0, ""},
                       fmt::format("{} field(s), the header has {}", fields.size(), header.size()));
    }
    std::string barcode = to_upper(trim(fields[barcode_column]));
    const std::string formulation = trim(fields[formulation_column]);
    if (barcode.empty()) throw InputError({path, line, 0, "barcode"}, "empty barcode");
    const auto bad = std::find_if(barcode.begin(), barcode.end(), [](char c) {
      return c != 'A' && c != 'C' && c != 'G' && c != 'T';
    });
    if (bad != barcode.end()) {
      throw InputError({path, line, static_cast<int>(bad - barcode.begin()) + 1, "barcode"},
                       fmt::format("'{}' has the character '{}'; barcodes are made of A, C, G, T",
                                   barcode, *bad));
    }
    const int length = static_cast<int>(barcode.size());
    if (length > kMaxBarcodeLength) {
      throw InputError({path, line, 0, "barcode"},
                       fmt::format("'{}' has {} bases; at most {} are supported", barcode, length,
                                   kMaxBarcodeLength));
    }
    if (whitelist.length == 0) {
      whitelist.length = length;
      first_length_line = line;
    } else if (length != whitelist.length) {
      throw InputError({path, line, 0, "barcode"},
                       fmt::format("'{}' has {} bases, the barcode on line {} has {}; all "
                                   "barcodes must have the same length",
                                   barcode, length, first_length_line, whitelist.length));
    }
    if (formulation.empty()) {
      throw InputError({path, line, 0, "formulation"}, "empty formulation name");
    }
    const auto [it, inserted] = first_line.emplace(barcode, line);
    if (!inserted) {
      throw InputError(
          {path, line, 0, "barcode"},
          fmt::format("duplicate barcode: '{}' is also on line {}", barcode, it->second));
    }
    whitelist.barcodes.push_back(std::move(barcode));
    whitelist.formulations.push_back(formulation);
  }
  if (whitelist.barcodes.empty()) {
    throw InputError({path, header_line, 0, ""}, "the barcode whitelist has no barcodes");
  }
  return whitelist;
}

}  // namespace smartnano::barcodes

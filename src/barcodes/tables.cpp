// The tables of a barcode count: counts and fractions per sample, the fate of the reads, and
// the delivery of each formulation to each tissue normalised by the injected pool.
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/barcodes/barcodes.h"

namespace smartnano::barcodes {
namespace {

// "%.6g", or an empty field for NaN.
std::string number_or_empty(double x) { return std::isnan(x) ? "" : fmt::format("{:.6g}", x); }

}  // namespace

std::string format_counts_csv(const std::vector<SampleCounts>& samples,
                              const Whitelist& whitelist) {
  std::string out = "sample,barcode,formulation,count,fraction\n";
  for (const SampleCounts& s : samples) {
    const double matched = static_cast<double>(s.matched());
    for (std::size_t b = 0; b < whitelist.size(); ++b) {
      const double fraction = matched > 0 ? static_cast<double>(s.counts[b]) / matched : 0.0;
      out += fmt::format("{},{},{},{},{:.6g}\n", s.sample, whitelist.barcodes[b],
                         whitelist.formulations[b], s.counts[b], fraction);
    }
  }
  return out;
}

std::string format_summary_csv(const std::vector<SampleCounts>& samples) {
  std::string out =
      "sample,file,total_reads,matched_exact,matched_one_mismatch,ambiguous,no_barcode,"
      "unmatched\n";
  for (const SampleCounts& s : samples) {
    out += fmt::format("{},{},{},{},{},{},{},{}\n", s.sample, s.path, s.total_reads, s.exact,
                       s.one_mismatch, s.ambiguous, s.no_barcode, s.unmatched);
  }
  return out;
}

std::vector<DeliveryRow> delivery_table(const std::vector<SampleCounts>& samples,
                                        const std::string& input_sample) {
  const SampleCounts* input = nullptr;
  for (const SampleCounts& s : samples) {
    if (!input && s.sample == input_sample) input = &s;
  }
  if (!input) {
    throw std::invalid_argument(
        fmt::format("the input sample '{}' is not among the samples counted", input_sample));
  }
  if (input->matched() == 0) {
    throw std::invalid_argument(fmt::format(
        "the input sample '{}' has no matched read: delivery cannot be normalised", input_sample));
  }
  if (samples.size() < 2) {
    throw std::invalid_argument(
        fmt::format("no tissue sample besides the input sample '{}'", input_sample));
  }
  const double input_matched = static_cast<double>(input->matched());
  std::vector<DeliveryRow> rows;
  for (const SampleCounts& s : samples) {
    if (&s == input) continue;
    const double matched = static_cast<double>(s.matched());
    for (std::size_t b = 0; b < s.counts.size(); ++b) {
      DeliveryRow row;
      row.sample = s.sample;
      row.barcode = b;
      row.count = s.counts[b];
      if (matched > 0) row.fraction = static_cast<double>(row.count) / matched;
      row.input_count = input->counts[b];
      row.input_fraction = static_cast<double>(row.input_count) / input_matched;
      if (row.input_count > 0 && !std::isnan(row.fraction)) {
        row.delivery = row.fraction / row.input_fraction;
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::string format_delivery_csv(const std::vector<DeliveryRow>& rows, const Whitelist& whitelist) {
  std::string out =
      "sample,barcode,formulation,count,fraction,input_count,input_fraction,delivery\n";
  for (const DeliveryRow& r : rows) {
    out += fmt::format("{},{},{},{},{},{},{:.6g},{}\n", r.sample, whitelist.barcodes.at(r.barcode),
                       whitelist.formulations.at(r.barcode), r.count, number_or_empty(r.fraction),
                       r.input_count, r.input_fraction, number_or_empty(r.delivery));
  }
  return out;
}

}  // namespace smartnano::barcodes

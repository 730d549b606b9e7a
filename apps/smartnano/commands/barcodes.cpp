// `smartnano barcodes -w WHITELIST.csv FASTQ... (--offset N | --flank SEQ) -o OUT`: counts the
// DNA barcodes of co-injected formulations in each sample's reads (docs/barcodes.md) and writes
// OUT/barcode_counts.csv and OUT/barcode_summary.csv, and with --input SAMPLE (the sequenced
// injected pool) OUT/delivery.csv. Files are written only after every sample was counted.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands/commands.h"
#include "smartnano/barcodes/barcodes.h"
#include "smartnano/core/error.h"
#include "smartnano/io/atomic_file.h"

namespace smartnano::cli {
namespace {

struct BarcodesArgs {
  std::string whitelist;
  std::vector<std::string> fastq;
  std::string out = "smartnano-barcodes";
  std::string sample;
  std::string input;
  std::string gzip_decoder = "auto";
  barcodes::CountOptions options;
  int threads = 0;
};

// "liver.fastq.gz" -> "liver", "run1/spleen.fq" -> "spleen".
std::string sample_name(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* suffix : {".gz", ".fastq", ".fq", ".txt"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.ends_with(s)) name.resize(name.size() - s.size());
  }
  return name;
}

int run_barcodes(BarcodesArgs a) {
  if (!a.sample.empty() && a.fastq.size() != 1) {
    throw std::invalid_argument("--sample names the sample of a single FASTQ file");
  }
  for (char& c : a.options.flank)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  a.options.threads = a.threads > 0
                          ? a.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  a.options.gzip_decoder = a.gzip_decoder == "isal"   ? barcodes::GzipDecoder::kIsal
                           : a.gzip_decoder == "zlib" ? barcodes::GzipDecoder::kZlib
                                                      : barcodes::GzipDecoder::kAuto;
  const std::vector<std::string> problems = a.options.validate();
  if (!problems.empty()) throw std::invalid_argument(problems.front());
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const std::string& path : a.fastq) {
    names.push_back(a.sample.empty() ? sample_name(path) : a.sample);
    if (!seen.insert(names.back()).second) {
      throw std::invalid_argument(fmt::format(
          "two FASTQ files give the sample name '{}' (the file name without .fastq/.fq/.gz)",
          names.back()));
    }
  }
  if (!a.input.empty()) {
    if (!seen.contains(a.input)) {
      throw std::invalid_argument(
          fmt::format("--input '{}' is none of the samples: {}", a.input, fmt::join(names, ", ")));
    }
    if (names.size() < 2) {
      throw std::invalid_argument(
          fmt::format("--input '{}': give at least one tissue sample besides it", a.input));
    }
  }
  const barcodes::Whitelist whitelist = barcodes::read_whitelist(a.whitelist);
  const barcodes::BarcodeMatcher matcher(whitelist, a.options.max_mismatches);
  std::cout << fmt::format("{} barcode(s) of {} bases from {}, up to {} mismatch(es)",
                           whitelist.size(), whitelist.length, a.whitelist,
                           a.options.max_mismatches);
  if (a.options.max_mismatches == 1) {
    std::cout << fmt::format(
        "; {} neighbour sequence(s) are one substitution from two barcodes "
        "and counted as ambiguous",
        matcher.ambiguous_neighbours());
  }
  std::cout << '\n';
  // Every table is made before the first file is written: an error leaves no output.
  const std::vector<barcodes::SampleCounts> samples =
      barcodes::count_samples(a.fastq, names, matcher, a.options);
  for (const barcodes::SampleCounts& s : samples) std::cout << s.brief_report() << '\n';
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"barcode_counts.csv", barcodes::format_counts_csv(samples, whitelist)},
      {"barcode_summary.csv", barcodes::format_summary_csv(samples)}};
  if (!a.input.empty()) {
    outputs.emplace_back(
        "delivery.csv",
        barcodes::format_delivery_csv(barcodes::delivery_table(samples, a.input), whitelist));
  }
  for (const auto& [name, content] : outputs) {
    const std::string path = (std::filesystem::path(a.out) / name).string();
    io::write_file_atomically(path, content);
    std::cout << fmt::format("Wrote {}\n", path);
  }
  return kExitOk;
}

}  // namespace

void add_barcodes_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<BarcodesArgs>();
  CLI::App* cmd = app.add_subcommand(
      "barcodes",
      "Count DNA barcodes of co-injected formulations in FASTQ reads (plain or gzip), per sample");
  cmd->add_option("fastq", args->fastq, "FASTQ files, plain or gzip; one sample each")->required();
  cmd->add_option("-w,--whitelist", args->whitelist, "CSV with the header barcode,formulation")
      ->required();
  cmd->add_option("-o,--out", args->out, "output folder (barcode_counts.csv, barcode_summary.csv)")
      ->capture_default_str();
  auto* offset = cmd->add_option("--offset", args->options.offset,
                                 "the barcode starts at this 0-based position of the read")
                     ->check(CLI::NonNegativeNumber);
  auto* flank = cmd->add_option("--flank", args->options.flank,
                                "the barcode starts right after the first exact occurrence of "
                                "this sequence in the read");
  offset->excludes(flank);
  cmd->add_option("--mismatches", args->options.max_mismatches,
                  "mismatches allowed (reads one substitution from two barcodes are ambiguous)")
      ->check(CLI::IsMember({0, 1}))
      ->capture_default_str();
  cmd->add_option("--sample", args->sample, "sample name for a single FASTQ file (default: stem)");
  cmd->add_option("--input", args->input,
                  "the sample that is the sequenced injected pool: also write delivery.csv "
                  "(tissue read fraction / input read fraction per barcode)");
  cmd->add_option("--gzip-decoder", args->gzip_decoder,
                  "gzip decompression: auto (isal if built in, else zlib), isal, zlib")
      ->check(CLI::IsMember({"auto", "isal", "zlib"}))
      ->capture_default_str();
  cmd->add_option("-t,--threads", args->threads,
                  "counting threads (0: all cores); several files are counted side by side")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->callback([&action, args] { action = [args] { return run_barcodes(*args); }; });
}

}  // namespace smartnano::cli

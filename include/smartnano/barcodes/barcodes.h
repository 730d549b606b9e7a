// Barcode counting for pooled in-vivo nanoparticle screens: DNA-barcoded formulations are
// co-injected, tissues are sequenced, and each sample's FASTQ is reduced to one read count per
// barcode. read_whitelist() loads the barcodes (CSV barcode,formulation), BarcodeMatcher maps a
// read's barcode window to a whitelist entry in one hash lookup (exact or one mismatch, with
// ambiguous neighbours marked), count_fastq() streams a plain or gzip FASTQ through it on
// several threads (count_samples() several files side by side), and delivery_table() turns the
// counts into each tissue's enrichment over the injected pool. docs/barcodes.md describes the
// formats, the rules and the performance.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace smartnano::barcodes {

// The longest barcode: a barcode is packed into 64 bits, two bits per base.
inline constexpr int kMaxBarcodeLength = 32;

// The barcodes of a screen, in file order, all of the same length and made of A, C, G, T.
struct Whitelist {
  std::vector<std::string> barcodes;      // upper case
  std::vector<std::string> formulations;  // same order
  int length = 0;                         // bases of every barcode
  std::size_t size() const { return barcodes.size(); }
};

// Reads a whitelist CSV with a header naming the columns `barcode` and `formulation` (other
// columns are ignored; blank lines skipped). Throws InputError naming the file and line for: no
// header or a missing column, no barcodes, a barcode with a character other than ACGT (case is
// ignored), a length different from the first barcode's, a barcode longer than
// kMaxBarcodeLength, a duplicate barcode, an empty formulation.
Whitelist read_whitelist(const std::string& path);
// The same from text already in memory; `path` names it in messages.
Whitelist parse_whitelist(std::string_view text, const std::string& path);

// How one read's barcode window compared with the whitelist.
enum class MatchKind : std::uint8_t {
  kExact,        // equal to one barcode
  kOneMismatch,  // one substitution away from exactly one barcode
  kAmbiguous,    // one substitution away from two or more barcodes: never assigned
  kUnmatched,    // none of the above
};

struct Match {
  MatchKind kind = MatchKind::kUnmatched;
  int barcode = -1;  // index into the whitelist for kExact and kOneMismatch, else -1
};

// Matches barcode windows against a whitelist in one open-addressing hash lookup. The table
// holds every barcode and, with max_mismatches = 1, every sequence one substitution away from a
// barcode; a neighbour reachable from two barcodes is stored as ambiguous. A barcode that is
// itself a neighbour of another barcode stays an exact match of itself. A window with one
// non-ACGT base (an N) and max_mismatches = 1 is tried with each of the four bases there.
class BarcodeMatcher {
 public:
  // max_mismatches: 0 or 1 (std::invalid_argument otherwise).
  BarcodeMatcher(const Whitelist& whitelist, int max_mismatches);

  // `window` must have whitelist.length characters.
  Match match(std::string_view window) const;

  int length() const { return length_; }
  std::size_t size() const { return barcodes_; }  // barcodes in the whitelist
  int max_mismatches() const { return max_mismatches_; }
  // Neighbour sequences one substitution from two or more barcodes.
  std::size_t ambiguous_neighbours() const { return ambiguous_neighbours_; }
  // Entries in the table (barcodes plus distinct neighbours).
  std::size_t table_entries() const { return entries_; }

 private:
  // Value layout: index * 2 + (1 if a neighbour), kAmbiguousValue, or kEmptyValue.
  static constexpr std::int32_t kEmptyValue = -1;
  static constexpr std::int32_t kAmbiguousValue = -2;
  std::int32_t* slot(std::uint64_t key);
  std::int32_t lookup(std::uint64_t key) const;
  std::size_t home(std::uint64_t key) const;

  int length_ = 0;
  std::size_t barcodes_ = 0;
  int max_mismatches_ = 0;
  std::size_t ambiguous_neighbours_ = 0;
  std::size_t entries_ = 0;
  int shift_ = 64;
  std::vector<std::uint64_t> keys_;
  std::vector<std::int32_t> values_;
};

// How gzip input is decompressed. Both stream (memory does not grow with the file) and read
// every member of a concatenated or bgzip file; ISA-L's igzip needs about 1.5x less CPU than
// zlib (bench/RESULTS.md) and is used when the build found it (libisal-dev).
enum class GzipDecoder : std::uint8_t {
  kAuto,  // ISA-L if available, else zlib
  kIsal,
  kZlib,
};
// "auto", "isal", "zlib".
std::string_view gzip_decoder_name(GzipDecoder decoder);
// Whether this build has ISA-L.
bool isal_available();

// Where the barcode sits in a read, and how the file is read.
struct CountOptions {
  // Either a fixed 0-based offset, or the first exact occurrence of `flank` (the barcode starts
  // right after it). Exactly one must be set: offset >= 0 or a non-empty flank.
  int offset = -1;
  std::string flank;
  int max_mismatches = 0;  // 0 or 1
  int threads = 1;         // >= 1; counts do not depend on it
  // Bytes of (decompressed) FASTQ handed to the threads at a time.
  std::size_t chunk_bytes = std::size_t{8} << 20;
  GzipDecoder gzip_decoder = GzipDecoder::kAuto;  // kIsal in a build without ISA-L is a problem

  // Problems with these options, one line each; empty when they are usable.
  std::vector<std::string> validate() const;
};

// One sample's counts and the fate of every read.
struct SampleCounts {
  std::string sample;
  std::string path;
  std::vector<std::uint64_t> counts;  // per whitelist barcode (exact + one mismatch)
  std::uint64_t total_reads = 0;
  std::uint64_t exact = 0;
  std::uint64_t one_mismatch = 0;
  std::uint64_t ambiguous = 0;
  std::uint64_t no_barcode = 0;  // flank not found, or the read too short for the window
  std::uint64_t unmatched = 0;
  bool gzip = false;
  GzipDecoder decoder = GzipDecoder::kAuto;  // the decoder that read a gzip file (kAuto: plain)

  std::uint64_t matched() const { return exact + one_mismatch; }
  // "sample: N reads, M matched (x% exact, y% 1-mismatch), ..." on one line.
  std::string brief_report() const;
};

// Counts the barcodes of one FASTQ file, plain or gzip (recognised by its magic bytes, not its
// name). Throws InputError naming the file (and the line, for a record that is not FASTQ: a
// header not starting with '@', a missing '+' line, sequence and quality of different lengths,
// a record cut short) and for a file that cannot be opened or a gzip stream that is damaged (a
// bad deflate block, a CRC-32 or length mismatch, a stream cut short, bytes after the last
// member that start no member; the message gives the compressed byte offset). Nothing is
// returned for a file with an error: no partial counts.
SampleCounts count_fastq(const std::string& path, const std::string& sample,
                         const BarcodeMatcher& matcher, const CountOptions& options);

// Counts records already in memory (plain FASTQ text); `path` names it in messages.
SampleCounts count_fastq_text(std::string_view text, const std::string& path,
                              const std::string& sample, const BarcodeMatcher& matcher,
                              const CountOptions& options);

// Counts several files, files[i] being sample samples[i]; the result is in the same order. With
// options.threads > 1 and several files, up to `threads` files are counted side by side, each
// with threads / (files side by side) threads, so that all cores are busy even when a file's
// decompression runs on one core. The counts do not depend on the number of threads. On a bad
// file, throws the error of the first failing file in the list (count_fastq's errors) and
// returns nothing.
std::vector<SampleCounts> count_samples(const std::vector<std::string>& files,
                                        const std::vector<std::string>& samples,
                                        const BarcodeMatcher& matcher, const CountOptions& options);

// CSV sample,barcode,formulation,count,fraction: one row per sample and barcode, fraction =
// count / matched reads of the sample (0 when none matched).
std::string format_counts_csv(const std::vector<SampleCounts>& samples, const Whitelist& whitelist);
// CSV sample,file,total_reads,matched_exact,matched_one_mismatch,ambiguous,no_barcode,unmatched.
std::string format_summary_csv(const std::vector<SampleCounts>& samples);

// Delivery of one barcode to one tissue sample, normalised by the sequenced injected pool (the
// input sample): a formulation that reaches the tissue as often as it was injected has delivery
// 1, one enriched in the tissue more than 1.
struct DeliveryRow {
  std::string sample;       // the tissue sample
  std::size_t barcode = 0;  // index into the whitelist
  std::uint64_t count = 0;  // reads of the barcode in the tissue sample
  // count / matched reads of the tissue sample; NaN when the sample has no matched read.
  double fraction = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t input_count = 0;  // reads of the barcode in the input sample
  double input_fraction = 0.0;    // input_count / matched reads of the input sample
  // fraction / input_fraction; NaN when input_count is 0 (the barcode was not seen in the
  // injected pool, so its delivery is unknown, not infinite) or fraction is NaN.
  double delivery = std::numeric_limits<double>::quiet_NaN();
};

// One row per tissue sample (every sample but the input, in order) and whitelist barcode.
// Throws std::invalid_argument when no sample is named input_sample, when the input sample has
// no matched read, or when there is no other sample.
std::vector<DeliveryRow> delivery_table(const std::vector<SampleCounts>& samples,
                                        const std::string& input_sample);
// CSV sample,barcode,formulation,count,fraction,input_count,input_fraction,delivery; a NaN is
// an empty field.
std::string format_delivery_csv(const std::vector<DeliveryRow>& rows, const Whitelist& whitelist);

}  // namespace smartnano::barcodes

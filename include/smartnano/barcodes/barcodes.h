// Barcode counting for pooled in-vivo nanoparticle screens: DNA-barcoded formulations are
// co-injected, tissues are sequenced, and each sample's FASTQ is reduced to one read count per
// barcode. read_whitelist() loads the barcodes (CSV barcode,formulation), BarcodeMatcher maps a
// read's barcode window to a whitelist entry in one hash lookup (exact or one mismatch, with
// ambiguous neighbours marked), and count_fastq() streams a plain or gzip FASTQ through it on
// several threads. docs/barcodes.md describes the formats, the rules and the performance.
#pragma once

#include <cstdint>
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

// Where the barcode sits in a read.
struct CountOptions {
  // Either a fixed 0-based offset, or the first exact occurrence of `flank` (the barcode starts
  // right after it). Exactly one must be set: offset >= 0 or a non-empty flank.
  int offset = -1;
  std::string flank;
  int max_mismatches = 0;  // 0 or 1
  int threads = 1;         // >= 1; counts do not depend on it
  // Bytes of (decompressed) FASTQ handed to the threads at a time.
  std::size_t chunk_bytes = std::size_t{8} << 20;

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

  std::uint64_t matched() const { return exact + one_mismatch; }
  // "sample: N reads, M matched (x% exact, y% 1-mismatch), ..." on one line.
  std::string brief_report() const;
};

// Counts the barcodes of one FASTQ file, plain or gzip (recognised by its magic bytes, not its
// name). Throws InputError naming the file (and the line, for a record that is not FASTQ: a
// header not starting with '@', a missing '+' line, sequence and quality of different lengths,
// a record cut short) and for a file that cannot be opened or a gzip stream that is damaged.
SampleCounts count_fastq(const std::string& path, const std::string& sample,
                         const BarcodeMatcher& matcher, const CountOptions& options);

// Counts records already in memory (plain FASTQ text); `path` names it in messages.
SampleCounts count_fastq_text(std::string_view text, const std::string& path,
                              const std::string& sample, const BarcodeMatcher& matcher,
                              const CountOptions& options);

// CSV sample,barcode,formulation,count,fraction: one row per sample and barcode, fraction =
// count / matched reads of the sample (0 when none matched).
std::string format_counts_csv(const std::vector<SampleCounts>& samples, const Whitelist& whitelist);
// CSV sample,file,total_reads,matched_exact,matched_one_mismatch,ambiguous,no_barcode,unmatched.
std::string format_summary_csv(const std::vector<SampleCounts>& samples);

}  // namespace smartnano::barcodes

// Parsing FASTQ records and counting their barcodes, one chunk of text at a time, on several
// threads. Internal to the barcodes module; count.cpp feeds it the chunks of a file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smartnano/barcodes/barcodes.h"

namespace smartnano::barcodes {

// The fate of the reads one thread has seen.
struct Tally {
  std::vector<std::uint64_t> counts;
  std::uint64_t total = 0, exact = 0, one_mismatch = 0, ambiguous = 0, no_barcode = 0,
                unmatched = 0;

  void reset(std::size_t barcodes);
  void add(const Tally& other);
};

// Finds the barcode window of a read and matches it.
class ReadClassifier {
 public:
  ReadClassifier(const BarcodeMatcher& matcher, const CountOptions& options);
  // Counts one read (its sequence, line end removed) into `tally`.
  void classify(std::string_view sequence, Tally& tally) const {
    ++tally.total;
    const std::size_t start = window_start(sequence);
    if (start == std::string_view::npos || start + length_ > sequence.size()) {
      ++tally.no_barcode;
      return;
    }
    const Match m = matcher_.match(sequence.substr(start, length_));
    switch (m.kind) {
      case MatchKind::kExact:
        ++tally.exact;
        ++tally.counts[static_cast<std::size_t>(m.barcode)];
        break;
      case MatchKind::kOneMismatch:
        ++tally.one_mismatch;
        ++tally.counts[static_cast<std::size_t>(m.barcode)];
        break;
      case MatchKind::kAmbiguous:
        ++tally.ambiguous;
        break;
      case MatchKind::kUnmatched:
        ++tally.unmatched;
        break;
    }
  }
  std::size_t barcodes() const { return matcher_.size(); }

 private:
  // Where the window starts: the offset, or just after the first exact occurrence of the flank
  // (npos when there is none).
  std::size_t window_start(std::string_view sequence) const;

  const BarcodeMatcher& matcher_;
  std::size_t length_;
  std::size_t offset_;
  std::string flank_;
};

// Counts the records of chunks of FASTQ text on `threads` threads into per-thread tallies, so
// the sums do not depend on the number of threads.
class ChunkCounter {
 public:
  ChunkCounter(const ReadClassifier& classifier, int threads, std::string path);

  // Counts the complete records of text[0, size), or all of it when `last` (then a record cut
  // short is an error). Returns the number of bytes used: the rest starts a record continued
  // in the next chunk. Throws InputError naming the file and line for a malformed record.
  std::size_t count(const char* text, std::size_t size, bool last);

  // Sums of the per-thread tallies.
  Tally total() const;

 private:
  // One parallel pass: each thread parses whole records from a start found by looking for a
  // header line ('@', and '+' two lines below); valid only if the threads' records join up.
  // Returns false, counting nothing, when they do not or a record is malformed.
  bool count_fast(const char* text, std::size_t size, bool last, std::size_t& used);
  // Two parallel passes that are exact for any text: newline counts, then records by line
  // number; reports the first malformed record with its line.
  std::size_t count_exact(const char* text, std::size_t size, bool last);

  const ReadClassifier& classifier_;
  int threads_;
  std::string path_;
  long long next_line_ = 1;  // line number of the next chunk's first byte
  std::vector<Tally> tallies_;
  std::vector<Tally> scratch_;  // count_fast's, added to tallies_ when it succeeds
};

}  // namespace smartnano::barcodes

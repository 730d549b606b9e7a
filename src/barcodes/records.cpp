// Counting the records of a chunk of FASTQ text on several threads. Each chunk is split into
// equal byte ranges, one per thread. The fast pass lets each thread find the first header line
// of its range (a line starting with '@' whose second next line starts with '+', which in valid
// FASTQ is never a quality line) and parse records from there; it is kept only if every
// thread's records end exactly where the next thread's begin, which makes the result that of
// one serial parse from the chunk's first record. Otherwise (a malformed record, a chunk too
// small for the threads, a last line without a newline) the exact pass redoes the chunk: every
// thread counts the newlines of its range, the prefix sums give each range's line numbers, and
// each thread parses the records whose first line falls in its range, reporting the first bad
// one by line.
#include "barcodes/records.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <functional>
#include <thread>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include "smartnano/core/error.h"

namespace smartnano::barcodes {
namespace {

// Runs job(0..n-1), job(0) on this thread.
void run_parallel(int n, const std::function<void(int)>& job) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 1; i < n; ++i) threads.emplace_back(job, i);
  job(0);
  for (auto& t : threads) t.join();
}

const char* next_line(const char* p, const char* end) {
  const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
  return newline ? static_cast<const char*>(newline) + 1 : end;
}

// The first line at or after `from` that looks like a record header, within 8 lines; `end`
// when there is none.
const char* find_header(const char* text, const char* from, const char* end) {
  const char* line = from;
  if (line > text && line[-1] != '\n') line = next_line(line, end);
  for (int tries = 0; tries < 8 && line < end; ++tries) {
    const char* after = next_line(line, end);
    if (*line == '@') {
      const char* plus = next_line(after, end);
      if (plus < end && *plus == '+') return line;
    }
    line = after;
  }
  return end;
}

// a[0, n) == b[0, n), inline: flanks are short, and a call to memcmp costs more than the loop.
bool same_bases(const char* a, const char* b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

enum class FastStop { kReached, kIncomplete, kMalformed };

// Parses records from p while p < stop, each with its four lines within [p, end); counts them
// into `tally`. Returns where it stopped and why.
const char* parse_records(const char* p, const char* stop, const char* end,
                          const ReadClassifier& classifier, Tally& tally, FastStop& why) {
  const auto find = [end](const char* from) {
    return static_cast<const char*>(std::memchr(from, '\n', static_cast<std::size_t>(end - from)));
  };
  while (p < stop) {
    if (*p != '@') {
      why = FastStop::kMalformed;
      return p;
    }
    const char* header_end = find(p);
    if (!header_end) break;
    const char* sequence = header_end + 1;
    const char* sequence_end = find(sequence);
    if (!sequence_end) break;
    const char* plus = sequence_end + 1;
    if (plus >= end) break;
    if (*plus != '+') {
      why = FastStop::kMalformed;
      return p;
    }
    const char* quality;
    if (end - plus >= 2 && plus[1] == '\n') {
      quality = plus + 2;
    } else {
      const char* plus_end = find(plus);
      if (!plus_end) break;
      quality = plus_end + 1;
    }
    const char* quality_end = find(quality);
    if (!quality_end) break;
    std::size_t sequence_length = static_cast<std::size_t>(sequence_end - sequence);
    if (sequence_length > 0 && sequence_end[-1] == '\r') --sequence_length;
    std::size_t quality_length = static_cast<std::size_t>(quality_end - quality);
    if (quality_length > 0 && quality_end[-1] == '\r') --quality_length;
    if (sequence_length != quality_length) {
      why = FastStop::kMalformed;
      return p;
    }
    classifier.classify(std::string_view(sequence, sequence_length), tally);
    p = quality_end + 1;
  }
  why = p < stop ? FastStop::kIncomplete : FastStop::kReached;
  return p;
}

std::string excerpt(std::string_view s) {
  return std::string(s.substr(0, 40)) + (s.size() > 40 ? "..." : "");
}

// The first bad record a thread met (line 0: none).
struct RecordError {
  long long line = 0;
  std::string message;
};

// The exact parse of the records starting in [begin, stop); the last may run on up to `end`.
// The line of `begin` is first_line (1-based) and must start a record.
void parse_lines(const char* begin, const char* stop, const char* end, long long first_line,
                 const ReadClassifier& classifier, Tally& tally, RecordError& error) {
  const char* p = begin;
  long long line = first_line;
  while (p < stop) {
    if (std::all_of(p, end, [](char c) { return c == '\n' || c == '\r'; })) return;
    std::string_view lines[4];
    int found = 0;
    for (; found < 4 && p < end; ++found) {
      const char* newline = static_cast<const char*>(std::memchr(p, '\n', end - p));
      const char* line_end = newline ? newline : end;
      const char* trimmed = line_end;
      if (trimmed > p && trimmed[-1] == '\r') --trimmed;
      lines[found] = std::string_view(p, static_cast<std::size_t>(trimmed - p));
      p = newline ? newline + 1 : end;
    }
    if (lines[0].empty() || lines[0][0] != '@') {
      error = {line, fmt::format("a FASTQ record starts with '@', found '{}'", excerpt(lines[0]))};
      return;
    }
    if (found >= 3 && (lines[2].empty() || lines[2][0] != '+')) {
      error = {line + 2, fmt::format("expected the '+' line of the FASTQ record, found '{}'",
                                     excerpt(lines[2]))};
      return;
    }
    if (found < 4) {
      error = {line, fmt::format("the FASTQ record is cut short: {} of its 4 lines", found)};
      return;
    }
    if (lines[1].size() != lines[3].size()) {
      error = {line + 3, fmt::format("the quality has {} characters, the sequence on line {} "
                                     "has {}",
                                     lines[3].size(), line + 1, lines[1].size())};
      return;
    }
    line += 4;
    classifier.classify(lines[1], tally);
  }
}

}  // namespace

void Tally::reset(std::size_t barcodes) {
  counts.assign(barcodes, 0);
  total = exact = one_mismatch = ambiguous = no_barcode = unmatched = 0;
}

void Tally::add(const Tally& other) {
  for (std::size_t b = 0; b < counts.size(); ++b) counts[b] += other.counts[b];
  total += other.total;
  exact += other.exact;
  one_mismatch += other.one_mismatch;
  ambiguous += other.ambiguous;
  no_barcode += other.no_barcode;
  unmatched += other.unmatched;
}

ReadClassifier::ReadClassifier(const BarcodeMatcher& matcher, const CountOptions& options)
    : matcher_(matcher),
      length_(static_cast<std::size_t>(matcher.length())),
      offset_(static_cast<std::size_t>(std::max(options.offset, 0))),
      flank_(options.flank) {}

std::size_t ReadClassifier::window_start(std::string_view sequence) const {
  if (flank_.empty()) return offset_;
  const std::size_t m = flank_.size();
  const std::size_t n = sequence.size();
  const char* s = sequence.data();
  const char* flank = flank_.data();
  std::size_t i = 0;
#ifdef __SSE2__
  // 16 positions at a time: those whose first, second and last bases match the flank's are
  // candidates (in random sequence 1 position in 64, so few branches are mispredicted), checked
  // in order, so the first occurrence is found (SSE2 is part of every x86-64). Loads stay inside
  // the sequence.
  const __m128i first = _mm_set1_epi8(flank[0]);
  const __m128i second = _mm_set1_epi8(flank[m > 1 ? 1 : 0]);
  const __m128i last = _mm_set1_epi8(flank[m - 1]);
  const std::size_t second_at = m > 1 ? 1 : 0;
  for (; i + m + 15 <= n; i += 16) {
    const auto load = [](const char* p) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    };
    const __m128i hits =
        _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(load(s + i), first),
                                    _mm_cmpeq_epi8(load(s + i + second_at), second)),
                      _mm_cmpeq_epi8(load(s + i + m - 1), last));
    auto candidates = static_cast<unsigned>(_mm_movemask_epi8(hits));
    while (candidates != 0) {
      const std::size_t at = i + static_cast<std::size_t>(std::countr_zero(candidates));
      if (same_bases(s + at, flank, m)) return at + m;
      candidates &= candidates - 1;
    }
  }
#endif
  for (; i + m <= n; ++i) {
    if (same_bases(s + i, flank, m)) return i + m;
  }
  return std::string_view::npos;
}

ChunkCounter::ChunkCounter(const ReadClassifier& classifier, int threads, std::string path)
    : classifier_(classifier),
      threads_(threads),
      path_(std::move(path)),
      tallies_(static_cast<std::size_t>(threads)),
      scratch_(static_cast<std::size_t>(threads)) {
  for (Tally& t : tallies_) t.reset(classifier.barcodes());
}

Tally ChunkCounter::total() const {
  Tally sum;
  sum.reset(classifier_.barcodes());
  for (const Tally& t : tallies_) sum.add(t);
  return sum;
}

std::size_t ChunkCounter::count(const char* text, std::size_t size, bool last) {
  std::size_t used = 0;
  if (count_fast(text, size, last, used)) return used;
  return count_exact(text, size, last);
}

bool ChunkCounter::count_fast(const char* text, std::size_t size, bool last, std::size_t& used) {
  const std::size_t n = static_cast<std::size_t>(threads_);
  const char* end = text + size;
  // starts[k]: where thread k begins; starts[n] = end. Thread 0 begins at the chunk's start.
  std::vector<const char*> starts(n + 1, end);
  starts[0] = text;
  for (std::size_t k = 1; k < n; ++k) starts[k] = find_header(text, text + size * k / n, end);
  for (std::size_t k = n - 1; k >= 1; --k) starts[k] = std::min(starts[k], starts[k + 1]);
  std::vector<const char*> stopped(n);
  std::vector<FastStop> why(n);
  run_parallel(threads_, [&](int i) {
    const std::size_t k = static_cast<std::size_t>(i);
    scratch_[k].reset(classifier_.barcodes());
    stopped[k] = parse_records(starts[k], starts[k + 1], end, classifier_, scratch_[k], why[k]);
  });
  for (std::size_t k = 0; k + 1 < n; ++k) {
    if (why[k] != FastStop::kReached || stopped[k] != starts[k + 1]) return false;
  }
  // The last thread stops at the first record not complete in the chunk: the cut.
  if (why[n - 1] == FastStop::kMalformed) return false;
  if (last && stopped[n - 1] != end) return false;
  used = static_cast<std::size_t>(stopped[n - 1] - text);
  long long reads = 0;
  for (std::size_t k = 0; k < n; ++k) {
    reads += static_cast<long long>(scratch_[k].total);
    tallies_[k].add(scratch_[k]);
  }
  next_line_ += 4 * reads;
  return true;
}

std::size_t ChunkCounter::count_exact(const char* text, std::size_t size, bool last) {
  const std::size_t n = static_cast<std::size_t>(threads_);
  std::vector<std::size_t> bounds(n + 1);
  for (std::size_t i = 0; i <= n; ++i) bounds[i] = size * i / n;
  std::vector<long long> newlines(n, 0);
  run_parallel(threads_, [&](int i) {
    const std::size_t k = static_cast<std::size_t>(i);
    newlines[k] = std::count(text + bounds[k], text + bounds[k + 1], '\n');
  });
  long long total_newlines = 0;
  std::vector<long long> newlines_before(n);
  for (std::size_t k = 0; k < n; ++k) {
    newlines_before[k] = total_newlines;
    total_newlines += newlines[k];
  }
  // The end of the last complete record: after its newline, the 4R-th.
  std::size_t cut = size;
  if (!last) {
    const long long spare = total_newlines % 4;
    if (total_newlines < 4) {
      cut = 0;
    } else {
      const char* p = text + size;
      for (long long k = 0; k <= spare; ++k) {
        p = static_cast<const char*>(memrchr(text, '\n', static_cast<std::size_t>(p - text)));
      }
      cut = static_cast<std::size_t>(p - text) + 1;
    }
  }
  const long long first_line = next_line_;
  std::vector<RecordError> errors(n);
  run_parallel(threads_, [&](int i) {
    const std::size_t k = static_cast<std::size_t>(i);
    std::size_t start = bounds[k];
    if (start >= cut) return;
    long long line_index = newlines_before[k];  // 0-based line holding byte `start`
    if (start > 0 && text[start - 1] != '\n') {
      const void* newline = std::memchr(text + start, '\n', cut - start);
      if (!newline) return;
      start = static_cast<std::size_t>(static_cast<const char*>(newline) - text) + 1;
      ++line_index;
    }
    while (line_index % 4 != 0 && start < cut) {
      const void* newline = std::memchr(text + start, '\n', cut - start);
      if (!newline) return;
      start = static_cast<std::size_t>(static_cast<const char*>(newline) - text) + 1;
      ++line_index;
    }
    const std::size_t stop = std::min(bounds[k + 1], cut);
    if (start >= stop) return;
    parse_lines(text + start, text + stop, text + cut, first_line + line_index, classifier_,
                tallies_[k], errors[k]);
  });
  for (const auto& e : errors) {
    if (e.line > 0) {
      throw InputError({path_, static_cast<int>(std::min<long long>(e.line, INT_MAX)), 0, ""},
                       e.message);
    }
  }
  next_line_ += (cut == size) ? total_newlines : total_newlines - total_newlines % 4;
  return cut;
}

}  // namespace smartnano::barcodes

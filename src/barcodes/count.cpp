// Counting barcodes in a FASTQ file. The file is read in chunks of options.chunk_bytes (zlib's
// streaming inflate for gzip); each chunk is cut at a record boundary and shared between the
// threads in two parallel passes: every thread counts the newlines of an equal byte range, the
// prefix sums give each range's first line number, and then every thread parses the records
// that start in its range. The next chunk is read while the current one is counted. Counts go
// to per-thread tallies merged at the end, so they do not depend on the number of threads.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <zlib.h>

#include "smartnano/barcodes/barcodes.h"
#include "smartnano/core/error.h"

namespace smartnano::barcodes {
namespace {

// A byte stream: a plain file or a gzip file (all members).
class Source {
 public:
  Source(const std::string& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_) {
      throw InputError({path, 0, 0, ""}, fmt::format("cannot open the FASTQ file for reading: {}",
                                                     std::strerror(errno)));
    }
    unsigned char magic[2] = {0, 0};
    const std::size_t got = std::fread(magic, 1, 2, file_);
    gzip_ = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (gzip_) {
      std::fclose(file_);
      file_ = nullptr;
      gz_ = gzopen(path.c_str(), "rb");
      if (!gz_) throw InputError({path, 0, 0, ""}, "cannot open the gzip FASTQ file for reading");
      gzbuffer(gz_, 4u << 20);
    } else {
      std::rewind(file_);
    }
  }
  ~Source() {
    if (file_) std::fclose(file_);
    if (gz_) gzclose(gz_);
  }
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  bool gzip() const { return gzip_; }

  // Fills up to n bytes; fewer only at the end of the data.
  std::size_t read(char* destination, std::size_t n) {
    std::size_t total = 0;
    while (total < n) {
      const std::size_t want = std::min<std::size_t>(n - total, 1u << 30);
      if (!gzip_) {
        const std::size_t got = std::fread(destination + total, 1, want, file_);
        total += got;
        if (got < want) {
          if (std::ferror(file_)) {
            throw InputError({path_, 0, 0, ""}, "read error in the FASTQ file");
          }
          break;
        }
        continue;
      }
      const int got = gzread(gz_, destination + total, static_cast<unsigned>(want));
      int code = Z_OK;
      const char* message = gzerror(gz_, &code);
      if (got < 0 || (code != Z_OK && !(code == Z_BUF_ERROR && got > 0))) {
        throw InputError({path_, 0, 0, ""},
                         fmt::format("damaged gzip data: {}",
                                     code == Z_BUF_ERROR ? "the file is truncated" : message));
      }
      if (got == 0) break;
      total += static_cast<std::size_t>(got);
    }
    return total;
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  gzFile gz_ = nullptr;
  bool gzip_ = false;
};

struct Tally {
  std::vector<std::uint64_t> counts;
  std::uint64_t total = 0, exact = 0, one_mismatch = 0, ambiguous = 0, no_barcode = 0,
                unmatched = 0;
};

// The first bad record a thread met (line 0: none).
struct RecordError {
  long long line = 0;
  std::string message;
};

class Counter {
 public:
  Counter(const BarcodeMatcher& matcher, const CountOptions& options, std::string path)
      : matcher_(matcher), options_(options), path_(std::move(path)) {}

  // Parses the records starting in [begin, stop); the last may run on up to `end`. The line
  // of `begin` is first_line (1-based) and must start a record.
  void count(const char* begin, const char* stop, const char* end, long long first_line,
             Tally& tally, RecordError& error) const {
    const std::size_t length = static_cast<std::size_t>(matcher_.length());
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
        error = {line,
                 fmt::format("a FASTQ record starts with '@', found '{}'", excerpt(lines[0]))};
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
      ++tally.total;
      const std::string_view sequence = lines[1];
      std::size_t start = static_cast<std::size_t>(options_.offset);
      if (!options_.flank.empty()) {
        const std::size_t at = sequence.find(options_.flank);
        if (at == std::string_view::npos) {
          ++tally.no_barcode;
          continue;
        }
        start = at + options_.flank.size();
      }
      if (start + length > sequence.size()) {
        ++tally.no_barcode;
        continue;
      }
      const Match m = matcher_.match(sequence.substr(start, length));
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
  }

 private:
  static std::string excerpt(std::string_view s) {
    return std::string(s.substr(0, 40)) + (s.size() > 40 ? "..." : "");
  }
  const BarcodeMatcher& matcher_;
  const CountOptions& options_;
  std::string path_;
};

// Runs job(0..n-1), job(0) on this thread.
void run_parallel(int n, const std::function<void(int)>& job) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 1; i < n; ++i) threads.emplace_back(job, i);
  job(0);
  for (auto& t : threads) t.join();
}

// Counts the complete records of buffer[0, size), or all of it when `last`; returns the number
// of bytes used (the rest is the start of a record still to come).
std::size_t count_chunk(const char* buffer, std::size_t size, bool last, long long& next_line,
                        const Counter& counter, std::vector<Tally>& tallies,
                        const std::string& path, const std::function<void(std::size_t)>& on_cut) {
  const int n = static_cast<int>(tallies.size());
  std::vector<std::size_t> bounds(static_cast<std::size_t>(n) + 1);
  for (int i = 0; i <= n; ++i) bounds[static_cast<std::size_t>(i)] = size * i / n;
  std::vector<long long> newlines(static_cast<std::size_t>(n), 0);
  run_parallel(n, [&](int i) {
    newlines[static_cast<std::size_t>(i)] =
        std::count(buffer + bounds[static_cast<std::size_t>(i)],
                   buffer + bounds[static_cast<std::size_t>(i) + 1], '\n');
  });
  long long total_newlines = 0;
  std::vector<long long> newlines_before(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    newlines_before[static_cast<std::size_t>(i)] = total_newlines;
    total_newlines += newlines[static_cast<std::size_t>(i)];
  }
  // The end of the last complete record: after its newline, the 4R-th.
  std::size_t cut = size;
  if (!last) {
    const long long spare = total_newlines % 4;
    if (total_newlines < 4) {
      cut = 0;
    } else {
      const char* p = buffer + size;
      for (long long k = 0; k <= spare; ++k) {
        p = static_cast<const char*>(memrchr(buffer, '\n', static_cast<std::size_t>(p - buffer)));
      }
      cut = static_cast<std::size_t>(p - buffer) + 1;
    }
  }
  on_cut(cut);
  const long long first_line = next_line;
  std::vector<RecordError> errors(static_cast<std::size_t>(n));
  run_parallel(n, [&](int i) {
    const std::size_t k = static_cast<std::size_t>(i);
    std::size_t start = bounds[k];
    if (start >= cut) return;
    long long line_index = newlines_before[k];  // 0-based line holding byte `start`
    if (start > 0 && buffer[start - 1] != '\n') {
      const void* newline = std::memchr(buffer + start, '\n', cut - start);
      if (!newline) return;
      start = static_cast<std::size_t>(static_cast<const char*>(newline) - buffer) + 1;
      ++line_index;
    }
    while (line_index % 4 != 0 && start < cut) {
      const void* newline = std::memchr(buffer + start, '\n', cut - start);
      if (!newline) return;
      start = static_cast<std::size_t>(static_cast<const char*>(newline) - buffer) + 1;
      ++line_index;
    }
    const std::size_t stop = std::min(bounds[k + 1], cut);
    if (start >= stop) return;
    counter.count(buffer + start, buffer + stop, buffer + cut, first_line + line_index, tallies[k],
                  errors[k]);
  });
  for (const auto& e : errors) {
    if (e.line > 0) {
      throw InputError({path, static_cast<int>(std::min<long long>(e.line, INT_MAX)), 0, ""},
                       e.message);
    }
  }
  next_line += (cut == size) ? total_newlines : total_newlines - total_newlines % 4;
  return cut;
}

SampleCounts finish(std::vector<Tally>& tallies, const std::string& sample, const std::string& path,
                    std::size_t barcodes, bool gzip) {
  SampleCounts result;
  result.sample = sample;
  result.path = path;
  result.gzip = gzip;
  result.counts.assign(barcodes, 0);
  for (const Tally& t : tallies) {
    for (std::size_t b = 0; b < barcodes; ++b) result.counts[b] += t.counts[b];
    result.total_reads += t.total;
    result.exact += t.exact;
    result.one_mismatch += t.one_mismatch;
    result.ambiguous += t.ambiguous;
    result.no_barcode += t.no_barcode;
    result.unmatched += t.unmatched;
  }
  return result;
}

std::vector<Tally> make_tallies(int threads, std::size_t barcodes) {
  std::vector<Tally> tallies(static_cast<std::size_t>(threads));
  for (auto& t : tallies) t.counts.assign(barcodes, 0);
  return tallies;
}

void check_options(const CountOptions& options, const BarcodeMatcher& matcher) {
  const std::vector<std::string> problems = options.validate();
  if (!problems.empty()) throw std::invalid_argument(problems.front());
  if (options.max_mismatches != matcher.max_mismatches()) {
    throw std::invalid_argument("the matcher and the options allow different mismatches");
  }
}

}  // namespace

std::vector<std::string> CountOptions::validate() const {
  std::vector<std::string> problems;
  if (offset < 0 && flank.empty()) {
    problems.push_back("give the barcode position: --offset N or --flank SEQUENCE");
  }
  if (offset >= 0 && !flank.empty()) {
    problems.push_back("give either --offset or --flank, not both");
  }
  if (!flank.empty() && std::any_of(flank.begin(), flank.end(), [](char c) {
        return c != 'A' && c != 'C' && c != 'G' && c != 'T';
      })) {
    problems.push_back(fmt::format("the flank '{}' must be made of A, C, G, T", flank));
  }
  if (max_mismatches != 0 && max_mismatches != 1) {
    problems.push_back(fmt::format("mismatches must be 0 or 1, not {}", max_mismatches));
  }
  if (threads < 1) problems.push_back(fmt::format("threads must be >= 1, not {}", threads));
  if (chunk_bytes < 4096) problems.push_back("chunk_bytes must be at least 4096");
  return problems;
}

SampleCounts count_fastq(const std::string& path, const std::string& sample,
                         const BarcodeMatcher& matcher, const CountOptions& options) {
  check_options(options, matcher);
  Source source(path);
  const Counter counter(matcher, options, path);
  std::vector<Tally> tallies = make_tallies(options.threads, matcher.size());
  const std::size_t chunk = options.chunk_bytes;
  std::vector<char> buffers[2];
  buffers[0].resize(chunk);
  std::size_t size = source.read(buffers[0].data(), chunk);
  bool last = size < chunk;
  long long next_line = 1;
  int current = 0;
  std::size_t carry = 0;
  std::future<std::size_t> next_read;
  const auto on_cut = [&](std::size_t cut) {
    if (last) return;
    // Start reading the next chunk behind the unused tail while this one is counted.
    std::vector<char>& current_buffer = buffers[current];
    std::vector<char>& other = buffers[1 - current];
    carry = size - cut;
    if (other.size() < carry + chunk) other.resize(carry + chunk);
    std::memcpy(other.data(), current_buffer.data() + cut, carry);
    next_read = std::async(std::launch::async, [&source, &other, tail = carry, chunk] {
      return source.read(other.data() + tail, chunk);
    });
  };
  while (true) {
    count_chunk(buffers[current].data(), size, last, next_line, counter, tallies, path, on_cut);
    if (last) break;
    const std::size_t got = next_read.get();
    current = 1 - current;
    size = carry + got;
    last = got < chunk;
  }
  return finish(tallies, sample, path, matcher.size(), source.gzip());
}

SampleCounts count_fastq_text(std::string_view text, const std::string& path,
                              const std::string& sample, const BarcodeMatcher& matcher,
                              const CountOptions& options) {
  check_options(options, matcher);
  const Counter counter(matcher, options, path);
  std::vector<Tally> tallies = make_tallies(options.threads, matcher.size());
  long long next_line = 1;
  count_chunk(text.data(), text.size(), true, next_line, counter, tallies, path,
              [](std::size_t) {});
  return finish(tallies, sample, path, matcher.size(), false);
}

std::string SampleCounts::brief_report() const {
  const auto pct = [this](std::uint64_t n) {
    return total_reads ? 100.0 * static_cast<double>(n) / static_cast<double>(total_reads) : 0.0;
  };
  return fmt::format(
      "{}: {} reads, {} matched ({:.1f}%: {} exact, {} with 1 mismatch), {} ambiguous, {} "
      "without a barcode window, {} unmatched",
      sample, total_reads, matched(), pct(matched()), exact, one_mismatch, ambiguous, no_barcode,
      unmatched);
}

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

}  // namespace smartnano::barcodes

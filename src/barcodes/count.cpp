// Counting barcodes in FASTQ files, in chunks of options.chunk_bytes (records.cpp counts a
// chunk on several threads). A plain file is mapped into memory and counted in place, chunk
// after chunk, without copying. Otherwise (gzip, a pipe) the chunks are read into two buffers
// that take turns: while the threads count one chunk, the next is read (and decompressed) into
// the other buffer behind a reserved gap; the unfinished record at the end of the counted chunk
// is then copied into that gap, right before the new bytes, so no read waits for the previous
// chunk to be cut. Several files are counted side by side when there are more threads than one
// file can use.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <future>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "barcodes/records.h"
#include "barcodes/source.h"
#include "smartnano/core/error.h"

namespace smartnano::barcodes {
namespace {

// Room in front of each chunk for the unfinished record of the previous one; a longer record
// makes the buffer grow.
constexpr std::size_t kReserveBytes = std::size_t{1} << 20;

SampleCounts finish(const ChunkCounter& counter, const std::string& sample, const std::string& path,
                    bool gzip, GzipDecoder decoder) {
  const Tally t = counter.total();
  SampleCounts result;
  result.sample = sample;
  result.path = path;
  result.gzip = gzip;
  result.decoder = decoder;
  result.counts = t.counts;
  result.total_reads = t.total;
  result.exact = t.exact;
  result.one_mismatch = t.one_mismatch;
  result.ambiguous = t.ambiguous;
  result.no_barcode = t.no_barcode;
  result.unmatched = t.unmatched;
  return result;
}

void check_options(const CountOptions& options, const BarcodeMatcher& matcher) {
  const std::vector<std::string> problems = options.validate();
  if (!problems.empty()) throw std::invalid_argument(problems.front());
  if (options.max_mismatches != matcher.max_mismatches()) {
    throw std::invalid_argument("the matcher and the options allow different mismatches");
  }
}

// A buffer holding a gap of `reserve` bytes, then room for one chunk.
struct ChunkBuffer {
  std::vector<char> bytes;
  std::size_t reserve = 0;
  char* data() { return bytes.data() + reserve; }
};

}  // namespace

std::string_view gzip_decoder_name(GzipDecoder decoder) {
  switch (decoder) {
    case GzipDecoder::kAuto:
      return "auto";
    case GzipDecoder::kIsal:
      return "isal";
    case GzipDecoder::kZlib:
      return "zlib";
  }
  return "?";
}

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
  if (gzip_decoder == GzipDecoder::kIsal && !isal_available()) {
    problems.push_back("this build has no ISA-L (libisal-dev): the gzip decoder isal is missing");
  }
  return problems;
}

SampleCounts count_fastq(const std::string& path, const std::string& sample,
                         const BarcodeMatcher& matcher, const CountOptions& options) {
  check_options(options, matcher);
  const std::unique_ptr<ByteSource> source = open_source(path, options.gzip_decoder);
  const ReadClassifier classifier(matcher, options);
  ChunkCounter counter(classifier, options.threads, path);
  const std::size_t chunk = options.chunk_bytes;
  if (const std::string_view all = source->mapped(); !all.empty()) {
    std::size_t done = 0;
    std::size_t size = std::min(chunk, all.size());
    while (true) {
      const bool last = done + size == all.size();
      const std::size_t used = counter.count(all.data() + done, size, last);
      if (last) break;
      done += used;
      source->release(done);
      // A record longer than the chunk: take a longer chunk.
      size = std::min(used == 0 ? 2 * size : chunk, all.size() - done);
    }
    return finish(counter, sample, path, false, GzipDecoder::kAuto);
  }
  const std::size_t reserve = std::min(kReserveBytes, chunk);
  ChunkBuffer buffers[2];
  for (ChunkBuffer& b : buffers) {
    b.bytes.resize(reserve + chunk);
    b.reserve = reserve;
  }
  int current = 0;
  char* text = buffers[current].data();
  std::size_t size = source->read(text, chunk);
  bool last = size < chunk;
  while (true) {
    std::future<std::size_t> next_read;
    if (!last) {
      char* destination = buffers[1 - current].data();
      next_read = std::async(std::launch::async, [&source, destination, chunk] {
        return source->read(destination, chunk);
      });
    }
    std::size_t used = 0;
    try {
      used = counter.count(text, size, last);
    } catch (const InputError& bad_record) {
      if (!source->gzip()) throw;
      // Damage to the compressed data can decompress into text that is not FASTQ; the end of
      // the member, where the CRC-32 is checked, tells which of the two it is.
      try {
        if (next_read.valid()) next_read.get();
        source->finish_member();
      } catch (const InputError& damaged) {
        throw InputError(
            {path, 0, 0, ""},
            fmt::format("{} (the text decompressed before it was not FASTQ at line "
                        "{}: {})",
                        damaged.message(), bad_record.where().line, bad_record.message()));
      }
      throw;
    }
    if (last) break;
    const std::size_t got = next_read.get();
    const std::size_t tail = size - used;
    ChunkBuffer& next = buffers[1 - current];
    if (tail > next.reserve) {
      // A record longer than the gap: move the new bytes behind a wider gap.
      std::vector<char> wider(2 * tail + chunk);
      std::memcpy(wider.data() + 2 * tail, next.data(), got);
      next.bytes = std::move(wider);
      next.reserve = 2 * tail;
    }
    std::memcpy(next.data() - tail, text + used, tail);
    text = next.data() - tail;
    size = tail + got;
    last = got < chunk;
    current = 1 - current;
  }
  return finish(counter, sample, path, source->gzip(), source->decoder());
}

SampleCounts count_fastq_text(std::string_view text, const std::string& path,
                              const std::string& sample, const BarcodeMatcher& matcher,
                              const CountOptions& options) {
  check_options(options, matcher);
  const ReadClassifier classifier(matcher, options);
  ChunkCounter counter(classifier, options.threads, path);
  counter.count(text.data(), text.size(), true);
  return finish(counter, sample, path, false, GzipDecoder::kAuto);
}

std::vector<SampleCounts> count_samples(const std::vector<std::string>& paths,
                                        const std::vector<std::string>& samples,
                                        const BarcodeMatcher& matcher,
                                        const CountOptions& options) {
  if (paths.size() != samples.size()) {
    throw std::invalid_argument(
        fmt::format("{} FASTQ file(s) but {} sample name(s)", paths.size(), samples.size()));
  }
  check_options(options, matcher);
  const std::size_t files = paths.size();
  const int side_by_side =
      static_cast<int>(std::min<std::size_t>(files, static_cast<std::size_t>(options.threads)));
  if (side_by_side <= 1) {
    std::vector<SampleCounts> out;
    for (std::size_t i = 0; i < files; ++i) {
      out.push_back(count_fastq(paths[i], samples[i], matcher, options));
    }
    return out;
  }
  // Workers take the files in order; after a failure they take no new file, so every file
  // before the first failing one has been counted and the error reported is always the first
  // failing file's.
  CountOptions each = options;
  each.threads = std::max(1, options.threads / side_by_side);
  std::vector<SampleCounts> out(files);
  std::vector<std::exception_ptr> errors(files);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  const auto worker = [&] {
    while (!failed.load()) {
      const std::size_t i = next.fetch_add(1);
      if (i >= files) return;
      try {
        out[i] = count_fastq(paths[i], samples[i], matcher, each);
      } catch (...) {
        errors[i] = std::current_exception();
        failed.store(true);
      }
    }
  };
  std::vector<std::thread> workers;
  for (int w = 1; w < side_by_side; ++w) workers.emplace_back(worker);
  worker();
  for (std::thread& t : workers) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return out;
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

}  // namespace smartnano::barcodes

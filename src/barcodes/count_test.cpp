#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include <unistd.h>

#include <gtest/gtest.h>
#include <zlib.h>

#include "smartnano/barcodes/barcodes.h"
#include "smartnano/core/error.h"

namespace smartnano::barcodes {
namespace {

namespace fs = std::filesystem;

const char* kWhitelist = "barcode,formulation\nACGTACGT,LNP-A\nTTGGCCAA,LNP-B\nGATTACAG,LNP-C\n";
const char* kFlank = "CTGCAG";

// Reads with the barcode at offset 4 after the flank... : 4 random bases, flank, barcode, tail.
std::string make_fastq(int reads, unsigned seed) {
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  std::mt19937 rng(seed);
  const char bases[] = "ACGT";
  std::string out;
  for (int r = 0; r < reads; ++r) {
    std::string barcode = w.barcodes[rng() % w.size()];
    const unsigned kind = rng() % 10;
    if (kind == 0) barcode[rng() % barcode.size()] = 'N';       // one unknown base
    if (kind == 1) barcode[3] = barcode[3] == 'A' ? 'C' : 'A';  // one substitution
    if (kind == 2) barcode = "CCCCCCCC";                        // not in the list
    std::string sequence;
    for (int i = 0; i < 4; ++i) sequence += bases[rng() % 4];
    sequence += kFlank + barcode;
    const int tail = static_cast<int>(rng() % 30);
    for (int i = 0; i < tail; ++i) sequence += bases[rng() % 4];
    if (kind == 3) sequence = sequence.substr(0, 12);  // too short for the barcode
    out += "@read" + std::to_string(r) + "\n" + sequence + "\n+\n" +
           std::string(sequence.size(), 'I') + "\n";
  }
  return out;
}

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("smartnano_barcodes_" + std::to_string(::getpid()) + name);
}

void write_plain(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void write_gzip(const fs::path& path, const std::string& text, int members = 1) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::size_t half = text.size() / 2;
  if (members == 1) {
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
    return;
  }
  gzwrite(f, text.data(), static_cast<unsigned>(half));
  gzclose(f);
  f = gzopen(path.c_str(), "ab");
  gzwrite(f, text.data() + half, static_cast<unsigned>(text.size() - half));
  gzclose(f);
}

void expect_same(const SampleCounts& a, const SampleCounts& b) {
  EXPECT_EQ(a.counts, b.counts);
  EXPECT_EQ(a.total_reads, b.total_reads);
  EXPECT_EQ(a.exact, b.exact);
  EXPECT_EQ(a.one_mismatch, b.one_mismatch);
  EXPECT_EQ(a.ambiguous, b.ambiguous);
  EXPECT_EQ(a.no_barcode, b.no_barcode);
  EXPECT_EQ(a.unmatched, b.unmatched);
}

// The gzip decoders of this build: zlib always, ISA-L when found.
std::vector<GzipDecoder> decoders() {
  std::vector<GzipDecoder> out = {GzipDecoder::kZlib};
  if (isal_available()) out.push_back(GzipDecoder::kIsal);
  return out;
}

std::string error_of(const std::string& text, const CountOptions& options) {
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  const BarcodeMatcher m(w, options.max_mismatches);
  try {
    count_fastq_text(text, "bad.fastq", "bad", m, options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CountFastq, CountsEveryFateOfARead) {
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  const std::string text =
      "@1\nAAAACTGCAGACGTACGTAA\n+\nIIIIIIIIIIIIIIIIIIII\n"  // exact A
      "@2\nAAAACTGCAGACGTTCGTAA\n+\nIIIIIIIIIIIIIIIIIIII\n"  // 1 mismatch A
      "@3\nAAAACTGCAGTTGGCCNA\n+\nIIIIIIIIIIIIIIIIII\n"      // N -> B
      "@4\nAAAACTGCAGCCCCCCCC\n+\nIIIIIIIIIIIIIIIIII\n"      // unmatched
      "@5\nAAAACTGCAGACG\n+\nIIIIIIIIIIIII\n"                // too short
      "@6\nAAAAAAAAAAAAAAAAAAAA\n+\nIIIIIIIIIIIIIIIIIIII";   // no flank, no final newline
  CountOptions flank;
  flank.flank = kFlank;
  flank.max_mismatches = 1;
  const SampleCounts c = count_fastq_text(text, "t.fastq", "t", BarcodeMatcher(w, 1), flank);
  EXPECT_EQ(c.total_reads, 6u);
  EXPECT_EQ(c.exact, 1u);
  EXPECT_EQ(c.one_mismatch, 2u);
  EXPECT_EQ(c.unmatched, 1u);
  EXPECT_EQ(c.no_barcode, 2u);
  EXPECT_EQ(c.counts, (std::vector<std::uint64_t>{2, 1, 0}));
  // Offset 10 is where the flank puts the barcode in reads 1-5.
  CountOptions offset;
  offset.offset = 10;
  offset.max_mismatches = 1;
  const SampleCounts o = count_fastq_text(text, "t.fastq", "t", BarcodeMatcher(w, 1), offset);
  EXPECT_EQ(o.counts, c.counts);
  EXPECT_EQ(o.no_barcode, 1u);
  EXPECT_EQ(o.unmatched, 2u);  // read 6 has a window of A's
  CountOptions exact = flank;
  exact.max_mismatches = 0;
  const SampleCounts e = count_fastq_text(text, "t.fastq", "t", BarcodeMatcher(w, 0), exact);
  EXPECT_EQ(e.counts, (std::vector<std::uint64_t>{1, 0, 0}));
  EXPECT_EQ(e.unmatched, 3u);
}

TEST(CountFastq, PlainGzipThreadsAndChunksAgree) {
  const std::string text = make_fastq(20000, 7);
  const fs::path plain = temp_path("plain.fastq");
  const fs::path gzip = temp_path("reads.fq.txt");  // gzip, recognised by its magic bytes
  const fs::path two_members = temp_path("two.fastq.gz");
  write_plain(plain, text);
  write_gzip(gzip, text);
  write_gzip(two_members, text, 2);
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  const BarcodeMatcher m(w, 1);
  CountOptions options;
  options.flank = kFlank;
  options.max_mismatches = 1;
  const SampleCounts reference = count_fastq_text(text, "mem", "s", m, options);
  EXPECT_EQ(reference.total_reads, 20000u);
  EXPECT_GT(reference.one_mismatch, 0u);
  EXPECT_GT(reference.no_barcode, 0u);
  for (int threads : {1, 2, 3, 4}) {
    for (std::size_t chunk : {std::size_t{4096}, std::size_t{100000}, std::size_t{8} << 20}) {
      options.threads = threads;
      options.chunk_bytes = chunk;
      SCOPED_TRACE(testing::Message() << threads << " thread(s), chunk " << chunk);
      const SampleCounts p = count_fastq(plain.string(), "s", m, options);
      EXPECT_FALSE(p.gzip);
      expect_same(p, reference);
      for (GzipDecoder decoder : decoders()) {
        SCOPED_TRACE(gzip_decoder_name(decoder));
        options.gzip_decoder = decoder;
        const SampleCounts g = count_fastq(gzip.string(), "s", m, options);
        EXPECT_TRUE(g.gzip);
        EXPECT_EQ(g.decoder, decoder);
        expect_same(g, reference);
        expect_same(count_fastq(two_members.string(), "s", m, options), reference);
      }
      options.gzip_decoder = GzipDecoder::kAuto;
    }
  }
  // The same reads with \r\n line ends, and without the final newline (which sends the last
  // chunk, here all of it, through the exact two-pass parse instead of the fast one).
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  options.threads = 3;
  expect_same(count_fastq_text(crlf, "mem", "s", m, options), reference);
  expect_same(count_fastq_text(text.substr(0, text.size() - 1), "mem", "s", m, options), reference);
  fs::remove(plain);
  fs::remove(gzip);
  fs::remove(two_members);
}

TEST(CountFastq, MalformedRecordsNameTheLine) {
  CountOptions o;
  o.offset = 0;
  const std::string good = "@r\nACGTACGT\n+\nIIIIIIII\n";
  EXPECT_NE(error_of(good + "r2\nACGT\n+\nIIII\n", o).find("bad.fastq:5: "), std::string::npos)
      << error_of(good + "r2\nACGT\n+\nIIII\n", o);
  EXPECT_NE(error_of(good + "@r2\nACGT\nIIII\n@r3\n", o).find("bad.fastq:7: expected the '+'"),
            std::string::npos);
  const std::string length = error_of(good + good + "@r3\nACGT\n+\nIII\n", o);
  EXPECT_NE(length.find("bad.fastq:12: the quality has 3 characters"), std::string::npos) << length;
  EXPECT_NE(error_of(good + "@r2\nACGT\n", o).find("bad.fastq:5: the FASTQ record is cut short"),
            std::string::npos);
  EXPECT_NE(error_of(good + "@r2\nACGT\n+\nII", o).find("bad.fastq:8: the quality has 2"),
            std::string::npos);
  // The same error is found, on the same line, with several threads and small chunks on disk.
  std::string many;
  for (int i = 0; i < 5000; ++i) many += good;
  many += "@r\nACGT\n+\nIIIII\n" + good;
  const fs::path path = temp_path("bad.fastq");
  write_plain(path, many);
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  o.threads = 4;
  o.chunk_bytes = 4096;
  try {
    count_fastq(path.string(), "s", BarcodeMatcher(w, 0), o);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 20004) << e.what();
  }
  fs::remove(path);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CountFastq, DamagedGzipNamesTheFile) {
  const std::string text = make_fastq(20000, 3);
  const fs::path good = temp_path("good.fastq.gz");
  write_gzip(good, text, 2);
  const std::string bytes = read_bytes(good);
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  const BarcodeMatcher m(w, 0);
  CountOptions o;
  o.flank = kFlank;
  o.threads = 2;
  o.chunk_bytes = 65536;
  const SampleCounts reference = count_fastq_text(text, "mem", "s", m, o);
  // Truncated (inside the second member), bytes flipped in the middle of the first member, a
  // header damaged, garbage after the last member.
  std::string flipped = bytes;
  for (std::size_t i = bytes.size() / 4; i < bytes.size() / 4 + 8; ++i) flipped[i] ^= 0x5a;
  std::string bad_header = bytes;
  bad_header[2] = 9;  // compression method 9 does not exist
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated", bytes.substr(0, bytes.size() * 3 / 4)},
      {"truncated trailer", bytes.substr(0, bytes.size() - 3)},
      {"flipped", flipped},
      {"bad header", bad_header},
      {"garbage", bytes + "not gzip"}};
  const fs::path bad = temp_path("bad.fastq.gz");
  for (GzipDecoder decoder : decoders()) {
    o.gzip_decoder = decoder;
    SCOPED_TRACE(gzip_decoder_name(decoder));
    for (const auto& [name, content] : cases) {
      SCOPED_TRACE(name);
      write_plain(bad, content);
      try {
        count_fastq(bad.string(), "s", m, o);
        ADD_FAILURE() << "no error";
      } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.where().file, bad.string());
        EXPECT_NE(what.find("damaged gzip data near compressed byte "), std::string::npos) << what;
        if (name.starts_with("truncated")) {
          EXPECT_NE(what.find("truncated"), std::string::npos) << what;
        }
      }
    }
    // Zero padding after the last member (as some tape and block writers leave) is accepted.
    write_plain(bad, bytes + std::string(1000, '\0'));
    expect_same(count_fastq(bad.string(), "s", m, o), reference);
  }
  fs::remove(good);
  fs::remove(bad);
  EXPECT_THROW(count_fastq("/nonexistent/x.fastq", "s", m, o), InputError);
}

TEST(CountFastq, RecordsLongerThanTheChunk) {
  // Reads of up to 30 kb with 4 KiB chunks: a record spans several chunks, and the unfinished
  // record carried into the next chunk outgrows the gap reserved for it.
  std::mt19937 rng(11);
  std::string text;
  for (int r = 0; r < 40; ++r) {
    std::string sequence = std::string(4, 'A') + kFlank + "GATTACAG";
    sequence += std::string(rng() % 30000, 'C');
    text += "@long" + std::to_string(r) + "\n" + sequence + "\n+\n" +
            std::string(sequence.size(), 'I') + "\n";
  }
  const fs::path path = temp_path("long.fastq");
  write_plain(path, text);
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  CountOptions o;
  o.flank = kFlank;
  o.chunk_bytes = 4096;
  for (int threads : {1, 2}) {
    o.threads = threads;
    const SampleCounts c = count_fastq(path.string(), "s", BarcodeMatcher(w, 0), o);
    EXPECT_EQ(c.total_reads, 40u);
    EXPECT_EQ(c.counts, (std::vector<std::uint64_t>{0, 0, 40}));
  }
  fs::remove(path);
}

TEST(CountSamples, SameCountsWhateverTheThreadsAndFirstErrorWins) {
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  const BarcodeMatcher m(w, 1);
  CountOptions o;
  o.flank = kFlank;
  o.max_mismatches = 1;
  o.chunk_bytes = 65536;
  std::vector<std::string> paths, names;
  std::vector<SampleCounts> reference;
  for (int i = 0; i < 5; ++i) {
    const std::string text = make_fastq(3000 + 1000 * i, 20 + i);
    paths.push_back(temp_path("sample" + std::to_string(i) + ".fastq.gz").string());
    names.push_back("s" + std::to_string(i));
    if (i % 2) {
      write_gzip(paths.back(), text);
    } else {
      write_plain(paths.back(), text);
    }
    reference.push_back(count_fastq_text(text, paths.back(), names.back(), m, o));
  }
  for (int threads : {1, 2, 3, 4, 8}) {
    o.threads = threads;
    SCOPED_TRACE(threads);
    const std::vector<SampleCounts> got = count_samples(paths, names, m, o);
    ASSERT_EQ(got.size(), paths.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].sample, names[i]);
      EXPECT_EQ(got[i].path, paths[i]);
      expect_same(got[i], reference[i]);
    }
  }
  // Files 1 and 3 are bad: the error is always file 1's.
  write_plain(paths[1], "@r\nACGT\n+\nIII\n");
  write_plain(paths[3], "not fastq\n");
  for (int threads : {1, 2, 4}) {
    o.threads = threads;
    try {
      count_samples(paths, names, m, o);
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, paths[1]) << e.what();
      EXPECT_EQ(e.where().line, 4) << e.what();
    }
  }
  EXPECT_THROW(count_samples(paths, {"a"}, m, o), std::invalid_argument);
  for (const std::string& p : paths) fs::remove(p);
}

TEST(CountFastq, OptionsAreChecked) {
  CountOptions o;
  EXPECT_FALSE(o.validate().empty());
  o.offset = 2;
  EXPECT_TRUE(o.validate().empty());
  o.flank = "ACG";
  EXPECT_FALSE(o.validate().empty());
  o.flank.clear();
  o.gzip_decoder = GzipDecoder::kIsal;
  EXPECT_EQ(o.validate().empty(), isal_available());
}

TEST(Format, CountsAndSummary) {
  const Whitelist w = parse_whitelist(kWhitelist, "wl.csv");
  SampleCounts s;
  s.sample = "liver";
  s.path = "liver.fastq";
  s.counts = {3, 1, 0};
  s.total_reads = 5;
  s.exact = 3;
  s.one_mismatch = 1;
  s.unmatched = 1;
  const std::string csv = format_counts_csv({s}, w);
  EXPECT_NE(csv.find("liver,ACGTACGT,LNP-A,3,0.75\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("liver,GATTACAG,LNP-C,0,0\n"), std::string::npos);
  EXPECT_NE(format_summary_csv({s}).find("liver,liver.fastq,5,3,1,0,0,1\n"), std::string::npos);
}

}  // namespace
}  // namespace smartnano::barcodes

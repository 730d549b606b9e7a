// Synthetic FASTQ for bench/fastq_counter.sh: READS reads of 100 bases with a 12-base barcode
// (96 in the whitelist, written to WHITELIST) after the flank CTGCAG at a random position;
// 3% of reads carry one substitution in the barcode, 2% no flank. Deterministic (fixed seed).
// Usage: fastq_gen READS WHITELIST.csv > reads.fastq
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fastq_gen READS WHITELIST.csv > reads.fastq\n");
    return 2;
  }
  const long long reads = std::atoll(argv[1]);
  std::mt19937_64 rng(20261127);
  const char bases[] = "ACGT";
  std::vector<std::string> barcodes;
  while (barcodes.size() < 96) {
    std::string b;
    for (int i = 0; i < 12; ++i) b += bases[rng() & 3];
    barcodes.push_back(b);
  }
  std::FILE* w = std::fopen(argv[2], "w");
  if (!w) return 1;
  std::fprintf(w, "barcode,formulation\n");
  for (std::size_t i = 0; i < barcodes.size(); ++i) {
    std::fprintf(w, "%s,LNP-%03zu\n", barcodes[i].c_str(), i + 1);
  }
  std::fclose(w);
  std::vector<char> out;
  out.reserve(1 << 22);
  std::string seq(100, 'A'), qual(100, 'F');
  for (long long r = 0; r < reads; ++r) {
    for (auto& c : seq) c = bases[rng() & 3];
    for (auto& q : qual) q = static_cast<char>('5' + rng() % 10);
    const unsigned roll = rng() % 100;
    if (roll >= 2) {
      const std::size_t at = rng() % 40;
      std::string barcode = barcodes[rng() % (barcodes.size() * 3 / 2) % barcodes.size()];
      if (roll < 5) barcode[rng() % 12] = bases[rng() & 3];
      seq.replace(at, 6, "CTGCAG");
      seq.replace(at + 6, 12, barcode);
    }
    const std::string header = "@SIM:1:FC:1:" + std::to_string(r) + "\n";
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), seq.begin(), seq.end());
    out.insert(out.end(), {'\n', '+', '\n'});
    out.insert(out.end(), qual.begin(), qual.end());
    out.push_back('\n');
    if (out.size() > (1u << 22) - 512) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

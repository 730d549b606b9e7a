// The read-out of a barcoded pooled nanoparticle screen (docs/pooled-screens.md): K DNA-barcoded
// formulations are co-injected, a tissue sample of each animal and the injected pool ("input")
// are sampled for barcode molecules, PCR-amplified and sequenced, and the delivery of each
// formulation is its tissue read fraction over its input read fraction. read_out_pool() turns
// the true amounts (from the PBPK engine) into simulated read counts and scores how well the
// measured delivery recovers the true ranking; normalised_delivery() does the same arithmetic
// on real counts (e.g. from `smartnano barcodes`); write_pool_fastq() and write_whitelist_csv()
// turn simulated counts into files the FASTQ barcode counter reads back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smartnano::population {
class RandomStream;  // smartnano/population/population.h
}  // namespace smartnano::population

namespace smartnano::screening {

// The measurement chain: template sampling, PCR and sequencing. Every default is sourced or
// labelled an assumption in docs/pooled-screens.md.
struct PoolReadout {
  // Mean number of barcode molecules from one sample (tissue or input) entering the PCR; the
  // molecules of barcode k are Poisson with mean template_molecules * x_k / sum_j x_j.
  double template_molecules = 1e5;
  int pcr_cycles = 30;
  // Mean per-cycle efficiency: the probability that a molecule is copied in one cycle.
  double pcr_efficiency = 0.9;
  // Between-barcode standard deviation of the efficiency (sequence-dependent bias): barcode k
  // amplifies with e_k = clamp(pcr_efficiency + pcr_efficiency_sd * z_k, 0, 1), z_k standard
  // normal, drawn once per pool and shared by every sample of that pool.
  double pcr_efficiency_sd = 0.02;
  // Simulate the branching-process noise of PCR (each molecule copied with probability e_k in
  // each cycle) rather than the mean growth m_k (1 + e_k)^cycles.
  bool pcr_noise = true;

  // Problems, one sentence each naming the field; empty when usable.
  std::vector<std::string> validate() const;
};

// What the PBPK simulation of a pooled injection knows: the truth the screen tries to measure.
struct PoolTruth {
  std::vector<std::string> formulations;    // K names
  std::vector<double> injected;             // K: amount injected of each (any consistent unit)
  std::vector<std::vector<double>> tissue;  // animals x K: amount in the sampled tissue
  std::vector<double> reference;            // K: the quantity to rank (higher = better)

  // Problems, one sentence each naming the field; empty when usable.
  std::vector<std::string> validate() const;
};

struct PoolSampleReads {
  std::string sample;
  std::vector<std::uint64_t> reads;  // per barcode (formulation), in PoolTruth order
};

struct PoolResult {
  std::uint64_t read_depth = 0;  // reads per sample
  // The sequenced injected pool ("input") first, then one sample per animal ("animal-1", ...).
  std::vector<PoolSampleReads> samples;
  std::vector<double> efficiencies;  // K: the per-barcode PCR efficiencies e_k drawn
  // K: normalised_delivery() of the samples' reads (NaN where the input has no read of k).
  std::vector<double> delivery;
  // Spearman's rho (ties averaged) of delivery against PoolTruth::reference over the
  // formulations with a finite delivery; NaN when fewer than 3 remain or either is constant.
  double spearman = 0.0;
  int top_k = 0;
  double top_k_precision = 0.0;  // top_k_precision(delivery, reference, top_k)

  // "K formulations, A animals, D reads per sample: Spearman 0.93, top-10 precision 0.80".
  std::string brief_report() const;
};

// Simulates the read-out of one pooled screen: for the input and each animal, Poisson template
// molecules from the sample's composition, PCR with per-barcode efficiencies (and its
// branching noise when readout.pcr_noise), and read_depth reads drawn as a multinomial from the
// amplified pool; then delivery, Spearman and top-k precision against truth.reference.
// Each sample has its own random streams keyed by (seed, sample index), so a sample's reads do
// not depend on how many animals follow it. Throws std::invalid_argument naming the field for
// an unusable truth or readout, read_depth of 0, or top_k outside 1..K.
PoolResult read_out_pool(const PoolTruth& truth, const PoolReadout& readout,
                         std::uint64_t read_depth, int top_k, std::uint64_t seed);

// Delivery of each barcode in one tissue sample: (t_k / sum t) / (i_k / sum i), from the reads
// of the input pool i and of the tissue t. NaN where i_k = 0; all NaN when the tissue has no
// read. Throws std::invalid_argument when the sizes differ or the input has no read.
std::vector<double> sample_delivery(const std::vector<std::uint64_t>& input,
                                    const std::vector<std::uint64_t>& tissue);

// Mean over the tissue samples with at least one read of sample_delivery() (Dahlman et al. 2017
// "normalised delivery"): the same function serves simulated and real counts. NaN where i_k = 0
// or no tissue sample has a read. Throws std::invalid_argument for no tissue sample, sizes
// that differ, or an input without reads.
std::vector<double> normalised_delivery(const std::vector<std::uint64_t>& input,
                                        const std::vector<std::vector<std::uint64_t>>& tissues);

// |estimated top k  ∩  true top k| / k. The top k of a vector are its k largest values, ties
// broken by the lower index; a NaN estimate ranks below every number. Throws
// std::invalid_argument when the sizes differ, k is outside 1..n, or truth has a NaN.
double top_k_precision(const std::vector<double>& estimate, const std::vector<double>& truth,
                       int k);

// Molecules after `cycles` PCR cycles from `templates` molecules, each copied with probability
// `efficiency` in each cycle (a Galton-Watson process: n <- n + Binomial(n, efficiency)); exact
// while n <= 2^50, then growth by (1 + efficiency) per remaining cycle, whose noise relative to
// the mean is below 1e-7. Relative variance of the result about (1 - e) / ((1 + e) templates).
double amplify(std::uint64_t templates, double efficiency, int cycles,
               population::RandomStream& stream);

// K barcodes of `length` bases (3..32) over ACGT, every pair at Hamming distance >= 3, so a
// read with one substitution is one mismatch from its barcode and >= 2 from every other.
// Drawn at random (deterministic in seed) and kept greedily; throws std::invalid_argument when
// count < 1, the length is out of range, or `count` barcodes are not found in 1000 * count +
// 100000 draws (e.g. more than the 4^L / (1 + 3L) a distance of 3 allows).
std::vector<std::string> make_barcodes(int count, int length, std::uint64_t seed);

// The smallest Hamming distance between two of `barcodes` (all of one length); 0 for fewer
// than two. Throws std::invalid_argument for barcodes of different lengths.
int min_pairwise_distance(const std::vector<std::string>& barcodes);

// Writes the whitelist CSV read by barcodes::read_whitelist(): header `barcode,formulation`,
// one row per barcode (formulations with a comma are quoted). Atomic. Throws
// std::invalid_argument for sizes that differ, an empty formulation or one with a quote or a
// line break, and std::runtime_error when the file cannot be written.
void write_whitelist_csv(const std::string& path, const std::vector<std::string>& barcodes,
                         const std::vector<std::string>& formulations);

// Layout and errors of simulated reads: flank + barcode + tail_bases random bases, so the
// barcode sits at offset flank.size() (or right after the flank).
struct FastqOptions {
  std::string flank = "GATCGTCGGACT";  // assumption: a constant 12-base amplicon region
  int tail_bases = 20;                 // random bases after the barcode
  // Per-base probability of a substitution (to one of the three other bases, equally likely).
  double substitution_rate = 0.001;
  bool errors_in_barcode_only = false;  // substitutions only in the barcode's bases
  // At most this many substitutions per read (the first ones along the read); -1: no limit.
  int max_substitutions_per_read = -1;

  // Problems, one sentence each naming the field; empty when usable.
  std::vector<std::string> validate() const;
};

// What write_pool_fastq() wrote for one sample.
struct FastqWriteSummary {
  std::string path;
  std::uint64_t reads = 0;
  std::uint64_t substituted_bases = 0;
  std::uint64_t reads_with_barcode_errors = 0;  // reads with >= 1 substitution in the barcode
};

// Writes one plain FASTQ per sample, "<folder>/<sample>.fastq", with sample.reads[k] reads
// carrying barcodes[k] (grouped by barcode), random other bases, and substitutions drawn per
// base (stream keyed by (seed, sample index)); qualities are the Phred score of the
// substitution rate (Q40 when 0). Each file is written atomically. Throws
// std::invalid_argument for unusable options, a barcode count that differs from a sample's,
// barcodes of different lengths or with a character other than ACGT, or a sample name that is
// empty or holds a path separator.
std::vector<FastqWriteSummary> write_pool_fastq(const std::string& folder,
                                                const std::vector<PoolSampleReads>& samples,
                                                const std::vector<std::string>& barcodes,
                                                const FastqOptions& options, std::uint64_t seed);

}  // namespace smartnano::screening

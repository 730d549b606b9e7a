// The read-out of a barcoded pooled screen: sampling, PCR, sequencing, delivery and the recovery
// of the ranking (docs/pooled-screens.md).
#include "smartnano/screening/pooled_readout.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>

#include "smartnano/io/atomic_file.h"
#include "smartnano/population/population.h"
#include "smartnano/stratification/roc.h"

namespace smartnano::screening {

namespace {

using population::RandomStream;
using population::StreamPurpose;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMaxTemplates = 1e12;
constexpr int kMaxCycles = 60;
constexpr std::uint64_t kMaxReadDepth = 1'000'000'000'000ULL;
constexpr char kBases[4] = {'A', 'C', 'G', 'T'};

// The stream purpose of one random quantity of the read-out: FNV-1a (64-bit) of
// "pooled-readout:" + name with the top bit set, like population::named_covariate_purpose.
StreamPurpose purpose(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : std::string("pooled-readout:") + std::string(name)) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return static_cast<StreamPurpose>(h | (1ULL << 63));
}

// A uniform random bit generator over a RandomStream for Boost.Random's distributions, whose
// algorithms (BTRD for the binomial, PTRD for the Poisson) are the same code on every platform.
class StreamEngine {
 public:
  using result_type = std::uint64_t;
  explicit StreamEngine(RandomStream& stream) : stream_(stream) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return stream_.next_u64(); }

 private:
  RandomStream& stream_;
};

std::int64_t binomial(std::int64_t n, double p, StreamEngine& engine) {
  if (n <= 0 || p <= 0.0) return 0;
  if (p >= 1.0) return n;
  boost::random::binomial_distribution<std::int64_t, double> draw(n, p);
  return draw(engine);
}

std::int64_t poisson(double mean, StreamEngine& engine) {
  if (!(mean > 0.0)) return 0;
  boost::random::poisson_distribution<std::int64_t, double> draw(mean);
  return draw(engine);
}

// Multinomial(n, w / sum w) as a chain of conditional binomials; all zero when sum w = 0.
std::vector<std::uint64_t> multinomial(std::uint64_t n, const std::vector<double>& weights,
                                       StreamEngine& engine) {
  std::vector<std::uint64_t> counts(weights.size(), 0);
  std::vector<double> rest(weights.size() + 1, 0.0);  // rest[k] = sum of weights[k..]
  for (std::size_t k = weights.size(); k-- > 0;) rest[k] = rest[k + 1] + weights[k];
  if (!(rest[0] > 0.0)) return counts;
  std::size_t last = weights.size();
  while (last > 0 && !(weights[last - 1] > 0.0)) --last;
  auto left = static_cast<std::int64_t>(n);
  for (std::size_t k = 0; k < weights.size() && left > 0; ++k) {
    if (!(weights[k] > 0.0)) continue;
    const std::int64_t x = (k + 1 == last) ? left : binomial(left, weights[k] / rest[k], engine);
    counts[k] = static_cast<std::uint64_t>(x);
    left -= x;
  }
  return counts;
}

void throw_if(const std::vector<std::string>& problems, std::string_view what) {
  if (problems.empty()) return;
  throw std::invalid_argument(fmt::format("{}: {}", what, fmt::join(problems, "; ")));
}

bool is_acgt(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == 'A' || c == 'C' || c == 'G' || c == 'T'; });
}

// Bases that differ between two barcodes packed two bits per base.
int packed_distance(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t diff = a ^ b;
  return std::popcount((diff | (diff >> 1)) & 0x5555555555555555ULL);
}

// Indices of the k largest values, ties to the lower index, NaN below every number.
std::vector<bool> top_set(const std::vector<double>& values, int k) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return !std::isnan(values[a]) && (std::isnan(values[b]) || values[a] > values[b]);
  });
  std::vector<bool> in(values.size(), false);
  for (int i = 0; i < k; ++i) in[order[static_cast<std::size_t>(i)]] = true;
  return in;
}

// Spearman's rho over the pairs with a finite estimate; NaN when it is not defined.
double recovered_spearman(const std::vector<double>& estimate, const std::vector<double>& truth) {
  std::vector<double> x, y;
  for (std::size_t k = 0; k < estimate.size(); ++k) {
    if (std::isfinite(estimate[k])) {
      x.push_back(estimate[k]);
      y.push_back(truth[k]);
    }
  }
  auto constant = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [&](double value) { return value == v.front(); });
  };
  if (x.size() < 3 || constant(x) || constant(y)) return kNaN;
  return stratification::spearman(x, y).estimate;
}

}  // namespace

std::vector<std::string> PoolReadout::validate() const {
  std::vector<std::string> problems;
  if (!(std::isfinite(template_molecules) && template_molecules > 0.0 &&
        template_molecules <= kMaxTemplates)) {
    problems.push_back(
        fmt::format("template_molecules must be > 0 and <= 1e12, not {}", template_molecules));
  }
  if (pcr_cycles < 0 || pcr_cycles > kMaxCycles) {
    problems.push_back(fmt::format("pcr_cycles must be in 0..60, not {}", pcr_cycles));
  }
  if (!(pcr_efficiency >= 0.0 && pcr_efficiency <= 1.0)) {
    problems.push_back(fmt::format("pcr_efficiency must be in [0, 1], not {}", pcr_efficiency));
  }
  if (!(pcr_efficiency_sd >= 0.0 && pcr_efficiency_sd <= 1.0)) {
    problems.push_back(
        fmt::format("pcr_efficiency_sd must be in [0, 1], not {}", pcr_efficiency_sd));
  }
  return problems;
}

std::vector<std::string> PoolTruth::validate() const {
  std::vector<std::string> problems;
  const std::size_t n = formulations.size();
  if (n == 0) problems.push_back("formulations: none given");
  std::set<std::string> names;
  for (const auto& name : formulations) {
    if (name.empty()) {
      problems.push_back("formulations: a name is empty");
    } else if (!names.insert(name).second) {
      problems.push_back(fmt::format("formulations: '{}' is given twice", name));
    }
  }
  auto check_amounts = [&](const std::vector<double>& values, const std::string& field) {
    if (values.size() != n) {
      problems.push_back(
          fmt::format("{} has {} values for {} formulations", field, values.size(), n));
      return;
    }
    for (std::size_t k = 0; k < n; ++k) {
      if (!(std::isfinite(values[k]) && values[k] >= 0.0)) {
        problems.push_back(fmt::format("{} of '{}' must be finite and >= 0, not {}", field,
                                       formulations[k], values[k]));
      }
    }
  };
  check_amounts(injected, "injected");
  if (injected.size() == n && n > 0 &&
      !(std::accumulate(injected.begin(), injected.end(), 0.0) > 0.0)) {
    problems.push_back("injected: the amounts sum to 0");
  }
  if (tissue.empty()) problems.push_back("tissue: no animal");
  for (std::size_t a = 0; a < tissue.size(); ++a) {
    check_amounts(tissue[a], fmt::format("tissue of animal {}", a + 1));
  }
  if (reference.size() != n) {
    problems.push_back(
        fmt::format("reference has {} values for {} formulations", reference.size(), n));
  } else {
    for (std::size_t k = 0; k < n; ++k) {
      if (!std::isfinite(reference[k])) {
        problems.push_back(fmt::format("reference of '{}' is not finite", formulations[k]));
      }
    }
  }
  return problems;
}

std::string PoolResult::brief_report() const {
  const std::size_t k = samples.empty() ? 0 : samples.front().reads.size();
  const std::size_t animals = samples.empty() ? 0 : samples.size() - 1;
  return fmt::format(
      "{} formulations, {} animals, {} reads per sample: Spearman {:.3f}, top-{} precision "
      "{:.2f}",
      k, animals, read_depth, spearman, top_k, top_k_precision);
}

double amplify(std::uint64_t templates, double efficiency, int cycles, RandomStream& stream) {
  if (!(efficiency >= 0.0 && efficiency <= 1.0)) {
    throw std::invalid_argument(fmt::format("amplify: efficiency {} is not in [0, 1]", efficiency));
  }
  if (cycles < 0) throw std::invalid_argument(fmt::format("amplify: cycles {} < 0", cycles));
  constexpr std::int64_t kExactLimit = std::int64_t{1} << 50;
  StreamEngine engine(stream);
  int cycle = 0;
  double amount = static_cast<double>(templates);
  if (templates <= static_cast<std::uint64_t>(kExactLimit)) {
    auto n = static_cast<std::int64_t>(templates);
    for (; cycle < cycles && n <= kExactLimit; ++cycle) n += binomial(n, efficiency, engine);
    amount = static_cast<double>(n);
  }
  for (; cycle < cycles; ++cycle) amount *= 1.0 + efficiency;
  return amount;
}

std::vector<double> sample_delivery(const std::vector<std::uint64_t>& input,
                                    const std::vector<std::uint64_t>& tissue) {
  if (input.size() != tissue.size()) {
    throw std::invalid_argument(fmt::format("delivery: the input has {} barcodes, the tissue {}",
                                            input.size(), tissue.size()));
  }
  const double input_total = std::accumulate(input.begin(), input.end(), 0.0);
  if (!(input_total > 0.0)) throw std::invalid_argument("delivery: the input has no read");
  const double tissue_total = std::accumulate(tissue.begin(), tissue.end(), 0.0);
  std::vector<double> delivery(input.size(), kNaN);
  if (!(tissue_total > 0.0)) return delivery;
  for (std::size_t k = 0; k < input.size(); ++k) {
    if (input[k] == 0) continue;
    delivery[k] = (static_cast<double>(tissue[k]) / tissue_total) /
                  (static_cast<double>(input[k]) / input_total);
  }
  return delivery;
}

std::vector<double> normalised_delivery(const std::vector<std::uint64_t>& input,
                                        const std::vector<std::vector<std::uint64_t>>& tissues) {
  if (tissues.empty()) throw std::invalid_argument("delivery: no tissue sample");
  std::vector<double> sum(input.size(), 0.0);
  int used = 0;
  for (const auto& tissue : tissues) {
    const std::vector<double> d = sample_delivery(input, tissue);
    if (std::all_of(tissue.begin(), tissue.end(), [](std::uint64_t r) { return r == 0; })) {
      continue;
    }
    ++used;
    for (std::size_t k = 0; k < d.size(); ++k) sum[k] += d[k];
  }
  for (double& s : sum) s = used > 0 ? s / used : kNaN;
  return sum;
}

double top_k_precision(const std::vector<double>& estimate, const std::vector<double>& truth,
                       int k) {
  if (estimate.size() != truth.size()) {
    throw std::invalid_argument(fmt::format("top_k_precision: {} estimates for {} true values",
                                            estimate.size(), truth.size()));
  }
  if (k < 1 || static_cast<std::size_t>(k) > truth.size()) {
    throw std::invalid_argument(
        fmt::format("top_k_precision: k = {} is outside 1..{}", k, truth.size()));
  }
  if (std::any_of(truth.begin(), truth.end(), [](double v) { return std::isnan(v); })) {
    throw std::invalid_argument("top_k_precision: a true value is NaN");
  }
  const std::vector<bool> a = top_set(estimate, k), b = top_set(truth, k);
  int common = 0;
  for (std::size_t i = 0; i < a.size(); ++i) common += (a[i] && b[i]) ? 1 : 0;
  return static_cast<double>(common) / k;
}

PoolResult read_out_pool(const PoolTruth& truth, const PoolReadout& readout,
                         std::uint64_t read_depth, int top_k, std::uint64_t seed) {
  throw_if(truth.validate(), "pool truth");
  throw_if(readout.validate(), "pool read-out");
  if (read_depth < 1 || read_depth > kMaxReadDepth) {
    throw std::invalid_argument(
        fmt::format("read_depth must be in 1..1e12 reads per sample, not {}", read_depth));
  }
  const std::size_t n = truth.formulations.size();
  if (top_k < 1 || static_cast<std::size_t>(top_k) > n) {
    throw std::invalid_argument(
        fmt::format("top_k must be in 1..{} (the formulations), not {}", n, top_k));
  }

  PoolResult result;
  result.read_depth = read_depth;
  result.top_k = top_k;
  // Sequence-dependent efficiency of each barcode, shared by every sample of the pool.
  RandomStream efficiency_stream(seed, 0, purpose("pcr-efficiency"));
  for (std::size_t k = 0; k < n; ++k) {
    const double z = efficiency_stream.normal();
    result.efficiencies.push_back(
        std::clamp(readout.pcr_efficiency + readout.pcr_efficiency_sd * z, 0.0, 1.0));
  }

  auto sequence = [&](const std::vector<double>& amounts, std::uint64_t index) {
    const double total = std::accumulate(amounts.begin(), amounts.end(), 0.0);
    RandomStream template_stream(seed, index, purpose("templates"));
    RandomStream pcr_stream(seed, index, purpose("pcr"));
    RandomStream read_stream(seed, index, purpose("reads"));
    StreamEngine template_engine(template_stream), read_engine(read_stream);
    std::vector<double> amplified(n, 0.0);
    for (std::size_t k = 0; k < n && total > 0.0; ++k) {
      const auto m = static_cast<std::uint64_t>(
          poisson(readout.template_molecules * amounts[k] / total, template_engine));
      const double e = result.efficiencies[k];
      amplified[k] = readout.pcr_noise
                         ? amplify(m, e, readout.pcr_cycles, pcr_stream)
                         : static_cast<double>(m) * std::pow(1.0 + e, readout.pcr_cycles);
    }
    return multinomial(read_depth, amplified, read_engine);
  };

  result.samples.push_back({"input", sequence(truth.injected, 0)});
  std::vector<std::vector<std::uint64_t>> tissue_reads;
  for (std::size_t a = 0; a < truth.tissue.size(); ++a) {
    result.samples.push_back({fmt::format("animal-{}", a + 1), sequence(truth.tissue[a], a + 1)});
    tissue_reads.push_back(result.samples.back().reads);
  }
  const auto& input = result.samples.front().reads;
  if (std::any_of(input.begin(), input.end(), [](std::uint64_t r) { return r > 0; })) {
    result.delivery = normalised_delivery(input, tissue_reads);
  } else {
    result.delivery.assign(n, kNaN);  // no template reached the input's PCR
  }
  result.spearman = recovered_spearman(result.delivery, truth.reference);
  result.top_k_precision = top_k_precision(result.delivery, truth.reference, top_k);
  return result;
}

std::vector<std::string> make_barcodes(int count, int length, std::uint64_t seed) {
  if (count < 1) throw std::invalid_argument(fmt::format("barcodes: count {} < 1", count));
  if (length < 3 || length > 32) {
    throw std::invalid_argument(fmt::format("barcodes: length {} is outside 3..32", length));
  }
  const std::uint64_t mask = length == 32 ? ~0ULL : (1ULL << (2 * length)) - 1;
  RandomStream stream(seed, 0, purpose("barcodes"));
  std::vector<std::uint64_t> kept;
  const long long draws = 1000LL * count + 100000;
  for (long long d = 0; d < draws && kept.size() < static_cast<std::size_t>(count); ++d) {
    const std::uint64_t candidate = stream.next_u64() & mask;
    if (std::all_of(kept.begin(), kept.end(),
                    [&](std::uint64_t b) { return packed_distance(candidate, b) >= 3; })) {
      kept.push_back(candidate);
    }
  }
  if (kept.size() < static_cast<std::size_t>(count)) {
    throw std::invalid_argument(
        fmt::format("barcodes: found only {} of {} barcodes of length {} at distance >= 3",
                    kept.size(), count, length));
  }
  std::vector<std::string> barcodes;
  for (const std::uint64_t packed : kept) {
    std::string b(static_cast<std::size_t>(length), 'A');
    for (int i = 0; i < length; ++i)
      b[static_cast<std::size_t>(i)] = kBases[(packed >> (2 * i)) & 3];
    barcodes.push_back(std::move(b));
  }
  return barcodes;
}

int min_pairwise_distance(const std::vector<std::string>& barcodes) {
  if (barcodes.size() < 2) return 0;
  int best = std::numeric_limits<int>::max();
  for (std::size_t i = 0; i < barcodes.size(); ++i) {
    for (std::size_t j = i + 1; j < barcodes.size(); ++j) {
      if (barcodes[i].size() != barcodes[j].size()) {
        throw std::invalid_argument(
            fmt::format("barcodes '{}' and '{}' differ in length", barcodes[i], barcodes[j]));
      }
      int d = 0;
      for (std::size_t p = 0; p < barcodes[i].size(); ++p) d += barcodes[i][p] != barcodes[j][p];
      best = std::min(best, d);
    }
  }
  return best;
}

void write_whitelist_csv(const std::string& path, const std::vector<std::string>& barcodes,
                         const std::vector<std::string>& formulations) {
  if (barcodes.size() != formulations.size()) {
    throw std::invalid_argument(fmt::format("whitelist: {} barcodes for {} formulations",
                                            barcodes.size(), formulations.size()));
  }
  std::string text = "barcode,formulation\n";
  for (std::size_t k = 0; k < barcodes.size(); ++k) {
    const std::string& name = formulations[k];
    if (name.empty() || name.find_first_of("\"\r\n") != std::string::npos) {
      throw std::invalid_argument(fmt::format(
          "whitelist: formulation {} ('{}') is empty or holds a quote or line break", k + 1, name));
    }
    const bool quote = name.find(',') != std::string::npos;
    text += fmt::format("{},{}{}{}\n", barcodes[k], quote ? "\"" : "", name, quote ? "\"" : "");
  }
  io::write_file_atomically(path, text);
}

std::vector<std::string> FastqOptions::validate() const {
  std::vector<std::string> problems;
  if (!is_acgt(flank)) problems.push_back(fmt::format("flank '{}' must be made of ACGT", flank));
  if (tail_bases < 0 || tail_bases > 10000) {
    problems.push_back(fmt::format("tail_bases must be in 0..10000, not {}", tail_bases));
  }
  if (!(substitution_rate >= 0.0 && substitution_rate < 1.0)) {
    problems.push_back(
        fmt::format("substitution_rate must be in [0, 1), not {}", substitution_rate));
  }
  if (max_substitutions_per_read < -1) {
    problems.push_back(fmt::format("max_substitutions_per_read must be >= -1, not {}",
                                   max_substitutions_per_read));
  }
  return problems;
}

std::vector<FastqWriteSummary> write_pool_fastq(const std::string& folder,
                                                const std::vector<PoolSampleReads>& samples,
                                                const std::vector<std::string>& barcodes,
                                                const FastqOptions& options, std::uint64_t seed) {
  throw_if(options.validate(), "FASTQ options");
  if (barcodes.empty()) throw std::invalid_argument("FASTQ: no barcode");
  for (const auto& b : barcodes) {
    if (b.size() != barcodes.front().size() || b.empty() || !is_acgt(b)) {
      throw std::invalid_argument(
          fmt::format("FASTQ: barcode '{}' must be made of ACGT, as long as the first ({} bases)",
                      b, barcodes.front().size()));
    }
  }
  for (const auto& s : samples) {
    if (s.sample.empty() || s.sample.find_first_of("/\\") != std::string::npos) {
      throw std::invalid_argument(
          fmt::format("FASTQ: sample name '{}' is empty or holds a path separator", s.sample));
    }
    if (s.reads.size() != barcodes.size()) {
      throw std::invalid_argument(fmt::format("FASTQ: sample '{}' has {} counts for {} barcodes",
                                              s.sample, s.reads.size(), barcodes.size()));
    }
  }
  const std::size_t flank = options.flank.size(), bc = barcodes.front().size();
  const std::size_t length = flank + bc + static_cast<std::size_t>(options.tail_bases);
  const std::size_t error_begin = options.errors_in_barcode_only ? flank : 0;
  const std::size_t error_end = options.errors_in_barcode_only ? flank + bc : length;
  const int phred =
      options.substitution_rate > 0.0
          ? std::clamp(static_cast<int>(std::lround(-10.0 * std::log10(options.substitution_rate))),
                       0, 41)
          : 40;
  const std::string quality(length, static_cast<char>(33 + phred));

  std::vector<FastqWriteSummary> summaries;
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const auto& sample = samples[s];
    FastqWriteSummary summary;
    summary.path = (std::filesystem::path(folder) / (sample.sample + ".fastq")).string();
    RandomStream stream(seed, s, purpose("fastq"));
    io::AtomicFile file(summary.path);
    std::string buffer, read(length, 'A');
    for (std::size_t k = 0; k < barcodes.size(); ++k) {
      for (std::uint64_t r = 0; r < sample.reads[k]; ++r) {
        read.replace(0, flank, options.flank);
        read.replace(flank, bc, barcodes[k]);
        std::uint64_t bits = 0;
        for (std::size_t i = flank + bc; i < length; ++i) {
          if ((i - flank - bc) % 32 == 0) bits = stream.next_u64();
          read[i] = kBases[bits & 3];
          bits >>= 2;
        }
        int substitutions = 0;
        bool barcode_error = false;
        for (std::size_t i = error_begin; i < error_end && options.substitution_rate > 0.0; ++i) {
          if (options.max_substitutions_per_read >= 0 &&
              substitutions >= options.max_substitutions_per_read) {
            break;
          }
          if (stream.uniform() >= options.substitution_rate) continue;
          const int base = static_cast<int>(std::string_view("ACGT").find(read[i]));
          const int shift = 1 + std::min(2, static_cast<int>(stream.uniform() * 3.0));
          read[i] = kBases[(base + shift) % 4];
          ++substitutions;
          barcode_error = barcode_error || (i >= flank && i < flank + bc);
        }
        summary.substituted_bases += static_cast<std::uint64_t>(substitutions);
        summary.reads_with_barcode_errors += barcode_error ? 1 : 0;
        ++summary.reads;
        buffer += fmt::format("@{}:{}:{}\n{}\n+\n{}\n", sample.sample, k + 1, r + 1, read, quality);
        if (buffer.size() >= (std::size_t{1} << 20)) {
          file.stream() << buffer;
          buffer.clear();
        }
      }
    }
    file.stream() << buffer;
    file.commit();
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

}  // namespace smartnano::screening

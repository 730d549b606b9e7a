#include "smartnano/screening/pooled_readout.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smartnano/barcodes/barcodes.h"
#include "smartnano/population/population.h"

namespace smartnano::screening {
namespace {

namespace fs = std::filesystem;

// A pool whose tissue amounts are the injected amounts times a per-formulation delivery that
// differs between animals by a fixed pattern; reference = the mean true delivery.
PoolTruth make_truth(int formulations, int animals, double spread) {
  PoolTruth truth;
  for (int k = 0; k < formulations; ++k) {
    truth.formulations.push_back(fmt::format("F{}", k + 1));
    truth.injected.push_back(1.0 + 0.5 * (k % 3));  // unequal input fractions
  }
  truth.tissue.assign(static_cast<std::size_t>(animals), {});
  std::vector<double> delivery(static_cast<std::size_t>(formulations));
  for (int k = 0; k < formulations; ++k) {
    // Distinct deliveries in a scrambled order, over a factor `spread`.
    const int rank = (k * 7) % formulations;
    delivery[static_cast<std::size_t>(k)] =
        std::pow(spread, static_cast<double>(rank) / (formulations - 1));
  }
  for (int a = 0; a < animals; ++a) {
    for (int k = 0; k < formulations; ++k) {
      truth.tissue[static_cast<std::size_t>(a)].push_back(
          0.01 * (1.0 + 0.1 * a) * truth.injected[static_cast<std::size_t>(k)] *
          delivery[static_cast<std::size_t>(k)]);
    }
  }
  truth.reference = delivery;
  return truth;
}

// The exact normalised delivery of the true amounts: mean over animals of tissue fraction over
// injected fraction.
std::vector<double> true_delivery(const PoolTruth& truth) {
  const double injected = std::accumulate(truth.injected.begin(), truth.injected.end(), 0.0);
  std::vector<double> d(truth.injected.size(), 0.0);
  for (const auto& row : truth.tissue) {
    const double total = std::accumulate(row.begin(), row.end(), 0.0);
    for (std::size_t k = 0; k < d.size(); ++k) {
      d[k] += (row[k] / total) / (truth.injected[k] / injected) / truth.tissue.size();
    }
  }
  return d;
}

fs::path scratch(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / fmt::format("smartnano_pool_{}_{}", ::getpid(), name);
  fs::remove_all(dir);
  return dir;
}

TEST(PoolReadout, DefaultsAreValidAndProblemsNameTheField) {
  EXPECT_TRUE(PoolReadout{}.validate().empty());
  PoolReadout bad;
  bad.template_molecules = -1;
  bad.pcr_cycles = 61;
  bad.pcr_efficiency = 1.5;
  bad.pcr_efficiency_sd = -0.1;
  const auto problems = bad.validate();
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].find("template_molecules"), std::string::npos);
  EXPECT_NE(problems[1].find("pcr_cycles"), std::string::npos);
  EXPECT_NE(problems[2].find("pcr_efficiency"), std::string::npos);
  EXPECT_NE(problems[3].find("pcr_efficiency_sd"), std::string::npos);
}

void expect_invalid(const PoolTruth& truth, const PoolReadout& readout, std::uint64_t depth,
                    int top_k, const std::string& field) {
  try {
    read_out_pool(truth, readout, depth, top_k, 1);
    ADD_FAILURE() << "no exception; expected one naming " << field;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(PoolReadout, InvalidInputThrowsNamingTheField) {
  const PoolTruth good = make_truth(5, 2, 4.0);
  const PoolReadout readout;
  PoolTruth t = good;
  t.injected.pop_back();
  expect_invalid(t, readout, 1000, 2, "injected");
  t = good;
  t.tissue[1][2] = -1.0;
  expect_invalid(t, readout, 1000, 2, "tissue of animal 2");
  t = good;
  t.tissue[0].push_back(1.0);
  expect_invalid(t, readout, 1000, 2, "tissue of animal 1");
  t = good;
  t.tissue.clear();
  expect_invalid(t, readout, 1000, 2, "tissue");
  t = good;
  t.reference.push_back(1.0);
  expect_invalid(t, readout, 1000, 2, "reference");
  t = good;
  t.formulations[1] = t.formulations[0];
  expect_invalid(t, readout, 1000, 2, "formulations");
  t = good;
  std::fill(t.injected.begin(), t.injected.end(), 0.0);
  expect_invalid(t, readout, 1000, 2, "injected");
  expect_invalid(good, readout, 0, 2, "read_depth");
  expect_invalid(good, readout, 1000, 0, "top_k");
  expect_invalid(good, readout, 1000, 6, "top_k");
  PoolReadout bad;
  bad.pcr_efficiency = -0.1;
  expect_invalid(good, bad, 1000, 2, "pcr_efficiency");
}

TEST(PoolReadout, EverySampleHasExactlyTheReadDepth) {
  const PoolTruth truth = make_truth(17, 4, 8.0);
  for (const std::uint64_t depth : {1ULL, 977ULL, 123456789ULL}) {
    const PoolResult r = read_out_pool(truth, PoolReadout{}, depth, 3, 11);
    ASSERT_EQ(r.samples.size(), 5u);
    EXPECT_EQ(r.samples[0].sample, "input");
    EXPECT_EQ(r.samples[4].sample, "animal-4");
    for (const auto& s : r.samples) {
      ASSERT_EQ(s.reads.size(), 17u);
      EXPECT_EQ(std::accumulate(s.reads.begin(), s.reads.end(), std::uint64_t{0}), depth)
          << s.sample;
    }
  }
}

TEST(PoolReadout, WithoutBiasAndWithHugeDepthDeliveryConvergesToTheTruth) {
  const PoolTruth truth = make_truth(12, 3, 5.0);
  PoolReadout readout;
  readout.template_molecules = 1e10;
  readout.pcr_efficiency_sd = 0.0;
  const PoolResult r = read_out_pool(truth, readout, 100'000'000'000ULL, 4, 3);
  const std::vector<double> expected = true_delivery(truth);
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_NEAR(r.delivery[k] / expected[k], 1.0, 0.002) << k;
  }
  EXPECT_NEAR(r.spearman, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.top_k_precision, 1.0);
}

TEST(PoolReadout, SequenceBiasDistortsReadFractionsButNotTheNormalisedRanking) {
  const PoolTruth truth = make_truth(12, 3, 5.0);
  PoolReadout readout;
  readout.template_molecules = 1e10;
  readout.pcr_efficiency_sd = 0.05;  // (1 + e_k)^30 differs by tens of percent between barcodes
  const PoolResult r = read_out_pool(truth, readout, 100'000'000'000ULL, 4, 5);
  const std::vector<double> expected = true_delivery(truth);
  const double injected = std::accumulate(truth.injected.begin(), truth.injected.end(), 0.0);
  double worst_input_fraction = 0.0;
  const auto& input = r.samples[0].reads;
  const double input_total = std::accumulate(input.begin(), input.end(), 0.0);
  // The bias leaves one factor per sample, sum_j x_j b_j / sum_j m_j b_j, the same for every
  // formulation (docs/pooled-screens.md): the ratios to the truth agree, the ranking is kept.
  const double factor = r.delivery[0] / expected[0];
  EXPECT_GT(std::abs(factor - 1.0), 0.01);
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_NEAR(r.delivery[k] / expected[k] / factor, 1.0, 0.002) << k;
    const double ratio = (input[k] / input_total) / (truth.injected[k] / injected);
    worst_input_fraction = std::max(worst_input_fraction, std::abs(ratio - 1.0));
  }
  EXPECT_GT(worst_input_fraction, 0.1);  // the bias is there in the raw counts
  EXPECT_NEAR(r.spearman, 1.0, 1e-12);
}

TEST(PoolReadout, SameSeedSameReadsOtherSeedOtherReads) {
  const PoolTruth truth = make_truth(20, 3, 3.0);
  const PoolReadout readout;
  const PoolResult a = read_out_pool(truth, readout, 50000, 5, 42);
  const PoolResult b = read_out_pool(truth, readout, 50000, 5, 42);
  const PoolResult c = read_out_pool(truth, readout, 50000, 5, 43);
  for (std::size_t s = 0; s < a.samples.size(); ++s) {
    EXPECT_EQ(a.samples[s].reads, b.samples[s].reads);
    EXPECT_NE(a.samples[s].reads, c.samples[s].reads);
  }
  EXPECT_EQ(a.efficiencies, b.efficiencies);
  EXPECT_NE(a.efficiencies, c.efficiencies);
  EXPECT_EQ(a.spearman, b.spearman);
}

TEST(PoolReadout, AnAnimalsReadsDoNotDependOnTheAnimalsAfterIt) {
  const PoolTruth four = make_truth(10, 4, 3.0);
  PoolTruth two = four;
  two.tissue.resize(2);
  const PoolResult a = read_out_pool(four, PoolReadout{}, 10000, 3, 9);
  const PoolResult b = read_out_pool(two, PoolReadout{}, 10000, 3, 9);
  for (std::size_t s = 0; s < 3; ++s) EXPECT_EQ(a.samples[s].reads, b.samples[s].reads);
}

TEST(PoolReadout, RecoveryOfTheRankingRisesWithReadDepth) {
  // 40 formulations whose true deliveries span only a factor 2: about 5 reads per barcode
  // cannot order them, 25000 can. Means over 20 pools.
  const PoolTruth truth = make_truth(40, 3, 2.0);
  PoolReadout readout;
  readout.template_molecules = 1e7;
  double shallow = 0.0, deep = 0.0, shallow_top = 0.0, deep_top = 0.0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const PoolResult s = read_out_pool(truth, readout, 200, 10, seed);
    const PoolResult d = read_out_pool(truth, readout, 1'000'000, 10, seed);
    shallow += s.spearman / 20;
    deep += d.spearman / 20;
    shallow_top += s.top_k_precision / 20;
    deep_top += d.top_k_precision / 20;
  }
  EXPECT_LT(shallow, 0.8);
  EXPECT_GT(deep, 0.97);
  EXPECT_GT(deep - shallow, 0.2);
  EXPECT_GT(deep_top, shallow_top + 0.2);
}

TEST(PoolReadout, BriefReportSaysTheRecovery) {
  const PoolResult r = read_out_pool(make_truth(6, 2, 4.0), PoolReadout{}, 1000, 2, 1);
  const std::string report = r.brief_report();
  EXPECT_NE(report.find("6 formulations, 2 animals, 1000 reads per sample"), std::string::npos)
      << report;
  EXPECT_NE(report.find("top-2 precision"), std::string::npos) << report;
}

TEST(Delivery, HandComputedFromCounts) {
  const std::vector<std::uint64_t> input = {100, 300, 0, 600};
  const std::vector<std::vector<std::uint64_t>> tissues = {
      {50, 50, 0, 0}, {0, 0, 0, 0}, {10, 30, 5, 55}};
  const auto one = sample_delivery(input, tissues[0]);
  EXPECT_DOUBLE_EQ(one[0], 5.0);
  EXPECT_DOUBLE_EQ(one[1], 0.5 / 0.3);
  EXPECT_TRUE(std::isnan(one[2]));
  EXPECT_DOUBLE_EQ(one[3], 0.0);
  const auto empty = sample_delivery(input, tissues[1]);
  EXPECT_TRUE(std::isnan(empty[0]));
  // The empty tissue sample is left out of the mean.
  const auto mean = normalised_delivery(input, tissues);
  EXPECT_DOUBLE_EQ(mean[0], (5.0 + 1.0) / 2);
  EXPECT_DOUBLE_EQ(mean[1], (0.5 / 0.3 + 0.3 / 0.3) / 2);
  EXPECT_TRUE(std::isnan(mean[2]));
  EXPECT_DOUBLE_EQ(mean[3], (0.0 + 0.55 / 0.6) / 2);
  EXPECT_THROW(sample_delivery({0, 0}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(sample_delivery({1, 2}, {1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(normalised_delivery(input, {}), std::invalid_argument);
}

TEST(TopKPrecision, HandComputedCases) {
  const std::vector<double> truth = {1, 2, 3, 4};
  const std::vector<double> estimate = {0.9, 0.1, 0.5, 0.7};
  EXPECT_DOUBLE_EQ(top_k_precision(estimate, truth, 1), 0.0);  // {0} vs {3}
  EXPECT_DOUBLE_EQ(top_k_precision(estimate, truth, 2), 0.5);  // {0, 3} vs {3, 2}
  EXPECT_DOUBLE_EQ(top_k_precision(estimate, truth, 3), 2.0 / 3);
  EXPECT_DOUBLE_EQ(top_k_precision(estimate, truth, 4), 1.0);
  EXPECT_DOUBLE_EQ(top_k_precision(truth, truth, 2), 1.0);
  // Ties go to the lower index; NaN ranks last.
  EXPECT_DOUBLE_EQ(top_k_precision({1, 1, 0}, {0, 1, 2}, 1), 0.0);
  EXPECT_DOUBLE_EQ(top_k_precision({1, 1, 0}, {2, 0, 1}, 1), 1.0);
  EXPECT_DOUBLE_EQ(top_k_precision({std::nan(""), 1, 2}, {3, 2, 1}, 2), 0.5);
  EXPECT_THROW(top_k_precision(estimate, truth, 0), std::invalid_argument);
  EXPECT_THROW(top_k_precision(estimate, truth, 5), std::invalid_argument);
  EXPECT_THROW(top_k_precision({1, 2}, truth, 1), std::invalid_argument);
  EXPECT_THROW(top_k_precision({1, 2}, {1, std::nan("")}, 1), std::invalid_argument);
}

TEST(Amplify, MeanAndRelativeVarianceOfTheBranchingProcess) {
  // E = m (1 + e)^c; relative variance (1 - e)(1 - (1 + e)^-c) / ((1 + e) m).
  const std::uint64_t m = 10;
  const double e = 0.8;
  const int cycles = 20;
  const int replicates = 4000;
  population::RandomStream stream(5, 0, population::StreamPurpose::kVariability);
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < replicates; ++i) {
    const double x = amplify(m, e, cycles, stream);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / replicates;
  const double variance = (sum2 - replicates * mean * mean) / (replicates - 1);
  const double expected_mean = m * std::pow(1 + e, cycles);
  const double expected_rv = (1 - e) * (1 - std::pow(1 + e, -cycles)) / ((1 + e) * m);
  EXPECT_NEAR(mean / expected_mean, 1.0, 0.01);
  EXPECT_NEAR(variance / (mean * mean) / expected_rv, 1.0, 0.15);
  // No noise without a choice: every molecule copied, or none.
  EXPECT_DOUBLE_EQ(amplify(7, 1.0, 10, stream), 7.0 * 1024);
  EXPECT_DOUBLE_EQ(amplify(7, 0.0, 10, stream), 7.0);
  EXPECT_DOUBLE_EQ(amplify(0, 0.9, 10, stream), 0.0);
  EXPECT_THROW(amplify(7, 1.1, 10, stream), std::invalid_argument);
}

TEST(Barcodes, GeneratedBarcodesAreThreeSubstitutionsApart) {
  const auto a = make_barcodes(300, 10, 7);
  ASSERT_EQ(a.size(), 300u);
  EXPECT_EQ(std::set<std::string>(a.begin(), a.end()).size(), 300u);
  for (const auto& b : a) {
    EXPECT_EQ(b.size(), 10u);
    EXPECT_EQ(b.find_first_not_of("ACGT"), std::string::npos);
  }
  EXPECT_GE(min_pairwise_distance(a), 3);
  EXPECT_EQ(make_barcodes(300, 10, 7), a);
  EXPECT_NE(make_barcodes(300, 10, 8), a);
  EXPECT_EQ(min_pairwise_distance({"AAAA", "AAAT", "CCCC"}), 1);
  EXPECT_EQ(min_pairwise_distance({"AAAA"}), 0);
  // Three bases at distance 3 differ everywhere: at most 4 such barcodes exist.
  EXPECT_THROW(make_barcodes(5, 3, 1), std::invalid_argument);
  EXPECT_THROW(make_barcodes(0, 8, 1), std::invalid_argument);
  EXPECT_THROW(make_barcodes(4, 33, 1), std::invalid_argument);
}

// Writes the pool's FASTQ files and whitelist, then counts every sample back.
struct RoundTrip {
  std::vector<PoolSampleReads> samples;
  std::vector<FastqWriteSummary> written;
  std::vector<barcodes::SampleCounts> counted;
};

RoundTrip round_trip(const std::string& name, const FastqOptions& options, bool use_flank) {
  const PoolTruth truth = make_truth(12, 2, 4.0);
  RoundTrip rt;
  rt.samples = read_out_pool(truth, PoolReadout{}, 3000, 3, 21).samples;
  const fs::path dir = scratch(name);
  const auto codes = make_barcodes(12, 10, 3);
  write_whitelist_csv((dir / "whitelist.csv").string(), codes, truth.formulations);
  rt.written = write_pool_fastq(dir.string(), rt.samples, codes, options, 17);
  const barcodes::Whitelist whitelist = barcodes::read_whitelist((dir / "whitelist.csv").string());
  EXPECT_EQ(whitelist.barcodes, codes);
  EXPECT_EQ(whitelist.formulations, truth.formulations);
  const barcodes::BarcodeMatcher matcher(whitelist, 1);
  barcodes::CountOptions count;
  count.max_mismatches = 1;
  if (use_flank) {
    count.flank = options.flank;
  } else {
    count.offset = static_cast<int>(options.flank.size());
  }
  for (std::size_t s = 0; s < rt.samples.size(); ++s) {
    rt.counted.push_back(
        barcodes::count_fastq(rt.written[s].path, rt.samples[s].sample, matcher, count));
  }
  fs::remove_all(dir);
  return rt;
}

TEST(PoolFastq, ErrorFreeReadsCountBackExactly) {
  FastqOptions options;
  options.substitution_rate = 0.0;
  for (const bool use_flank : {true, false}) {
    const RoundTrip rt = round_trip(use_flank ? "exact_flank" : "exact_offset", options, use_flank);
    ASSERT_EQ(rt.counted.size(), 3u);
    for (std::size_t s = 0; s < rt.samples.size(); ++s) {
      EXPECT_EQ(rt.counted[s].counts, rt.samples[s].reads) << rt.samples[s].sample;
      EXPECT_EQ(rt.counted[s].total_reads, 3000u);
      EXPECT_EQ(rt.counted[s].exact, 3000u);
      EXPECT_EQ(rt.written[s].substituted_bases, 0u);
    }
  }
}

TEST(PoolFastq, SingleSubstitutionsInTheBarcodeAreCorrected) {
  FastqOptions options;
  options.substitution_rate = 0.03;
  options.errors_in_barcode_only = true;
  options.max_substitutions_per_read = 1;
  const RoundTrip rt = round_trip("one_error", options, true);
  for (std::size_t s = 0; s < rt.samples.size(); ++s) {
    EXPECT_EQ(rt.counted[s].counts, rt.samples[s].reads) << rt.samples[s].sample;
    EXPECT_EQ(rt.counted[s].one_mismatch, rt.written[s].reads_with_barcode_errors);
    // About 1 - 0.97^10 = 26 % of the reads carry one substitution.
    EXPECT_GT(rt.counted[s].one_mismatch, 600u);
    EXPECT_LT(rt.counted[s].one_mismatch, 960u);
  }
}

TEST(PoolFastq, ErrorsAnywhereLoseSomeReadsAtTheExpectedRate) {
  FastqOptions options;
  options.substitution_rate = 0.01;
  const RoundTrip rt = round_trip("anywhere", options, true);
  const double bases = 3000.0 * (12 + 10 + 20);
  for (std::size_t s = 0; s < rt.samples.size(); ++s) {
    // Binomial(126000, 0.01): sd 35 substitutions.
    EXPECT_NEAR(static_cast<double>(rt.written[s].substituted_bases), 0.01 * bases, 180.0);
    // A substitution in the flank loses the read (0.99^12: 11 % lost).
    EXPECT_LT(rt.counted[s].matched(), 3000u);
    EXPECT_GT(rt.counted[s].matched(), 2500u);
    EXPECT_GT(rt.counted[s].one_mismatch, 0u);
  }
}

TEST(PoolFastq, BadInputThrows) {
  const std::vector<PoolSampleReads> samples = {{"input", {1, 2}}};
  const auto codes = make_barcodes(2, 8, 1);
  FastqOptions bad;
  bad.flank = "ACGN";
  EXPECT_THROW(write_pool_fastq("unused", samples, codes, bad, 1), std::invalid_argument);
  EXPECT_THROW(write_pool_fastq("unused", {{"a/b", {1, 2}}}, codes, FastqOptions{}, 1),
               std::invalid_argument);
  EXPECT_THROW(write_pool_fastq("unused", {{"x", {1}}}, codes, FastqOptions{}, 1),
               std::invalid_argument);
  EXPECT_THROW(write_whitelist_csv("unused.csv", codes, {"a"}), std::invalid_argument);
  EXPECT_THROW(write_whitelist_csv("unused.csv", codes, {"a", "b\"c"}), std::invalid_argument);
  EXPECT_TRUE(FastqOptions{}.validate().empty());
  FastqOptions rate;
  rate.substitution_rate = 1.0;
  ASSERT_EQ(rate.validate().size(), 1u);
  EXPECT_NE(rate.validate()[0].find("substitution_rate"), std::string::npos);
}

}  // namespace
}  // namespace smartnano::screening

// Pooled injections simulated with the PBPK engine: the shared MPS saturation coupling, the
// standalone reference and the whole pooled screen with its outputs.
#include "smartnano/screening/pooled_screen.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "smartnano/barcodes/barcodes.h"
#include "smartnano/core/error.h"
#include "smartnano/screening/screen.h"

namespace smartnano::screening {
namespace {

std::string pool_scenario(const std::string& pool, const std::string& dose = "5 mg/kg") {
  return R"(scenario: pool-test
model: liposomal_doxorubicin_mouse
subject: {weight: 25 g}
population:
  size: 3
  seed: 11
  variability: {CLMPS_L: 30 %}
dosing:
  - dose: )" +
         dose + R"(
    into: LP
observe: {from: 0 h, to: 48 h, every: 4 h}
screen:
  factors:
    diameter: {low: 60 nm, high: 200 nm}
    release_half_life: {low: 12 h, high: 720 h, scale: log}
  design: {kind: sobol, size: 6}
  scores:
    tumour: {output: PID_TUMOUR_CAR, at: 24 h, goal: max}
  pool:
    tissue: {output: PID_TUMOUR_CAR, at: 24 h}
    shared_saturation: {covariate: C_LIP_POOL, output: CP_ENC}
)" + pool;
}

const char* kDepths = "    read_depths: [100000]\n";

TEST(SimulatePool, IdenticalFormulationsShareTheDoseAsOneFormulationWould) {
  // K copies of one formulation at 1/K of the dose each, sharing the MPS, behave exactly like
  // that formulation alone at the full dose: the coupling must reproduce its saturation. At
  // 5 mg/kg the MPS is well saturated (C_LIP >> KM_MPS), so without the coupling the copies
  // would each see a nearly unsaturated MPS and a very different delivery.
  const Screen s = load_screen_text(pool_scenario(kDepths), "pool.yaml");
  const scenario::Scenario one = candidate_scenario(s, {100.0, 360.0});
  const std::vector<scenario::Scenario> library(4, one);
  const std::vector<double> alone = standalone_delivery({one}, *s.pool, 3, 1);
  const PooledInjection pool = simulate_pool(library, {0, 1, 2, 3}, *s.pool, 3, 2);
  EXPECT_GT(pool.coupling_iterations, 2);
  for (const double d : pool.pooled_delivery) EXPECT_NEAR(d / alone[0], 1.0, 2e-3);
  // Amounts: each copy gets a quarter of the dose (25 g x 5 mg/kg = 0.125 mg).
  EXPECT_NEAR(pool.injected_each, 0.125 / 4, 1e-12);
  EXPECT_NEAR(pool.tissue[0][0], pool.pooled_delivery.size() > 0 ? pool.tissue[0][1] : 0, 1e-15);

  // The same pool without sharing (one iteration, covariate left at 0) differs clearly.
  PoolSpec uncoupled = *s.pool;
  uncoupled.max_coupling_iterations = 1;
  uncoupled.coupling_tolerance = 1e9;
  const PooledInjection apart = simulate_pool(library, {0, 1, 2, 3}, uncoupled, 3, 2);
  EXPECT_LT(apart.pooled_delivery[0] / alone[0], 0.9);
}

TEST(SimulatePool, OneFormulationPoolIsTheStandaloneDose) {
  const Screen s = load_screen_text(pool_scenario(kDepths), "pool.yaml");
  const scenario::Scenario one = candidate_scenario(s, {150.0, 24.0});
  const std::vector<double> alone = standalone_delivery({one}, *s.pool, 3, 1);
  const PooledInjection pool = simulate_pool({one}, {0}, *s.pool, 3, 1);
  EXPECT_EQ(pool.coupling_iterations, 1);
  EXPECT_DOUBLE_EQ(pool.pooled_delivery[0], alone[0]);
}

TEST(SimulatePool, NotConvergingIsAnError) {
  const Screen s = load_screen_text(pool_scenario(kDepths), "pool.yaml");
  const scenario::Scenario one = candidate_scenario(s, {100.0, 360.0});
  PoolSpec strict = *s.pool;
  strict.max_coupling_iterations = 2;
  strict.coupling_tolerance = 1e-14;
  EXPECT_THROW(simulate_pool({one, one, one}, {0, 1, 2}, strict, 2, 1), std::runtime_error);
}

TEST(PoolSpec, BadInputNamesTheField) {
  auto error = [](const std::string& pool) -> std::string {
    try {
      load_screen_text(pool_scenario(pool), "pool.yaml");
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error("    read_depths: [0]\n").find("not a whole number"), std::string::npos);
  EXPECT_NE(error(std::string(kDepths) + "    pool_sizes: [7]\n").find("from 2 to the 6"),
            std::string::npos);
  EXPECT_NE(
      error(std::string(kDepths) + "    readout: {pcr_efficiency: 1.5}\n").find("pcr_efficiency"),
      std::string::npos);
  EXPECT_NE(
      error(std::string(kDepths) + "    fastq: {depths: [20000000]}\n").find("above 10 million"),
      std::string::npos);
  const std::string wrong_tissue = pool_scenario(kDepths);
  std::string text = wrong_tissue;
  const std::string from = "tissue: {output: PID_TUMOUR_CAR";
  text.replace(text.find(from), from.size(), "tissue: {output: CP_ENC");
  try {
    load_screen_text(text, "pool.yaml");
    ADD_FAILURE() << "a concentration was accepted as a fraction of the dose";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fraction of the dose"), std::string::npos) << e.what();
  }
}

TEST(RunPooledScreen, WritesTablesAndFastqThatCountBackToTheSimulatedCounts) {
  const Screen s = load_screen_text(pool_scenario("    read_depths: [1000, 100000]\n"
                                                  "    pool_sizes: [3, 6]\n"
                                                  "    subsets: 2\n"
                                                  "    replicates: 2\n"
                                                  "    top_k: 2\n"
                                                  "    fastq: {depths: [2000]}\n"),
                                    "pool.yaml");
  const PooledScreenResult r = run_pooled_screen(s, 2, false);
  EXPECT_EQ(r.library, 6u);
  EXPECT_EQ(r.animals, 3u);
  // (K 3: 2 sub-pools + K 6: 1) x 2 depths x 2 replicates.
  EXPECT_EQ(r.recovery.size(), (2u + 1u) * 2u * 2u);
  ASSERT_EQ(r.full_readouts.size(), 2u);
  EXPECT_EQ(r.full_readouts[1].samples.size(), 4u);  // input + 3 animals
  const auto dir = std::filesystem::temp_directory_path() / "smartnano_pool_test";
  std::filesystem::remove_all(dir);
  write_pooled_outputs(s, r, dir.string());
  for (const char* f :
       {"pool_delivery.csv", "pool_recovery.csv", "pool_recovery_summary.csv", "pool_summary.json",
        "pool_fastq/whitelist.csv", "pool_fastq/depth_2000/input.fastq",
        "pool_fastq/depth_2000/animal-3.fastq", "pool_fastq/depth_2000/simulated_counts.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  }
  // The FASTQ counter reads back exactly the simulated counts (one-mismatch reads corrected).
  const barcodes::Whitelist w =
      barcodes::read_whitelist((dir / "pool_fastq/whitelist.csv").string());
  const barcodes::BarcodeMatcher matcher(w, 1);
  barcodes::CountOptions options;
  // The barcode at its fixed offset: a substitution in the flank does not hide the read.
  options.offset = static_cast<int>(s.pool->fastq.flank.size());
  options.max_mismatches = 1;
  std::ifstream counts(dir / "pool_fastq/depth_2000/simulated_counts.csv");
  std::string line;
  std::getline(counts, line);
  std::map<std::string, std::vector<std::uint64_t>> expected;
  while (std::getline(counts, line)) {
    const auto c1 = line.find(','), c3 = line.rfind(',');
    expected[line.substr(0, c1)].push_back(std::stoull(line.substr(c3 + 1)));
  }
  ASSERT_EQ(expected.size(), 4u);
  for (const auto& [sample, reads] : expected) {
    const auto got = barcodes::count_fastq(
        (dir / "pool_fastq/depth_2000" / (sample + ".fastq")).string(), sample, matcher, options);
    // Single substitutions in the barcode are corrected (barcodes are >= 3 apart); only a read
    // with two (probability about 66 in a million at the 0.1 % error rate) can be lost or
    // moved.
    std::uint64_t total = 0, differences = 0;
    for (std::size_t k = 0; k < reads.size(); ++k) {
      total += reads[k];
      differences += got.counts[k] > reads[k] ? got.counts[k] - reads[k] : reads[k] - got.counts[k];
    }
    EXPECT_EQ(total, 2000u);
    EXPECT_LE(differences, 2u) << sample;
    EXPECT_GT(got.one_mismatch, 0u) << sample;
    EXPECT_EQ(got.ambiguous, 0u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smartnano::screening

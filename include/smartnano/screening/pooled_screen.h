// Simulated barcoded pooled screens (docs/pooled-screens.md): the candidates of a screen's
// design are co-injected as one pool of K DNA-barcoded formulations, each at 1/K of the dose,
// into every animal of the population. The pool is simulated with the PBPK engine, the
// formulations coupled through the MPS uptake capacity they share; the tumour is sampled, and
// the read-out (pooled_readout.h: template sampling, PCR, sequencing) gives each formulation's
// normalised delivery. How well that recovers the true ranking - the delivery of each
// formulation given alone - is scored against read depth and pool size K.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smartnano/scenario/scenario.h"
#include "smartnano/screening/pooled_readout.h"

namespace smartnano::screening {

struct Screen;
struct ScreenResult;

struct PoolSpec {
  // The model output giving a formulation's amount in the sampled tissue as a fraction of its
  // own dose (e.g. PID_TUMOUR_CAR, in %): its value at `sample_time` times `tissue_scale`
  // (1/100 for %) times the injected amount is the tissue amount of that barcode.
  int tissue_output = 0;
  double tissue_scale = 1.0;
  double sample_time = 24.0;  // model time unit
  // Shared MPS saturation: the model covariate that receives the other formulations'
  // carrier concentration, and the output that gives each formulation's own (converted to the
  // covariate's unit by `coupling_scale`).
  int coupling_covariate = -1;
  int coupling_output = -1;
  double coupling_scale = 1.0;
  double coupling_tolerance = 1e-4;  // relative change of the pool's total concentration
  int max_coupling_iterations = 100;
  std::size_t animals = 0;                 // the first `animals` subjects of the scenario (0: all)
  std::vector<std::uint64_t> read_depths;  // reads per sample
  std::vector<std::size_t> pool_sizes;     // K of the recovery study; the library size if empty
  int subsets = 3;                         // random sub-pools per K smaller than the library
  int replicates = 5;                      // read-outs per (K, sub-pool, depth)
  int top_k = 10;                          // for top-k precision (at most K)
  PoolReadout readout;
  // Simulated FASTQ of the whole library at these depths (none when empty).
  std::vector<std::uint64_t> fastq_depths;
  FastqOptions fastq;
  int barcode_length = 12;
  std::uint64_t seed = 1;
};

// One pooled injection simulated in every animal.
struct PooledInjection {
  std::vector<std::size_t> members;         // library indices of the K formulations
  double injected_each = 0.0;               // amount of each, in the dose unit of the model
  std::vector<std::vector<double>> tissue;  // animals x K: amount in the sampled tissue
  std::vector<double> pooled_delivery;      // K: mean over animals of tissue / injected
  int coupling_iterations = 0;              // fixed-point iterations until convergence
  double coupling_change = 0.0;             // relative change at the last iteration
};

// Simulates the pool of library formulations `members` (scenarios of the screen's candidates)
// in the first `animals` subjects: each formulation at 1/K of its dose, coupled through
// PoolSpec::coupling_covariate by fixed-point iteration on the pool's plasma carrier
// concentration (docs/pooled-screens.md). Threads as in simulation::simulate_all. Throws
// std::runtime_error when the coupling does not converge or a simulation fails.
PooledInjection simulate_pool(const std::vector<scenario::Scenario>& library,
                              const std::vector<std::size_t>& members, const PoolSpec& spec,
                              std::size_t animals, int threads);

// The delivery of each library formulation given alone at its full dose: mean over animals of
// the tissue output at the sample time (as a fraction of the dose).
std::vector<double> standalone_delivery(const std::vector<scenario::Scenario>& library,
                                        const PoolSpec& spec, std::size_t animals, int threads);

struct PoolRecoveryRow {
  std::size_t pool_size = 0;
  int subset = 0;
  std::uint64_t read_depth = 0;
  int replicate = 0;
  double spearman = 0.0;         // measured delivery vs standalone delivery
  double spearman_pooled = 0.0;  // measured delivery vs the pool's own true delivery
  int top_k = 0;
  double top_k_precision = 0.0;
};

struct PooledScreenResult {
  std::size_t library = 0;
  std::size_t animals = 0;
  std::vector<double> standalone;  // library: true delivery alone (the reference ranking)
  PooledInjection full;            // the whole library as one pool
  double spearman_pooled_vs_standalone = 0.0;  // what the shared MPS does to the ranking
  std::vector<PoolResult> full_readouts;       // one per read depth (replicate 1)
  std::vector<PoolRecoveryRow> recovery;
  std::vector<std::string> barcodes;  // one per library formulation
  double wall_seconds = 0.0;
};

// Runs the pooled screen of `screen`'s first-stage design (every candidate one barcode).
PooledScreenResult run_pooled_screen(const Screen& screen, int threads, bool progress);

// Writes pool_delivery.csv, pool_recovery.csv, pool_recovery_summary.csv and pool_summary.json
// into `directory`, and with FASTQ depths, pool_fastq/whitelist.csv, the simulated counts
// pool_fastq/depth_<D>/counts.csv and one FASTQ per sample in pool_fastq/depth_<D>/.
void write_pooled_outputs(const Screen& screen, const PooledScreenResult& result,
                          const std::string& directory);

}  // namespace smartnano::screening

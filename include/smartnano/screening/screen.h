// Formulation screens (docs/screening.md): every candidate of a design space simulated across
// a scenario's virtual population, scored on tumour exposure, delivery and toxicity
// exposures, responder fraction and therapeutic index, then ranked by Pareto fronts and a
// weighted score; optionally refined around the first front (a two-stage screen).
//
// A screen scenario is a scenario with a `screen:` section. Each factor sets a field of the
// scenario's `carrier:` design (diameter, release half-life, ...), a model parameter, or -
// for a categorical factor - a named option that sets several of them (a carrier type, a
// drug). Candidate c's scenario is the screen scenario with those values, so patient i of every
// candidate is the same virtual patient (common random numbers across candidates).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "smartnano/runner/population_run.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/screening/design_space.h"
#include "smartnano/screening/pareto.h"
#include "smartnano/screening/pooled_screen.h"

namespace smartnano::screening {

// What a factor of the design space sets in a candidate's scenario.
enum class FactorTarget {
  kCarrier,    // a field of the `carrier:` design (diameter, pdi, peg_mol_percent, ...)
  kParameter,  // a model parameter, in the model's unit
  kOption,     // a categorical factor whose levels are named options
  kPath,       // any value of the scenario, by its dotted path (triggers.0.hyperthermia.hold)
};

struct FactorBinding {
  FactorTarget target = FactorTarget::kCarrier;
  std::string field;   // carrier field or parameter name; the factor name for options; the path
  std::string unit;    // kPath: the unit its values are written in (of the first bound)
  std::string format;  // kPath: a template for the written value ("{} mg/m2, 1 h infusion")
  // kOption: per level, the scenario sections it sets ({carrier: {...}, parameters: {...}}).
  std::vector<YAML::Node> options;
};

// Per-subject statistic of a model output over the subject's observation rows.
// kAt: the value at time ScoreSpec::at, interpolated linearly between observation rows.
enum class ScoreStatistic { kCmax, kCmin, kAuc, kMean, kFinal, kAt };
std::string to_string(ScoreStatistic statistic);

struct ScoreSpec {
  std::string name;
  int output = 0;  // model output index
  ScoreStatistic statistic = ScoreStatistic::kAuc;
  double at = 0.0;           // kAt: the time, in the model's time unit
  std::optional<Goal> goal;  // absent: reported, not optimised
  std::string unit;          // of the score ("ug/mL*h" for an AUC of ug/mL over hours)
};

// A subject responds when its score `score` is at least (or at most) `threshold`.
struct ResponderRule {
  int score = 0;
  double threshold = 0.0;  // in the score's unit
  bool at_most = false;
};

// Per-subject ratio efficacy / toxicity of two scores; the candidate's value is its
// population summary.
struct TherapeuticIndexSpec {
  int efficacy = 0;
  int toxicity = 0;
};

enum class PopulationSummary { kMedian, kMean };

struct RefineSpec {
  std::size_t size = 0;         // 0: no second stage
  double shrink = 0.25;         // box width around each centre, in unit coordinates
  std::size_t max_centres = 0;  // 0: every first-front candidate; else the best by weighted score
  std::uint64_t seed = 1;
};

// Special objective names besides the scores.
inline constexpr const char* kResponderFractionObjective = "responder_fraction";
inline constexpr const char* kTherapeuticIndexObjective = "therapeutic_index";

struct ScreenSpec {
  DesignSpace space;
  std::vector<FactorBinding> bindings;  // one per factor
  DesignKind design = DesignKind::kSobol;
  std::size_t design_size = 0;
  std::uint64_t design_seed = 1;
  std::vector<ScoreSpec> scores;
  std::optional<ResponderRule> responder;
  std::optional<TherapeuticIndexSpec> therapeutic_index;
  PopulationSummary summary = PopulationSummary::kMedian;
  // Objectives of the fronts and the weighted score: score names, "responder_fraction",
  // "therapeutic_index"; with their goals and weights.
  std::vector<std::string> objectives;
  std::vector<Goal> goals;
  std::vector<double> weights;
  RefineSpec refine;
};

// A screen scenario: the scenario (the base of every candidate), the screen and the YAML it
// came from (candidates are built from it).
struct Screen {
  scenario::Scenario scenario;
  ScreenSpec spec;
  std::string yaml;
  std::string file;
  std::optional<PoolSpec> pool;  // the `screen.pool:` section (a barcoded pooled screen)
};

// Throws InputError naming file, line and field for anything wrong: no factor, an unknown
// factor target (with "did you mean"), bounds in the wrong unit, an option that does not build
// a scenario, a constraint that does not parse or names no factor, a design without candidates,
// an unknown output or statistic, an objective without a goal.
Screen load_screen_file(const std::string& path);
Screen load_screen_text(const std::string& yaml, const std::string& file);

// The scenario of candidate `values` (one value per factor). Throws InputError when the
// candidate's scenario cannot be built (e.g. a carrier design the carrier model rejects).
scenario::Scenario candidate_scenario(const Screen& screen, const std::vector<double>& values);

// The population statistics of one score for one candidate.
struct ScoreSummary {
  double summary = std::numeric_limits<double>::quiet_NaN();  // median or mean (ScreenSpec)
  double p05 = std::numeric_limits<double>::quiet_NaN();
  double p95 = std::numeric_limits<double>::quiet_NaN();
};

struct CandidateResult {
  int id = 0;     // 1-based, in order of evaluation
  int stage = 1;  // 1: the design, 2: the refinement
  std::vector<double> factors;
  std::vector<ScoreSummary> scores;  // as ScreenSpec::scores
  double responder_fraction = std::numeric_limits<double>::quiet_NaN();
  double therapeutic_index = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> objectives;  // as ScreenSpec::objectives
  int front = 0;
  double crowding = 0.0;
  double weighted_score = 0.0;
  int rank = 0;      // 1 = best: by weighted score, ties by front
  int failures = 0;  // subjects whose simulation failed (excluded from the statistics)
  std::vector<std::vector<double>> subject_scores;  // subjects x scores (NaN: failed)
};

struct ScreenResult {
  std::vector<CandidateResult> candidates;
  std::size_t subjects = 0;  // per candidate
  std::size_t stage1_generated = 0, stage1_rejected = 0;
  std::size_t stage2_generated = 0, stage2_rejected = 0;
  double wall_seconds = 0.0;
  int threads = 1;
  int processes = 1;
};

struct ScreenRunOptions {
  int threads = 0;  // per process; 0: every core
  bool progress = false;
};

// Runs the screen: stage 1, and stage 2 when the spec refines. Candidate-subject simulations
// are spread over the threads of every process of `comm` (MPI ranks take contiguous blocks);
// the result is the same for any number of threads and processes. Every rank must call it.
ScreenResult run_screen(const Screen& screen, const ScreenRunOptions& options,
                        runner::Communicator& comm);
ScreenResult run_screen(const Screen& screen, const ScreenRunOptions& options = {});

// Simulates candidates `designs` across the scenario's subjects and fills everything but the
// fronts and ranks: scores with their population statistics, responder fraction, therapeutic
// index and objectives. Ids start at first_id. Every rank of `comm` must call it.
std::vector<CandidateResult> evaluate_candidates(const Screen& screen,
                                                 const std::vector<std::vector<double>>& designs,
                                                 int stage, int first_id, std::size_t subjects,
                                                 const ScreenRunOptions& options,
                                                 runner::Communicator& comm, int& threads_used);

// Fronts, crowding distances, weighted scores and ranks of `candidates` (their objectives
// must be filled in).
void rank_candidates(const ScreenSpec& spec, std::vector<CandidateResult>& candidates);

// Writes screen_candidates.csv (every candidate, by rank), screen_front.csv (the first front),
// screen_subjects.csv (every subject's scores), screen_summary.json and pareto.svg (the first
// two objectives) into `directory`, each atomically.
void write_screen_outputs(const Screen& screen, const ScreenResult& result,
                          const std::string& directory);

}  // namespace smartnano::screening

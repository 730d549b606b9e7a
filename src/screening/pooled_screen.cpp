// Barcoded pooled screens simulated with the PBPK engine (docs/pooled-screens.md).
#include "smartnano/screening/pooled_screen.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "smartnano/core/csv.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/population/population.h"
#include "smartnano/screening/screen.h"
#include "smartnano/simulation/simulate_all.h"
#include "smartnano/stratification/roc.h"

namespace smartnano::screening {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The subject of one animal for the pool: its doses (scaled by `dose_scale`) and observation
// rows every `step` up to the sample time (the grid on which formulations are coupled).
simulation::SubjectInput pool_subject(const scenario::Scenario& s, std::size_t animal,
                                      double dose_scale, double sample_time, double step,
                                      double* injected) {
  simulation::SubjectInput in = s.subject(animal);
  if (in.parameters.empty()) in.parameters = s.parameters;
  const std::size_t n_cov = s.model->covariates().size();
  std::vector<double> first_covariates(n_cov, kNaN);
  if (!in.records.empty() && n_cov > 0) {
    std::copy(in.covariates.begin(), in.covariates.begin() + static_cast<long>(n_cov),
              first_covariates.begin());
  }
  simulation::SubjectInput out;
  out.id = in.id;
  out.parameters = in.parameters;
  out.source = in.source;
  double given = 0.0;
  for (std::size_t r = 0; r < in.records.size(); ++r) {
    events::Record rec = in.records[r];
    if (!events::is_dose(rec.kind) || rec.time > sample_time) continue;
    rec.amount *= dose_scale;
    if (rec.rate_mode == events::RateMode::kFixedRate) rec.rate *= dose_scale;
    given += rec.amount * (1 + rec.additional);
    out.records.push_back(rec);
    out.covariates.insert(out.covariates.end(),
                          in.covariates.begin() + static_cast<long>(r * n_cov),
                          in.covariates.begin() + static_cast<long>((r + 1) * n_cov));
  }
  if (out.records.empty()) {
    throw std::runtime_error(
        fmt::format("pool: subject {} has no dose before the sample time", animal + 1));
  }
  const auto steps = static_cast<std::size_t>(std::ceil(sample_time / step - 1e-9));
  for (std::size_t k = 0; k <= steps; ++k) {
    events::Record obs;
    obs.time = std::min(sample_time, static_cast<double>(k) * step);
    obs.kind = events::RecordKind::kObservation;
    out.records.push_back(obs);
    out.covariates.insert(out.covariates.end(), first_covariates.begin(), first_covariates.end());
  }
  // Doses first at equal times (they are given before the row is written); stable in time.
  std::vector<std::size_t> order(out.records.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return out.records[a].time < out.records[b].time;
  });
  simulation::SubjectInput sorted = out;
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted.records[i] = out.records[order[i]];
    std::copy(out.covariates.begin() + static_cast<long>(order[i] * n_cov),
              out.covariates.begin() + static_cast<long>((order[i] + 1) * n_cov),
              sorted.covariates.begin() + static_cast<long>(i * n_cov));
  }
  if (injected) *injected = given;
  return sorted;
}

// The coupling grid step: a quarter of an hour in the model's time unit.
double coupling_step(const scenario::Scenario& s) {
  const units::Unit h = units::parse_unit("h");
  return 0.25 * units::conversion_factor(h, s.model->time_unit());
}

// The value of output `o` on the last observation row at the sample time.
double value_at_sample(const simulation::SubjectResult& r, std::size_t n_outputs, int o) {
  for (std::size_t k = r.times.size(); k-- > 0;) {
    if (r.evids[k] == 0) return r.outputs[k * n_outputs + static_cast<std::size_t>(o)];
  }
  return kNaN;
}

// Spearman's rho over the pairs where both are finite; NaN when fewer than 3 or constant.
double rho(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> a, b;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i])) {
      a.push_back(x[i]);
      b.push_back(y[i]);
    }
  }
  if (a.size() < 3) return kNaN;
  try {
    return stratification::spearman(a, b).estimate;
  } catch (const std::invalid_argument&) {
    return kNaN;  // a constant variable
  }
}

void check_results(const std::vector<simulation::SubjectResult>& results, const char* what) {
  for (const auto& r : results) {
    if (r.status != simulation::SubjectStatus::kSuccess) {
      throw std::runtime_error(
          fmt::format("pool: the {} simulation of subject {} failed: {}", what, r.id, r.message));
    }
  }
}

}  // namespace

PooledInjection simulate_pool(const std::vector<scenario::Scenario>& library,
                              const std::vector<std::size_t>& members, const PoolSpec& spec,
                              std::size_t animals, int threads) {
  const std::size_t k_size = members.size();
  if (k_size == 0) throw std::invalid_argument("pool: no formulation in the pool");
  const scenario::Scenario& base = library.at(members[0]);
  const model::ModelPtr& model = base.model;
  const std::size_t n_out = model->outputs().size(), n_cov = model->covariates().size();
  const double step = coupling_step(base);
  const double scale = 1.0 / static_cast<double>(k_size);
  // Inputs per (animal, member), animal-major.
  std::vector<simulation::SubjectInput> inputs;
  std::vector<double> injected(animals, 0.0);
  for (std::size_t a = 0; a < animals; ++a) {
    for (std::size_t k = 0; k < k_size; ++k) {
      double given = 0.0;
      inputs.push_back(
          pool_subject(library.at(members[k]), a, scale, spec.sample_time, step, &given));
      if (k == 0) injected[a] = given;
    }
  }
  const std::size_t rows = inputs[0].records.size();
  const auto cov = static_cast<std::size_t>(spec.coupling_covariate);
  // The pool's total carrier concentration per animal and row, as used for the covariate.
  std::vector<std::vector<double>> used(animals, std::vector<double>(rows, 0.0));
  PooledInjection pool;
  pool.members = members;
  std::vector<simulation::SubjectResult> results;
  for (int iteration = 1;; ++iteration) {
    if (iteration == 1) {
      for (auto& in : inputs) {
        for (std::size_t r = 0; r < rows; ++r) in.covariates[r * n_cov + cov] = 0.0;
      }
    }
    if (iteration > 1) {
      // Each row's value holds over the interval ending at it: the mean of the other
      // formulations' concentration at its two ends, from the previous iteration.
      for (std::size_t a = 0; a < animals; ++a) {
        for (std::size_t k = 0; k < k_size; ++k) {
          auto& in = inputs[a * k_size + k];
          const auto& own = results[a * k_size + k];
          for (std::size_t r = 0; r < rows; ++r) {
            const std::size_t p = r == 0 ? 0 : r - 1;
            const double others_now =
                used[a][r] -
                own.outputs[r * n_out + static_cast<std::size_t>(spec.coupling_output)] *
                    spec.coupling_scale;
            const double others_before =
                used[a][p] -
                own.outputs[p * n_out + static_cast<std::size_t>(spec.coupling_output)] *
                    spec.coupling_scale;
            in.covariates[r * n_cov + cov] = std::max(0.0, 0.5 * (others_now + others_before));
          }
        }
      }
    }
    results = simulation::simulate_all(model, base.options, inputs, threads);
    check_results(results, "pooled");
    // The new total, and how much it moved.
    double change = 0.0;
    for (std::size_t a = 0; a < animals; ++a) {
      std::vector<double> total(rows, 0.0);
      for (std::size_t k = 0; k < k_size; ++k) {
        const auto& r = results[a * k_size + k];
        if (r.times.size() != rows) {
          throw std::runtime_error("pool: a result has an unexpected number of rows");
        }
        for (std::size_t q = 0; q < rows; ++q) {
          total[q] += r.outputs[q * n_out + static_cast<std::size_t>(spec.coupling_output)] *
                      spec.coupling_scale;
        }
      }
      const double peak = *std::max_element(total.begin(), total.end());
      for (std::size_t q = 0; q < rows; ++q) {
        if (peak > 0) change = std::max(change, std::abs(total[q] - used[a][q]) / peak);
      }
      used[a] = std::move(total);
    }
    pool.coupling_iterations = iteration;
    pool.coupling_change = change;
    if (change <= spec.coupling_tolerance || k_size == 1) break;
    if (iteration >= spec.max_coupling_iterations) {
      throw std::runtime_error(fmt::format(
          "pool: the shared MPS coupling did not converge in {} iterations (last relative "
          "change {:.3g})",
          iteration, change));
    }
  }
  pool.injected_each =
      std::accumulate(injected.begin(), injected.end(), 0.0) / static_cast<double>(animals);
  pool.tissue.assign(animals, std::vector<double>(k_size));
  pool.pooled_delivery.assign(k_size, 0.0);
  for (std::size_t a = 0; a < animals; ++a) {
    for (std::size_t k = 0; k < k_size; ++k) {
      const double fraction =
          value_at_sample(results[a * k_size + k], n_out, spec.tissue_output) * spec.tissue_scale;
      pool.tissue[a][k] = fraction * injected[a];
      pool.pooled_delivery[k] += fraction / static_cast<double>(animals);
    }
  }
  return pool;
}

std::vector<double> standalone_delivery(const std::vector<scenario::Scenario>& library,
                                        const PoolSpec& spec, std::size_t animals, int threads) {
  std::vector<simulation::SubjectInput> inputs;
  for (const auto& s : library) {
    for (std::size_t a = 0; a < animals; ++a) {
      inputs.push_back(pool_subject(s, a, 1.0, spec.sample_time, coupling_step(s), nullptr));
    }
  }
  const auto& model = library.at(0).model;
  const auto results = simulation::simulate_all(model, library[0].options, inputs, threads);
  check_results(results, "standalone");
  const std::size_t n_out = model->outputs().size();
  std::vector<double> delivery(library.size(), 0.0);
  for (std::size_t c = 0; c < library.size(); ++c) {
    for (std::size_t a = 0; a < animals; ++a) {
      delivery[c] += value_at_sample(results[c * animals + a], n_out, spec.tissue_output) *
                     spec.tissue_scale / static_cast<double>(animals);
    }
  }
  return delivery;
}

PooledScreenResult run_pooled_screen(const Screen& screen, int threads, bool progress) {
  if (!screen.pool) throw std::invalid_argument("the screen has no pool section");
  const auto started = std::chrono::steady_clock::now();
  const PoolSpec& spec = *screen.pool;
  const ScreenSpec& ss = screen.spec;
  const Design design = make_design(ss.space, ss.design, ss.design_size, ss.design_seed);
  std::vector<scenario::Scenario> library;
  for (const auto& values : design.candidates)
    library.push_back(candidate_scenario(screen, values));
  PooledScreenResult result;
  result.library = library.size();
  const std::size_t subjects = screen.scenario.subject_count();
  result.animals = spec.animals == 0 ? subjects : std::min(spec.animals, subjects);
  auto say = [&](const std::string& text) {
    if (progress) {
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cerr << fmt::format("pool: {} ({:.1f} s)\n", text, t);
    }
  };
  result.standalone = standalone_delivery(library, spec, result.animals, threads);
  say(fmt::format("{} formulations alone in {} animals", library.size(), result.animals));
  result.barcodes = make_barcodes(static_cast<int>(library.size()), spec.barcode_length, spec.seed);

  std::vector<std::string> names;
  for (std::size_t c = 0; c < library.size(); ++c) names.push_back(fmt::format("F{:03}", c + 1));
  auto truth_of = [&](const PooledInjection& pool) {
    PoolTruth t;
    for (const std::size_t m : pool.members) {
      t.formulations.push_back(names[m]);
      t.reference.push_back(result.standalone[m]);
    }
    t.injected.assign(pool.members.size(), pool.injected_each);
    t.tissue = pool.tissue;
    return t;
  };
  // Each read-out has its own seed: (pool size, sub-pool, replicate) and the depth.
  auto readout_seed = [&](std::size_t k, int subset, int replicate, std::uint64_t depth) {
    return population::stream_key(spec.seed,
                                  (static_cast<std::uint64_t>(k) << 32) |
                                      (static_cast<std::uint64_t>(subset) << 16) |
                                      static_cast<std::uint64_t>(replicate),
                                  depth);
  };

  std::vector<std::size_t> all(library.size());
  std::iota(all.begin(), all.end(), 0);
  say("barcodes designed");
  result.full = simulate_pool(library, all, spec, result.animals, threads);
  result.spearman_pooled_vs_standalone = rho(result.full.pooled_delivery, result.standalone);
  say(fmt::format("the library as one pool ({} coupling iterations)",
                  result.full.coupling_iterations));
  const int top_full = std::min<int>(spec.top_k, static_cast<int>(library.size()));
  say("library pool simulated");
  for (const std::uint64_t depth : spec.read_depths) {
    result.full_readouts.push_back(read_out_pool(truth_of(result.full), spec.readout, depth,
                                                 top_full,
                                                 readout_seed(library.size(), 0, 0, depth)));
  }

  std::vector<std::size_t> sizes = spec.pool_sizes;
  if (sizes.empty()) sizes.push_back(library.size());
  for (const std::size_t k : sizes) {
    const bool whole = k == library.size();
    const int subsets = whole ? 1 : spec.subsets;
    for (int subset = 0; subset < subsets; ++subset) {
      PooledInjection pool;
      if (whole) {
        pool = result.full;
      } else {
        // A random sub-pool of k formulations (partial Fisher-Yates on its own stream).
        std::vector<std::size_t> order = all;
        population::RandomStream stream(spec.seed, (static_cast<std::uint64_t>(k) << 16) | subset,
                                        population::named_covariate_purpose("pool-subset"));
        for (std::size_t i = 0; i < k; ++i) {
          const std::size_t j =
              i + std::min(order.size() - i - 1,
                           static_cast<std::size_t>(stream.uniform() * (order.size() - i)));
          std::swap(order[i], order[j]);
        }
        order.resize(k);
        std::sort(order.begin(), order.end());
        pool = simulate_pool(library, order, spec, result.animals, threads);
      }
      const PoolTruth truth = truth_of(pool);
      const int top = std::min<int>(spec.top_k, static_cast<int>(k));
      for (const std::uint64_t depth : spec.read_depths) {
        for (int rep = 0; rep < spec.replicates; ++rep) {
          const PoolResult r =
              read_out_pool(truth, spec.readout, depth, top, readout_seed(k, subset, rep, depth));
          result.recovery.push_back({k, subset + 1, depth, rep + 1, r.spearman,
                                     rho(r.delivery, pool.pooled_delivery), r.top_k,
                                     r.top_k_precision});
        }
      }
      say(fmt::format("pool size {} sub-pool {}: {} read-outs", k, subset + 1,
                      spec.read_depths.size() * static_cast<std::size_t>(spec.replicates)));
    }
  }
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

namespace {

std::string cell(double v) { return csv_number(v); }

double mean_of(const std::vector<double>& v) {
  double sum = 0.0;
  std::size_t n = 0;
  for (const double x : v) {
    if (std::isfinite(x)) {
      sum += x;
      ++n;
    }
  }
  return n > 0 ? sum / static_cast<double>(n) : kNaN;
}

}  // namespace

void write_pooled_outputs(const Screen& screen, const PooledScreenResult& result,
                          const std::string& directory) {
  namespace fs = std::filesystem;
  const PoolSpec& spec = *screen.pool;
  const ScreenSpec& ss = screen.spec;
  const Design design = make_design(ss.space, ss.design, ss.design_size, ss.design_seed);
  fs::create_directories(directory);

  std::string delivery = "formulation,barcode";
  for (const auto& f : ss.space.factors) delivery += fmt::format(",{}", f.name);
  delivery += ",standalone_delivery,pooled_delivery";
  for (const auto& r : result.full_readouts)
    delivery += fmt::format(",measured_depth_{}", r.read_depth);
  delivery += "\n";
  for (std::size_t c = 0; c < result.library; ++c) {
    delivery += fmt::format("F{:03},{}", c + 1, result.barcodes[c]);
    for (std::size_t j = 0; j < ss.space.factors.size(); ++j) {
      const Factor& f = ss.space.factors[j];
      const double v = design.candidates[c][j];
      delivery += fmt::format(",{}", f.labels.empty()
                                         ? cell(v)
                                         : f.labels.at(static_cast<std::size_t>(std::lround(v))));
    }
    delivery +=
        fmt::format(",{},{}", cell(result.standalone[c]), cell(result.full.pooled_delivery[c]));
    for (const auto& r : result.full_readouts) delivery += fmt::format(",{}", cell(r.delivery[c]));
    delivery += "\n";
  }

  std::string recovery =
      "pool_size,subset,read_depth,replicate,spearman,spearman_vs_pooled_truth,top_k,"
      "top_k_precision\n";
  for (const auto& r : result.recovery) {
    recovery +=
        fmt::format("{},{},{},{},{},{},{},{}\n", r.pool_size, r.subset, r.read_depth, r.replicate,
                    cell(r.spearman), cell(r.spearman_pooled), r.top_k, cell(r.top_k_precision));
  }
  // Means over sub-pools and replicates per (K, depth).
  std::string summary =
      "pool_size,read_depth,readouts,mean_spearman,mean_spearman_vs_pooled_truth,top_k,"
      "mean_top_k_precision\n";
  nlohmann::ordered_json table = nlohmann::ordered_json::array();
  std::vector<std::pair<std::size_t, std::uint64_t>> keys;
  for (const auto& r : result.recovery) {
    if (std::find(keys.begin(), keys.end(), std::make_pair(r.pool_size, r.read_depth)) ==
        keys.end()) {
      keys.emplace_back(r.pool_size, r.read_depth);
    }
  }
  for (const auto& [k, depth] : keys) {
    std::vector<double> rho_ref, rho_pool, precision;
    int top = 0;
    for (const auto& r : result.recovery) {
      if (r.pool_size != k || r.read_depth != depth) continue;
      rho_ref.push_back(r.spearman);
      rho_pool.push_back(r.spearman_pooled);
      precision.push_back(r.top_k_precision);
      top = r.top_k;
    }
    summary +=
        fmt::format("{},{},{},{},{},{},{}\n", k, depth, rho_ref.size(), cell(mean_of(rho_ref)),
                    cell(mean_of(rho_pool)), top, cell(mean_of(precision)));
    auto number = [](double v) {
      return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json();
    };
    table.push_back({{"pool_size", k},
                     {"read_depth", depth},
                     {"readouts", rho_ref.size()},
                     {"mean_spearman", number(mean_of(rho_ref))},
                     {"mean_spearman_vs_pooled_truth", number(mean_of(rho_pool))},
                     {"top_k", top},
                     {"mean_top_k_precision", number(mean_of(precision))}});
  }
  nlohmann::ordered_json j;
  j["library"] = result.library;
  j["animals"] = result.animals;
  j["sample_time"] = spec.sample_time;
  j["tissue_output"] =
      screen.scenario.model->outputs()[static_cast<std::size_t>(spec.tissue_output)].name;
  j["coupling_iterations_full_pool"] = result.full.coupling_iterations;
  j["coupling_change_full_pool"] = result.full.coupling_change;
  j["spearman_pooled_vs_standalone"] =
      std::isfinite(result.spearman_pooled_vs_standalone)
          ? nlohmann::ordered_json(result.spearman_pooled_vs_standalone)
          : nlohmann::ordered_json();
  j["readout"] = {{"template_molecules", spec.readout.template_molecules},
                  {"pcr_cycles", spec.readout.pcr_cycles},
                  {"pcr_efficiency", spec.readout.pcr_efficiency},
                  {"pcr_efficiency_sd", spec.readout.pcr_efficiency_sd},
                  {"pcr_noise", spec.readout.pcr_noise}};
  j["recovery"] = table;
  j["wall_seconds"] = result.wall_seconds;

  std::vector<std::pair<std::string, std::string>> files{
      {"pool_delivery.csv", delivery},
      {"pool_recovery.csv", recovery},
      {"pool_recovery_summary.csv", summary},
  };
  // FASTQ of the whole library at the chosen depths, with their simulated counts.
  if (!spec.fastq_depths.empty()) {
    std::vector<std::string> names;
    for (std::size_t c = 0; c < result.library; ++c) names.push_back(fmt::format("F{:03}", c + 1));
    write_whitelist_csv((fs::path(directory) / "pool_fastq" / "whitelist.csv").string(),
                        result.barcodes, names);
    PoolTruth truth;
    truth.formulations = names;
    truth.reference = result.standalone;
    truth.injected.assign(result.library, result.full.injected_each);
    truth.tissue = result.full.tissue;
    nlohmann::ordered_json written = nlohmann::ordered_json::array();
    for (const std::uint64_t depth : spec.fastq_depths) {
      const PoolResult r = read_out_pool(
          truth, spec.readout, depth, std::min<int>(spec.top_k, static_cast<int>(result.library)),
          population::stream_key(spec.seed, 0xFA57, depth));
      const std::string folder =
          (fs::path(directory) / "pool_fastq" / fmt::format("depth_{}", depth)).string();
      write_pool_fastq(folder, r.samples, result.barcodes, spec.fastq,
                       population::stream_key(spec.seed, 0xFA58, depth));
      std::string counts = "sample,barcode,formulation,count\n";
      for (const auto& sample : r.samples) {
        for (std::size_t c = 0; c < result.library; ++c) {
          counts += fmt::format("{},{},{},{}\n", sample.sample, result.barcodes[c], names[c],
                                sample.reads[c]);
        }
      }
      io::write_file_atomically((fs::path(folder) / "simulated_counts.csv").string(), counts);
      written.push_back({{"read_depth", depth},
                         {"folder", fmt::format("pool_fastq/depth_{}", depth)},
                         {"spearman", r.spearman},
                         {"top_k_precision", r.top_k_precision}});
    }
    j["fastq"] = {{"flank", spec.fastq.flank},
                  {"barcode_offset", spec.fastq.flank.size()},
                  {"barcode_length", spec.barcode_length},
                  {"substitution_rate", spec.fastq.substitution_rate},
                  {"depths", written}};
  }
  files.emplace_back("pool_summary.json", j.dump(2) + "\n");
  std::vector<std::unique_ptr<io::AtomicFile>> pending;
  for (const auto& [name, content] : files) {
    auto f = std::make_unique<io::AtomicFile>((fs::path(directory) / name).string());
    f->stream() << content;
    pending.push_back(std::move(f));
  }
  for (auto& f : pending) f->commit();
}

}  // namespace smartnano::screening

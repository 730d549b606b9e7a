#include "smartnano/simulation/simulate_all.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

namespace smartnano::simulation {

int effective_threads(int requested, std::size_t subjects) {
  long n = requested > 0 ? requested : static_cast<long>(std::thread::hardware_concurrency());
  n = std::max(1L, n);
  n = std::min<long>(n, static_cast<long>(std::max<std::size_t>(subjects, 1)));
  return static_cast<int>(n);
}

std::vector<SubjectResult> simulate_all(const model::ModelPtr& model,
                                        const SimulationOptions& options,
                                        std::span<const SubjectInput> subjects, int threads) {
  return simulate_all(
      model, options, subjects.size(),
      [subjects](std::size_t i) -> SubjectInput { return subjects[i]; }, threads);
}

std::vector<SubjectResult> simulate_all(const model::ModelPtr& model,
                                        const SimulationOptions& options, std::size_t count,
                                        const std::function<SubjectInput(std::size_t)>& subject,
                                        int threads) {
  std::vector<SubjectResult> results(count);
  const int n_threads = effective_threads(threads, count);
  if (n_threads == 1) {
    SubjectSimulator simulator(model, options);
    for (std::size_t i = 0; i < count; ++i) results[i] = simulator.simulate(subject(i));
    return results;
  }
  // Indices are taken in increasing order, so when subject k throws, every subject before k
  // has already been taken and will finish: the lowest failing index is found exactly as one
  // thread would find it. Subjects after the first failure known so far are skipped.
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> first_failure{kNone};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto work = [&] {
    try {
      SubjectSimulator simulator(model, options);
      for (;;) {
        const std::size_t i = next.fetch_add(1);
        if (i >= count || i > first_failure.load()) return;
        try {
          results[i] = simulator.simulate(subject(i));
        } catch (...) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (i < first_failure.load()) {
            first_failure.store(i);
            failure = std::current_exception();
          }
          return;
        }
      }
    } catch (...) {  // the simulator itself could not be built (options were validated)
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(n_threads);
  for (int t = 0; t < n_threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  return results;
}

}  // namespace smartnano::simulation

// Simulating many subjects on several threads, with the same results as one thread.
//
// simulate_all runs `threads` std::threads, each with its own SubjectSimulator, that take
// subject indices from one atomic counter; results come back in the subjects' order. A
// subject's result depends only on its own input, never on which thread ran it or when, so
// 1 and N threads give bit-identical results (docs/population.md, "threads").
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "smartnano/model/model.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::simulation {

// Simulates every subject. threads <= 0 means std::thread::hardware_concurrency(); never more
// threads than subjects. Solver failures are statuses in the results. If a subject's input
// throws (InputError, ...), the exception of the lowest-numbered such subject is rethrown
// after every thread has stopped - the same one a single thread would throw.
std::vector<SubjectResult> simulate_all(const model::ModelPtr& model,
                                        const SimulationOptions& options,
                                        std::span<const SubjectInput> subjects, int threads);

// The same for `count` subjects made on demand: subject(i) for i in [0, count) is called on
// the thread that simulates subject i (so making subjects is parallel too) and must be
// thread-safe. An exception from subject(i) counts as subject i's.
std::vector<SubjectResult> simulate_all(const model::ModelPtr& model,
                                        const SimulationOptions& options, std::size_t count,
                                        const std::function<SubjectInput(std::size_t)>& subject,
                                        int threads);

// The number of threads simulate_all uses for `requested` threads and `subjects` subjects.
int effective_threads(int requested, std::size_t subjects);

}  // namespace smartnano::simulation

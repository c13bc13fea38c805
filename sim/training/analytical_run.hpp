#pragma once
// A training workload at the analytical fidelity level ("fidelity": "analytical"): the
// scenario's jobs, routes and network model handed to models/training/analytical.hpp, and its
// answer written back into the TrainingState the reports read (job starts and finishes,
// iteration rows, compression rounds with the proxy trained every round) and into the link
// counters, so the run's outputs have the exact level's shape.
#include "run/context.hpp"
#include "training/analytical.hpp"
#include "training/training_state.hpp"

namespace cs {

// The problem the model solves for this run; `path_ends`, if given, receives each path's
// (from, to) topology nodes.
analytical::Problem analytical_problem(const RunContext& ctx, const TrainingState& state,
                                       std::vector<std::pair<size_t, size_t>>* path_ends = nullptr);

// Solves, records into `state` and `ctx`, and starts one actor that sleeps until the run's
// end, so the engine's clock (simulated_time_s, `until`) is the model's. Returns the solution.
analytical::Result run_analytical(RunContext& ctx, TrainingState& state);

}  // namespace cs

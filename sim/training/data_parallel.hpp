#pragma once
// Data-parallel training jobs as SimGrid actors: workers that compute and exchange gradients
// through parameter-server shards or a ring all-reduce, launched at each job's arrival.
#include "run/context.hpp"
#include "training/training_state.hpp"

namespace cs {
namespace ina_sim {
class InaRun;
}

// Gives every PS or INA job with a compression scheme (its own or the workload's) its
// CompressedJob (and loads the proxy's data set). Call before the INA run is built: it sizes packets from it.
void attach_compression(RunContext& ctx, TrainingState& state);

// Creates the launcher actor; call before Engine::run(). Jobs with in-network aggregation are
// handed to `ina` at their arrival.
void launch_training(RunContext& ctx, TrainingState& state, ina_sim::InaRun* ina);

}  // namespace cs

#pragma once
// THC's scale agreement: before encoding, every worker of a job sends its partitions' norms to
// the job's server and gets back their maximum, so all workers scale alike. A small round of
// its own, timed like any transfer; the PS path and the INA path share it.
#include "run/context.hpp"
#include "training/training_state.hpp"

namespace cs {

// A worker's half: send `bytes` of norms, wait for the maximum.
void agree_scales(RunContext& ctx, const TrainingState& state, size_t job, size_t rank, sg4::Host* server, double bytes);
// The server's half, one actor per job: `rounds` times, gather from the job's workers, answer all.
void scale_agreement_service(RunContext& ctx, const TrainingState& state, size_t job, long long rounds, double bytes);

}  // namespace cs

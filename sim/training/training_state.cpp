#include "training/training_state.hpp"

#include "training/fast_forward.hpp"

namespace cs {

// Starts and ends go through here so that fast-forward sees every event that changes what competes.
void TrainingState::job_started(size_t job, double now) {
  jobs[job].start_s = now;
  if (fast_forward) fast_forward->job_started(job);
}

void TrainingState::job_finished(size_t job, double now) {
  jobs[job].finish_s = now;
  ++jobs_finished;
  if (fast_forward) fast_forward->job_finished(job);
}

}  // namespace cs

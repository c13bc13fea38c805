#pragma once
// Fast-forward of periodic training jobs (scenario "fidelity": "fast_forward"). Each PS and
// ring job reports its ranks' iteration ends; when a job provably repeats itself (its own
// resources, no jitter, every rank's iterations periodic since the last event: see
// models/training/periodicity.hpp) it skips the iterations up to the next job arrival (or
// `until`), each rank sleeping through them, and its links, executions, iteration records and
// compression rounds are accounted as if they had run. Where it cannot prove periodicity it
// does nothing: INA jobs run exact, and so does everything while one is active; energy,
// timeline traces and link traces turn it off.
#include <cstdint>
#include <vector>

#include "run/context.hpp"
#include "scenario/scenario.hpp"

namespace cs {

struct TrainingState;

class FastForward {
 public:
  // At iteration `start` every rank and server skips `count` iterations of `period` seconds.
  struct Plan {
    long long start = -1, count = 0;
    double period = 0;
  };

  FastForward(RunContext& ctx, const TrainingState& state);
  bool enabled() const { return enabled_; }

  // A job's actors started, a job finished: events that change what competes.
  void job_started(size_t job);
  void job_finished(size_t job);
  // A worker ended iteration `it` now. Rank 0's end of iteration s - 1 may plan a skip at s + 1:
  // every rank has then started s, and none can have ended it (each needs rank 0's s data).
  void iteration_ended(size_t job, size_t rank, long long it);
  const Plan& plan(size_t job) const { return jobs_[job].plan; }

  long long skipped() const { return skipped_; }  // iterations advanced analytically, counted once per job

 private:
  struct Job {
    std::vector<double> ends;  // by rank, the last kHistory iteration ends, ring-indexed by iteration
    std::vector<const void*> resources;  // links on its routes and its hosts, sorted
    long long observe_from = 0;          // first iteration whose ends may show periodicity
    Plan plan;
    bool eligible = false, active = false;
  };
  static constexpr long long kHistory = 8;
  void decide(size_t job, long long ended);
  bool shares_resources(size_t job) const;
  double horizon() const;

  RunContext& ctx_;
  const TrainingState& state_;
  bool enabled_ = false;
  std::vector<Job> jobs_;
  std::vector<double> arrivals_;  // every job's arrival, sorted
  double last_event_s_ = 0;
  int active_in_network_ = 0;
  long long skipped_ = 0;
};

}  // namespace cs

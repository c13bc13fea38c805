#pragma once
// The analytical fidelity level: a training mix advanced phase by phase instead of flow by
// flow. A phase is a stretch of time in which the set of running jobs and every link's
// capacity stay the same; in it each job repeats one iteration of fixed duration, so the
// model solves each job's iteration once per phase and moves every job forward by
// (phase length / iteration time) iterations.
//
// Assumptions (docs/fidelity.md):
// - A job's own transfers of one stage start together; the stage ends with the last of them,
//   advanced as SimGrid's flow model advances them (net/fluid.hpp). A job alone on its links
//   is therefore timed as the exact level times it.
// - Jobs sharing links interfere through their duty cycles: a competitor that has flows on a
//   link for a share d of its iteration claims d of a flow's fair share there at every level of
//   the max-min sharing, whatever the jobs' relative phases. The iteration times and duty
//   cycles are solved together by fixed-point iteration.
// - Computation takes its nominal time, stretched where jobs share a host: a competitor that
//   computes there for a share d of its iteration claims d of a core (SimGrid gives each
//   running execution an equal share of the cores, at most one). Stragglers (jitter j) make a synchronous iteration wait
//   for the slowest of n workers, E[max of n U(-1,1)] = (n-1)/(n+1), so compute_s (1 + j (n-1)/(n+1)).
// - In-network aggregation: a worker streams its packets to the switch and gets the sums back
//   at a rate capped by the aggregator slots its job holds (one fragment per slot per round
//   trip) and by its window, but never below what its PS alone would sum (the fallback of ATP
//   and ESA); the switch's slots go to the running jobs by policy (fair share, priority order,
//   or fixed pools), re-allocated at each phase. Hash collisions, per-aggregator preemption,
//   congestion windows, losses and retransmissions are not modelled.
#include <cstdint>
#include <span>
#include <vector>

#include "net/fluid.hpp"

namespace cs::analytical {

struct Stage {
  enum class Kind { compute, together, one_by_one };
  Kind kind = Kind::compute;
  double seconds = 0;                      // compute, on each of `hosts` (one core each) at once
  std::vector<std::uint32_t> hosts;        // compute: where (indices into Problem::host_cores)
  std::vector<net::Transfer> transfers;    // together: all at once; one_by_one: each after the last
  long long repeat = 1;                    // the stage, this many times in a row (ring steps)
  bool slot_bound = false;                 // INA: its transfers are capped by the job's aggregator slots
};

enum class MemoryPolicy { fair_share, priority, pools };

struct Switch {
  MemoryPolicy policy = MemoryPolicy::fair_share;
  double slots = 0;          // fragments the switch can hold at once
  double per_job_slots = 0;  // the most one job may hold (fair_share, priority)
  double pool_slots = 0;     // pools: a pool's fragments; floor(slots / pool_slots) pools
};

struct InaShare {
  int switch_index = -1;      // -1: not an INA job
  double demand_slots = 0;    // slots that keep its links busy (beyond that, more do not help)
  double Bps_per_slot = 0;    // a worker's rate per slot held: packet bytes / round trip
  double fallback_Bps = 0;    // a worker's rate through its PS when the switch holds too little
  double work_per_iteration = 1;  // priority: remaining (srtf) or attained (las) work, in these units
  bool least_attained = false;    // priority by attained service (las) instead of remaining work (srtf)
};

struct Job {
  double arrival_s = 0;
  long long iterations = 0;
  std::vector<Stage> stages;
  InaShare ina;
};

struct Problem {
  std::vector<net::Channel> channels;
  std::vector<net::Path> paths;
  std::vector<double> host_cores;
  net::NetworkParams network;
  std::vector<Job> jobs;
  std::vector<Switch> switches;
  // Capacity or latency changes (link traces), in time order.
  struct Change {
    double time_s;
    std::uint32_t channel;
    double capacity_Bps, latency_s;
  };
  std::vector<Change> changes;
  double horizon_s = 0;  // > 0: stop there (`until`)
  // The fixed point of jobs sharing links stops when no iteration time moves by more than this
  // (relative) in a round: two orders below the level's own error (docs/fidelity.md).
  double fixed_point_tolerance = 1e-4;
};

struct Iteration {
  double start_s, compute_end_s, end_s;
};

struct JobResult {
  double finish_s = -1;  // -1: not finished by the horizon
  std::vector<Iteration> iterations;  // completed ones
};

struct Result {
  std::vector<JobResult> jobs;
  double end_s = 0;          // the last finish, or the horizon
  long long phases = 0;      // phases solved
  long long solves = 0;      // max-min solves (net::max_min calls)
};

Result solve(const Problem& problem);

// The slots each INA job on one switch holds, given the running jobs on it in `order`
// (priority: highest first; pools: by who asked first) and their demands. `holding` marks
// pools jobs already hold (kept until they finish); updated.
std::vector<double> allocate_slots(const Switch& sw, std::span<const double> demand, std::vector<char>& holding);

}  // namespace cs::analytical

#pragma once
// In-network aggregation settings of a training workload: which allocation policy the
// switches run, their memory, and the ATP-style transport the hosts use.
#include <cstdint>

#include "ina/policy_registry.hpp"

namespace cs {

// ESA's packet priority. srtf: the job with the least remaining work first (the default:
// shortest-remaining-first minimises mean completion time on one shared resource);
// las: the job that has received the least service first (needs no job size).
enum class PriorityMetric { srtf, las };

struct InaSpec {
  // The registry's entry (models/ina/policy_registry.hpp): its name, factory and traits.
  const ina::PolicyEntry* policy = &ina::default_policy();
  PriorityMetric priority = PriorityMetric::srtf;
  bool switchml_host_path = false;  // a job finding no free pool (pools_per_job): true = aggregate at its PS, false = wait
  // 1: one switch per job sums (the first worker's); 2: ATP's two levels, each worker's switch
  // then the switch where their routes to the PS meet (platform/aggregation_tree.hpp).
  int levels = 1;
  std::uint32_t aggregators = 20000;          // per switch
  std::uint32_t aggregators_per_job = 2800;   // ATP/ESA: hashing range per job
  std::uint32_t switchml_pool = 256;          // pools_per_job policies (SwitchML): aggregators reserved per job
  std::uint32_t values_per_packet = 62;       // int32 values; the policy's traits give the default
  double header_bytes = 60;                   // per packet on the wire, beyond the values
  std::uint32_t unit = 16;                    // packets per SimGrid transfer (granularity)
  std::uint32_t window_initial = 32, window_min = 1, window_max = 100;  // packets per worker
  double ecn_threshold_bytes = 64e3;          // switch egress backlog that marks ECN
  double rto_s = 1e-3;                        // retransmission timeout
  double ps_packet_cost_s = 20e-9;            // software aggregation per packet at a PS

  double payload_bytes() const { return 4.0 * values_per_packet; }
  double packet_bytes() const { return payload_bytes() + header_bytes; }
  // Fragments a worker may have in flight before the oldest's result returns: the pool's slots
  // under a pools_per_job policy, unbounded (the window alone limits) otherwise.
  std::uint64_t pool_slots() const {
    return policy->traits.pools_per_job ? switchml_pool / policy->traits.aggregators_per_slot : ~0ull;
  }
};

}  // namespace cs

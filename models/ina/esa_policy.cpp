// ESA: ATP's hashed aggregators, plus preemption: a packet whose job has a strictly higher
// priority (`/policies/esa_priority`) takes the aggregator and sends the holder's partial sum on
// to the holder's PS.
#include "ina/hashed_policy.hpp"
#include "ina/policy_registry.hpp"

namespace cs::ina {

extern const PolicyEntry esa_policy;
const PolicyEntry esa_policy{
    "esa",
    "ESA: as ATP, but a higher-priority job preempts an aggregator (esa_priority: srtf or las)",
    {.priority_aware = true, .values_per_packet = 62, .analytical_sharing = AnalyticalSharing::priority},
    [](const SwitchMemory& m) { return make_hashed_policy(m, true); }};

}  // namespace cs::ina

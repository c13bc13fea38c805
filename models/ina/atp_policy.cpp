// ATP: hashed aggregators shared by all jobs, best effort; a fragment finding its aggregator
// held by another goes on to its PS, and every complete sum returns through the PS.
#include "ina/hashed_policy.hpp"
#include "ina/policy_registry.hpp"

namespace cs::ina {

extern const PolicyEntry atp_policy;
const PolicyEntry atp_policy{
    "atp",
    "ATP: shared hashed aggregators, a collision goes on to the PS, sums return through the PS",
    {.values_per_packet = 62, .analytical_sharing = AnalyticalSharing::fair_share},
    [](const SwitchMemory& m) { return make_hashed_policy(m, false); }};

}  // namespace cs::ina

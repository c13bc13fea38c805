#pragma once
// The mechanism ATP and ESA share (hashed_policy.cpp); their entries are atp_policy.cpp and
// esa_policy.cpp.
#include <memory>

#include "ina/aggregation_policy.hpp"

namespace cs::ina {

// preemptive: a packet of strictly higher priority takes an aggregator held by another fragment.
std::unique_ptr<AggregationPolicy> make_hashed_policy(const SwitchMemory& memory, bool preemptive);

}  // namespace cs::ina

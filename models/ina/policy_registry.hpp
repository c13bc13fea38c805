#pragma once
// The switch allocation policies (`/policies/switch_allocation`). Each policy is one file that
// defines its PolicyEntry (name, description, traits, factory) and one line in policy_registry.cpp
// that lists it. The simulator's actors, the analytical model and the parser ask the traits,
// never the name, what a policy does beyond its per-packet logic.
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/registry.hpp"
#include "ina/aggregation_policy.hpp"

namespace cs::ina {

// How the analytical fidelity level shares a switch's slots among jobs (models/training/analytical).
enum class AnalyticalSharing {
  fair_share,  // water-filling over jobs, each capped by its hashing range (ATP)
  priority,    // the job the priority metric ranks first takes what it needs first (ESA)
  pools,       // each job owns a fixed pool; a job finding none waits or takes its host path (SwitchML)
};

struct PolicyTraits {
  // The switch multicasts a complete sum to the workers itself; otherwise the sum goes to the
  // job's PS, which returns it through the switch (and frees the aggregator on the way).
  bool multicasts_results = false;
  // A job reserves a pool of `switchml_pool` aggregators when it starts (admit() may refuse:
  // the job waits or takes its host path), and each worker paces its fragments by the pool's
  // slots: fragment i + slots is sent only after fragment i's result. Otherwise all jobs hash
  // into the shared memory and whatever finds no aggregator goes on to the job's PS.
  bool pools_per_job = false;
  // Packets carry their job's priority (`/policies/esa_priority`) and the policy acts on it.
  // Without it workers send priority 0, which a policy that ignores priorities cannot tell apart.
  bool priority_aware = false;
  // Aggregators one in-flight fragment occupies (SwitchML keeps a shadow copy per slot: 2).
  std::uint32_t aggregators_per_slot = 1;
  // The default payload of a packet, in int32 values (`workload.ina.values_per_packet`).
  std::uint32_t values_per_packet = 62;
  AnalyticalSharing analytical_sharing = AnalyticalSharing::fair_share;
};

struct PolicyEntry {
  std::string_view name;         // the scenario's `/policies/switch_allocation` value
  std::string_view description;  // one line, for listings
  PolicyTraits traits;
  std::unique_ptr<AggregationPolicy> (*make)(const SwitchMemory& memory);
};

// Every registered policy, in the order listings show them.
const Registry<PolicyEntry>& policies();
// The default of `/policies/switch_allocation`.
const PolicyEntry& default_policy();

// A policy by name; std::invalid_argument listing the registered names for an unknown one.
std::unique_ptr<AggregationPolicy> make_policy(std::string_view name, const SwitchMemory& memory);

}  // namespace cs::ina

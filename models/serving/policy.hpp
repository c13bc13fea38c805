#pragma once
// Serving systems as policies: given a request's tier (and deadline), where does it run, on
// which model variant? One instance per edge device (INFaaS's memory state is per device).
// Pure: the simulator times what the policy decides.
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry.hpp"
#include "serving/lru_memory.hpp"

namespace cs::serving {

struct SystemEntry;

// A serving system: a handle on its registry entry (below). The four built-ins have names for
// code that means one of them; a new system needs none, the registry finds it by name.
class SystemKind {
 public:
  static const SystemKind hawkvision, infaas, dc_only, edge_only;  // each defined in its system's file
  constexpr SystemKind(const SystemEntry& entry) : entry_(&entry) {}
  const SystemEntry& entry() const { return *entry_; }
  const SystemEntry* operator->() const { return entry_; }
  friend bool operator==(SystemKind a, SystemKind b) { return a.entry_ == b.entry_; }

 private:
  const SystemEntry* entry_;
};
// The entry's name: "hawkvision", "infaas", "dc_only", "edge_only", ...
std::string_view system_name(SystemKind s);

inline constexpr double no_deadline = std::numeric_limits<double>::infinity();

// One model variant on the run's single accuracy scale.
struct VariantProfile {
  std::string name;
  double accuracy;          // top-1 on the run's scale (a proxy's measured accuracy, or a CSV's)
  double memory_bytes;      // resident size on the edge device
  double edge_latency_s;    // batch 1 on the edge device; < 0: cannot run there
  double edge_load_s;       // loading it onto the edge device
  double dc_latency_s;      // batch 1 on a DC server; < 0: not offered there
};

struct PolicyConfig {
  std::vector<VariantProfile> pool;
  int edge_model = 0;                   // HawkVision and edge-only: the always-resident edge model
  int dc_model = 0;                     // HawkVision: the DC model of the cascade
  std::vector<double> tier_accuracy;    // per tier, its target
  std::vector<double> tier_threshold;   // per tier, HawkVision's confidence threshold (all_to_dc allowed)
  double edge_memory_bytes = 0;         // for INFaaS's LRU (HawkVision pins its edge model)
  // INFaaS predicts a DC variant's latency as this plus the variant's batch-1 latency: the
  // WAN round trip and the frame's transfer, which the simulator knows from the platform.
  double dc_network_s = 0;
};

// What to do with one request.
struct Route {
  int edge_variant = -1;      // run this variant at the edge first; -1: none
  double load_s = 0;          // load time to pay before it runs (a swap)
  std::vector<int> evicted;   // variants the load evicted
  int dc_variant = -1;        // then (or only) this variant in the DC; -1: none
  // With both: answered at the edge when its calibrated confidence >= threshold, else sent on.
  // With only an edge variant the edge always answers; with only a DC variant the DC does.
  double threshold = 0;
  // Whether the chosen path's expected accuracy meets the tier (cascade accuracy on the
  // validation split, or the variant's accuracy); edge-only misses tiers above its model.
  bool accuracy_expected = true;
};

class ServingPolicy {
 public:
  virtual ~ServingPolicy() = default;
  virtual SystemKind kind() const = 0;
  // `tier` indexes config.tier_accuracy; deadline_s is no_deadline when the request has none.
  virtual Route route(int tier, double deadline_s) = 0;
};

// HawkVision: edge model pinned, cascade with the tier's threshold to dc_model.
// INFaaS-style: among variants whose accuracy meets the tier, those that can run at the edge
//   and whose predicted latency (load time if not resident + batch-1 latency) meets the
//   deadline; resident ones win, and among equals the cheapest (lowest latency) one; loading
//   evicts LRU. No edge candidate: the cheapest DC variant meeting the tier whose predicted
//   latency (dc_network_s + latency) meets the deadline, else the fastest one meeting the tier.
// DC-only: the cheapest DC variant meeting the tier.
// Edge-only: edge_model answers everything.
// A tier no variant meets falls back to the most accurate one (accuracy_expected = false);
// scenario validation rejects such tiers before a run.
std::unique_ptr<ServingPolicy> make_policy(SystemKind kind, const PolicyConfig& config);

struct SystemTraits {
  // Routes by per-tier confidence thresholds (a cascade): the scenario is rejected when a
  // tier's accuracy is beyond what the cascade reaches on the validation split.
  bool cascade = false;
};

// One serving system, defined in its own file (hawkvision_system.cpp, ...) and listed by one
// line in policy.cpp.
struct SystemEntry {
  std::string_view name;         // the scenario's `/workload/system` value
  std::string_view description;  // one line, for listings
  SystemTraits traits;
  // Throws std::invalid_argument when `config` cannot work for this system; the checks every
  // system needs (pool, tiers, model indices) have passed before.
  void (*validate)(SystemKind kind, const PolicyConfig& config);
  std::unique_ptr<ServingPolicy> (*make)(SystemKind kind, const PolicyConfig& config);
};

// Every registered serving system, in the order listings show them.
const Registry<SystemEntry>& systems();

}  // namespace cs::serving

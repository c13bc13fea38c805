#pragma once
// Serving systems as policies: given a request's tier (and deadline), where does it run, on
// which model variant? One instance per edge device (INFaaS's memory state is per device).
// Pure: the simulator times what the policy decides.
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "serving/lru_memory.hpp"

namespace cs::serving {

enum class SystemKind { hawkvision, infaas, dc_only, edge_only };
// "hawkvision", "infaas", "dc_only", "edge_only"
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

}  // namespace cs::serving

#pragma once
// What the serving systems' files share (not part of the interface): the accuracy comparison,
// the variant helpers, the common validation, and the base class holding a policy's config.
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "serving/policy.hpp"

namespace cs::serving::detail {

// Accuracies come from counts on one scale; a variant equal to the target meets it.
inline constexpr double tolerance = 1e-12;

inline bool meets(double accuracy, double target) { return accuracy >= target - tolerance; }
inline bool runs_at_edge(const VariantProfile& v) { return v.edge_latency_s >= 0; }
inline bool offered_in_dc(const VariantProfile& v) { return v.dc_latency_s >= 0; }

[[noreturn]] inline void fail(SystemKind kind, const std::string& what) {
  throw std::invalid_argument(std::string(system_name(kind)) + " policy: " + what);
}

class PolicyBase : public ServingPolicy {
 public:
  PolicyBase(SystemKind kind, PolicyConfig config) : kind_(kind), config_(std::move(config)) {}
  SystemKind kind() const override { return kind_; }

 protected:
  double target(int tier) const {
    if (tier < 0 || tier >= int(config_.tier_accuracy.size()))
      fail(kind_, "tier " + std::to_string(tier) + " out of range (" + std::to_string(config_.tier_accuracy.size()) +
                      " tiers)");
    return config_.tier_accuracy[std::size_t(tier)];
  }
  const VariantProfile& variant(int v) const { return config_.pool[std::size_t(v)]; }
  int pool_size() const { return int(config_.pool.size()); }

  // The cheapest (lowest DC latency) DC variant meeting `accuracy`; -1 if none.
  int cheapest_dc(double accuracy) const {
    int best = -1;
    for (int v = 0; v < pool_size(); ++v)
      if (offered_in_dc(variant(v)) && meets(variant(v).accuracy, accuracy) &&
          (best < 0 || variant(v).dc_latency_s < variant(best).dc_latency_s))
        best = v;
    return best;
  }
  // The most accurate variant satisfying `ok`; -1 if none.
  template <class Ok>
  int most_accurate(Ok ok) const {
    int best = -1;
    for (int v = 0; v < pool_size(); ++v)
      if (ok(variant(v)) && (best < 0 || variant(v).accuracy > variant(best).accuracy)) best = v;
    return best;
  }

  SystemKind kind_;
  PolicyConfig config_;
};

// The checks every system needs: a pool, tiers, profiles, model indices in range.
inline void validate_common(SystemKind kind, const PolicyConfig& c) {
  const int n = int(c.pool.size());
  if (n == 0) fail(kind, "the variant pool is empty");
  if (c.tier_accuracy.empty()) fail(kind, "no accuracy tiers");
  for (std::size_t t = 0; t < c.tier_accuracy.size(); ++t)
    if (!std::isfinite(c.tier_accuracy[t])) fail(kind, "tier " + std::to_string(t) + " accuracy is not finite");
  for (const VariantProfile& v : c.pool)
    if (!std::isfinite(v.accuracy) || !(v.memory_bytes >= 0) || std::isnan(v.edge_latency_s) ||
        std::isnan(v.dc_latency_s) || !(v.edge_load_s >= 0))
      fail(kind, "variant '" + v.name + "' has an invalid profile");
  if (c.edge_model < 0 || c.edge_model >= n)
    fail(kind, "edge_model " + std::to_string(c.edge_model) + " out of range (pool of " + std::to_string(n) + ")");
  if (c.dc_model < 0 || c.dc_model >= n)
    fail(kind, "dc_model " + std::to_string(c.dc_model) + " out of range (pool of " + std::to_string(n) + ")");
  if (!c.tier_threshold.empty() && c.tier_threshold.size() != c.tier_accuracy.size())
    fail(kind, std::to_string(c.tier_threshold.size()) + " tier thresholds for " +
                   std::to_string(c.tier_accuracy.size()) + " tiers");
  for (std::size_t t = 0; t < c.tier_threshold.size(); ++t)
    if (std::isnan(c.tier_threshold[t])) fail(kind, "tier " + std::to_string(t) + " threshold is NaN");
}

}  // namespace cs::serving::detail

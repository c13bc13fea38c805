// The four serving systems as policies. Ties between variants always go to the lower index, so
// every decision is deterministic.
#include "serving/policy.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace cs::serving {

std::string_view system_name(SystemKind s) {
  switch (s) {
    case SystemKind::hawkvision: return "hawkvision";
    case SystemKind::infaas: return "infaas";
    case SystemKind::dc_only: return "dc_only";
    case SystemKind::edge_only: return "edge_only";
  }
  return "unknown";
}

namespace {

// Accuracies come from counts on one scale; a variant equal to the target meets it.
constexpr double tolerance = 1e-12;

bool meets(double accuracy, double target) { return accuracy >= target - tolerance; }
bool runs_at_edge(const VariantProfile& v) { return v.edge_latency_s >= 0; }
bool offered_in_dc(const VariantProfile& v) { return v.dc_latency_s >= 0; }

[[noreturn]] void fail(SystemKind kind, const std::string& what) {
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

// Edge model always resident; the tier's threshold decides per request whether the edge
// answers or the DC model does. A tier whose threshold is all_to_dc skips the edge.
class HawkVision final : public PolicyBase {
 public:
  using PolicyBase::PolicyBase;
  Route route(int tier, double /*deadline_s*/) override {
    target(tier);  // range check
    Route r;
    r.threshold = config_.tier_threshold[std::size_t(tier)];
    r.dc_variant = config_.dc_model;
    r.edge_variant = std::isinf(r.threshold) && r.threshold > 0 ? -1 : config_.edge_model;
    r.accuracy_expected = true;  // the thresholds were chosen on the validation split to meet each tier
    return r;
  }
};

class EdgeOnly final : public PolicyBase {
 public:
  using PolicyBase::PolicyBase;
  Route route(int tier, double /*deadline_s*/) override {
    Route r;
    r.edge_variant = config_.edge_model;
    r.accuracy_expected = meets(variant(config_.edge_model).accuracy, target(tier));
    return r;
  }
};

class DcOnly final : public PolicyBase {
 public:
  using PolicyBase::PolicyBase;
  Route route(int tier, double /*deadline_s*/) override {
    Route r;
    r.dc_variant = cheapest_dc(target(tier));
    if (r.dc_variant < 0) {
      r.dc_variant = most_accurate(offered_in_dc);
      r.accuracy_expected = false;
    }
    return r;
  }
};

// INFaaS-style variant selection with an LRU model memory on the edge device.
class Infaas final : public PolicyBase {
 public:
  Infaas(SystemKind kind, PolicyConfig config)
      : PolicyBase(kind, std::move(config)), memory_(config_.edge_memory_bytes) {}

  Route route(int tier, double deadline_s) override {
    const double goal = target(tier);
    // Edge candidates meeting the tier and the deadline: resident ones by latency, else by
    // predicted latency (load + run).
    int resident = -1, loadable = -1;
    double loadable_predicted = 0;
    for (int v = 0; v < pool_size(); ++v) {
      const VariantProfile& p = variant(v);
      if (!fits_edge(p) || !meets(p.accuracy, goal)) continue;
      const bool is_resident = memory_.resident(v);
      const double predicted = (is_resident ? 0 : p.edge_load_s) + p.edge_latency_s;
      if (!(predicted <= deadline_s)) continue;
      if (is_resident) {
        if (resident < 0 || p.edge_latency_s < variant(resident).edge_latency_s) resident = v;
      } else if (loadable < 0 || predicted < loadable_predicted) {
        loadable = v;
        loadable_predicted = predicted;
      }
    }
    if (resident >= 0) return at_edge(resident, true);
    if (loadable >= 0) return at_edge(loadable, true);

    // The DC: the cheapest variant meeting the tier whose predicted latency meets the
    // deadline, else the fastest one meeting the tier. Latency there is network + batch-1
    // latency, monotone in the latter, so both are the lowest-latency variant meeting the tier.
    if (int v = cheapest_dc(goal); v >= 0) {
      Route r;
      r.dc_variant = v;
      return r;
    }
    // No DC variant meets the tier: an edge variant that does, late (lowest predicted latency).
    int late = -1;
    double late_predicted = 0;
    for (int v = 0; v < pool_size(); ++v) {
      const VariantProfile& p = variant(v);
      if (!fits_edge(p) || !meets(p.accuracy, goal)) continue;
      const double predicted = (memory_.resident(v) ? 0 : p.edge_load_s) + p.edge_latency_s;
      if (late < 0 || predicted < late_predicted) {
        late = v;
        late_predicted = predicted;
      }
    }
    if (late >= 0) return at_edge(late, true);
    // No variant meets the tier anywhere: the most accurate one, at the edge if it runs there.
    const int best = most_accurate([this](const VariantProfile& p) { return fits_edge(p) || offered_in_dc(p); });
    if (fits_edge(variant(best))) return at_edge(best, false);
    Route r;
    r.dc_variant = best;
    r.accuracy_expected = false;
    return r;
  }

  bool fits_edge(const VariantProfile& p) const {
    return runs_at_edge(p) && p.memory_bytes <= config_.edge_memory_bytes;
  }

 private:
  Route at_edge(int v, bool accuracy_expected) {
    LruMemory::Access a = memory_.use(v, variant(v).memory_bytes);
    Route r;
    r.edge_variant = v;
    r.load_s = a.hit ? 0 : variant(v).edge_load_s;
    r.evicted = std::move(a.evicted);
    r.accuracy_expected = accuracy_expected;
    return r;
  }

  LruMemory memory_;
};

void validate(SystemKind kind, const PolicyConfig& c) {
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

  switch (kind) {
    case SystemKind::hawkvision:
      if (c.tier_threshold.size() != c.tier_accuracy.size())
        fail(kind, "needs one confidence threshold per tier (" + std::to_string(c.tier_accuracy.size()) + " tiers, " +
                       std::to_string(c.tier_threshold.size()) + " thresholds)");
      if (!runs_at_edge(c.pool[std::size_t(c.edge_model)]))
        fail(kind, "edge model '" + c.pool[std::size_t(c.edge_model)].name + "' cannot run at the edge");
      if (!offered_in_dc(c.pool[std::size_t(c.dc_model)]))
        fail(kind, "DC model '" + c.pool[std::size_t(c.dc_model)].name + "' is not offered in the DC");
      break;
    case SystemKind::edge_only:
      if (!runs_at_edge(c.pool[std::size_t(c.edge_model)]))
        fail(kind, "edge model '" + c.pool[std::size_t(c.edge_model)].name + "' cannot run at the edge");
      break;
    case SystemKind::dc_only: {
      bool any = false;
      for (const VariantProfile& v : c.pool) any = any || offered_in_dc(v);
      if (!any) fail(kind, "no variant is offered in the DC");
      break;
    }
    case SystemKind::infaas: {
      if (!(c.edge_memory_bytes > 0) || !std::isfinite(c.edge_memory_bytes))
        fail(kind, "edge_memory_bytes must be finite and > 0, got " + std::to_string(c.edge_memory_bytes));
      if (!(c.dc_network_s >= 0)) fail(kind, "dc_network_s must be >= 0");
      bool any = false;
      for (const VariantProfile& v : c.pool)
        any = any || offered_in_dc(v) || (runs_at_edge(v) && v.memory_bytes <= c.edge_memory_bytes);
      if (!any) fail(kind, "no variant runs at the edge (within its memory) or in the DC");
      break;
    }
  }
}

}  // namespace

std::unique_ptr<ServingPolicy> make_policy(SystemKind kind, const PolicyConfig& config) {
  validate(kind, config);
  switch (kind) {
    case SystemKind::hawkvision: return std::make_unique<HawkVision>(kind, config);
    case SystemKind::infaas: return std::make_unique<Infaas>(kind, config);
    case SystemKind::dc_only: return std::make_unique<DcOnly>(kind, config);
    case SystemKind::edge_only: return std::make_unique<EdgeOnly>(kind, config);
  }
  fail(kind, "unknown system");
}

}  // namespace cs::serving

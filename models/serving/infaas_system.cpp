// INFaaS-style variant selection per request, with an LRU model memory on the edge device.
#include "serving/policy_base.hpp"

namespace cs::serving {
namespace {

using namespace detail;

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

// What this system needs of the config beyond validate_common.
void validate(SystemKind kind, const PolicyConfig& c) {
  if (!(c.edge_memory_bytes > 0) || !std::isfinite(c.edge_memory_bytes))
    fail(kind, "edge_memory_bytes must be finite and > 0, got " + std::to_string(c.edge_memory_bytes));
  if (!(c.dc_network_s >= 0)) fail(kind, "dc_network_s must be >= 0");
  bool any = false;
  for (const VariantProfile& v : c.pool)
    any = any || offered_in_dc(v) || (runs_at_edge(v) && v.memory_bytes <= c.edge_memory_bytes);
  if (!any) fail(kind, "no variant runs at the edge (within its memory) or in the DC");
}

}  // namespace

extern const SystemEntry infaas_system;
const SystemEntry infaas_system{
    "infaas",
    "INFaaS-style: the cheapest variant meeting the tier and deadline at the edge (LRU memory), else in the DC",
    {.cascade = false},
    validate,
    [](SystemKind kind, const PolicyConfig& c) -> std::unique_ptr<ServingPolicy> { return std::make_unique<Infaas>(kind, c); }};
const SystemKind SystemKind::infaas{infaas_system};

}  // namespace cs::serving

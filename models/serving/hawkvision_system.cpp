// HawkVision: a confidence cascade from a pinned edge model to a DC model.
#include "serving/policy_base.hpp"

namespace cs::serving {
namespace {

using namespace detail;

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

// What this system needs of the config beyond validate_common.
void validate(SystemKind kind, const PolicyConfig& c) {
  if (c.tier_threshold.size() != c.tier_accuracy.size())
    fail(kind, "needs one confidence threshold per tier (" + std::to_string(c.tier_accuracy.size()) + " tiers, " +
                   std::to_string(c.tier_threshold.size()) + " thresholds)");
  if (!runs_at_edge(c.pool[std::size_t(c.edge_model)]))
    fail(kind, "edge model '" + c.pool[std::size_t(c.edge_model)].name + "' cannot run at the edge");
  if (!offered_in_dc(c.pool[std::size_t(c.dc_model)]))
    fail(kind, "DC model '" + c.pool[std::size_t(c.dc_model)].name + "' is not offered in the DC");
}

}  // namespace

extern const SystemEntry hawkvision_system;
const SystemEntry hawkvision_system{
    "hawkvision",
    "HawkVision: the edge model answers when its confidence reaches the tier's threshold, else the DC model",
    {.cascade = true},
    validate,
    [](SystemKind kind, const PolicyConfig& c) -> std::unique_ptr<ServingPolicy> { return std::make_unique<HawkVision>(kind, c); }};
const SystemKind SystemKind::hawkvision{hawkvision_system};

}  // namespace cs::serving

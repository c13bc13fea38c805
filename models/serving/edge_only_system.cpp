// Edge-only serving: the always-resident edge model answers everything.
#include "serving/policy_base.hpp"

namespace cs::serving {
namespace {

using namespace detail;

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

// What this system needs of the config beyond validate_common.
void validate(SystemKind kind, const PolicyConfig& c) {
  if (!runs_at_edge(c.pool[std::size_t(c.edge_model)]))
    fail(kind, "edge model '" + c.pool[std::size_t(c.edge_model)].name + "' cannot run at the edge");
}

}  // namespace

extern const SystemEntry edge_only_system;
const SystemEntry edge_only_system{
    "edge_only",
    "edge only: the edge model answers every request, whatever its tier",
    {.cascade = false},
    validate,
    [](SystemKind kind, const PolicyConfig& c) -> std::unique_ptr<ServingPolicy> { return std::make_unique<EdgeOnly>(kind, c); }};
const SystemKind SystemKind::edge_only{edge_only_system};

}  // namespace cs::serving

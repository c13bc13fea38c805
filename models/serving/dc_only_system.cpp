// DC-only serving: every frame crosses the WAN.
#include "serving/policy_base.hpp"

namespace cs::serving {
namespace {

using namespace detail;

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

// What this system needs of the config beyond validate_common.
void validate(SystemKind kind, const PolicyConfig& c) {
  bool any = false;
  for (const VariantProfile& v : c.pool) any = any || offered_in_dc(v);
  if (!any) fail(kind, "no variant is offered in the DC");
}

}  // namespace

extern const SystemEntry dc_only_system;
const SystemEntry dc_only_system{
    "dc_only",
    "DC only: every request goes to the cheapest DC variant meeting its tier",
    {.cascade = false},
    validate,
    [](SystemKind kind, const PolicyConfig& c) -> std::unique_ptr<ServingPolicy> { return std::make_unique<DcOnly>(kind, c); }};
const SystemKind SystemKind::dc_only{dc_only_system};

}  // namespace cs::serving

#include "ina/policy_registry.hpp"

namespace cs::ina {

// The registered policies, one line each, in the order listings show them. A policy's file
// defines `const PolicyEntry <id>_policy` in cs::ina; listing its id here declares and
// registers it. The first is the default of `/policies/switch_allocation`.
#define CS_INA_POLICIES(X) \
  X(esa)                   \
  X(atp)                   \
  X(switchml)

#define CS_DECLARE(id) extern const PolicyEntry id##_policy;
CS_INA_POLICIES(CS_DECLARE)
#undef CS_DECLARE

const Registry<PolicyEntry>& policies() {
#define CS_LIST(id) &id##_policy,
  static const Registry<PolicyEntry> registry("switch allocation policy", {CS_INA_POLICIES(CS_LIST)});
#undef CS_LIST
  return registry;
}

const PolicyEntry& default_policy() { return *policies().entries().front(); }

std::unique_ptr<AggregationPolicy> make_policy(std::string_view name, const SwitchMemory& memory) {
  return policies().at(name).make(memory);
}

}  // namespace cs::ina

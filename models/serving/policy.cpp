// The serving systems' registry and the factory every caller goes through. The systems
// themselves are one file each (hawkvision_system.cpp, ...); policy_base.hpp holds what they share.
#include "serving/policy.hpp"

#include "serving/policy_base.hpp"

namespace cs::serving {

// The registered systems, one line each, in the order listings show them. A system's file
// defines `const SystemEntry <id>_system` in cs::serving; listing its id here declares and
// registers it.
#define CS_SERVING_SYSTEMS(X) \
  X(hawkvision)               \
  X(infaas)                   \
  X(dc_only)                  \
  X(edge_only)

#define CS_DECLARE(id) extern const SystemEntry id##_system;
CS_SERVING_SYSTEMS(CS_DECLARE)
#undef CS_DECLARE

const Registry<SystemEntry>& systems() {
#define CS_LIST(id) &id##_system,
  static const Registry<SystemEntry> registry("serving system", {CS_SERVING_SYSTEMS(CS_LIST)});
#undef CS_LIST
  return registry;
}

std::string_view system_name(SystemKind s) { return s->name; }

std::unique_ptr<ServingPolicy> make_policy(SystemKind kind, const PolicyConfig& config) {
  detail::validate_common(kind, config);
  kind->validate(kind, config);
  return kind->make(kind, config);
}

}  // namespace cs::serving

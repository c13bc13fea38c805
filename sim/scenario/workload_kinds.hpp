#pragma once
// The workload kinds a scenario may hold, by name: each parses its part of the scenario into a
// WorkloadSpec. Adding a kind: one file with its parse function, one line in workload_kinds.cpp,
// and its runner (sim/run/workload_runners.cpp: the run side needs SimGrid, this side must not).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/registry.hpp"
#include "json_node.hpp"
#include "scenario.hpp"

namespace cs {

// What a kind's parser is given.
struct WorkloadInput {
  const JsonNode& node;      // the workload's object
  const JsonNode& root;      // the scenario, for messages about other parts
  const JsonNode& policies;  // top-level "policies" (an empty object when absent)
  PlatformSpec& platform;    // a kind may set host power from its device profiles
  std::uint64_t seed;
  const std::string& base_dir;  // relative paths in the workload are relative to this
};

struct ParsedWorkload {
  std::shared_ptr<const WorkloadBody> body;
  std::vector<HostClaim> claims;
};

struct WorkloadKind {
  std::string_view name;
  std::string_view description;
  ParsedWorkload (*parse)(const WorkloadInput& in);
};

const Registry<WorkloadKind>& workload_kinds();

// The kinds (one file each).
ParsedWorkload parse_training_kind(const WorkloadInput& in);
ParsedWorkload parse_inference_kind(const WorkloadInput& in);

}  // namespace cs

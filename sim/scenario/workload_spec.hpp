#pragma once
// One workload of a scenario: its name, its kind, what the kind parsed, and the hosts it runs
// on. A scenario holds one or several (top-level "workloads"; "workload" is a list of one).
#include <memory>
#include <string>
#include <vector>

namespace cs {

// What a workload kind parsed (TrainingWorkload, InferenceWorkload, ...). Immutable once
// parsed, so scenarios copy it by sharing.
struct WorkloadBody {
  virtual ~WorkloadBody() = default;
};

// A host a workload runs on, in a role ("worker", "dc_server", ...). An exclusive claim is one
// no other workload may share (load_scenario rejects the scenario, naming both).
struct HostClaim {
  std::string host;
  std::string role;
  bool exclusive;
};

struct WorkloadSpec {
  std::string name;  // unique in the scenario; with several workloads, the prefix of its metrics
  std::string kind;  // a registered kind (workload_kinds.hpp)
  std::shared_ptr<const WorkloadBody> body;
  std::vector<HostClaim> claims;

  template <class T>
  const T& as() const {
    return dynamic_cast<const T&>(*body);
  }
};

}  // namespace cs

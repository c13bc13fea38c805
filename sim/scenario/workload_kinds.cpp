#include "workload_kinds.hpp"

namespace cs {

namespace {

constexpr WorkloadKind training{"training",
                                "data-parallel training jobs: PS, ring all-reduce or in-network aggregation, optionally "
                                "compressed (THC) and scheduled on switch memory (ESA, ATP, SwitchML)",
                                parse_training_kind};
constexpr WorkloadKind inference{"inference",
                                 "edge video inference: cameras, edge devices and DC servers under a serving system "
                                 "(HawkVision, INFaaS, DC-only, edge-only)",
                                 parse_inference_kind};

}  // namespace

const Registry<WorkloadKind>& workload_kinds() {
  static const Registry<WorkloadKind> registry("workload kind", {&training, &inference});
  return registry;
}

}  // namespace cs

#include "workload_kinds.hpp"

#include <array>

namespace cs {

namespace {

constexpr std::array kinds{
    WorkloadKind{"training", "data-parallel training jobs: PS, ring all-reduce or in-network aggregation, "
                             "optionally compressed (THC) and scheduled on switch memory (ESA, ATP, SwitchML)",
                 parse_training_kind},
    WorkloadKind{"inference", "edge video inference: cameras, edge devices and DC servers under a serving system "
                              "(HawkVision, INFaaS, DC-only, edge-only)",
                 parse_inference_kind},
};

constexpr auto names = [] {
  std::array<std::string_view, kinds.size()> n{};
  for (size_t i = 0; i < kinds.size(); ++i) n[i] = kinds[i].name;
  return n;
}();

}  // namespace

std::span<const WorkloadKind> workload_kinds() { return kinds; }
std::span<const std::string_view> workload_kind_names() { return names; }

const WorkloadKind* find_workload_kind(std::string_view name) {
  for (const auto& k : kinds)
    if (k.name == name) return &k;
  return nullptr;
}

}  // namespace cs

#include "run/workload_run.hpp"

#include <array>

namespace cs {

namespace {

constexpr std::array runners{
    WorkloadRunner{"training", launch_training_workload},
    WorkloadRunner{"inference", launch_inference_workload},
};

}  // namespace

std::span<const WorkloadRunner> workload_runners() { return runners; }

const WorkloadRunner* find_workload_runner(std::string_view kind) {
  for (const auto& r : runners)
    if (r.kind == kind) return &r;
  return nullptr;
}

}  // namespace cs

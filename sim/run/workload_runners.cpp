#include "run/workload_run.hpp"

namespace cs {

namespace {

constexpr WorkloadRunner training{"training", launch_training_workload};
constexpr WorkloadRunner inference{"inference", launch_inference_workload};

}  // namespace

const Registry<WorkloadRunner>& workload_runners() {
  static const Registry<WorkloadRunner> registry("workload runner", {&training, &inference});
  return registry;
}

}  // namespace cs

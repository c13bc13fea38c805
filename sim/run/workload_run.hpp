#pragma once
// A workload inside a running simulation: launched before the engine runs, asked for its
// progress while it runs and for its report once it stopped. run_simulation composes any
// number of them on one platform and knows none by kind.
#include <memory>
#include <nlohmann/json.hpp>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry.hpp"
#include "output/table.hpp"
#include "run/context.hpp"

namespace cs {

struct WorkloadReport {
  nlohmann::json metrics = nlohmann::json::object();  // numbers only, snake_case with unit suffixes
  nlohmann::json info = nlohmann::json::object();     // strings: which system, models, profiles
  std::vector<Table> tables;
  unsigned long long packets = 0;  // packets decided one by one (INA switches)
  // What `clustersim run` prints for this workload: metric names (as in `metrics`), the one its
  // research question is judged by first. A name the run did not produce prints as n/a.
  std::vector<std::string> headline;
};

// Those of `names` that `metrics` holds, in order (a headline lists only what the run measured).
inline std::vector<std::string> present(const nlohmann::json& metrics, std::initializer_list<std::string_view> names) {
  std::vector<std::string> out;
  for (auto n : names)
    if (metrics.contains(std::string(n))) out.emplace_back(n);
  return out;
}

class WorkloadRun {
 public:
  virtual ~WorkloadRun() = default;
  // The share of the workload done at simulated time `now`, in [0, 1].
  virtual double progress(double now) const = 0;
  // After the engine stopped at `duration_s`.
  virtual void report(double duration_s, WorkloadReport& out) = 0;
};

struct WorkloadRunner {
  std::string_view name;  // the kind, as in workload_kinds()
  // Starts the workload's actors; the spec and the context outlive the run.
  std::unique_ptr<WorkloadRun> (*launch)(RunContext& ctx, const WorkloadSpec& spec);
};

const Registry<WorkloadRunner>& workload_runners();

// The runners (one file each).
std::unique_ptr<WorkloadRun> launch_training_workload(RunContext& ctx, const WorkloadSpec& spec);
std::unique_ptr<WorkloadRun> launch_inference_workload(RunContext& ctx, const WorkloadSpec& spec);

}  // namespace cs

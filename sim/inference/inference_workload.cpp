// The "inference" workload in a run: cameras, edge devices and DC servers, and their reports.
#include <cmath>

#include "inference/inference_run.hpp"
#include "run/workload_run.hpp"

namespace cs {
namespace {

class InferenceRun final : public WorkloadRun {
 public:
  InferenceRun(RunContext& ctx, const WorkloadSpec& spec)
      : ctx_(ctx), workload_(spec.as<InferenceWorkload>()), state_(workload_) {
    inference::launch_inference(ctx_, state_);
  }

  double progress(double now) const override {
    const double horizon = ctx_.scenario.until_s > 0 ? ctx_.scenario.until_s : workload_.duration_s;
    return std::isfinite(horizon) ? std::min(1.0, now / horizon) : 0.0;
  }

  void report(double duration, WorkloadReport& out) override {
    out.metrics = inference::inference_metrics(state_, duration);
    out.info["system"] = std::string(serving::system_name(workload_.system));
    out.info["models"] = workload_.outcomes->describe();
    out.info["profiles"] = workload_.profiles_note;
    out.tables.push_back(inference::tiers_table(state_));
    out.tables.push_back(inference::devices_table(state_, duration));
    out.tables.push_back(inference::variants_table(state_));
    if (workload_.requests_csv) out.tables.push_back(inference::requests_table(state_));
    // Tail latency and the tiers' service levels first: what HawkVision is judged by.
    out.headline = present(out.metrics, {"latency_p99_s", "latency_mean_s", "share_tier_met", "share_deadline_met",
                                         "tiers_accuracy_met", "tiers", "accuracy", "share_at_edge", "throughput_rps",
                                         "edge_power_mean_w"});
  }

 private:
  RunContext& ctx_;
  const InferenceWorkload& workload_;
  inference::InferenceState state_;
};

}  // namespace

std::unique_ptr<WorkloadRun> launch_inference_workload(RunContext& ctx, const WorkloadSpec& spec) {
  return std::make_unique<InferenceRun>(ctx, spec);
}

}  // namespace cs

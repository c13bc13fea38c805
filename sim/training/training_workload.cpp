// The "training" workload in a run: its jobs' actors (or the analytical model), their reports.
#include <optional>

#include "ina/ina_report.hpp"
#include "ina/ina_run.hpp"
#include "run/workload_run.hpp"
#include "training/analytical_error.hpp"
#include "training/analytical_run.hpp"
#include "training/data_parallel.hpp"
#include "training/fast_forward.hpp"
#include "training/training_state.hpp"

namespace cs {
namespace {

class TrainingRun final : public WorkloadRun {
 public:
  TrainingRun(RunContext& ctx, const WorkloadSpec& spec)
      : ctx_(ctx),
        workload_(spec.as<TrainingWorkload>()),
        // Mailboxes are named per workload when there are several (two may both have a job 0).
        state_(workload_, ctx.scenario.workloads.size() > 1 ? spec.name + "/" : ""),
        fast_forward_(ctx, state_) {
    attach_compression(ctx_, state_);
    if (fast_forward_.enabled()) state_.fast_forward = &fast_forward_;
    if (ctx_.scenario.fidelity == Fidelity::analytical) {
      model_ = run_analytical(ctx_, state_);
    } else {
      if (workload_.uses_ina()) ina_ = std::make_unique<ina_sim::InaRun>(ctx_, state_, workload_.ina);
      launch_training(ctx_, state_, ina_.get());
    }
  }

  double progress(double now) const override {
    const double done = state_.jobs_finished / double(workload_.jobs.size());
    return ctx_.scenario.until_s > 0 ? std::max(now / ctx_.scenario.until_s, done) : done;
  }

  void report(double duration, WorkloadReport& out) override {
    const Scenario& scenario = ctx_.scenario;
    out.metrics = training_metrics(state_);
    if (scenario.fidelity == Fidelity::fast_forward) {
      // Counted once per job (its first worker's iterations); 0 skipped where it could not prove periodicity.
      const auto total = (long long)state_.iterations.size();
      out.metrics["iterations_simulated"] = total - fast_forward_.skipped();
      out.metrics["iterations_skipped"] = fast_forward_.skipped();
    }
    if (model_) {
      out.metrics["analytical_phases"] = model_->phases;
      out.metrics["analytical_solves"] = model_->solves;
      // The JCT error measured for this kind of mix (docs/fidelity.md); none for topologies not measured.
      if (auto e = expected_error(scenario.platform.topology.kind, aggregation_group(workload_))) {
        out.metrics["expected_jct_error_mean"] = e->mean_abs;
        out.metrics["expected_jct_error_bias"] = e->bias;
        out.metrics["expected_jct_error_worst"] = e->worst_abs;
      }
    }
    out.tables.push_back(jobs_table(state_));
    out.metrics.update(compression_metrics(state_));
    if (reports_compression(state_)) {
      out.tables.push_back(compression_jobs_table(state_));
      out.tables.push_back(rounds_table(state_));
      if (workload_.learning) out.tables.push_back(accuracy_table(state_));
    }
    if (scenario.outputs.iterations_csv) out.tables.push_back(iterations_table(state_));
    if (ina_) {
      for (auto& sw : ina_->switches) sw->memory.advance(duration, sw->policy->occupied(), sw->policy->partials());
      out.metrics.update(ina_sim::ina_metrics(*ina_, duration));
      out.tables.push_back(ina_sim::ina_jobs_table(*ina_));
      out.tables.push_back(ina_sim::switches_table(*ina_, duration));
      out.packets = ina_->switch_packets();
    }
    out.headline = headline(out.metrics);
  }

 private:
  RunContext& ctx_;
  const TrainingWorkload& workload_;
  TrainingState state_;
  FastForward fast_forward_;
  std::unique_ptr<ina_sim::InaRun> ina_;
  std::optional<analytical::Result> model_;

  // Time to accuracy first when the jobs learn (THC's paper metric: a scheme's shorter JCT
  // means little if it needs more rounds); the job completion times otherwise.
  static std::vector<std::string> headline(const nlohmann::json& metrics) {
    std::vector<std::string> h;
    // Listed even when absent (not every job reached the target), so that absence shows.
    if (metrics.contains("final_accuracy_mean")) h = {"time_to_accuracy_mean_s", "jobs_reaching_target", "final_accuracy_mean"};
    for (auto& n : present(metrics, {"jobs_completed", "jct_mean_s", "jct_p99_s", "makespan_s", "iteration_time_mean_s",
                                     "vnmse_mean", "bytes_up_per_round", "ina_switch_aggregated_share",
                                     "switch_occupancy_mean", "expected_jct_error_mean"}))
      h.push_back(std::move(n));
    return h;
  }
};

}  // namespace

std::unique_ptr<WorkloadRun> launch_training_workload(RunContext& ctx, const WorkloadSpec& spec) {
  return std::make_unique<TrainingRun>(ctx, spec);
}

}  // namespace cs

#include "simulation.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>
#include <simgrid/kernel/resource/Action.hpp>
#include <simgrid/plugins/energy.h>
#include <xbt/log.h>

#include "platform/build.hpp"
#include "run/context.hpp"
#include "run/engine.hpp"
#include "ina/ina_report.hpp"
#include "ina/ina_run.hpp"
#include "inference/inference_run.hpp"
#include "training/data_parallel.hpp"
#include "training/analytical_error.hpp"
#include "training/analytical_run.hpp"
#include "training/fast_forward.hpp"

namespace cs {
namespace {

Table links_table(const RunContext& ctx, double duration) {
  Table t{"links", {"link", "from", "to", "bandwidth_bps", "latency_s", "bytes", "utilization"}, {}};
  const Topology& topo = ctx.scenario.platform.topology;
  for (size_t i = 0; i < topo.links.size(); ++i) {
    const auto& l = topo.links[i];
    const std::string& a = topo.nodes[l.a].name;
    const std::string& b = topo.nodes[l.b].name;
    auto* sd = ctx.platform.links[i];
    for (auto [link, from, to] : {std::tuple{sd->get_link_up(), a, b}, std::tuple{sd->get_link_down(), b, a}}) {
      double bytes = ctx.traffic.bytes_on(link);
      double utilization = duration > 0 ? bytes * 8.0 / (l.spec.bandwidth_bps * duration) : 0.0;
      t.add(link->get_name(), from, to, l.spec.bandwidth_bps, l.spec.latency_s, bytes, utilization);
    }
  }
  return t;
}

Table hosts_table(const RunContext& ctx, double duration, double& total_energy) {
  Table t{"hosts", {"host", "role", "speed_flops", "cores", "energy_j", "power_mean_w"}, {}};
  const Topology& topo = ctx.scenario.platform.topology;
  total_energy = 0;
  for (size_t i = 0; i < topo.nodes.size(); ++i) {
    double energy = ctx.platform.energy ? sg_host_get_consumed_energy(ctx.platform.hosts[i]) : 0.0;
    // SimGrid's energy plugin: idle + (busy - idle) x (cores in use / cores).
    if (ctx.platform.energy && i < ctx.unsimulated_core_s.size() && topo.nodes[i].host.idle_w)
      energy += (*topo.nodes[i].host.busy_w - *topo.nodes[i].host.idle_w) * ctx.unsimulated_core_s[i] / topo.nodes[i].host.cores;
    total_energy += energy;
    t.add(topo.nodes[i].name, role_name(topo.nodes[i].role), topo.nodes[i].host.speed_flops, topo.nodes[i].host.cores,
          energy, duration > 0 ? energy / duration : 0.0);
  }
  return t;
}

// The timeline of the running simulation. SimGrid's signals are process-wide and cannot be
// disconnected, so the one callback reaches the current run through this pointer.
RunTrace* active_trace = nullptr;

// A transfer's span ends when the network completes it. SimGrid reports that as the state
// change of its network action, whose activity is the kernel side of the sender's CommPtr.
void relay_transfer_completions() {
  static bool connected = false;
  if (connected) return;
  connected = true;
  using simgrid::kernel::resource::Action;
  sg4::Link::on_communication_state_change_cb([](simgrid::kernel::resource::NetworkAction& network_action, Action::State) {
    if (!active_trace) return;
    // NetworkAction's definition is not installed; it derives from Action alone, at offset 0.
    const auto& action = reinterpret_cast<const Action&>(network_action);
    const Action::State state = action.get_state();
    if (state == Action::State::FINISHED || state == Action::State::FAILED)
      active_trace->transfer_ended(action.get_activity(), action.get_finish_time(), state == Action::State::FINISHED);
  });
}

// "host4 (compute: server)": the topology's role, and what the workload runs there.
std::string process_label(const Scenario& s, const TopologyNode& node) {
  bool worker = false, server = false, aggregation = false;
  for (const auto& j : s.training.jobs) {
    worker |= std::find(j.workers.begin(), j.workers.end(), node.name) != j.workers.end();
    server |= std::find(j.servers.begin(), j.servers.end(), node.name) != j.servers.end();
    aggregation |= j.aggregation == AggregationKind::in_network && j.aggregation_switch == node.name;
  }
  std::string roles;
  for (auto [on, role] : {std::pair{worker, "worker"}, {server, "server"}, {aggregation, "aggregation"}})
    if (on) roles += (roles.empty() ? ": " : ", ") + std::string(role);
  return fmt::format("{} ({}{})", node.name, role_name(node.role), roles);
}


void run_training_workload(RunContext& ctx, sg4::Engine& engine, const ProgressCallback& progress, RunOutput& out) {
  const Scenario& scenario = ctx.scenario;
  TrainingState training(scenario.training);
  attach_compression(ctx, training);
  FastForward fast_forward(ctx, training);
  if (fast_forward.enabled()) training.fast_forward = &fast_forward;
  std::unique_ptr<ina_sim::InaRun> ina;
  std::optional<analytical::Result> model;
  if (scenario.fidelity == Fidelity::analytical) {
    model = run_analytical(ctx, training);
  } else {
    if (scenario.training.uses_ina()) ina = std::make_unique<ina_sim::InaRun>(ctx, training, scenario.training.ina);
    launch_training(ctx, training, ina.get());
  }

  if (progress) {
    const double total = double(scenario.training.jobs.size());
    sg4::Engine::on_time_advance_cb([&](double) {
      double now = sg4::Engine::get_clock();
      double fraction = scenario.until_s > 0 ? std::max(now / scenario.until_s, training.jobs_finished / total)
                                             : training.jobs_finished / total;
      progress(now, fraction);
    });
  }
  run_engine(engine, scenario);
  const double duration = sg4::Engine::get_clock();
  out.metrics = training_metrics(training);
  if (scenario.fidelity == Fidelity::fast_forward) {
    // Counted once per job (its first worker's iterations); 0 skipped where it could not prove periodicity.
    const auto total = (long long)training.iterations.size();
    out.metrics["iterations_simulated"] = total - fast_forward.skipped();
    out.metrics["iterations_skipped"] = fast_forward.skipped();
  }
  if (model) {
    out.metrics["analytical_phases"] = model->phases;
    out.metrics["analytical_solves"] = model->solves;
    // The JCT error measured for this kind of mix (docs/fidelity.md); none for topologies not measured.
    if (auto e = expected_error(scenario.platform.topology.kind, aggregation_group(scenario.training))) {
      out.metrics["expected_jct_error_mean"] = e->mean_abs;
      out.metrics["expected_jct_error_bias"] = e->bias;
      out.metrics["expected_jct_error_worst"] = e->worst_abs;
    }
  }
  out.tables.push_back(jobs_table(training));
  out.metrics.update(compression_metrics(training));
  if (reports_compression(training)) {
    out.tables.push_back(compression_jobs_table(training));
    out.tables.push_back(rounds_table(training));
    if (scenario.training.learning) out.tables.push_back(accuracy_table(training));
  }
  if (scenario.outputs.iterations_csv) out.tables.push_back(iterations_table(training));
  if (ina) {
    for (auto& sw : ina->switches) sw->memory.advance(duration, sw->policy->occupied(), sw->policy->partials());
    out.metrics.update(ina_sim::ina_metrics(*ina, duration));
    out.tables.push_back(ina_sim::ina_jobs_table(*ina));
    out.tables.push_back(ina_sim::switches_table(*ina, duration));
    out.packets = ina->switch_packets();
  }
}

void run_inference_workload(RunContext& ctx, sg4::Engine& engine, const ProgressCallback& progress, RunOutput& out) {
  const Scenario& scenario = ctx.scenario;
  inference::InferenceState state(scenario.inference);
  inference::launch_inference(ctx, state);
  if (progress) {
    const double horizon = scenario.until_s > 0 ? scenario.until_s : scenario.inference.duration_s;
    sg4::Engine::on_time_advance_cb([&, horizon](double) {
      const double now = sg4::Engine::get_clock();
      progress(now, std::isfinite(horizon) ? std::min(1.0, now / horizon) : 0.0);
    });
  }
  run_engine(engine, scenario);
  const double duration = sg4::Engine::get_clock();
  out.metrics = inference::inference_metrics(state, duration);
  out.metrics["models"] = scenario.inference.outcomes->describe();
  out.metrics["profiles"] = scenario.inference.profiles_note;
  out.tables.push_back(inference::tiers_table(state));
  out.tables.push_back(inference::devices_table(state, duration));
  out.tables.push_back(inference::variants_table(state));
  if (scenario.inference.requests_csv) out.tables.push_back(inference::requests_table(state));
}

}  // namespace

RunOutput run_simulation(const Scenario& scenario, const ProgressCallback& progress, bool record_trace) {
  // Quiet SimGrid before it prints anything: one log line per event costs ~40% of run time.
  // Actors still running at `until` are expected, not worth SimGrid's exit warning.
  // SimGrid's own deadlock report (many lines) goes nowhere: run_engine reports it in one.
  char arg0[] = "clustersim", arg1[] = "--log=root.thres:warning", arg2[] = "--log=ker_engine.thres:critical",
       arg3[] = "--log=ker_engine.app:file:/dev/null", arg4[] = "--log=ker_engine.add:off",
       arg5[] = "--cfg=contexts/factory:thread";
#ifdef CLUSTERSIM_THREAD_CONTEXTS
  int argc = 6;  // a sanitizer build (see CMakeLists.txt)
#else
  int argc = 5;
#endif
  char* argv[] = {arg0, arg1, arg2, arg3, arg4, arg5, nullptr};
  argv[argc] = nullptr;
  sg4::Engine engine(&argc, argv);
  Platform platform = build_platform(scenario.platform);
  RunContext ctx{scenario, platform, {}, 0, {}, nullptr, {}};
  const Topology& topo = scenario.platform.topology;
  std::optional<TraceRecorder> recorder;
  std::optional<RunTrace> run_trace;
  struct Detach {
    ~Detach() { active_trace = nullptr; }
  } detach;
  if (record_trace || scenario.outputs.trace) {
    recorder.emplace(std::size_t(scenario.outputs.trace_max_events));
    for (const auto& node : topo.nodes) recorder->add_process(node.name, process_label(scenario, node));
    ctx.trace = active_trace = &run_trace.emplace(*recorder);
    relay_transfer_completions();
  }
  for (size_t i = 0; i < topo.links.size(); ++i)
    if (topo.links[i].spec.loss_rate > 0)
      for (const auto* l : {platform.links[i]->get_link_up(), platform.links[i]->get_link_down()})
        ctx.link_loss[l] = topo.links[i].spec.loss_rate;
  RunOutput out;
  if (scenario.workload_kind == "inference") run_inference_workload(ctx, engine, progress, out);
  else run_training_workload(ctx, engine, progress, out);
  const double duration = sg4::Engine::get_clock();
  double energy = 0;
  if (scenario.outputs.links_csv) out.tables.push_back(links_table(ctx, duration));
  Table hosts = hosts_table(ctx, duration, energy);
  if (scenario.outputs.hosts_csv) out.tables.push_back(std::move(hosts));
  out.metrics["simulated_time_s"] = duration;
  out.metrics["network_payload_bytes"] = ctx.traffic.payload_bytes();
  out.metrics["messages"] = ctx.traffic.messages();
  out.metrics["energy_j"] = energy;
  out.metrics["power_mean_w"] = duration > 0 ? energy / duration : 0.0;
  out.activities = ctx.traffic.messages() + ctx.executions;
  if (recorder) {
    recorder->note("scenario", scenario.name);
    recorder->note("seed", double(scenario.seed));
    recorder->note("simulated_time_s", duration);
    // Cut by `until`: spans still open then are left out.
    if (run_trace->unfinished_transfers()) recorder->note("unfinished_transfers", double(run_trace->unfinished_transfers()));
    out.trace = recorder->to_json();
  }
  return out;
}

}  // namespace cs

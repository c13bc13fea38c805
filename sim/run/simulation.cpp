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
#include "run/workload_run.hpp"

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

// The running simulation's context, for SimGrid's signals: they are process-wide and cannot be
// disconnected, so the one callback reaches the current run through this pointer.
RunContext* active_run = nullptr;

// A transfer ends when the network completes it. SimGrid reports that as the state change of
// its network action, whose activity is the kernel side of the sender's CommPtr: the timeline
// closes its span, and the traffic counter stops holding it as in flight.
void relay_transfer_completions() {
  static bool connected = false;
  if (connected) return;
  connected = true;
  using simgrid::kernel::resource::Action;
  sg4::Link::on_communication_state_change_cb([](simgrid::kernel::resource::NetworkAction& network_action, Action::State) {
    if (!active_run) return;
    // NetworkAction's definition is not installed; it derives from Action alone, at offset 0.
    const auto& action = reinterpret_cast<const Action&>(network_action);
    const Action::State state = action.get_state();
    if (state != Action::State::FINISHED && state != Action::State::FAILED) return;
    if (state == Action::State::FINISHED) active_run->traffic.ended(action.get_activity(), action.get_finish_time());
    if (active_run->trace)
      active_run->trace->transfer_ended(action.get_activity(), action.get_finish_time(), state == Action::State::FINISHED);
  });
}

// "host4 (compute: server)": the topology's role, and what the workloads run there.
std::string process_label(const Scenario& s, const TopologyNode& node) {
  std::vector<std::string_view> roles;
  for (const auto& w : s.workloads)
    for (const auto& c : w.claims)
      if (c.host == node.name && std::find(roles.begin(), roles.end(), c.role) == roles.end()) roles.push_back(c.role);
  std::string label = fmt::format("{} ({}", node.name, role_name(node.role));
  for (size_t i = 0; i < roles.size(); ++i) label += fmt::format("{}{}", i == 0 ? ": " : ", ", roles[i]);
  return label + ")";
}

// One workload's report into the run's: under today's names when it runs alone, under
// "<name>/" (metrics, info) and "<name>." (files) beside others.
void merge_report(const WorkloadSpec& spec, bool alone, WorkloadReport&& r, RunOutput& out) {
  out.packets += r.packets;
  Headline& h = out.headlines.emplace_back(Headline{spec.name, std::string(spec.kind), {}});
  for (auto& m : r.headline) h.metrics.push_back(alone ? std::move(m) : spec.name + "/" + m);
  if (alone) {
    out.metrics = std::move(r.metrics);
    out.info = std::move(r.info);
  } else {
    for (auto& [key, value] : r.metrics.items()) out.metrics[spec.name + "/" + key] = value;
    if (!r.info.empty()) out.info[spec.name] = std::move(r.info);
  }
  for (auto& t : r.tables) {
    if (!alone) t.name = spec.name + "." + t.name;
    out.tables.push_back(std::move(t));
  }
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
  RunContext ctx{scenario, platform, {}, 0, {}, nullptr, {}, {}};
  ctx.ports.init(platform, scenario.platform.ina_port_share);
  const Topology& topo = scenario.platform.topology;
  std::optional<TraceRecorder> recorder;
  std::optional<RunTrace> run_trace;
  struct Detach {
    ~Detach() { active_run = nullptr; }
  } detach;
  if (record_trace || scenario.outputs.trace) {
    recorder.emplace(std::size_t(scenario.outputs.trace_max_events));
    for (const auto& node : topo.nodes) recorder->add_process(node.name, process_label(scenario, node));
    ctx.trace = &run_trace.emplace(*recorder);
  }
  // Without `until` every transfer completes; with it, links count only what crossed by the cut.
  if (scenario.until_s > 0) ctx.traffic.track_in_flight();
  if (ctx.trace || scenario.until_s > 0) {
    active_run = &ctx;
    relay_transfer_completions();
  }
  for (size_t i = 0; i < topo.links.size(); ++i)
    if (topo.links[i].spec.loss_rate > 0)
      for (const auto* l : {platform.links[i]->get_link_up(), platform.links[i]->get_link_down()})
        ctx.link_loss[l] = topo.links[i].spec.loss_rate;
  std::vector<std::unique_ptr<WorkloadRun>> runs;
  for (const auto& w : scenario.workloads) runs.push_back(workload_runners().find(w.kind)->launch(ctx, w));
  if (progress)
    sg4::Engine::on_time_advance_cb([&](double) {
      const double now = sg4::Engine::get_clock();
      double done = 0;
      for (const auto& r : runs) done += r->progress(now);
      progress(now, done / double(runs.size()));
    });
  run_engine(engine, scenario, [&] { ctx.traffic.cut(); });
  RunOutput out;
  out.metrics = nlohmann::json::object();
  out.info = nlohmann::json::object();
  for (size_t i = 0; i < runs.size(); ++i) {
    WorkloadReport report;
    runs[i]->report(sg4::Engine::get_clock(), report);
    merge_report(scenario.workloads[i], runs.size() == 1, std::move(report), out);
  }
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
  out.run_headline = {"simulated_time_s", "network_payload_bytes", "energy_j"};
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

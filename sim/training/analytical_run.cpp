#include "training/analytical_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <xbt/config.hpp>

#include "ina/ina_run.hpp"
#include "platform/routes.hpp"

namespace cs {
namespace {

using analytical::Stage;

// Routes as channel lists: link i's "up" direction (a -> b) is channel 2i, "down" 2i + 1.
class Routes {
 public:
  // The route function SimGrid's zone uses (routes.hpp): trees and fabrics; every topology kind has one.
  Routes(const Topology& topo, analytical::Problem& p) : topo_(topo), p_(p), routes_(routes_of(topo)) {
    if (!routes_) throw std::logic_error("analytical fidelity: the topology has no route function");
  }
  std::uint32_t path(const std::string& from, const std::string& to) {
    const size_t a = *topo_.find(from), b = *topo_.find(to);
    auto [it, fresh] = ids_.try_emplace({a, b}, std::uint32_t(p_.paths.size()));
    if (fresh) {
      net::Path path;
      routes_->path(a, b, hops_);
      for (const auto& hop : hops_) path.forward.push_back(std::uint32_t(2 * hop.link + (hop.up ? 0 : 1)));
      routes_->path(b, a, hops_);
      for (const auto& hop : hops_) path.backward.push_back(std::uint32_t(2 * hop.link + (hop.up ? 0 : 1)));
      p_.paths.push_back(std::move(path));
      ends_.push_back({a, b});
    }
    return it->second;
  }
  // Path id -> (from, to) node.
  const std::vector<std::pair<size_t, size_t>>& ends() const { return ends_; }

 private:
  const Topology& topo_;
  analytical::Problem& p_;
  std::unique_ptr<RouteFunction> routes_;
  std::vector<RouteHop> hops_;
  std::map<std::pair<size_t, size_t>, std::uint32_t> ids_;
  std::vector<std::pair<size_t, size_t>> ends_;
};

Stage compute(double seconds, std::vector<std::uint32_t> hosts) {
  Stage s;
  s.seconds = seconds;
  s.hosts = std::move(hosts);
  return s;
}

Stage transfers(Stage::Kind kind, std::vector<net::Transfer> t, long long repeat = 1) {
  Stage s;
  s.kind = kind;
  s.transfers = std::move(t);
  s.repeat = repeat;
  return s;
}

// The synchronous iteration waits for its slowest worker: compute_s (1 + j E[max of n U(-1,1)]).
double expected_compute_s(const JobSpec& j) {
  const double n = double(j.workers.size());
  return j.compute_s * (1 + j.compute_jitter * (n - 1) / (n + 1));
}

// The analytical model's rule for sharing a switch's slots, as the policy's traits state it.
analytical::MemoryPolicy memory_policy(ina::AnalyticalSharing s) {
  switch (s) {
    case ina::AnalyticalSharing::pools: return analytical::MemoryPolicy::pools;
    case ina::AnalyticalSharing::fair_share: return analytical::MemoryPolicy::fair_share;
    case ina::AnalyticalSharing::priority: return analytical::MemoryPolicy::priority;
  }
  return analytical::MemoryPolicy::priority;
}

}  // namespace

analytical::Problem analytical_problem(const RunContext& ctx, const TrainingState& state,
                                       std::vector<std::pair<size_t, size_t>>* path_ends) {
  const Scenario& s = ctx.scenario;
  const Topology& topo = s.platform.topology;
  analytical::Problem p;
  for (const auto& l : topo.links)
    for (int dir = 0; dir < 2; ++dir) p.channels.push_back({l.spec.bandwidth_bps / 8.0, l.spec.latency_s});
  // SimGrid's constants for the network model the platform set (network_cm02.cpp).
  namespace cfg = simgrid::config;
  p.network.latency_factor = cfg::get_value<double>("network/latency-factor");
  p.network.bandwidth_factor = cfg::get_value<double>("network/bandwidth-factor");
  p.network.weight_s = cfg::get_value<double>("network/weight-S");
  p.network.tcp_gamma_bytes = cfg::get_value<double>("network/TCP-gamma");
  p.network.crosstraffic = cfg::get_value<bool>("network/crosstraffic") ? 0.05 : 0.0;
  for (size_t i = 0; i < topo.links.size(); ++i) {
    const LinkSpec& l = topo.links[i].spec;
    // A change carries both quantities: each trace's value holds until its next point.
    std::vector<double> times;
    for (const auto& t : l.bandwidth_trace) times.push_back(t.time_s);
    for (const auto& t : l.latency_trace) times.push_back(t.time_s);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    auto value_at = [](const std::vector<TracePoint>& trace, double t, double fallback) {
      double v = fallback;
      for (const auto& pt : trace)
        if (pt.time_s <= t) v = pt.value;
      return v;
    };
    for (double t : times)
      for (int dir = 0; dir < 2; ++dir)
        p.changes.push_back({t, std::uint32_t(2 * i + dir), value_at(l.bandwidth_trace, t, l.bandwidth_bps) / 8.0,
                             value_at(l.latency_trace, t, l.latency_s)});
  }
  std::stable_sort(p.changes.begin(), p.changes.end(), [](const auto& a, const auto& b) { return a.time_s < b.time_s; });
  p.horizon_s = s.until_s;
  for (const auto& node : topo.nodes) p.host_cores.push_back(double(node.host.cores));
  auto host = [&](const std::string& name) { return std::uint32_t(*topo.find(name)); };

  Routes routes(topo, p);
  const InaSpec& ina = state.workload.ina;
  std::map<std::string, int> switch_index;
  for (size_t j = 0; j < state.workload.jobs.size(); ++j) {
    const JobSpec& spec = state.workload.jobs[j];
    const CompressedJob* c = state.compressed.empty() ? nullptr : state.compressed[j].get();
    analytical::Job job;
    job.arrival_s = spec.arrival_s;
    job.iterations = spec.iterations;
    const size_t n = spec.workers.size();
    std::vector<std::uint32_t> workers;
    for (const auto& w : spec.workers) workers.push_back(host(w));
    job.stages.push_back(compute(expected_compute_s(spec), workers));
    auto agreement = [&](const std::string& server) {
      if (!c || c->agreement_bytes() <= 0) return;
      std::vector<net::Transfer> up, down;
      for (const auto& w : spec.workers) up.push_back({routes.path(w, server), c->agreement_bytes()});
      for (const auto& w : spec.workers) down.push_back({routes.path(server, w), c->agreement_bytes()});
      // The service takes the workers' scales one at a time, then answers all at once.
      job.stages.push_back(transfers(Stage::Kind::one_by_one, std::move(up)));
      job.stages.push_back(transfers(Stage::Kind::together, std::move(down)));
    };
    switch (spec.aggregation) {
      case AggregationKind::ring_allreduce: {
        std::vector<net::Transfer> step;
        for (size_t r = 0; r < n; ++r)
          step.push_back({routes.path(spec.workers[r], spec.workers[(r + 1) % n]), spec.gradient_bytes / double(n)});
        if (n > 1) job.stages.push_back(transfers(Stage::Kind::together, std::move(step), 2 * (long long)(n - 1)));
        break;
      }
      case AggregationKind::parameter_server: {
        const double shards = double(spec.servers.size());
        agreement(spec.servers.front());
        if (c) job.stages.push_back(compute(c->encode_s(), workers));
        std::vector<net::Transfer> up, down;
        for (const auto& w : spec.workers)
          for (const auto& srv : spec.servers) up.push_back({routes.path(w, srv), (c ? c->bytes_up() : spec.gradient_bytes) / shards});
        for (const auto& srv : spec.servers)
          for (const auto& w : spec.workers) down.push_back({routes.path(srv, w), (c ? c->bytes_down() : spec.gradient_bytes) / shards});
        job.stages.push_back(transfers(Stage::Kind::together, std::move(up)));
        std::vector<std::uint32_t> servers;
        for (const auto& srv : spec.servers) servers.push_back(host(srv));
        if (c) job.stages.push_back(compute(c->aggregation_s(c->coordinates() / shards, double(n)), servers));
        job.stages.push_back(transfers(Stage::Kind::together, std::move(down)));
        if (c) job.stages.push_back(compute(c->decode_s(), workers));
        break;
      }
      case AggregationKind::in_network: {
        agreement(spec.servers.front());
        if (c) job.stages.push_back(compute(c->encode_s(), workers));
        const ina_sim::PacketPlan plan = ina_sim::packet_plan(ina, spec, c);
        auto [it, fresh] = switch_index.try_emplace(spec.aggregation_switch, int(p.switches.size()));
        if (fresh) {
          analytical::Switch sw;
          sw.policy = memory_policy(ina.policy->traits.analytical_sharing);
          // A slot holds one fragment in flight: one aggregator under ATP and ESA, two under
          // SwitchML (its shadow copy), whose pools are switchml_pool aggregators each.
          const double per_slot = ina.policy->traits.aggregators_per_slot;
          sw.slots = ina.aggregators / per_slot;
          sw.per_job_slots = ina.aggregators_per_job;
          sw.pool_slots = ina.switchml_pool / per_slot;
          p.switches.push_back(sw);
        }
        std::vector<net::Transfer> stream;
        // A packet's trip: latencies, and its time on each link it crosses.
        auto trip = [&](std::uint32_t path, double bytes) {
          double t = 0;
          for (auto ch : p.paths[path].forward) t += p.channels[ch].latency_s * p.network.latency_factor + bytes / p.channels[ch].capacity_Bps;
          return t;
        };
        // ATP and ESA send each complete sum to the job's PS, which returns it through the switch
        // to the workers; SwitchML's switch multicasts it back itself.
        double via_ps = 0;
        if (!ina.policy->traits.multicasts_results) {
          const std::uint32_t to_ps = routes.path(spec.aggregation_switch, spec.servers.front());
          const std::uint32_t from_ps = routes.path(spec.servers.front(), spec.aggregation_switch);
          stream.push_back({to_ps, double(plan.fragments) * plan.down_packet_bytes});
          stream.push_back({from_ps, double(plan.fragments) * plan.down_packet_bytes});
          via_ps = trip(to_ps, plan.down_packet_bytes) + trip(from_ps, plan.down_packet_bytes);
        }
        double rtt = 0;  // a slot is busy for the slowest worker's round trip
        for (const auto& w : spec.workers) {
          const std::uint32_t up = routes.path(w, spec.aggregation_switch), down = routes.path(spec.aggregation_switch, w);
          stream.push_back({up, double(plan.fragments) * plan.up_packet_bytes});
          stream.push_back({down, double(plan.fragments) * plan.down_packet_bytes});
          rtt = std::max(rtt, trip(up, plan.up_packet_bytes) + via_ps + trip(down, plan.down_packet_bytes));
        }
        // Each worker's window caps what its job can use of the switch.
        for (auto& t : stream) t.bound_Bps = ina.window_max * plan.up_packet_bytes / rtt;
        Stage st = transfers(Stage::Kind::together, std::move(stream));
        st.slot_bound = true;
        job.stages.push_back(std::move(st));
        if (c) job.stages.push_back(compute(c->decode_s(), workers));
        job.ina.switch_index = it->second;
        job.ina.demand_slots = ina.window_max;
        job.ina.Bps_per_slot = plan.up_packet_bytes / rtt;
        // ATP and ESA send what finds no aggregator to the PS, which sums every worker's packet
        // in software (ps_packet_cost each) and receives all of them on its link; SwitchML
        // does so only with its host path.
        if (!ina.policy->traits.pools_per_job || ina.switchml_host_path) {
          double ps_link = std::numeric_limits<double>::infinity();
          for (auto ch : p.paths[routes.path(spec.aggregation_switch, spec.servers.front())].forward)
            ps_link = std::min(ps_link, p.channels[ch].capacity_Bps);
          job.ina.fallback_Bps = std::min({ps_link / double(n), plan.up_packet_bytes / (double(n) * ina.ps_packet_cost_s),
                                           ina.window_max * plan.up_packet_bytes / rtt});
        }
        job.ina.work_per_iteration = double(plan.fragments);
        job.ina.least_attained = ina.priority == PriorityMetric::las;
        break;
      }
    }
    p.jobs.push_back(std::move(job));
  }
  if (path_ends) *path_ends = routes.ends();
  return p;
}

analytical::Result run_analytical(RunContext& ctx, TrainingState& state) {
  std::vector<std::pair<size_t, size_t>> path_ends;
  analytical::Problem p = analytical_problem(ctx, state, &path_ends);
  analytical::Result result = analytical::solve(p);
  const Topology& topo = ctx.scenario.platform.topology;
  for (size_t j = 0; j < p.jobs.size(); ++j) {
    const JobSpec& spec = state.workload.jobs[j];
    const auto& r = result.jobs[j];
    if (spec.arrival_s <= result.end_s) state.jobs[j].start_s = spec.arrival_s;  // started, if it arrived before the end
    CompressedJob* c = state.compressed.empty() ? nullptr : state.compressed[j].get();
    double aggregation_s = 0;
    if (c && spec.aggregation == AggregationKind::parameter_server)
      aggregation_s = c->aggregation_s(c->coordinates() / double(spec.servers.size()), double(spec.workers.size()));
    for (size_t k = 0; k < r.iterations.size(); ++k) {
      const auto& it = r.iterations[k];
      state.iterations.push_back({j, (long long)k, it.start_s, it.compute_end_s, it.end_s});
      if (c) c->round_done((long long)k, it.start_s, it.compute_end_s, it.end_s, aggregation_s, (long long)k + 1 == spec.iterations);
    }
    if (r.finish_s >= 0) state.job_finished(j, r.finish_s);
    // Each completed iteration's transfers on the link counters; computations as calls.
    const auto done = (unsigned long long)r.iterations.size();
    if (done == 0) continue;
    ctx.unsimulated_core_s.resize(topo.nodes.size(), 0.0);
    for (size_t s = 0; s < p.jobs[j].stages.size(); ++s) {
      const Stage& stage = p.jobs[j].stages[s];
      if (stage.kind == Stage::Kind::compute) {
        if (stage.seconds > 0) ctx.executions += done * stage.hosts.size();
        // Each worker computes compute_s on average; the stage lasts as long as the slowest.
        const double busy = (s == 0 ? spec.compute_s : stage.seconds) * double(stage.repeat) * double(done);
        for (auto h : stage.hosts) ctx.unsimulated_core_s[h] += busy;
        continue;
      }
      for (const auto& t : stage.transfers)
        ctx.traffic.add(ctx.platform.hosts[path_ends[t.path].first], ctx.platform.hosts[path_ends[t.path].second], t.bytes,
                        done * (unsigned long long)stage.repeat);
    }
  }
  // The engine's clock ends where the model's run ends (or at `until`, which stops the engine).
  sg4::Actor::create("analytical", ctx.platform.hosts.front(), [end = result.end_s] { sg4::this_actor::sleep_until(end); });
  return result;
}

}  // namespace cs

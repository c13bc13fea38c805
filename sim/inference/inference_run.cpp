#include "inference/inference_run.hpp"

#include <fmt/format.h>

namespace cs::inference {
namespace {

serving::PolicyConfig policy_config(const InferenceWorkload& w, double dc_network_s) {
  serving::PolicyConfig c;
  for (const auto& v : w.variants)
    c.pool.push_back({v.name, v.accuracy, v.memory_bytes, v.edge_latency.empty() ? -1 : v.edge_latency.at(1),
                      v.edge_load_s, v.dc_latency.empty() ? -1 : v.dc_latency.at(1)});
  c.edge_model = w.edge_model;
  c.dc_model = w.dc_model;
  for (size_t i = 0; i < w.tiers.size(); ++i) {
    c.tier_accuracy.push_back(w.tiers[i].accuracy);
    // Only HawkVision uses thresholds; for the others a tier the cascade cannot reach is fine.
    c.tier_threshold.push_back(w.thresholds[i].threshold < 0 ? serving::all_to_dc : w.thresholds[i].threshold);
  }
  c.edge_memory_bytes = w.edge_memory_bytes;
  c.dc_network_s = dc_network_s;
  return c;
}

const TopologyLink& link_between(const Topology& t, size_t a, NodeRole role_b) {
  for (const auto& l : t.links)
    if ((l.a == a && t.nodes[l.b].role == role_b) || (l.b == a && t.nodes[l.a].role == role_b)) return l;
  throw std::logic_error("a camera without a link to its edge device");
}

}  // namespace

void launch_inference(RunContext& ctx, InferenceState& state) {
  const InferenceWorkload& w = state.workload;
  const Topology& topo = ctx.scenario.platform.topology;
  // What INFaaS predicts for a DC variant beyond its compute: a round trip over the route from
  // an edge device to a DC server (on edge_dc: the edge link, the WAN and the DC link), and the
  // frame's transfer at the slowest of their bandwidths.
  double rtt = 0, slowest = std::numeric_limits<double>::infinity();
  for (const auto* l : ctx.traffic.route(ctx.platform.host(w.edge_hosts.front()), ctx.platform.host(w.dc_hosts.front()))) {
    rtt += 2 * l->get_latency();
    slowest = std::min(slowest, l->get_bandwidth());
  }
  const double dc_network_s = rtt + w.frame_bytes * 8 / slowest;

  for (const auto& name : w.edge_hosts) {
    EdgeNode& e = state.edges.emplace_back();
    e.index = int(state.edges.size()) - 1;
    e.host = ctx.platform.host(name);
    e.policy = serving::make_policy(w.system, policy_config(w, dc_network_s));
    e.results = sg4::Mailbox::by_name(name + "-results");
    e.service_rng = learning::SplitMix64(learning::derive_seed(ctx.scenario.seed, 4, std::uint64_t(e.index)));
  }
  for (const auto& name : w.dc_hosts) {
    DcNode& d = state.dcs.emplace_back();
    d.index = int(state.dcs.size()) - 1;
    d.host = ctx.platform.host(name);
    d.inbox = sg4::Mailbox::by_name(name + "-inbox");
  }
  // Cameras: client<c> is attached to edge<c mod edges> (platform/topology.hpp).
  std::vector<std::pair<size_t, sg4::Host*>> cameras;
  for (const auto& name : w.camera_hosts) cameras.emplace_back(*topo.find(name), ctx.platform.host(name));
  state.cameras = int(cameras.size());
  for (auto& e : state.edges) {
    // The answer's last hop, to a camera of this edge (all client links are alike).
    const LinkSpec& l = link_between(topo, cameras.front().first, NodeRole::edge).spec;
    e.client_hop_s = l.latency_s + w.reply_bytes * 8 / l.bandwidth_bps;
  }

  for (auto& e : state.edges) {
    sg4::ActorPtr gpu = sg4::Actor::create("gpu", e.host, [&ctx, &state, &e] { edge_gpu(ctx, state, e); });
    gpu->daemonize();
    sg4::Actor::create("uplink", e.host, [&ctx, &state, &e] { edge_uplink(ctx, state, e); })->daemonize();
    sg4::ActorPtr results = sg4::Actor::create("results", e.host, [&state, &e] { edge_results(state, e); });
    results->daemonize();
    e.results->set_receiver(results);  // answers transfer as soon as they are sent
  }
  for (auto& d : state.dcs) {
    sg4::Actor::create("gpu", d.host, [&ctx, &state, &d] { dc_server(ctx, state, d); })->daemonize();
    sg4::ActorPtr receiver = sg4::Actor::create("receiver", d.host, [&state, &d] { dc_receiver(state, d); });
    receiver->daemonize();
    d.inbox->set_receiver(receiver);  // frames transfer as soon as they are sent
  }
  for (size_t c = 0; c < cameras.size(); ++c) {
    const LinkSpec& link = link_between(topo, cameras[c].first, NodeRole::edge).spec;
    sg4::Host* edge_host = state.edges[c % state.edges.size()].host;
    sg4::Actor::create(fmt::format("camera{}", c), cameras[c].second,
                       [&ctx, &state, c, edge_host, &link] { camera(ctx, state, int(c), edge_host, link); });
  }
  // Ends the run once every request is answered; the daemons above end with it.
  sg4::Actor::create("monitor", cameras.front().second, [&state] { state.all_answered->acquire(); });
}

}  // namespace cs::inference

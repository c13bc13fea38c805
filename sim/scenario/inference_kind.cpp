// The "inference" workload kind: cameras, edge devices and DC servers of an edge site.
#include <fmt/format.h>

#include "workload_kinds.hpp"

namespace cs {

ParsedWorkload parse_inference_kind(const WorkloadInput& in) {
  const Topology& topo = in.platform.topology;
  // The WAN carries forwarded frames as reliable, loss-free transfers (docs/hawkvision.md).
  for (const auto& l : topo.links)
    if (topo.nodes[l.a].role == NodeRole::switch_node && topo.nodes[l.b].role == NodeRole::switch_node &&
        l.spec.loss_rate > 0) {
      const JsonNode platform = in.root.at("platform");
      if (platform.has("wan")) platform.at("wan").at("loss_rate").fail("must be 0 for an inference workload: the WAN is modelled loss-free");
      platform.fail(fmt::format("the link {} - {} has a loss rate; an inference workload models switch-to-switch links (the WAN) loss-free",
                                topo.nodes[l.a].name, topo.nodes[l.b].name));
    }
  auto w = std::make_shared<InferenceWorkload>(parse_inference(in.node, topo, in.base_dir));
  // Each camera runs three actors (sender, receiver, reorder), each edge three, each DC server two.
  const std::size_t actors = 3 * w->camera_hosts.size() + 3 * w->edge_hosts.size() + 2 * w->dc_hosts.size() + 1;
  if (actors > max_actors)
    (in.root.at("platform").has("clients") ? in.root.at("platform").at("clients") : in.root.at("platform")).fail(fmt::format("{} cameras, {} edges and {} DC servers need {} actors; a run holds at most {}",
                                            w->camera_hosts.size(), w->edge_hosts.size(), w->dc_hosts.size(), actors,
                                            max_actors));
  // Edge and DC hosts draw their device profile's power unless the platform gives their own.
  for (auto& node : in.platform.topology.nodes) {
    const DeviceProfile* d = node.role == NodeRole::edge         ? &w->edge_profile
                             : node.role == NodeRole::datacenter ? &w->dc_profile
                                                                 : nullptr;
    if (d && !node.host.idle_w) {
      node.host.idle_w = d->idle_w;
      node.host.busy_w = d->busy_w;
    }
  }
  ParsedWorkload p;
  // Every actor of the kind is keyed by its host (mailboxes "<host>-inbox", ...): no host serves two.
  for (const auto& h : w->camera_hosts) p.claims.push_back({h, "camera", true});
  for (const auto& h : w->edge_hosts) p.claims.push_back({h, "edge", true});
  for (const auto& h : w->dc_hosts) p.claims.push_back({h, "dc_server", true});
  p.body = std::move(w);
  return p;
}

}  // namespace cs

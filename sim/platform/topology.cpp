#include "topology.hpp"

#include <fmt/format.h>

namespace cs {

std::string_view role_name(NodeRole r) {
  switch (r) {
    case NodeRole::compute: return "compute";
    case NodeRole::switch_node: return "switch";
    case NodeRole::client: return "client";
    case NodeRole::edge: return "edge";
    case NodeRole::datacenter: return "datacenter";
  }
  return "?";
}

std::optional<size_t> Topology::find(std::string_view name) const {
  // The index covers every node unless some were pushed behind add_node's back (or repeat a name).
  if (index_.size() == nodes.size()) {
    auto it = index_.find(std::string(name));
    return it == index_.end() ? std::nullopt : std::optional(it->second);
  }
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == name) return i;
  return std::nullopt;
}

std::vector<std::string> Topology::names_with_role(NodeRole role) const {
  std::vector<std::string> out;
  for (const auto& n : nodes)
    if (n.role == role) out.push_back(n.name);
  return out;
}

size_t Topology::add_node(std::string name, NodeRole role, const HostSpec& host) {
  index_.emplace(name, nodes.size());
  nodes.push_back({std::move(name), role, host});
  return nodes.size() - 1;
}

void Topology::add_link(size_t a, size_t b, const LinkSpec& spec) {
  links.push_back({fmt::format("{}-{}", nodes[a].name, nodes[b].name), a, b, spec});
}

Topology make_star(const StarParams& p) {
  Topology t;
  t.kind = "star";
  size_t sw = t.add_node("switch", NodeRole::switch_node, p.switch_host);
  for (int i = 0; i < p.hosts; ++i) t.add_link(t.add_node(fmt::format("host{}", i), NodeRole::compute, p.host), sw, p.link);
  return t;
}

Topology make_two_tier(const TwoTierParams& p) {
  Topology t;
  t.kind = "two_tier";
  size_t spine = t.add_node("spine", NodeRole::switch_node, p.switch_host);
  for (int r = 0; r < p.racks; ++r) {
    size_t tor = t.add_node(fmt::format("tor{}", r), NodeRole::switch_node, p.switch_host);
    t.add_link(tor, spine, p.uplink);
    for (int h = 0; h < p.hosts_per_rack; ++h)
      t.add_link(t.add_node(fmt::format("host{}", r * p.hosts_per_rack + h), NodeRole::compute, p.host), tor, p.link);
  }
  return t;
}

Topology make_edge_dc(const EdgeDcParams& p) {
  Topology t;
  t.kind = "edge_dc";
  size_t edge_switch = t.add_node("edge-switch", NodeRole::switch_node, p.switch_host);
  size_t dc_switch = t.add_node("dc-switch", NodeRole::switch_node, p.switch_host);
  t.add_link(edge_switch, dc_switch, p.wan);
  std::vector<size_t> edges;
  for (int e = 0; e < p.edges; ++e) {
    edges.push_back(t.add_node(fmt::format("edge{}", e), NodeRole::edge, p.edge));
    t.add_link(edges.back(), edge_switch, p.edge_link);
  }
  for (int c = 0; c < p.clients; ++c)
    t.add_link(t.add_node(fmt::format("client{}", c), NodeRole::client, p.client), edges[size_t(c % p.edges)],
               p.client_link);
  for (int d = 0; d < p.dc_servers; ++d)
    t.add_link(t.add_node(fmt::format("dc{}", d), NodeRole::datacenter, p.dc), dc_switch, p.dc_link);
  return t;
}

}  // namespace cs

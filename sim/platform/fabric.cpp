#include "fabric.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

namespace cs {
namespace {

using Tier = FabricLayout::Tier;

size_t add(Topology& t, FabricLayout& layout, std::string name, NodeRole role, const HostSpec& spec, Tier tier,
           int index) {
  layout.place.push_back({tier, std::uint32_t(index)});
  return t.add_node(std::move(name), role, spec);
}

// Hosts are numbered in leaf order; the first dc_servers are the data-centre servers.
NodeRole host_role(int host, int dc_servers) { return host < dc_servers ? NodeRole::datacenter : NodeRole::compute; }

// Appends the edge sites and wires their WAN to the border switch (default `default_border`).
void add_edge_sites(Topology& t, FabricLayout& layout, const EdgeSiteParams& p, const HostSpec& switch_host,
                    const std::string& default_border) {
  if (p.clients < 1 || p.edges < 1) throw std::invalid_argument("edge sites need at least one client and one edge");
  const std::string& border_name = p.border.empty() ? default_border : p.border;
  auto border = t.find(border_name);
  if (!border || t.nodes[*border].role != NodeRole::switch_node)
    throw std::invalid_argument(fmt::format("\"{}\" is not a switch of the {} fabric", border_name, t.kind));
  layout.border = *border;
  layout.site_edges = p.edges;
  size_t site_switch = add(t, layout, "edge-switch", NodeRole::switch_node, switch_host, Tier::site_switch, 0);
  // As in edge_dc, the WAN's "up" direction leaves the edge site.
  t.add_link(site_switch, *border, p.wan);
  std::vector<size_t> edges;
  for (int e = 0; e < p.edges; ++e) {
    edges.push_back(add(t, layout, fmt::format("edge{}", e), NodeRole::edge, p.edge, Tier::site_edge, e));
    t.add_link(edges.back(), site_switch, p.edge_link);
  }
  for (int c = 0; c < p.clients; ++c)
    t.add_link(add(t, layout, fmt::format("client{}", c), NodeRole::client, p.client, Tier::client, c),
               edges[size_t(c % p.edges)], p.client_link);
}

void check_dc_servers(int dc_servers, int hosts) {
  if (dc_servers < 0 || dc_servers > hosts)
    throw std::invalid_argument(fmt::format("dc_servers is {} but the fabric has {} hosts", dc_servers, hosts));
}

}  // namespace

Topology make_leaf_spine(const LeafSpineParams& p) {
  if (p.leaves < 1 || p.spines < 1 || p.hosts_per_leaf < 1)
    throw std::invalid_argument("a leaf-spine needs at least one leaf, one spine and one host per leaf");
  check_dc_servers(p.dc_servers, p.leaves * p.hosts_per_leaf);
  Topology t;
  t.kind = "leaf_spine";
  auto layout = std::make_shared<FabricLayout>();
  layout->hosts_per_leaf = p.hosts_per_leaf;
  std::vector<size_t> spines;
  for (int s = 0; s < p.spines; ++s)
    spines.push_back(add(t, *layout, fmt::format("spine{}", s), NodeRole::switch_node, p.switch_host, Tier::top, s));
  for (int l = 0; l < p.leaves; ++l) {
    size_t leaf = add(t, *layout, fmt::format("leaf{}", l), NodeRole::switch_node, p.switch_host, Tier::leaf, l);
    // Uplinks in spine order: FabricRoutes' ECMP candidates are in link order.
    for (size_t spine : spines) t.add_link(leaf, spine, p.uplink);
    for (int h = 0; h < p.hosts_per_leaf; ++h) {
      const int host = l * p.hosts_per_leaf + h;
      // Host first: parse_training takes the switch at the far end of a host's link as its ToR.
      t.add_link(add(t, *layout, fmt::format("host{}", host), host_role(host, p.dc_servers), p.host, Tier::host, host),
                 leaf, p.link);
    }
  }
  if (p.edge_sites) add_edge_sites(t, *layout, *p.edge_sites, p.switch_host, "spine0");
  t.fabric = std::move(layout);
  return t;
}

Topology make_fat_tree(const FatTreeParams& p) {
  if (p.k < 2 || p.k % 2 != 0) throw std::invalid_argument(fmt::format("k must be even and at least 2, got {}", p.k));
  const int half = p.k / 2;
  check_dc_servers(p.dc_servers, p.k * half * half);
  Topology t;
  t.kind = "fat_tree";
  auto layout = std::make_shared<FabricLayout>();
  layout->fat_tree = true;
  layout->half = half;
  layout->hosts_per_leaf = half;
  std::vector<size_t> cores;
  for (int c = 0; c < half * half; ++c)
    cores.push_back(add(t, *layout, fmt::format("core{}", c), NodeRole::switch_node, p.switch_host, Tier::top, c));
  for (int pod = 0; pod < p.k; ++pod) {
    std::vector<size_t> aggs;
    for (int a = 0; a < half; ++a) {
      aggs.push_back(add(t, *layout, fmt::format("agg{}_{}", pod, a), NodeRole::switch_node, p.switch_host, Tier::agg,
                         pod * half + a));
      // Aggregation switch a reaches core group a (Al-Fares: core (a, m) has one port per pod).
      for (int m = 0; m < half; ++m) t.add_link(aggs.back(), cores[size_t(a * half + m)], p.uplink);
    }
    for (int e = 0; e < half; ++e) {
      const int leaf_index = pod * half + e;
      size_t tor = add(t, *layout, fmt::format("tor{}_{}", pod, e), NodeRole::switch_node, p.switch_host, Tier::leaf,
                       leaf_index);
      for (size_t agg : aggs) t.add_link(tor, agg, p.uplink);
      for (int j = 0; j < half; ++j) {
        const int host = leaf_index * half + j;
        t.add_link(
            add(t, *layout, fmt::format("host{}", host), host_role(host, p.dc_servers), p.host, Tier::host, host), tor,
            p.link);
      }
    }
  }
  if (p.edge_sites) add_edge_sites(t, *layout, *p.edge_sites, p.switch_host, "core0");
  t.fabric = std::move(layout);
  return t;
}

FabricRoutes::FabricRoutes(const Topology& topology) : layout_(topology.fabric) {
  if (!layout_ || layout_->place.size() != topology.nodes.size())
    throw std::logic_error("FabricRoutes: the topology was not built by make_leaf_spine or make_fat_tree");
  const size_t n = topology.nodes.size();
  std::vector<int> degree(n, 0);
  for (const auto& l : topology.links) ++degree[l.a], ++degree[l.b];
  transit_.assign(n, {});
  attachment_.assign(n, std::nullopt);
  for (size_t i = 0; i < topology.links.size(); ++i) {
    const auto& l = topology.links[i];
    if (degree[l.b] > 1) transit_[l.a].push_back({l.b, i, true});
    if (degree[l.a] > 1) transit_[l.b].push_back({l.a, i, false});
    if (degree[l.a] == 1) attachment_[l.a] = Adjacent{l.b, i, false};  // the hop into a, from b
    if (degree[l.b] == 1) attachment_[l.b] = Adjacent{l.a, i, true};
  }
}

int FabricRoutes::site_depth(size_t v) const {
  switch (layout_->place[v].tier) {
    case Tier::client: return 2;
    case Tier::site_edge: return 1;
    default: return 0;
  }
}

// Shortest-path lengths in the fabric proper, by case (a, b fabric nodes). Derived from the
// wiring above and checked against breadth-first search in tests/unit/fabric_test.cpp.
int FabricRoutes::fabric_distance(size_t a, size_t b) const {
  if (a == b) return 0;
  auto pa = layout_->place[a], pb = layout_->place[b];
  if (pa.tier > pb.tier) std::swap(pa, pb);
  const int i = int(pa.index), j = int(pb.index);
  const int per_leaf = layout_->hosts_per_leaf, half = layout_->half;
  if (!layout_->fat_tree) {  // tiers host < leaf < top
    switch (pa.tier) {
      case Tier::host:
        if (pb.tier == Tier::host) return i / per_leaf == j / per_leaf ? 2 : 4;
        if (pb.tier == Tier::leaf) return i / per_leaf == j ? 1 : 3;
        return 2;  // host -> leaf -> spine
      case Tier::leaf: return pb.tier == Tier::leaf ? 2 : 1;
      default: return 2;  // spine -> leaf -> spine
    }
  }
  // Fat-tree: host h sits under ToR h / half; ToR and aggregation switch x are in pod x / half;
  // agg a of a pod reaches core group a; core c is in group c / half.
  const auto leaf_of = [&](int host) { return host / per_leaf; };
  const auto pod_of = [&](int switch_index) { return switch_index / half; };
  switch (pa.tier) {
    case Tier::host:
      switch (pb.tier) {
        case Tier::host:
          return leaf_of(i) == leaf_of(j) ? 2 : pod_of(leaf_of(i)) == pod_of(leaf_of(j)) ? 4 : 6;
        case Tier::leaf: return leaf_of(i) == j ? 1 : pod_of(leaf_of(i)) == pod_of(j) ? 3 : 5;
        case Tier::agg: return pod_of(leaf_of(i)) == pod_of(j) ? 2 : 4;
        default: return 3;  // host -> ToR -> agg of the core's group -> core
      }
    case Tier::leaf:
      switch (pb.tier) {
        case Tier::leaf: return pod_of(i) == pod_of(j) ? 2 : 4;
        case Tier::agg: return pod_of(i) == pod_of(j) ? 1 : 3;
        default: return 2;
      }
    case Tier::agg:
      if (pb.tier == Tier::agg) return pod_of(i) == pod_of(j) || i % half == j % half ? 2 : 4;
      return i % half == j / half ? 1 : 3;  // to a core: direct in its group, else via a ToR and a sibling agg
    default: return j / half == i / half ? 2 : 4;  // core to core: through an agg of the group, or agg-ToR-agg
  }
}

int FabricRoutes::distance(size_t a, size_t b) const {
  if (a == b) return 0;
  const auto ta = layout_->place[a].tier, tb = layout_->place[b].tier;
  const bool site_a = ta >= Tier::client, site_b = tb >= Tier::client;
  if (site_a && site_b) {
    // The site is a tree rooted at edge-switch: clients under edges.
    const auto pa = layout_->place[a], pb = layout_->place[b];
    const auto edge_of = [&](FabricLayout::Place p) {
      return p.tier == Tier::client ? int(p.index) % layout_->site_edges : int(p.index);
    };
    if (ta == Tier::site_switch || tb == Tier::site_switch) return site_depth(a) + site_depth(b);
    const bool same_edge = edge_of(pa) == edge_of(pb);
    return same_edge ? site_depth(a) + site_depth(b) - 2 : site_depth(a) + site_depth(b);
  }
  // Into or out of the site: down to edge-switch, the WAN, then the fabric from the border.
  if (site_a) return site_depth(a) + 1 + fabric_distance(layout_->border, b);
  if (site_b) return site_depth(b) + 1 + fabric_distance(a, layout_->border);
  return fabric_distance(a, b);
}

void FabricRoutes::path(size_t src, size_t dst, std::vector<RouteHop>& hops) {
  hops.clear();
  // D-mod-k: the destination's ordinal, consumed one mixed-radix digit per branching.
  std::uint64_t digits = layout_->place[dst].index;
  const auto& into_dst = attachment_[dst];
  for (size_t at = src; at != dst;) {
    if (into_dst && into_dst->node == at) {  // the last hop, onto a host or client
      hops.push_back({into_dst->link, into_dst->up});
      break;
    }
    const int remaining = distance(at, dst) - 1;
    // Transit nodes only: a single-link node is never crossed, and skipping a leaf's hosts keeps
    // the scan at its uplinks. The candidates are counted first, then the chosen one found.
    const auto& next = transit_[at];
    size_t candidates = 0;
    for (const auto& n : next) candidates += distance(n.node, dst) == remaining;
    if (candidates == 0) throw std::logic_error("FabricRoutes: no shortest-path neighbour (layout and links disagree)");
    size_t choice = size_t(digits % candidates);
    digits /= candidates;
    for (const auto& n : next)
      if (distance(n.node, dst) == remaining && choice-- == 0) {
        hops.push_back({n.link, n.up});
        at = n.node;
        break;
      }
  }
}

std::vector<RouteHop> FabricRoutes::path(size_t src, size_t dst) {
  std::vector<RouteHop> hops;
  path(src, dst, hops);
  return hops;
}

long long FabricRoutes::path_count(size_t src, size_t dst) const {
  if (src == dst) return 1;
  if (attachment_[dst] && attachment_[dst]->node == src) return 1;
  const int remaining = distance(src, dst) - 1;
  long long total = 0;
  for (const auto& n : transit_[src])
    if (distance(n.node, dst) == remaining) total += path_count(n.node, dst);
  return total;
}

}  // namespace cs

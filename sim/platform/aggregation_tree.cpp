#include "aggregation_tree.hpp"

#include <algorithm>
#include <stdexcept>

namespace cs {

bool AggregationTree::two_level() const {
  return std::any_of(first_level.begin(), first_level.end(), [&](size_t s) { return s != first_level.front(); });
}

std::optional<size_t> attached_switch(const Topology& topology, size_t host) {
  for (const auto& l : topology.links) {
    if (l.a == host && topology.nodes[l.b].role == NodeRole::switch_node) return l.b;
    if (l.b == host && topology.nodes[l.a].role == NodeRole::switch_node) return l.a;
  }
  return std::nullopt;
}

namespace {

// The nodes a route visits after `src`, ending with `dst`.
std::vector<size_t> nodes_on(const Topology& topology, RouteFunction& routes, size_t src, size_t dst) {
  std::vector<RouteHop> hops;
  routes.path(src, dst, hops);
  std::vector<size_t> nodes;
  for (const RouteHop& h : hops) {
    const TopologyLink& l = topology.links[h.link];
    nodes.push_back(h.up ? l.b : l.a);
  }
  return nodes;
}

}  // namespace

AggregationTree aggregation_tree(const Topology& topology, RouteFunction* routes, const std::vector<size_t>& workers,
                                 size_t ps, int levels) {
  AggregationTree tree;
  auto switch_of = [&](size_t w) {
    auto s = attached_switch(topology, w);
    if (!s) throw std::invalid_argument("\"" + topology.nodes[w].name + "\" is not attached to a switch");
    return *s;
  };
  // One level: one switch sums for all, the first worker's (each lookup scans the links).
  tree.top = switch_of(workers.front());
  if (levels < 2) {
    tree.first_level.assign(workers.size(), tree.top);
    return tree;
  }
  for (size_t w : workers) tree.first_level.push_back(switch_of(w));
  if (!tree.two_level()) return tree;
  if (!routes) throw std::invalid_argument("two-level aggregation needs a platform whose routes clustersim computes (a tree, leaf_spine or fat_tree)");
  // The second level: the first node of the first switch's walk to the PS (the switch itself
  // included) that every other first-level switch's walk also visits. The PS's own switch is
  // always one, so this exists.
  std::vector<size_t> distinct = tree.first_level;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<std::vector<size_t>> walks;
  for (size_t s : distinct) {
    std::vector<size_t> visited{s};
    for (size_t n : nodes_on(topology, *routes, s, ps)) visited.push_back(n);
    walks.push_back(std::move(visited));
  }
  const auto& candidates = walks[size_t(std::find(distinct.begin(), distinct.end(), tree.first_level.front()) - distinct.begin())];
  for (size_t c : candidates) {
    if (topology.nodes[c].role != NodeRole::switch_node) continue;
    if (std::all_of(walks.begin(), walks.end(), [&](const auto& v) { return std::find(v.begin(), v.end(), c) != v.end(); })) {
      tree.top = c;
      return tree;
    }
  }
  throw std::invalid_argument("the routes from the workers' switches to \"" + topology.nodes[ps].name + "\" share no switch");
}

}  // namespace cs

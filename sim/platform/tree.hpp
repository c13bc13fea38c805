#pragma once
// A topology whose graph is a tree (star, two_tier, edge_dc; the fabrics of fabric.hpp are not).
// In a tree each pair of vertices has exactly one simple path, so the shortest path SimGrid's Dijkstra
// zone finds is that path, and a route is the walk from each end up to their lowest common
// ancestor: a few steps, whatever the number of hosts. Plain C++ (no SimGrid), so the routing
// zone (route_zone.hpp, through routes.hpp) and the tests share one walk.
#include <optional>
#include <vector>

#include "routes.hpp"
#include "topology.hpp"

namespace cs {

class TreeShape {
 public:
  static constexpr size_t none = static_cast<size_t>(-1);

  struct Vertex {
    size_t parent = none;       // none at the root
    size_t link = none;         // index in Topology::links of the link to the parent
    bool up_to_parent = false;  // that link's "up" direction (a -> b) leads to the parent
    unsigned depth = 0;         // links from the root
  };

  // The graph rooted at node 0, or nullopt when it is not a tree (disconnected, with a cycle,
  // parallel links or a link from a node to itself): such graphs keep the Dijkstra zone.
  static std::optional<TreeShape> of(const Topology& topology);

  const std::vector<Vertex>& vertices() const { return vertices_; }

  // The path from src to dst, split at their lowest common ancestor. `rising` receives the
  // vertices whose parent link the path climbs, src first; `falling` the vertices whose parent
  // link it descends, dst first (the path walks them last to first). Both are cleared first, and
  // stay empty when src == dst. Allocation-free once the vectors have grown: the zone calls this
  // for every message.
  void split_path(size_t src, size_t dst, std::vector<size_t>& rising, std::vector<size_t>& falling) const;

  // The path's links in order, each with the direction it is crossed in (up: from a to b).
  using Hop = RouteHop;
  std::vector<Hop> path(size_t src, size_t dst) const;
  // The same into `hops`, with split_path's scratch vectors passed in: allocation-free once
  // they have grown (the route zone calls this for every message).
  void path(size_t src, size_t dst, std::vector<Hop>& hops, std::vector<size_t>& rising,
            std::vector<size_t>& falling) const;

 private:
  std::vector<Vertex> vertices_;
};

}  // namespace cs

#pragma once
// A platform's routes as a plain function over the Topology (no SimGrid): the routing zone
// (route_zone.hpp) hands SimGrid exactly these links, and the analytical level and the tests
// read the same function, so every layer agrees on which links a transfer crosses.
#include <memory>
#include <vector>

#include "topology.hpp"

namespace cs {

// One link of a path, with the direction it is crossed in (up: from the link's a to its b).
struct RouteHop {
  size_t link;
  bool up;
  bool operator==(const RouteHop&) const = default;
};

class RouteFunction {
 public:
  virtual ~RouteFunction() = default;
  // The path from node src to node dst, links in walking order, into `hops` (cleared first;
  // empty when src == dst). Called for every message: implementations avoid allocating once
  // `hops` has grown, and may keep scratch state (the simulation is single-threaded).
  virtual void path(size_t src, size_t dst, std::vector<RouteHop>& hops) = 0;
  virtual const char* name() const = 0;  // "tree" or "fabric", for logs and tests
};

// The routes build_platform and the analytical level use: FabricRoutes on a leaf_spine or
// fat_tree (fabric.hpp), the tree walk on any tree, nullptr otherwise (SimGrid's Dijkstra zone).
std::unique_ptr<RouteFunction> routes_of(const Topology& topology);

}  // namespace cs

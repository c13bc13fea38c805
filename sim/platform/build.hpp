#pragma once
// Turns a validated PlatformSpec into SimGrid hosts and links (C++ platform API, no XML).
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace cs {

namespace sg4 = simgrid::s4u;

// How routes are found. automatic: the route zone (route_zone.hpp) when routes_of() has a route
// function for the graph (a tree, a leaf-spine, a fat-tree), else SimGrid's Dijkstra zone; tree
// forces the route zone (throws when the graph has none), dijkstra SimGrid's (what every platform
// used before the route zone; the tests compare the two routes pair by pair). The built
// platform reports tree, fabric or dijkstra.
enum class Routing { automatic, tree, dijkstra, fabric };

struct Platform {
  std::vector<sg4::Host*> hosts;  // indexed like Topology::nodes
  std::vector<sg4::SplitDuplexLink*> links;  // indexed like Topology::links
  bool energy = false;  // host energy plugin active
  Routing routing = Routing::dijkstra;  // the zone built: tree, fabric or dijkstra

  sg4::Host* host(const std::string& name) const;  // nullptr when absent
};

// Must be called once, after the Engine exists and before it runs.
Platform build_platform(const PlatformSpec& spec, Routing routing = Routing::automatic);

}  // namespace cs

#pragma once
// Turns a validated PlatformSpec into SimGrid hosts and links (C++ platform API, no XML).
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace cs {

namespace sg4 = simgrid::s4u;

// How routes are found. automatic: the tree zone when the graph is a tree (tree_zone.hpp), else
// SimGrid's Dijkstra zone; tree and dijkstra force one (dijkstra is what every platform used
// before the tree zone; the tests compare the two routes pair by pair).
enum class Routing { automatic, tree, dijkstra };

struct Platform {
  std::vector<sg4::Host*> hosts;  // indexed like Topology::nodes
  std::vector<sg4::SplitDuplexLink*> links;  // indexed like Topology::links
  bool energy = false;  // host energy plugin active
  Routing routing = Routing::dijkstra;  // the zone built: tree or dijkstra

  sg4::Host* host(const std::string& name) const;  // nullptr when absent
};

// Must be called once, after the Engine exists and before it runs.
Platform build_platform(const PlatformSpec& spec, Routing routing = Routing::automatic);

}  // namespace cs

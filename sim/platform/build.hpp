#pragma once
// Turns a validated PlatformSpec into SimGrid hosts and links (C++ platform API, no XML).
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace cs {

namespace sg4 = simgrid::s4u;

struct Platform {
  std::vector<sg4::Host*> hosts;  // indexed like Topology::nodes
  std::vector<sg4::SplitDuplexLink*> links;  // indexed like Topology::links
  bool energy = false;  // host energy plugin active

  sg4::Host* host(const std::string& name) const;  // nullptr when absent
};

// Must be called once, after the Engine exists and before it runs.
Platform build_platform(const PlatformSpec& spec);

}  // namespace cs

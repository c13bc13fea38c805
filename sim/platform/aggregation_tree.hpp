#pragma once
// Where an in-network aggregation job sums, as a plain function of the platform graph and its
// routes (no SimGrid), so the choice is tested before a simulation exists.
//
// One level: every worker sends to the first worker's switch, which sums and sends on to the PS.
// Two levels (ATP, NSDI'21 section 3.2): each worker sends to its own switch (first level),
// which sums the job's workers attached to it; the first-level sums meet at a second-level
// switch, which sums them and sends on to the PS. ATP puts the second level at the PS's rack
// switch; here it is the first switch that every first-level switch's route to the PS crosses,
// which is the PS's leaf when the PS shares a leaf with workers, and otherwise the spine (or
// core, or pod aggregation switch) the routes toward the PS converge on.
#include <optional>
#include <string>
#include <vector>

#include "routes.hpp"

namespace cs {

struct AggregationTree {
  std::vector<size_t> first_level;  // per worker: the switch it sends to
  // The switch that sends to the PS: the sole aggregation switch with one level, the
  // second-level switch with two (which may also be a first-level switch).
  size_t top;
  bool two_level() const;  // more than one distinct first-level switch
};

// The switch a host is attached to (its only switch neighbour), if any.
std::optional<size_t> attached_switch(const Topology& topology, size_t host);

// Throws std::invalid_argument naming the worker that has no switch, or (two levels) when
// `routes` is null (a platform without a route function: SimGrid alone knows its routes).
AggregationTree aggregation_tree(const Topology& topology, RouteFunction* routes, const std::vector<size_t>& workers,
                                 size_t ps, int levels);

}  // namespace cs

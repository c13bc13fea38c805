#pragma once
// A SimGrid netzone for a platform whose graph is a tree: one flat zone holding every host
// (switches included), whose routes are the tree path between the two hosts, found by climbing
// from both ends to their lowest common ancestor (a few steps at any scale).
//
// Why not SimGrid's own zones:
// - The Dijkstra zone (what build_platform used for every graph) finds the same paths, but
//   composing a route re-finds every hop's edge by scanning its vertex's out-edges, so each
//   message through a switch scans the switch's N links (62% of the instructions on a 1,024-host
//   star).
// - Native star zones, nested per rack or per site, give the same links in the same order, but
//   not always the same latency: SimGrid sums a nested route's latencies middle zone first, then
//   the source side, then the destination side, while the Dijkstra zone sums them from the last
//   link back to the first, and floating-point addition is not associative. On a two_tier with
//   5 us host links and 1 us uplinks, ToR -> host in another rack came out 7.0000000000000007 us
//   against 6.9999999999999999 us, and SimGrid takes that sum as the transfer's latency.
// This zone yields the Dijkstra zone's route exactly: the same links in the same order, the
// loopback link from a host to itself, and the latency summed in the Dijkstra zone's order.
//
// It derives from SimGrid's kernel NetZoneImpl (installed public header, SimGrid 3.32), as the
// built-in zones do; build_platform creates it as the root zone and fills it through the usual
// s4u NetZone calls (hosts, links), then hands it the tree with set_tree() before sealing.
#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <string>
#include <vector>

#include "tree.hpp"

namespace cs {

class TreeZone final : public simgrid::kernel::routing::NetZoneImpl {
 public:
  // A new zone (the platform's root when no zone exists yet); SimGrid owns and deletes it.
  static TreeZone* create(const std::string& name);

  // `hosts` and `links` are indexed like the topology's nodes and links that `shape` describes,
  // all created in this zone. Call once, before sealing the zone.
  void set_tree(TreeShape shape, const std::vector<simgrid::s4u::Host*>& hosts,
                const std::vector<simgrid::s4u::SplitDuplexLink*>& links);

 private:
  explicit TreeZone(const std::string& name) : NetZoneImpl(name) {}
  void get_local_route(const simgrid::kernel::routing::NetPoint* src, const simgrid::kernel::routing::NetPoint* dst,
                       simgrid::kernel::routing::Route* route, double* latency) override;

  // One direction of a link: SimGrid's resource for the route, its s4u face for the latency.
  struct Direction {
    simgrid::kernel::resource::StandardLinkImpl* impl = nullptr;
    const simgrid::s4u::Link* link = nullptr;
  };

  TreeShape shape_;
  std::vector<size_t> node_of_netpoint_;  // netpoint id -> topology node
  std::vector<Direction> to_parent_, from_parent_;  // per topology node (unused at the root)
  Direction loopback_;  // SimGrid's __loopback__ link, what the Dijkstra zone routes a host to itself over
  std::vector<size_t> rising_, falling_;  // scratch for split_path, kept to spare an allocation per route
};

}  // namespace cs

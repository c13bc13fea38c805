#pragma once
// A SimGrid netzone whose routes come from a plain-C++ RouteFunction (routes.hpp): one flat zone
// holding every host (switches included), routing each pair over exactly the links the function
// returns. Trees use the tree walk (a few steps from each end to their lowest common ancestor);
// leaf-spine and fat-tree fabrics use FabricRoutes' deterministic ECMP (fabric.hpp).
//
// Why not SimGrid's own zones:
// - The Dijkstra zone (what build_platform used for every graph) finds the same tree paths, but
//   composing a route re-finds every hop's edge by scanning its vertex's out-edges, so each
//   message through a switch scans the switch's N links (62% of the instructions on a 1,024-host
//   star). On a fabric it picks among equal-cost paths by its own tie-breaking, which nothing
//   documents and the analytical level could not reproduce.
// - Native star zones, nested per rack or per site, give the same links in the same order, but
//   not always the same latency: SimGrid sums a nested route's latencies middle zone first, then
//   the source side, then the destination side, while the Dijkstra zone sums them from the last
//   link back to the first, and floating-point addition is not associative. On a two_tier with
//   5 us host links and 1 us uplinks, ToR -> host in another rack came out 7.0000000000000007 us
//   against 6.9999999999999999 us, and SimGrid takes that sum as the transfer's latency.
// - A full zone filled with every pair's route holds n^2 routes.
// This zone yields the Dijkstra zone's route exactly on trees: the same links in the same order,
// the loopback link from a host to itself, and the latency summed in the Dijkstra zone's order
// (last link first), which it keeps on fabrics too.
//
// It derives from SimGrid's kernel NetZoneImpl (installed public header, SimGrid 3.32), as the
// built-in zones do; build_platform creates it as the root zone and fills it through the usual
// s4u NetZone calls (hosts, links), then hands it the routes with set_routes() before sealing.
#include <memory>
#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <string>
#include <vector>

#include "routes.hpp"

namespace cs {

class RouteZone final : public simgrid::kernel::routing::NetZoneImpl {
 public:
  // A new zone (the platform's root when no zone exists yet); SimGrid owns and deletes it.
  static RouteZone* create(const std::string& name);

  // `hosts` and `links` are indexed like the topology's nodes and links that `routes` walks,
  // all created in this zone. Call once, before sealing the zone.
  void set_routes(std::unique_ptr<RouteFunction> routes, const std::vector<simgrid::s4u::Host*>& hosts,
                  const std::vector<simgrid::s4u::SplitDuplexLink*>& links);

 private:
  explicit RouteZone(const std::string& name) : NetZoneImpl(name) {}
  void get_local_route(const simgrid::kernel::routing::NetPoint* src, const simgrid::kernel::routing::NetPoint* dst,
                       simgrid::kernel::routing::Route* route, double* latency) override;

  // One direction of a link: SimGrid's resource for the route, its s4u face for the latency.
  struct Direction {
    simgrid::kernel::resource::StandardLinkImpl* impl = nullptr;
    const simgrid::s4u::Link* link = nullptr;
  };
  static constexpr size_t none = static_cast<size_t>(-1);

  std::unique_ptr<RouteFunction> routes_;
  std::vector<size_t> node_of_netpoint_;  // netpoint id -> topology node
  std::vector<Direction> up_, down_;  // per topology link: a -> b, b -> a
  Direction loopback_;  // SimGrid's __loopback__ link, what the Dijkstra zone routes a host to itself over
  std::vector<RouteHop> hops_;  // scratch, kept to spare an allocation per route
};

}  // namespace cs

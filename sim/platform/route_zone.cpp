#include "route_zone.hpp"

#include <simgrid/kernel/routing/NetPoint.hpp>
#include <stdexcept>

namespace cs {

using simgrid::kernel::routing::NetPoint;
using simgrid::kernel::routing::Route;

RouteZone* RouteZone::create(const std::string& name) { return new RouteZone(name); }

void RouteZone::set_routes(std::unique_ptr<RouteFunction> routes, const std::vector<simgrid::s4u::Host*>& hosts,
                           const std::vector<simgrid::s4u::SplitDuplexLink*>& links) {
  if (!routes) throw std::logic_error("RouteZone: no route function");
  routes_ = std::move(routes);
  node_of_netpoint_.assign(get_table_size(), none);
  for (size_t node = 0; node < hosts.size(); ++node) {
    const NetPoint* np = hosts[node]->get_netpoint();
    if (np->get_englobing_zone() != this) throw std::logic_error("RouteZone: host outside the zone");
    node_of_netpoint_.at(np->id()) = node;
  }
  auto direction = [](const simgrid::s4u::Link* l) { return Direction{l->get_impl(), l}; };
  up_.clear();
  down_.clear();
  for (const auto* link : links) {
    // A split-duplex link's "up" half carries a -> b, as in build_platform's Dijkstra routes.
    up_.push_back(direction(link->get_link_up()));
    down_.push_back(direction(link->get_link_down()));
  }
  // The Dijkstra zone gives every vertex a route to itself over the network model's loopback
  // link (CM02 and LV08 have one); SimGrid hands it out under this reserved name.
  if (const auto* loopback = simgrid::s4u::Link::by_name_or_null("__loopback__")) loopback_ = direction(loopback);
}

void RouteZone::get_local_route(const NetPoint* src, const NetPoint* dst, Route* route, double* latency) {
  const size_t s = node_of_netpoint_.at(src->id()), d = node_of_netpoint_.at(dst->id());
  if (s == none || d == none) throw std::invalid_argument("RouteZone: route to an unknown vertex");
  if (s == d) {
    if (!loopback_.impl) throw std::invalid_argument("No route from '" + src->get_name() + "' to itself");
    route->link_list_.push_back(loopback_.impl);
    if (latency) *latency += loopback_.link->get_latency();
    return;
  }
  routes_->path(s, d, hops_);
  const auto& at = [this](const RouteHop& h) -> const Direction& { return h.up ? up_[h.link] : down_[h.link]; };
  // One allocation for the list rather than one per growth: this runs for every message.
  route->link_list_.reserve(route->link_list_.size() + hops_.size());
  for (const auto& h : hops_) route->link_list_.push_back(at(h).impl);
  // Latencies in the Dijkstra zone's order, which walks the path back from the destination:
  // floating-point sums depend on the order, and SimGrid takes this one as the transfer's latency.
  if (latency) {
    double sum = *latency;
    for (auto it = hops_.rbegin(); it != hops_.rend(); ++it) sum += at(*it).link->get_latency();
    *latency = sum;
  }
}

}  // namespace cs

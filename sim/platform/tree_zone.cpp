#include "tree_zone.hpp"

#include <simgrid/kernel/routing/NetPoint.hpp>
#include <stdexcept>

namespace cs {

using simgrid::kernel::routing::NetPoint;
using simgrid::kernel::routing::Route;

TreeZone* TreeZone::create(const std::string& name) { return new TreeZone(name); }

void TreeZone::set_tree(TreeShape shape, const std::vector<simgrid::s4u::Host*>& hosts,
                        const std::vector<simgrid::s4u::SplitDuplexLink*>& links) {
  shape_ = std::move(shape);
  const auto& vertices = shape_.vertices();
  if (hosts.size() != vertices.size()) throw std::logic_error("TreeZone: one host per tree vertex");
  node_of_netpoint_.assign(get_table_size(), TreeShape::none);
  for (size_t node = 0; node < hosts.size(); ++node) {
    const NetPoint* np = hosts[node]->get_netpoint();
    if (np->get_englobing_zone() != this) throw std::logic_error("TreeZone: host outside the zone");
    node_of_netpoint_.at(np->id()) = node;
  }
  auto direction = [](const simgrid::s4u::Link* l) { return Direction{l->get_impl(), l}; };
  to_parent_.assign(vertices.size(), {});
  from_parent_.assign(vertices.size(), {});
  for (size_t v = 0; v < vertices.size(); ++v) {
    if (vertices[v].parent == TreeShape::none) continue;
    const auto* link = links.at(vertices[v].link);
    // A split-duplex link's "up" half carries a -> b, as in build_platform's Dijkstra routes.
    const simgrid::s4u::Link* up = link->get_link_up();
    const simgrid::s4u::Link* down = link->get_link_down();
    to_parent_[v] = direction(vertices[v].up_to_parent ? up : down);
    from_parent_[v] = direction(vertices[v].up_to_parent ? down : up);
  }
  // The Dijkstra zone gives every vertex a route to itself over the network model's loopback
  // link (CM02 and LV08 have one); SimGrid hands it out under this reserved name.
  if (const auto* loopback = simgrid::s4u::Link::by_name_or_null("__loopback__")) loopback_ = direction(loopback);
}

void TreeZone::get_local_route(const NetPoint* src, const NetPoint* dst, Route* route, double* latency) {
  const size_t s = node_of_netpoint_.at(src->id()), d = node_of_netpoint_.at(dst->id());
  if (s == TreeShape::none || d == TreeShape::none) throw std::invalid_argument("TreeZone: route to an unknown vertex");
  if (s == d) {
    if (!loopback_.impl) throw std::invalid_argument("No route from '" + src->get_name() + "' to itself");
    route->link_list_.push_back(loopback_.impl);
    if (latency) *latency += loopback_.link->get_latency();
    return;
  }
  shape_.split_path(s, d, rising_, falling_);
  // Links in path order: up from the source to the common ancestor, then down to the destination
  // (one allocation for the list rather than one per growth: this runs for every message).
  route->link_list_.reserve(route->link_list_.size() + rising_.size() + falling_.size());
  for (size_t v : rising_) route->link_list_.push_back(to_parent_[v].impl);
  for (auto it = falling_.rbegin(); it != falling_.rend(); ++it) route->link_list_.push_back(from_parent_[*it].impl);
  // Latencies in the Dijkstra zone's order, which walks the path back from the destination:
  // floating-point sums depend on the order, and SimGrid takes this one as the transfer's latency.
  if (latency) {
    double sum = *latency;
    for (size_t v : falling_) sum += from_parent_[v].link->get_latency();
    for (auto it = rising_.rbegin(); it != rising_.rend(); ++it) sum += to_parent_[*it].link->get_latency();
    *latency = sum;
  }
}

}  // namespace cs

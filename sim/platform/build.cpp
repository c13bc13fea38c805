#include "build.hpp"

#include <fmt/format.h>
#include <simgrid/kernel/ProfileBuilder.hpp>
#include <simgrid/plugins/energy.h>
#include <optional>
#include <stdexcept>

#include "route_zone.hpp"

namespace cs {
namespace {

std::string profile_text(const std::vector<TracePoint>& points, double scale) {
  std::string text;
  for (const auto& p : points) text += fmt::format("{} {}\n", p.time_s, p.value * scale);
  return text;
}

}  // namespace

sg4::Host* Platform::host(const std::string& name) const { return sg4::Host::by_name_or_null(name); }

Platform build_platform(const PlatformSpec& spec, Routing routing) {
  const Topology& topo = spec.topology;
  sg4::Engine::set_config(std::string("network/model:") + (spec.network_model == NetworkModel::cm02 ? "CM02" : "LV08"));
  sg4::Engine::set_config("network/TCP-gamma", spec.tcp_window_bytes);
  // SimGrid adds 5% reverse "cross-traffic" (TCP ACKs) by default; under CM02 we want the
  // plain model (latency + size / bandwidth), under LV08 SimGrid's calibrated behaviour.
  sg4::Engine::set_config("network/crosstraffic", spec.network_model == NetworkModel::lv08);

  Platform p;
  for (const auto& n : topo.nodes) p.energy = p.energy || n.host.idle_w.has_value();
  if (p.energy) sg_host_energy_plugin_init();

  // One zone holds every host: hosts may be transit vertices (a switch is a host with an actor),
  // and only the links on a path take part in sharing, so a star is non-blocking. Routes are the
  // shortest paths of the graph. On a tree the route zone walks them directly and yields exactly
  // the Dijkstra zone's routes, without its per-message scan of a switch's links; on a fabric it
  // follows FabricRoutes' ECMP choice (route_zone.hpp); any other graph keeps SimGrid's Dijkstra zone.
  std::unique_ptr<RouteFunction> routes;
  if (routing != Routing::dijkstra) routes = routes_of(topo);
  if (routing == Routing::tree && !routes) throw std::logic_error("build_platform: the route zone needs a tree or a fabric");
  RouteZone* route_zone = routes ? RouteZone::create(topo.kind) : nullptr;
  sg4::NetZone* zone = route_zone ? route_zone->get_iface() : sg4::create_dijkstra_zone(topo.kind, true);
  p.routing = !routes ? Routing::dijkstra : std::string_view(routes->name()) == "fabric" ? Routing::fabric : Routing::tree;
  for (const auto& n : topo.nodes) {
    sg4::Host* h = zone->create_host(n.name, n.host.speed_flops)->set_core_count(n.host.cores);
    if (p.energy) {
      // idle : epsilon (on, no load) : all cores busy; hosts without a profile draw nothing.
      double idle = n.host.idle_w.value_or(0), busy = n.host.busy_w.value_or(0);
      h->set_property("wattage_per_state", fmt::format("{}:{}:{}", idle, idle, busy));
      h->set_property("wattage_off", "0");
    }
    p.hosts.push_back(h->seal());
  }
  for (const auto& l : topo.links) {
    // SimGrid bandwidths are in bytes per second.
    auto* link = zone->create_split_duplex_link(l.name, l.spec.bandwidth_bps / 8.0);
    link->set_latency(l.spec.latency_s);
    for (sg4::Link* direction : {link->get_link_up(), link->get_link_down()}) {
      if (!l.spec.bandwidth_trace.empty())
        direction->set_bandwidth_profile(simgrid::kernel::profile::ProfileBuilder::from_string(
            direction->get_name() + "-bw", profile_text(l.spec.bandwidth_trace, 1.0 / 8.0), -1));
      if (!l.spec.latency_trace.empty())
        direction->set_latency_profile(simgrid::kernel::profile::ProfileBuilder::from_string(
            direction->get_name() + "-lat", profile_text(l.spec.latency_trace, 1.0), -1));
    }
    link->seal();
    if (!route_zone)  // an edge of the Dijkstra zone's graph, "up" from a to b, "down" back
      zone->add_route(p.hosts[l.a]->get_netpoint(), p.hosts[l.b]->get_netpoint(), nullptr, nullptr,
                      {sg4::LinkInRoute(link, sg4::LinkInRoute::Direction::UP)}, true);
    p.links.push_back(link);
  }
  if (route_zone) route_zone->set_routes(std::move(routes), p.hosts, p.links);
  zone->seal();
  return p;
}

}  // namespace cs

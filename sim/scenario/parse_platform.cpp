#include <fmt/format.h>

#include "scenario.hpp"
#include "scenario_keys.hpp"
#include "topology_kinds.hpp"

namespace cs {

HostSpec parse_host(const JsonNode& n, HostSpec defaults) {
  n.allow_keys(scenario_keys::host);
  HostSpec h = defaults;
  if (auto s = n.find("speed")) h.speed_flops = s->positive_quantity(Dimension::speed);
  h.cores = int(n.integer_or("cores", h.cores, 1, 4096));
  auto idle = n.find("idle_power"), busy = n.find("busy_power");
  if (bool(idle) != bool(busy)) n.fail("give both idle_power and busy_power, or neither");
  if (idle) {
    h.idle_w = idle->quantity(Dimension::power);
    h.busy_w = busy->quantity(Dimension::power);
    if (*h.busy_w < *h.idle_w) busy->fail("busy_power is below idle_power");
  }
  return h;
}

LinkSpec parse_link(const JsonNode& n, const std::string& base_dir) {
  n.allow_keys(scenario_keys::link);
  LinkSpec l;
  l.bandwidth_bps = n.at("bandwidth").positive_quantity(Dimension::bandwidth);
  l.latency_s = n.quantity_or("latency", Dimension::duration, 0);
  l.loss_rate = n.number_or("loss_rate", 0, 0, 1);
  if (l.loss_rate >= 1) n.at("loss_rate").fail("must be below 1");
  auto trace = [&](std::string_view key, Dimension d) {
    std::vector<TracePoint> points;
    if (auto t = n.find(key)) {
      try {
        points = read_trace_file(resolve_path(base_dir, t->text()), d);
      } catch (const BadInput& e) {
        t->fail(e.what());
      }
    }
    return points;
  };
  l.bandwidth_trace = trace("bandwidth_trace", Dimension::bandwidth);
  l.latency_trace = trace("latency_trace", Dimension::duration);
  return l;
}

int parse_count(const JsonNode& n, std::string_view key, int max) { return int(n.at(key).integer(1, max)); }

HostSpec parse_switch_host(const JsonNode& platform) {
  const HostSpec default_switch{};  // 1Tf, one core: switches compute only when a policy asks
  return platform.has("switch") ? parse_host(platform.at("switch"), default_switch) : default_switch;
}

void allow_platform_keys(const JsonNode& platform, std::span<const std::string_view> own) {
  std::vector<std::string_view> keys(std::begin(scenario_keys::platform_common), std::end(scenario_keys::platform_common));
  keys.insert(keys.end(), own.begin(), own.end());
  platform.allow_keys(std::span<const std::string_view>(keys));
}

Topology parse_star(const JsonNode& n, const std::string& base_dir) {
  allow_platform_keys(n, scenario_keys::star);
  return make_star({.hosts = parse_count(n, "hosts", max_hosts),
                    .host = parse_host(n.at("host"), HostSpec{}),
                    .switch_host = parse_switch_host(n),
                    .link = parse_link(n.at("link"), base_dir)});
}

Topology parse_two_tier(const JsonNode& n, const std::string& base_dir) {
  allow_platform_keys(n, scenario_keys::two_tier);
  int racks = parse_count(n, "racks", 4096), per_rack = parse_count(n, "hosts_per_rack", 4096);
  if (racks * per_rack > max_hosts) n.at("racks").fail(fmt::format("more than {} hosts in all", max_hosts));
  return make_two_tier({.racks = racks,
                        .hosts_per_rack = per_rack,
                        .host = parse_host(n.at("host"), HostSpec{}),
                        .switch_host = parse_switch_host(n),
                        .link = parse_link(n.at("link"), base_dir),
                        .uplink = parse_link(n.at("uplink"), base_dir)});
}

Topology parse_edge_dc(const JsonNode& n, const std::string& base_dir) {
  allow_platform_keys(n, scenario_keys::edge_dc);
  return make_edge_dc({.clients = parse_count(n, "clients", max_hosts),
                       .edges = parse_count(n, "edges", 4096),
                       .dc_servers = parse_count(n, "dc_servers", 4096),
                       .client = parse_host(n.at("client"), HostSpec{}),
                       .edge = parse_host(n.at("edge"), HostSpec{}),
                       .dc = parse_host(n.at("dc"), HostSpec{}),
                       .switch_host = parse_switch_host(n),
                       .client_link = parse_link(n.at("client_link"), base_dir),
                       .edge_link = parse_link(n.at("edge_link"), base_dir),
                       .wan = parse_link(n.at("wan"), base_dir),
                       .dc_link = parse_link(n.at("dc_link"), base_dir)});
}

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  if (p.empty() || p[0] == '/' || base_dir.empty()) return p;
  return base_dir + "/" + p;
}

PlatformSpec parse_platform(const JsonNode& n, const std::string& base_dir) {
  PlatformSpec p;
  const std::string kind = n.at("topology").choice(topology_kinds().names());
  if (auto m = n.find("network_model"))
    p.network_model = m->choice({"CM02", "LV08"}) == "CM02" ? NetworkModel::cm02 : NetworkModel::lv08;
  if (auto w = n.find("tcp_window")) p.tcp_window_bytes = w->positive_quantity(Dimension::size);
  if (auto w = n.find("ina_port_share")) {
    p.ina_port_share = w->number(0, 1);
    // 0 would stall INA's packets behind saturating flows, 1 the flows behind INA's.
    if (p.ina_port_share <= 0 || p.ina_port_share >= 1) w->fail("must be above 0 and below 1");
  }
  p.topology = topology_kinds().find(kind)->parse(n, base_dir);
  return p;
}

}  // namespace cs

// "topology": "leaf_spine" and "fat_tree" (sim/platform/fabric.hpp), registered in topology_kinds.cpp.
#include <fmt/format.h>

#include <stdexcept>

#include "platform/fabric.hpp"
#include "scenario_keys.hpp"
#include "topology_kinds.hpp"

namespace cs {
namespace {

std::optional<EdgeSiteParams> parse_edge_sites(const JsonNode& platform, const std::string& base_dir) {
  auto n = platform.find("edge_sites");
  if (!n) return std::nullopt;
  n->allow_keys(scenario_keys::edge_sites);
  EdgeSiteParams e;
  e.clients = parse_count(*n, "clients", max_hosts);
  e.edges = parse_count(*n, "edges", 4096);
  e.client = parse_host(n->at("client"), HostSpec{});
  e.edge = parse_host(n->at("edge"), HostSpec{});
  e.client_link = parse_link(n->at("client_link"), base_dir);
  e.edge_link = parse_link(n->at("edge_link"), base_dir);
  e.wan = parse_link(n->at("wan"), base_dir);
  if (auto b = n->find("border")) e.border = b->text();
  return e;
}

int parse_dc_servers(const JsonNode& platform, int hosts) {
  const int dc = int(platform.integer_or("dc_servers", 0, 0, max_hosts));
  if (dc > hosts) platform.at("dc_servers").fail(fmt::format("{} DC servers but the fabric has {} hosts", dc, hosts));
  return dc;
}

// The builders throw std::invalid_argument only for what the parser cannot check without the
// graph: a border that is not one of the fabric's switches.
template <class Build>
Topology build_fabric(const JsonNode& platform, Build build) {
  try {
    return build();
  } catch (const std::invalid_argument& e) {
    const JsonNode sites = platform.at("edge_sites");
    (sites.has("border") ? sites.at("border") : sites).fail(e.what());
  }
}

}  // namespace

Topology parse_leaf_spine(const JsonNode& n, const std::string& base_dir) {
  allow_platform_keys(n, scenario_keys::leaf_spine);
  LeafSpineParams p;
  p.leaves = parse_count(n, "leaves", 4096);
  p.spines = parse_count(n, "spines", 4096);
  p.hosts_per_leaf = parse_count(n, "hosts_per_leaf", 4096);
  if (p.leaves * p.hosts_per_leaf > max_hosts)
    n.at("leaves").fail(fmt::format("{} x {} hosts: more than {} in all", p.leaves, p.hosts_per_leaf, max_hosts));
  p.dc_servers = parse_dc_servers(n, p.leaves * p.hosts_per_leaf);
  p.host = parse_host(n.at("host"), HostSpec{});
  p.switch_host = parse_switch_host(n);
  p.link = parse_link(n.at("link"), base_dir);
  p.uplink = parse_link(n.at("uplink"), base_dir);
  p.edge_sites = parse_edge_sites(n, base_dir);
  return build_fabric(n, [&] { return make_leaf_spine(p); });
}

Topology parse_fat_tree(const JsonNode& n, const std::string& base_dir) {
  allow_platform_keys(n, scenario_keys::fat_tree);
  FatTreeParams p;
  const JsonNode k = n.at("k");
  p.k = int(k.integer(2, 4096));
  if (p.k % 2 != 0) k.fail(fmt::format("k must be even (k/2 ports up, k/2 down), got {}", p.k));
  const long long hosts = 1LL * p.k * p.k * p.k / 4;
  if (hosts > max_hosts) k.fail(fmt::format("k = {} gives {} hosts, more than {}", p.k, hosts, max_hosts));
  p.dc_servers = parse_dc_servers(n, int(hosts));
  p.host = parse_host(n.at("host"), HostSpec{});
  p.switch_host = parse_switch_host(n);
  p.link = parse_link(n.at("link"), base_dir);
  p.uplink = parse_link(n.at("uplink"), base_dir);
  p.edge_sites = parse_edge_sites(n, base_dir);
  return build_fabric(n, [&] { return make_fat_tree(p); });
}

}  // namespace cs

#pragma once
// A platform as a plain graph (hosts, switches and the links between them), built from the
// scenario's topology kind before any SimGrid object exists, so its shape can be tested alone.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cs {

struct TracePoint {
  double time_s;
  double value;  // SI units of the traced quantity
};

struct HostSpec {
  double speed_flops = 1e12;
  int cores = 1;
  std::optional<double> idle_w, busy_w;  // both or neither: energy is reported when set
};

struct LinkSpec {
  double bandwidth_bps = 10e9;
  double latency_s = 1e-6;
  double loss_rate = 0;  // packet loss probability, applied by transports that model loss
  std::vector<TracePoint> bandwidth_trace;  // empty: constant
  std::vector<TracePoint> latency_trace;
};

enum class NodeRole { compute, switch_node, client, edge, datacenter };
std::string_view role_name(NodeRole r);

struct TopologyNode {
  std::string name;
  NodeRole role;
  HostSpec host;
};

// A full-duplex link: each direction has the whole bandwidth. "up" is from `a` to `b`.
struct TopologyLink {
  std::string name;
  size_t a, b;
  LinkSpec spec;
};

struct FabricLayout;  // fabric.hpp

struct Topology {
  std::string kind;
  std::vector<TopologyNode> nodes;
  std::vector<TopologyLink> links;
  // Set by make_leaf_spine and make_fat_tree: where each node sits, which their routes need.
  std::shared_ptr<const FabricLayout> fabric;

  std::optional<size_t> find(std::string_view name) const;
  std::vector<std::string> names_with_role(NodeRole role) const;
  size_t add_node(std::string name, NodeRole role, const HostSpec& host);
  void add_link(size_t a, size_t b, const LinkSpec& spec);

 private:
  // Name -> node, kept by add_node: resolving a 60,000-host worker list by linear search took
  // seconds. Add nodes through add_node; find() scans when `nodes` grew without it.
  std::unordered_map<std::string, size_t> index_;
};

struct StarParams { int hosts; HostSpec host, switch_host; LinkSpec link; };
struct TwoTierParams { int racks, hosts_per_rack; HostSpec host, switch_host; LinkSpec link, uplink; };
struct EdgeDcParams {
  int clients, edges, dc_servers;
  HostSpec client, edge, dc, switch_host;
  LinkSpec client_link, edge_link, wan, dc_link;
};

// host0..hostN-1 under "switch".
Topology make_star(const StarParams& p);
// host0..hostN-1, rack r holding hosts [r*H, (r+1)*H) under "tor<r>", all ToRs under "spine".
Topology make_two_tier(const TwoTierParams& p);
// client<i> attached to edge<i mod E>; edges under "edge-switch"; a WAN link to "dc-switch";
// dc<j> under "dc-switch".
Topology make_edge_dc(const EdgeDcParams& p);

}  // namespace cs

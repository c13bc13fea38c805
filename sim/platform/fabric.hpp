#pragma once
// Data-centre fabrics with more than one path between hosts: a leaf-spine (every leaf wired to
// every spine) and a k-ary fat-tree (Al-Fares, Loukissas and Vahdat, SIGCOMM 2008), optionally
// with edge sites (cameras and edge devices, as in edge_dc) behind a WAN link at a named border
// switch. Plain C++: the graph and its routes are built and tested before SimGrid sees them.
//
// Routing (FabricRoutes): shortest paths only, one per ordered pair, chosen deterministically.
// Walking from src, each hop goes to a neighbour one step closer to dst (distances are closed
// forms of the fabric's structure, below); when several neighbours are, the choice is
// D-mod-k (Zahavi, "D-Mod-K routing providing non-blocking traffic for shift permutations on
// real life fat trees", 2010): the destination's ordinal (its host index for hosts) is read as
// mixed-radix digits, one digit per branching, least significant first. In a leaf-spine the
// spine is dst mod spines; in a fat-tree the aggregation switch is dst mod k/2 and the core in
// its group (dst / (k/2)) mod k/2. Why the destination and not (src + dst): any permutation of
// hosts then spreads exactly evenly over spines and cores, and a ring all-reduce (i -> i + 1),
// which (src + dst) would keep on odd spines only, uses them all. The cost: traffic converging
// on one host (a parameter server's incast) shares one spine, the one its downlink hangs on.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "routes.hpp"
#include "topology.hpp"

namespace cs {

// Edge sites as in edge_dc: client<i> on a client_link to edge<i mod edges>, every edge on an
// edge_link to "edge-switch", and a wan link from edge-switch to the fabric switch `border`.
struct EdgeSiteParams {
  int clients = 0, edges = 0;
  HostSpec client, edge;
  LinkSpec client_link, edge_link, wan;
  std::string border;  // empty: the first spine (leaf_spine) or the first core (fat_tree)
};

// Hosts host<i> in leaf order (leaf l holds [l*H, (l+1)*H)) under leaf<l>; every leaf has an
// uplink to every spine<s>.
struct LeafSpineParams {
  int leaves = 1, spines = 1, hosts_per_leaf = 1;
  int dc_servers = 0;  // host0..host<n-1> get NodeRole::datacenter instead of compute
  HostSpec host, switch_host;
  LinkSpec link, uplink;
  std::optional<EdgeSiteParams> edge_sites;
};

// k pods; pod p has edge (ToR) switches tor<p>_<i> and aggregation switches agg<p>_<i>,
// i < k/2; (k/2)^2 cores core<c>. tor<p>_<i> holds hosts host<(p*k/2 + i)*k/2 + j>, j < k/2,
// and has an uplink to every agg<p>_<a>; agg<p>_<a> has an uplink to cores a*k/2 .. a*k/2+k/2-1.
// ToRs are not named edge<..>: edge sites own that name.
struct FatTreeParams {
  int k = 4;
  int dc_servers = 0;
  HostSpec host, switch_host;
  LinkSpec link, uplink;  // host links; switch-to-switch links
  std::optional<EdgeSiteParams> edge_sites;
};

// Throw std::invalid_argument (the parser names the JSON path) when edge_sites.border does not
// name a switch of the fabric or a size is out of range.
Topology make_leaf_spine(const LeafSpineParams& p);
Topology make_fat_tree(const FatTreeParams& p);

// Where each node sits, recorded by the builders for FabricRoutes' arithmetic.
struct FabricLayout {
  // host: index = host ordinal; leaf: leaf-spine leaf or fat-tree ToR, index = p*k/2 + i;
  // agg: index = p*k/2 + a; top: spine or core index; site nodes: client / edge ordinal.
  enum class Tier : std::uint8_t { host, leaf, agg, top, client, site_edge, site_switch };
  struct Place {
    Tier tier;
    std::uint32_t index;
  };
  bool fat_tree = false;
  int hosts_per_leaf = 1;  // fat-tree: k/2
  int half = 1;  // fat-tree: k/2 (ToRs and aggs per pod, cores per group)
  int site_edges = 0;
  size_t border = size_t(-1);  // the node the WAN attaches to (with edge sites)
  std::vector<Place> place;  // indexed like Topology::nodes
};

class FabricRoutes final : public RouteFunction {
 public:
  explicit FabricRoutes(const Topology& topology);  // throws std::logic_error without a layout

  void path(size_t src, size_t dst, std::vector<RouteHop>& hops) override;
  const char* name() const override { return "fabric"; }
  std::vector<RouteHop> path(size_t src, size_t dst);

  // Hops on a shortest path (the closed forms the walk follows).
  int distance(size_t a, size_t b) const;
  // How many distinct shortest paths join src and dst (ECMP's choice set).
  long long path_count(size_t src, size_t dst) const;

 private:
  struct Adjacent {
    size_t node, link;
    bool up;  // crossing the link from this node to `node` goes a -> b
  };
  int fabric_distance(size_t a, size_t b) const;
  int site_depth(size_t v) const;  // links from a site node to edge-switch

  std::shared_ptr<const FabricLayout> layout_;
  // Neighbours that forward (degree > 1), in link order: the ECMP candidates, scanned per hop.
  std::vector<std::vector<Adjacent>> transit_;
  // For a node with a single link (a host, a client): that link, so the last hop is found
  // without scanning a leaf's hosts.
  std::vector<std::optional<Adjacent>> attachment_;
};

}  // namespace cs

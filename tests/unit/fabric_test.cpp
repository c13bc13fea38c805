// Leaf-spine and fat-tree fabrics (sim/platform/fabric.hpp): their shape, and FabricRoutes'
// deterministic ECMP routes, checked against closed forms and against breadth-first search over
// the plain graph (independent of FabricRoutes' distance arithmetic).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "platform/fabric.hpp"
#include "scenario/scenario.hpp"
#include "scenario/topology_kinds.hpp"
#include "test_util.hpp"

using namespace cs;

namespace {

using cs::testing::bad_input_of;
using cs::testing::link_of;

size_t node(const Topology& t, const std::string& name) {
  auto i = t.find(name);
  if (!i) throw std::invalid_argument("no node " + name);
  return *i;
}

// Hop distances from src by breadth-first search.
std::vector<int> bfs(const Topology& t, size_t src) {
  std::vector<std::vector<size_t>> adjacent(t.nodes.size());
  for (const auto& l : t.links) adjacent[l.a].push_back(l.b), adjacent[l.b].push_back(l.a);
  std::vector<int> dist(t.nodes.size(), -1);
  std::vector<size_t> queue{src};
  dist[src] = 0;
  for (size_t i = 0; i < queue.size(); ++i)
    for (size_t v : adjacent[queue[i]])
      if (dist[v] < 0) dist[v] = dist[queue[i]] + 1, queue.push_back(v);
  return dist;
}

// Shortest paths from src to every node, counted over the BFS layers.
std::vector<long long> bfs_path_counts(const Topology& t, size_t src) {
  const auto dist = bfs(t, src);
  std::vector<size_t> order(t.nodes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return dist[a] < dist[b]; });
  std::vector<long long> count(t.nodes.size(), 0);
  count[src] = 1;
  for (size_t v : order)
    for (const auto& l : t.links) {
      if (l.a == v && dist[l.b] == dist[v] + 1) count[l.b] += count[v];
      if (l.b == v && dist[l.a] == dist[v] + 1) count[l.a] += count[v];
    }
  return count;
}

// The hops form a walk from src to dst: each starts where the previous ended, in its direction.
void expect_walk(const Topology& t, size_t src, size_t dst, const std::vector<RouteHop>& hops) {
  size_t at = src;
  for (const auto& h : hops) {
    const auto& l = t.links.at(h.link);
    ASSERT_EQ(h.up ? l.a : l.b, at) << t.nodes[src].name << " -> " << t.nodes[dst].name << " breaks at " << l.name;
    at = h.up ? l.b : l.a;
  }
  EXPECT_EQ(at, dst) << t.nodes[src].name << " -> " << t.nodes[dst].name;
}

// Every ordered pair: the route is a walk of the BFS length, distance() is the BFS distance, and
// path_count() the number of BFS shortest paths.
void expect_shortest_everywhere(const Topology& t) {
  FabricRoutes routes(t);
  for (size_t s = 0; s < t.nodes.size(); ++s) {
    const auto dist = bfs(t, s);
    const auto counts = bfs_path_counts(t, s);
    for (size_t d = 0; d < t.nodes.size(); ++d) {
      const auto hops = routes.path(s, d);
      expect_walk(t, s, d, hops);
      ASSERT_EQ(int(hops.size()), dist[d]) << t.nodes[s].name << " -> " << t.nodes[d].name;
      ASSERT_EQ(routes.distance(s, d), dist[d]) << t.nodes[s].name << " -> " << t.nodes[d].name;
      ASSERT_EQ(routes.path_count(s, d), counts[d]) << t.nodes[s].name << " -> " << t.nodes[d].name;
    }
  }
}

LeafSpineParams leaf_spine(int leaves, int spines, int per_leaf) {
  LeafSpineParams p;
  p.leaves = leaves, p.spines = spines, p.hosts_per_leaf = per_leaf;
  p.link = link_of(10e9), p.uplink = link_of(40e9);
  return p;
}

FatTreeParams fat_tree(int k) {
  FatTreeParams p;
  p.k = k, p.link = link_of(10e9), p.uplink = link_of(10e9);
  return p;
}

EdgeSiteParams sites(std::string border) {
  EdgeSiteParams e;
  e.clients = 5, e.edges = 2, e.client_link = link_of(1e8), e.edge_link = link_of(1e9), e.wan = link_of(1e9);
  e.border = std::move(border);
  return e;
}

void expect_unique_names(const Topology& t) {
  std::set<std::string> names, links;
  for (const auto& n : t.nodes) EXPECT_TRUE(names.insert(n.name).second) << n.name;
  for (const auto& l : t.links) EXPECT_TRUE(links.insert(l.name).second) << l.name;
}

}  // namespace

TEST(Fabric, LeafSpineCounts) {
  for (auto [l, s, h] : {std::tuple{1, 1, 1}, {2, 3, 4}, {8, 4, 16}, {32, 8, 32}}) {
    Topology t = make_leaf_spine(leaf_spine(l, s, h));
    expect_unique_names(t);
    EXPECT_EQ(t.kind, "leaf_spine");
    EXPECT_EQ(t.nodes.size(), size_t(l + s + l * h));
    EXPECT_EQ(t.links.size(), size_t(l * s + l * h));
    EXPECT_EQ(t.names_with_role(NodeRole::compute).size(), size_t(l * h));
    EXPECT_EQ(t.names_with_role(NodeRole::switch_node).size(), size_t(l + s));
  }
  Topology t = make_leaf_spine(leaf_spine(2, 3, 4));
  // host<i> in leaf order: host5 is leaf1's second host, and its link starts at the host (parse_training
  // takes the far end of a host's link as its ToR).
  for (const auto& link : t.links)
    if (link.a == node(t, "host5")) {
      EXPECT_EQ(t.nodes[link.b].name, "leaf1");
    }
}

TEST(Fabric, FatTreeCounts) {
  for (int k : {2, 4, 6, 8, 16}) {
    Topology t = make_fat_tree(fat_tree(k));
    expect_unique_names(t);
    const int half = k / 2;
    EXPECT_EQ(t.names_with_role(NodeRole::compute).size(), size_t(k * k * k / 4)) << k;
    EXPECT_EQ(t.names_with_role(NodeRole::switch_node).size(), size_t(k * k + half * half)) << k;  // 5k^2/4
    // host links k^3/4, ToR-agg k (k/2)^2, agg-core k (k/2)^2.
    EXPECT_EQ(t.links.size(), size_t(3 * k * k * k / 4)) << k;
    // Every switch has k ports, a core one per pod.
    std::vector<int> degree(t.nodes.size(), 0);
    for (const auto& l : t.links) ++degree[l.a], ++degree[l.b];
    for (size_t v = 0; v < t.nodes.size(); ++v)
      EXPECT_EQ(degree[v], t.nodes[v].role == NodeRole::switch_node ? k : 1) << t.nodes[v].name;
  }
  EXPECT_TRUE(make_fat_tree(fat_tree(4)).find("tor3_1"));
  EXPECT_TRUE(make_fat_tree(fat_tree(4)).find("core3"));
  EXPECT_FALSE(make_fat_tree(fat_tree(4)).find("edge0"));  // edge sites own that name
}

TEST(Fabric, DcServersAreTheFirstHosts) {
  auto p = leaf_spine(4, 2, 3);
  p.dc_servers = 4;
  Topology t = make_leaf_spine(p);
  EXPECT_EQ(t.names_with_role(NodeRole::datacenter), (std::vector<std::string>{"host0", "host1", "host2", "host3"}));
  EXPECT_EQ(t.names_with_role(NodeRole::compute).size(), 8u);
  auto f = fat_tree(4);
  f.dc_servers = 17;
  EXPECT_THROW(make_fat_tree(f), std::invalid_argument);
}

TEST(Fabric, LeafSpineRoutesAreShortestWithSpinesPaths) {
  auto p = leaf_spine(3, 4, 2);
  Topology t = make_leaf_spine(p);
  expect_shortest_everywhere(t);
  FabricRoutes r(t);
  EXPECT_EQ(r.path(node(t, "host0"), node(t, "host1")).size(), 2u);  // same leaf
  EXPECT_EQ(r.path(node(t, "host0"), node(t, "host5")).size(), 4u);  // via a spine
  EXPECT_EQ(r.path_count(node(t, "host0"), node(t, "host1")), 1);
  EXPECT_EQ(r.path_count(node(t, "host0"), node(t, "host5")), 4);  // one per spine
}

TEST(Fabric, FatTreeRoutesAreShortestWithClosedFormCounts) {
  for (int k : {2, 4, 6}) expect_shortest_everywhere(make_fat_tree(fat_tree(k)));
  for (int k : {4, 8}) {
    Topology t = make_fat_tree(fat_tree(k));
    FabricRoutes r(t);
    const int half = k / 2, per_pod = half * half;
    const size_t h0 = node(t, "host0");
    const size_t same_edge = node(t, "host1"), same_pod = node(t, fmt::format("host{}", half)),
                 other_pod = node(t, fmt::format("host{}", per_pod));
    EXPECT_EQ(r.path(h0, same_edge).size(), 2u);
    EXPECT_EQ(r.path(h0, same_pod).size(), 4u);
    EXPECT_EQ(r.path(h0, other_pod).size(), 6u);
    EXPECT_EQ(r.path_count(h0, same_edge), 1);
    EXPECT_EQ(r.path_count(h0, same_pod), half);
    EXPECT_EQ(r.path_count(h0, other_pod), half * half);
  }
}

TEST(Fabric, EcmpIsDestinationModSpines) {
  // Leaf-spine, 4 leaves x 8 hosts, 4 spines. The spine of a cross-leaf pair is dst mod 4.
  Topology t = make_leaf_spine(leaf_spine(4, 4, 8));
  FabricRoutes r(t);
  const int hosts = 32, per_leaf = 8, spines = 4;
  auto spine_of = [&](int s, int d) {
    for (const auto& h : r.path(node(t, fmt::format("host{}", s)), node(t, fmt::format("host{}", d))))
      if (t.nodes[t.links[h.link].b].role == NodeRole::switch_node && t.nodes[t.links[h.link].b].name.starts_with("spine"))
        return t.nodes[t.links[h.link].b].name;
    return std::string("none");
  };
  // A full permutation (shift by one leaf): each spine carries exactly hosts / spines pairs.
  std::map<std::string, int> shift;
  for (int s = 0; s < hosts; ++s) ++shift[spine_of(s, (s + per_leaf) % hosts)];
  EXPECT_EQ(shift, (std::map<std::string, int>{{"spine0", 8}, {"spine1", 8}, {"spine2", 8}, {"spine3", 8}}));
  // All-to-all: every destination's (hosts - per_leaf) remote sources share its spine.
  std::map<std::string, int> all;
  for (int s = 0; s < hosts; ++s)
    for (int d = 0; d < hosts; ++d)
      if (s / per_leaf != d / per_leaf) ++all[spine_of(s, d)];
  const int each = hosts / spines * (hosts - per_leaf);
  EXPECT_EQ(all, (std::map<std::string, int>{{"spine0", each}, {"spine1", each}, {"spine2", each}, {"spine3", each}}));
  EXPECT_EQ(spine_of(0, 13), "spine1");
  EXPECT_EQ(spine_of(31, 14), "spine2");
}

TEST(Fabric, FatTreeShiftPermutationIsContentionFree) {
  // D-mod-k on a full fat-tree: a shift by half the hosts crosses pods, each core carries
  // exactly k flows, and no switch-to-switch link direction carries two.
  for (int k : {4, 6, 8}) {
    Topology t = make_fat_tree(fat_tree(k));
    FabricRoutes r(t);
    const int hosts = k * k * k / 4;
    std::map<std::string, int> per_core;
    std::map<std::pair<size_t, bool>, int> per_direction;
    for (int s = 0; s < hosts; ++s) {
      const size_t src = node(t, fmt::format("host{}", s)), dst = node(t, fmt::format("host{}", (s + hosts / 2) % hosts));
      for (const auto& h : r.path(src, dst)) {
        const auto& l = t.links[h.link];
        const auto& to = t.nodes[h.up ? l.b : l.a];
        if (to.name.starts_with("core")) ++per_core[to.name];
        if (t.nodes[l.a].role == NodeRole::switch_node && t.nodes[l.b].role == NodeRole::switch_node)
          ++per_direction[std::pair(h.link, h.up)];
      }
    }
    ASSERT_EQ(per_core.size(), size_t(k * k / 4)) << k;
    for (const auto& [core, flows] : per_core) EXPECT_EQ(flows, k) << k << " " << core;
    for (const auto& [direction, flows] : per_direction) EXPECT_EQ(flows, 1) << k << " " << t.links[direction.first].name;
    // Each flow crosses 4 switch-to-switch links (ToR-agg-core-agg-ToR), all distinct.
    EXPECT_EQ(per_direction.size(), size_t(4 * hosts)) << k;
  }
}

TEST(Fabric, EdgeSitesReachEveryHostThroughTheBorder) {
  for (std::string border : {"", "leaf1", "spine2"}) {
    auto p = leaf_spine(3, 3, 2);
    p.edge_sites = sites(border);
    Topology t = make_leaf_spine(p);
    expect_unique_names(t);
    expect_shortest_everywhere(t);
    const size_t border_node = node(t, border.empty() ? "spine0" : border);
    const size_t wan = t.links.size() - 5 /*clients*/ - 2 /*edges*/ - 1;
    EXPECT_EQ(t.links[wan].name, fmt::format("edge-switch-{}", t.nodes[border_node].name));
    FabricRoutes r(t);
    for (const auto& client : t.names_with_role(NodeRole::client))
      for (const auto& host : t.names_with_role(NodeRole::compute)) {
        const auto hops = r.path(node(t, client), node(t, host));
        ASSERT_GE(hops.size(), 4u);
        EXPECT_EQ(hops[2], (RouteHop{wan, true})) << client << " -> " << host;  // client-edge-switch, then the WAN
        EXPECT_EQ(hops.size(), 3 + size_t(r.distance(border_node, node(t, host))));
        const auto back = r.path(node(t, host), node(t, client));
        EXPECT_EQ(back[back.size() - 3], (RouteHop{wan, false}));
      }
  }
  auto f = fat_tree(4);
  f.edge_sites = sites("agg2_1");
  Topology t = make_fat_tree(f);
  expect_shortest_everywhere(t);
  EXPECT_EQ(t.names_with_role(NodeRole::client).size(), 5u);
  EXPECT_EQ(t.names_with_role(NodeRole::edge), (std::vector<std::string>{"edge0", "edge1"}));
  f.edge_sites = sites("host3");  // a host, not a switch
  EXPECT_THROW(make_fat_tree(f), std::invalid_argument);
}

namespace {

std::string platform_error(nlohmann::json platform) {
  return bad_input_of([&] { parse_platform(JsonNode(platform, "f.json", "/platform"), ""); });
}

nlohmann::json fat_tree_json() {
  return {{"topology", "fat_tree"}, {"k", 4}, {"host", nlohmann::json::object()},
          {"link", {{"bandwidth", "10Gbps"}}}, {"uplink", {{"bandwidth", "10Gbps"}}}};
}

}  // namespace

TEST(Fabric, ParsedWithPathsInErrors) {
  PlatformSpec ok = parse_platform(JsonNode(fat_tree_json(), "f.json", "/platform"), "");
  EXPECT_EQ(ok.topology.kind, "fat_tree");
  EXPECT_EQ(ok.topology.names_with_role(NodeRole::compute).size(), 16u);

  auto odd = fat_tree_json();
  odd["k"] = 5;
  EXPECT_CONTAINS(platform_error(odd), "f.json: /platform/k: k must be even");
  odd["k"] = 64;
  EXPECT_CONTAINS(platform_error(odd), "/platform/k: k = 64 gives 65536 hosts, more than 60000");
  auto dc = fat_tree_json();
  dc["dc_servers"] = 17;
  EXPECT_CONTAINS(platform_error(dc), "/platform/dc_servers: 17 DC servers but the fabric has 16 hosts");
  auto border = fat_tree_json();
  border["edge_sites"] = {{"clients", 2},          {"edges", 1}, {"client", nlohmann::json::object()},
                          {"edge", nlohmann::json::object()}, {"client_link", {{"bandwidth", "1Gbps"}}},
                          {"edge_link", {{"bandwidth", "1Gbps"}}}, {"wan", {{"bandwidth", "1Gbps"}}},
                          {"border", "spine0"}};
  EXPECT_CONTAINS(platform_error(border), "/platform/edge_sites/border: \"spine0\" is not a switch of the fat_tree fabric");
  border["edge_sites"]["border"] = "core3";
  EXPECT_EQ(parse_platform(JsonNode(border, "f.json", "/platform"), "").topology.names_with_role(NodeRole::client).size(), 2u);

  nlohmann::json ls = {{"topology", "leaf_spine"}, {"leaves", 0}, {"spines", 2}, {"hosts_per_leaf", 4},
                       {"host", nlohmann::json::object()}, {"link", {{"bandwidth", "10Gbps"}}}, {"uplink", {{"bandwidth", "40Gbps"}}}};
  EXPECT_CONTAINS(platform_error(ls), "/platform/leaves: 0 is out of range");
  ls["leaves"] = 2;
  ls["k"] = 4;
  EXPECT_CONTAINS(platform_error(ls), "/platform/k: unknown key \"k\"");
}

TEST(Fabric, TopologyKindsComeFromOneTable) {
  std::vector<std::string> names;
  for (const auto* k : topology_kinds().entries()) names.emplace_back(k->name);
  EXPECT_EQ(names, (std::vector<std::string>{"star", "two_tier", "edge_dc", "leaf_spine", "fat_tree"}));
  EXPECT_CONTAINS(platform_error({{"topology", "fat-tree"}}),
                  "unknown value \"fat-tree\" (did you mean \"fat_tree\"?); one of: star, two_tier, edge_dc, leaf_spine, fat_tree");
}

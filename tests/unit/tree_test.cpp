// The tree shape behind the tree routing zone (sim/platform/tree.hpp), before any SimGrid object
// exists: which graphs are trees, and that the walk to the common ancestor is the graph's
// shortest path, link by link and direction by direction, for every ordered pair of vertices.
#include <gtest/gtest.h>

#include <deque>

#include "platform/tree.hpp"

#include "test_util.hpp"

using namespace cs;

namespace {

using cs::testing::link_of;

// The shortest path by breadth-first search over the plain graph, independent of TreeShape: what
// SimGrid's Dijkstra zone finds when every link costs one hop and paths are unique.
std::vector<TreeShape::Hop> bfs_path(const Topology& t, size_t src, size_t dst) {
  const size_t none = TreeShape::none;
  std::vector<size_t> via(t.nodes.size(), none);  // link that reached each node
  std::vector<bool> seen(t.nodes.size(), false);
  std::deque<size_t> queue{src};
  seen[src] = true;
  while (!queue.empty()) {
    size_t v = queue.front();
    queue.pop_front();
    for (size_t l = 0; l < t.links.size(); ++l) {
      const auto& link = t.links[l];
      if (link.a != v && link.b != v) continue;
      size_t u = link.a == v ? link.b : link.a;
      if (seen[u]) continue;
      seen[u] = true;
      via[u] = l;
      queue.push_back(u);
    }
  }
  std::vector<TreeShape::Hop> hops;
  for (size_t v = dst; v != src;) {
    const auto& link = t.links.at(via.at(v));
    hops.insert(hops.begin(), {via[v], link.b == v});  // crossed a -> b when it arrived at b
    v = link.a == v ? link.b : link.a;
  }
  return hops;
}

void expect_paths_are_shortest(const Topology& t) {
  auto shape = TreeShape::of(t);
  ASSERT_TRUE(shape.has_value()) << t.kind;
  for (size_t s = 0; s < t.nodes.size(); ++s)
    for (size_t d = 0; d < t.nodes.size(); ++d)
      EXPECT_EQ(shape->path(s, d), bfs_path(t, s, d)) << t.kind << ": " << t.nodes[s].name << " -> " << t.nodes[d].name;
}

Topology star(int hosts) { return make_star({.hosts = hosts, .host = {}, .switch_host = {}, .link = link_of(1e9)}); }

}  // namespace

TEST(Tree, StarPathsAreTheShortestPaths) { expect_paths_are_shortest(star(5)); }

TEST(Tree, TwoTierPathsAreTheShortestPaths) {
  expect_paths_are_shortest(make_two_tier(
      {.racks = 3, .hosts_per_rack = 3, .host = {}, .switch_host = {}, .link = link_of(1e9), .uplink = link_of(4e9)}));
}

TEST(Tree, EdgeDcPathsAreTheShortestPaths) {
  expect_paths_are_shortest(make_edge_dc({.clients = 7, .edges = 3, .dc_servers = 2, .client = {}, .edge = {}, .dc = {},
                                          .switch_host = {}, .client_link = link_of(1e8), .edge_link = link_of(1e9),
                                          .wan = link_of(5e8), .dc_link = link_of(1e10)}));
}

TEST(Tree, PathsByName) {
  Topology t = make_two_tier(
      {.racks = 2, .hosts_per_rack = 2, .host = {}, .switch_host = {}, .link = link_of(1e9), .uplink = link_of(4e9)});
  auto shape = TreeShape::of(t);
  ASSERT_TRUE(shape);
  auto names = [&](const char* src, const char* dst) {
    std::vector<std::string> out;
    for (auto hop : shape->path(*t.find(src), *t.find(dst)))
      out.push_back(t.links[hop.link].name + (hop.up ? "_UP" : "_DOWN"));
    return out;
  };
  EXPECT_EQ(names("host0", "host3"),
            (std::vector<std::string>{"host0-tor0_UP", "tor0-spine_UP", "tor1-spine_DOWN", "host3-tor1_DOWN"}));
  EXPECT_EQ(names("host0", "host1"), (std::vector<std::string>{"host0-tor0_UP", "host1-tor0_DOWN"}));
  EXPECT_EQ(names("spine", "host2"), (std::vector<std::string>{"tor1-spine_DOWN", "host2-tor1_DOWN"}));
  EXPECT_EQ(names("tor1", "tor0"), (std::vector<std::string>{"tor1-spine_UP", "tor0-spine_DOWN"}));
  EXPECT_TRUE(names("tor1", "tor1").empty());
}

TEST(Tree, RootedAtNodeZero) {
  Topology t = star(3);
  auto shape = TreeShape::of(t);
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->vertices()[0].parent, TreeShape::none);
  EXPECT_EQ(shape->vertices()[0].depth, 0u);
  for (size_t v = 1; v < t.nodes.size(); ++v) {
    EXPECT_EQ(shape->vertices()[v].parent, 0u);
    EXPECT_EQ(shape->vertices()[v].depth, 1u);
    EXPECT_TRUE(shape->vertices()[v].up_to_parent);  // host<i>-switch: a is the host
  }
}

TEST(Tree, OtherGraphsAreNotTrees) {
  // A cycle: two hosts of a star also linked to each other.
  Topology ring = star(3);
  ring.add_link(1, 2, link_of(1e9));
  EXPECT_FALSE(TreeShape::of(ring));
  // n - 1 links, but a parallel link leaves a node unreached.
  Topology parallel = star(3);
  parallel.links.back() = parallel.links.front();
  EXPECT_FALSE(TreeShape::of(parallel));
  // n - 1 links, but one of them loops on a node.
  Topology self = star(3);
  self.links.back().b = self.links.back().a;
  EXPECT_FALSE(TreeShape::of(self));
  // Too few links.
  Topology cut = star(3);
  cut.links.pop_back();
  EXPECT_FALSE(TreeShape::of(cut));
  EXPECT_FALSE(TreeShape::of(Topology{}));
  // A single vertex is a tree.
  Topology one;
  one.add_node("alone", NodeRole::compute, {});
  EXPECT_TRUE(TreeShape::of(one));
}

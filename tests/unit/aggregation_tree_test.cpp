// Where a two-level INA job sums (sim/platform/aggregation_tree.hpp), checked on the plain
// graph before SimGrid exists: each worker's first level is its own switch, and the second is
// the first switch on every first-level route to the PS, whose place follows from D-mod-k
// routing in closed form (fabric.hpp): in a leaf-spine the spine is the PS's host index mod
// the spines; in a k-ary fat-tree every route toward the PS climbs through aggregation switch
// ps mod k/2 of its pod and, between pods, core (ps mod k/2) * k/2 + (ps / (k/2)) mod k/2.
#include <gtest/gtest.h>

#include "platform/aggregation_tree.hpp"
#include "platform/fabric.hpp"
#include "test_util.hpp"

using namespace cs;

namespace {

using cs::testing::link_of;

size_t node(const Topology& t, const std::string& name) { return t.find(name).value(); }
std::string name_of(const Topology& t, size_t n) { return t.nodes[n].name; }

std::vector<size_t> hosts(const Topology& t, std::initializer_list<int> indices) {
  std::vector<size_t> out;
  for (int i : indices) out.push_back(node(t, "host" + std::to_string(i)));
  return out;
}

Topology leaf_spine(int leaves, int spines, int per_leaf) {
  LeafSpineParams p;
  p.leaves = leaves, p.spines = spines, p.hosts_per_leaf = per_leaf, p.link = link_of(10e9), p.uplink = link_of(10e9);
  return make_leaf_spine(p);
}

Topology fat_tree(int k) {
  FatTreeParams p;
  p.k = k, p.link = link_of(10e9), p.uplink = link_of(10e9);
  return make_fat_tree(p);
}

}  // namespace

TEST(AggregationTree, OneLevelSumsAtTheFirstWorkersSwitch) {
  const Topology t = leaf_spine(4, 2, 4);
  auto routes = routes_of(t);
  const auto tree = aggregation_tree(t, routes.get(), hosts(t, {5, 0, 9}), node(t, "host12"), 1);
  EXPECT_FALSE(tree.two_level());
  EXPECT_EQ(name_of(t, tree.top), "leaf1");
  for (size_t s : tree.first_level) EXPECT_EQ(name_of(t, s), "leaf1");
}

TEST(AggregationTree, LeafSpineMeetsOnThePsSpineOrOnThePsLeaf) {
  for (int spines : {1, 2, 3, 4}) {
    const Topology t = leaf_spine(5, spines, 4);
    auto routes = routes_of(t);
    for (int ps = 16; ps < 20; ++ps) {  // leaf4 holds no worker
      const auto tree = aggregation_tree(t, routes.get(), hosts(t, {0, 1, 5, 9, 13}), node(t, "host" + std::to_string(ps)), 2);
      ASSERT_TRUE(tree.two_level());
      EXPECT_EQ(name_of(t, tree.top), "spine" + std::to_string(ps % spines)) << spines << " spines, PS host" << ps;
      const char* expected[] = {"leaf0", "leaf0", "leaf1", "leaf2", "leaf3"};
      for (size_t w = 0; w < tree.first_level.size(); ++w) EXPECT_EQ(name_of(t, tree.first_level[w]), expected[w]);
    }
    // The PS beside workers: every other leaf's route comes down through its leaf (ATP's
    // second level at the PS's rack switch).
    const auto beside = aggregation_tree(t, routes.get(), hosts(t, {0, 5, 9}), node(t, "host6"), 2);
    EXPECT_EQ(name_of(t, beside.top), "leaf1");
  }
}

TEST(AggregationTree, FatTreeMeetsOnThePodsAggregationSwitchOrOnACore) {
  for (int k : {4, 6, 8}) {
    const Topology t = fat_tree(k);
    auto routes = routes_of(t);
    const int half = k / 2, per_pod = half * half;
    const int ps = per_pod + 1;  // pod 1, ToR tor1_0
    // Workers on two ToRs of pod 0: both climb to their pod's aggregation switch ps mod k/2
    // (D-mod-k by the destination), where they meet.
    const auto same_pod = aggregation_tree(t, routes.get(), hosts(t, {0, half}), node(t, "host" + std::to_string(ps)), 2);
    EXPECT_EQ(name_of(t, same_pod.top), "agg0_" + std::to_string(ps % half)) << "k=" << k;
    // Workers in pods 0 and 2: their routes meet at core (ps mod k/2) * k/2 + (ps / k/2) mod k/2.
    const auto across = aggregation_tree(t, routes.get(), hosts(t, {0, 2 * per_pod}), node(t, "host" + std::to_string(ps)), 2);
    EXPECT_EQ(name_of(t, across.top), "core" + std::to_string((ps % half) * half + (ps / half) % half)) << "k=" << k;
    // One worker in the PS's pod on another ToR: the routes meet at the pod's aggregation switch.
    const auto in_pod = aggregation_tree(t, routes.get(), hosts(t, {0, per_pod + half}), node(t, "host" + std::to_string(ps)), 2);
    EXPECT_EQ(name_of(t, in_pod.top), "agg1_" + std::to_string(ps % half)) << "k=" << k;
  }
}

TEST(AggregationTree, WithoutARouteFunctionTwoLevelsAreRefused) {
  const Topology t = leaf_spine(2, 1, 2);
  EXPECT_THROW(aggregation_tree(t, nullptr, hosts(t, {0, 2}), node(t, "host1"), 2), std::invalid_argument);
  // One leaf needs no routes: two levels are one.
  EXPECT_EQ(name_of(t, aggregation_tree(t, nullptr, hosts(t, {0, 1}), node(t, "host2"), 2).top), "leaf0");
}

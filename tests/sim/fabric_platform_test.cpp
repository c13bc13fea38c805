// Leaf-spine and fat-tree platforms in SimGrid: the route zone hands SimGrid exactly
// FabricRoutes' paths (link by link, direction by direction, latency summed last link first),
// transfers take the closed-form CM02 time over the ECMP-chosen links, and in-network
// aggregation runs at the first worker's leaf switch. Each simulation runs in a forked child.
#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>

#include "platform/build.hpp"
#include "platform/fabric.hpp"
#include "sim_fixture.hpp"

namespace cs {
namespace {

using nlohmann::json;

json link(const std::string& bandwidth, const std::string& latency) { return {{"bandwidth", bandwidth}, {"latency", latency}}; }

json leaf_spine(int leaves, int spines, int per_leaf) {
  return {{"topology", "leaf_spine"},       {"leaves", leaves},         {"spines", spines},
          {"hosts_per_leaf", per_leaf},     {"host", {{"speed", "1Tf"}}}, {"link", link("10Gbps", "1us")},
          {"uplink", link("10Gbps", "3us")}};
}

json fat_tree(int k) {
  return {{"topology", "fat_tree"}, {"k", k}, {"host", {{"speed", "1Tf"}}}, {"link", link("10Gbps", "1us")},
          {"uplink", link("40Gbps", "2us")}};
}

json edge_sites(const std::string& border) {
  return {{"clients", 3},
          {"edges", 2},
          {"border", border},
          {"client", json::object()},
          {"edge", json::object()},
          {"client_link", link("100Mbps", "1ms")},
          {"edge_link", link("1Gbps", "500us")},
          {"wan", link("1Gbps", "7ms")}};
}

PlatformSpec spec_of(const json& platform) { return parse_platform(JsonNode(platform, "test.json", "/platform"), ""); }

Platform build(const PlatformSpec& spec, sg4::Engine*& engine) {
  static int argc = 2;
  static char a0[] = "t", a1[] = "--log=root.thres:critical";
  static char* argv[] = {a0, a1, nullptr};
  engine = new sg4::Engine(&argc, argv);
  return build_platform(spec);
}

// SimGrid's route for each (src, dst) pair of node indices: the link names and the latency bits.
json simgrid_routes(const json& platform, const std::vector<std::pair<size_t, size_t>>& pairs) {
  return testing::run_in_child([&] {
    PlatformSpec spec = spec_of(platform);
    sg4::Engine* engine = nullptr;
    Platform p = build(spec, engine);
    json out{{"routing", p.routing == Routing::fabric ? "fabric" : "other"}, {"routes", json::array()}};
    for (auto [s, d] : pairs) {
      std::vector<sg4::Link*> links;
      double latency = 0;
      p.hosts[s]->route_to(p.hosts[d], links, &latency);
      std::vector<std::string> names;
      for (auto* l : links) names.push_back(l->get_name());
      out["routes"].push_back({names, std::bit_cast<std::uint64_t>(latency)});
    }
    return out;
  });
}

// FabricRoutes' path as SimGrid names its links, and its latency summed as the zone sums it.
json plain_route(const Topology& t, FabricRoutes& routes, size_t s, size_t d) {
  std::vector<std::string> names;
  const auto hops = routes.path(s, d);
  double latency = 0;
  for (const auto& h : hops) names.push_back(t.links[h.link].name + (h.up ? "_UP" : "_DOWN"));
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) latency += t.links[it->link].spec.latency_s;
  return {names, std::bit_cast<std::uint64_t>(latency)};
}

void expect_simgrid_follows_fabric_routes(const json& platform, std::vector<std::pair<size_t, size_t>> pairs = {}) {
  const PlatformSpec spec = spec_of(platform);
  const Topology& t = spec.topology;
  if (pairs.empty())
    for (size_t s = 0; s < t.nodes.size(); ++s)
      for (size_t d = 0; d < t.nodes.size(); ++d)
        if (s != d) pairs.emplace_back(s, d);
  const json got = simgrid_routes(platform, pairs);
  ASSERT_FALSE(got.contains("child_exception")) << got.dump();
  EXPECT_EQ(got["routing"], "fabric");
  FabricRoutes routes(t);
  for (size_t i = 0; i < pairs.size(); ++i)
    ASSERT_EQ(got["routes"][i], plain_route(t, routes, pairs[i].first, pairs[i].second))
        << t.nodes[pairs[i].first].name << " -> " << t.nodes[pairs[i].second].name;
}

TEST(FabricPlatform, SimGridRoutesAreFabricRoutesOnEveryPair) {
  json ls = leaf_spine(3, 2, 2);
  ls["edge_sites"] = edge_sites("leaf1");
  expect_simgrid_follows_fabric_routes(ls);
  json ft = fat_tree(4);
  ft["edge_sites"] = edge_sites("agg1_0");
  expect_simgrid_follows_fabric_routes(ft);
}

TEST(FabricPlatform, A1024HostFatTreeBuildsAndRoutes) {
  const json ft = fat_tree(16);  // 1,024 hosts, 320 switches, 3,072 links
  const Topology t = spec_of(ft).topology;
  ASSERT_EQ(t.names_with_role(NodeRole::compute).size(), 1024u);
  std::vector<std::pair<size_t, size_t>> pairs;
  for (int s : {0, 1, 7, 500, 1023})
    for (int d : {0, 3, 64, 511, 1000, 1023})
      if (s != d) pairs.emplace_back(*t.find(fmt::format("host{}", s)), *t.find(fmt::format("host{}", d)));
  pairs.emplace_back(*t.find("core63"), *t.find("host77"));
  pairs.emplace_back(*t.find("agg3_2"), *t.find("agg9_5"));
  const auto start = std::chrono::steady_clock::now();
  expect_simgrid_follows_fabric_routes(ft, pairs);
  // Building and routing in a child takes well under a second; a route table of every pair
  // (1,344^2 routes) would not.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0);
}

// Seconds from the first put to the last get, for transfers of `bytes` each between named hosts.
double transfers(const json& platform, const std::vector<std::pair<std::string, std::string>>& flows, double bytes) {
  return testing::run_in_child([&] {
           PlatformSpec spec = spec_of(platform);
           sg4::Engine* engine = nullptr;
           Platform p = build(spec, engine);
           double done = 0;
           for (size_t i = 0; i < flows.size(); ++i) {
             const std::string box = fmt::format("m{}", i);
             sg4::Actor::create("snd", p.host(flows[i].first), [box, bytes] { sg4::Mailbox::by_name(box)->put(new int(0), bytes); });
             sg4::Actor::create("rcv", p.host(flows[i].second), [box, &done] {
               delete sg4::Mailbox::by_name(box)->get<int>();
               done = std::max(done, sg4::Engine::get_clock());
             });
           }
           engine->run();
           return json(done);
         })
      .get<double>();
}

TEST(FabricPlatform, TransfersTakeTheClosedFormTimeOverTheEcmpLinks) {
  // 2 leaves x 4 hosts, 2 spines; host links 10 Gbps / 1 us, uplinks 10 Gbps / 3 us (CM02:
  // time = route latency + bytes / bottleneck bandwidth, flows sharing a link split it).
  const json ls = leaf_spine(2, 2, 4);
  const double bytes = 25e6, b = 10e9 / 8, same_leaf = 2e-6, cross = 2e-6 + 2 * 3e-6;
  constexpr double exact = 1e-9;
  EXPECT_NEAR(transfers(ls, {{"host0", "host1"}}, bytes), same_leaf + bytes / b, exact);
  EXPECT_NEAR(transfers(ls, {{"host0", "host5"}}, bytes), cross + bytes / b, exact);
  // D-mod-k: host4 and host5 are reached through spine0 and spine1, so two flows out of leaf0
  // each have an uplink to themselves...
  EXPECT_NEAR(transfers(ls, {{"host0", "host4"}, {"host1", "host5"}}, bytes), cross + bytes / b, exact);
  // ...while host4 and host6 both hang below spine0: the two flows share leaf0's uplink to it.
  EXPECT_NEAR(transfers(ls, {{"host0", "host4"}, {"host1", "host6"}}, bytes), cross + 2 * bytes / b, exact);

  // Fat-tree k = 4, host links 10 Gbps / 1 us, switch links 40 Gbps / 2 us: across pods a
  // transfer crosses 2 host links and 4 switch links.
  EXPECT_NEAR(transfers(fat_tree(4), {{"host0", "host9"}}, bytes), 2e-6 + 4 * 2e-6 + bytes / b, exact);
}

TEST(FabricPlatform, InaAggregatesAtTheFirstWorkersLeaf) {
  // 2 leaves x 3 hosts. Workers host0, host1 (leaf0) and host3 (leaf1), PS host2 (leaf0): the
  // job aggregates at leaf0, and host3's packets climb to spine0 (leaf0's ordinal mod 2 = 0).
  json s = testing::star_scenario(2, "100Gbps", "1us");
  s["platform"] = leaf_spine(2, 2, 3);
  s["policies"] = {{"switch_allocation", "atp"}};
  s["workload"]["ina"] = json::object();
  const int iterations = 2;
  s["workload"]["jobs"] = {{{"name", "a"},
                            {"gradient_size", "1MB"},
                            {"workers", {"host0", "host1", "host3"}},
                            {"servers", {"host2"}},
                            {"aggregation", "ina"},
                            {"iterations", iterations},
                            {"compute", "1ms"}}};
  const Scenario parsed = parse_scenario(s, "test.json");
  EXPECT_EQ(parsed.workloads[0].as<TrainingWorkload>().jobs.at(0).aggregation_switch, "leaf0");
  auto r = testing::simulate(s);
  // ATP packets carry 62 int32 values: ceil(1 MB / 248 B) fragments per iteration, one packet
  // per worker and fragment; without loss or contention every fragment completes in the switch.
  const double fragments = std::ceil(1e6 / 248.0);
  EXPECT_EQ(r.cell("switches", "leaf0", "packets"), 3 * fragments * iterations);
  EXPECT_EQ(r.cell("switches", "leaf0", "completed_in_switch"), fragments * iterations);
  EXPECT_GT(r.cell("links", "leaf1-spine0_UP", "bytes"), 0.0);
  EXPECT_EQ(r.cell("links", "leaf1-spine1_UP", "bytes"), 0.0);
}

// The analytical level reads the same route function: on fabric_k4 the two rings' routes are
// disjoint (ring-a climbs through agg<p>_0 and core1, ring-b through agg<p>_1 and core3), so
// its iteration time is the exact one; routes that made them share a link would not be.
TEST(FabricPlatform, AnalyticalFidelityFollowsTheFabricRoutes) {
  const std::string file = CLUSTERSIM_SOURCE_DIR "/scenarios/fabric/fat_tree_k4.json";
  auto jct = [&](const std::string& fidelity) {
    return testing::run_in_child([&] {
      RunOutput out = run_simulation(load_scenario(file, {"/fidelity=\"" + fidelity + "\""}));
      return out.metrics;
    });
  };
  const json exact = jct("exact"), analytical = jct("analytical");
  ASSERT_FALSE(analytical.contains("child_exception")) << analytical.dump();
  // 5 iterations of 10 ms compute and 2 (n - 1) = 6 ring steps, each a 20 MB / 4 chunk at
  // 10 Gbps over a cross-pod route of 6 links of 1 us.
  EXPECT_NEAR(exact["jct_mean_s"].get<double>(), 5 * (0.010 + 6 * (5e6 / (10e9 / 8) + 6e-6)), 1e-9);
  EXPECT_NEAR(analytical["jct_mean_s"].get<double>(), exact["jct_mean_s"].get<double>(), 1e-9);
}

}  // namespace
}  // namespace cs

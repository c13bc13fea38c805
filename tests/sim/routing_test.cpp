// The route zone on trees (sim/platform/route_zone.hpp) routes exactly as SimGrid's Dijkstra zone
// did: for every ordered pair of hosts, switches included and a host to itself, the same links
// (names, order, directions) and the same latency to the last bit, on small star, two_tier and
// edge_dc platforms. Each zone is built in its own forked child (one simulation per process);
// the parent compares the lists.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

#include "platform/build.hpp"
#include "run_in_child.hpp"
#include "scenario/scenario.hpp"

namespace cs {
namespace {

// Every ordered host pair's route: [src, dst, [link names], latency bits]. Latencies are compared
// bit for bit: SimGrid uses the sum as the transfer's latency, and its order of summation changes
// the last bits. With `at` > 0 the routes are read again at that simulated time (after latency
// traces changed some links).
nlohmann::json routes(const nlohmann::json& platform, Routing routing, double at = 0) {
  return testing::run_in_child([&] {
    PlatformSpec spec =
        parse_platform(JsonNode(platform, "test.json", "/platform"), CLUSTERSIM_SOURCE_DIR "/tests/sim");
    int argc = 2;
    char a0[] = "t", a1[] = "--log=root.thres:critical";
    char* argv[] = {a0, a1, nullptr};
    sg4::Engine engine(&argc, argv);
    Platform p = build_platform(spec, routing);
    nlohmann::json out{{"routing", p.routing == Routing::tree ? "tree" : "dijkstra"}};
    auto read = [&p] {
      nlohmann::json list = nlohmann::json::array();
      for (auto* src : p.hosts)
        for (auto* dst : p.hosts) {
          std::vector<sg4::Link*> links;
          double latency = 0;
          src->route_to(dst, links, &latency);
          std::vector<std::string> names;
          for (auto* l : links) names.push_back(l->get_name());
          list.push_back({src->get_name(), dst->get_name(), names, std::bit_cast<std::uint64_t>(latency)});
        }
      return list;
    };
    out["routes"] = read();
    if (at > 0) {
      sg4::Actor::create("reader", p.hosts.front(), [&] {
        sg4::this_actor::sleep_until(at);
        out["later"] = read();
      });
      engine.run();
    }
    return out;
  });
}

void expect_same_routes(const nlohmann::json& platform, double at = 0) {
  auto dijkstra = routes(platform, Routing::dijkstra, at);
  auto automatic = routes(platform, Routing::automatic, at);
  EXPECT_EQ(dijkstra["routing"], "dijkstra");
  EXPECT_EQ(automatic["routing"], "tree");  // every shipped topology is a tree
  if (at > 0) EXPECT_NE(dijkstra["later"], dijkstra["routes"]) << "the latency trace changed nothing by t=" << at;
  for (const char* when : {"routes", "later"}) {
    if (!dijkstra.contains(when)) continue;
    const auto &want = dijkstra[when], &got = automatic[when];
    ASSERT_EQ(want.size(), got.size());
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_EQ(got[i], want[i]) << when << " " << want[i][0] << " -> " << want[i][1];
  }
}

// Latencies chosen so that summing a route's links in another order than the Dijkstra zone's
// changes the result (5 us host links and 1 us uplinks: 7.0000000000000007 us instead of
// 6.9999999999999999 us from a ToR to a host in another rack).
TEST(Routing, StarMatchesDijkstra) {
  expect_same_routes({{"topology", "star"}, {"hosts", 5}, {"host", {{"speed", "1Tf"}}},
                      {"link", {{"bandwidth", "10Gbps"}, {"latency", "5us"}}}});
}

TEST(Routing, TwoTierMatchesDijkstra) {
  for (const auto& [host, up] : {std::pair{"5us", "1us"}, {"1us", "7us"}, {"0.7us", "3.3us"}})
    expect_same_routes({{"topology", "two_tier"}, {"racks", 3}, {"hosts_per_rack", 3},
                        {"host", {{"speed", "1Tf"}}}, {"link", {{"bandwidth", "10Gbps"}, {"latency", host}}},
                        {"uplink", {{"bandwidth", "40Gbps"}, {"latency", up}}}});
}

TEST(Routing, EdgeDcMatchesDijkstra) {
  expect_same_routes({{"topology", "edge_dc"}, {"clients", 5}, {"edges", 2}, {"dc_servers", 2},
                      {"client", {{"speed", "1Tf"}}}, {"edge", {{"speed", "1Tf"}}}, {"dc", {{"speed", "1Tf"}}},
                      {"client_link", {{"bandwidth", "100Mbps"}, {"latency", "1ms"}}},
                      {"edge_link", {{"bandwidth", "1Gbps"}, {"latency", "0.1ms"}}},
                      {"wan", {{"bandwidth", "200Mbps"}, {"latency", "20ms"}}},
                      {"dc_link", {{"bandwidth", "10Gbps"}, {"latency", "0.05ms"}}}});
}

// The zone reads each link's latency when it routes, so a latency trace shows up in later routes
// as it does in the Dijkstra zone's (uplinks go from 1 us to 3.3 us at t = 1 s).
TEST(Routing, LatencyTraceMatchesDijkstra) {
  expect_same_routes({{"topology", "two_tier"}, {"racks", 2}, {"hosts_per_rack", 2},
                      {"host", {{"speed", "1Tf"}}}, {"link", {{"bandwidth", "10Gbps"}, {"latency", "5us"}}},
                      {"uplink",
                       {{"bandwidth", "40Gbps"}, {"latency", "1us"}, {"latency_trace", "traces/latency_at_1s.csv"}}}},
                     2.0);
}

// A graph that is not a tree (here a star with two hosts also linked directly) keeps the
// Dijkstra zone, and its shortest paths.
TEST(Routing, AutomaticKeepsDijkstraForOtherGraphs) {
  auto j = testing::run_in_child([] {
    nlohmann::json star{{"topology", "star"},
                        {"hosts", 3},
                        {"host", {{"speed", "1Tf"}}},
                        {"link", {{"bandwidth", "10Gbps"}, {"latency", "5us"}}}};
    PlatformSpec spec = parse_platform(JsonNode(star, "test.json", "/platform"), "");
    spec.topology.add_link(1, 2, spec.topology.links.front().spec);  // host0-host1: a cycle
    int argc = 2;
    char a0[] = "t", a1[] = "--log=root.thres:critical";
    char* argv[] = {a0, a1, nullptr};
    sg4::Engine engine(&argc, argv);
    Platform p = build_platform(spec);
    std::vector<sg4::Link*> links;
    p.host("host0")->route_to(p.host("host1"), links, nullptr);
    std::vector<std::string> names;
    for (auto* l : links) names.push_back(l->get_name());
    return nlohmann::json{{"routing", p.routing == Routing::tree ? "tree" : "dijkstra"}, {"route", names}};
  });
  EXPECT_EQ(j["routing"], "dijkstra");
  EXPECT_EQ(j["route"], (nlohmann::json{"host0-host1_UP"}));  // the direct link, one hop
}

}  // namespace
}  // namespace cs

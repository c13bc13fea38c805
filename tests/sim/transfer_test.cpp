// One transfer over a built platform takes what SimGrid's network model predicts:
// CM02: latency + size / bandwidth; LV08: 13.01 x latency + size / (0.97 x bandwidth).
#include <gtest/gtest.h>

#include "platform/build.hpp"
#include "sim_fixture.hpp"

namespace cs {
namespace {

// Seconds for one put of `bytes` from `src` to `dst` on the scenario's platform.
double one_transfer(const nlohmann::json& scenario, const std::string& src, const std::string& dst, double bytes,
                    const std::string& file = "test.json") {
  auto j = testing::run_in_child([&] {
    Scenario s = parse_scenario(scenario, file);
    int argc = 2;
    char a0[] = "t", a1[] = "--log=root.thres:critical";
    char* argv[] = {a0, a1, nullptr};
    sg4::Engine engine(&argc, argv);
    Platform p = build_platform(s.platform);
    double done = -1;
    sg4::Actor::create("snd", p.host(src), [&] { sg4::Mailbox::by_name("m")->put(new int(0), bytes); });
    sg4::Actor::create("rcv", p.host(dst), [&] {
      delete sg4::Mailbox::by_name("m")->get<int>();
      done = sg4::Engine::get_clock();
    });
    engine.run();
    return nlohmann::json(done);
  });
  return j.get<double>();
}

nlohmann::json star(const std::string& model) {
  auto s = testing::star_scenario(2, "10Gbps", "20us");
  s["platform"]["network_model"] = model;
  s["workload"]["jobs"] = {{{"gradient_size", "1MB"}, {"workers", 1}, {"iterations", 1}, {"compute", "0s"}}};
  return s;
}

TEST(Transfer, Cm02IsLatencyPlusSizeOverBandwidth) {
  const double bytes = 100e6, bw = 10e9 / 8, route_latency = 2 * 20e-6;
  EXPECT_NEAR(one_transfer(star("CM02"), "host0", "host1", bytes), route_latency + bytes / bw, 1e-9);
}

TEST(Transfer, Lv08AppliesItsLatencyAndBandwidthFactors) {
  const double bytes = 100e6, bw = 10e9 / 8, route_latency = 2 * 20e-6;
  EXPECT_NEAR(one_transfer(star("LV08"), "host0", "host1", bytes), 13.01 * route_latency + bytes / (0.97 * bw), 1e-6);
}

TEST(Transfer, TwoTierCrossRackGoesThroughTheSlowerUplinks) {
  nlohmann::json s = star("CM02");
  s["platform"] = {{"topology", "two_tier"},
                   {"racks", 2},
                   {"hosts_per_rack", 2},
                   {"host", {{"speed", "1Tf"}}},
                   {"link", {{"bandwidth", "10Gbps"}, {"latency", "1us"}}},
                   {"uplink", {{"bandwidth", "4Gbps"}, {"latency", "3us"}}}};
  const double bytes = 50e6;
  // host0 and host1 share rack 0; host2 is in rack 1: host link, two uplinks, host link.
  EXPECT_NEAR(one_transfer(s, "host0", "host1", bytes), 2e-6 + bytes / (10e9 / 8), 1e-9);
  EXPECT_NEAR(one_transfer(s, "host0", "host2", bytes), 2e-6 + 6e-6 + bytes / (4e9 / 8), 1e-9);
}

TEST(Transfer, BandwidthTraceChangesTheRateAtItsTimestamps) {
  nlohmann::json s = star("CM02");
  s["platform"]["link"] = {{"bandwidth", "10Gbps"}, {"latency", "0s"}, {"bandwidth_trace", "traces/halve_at_1s.csv"}};
  // 2.5 GB at 10 Gbps would take 2 s; after 1 s (1.25 GB sent) the rate halves: 1 + 2 s.
  const std::string file = std::string(CLUSTERSIM_SOURCE_DIR) + "/tests/sim/test.json";
  EXPECT_NEAR(one_transfer(s, "host0", "host1", 2.5e9, file), 3.0, 1e-9);
}

}  // namespace
}  // namespace cs

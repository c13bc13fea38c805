// One transfer over a built platform takes what SimGrid's network model predicts:
// CM02: latency + size / bandwidth; LV08: 13.01 x latency + size / (0.97 x bandwidth).
#include <gtest/gtest.h>

#include "platform/build.hpp"
#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

// Seconds for one put of `bytes` from `src` to `dst` on the scenario's platform.
double one_transfer(const nlohmann::json& scenario, const std::string& src, const std::string& dst, double bytes,
                    const std::string& file = "test.json") {
  auto j = testing::run_in_child([&] {
    Scenario s = parse_scenario(scenario, file);
    testing::TestEngine test_engine;
    auto& engine = test_engine.engine;
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

// The simulator's times are sums and quotients of doubles: a relative 1e-9 is float rounding
// with a wide margin, and tight enough that dropping the latency (5e-4 of the total here) fails.
constexpr double exact = 1e-9;

TEST(Transfer, Cm02IsLatencyPlusSizeOverBandwidth) {
  const double bytes = 100e6, bw = 10e9 / 8, route_latency = 2 * 20e-6;
  validation::check("", "one transfer, CM02", "2 l + S / B", "S=100 MB, B=10 Gbps, l=20 us per link, star",
                    route_latency + bytes / bw, one_transfer(star("CM02"), "host0", "host1", bytes), exact);
}

// SimGrid's LV08 factors (Velho and Legrand 2009; SimGrid's network/latency-factor 13.01 and
// network/bandwidth-factor 0.97). The TCP-window cap, 4 MiB / (2 x 13.01 x 40 us) = 4.0 GB/s,
// stays above 0.97 B = 1.21 GB/s; the 5% reverse cross-traffic runs on the other direction of
// the split-duplex links, so the flow is alone.
TEST(Transfer, Lv08AppliesItsLatencyAndBandwidthFactors) {
  const double bytes = 100e6, bw = 10e9 / 8, route_latency = 2 * 20e-6;
  validation::check("", "one transfer, LV08", "13.01 x 2 l + S / (0.97 B)", "S=100 MB, B=10 Gbps, l=20 us per link, star",
                    13.01 * route_latency + bytes / (0.97 * bw), one_transfer(star("LV08"), "host0", "host1", bytes),
                    exact);
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
  const std::string p = "S=50 MB, host links 10 Gbps and 1 us, uplinks 4 Gbps and 3 us, 2 racks of 2";
  validation::check("", "one transfer within a rack", "2 l_h + S / B_h", p, 2e-6 + bytes / (10e9 / 8),
                    one_transfer(s, "host0", "host1", bytes), exact);
  validation::check("", "one transfer across racks", "2 l_h + 2 l_u + S / min(B_h, B_u)", p,
                    2e-6 + 6e-6 + bytes / (4e9 / 8), one_transfer(s, "host0", "host2", bytes), exact);
}

TEST(Transfer, BandwidthTraceChangesTheRateAtItsTimestamps) {
  nlohmann::json s = star("CM02");
  s["platform"]["link"] = {{"bandwidth", "10Gbps"}, {"latency", "0s"}, {"bandwidth_trace", "traces/halve_at_1s.csv"}};
  // 2.5 GB at 10 Gbps would take 2 s; after 1 s (1.25 GB sent) the rate halves: 1 + 2 s.
  const std::string file = std::string(CLUSTERSIM_SOURCE_DIR) + "/tests/sim/test.json";
  validation::check("", "one transfer, bandwidth halved at t1", "t1 + (S - B t1) / (B/2)",
                    "S=2.5 GB, B=10 Gbps, t1=1 s, no latency", 1 + (2.5e9 - 1.25e9) / (10e9 / 16),
                    one_transfer(s, "host0", "host1", 2.5e9, file), exact);
}

}  // namespace
}  // namespace cs

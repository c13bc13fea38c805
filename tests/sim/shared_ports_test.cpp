// Packets on FIFO lines and SimGrid flows sharing one link (run/shared_ports.hpp): INA's
// packets drain at B - min(u, (1 - w) B), and the flows get (1 - w) B while the packets' line
// has a backlog. Two hosts on a star under CM02: a flow of S bytes from host0 to host1 and N
// packets of P bytes on the same route (host0's up link, host1's down link), in closed form.
#include <gtest/gtest.h>

#include "platform/build.hpp"
#include "run/packet_lines.hpp"
#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

constexpr double B = 10e9 / 8, l = 20e-6, w = 0.5;  // bytes/s, s per link, INA's share
constexpr double S = 50e6, P = 1500;  // flow and packet bytes
constexpr int N = 200;
constexpr double exact = 1e-9;  // sums and quotients of doubles (as in transfer_test.cpp)

struct Times {
  double flow_done = -1, packets_arrived = -1;
  std::vector<double> backlog_bytes;  // what each packet found queued on the first line
};

// Packets become ready at t0 + i * gap; the flow, if any, is posted at flow_at.
Times share_a_link(std::optional<double> flow_at, double t0, double gap) {
  auto j = testing::run_in_child([&] {
    auto json = testing::star_scenario(2, "10Gbps", "20us");
    json["platform"]["network_model"] = "CM02";
    json["platform"]["ina_port_share"] = w;
    json["workload"]["jobs"] = {{{"gradient_size", "1MB"}, {"workers", 1}, {"iterations", 1}, {"compute", "0s"}}};
    Scenario s = parse_scenario(json, "test.json");
    testing::TestEngine test_engine;
    auto& engine = test_engine.engine;
    Platform p = build_platform(s.platform);
    RunContext ctx{s, p, {}, 0, {}, nullptr, {}, {}};
    ctx.ports.init(p, s.platform.ina_port_share);
    PacketLines lines(ctx);
    sg4::Host *h0 = p.host("host0"), *h1 = p.host("host1");
    Times t;
    if (flow_at)
      sg4::Actor::create("flow", h0, [&] {
        sg4::this_actor::sleep_until(*flow_at);
        ctx.transfer(h0, h1, S);
        t.flow_done = sg4::Engine::get_clock();
      });
    sg4::Actor::create("packets", h0, [&] {
      sg4::this_actor::sleep_until(t0);
      std::vector<double> times(N);
      for (int i = 0; i < N; ++i) times[i] = t0 + i * gap;
      PacketLines::Lane lane{&times, [](std::size_t) { return P; },
                             [&](std::size_t, double backlog) { t.backlog_bytes.push_back(backlog); }};
      lines.carry(h0, h1, std::span<PacketLines::Lane>(&lane, 1));
      t.packets_arrived = lane.arrival;
    });
    engine.run();
    return nlohmann::json{{"flow", t.flow_done}, {"packets", t.packets_arrived}, {"backlog", t.backlog_bytes}};
  });
  return Times{j["flow"].get<double>(), j["packets"].get<double>(), j["backlog"].get<std::vector<double>>()};
}

const std::string params = "B=10 Gbps, l=20 us per link, w=0.5, S=50 MB, N=200 packets of 1500 B, star of 2, CM02";

// Back to back at t0 = 10 ms, while the flow (posted at 0) runs at B: the packets drain at
// r = w B on both links, each link is lowered to (1 - w) B until its line drains (host1's
// last, at T1 = t0 + (N + 1) P / r + l), and the flow finishes at B after that.
TEST(SharedPorts, PacketsAndAFlowSplitTheLinkByWeight) {
  const double t0 = 10e-3, r = w * B;
  const Times t = share_a_link(0.0, t0, 0.0);
  const double T1 = t0 + (N + 1) * P / r + l;
  validation::check("", "packets beside a flow", "t0 + (N + 1) P / (w B) + 2 l", params,
                    t0 + (N + 1) * P / r + 2 * l, t.packets_arrived, exact);
  const double moved = B * (t0 - 2 * l) + (1 - w) * B * (T1 - t0);
  validation::check("", "a flow beside packets", "T1 + (S - B (t0 - 2 l) - (1 - w) B (T1 - t0)) / B", params,
                    T1 + (S - moved) / B, t.flow_done, exact);
}

// Alone, each side has the whole link: the same packets in N P / B + P / B + 2 l, the flow in
// 2 l + S / B.
TEST(SharedPorts, AloneEachHasTheWholeLink) {
  const double t0 = 10e-3;
  EXPECT_NEAR(share_a_link(std::nullopt, t0, 0.0).packets_arrived, t0 + (N + 1) * P / B + 2 * l, exact * t0);
  EXPECT_NEAR(share_a_link(100.0, t0, 0.0).flow_done, 100.0 + 2 * l + S / B, exact * 100);
}

// Packets paced at a gap between P / B and P / (w B): alone, each finds the line empty; beside
// a saturating flow the line drains at w B and packet i finds i (P - gap w B) bytes queued,
// which is what ECN marking reads.
TEST(SharedPorts, EcnSeesTheQueueTheFlowsBuild) {
  const double t0 = 10e-3, gap = 1.8e-6, r = w * B;
  ASSERT_LT(P / B, gap);
  ASSERT_GT(P / r, gap);
  const Times alone = share_a_link(std::nullopt, t0, gap);
  const Times shared = share_a_link(0.0, t0, gap);
  ASSERT_EQ(alone.backlog_bytes.size(), std::size_t(N));
  ASSERT_EQ(shared.backlog_bytes.size(), std::size_t(N));
  for (int i = 0; i < N; ++i) {
    EXPECT_EQ(alone.backlog_bytes[i], 0.0) << i;
    EXPECT_NEAR(shared.backlog_bytes[i], i * (P - gap * r), 1e-6) << i;
  }
}

// A flow posted while the packets' line has a backlog lowers the links at once: the packets
// (timed alone, at B) are unchanged, and the flow runs at (1 - w) B from the end of its latency
// until host1's line drains at T1 = t0 + (N + 1) P / B + l.
TEST(SharedPorts, AFlowPostedDuringABacklogGetsItsShare) {
  const double t0 = 10e-3, posted = t0 + 10e-6;
  const Times t = share_a_link(posted, t0, 0.0);
  const double T1 = t0 + (N + 1) * P / B + l;
  ASSERT_LT(posted + 2 * l, T1);
  EXPECT_NEAR(t.packets_arrived, t0 + (N + 1) * P / B + 2 * l, exact * t0);
  validation::check("", "a flow posted during a packet backlog", "T1 + (S - (1 - w) B (T1 - t_post - 2 l)) / B",
                    params, T1 + (S - (1 - w) * B * (T1 - posted - 2 * l)) / B, t.flow_done, exact);
}

}  // namespace
}  // namespace cs

// models/net/packet_link.hpp: packets over FIFO store-and-forward lines, against closed forms.
#include <gtest/gtest.h>

#include <vector>

#include "net/packet_link.hpp"

namespace cs::net {
namespace {

struct Route {
  std::vector<FifoServer> lines;
  std::vector<FifoServer*> pointers;
  std::vector<LinkParams> params;
  Route(std::size_t hops, LinkParams p) : lines(hops), params(hops, p) {
    for (auto& l : lines) pointers.push_back(&l);
  }
  double carry(std::vector<double>& times, double bytes, std::vector<double>* backlogs = nullptr) {
    return traverse(
        std::span<FifoServer* const>(pointers), [&](std::size_t h) { return params[h]; }, std::span<double>(times),
        [&](std::size_t) { return bytes; },
        [&](std::size_t, double backlog) {
          if (backlogs) backlogs->push_back(backlog);
        });
  }
};

TEST(PacketLink, BackToBackPacketsOverUniformHopsPipeline) {
  // k packets ready at t0 over m identical hops: packet i arrives at t0 + m L + (m + i) tau.
  const double bandwidth = 1.25e9, latency = 3e-6, bytes = 1500, tau = bytes / bandwidth, t0 = 0.5;
  for (std::size_t hops : {1u, 2u, 5u}) {
    Route r(hops, {bandwidth, latency});
    std::vector<double> times(7, t0);
    const double last = r.carry(times, bytes);
    for (std::size_t i = 0; i < times.size(); ++i)
      EXPECT_NEAR(times[i], t0 + double(hops) * latency + double(hops + i) * tau, 1e-15) << hops << " hops, packet " << i;
    EXPECT_EQ(last, times.back());
  }
}

TEST(PacketLink, ALaterBatchQueuesBehindTheLineAndSeesItsBacklog) {
  const double bandwidth = 1e9, bytes = 1000, tau = 1e-6;
  Route r(1, {bandwidth, 0});
  std::vector<double> first(4, 0.0);
  r.carry(first, bytes);  // the line is busy until 4 us
  std::vector<double> second{1e-6, 10e-6}, backlogs;
  r.carry(second, bytes, &backlogs);
  EXPECT_NEAR(second[0], 5 * tau, 1e-18);        // waits for the four before it
  EXPECT_NEAR(second[1], 10e-6 + tau, 1e-18);    // the line was idle again by then
  EXPECT_NEAR(backlogs[0], 3 * bytes, 1e-9);     // at 1 us, three packets' bytes still queued
  EXPECT_EQ(backlogs[1], 0.0);
}

TEST(PacketLink, ABottleneckHopSpacesPacketsAtItsOwnRate) {
  // A fast hop then a slow one: packets leave the slow hop one slow packet time apart.
  Route r(2, {10e9, 1e-6});
  r.params[1] = {1e9, 2e-6};
  std::vector<double> times(3, 0.0);
  r.carry(times, 1000);
  const double fast = 1000 / 10e9, slow = 1000 / 1e9;
  EXPECT_NEAR(times[0], fast + 1e-6 + slow + 2e-6, 1e-15);
  EXPECT_NEAR(times[1] - times[0], slow, 1e-15);
  EXPECT_NEAR(times[2] - times[1], slow, 1e-15);
}

TEST(FifoServer, ServesInOrderFromTheLaterOfReadyAndFree) {
  FifoServer s;
  EXPECT_EQ(s.serve(1.0, 0.5), 1.5);
  EXPECT_EQ(s.serve(1.2, 0.5), 2.0);
  EXPECT_EQ(s.serve(3.0, 0.25), 3.25);
  EXPECT_EQ(s.backlog_s(3.0), 0.25);
  EXPECT_EQ(s.backlog_s(4.0), 0.0);
}

}  // namespace
}  // namespace cs::net

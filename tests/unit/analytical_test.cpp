// The analytical fidelity level's arithmetic against closed forms: SimGrid's flow model on plain
// data (weighted max-min, latency then bandwidth, the TCP window, LV08's factors), and the phase
// model (a lone job's iteration, the duty-cycle fixed point of two jobs on one link, shared hosts,
// `until`, switch memory by policy).
#include <gtest/gtest.h>

#include <cmath>

#include "net/fluid.hpp"
#include "training/analytical.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using net::Channel;
using net::Usage;
using net::Variable;

TEST(Fluid, MaxMinSharesByInversePenalty) {
  // One channel of 30 B/s, penalties 1 and 2: levels L / 1 + L / 2 = 30, so L = 20.
  const std::vector<Channel> ch{{30, 0}};
  const std::vector<Usage> u{{0, 1.0}};
  const std::vector<Variable> v{{1, INFINITY, u}, {2, INFINITY, u}};
  const auto r = net::max_min(v, ch);
  EXPECT_NEAR(r[0], 20, 1e-12);
  EXPECT_NEAR(r[1], 10, 1e-12);
}

TEST(Fluid, MaxMinGivesWhatABoundedOrBottleneckedFlowLeaves) {
  const std::vector<Channel> ch{{30, 0}};
  const std::vector<Usage> u{{0, 1.0}};
  auto r = net::max_min(std::vector<Variable>{{1, 5, u}, {1, INFINITY, u}}, ch);
  EXPECT_NEAR(r[0], 5, 1e-12);
  EXPECT_NEAR(r[1], 25, 1e-12);
  // A on c0 (10 B/s), B on c0 and c1 (4 B/s), C on c1: B and C split c1, A takes c0's rest.
  const std::vector<Channel> two{{10, 0}, {4, 0}};
  const std::vector<Usage> a{{0, 1.0}}, b{{0, 1.0}, {1, 1.0}}, c{{1, 1.0}};
  r = net::max_min(std::vector<Variable>{{1, INFINITY, a}, {1, INFINITY, b}, {1, INFINITY, c}}, two);
  EXPECT_NEAR(r[0], 8, 1e-12);
  EXPECT_NEAR(r[1], 2, 1e-12);
  EXPECT_NEAR(r[2], 2, 1e-12);
  // Competitors of weight 0.5 on the channel: L (1 + 0.5) = 30.
  r = net::max_min(std::vector<Variable>{{1, INFINITY, u}}, ch, [](std::uint32_t) { return net::Claim{0.5, INFINITY}; });
  EXPECT_NEAR(r[0], 20, 1e-12);
  // Capped at 4 B/s, they leave 26 (uncapped they would take 10).
  r = net::max_min(std::vector<Variable>{{1, INFINITY, u}}, ch, [](std::uint32_t) { return net::Claim{0.5, 4}; });
  EXPECT_NEAR(r[0], 26, 1e-12);
}

TEST(Fluid, ATransferPaysLatencyThenMovesAtItsNarrowestLinkOrWindow) {
  // Two channels (10 and 5 B/s, latencies 1 and 2 s), 20 B: 3 + 20 / 5.
  const std::vector<Channel> ch{{10, 1}, {5, 2}};
  const std::vector<net::Path> paths{{{0, 1}, {}}};
  const std::vector<net::Transfer> t{{0, 20}};
  net::NetworkParams cm02;
  cm02.tcp_gamma_bytes = 1e9;
  EXPECT_NEAR(net::completion_time(t, paths, ch, cm02), 7, 1e-12);
  // The TCP window caps the rate at gamma / (2 x 3 s): gamma 12 B gives 2 B/s.
  net::NetworkParams window = cm02;
  window.tcp_gamma_bytes = 12;
  EXPECT_NEAR(net::completion_time(t, paths, ch, window), 3 + 20.0 / 2, 1e-12);
  // LV08: latency x 13.01, rate x 0.97.
  net::NetworkParams lv08 = cm02;
  lv08.latency_factor = 13.01;
  lv08.bandwidth_factor = 0.97;
  EXPECT_NEAR(net::completion_time(t, paths, ch, lv08), 3 * 13.01 + 20 / (5 * 0.97), 1e-12);
}

TEST(Fluid, TransfersSharingALinkEndTogetherAtTheirSumOverCapacity) {
  // 10 B and 30 B on one 10 B/s channel: the first ends at 2 s (5 B/s each), the second takes
  // the whole link for its last 20 B: (10 + 30) / 10.
  const std::vector<Channel> ch{{10, 0}};
  const std::vector<net::Path> paths{{{0}, {}}};
  const std::vector<net::Transfer> t{{0, 10}, {0, 30}};
  EXPECT_NEAR(net::completion_time(t, paths, ch, {}), 4, 1e-12);
}

// n hosts on a star (host i: channels 2i up, 2i + 1 down; latency l each), a ring of them.
analytical::Problem ring_on_star(int n, double capacity, double latency, double gradient, double compute, long long iterations) {
  analytical::Problem p;
  for (int i = 0; i < n; ++i) {
    p.channels.push_back({capacity, latency});
    p.channels.push_back({capacity, latency});
    p.host_cores.push_back(1);
  }
  analytical::Job job;
  job.iterations = iterations;
  analytical::Stage c;
  c.seconds = compute;
  for (int i = 0; i < n; ++i) c.hosts.push_back(std::uint32_t(i));
  job.stages.push_back(c);
  analytical::Stage step;
  step.kind = analytical::Stage::Kind::together;
  step.repeat = 2 * (n - 1);
  for (int i = 0; i < n; ++i) {
    const int next = (i + 1) % n;
    p.paths.push_back({{std::uint32_t(2 * i), std::uint32_t(2 * next + 1)}, {std::uint32_t(2 * next), std::uint32_t(2 * i + 1)}});
    step.transfers.push_back({std::uint32_t(i), gradient / n});
  }
  job.stages.push_back(step);
  p.jobs.push_back(job);
  return p;
}

TEST(Analytical, ALoneRingTakesComputePlusItsStepsEachIteration) {
  const int n = 4;
  const double B = 1.25e9, l = 1e-6, G = 100e6, c = 0.01;
  analytical::Problem p = ring_on_star(n, B, l, G, c, 20);
  p.network.tcp_gamma_bytes = 1e12;
  p.jobs[0].arrival_s = 0.5;
  const auto r = analytical::solve(p);
  const double T = c + 2 * (n - 1) * (2 * l + G / n / B);
  ASSERT_EQ(r.jobs[0].iterations.size(), 20u);
  validation::check("", "lone ring JCT, analytical", "k (c + 2 (n - 1) (2 l + G / (n B)))", "n=4, k=20, G=100 MB, B=10 Gbps, l=1 us, c=10 ms",
                    20 * T, r.jobs[0].finish_s - 0.5, 1e-12);
  EXPECT_NEAR(r.jobs[0].finish_s - 0.5, 20 * T, 1e-12 * 20 * T);
  EXPECT_NEAR(r.jobs[0].iterations[3].compute_end_s - r.jobs[0].iterations[3].start_s, c, 1e-12);
  EXPECT_EQ(r.phases, 1);
}

TEST(Analytical, TwoJobsOnOneLinkMeetAtTheirDutyCycleFixedPoint) {
  // Each job: compute c, then s bytes over the one channel (capacity C, no latency: penalty 1).
  // Alone: m = s / C. A competitor present a share d = x / T of the time claims d of a flow:
  // x = m (1 + d), T = c + x, so x^2 + (c - 2m) x - m c = 0.
  const double C = 100, s = 50, c = 1, m = s / C;
  analytical::Problem p;
  p.channels = {{C, 0}};
  p.paths = {{{0}, {}}};
  p.host_cores = {1, 1};
  for (std::uint32_t j = 0; j < 2; ++j) {
    analytical::Job job;
    job.iterations = 10;
    analytical::Stage compute;
    compute.seconds = c;
    compute.hosts = {j};
    analytical::Stage send;
    send.kind = analytical::Stage::Kind::together;
    send.transfers = {{0, s}};
    job.stages = {compute, send};
    p.jobs.push_back(job);
  }
  p.fixed_point_tolerance = 1e-12;  // the closed form, not the default's 1e-4 stop
  const auto r = analytical::solve(p);
  const double x = (-(c - 2 * m) + std::sqrt((c - 2 * m) * (c - 2 * m) + 4 * m * c)) / 2;
  // Stopped at 1e-12 moves per round, the damped rounds (contracting by about half a round
  // here) are within 1e-11 of the fixed point.
  validation::check("", "two jobs on one link: iteration time, analytical", "c + x, x^2 + (c - 2m) x - m c = 0",
                    "c=1 s, m=0.5 s alone", c + x, r.jobs[0].finish_s / 10, 1e-9);
  EXPECT_NEAR(r.jobs[0].finish_s, 10 * (c + x), 1e-9 * 10 * (c + x));
  EXPECT_NEAR(r.jobs[1].finish_s, 10 * (c + x), 1e-9 * 10 * (c + x));
}

TEST(Analytical, JobsComputingOnOneCoreShareIt) {
  // Two compute-only jobs on one single-core host: each always computes (d = 1), so each runs
  // at half a core, as SimGrid shares a core between two executions: 2 c per iteration.
  analytical::Problem p;
  p.host_cores = {1};
  for (int j = 0; j < 2; ++j) {
    analytical::Job job;
    job.iterations = 5;
    analytical::Stage compute;
    compute.seconds = 0.2;
    compute.hosts = {0};
    job.stages = {compute};
    p.jobs.push_back(job);
  }
  const auto r = analytical::solve(p);
  EXPECT_NEAR(r.jobs[0].finish_s, 5 * 0.4, 1e-9);
  EXPECT_NEAR(r.jobs[1].finish_s, 5 * 0.4, 1e-9);
  // With two cores they do not meet.
  p.host_cores = {2};
  EXPECT_NEAR(analytical::solve(p).jobs[0].finish_s, 5 * 0.2, 1e-12);
}

TEST(Analytical, UntilCutsTheRunWithTheIterationsEndedByThen) {
  analytical::Problem p = ring_on_star(3, 1e9, 1e-6, 30e6, 0.01, 10);
  const double T = analytical::solve(p).jobs[0].finish_s / 10;
  p.horizon_s = 3.5 * T;
  const auto r = analytical::solve(p);
  EXPECT_EQ(r.jobs[0].iterations.size(), 3u);
  EXPECT_LT(r.jobs[0].finish_s, 0);
  EXPECT_DOUBLE_EQ(r.end_s, 3.5 * T);
}

TEST(Analytical, SwitchMemoryGoesByPolicy) {
  using analytical::MemoryPolicy;
  std::vector<char> holding(3, 0);
  // Fair share of 100 slots, at most 60 each: the small demand is met, the rest split.
  auto s = analytical::allocate_slots({MemoryPolicy::fair_share, 100, 60, 0}, std::vector<double>{10, 100, 100}, holding);
  EXPECT_EQ(s, (std::vector<double>{10, 45, 45}));
  // Priority: in order, each up to its demand and the per-job cap.
  s = analytical::allocate_slots({MemoryPolicy::priority, 100, 60, 0}, std::vector<double>{50, 100, 100}, holding);
  EXPECT_EQ(s, (std::vector<double>{50, 50, 0}));
  // Pools of 30 slots: 3 pools; a holder keeps its pool, the others go in order.
  std::vector<char> held{0, 1, 0, 0};
  s = analytical::allocate_slots({MemoryPolicy::pools, 100, 0, 30}, std::vector<double>{1, 1, 1, 1}, held);
  EXPECT_EQ(s, (std::vector<double>{30, 30, 30, 0}));
  EXPECT_EQ(held, (std::vector<char>{1, 1, 1, 0}));
}

TEST(Analytical, AJobWithoutMemoryWaitsForOneThatFinishes) {
  // One pool, two INA-like jobs: the second starts streaming when the first finishes.
  analytical::Problem p;
  p.channels = {{100, 0}, {100, 0}};
  p.paths = {{{0}, {}}, {{1}, {}}};
  p.host_cores = {1, 1};
  p.switches = {{analytical::MemoryPolicy::pools, 10, 0, 10}};
  for (std::uint32_t j = 0; j < 2; ++j) {
    analytical::Job job;
    job.iterations = 4;
    analytical::Stage send;
    send.kind = analytical::Stage::Kind::together;
    send.transfers = {{j, 50}};
    send.slot_bound = true;
    job.stages = {send};
    job.ina = {.switch_index = 0, .demand_slots = 10, .Bps_per_slot = 100};  // the link's 100 B/s is the cap
    p.jobs.push_back(job);
  }
  auto r = analytical::solve(p);
  EXPECT_NEAR(r.jobs[0].finish_s, 4 * 0.5, 1e-12);
  EXPECT_NEAR(r.jobs[1].finish_s, 2 * 4 * 0.5, 1e-12);
  // With a fallback through its PS at 10 B/s, the second job moves 20 B (0.4 iterations)
  // while it waits, and the other 3.6 iterations at 0.5 s each once it holds the pool.
  p.jobs[1].ina.fallback_Bps = 10;
  r = analytical::solve(p);
  EXPECT_NEAR(r.jobs[1].finish_s, 2 + 3.6 * 0.5, 1e-12);
}

}  // namespace
}  // namespace cs

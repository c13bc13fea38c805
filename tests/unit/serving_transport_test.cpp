// The camera transport: lossy frames lose packets independently; reliable frames recover them
// by fast retransmit (one RTT) or timeouts (RTO, doubling). Deterministic cases are built by
// finding an rng state whose draws give the wanted losses: deliver_frame draws one uniform per
// packet in packet order, then one per retransmission (fast ones first, then each timeout round).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

#include "learning/random.hpp"
#include "serving/transport.hpp"

namespace cs::serving {
namespace {

using learning::SplitMix64;

TransportParams params(TransportKind kind, int packets, double loss) {
  TransportParams p;
  p.kind = kind;
  p.packets = packets;
  p.loss_rate = loss;
  p.rtt_s = 0.01;
  p.rto_s = 0.2;
  return p;
}

// The first seed whose first `draws` uniforms, as lost (< loss) or not, satisfy `want`.
std::uint64_t find_seed(int draws, double loss, const std::function<bool(const std::vector<bool>&)>& want) {
  for (std::uint64_t seed = 1; seed < 5'000'000; ++seed) {
    SplitMix64 rng(seed);
    std::vector<bool> lost(static_cast<std::size_t>(draws));
    for (int i = 0; i < draws; ++i) lost[std::size_t(i)] = rng.uniform() < loss;
    if (want(lost)) return seed;
  }
  ADD_FAILURE() << "no seed found";
  return 0;
}

// First transmission of 30 packets loses exactly `indices`; the next draws (retransmissions)
// are lost or not as `retransmissions` says.
std::uint64_t seed_for(const std::vector<int>& indices, const std::vector<bool>& retransmissions, double loss = 0.05) {
  return find_seed(30 + int(retransmissions.size()), loss, [&](const std::vector<bool>& lost) {
    for (int i = 0; i < 30; ++i)
      if (lost[std::size_t(i)] != (std::find(indices.begin(), indices.end(), i) != indices.end())) return false;
    for (std::size_t r = 0; r < retransmissions.size(); ++r)
      if (lost[30 + r] != retransmissions[r]) return false;
    return true;
  });
}

TEST(ServingTransport, NoLossDrawsNothingAndLosesNothing) {
  for (TransportKind kind : {TransportKind::lossy, TransportKind::reliable}) {
    SplitMix64 rng(7), fresh(7);
    for (int i = 0; i < 100; ++i) {
      const FrameDelivery d = deliver_frame(params(kind, 30, 0.0), rng);
      EXPECT_TRUE(d.lost.empty());
      EXPECT_EQ(d.stall_s, 0.0);
      EXPECT_EQ(d.extra_bytes, 0.0);
      EXPECT_EQ(d.retransmissions, 0);
      EXPECT_EQ(d.timeouts, 0);
    }
    EXPECT_EQ(rng.next(), fresh.next());
  }
}

TEST(ServingTransport, LossyLossShareMatchesTheRateWithinFourSigma) {
  const double p = 0.05;
  const int frames = 20'000, packets = 30;
  SplitMix64 rng(123);
  long long lost = 0;
  std::vector<long long> per_position(packets, 0);
  for (int f = 0; f < frames; ++f) {
    const FrameDelivery d = deliver_frame(params(TransportKind::lossy, packets, p), rng);
    EXPECT_EQ(d.stall_s, 0.0);
    EXPECT_EQ(d.extra_bytes, 0.0);
    EXPECT_EQ(d.retransmissions, 0);
    for (std::size_t i = 0; i < d.lost.size(); ++i) {
      ASSERT_LT(d.lost[i], packets);
      if (i > 0) {
        ASSERT_LT(d.lost[i - 1], d.lost[i]);  // ascending, no duplicates
      }
      ++per_position[d.lost[i]];
    }
    lost += (long long)d.lost.size();
  }
  const double n = double(frames) * packets;
  EXPECT_NEAR(double(lost) / n, p, 4 * std::sqrt(p * (1 - p) / n));
  // Every position is equally exposed (first and last included).
  for (int i = 0; i < packets; ++i)
    EXPECT_NEAR(double(per_position[std::size_t(i)]) / frames, p, 4 * std::sqrt(p * (1 - p) / frames)) << i;
}

TEST(ServingTransport, LossyAndReliableLoseTheSameFirstRoundPackets) {
  const std::uint64_t seed = seed_for({4, 17}, {false, false});
  SplitMix64 a(seed), b(seed);
  const FrameDelivery lossy = deliver_frame(params(TransportKind::lossy, 30, 0.05), a);
  EXPECT_EQ(lossy.lost, (std::vector<std::uint16_t>{4, 17}));
  const FrameDelivery reliable = deliver_frame(params(TransportKind::reliable, 30, 0.05), b);
  EXPECT_TRUE(reliable.lost.empty());  // everything arrives in the end
  EXPECT_EQ(reliable.retransmissions, 2);
  EXPECT_EQ(reliable.extra_bytes, 2 * 1400.0);
  EXPECT_EQ(reliable.stall_s, 0.01);  // both fast-retransmitted in one RTT
  EXPECT_EQ(reliable.timeouts, 0);
}

TEST(ServingTransport, ReliableSingleMiddleLossCostsOneRtt) {
  SplitMix64 rng(seed_for({12}, {false}));
  const FrameDelivery d = deliver_frame(params(TransportKind::reliable, 30, 0.05), rng);
  EXPECT_EQ(d.stall_s, 0.01);
  EXPECT_EQ(d.retransmissions, 1);
  EXPECT_EQ(d.extra_bytes, 1400.0);
  EXPECT_EQ(d.timeouts, 0);
}

TEST(ServingTransport, DupackThresholdSeparatesFastRecoveryFromTimeouts) {
  {  // packet 26: three delivered after it (27, 28, 29): fast retransmit
    SplitMix64 rng(seed_for({26}, {false}));
    const FrameDelivery d = deliver_frame(params(TransportKind::reliable, 30, 0.05), rng);
    EXPECT_EQ(d.stall_s, 0.01);
    EXPECT_EQ(d.timeouts, 0);
  }
  {  // packet 27: only two after it: the retransmission timeout
    SplitMix64 rng(seed_for({27}, {false}));
    const FrameDelivery d = deliver_frame(params(TransportKind::reliable, 30, 0.05), rng);
    EXPECT_EQ(d.stall_s, 0.2);
    EXPECT_EQ(d.timeouts, 1);
    EXPECT_EQ(d.retransmissions, 1);
  }
  {  // 26 and 28 lost: 26 has only 27 and 29 delivered after it, so both wait for one timeout
    SplitMix64 rng(seed_for({26, 28}, {false, false}));
    const FrameDelivery d = deliver_frame(params(TransportKind::reliable, 30, 0.05), rng);
    EXPECT_EQ(d.stall_s, 0.2);
    EXPECT_EQ(d.timeouts, 1);
    EXPECT_EQ(d.retransmissions, 2);
  }
  {  // the same with a dupack threshold of 2: 26 is fast, 28 still a tail loss
    SplitMix64 rng(seed_for({26, 28}, {false, false}));
    TransportParams p = params(TransportKind::reliable, 30, 0.05);
    p.dupack_threshold = 2;
    const FrameDelivery d = deliver_frame(p, rng);
    EXPECT_DOUBLE_EQ(d.stall_s, 0.01 + 0.2);
    EXPECT_EQ(d.timeouts, 1);
    EXPECT_EQ(d.retransmissions, 2);
  }
}

TEST(ServingTransport, LostRetransmissionsWaitForDoublingTimeouts) {
  {  // fast retransmission of 5 lost again, then recovered after one RTO
    SplitMix64 rng(seed_for({5}, {true, false}));
    const FrameDelivery d = deliver_frame(params(TransportKind::reliable, 30, 0.05), rng);
    EXPECT_DOUBLE_EQ(d.stall_s, 0.01 + 0.2);
    EXPECT_EQ(d.retransmissions, 2);
    EXPECT_EQ(d.extra_bytes, 2 * 1400.0);
    EXPECT_EQ(d.timeouts, 1);
  }
  {  // tail loss whose first two timeout retransmissions are lost: 0.2 + 0.4 + 0.8
    SplitMix64 rng(seed_for({29}, {true, true, false}));
    const FrameDelivery d = deliver_frame(params(TransportKind::reliable, 30, 0.05), rng);
    EXPECT_DOUBLE_EQ(d.stall_s, 0.2 + 0.4 + 0.8);
    EXPECT_EQ(d.retransmissions, 3);
    EXPECT_EQ(d.timeouts, 3);
  }
  {  // the same frame gives up after max_rounds = 2 rounds
    SplitMix64 rng(seed_for({29}, {true, true, false}));
    TransportParams p = params(TransportKind::reliable, 30, 0.05);
    p.max_rounds = 2;
    const FrameDelivery d = deliver_frame(p, rng);
    EXPECT_DOUBLE_EQ(d.stall_s, 0.2 + 0.4);
    EXPECT_EQ(d.timeouts, 2);
    EXPECT_TRUE(d.lost.empty());
  }
}

TEST(ServingTransport, SinglePacketFrameLossIsATailLoss) {
  SplitMix64 rng(find_seed(2, 0.3, [](const std::vector<bool>& l) { return l[0] && !l[1]; }));
  const FrameDelivery d = deliver_frame(params(TransportKind::reliable, 1, 0.3), rng);
  EXPECT_EQ(d.stall_s, 0.2);  // no packets after it: no duplicate ACKs, no RTT recovery
  EXPECT_EQ(d.timeouts, 1);
}

TEST(ServingTransport, SinglePacketMeanStallMatchesTheClosedForm) {
  // k timeouts (probability p^k (1 - p), or p^M at the cap M) stall rto (2^k - 1).
  const double p = 0.3, rto = 0.2;
  const int cap = 16;
  double expected = 0, expected_timeouts = 0;
  for (int k = 1; k <= cap; ++k) {
    const double prob = k < cap ? std::pow(p, k) * (1 - p) : std::pow(p, cap);
    expected += prob * rto * (std::ldexp(1.0, k) - 1);
    expected_timeouts += prob * k;
  }
  SplitMix64 rng(99);
  const int frames = 200'000;
  double sum = 0, sum2 = 0, timeouts = 0;
  for (int f = 0; f < frames; ++f) {
    const FrameDelivery d = deliver_frame(params(TransportKind::reliable, 1, p), rng);
    ASSERT_TRUE(d.stall_s == 0 || d.stall_s >= rto);
    ASSERT_EQ(d.retransmissions, d.timeouts);
    sum += d.stall_s;
    sum2 += d.stall_s * d.stall_s;
    timeouts += d.timeouts;
  }
  const double mean = sum / frames, sd = std::sqrt(sum2 / frames - mean * mean);
  EXPECT_NEAR(mean, expected, 5 * sd / std::sqrt(double(frames)));
  EXPECT_NEAR(timeouts / frames, expected_timeouts, 0.01);
  // Without the cap: rto (1 - p) (2p / (1 - 2p) - p / (1 - p)) = 0.15; the cap removes ~1e-4.
  EXPECT_NEAR(expected, 0.15, 1e-3);
}

TEST(ServingTransport, RejectsBadParameters) {
  SplitMix64 rng(1);
  for (auto [packets, loss] : {std::pair{0, 0.1}, {65536, 0.1}, {-3, 0.0}, {30, 1.0}, {30, -0.01}, {30, std::nan("")}}) {
    EXPECT_THROW(deliver_frame(params(TransportKind::lossy, packets, loss), rng), std::invalid_argument)
        << packets << " " << loss;
    EXPECT_THROW(deliver_frame(params(TransportKind::reliable, packets, loss), rng), std::invalid_argument);
  }
  EXPECT_NO_THROW(deliver_frame(params(TransportKind::reliable, 65535, 0.01), rng));
}

TEST(ServingTransport, ConcealmentFillsExactlyTheLostPacketsRows) {
  // 10 rows in 4 packets: [0, 2), [2, 5), [5, 7), [7, 10).
  const int rows = 10, cols = 3;
  std::vector<float> image(rows * cols);
  for (int i = 0; i < rows * cols; ++i) image[std::size_t(i)] = float(i);
  conceal_lost_packets(image.data(), rows, cols, 4, {1, 3}, -1.0f);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const bool lost_row = (r >= 2 && r < 5) || r >= 7;
      EXPECT_EQ(image[std::size_t(r * cols + c)], lost_row ? -1.0f : float(r * cols + c)) << r << "," << c;
    }
  // More packets than rows: packets 0, 1 and 3 of 5 cover no row of 2 ([0,0), [0,0), [1,1)).
  std::vector<float> small{1, 2, 3, 4};
  conceal_lost_packets(small.data(), 2, 2, 5, {0, 1, 3}, 0.0f);
  EXPECT_EQ(small, (std::vector<float>{1, 2, 3, 4}));
  conceal_lost_packets(small.data(), 2, 2, 5, {4}, 0.0f);
  EXPECT_EQ(small, (std::vector<float>{1, 2, 0, 0}));
  conceal_lost_packets(small.data(), 2, 2, 5, {}, 9.0f);
  EXPECT_EQ(small, (std::vector<float>{1, 2, 0, 0}));
}

}  // namespace
}  // namespace cs::serving

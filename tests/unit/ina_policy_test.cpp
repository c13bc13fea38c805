// The switch's per-packet logic on hand-built packet sequences.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "ina/policy_registry.hpp"

namespace cs::ina {
namespace {

struct Sender {
  std::vector<std::int32_t> values;
  Packet packet(std::uint32_t job, std::uint32_t worker, std::uint32_t fan_in, std::uint64_t seq, std::uint32_t index,
                std::uint32_t priority = 0, bool resend = false) {
    values.assign(4, std::int32_t(100 * job + worker + 1));
    return {job, worker, fan_in, seq, index, priority, resend, values};
  }
};

std::unique_ptr<AggregationPolicy> policy(std::string_view kind, std::uint32_t aggregators) {
  return make_policy(kind, {aggregators, 4});
}

TEST(AtpPolicy, AllContributionsCompleteTheFragmentWithTheExactSum) {
  auto p = policy("atp", 8);
  Sender s;
  EXPECT_EQ(p->on_packet(s.packet(0, 0, 3, 5, 2)).verdict, Verdict::absorbed);
  EXPECT_EQ(p->on_packet(s.packet(0, 2, 3, 5, 2)).verdict, Verdict::absorbed);
  Outcome o = p->on_packet(s.packet(0, 1, 3, 5, 2));
  ASSERT_EQ(o.verdict, Verdict::completed);
  EXPECT_EQ(o.out.bitmap, 0b111u);
  EXPECT_EQ(o.out.count, 3u);
  EXPECT_EQ(o.out.seq, 5u);
  EXPECT_EQ(std::vector<std::int32_t>(o.out.values.begin(), o.out.values.end()), std::vector<std::int32_t>(4, 1 + 2 + 3));
}

TEST(AtpPolicy, DuplicatesAreNotCountedTwice) {
  auto p = policy("atp", 8);
  Sender s;
  p->on_packet(s.packet(0, 0, 2, 1, 0));
  EXPECT_EQ(p->on_packet(s.packet(0, 0, 2, 1, 0)).verdict, Verdict::duplicate);
  Outcome o = p->on_packet(s.packet(0, 1, 2, 1, 0));
  ASSERT_EQ(o.verdict, Verdict::completed);
  EXPECT_EQ(o.out.values[0], 1 + 2);
  EXPECT_EQ(p->counters().duplicates, 1u);
}

TEST(AtpPolicy, AnotherFragmentOnAHeldAggregatorCollidesAndGoesToThePs) {
  auto p = policy("atp", 8);
  Sender s;
  p->on_packet(s.packet(0, 0, 2, 1, 3));
  Outcome o = p->on_packet(s.packet(1, 0, 2, 9, 3, /*priority=*/99));
  EXPECT_EQ(o.verdict, Verdict::collision);
  EXPECT_TRUE(o.packet_to_ps());
  EXPECT_EQ(p->occupied(), 1u);
}

TEST(AtpPolicy, ACompletedAggregatorIsHeldUntilItsAckPasses) {
  auto p = policy("atp", 8);
  Sender s;
  p->on_packet(s.packet(0, 0, 2, 1, 3));
  EXPECT_EQ(p->partials(), 1u);
  EXPECT_EQ(p->on_packet(s.packet(0, 1, 2, 1, 3)).verdict, Verdict::completed);
  EXPECT_EQ(p->partials(), 0u);  // complete: held, but idle until the ACK
  EXPECT_EQ(p->occupied(), 1u);
  EXPECT_EQ(p->on_packet(s.packet(1, 0, 2, 4, 3)).verdict, Verdict::collision);
  p->on_result(1, 4, 3);  // another fragment's ACK frees nothing
  EXPECT_EQ(p->occupied(), 1u);
  p->on_result(0, 1, 3);
  EXPECT_EQ(p->occupied(), 0u);
  EXPECT_EQ(p->on_packet(s.packet(1, 0, 2, 4, 3)).verdict, Verdict::absorbed);
}

TEST(AtpPolicy, AResendFlushesThePartialSumAndFreesTheAggregator) {
  auto p = policy("atp", 8);
  Sender s;
  p->on_packet(s.packet(0, 0, 3, 7, 1));
  p->on_packet(s.packet(0, 1, 3, 7, 1));
  Outcome o = p->on_packet(s.packet(0, 0, 3, 7, 1, 0, /*resend=*/true));
  ASSERT_EQ(o.verdict, Verdict::flushed);
  EXPECT_TRUE(o.packet_to_ps());
  EXPECT_EQ(o.out.bitmap, 0b11u);
  EXPECT_EQ(o.out.values[0], 1 + 2);
  EXPECT_EQ(p->occupied(), 0u);
  // A resend that finds no aggregator of its fragment is forwarded as is, never allocates.
  EXPECT_EQ(p->on_packet(s.packet(0, 2, 3, 7, 1, 0, true)).verdict, Verdict::forwarded);
  EXPECT_EQ(p->occupied(), 0u);
}

TEST(EsaPolicy, HigherPriorityPreemptsAndTheHoldersPartialGoesToItsPs) {
  auto p = policy("esa", 8);
  Sender s;
  p->on_packet(s.packet(0, 0, 3, 1, 2, /*priority=*/5));
  p->on_packet(s.packet(0, 1, 3, 1, 2, 5));
  Outcome o = p->on_packet(s.packet(1, 0, 2, 8, 2, /*priority=*/6));
  ASSERT_EQ(o.verdict, Verdict::preempted);
  EXPECT_EQ(o.out.job, 0u);
  EXPECT_EQ(o.out.seq, 1u);
  EXPECT_EQ(o.out.bitmap, 0b11u);
  EXPECT_EQ(o.out.values[0], 1 + 2);
  EXPECT_FALSE(o.packet_to_ps());  // the newcomer is in the aggregator now
  Outcome done = p->on_packet(s.packet(1, 1, 2, 8, 2, 6));
  ASSERT_EQ(done.verdict, Verdict::completed);
  EXPECT_EQ(done.out.values[0], 101 + 102);
  EXPECT_EQ(p->counters().preemptions, 1u);
}

TEST(EsaPolicy, EqualOrLowerPriorityNeverPreempts) {
  auto p = policy("esa", 8);
  Sender s;
  p->on_packet(s.packet(0, 0, 2, 1, 2, /*priority=*/5));
  EXPECT_EQ(p->on_packet(s.packet(1, 0, 2, 8, 2, 5)).verdict, Verdict::collision);
  EXPECT_EQ(p->on_packet(s.packet(2, 0, 2, 8, 2, 4)).verdict, Verdict::collision);
  EXPECT_EQ(p->counters().preemptions, 0u);
}

TEST(EsaPolicy, PreemptingACompletedHolderSendsNothingMore) {
  auto p = policy("esa", 8);
  Sender s;
  p->on_packet(s.packet(0, 0, 2, 1, 2, 1));
  p->on_packet(s.packet(0, 1, 2, 1, 2, 1));  // completed, waiting for its ACK
  Outcome o = p->on_packet(s.packet(1, 0, 2, 3, 2, 9));
  ASSERT_EQ(o.verdict, Verdict::preempted);
  EXPECT_EQ(o.out.count, 0u);
  EXPECT_EQ(o.out.bitmap, 0u);
  p->on_result(0, 1, 2);  // the old ACK must not free the newcomer's aggregator
  EXPECT_EQ(p->occupied(), 1u);
}

TEST(SwitchMlPolicy, PoolsAreStaticAndNeverShared) {
  auto p = policy("switchml", 16);
  EXPECT_TRUE(p->admit(0, 8));
  EXPECT_TRUE(p->admit(1, 8));
  EXPECT_FALSE(p->admit(2, 2));  // memory full
  EXPECT_EQ(p->occupied(), 16u);
  p->release(0);
  EXPECT_TRUE(p->admit(2, 6));  // first fit into job 0's old place
  EXPECT_EQ(p->occupied(), 14u);
  Sender s;
  EXPECT_EQ(p->on_packet(s.packet(0, 0, 2, 0, 0)).verdict, Verdict::forwarded);  // job 0 has no pool now
}

TEST(SwitchMlPolicy, ChunkIUsesSlotIModSAndResendsGetTheResultAgain) {
  auto p = policy("switchml", 8);
  ASSERT_TRUE(p->admit(0, 4));  // two slots of two versions
  Sender s;
  for (std::uint64_t seq = 0; seq < 6; ++seq) {
    EXPECT_EQ(p->on_packet(s.packet(0, 0, 2, seq, 0)).verdict, Verdict::absorbed) << seq;
    Outcome o = p->on_packet(s.packet(0, 1, 2, seq, 0));
    ASSERT_EQ(o.verdict, Verdict::completed) << seq;
    EXPECT_EQ(o.out.seq, seq);
    EXPECT_EQ(o.out.values[0], 3);
    Outcome again = p->on_packet(s.packet(0, 1, 2, seq, 0, 0, true));
    EXPECT_EQ(again.verdict, Verdict::duplicate);
    EXPECT_EQ(again.out.count, 2u);
  }
  EXPECT_EQ(p->counters().collisions, 0u);
}

}  // namespace
}  // namespace cs::ina

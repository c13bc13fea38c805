// The arithmetic of fast-forward: when iteration ends show a common period, and how many
// iterations fit before the next event.
#include <gtest/gtest.h>

#include <vector>

#include "training/periodicity.hpp"

namespace cs::training {
namespace {

TEST(Periodicity, EqualDurationsOnEveryRankGiveTheirPeriod) {
  // Two ranks, phases 0 and 0.3 s apart, period 2 s.
  const std::vector<double> ends{10, 12, 14, 10.3, 12.3, 14.3};
  auto p = common_period(ends, 2);
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(*p, 2.0);
}

TEST(Periodicity, ARankThatDriftsOrAShortHistoryGivesNone) {
  EXPECT_FALSE(common_period(std::vector<double>{10, 12, 14, 10.3, 12.3, 14.4}, 2));  // rank 1 drifts
  EXPECT_FALSE(common_period(std::vector<double>{10, 12, 14.00001}, 1));               // 5e-6 relative
  EXPECT_FALSE(common_period(std::vector<double>{10, 12}, 1));                         // too few ends
  EXPECT_FALSE(common_period(std::vector<double>{10, 10, 10}, 1));                     // no time passes
  // Within the tolerance: a difference of a few ulps of the clock is periodic.
  EXPECT_TRUE(common_period(std::vector<double>{1e6, 1e6 + 2, 1e6 + 4 + 1e-9}, 1));
}

TEST(Periodicity, SkipsUpToTheHorizonAndLeavesTheLastIteration) {
  // No event ahead: everything but the last of 10 remaining iterations.
  EXPECT_EQ(skippable_iterations(5, 1, std::numeric_limits<double>::infinity(), 10), 9);
  // An event at 8.5: the window [5, 5 + k] must end by then: k = 3.
  EXPECT_EQ(skippable_iterations(5, 1, 8.5, 10), 3);
  // An event exactly at the end of a whole window: one fewer, so the exact run orders it.
  EXPECT_EQ(skippable_iterations(5, 1, 8, 10), 2);
  // An event before one period has passed, or one iteration left: nothing.
  EXPECT_EQ(skippable_iterations(5, 1, 5.5, 10), 0);
  EXPECT_EQ(skippable_iterations(5, 1, 100, 1), 0);
}

}  // namespace
}  // namespace cs

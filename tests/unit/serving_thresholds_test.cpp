// The tier-to-threshold table on hand-built validation sets with exactly computed cascade
// accuracies, and on random sets against a brute-force search.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

#include "learning/random.hpp"
#include "serving/thresholds.hpp"

namespace cs::serving {
namespace {

// Cascade accuracies of this set (n = 5, 4 DC-correct):
//   all_to_dc 4/5, >= 0.9 4/5, >= 0.8 5/5, >= 0.7 4/5, >= 0.6 4/5, >= 0.5 3/5.
std::vector<CascadeSample> five() {
  return {{0.6f, true, true}, {0.9f, true, true}, {0.5f, false, true}, {0.8f, true, false}, {0.7f, false, true}};
}

TEST(ServingThresholds, CascadeAccuracyAndEdgeShareOnAHandBuiltSet) {
  const auto s = five();
  EXPECT_DOUBLE_EQ(cascade_accuracy(s, all_to_dc), 0.8);
  EXPECT_DOUBLE_EQ(cascade_accuracy(s, double(0.9f)), 0.8);
  EXPECT_DOUBLE_EQ(cascade_accuracy(s, double(0.8f)), 1.0);
  EXPECT_DOUBLE_EQ(cascade_accuracy(s, double(0.7f)), 0.8);
  EXPECT_DOUBLE_EQ(cascade_accuracy(s, double(0.6f)), 0.8);
  EXPECT_DOUBLE_EQ(cascade_accuracy(s, double(0.5f)), 0.6);
  EXPECT_DOUBLE_EQ(cascade_accuracy(s, 0.0), 0.6);
  EXPECT_DOUBLE_EQ(edge_share(s, all_to_dc), 0.0);
  EXPECT_DOUBLE_EQ(edge_share(s, double(0.8f)), 0.4);
  EXPECT_DOUBLE_EQ(edge_share(s, 0.75), 0.4);  // between confidences
  EXPECT_DOUBLE_EQ(edge_share(s, 0.0), 1.0);
}

TEST(ServingThresholds, TablePicksTheLowestThresholdMeetingEachTargetInTheGivenOrder) {
  const auto s = five();
  const std::vector<double> targets{0.9, 0.6, 1.01, 0.8, 0.7, 1.0, 0.61};
  const auto t = threshold_table(s, targets);
  ASSERT_EQ(t.size(), targets.size());

  ASSERT_TRUE(t[0]);  // 0.9: only >= 0.8 reaches it (1.0)
  EXPECT_EQ(t[0]->target, 0.9);
  EXPECT_EQ(t[0]->threshold, double(0.8f));
  EXPECT_DOUBLE_EQ(t[0]->validation_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(t[0]->edge_share, 0.4);

  ASSERT_TRUE(t[1]);  // 0.6: everything at the edge
  EXPECT_EQ(t[1]->threshold, double(0.5f));
  EXPECT_DOUBLE_EQ(t[1]->validation_accuracy, 0.6);
  EXPECT_DOUBLE_EQ(t[1]->edge_share, 1.0);

  EXPECT_FALSE(t[2]);  // above the best achievable (1.0)

  ASSERT_TRUE(t[3]);  // 0.8: 0.6 is the lowest reaching it, not all_to_dc or 0.9
  EXPECT_EQ(t[3]->threshold, double(0.6f));
  EXPECT_DOUBLE_EQ(t[3]->validation_accuracy, 0.8);
  EXPECT_DOUBLE_EQ(t[3]->edge_share, 0.8);

  ASSERT_TRUE(t[4]);
  EXPECT_EQ(t[4]->threshold, double(0.6f));

  ASSERT_TRUE(t[5]);  // exactly 1.0 is met (5/5)
  EXPECT_EQ(t[5]->threshold, double(0.8f));

  ASSERT_TRUE(t[6]);  // just above the all-edge accuracy
  EXPECT_EQ(t[6]->threshold, double(0.6f));
}

TEST(ServingThresholds, OnlyTheDcMeetingATargetGivesAllToDc) {
  // The edge model is always wrong: any threshold below +inf loses accuracy.
  const std::vector<CascadeSample> s{{0.9f, false, true}, {0.8f, false, true}, {0.8f, false, false}, {0.1f, false, true}};
  EXPECT_DOUBLE_EQ(cascade_accuracy(s, all_to_dc), 0.75);  // the DC model's accuracy
  EXPECT_DOUBLE_EQ(edge_share(s, all_to_dc), 0.0);
  const std::vector<double> targets{0.75, 0.5, 0.25, 0.0};
  const auto t = threshold_table(s, targets);
  ASSERT_TRUE(t[0]);
  EXPECT_EQ(t[0]->threshold, all_to_dc);
  EXPECT_DOUBLE_EQ(t[0]->validation_accuracy, 0.75);
  EXPECT_DOUBLE_EQ(t[0]->edge_share, 0.0);
  ASSERT_TRUE(t[1]);  // >= 0.9: 0 + 2 of the remaining 3 = 0.5
  EXPECT_EQ(t[1]->threshold, double(0.9f));
  EXPECT_DOUBLE_EQ(t[1]->edge_share, 0.25);
  ASSERT_TRUE(t[2]);  // >= 0.8 takes both 0.8 samples together: 1/4
  EXPECT_EQ(t[2]->threshold, double(0.8f));
  EXPECT_DOUBLE_EQ(t[2]->validation_accuracy, 0.25);
  EXPECT_DOUBLE_EQ(t[2]->edge_share, 0.75);
  ASSERT_TRUE(t[3]);
  EXPECT_EQ(t[3]->threshold, double(0.1f));
  EXPECT_DOUBLE_EQ(t[3]->validation_accuracy, 0.0);
}

TEST(ServingThresholds, EmptyValidationThrowsAndNoTargetsGiveAnEmptyTable) {
  const std::vector<CascadeSample> none;
  const std::vector<double> targets{0.5};
  EXPECT_THROW(threshold_table(none, targets), std::invalid_argument);
  EXPECT_TRUE(threshold_table(five(), std::vector<double>{}).empty());
}

// Calibrated edge model (correct with probability = confidence, confidences quantised to 1/256
// so there are ties), DC model correct with probability 0.9.
std::vector<CascadeSample> random_set(std::size_t n, std::uint64_t seed) {
  learning::SplitMix64 rng(seed);
  std::vector<CascadeSample> s(n);
  for (auto& x : s) {
    x.edge_confidence = float(rng.below(256)) / 255.0f;
    x.edge_correct = rng.uniform() < x.edge_confidence;
    x.dc_correct = rng.uniform() < 0.9;
  }
  return s;
}

TEST(ServingThresholds, MatchesABruteForceSearchOnRandomSets) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto s = random_set(400, seed);
    std::set<double> candidates{all_to_dc};
    for (const auto& x : s) candidates.insert(double(x.edge_confidence));
    const std::vector<double> targets{0.5, 0.7, 0.8, 0.85, 0.88, 0.9, 0.92, 0.95, 1.0};
    const auto t = threshold_table(s, targets);
    for (std::size_t i = 0; i < targets.size(); ++i) {
      std::optional<double> expected;
      for (double c : candidates)  // ascending
        if (cascade_accuracy(s, c) >= targets[i] - 1e-12) {
          expected = c;
          break;
        }
      ASSERT_EQ(t[i].has_value(), expected.has_value()) << "seed " << seed << " target " << targets[i];
      if (!expected) continue;
      EXPECT_EQ(t[i]->threshold, *expected) << "seed " << seed << " target " << targets[i];
      EXPECT_EQ(t[i]->validation_accuracy, cascade_accuracy(s, *expected));
      EXPECT_EQ(t[i]->edge_share, edge_share(s, *expected));
    }
  }
}

TEST(ServingThresholds, HigherTargetsNeverGetLowerThresholdsOnTenThousandSamples) {
  const auto s = random_set(10'000, 42);
  // Shuffled order: the table answers in the order given.
  const std::vector<double> targets{0.9, 0.6, 0.93, 0.75, 0.95, 0.85, 0.8, 0.91, 0.7, 0.999, 0.89};
  const auto t = threshold_table(s, targets);
  ASSERT_EQ(t.size(), targets.size());
  const double dc_accuracy = cascade_accuracy(s, all_to_dc);
  EXPECT_NEAR(dc_accuracy, 0.9, 0.02);
  int met = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!t[i]) continue;
    ++met;
    EXPECT_EQ(t[i]->target, targets[i]);
    EXPECT_GE(t[i]->validation_accuracy, targets[i] - 1e-12);
    EXPECT_EQ(t[i]->validation_accuracy, cascade_accuracy(s, t[i]->threshold));
    EXPECT_EQ(t[i]->edge_share, edge_share(s, t[i]->threshold));
    for (std::size_t j = 0; j < targets.size(); ++j)
      if (targets[j] > targets[i]) {
        if (t[j]) {
          EXPECT_GE(t[j]->threshold, t[i]->threshold) << targets[i] << " vs " << targets[j];
        }
        if (t[j]) {
          EXPECT_LE(t[j]->edge_share, t[i]->edge_share);
        }
      }
  }
  // The DC model alone reaches about 0.9 and a calibrated edge model adds little above it: every
  // target up to 0.89 is met, 0.93 and above are not.
  EXPECT_GE(met, 7);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i] <= 0.89) {
      EXPECT_TRUE(t[i]) << targets[i];
    }
    if (targets[i] >= 0.93) {
      EXPECT_FALSE(t[i]) << targets[i];
    }
  }
  ASSERT_TRUE(t[1]);
  EXPECT_GT(t[1]->edge_share, 0.5);  // a low tier stays mostly at the edge
}

}  // namespace
}  // namespace cs::serving

namespace cs::serving {
namespace {

TEST(ServingThresholds, AccuracyLowerBoundSubtractsZStandardErrors) {
  EXPECT_DOUBLE_EQ(accuracy_lower_bound(0.9, 100, 0), 0.9);
  EXPECT_DOUBLE_EQ(accuracy_lower_bound(0.9, 100, 2), 0.9 - 2 * std::sqrt(0.9 * 0.1 / 100));
  EXPECT_DOUBLE_EQ(accuracy_lower_bound(1.0, 100, 3), 1.0);  // no spread, no margin
}

// With a confidence margin every tier's bound (not just its accuracy) meets the target, so
// thresholds can only rise; a target the bare accuracy meets may then be out of reach.
TEST(ServingThresholds, AMarginRaisesThresholdsAndEveryBoundMeetsItsTarget) {
  const auto s = random_set(10'000, 11);
  const std::vector<double> targets{0.70, 0.75, 0.8, 0.85};
  const auto plain = threshold_table(s, targets);
  const auto bounded = threshold_table(s, targets, 2.326);
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!bounded[i]) continue;
    ASSERT_TRUE(plain[i]);
    EXPECT_GE(bounded[i]->threshold, plain[i]->threshold) << targets[i];
    EXPECT_GE(accuracy_lower_bound(bounded[i]->validation_accuracy, s.size(), 2.326), targets[i] - 1e-12);
    EXPECT_DOUBLE_EQ(bounded[i]->validation_accuracy, cascade_accuracy(s, bounded[i]->threshold));
  }
}

}  // namespace
}  // namespace cs::serving

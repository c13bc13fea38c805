// Percentiles must match numpy.percentile's default (linear interpolation), so that scripts
// recomputing from the CSVs agree with summary.json.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/stats.hpp"

using cs::mean;
using cs::normal_tail_quantile;
using cs::percentile;

TEST(Stats, PercentileInterpolatesLikeNumpy) {
  std::vector<double> v{4, 1, 3, 2};  // unsorted on purpose
  EXPECT_DOUBLE_EQ(percentile(v, 0), 1);
  EXPECT_DOUBLE_EQ(percentile(v, 50), 2.5);    // numpy.percentile([1,2,3,4], 50)
  EXPECT_DOUBLE_EQ(percentile(v, 90), 3.7);    // numpy: 3.7
  EXPECT_DOUBLE_EQ(percentile(v, 100), 4);
  std::vector<double> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_NEAR(percentile(ten, 99), 9.91, 1e-12);  // numpy: 9.91
  EXPECT_NEAR(percentile(ten, 25), 3.25, 1e-12);  // numpy: 3.25
}

TEST(Stats, PercentileEdgeCases) {
  EXPECT_EQ(percentile({}, 50), 0);
  std::vector<double> one{7};
  EXPECT_EQ(percentile(one, 0), 7);
  EXPECT_EQ(percentile(one, 99), 7);
  std::vector<double> v{1, 2, 3};
  // Outside [0, 100] clamps instead of reading past the data.
  EXPECT_EQ(percentile(v, 150), 3);
  EXPECT_EQ(percentile(v, -5), 1);
  EXPECT_EQ(percentile(v, NAN), 1);
}

TEST(Stats, Mean) {
  EXPECT_EQ(mean({}), 0);
  std::vector<double> v{1, 2, 3, 6};
  EXPECT_DOUBLE_EQ(mean(v), 3);
}

// The upper-tail quantile Phi^-1(1 - p); reference values from Python's
// statistics.NormalDist().inv_cdf(1 - p) (1.6448536269514715, 2.3263478740408408).
TEST(Stats, NormalTailQuantile) {
  EXPECT_NEAR(normal_tail_quantile(0.05), 1.6448536269514722, 1e-12);
  EXPECT_NEAR(normal_tail_quantile(0.01), 2.3263478740408408, 1e-12);
  EXPECT_NEAR(normal_tail_quantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(normal_tail_quantile(0.95), -1.6448536269514722, 1e-12);
  EXPECT_THROW(normal_tail_quantile(0), std::invalid_argument);
  EXPECT_THROW(normal_tail_quantile(1), std::invalid_argument);
}

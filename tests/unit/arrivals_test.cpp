// The arrival processes (models/serving/arrivals.hpp), each through its registry entry.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "serving/arrivals.hpp"

namespace cs::serving {
namespace {

const ArrivalEntry& entry(std::string_view name) { return *arrival_processes().find(name); }

// Every gap is 1 / rate after a phase in [0, 1 / rate).
TEST(Arrivals, ConstantIsEvenlySpacedFromAPhase) {
  const double rate = 30;
  auto s = entry("constant").make({rate, {}}, learning::SplitMix64(7));
  double t = s->next();
  EXPECT_GE(t, 0);
  EXPECT_LT(t, 1 / rate);
  for (int i = 0; i < 1000; ++i) {
    const double next = s->next();
    EXPECT_NEAR(next - t, 1 / rate, 1e-12);
    t = next;
  }
}

// n exponential gaps at rate r: their mean is 1/r with standard error 1/(r sqrt(n)); 5 standard
// errors fail a correct stream once in 1.7 million seeds, a rate off by 2% almost always.
TEST(Arrivals, PoissonGapsAreExponentialAtTheRate) {
  const double rate = 50;
  const int n = 200000;
  auto s = entry("poisson").make({rate, {}}, learning::SplitMix64(11));
  double last = 0, sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double t = s->next();
    ASSERT_GT(t, last);
    const double gap = t - last;
    sum += gap;
    sum_sq += gap * gap;
    last = t;
  }
  const double mean = sum / n, se = 1 / (rate * std::sqrt(double(n)));
  EXPECT_NEAR(mean, 1 / rate, 5 * se);
  // An exponential's variance is its mean squared: E[g^2] = 2 / r^2. Var(g^2) = 24/r^4 - 4/r^4.
  EXPECT_NEAR(sum_sq / n, 2 / (rate * rate), 5 * std::sqrt(20.0 / n) / (rate * rate));
}

// The same seed gives the same times; another seed others.
TEST(Arrivals, AStreamIsAFunctionOfItsSeed) {
  auto a = entry("poisson").make({10, {}}, learning::SplitMix64(3));
  auto b = entry("poisson").make({10, {}}, learning::SplitMix64(3));
  auto c = entry("poisson").make({10, {}}, learning::SplitMix64(4));
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const double t = a->next();
    EXPECT_EQ(t, b->next());
    differs |= t != c->next();
  }
  EXPECT_TRUE(differs);
}

// A trace gives its times in order, then never another.
TEST(Arrivals, TraceReplaysItsTimesThenStops) {
  const std::vector<double> times{0.5, 1.25, 1.25, 7};
  auto s = entry("trace").make({0, times}, learning::SplitMix64(1));
  for (double t : times) EXPECT_EQ(s->next(), t);
  EXPECT_EQ(s->next(), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(entry("trace").from_trace);
  EXPECT_FALSE(entry("poisson").from_trace);
}

}  // namespace
}  // namespace cs::serving

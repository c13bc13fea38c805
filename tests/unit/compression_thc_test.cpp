// THC (NSDI 2024): lookup tables, the randomized Hadamard transform, and the integer sum's
// decoding. The statistical checks use fixed seeds, so they are deterministic; their bounds
// are several standard deviations wide so that a correct change of RNG would still pass.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

#include "compression/hadamard.hpp"
#include "compression/thc.hpp"
#include "compression/thc_table.hpp"
#include "validation/record.hpp"

using namespace cs::compression;

namespace {

std::vector<float> gaussian(std::size_t d, std::uint64_t seed) {
  // Box-Muller on the counter-based uniforms: deterministic, no <random> distribution
  // differences between standard libraries.
  std::vector<float> v(d);
  for (std::size_t i = 0; i < d; ++i) {
    double u1 = uniform01(seed, 2 * i) + 0x1.0p-54, u2 = uniform01(seed, 2 * i + 1);
    v[i] = static_cast<float>(std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2));
  }
  return v;
}

double norm2(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return s;
}

void expect_valid_table(const std::vector<int>& t, int bits, int g) {
  ASSERT_EQ(t.size(), std::size_t{1} << bits);
  EXPECT_EQ(t.front(), 0);
  EXPECT_EQ(t.back(), g);
  for (std::size_t k = 0; k + 1 < t.size(); ++k) EXPECT_LT(t[k], t[k + 1]) << "k=" << k;
  for (std::size_t k = 0; k < t.size(); ++k) EXPECT_EQ(t[k] + t[t.size() - 1 - k], g) << "k=" << k;
}

// The best symmetric table of 2^bits points on [0, g] by exhaustive search: every choice of the
// lower half's interior points a_1 < ... < a_{K/2-1} below g/2 (the upper half mirrors it), scored
// by expected_rounding_variance (itself checked against a numerical integral below). Returns
// the argmin and sets `unique` to whether no other table comes within 1e-12 of it.
std::vector<int> brute_force_table(int bits, int g, double p, bool* unique = nullptr, double* best = nullptr) {
  const int half = 1 << (bits - 1);
  std::vector<int> lower(half, 0), best_table;
  double best_v = 1e300, second = 1e300;
  auto score = [&] {
    std::vector<int> t(lower);
    for (int k = half - 1; k >= 0; --k) t.push_back(g - lower[k]);
    const double v = expected_rounding_variance(t, g, p);
    if (v < best_v) {
      second = best_v;
      best_v = v;
      best_table = t;
    } else {
      second = std::min(second, v);
    }
  };
  auto choose = [&](auto& self, int k, int from) -> void {
    if (k == half) return score();
    for (int a = from; 2 * a < g; ++a) {
      lower[k] = a;
      self(self, k + 1, a + 1);
    }
  };
  choose(choose, 1, 1);
  if (unique) *unique = second > best_v + 1e-12;
  if (best) *best = best_v;
  return best_table;
}

}  // namespace

TEST(ThcTable, SymmetricWithEndpoints) {
  for (auto [bits, g, p] : {std::tuple{1, 1, 0.5}, {1, 7, 0.1}, {2, 3, 0.125}, {2, 10, 0.125}, {3, 20, 0.01},
                            {4, 15, 1.0 / 16}, {4, 30, 1.0 / 32}, {4, 47, 1.0 / 64}, {4, 100, 1e-4},
                            {5, 61, 1.0 / 32}, {8, 1000, 1.0 / 32}}) {
    SCOPED_TRACE(::testing::Message() << "bits=" << bits << " g=" << g << " p=" << p);
    expect_valid_table(optimal_table(bits, g, p), bits, g);
    expect_valid_table(uniform_table(bits, g), bits, g);
  }
}

TEST(ThcTable, RejectsBadArguments) {
  EXPECT_THROW(optimal_table(0, 30, 0.1), std::invalid_argument);
  EXPECT_THROW(optimal_table(9, 1000, 0.1), std::invalid_argument);
  EXPECT_THROW(optimal_table(4, 14, 0.1), std::invalid_argument);  // 16 distinct ints need g >= 15
  EXPECT_THROW(optimal_table(4, 30, 0.0), std::invalid_argument);
  EXPECT_THROW(optimal_table(4, 30, 1.0), std::invalid_argument);
  EXPECT_THROW(uniform_table(3, 6), std::invalid_argument);
  EXPECT_NO_THROW(optimal_table(4, 15, 0.5));
}

// Phi^-1(1 - p/2), as Python's statistics.NormalDist().inv_cdf(1 - p / 2) gives it.
TEST(ThcTable, ClipThreshold) {
  EXPECT_NEAR(clip_threshold(0.05), 1.959963985, 1e-8);
  EXPECT_NEAR(clip_threshold(1.0 / 32), 2.153874694, 1e-8);
  EXPECT_NEAR(clip_threshold(1.0 / 16), 1.862731867, 1e-8);
}

// The claim: with p = 1/16 the optimal 4-bit table is uniform. It holds non-trivially
// at g = 30 (every other integer); g = 15 is trivial (16 points in [0, 15] can only be 0..15).
TEST(ThcTable, OptimalTableForOneSixteenthIsUniform) {
  std::vector<int> even(16);
  for (int k = 0; k < 16; ++k) even[k] = 2 * k;
  EXPECT_EQ(optimal_table(4, 30, 1.0 / 16), even);
  EXPECT_EQ(uniform_table(4, 30), even);
}

// At p = 1/32 the coordinates spread further into [0, g]'s middle, so the optimum packs the
// middle tighter than the uniform table, and is strictly better than it. The dynamic program's
// table is the unique best of all C(14, 7) = 3432 symmetric 4-bit tables on [0, 30] (it is
// {0, 3, 5, 7, 9, 11, 13, 14, 16, 17, 19, 21, 23, 25, 27, 30}).
TEST(ThcTable, OptimalTableForOneThirtySecond) {
  bool unique = false;
  double best = 0;
  const std::vector<int> expected = brute_force_table(4, 30, 1.0 / 32, &unique, &best);
  EXPECT_TRUE(unique);
  auto t = optimal_table(4, 30, 1.0 / 32);
  EXPECT_EQ(t, expected);
  validation::check("", "THC 4-bit table: rounding variance of the DP's table", "min over 3432 symmetric tables (brute force)",
                    "b=4, g=30, p=1/32", best, expected_rounding_variance(t, 30, 1.0 / 32), 1e-12);
  EXPECT_LT(expected_rounding_variance(t, 30, 1.0 / 32), expected_rounding_variance(uniform_table(4, 30), 30, 1.0 / 32));
}

// Exhaustive search over every symmetric 2- and 3-bit table agrees with the DP. Symmetry is a
// constraint, not a free property: when a symmetric table cannot put a point on the mode g/2
// (an even number of points, g even), an asymmetric table can beat it (b = 2, g = 10, p = 1/8:
// {0, 3, 6, 10} has 1.693 against the symmetric optimum's 1.860). THC's tables are symmetric.
TEST(ThcTable, DynamicProgramMatchesBruteForce) {
  for (double p : {1.0 / 8, 1.0 / 32}) {
    for (int g = 3; g <= 24; ++g) {
      double best2 = 1e300, best3 = 1e300;
      for (int a = 1; 2 * a < g; ++a) {
        best2 = std::min(best2, expected_rounding_variance({0, a, g - a, g}, g, p));
        for (int b = a + 1; 2 * b < g; ++b)
          for (int c = b + 1; 2 * c < g; ++c)
            best3 = std::min(best3, expected_rounding_variance({0, a, b, c, g - c, g - b, g - a, g}, g, p));
      }
      EXPECT_NEAR(expected_rounding_variance(optimal_table(2, g, p), g, p), best2, 1e-12) << "g=" << g << " p=" << p;
      if (g >= 7) {
        EXPECT_NEAR(expected_rounding_variance(optimal_table(3, g, p), g, p), best3, 1e-12) << "g=" << g << " p=" << p;
      }
    }
  }
  EXPECT_LT(expected_rounding_variance({0, 3, 6, 10}, 10, 1.0 / 8), expected_rounding_variance(optimal_table(2, 10, 1.0 / 8), 10, 1.0 / 8));
}

// The closed-form interval cost against a plain numerical integral of (b - x)(x - a) f(x).
TEST(ThcTable, ExpectedVarianceMatchesNumericalIntegral) {
  const int g = 30;
  const double p = 1.0 / 32, T = clip_threshold(p);
  std::vector<int> table{0, 3, 5, 7, 9, 11, 13, 14, 16, 17, 19, 21, 23, 25, 27, 30};
  double total = 0;
  const int steps = 200000;
  for (int s = 0; s < steps; ++s) {
    double x = (s + 0.5) * g / steps;
    std::size_t k = 0;
    while (table[k + 1] < x) ++k;
    double z = x * 2 * T / g - T;
    double density = std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi) * (2 * T / g);
    total += (table[k + 1] - x) * (x - table[k]) * density * g / steps;
  }
  EXPECT_NEAR(expected_rounding_variance(table, g, p), total, 1e-6);
}

// optimal_table caches per (bits, g, p): requests interleaved over several keys, some from
// several threads at once, each get their own key's optimum (brute force), not another key's.
TEST(ThcTable, TheCacheReturnsEachKeysOwnOptimum) {
  std::vector<int> even(16);
  for (int k = 0; k < 16; ++k) even[k] = 2 * k;
  const auto thirty_second = brute_force_table(4, 30, 1.0 / 32);
  for (int round = 0; round < 2; ++round) {  // the second round reads the cache
    EXPECT_EQ(optimal_table(4, 30, 1.0 / 32), thirty_second);
    EXPECT_EQ(optimal_table(4, 30, 1.0 / 16), even);
    EXPECT_EQ(optimal_table(3, 20, 0.01), brute_force_table(3, 20, 0.01));
  }
  std::vector<std::vector<int>> got(12);
  std::vector<std::thread> threads;
  for (int g = 7; g < 19; ++g) threads.emplace_back([&got, g] { got[g - 7] = optimal_table(3, g, 0.07); });
  for (auto& t : threads) t.join();
  for (int g = 7; g < 19; ++g) {
    EXPECT_NEAR(expected_rounding_variance(got[g - 7], g, 0.07),
                expected_rounding_variance(brute_force_table(3, g, 0.07), g, 0.07), 1e-12)
        << "g=" << g;
    EXPECT_EQ(got[g - 7], optimal_table(3, g, 0.07)) << "g=" << g;
  }
}

TEST(Hadamard, PlainTransformIsOrthonormal) {
  std::vector<float> e(8, 0.0f);
  e[0] = 1;
  hadamard(e);
  for (float x : e) EXPECT_NEAR(x, 1 / std::sqrt(8.0), 1e-7);
  std::vector<float> f(8, 0.0f);
  f[1] = 1;
  hadamard(f);
  EXPECT_NEAR(std::inner_product(e.begin(), e.end(), f.begin(), 0.0), 0, 1e-7);  // columns orthogonal
  std::vector<float> bad(12, 1.0f);
  EXPECT_THROW(hadamard(bad), std::invalid_argument);
  EXPECT_THROW(randomized_hadamard(bad, 1), std::invalid_argument);
}

TEST(Hadamard, RandomizedTransformInvertsAndPreservesNorm) {
  for (std::size_t d : {1u, 2u, 64u, 4096u}) {
    auto a = gaussian(d, 7 + d);
    auto v = a;
    randomized_hadamard(v, 42);
    EXPECT_NEAR(norm2(v), norm2(a), 1e-5 * norm2(a)) << "d=" << d;
    inverse_randomized_hadamard(v, 42);
    for (std::size_t i = 0; i < d; ++i) ASSERT_NEAR(v[i], a[i], 1e-5) << "d=" << d << " i=" << i;
  }
  // The seed matters: another seed's rotation differs.
  auto a = gaussian(256, 1);
  auto u = a, w = a;
  randomized_hadamard(u, 1);
  randomized_hadamard(w, 2);
  EXPECT_NE(u, w);
  // A spike spreads evenly: every coordinate is +-1/sqrt(d).
  std::vector<float> spike(1024, 0.0f);
  spike[5] = 1;
  randomized_hadamard(spike, 3);
  for (float x : spike) EXPECT_NEAR(std::abs(x), 1 / 32.0, 1e-7);
}

TEST(Thc, EncodingIsDeterministicPerStream) {
  ThcCodec codec({});
  auto a = gaussian(100, 5);
  double M = std::sqrt(norm2(a));
  auto i1 = codec.encode(a, M, 9, 1), i2 = codec.encode(a, M, 9, 1), i3 = codec.encode(a, M, 9, 2);
  EXPECT_EQ(i1.size(), 128u);  // padded to a power of two
  EXPECT_EQ(i1, i2);
  EXPECT_NE(i1, i3);
  for (auto k : i1) EXPECT_LT(k, 16);
}

// With M large enough that nothing clips, the only error is stochastic rounding, which is
// unbiased: the mean of many independent aggregates converges to the true mean.
TEST(Thc, AggregateIsUnbiased) {
  ThcCodec codec({.bits = 4, .granularity = 30, .clip_probability = 1.0 / 32});
  const std::size_t d = 64;
  const int n = 4, trials = 4000;
  std::vector<std::vector<float>> inputs;
  for (int i = 0; i < n; ++i) inputs.push_back(gaussian(d, 100 + i));
  double max_norm = 0;
  for (auto& a : inputs) max_norm = std::max(max_norm, std::sqrt(norm2(a)));
  const double M = 3 * max_norm;
  const std::uint64_t shared = 77;
  for (auto& a : inputs) {  // precondition: no coordinate clips
    auto y = a;
    randomized_hadamard(y, shared);
    for (float x : y) ASSERT_LT(std::abs(x) * std::sqrt(double(d)) / M, codec.threshold());
  }
  std::vector<double> truth(d, 0), avg(d, 0);
  for (auto& a : inputs)
    for (std::size_t j = 0; j < d; ++j) truth[j] += a[j] / double(n);
  for (int t = 0; t < trials; ++t) {
    std::vector<std::uint32_t> sum(d, 0);
    for (int i = 0; i < n; ++i) codec.accumulate(sum, codec.encode(inputs[i], M, shared, 1000ull * t + i));
    auto est = codec.decode(sum, n, M, shared, d);
    for (std::size_t j = 0; j < d; ++j) avg[j] += est[j] / double(trials);
  }
  // One worker's rounding variance per coordinate is at most (gap/2)^2 in table units; the
  // inverse rotation is orthonormal, so an output coordinate's variance is at most that too.
  const auto& R = codec.table();
  int gap = 0;
  for (std::size_t k = 0; k + 1 < R.size(); ++k) gap = std::max(gap, R[k + 1] - R[k]);
  const double scale = 2 * codec.threshold() / 30 * M / std::sqrt(double(d));
  const double sigma = scale * gap / 2 / std::sqrt(double(n)) / std::sqrt(double(trials));
  double worst = 0;
  for (std::size_t j = 0; j < d; ++j) worst = std::max(worst, std::abs(avg[j] - truth[j]) / sigma);
  EXPECT_LT(worst, 5.0);
  // And the bound is not vacuous: one aggregate alone is far off.
  std::vector<std::uint32_t> sum(d, 0);
  for (int i = 0; i < n; ++i) codec.accumulate(sum, codec.encode(inputs[i], M, shared, i));
  auto one = codec.decode(sum, n, M, shared, d);
  double single = 0;
  for (std::size_t j = 0; j < d; ++j) single = std::max(single, std::abs(one[j] - truth[j]) / sigma);
  EXPECT_GT(single, 5.0);
}

namespace {
double vnmse(const ThcCodec& codec, int n, std::size_t d, int repeats) {
  double total = 0;
  for (int r = 0; r < repeats; ++r) {
    std::vector<std::vector<float>> inputs;
    for (int i = 0; i < n; ++i) inputs.push_back(gaussian(d, 5000ull * r + i));
    std::vector<double> truth(d, 0);
    double energy = 0;
    for (auto& a : inputs) {
      energy += norm2(a) / n;
      for (std::size_t j = 0; j < d; ++j) truth[j] += a[j] / double(n);
    }
    auto est = thc_mean(codec, inputs, 31 + r, 100ull * r);
    double err = 0;
    for (std::size_t j = 0; j < d; ++j) err += (est[j] - truth[j]) * (est[j] - truth[j]);
    total += err / energy;
  }
  return total / repeats;
}
}  // namespace

// Independent workers' rounding errors average out: vNMSE falls as about 1/n.
TEST(Thc, VnmseFallsAsOneOverN) {
  ThcCodec codec({.bits = 4, .granularity = 30, .clip_probability = 1.0 / 32});
  const std::size_t d = 1 << 14;
  double v1 = vnmse(codec, 1, d, 4), v2 = vnmse(codec, 2, d, 4), v8 = vnmse(codec, 8, d, 4);
  // One worker (M = its own norm): rounding, 0.634 table units^2 times (2T/g)^2 = 0.013, plus
  // clipping, E[(|Z| - T)^2; |Z| > T] = 0.007: about 0.020.
  std::cout << "vNMSE n=1: " << v1 << ", n=2: " << v2 << ", n=8: " << v8 << "\n";
  EXPECT_GT(v1, 0.010);
  EXPECT_LT(v1, 0.025);
  EXPECT_GT(v2 / v8, 2.5);
  EXPECT_LT(v2 / v8, 6.0);
  EXPECT_LT(v8, v2);
}

// Confidence as the cascade uses it: argmax, the temperature-scaled max softmax (stable for
// large logits), mean NLL, and the temperature fit (recovers a known temperature).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "learning/random.hpp"
#include "serving/confidence.hpp"
#include "validation/record.hpp"

using namespace cs::serving;

namespace {

// n rows of `classes` logits ~ N(0, scale^2), labels drawn from softmax(z / true_t).
struct Synthetic {
  std::vector<float> logits;
  std::vector<std::uint8_t> labels;
};

Synthetic synthetic(std::size_t n, int classes, double scale, double true_t, std::uint64_t seed) {
  cs::learning::SplitMix64 rng(seed);
  Synthetic s;
  s.logits.resize(n * classes);
  s.labels.resize(n);
  std::vector<double> p(classes);
  for (std::size_t i = 0; i < n; ++i) {
    float* z = s.logits.data() + i * classes;
    double m = -1e300, sum = 0;
    for (int k = 0; k < classes; ++k) {
      z[k] = static_cast<float>(scale * rng.normal());
      m = std::max(m, double(z[k]));
    }
    for (int k = 0; k < classes; ++k) sum += p[k] = std::exp((z[k] - m) / true_t);
    double u = rng.uniform() * sum;
    int label = classes - 1;
    for (int k = 0; k < classes; ++k) {
      if (u < p[k]) {
        label = k;
        break;
      }
      u -= p[k];
    }
    s.labels[i] = static_cast<std::uint8_t>(label);
  }
  return s;
}

}  // namespace

TEST(ServingConfidence, ArgmaxTakesTheFirstOfTies) {
  const std::vector<float> a{1, 3, 3, 2};
  EXPECT_EQ(argmax(a), 1);
  const std::vector<float> b{5, 5, 5};
  EXPECT_EQ(argmax(b), 0);
  const std::vector<float> c{-2, -1, -7};
  EXPECT_EQ(argmax(c), 1);
  const std::vector<float> d{0.5f};
  EXPECT_EQ(argmax(d), 0);
  EXPECT_THROW(argmax(std::span<const float>{}), std::invalid_argument);
}

TEST(ServingConfidence, MaxSoftmaxMatchesHandComputedValues) {
  // softmax(1, 2, 3): max = e^3 / (e + e^2 + e^3) = 1 / (e^-2 + e^-1 + 1).
  const std::vector<float> z{1, 2, 3};
  const double expected = 1.0 / (std::exp(-2.0) + std::exp(-1.0) + 1.0);
  EXPECT_NEAR(max_softmax(z, 1.0), expected, 1e-12);
  EXPECT_NEAR(max_softmax(z, 1.0), 0.6652409557748219, 1e-12);
  // At T = 2: 1 / (e^-1 + e^-0.5 + 1).
  EXPECT_NEAR(max_softmax(z, 2.0), 1.0 / (std::exp(-1.0) + std::exp(-0.5) + 1.0), 1e-12);
  // Equal logits: 1 / classes at any temperature.
  const std::vector<float> flat{4, 4, 4, 4};
  EXPECT_DOUBLE_EQ(max_softmax(flat, 0.3), 0.25);
  EXPECT_THROW(max_softmax(z, 0.0), std::invalid_argument);
  EXPECT_THROW(max_softmax(z, -1.0), std::invalid_argument);
}

TEST(ServingConfidence, MaxSoftmaxIsStableForLargeLogits) {
  // exp(1000) overflows; the shifted form gives the same value as for (1, 2, 3).
  const std::vector<float> big{1001, 1002, 1003};
  const double expected = 1.0 / (std::exp(-2.0) + std::exp(-1.0) + 1.0);
  EXPECT_NEAR(max_softmax(big, 1.0), expected, 1e-9);
  const std::vector<float> negative{-1e4f, -1e4f + 1, -1e4f + 2};
  EXPECT_NEAR(max_softmax(negative, 1.0), expected, 1e-6);
  const std::vector<float> huge{3e38f, -3e38f, 0};
  const double p = max_softmax(huge, 1.0);
  EXPECT_TRUE(std::isfinite(p));
  EXPECT_DOUBLE_EQ(p, 1.0);
  // A tiny temperature: a one-hot, still finite.
  EXPECT_DOUBLE_EQ(max_softmax(std::vector<float>{0, 1}, 1e-6), 1.0);
}

TEST(ServingConfidence, LargeTemperatureGivesUniformConfidence) {
  const std::vector<float> z{0.5f, -2, 7, 3, 1, 0, 0, -1, 2, 4};
  EXPECT_NEAR(max_softmax(z, 1e6), 0.1, 1e-6);
  // Confidence falls as the temperature rises.
  EXPECT_GT(max_softmax(z, 1.0), max_softmax(z, 2.0));
  EXPECT_GT(max_softmax(z, 2.0), max_softmax(z, 20.0));
}

TEST(ServingConfidence, MeanNllMatchesHandComputedValues) {
  // Two rows of 3 classes.
  const std::vector<float> z{1, 2, 3, 0, 0, 0};
  const std::vector<std::uint8_t> y{0, 2};
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  const double expected = ((lse - 1.0) + std::log(3.0)) / 2;
  EXPECT_NEAR(mean_nll(z, y, 3, 1.0), expected, 1e-12);
  // At T = 0.5 the logits double.
  const double lse2 = std::log(std::exp(2.0) + std::exp(4.0) + std::exp(6.0));
  EXPECT_NEAR(mean_nll(z, y, 3, 0.5), ((lse2 - 2.0) + std::log(3.0)) / 2, 1e-12);
  // Large logits stay finite: the correct class at +1000 over 0s costs ~0.
  const std::vector<float> big{1000, 0, 0};
  EXPECT_NEAR(mean_nll(big, std::vector<std::uint8_t>{0}, 3, 1.0), 0.0, 1e-12);
  EXPECT_NEAR(mean_nll(big, std::vector<std::uint8_t>{1}, 3, 1.0), 1000.0, 1e-9);
}

TEST(ServingConfidence, RejectsBadInput) {
  const std::vector<float> z{1, 2, 3, 0, 0, 0};
  const std::vector<std::uint8_t> two{0, 1}, three{0, 1, 2}, out_of_range{0, 3};
  EXPECT_THROW(mean_nll(z, three, 3, 1.0), std::invalid_argument);
  EXPECT_THROW(mean_nll(z, out_of_range, 3, 1.0), std::invalid_argument);
  EXPECT_THROW(mean_nll(z, two, 3, 0.0), std::invalid_argument);
  EXPECT_THROW(fit_temperature(std::span<const float>{}, std::span<const std::uint8_t>{}, 3), std::invalid_argument);
  EXPECT_THROW(fit_temperature(z, three, 3), std::invalid_argument);
  EXPECT_THROW(fit_temperature(z, two, 0), std::invalid_argument);
}

// The labels are drawn from softmax(z / T), so the fit is a maximum-likelihood estimate of T; its
// standard error is 1 / sqrt(n I), I the observed information per sample: the second derivative
// of the mean NLL at the fit (a central difference here). The fit must be within 5 of those.
TEST(ServingConfidence, FitTemperatureRecoversAKnownTemperature) {
  for (double true_t : {2.5, 0.5}) {
    const std::size_t n = 10'000;
    const Synthetic s = synthetic(n, 10, 3.0, true_t, 42);
    const double t = fit_temperature(s.logits, s.labels, 10);
    const double h = 1e-3 * t;
    const double information = (mean_nll(s.logits, s.labels, 10, t + h) - 2 * mean_nll(s.logits, s.labels, 10, t) +
                                mean_nll(s.logits, s.labels, 10, t - h)) / (h * h);
    ASSERT_GT(information, 0);
    const double standard_error = 1 / std::sqrt(double(n) * information);
    EXPECT_LT(standard_error, 0.05 * true_t);  // not vacuous: 5 standard errors stay well inside 25%
    validation::check("", "fitted temperature (maximum likelihood)", "T, the temperature the labels were drawn at",
                      "n=10000 rows of 10 logits ~ N(0, 9), T=" + std::to_string(true_t).substr(0, 3) +
                          ", tolerance 5 x 1 / sqrt(n I)",
                      true_t, t, 5 * standard_error / true_t);
    // The fit is the minimum: no worse than T = 1, nor than nearby temperatures.
    const double best = mean_nll(s.logits, s.labels, 10, t);
    EXPECT_LE(best, mean_nll(s.logits, s.labels, 10, 1.0));
    EXPECT_LE(best, mean_nll(s.logits, s.labels, 10, t * 1.05));
    EXPECT_LE(best, mean_nll(s.logits, s.labels, 10, t / 1.05));
  }
}

TEST(ServingConfidence, FitTemperatureStaysInItsRange) {
  // Labels always the argmax: sharper is always better, so the fit hits the lower bound.
  std::vector<float> z{3, 0, 0, 0, 2, 0};
  std::vector<std::uint8_t> y{0, 1};
  const double low = fit_temperature(z, y, 3);
  EXPECT_GE(low, 0.05 * (1 - 1e-9));
  EXPECT_LT(low, 0.06);
  // Labels never the argmax: flatter is always better, the fit hits the upper bound.
  std::vector<std::uint8_t> wrong{1, 0};
  const double high = fit_temperature(z, wrong, 3);
  EXPECT_LE(high, 20 * (1 + 1e-9));
  EXPECT_GT(high, 19.0);
}

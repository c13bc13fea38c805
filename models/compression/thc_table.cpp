#include "compression/thc_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <string>
#include <tuple>

#include "core/stats.hpp"

namespace cs::compression {
namespace {

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

void check_arguments(int bits, int granularity) {
  if (bits < 1 || bits > 8)
    throw std::invalid_argument("THC table: bits must be in 1..8, got " + std::to_string(bits));
  if (granularity < (1 << bits) - 1)
    throw std::invalid_argument("THC table: granularity " + std::to_string(granularity) +
                                " cannot hold 2^" + std::to_string(bits) + " distinct integers");
}

// Integral of (b - x)(x - a) f(x) over [a, b] in table units, where x = (z + T) g / (2T) and f
// is the standard normal density in z. Exact, from the truncated moments of the normal:
//   int phi = Phi(zb) - Phi(za), int z phi = phi(za) - phi(zb),
//   int z^2 phi = int phi + za phi(za) - zb phi(zb).
// The clipped mass sits exactly on 0 and g, which are table entries, so it adds nothing.
struct IntervalCost {
  double T, scale;  // x = scale * (z + T)
  double operator()(int a, int b) const {
    double za = a / scale - T, zb = b / scale - T;
    double pa = normal_pdf(za), pb = normal_pdf(zb);
    double m0 = normal_cdf(zb) - normal_cdf(za);
    double m1 = pa - pb;
    double m2 = m0 + za * pa - zb * pb;
    // (b - x)(x - a) with x = c0 + c1 z is a quadratic in z: q0 + q1 z + q2 z^2.
    double c0 = scale * T, c1 = scale;
    double q0 = (b - c0) * (c0 - a);
    double q1 = c1 * ((b - c0) - (c0 - a));
    double q2 = -c1 * c1;
    return std::max(0.0, q0 * m0 + q1 * m1 + q2 * m2);  // clamp rounding noise near zero
  }
};

// The DP exploits symmetry: the density is symmetric about g/2, and so is a symmetric table,
// so the cost is twice the left half's cost plus the middle interval [m, g - m]. left[k][j] is
// the least cost of k + 1 increasing integers from 0 to j. O(2^bits * g^2 / 8) evaluations.
std::vector<int> compute_optimal(int bits, int g, double p) {
  const int K = 1 << bits, half = K / 2;
  IntervalCost cost{clip_threshold(p), g / (2 * clip_threshold(p))};
  const int jmax = (g - 1) / 2;  // the left half's last point m must satisfy m < g - m
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> left(half, std::vector<double>(jmax + 1, inf));
  std::vector<std::vector<int>> parent(half, std::vector<int>(jmax + 1, -1));
  left[0][0] = 0;
  for (int k = 1; k < half; ++k)
    for (int j = k; j <= jmax; ++j)
      for (int i = k - 1; i < j; ++i) {
        if (left[k - 1][i] == inf) continue;
        double c = left[k - 1][i] + cost(i, j);
        if (c < left[k][j]) left[k][j] = c, parent[k][j] = i;
      }
  double best = inf;
  int best_m = -1;
  for (int m = half - 1; m <= jmax; ++m) {
    if (left[half - 1][m] == inf) continue;
    double c = 2 * left[half - 1][m] + cost(m, g - m);
    if (c < best) best = c, best_m = m;
  }
  std::vector<int> table(K);
  for (int k = half - 1, j = best_m; k >= 0; j = parent[k][j], --k) table[k] = j;
  for (int k = 0; k < half; ++k) table[K - 1 - k] = g - table[k];
  return table;
}

}  // namespace

double clip_threshold(double p) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("THC: clipping probability must be in (0, 1)");
  return normal_tail_quantile(p / 2);  // p is split between both tails
}

std::vector<int> optimal_table(int bits, int granularity, double clip_probability) {
  check_arguments(bits, granularity);
  clip_threshold(clip_probability);  // validates p
  static std::mutex mutex;
  static std::map<std::tuple<int, int, double>, std::vector<int>> cache;
  auto key = std::make_tuple(bits, granularity, clip_probability);
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  auto table = compute_optimal(bits, granularity, clip_probability);  // outside the lock
  std::lock_guard lock(mutex);
  return cache.emplace(key, std::move(table)).first->second;
}

std::vector<int> uniform_table(int bits, int granularity) {
  check_arguments(bits, granularity);
  const int K = 1 << bits;
  std::vector<int> table(K);
  // Round the left half and mirror it: rounding both halves independently breaks symmetry
  // when k g / (K - 1) falls on a .5.
  for (int k = 0; k < K / 2; ++k) {
    table[k] = static_cast<int>(std::lround(static_cast<double>(k) * granularity / (K - 1)));
    table[K - 1 - k] = granularity - table[k];
  }
  return table;
}

double expected_rounding_variance(const std::vector<int>& table, int granularity, double clip_probability) {
  double T = clip_threshold(clip_probability);
  IntervalCost cost{T, granularity / (2 * T)};
  double total = 0;
  for (std::size_t k = 0; k + 1 < table.size(); ++k) total += cost(table[k], table[k + 1]);
  return total;
}

}  // namespace cs::compression

#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace cs {

double percentile(std::span<const double> values, double q) {
  if (values.empty()) return 0;
  // Clamped (NaN to 0) so that a q outside [0, 100] cannot index outside the data.
  q = q > 0 ? std::min(q, 100.0) : 0.0;
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  double rank = q / 100.0 * double(v.size() - 1);
  auto lo = size_t(std::floor(rank));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (rank - double(lo)) * (v[hi] - v[lo]);
}

double mean(std::span<const double> values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
}

double normal_tail_quantile(double tail) {
  if (!(tail > 0 && tail < 1)) throw std::invalid_argument("normal_tail_quantile: the tail must be in (0, 1)");
  // Bisection on the exact tail: 200 halvings is far past double precision. Comparing tails
  // (erfc) rather than 1 - tail stays precise for tiny tails.
  double lo = -40, hi = 40;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (0.5 * std::erfc(mid / std::numbers::sqrt2) > tail) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace cs

#include "compression/measure.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "compression/hadamard.hpp"
#include "compression/thc_table.hpp"

namespace cs::compression {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

double squared_norm(std::span<const float> v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  return s;
}

// Timing repetitions of finish() and decode(), which run once per round otherwise.
constexpr int kTimingRepeats = 3;

}  // namespace

std::vector<float> synthetic_gradient(std::size_t dim, const std::string& dist, std::uint64_t seed, int worker) {
  const bool lognormal = dist == "lognormal";
  if (!lognormal && dist != "gaussian")
    throw std::invalid_argument("unknown distribution '" + dist + "' (known: gaussian, lognormal)");
  const std::uint64_t key = mix(seed, static_cast<std::uint64_t>(worker));
  std::vector<float> v(dim);
  // Box-Muller on counter-based uniforms: both outputs of a pair of draws are used.
  for (std::size_t i = 0; i < dim; i += 2) {
    const double u1 = uniform01(key, 2 * i) + 0x1.0p-54, u2 = uniform01(key, 2 * i + 1);
    const double r = std::sqrt(-2 * std::log(u1)), phi = 2 * std::numbers::pi * u2;
    double z[2] = {r * std::cos(phi), r * std::sin(phi)};
    for (std::size_t k = 0; k < 2 && i + k < dim; ++k) {
      double x = z[k];
      if (lognormal) x = (mix(key ^ 0x6c6f676eULL, i + k) & 1 ? -1.0 : 1.0) * std::exp(x);
      v[i + k] = static_cast<float>(x);
    }
  }
  return v;
}

MeasureResult measure(const MeasureOptions& options) {
  if (options.workers < 1) throw std::invalid_argument("measure: workers must be at least 1");
  if (options.dim < 1) throw std::invalid_argument("measure: dim must be at least 1");
  if (options.rounds < 1) throw std::invalid_argument("measure: rounds must be at least 1");
  SchemeConfig config = options.scheme;
  config.workers = options.workers;
  const auto scheme = make_scheme(config);
  const std::size_t d = options.dim;
  const int n = options.workers;

  MeasureResult result;
  result.bits_up_per_coord = scheme->bits_up_per_coord(d, n);
  result.bits_down_per_coord = scheme->bits_down_per_coord(d, n);
  if (config.name == "thc") result.table = optimal_table(config.bits, config.granularity, config.clip_probability);
  if (config.name == "uhc") result.table = uniform_table(config.bits, config.granularity);

  std::vector<double> scales_s, encode_s, add_s, finish_s, decode_s;
  double vnmse_total = 0;
  for (int r = 0; r < options.rounds; ++r) {
    const std::uint64_t round_seed = mix(options.seed, static_cast<std::uint64_t>(r));
    std::vector<std::vector<float>> inputs;
    for (int i = 0; i < n; ++i) inputs.push_back(synthetic_gradient(d, options.dist, r == 0 ? options.seed : round_seed, i));

    Round round;
    round.shared_seed = mix(round_seed, 0x7368617265ULL);
    for (const auto& a : inputs) {
      auto start = Clock::now();
      auto local = scheme->local_scales(a);
      scales_s.push_back(seconds_since(start));
      if (round.scales.empty()) round.scales = local;
      for (std::size_t k = 0; k < local.size(); ++k) round.scales[k] = std::max(round.scales[k], local[k]);
    }

    auto sum = scheme->start(d, round);
    for (int i = 0; i < n; ++i) {
      auto start = Clock::now();
      auto message = scheme->encode(inputs[i], round, mix(round_seed, 1000 + static_cast<std::uint64_t>(i)));
      encode_s.push_back(seconds_since(start));
      start = Clock::now();
      scheme->add(sum, message, round);
      add_s.push_back(seconds_since(start));
    }
    const std::uint64_t finish_stream = mix(round_seed, 999);
    for (int t = 0; t < kTimingRepeats; ++t) {  // the last one is kept
      auto copy = t + 1 < kTimingRepeats ? sum : Aggregate{};
      auto& target = t + 1 < kTimingRepeats ? copy : sum;
      auto start = Clock::now();
      scheme->finish(target, round, finish_stream);
      finish_s.push_back(seconds_since(start));
    }
    std::vector<float> estimate;
    for (int t = 0; t < kTimingRepeats; ++t) {
      auto start = Clock::now();
      estimate = scheme->decode(sum, d, round);
      decode_s.push_back(seconds_since(start));
    }

    double err = 0, energy = 0;
    for (const auto& a : inputs) energy += squared_norm(a) / n;
    for (std::size_t j = 0; j < d; ++j) {
      double mean = 0;
      for (const auto& a : inputs) mean += a[j];
      mean /= n;
      err += (estimate[j] - mean) * (estimate[j] - mean);
    }
    vnmse_total += energy > 0 ? err / energy : 0;
  }
  result.vnmse = vnmse_total / options.rounds;
  const double per_coord = 1.0 / double(d);
  result.encode_s_per_coord = (median(scales_s) + median(encode_s)) * per_coord;
  result.add_s_per_coord = median(add_s) * per_coord;
  result.finish_s_per_coord = median(finish_s) * per_coord;
  result.decode_s_per_coord = median(decode_s) * per_coord;
  return result;
}

}  // namespace cs::compression

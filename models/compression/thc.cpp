#include "compression/thc.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "compression/hadamard.hpp"
#include "compression/thc_table.hpp"

namespace cs::compression {

ThcCodec::ThcCodec(const ThcConfig& config)
    : config_(config),
      table_(config.uniform ? uniform_table(config.bits, config.granularity)
                            : optimal_table(config.bits, config.granularity, config.clip_probability)),
      T_(clip_threshold(config.clip_probability)) {}

std::size_t ThcCodec::padded_length(std::size_t length) { return next_power_of_two(length); }

std::vector<std::uint8_t> ThcCodec::encode(std::span<const float> a, double max_norm,
                                           std::uint64_t shared_seed, std::uint64_t stream) const {
  if (!(max_norm > 0)) throw std::invalid_argument("THC encode: max_norm must be positive");
  const std::size_t d = padded_length(a.size());
  std::vector<float> y(d, 0.0f);
  std::copy(a.begin(), a.end(), y.begin());
  randomized_hadamard(y, shared_seed);

  const double g = config_.granularity;
  // Coordinate y_j is about N(0, ||a||^2 / d); z = y_j sqrt(d) / M is then at most a standard
  // normal in spread, and x = (z + T) g / (2T) puts [-T, T] on [0, g].
  const double to_z = std::sqrt(static_cast<double>(d)) / max_norm;
  const double to_x = g / (2 * T_);
  std::vector<std::uint8_t> out(d);
  const int last = static_cast<int>(table_.size()) - 1;
  for (std::size_t j = 0; j < d; ++j) {
    double z = std::clamp(y[j] * to_z, -T_, T_);
    double x = std::clamp((z + T_) * to_x, 0.0, g);  // clamp again: float noise at the ends
    // Neighbours R[k] <= x <= R[k + 1]; the table is small (<= 256), so a binary search is
    // cheap and needs no per-granularity inverse map.
    int k = static_cast<int>(std::upper_bound(table_.begin(), table_.end(), x) - table_.begin()) - 1;
    k = std::clamp(k, 0, last - 1);
    double lo = table_[k], hi = table_[k + 1];
    // Round up with probability (x - lo) / (hi - lo): E[R] = x exactly, so the sum is unbiased.
    bool up = uniform01(stream, j) * (hi - lo) < x - lo;
    out[j] = static_cast<std::uint8_t>(up ? k + 1 : k);
  }
  return out;
}

void ThcCodec::accumulate(std::span<std::uint32_t> sum, std::span<const std::uint8_t> indices) const {
  if (sum.size() != indices.size()) throw std::invalid_argument("THC accumulate: length mismatch");
  for (std::size_t j = 0; j < sum.size(); ++j) sum[j] += static_cast<std::uint32_t>(table_[indices[j]]);
}

std::vector<float> ThcCodec::decode(std::span<const std::uint32_t> sum, int workers, double max_norm,
                                    std::uint64_t shared_seed, std::size_t length) const {
  if (workers < 1) throw std::invalid_argument("THC decode: needs at least one worker");
  const std::size_t d = sum.size();
  if (!is_power_of_two(d) || length > d) throw std::invalid_argument("THC decode: bad lengths");
  const double g = config_.granularity;
  const double scale = (2 * T_ / g) * (max_norm / std::sqrt(static_cast<double>(d)));
  std::vector<float> y(d);
  for (std::size_t j = 0; j < d; ++j)
    y[j] = static_cast<float>((static_cast<double>(sum[j]) / workers - g / 2) * scale);
  inverse_randomized_hadamard(y, shared_seed);
  y.resize(length);
  return y;
}

std::vector<float> thc_mean(const ThcCodec& codec, const std::vector<std::vector<float>>& inputs,
                            std::uint64_t shared_seed, std::uint64_t base_stream) {
  if (inputs.empty()) throw std::invalid_argument("THC: no inputs");
  const std::size_t length = inputs.front().size();
  double max_norm = 0;
  for (const auto& a : inputs) {
    if (a.size() != length) throw std::invalid_argument("THC: inputs differ in length");
    double s = 0;
    for (float x : a) s += static_cast<double>(x) * x;
    max_norm = std::max(max_norm, std::sqrt(s));
  }
  if (max_norm == 0) return std::vector<float>(length, 0.0f);
  std::vector<std::uint32_t> sum(ThcCodec::padded_length(length), 0);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    codec.accumulate(sum, codec.encode(inputs[i], max_norm, shared_seed, base_stream + i));
  return codec.decode(sum, static_cast<int>(inputs.size()), max_norm, shared_seed, length);
}

}  // namespace cs::compression

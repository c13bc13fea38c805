#pragma once
// THC for one partition: rotate (randomized Hadamard, seed shared by all workers), normalise
// by the shared max norm M, clip to [-T, T], map to [0, g] and stochastically round onto the
// lookup table. Workers send b-bit indices; the aggregator sums table *values* as integers,
// and the sum decodes directly into an estimate of the mean. Deterministic given the seeds.
//
// The rotation is fast_hadamard.hpp's (randomized_hadamard() with its passes fused), and the
// rounding draws come from counter_random.hpp: both keep encoding above 1 GB/s of fp32 input
// on one core.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cs::compression {

struct ThcConfig {
  int bits = 4;
  int granularity = 30;
  double clip_probability = 1.0 / 32;
  bool uniform = false;  // the "UHC" ablation: evenly spaced table instead of the optimal one
};

class ThcCodec {
 public:
  // Builds (or fetches from the cache) the table; throws std::invalid_argument on a bad config.
  explicit ThcCodec(const ThcConfig& config);

  const ThcConfig& config() const { return config_; }
  const std::vector<int>& table() const { return table_; }
  double threshold() const { return T_; }
  // The padded length the transform works on: next power of two of `length`.
  static std::size_t padded_length(std::size_t length);

  // One worker's indices (padded_length(a.size()) of them). `max_norm` is the largest L2 norm
  // over the workers (exchanged beforehand, so every worker scales alike); `shared_seed` draws
  // the rotation, the same on every worker; `stream` drives this worker's stochastic rounding
  // and must differ between workers, or their rounding errors correlate and do not average out.
  std::vector<std::uint8_t> encode(std::span<const float> a, double max_norm, std::uint64_t shared_seed,
                                   std::uint64_t stream) const;
  // The same into `out`, which must hold padded_length(a.size()) indices. max_norm = 0 is
  // allowed (an all-zero partition): every coordinate then encodes 0, i.e. rounds g/2.
  void encode_into(std::span<const float> a, double max_norm, std::uint64_t shared_seed, std::uint64_t stream,
                   std::span<std::uint8_t> out) const;

  // The aggregator's work: sum += R[idx], element-wise. `sum` must be as long as `indices`.
  void accumulate(std::span<std::uint32_t> sum, std::span<const std::uint8_t> indices) const;

  // The estimate of the mean of n workers' vectors from the summed table values, truncated
  // back to `length` (the unpadded size).
  std::vector<float> decode(std::span<const std::uint32_t> sum, int workers, double max_norm,
                            std::uint64_t shared_seed, std::size_t length) const;
  // The general form: `mean_values[j]` is the mean table value at padded coordinate j (so a
  // coordinate nobody contributed to can be given g/2, a rotated 0); its length is the padded
  // one, and it is used as scratch. Writes the estimate's first out.size() coordinates.
  void decode_mean_values(std::span<float> mean_values, double max_norm, std::uint64_t shared_seed,
                          std::span<float> out) const;

 private:
  ThcConfig config_;
  std::vector<int> table_;
  double T_;
  // Indexed by floor(x), x in [0, g]: the table neighbour below (k with R[k] <= x < R[k + 1],
  // k <= last - 1), its value and the gap to the next, so encoding needs no search.
  std::vector<std::int32_t> floor_index_;
  std::vector<float> floor_low_, floor_gap_;
  // The three packed in one int32 (index | low << 8 | gap << 20) when g < 2^12.
  std::vector<std::int32_t> floor_packed_;

};

// One partition end to end: every worker encodes (worker i's stream = base_stream + i), the
// sums are accumulated and decoded. M is computed from the inputs. All inputs the same length.
std::vector<float> thc_mean(const ThcCodec& codec, const std::vector<std::vector<float>>& inputs,
                            std::uint64_t shared_seed, std::uint64_t base_stream);

}  // namespace cs::compression

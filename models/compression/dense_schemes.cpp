// The dense baselines: "none" sends fp32 both ways; "fp16" rounds to IEEE half precision
// (round to nearest, ties to even) at the worker and again at the PS before the downstream.
#include <bit>
#include <climits>
#include <cmath>
#include <cstdint>
#include <string>

#include "compression/scheme_internal.hpp"
#include "compression/simd.hpp"

namespace cs::compression::detail {
namespace {

// The nearest IEEE binary16 value to x, as a float: overflow goes to +-inf (from 65520 up, the
// tie with 65504 rounding to even, i.e. up), subnormal halves keep their 2^-24 grid. Every
// case is computed and one selected with bit masks, without branches or selects, so the loops
// below vectorise (GCC will not if-convert float selects under -ftrapping-math).
CS_ALWAYS_INLINE float round_to_half(float x) {
  const std::int32_t bits = std::bit_cast<std::int32_t>(x);
  const std::int32_t sign = bits & INT32_MIN, magnitude = bits & 0x7fffffff;
  // Normal halves: keep 10 of the 23 mantissa bits, rounding the other 13 to nearest, ties to
  // even; a carry out of the mantissa correctly bumps the exponent.
  const std::int32_t rest = magnitude & 0x1fff, kept = magnitude & ~0x1fff;
  const std::int32_t up = (rest > 0x1000) | ((rest == 0x1000) & (kept >> 13));
  const std::int32_t normal = kept + (up << 13);
  // Below 2^-14, half subnormals are the multiples of 2^-24: round |x| 2^24 to an integer,
  // ties to even (adding and removing 2^23 does that in the default rounding mode).
  const float scaled = std::bit_cast<float>(magnitude) * 0x1.0p24f;
  const std::int32_t subnormal = std::bit_cast<std::int32_t>(((scaled + 0x1.0p23f) - 0x1.0p23f) * 0x1.0p-24f);
  const std::int32_t small = -std::int32_t(magnitude < 0x38800000);       // below 2^-14
  const std::int32_t overflow = -std::int32_t(magnitude >= 0x477ff000);   // 65520 and up: infinity
  const std::int32_t special = -std::int32_t(magnitude >= 0x7f800000);    // inf and NaN stay
  std::int32_t r = (small & subnormal) | (~small & normal);
  r = (overflow & 0x7f800000) | (~overflow & r);
  r = (special & magnitude) | (~special & r);
  return std::bit_cast<float>(sign | r);
}

CS_VECTOR_CLONES void round_to_half(const float* __restrict in, float* __restrict out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = round_to_half(in[i]);
}

CS_VECTOR_CLONES void round_to_half(float* v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) v[i] = round_to_half(v[i]);
}

class DenseScheme final : public FloatSumScheme {
 public:
  DenseScheme(const SchemeConfig& c, bool half)
      : half_(half), bits_(half ? 16 : 32), error_feedback_(resolve_error_feedback(c, false)) {}

  std::string_view name() const override { return half_ ? "fp16" : "none"; }
  bool error_feedback() const override { return error_feedback_; }
  double bits_up_per_coord(std::size_t, int) const override { return bits_; }
  double bits_down_per_coord(std::size_t, int) const override { return bits_; }

  Encoded encode(std::span<const float> a, const Round&, std::uint64_t) const override {
    Encoded m;
    m.values.resize(a.size());
    if (half_) round_to_half(a.data(), m.values.data(), a.size());
    else std::copy(a.begin(), a.end(), m.values.begin());
    m.wire_bits = double(bits_) * double(a.size());
    return m;
  }

  std::vector<float> reconstruct(const Encoded& m, std::size_t d, const Round&) const override {
    require(m.values.size() == d, std::string(name()) + " reconstruct: message does not match the gradient length");
    return m.values;
  }

  void add(Aggregate& sum, const Encoded& m, const Round& round, std::span<const bool> lost) const override {
    require(m.values.size() == sum.length && sum.float_sum.size() == sum.length,
            std::string(name()) + " add: message does not match the aggregate");
    for_each_kept_chunk(sum, round, lost, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) sum.float_sum[i] += m.values[i];
    });
  }

  // fp16: the PS sends the mean back in half precision too.
  void finish(Aggregate& sum, const Round& round, std::uint64_t) const override {
    if (half_) {
      auto means = chunk_means(sum, round);
      round_to_half(means.data(), means.size());
      store_means(sum, means, round);
    }
    sum.wire_bits_down = double(bits_) * double(sum.length);
  }

 private:
  bool half_;
  int bits_;
  bool error_feedback_;
};

}  // namespace

extern const SchemeEntry none_scheme_entry, fp16_scheme_entry;
const SchemeEntry none_scheme_entry{"none", "fp32, uncompressed (a switch sums it as fixed point, as ATP)",
                                    [](const SchemeConfig& c) -> std::unique_ptr<Scheme> {
                                      return std::make_unique<DenseScheme>(c, false);
                                    }};
const SchemeEntry fp16_scheme_entry{"fp16", "fp16 up and down; the aggregator decompresses, sums and rounds to fp16",
                                    [](const SchemeConfig& c) -> std::unique_ptr<Scheme> {
                                      return std::make_unique<DenseScheme>(c, true);
                                    }};

}  // namespace cs::compression::detail

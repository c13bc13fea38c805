// TernGrad (Wen et al., NeurIPS 2017): a message is its scale s = max |a| and one trit per
// coordinate, a_j -> s sign(a_j) with probability |a_j| / s and 0 otherwise, unbiased; on the
// wire 2 bits per coordinate plus the 32-bit scale. The PS sums the decompressed values.
// Downstream choice: the PS ternarises the mean again (its own scale, fresh draws from
// finish()'s stream), so both directions cost 2 bits + 32 per message and the estimate stays
// unbiased (the two roundings are independent). The paper's per-layer scaling and gradient
// clipping are left out: one scale per message. No error feedback by default (unbiased).
#include <bit>
#include <cmath>
#include <string>

#include "compression/counter_random.hpp"
#include "compression/scheme_internal.hpp"
#include "compression/simd.hpp"

namespace cs::compression::detail {
namespace {

// Codes 0, 1, 2 stand for -s, 0, +s. Arithmetic rather than nested selects, so it vectorises.
CS_VECTOR_CLONES void ternarise(const float* __restrict a, std::size_t n, float s, CounterUniform uniform,
                                std::uint8_t* __restrict codes) {
  for (std::size_t j = 0; j < n; ++j) {
    // Kept with probability |a_j| / s, without dividing (s may be 0: nothing is kept).
    const int kept = uniform(static_cast<std::uint32_t>(j)) * s < std::abs(a[j]);
    const int negative = a[j] < 0;
    codes[j] = static_cast<std::uint8_t>(1 + kept - 2 * (kept & negative));
  }
}

// On the bit patterns: non-negative floats order like their int32 patterns, and an integer max
// vectorises where a float one (NaN and signed-zero rules) does not. NaNs count as 0.
CS_VECTOR_CLONES float max_magnitude(const float* a, std::size_t n) {
  std::int32_t largest = 0;
  for (std::size_t j = 0; j < n; ++j) {
    std::int32_t m = std::bit_cast<std::int32_t>(a[j]) & 0x7fffffff;
    m = m > 0x7f800000 ? 0 : m;
    largest = largest > m ? largest : m;
  }
  return std::bit_cast<float>(largest);
}

// One message for `a`: scale and codes.
void ternarise_all(std::span<const float> a, std::uint64_t stream, float& scale, std::vector<std::uint8_t>& codes) {
  scale = max_magnitude(a.data(), a.size());
  codes.resize(a.size());
  for_each_uniform_segment(a.size(), stream, [&](std::size_t begin, std::size_t end, CounterUniform uniform) {
    ternarise(a.data() + begin, end - begin, scale, uniform, codes.data() + begin);
  });
}

class TernGradScheme final : public FloatSumScheme {
 public:
  explicit TernGradScheme(const SchemeConfig& c) : error_feedback_(resolve_error_feedback(c, false)) {}

  std::string_view name() const override { return "terngrad"; }
  bool error_feedback() const override { return error_feedback_; }
  double bits_up_per_coord(std::size_t d, int) const override { return 2.0 + 32.0 / double(d); }
  double bits_down_per_coord(std::size_t d, int) const override { return 2.0 + 32.0 / double(d); }

  Encoded encode(std::span<const float> a, const Round&, std::uint64_t stream) const override {
    Encoded m;
    m.scales.resize(1);
    ternarise_all(a, stream, m.scales[0], m.codes);
    m.wire_bits = 2.0 * double(a.size()) + 32.0;
    return m;
  }

  std::vector<float> reconstruct(const Encoded& m, std::size_t d, const Round&) const override {
    check_message(m, d);
    std::vector<float> out(d);
    for (std::size_t j = 0; j < d; ++j) out[j] = m.scales[0] * static_cast<float>(int(m.codes[j]) - 1);
    return out;
  }

  void add(Aggregate& sum, const Encoded& m, const Round& round, std::span<const bool> lost) const override {
    check_message(m, sum.length);
    require(sum.float_sum.size() == sum.length, "terngrad add: the aggregate is not a float sum");
    const float s = m.scales[0];
    for_each_kept_chunk(sum, round, lost, [&](std::size_t begin, std::size_t end) {
      for (std::size_t j = begin; j < end; ++j) sum.float_sum[j] += s * static_cast<float>(int(m.codes[j]) - 1);
    });
  }

  void finish(Aggregate& sum, const Round& round, std::uint64_t stream) const override {
    auto means = chunk_means(sum, round);
    float scale = 0;
    std::vector<std::uint8_t> codes;
    ternarise_all(means, stream, scale, codes);
    for (std::size_t j = 0; j < means.size(); ++j) means[j] = scale * static_cast<float>(int(codes[j]) - 1);
    store_means(sum, means, round);
    sum.wire_bits_down = 2.0 * double(sum.length) + 32.0;
  }

 private:
  static void check_message(const Encoded& m, std::size_t d) {
    require(m.codes.size() == d && m.scales.size() == 1, "terngrad: message does not match the gradient length");
  }

  bool error_feedback_;
};

}  // namespace

extern const SchemeEntry terngrad_scheme_entry;
const SchemeEntry terngrad_scheme_entry{"terngrad", "TernGrad: 2 bits per coordinate plus one scale",
                                        [](const SchemeConfig& c) -> std::unique_ptr<Scheme> {
                                          return std::make_unique<TernGradScheme>(c);
                                        }};

}  // namespace cs::compression::detail

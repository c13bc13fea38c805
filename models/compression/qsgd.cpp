// QSGD (Alistarh et al., NeurIPS 2017) with s levels: a message is ||a||_2 (32 bits) and per
// coordinate a sign and a level l in 0..s, |a_j| / ||a|| s rounded stochastically to a
// neighbouring integer (unbiased). Wire: d (1 + ceil(log2(s + 1))) + 32 bits, fixed-width
// codes rather than the paper's Elias coding. The PS sums the decompressed values and
// re-quantises the mean with QSGD for the downstream (fresh draws from finish()'s stream), so
// the estimate stays unbiased. No error feedback by default.
#include <cmath>
#include <string>

#include "compression/counter_random.hpp"
#include "compression/scheme_internal.hpp"
#include "compression/simd.hpp"

namespace cs::compression::detail {
namespace {

CS_VECTOR_CLONES void quantise_levels(const float* a, std::size_t n, float to_level, float levels,
                                      CounterUniform uniform, std::uint8_t* codes, std::uint8_t* signs) {
  for (std::size_t j = 0; j < n; ++j) {
    float r = std::abs(a[j]) * to_level;
    r = r < levels ? r : levels;  // rounding noise (and NaN) must not pass the top level
    const auto low = static_cast<std::int32_t>(r);
    const bool up = uniform(static_cast<std::uint32_t>(j)) < r - static_cast<float>(low);
    codes[j] = static_cast<std::uint8_t>(low + (up ? 1 : 0));
    signs[j] = a[j] < 0 ? 1 : 0;
  }
}

struct Quantised {
  float norm = 0;
  std::vector<std::uint8_t> codes, signs;
};

Quantised quantise(std::span<const float> a, int levels, std::uint64_t stream) {
  Quantised q;
  q.norm = static_cast<float>(std::sqrt(squared_norm(a)));
  q.codes.resize(a.size());
  q.signs.resize(a.size());
  const float to_level = q.norm > 0 ? static_cast<float>(levels / double(q.norm)) : 0.0f;
  for_each_uniform_segment(a.size(), stream, [&](std::size_t begin, std::size_t end, CounterUniform uniform) {
    quantise_levels(a.data() + begin, end - begin, to_level, static_cast<float>(levels), uniform,
                    q.codes.data() + begin, q.signs.data() + begin);
  });
  return q;
}

int level_bits(int levels) {  // ceil(log2(levels + 1))
  int b = 0;
  while ((1 << b) < levels + 1) ++b;
  return b;
}

class QsgdScheme final : public FloatSumScheme {
 public:
  explicit QsgdScheme(const SchemeConfig& c)
      : levels_(c.qsgd_levels), code_bits_(1 + level_bits(c.qsgd_levels)), error_feedback_(resolve_error_feedback(c, false)) {}

  std::string_view name() const override { return "qsgd"; }
  bool error_feedback() const override { return error_feedback_; }
  double bits_up_per_coord(std::size_t d, int) const override { return code_bits_ + 32.0 / double(d); }
  double bits_down_per_coord(std::size_t d, int) const override { return code_bits_ + 32.0 / double(d); }

  Encoded encode(std::span<const float> a, const Round&, std::uint64_t stream) const override {
    auto q = quantise(a, levels_, stream);
    Encoded m;
    m.scales = {q.norm};
    m.codes = std::move(q.codes);
    m.signs = std::move(q.signs);
    m.wire_bits = double(code_bits_) * double(a.size()) + 32.0;
    return m;
  }

  std::vector<float> reconstruct(const Encoded& m, std::size_t d, const Round&) const override {
    check_message(m, d);
    std::vector<float> out(d);
    const float step = m.scales[0] / static_cast<float>(levels_);
    for (std::size_t j = 0; j < d; ++j) out[j] = value(step, m.codes[j], m.signs[j]);
    return out;
  }

  void add(Aggregate& sum, const Encoded& m, const Round& round, std::span<const bool> lost) const override {
    check_message(m, sum.length);
    require(sum.float_sum.size() == sum.length, "qsgd add: the aggregate is not a float sum");
    const float step = m.scales[0] / static_cast<float>(levels_);
    for_each_kept_chunk(sum, round, lost, [&](std::size_t begin, std::size_t end) {
      for (std::size_t j = begin; j < end; ++j) sum.float_sum[j] += value(step, m.codes[j], m.signs[j]);
    });
  }

  void finish(Aggregate& sum, const Round& round, std::uint64_t stream) const override {
    auto means = chunk_means(sum, round);
    auto q = quantise(means, levels_, stream);
    const float step = q.norm / static_cast<float>(levels_);
    for (std::size_t j = 0; j < means.size(); ++j) means[j] = value(step, q.codes[j], q.signs[j]);
    store_means(sum, means, round);
    sum.wire_bits_down = double(code_bits_) * double(sum.length) + 32.0;
  }

 private:
  static float value(float step, std::uint8_t level, std::uint8_t negative) {
    const float v = step * static_cast<float>(level);
    return negative ? -v : v;
  }
  static void check_message(const Encoded& m, std::size_t d) {
    require(m.codes.size() == d && m.signs.size() == d && m.scales.size() == 1,
            "qsgd: message does not match the gradient length");
  }

  int levels_, code_bits_;
  bool error_feedback_;
};

}  // namespace

extern const SchemeEntry qsgd_scheme_entry;
const SchemeEntry qsgd_scheme_entry{
    "qsgd", "QSGD: sign plus a stochastic level out of qsgd_levels per coordinate",
    [](const SchemeConfig& c) -> std::unique_ptr<Scheme> {
      require(c.qsgd_levels >= 1 && c.qsgd_levels <= 255,
              "compression scheme " + c.name + ": qsgd_levels must be in 1..255, got " + std::to_string(c.qsgd_levels));
      return std::make_unique<QsgdScheme>(c);
    }};

}  // namespace cs::compression::detail

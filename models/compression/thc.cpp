#include "compression/thc.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "compression/counter_random.hpp"
#include "compression/fast_hadamard.hpp"
#include "compression/hadamard.hpp"
#include "compression/scratch.hpp"
#include "compression/simd.hpp"
#include "compression/thc_table.hpp"

namespace cs::compression {
namespace {

// x = y to_x + g/2 puts the rotated, unnormalised coordinate y on [0, g] (clipping outside),
// then rounds it up to the next table value with probability (x - low) / gap: E[R] = x, so
// the sum is unbiased. NaN inputs clip to 0 rather than index out of the maps.
CS_ALWAYS_INLINE float to_table_units(float y, float to_x, float middle, float g) {
  float x = y * to_x + middle;
  x = x > 0.0f ? x : 0.0f;
  return x < g ? x : g;
}

// For g < 2^12 the neighbour below, its value and the gap share one int32 per floor(x), so a
// coordinate costs one gather instead of three. __restrict: the byte output could alias
// anything, which stops the vectoriser.
// `first` is the random counter of y[0].
CS_VECTOR_CLONES void quantise_packed(const float* __restrict y, std::size_t d, float to_x, float g,
                                      const std::int32_t* __restrict floor_packed, CounterUniform uniform,
                                      std::uint8_t* __restrict out, std::uint32_t first = 0) {
  const float middle = 0.5f * g;
  for (std::size_t j = 0; j < d; ++j) {
    const float x = to_table_units(y[j], to_x, middle, g);
    const std::int32_t e = floor_packed[static_cast<std::int32_t>(x)];
    const float low = static_cast<float>((e >> 8) & 0xfff), gap = static_cast<float>((e >> 20) & 0xfff);
    const bool up = uniform(first + static_cast<std::uint32_t>(j)) * gap < x - low;
    out[j] = static_cast<std::uint8_t>((e & 0xff) + (up ? 1 : 0));
  }
}

#if CS_HAVE_AVX2_INTRINSICS
// quantise_packed() for g < 32, hand-written for AVX2: the packed map then fits four registers
// and a lookup is four in-register permutes and three blends instead of an (emulated) gather,
// which halves the encoding time. The same IEEE operations in the same order as the portable
// loop (no FMA), so the codes are bit-identical to it.
// hash32() on 8 lanes.
__attribute__((target("avx2"), always_inline)) inline __m256i hash32_avx2(__m256i x, __m256i m1, __m256i m2) {
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  x = _mm256_mullo_epi32(x, m1);
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
  x = _mm256_mullo_epi32(x, m2);
  return _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
}

__attribute__((target("avx2"))) void quantise_small_avx2(const float* y, std::size_t d, float to_x, float g,
                                                         const std::int32_t* floor_packed32, CounterUniform uniform,
                                                         std::uint8_t* out) {
  const __m256 scale = _mm256_set1_ps(to_x), middle = _mm256_set1_ps(0.5f * g), top = _mm256_set1_ps(g);
  const __m256 zero = _mm256_setzero_ps(), unit = _mm256_set1_ps(0x1.0p-24f);
  __m256i map[4];
  for (int q = 0; q < 4; ++q) map[q] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(floor_packed32 + 8 * q));
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), mask12 = _mm256_set1_epi32(0xfff);
  const __m256i low_byte = _mm256_set1_epi32(0xff);
  const __m256i key = _mm256_set1_epi32(static_cast<int>(uniform.key()));
  const __m256i m1 = _mm256_set1_epi32(0x7feb352d), m2 = _mm256_set1_epi32(static_cast<int>(0x846ca68bU));
  std::size_t j = 0;
  for (; j + 8 <= d; j += 8) {
    // max(x, 0) returns its second operand for a NaN x: 0, as the portable loop's select does.
    __m256 x = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(y + j), scale), middle);
    x = _mm256_min_ps(_mm256_max_ps(x, zero), top);
    const __m256i f = _mm256_cvttps_epi32(x);
    // Entry f of 32: permute within each group of 8, then blend on bits 3 and 4 of f.
    const __m256 bit3 = _mm256_castsi256_ps(_mm256_slli_epi32(f, 28)), bit4 = _mm256_castsi256_ps(_mm256_slli_epi32(f, 27));
    const __m256 e0 = _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(map[0], f));
    const __m256 e1 = _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(map[1], f));
    const __m256 e2 = _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(map[2], f));
    const __m256 e3 = _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(map[3], f));
    const __m256i e =
        _mm256_castps_si256(_mm256_blendv_ps(_mm256_blendv_ps(e0, e1, bit3), _mm256_blendv_ps(e2, e3, bit3), bit4));
    const __m256 low = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(e, 8), mask12));
    const __m256 gap = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(e, 20), mask12));
    const __m256i counter = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(j))), lanes);
    const __m256i h = hash32_avx2(_mm256_xor_si256(counter, key), m1, m2);
    const __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(h, 8)), unit);
    const __m256i up = _mm256_castps_si256(_mm256_cmp_ps(_mm256_mul_ps(u, gap), _mm256_sub_ps(x, low), _CMP_LT_OQ));
    const __m256i code = _mm256_sub_epi32(_mm256_and_si256(e, low_byte), up);  // up is -1 where true
    const __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(code), _mm256_extracti128_si256(code, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + j), _mm_packus_epi16(words, words));
  }
  quantise_packed(y + j, d - j, to_x, g, floor_packed32, uniform, out + j, static_cast<std::uint32_t>(j));
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

CS_VECTOR_CLONES void quantise(const float* __restrict y, std::size_t d, float to_x, float g,
                               const std::int32_t* __restrict floor_index, const float* __restrict floor_low,
                               const float* __restrict floor_gap, CounterUniform uniform, std::uint8_t* __restrict out) {
  const float middle = 0.5f * g;
  for (std::size_t j = 0; j < d; ++j) {
    const float x = to_table_units(y[j], to_x, middle, g);
    const auto f = static_cast<std::int32_t>(x);
    const bool up = uniform(static_cast<std::uint32_t>(j)) * floor_gap[f] < x - floor_low[f];
    out[j] = static_cast<std::uint8_t>(floor_index[f] + (up ? 1 : 0));
  }
}

CS_VECTOR_CLONES void accumulate_values(std::uint32_t* __restrict sum, const std::uint8_t* __restrict indices,
                                        std::size_t d, const std::uint32_t* __restrict table) {
  for (std::size_t j = 0; j < d; ++j) sum[j] += table[indices[j]];
}

CS_VECTOR_CLONES void centre(float* v, std::size_t d, float middle) {
  for (std::size_t j = 0; j < d; ++j) v[j] -= middle;
}

}  // namespace

ThcCodec::ThcCodec(const ThcConfig& config)
    : config_(config),
      table_(config.uniform ? uniform_table(config.bits, config.granularity)
                            : optimal_table(config.bits, config.granularity, config.clip_probability)),
      T_(clip_threshold(config.clip_probability)) {
  const int g = config.granularity, last = static_cast<int>(table_.size()) - 1;
  floor_index_.resize(g + 1);
  floor_low_.resize(g + 1);
  floor_gap_.resize(g + 1);
  int k = 0;
  for (int f = 0; f <= g; ++f) {
    while (k + 1 < last && table_[k + 1] <= f) ++k;
    floor_index_[f] = k;
    floor_low_[f] = static_cast<float>(table_[k]);
    floor_gap_[f] = static_cast<float>(table_[k + 1] - table_[k]);
  }
  if (g < (1 << 12)) {
    floor_packed_.assign(std::max(g + 1, 32), 0);  // at least 32: quantise_small_avx2 loads all 32
    for (int f = 0; f <= g; ++f)
      floor_packed_[f] = static_cast<std::int32_t>(static_cast<std::uint32_t>(floor_index_[f]) |
                                                   static_cast<std::uint32_t>(table_[floor_index_[f]]) << 8 |
                                                   static_cast<std::uint32_t>(floor_gap_[f]) << 20);
  }
}

std::size_t ThcCodec::padded_length(std::size_t length) { return next_power_of_two(length); }

std::vector<std::uint8_t> ThcCodec::encode(std::span<const float> a, double max_norm, std::uint64_t shared_seed,
                                           std::uint64_t stream) const {
  if (!(max_norm > 0)) throw std::invalid_argument("THC encode: max_norm must be positive");
  std::vector<std::uint8_t> out(padded_length(a.size()));
  encode_into(a, max_norm, shared_seed, stream, out);
  return out;
}

void ThcCodec::encode_into(std::span<const float> a, double max_norm, std::uint64_t shared_seed,
                           std::uint64_t stream, std::span<std::uint8_t> out) const {
  if (!(max_norm >= 0) || !std::isfinite(max_norm))
    throw std::invalid_argument("THC encode: max_norm must be finite and non-negative");
  const std::size_t d = padded_length(a.size());
  if (out.size() != d) throw std::invalid_argument("THC encode: output must hold the padded length");
  const std::span<float> y = detail::thread_scratch(d);  // rotate_raw writes every element
  rotate_raw(a, y, shared_seed);
  // y is sqrt(d) times the orthonormal rotation's coordinate, so z = y / M is the normalised
  // coordinate (about N(0, 1) at most in spread) and x = (z + T) g / (2T) = y g / (2 T M) + g/2.
  const int g = config_.granularity;
  const float to_x = max_norm > 0 ? static_cast<float>(g / (2 * T_ * max_norm)) : 0.0f;
  const auto gf = static_cast<float>(g);
  for_each_uniform_segment(d, stream, [&](std::size_t begin, std::size_t end, CounterUniform uniform) {
    const float* in = y.data() + begin;
    std::uint8_t* codes = out.data() + begin;
#if CS_HAVE_AVX2_INTRINSICS
    if (g < 32 && cpu_has_avx2()) return quantise_small_avx2(in, end - begin, to_x, gf, floor_packed_.data(), uniform, codes);
#endif
    if (!floor_packed_.empty()) return quantise_packed(in, end - begin, to_x, gf, floor_packed_.data(), uniform, codes);
    quantise(in, end - begin, to_x, gf, floor_index_.data(), floor_low_.data(), floor_gap_.data(), uniform, codes);
  });
}

void ThcCodec::accumulate(std::span<std::uint32_t> sum, std::span<const std::uint8_t> indices) const {
  if (sum.size() != indices.size()) throw std::invalid_argument("THC accumulate: length mismatch");
  std::uint32_t values[256] = {};
  for (std::size_t k = 0; k < table_.size(); ++k) values[k] = static_cast<std::uint32_t>(table_[k]);
  accumulate_values(sum.data(), indices.data(), sum.size(), values);
}

std::vector<float> ThcCodec::decode(std::span<const std::uint32_t> sum, int workers, double max_norm,
                                    std::uint64_t shared_seed, std::size_t length) const {
  if (workers < 1) throw std::invalid_argument("THC decode: needs at least one worker");
  const std::size_t d = sum.size();
  if (!is_power_of_two(d) || length > d) throw std::invalid_argument("THC decode: bad lengths");
  std::vector<float> means(d);
  for (std::size_t j = 0; j < d; ++j) means[j] = static_cast<float>(static_cast<double>(sum[j]) / workers);
  std::vector<float> out(length);
  decode_mean_values(means, max_norm, shared_seed, out);
  return out;
}

void ThcCodec::decode_mean_values(std::span<float> mean_values, double max_norm, std::uint64_t shared_seed,
                                  std::span<float> out) const {
  const std::size_t d = mean_values.size();
  if (!is_power_of_two(d) || out.size() > d) throw std::invalid_argument("THC decode: bad lengths");
  const double g = config_.granularity;
  centre(mean_values.data(), d, static_cast<float>(g / 2));
  // The inverse of encoding's x = y g / (2 T M) + g/2, then of the unnormalised rotation
  // (H H = d I): a = D H (x - g/2) (2 T M / g) / d.
  const float scale = static_cast<float>(2 * T_ * max_norm / g / static_cast<double>(d));
  unrotate_raw(mean_values, shared_seed, scale, out);
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

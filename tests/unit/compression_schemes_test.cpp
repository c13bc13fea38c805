// The compression schemes behind one interface (compression/scheme.hpp): exactness of the
// lossless baseline, half-precision bounds, unbiasedness of the stochastic schemes, top-k's
// selection, THC's 1/n error decay, wire costs, loss handling and parameter checks; plus the
// pieces under them (fast rotation, bit packing) and measure(). Every draw is seeded, so the
// tests are deterministic; statistical bounds are 5 standard deviations wide.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "compression/bit_pack.hpp"
#include "compression/counter_random.hpp"
#include "compression/fast_hadamard.hpp"
#include "compression/hadamard.hpp"
#include "compression/measure.hpp"
#include "compression/scheme.hpp"
#include "compression/thc.hpp"
#include "compression/thc_table.hpp"

using namespace cs::compression;

namespace {

std::unique_ptr<Scheme> scheme_named(const std::string& name, int workers = 8) {
  SchemeConfig c;
  c.name = name;
  c.workers = workers;
  return make_scheme(c);
}

std::vector<std::string> all_names() { return {scheme_names().begin(), scheme_names().end()}; }

// The round every worker agrees on: element-wise max of the local scales.
Round make_round(const Scheme& s, const std::vector<std::vector<float>>& inputs, std::uint64_t shared_seed,
                 std::size_t chunk = 1024) {
  Round r;
  r.shared_seed = shared_seed;
  r.chunk = chunk;
  for (const auto& a : inputs) {
    auto local = s.local_scales(a);
    if (r.scales.empty()) r.scales = local;
    for (std::size_t k = 0; k < local.size(); ++k) r.scales[k] = std::max(r.scales[k], local[k]);
  }
  return r;
}

// decode(finish(sum of encodes)); worker i's stream is base_stream + i.
std::vector<float> aggregate_mean(const Scheme& s, const std::vector<std::vector<float>>& inputs, const Round& round,
                                  std::uint64_t base_stream, Aggregate* out = nullptr) {
  const std::size_t d = inputs.front().size();
  Aggregate sum = s.start(d, round);
  for (std::size_t i = 0; i < inputs.size(); ++i) s.add(sum, s.encode(inputs[i], round, base_stream + i), round);
  s.finish(sum, round, base_stream + 1000003);
  auto mean = s.decode(sum, d, round);
  if (out) *out = std::move(sum);
  return mean;
}

std::vector<std::vector<float>> gaussians(int n, std::size_t d, std::uint64_t seed) {
  std::vector<std::vector<float>> v;
  for (int i = 0; i < n; ++i) v.push_back(synthetic_gradient(d, "gaussian", seed, i));
  return v;
}

std::vector<double> true_mean(const std::vector<std::vector<float>>& inputs) {
  std::vector<double> m(inputs.front().size(), 0.0);
  for (const auto& a : inputs)
    for (std::size_t j = 0; j < m.size(); ++j) m[j] += a[j] / double(inputs.size());
  return m;
}

bool mentions(const std::invalid_argument& e, const std::string& word) {
  return std::string(e.what()).find(word) != std::string::npos;
}

}  // namespace

TEST(CompressionSchemes, NamesAndProperties) {
  EXPECT_EQ(all_names(), (std::vector<std::string>{"thc", "uhc", "none", "fp16", "topk", "terngrad", "qsgd"}));
  for (const auto& name : all_names()) {
    SCOPED_TRACE(name);
    auto s = scheme_named(name);
    EXPECT_EQ(s->name(), name);
    EXPECT_EQ(s->integer_sum(), name == "thc" || name == "uhc");
    EXPECT_EQ(s->error_feedback(), name == "thc" || name == "uhc" || name == "topk");
    for (int ef : {0, 1}) {
      SchemeConfig c;
      c.name = name;
      c.error_feedback = ef;
      EXPECT_EQ(make_scheme(c)->error_feedback(), ef == 1);
    }
  }
}

TEST(CompressionSchemes, StartSizesTheAggregate) {
  for (const auto& name : all_names()) {
    SCOPED_TRACE(name);
    SchemeConfig c;
    c.name = name;
    c.partition = 64;
    auto s = make_scheme(c);
    const std::size_t d = 150;  // THC: partitions 64 + 64 + 22 -> 64 + 64 + 32
    Round round = make_round(*s, gaussians(1, d, 1), 1, 20);
    Aggregate sum = s->start(d, round);
    const std::size_t length = s->integer_sum() ? 160 : 150;
    EXPECT_EQ(sum.length, length);
    EXPECT_EQ(s->aggregate_length(d), length);
    EXPECT_EQ(sum.counts, std::vector<std::uint32_t>((length + 19) / 20, 0));
    EXPECT_EQ(sum.int_sum.size(), s->integer_sum() ? length : 0);
    EXPECT_EQ(sum.float_sum.size(), s->integer_sum() ? 0 : length);
    round.chunk = 0;
    EXPECT_THROW(s->start(d, round), std::invalid_argument);
  }
}

// Same (round, stream): same message; another stream: other random draws.
TEST(CompressionSchemes, EncodingIsDeterministic) {
  const auto inputs = gaussians(1, 300, 3);
  for (const auto& name : all_names()) {
    SCOPED_TRACE(name);
    auto s = scheme_named(name);
    Round round = make_round(*s, inputs, 5);
    Encoded a = s->encode(inputs[0], round, 11), b = s->encode(inputs[0], round, 11), c = s->encode(inputs[0], round, 12);
    EXPECT_EQ(a.codes, b.codes);
    EXPECT_EQ(a.values, b.values);
    EXPECT_EQ(a.positions, b.positions);
    EXPECT_EQ(a.signs, b.signs);
    if (name == "thc" || name == "uhc" || name == "terngrad" || name == "qsgd") {
      EXPECT_NE(a.codes, c.codes);
    }
  }
}

// reconstruct() is what one message alone contributes: the decode of an aggregate holding only
// it (before any downstream re-compression).
TEST(CompressionSchemes, ReconstructIsTheSingleMessageDecode) {
  const auto inputs = gaussians(1, 200, 4);
  for (const auto& name : all_names()) {
    SCOPED_TRACE(name);
    SchemeConfig c;
    c.name = name;
    c.partition = 64;
    auto s = make_scheme(c);
    Round round = make_round(*s, inputs, 9, 50);
    Encoded m = s->encode(inputs[0], round, 3);
    Aggregate sum = s->start(200, round);
    s->add(sum, m, round);
    EXPECT_EQ(s->reconstruct(m, 200, round), s->decode(sum, 200, round));
  }
}

// n identical vectors through fp32: the mean is the input exactly, whenever the fp32 sums are
// exact (values with a short mantissa; a sum of n copies of a full 24-bit mantissa is not).
TEST(CompressionNone, IdenticalVectorsDecodeExactly) {
  auto s = scheme_named("none");
  auto base = synthetic_gradient(1000, "gaussian", 8, 0);
  for (float& x : base) x = std::ldexp(std::round(std::ldexp(x, 12)), -12);  // 12 fractional bits
  for (int n : {1, 2, 3, 7, 8, 16}) {
    std::vector<std::vector<float>> inputs(n, base);
    Round round = make_round(*s, inputs, 1);
    EXPECT_EQ(aggregate_mean(*s, inputs, round, 0), base) << "n=" << n;
  }
  // Full-precision values: within fp32 summation rounding.
  auto full = synthetic_gradient(1000, "gaussian", 9, 0);
  std::vector<std::vector<float>> inputs(7, full);
  auto mean = aggregate_mean(*s, inputs, make_round(*s, inputs, 1), 0);
  for (std::size_t j = 0; j < full.size(); ++j) ASSERT_NEAR(mean[j], full[j], 4e-7 * std::abs(full[j])) << j;
}

TEST(CompressionFp16, RoundsToNearestEven) {
  auto s = scheme_named("fp16");
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<std::pair<float, float>> cases{
      {1.0f, 1.0f},
      {1.0f + 0x1.0p-11f, 1.0f},                           // tie: to even (down)
      {1.0f + 3 * 0x1.0p-11f, 1.0f + 0x1.0p-9f},           // tie: to even (up)
      {1.0f + 0x1.0p-11f + 0x1.0p-20f, 1.0f + 0x1.0p-10f},  // above the tie
      {65504.0f, 65504.0f},
      {65519.0f, 65504.0f},
      {65520.0f, inf},  // the tie with 65504 rounds to even: infinity
      {-1e6f, -inf},
      {0x1.0p-14f, 0x1.0p-14f},  // smallest normal
      {0x1.0p-24f, 0x1.0p-24f},  // smallest subnormal
      {0x1.0p-25f, 0.0f},        // tie: to even zero
      {3 * 0x1.0p-25f, 0x1.0p-23f},
      {-0.0f, -0.0f},
      {inf, inf},
  };
  std::vector<float> in;
  for (auto [x, expected] : cases) in.push_back(x);
  in.push_back(std::numeric_limits<float>::quiet_NaN());
  Encoded m = s->encode(in, Round{}, 0);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    EXPECT_EQ(m.values[k], cases[k].second) << "x=" << cases[k].first;
    EXPECT_EQ(std::signbit(m.values[k]), std::signbit(cases[k].second)) << "x=" << cases[k].first;
  }
  EXPECT_TRUE(std::isnan(m.values.back()));
  EXPECT_EQ(m.wire_bits, 16.0 * in.size());
#ifdef __FLT16_MAX__
  // Against the compiler's own conversion, over every magnitude from subnormal to overflow.
  std::vector<float> sweep;
  for (int e = -27; e <= 16; ++e)
    for (int k = 0; k < 200; ++k) sweep.push_back(std::ldexp(1.0f + k / 200.0f + 1e-7f * k, e) * (k % 2 ? -1 : 1));
  Encoded h = s->encode(sweep, Round{}, 0);
  for (std::size_t k = 0; k < sweep.size(); ++k)
    ASSERT_EQ(h.values[k], static_cast<float>(static_cast<_Float16>(sweep[k]))) << "x=" << sweep[k];
#endif
}

// Different vectors: the worker rounds each to half, the PS rounds the mean again. Each rounding
// is within 2^-11 relative (normal range) or 2^-25 absolute (subnormal).
TEST(CompressionFp16, ErrorWithinHalfPrecision) {
  auto s = scheme_named("fp16");
  auto inputs = gaussians(4, 2000, 10);
  for (auto& a : inputs)
    for (std::size_t j = 0; j < a.size(); j += 7) a[j] *= 1e-6f;  // some in the subnormal range
  auto mean = aggregate_mean(*s, inputs, make_round(*s, inputs, 1), 0);
  auto truth = true_mean(inputs);
  for (std::size_t j = 0; j < truth.size(); ++j) {
    double abs_mean = 0;
    for (const auto& a : inputs) abs_mean += std::abs(a[j]) / inputs.size();
    const double bound = 0x1.0p-11 * (abs_mean + std::abs(truth[j])) * 1.001 + 0x1.0p-24;
    ASSERT_LE(std::abs(mean[j] - truth[j]), bound) << "j=" << j;
  }
  // Identical vectors: the PS's rounding of an fp16 mean changes nothing.
  std::vector<std::vector<float>> same(5, inputs[0]);
  auto once = s->encode(inputs[0], Round{}, 0).values;
  EXPECT_EQ(aggregate_mean(*s, same, make_round(*s, same, 1), 0), once);
}

// The stochastic schemes are unbiased: over many rounds with independent draws, the mean of the
// estimates converges to the true mean. Tolerance per coordinate: 5 standard errors, from the
// estimates' own sample variance. THC is unbiased only when nothing clips, so its scales are
// raised to 3 times the largest norm (|z| then stays far below T for these inputs).
TEST(CompressionSchemes, StochasticSchemesAreUnbiased) {
  const std::size_t d = 40;
  const int n = 3, trials = 3000;
  const auto inputs = gaussians(n, d, 21);
  const auto truth = true_mean(inputs);
  for (std::string name : {"thc", "uhc", "terngrad", "qsgd"}) {
    SCOPED_TRACE(name);
    SchemeConfig c;
    c.name = name;
    c.partition = 16;  // three partitions: 40 = 16 + 16 + 8
    c.qsgd_levels = 2;  // coarse: a large, easily measured variance
    auto s = make_scheme(c);
    Round round = make_round(*s, inputs, 77, 8);
    for (float& m : round.scales) m *= 3;
    std::vector<double> sum(d, 0), sum_sq(d, 0);
    for (int t = 0; t < trials; ++t) {
      auto est = aggregate_mean(*s, inputs, round, 1000ull * t);
      for (std::size_t j = 0; j < d; ++j) {
        sum[j] += est[j];
        sum_sq[j] += double(est[j]) * est[j];
      }
    }
    double worst = 0, spread = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const double mean = sum[j] / trials, var = sum_sq[j] / trials - mean * mean;
      ASSERT_GT(var, 0) << "j=" << j;  // the rounding is random at all
      const double standard_error = std::sqrt(var / trials);
      worst = std::max(worst, std::abs(mean - truth[j]) / standard_error);
      spread = std::max(spread, std::sqrt(var));
    }
    EXPECT_LT(worst, 5.0);
    EXPECT_GT(spread, 1e-3);  // not vacuous: one estimate is visibly noisy
  }
}

TEST(CompressionTopk, KeepsTheLargestKAndTheirValues) {
  SchemeConfig c;
  c.name = "topk";
  c.topk_ratio = 0.07;
  auto s = make_scheme(c);
  auto a = synthetic_gradient(1000, "gaussian", 30, 0);
  a[500] = a[501] = 100.0f;  // a tie at the top
  Encoded m = s->encode(a, Round{}, 0);
  ASSERT_EQ(m.positions.size(), 70u);  // ceil(0.07 * 1000)
  ASSERT_EQ(m.values.size(), 70u);
  EXPECT_TRUE(std::is_sorted(m.positions.begin(), m.positions.end()));
  std::vector<float> mags;
  for (float x : a) mags.push_back(std::abs(x));
  std::sort(mags.begin(), mags.end(), std::greater<>());
  for (std::size_t e = 0; e < m.positions.size(); ++e) {
    EXPECT_EQ(m.values[e], a[m.positions[e]]);
    EXPECT_GE(std::abs(m.values[e]), mags[69]);
  }
  EXPECT_EQ(m.wire_bits, 70 * 64.0);
  // Ties at the threshold go to the lower positions: exactly k, deterministically.
  std::vector<float> flat(10, 1.0f);
  SchemeConfig half = c;
  half.topk_ratio = 0.3;
  Encoded f = make_scheme(half)->encode(flat, Round{}, 0);
  EXPECT_EQ(f.positions, (std::vector<std::uint32_t>{0, 1, 2}));
  // The reconstruction holds exactly the kept values.
  auto r = s->reconstruct(m, a.size(), Round{});
  EXPECT_EQ(std::count_if(r.begin(), r.end(), [](float x) { return x != 0; }), 70);
}

// The PS re-selects the top k of the sum: not the union of what the workers kept.
TEST(CompressionTopk, DownstreamIsTopKOfTheSum) {
  SchemeConfig c;
  c.name = "topk";
  c.topk_ratio = 0.25;  // k = 2 of 8
  auto s = make_scheme(c);
  std::vector<std::vector<float>> inputs{{9, 0, 0, 5, 0, 0, 0, 0.5f}, {-9, 0, 0, 4, 6, 0, 0, 0.5f}};
  Round round;
  Aggregate sum;
  auto mean = aggregate_mean(*s, inputs, round, 0, &sum);
  // Workers keep {0, 3} and {0, 4}; in the sum coordinate 0 cancels, so the top 2 are 3 and 4.
  EXPECT_EQ(mean, (std::vector<float>{0, 0, 0, 2.5f, 3, 0, 0, 0}));
  EXPECT_EQ(sum.wire_bits_down, 2 * 64.0);
}

// vNMSE with independent workers falls as 1/n: v(2) / v(n) within 30% of n / 2. The downstream
// is widened so that 16 * g fits; the scales are per partition, as in the simulator.
TEST(CompressionThc, VnmseFallsAsOneOverN) {
  MeasureOptions o;
  o.dim = 1 << 13;
  o.rounds = 2;
  o.scheme.downstream_bits = 16;
  std::vector<double> v;
  for (int n : {2, 4, 8, 16}) {
    o.workers = n;
    v.push_back(measure(o).vnmse);
  }
  for (std::size_t k = 1; k < v.size(); ++k) {
    const double ideal = double(1 << k);
    EXPECT_NEAR(v[0] / v[k], ideal, 0.3 * ideal) << "n=" << (2 << k) << " vNMSE " << v[k] << " against " << v[0];
  }
  EXPECT_GT(v[0], 0.005);  // one worker's error is about 0.02 (compression_thc_test)
  EXPECT_LT(v[0], 0.015);
}

// The codec's quantisation (a hand-written AVX2 kernel for g < 32 where the CPU has it, a
// packed lookup below 2^12, three lookups above) is exactly this plain loop: stochastic
// rounding of x = y g / (2 T M) + g/2, clipped to [0, g], between its table neighbours.
TEST(CompressionThc, QuantisationMatchesThePlainDefinition) {
  for (auto [bits, g, uniform] : {std::tuple{4, 30, false}, {4, 31, true}, {2, 40, false}, {8, 5000, true}}) {
    for (std::size_t len : {3u, 8u, 1000u}) {
      SCOPED_TRACE(::testing::Message() << "bits=" << bits << " g=" << g << " len=" << len);
      ThcCodec codec({.bits = bits, .granularity = g, .clip_probability = 1.0 / 32, .uniform = uniform});
      auto a = synthetic_gradient(len, "lognormal", g, 0);
      double norm = 0;
      for (float v : a) norm += double(v) * v;
      const double M = 0.5 * std::sqrt(norm);  // below the norm: some coordinates clip at g too
      const auto codes = codec.encode(a, M, 17, 23);
      const std::size_t d = codes.size();
      std::vector<float> y(d);
      rotate_raw(a, y, 17);
      const auto& R = codec.table();
      const float to_x = float(g / (2 * codec.threshold() * M)), gf = float(g), middle = 0.5f * gf;
      CounterUniform uniform_draw(23);
      for (std::size_t j = 0; j < d; ++j) {
        float x = y[j] * to_x + middle;
        x = x > 0 ? x : 0;
        x = x < gf ? x : gf;
        std::size_t k = 0;
        while (k + 2 < R.size() && R[k + 1] <= x) ++k;
        const bool up = uniform_draw(std::uint32_t(j)) * float(R[k + 1] - R[k]) < x - float(R[k]);
        ASSERT_EQ(codes[j], k + up) << "j=" << j << " x=" << x;
      }
    }
  }
  // A NaN spreads over its whole partition in the rotation; it clips to 0 instead of indexing
  // outside the maps.
  ThcCodec codec({});
  std::vector<float> a(100, 1.0f);
  a[7] = std::numeric_limits<float>::quiet_NaN();
  for (auto code : codec.encode(a, 10.0, 1, 2)) ASSERT_EQ(code, 0);
}

// A partition whose scale M is 0 (all zeros everywhere) encodes without dividing by zero and
// decodes to zeros, next to a normal partition.
TEST(CompressionThc, ZeroPartitionDecodesToZeros) {
  SchemeConfig c;
  c.partition = 32;
  auto s = make_scheme(c);
  auto inputs = gaussians(2, 64, 40);
  for (auto& a : inputs) std::fill(a.begin(), a.begin() + 32, 0.0f);
  Round round = make_round(*s, inputs, 3);
  ASSERT_EQ(round.scales.size(), 2u);
  EXPECT_EQ(round.scales[0], 0.0f);
  auto mean = aggregate_mean(*s, inputs, round, 0);
  for (std::size_t j = 0; j < 32; ++j) EXPECT_EQ(mean[j], 0.0f) << j;
  double err = 0, energy = 0;
  auto truth = true_mean(inputs);
  for (std::size_t j = 32; j < 64; ++j) err += (mean[j] - truth[j]) * (mean[j] - truth[j]), energy += truth[j] * truth[j];
  EXPECT_LT(err, energy);  // the other partition still decodes to an estimate
  Round wrong = round;
  wrong.scales.pop_back();
  EXPECT_THROW(s->encode(inputs[0], wrong, 0), std::invalid_argument);
}

TEST(CompressionSchemes, WireBitsFollowTheFormulas) {
  for (std::size_t d : {5u, 1000u, 3000u, 65536u}) {
    for (int n : {1, 8}) {
      SCOPED_TRACE(::testing::Message() << "d=" << d << " n=" << n);
      SchemeConfig c;
      c.workers = n;
      c.partition = 1024;
      // THC / UHC: padded partitions (1024 each, the last to a power of two), b bits up,
      // downstream_bits down, a 32-bit M per partition both ways.
      const std::size_t parts = (d + 1023) / 1024, last = d - (parts - 1) * 1024;
      std::size_t padded = (parts - 1) * 1024, p2 = 1;
      while (p2 < last) p2 <<= 1;
      padded += p2;
      std::vector<std::pair<std::string, std::pair<double, double>>> expected{
          {"thc", {(4.0 * padded + 32.0 * parts) / d, (8.0 * padded + 32.0 * parts) / d}},
          {"uhc", {(4.0 * padded + 32.0 * parts) / d, (8.0 * padded + 32.0 * parts) / d}},
          {"none", {32, 32}},
          {"fp16", {16, 16}},
          {"topk", {64.0 * std::ceil(0.1 * d) / d, 64.0 * std::ceil(0.1 * d) / d}},
          {"terngrad", {2 + 32.0 / d, 2 + 32.0 / d}},
          {"qsgd", {6 + 32.0 / d, 6 + 32.0 / d}},  // 16 levels: 1 sign + ceil(log2 17) = 5 bits
      };
      for (auto [name, bits] : expected) {
        SCOPED_TRACE(name);
        c.name = name;
        auto s = make_scheme(c);
        EXPECT_DOUBLE_EQ(s->bits_up_per_coord(d, n), bits.first);
        EXPECT_DOUBLE_EQ(s->bits_down_per_coord(d, n), bits.second);
        // The messages carry the same totals.
        auto inputs = gaussians(1, d, 50);
        Round round = make_round(*s, inputs, 1);
        Aggregate sum;
        Encoded m = s->encode(inputs[0], round, 0);
        aggregate_mean(*s, inputs, round, 0, &sum);
        EXPECT_NEAR(m.wire_bits, bits.first * d, 1e-6 * d);
        EXPECT_NEAR(sum.wire_bits_down, bits.second * d, 1e-6 * d);
      }
    }
  }
  for (auto [levels, bits] : {std::pair{1, 2}, {3, 3}, {4, 4}, {255, 9}}) {
    SchemeConfig c;
    c.name = "qsgd";
    c.qsgd_levels = levels;
    EXPECT_DOUBLE_EQ(make_scheme(c)->bits_up_per_coord(100, 4), bits + 0.32) << "levels=" << levels;
  }
}

// A contribution whose chunk was lost is left out of that chunk only: the chunk is the mean of
// the n - 1 others, the rest the mean of all n; a chunk nobody delivered decodes as zero.
TEST(CompressionLoss, LostChunkDecodesOverTheOthers) {
  auto s = scheme_named("none");
  const std::size_t d = 100, chunk = 16;  // 7 chunks, the last of 4 coordinates
  auto inputs = gaussians(4, d, 60);
  Round round = make_round(*s, inputs, 1, chunk);
  Aggregate sum = s->start(d, round);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    bool lost[7] = {};
    if (i == 2) lost[3] = true;
    lost[6] = true;  // everyone loses the last chunk
    s->add(sum, s->encode(inputs[i], round, i), round, lost);
  }
  EXPECT_EQ(sum.counts, (std::vector<std::uint32_t>{4, 4, 4, 3, 4, 4, 0}));
  s->finish(sum, round, 0);
  auto mean = s->decode(sum, d, round);
  for (std::size_t j = 0; j < d; ++j) {
    double expected = 0;
    if (j < 96) {
      const bool chunk3 = j / chunk == 3;
      for (std::size_t i = 0; i < inputs.size(); ++i)
        if (!(chunk3 && i == 2)) expected += inputs[i][j];
      expected /= chunk3 ? 3 : 4;
    }
    ASSERT_NEAR(mean[j], expected, 1e-6) << "j=" << j;
  }
  bool wrong_length[3] = {};
  EXPECT_THROW(s->add(sum, s->encode(inputs[0], round, 0), round, wrong_length), std::invalid_argument);
}

// THC counts per chunk of the rotated domain; a chunk with no contributor decodes as rotated
// zeros, so an aggregate nobody reached decodes to zeros.
TEST(CompressionLoss, ThcCountsChunksOfTheRotatedDomain) {
  SchemeConfig c;
  c.partition = 64;
  auto s = make_scheme(c);
  auto inputs = gaussians(3, 100, 61);  // padded 64 + 64 = 128: 4 chunks of 32
  Round round = make_round(*s, inputs, 5, 32);
  Aggregate sum = s->start(100, round);
  bool all_lost[4] = {true, true, true, true};
  for (std::size_t i = 0; i < inputs.size(); ++i) s->add(sum, s->encode(inputs[i], round, i), round, all_lost);
  EXPECT_EQ(sum.counts, (std::vector<std::uint32_t>{0, 0, 0, 0}));
  auto mean = s->decode(sum, 100, round);
  for (float x : mean) ASSERT_NEAR(x, 0.0f, 1e-6f);
  // One chunk lost by one worker: that chunk's sum has one contribution fewer.
  Aggregate partial = s->start(100, round), full = s->start(100, round);
  bool lost[4] = {false, true, false, false};
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Encoded m = s->encode(inputs[i], round, i);
    s->add(partial, m, round, i == 0 ? std::span<const bool>(lost) : std::span<const bool>());
    s->add(full, m, round);
  }
  EXPECT_EQ(partial.counts, (std::vector<std::uint32_t>{3, 2, 3, 3}));
  Encoded first = s->encode(inputs[0], round, 0);
  const std::vector<int> table = optimal_table(c.bits, c.granularity, c.clip_probability);
  for (std::size_t j = 0; j < 128; ++j) {
    const std::uint32_t missing = j / 32 == 1 ? std::uint32_t(table[first.codes[j]]) : 0;
    ASSERT_EQ(partial.int_sum[j] + missing, full.int_sum[j]) << j;
  }
}

TEST(CompressionErrors, MakeSchemeNamesTheBadParameter) {
  auto expect_error = [](SchemeConfig c, const std::string& word) {
    try {
      make_scheme(c);
      ADD_FAILURE() << "no error for " << word;
    } catch (const std::invalid_argument& e) {
      EXPECT_TRUE(mentions(e, word)) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
    }
  };
  SchemeConfig c;
  c.name = "thcc";
  expect_error(c, "thcc");
  expect_error(c, "thc, uhc, none, fp16, topk, terngrad, qsgd");
  for (std::string name : {"thc", "uhc"}) {
    c = SchemeConfig{};
    c.name = name;
    c.bits = 0;
    expect_error(c, "bits");
    c.bits = 9;
    expect_error(c, "bits");
    c = SchemeConfig{};
    c.name = name;
    c.granularity = 14;
    expect_error(c, "granularity");
    c = SchemeConfig{};
    c.name = name;
    c.workers = 16;  // 16 * 30 = 480 needs 9 bits
    expect_error(c, "needs 9 downstream_bits");
    c.downstream_bits = 9;
    EXPECT_NO_THROW(make_scheme(c));
    for (double p : {0.0, 1.0, -0.5, 2.0}) {
      c = SchemeConfig{};
      c.name = name;
      c.clip_probability = p;
      expect_error(c, "clip_probability");
    }
    c = SchemeConfig{};
    c.name = name;
    c.partition = 1000;
    expect_error(c, "partition");
  }
  c = SchemeConfig{};
  c.name = "topk";
  for (double r : {0.0, -0.1, 1.5}) {
    c.topk_ratio = r;
    expect_error(c, "topk_ratio");
  }
  c.topk_ratio = 1.0;
  EXPECT_NO_THROW(make_scheme(c));
  c = SchemeConfig{};
  c.name = "qsgd";
  for (int levels : {0, 256}) {
    c.qsgd_levels = levels;
    expect_error(c, "qsgd_levels");
  }
  for (const auto& name : all_names()) {
    c = SchemeConfig{};
    c.name = name;
    c.workers = 0;
    expect_error(c, "workers");
  }
  // Each scheme checks only what it reads: THC's downstream width does not stop fp16 at n = 64.
  c = SchemeConfig{};
  c.name = "fp16";
  c.workers = 64;
  EXPECT_NO_THROW(make_scheme(c));
}

TEST(CompressionBitPack, RoundTripsEveryWidth) {
  for (int bits = 1; bits <= 8; ++bits) {
    for (std::size_t count : {0u, 1u, 7u, 8u, 9u, 37u, 1000u}) {
      std::vector<std::uint8_t> codes(count);
      for (std::size_t j = 0; j < count; ++j) codes[j] = std::uint8_t(mix(bits, j) & ((1u << bits) - 1));
      auto packed = pack_codes(codes, bits);
      EXPECT_EQ(packed.size(), (count * bits + 7) / 8);
      EXPECT_EQ(unpack_codes(packed, bits, count), codes) << "bits=" << bits << " count=" << count;
    }
  }
  // Two 4-bit codes per byte, the first in the low nibble; higher bits than `bits` are ignored.
  EXPECT_EQ(pack_codes(std::vector<std::uint8_t>{1, 2, 3}, 4), (std::vector<std::uint8_t>{0x21, 0x03}));
  EXPECT_EQ(pack_codes(std::vector<std::uint8_t>{0xff, 0x10}, 4), (std::vector<std::uint8_t>{0x0f}));
  EXPECT_EQ(pack_codes(std::vector<std::uint8_t>{1, 2, 3}, 3), (std::vector<std::uint8_t>{0xd1, 0x00}));
  EXPECT_THROW(pack_codes(std::vector<std::uint8_t>{1}, 0), std::invalid_argument);
  EXPECT_THROW(pack_codes(std::vector<std::uint8_t>{1}, 9), std::invalid_argument);
  EXPECT_THROW(unpack_codes(std::vector<std::uint8_t>{1}, 4, 3), std::invalid_argument);
}

// The codec's blocked transform is the plain one: rotate_raw = sqrt(d) hadamard(D x), for
// lengths below, at and above the cache block, and it inverts with unrotate_raw(1/d).
TEST(CompressionHadamard, FastRotationMatchesThePlainTransform) {
  // 2^12: the L1 block; 2^17: the L2 superblock.
  for (std::size_t d : {1u, 2u, 4u, 8u, 16u, 64u, 128u, 4096u, 8192u, 1u << 18}) {
    SCOPED_TRACE(d);
    const std::size_t len = d > 4 ? d - 3 : d;  // padded with zeros
    auto a = synthetic_gradient(len, "gaussian", d, 0);
    std::vector<float> fast(d), plain(d, 0.0f);
    rotate_raw(a, fast, 99);
    for (std::size_t i = 0; i < len; ++i) plain[i] = rotation_sign_negative(99, i) ? -a[i] : a[i];
    hadamard(plain);
    const float root = std::sqrt(float(d));
    const double tolerance = 2e-6 * std::sqrt(double(d)) * std::log2(2.0 * d);
    for (std::size_t i = 0; i < d; ++i) ASSERT_NEAR(fast[i], plain[i] * root, tolerance) << i;
    unrotate_raw(fast, 99, 1.0f / float(d));
    for (std::size_t i = 0; i < d; ++i) ASSERT_NEAR(fast[i], i < len ? a[i] : 0.0f, 1e-5) << i;
    std::vector<float> twice(plain);
    fwht_raw(twice);
    fwht_raw(twice);
    for (std::size_t i = 0; i < d; ++i) ASSERT_NEAR(twice[i] / float(d), plain[i], 1e-5) << i;
  }
  std::vector<float> bad(12);
  EXPECT_THROW(fwht_raw(bad), std::invalid_argument);
  std::vector<float> longer(20), shorter(16);
  EXPECT_THROW(rotate_raw(longer, shorter, 1), std::invalid_argument);
}

TEST(CompressionMeasure, ReportsCostsAndIsDeterministic) {
  MeasureOptions o;
  o.workers = 4;
  o.dim = 3000;
  o.scheme.partition = 1024;
  MeasureResult r = measure(o), again = measure(o);
  EXPECT_EQ(r.vnmse, again.vnmse);
  // The default table (4 bits, g = 30, p = 1/32), itself checked by brute force in compression_thc_test.
  EXPECT_EQ(r.table, optimal_table(4, 30, 1.0 / 32));
  EXPECT_DOUBLE_EQ(r.bits_up_per_coord, (4.0 * 3072 + 96) / 3000);
  EXPECT_GT(r.vnmse, 0.001);
  EXPECT_LT(r.vnmse, 0.02);
  EXPECT_GT(r.encode_s_per_coord, 0);
  EXPECT_GT(r.add_s_per_coord, 0);
  EXPECT_GT(r.decode_s_per_coord, 0);
  o.scheme.name = "none";
  o.dist = "lognormal";
  MeasureResult none = measure(o);
  EXPECT_LT(none.vnmse, 1e-12);
  EXPECT_TRUE(none.table.empty());
  EXPECT_EQ(none.bits_down_per_coord, 32);
  o.dist = "cauchy";
  EXPECT_THROW(measure(o), std::invalid_argument);
  // The lognormal draws are heavy-tailed and signed.
  auto v = synthetic_gradient(10000, "lognormal", 1, 0);
  EXPECT_GT(*std::max_element(v.begin(), v.end()), 20.0f);
  EXPECT_LT(*std::min_element(v.begin(), v.end()), -20.0f);
}

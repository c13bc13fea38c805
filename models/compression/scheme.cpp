#include "compression/scheme.hpp"

#include <array>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "compression/scheme_internal.hpp"
#include "compression/simd.hpp"

namespace cs::compression {
namespace {

constexpr std::array<std::string_view, 7> kNames{"thc", "uhc", "none", "fp16", "topk", "terngrad", "qsgd"};

std::string known_names() {
  std::string s;
  for (auto n : kNames) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

std::string number(double x) {
  std::ostringstream out;
  out << x;  // shortest of fixed and scientific, 6 significant digits
  return out.str();
}

// Bits needed to carry every integer in [0, value].
int bits_for(std::uint64_t value) {
  int b = 0;
  while (b < 64 && (value >> b) != 0) ++b;
  return b;
}

void check_thc(const SchemeConfig& c) {
  using detail::require;
  const std::string who = "compression scheme " + c.name + ": ";
  require(c.bits >= 1 && c.bits <= 8, who + "bits must be in 1..8, got " + std::to_string(c.bits));
  require(c.granularity >= (1 << c.bits) - 1,
          who + "granularity " + std::to_string(c.granularity) + " is below 2^bits - 1 = " +
              std::to_string((1 << c.bits) - 1) + " (the table needs 2^bits distinct integers)");
  require(c.clip_probability > 0 && c.clip_probability < 1,
          who + "clip_probability must be in (0, 1), got " + number(c.clip_probability));
  require(c.partition >= 1 && (c.partition & (c.partition - 1)) == 0 && c.partition <= (std::size_t{1} << 32),
          who + "partition must be a power of two up to 2^32, got " + std::to_string(c.partition));
  require(c.downstream_bits >= 1 && c.downstream_bits <= 32,
          who + "downstream_bits must be in 1..32, got " + std::to_string(c.downstream_bits));
  const std::uint64_t largest = static_cast<std::uint64_t>(c.workers) * static_cast<std::uint64_t>(c.granularity);
  const int needed = bits_for(largest);
  require(needed <= c.downstream_bits,
          who + "workers * granularity = " + std::to_string(c.workers) + " * " + std::to_string(c.granularity) +
              " = " + std::to_string(largest) + " needs " + std::to_string(needed) + " downstream_bits, got " +
              std::to_string(c.downstream_bits));
}

}  // namespace

Aggregate Scheme::start(std::size_t d, const Round& round) const {
  if (round.chunk == 0) throw std::invalid_argument("compression round: chunk must be at least 1 coordinate");
  Aggregate sum;
  sum.length = aggregate_length(d);
  sum.counts.assign((sum.length + round.chunk - 1) / round.chunk, 0);
  if (integer_sum()) sum.int_sum.assign(sum.length, 0);
  else sum.float_sum.assign(sum.length, 0.0f);
  return sum;
}

std::span<const std::string_view> scheme_names() { return kNames; }

std::unique_ptr<Scheme> make_scheme(const SchemeConfig& c) {
  using detail::require;
  bool known = false;
  for (auto n : kNames) known = known || n == c.name;
  require(known, "unknown compression scheme '" + c.name + "' (known: " + known_names() + ")");
  const std::string who = "compression scheme " + c.name + ": ";
  require(c.workers >= 1, who + "workers must be at least 1, got " + std::to_string(c.workers));
  require(c.error_feedback >= -1 && c.error_feedback <= 1,
          who + "error_feedback must be -1 (default), 0 or 1, got " + std::to_string(c.error_feedback));
  // Each scheme checks only the parameters it reads: a default THC granularity must not stop,
  // say, fp16 among 64 workers.
  if (c.name == "thc" || c.name == "uhc") {
    check_thc(c);
    return detail::make_thc_scheme(c, c.name == "uhc");
  }
  if (c.name == "none" || c.name == "fp16") return detail::make_dense_scheme(c, c.name == "fp16");
  if (c.name == "topk") {
    require(c.topk_ratio > 0 && c.topk_ratio <= 1, who + "topk_ratio must be in (0, 1], got " + number(c.topk_ratio));
    return detail::make_topk_scheme(c);
  }
  if (c.name == "terngrad") return detail::make_terngrad_scheme(c);
  require(c.qsgd_levels >= 1 && c.qsgd_levels <= 255,
          who + "qsgd_levels must be in 1..255, got " + std::to_string(c.qsgd_levels));
  return detail::make_qsgd_scheme(c);
}

namespace detail {

CS_VECTOR_CLONES double squared_norm_of(const float* a, std::size_t n) {
  double partial[8] = {};
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8)
    for (int l = 0; l < 8; ++l) partial[l] += double(a[j + l]) * double(a[j + l]);
  double tail = 0;
  for (; j < n; ++j) tail += double(a[j]) * double(a[j]);
  return ((partial[0] + partial[1]) + (partial[2] + partial[3])) + ((partial[4] + partial[5]) + (partial[6] + partial[7])) +
         tail;
}

double squared_norm(std::span<const float> a) { return squared_norm_of(a.data(), a.size()); }

void check_aggregate(const Aggregate& sum, const Round& round, std::span<const bool> lost) {
  require(round.chunk > 0, "compression round: chunk must be at least 1 coordinate");
  require(sum.counts.size() == (sum.length + round.chunk - 1) / round.chunk,
          "compression aggregate: started with another chunk size than this round's");
  require(lost.empty() || lost.size() == sum.counts.size(),
          "compression aggregate: " + std::to_string(lost.size()) + " loss flags for " +
              std::to_string(sum.counts.size()) + " chunks");
}

std::vector<float> FloatSumScheme::decode(const Aggregate& sum, std::size_t d, const Round& round) const {
  require(sum.float_sum.size() == sum.length && sum.length == aggregate_length(d),
          std::string(name()) + " decode: aggregate does not match the gradient length");
  std::vector<float> out(d);
  for_each_chunk(sum, round, [&](std::size_t begin, std::size_t end, std::uint32_t count) {
    if (count == 0) return;  // already zero
    const float n = static_cast<float>(count);
    // Division rather than a reciprocal product: n identical values then come back exactly.
    for (std::size_t i = begin; i < end; ++i) out[i] = sum.float_sum[i] / n;
  });
  return out;
}

std::vector<float> FloatSumScheme::chunk_means(const Aggregate& sum, const Round& round) {
  std::vector<float> means(sum.length, 0.0f);
  for_each_chunk(sum, round, [&](std::size_t begin, std::size_t end, std::uint32_t count) {
    if (count == 0) return;
    const float n = static_cast<float>(count);
    for (std::size_t i = begin; i < end; ++i) means[i] = sum.float_sum[i] / n;
  });
  return means;
}

void FloatSumScheme::store_means(Aggregate& sum, std::span<const float> means, const Round& round) {
  for_each_chunk(sum, round, [&](std::size_t begin, std::size_t end, std::uint32_t count) {
    const float n = static_cast<float>(count);
    for (std::size_t i = begin; i < end; ++i) sum.float_sum[i] = means[i] * n;
  });
}

}  // namespace detail
}  // namespace cs::compression

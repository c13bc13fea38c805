#include "compression/scheme.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

#include "compression/scheme_internal.hpp"
#include "compression/simd.hpp"

namespace cs::compression {

// The registered schemes, one line each, in the order listings show them. A scheme's file
// defines `const SchemeEntry <id>_scheme_entry` in cs::compression::detail; listing its id here
// declares and registers it.
#define CS_COMPRESSION_SCHEMES(X) \
  X(thc)                          \
  X(uhc)                          \
  X(none)                         \
  X(fp16)                         \
  X(topk)                         \
  X(terngrad)                     \
  X(qsgd)

namespace detail {
#define CS_DECLARE(id) extern const SchemeEntry id##_scheme_entry;
CS_COMPRESSION_SCHEMES(CS_DECLARE)
#undef CS_DECLARE
}  // namespace detail

const Registry<SchemeEntry>& schemes() {
#define CS_LIST(id) &detail::id##_scheme_entry,
  static const Registry<SchemeEntry> registry("compression scheme", {CS_COMPRESSION_SCHEMES(CS_LIST)});
#undef CS_LIST
  return registry;
}

Aggregate Scheme::start(std::size_t d, const Round& round) const {
  if (round.chunk == 0) throw std::invalid_argument("compression round: chunk must be at least 1 coordinate");
  Aggregate sum;
  sum.length = aggregate_length(d);
  sum.counts.assign((sum.length + round.chunk - 1) / round.chunk, 0);
  if (integer_sum()) sum.int_sum.assign(sum.length, 0);
  else sum.float_sum.assign(sum.length, 0.0f);
  return sum;
}

std::span<const std::string_view> scheme_names() { return schemes().names(); }

std::unique_ptr<Scheme> make_scheme(const SchemeConfig& c) {
  using detail::require;
  const SchemeEntry* entry = schemes().find(c.name);
  require(entry != nullptr, "unknown compression scheme '" + c.name + "' (known: " + schemes().listing() + ")");
  const std::string who = "compression scheme " + c.name + ": ";
  require(c.workers >= 1, who + "workers must be at least 1, got " + std::to_string(c.workers));
  require(c.error_feedback >= -1 && c.error_feedback <= 1,
          who + "error_feedback must be -1 (default), 0 or 1, got " + std::to_string(c.error_feedback));
  // Each scheme checks only the parameters it reads (in its entry's make): a default THC
  // granularity must not stop, say, fp16 among 64 workers.
  return entry->make(c);
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

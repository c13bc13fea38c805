#pragma once
// What the scheme implementations share and make_scheme() needs; not part of the public API.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "compression/scheme.hpp"

namespace cs::compression::detail {

// A parameter in an error message: shortest of fixed and scientific, 6 significant digits.
inline std::string number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// The config's error_feedback (-1 default, 0 off, 1 on) resolved against the scheme's default.
inline bool resolve_error_feedback(const SchemeConfig& config, bool default_on) {
  return config.error_feedback < 0 ? default_on : config.error_feedback != 0;
}

// Throws unless `sum` was started for this round's chunk size and `lost` is empty or has one
// flag per chunk.
void check_aggregate(const Aggregate& sum, const Round& round, std::span<const bool> lost);

// Calls f(begin, end) on the aggregation-domain range of every chunk that `lost` does not
// mark, and counts each such chunk once: the contribution's share of the aggregate.
template <class F>
void for_each_kept_chunk(Aggregate& sum, const Round& round, std::span<const bool> lost, F&& f) {
  check_aggregate(sum, round, lost);
  for (std::size_t c = 0; c < sum.counts.size(); ++c) {
    if (!lost.empty() && lost[c]) continue;
    ++sum.counts[c];
    const std::size_t begin = c * round.chunk;
    f(begin, std::min(begin + round.chunk, sum.length));
  }
}

// Calls f(begin, end, count) for every chunk of the aggregate.
template <class F>
void for_each_chunk(const Aggregate& sum, const Round& round, F&& f) {
  check_aggregate(sum, round, {});
  for (std::size_t c = 0; c < sum.counts.size(); ++c) {
    const std::size_t begin = c * round.chunk;
    f(begin, std::min(begin + round.chunk, sum.length), sum.counts[c]);
  }
}

// Sum of squares in double, over 8 interleaved partial sums so that it vectorises; the same
// order of operations on every machine, so the result is deterministic.
double squared_norm(std::span<const float> a);

inline void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

// Base of the schemes whose aggregate is a float sum of decompressed contributions (all but
// THC/UHC). decode() divides each chunk by its contributors. A scheme that re-compresses the
// downstream does it on the per-chunk means and stores them back multiplied by the count, so
// the aggregate keeps meaning "sum" and decode() stays the same for every scheme.
class FloatSumScheme : public Scheme {
 public:
  bool integer_sum() const override { return false; }
  std::vector<float> decode(const Aggregate& sum, std::size_t d, const Round& round) const override;

 protected:
  // The mean of each coordinate over its chunk's contributors (0 for a chunk with none).
  static std::vector<float> chunk_means(const Aggregate& sum, const Round& round);
  static void store_means(Aggregate& sum, std::span<const float> means, const Round& round);
};

}  // namespace cs::compression::detail

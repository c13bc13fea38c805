// Top-k sparsification: each worker sends its k = ceil(ratio d) largest-magnitude coordinates
// as (32-bit value, 32-bit position) pairs. The PS scatters them into a dense sum and sends
// back the top k of that sum, so the downstream is k pairs too. Biased (small coordinates are
// dropped every round), hence error feedback on by default.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "compression/scheme_internal.hpp"

namespace cs::compression::detail {
namespace {

float magnitude(float x) { return std::isnan(x) ? 0.0f : std::abs(x); }  // NaN never outranks a number

// The positions of the k largest |v| in increasing order; ties at the threshold go to the lower
// positions, so the selection is deterministic.
std::vector<std::uint32_t> top_positions(std::span<const float> v, std::size_t k) {
  std::vector<std::uint32_t> kept;
  kept.reserve(k);
  if (k >= v.size()) {
    for (std::size_t i = 0; i < v.size(); ++i) kept.push_back(static_cast<std::uint32_t>(i));
    return kept;
  }
  if (k == 0) return kept;
  std::vector<float> mags(v.size());
  std::transform(v.begin(), v.end(), mags.begin(), magnitude);
  std::nth_element(mags.begin(), mags.begin() + (k - 1), mags.end(), std::greater<>());
  const float threshold = mags[k - 1];
  std::size_t above = 0;
  for (float x : v) above += magnitude(x) > threshold;
  std::size_t ties = k - above;  // how many of the coordinates equal to the threshold fit
  for (std::size_t i = 0; i < v.size() && kept.size() < k; ++i) {
    const float m = magnitude(v[i]);
    if (m > threshold) {
      kept.push_back(static_cast<std::uint32_t>(i));
    } else if (m == threshold && ties > 0) {
      kept.push_back(static_cast<std::uint32_t>(i));
      --ties;
    }
  }
  return kept;
}

class TopkScheme final : public FloatSumScheme {
 public:
  explicit TopkScheme(const SchemeConfig& c) : ratio_(c.topk_ratio), error_feedback_(resolve_error_feedback(c, true)) {}

  std::string_view name() const override { return "topk"; }
  bool error_feedback() const override { return error_feedback_; }

  // ceil(ratio d), forgiving the last bits of floating-point noise in the product (0.07 * 100
  // is 7.000000000000001 in doubles, and means 7).
  std::size_t kept(std::size_t d) const {
    const double exact = ratio_ * double(d);
    const double nearest = std::round(exact);
    const double k = std::abs(exact - nearest) <= 1e-9 * std::max(1.0, exact) ? nearest : std::ceil(exact);
    return std::min(d, static_cast<std::size_t>(k));
  }

  double bits_up_per_coord(std::size_t d, int) const override { return 64.0 * double(kept(d)) / double(d); }
  double bits_down_per_coord(std::size_t d, int) const override { return 64.0 * double(kept(d)) / double(d); }

  Encoded encode(std::span<const float> a, const Round&, std::uint64_t) const override {
    require(a.size() <= (std::size_t{1} << 32), "topk: positions are 32-bit, the gradient is longer");
    Encoded m;
    m.positions = top_positions(a, kept(a.size()));
    m.values.reserve(m.positions.size());
    for (auto i : m.positions) m.values.push_back(a[i]);
    m.wire_bits = 64.0 * double(m.positions.size());
    return m;
  }

  std::vector<float> reconstruct(const Encoded& m, std::size_t d, const Round&) const override {
    check_message(m, d);
    std::vector<float> out(d, 0.0f);
    for (std::size_t e = 0; e < m.positions.size(); ++e) out[m.positions[e]] = m.values[e];
    return out;
  }

  // The sparse message covers the whole domain: every chunk it reaches counts it, even where
  // it carries no pair (its coordinates there are zeros).
  void add(Aggregate& sum, const Encoded& m, const Round& round, std::span<const bool> lost) const override {
    check_message(m, sum.length);
    require(sum.float_sum.size() == sum.length, "topk add: the aggregate is not a float sum");
    check_aggregate(sum, round, lost);
    for (std::size_t e = 0; e < m.positions.size(); ++e) {
      const std::size_t i = m.positions[e];
      if (lost.empty() || !lost[i / round.chunk]) sum.float_sum[i] += m.values[e];
    }
    for_each_kept_chunk(sum, round, lost, [](std::size_t, std::size_t) {});
  }

  void finish(Aggregate& sum, const Round& round, std::uint64_t) const override {
    const std::size_t k = kept(sum.length);
    auto keep = top_positions(chunk_means(sum, round), k);
    std::vector<float> selected(sum.length, 0.0f);
    for (auto i : keep) selected[i] = sum.float_sum[i];
    sum.float_sum = std::move(selected);
    sum.wire_bits_down = 64.0 * double(k);
  }

 private:
  void check_message(const Encoded& m, std::size_t d) const {
    require(m.values.size() == m.positions.size(), "topk: message has values and positions of different lengths");
    for (auto i : m.positions) require(i < d, "topk: position " + std::to_string(i) + " outside the gradient");
  }

  double ratio_;
  bool error_feedback_;
};

}  // namespace

extern const SchemeEntry topk_scheme_entry;
const SchemeEntry topk_scheme_entry{
    "topk", "top-k: the topk_ratio largest coordinates as (value, position) pairs, error feedback",
    [](const SchemeConfig& c) -> std::unique_ptr<Scheme> {
      require(c.topk_ratio > 0 && c.topk_ratio <= 1,
              "compression scheme " + c.name + ": topk_ratio must be in (0, 1], got " + number(c.topk_ratio));
      return std::make_unique<TopkScheme>(c);
    }};

}  // namespace cs::compression::detail

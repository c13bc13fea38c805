// THC and its uniform-table ablation UHC through the Scheme interface. The gradient is cut
// into partitions of at most `partition` coordinates, each padded to a power of two and
// rotated on its own (rotation cost O(d log d) per partition, and the scale M per partition
// keeps one large layer from flattening a small one's resolution). The aggregation domain is
// the concatenation of the padded partitions: what a switch sums, chunk by chunk.
#include <algorithm>
#include <cmath>
#include <string>

#include "compression/hadamard.hpp"
#include "compression/scheme_internal.hpp"
#include "compression/scratch.hpp"
#include "compression/simd.hpp"
#include "compression/thc.hpp"

namespace cs::compression::detail {
namespace {

// Sums below 2^31 (downstream_bits <= 31) convert through int32, which vectorises; uint32 to
// float does not before AVX-512.
CS_VECTOR_CLONES void divide(const std::uint32_t* __restrict sums, std::size_t n, float count, float* __restrict out) {
  for (std::size_t j = 0; j < n; ++j) out[j] = static_cast<float>(static_cast<std::int32_t>(sums[j])) / count;
}
void divide_wide(const std::uint32_t* sums, std::size_t n, float count, float* out) {
  for (std::size_t j = 0; j < n; ++j) out[j] = static_cast<float>(sums[j]) / count;
}

// sum += table[code]. __restrict: a byte pointer may alias anything, which otherwise keeps the
// loop scalar.
CS_VECTOR_CLONES void add_values(std::uint32_t* __restrict sum, const std::uint8_t* __restrict codes, std::size_t n,
                                 const std::uint32_t* __restrict table) {
  for (std::size_t j = 0; j < n; ++j) sum[j] += table[codes[j]];
}

class ThcScheme final : public Scheme {
 public:
  ThcScheme(const SchemeConfig& c, bool uniform)
      : name_(uniform ? "uhc" : "thc"),
        codec_(ThcConfig{.bits = c.bits, .granularity = c.granularity, .clip_probability = c.clip_probability,
                         .uniform = uniform}),
        partition_(c.partition),
        downstream_bits_(c.downstream_bits),
        error_feedback_(resolve_error_feedback(c, true)) {
    for (std::size_t k = 0; k < codec_.table().size(); ++k) values_[k] = static_cast<std::uint32_t>(codec_.table()[k]);
  }

  std::string_view name() const override { return name_; }
  bool integer_sum() const override { return true; }
  bool error_feedback() const override { return error_feedback_; }

  // Every partition but the last is full, and a power of two already: partition p starts at
  // p * partition in the gradient and in the aggregation domain alike.
  std::size_t partitions(std::size_t d) const { return (d + partition_ - 1) / partition_; }
  std::size_t part_length(std::size_t d, std::size_t p) const { return std::min(partition_, d - p * partition_); }

  std::size_t aggregate_length(std::size_t d) const override {
    const std::size_t parts = partitions(d);
    return parts == 0 ? 0 : (parts - 1) * partition_ + next_power_of_two(part_length(d, parts - 1));
  }

  // b bits per padded coordinate, plus the 32-bit M of each partition exchanged beforehand.
  double bits_up_per_coord(std::size_t d, int) const override { return wire_bits(d, codec_.config().bits) / double(d); }
  double bits_down_per_coord(std::size_t d, int) const override { return wire_bits(d, downstream_bits_) / double(d); }

  std::vector<float> local_scales(std::span<const float> a) const override {
    std::vector<float> norms(partitions(a.size()));
    for (std::size_t p = 0; p < norms.size(); ++p)
      norms[p] = static_cast<float>(std::sqrt(squared_norm(a.subspan(p * partition_, part_length(a.size(), p)))));
    return norms;
  }

  Encoded encode(std::span<const float> a, const Round& round, std::uint64_t stream) const override {
    const std::size_t d = a.size(), parts = partitions(d);
    check_scales(round, parts);
    Encoded m;
    m.codes.resize(aggregate_length(d));
    for (std::size_t p = 0; p < parts; ++p) {
      const std::size_t len = part_length(d, p);
      codec_.encode_into(a.subspan(p * partition_, len), round.scales[p], rotation_seed(round, p), mix(stream, p),
                         std::span(m.codes).subspan(p * partition_, next_power_of_two(len)));
    }
    m.wire_bits = wire_bits(d, codec_.config().bits);
    return m;
  }

  std::vector<float> reconstruct(const Encoded& m, std::size_t d, const Round& round) const override {
    require(m.codes.size() == aggregate_length(d), name_ + " reconstruct: message does not match the gradient length");
    const std::size_t parts = partitions(d);
    check_scales(round, parts);
    std::vector<float> out(d);
    for (std::size_t p = 0; p < parts; ++p) {
      const std::size_t begin = p * partition_, len = part_length(d, p), padded = next_power_of_two(len);
      const std::span<float> means = thread_scratch(padded);
      for (std::size_t j = 0; j < padded; ++j) means[j] = static_cast<float>(values_[m.codes[begin + j]]);
      codec_.decode_mean_values(means, round.scales[p], rotation_seed(round, p), std::span(out).subspan(begin, len));
    }
    return out;
  }

  void add(Aggregate& sum, const Encoded& m, const Round& round, std::span<const bool> lost) const override {
    require(m.codes.size() == sum.length && sum.int_sum.size() == sum.length,
            name_ + " add: message does not match the aggregate");
    for_each_kept_chunk(sum, round, lost, [&](std::size_t begin, std::size_t end) {
      add_values(sum.int_sum.data() + begin, m.codes.data() + begin, end - begin, values_);
    });
  }

  // The switch (or PS) sends the integer sums back as they are, downstream_bits each.
  void finish(Aggregate& sum, const Round&, std::uint64_t) const override {
    sum.wire_bits_down = wire_bits_for_length(sum.length, downstream_bits_);
  }

  std::vector<float> decode(const Aggregate& sum, std::size_t d, const Round& round) const override {
    require(sum.length == aggregate_length(d) && sum.int_sum.size() == sum.length,
            name_ + " decode: aggregate does not match the gradient length");
    check_aggregate(sum, round, {});
    const std::size_t parts = partitions(d);
    check_scales(round, parts);
    const float middle = 0.5f * static_cast<float>(codec_.config().granularity);
    std::vector<float> out(d);
    for (std::size_t p = 0; p < parts; ++p) {
      // Mean table values of this partition, chunk by chunk (chunks may straddle partitions).
      const std::size_t begin = p * partition_, len = part_length(d, p), padded = next_power_of_two(len);
      const std::span<float> means = thread_scratch(padded);
      for (std::size_t j = begin; j < begin + padded;) {
        const std::size_t c = j / round.chunk, end = std::min(begin + padded, (c + 1) * round.chunk);
        if (sum.counts[c] == 0) {  // nobody delivered this chunk: rotated zeros, the middle of [0, g]
          std::fill(means.begin() + (j - begin), means.begin() + (end - begin), middle);
        } else {
          (downstream_bits_ < 32 ? divide : divide_wide)(sum.int_sum.data() + j, end - j,
                                                          static_cast<float>(sum.counts[c]), means.data() + (j - begin));
        }
        j = end;
      }
      codec_.decode_mean_values(means, round.scales[p], rotation_seed(round, p), std::span(out).subspan(begin, len));
    }
    return out;
  }

 private:
  static std::uint64_t rotation_seed(const Round& round, std::size_t p) { return mix(round.shared_seed, p); }

  void check_scales(const Round& round, std::size_t parts) const {
    require(round.scales.size() == parts, name_ + ": the round has " + std::to_string(round.scales.size()) +
                                              " scales for " + std::to_string(parts) + " partitions");
  }

  double wire_bits(std::size_t d, int bits_per_coord) const {
    return double(bits_per_coord) * double(aggregate_length(d)) + 32.0 * double(partitions(d));
  }
  // The same from the aggregation domain's length (finish() only has that): all partitions
  // but the last are full, so their count follows from it.
  double wire_bits_for_length(std::size_t length, int bits_per_coord) const {
    return double(bits_per_coord) * double(length) + 32.0 * double((length + partition_ - 1) / partition_);
  }

  std::string name_;
  ThcCodec codec_;
  std::size_t partition_;
  int downstream_bits_;
  bool error_feedback_;
  std::uint32_t values_[256] = {};  // the table as unsigned sums, indexed by code
};

}  // namespace

namespace {

// Bits needed to carry every integer in [0, value].
int bits_for(std::uint64_t value) {
  int b = 0;
  while (b < 64 && (value >> b) != 0) ++b;
  return b;
}

void check_thc(const SchemeConfig& c) {
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

extern const SchemeEntry thc_scheme_entry, uhc_scheme_entry;
const SchemeEntry thc_scheme_entry{"thc", "THC: b-bit indices into a variance-optimal table, integer sums (PS or switch)",
                                   [](const SchemeConfig& c) -> std::unique_ptr<Scheme> {
                                     check_thc(c);
                                     return std::make_unique<ThcScheme>(c, false);
                                   }};
const SchemeEntry uhc_scheme_entry{"uhc", "UHC: THC with an evenly spaced table (the ablation)",
                                   [](const SchemeConfig& c) -> std::unique_ptr<Scheme> {
                                     check_thc(c);
                                     return std::make_unique<ThcScheme>(c, true);
                                   }};

}  // namespace cs::compression::detail

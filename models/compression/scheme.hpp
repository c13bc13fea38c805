#pragma once
// One interface for every gradient compression scheme: a worker encodes, the aggregator (a
// parameter server, or a switch for integer-sum schemes) adds contributions, finishes the sum
// (re-compressing it for the downstream where the scheme does), and workers decode an
// estimate of the mean. Error feedback lives outside (compression/round.hpp): it only needs
// reconstruct(), what the aggregate will see of one worker's message.
//
// Loss: the aggregation domain (rotated coordinates for THC, plain ones otherwise) is cut into
// chunks of Round::chunk coordinates, one packet's worth; a contribution whose chunk was lost
// is left out of that chunk, and decode divides each chunk by its own contributor count.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry.hpp"

namespace cs::compression {

// What all workers share in a round.
struct Round {
  std::uint64_t shared_seed = 0;  // the same on every worker (THC's rotation)
  std::vector<float> scales;      // element-wise max of every worker's local_scales() (THC: M per partition)
  std::size_t chunk = 1024;       // coordinates of the aggregation domain per loss unit
};

// One worker's message. Only the fields a scheme uses are filled.
struct Encoded {
  std::vector<std::uint8_t> codes;       // a code per coordinate (THC/UHC index, TernGrad/QSGD level), unpacked
  std::vector<float> values;             // dense (none, fp16) or sparse values (topk)
  std::vector<std::uint32_t> positions;  // topk: the coordinates of `values`
  std::vector<float> scales;             // per-message scalars (TernGrad max, QSGD norm)
  std::vector<std::uint8_t> signs;       // qsgd: 1 where the coordinate is negative, one per coordinate
  double wire_bits = 0;                  // the message's size on the wire, headers excluded
};

// The aggregator's running sum.
struct Aggregate {
  std::vector<std::uint32_t> int_sum;  // integer-sum schemes: sum of table values
  std::vector<float> float_sum;        // the others: sum of decompressed contributions
  std::vector<std::uint32_t> counts;   // contributors per chunk
  std::size_t length = 0;              // of the aggregation domain
  double wire_bits_down = 0;           // set by finish(): what goes back to the workers
};

class Scheme {
 public:
  virtual ~Scheme() = default;
  virtual std::string_view name() const = 0;
  // True when the aggregate is a plain sum of small integers: a switch can compute it.
  virtual bool integer_sum() const = 0;
  // Whether error feedback is on (by default for biased schemes: thc, uhc, topk).
  virtual bool error_feedback() const = 0;

  // Wire cost per coordinate of a d-coordinate gradient among n workers, both ways.
  virtual double bits_up_per_coord(std::size_t d, int workers) const = 0;
  virtual double bits_down_per_coord(std::size_t d, int workers) const = 0;

  // Scalars every worker reports before encoding; the round takes their element-wise max.
  // Empty for schemes that need no agreement round.
  virtual std::vector<float> local_scales(std::span<const float> /*a*/) const { return {}; }

  // Length of the aggregation domain for a d-coordinate gradient (padded for THC).
  virtual std::size_t aggregate_length(std::size_t d) const { return d; }

  // `stream` seeds this worker's random draws this round (stochastic rounding); distinct per
  // worker and per round.
  virtual Encoded encode(std::span<const float> a, const Round& round, std::uint64_t stream) const = 0;
  // What the aggregate gets of this message, in the gradient's domain (length a.size()):
  // error feedback keeps a - reconstruct(encode(a)).
  virtual std::vector<float> reconstruct(const Encoded& message, std::size_t d, const Round& round) const = 0;

  Aggregate start(std::size_t d, const Round& round) const;
  // Adds one contribution, leaving out the chunks whose `lost[c]` is true (empty: none lost).
  virtual void add(Aggregate& sum, const Encoded& message, const Round& round,
                   std::span<const bool> lost = {}) const = 0;
  // What the aggregator does once every contribution is in: re-compression for the downstream
  // where the scheme has one; sets wire_bits_down. `stream` drives any random rounding.
  virtual void finish(Aggregate& sum, const Round& round, std::uint64_t stream) const = 0;
  // The estimate of the mean of the contributions (length d), per chunk over its contributors;
  // a chunk with none decodes as zero.
  virtual std::vector<float> decode(const Aggregate& sum, std::size_t d, const Round& round) const = 0;
};

// Parameters of every scheme; each reads its own.
struct SchemeConfig {
  std::string name = "thc";         // a registered scheme: schemes() below
  int bits = 4;                     // thc, uhc: index bits; qsgd: bits per level code
  int granularity = 30;             // thc, uhc: g
  double clip_probability = 1.0 / 32;  // thc: p
  std::size_t partition = 1u << 20;    // thc, uhc: largest partition (a power of two)
  double topk_ratio = 0.1;          // topk: share of coordinates kept
  int qsgd_levels = 16;             // qsgd: s quantisation levels
  int workers = 8;                  // thc/uhc: checks g against the downstream width
  int downstream_bits = 8;          // thc, uhc: width of the summed values sent back
  int error_feedback = -1;          // -1: the scheme's default; 0 off; 1 on
};

// One scheme, defined in its scheme's file and listed by one line in scheme.cpp.
struct SchemeEntry {
  std::string_view name;         // `/workload/compression/scheme`, `clustersim compress --scheme`
  std::string_view description;  // one line, for listings
  // Checks the parameters this scheme reads (std::invalid_argument) and builds it; the checks
  // every scheme needs (workers, error_feedback) have passed before.
  std::unique_ptr<Scheme> (*make)(const SchemeConfig& config);
};

// Every registered scheme, in the order listings show them.
const Registry<SchemeEntry>& schemes();
// Its names: the names make_scheme() knows.
std::span<const std::string_view> scheme_names();
// Throws std::invalid_argument with a one-line reason for an unknown name or bad parameters
// (bits outside 1..8, n*g not fitting downstream_bits, ...).
std::unique_ptr<Scheme> make_scheme(const SchemeConfig& config);

}  // namespace cs::compression

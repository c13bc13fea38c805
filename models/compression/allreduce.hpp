#pragma once
// One synchronous round of compressed aggregation among n workers, as the data moves: error
// feedback, the scale agreement, every worker's encode, the aggregator's sum (leaving out the
// contributions whose packets were lost), its finish, and the workers' decode. The simulator
// times the same steps; this computes what they produce.
#include <cstdint>
#include <span>
#include <vector>

#include "compression/scheme.hpp"

namespace cs::compression {

struct AllreduceStats {
  double vnmse = 0;           // ||mean_hat - mean||^2 / ((1/n) sum ||a_i||^2), over the EF-corrected a_i
  double bits_up = 0;         // per worker (mean over workers), messages only
  double bits_down = 0;       // to each worker
  std::uint64_t chunks = 0;   // upstream loss units sent in the round (all workers)
  std::uint64_t lost_chunks = 0;
};

class CompressedAllreduce {
 public:
  // `seed` makes every draw of every round reproducible: the rotation (shared), each worker's
  // rounding stream, the aggregator's, and the loss draws.
  CompressedAllreduce(const Scheme& scheme, int workers, std::size_t dimension, std::uint64_t seed,
                      std::size_t chunk = 1024);

  // Round `round` on the workers' gradients (each `dimension` long). `loss_up[i]` is the
  // probability that one upstream packet of worker i is lost (empty: no loss). Writes the
  // decoded mean into `mean` (length dimension) and returns the round's statistics.
  AllreduceStats run(std::span<const std::vector<float>> gradients, std::uint64_t round,
                     std::span<const double> loss_up, std::span<float> mean);

  int workers() const { return workers_; }
  std::size_t dimension() const { return dimension_; }

 private:
  const Scheme& scheme_;
  int workers_;
  std::size_t dimension_;
  std::uint64_t seed_;
  std::size_t chunk_;
  std::vector<std::vector<float>> residual_;  // error feedback, per worker
};

}  // namespace cs::compression

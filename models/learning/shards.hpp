#pragma once
// Data-parallel sampling: the training set is shuffled once and cut into one disjoint shard per
// worker; each worker draws its minibatches from its own shard, without replacement within an
// epoch of the shard, reshuffling it at each epoch. Deterministic given the seed.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cs::learning {

class ShardSampler {
 public:
  // Shard sizes differ by at most one. Throws std::invalid_argument unless
  // 1 <= workers <= samples and samples < 2^32.
  ShardSampler(std::size_t samples, int workers, std::uint64_t seed);

  int workers() const { return static_cast<int>(shards_.size()); }
  // Worker w's shard, in its current epoch's order.
  std::span<const std::uint32_t> shard(int worker) const;

  // The next `batch` indices into the training set for `worker`. A batch that runs past the
  // end of the shard's epoch continues into the next, freshly shuffled, epoch.
  std::vector<std::uint32_t> next_batch(int worker, int batch);

  // Completed passes over worker w's shard.
  std::uint64_t epoch(int worker) const;

 private:
  struct Shard {
    std::vector<std::uint32_t> indices;
    std::size_t cursor = 0;
    std::uint64_t epoch = 0;
  };
  void reshuffle(int worker);
  const Shard& at(int worker) const;

  std::uint64_t seed_;
  std::vector<Shard> shards_;
};

}  // namespace cs::learning

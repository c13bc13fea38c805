#include "learning/shards.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "learning/random.hpp"

namespace cs::learning {

namespace {

// Fisher-Yates with our own generator (std::shuffle differs between standard libraries).
void shuffle(std::span<std::uint32_t> v, std::uint64_t seed) {
  SplitMix64 rng(seed);
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace

ShardSampler::ShardSampler(std::size_t samples, int workers, std::uint64_t seed) : seed_(seed) {
  if (workers < 1 || static_cast<std::size_t>(workers) > samples || samples >= (std::size_t{1} << 32))
    throw std::invalid_argument("shards: need 1 <= workers (" + std::to_string(workers) + ") <= samples (" +
                                std::to_string(samples) + ") < 2^32");
  std::vector<std::uint32_t> order(samples);
  std::iota(order.begin(), order.end(), 0u);
  shuffle(order, derive_seed(seed, 0));
  shards_.resize(static_cast<std::size_t>(workers));
  const std::size_t w = shards_.size();
  for (std::size_t i = 0; i < w; ++i) {
    // Shard i takes order[i*n/w, (i+1)*n/w): sizes differ by at most one.
    auto first = order.begin() + static_cast<std::ptrdiff_t>(i * samples / w);
    auto last = order.begin() + static_cast<std::ptrdiff_t>((i + 1) * samples / w);
    shards_[i].indices.assign(first, last);
    reshuffle(static_cast<int>(i));
  }
}

const ShardSampler::Shard& ShardSampler::at(int worker) const {
  if (worker < 0 || worker >= workers())
    throw std::out_of_range("shards: worker " + std::to_string(worker) + " of " + std::to_string(workers()));
  return shards_[static_cast<std::size_t>(worker)];
}

std::span<const std::uint32_t> ShardSampler::shard(int worker) const { return at(worker).indices; }

std::uint64_t ShardSampler::epoch(int worker) const { return at(worker).epoch; }

void ShardSampler::reshuffle(int worker) {
  Shard& s = shards_[static_cast<std::size_t>(worker)];
  // Each (worker, epoch) has its own stream, so a worker's order does not depend on how far
  // the others have got.
  shuffle(s.indices, derive_seed(seed_, static_cast<std::uint64_t>(worker) + 1, s.epoch));
  s.cursor = 0;
}

std::vector<std::uint32_t> ShardSampler::next_batch(int worker, int batch) {
  at(worker);
  if (batch < 1) throw std::invalid_argument("shards: batch must be >= 1, got " + std::to_string(batch));
  Shard& s = shards_[static_cast<std::size_t>(worker)];
  std::vector<std::uint32_t> out;
  out.reserve(static_cast<std::size_t>(batch));
  while (out.size() < static_cast<std::size_t>(batch)) {
    if (s.cursor == s.indices.size()) {
      ++s.epoch;
      reshuffle(worker);
    }
    const std::size_t take = std::min(static_cast<std::size_t>(batch) - out.size(), s.indices.size() - s.cursor);
    out.insert(out.end(), s.indices.begin() + static_cast<std::ptrdiff_t>(s.cursor),
               s.indices.begin() + static_cast<std::ptrdiff_t>(s.cursor + take));
    s.cursor += take;
  }
  return out;
}

}  // namespace cs::learning

#include "compression/allreduce.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "compression/hadamard.hpp"

namespace cs::compression {
namespace {

// Independent counter-based streams, one purpose each, so adding a draw somewhere never shifts
// another's.
enum Purpose : std::uint64_t { rotation = 1, rounding = 2, aggregator = 3, loss = 4 };
std::uint64_t stream_of(std::uint64_t seed, Purpose purpose, std::uint64_t round, std::uint64_t who = 0) {
  return mix(mix(mix(seed, purpose), round), who);
}

double squared_norm(std::span<const float> v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  return s;
}

}  // namespace

CompressedAllreduce::CompressedAllreduce(const Scheme& scheme, int workers, std::size_t dimension,
                                         std::uint64_t seed, std::size_t chunk)
    : scheme_(scheme), workers_(workers), dimension_(dimension), seed_(seed), chunk_(chunk) {
  if (workers < 1 || dimension < 1 || chunk < 1) throw std::invalid_argument("compressed all-reduce: empty round");
  if (scheme_.error_feedback()) residual_.assign(workers, std::vector<float>(dimension, 0.0f));
}

AllreduceStats CompressedAllreduce::run(std::span<const std::vector<float>> gradients, std::uint64_t round,
                                        std::span<const double> loss_up, std::span<float> mean) {
  if (gradients.size() != std::size_t(workers_) || mean.size() != dimension_)
    throw std::invalid_argument("compressed all-reduce: wrong number or length of gradients");
  const std::size_t d = dimension_;

  // Error feedback: each worker compresses a_i = g_i + e_i.
  std::vector<std::vector<float>> a(workers_);
  for (int i = 0; i < workers_; ++i) {
    if (gradients[i].size() != d) throw std::invalid_argument("compressed all-reduce: gradient length");
    a[i] = gradients[i];
    if (!residual_.empty())
      for (std::size_t j = 0; j < d; ++j) a[i][j] += residual_[i][j];
  }

  Round r;
  r.shared_seed = stream_of(seed_, rotation, round);
  r.chunk = chunk_;
  for (int i = 0; i < workers_; ++i) {
    std::vector<float> s = scheme_.local_scales(a[i]);
    if (r.scales.empty()) r.scales = std::move(s);
    else
      for (std::size_t k = 0; k < s.size(); ++k) r.scales[k] = std::max(r.scales[k], s[k]);
  }

  AllreduceStats stats;
  Aggregate sum = scheme_.start(d, r);
  const std::size_t chunks = sum.counts.size();
  // Not std::vector<bool>: add() takes a span, which needs contiguous bools.
  auto lost = std::make_unique<bool[]>(chunks);
  for (int i = 0; i < workers_; ++i) {
    Encoded message = scheme_.encode(a[i], r, stream_of(seed_, rounding, round, i));
    stats.bits_up += message.wire_bits / workers_;
    if (!residual_.empty()) {
      std::vector<float> seen = scheme_.reconstruct(message, d, r);
      for (std::size_t j = 0; j < d; ++j) residual_[i][j] = a[i][j] - seen[j];
    }
    const double p = loss_up.empty() ? 0.0 : loss_up[i];
    bool any_lost = false;
    for (std::size_t c = 0; c < chunks; ++c) {
      lost[c] = p > 0 && uniform01(stream_of(seed_, loss, round, i), c) < p;
      any_lost |= lost[c];
      stats.lost_chunks += lost[c];
    }
    stats.chunks += chunks;
    scheme_.add(sum, message, r, any_lost ? std::span<const bool>(lost.get(), chunks) : std::span<const bool>());
  }
  scheme_.finish(sum, r, stream_of(seed_, aggregator, round));
  stats.bits_down = sum.wire_bits_down;
  std::vector<float> estimate = scheme_.decode(sum, d, r);
  std::copy(estimate.begin(), estimate.end(), mean.begin());

  // vNMSE against the exact mean of what the workers compressed.
  double denominator = 0, error = 0;
  std::vector<double> exact(d, 0.0);
  for (const auto& ai : a) {
    denominator += squared_norm(ai) / workers_;
    for (std::size_t j = 0; j < d; ++j) exact[j] += double(ai[j]) / workers_;
  }
  for (std::size_t j = 0; j < d; ++j) error += (estimate[j] - exact[j]) * (estimate[j] - exact[j]);
  stats.vnmse = denominator > 0 ? error / denominator : 0;
  return stats;
}

}  // namespace cs::compression

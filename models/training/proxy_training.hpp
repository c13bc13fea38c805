#pragma once
// Data-parallel training of a proxy model for real, one synchronous round at a time: every
// worker computes the gradient of its own minibatch from its own shard, the scheme compresses
// and aggregates them (compression/allreduce.hpp), and the model steps on the decoded mean.
// This is the accuracy side of time-to-accuracy; the simulator supplies the time.
#include <cstdint>
#include <span>
#include <vector>

#include "compression/allreduce.hpp"
#include "learning/idx_dataset.hpp"
#include "learning/proxy_model.hpp"
#include "learning/sgd.hpp"
#include "learning/shards.hpp"

namespace cs::training {

struct ProxyTrainingConfig {
  learning::ProxySpec proxy;
  learning::SgdConfig sgd;
  int workers = 8;
  int batch_per_worker = 32;
  std::uint64_t seed = 1;
  std::size_t chunk = 1024;  // coordinates per loss unit (one packet's worth)
};

struct RoundResult {
  compression::AllreduceStats allreduce;
  double train_loss = 0;  // mean over the workers' minibatches, before the step
};

class ProxyTraining {
 public:
  // `data` and `scheme` must outlive this object.
  ProxyTraining(const learning::FashionMnist& data, const compression::Scheme& scheme,
                const ProxyTrainingConfig& config);

  // One round; `loss_up[i]`: probability that one upstream packet of worker i is lost.
  RoundResult round(std::span<const double> loss_up = {});
  double test_accuracy() const { return model_.accuracy(data_.test); }
  std::size_t parameters() const { return model_.parameters(); }
  long long rounds() const { return rounds_; }

 private:
  const learning::FashionMnist& data_;
  ProxyTrainingConfig config_;
  learning::ProxyModel model_;
  learning::Sgd sgd_;
  learning::ShardSampler sampler_;
  compression::CompressedAllreduce allreduce_;
  std::vector<std::vector<float>> gradients_;
  std::vector<float> mean_;
  long long rounds_ = 0;
};

}  // namespace cs::training

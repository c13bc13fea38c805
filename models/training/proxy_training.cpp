#include "training/proxy_training.hpp"

namespace cs::training {

ProxyTraining::ProxyTraining(const learning::FashionMnist& data, const compression::Scheme& scheme,
                             const ProxyTrainingConfig& config)
    : data_(data),
      config_(config),
      model_(config.proxy, int(data.train.features()), 10, config.seed),
      sgd_(config.sgd),
      sampler_(data.train.size(), config.workers, config.seed),
      allreduce_(scheme, config.workers, model_.parameters(), config.seed, config.chunk),
      gradients_(config.workers, std::vector<float>(model_.parameters())),
      mean_(model_.parameters()) {}

RoundResult ProxyTraining::round(std::span<const double> loss_up) {
  RoundResult r;
  for (int w = 0; w < config_.workers; ++w) {
    auto batch = sampler_.next_batch(w, config_.batch_per_worker);
    r.train_loss += model_.gradient(data_.train, batch, gradients_[w]) / config_.workers;
  }
  r.allreduce = allreduce_.run(gradients_, std::uint64_t(rounds_), loss_up, mean_);
  sgd_.step(model_.params(), mean_);
  ++rounds_;
  return r;
}

}  // namespace cs::training

#include "learning/sgd.hpp"

#include <stdexcept>

namespace cs::learning {

Sgd::Sgd(SgdConfig config) : config_(config) {
  if (!(config.learning_rate >= 0) || !(config.weight_decay >= 0) || !(config.momentum >= 0) ||
      !(config.momentum < 1))
    throw std::invalid_argument("sgd: learning rate and weight decay must be >= 0 and momentum in [0, 1)");
}

void Sgd::step(std::span<float> params, std::span<const float> gradient) {
  if (params.size() != gradient.size()) throw std::invalid_argument("sgd: params and gradient differ in length");
  if (velocity_.empty()) velocity_.assign(params.size(), 0.0f);
  if (velocity_.size() != params.size()) throw std::invalid_argument("sgd: params changed length between steps");
  const float lr = static_cast<float>(config_.learning_rate), mu = static_cast<float>(config_.momentum),
              decay = static_cast<float>(config_.weight_decay);
  for (std::size_t i = 0; i < params.size(); ++i) {
    velocity_[i] = mu * velocity_[i] + gradient[i] + decay * params[i];
    params[i] -= lr * velocity_[i];
  }
}

SgdConfig recommended_sgd(ProxyKind kind) {
  switch (kind) {
    case ProxyKind::softmax:
      return {.learning_rate = 0.05, .momentum = 0.9, .weight_decay = 0};
    case ProxyKind::mlp:
      return {.learning_rate = 0.05, .momentum = 0.9, .weight_decay = 0};
  }
  throw std::invalid_argument("sgd: unknown proxy kind");
}

}  // namespace cs::learning

#pragma once
// The small model trained in the loop as a proxy for time-to-accuracy. Its parameters are one
// flat float vector, so a compression scheme works on them (and on their gradient) directly.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "learning/idx_dataset.hpp"

namespace cs::learning {

enum class ProxyKind { softmax, mlp };

struct ProxySpec {
  ProxyKind kind = ProxyKind::softmax;
  int hidden = 128;  // mlp only
};

// Softmax regression: logits = W x + b, W classes x features.
// MLP: logits = W2 relu(W1 x + b1) + b2, W1 hidden x features, W2 classes x hidden.
// Flat layout, matrices column-major: [W, b] or [W1, b1, W2, b2].
class ProxyModel {
 public:
  // Softmax starts at zero (the problem is convex); the MLP's weights are He-initialised from
  // `seed`, its biases zero. Throws std::invalid_argument on a non-positive size.
  ProxyModel(ProxySpec spec, int features, int classes, std::uint64_t seed);

  const ProxySpec& spec() const { return spec_; }
  std::size_t parameters() const { return params_.size(); }
  std::span<float> params() { return params_; }
  std::span<const float> params() const { return params_; }

  // The mean cross-entropy gradient over `samples` (indices into `data`), written into `out`
  // (size parameters()); returns the mean loss. Deterministic: no threads, fixed order.
  double gradient(const Dataset& data, std::span<const std::uint32_t> samples, std::span<float> out) const;

  // The mean cross-entropy loss over `samples`, without the gradient.
  double loss(const Dataset& data, std::span<const std::uint32_t> samples) const;

  // Top-1 accuracy over the whole set.
  double accuracy(const Dataset& data) const;

  // The logits of `count` images (each `features` floats, consecutive, as in Dataset::images)
  // without labels, written into `out`: count x classes, row-major. Same forward pass as
  // training and accuracy(). Throws std::invalid_argument if out.size() != count x classes.
  void logits(const float* images, std::size_t count, std::span<float> out) const;

  int features() const { return features_; }
  int classes() const { return classes_; }

 private:
  ProxySpec spec_;
  int features_, classes_;
  std::vector<float> params_;
};

}  // namespace cs::learning

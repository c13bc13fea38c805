#include "learning/proxy_model.hpp"

// Bit-for-bit reproducible runs: Eigen must not split products across threads.
#ifndef EIGEN_DONT_PARALLELIZE
#define EIGEN_DONT_PARALLELIZE
#endif
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "learning/random.hpp"

namespace cs::learning {

namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;  // column-major
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Vector>;
using ConstVectorMap = Eigen::Map<const Vector>;

// Offsets of each tensor in the flat vector; `hidden` is 0 for softmax regression.
struct Layout {
  int features, hidden, classes;
  int in() const { return hidden > 0 ? hidden : classes; }  // rows of the first matrix
  std::size_t w1() const { return 0; }
  std::size_t b1() const { return std::size_t(in()) * features; }
  std::size_t w2() const { return b1() + in(); }
  std::size_t b2() const { return w2() + std::size_t(classes) * hidden; }
  std::size_t total() const { return hidden > 0 ? b2() + classes : w2(); }
};

Layout layout_of(const ProxySpec& spec, int features, int classes) {
  return {features, spec.kind == ProxyKind::mlp ? spec.hidden : 0, classes};
}

// Views of the weights over a flat vector (the parameters, or a gradient of the same shape).
template <class M, class V, class Float>
struct Tensors {
  M w1;
  V b1;
  M w2;
  V b2;
  Tensors(Float* p, const Layout& l)
      : w1(p + l.w1(), l.in(), l.features),
        b1(p + l.b1(), l.in()),
        w2(p + l.w2(), l.classes, l.hidden),
        b2(p + l.b2(), l.hidden > 0 ? l.classes : 0) {}
};
using Params = Tensors<ConstMatrixMap, ConstVectorMap, const float>;
using Grads = Tensors<MatrixMap, VectorMap, float>;

// The samples' images as the columns of one matrix.
Matrix gather(const Dataset& data, std::span<const std::uint32_t> samples) {
  Matrix x(static_cast<Eigen::Index>(data.features()), static_cast<Eigen::Index>(samples.size()));
  for (std::size_t j = 0; j < samples.size(); ++j) {
    if (samples[j] >= data.size())
      throw std::out_of_range("sample " + std::to_string(samples[j]) + " of a set of " + std::to_string(data.size()));
    std::memcpy(x.col(static_cast<Eigen::Index>(j)).data(), data.image(samples[j]), data.features() * sizeof(float));
  }
  return x;
}

// Replaces the logits z by d(mean loss)/dz = (softmax(z) - onehot(y)) / batch, column by
// column; returns the mean cross-entropy. Shifting by the column's max keeps exp() finite.
double softmax_cross_entropy(Matrix& z, const std::uint8_t* labels, bool want_gradient) {
  double loss = 0;
  const float inv_batch = 1.0f / static_cast<float>(z.cols());
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    auto col = z.col(j);
    col.array() -= col.maxCoeff();
    const float target = col(labels[j]);
    col = col.array().exp().matrix();
    const float sum = col.sum();
    loss += std::log(static_cast<double>(sum)) - target;
    if (want_gradient) {
      col *= inv_batch / sum;
      col(labels[j]) -= inv_batch;
    }
  }
  return loss / static_cast<double>(z.cols());
}

}  // namespace

ProxyModel::ProxyModel(ProxySpec spec, int features, int classes, std::uint64_t seed)
    : spec_(spec), features_(features), classes_(classes) {
  if (features <= 0 || classes <= 0 || (spec.kind == ProxyKind::mlp && spec.hidden <= 0))
    throw std::invalid_argument("proxy model: features, classes and hidden must be positive");
  const Layout l = layout_of(spec, features, classes);
  params_.assign(l.total(), 0.0f);
  if (spec.kind == ProxyKind::mlp) {
    // He initialisation: weights ~ N(0, 2 / fan_in) keep ReLU activations' scale per layer.
    SplitMix64 rng(seed);
    const double s1 = std::sqrt(2.0 / features), s2 = std::sqrt(2.0 / spec.hidden);
    for (std::size_t i = l.w1(); i < l.b1(); ++i) params_[i] = static_cast<float>(s1 * rng.normal());
    for (std::size_t i = l.w2(); i < l.b2(); ++i) params_[i] = static_cast<float>(s2 * rng.normal());
  }
}

namespace {

// Logits of the columns of x; for the MLP, `hidden` (if given) receives the ReLU activations
// that back-propagation needs.
Matrix forward(const Params& p, const Layout& l, const Eigen::Ref<const Matrix>& x, Matrix* hidden) {
  if (l.hidden == 0) {
    Matrix z = p.w1 * x;
    z.colwise() += p.b1;
    return z;
  }
  Matrix h = p.w1 * x;
  h.colwise() += p.b1;
  h = h.cwiseMax(0.0f);
  Matrix z = p.w2 * h;
  z.colwise() += p.b2;
  if (hidden) *hidden = std::move(h);
  return z;
}

}  // namespace

double ProxyModel::gradient(const Dataset& data, std::span<const std::uint32_t> samples, std::span<float> out) const {
  if (out.size() != params_.size())
    throw std::invalid_argument("gradient: output has " + std::to_string(out.size()) + " entries, the model " +
                                std::to_string(params_.size()));
  if (data.features() != static_cast<std::size_t>(features_))
    throw std::invalid_argument("gradient: data set has a different number of features than the model");
  if (samples.empty()) throw std::invalid_argument("gradient: no samples");
  const Layout l = layout_of(spec_, features_, classes_);
  const Params p(params_.data(), l);
  Grads g(out.data(), l);
  const Matrix x = gather(data, samples);
  std::vector<std::uint8_t> labels(samples.size());
  for (std::size_t j = 0; j < samples.size(); ++j) labels[j] = data.labels[samples[j]];

  Matrix h;
  Matrix z = forward(p, l, x, &h);
  const double loss = softmax_cross_entropy(z, labels.data(), true);
  if (l.hidden == 0) {
    g.w1.noalias() = z * x.transpose();
    g.b1 = z.rowwise().sum();
    return loss;
  }
  g.w2.noalias() = z * h.transpose();
  g.b2 = z.rowwise().sum();
  // Back through the ReLU: the gradient passes where the unit was active.
  Matrix dh = p.w2.transpose() * z;
  dh = (h.array() > 0.0f).select(dh, 0.0f);
  g.w1.noalias() = dh * x.transpose();
  g.b1 = dh.rowwise().sum();
  return loss;
}

double ProxyModel::loss(const Dataset& data, std::span<const std::uint32_t> samples) const {
  if (data.features() != static_cast<std::size_t>(features_))
    throw std::invalid_argument("loss: data set has a different number of features than the model");
  if (samples.empty()) throw std::invalid_argument("loss: no samples");
  const Layout l = layout_of(spec_, features_, classes_);
  Matrix z = forward(Params(params_.data(), l), l, gather(data, samples), nullptr);
  std::vector<std::uint8_t> labels(samples.size());
  for (std::size_t j = 0; j < samples.size(); ++j) labels[j] = data.labels[samples[j]];
  return softmax_cross_entropy(z, labels.data(), false);
}

double ProxyModel::accuracy(const Dataset& data) const {
  if (data.features() != static_cast<std::size_t>(features_))
    throw std::invalid_argument("accuracy: data set has a different number of features than the model");
  if (data.size() == 0) return 0;
  const Layout l = layout_of(spec_, features_, classes_);
  const Params p(params_.data(), l);
  const ConstMatrixMap all(data.images.data(), features_, static_cast<Eigen::Index>(data.size()));
  // Blocks of columns bound the activations' memory; the images are used in place.
  constexpr Eigen::Index block = 1024;
  std::size_t correct = 0;
  for (Eigen::Index start = 0; start < all.cols(); start += block) {
    const Eigen::Index n = std::min(block, all.cols() - start);
    const Matrix z = forward(p, l, all.middleCols(start, n), nullptr);
    for (Eigen::Index j = 0; j < n; ++j) {
      Eigen::Index best;
      z.col(j).maxCoeff(&best);
      correct += best == data.labels[static_cast<std::size_t>(start + j)];
    }
  }
  return static_cast<double>(correct) / static_cast<double>(data.size());
}

void ProxyModel::logits(const float* images, std::size_t count, std::span<float> out) const {
  if (out.size() != count * static_cast<std::size_t>(classes_))
    throw std::invalid_argument("logits: output has " + std::to_string(out.size()) + " entries, " +
                                std::to_string(count) + " images need " +
                                std::to_string(count * static_cast<std::size_t>(classes_)));
  if (count == 0) return;
  if (!images) throw std::invalid_argument("logits: no images");
  const Layout l = layout_of(spec_, features_, classes_);
  const Params p(params_.data(), l);
  const ConstMatrixMap all(images, features_, static_cast<Eigen::Index>(count));
  // count x classes row-major is classes x count column-major: one logit column per image.
  MatrixMap z(out.data(), classes_, static_cast<Eigen::Index>(count));
  constexpr Eigen::Index block = 1024;
  for (Eigen::Index start = 0; start < all.cols(); start += block) {
    const Eigen::Index n = std::min(block, all.cols() - start);
    z.middleCols(start, n) = forward(p, l, all.middleCols(start, n), nullptr);
  }
}

}  // namespace cs::learning

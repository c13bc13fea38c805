// The proxy-training library: IDX loading (small files written here, then the real
// Fashion-MNIST), the models' gradients against finite differences, SGD, shards, determinism.
// Training to an accuracy is in tests/unit_slow/learning_accuracy_test.cpp.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "learning/idx_dataset.hpp"
#include "learning/proxy_model.hpp"
#include "learning/random.hpp"
#include "learning/sgd.hpp"
#include "learning/shards.hpp"
#include "test_util.hpp"

using namespace cs::learning;

namespace {

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// Gzip-compresses `content` into a fresh file under a per-process temporary directory.
std::string write_gz(const std::string& name, const std::string& content) {
  auto path = cs::testing::write_temp_file(name, "");
  gzFile f = gzopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(gzwrite(f, content.data(), static_cast<unsigned>(content.size())), static_cast<int>(content.size()));
  gzclose(f);
  return path;
}

std::string idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, const std::string& pixels) {
  return be32(0x803) + be32(count) + be32(rows) + be32(cols) + pixels;
}
std::string idx_labels(std::uint32_t count, const std::string& labels) { return be32(0x801) + be32(count) + labels; }

// The message of the DatasetError that `body` throws.
template <class F>
std::string dataset_error_of(F&& body) {
  try {
    body();
  } catch (const DatasetError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a DatasetError";
  return "";
}

// A small random data set: pixels in [0, 1], labels spread over the classes.
Dataset synthetic(int samples, int rows, int cols, std::uint64_t seed) {
  Dataset d;
  d.rows = rows;
  d.cols = cols;
  SplitMix64 rng(seed);
  d.images.resize(static_cast<std::size_t>(samples) * d.features());
  for (float& x : d.images) x = static_cast<float>(rng.uniform());
  for (int i = 0; i < samples; ++i) d.labels.push_back(static_cast<std::uint8_t>(rng.below(classes)));
  return d;
}

std::vector<std::uint32_t> first(std::uint32_t n) {
  std::vector<std::uint32_t> v(n);
  for (std::uint32_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

// Every coordinate's central difference against the analytic gradient. `h` must be small
// enough not to cross a ReLU kink (the caller picks it), large enough that float rounding of
// the loss (~1e-7 relative) divided by 2h stays well below the tolerance.
void expect_gradient_matches(ProxyModel& model, const Dataset& data, std::span<const std::uint32_t> samples,
                             double h) {
  std::vector<float> g(model.parameters());
  model.gradient(data, samples, g);
  auto p = model.params();
  double worst = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const float saved = p[i];
    p[i] = saved + static_cast<float>(h);
    const double up = model.loss(data, samples);
    p[i] = saved - static_cast<float>(h);
    const double down = model.loss(data, samples);
    p[i] = saved;
    const double fd = (up - down) / (2 * h);
    const double err = std::abs(fd - g[i]) / (1e-4 + 2e-3 * std::abs(fd));
    worst = std::max(worst, err);
    EXPECT_LE(err, 1.0) << "parameter " << i << ": finite difference " << fd << ", gradient " << g[i];
  }
  std::cout << "worst error / tolerance " << worst << '\n';
}

}  // namespace

TEST(LearningIdx, LoadsImagesAndLabels) {
  std::string pixels = {0, '\x7f', '\xff', 1, 2, 3, 4, 5, 6, 7, 8, 9};  // 2 images of 2x3
  auto images = write_gz("ok-images.gz", idx_images(2, 2, 3, pixels));
  auto labels = write_gz("ok-labels.gz", idx_labels(2, {9, 0}));
  Dataset d = load_idx(images, labels);
  EXPECT_EQ(d.rows, 2);
  EXPECT_EQ(d.cols, 3);
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.features(), 6u);
  ASSERT_EQ(d.images.size(), 12u);
  EXPECT_FLOAT_EQ(d.images[0], 0.0f);
  EXPECT_FLOAT_EQ(d.images[1], 127.0f / 255);
  EXPECT_FLOAT_EQ(d.images[2], 1.0f);
  EXPECT_FLOAT_EQ(d.images[11], 9.0f / 255);
  EXPECT_EQ(d.labels, (std::vector<std::uint8_t>{9, 0}));
}

TEST(LearningIdx, ErrorsNameTheFileAndTheProblem) {
  const std::string pixels(12, '\x10');
  auto images = write_gz("images.gz", idx_images(2, 2, 3, pixels));
  auto labels = write_gz("labels.gz", idx_labels(2, {1, 2}));

  auto missing = dataset_error_of([&] { load_idx(images + ".nope", labels); });
  EXPECT_CONTAINS(missing, images + ".nope");
  EXPECT_CONTAINS(missing, "no such file");

  auto short_pixels = write_gz("short-images.gz", idx_images(2, 2, 3, pixels.substr(0, 7)));
  auto truncated = dataset_error_of([&] { load_idx(short_pixels, labels); });
  EXPECT_CONTAINS(truncated, short_pixels);
  EXPECT_CONTAINS(truncated, "truncated");

  auto short_header = write_gz("short-header.gz", be32(0x803) + be32(2));
  EXPECT_CONTAINS(dataset_error_of([&] { load_idx(short_header, labels); }), "truncated header");

  auto short_labels = write_gz("short-labels.gz", idx_labels(2, {1}));
  auto truncated_labels = dataset_error_of([&] { load_idx(images, short_labels); });
  EXPECT_CONTAINS(truncated_labels, short_labels);
  EXPECT_CONTAINS(truncated_labels, "truncated");

  // Swapped arguments: the label file's magic where images are expected.
  auto magic = dataset_error_of([&] { load_idx(labels, images); });
  EXPECT_CONTAINS(magic, labels);
  EXPECT_CONTAINS(magic, "bad magic");

  auto three_labels = write_gz("three-labels.gz", idx_labels(3, {1, 2, 3}));
  auto mismatch = dataset_error_of([&] { load_idx(images, three_labels); });
  EXPECT_CONTAINS(mismatch, three_labels);
  EXPECT_CONTAINS(mismatch, "3 labels for 2 images");

  auto bad_label = write_gz("bad-label.gz", idx_labels(2, {1, 10}));
  auto label = dataset_error_of([&] { load_idx(images, bad_label); });
  EXPECT_CONTAINS(label, bad_label);
  EXPECT_CONTAINS(label, "label 10 > 9");

  // A gzip stream cut in the middle (a partial download) is an error too, not short data.
  std::string packed;
  {
    std::ifstream in(write_gz("big-images.gz", idx_images(64, 28, 28, std::string(64 * 784, '\x42'))), std::ios::binary);
    packed.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto cut = cs::testing::write_temp_file("cut-images.gz", packed.substr(0, packed.size() / 2));
  EXPECT_CONTAINS(dataset_error_of([&] { load_idx(cut, labels); }), cut);

  // One line each: the simulator prints them as "error: ..." lines.
  for (const auto& m : {missing, truncated, magic, mismatch, label}) EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

TEST(LearningIdx, FashionMnistShapesAndCache) {
  auto start = std::chrono::steady_clock::now();
  const FashionMnist& data = load_fashion_mnist();
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "Fashion-MNIST loaded in " << seconds << " s\n";
  EXPECT_EQ(data.train.size(), 60000u);
  EXPECT_EQ(data.test.size(), 10000u);
  EXPECT_EQ(data.train.rows, 28);
  EXPECT_EQ(data.train.cols, 28);
  EXPECT_EQ(data.train.features(), 784u);
  EXPECT_EQ(data.train.images.size(), 60000u * 784);
  EXPECT_EQ(data.test.images.size(), 10000u * 784);
  EXPECT_EQ(data.train.labels[0], 9);  // an ankle boot, as in the data set's documentation
  EXPECT_EQ(data.test.labels[0], 9);
  // Scaled to [0, 1]: the first image has both black and white pixels (a full scan of 47
  // million floats would be slow under the sanitizers).
  auto [lo, hi] = std::minmax_element(data.train.image(0), data.train.image(1));
  EXPECT_EQ(*lo, 0.0f);
  EXPECT_EQ(*hi, 1.0f);
  // Fashion-MNIST is balanced: 6000 of each class in training, 1000 in test.
  std::vector<int> train_counts(classes), test_counts(classes);
  for (auto l : data.train.labels) ++train_counts.at(l);
  for (auto l : data.test.labels) ++test_counts.at(l);
  EXPECT_EQ(train_counts, std::vector<int>(classes, 6000));
  EXPECT_EQ(test_counts, std::vector<int>(classes, 1000));

  // Cached by directory, however it is spelled.
  EXPECT_EQ(&load_fashion_mnist(std::string(fashion_mnist_dir) + "/"), &data);
  auto dir = dataset_error_of([] { load_fashion_mnist("/nonexistent-clustersim-dir"); });
  EXPECT_CONTAINS(dir, "/nonexistent-clustersim-dir/train-images-idx3-ubyte.gz: no such file");
}

TEST(LearningProxyModel, Sizes) {
  EXPECT_EQ(ProxyModel({ProxyKind::softmax}, 784, 10, 1).parameters(), 784u * 10 + 10);
  EXPECT_EQ(ProxyModel({ProxyKind::mlp, 128}, 784, 10, 1).parameters(), 784u * 128 + 128 + 128 * 10 + 10);
  EXPECT_THROW(ProxyModel({ProxyKind::mlp, 0}, 784, 10, 1), std::invalid_argument);
  ProxyModel m({ProxyKind::softmax}, 6, 10, 1);
  Dataset d = synthetic(4, 2, 3, 1);
  std::vector<float> wrong(m.parameters() - 1);
  EXPECT_THROW(m.gradient(d, first(4), wrong), std::invalid_argument);
  std::vector<float> g(m.parameters());
  const std::uint32_t outside[] = {4};
  EXPECT_THROW(m.gradient(d, outside, g), std::out_of_range);
}

TEST(LearningProxyModel, SoftmaxGradientMatchesFiniteDifferences) {
  const Dataset data = synthetic(8, 3, 4, 7);
  ProxyModel model({ProxyKind::softmax}, 12, classes, 1);
  SplitMix64 rng(3);
  for (float& p : model.params()) p = static_cast<float>(0.5 * rng.normal());
  // Zero parameters give loss log(10) for any input: a quick check of the loss itself.
  ProxyModel zero({ProxyKind::softmax}, 12, classes, 1);
  EXPECT_NEAR(zero.loss(data, first(8)), std::log(10.0), 1e-6);
  expect_gradient_matches(model, data, first(8), 1e-2);
}

TEST(LearningProxyModel, MlpGradientMatchesFiniteDifferences) {
  const int features = 12, hidden = 8, samples = 6;
  const Dataset data = synthetic(samples, 3, 4, 11);
  ProxyModel model({ProxyKind::mlp, hidden}, features, classes, 5);
  SplitMix64 rng(4);
  auto p = model.params();
  // Non-zero biases, so some units are inactive on some samples and the mask is exercised.
  for (int u = 0; u < hidden; ++u) p[std::size_t(hidden) * features + u] = static_cast<float>(0.5 * rng.normal());
  // Keep h below every hidden pre-activation's distance to the kink: a perturbation of one
  // first-layer weight or bias moves a pre-activation by at most h (pixels are in [0, 1]).
  double nearest = 1e9;
  int active = 0;
  for (int s = 0; s < samples; ++s)
    for (int u = 0; u < hidden; ++u) {
      double a = p[std::size_t(hidden) * features + u];
      for (int k = 0; k < features; ++k) a += p[u + std::size_t(k) * hidden] * data.image(s)[k];
      nearest = std::min(nearest, std::abs(a));
      active += a > 0;
    }
  EXPECT_GT(active, 0);
  EXPECT_LT(active, samples * hidden);
  expect_gradient_matches(model, data, first(samples), std::min(1e-2, nearest / 2));
}

TEST(LearningProxyModel, AccuracyCountsTopOne) {
  // Softmax regression with W = identity on one-hot images: logits are the images.
  Dataset d;
  d.rows = 1;
  d.cols = classes;
  for (int i = 0; i < 25; ++i) {
    std::vector<float> x(classes, 0.0f);
    x[i % classes] = 1;
    d.images.insert(d.images.end(), x.begin(), x.end());
    d.labels.push_back(static_cast<std::uint8_t>(i < 20 ? i % classes : (i + 1) % classes));  // last 5 wrong
  }
  ProxyModel model({ProxyKind::softmax}, classes, classes, 1);
  for (int k = 0; k < classes; ++k) model.params()[k + std::size_t(k) * classes] = 1;
  EXPECT_DOUBLE_EQ(model.accuracy(d), 20.0 / 25);
}

TEST(LearningSgd, MomentumAndWeightDecay) {
  Sgd sgd({.learning_rate = 0.5, .momentum = 0.9, .weight_decay = 0.1});
  std::vector<float> p = {1.0f, -2.0f};
  const std::vector<float> g = {0.2f, 0.0f};
  sgd.step(p, g);  // v = g + 0.1 p = {0.3, -0.2}; p -= 0.5 v
  EXPECT_FLOAT_EQ(p[0], 0.85f);
  EXPECT_FLOAT_EQ(p[1], -1.9f);
  sgd.step(p, g);  // v = 0.9 v + g + 0.1 p = {0.27 + 0.2 + 0.085, -0.18 - 0.19}
  EXPECT_FLOAT_EQ(p[0], 0.85f - 0.5f * 0.555f);
  EXPECT_FLOAT_EQ(p[1], -1.9f + 0.5f * 0.37f);
  EXPECT_THROW(sgd.step(p, std::vector<float>(3)), std::invalid_argument);
  EXPECT_THROW(Sgd({.learning_rate = 0.1, .momentum = 1.0}), std::invalid_argument);
}

TEST(LearningShards, DisjointCoveringAndEpochs) {
  const std::size_t n = 1003;
  const int workers = 8;
  ShardSampler sampler(n, workers, 42);
  std::vector<int> owner(n, -1);
  for (int w = 0; w < workers; ++w) {
    auto s = sampler.shard(w);
    EXPECT_TRUE(s.size() == n / workers || s.size() == n / workers + 1) << s.size();
    for (auto i : s) {
      ASSERT_LT(i, n);
      EXPECT_EQ(owner[i], -1) << "index " << i << " in two shards";
      owner[i] = w;
    }
  }
  EXPECT_EQ(std::count(owner.begin(), owner.end(), -1), 0);

  // Worker 3 draws only from its shard, each index once per epoch, reshuffled between epochs.
  const auto size = sampler.shard(3).size();
  std::vector<std::uint32_t> epoch0, epoch1;
  ASSERT_NE(size % 7, 0u);
  while (epoch0.size() < size) {
    auto b = sampler.next_batch(3, 7);
    epoch0.insert(epoch0.end(), b.begin(), b.end());
  }
  EXPECT_EQ(sampler.epoch(3), 1u);  // the last batch ran into the next epoch
  while (epoch1.size() < size) {
    auto b = sampler.next_batch(3, 5);
    epoch1.insert(epoch1.end(), b.begin(), b.end());
  }
  for (auto i : epoch0) EXPECT_EQ(owner[i], 3);
  std::vector<std::uint32_t> a(epoch0.begin(), epoch0.begin() + size), b(epoch0.begin() + size, epoch0.end());
  b.insert(b.end(), epoch1.begin(), epoch1.begin() + (size - b.size()));
  EXPECT_NE(a, b);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end()) << "an index twice in one epoch";
  EXPECT_EQ(a, b);

  EXPECT_THROW(sampler.next_batch(workers, 1), std::out_of_range);
  EXPECT_THROW(sampler.next_batch(0, 0), std::invalid_argument);
  EXPECT_THROW(ShardSampler(4, 5, 1), std::invalid_argument);
}

TEST(LearningShards, DeterministicPerWorker) {
  ShardSampler a(500, 4, 7), b(500, 4, 7), c(500, 4, 8);
  // Worker 1's batches do not depend on how far the others have drawn.
  for (int i = 0; i < 30; ++i) b.next_batch(0, 9);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(a.next_batch(1, 16), b.next_batch(1, 16)) << "batch " << i;
  EXPECT_NE(ShardSampler(500, 4, 7).next_batch(1, 16), c.next_batch(1, 16));
}

TEST(LearningProxyModel, TrainingIsDeterministic) {
  const Dataset data = synthetic(64, 4, 4, 3);
  auto train = [&](ProxySpec spec, std::uint64_t seed) {
    ProxyModel model(spec, 16, classes, seed);
    Sgd sgd(recommended_sgd(spec.kind));
    ShardSampler sampler(data.size(), 2, seed);
    std::vector<float> g(model.parameters()), mean(model.parameters());
    for (int round = 0; round < 5; ++round) {
      std::fill(mean.begin(), mean.end(), 0.0f);
      for (int w = 0; w < 2; ++w) {
        model.gradient(data, sampler.next_batch(w, 8), g);
        for (std::size_t i = 0; i < g.size(); ++i) mean[i] += g[i] / 2;
      }
      sgd.step(model.params(), mean);
    }
    return std::vector<float>(model.params().begin(), model.params().end());
  };
  for (ProxySpec spec : {ProxySpec{ProxyKind::softmax}, ProxySpec{ProxyKind::mlp, 8}}) {
    auto first_run = train(spec, 1);
    EXPECT_EQ(first_run, train(spec, 1));
    EXPECT_NE(first_run, train(spec, 2));
  }
}

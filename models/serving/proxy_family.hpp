#pragma once
// The built-in model variants: proxy classifiers of several sizes trained on Fashion-MNIST.
// They give HawkVision's cascade and the baselines real per-request outputs: each simulated
// request carries a real test image, and a variant's answer and calibrated confidence on it
// (clean, or with the rows of lost packets concealed) are those of a trained model.
//
// Splits: the first 50,000 training images train every variant; the test file's 5,000 even
// images are the validation split (temperature fitting, the tier-to-threshold table) and
// requests carry its 5,000 odd ones, so thresholds are fitted on the requests' distribution. Training is deterministic given the seed; trained parameters are cached
// on disk (cache_dir) so later runs skip training, and a cached model is bit-identical to a
// freshly trained one.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "learning/idx_dataset.hpp"
#include "learning/proxy_model.hpp"
#include "serving/thresholds.hpp"

namespace cs::serving {

struct ProxyVariantSpec {
  std::string name;            // e.g. "proxy_linear", "proxy_mlp64"
  learning::ProxySpec model;   // softmax, or an MLP with its hidden width
};

// The default family, smallest to largest: softmax regression, then MLPs with 16, 64 and 256
// hidden units.
std::vector<ProxyVariantSpec> default_proxy_family();

struct ProxyFamilyOptions {
  std::string dataset_dir = learning::fashion_mnist_dir;
  std::uint64_t seed = 1;
  int epochs = 2;              // passes over the 50,000 training images
  int batch = 64;
  // Where trained parameters are kept between runs; empty: no cache. The file name encodes
  // everything that determines the parameters (spec, seed, epochs, batch, data set size).
  std::string cache_dir;
};

struct Prediction {
  int label;          // the variant's answer
  float confidence;   // calibrated max softmax
};

class ProxyFamily {
 public:
  // Loads the data set (throws learning::DatasetError) and trains (or loads from the cache)
  // each variant, then fits its temperature on the validation split and precomputes its
  // predictions on every validation and test image.
  ProxyFamily(std::vector<ProxyVariantSpec> variants, const ProxyFamilyOptions& options);
  ~ProxyFamily();

  int size() const;
  const ProxyVariantSpec& spec(int variant) const;
  double test_accuracy(int variant) const;        // top-1 on the request images
  double validation_accuracy(int variant) const;
  double temperature(int variant) const;
  double nll_before_scaling(int variant) const;   // mean NLL on the validation split at T = 1
  double nll_after_scaling(int variant) const;    // at the fitted temperature

  const learning::Dataset& test_set() const;      // the whole test file: validation, then request images
  std::uint32_t request_images() const;           // requests carry test image 2k + 1, k below this
  float mean_pixel() const;                       // over the training images: the concealment fill

  // The precomputed answer on test image `image` (clean), any image of the test file.
  Prediction predict_test(int variant, std::uint32_t image) const;
  // Runs the variant now on any image of the data set's size (a degraded one).
  Prediction predict(int variant, std::span<const float> image) const;
  // Per validation image: edge variant's confidence and both variants' correctness.
  std::vector<CascadeSample> validation_cascade(int edge_variant, int dc_variant) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs::serving

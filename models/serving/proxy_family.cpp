#include "serving/proxy_family.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <optional>
#include <tuple>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "learning/random.hpp"
#include "learning/sgd.hpp"
#include "serving/confidence.hpp"

namespace cs::serving {

namespace {

namespace fs = std::filesystem;
using learning::Dataset;
using learning::ProxyKind;
using learning::ProxyModel;

// The variants train on the first 50,000 of Fashion-MNIST's 60,000 training images. The test
// file's even images are the validation split (temperatures, thresholds), its odd images those
// requests carry: interleaved, both come from one distribution, so a threshold that meets a
// tier on validation meets it on requests up to sampling error. (Neither the training file's
// tail nor the test file's first half does: thresholds fitted on those missed every tier by
// 0.5 to 0.9 points on the rest of the test file.)
constexpr std::size_t train_images = 50'000;

// Bumped whenever training or the file layout changes, so old cache files are not reused.
constexpr std::uint64_t cache_format_version = 1;
constexpr char cache_magic[8] = {'C', 'S', 'P', 'R', 'O', 'X', 'Y', '1'};

// The optimiser: recommended_sgd(kind) (lr 0.05, momentum 0.9, tuned for 8 x 32 averaged
// samples) with a linearly decaying rate: each step's gradient is scaled by 1 - step / steps
// before it enters the momentum buffer, so its contribution decays from lr to lr / steps.
// Measured at batch 64, 2 epochs. At constant rates 0.05, 0.02, 0.01 and 0.005 (seed 1) the
// last iterate is noisy: test accuracies 0.82-0.85 with the MLPs in no reliable order (at 0.05
// the 256-unit MLP came below the 64-unit one and only 0.5 points above softmax regression).
// With the decay, over seeds 1-5: 0.837-0.840 (softmax), 0.839-0.847 (MLP 16), 0.850-0.859
// (MLP 64), 0.863-0.866 (MLP 256). Peak rates 0.1 and 0.02 with the decay were no better (seed
// 1). The optimiser and the schedule are part of the cache key.
constexpr std::uint64_t schedule_linear_decay = 1;

learning::SgdConfig sgd_config(ProxyKind kind) { return learning::recommended_sgd(kind); }

class Fnv1a {
 public:
  void bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h_ = (h_ ^ p[i]) * 0x100000001B3ull;
  }
  void u64(std::uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    bytes(b, 8);
  }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xCBF29CE484222325ull;
};

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// A name usable as part of a file name: anything but [A-Za-z0-9_.-] becomes '_'.
std::string file_safe(const std::string& name) {
  std::string out = name.empty() ? std::string("variant") : name;
  for (char& c : out)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
      c = '_';
  if (out[0] == '.') out[0] = '_';
  return out;
}

// The seeds of variant `index`: its initialisation, and the shuffle of each epoch.
std::uint64_t init_seed(std::uint64_t seed, int index) { return learning::derive_seed(seed, std::uint64_t(index), 0); }
std::uint64_t epoch_seed(std::uint64_t seed, int index, int epoch) {
  return learning::derive_seed(seed, std::uint64_t(index), std::uint64_t(epoch) + 1);
}

// Everything the trained parameters depend on (the variant's index seeds it).
std::uint64_t cache_key(const ProxyVariantSpec& spec, int index, const ProxyFamilyOptions& options,
                        std::size_t features, std::uint64_t train_labels_hash) {
  Fnv1a h;
  h.u64(cache_format_version);
  h.u64(spec.model.kind == ProxyKind::mlp ? 1 : 0);
  h.u64(spec.model.kind == ProxyKind::mlp ? std::uint64_t(spec.model.hidden) : 0);
  h.u64(std::uint64_t(index));
  h.u64(options.seed);
  h.u64(std::uint64_t(options.epochs));
  h.u64(std::uint64_t(options.batch));
  h.u64(train_images);
  h.u64(features);
  h.u64(std::uint64_t(learning::classes));
  const learning::SgdConfig sgd = sgd_config(spec.model.kind);
  h.f64(sgd.learning_rate);
  h.f64(sgd.momentum);
  h.f64(sgd.weight_decay);
  h.u64(schedule_linear_decay);
  h.u64(train_labels_hash);  // tells one data set of the same size from another
  return h.value();
}

// Minibatch SGD over training images [0, train_images), a fresh deterministic shuffle per epoch.
void train_variant(ProxyModel& model, const Dataset& train, int index, const ProxyFamilyOptions& options) {
  learning::Sgd sgd(sgd_config(model.spec().kind));
  std::vector<std::uint32_t> order(train_images);
  std::vector<float> gradient(model.parameters());
  const std::size_t batch = static_cast<std::size_t>(options.batch);
  const std::size_t steps_per_epoch = (train_images + batch - 1) / batch;
  const double steps = static_cast<double>(steps_per_epoch) * options.epochs;
  std::size_t step = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0u);
    learning::SplitMix64 rng(epoch_seed(options.seed, index, epoch));
    for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);  // Fisher-Yates
    for (std::size_t start = 0; start < order.size(); start += batch, ++step) {
      const std::size_t n = std::min(batch, order.size() - start);
      model.gradient(train, std::span<const std::uint32_t>(order).subspan(start, n), gradient);
      // Linear decay: this gradient enters at lr x (1 - step / steps), never zero.
      const float decay = static_cast<float>(1.0 - static_cast<double>(step) / steps);
      for (float& g : gradient) g *= decay;
      sgd.step(model.params(), gradient);
    }
  }
}

// File: magic, parameter count (u64), the raw floats. Returns false on any mismatch.
bool read_params(const fs::path& path, std::span<float> params) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size != sizeof cache_magic + sizeof(std::uint64_t) + params.size_bytes()) return false;
  char magic[sizeof cache_magic];
  std::uint64_t count = 0;
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(&count), sizeof count);
  if (!in || std::memcmp(magic, cache_magic, sizeof magic) != 0 || count != params.size()) return false;
  std::vector<float> buffer(params.size());
  in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(params.size_bytes()));
  if (!in) return false;
  std::copy(buffer.begin(), buffer.end(), params.begin());
  return true;
}

// Written to a uniquely named temporary file, then renamed over `path`: concurrent writers
// (parallel test processes) each rename a complete file, and readers never see a partial one.
// The cache is an optimisation: failures are ignored.
void write_atomically(const fs::path& path, const std::string& bytes) {
  static std::atomic<std::uint64_t> counter{0};
  const std::string suffix = ".tmp." + std::to_string(::getpid()) + "." +
                             hex64(std::hash<std::thread::id>{}(std::this_thread::get_id())) + "." +
                             std::to_string(counter.fetch_add(1));
  const fs::path tmp = path.string() + suffix;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

template <class T>
void append_raw(std::string& out, const T* data, std::size_t count) {
  out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
}

void write_params(const fs::path& path, std::span<const float> params) {
  std::string bytes(cache_magic, sizeof cache_magic);
  const std::uint64_t count = params.size();
  append_raw(bytes, &count, 1);
  append_raw(bytes, params.data(), params.size());
  write_atomically(path, bytes);
}

// What a trained variant gives on the test file: computed once, then kept beside its
// parameters, so a run with a warm cache neither decompresses the training images nor runs
// the models over the test file.
struct Outputs {
  double temperature = 1, nll_before = 0, nll_after = 0, validation_accuracy = 0, test_accuracy = 0, mean_pixel = 0;
  std::vector<std::uint8_t> test_label;  // the variant's answers on every test image
  std::vector<float> test_confidence;  // calibrated
};

constexpr char outputs_magic[8] = {'C', 'S', 'O', 'U', 'T', 'P', 'T', '1'};

// File: magic, image count (u64), the six doubles, the labels, the confidences.
void write_outputs(const fs::path& path, const Outputs& o) {
  std::string bytes(outputs_magic, sizeof outputs_magic);
  const std::uint64_t count = o.test_label.size();
  append_raw(bytes, &count, 1);
  const double scalars[] = {o.temperature, o.nll_before, o.nll_after, o.validation_accuracy, o.test_accuracy, o.mean_pixel};
  append_raw(bytes, scalars, std::size(scalars));
  append_raw(bytes, o.test_label.data(), o.test_label.size());
  append_raw(bytes, o.test_confidence.data(), o.test_confidence.size());
  write_atomically(path, bytes);
}

// Returns false on any mismatch (then the outputs are computed again).
bool read_outputs(const fs::path& path, std::size_t images, Outputs& o) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size != sizeof outputs_magic + sizeof(std::uint64_t) + 6 * sizeof(double) + images * (1 + sizeof(float)))
    return false;
  char magic[sizeof outputs_magic];
  std::uint64_t count = 0;
  double scalars[6];
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(&count), sizeof count);
  in.read(reinterpret_cast<char*>(scalars), sizeof scalars);
  if (!in || std::memcmp(magic, outputs_magic, sizeof magic) != 0 || count != images) return false;
  o.test_label.resize(images);
  o.test_confidence.resize(images);
  in.read(reinterpret_cast<char*>(o.test_label.data()), static_cast<std::streamsize>(images));
  in.read(reinterpret_cast<char*>(o.test_confidence.data()), static_cast<std::streamsize>(images * sizeof(float)));
  if (!in) return false;
  for (std::uint8_t l : o.test_label)
    if (l >= learning::classes) return false;
  std::tie(o.temperature, o.nll_before, o.nll_after, o.validation_accuracy, o.test_accuracy, o.mean_pixel) =
      std::tuple{scalars[0], scalars[1], scalars[2], scalars[3], scalars[4], scalars[5]};
  return true;
}

struct Variant : Outputs {
  Variant(ProxyVariantSpec s, ProxyModel m) : spec(std::move(s)), model(std::move(m)) {}
  ProxyVariantSpec spec;
  ProxyModel model;
};

// Labels and calibrated confidences of `count` images from their logits.
void answers(std::span<const float> logits, std::size_t count, double temperature, std::vector<std::uint8_t>& labels,
             std::vector<float>& confidences) {
  labels.resize(count);
  confidences.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto row = logits.subspan(i * learning::classes, learning::classes);
    labels[i] = static_cast<std::uint8_t>(argmax(row));
    confidences[i] = static_cast<float>(max_softmax(row, temperature));
  }
}

}  // namespace

std::vector<ProxyVariantSpec> default_proxy_family() {
  return {
      {"proxy_linear", {ProxyKind::softmax, 0}},
      {"proxy_mlp16", {ProxyKind::mlp, 16}},
      {"proxy_mlp64", {ProxyKind::mlp, 64}},
      {"proxy_mlp256", {ProxyKind::mlp, 256}},
  };
}

struct ProxyFamily::Impl {
  const Dataset* test = nullptr;
  std::vector<Variant> variants;
  float mean_pixel = 0;
  std::size_t request_images = 0;  // odd test images

  const Variant& at(int variant) const {
    if (variant < 0 || variant >= static_cast<int>(variants.size()))
      throw std::out_of_range("proxy family: variant " + std::to_string(variant) + " of " +
                              std::to_string(variants.size()));
    return variants[static_cast<std::size_t>(variant)];
  }
};

ProxyFamily::ProxyFamily(std::vector<ProxyVariantSpec> variants, const ProxyFamilyOptions& options)
    : impl_(std::make_unique<Impl>()) {
  if (variants.empty()) throw std::invalid_argument("proxy family: no variants");
  if (options.epochs < 0) throw std::invalid_argument("proxy family: epochs must be >= 0");
  if (options.batch <= 0) throw std::invalid_argument("proxy family: batch must be positive");
  // The training images are loaded only when a variant must be trained or its outputs
  // computed: with a warm cache the test file and the training labels are all that is read.
  const Dataset& test = learning::load_fashion_mnist_test(options.dataset_dir);
  impl_->test = &test;
  const std::vector<std::uint8_t> train_labels =
      learning::load_idx_labels((fs::path(options.dataset_dir) / "train-labels-idx1-ubyte.gz").string());
  if (train_labels.size() < train_images || test.size() < 2)
    throw learning::DatasetError("proxy family: " + options.dataset_dir + " needs " + std::to_string(train_images) +
                                 " training images and 2 test images, has " + std::to_string(train_labels.size()) +
                                 " and " + std::to_string(test.size()));
  const std::size_t features = test.features();
  const Dataset* train = nullptr;
  auto training_set = [&]() -> const Dataset& {
    if (!train) {
      train = &learning::load_fashion_mnist(options.dataset_dir).train;
      if (train->features() != features)
        throw learning::DatasetError("proxy family: " + options.dataset_dir + ": training and test images differ in shape");
    }
    return *train;
  };
  std::optional<double> mean_pixel;  // the concealment fill: mean pixel of the images the variants train on
  auto training_mean_pixel = [&] {
    if (!mean_pixel) {
      const Dataset& t = training_set();
      double pixels = 0;
      for (std::size_t i = 0; i < train_images * features; ++i) pixels += t.images[i];
      mean_pixel = pixels / static_cast<double>(train_images * features);
    }
    return *mean_pixel;
  };

  Fnv1a labels_hash;
  labels_hash.bytes(train_labels.data(), train_images);
  Fnv1a test_hash;  // the outputs also depend on the test file
  test_hash.bytes(test.labels.data(), test.labels.size());
  test_hash.bytes(test.images.data(), test.images.size() * sizeof(float));

  // Even test images validate, odd ones are what requests carry (see the top of this file).
  const std::size_t test_images = test.size();
  const std::size_t validation_images = (test_images + 1) / 2;
  impl_->request_images = test_images / 2;
  std::vector<std::uint8_t> validation_truth(validation_images);
  for (std::size_t k = 0; k < validation_images; ++k) validation_truth[k] = test.labels[2 * k];
  std::vector<float> logits, val_logits;
  impl_->variants.reserve(variants.size());
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const int index = static_cast<int>(i);
    ProxyModel model(variants[i].model, static_cast<int>(features), learning::classes,
                     init_seed(options.seed, index));
    fs::path cache, outputs;
    if (!options.cache_dir.empty()) {
      const std::uint64_t key = cache_key(variants[i], index, options, features, labels_hash.value());
      const std::string stem = file_safe(variants[i].name) + "-" + hex64(key);
      cache = fs::path(options.cache_dir) / (stem + ".params");
      Fnv1a out_key;
      out_key.u64(key);
      out_key.u64(test_hash.value());
      outputs = fs::path(options.cache_dir) / (stem + "-" + hex64(out_key.value()) + ".outputs");
    }
    const bool cached = !cache.empty() && read_params(cache, model.params());
    if (!cached) {
      train_variant(model, training_set(), index, options);
      if (!cache.empty()) write_params(cache, model.params());
    }
    Variant v(variants[i], std::move(model));
    if (!cached || outputs.empty() || !read_outputs(outputs, test_images, v)) {
      logits.resize(test_images * learning::classes);
      val_logits.resize(validation_images * learning::classes);
      v.model.logits(test.images.data(), test_images, logits);
      for (std::size_t n = 0; n < validation_images; ++n)
        std::copy_n(logits.begin() + std::ptrdiff_t(2 * n * learning::classes), learning::classes,
                    val_logits.begin() + std::ptrdiff_t(n * learning::classes));
      v.nll_before = mean_nll(val_logits, validation_truth, learning::classes, 1.0);
      v.temperature = fit_temperature(val_logits, validation_truth, learning::classes);
      v.nll_after = mean_nll(val_logits, validation_truth, learning::classes, v.temperature);
      answers(logits, test_images, v.temperature, v.test_label, v.test_confidence);
      std::size_t val_correct = 0, request_correct = 0;
      for (std::size_t n = 0; n < test_images; ++n)
        (n % 2 == 0 ? val_correct : request_correct) += v.test_label[n] == test.labels[n];
      v.validation_accuracy = double(val_correct) / double(validation_images);
      v.test_accuracy = double(request_correct) / double(impl_->request_images);
      v.mean_pixel = training_mean_pixel();
      if (!outputs.empty()) write_outputs(outputs, v);
    }
    impl_->mean_pixel = static_cast<float>(v.mean_pixel);
    impl_->variants.push_back(std::move(v));
  }
}

ProxyFamily::~ProxyFamily() = default;

int ProxyFamily::size() const { return static_cast<int>(impl_->variants.size()); }
const ProxyVariantSpec& ProxyFamily::spec(int variant) const { return impl_->at(variant).spec; }
double ProxyFamily::test_accuracy(int variant) const { return impl_->at(variant).test_accuracy; }
double ProxyFamily::validation_accuracy(int variant) const { return impl_->at(variant).validation_accuracy; }
double ProxyFamily::temperature(int variant) const { return impl_->at(variant).temperature; }
double ProxyFamily::nll_before_scaling(int variant) const { return impl_->at(variant).nll_before; }
double ProxyFamily::nll_after_scaling(int variant) const { return impl_->at(variant).nll_after; }
const learning::Dataset& ProxyFamily::test_set() const { return *impl_->test; }
float ProxyFamily::mean_pixel() const { return impl_->mean_pixel; }
std::uint32_t ProxyFamily::request_images() const { return std::uint32_t(impl_->request_images); }

Prediction ProxyFamily::predict_test(int variant, std::uint32_t image) const {
  const Variant& v = impl_->at(variant);
  if (image >= v.test_label.size())
    throw std::out_of_range("predict_test: image " + std::to_string(image) + " of " +
                            std::to_string(v.test_label.size()));
  return {v.test_label[image], v.test_confidence[image]};
}

Prediction ProxyFamily::predict(int variant, std::span<const float> image) const {
  const Variant& v = impl_->at(variant);
  if (image.size() != static_cast<std::size_t>(v.model.features()))
    throw std::invalid_argument("predict: image has " + std::to_string(image.size()) + " pixels, the model takes " +
                                std::to_string(v.model.features()));
  float z[learning::classes];
  v.model.logits(image.data(), 1, z);
  return {argmax(z), static_cast<float>(max_softmax(z, v.temperature))};
}

std::vector<CascadeSample> ProxyFamily::validation_cascade(int edge_variant, int dc_variant) const {
  const Variant& edge = impl_->at(edge_variant);
  const Variant& dc = impl_->at(dc_variant);
  const auto& truth = impl_->test->labels;
  std::vector<CascadeSample> out((truth.size() + 1) / 2);
  for (std::size_t k = 0; k < out.size(); ++k) {
    const std::size_t n = 2 * k;
    out[k] = {edge.test_confidence[n], edge.test_label[n] == truth[n], dc.test_label[n] == truth[n]};
  }
  return out;
}

}  // namespace cs::serving

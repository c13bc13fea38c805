#pragma once
// IDX data sets (the MNIST family's format), gzip-compressed: images as floats in [0, 1],
// labels 0..9. Fashion-MNIST comes from Debian's dataset-fashion-mnist package.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cs::learning {

// A data set that cannot be read; the message is one line naming the file and the problem.
class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Dataset {
  int rows = 0, cols = 0;
  std::vector<float> images;          // size() x features(), row-major, scaled to [0, 1]
  std::vector<std::uint8_t> labels;   // 0..9

  std::size_t size() const { return labels.size(); }
  std::size_t features() const { return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols); }
  const float* image(std::size_t i) const { return images.data() + i * features(); }
};

inline constexpr int classes = 10;

// Reads an idx3 image file and its idx1 label file (both gzip). Throws DatasetError.
Dataset load_idx(const std::string& images_gz, const std::string& labels_gz);
// Reads an idx1 label file alone (gzip). Throws DatasetError.
std::vector<std::uint8_t> load_idx_labels(const std::string& labels_gz);

struct FashionMnist {
  Dataset train, test;
};

// The default location of Debian's dataset-fashion-mnist.
inline constexpr const char* fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";

// Loads {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz from `dir`. Cached per directory for
// the life of the process (thread-safe): several jobs of one simulation share one copy, so
// the reference stays valid. A failed load is not cached and throws again on the next call.
const FashionMnist& load_fashion_mnist(const std::string& dir = fashion_mnist_dir);
// The test split alone (t10k-*), cached the same way: a sixth of the pixels to decompress, for
// users that need no training images.
const Dataset& load_fashion_mnist_test(const std::string& dir = fashion_mnist_dir);

}  // namespace cs::learning

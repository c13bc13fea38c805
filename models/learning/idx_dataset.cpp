#include "learning/idx_dataset.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

namespace cs::learning {

namespace {

constexpr std::uint32_t images_magic = 0x00000803;  // unsigned byte, 3 dimensions
constexpr std::uint32_t labels_magic = 0x00000801;  // unsigned byte, 1 dimension

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw DatasetError(path + ": " + problem);
}

// A whole gzip file in memory. IDX files are small enough (47 MB for 60k images), and one
// large read is what makes the load fast.
class GzFile {
 public:
  explicit GzFile(const std::string& path) : path_(path) {
    if (!std::filesystem::exists(path)) fail(path, "no such file");
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) fail(path, "cannot open");
    gzbuffer(file_, 1 << 18);
  }
  ~GzFile() { gzclose(file_); }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  // Reads exactly `n` bytes or throws "truncated" naming `what`.
  void read(void* out, std::size_t n, const char* what) {
    auto* p = static_cast<unsigned char*>(out);
    while (n > 0) {
      unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30));
      int got = gzread(file_, p, chunk);
      if (got < 0) {
        int code = 0;
        fail(path_, std::string("corrupt gzip data (") + gzerror(file_, &code) + ")");
      }
      if (got == 0) fail(path_, std::string("truncated ") + what);
      p += got;
      n -= static_cast<std::size_t>(got);
    }
  }

  std::uint32_t read_u32(const char* what) {
    unsigned char b[4];
    read(b, 4, what);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  }

  void expect_magic(std::uint32_t magic, const char* kind) {
    std::uint32_t got = read_u32("header");
    if (got != magic) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "bad magic 0x%08x (expected 0x%08x, an %s file)", got, magic, kind);
      fail(path_, buf);
    }
  }

 private:
  std::string path_;
  gzFile file_ = nullptr;
};

}  // namespace

std::vector<std::uint8_t> load_idx_labels(const std::string& labels_gz) {
  GzFile f(labels_gz);
  f.expect_magic(labels_magic, "idx1 label");
  const std::uint32_t count = f.read_u32("header");
  if (count > (1u << 24)) fail(labels_gz, "implausible label count " + std::to_string(count));
  std::vector<std::uint8_t> labels(count);
  f.read(labels.data(), labels.size(), "label data");
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= classes) fail(labels_gz, "label " + std::to_string(labels[i]) + " > 9 at index " + std::to_string(i));
  return labels;
}

Dataset load_idx(const std::string& images_gz, const std::string& labels_gz) {
  Dataset d;
  std::vector<std::uint8_t> pixels;
  std::uint32_t images = 0;
  {
    GzFile f(images_gz);
    f.expect_magic(images_magic, "idx3 image");
    images = f.read_u32("header");
    std::uint32_t rows = f.read_u32("header"), cols = f.read_u32("header");
    // Bounds keep a corrupt header from asking for an absurd allocation.
    if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096)
      fail(images_gz, "bad image shape " + std::to_string(rows) + "x" + std::to_string(cols));
    if (images > (1u << 24)) fail(images_gz, "implausible image count " + std::to_string(images));
    d.rows = static_cast<int>(rows);
    d.cols = static_cast<int>(cols);
    pixels.resize(std::size_t{images} * d.features());
    f.read(pixels.data(), pixels.size(), "pixel data");
  }
  d.labels = load_idx_labels(labels_gz);
  if (d.labels.size() != images)
    fail(labels_gz, std::to_string(d.labels.size()) + " labels for " + std::to_string(images) + " images in " + images_gz);
  d.images.resize(pixels.size());
  // Raw pointers: the loop runs 47 million times, and also in the unoptimised sanitizer build.
  const std::uint8_t* in = pixels.data();
  float* out = d.images.data();
  for (std::size_t i = 0, n = pixels.size(); i < n; ++i) out[i] = static_cast<float>(in[i]) * (1.0f / 255.0f);
  return d;
}

namespace {

// One T per directory for the life of the process, made by load(dir) on first use. Entries are
// never erased, so references handed out stay valid. One lock around the load too: a second
// job asking for the same directory waits instead of loading it again. A failed load is not
// kept.
template <class T, class Load>
const T& per_directory(const std::string& dir, Load load) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<const T>> cache;
  std::error_code ec;
  auto key = std::filesystem::weakly_canonical(dir, ec).string();
  if (ec) key = dir;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(key); it != cache.end()) return *it->second;
  return *cache.emplace(key, std::make_unique<const T>(load(dir))).first->second;
}

std::string in_dir(const std::string& dir, const char* name) { return (std::filesystem::path(dir) / name).string(); }

Dataset load_test_split(const std::string& dir) {
  return load_idx(in_dir(dir, "t10k-images-idx3-ubyte.gz"), in_dir(dir, "t10k-labels-idx1-ubyte.gz"));
}

}  // namespace

const FashionMnist& load_fashion_mnist(const std::string& dir) {
  return per_directory<FashionMnist>(dir, [](const std::string& d) {
    FashionMnist data;
    data.train = load_idx(in_dir(d, "train-images-idx3-ubyte.gz"), in_dir(d, "train-labels-idx1-ubyte.gz"));
    data.test = load_test_split(d);
    if (data.train.features() != data.test.features())
      throw DatasetError(d + ": training and test images differ in shape");
    return data;
  });
}

const Dataset& load_fashion_mnist_test(const std::string& dir) { return per_directory<Dataset>(dir, load_test_split); }

}  // namespace cs::learning

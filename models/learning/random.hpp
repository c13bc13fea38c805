#pragma once
// A small deterministic generator for initialisation and shuffling: the standard library's
// distributions and std::shuffle are implementation-defined, so runs would differ between
// standard libraries; splitmix64 plus our own mappings do not.
#include <cmath>
#include <cstdint>
#include <numbers>

namespace cs::learning {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // In [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // In [0, n); the modulo bias is below 2^-32 for the n used here (< 2^32).
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  // Standard normal by Box-Muller (one of the pair; simplicity over speed).
  double normal() {
    double u1 = uniform() + 0x1.0p-54, u2 = uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }

 private:
  std::uint64_t state_;
};

// Derives independent seeds for sub-streams (a worker, an epoch) from one seed.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) {
  SplitMix64 g(seed ^ (a * 0xD1B54A32D192ED03ull) ^ (b * 0x8CB92BA72F3D8DD7ull));
  g.next();
  return g.next();
}

}  // namespace cs::learning

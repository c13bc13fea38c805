#include "compression/hadamard.hpp"

#include "compression/fast_hadamard.hpp"

#include <cmath>
#include <stdexcept>

namespace cs::compression {

std::uint64_t mix(std::uint64_t seed, std::uint64_t index) {
  // splitmix64's finaliser applied to the seed-offset counter; hashing the seed first keeps
  // nearby seeds (stream ids 0, 1, 2...) from producing shifted copies of one sequence.
  auto finalise = [](std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return finalise(finalise(seed + 0x9e3779b97f4a7c15ULL) + (index + 1) * 0x9e3779b97f4a7c15ULL);
}

double uniform01(std::uint64_t seed, std::uint64_t index) {
  return static_cast<double>(mix(seed, index) >> 11) * 0x1.0p-53;
}

bool is_power_of_two(std::size_t n) { return n != 0 && (n & (n - 1)) == 0; }

std::size_t next_power_of_two(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

// The one transform the codec runs (fast_hadamard.hpp), with its signs, scaled to be
// orthonormal: these are the reference forms the tests check.
void hadamard(std::span<float> v) {
  fwht_raw(v);  // throws unless the length is a power of two
  const float scale = static_cast<float>(1 / std::sqrt(static_cast<double>(v.size())));
  for (float& x : v) x *= scale;
}

namespace {
void flip_signs(std::span<float> v, std::uint64_t seed) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (rotation_sign_negative(seed, i)) v[i] = -v[i];
}
}  // namespace

void randomized_hadamard(std::span<float> v, std::uint64_t seed) {
  if (!is_power_of_two(v.size())) throw std::invalid_argument("Hadamard transform needs a power-of-two length");
  flip_signs(v, seed);
  hadamard(v);
}

void inverse_randomized_hadamard(std::span<float> v, std::uint64_t seed) {
  hadamard(v);
  flip_signs(v, seed);
}

}  // namespace cs::compression

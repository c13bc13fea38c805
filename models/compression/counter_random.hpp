#pragma once
// Cheap counter-based uniforms for the per-coordinate draws of stochastic rounding. mix() (two
// 64-bit splitmix finalisers) costs more than the rest of THC's quantisation put together, so
// it only derives a 32-bit key per (stream, 2^32-coordinate segment); each coordinate then
// hashes its index xor that key with 32-bit multiplies, which vectorise (8 lanes with AVX2).
// The keys are splitmix outputs, so two streams' keys differ in about half their bits, and the
// hash's avalanche makes their draws at a coordinate look independent. Pure functions of
// (stream, index): deterministic, and independent of how a caller splits its loops.
#include <cstddef>
#include <cstdint>

#include "compression/hadamard.hpp"

namespace cs::compression {

// A 32-bit bijective integer hash (Wellons' "lowbias32": two multiply-xorshift rounds).
inline std::uint32_t hash32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// Uniform floats in [0, 1) on a 2^-24 grid for coordinates [segment * 2^32, (segment + 1) * 2^32)
// of `stream`; operator() takes the index modulo 2^32.
class CounterUniform {
 public:
  explicit CounterUniform(std::uint64_t stream, std::uint64_t segment = 0)
      : key_(static_cast<std::uint32_t>(mix(stream, segment ^ 0x5bd1e9955bd1e995ULL) >> 32)) {}
  // Through int32: there is no vector unsigned-to-float conversion before AVX-512.
  float operator()(std::uint32_t index) const {
    return static_cast<float>(static_cast<std::int32_t>(hash32(index ^ key_) >> 8)) * 0x1.0p-24f;
  }
  std::uint32_t key() const { return key_; }  // for hand-vectorised loops that must match operator()

 private:
  std::uint32_t key_;
};

// Calls f(begin, end, uniform) for consecutive ranges of [0, n) that share one 2^32 segment,
// so hot loops can use a single CounterUniform (and stay vectorisable) for any length.
template <class F>
void for_each_uniform_segment(std::size_t n, std::uint64_t stream, F&& f) {
  constexpr std::size_t segment = std::size_t{1} << 32;
  for (std::size_t begin = 0; begin < n; begin += segment) {
    std::size_t end = n - begin > segment ? begin + segment : n;
    f(begin, end, CounterUniform(stream, begin / segment));
  }
}

}  // namespace cs::compression

#pragma once
// The randomized Hadamard transform THC applies before quantising: multiplying by a random
// +-1 diagonal and then the orthonormal Walsh-Hadamard matrix makes every coordinate close to
// N(0, ||a||^2 / d) whatever the input, which is what the lookup table is optimised for.
#include <cstddef>
#include <cstdint>
#include <span>

namespace cs::compression {

// splitmix64 of (seed, index): a counter-based hash, so any coordinate's sign or random
// number is computed directly, without a per-coordinate generator.
std::uint64_t mix(std::uint64_t seed, std::uint64_t index);
// A uniform double in [0, 1) from mix(seed, index): 53 random bits.
double uniform01(std::uint64_t seed, std::uint64_t index);

bool is_power_of_two(std::size_t n);
std::size_t next_power_of_two(std::size_t n);  // n = 0 gives 1

// In-place fast Walsh-Hadamard transform, scaled by 1/sqrt(d) so it is orthonormal (and its
// own inverse). Throws std::invalid_argument unless the length is a power of two.
void hadamard(std::span<float> v);

// Randomized version: x -> H D x with D = diag(+-1) drawn from `seed`. The inverse applies
// H then D (H and D are both their own inverses).
void randomized_hadamard(std::span<float> v, std::uint64_t seed);
void inverse_randomized_hadamard(std::span<float> v, std::uint64_t seed);

}  // namespace cs::compression

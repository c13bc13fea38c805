#pragma once
// The randomized Hadamard rotation as THC's codec runs it: cache-blocked, radix-4/8
// butterflies over contiguous runs that the compiler vectorises, with the random signs and
// the scaling fused into the first and last passes.
//
// Its signs are also randomized_hadamard()'s (hadamard.hpp): coordinate i is negated when
// bit (i mod 64) of mix(seed, i / 64) is set: one hash gives 64 independent fair signs.
#include <cstddef>
#include <cstdint>
#include <span>

namespace cs::compression {

// Whether the rotation drawn from `seed` negates coordinate i.
bool rotation_sign_negative(std::uint64_t seed, std::size_t i);

// The unnormalised Walsh-Hadamard transform in place (sqrt(d) times the orthonormal one, so
// applying it twice multiplies by d). Throws std::invalid_argument unless d is a power of two.
void fwht_raw(std::span<float> v);

// out = H D [in, 0, ..., 0] with H unnormalised and D the signs of `seed`. out.size() must be
// a power of two no smaller than in.size(); the two must not overlap.
void rotate_raw(std::span<const float> in, std::span<float> out, std::uint64_t seed);

// v = scale * D H v in place: with scale = 1 / v.size() it undoes rotate_raw().
void unrotate_raw(std::span<float> v, std::uint64_t seed, float scale);
// The same, writing only the first out.size() coordinates into `out` (which may be v); v is
// left transformed but unsigned and unscaled.
void unrotate_raw(std::span<float> v, std::uint64_t seed, float scale, std::span<float> out);

}  // namespace cs::compression

#include "compression/fast_hadamard.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include "compression/hadamard.hpp"
#include "compression/simd.hpp"

namespace cs::compression {
namespace {

// 16-byte vectors are baseline x86-64 (SSE2), so they pass by value without ABI warnings; the
// AVX2 clone widens the plain loops to 8 lanes by itself.
using v4f = float __attribute__((vector_size(16)));
using v4i = std::int32_t __attribute__((vector_size(16)));

#if defined(__clang__)
#define CS_SHUFFLE(v, a, b, c, d) __builtin_shufflevector(v, v, a, b, c, d)
#else
#define CS_SHUFFLE(v, a, b, c, d) __builtin_shuffle(v, v4i{a, b, c, d})
#endif

// Two levels of blocking keep most passes in cache: blocks of 2^12 floats (16 KiB) stay in L1
// while their first 12 stages run, then superblocks of 2^17 (512 KiB) in L2 for the next 5;
// only the stages above 2^17 stream through the whole vector (one pass per three stages).
constexpr std::size_t kBlock = std::size_t{1} << 12;
constexpr std::size_t kSuperblock = std::size_t{1} << 17;

CS_ALWAYS_INLINE v4f load4(const float* p) {
  v4f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
CS_ALWAYS_INLINE void store4(float* p, v4f v) { std::memcpy(p, &v, sizeof v); }

using v8f = float __attribute__((vector_size(32)));
// These helpers are always inlined, so no 32-byte vector ever crosses a call: GCC's warning that
// returning one without AVX changes the ABI does not apply (and store8 takes a reference, which
// GCC has no ABI note about).
#pragma GCC diagnostic ignored "-Wpsabi"
CS_ALWAYS_INLINE v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
CS_ALWAYS_INLINE void store8(float* p, const v8f& v) { std::memcpy(p, &v, sizeof v); }

// +-1 per lane for each 4-bit pattern of sign bits (bit l set: lane l negated).
const std::array<v4f, 16> kSigns = [] {
  std::array<v4f, 16> t{};
  for (int b = 0; b < 16; ++b)
    for (int l = 0; l < 4; ++l) t[b][l] = (b >> l) & 1 ? -1.0f : 1.0f;
  return t;
}();

// Stages h = 1 and 2 inside one vector. Multiplying by +-1 and adding is exactly the scalar
// butterfly's x + y, x - y.
CS_ALWAYS_INLINE v4f hadamard4(v4f v) {
  v = CS_SHUFFLE(v, 1, 0, 3, 2) + v * v4f{1, -1, 1, -1};
  v = CS_SHUFFLE(v, 2, 3, 0, 1) + v * v4f{1, 1, -1, -1};
  return v;
}

CS_ALWAYS_INLINE void first_stages(float* v, std::size_t len) {  // h = 1, 2, 4
  for (std::size_t i = 0; i < len; i += 8) {
    v4f x = hadamard4(load4(v + i)), y = hadamard4(load4(v + i + 4));
    store4(v + i, x + y);
    store4(v + i + 4, x - y);
  }
}

// first_stages() of D in[begin, begin + len) into out, reading zeros past in_len.
CS_ALWAYS_INLINE void signed_first_stages(const float* in, std::size_t in_len, float* out, std::size_t begin,
                                          std::size_t len, std::uint64_t seed) {
  const std::size_t end = begin + len;
  for (std::size_t i = begin; i < end; i += 64) {
    const std::uint64_t word = mix(seed, i >> 6);
    for (std::size_t k = 0; k < 64 && i + k < end; k += 8) {
      const std::size_t j = i + k;
      float padded[8];
      const float* src = in + j;
      if (j + 8 > in_len) {
        for (std::size_t t = 0; t < 8; ++t) padded[t] = j + t < in_len ? in[j + t] : 0.0f;
        src = padded;
      }
      const unsigned byte = static_cast<unsigned>(word >> k) & 0xff;
      v4f x = hadamard4(load4(src) * kSigns[byte & 15]), y = hadamard4(load4(src + 4) * kSigns[byte >> 4]);
      store4(out + j, x + y);
      store4(out + j + 4, x - y);
    }
  }
}

// The radix passes work on h >= 8 contiguous floats at a time: explicit 8-float vectors (one
// AVX2 register, two SSE ones in the baseline clone) rather than scalar loops the compiler would
// version for aliasing and peel, which cost more than the work when h is 8.
// Each radix-r kernel runs one group of r rows h apart (p, p + h, ...), all h columns.
CS_ALWAYS_INLINE void radix2_group(float* p, std::size_t h) {
  float *a = p, *b = p + h;
  for (std::size_t j = 0; j < h; j += 8) {
    v8f x = load8(a + j), y = load8(b + j);
    store8(a + j, x + y);
    store8(b + j, x - y);
  }
}

CS_ALWAYS_INLINE void radix4_group(float* p, std::size_t h) {  // stages h, 2h
  float *a = p, *b = a + h, *c = b + h, *e = c + h;
  for (std::size_t j = 0; j < h; j += 8) {
    v8f x0 = load8(a + j), x1 = load8(b + j), x2 = load8(c + j), x3 = load8(e + j);
    v8f s0 = x0 + x1, s1 = x0 - x1, s2 = x2 + x3, s3 = x2 - x3;
    store8(a + j, s0 + s2);
    store8(b + j, s1 + s3);
    store8(c + j, s0 - s2);
    store8(e + j, s1 - s3);
  }
}

CS_ALWAYS_INLINE void radix8_group(float* p, std::size_t h) {  // stages h, 2h, 4h
  for (std::size_t j = 0; j < h; j += 8) {
    v8f x0 = load8(p + j), x1 = load8(p + h + j), x2 = load8(p + 2 * h + j), x3 = load8(p + 3 * h + j);
    v8f x4 = load8(p + 4 * h + j), x5 = load8(p + 5 * h + j), x6 = load8(p + 6 * h + j), x7 = load8(p + 7 * h + j);
    v8f a0 = x0 + x1, a1 = x0 - x1, a2 = x2 + x3, a3 = x2 - x3;
    v8f a4 = x4 + x5, a5 = x4 - x5, a6 = x6 + x7, a7 = x6 - x7;
    v8f b0 = a0 + a2, b1 = a1 + a3, b2 = a0 - a2, b3 = a1 - a3;
    v8f b4 = a4 + a6, b5 = a5 + a7, b6 = a4 - a6, b7 = a5 - a7;
    store8(p + j, b0 + b4);
    store8(p + h + j, b1 + b5);
    store8(p + 2 * h + j, b2 + b6);
    store8(p + 3 * h + j, b3 + b7);
    store8(p + 4 * h + j, b0 - b4);
    store8(p + 5 * h + j, b1 - b5);
    store8(p + 6 * h + j, b2 - b6);
    store8(p + 7 * h + j, b3 - b7);
  }
}

// Stages h_begin, 2 h_begin, ... < h_end over v[0, len) (h_begin >= 8: whole vectors), three
// at a time where possible: each pass reads and writes the whole range once.
CS_ALWAYS_INLINE void stages(float* v, std::size_t len, std::size_t h_begin, std::size_t h_end) {
  std::size_t h = h_begin;
  for (; 8 * h <= h_end; h *= 8)
    for (std::size_t i = 0; i < len; i += 8 * h) radix8_group(v + i, h);
  if (4 * h <= h_end) {
    for (std::size_t i = 0; i < len; i += 4 * h) radix4_group(v + i, h);
  } else if (2 * h <= h_end) {
    for (std::size_t i = 0; i < len; i += 2 * h) radix2_group(v + i, h);
  }
}

// Below 8 coordinates the vector kernels do not apply; these lengths only occur for tiny
// partitions, so plain loops do.
void small_fwht(float* v, std::size_t d) {
  for (std::size_t h = 1; h < d; h <<= 1)
    for (std::size_t i = 0; i < d; i += 2 * h)
      for (std::size_t j = i; j < i + h; ++j) {
        float x = v[j], y = v[j + h];
        v[j] = x + y;
        v[j + h] = x - y;
      }
}

CS_VECTOR_CLONES void fwht_impl(float* v, std::size_t d) {
  if (d < 8) return small_fwht(v, d);
  const std::size_t block = std::min(d, kBlock), superblock = std::min(d, kSuperblock);
  for (std::size_t s = 0; s < d; s += superblock) {
    for (std::size_t b = s; b < s + superblock; b += block) {
      first_stages(v + b, block);
      stages(v + b, block, 8, block);
    }
    stages(v + s, superblock, block, superblock);
  }
  stages(v, d, superblock, d);
}

CS_VECTOR_CLONES void rotate_impl(const float* in, std::size_t in_len, float* out, std::size_t d, std::uint64_t seed) {
  if (d < 8) {
    for (std::size_t i = 0; i < d; ++i) {
      float x = i < in_len ? in[i] : 0.0f;
      out[i] = rotation_sign_negative(seed, i) ? -x : x;
    }
    return small_fwht(out, d);
  }
  const std::size_t block = std::min(d, kBlock), superblock = std::min(d, kSuperblock);
  for (std::size_t s = 0; s < d; s += superblock) {
    for (std::size_t b = s; b < s + superblock; b += block) {
      signed_first_stages(in, in_len, out, b, block, seed);
      stages(out + b, block, 8, block);
    }
    stages(out + s, superblock, block, superblock);
  }
  stages(out, d, superblock, d);
}

// out[i] = scale * D v[i] for the first out.size() coordinates: the inverse rotation's last
// step, fused with the copy out of the padded scratch.
CS_VECTOR_CLONES void apply_signs(const float* v, float* out, std::size_t n, std::uint64_t seed, float scale) {
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const std::uint64_t word = mix(seed, i >> 6);
    for (std::size_t k = 0; k < 64; k += 4) store4(out + i + k, load4(v + i + k) * (kSigns[(word >> k) & 15] * scale));
  }
  for (; i < n; ++i) out[i] = v[i] * (rotation_sign_negative(seed, i) ? -scale : scale);
}

void check_length(std::size_t d) {
  if (!is_power_of_two(d)) throw std::invalid_argument("Hadamard transform needs a power-of-two length");
}

}  // namespace

bool rotation_sign_negative(std::uint64_t seed, std::size_t i) { return (mix(seed, i >> 6) >> (i & 63)) & 1; }

void fwht_raw(std::span<float> v) {
  check_length(v.size());
  fwht_impl(v.data(), v.size());
}

void rotate_raw(std::span<const float> in, std::span<float> out, std::uint64_t seed) {
  check_length(out.size());
  if (in.size() > out.size()) throw std::invalid_argument("rotate_raw: input longer than the output");
  rotate_impl(in.data(), in.size(), out.data(), out.size(), seed);
}

void unrotate_raw(std::span<float> v, std::uint64_t seed, float scale) { unrotate_raw(v, seed, scale, v); }

void unrotate_raw(std::span<float> v, std::uint64_t seed, float scale, std::span<float> out) {
  check_length(v.size());
  if (out.size() > v.size()) throw std::invalid_argument("unrotate_raw: output longer than the input");
  fwht_impl(v.data(), v.size());
  apply_signs(v.data(), out.data(), out.size(), seed, scale);
}

}  // namespace cs::compression

#pragma once
// Portable vectorisation helpers for the hot loops of compression: GCC builds an AVX2 clone
// and a baseline x86-64 clone of each marked function and picks one at load time (ifunc), so
// binaries run on any x86-64 without -march=native. Both clones do the same IEEE operations
// in the same order (no FMA contraction under -std=c++20, no reassociation), so they produce
// bit-identical results: determinism does not depend on the machine.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define CS_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CS_VECTOR_CLONES
#endif

#if defined(__GNUC__)
#define CS_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define CS_ALWAYS_INLINE inline
#endif

// Hand-written AVX2 kernels (selected at run time with __builtin_cpu_supports) where the
// compiler's own vectorisation falls short.
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define CS_HAVE_AVX2_INTRINSICS 1
#else
#define CS_HAVE_AVX2_INTRINSICS 0
#endif

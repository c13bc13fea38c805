#pragma once
// THC's lookup tables (Tensor Homomorphic Compression, NSDI 2024): a worker sends, per
// coordinate, a b-bit index into a table of 2^b integers in [0, g]; the switch (or PS) sums
// the table *values*, so the aggregate is an integer that decodes without decompressing each
// worker. The table is chosen to minimise the variance of unbiased stochastic rounding of the
// (rotated, normalised, clipped) coordinates, which are close to a standard normal.
#include <vector>

namespace cs::compression {

// Clipping threshold T = Phi^-1(1 - p/2): a standard normal lands outside [-T, T] with
// probability p. Throws std::invalid_argument unless 0 < p < 1.
double clip_threshold(double clip_probability);

// The variance-optimal table for `bits` bits, granularity g and clipping probability p:
// 2^bits strictly increasing integers, R[0] = 0, R[last] = g, symmetric (R[k] + R[last-k] = g).
// Computed once per (bits, g, p) and cached; safe to call from several threads.
// Throws std::invalid_argument for bits outside 1..8, g < 2^bits - 1, or p outside (0, 1).
std::vector<int> optimal_table(int bits, int granularity, double clip_probability);

// Evenly spaced integers (rounded, and mirrored so the table stays symmetric): the "UHC"
// ablation, uniform quantisation with the same homomorphic sum. Same argument checks.
std::vector<int> uniform_table(int bits, int granularity);

// Expected stochastic-rounding variance of X = (Z + T) g / (2T), Z a standard normal clipped to
// [-T, T], onto `table` (in table units squared). What optimal_table minimises; exposed so
// tests and ablations can compare tables.
double expected_rounding_variance(const std::vector<int>& table, int granularity, double clip_probability);

}  // namespace cs::compression

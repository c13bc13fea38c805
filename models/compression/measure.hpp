#pragma once
// Measures a compression scheme on synthetic gradients: the accuracy of the mean it delivers
// (vNMSE), its wire cost, and the compute time of each step. What `clustersim compress`
// prints and what the simulator's compression cost model is calibrated from.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compression/scheme.hpp"

namespace cs::compression {

struct MeasureOptions {
  SchemeConfig scheme;  // its `workers` is replaced by `workers` below
  int workers = 8;
  std::size_t dim = 1 << 20;
  std::string dist = "gaussian";  // or "lognormal"
  std::uint64_t seed = 1;
  int rounds = 1;  // independent rounds (fresh vectors and seeds); vNMSE is their mean
};

struct MeasureResult {
  // ||mean_hat - mean||^2 / ((1/n) sum ||a_i||^2), no error feedback.
  double vnmse = 0;
  double bits_up_per_coord = 0, bits_down_per_coord = 0;
  std::vector<int> table;  // thc, uhc: the lookup table used
  // Seconds per coordinate, median over the calls: a worker's local_scales() plus encode(); one
  // add() (per contribution); finish(); decode(). The only non-deterministic fields.
  double encode_s_per_coord = 0, add_s_per_coord = 0, finish_s_per_coord = 0, decode_s_per_coord = 0;
};

// Throws std::invalid_argument for a bad scheme configuration (make_scheme's messages),
// workers < 1, dim < 1, rounds < 1 or an unknown distribution.
MeasureResult measure(const MeasureOptions& options);

// Worker `worker`'s synthetic gradient: N(0, 1) coordinates ("gaussian"), or exp(N(0, 1)) with
// a random sign ("lognormal", heavy-tailed). A pure function of its arguments.
std::vector<float> synthetic_gradient(std::size_t dim, const std::string& dist, std::uint64_t seed, int worker);

}  // namespace cs::compression

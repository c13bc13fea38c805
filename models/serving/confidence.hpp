#pragma once
// A classifier's confidence as a cascade uses it: the largest softmax probability after
// temperature scaling (Guo et al. 2017: logits / T, one scalar T fitted on validation NLL).
#include <cstdint>
#include <span>

namespace cs::serving {

// Index of the largest logit (the first on ties).
int argmax(std::span<const float> logits);

// max_k softmax(logits / temperature)_k, computed stably. temperature > 0.
double max_softmax(std::span<const float> logits, double temperature);

// Mean negative log-likelihood of `labels` under softmax(logits / temperature).
// `logits` holds labels.size() rows of `classes` values, row-major.
double mean_nll(std::span<const float> logits, std::span<const std::uint8_t> labels, int classes, double temperature);

// The temperature in [0.05, 20] minimising mean_nll (golden-section search on log T; NLL is
// convex in 1/T). Throws std::invalid_argument on empty input or a size mismatch.
double fit_temperature(std::span<const float> logits, std::span<const std::uint8_t> labels, int classes);

}  // namespace cs::serving

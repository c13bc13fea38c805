#pragma once
// How far the analytical fidelity level's job completion times are from exact ones, as
// measured by scripts/fidelity_error.py on random mixes (results/fidelity/analytical_error.csv,
// compiled in: the summary of an analytical run names the figures for its own kind of mix).
#include <optional>
#include <string>
#include <string_view>

#include "scenario/scenario.hpp"

namespace cs {

struct ExpectedError {
  long long jobs;    // jobs measured
  double mean_abs;   // mean |analytical - exact| / exact
  double bias;       // mean (analytical - exact) / exact
  double worst_abs;  // largest |analytical - exact| / exact
};

// "ps", "ring" or "ina" when every job aggregates that way, else "mixed".
std::string aggregation_group(const TrainingWorkload& workload);

// The measured error for a topology kind and aggregation group; nullopt where none was measured
// (edge_dc).
std::optional<ExpectedError> expected_error(std::string_view topology, std::string_view aggregation);

}  // namespace cs

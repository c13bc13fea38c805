#pragma once
// Summary statistics used by every report, with one documented percentile definition.
#include <span>

namespace cs {

// Percentile q in [0, 100] by linear interpolation between closest ranks (numpy's default,
// "type 7"), so that scripts recomputing from the CSVs get the same figure. 0 for no data.
double percentile(std::span<const double> values, double q);
double mean(std::span<const double> values);

// The z with P(Z > z) = tail for a standard normal Z; tail in (0, 1), else std::invalid_argument.
double normal_tail_quantile(double tail);

}  // namespace cs

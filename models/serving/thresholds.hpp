#pragma once
// Confidence scaling: one edge/DC model pair serves many accuracy tiers through one confidence
// threshold per tier. A request whose edge confidence is at least the threshold is answered at
// the edge; the rest go to the DC model.
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace cs::serving {

// One validation sample's outcome under both models.
struct CascadeSample {
  float edge_confidence;
  bool edge_correct;
  bool dc_correct;
};

inline constexpr double all_to_dc = std::numeric_limits<double>::infinity();

// Accuracy when samples with confidence >= threshold are answered by the edge model.
double cascade_accuracy(std::span<const CascadeSample> samples, double threshold);
// Share of samples with confidence >= threshold.
double edge_share(std::span<const CascadeSample> samples, double threshold);

struct TierThreshold {
  double target;               // the tier's accuracy
  double threshold;            // all_to_dc when only the DC model meets it
  double validation_accuracy;  // cascade accuracy at `threshold` on the validation split
  double edge_share;           // share answered at the edge at `threshold`
};

// An accuracy measured on n samples, less z standard errors (normal approximation): with
// z = 1.645 the true accuracy is above it with 95% confidence. z = 0: the accuracy itself.
double accuracy_lower_bound(double accuracy, std::size_t n, double z);

// For each target (in the order given), the lowest threshold whose cascade accuracy on
// `validation` (its lower bound at `z`) is at least the target: the one that sends the fewest
// requests to the DC. Candidates are the distinct confidences and all_to_dc. nullopt: no
// threshold meets it. O(n log n + targets x n). A higher target never gets a lower threshold.
std::vector<std::optional<TierThreshold>> threshold_table(std::span<const CascadeSample> validation,
                                                          std::span<const double> targets, double z = 0);

}  // namespace cs::serving

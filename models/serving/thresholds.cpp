// The tier-to-threshold table: one pass over the validation samples sorted by edge confidence
// (descending) gives the cascade accuracy at every candidate threshold; each target then takes
// the lowest candidate that meets it.
#include "serving/thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace cs::serving {

namespace {

// Accuracies are ratios of counts; a target equal to one must still be met despite rounding.
constexpr double tolerance = 1e-12;

void require_samples(std::span<const CascadeSample> samples, const char* what) {
  if (samples.empty()) throw std::invalid_argument(std::string(what) + ": no validation samples");
}

struct Candidate {
  double threshold;
  std::size_t edge;        // samples answered at the edge (confidence >= threshold)
  std::size_t correct;     // edge-correct among them plus DC-correct among the rest
  double accuracy;         // correct / n
};

}  // namespace

double cascade_accuracy(std::span<const CascadeSample> samples, double threshold) {
  require_samples(samples, "cascade_accuracy");
  std::size_t correct = 0;
  for (const CascadeSample& s : samples) correct += double(s.edge_confidence) >= threshold ? s.edge_correct : s.dc_correct;
  return double(correct) / double(samples.size());
}

double edge_share(std::span<const CascadeSample> samples, double threshold) {
  require_samples(samples, "edge_share");
  std::size_t edge = 0;
  for (const CascadeSample& s : samples) edge += double(s.edge_confidence) >= threshold;
  return double(edge) / double(samples.size());
}

double accuracy_lower_bound(double accuracy, std::size_t n, double z) {
  if (z == 0 || n == 0) return accuracy;
  return accuracy - z * std::sqrt(accuracy * (1 - accuracy) / double(n));
}

std::vector<std::optional<TierThreshold>> threshold_table(std::span<const CascadeSample> validation,
                                                          std::span<const double> targets, double z) {
  require_samples(validation, "threshold_table");
  for (const CascadeSample& s : validation)
    if (std::isnan(s.edge_confidence)) throw std::invalid_argument("threshold_table: a validation confidence is NaN");

  std::vector<CascadeSample> sorted(validation.begin(), validation.end());
  std::sort(sorted.begin(), sorted.end(),
                   [](const CascadeSample& a, const CascadeSample& b) { return a.edge_confidence > b.edge_confidence; });
  const std::size_t n = sorted.size();

  std::size_t dc_total = 0;
  for (const CascadeSample& s : sorted) dc_total += s.dc_correct;

  // Candidates in descending threshold order: all_to_dc, then each distinct confidence with
  // every sample at or above it answered at the edge.
  std::vector<Candidate> candidates;
  candidates.reserve(n + 1);
  candidates.push_back({all_to_dc, 0, dc_total, double(dc_total) / double(n)});
  std::size_t edge_correct = 0, dc_correct_at_edge = 0;
  for (std::size_t i = 0; i < n;) {
    const float c = sorted[i].edge_confidence;
    for (; i < n && sorted[i].edge_confidence == c; ++i) {
      edge_correct += sorted[i].edge_correct;
      dc_correct_at_edge += sorted[i].dc_correct;
    }
    const std::size_t correct = edge_correct + dc_total - dc_correct_at_edge;
    candidates.push_back({double(c), i, correct, double(correct) / double(n)});
  }

  std::vector<std::optional<TierThreshold>> table;
  table.reserve(targets.size());
  for (double target : targets) {
    std::optional<TierThreshold> best;
    // From the lowest threshold up: the first that meets the target keeps the most at the edge.
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
      if (accuracy_lower_bound(it->accuracy, n, z) >= target - tolerance) {
        best = TierThreshold{target, it->threshold, it->accuracy, double(it->edge) / double(n)};
        break;
      }
    }
    table.push_back(best);
  }
  return table;
}

}  // namespace cs::serving

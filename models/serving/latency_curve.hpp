#pragma once
// A model's latency on one device as a function of batch size: the profiled points, linear
// between them and extended beyond the last with the last segment's slope.
#include <utility>
#include <vector>

namespace cs::serving {

class LatencyCurve {
 public:
  LatencyCurve() = default;
  // Points (batch, seconds), batch ascending from 1, seconds > 0; the caller validates.
  explicit LatencyCurve(std::vector<std::pair<int, double>> points) : points_(std::move(points)) {}

  bool empty() const { return points_.empty(); }
  int max_profiled_batch() const { return points_.empty() ? 0 : points_.back().first; }
  double at(int batch) const {
    if (points_.size() == 1) return points_[0].second * batch;  // one point: no batching gain assumed
    std::size_t i = 1;
    while (i + 1 < points_.size() && points_[i].first < batch) ++i;
    const auto [b0, t0] = points_[i - 1];
    const auto [b1, t1] = points_[i];
    return t0 + (t1 - t0) * double(batch - b0) / double(b1 - b0);
  }

 private:
  std::vector<std::pair<int, double>> points_;
};

}  // namespace cs::serving

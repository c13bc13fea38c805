// Arrivals replayed from a trace: the camera's own times, or the ones every camera shares.
#include <limits>

#include "serving/arrivals.hpp"

namespace cs::serving {
namespace {

class Trace : public ArrivalStream {
 public:
  explicit Trace(std::span<const double> times) : times_(times) {}
  double next() override { return k_ < times_.size() ? times_[k_++] : std::numeric_limits<double>::infinity(); }

 private:
  std::span<const double> times_;
  std::size_t k_ = 0;
};

}  // namespace

extern const ArrivalEntry trace_arrivals;
const ArrivalEntry trace_arrivals{
    "trace", "the times read from `file`: a CSV of time_s, shared by every camera, or time_s,camera", true,
    [](const ArrivalSource& s, learning::SplitMix64) -> std::unique_ptr<ArrivalStream> { return std::make_unique<Trace>(s.trace); }};

}  // namespace cs::serving

// Poisson arrivals: exponential gaps at the camera's rate.
#include <cmath>

#include "serving/arrivals.hpp"

namespace cs::serving {
namespace {

class Poisson : public ArrivalStream {
 public:
  Poisson(double rate, learning::SplitMix64 rng) : rate_(rate), rng_(rng) {}
  double next() override { return t_ += -std::log1p(-rng_.uniform()) / rate_; }

 private:
  double rate_;
  learning::SplitMix64 rng_;
  double t_ = 0;
};

}  // namespace

extern const ArrivalEntry poisson_arrivals;
const ArrivalEntry poisson_arrivals{
    "poisson", "exponential gaps at `rate` per camera, a seeded stream each", false,
    [](const ArrivalSource& s, learning::SplitMix64 rng) -> std::unique_ptr<ArrivalStream> {
      return std::make_unique<Poisson>(s.rate_per_s, rng);
    }};

}  // namespace cs::serving

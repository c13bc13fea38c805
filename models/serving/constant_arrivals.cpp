// Constant-rate arrivals: one request every 1 / rate, from a random phase per camera so that
// cameras at one frame rate do not fire in lockstep.
#include "serving/arrivals.hpp"

namespace cs::serving {
namespace {

class Constant : public ArrivalStream {
 public:
  Constant(double rate, learning::SplitMix64 rng) : rate_(rate), next_(rng.uniform() / rate) {}
  double next() override {
    const double t = next_;
    next_ = t + 1.0 / rate_;
    return t;
  }

 private:
  double rate_, next_;
};

}  // namespace

extern const ArrivalEntry constant_arrivals;
const ArrivalEntry constant_arrivals{
    "constant", "one request every 1/`rate` per camera, from a random phase so cameras do not fire in lockstep", false,
    [](const ArrivalSource& s, learning::SplitMix64 rng) -> std::unique_ptr<ArrivalStream> {
      return std::make_unique<Constant>(s.rate_per_s, rng);
    }};

}  // namespace cs::serving

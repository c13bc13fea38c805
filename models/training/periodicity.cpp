#include "training/periodicity.hpp"

#include <cmath>

namespace cs::training {

std::optional<double> common_period(std::span<const double> ends, std::size_t ranks) {
  constexpr auto h = std::size_t(periodicity_history);
  if (ranks == 0 || ends.size() != ranks * h) return std::nullopt;
  const double period = ends[1] - ends[0];
  if (!(period > 0) || !std::isfinite(period)) return std::nullopt;
  for (std::size_t r = 0; r < ranks; ++r)
    for (std::size_t i = 1; i < h; ++i) {
      const double d = ends[r * h + i] - ends[r * h + i - 1];
      if (!(std::abs(d - period) <= periodicity_tolerance * period)) return std::nullopt;
    }
  return period;
}

long long skippable_iterations(double next_start_s, double period, double horizon_s, long long remaining) {
  if (!(period > 0) || remaining <= 1) return 0;
  long long k = remaining - 1;
  if (std::isfinite(horizon_s)) {
    const double room = (horizon_s - next_start_s) / period;
    if (!(room >= 1)) return 0;
    // floor, less one when the window would end exactly at the event: the event's own
    // ordering against the job's next message is the exact run's to decide.
    const double whole = std::floor(room);
    k = std::min(k, (long long)(whole == room ? whole - 1 : whole));
  }
  return k > 0 ? k : 0;
}

}  // namespace cs::training

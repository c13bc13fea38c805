#pragma once
// Arrival processes: when each camera of an inference workload creates a request. One process
// per file (poisson_arrivals.cpp, ...), listed by one line in arrivals.cpp; the scenario names
// one in `/workload/arrivals/process`.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "core/registry.hpp"
#include "learning/random.hpp"

namespace cs::serving {

// One camera's request times, drawn lazily and in order.
class ArrivalStream {
 public:
  virtual ~ArrivalStream() = default;
  // The next time, in seconds from the start; at or past the workload's end once done.
  virtual double next() = 0;
};

// What a process may read: a rate per camera, or the times of a trace (the camera's own, or
// the one every camera shares).
struct ArrivalSource {
  double rate_per_s = 0;
  std::span<const double> trace;
};

struct ArrivalEntry {
  std::string_view name;         // the scenario's `/workload/arrivals/process` value
  std::string_view description;  // one line, for listings
  bool from_trace;  // true: reads `file` (a CSV of times, per camera or shared); false: `rate` per camera
  // A camera's stream; `rng` is that camera's own seeded stream.
  std::unique_ptr<ArrivalStream> (*make)(const ArrivalSource& source, learning::SplitMix64 rng);
};

// Every registered arrival process, in the order listings show them.
const Registry<ArrivalEntry>& arrival_processes();

}  // namespace cs::serving

#pragma once
// The arrival processes of an inference workload (`/workload/arrivals/process`): the names the
// parser accepts and what each reads from the scenario. The arrival times themselves are drawn
// in sim/inference/camera.cpp (class Arrivals), keyed by the ArrivalProcess the entry carries:
// a new process is its entry here, its ArrivalProcess value and its branch there.
#include <string_view>

#include "core/registry.hpp"
#include "inference_spec.hpp"

namespace cs {

struct ArrivalEntry {
  std::string_view name;
  std::string_view description;
  ArrivalProcess process;
  bool from_trace;  // true: `file` (a CSV of times, per camera or shared); false: `rate` per camera
};

inline constexpr ArrivalEntry poisson_arrivals{"poisson", "exponential gaps at `rate` per camera, a seeded stream each",
                                               ArrivalProcess::poisson, false};
inline constexpr ArrivalEntry constant_arrivals{
    "constant", "one request every 1/`rate` per camera, from a random phase so cameras do not fire in lockstep",
    ArrivalProcess::constant, false};
inline constexpr ArrivalEntry trace_arrivals{"trace", "the times read from `file`: a CSV of time_s, shared by every camera, or time_s,camera",
                                             ArrivalProcess::trace, true};

inline const Registry<ArrivalEntry>& arrival_processes() {
  static const Registry<ArrivalEntry> registry("arrival process", {&poisson_arrivals, &constant_arrivals, &trace_arrivals});
  return registry;
}

}  // namespace cs

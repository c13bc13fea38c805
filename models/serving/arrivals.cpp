// The arrival processes' registry. Each process is one file that defines
// `const ArrivalEntry <id>_arrivals` in cs::serving; listing its id here declares and registers it.
#include "serving/arrivals.hpp"

namespace cs::serving {

#define CS_ARRIVAL_PROCESSES(X) \
  X(poisson)                    \
  X(constant)                   \
  X(trace)

#define CS_DECLARE(id) extern const ArrivalEntry id##_arrivals;
CS_ARRIVAL_PROCESSES(CS_DECLARE)
#undef CS_DECLARE

const Registry<ArrivalEntry>& arrival_processes() {
#define CS_LIST(id) &id##_arrivals,
  static const Registry<ArrivalEntry> registry("arrival process", {CS_ARRIVAL_PROCESSES(CS_LIST)});
#undef CS_LIST
  return registry;
}

}  // namespace cs::serving

#pragma once
// In-network aggregation settings of a training workload: which allocation policy the
// switches run, their memory, and the ATP-style transport the hosts use.
#include <cstdint>

namespace cs {

enum class SwitchAllocation { switchml, atp, esa };
// ESA's packet priority. srtf: the job with the least remaining work first (the default:
// shortest-remaining-first minimises mean completion time on one shared resource);
// las: the job that has received the least service first (needs no job size).
enum class PriorityMetric { srtf, las };

struct InaSpec {
  SwitchAllocation allocation = SwitchAllocation::esa;
  PriorityMetric priority = PriorityMetric::srtf;
  bool switchml_host_path = false;  // SwitchML job finding no free pool: true = aggregate at its PS, false = wait
  std::uint32_t aggregators = 20000;          // per switch
  std::uint32_t aggregators_per_job = 2800;   // ATP/ESA: hashing range per job
  std::uint32_t switchml_pool = 256;          // SwitchML: aggregators reserved per job (two per slot)
  std::uint32_t values_per_packet = 62;       // ATP/ESA 62 int32, SwitchML 64
  double header_bytes = 60;                   // per packet on the wire, beyond the values
  std::uint32_t unit = 16;                    // packets per SimGrid transfer (granularity)
  std::uint32_t window_initial = 32, window_min = 1, window_max = 100;  // packets per worker
  double ecn_threshold_bytes = 64e3;          // switch egress backlog that marks ECN
  double rto_s = 1e-3;                        // retransmission timeout
  double ps_packet_cost_s = 20e-9;            // software aggregation per packet at a PS

  double payload_bytes() const { return 4.0 * values_per_packet; }
  double packet_bytes() const { return payload_bytes() + header_bytes; }
};

}  // namespace cs

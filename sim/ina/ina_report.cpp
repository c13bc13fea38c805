#include <algorithm>

#include "ina/ina_report.hpp"

namespace cs::ina_sim {

Table ina_jobs_table(const InaRun& run) {
  Table t{"ina_jobs",
          {"job", "fragments_per_iteration", "packets_sent", "retransmissions", "lost_packets", "ecn_window_cuts",
           "collisions", "preemptions_suffered", "preemptions_caused", "switch_aggregated_bytes", "ps_aggregated_bytes",
           "admission_wait_s", "unit", "reorder_window_s"},
          {}};
  for (const auto& j : run.jobs) {
    if (!j) continue;
    const InaJobCounters& c = j->counters;
    const double payload = j->up_payload_bytes;
    t.add(j->spec->name, j->fragments, c.packets_sent, c.retransmissions, c.lost_packets, c.ecn_window_cuts,
          c.collisions, c.preemptions_suffered, c.preemptions_caused, double(c.switch_contributions) * payload,
          double(c.ps_contributions) * payload, c.admission_wait_s, j->unit, j->reorder_window_s);
  }
  return t;
}

Table switches_table(const InaRun& run, double duration) {
  Table t{"switches",
          {"switch", "policy", "aggregators", "occupancy_mean", "occupancy_peak", "useful_aggregator_s",
           "idle_held_aggregator_s", "packets", "completed_in_switch", "collisions", "preemptions", "flushes"},
          {}};
  for (const auto& sw : run.switches) {
    const auto& c = sw->policy->counters();
    const double capacity = sw->policy->capacity();
    const MemoryUse& m = sw->memory;
    t.add(sw->host, sw->policy->name(), capacity, duration > 0 ? m.occupied_time / (capacity * duration) : 0.0,
          double(m.peak) / capacity, m.partial_time, m.occupied_time - m.partial_time, c.packets, c.completed,
          c.collisions, c.preemptions, c.flushes);
  }
  return t;
}

nlohmann::json ina_metrics(const InaRun& run, double duration) {
  InaJobCounters sum;
  double switch_bytes = 0, ps_bytes = 0;  // upstream payload aggregated in each place
  std::uint32_t unit = 0;
  double reorder_window = 0;
  for (const auto& j : run.jobs) {
    if (!j) continue;
    unit = std::max(unit, j->unit);
    reorder_window = std::max(reorder_window, j->reorder_window_s);
    switch_bytes += double(j->counters.switch_contributions) * j->up_payload_bytes;
    ps_bytes += double(j->counters.ps_contributions) * j->up_payload_bytes;
    sum.packets_sent += j->counters.packets_sent;
    sum.retransmissions += j->counters.retransmissions;
    sum.lost_packets += j->counters.lost_packets;
    sum.ecn_window_cuts += j->counters.ecn_window_cuts;
    sum.collisions += j->counters.collisions;
    sum.preemptions_caused += j->counters.preemptions_caused;
    sum.switch_contributions += j->counters.switch_contributions;
    sum.ps_contributions += j->counters.ps_contributions;
  }
  double occupied = 0, partial = 0, capacity = 0, peak = 0;
  std::uint64_t packets = 0;
  for (const auto& sw : run.switches) {
    occupied += sw->memory.occupied_time;
    partial += sw->memory.partial_time;
    capacity += sw->policy->capacity();
    peak = std::max(peak, double(sw->memory.peak) / sw->policy->capacity());
    packets += sw->policy->counters().packets;
  }
  const double contributions = double(sum.switch_contributions + sum.ps_contributions);
  return {
      {"ina_packets_sent", sum.packets_sent},
      {"ina_switch_packets", packets},
      {"ina_retransmissions", sum.retransmissions},
      {"ina_lost_packets", sum.lost_packets},
      {"ina_ecn_window_cuts", sum.ecn_window_cuts},
      {"ina_collisions", sum.collisions},
      {"ina_preemptions", sum.preemptions_caused},
      {"ina_switch_aggregated_bytes", switch_bytes},
      {"ina_ps_aggregated_bytes", ps_bytes},
      {"ina_switch_aggregated_share", contributions > 0 ? double(sum.switch_contributions) / contributions : 0.0},
      {"switch_occupancy_mean", duration > 0 && capacity > 0 ? occupied / (capacity * duration) : 0.0},
      {"switch_occupancy_peak", peak},
      {"switch_idle_held_share", occupied > 0 ? (occupied - partial) / occupied : 0.0},
      {"ina_unit", unit},
      {"ina_reorder_window_s", reorder_window},
  };
}

}  // namespace cs::ina_sim

#pragma once
// What the INA actors share and record while they run: per job, the counters the report
// shows; per switch, its policy and the time integrals of its memory use.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ina/aggregation_policy.hpp"
#include "scenario/ina_spec.hpp"

namespace cs::ina_sim {

struct InaJobCounters {
  std::uint64_t packets_sent = 0;           // first transmissions
  std::uint64_t retransmissions = 0;        // packets resent after a timeout
  std::uint64_t collisions = 0;             // packets that found their aggregator held by another fragment
  std::uint64_t preemptions_suffered = 0;   // this job's aggregators taken by another job
  std::uint64_t preemptions_caused = 0;
  std::uint64_t switch_contributions = 0;   // worker contributions summed in the switch
  std::uint64_t ps_contributions = 0;       // worker contributions summed at the PS
  std::uint64_t lost_packets = 0;
  std::uint64_t ecn_window_cuts = 0;        // windows halved on an ECN mark
  double admission_wait_s = 0;              // SwitchML: waiting for a free pool
};

// Time integrals of a switch's aggregator use, updated at every change.
struct MemoryUse {
  double last_s = 0;
  double occupied_time = 0;   // aggregator-seconds held
  double partial_time = 0;    // aggregator-seconds holding an incomplete sum (useful)
  std::uint32_t peak = 0;
  void advance(double now, std::uint32_t occupied, std::uint32_t partial) {
    occupied_time += occupied * (now - last_s);
    partial_time += partial * (now - last_s);
    last_s = now;
  }
};

struct SwitchState {
  std::string host;
  std::unique_ptr<ina::AggregationPolicy> policy;
  MemoryUse memory;
};

}  // namespace cs::ina_sim

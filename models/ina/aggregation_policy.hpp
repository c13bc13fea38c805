#pragma once
// The switch's per-packet aggregation logic, one class per allocation policy behind one
// interface: SwitchML (static pools), ATP (hashed, best effort), ESA (ATP plus preemption).
// policy_registry.hpp lists them by name, with what the simulator needs to know beyond this.
#include <memory>
#include <string_view>

#include "packet.hpp"

namespace cs::ina {

struct SwitchMemory {
  std::uint32_t aggregators = 20000;         // ATP's P4 program: 40,000 registers, 20,000 usable
  std::uint32_t values_per_aggregator = 62;  // 0: timing only, no values stored
};

struct PolicyCounters {
  std::uint64_t packets = 0, absorbed = 0, completed = 0, collisions = 0, preemptions = 0, flushes = 0,
                forwarded = 0, duplicates = 0;
};

class AggregationPolicy {
 public:
  virtual ~AggregationPolicy() = default;
  virtual std::string_view name() const = 0;
  virtual Outcome on_packet(const Packet& p) = 0;
  // A job asks for aggregators before it starts (SwitchML reserves a pool; ATP and ESA share
  // all memory and always admit). False: no room now.
  virtual bool admit(std::uint32_t job, std::uint32_t aggregators) = 0;
  virtual void release(std::uint32_t job) = 0;
  // The fragment's result passed back through the switch (ATP/ESA: the PS's ACK): its
  // aggregator, if still held by the fragment, is freed.
  virtual void on_result(std::uint32_t job, std::uint64_t seq, std::uint32_t index) = 0;
  // Aggregators currently held: by a fragment (partial, or complete and waiting for its ACK),
  // or reserved in a SwitchML pool.
  virtual std::uint32_t occupied() const = 0;
  // Aggregators holding an incomplete sum: the useful part of `occupied`.
  virtual std::uint32_t partials() const = 0;
  virtual std::uint32_t capacity() const = 0;
  const PolicyCounters& counters() const { return counters_; }

 protected:
  // Every verdict passes through here on its way out, so the counters cannot drift.
  Outcome done(Outcome o) {
    ++counters_.packets;
    switch (o.verdict) {
      case Verdict::absorbed: ++counters_.absorbed; break;
      case Verdict::completed: ++counters_.completed; break;
      case Verdict::collision: ++counters_.collisions; break;
      case Verdict::preempted: ++counters_.preemptions; break;
      case Verdict::flushed: ++counters_.flushes; break;
      case Verdict::forwarded: ++counters_.forwarded; break;
      case Verdict::duplicate: ++counters_.duplicates; break;
    }
    return o;
  }
  PolicyCounters counters_;
};

}  // namespace cs::ina

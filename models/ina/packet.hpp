#pragma once
// What a switch sees of an in-network aggregation packet, and what it decides about it.
#include <cstdint>
#include <span>

namespace cs::ina {

// One fragment of one worker's gradient: a packet's worth of values (ATP: 62 int32, SwitchML: 64).
struct Packet {
  std::uint32_t job = 0;
  std::uint32_t worker = 0;   // rank within the job, < 64
  std::uint32_t fan_in = 1;   // workers in the job
  std::uint64_t seq = 0;      // fragment number, unique within the job over its whole run
  std::uint32_t index = 0;    // aggregator chosen by the host (ATP/ESA: hashed; SwitchML: its pool slot)
  std::uint32_t priority = 0; // ESA: the larger, the more urgent
  bool resend = false;        // a retransmission after a timeout
  std::span<const std::int32_t> values;  // empty when only timing is simulated
};

// A (partial) sum leaving the switch: for the owner's parameter server, or (SwitchML) for
// multicast to the workers. `values` points into the switch's scratch memory and stays valid
// until the next packet is processed.
struct Aggregate {
  std::uint32_t job = 0;
  std::uint64_t seq = 0;
  std::uint64_t bitmap = 0;  // contributors included
  std::uint32_t count = 0;
  std::span<const std::int32_t> values;
};

enum class Verdict : std::uint8_t {
  absorbed,   // added to an aggregator; nothing leaves the switch
  completed,  // all fan_in contributions are in: `out` leaves (to the PS, or multicast by SwitchML)
  collision,  // the aggregator belongs to another fragment: the packet goes on to its PS as is
  preempted,  // ESA: the packet took the aggregator; the holder's partial `out` goes to the holder's PS
  flushed,    // a resend met its own fragment: the partial `out` goes to the PS, the aggregator is freed,
              // and the packet follows it
  forwarded,  // a resend that found no aggregator of its fragment: the packet goes to the PS as is
  duplicate,  // a contribution already counted (a resend after completion): dropped, the result is re-sent
};

struct Outcome {
  Verdict verdict;
  Aggregate out;  // for completed, preempted and flushed
  // Does the packet itself travel on to the parameter server?
  bool packet_to_ps() const {
    return verdict == Verdict::collision || verdict == Verdict::flushed || verdict == Verdict::forwarded;
  }
};

}  // namespace cs::ina

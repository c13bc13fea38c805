#pragma once
// Typed messages between INA workers, switches and parameter servers. A message carries up to
// `unit` packets, each with its own time: when it is ready at the sender, and, once the
// network has carried it (InaRun::carry), when it has arrived. Receivers act on each packet
// at its own time, so the batch changes how often actors wake, not when packets move.
#include <cstdint>
#include <variant>
#include <vector>

namespace cs::ina_sim {

// Worker -> switch: fragments of one worker's gradient.
struct PacketBatch {
  std::uint32_t job, worker;
  std::uint32_t priority;
  bool resend;
  std::vector<std::uint64_t> seqs;
  std::vector<double> times;
};

// Switch -> PS: what the switch could not (or did not fully) aggregate. With two levels, a
// first-level switch sends the same items to the second level: its complete sums as partials
// (the second level adds them up), everything else for the second level to pass on.
struct PsItem {
  enum Kind : std::uint8_t { aggregate, partial, packet } kind;
  bool marked;  // ECN: an egress on the way was over its threshold
  std::uint64_t seq;
  std::uint64_t bitmap;  // contributors
  bool resend = false;   // a packet resent after a timeout (it flushes the second level's partial)
};
struct ToPs {
  std::uint32_t job;
  std::vector<PsItem> items;
  std::vector<double> times;
};

// PS -> switch -> workers: fragments whose sum is complete (ATP's ACK), multicast to the
// job's workers, or to one worker (`only_worker`) answering its resend. `marked` echoes ECN.
struct Results {
  std::uint32_t job;
  std::int32_t only_worker = -1;
  std::vector<std::uint64_t> seqs;
  std::vector<std::uint8_t> marked;
  std::vector<double> times;
  void add(std::uint64_t seq, bool mark, double t) {
    seqs.push_back(seq);
    marked.push_back(mark);
    times.push_back(t);
  }
};

// What a switch receives: workers' packets, results on their way back, and (at a second level)
// what the first level sends up.
using SwitchMessage = std::variant<PacketBatch, Results, ToPs>;

}  // namespace cs::ina_sim

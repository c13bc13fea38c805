#pragma once
// Typed messages between INA workers, switches and parameter servers. Each stands for
// `count` packets on the wire; SimGrid times the whole message (the granularity "unit").
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
};

// Switch -> PS: what the switch could not (or did not fully) aggregate.
struct PsItem {
  enum Kind : std::uint8_t { aggregate, partial, packet } kind;
  std::uint64_t seq;
  std::uint64_t bitmap;  // contributors
};
struct ToPs {
  std::uint32_t job;
  std::vector<PsItem> items;
  bool congested;  // ECN: the switch's egress toward this PS was over its threshold
};

// PS -> switch -> workers: fragments whose sum is complete (ATP's ACK), multicast to the
// job's workers, or to one worker (`only_worker`) answering its resend.
struct Results {
  std::uint32_t job;
  std::vector<std::uint64_t> seqs;
  std::int32_t only_worker = -1;
  bool congested = false;
};

using SwitchMessage = std::variant<PacketBatch, Results>;

}  // namespace cs::ina_sim

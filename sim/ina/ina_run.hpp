#pragma once
// The in-network aggregation part of a training run: switch services, INA workers and their
// parameter servers, sharing this state. The policies' per-packet logic lives in models/ina.
#include <bit>
#include <functional>
#include <map>
#include <span>
#include <unordered_map>

#include "ina/ina_state.hpp"
#include "ina/messages.hpp"
#include "ina/timed_inbox.hpp"
#include "learning/random.hpp"
#include "run/context.hpp"
#include "run/packet_lines.hpp"
#include "training/training_state.hpp"

namespace cs::ina_sim {

struct InaSwitch : SwitchState {
  sg4::Host* node = nullptr;
  TimedInbox<SwitchMessage> inbox;
};

// A job's packets: fragments per iteration and bytes per packet each way.
struct PacketPlan {
  std::uint64_t fragments;
  double up_payload_bytes, down_payload_bytes, up_packet_bytes, down_packet_bytes;
};
PacketPlan packet_plan(const InaSpec& spec, const JobSpec& job, const CompressedJob* compressed);

// A switch summing some of a job's workers first (with two levels, each worker's own switch).
struct FirstLevel {
  InaSwitch* sw;
  std::uint64_t workers;  // their ranks, as a contributor bitmap
  std::uint32_t fan_in;   // how many
};

struct InaJob {
  size_t job;  // index in the workload
  const JobSpec* spec;
  InaSwitch* sw;  // the switch that sends to the PS: the only one, or the second level
  sg4::Host* ps;
  std::vector<sg4::Host*> workers;
  // One level: one entry, `sw` with every worker. Two levels: each first-level switch, whose
  // complete sums `sw` adds up, one contributor per entry.
  std::vector<FirstLevel> first_level;
  std::vector<std::uint32_t> level_of_worker;  // index into first_level
  bool two_level() const { return first_level.size() > 1; }
  InaSwitch* first_switch(std::uint32_t rank) const { return first_level[level_of_worker[rank]].sw; }
  // The first level an item comes from: its contributors' (any one's; they share it).
  std::uint32_t level_of(std::uint64_t contributors) const { return level_of_worker[std::countr_zero(contributors)]; }
  // The workers behind a second-level bitmap (one bit per first_level entry).
  std::uint64_t workers_of(std::uint64_t levels) const {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < first_level.size(); ++i)
      if (levels >> i & 1) w |= first_level[i].workers;
    return w;
  }
  std::uint64_t fragments;  // per iteration
  // Packets per message: the scenario's `unit`, lowered so that a message's packets are
  // never acted on later than the route's shortest latency after they arrived (see
  // InaRun::InaRun); `reorder_window_s` is how much later at most.
  std::uint32_t unit = 1;
  double reorder_window_s = 0;
  // Per packet, beyond headers, both ways: fp32 fixed point (the same both ways), or a
  // compression scheme's indices up and its wider sums down.
  double up_payload_bytes = 0, down_payload_bytes = 0;
  double up_packet_bytes = 0, down_packet_bytes = 0;
  CompressedJob* compressed = nullptr;  // the job's scheme, if any
  // What an item travelling to the PS weighs: a worker's packet, or a (partial) sum.
  double bytes_of(const PsItem& item) const { return item.kind == PsItem::packet ? up_packet_bytes : down_packet_bytes; }
  InaJobCounters counters;
  std::uint32_t workers_done = 0;
  TimedInbox<ToPs> ps_inbox;
  std::vector<std::unique_ptr<TimedInbox<Results>>> worker_inboxes;
  net::FifoServer ps_cpu;  // the PS sums packets one after another
};

class InaRun {
 public:
  InaRun(RunContext& ctx, TrainingState& training, const InaSpec& spec);

  RunContext& ctx;
  TrainingState& training;
  const InaSpec& spec;
  std::vector<std::unique_ptr<InaSwitch>> switches;
  std::vector<std::unique_ptr<InaJob>> jobs;  // by workload index; null for jobs not using INA

  InaJob& job(std::uint32_t index) { return *jobs[index]; }
  // A switch's policy sees a job's second-level sums as another job, so that a switch serving
  // as both levels keeps the two apart (their own keys and aggregator window).
  std::uint32_t second_level_id(std::uint32_t job) const { return job + std::uint32_t(jobs.size()); }
  std::uint32_t job_of(std::uint32_t policy_job) const { return policy_job % std::uint32_t(jobs.size()); }
  // ESA's packet priority of a fragment: larger is more urgent. Constant within an iteration,
  // so a job never preempts its own fragments; 0 under the policies that ignore it.
  std::uint32_t priority(const InaJob& job, std::uint64_t seq) const;
  // The aggregator a fragment hashes to: ATP's per-job random permutation of its index range.
  std::uint32_t aggregator_index(std::uint32_t job, std::uint64_t seq) const;
  // Does one packet survive the links from `src` to `dst`? Each host pair draws from its own
  // seeded stream, in the order its packets arrive (only where the route can lose packets, so
  // loss-free runs draw nothing): batching packets differently loses the same ones.
  bool delivered(const sg4::Host* src, const sg4::Host* dst);
  std::uint64_t switch_packets() const {
    std::uint64_t n = 0;
    for (const auto& sw : switches) n += sw->policy->counters().packets;
    return n;
  }

  // INA's packets over the links, each a FIFO line shared with the flows there.
  PacketLines lines;

  // A job arrives: its INA actors (workers, PS) start now, or when SwitchML has a pool for it.
  void submit(size_t job);
  void job_finished(size_t job);

 private:
  bool try_start(size_t job);
  void choose_unit(InaJob& job);
  bool lossy_ = false;  // any link with a loss rate
  std::uint64_t run_salt_;  // from the seed: where each job's aggregator window starts
  struct Delivery {
    double probability;
    learning::SplitMix64 rng;
  };
  std::map<std::pair<const sg4::Host*, const sg4::Host*>, Delivery> delivery_;
  std::vector<size_t> waiting_;  // SwitchML jobs waiting for a pool, in arrival order
};

void switch_service(InaRun& run, InaSwitch& sw);
void ina_worker(InaRun& run, InaJob& job, std::uint32_t rank);
void ina_server(InaRun& run, InaJob& job);

}  // namespace cs::ina_sim

#pragma once
// The in-network aggregation part of a training run: switch services, INA workers and their
// parameter servers, sharing this state. The policies' per-packet logic lives in models/ina.
#include <map>
#include <random>
#include <unordered_map>

#include "ina/ina_state.hpp"
#include "ina/messages.hpp"
#include "run/context.hpp"
#include "run/port.hpp"
#include "training/training_state.hpp"

namespace cs::ina_sim {

struct InaJob {
  size_t job;  // index in the workload
  const JobSpec* spec;
  SwitchState* sw;
  Endpoint switch_ep, ps;
  std::vector<Endpoint> workers;
  std::uint64_t fragments;  // per iteration
  // Per packet, beyond headers, both ways: fp32 fixed point (the same both ways), or a
  // compression scheme's indices up and its wider sums down.
  double up_payload_bytes = 0, down_payload_bytes = 0;
  double up_packet_bytes = 0, down_packet_bytes = 0;
  CompressedJob* compressed = nullptr;  // the job's scheme, if any
  // What an item travelling to the PS weighs: a worker's packet, or a (partial) sum.
  double bytes_of(const PsItem& item) const { return item.kind == PsItem::packet ? up_packet_bytes : down_packet_bytes; }
  double bytes_of(const std::vector<PsItem>& items) const {
    double b = 0;
    for (const auto& i : items) b += bytes_of(i);
    return b;
  }
  InaJobCounters counters;
  std::uint32_t workers_done = 0;
  // Egress queues, created when the job starts.
  std::vector<std::unique_ptr<Port<SwitchMessage>>> worker_to_switch;
  std::unique_ptr<Port<SwitchMessage>> ps_to_switch;
  std::unique_ptr<Port<ToPs>> switch_to_ps;
  std::vector<std::unique_ptr<Port<Results>>> switch_to_worker;
};

class InaRun {
 public:
  InaRun(RunContext& ctx, TrainingState& training, const InaSpec& spec);

  RunContext& ctx;
  TrainingState& training;
  const InaSpec& spec;
  std::vector<std::unique_ptr<SwitchState>> switches;
  std::vector<std::unique_ptr<InaJob>> jobs;  // by workload index; null for jobs not using INA
  std::unordered_map<const sg4::Host*, double> egress_backlog;  // bytes from a switch in flight to a host

  InaJob& job(std::uint32_t index) { return *jobs[index]; }
  // The aggregator a fragment hashes to: ATP's per-job random permutation of its index range.
  std::uint32_t aggregator_index(std::uint32_t job, std::uint64_t seq) const;
  // Does one packet survive the links from `src` to `dst`? Draws from the run's seeded stream
  // (only where the route can lose packets, so loss-free runs draw nothing).
  bool delivered(const sg4::Host* src, const sg4::Host* dst);
  std::uint64_t switch_packets() const {
    std::uint64_t n = 0;
    for (const auto& sw : switches) n += sw->policy->counters().packets;
    return n;
  }

  // A job arrives: its INA actors (workers, PS) start now, or when SwitchML has a pool for it.
  void submit(size_t job);
  void job_finished(size_t job);

 private:
  bool try_start(size_t job);
  bool lossy_ = false;  // any link with a loss rate
  std::uint64_t run_salt_;  // from the seed: where each job's aggregator window starts
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  std::map<std::pair<const sg4::Host*, const sg4::Host*>, double> delivery_;
  std::vector<size_t> waiting_;  // SwitchML jobs waiting for a pool, in arrival order
};

void switch_service(InaRun& run, SwitchState& sw, Endpoint self);
void ina_worker(InaRun& run, InaJob& job, std::uint32_t rank);
void ina_server(InaRun& run, InaJob& job);

}  // namespace cs::ina_sim

#pragma once
// What every actor of a run shares: the scenario, the platform, and the counters that the
// reports read. Actors send through send() so that every byte is accounted on its links.
#include <memory>
#include <random>
#include <unordered_map>
#include <simgrid/s4u.hpp>

#include "output/trace.hpp"
#include "platform/build.hpp"
#include "run/shared_ports.hpp"
#include "run/traffic.hpp"
#include "scenario/scenario.hpp"

namespace cs {

struct Endpoint {
  sg4::Mailbox* mailbox;
  sg4::Host* host;
};

// What a compute() call is busy with, as the timeline names it.
enum class Work { compute, aggregate, encode, decode };

// Records a run's timeline: spans on the calling actor's track, and transfers from their start
// until the network completes them (run_simulation relays SimGrid's completion signal, which
// fires at the true end even when nobody waits on the transfer then).
class RunTrace {
 public:
  explicit RunTrace(TraceRecorder& r) : recorder(r) {}
  TraceRecorder& recorder;

  TraceRecorder::TrackId self() {
    sg4::Actor* a = sg4::Actor::self();
    auto [it, fresh] = tracks_.try_emplace(a->get_pid(), 0);
    if (fresh) it->second = recorder.track(a->get_host()->get_name(), a->get_name());
    return it->second;
  }
  void span(std::string_view category, std::string_view name, double start_s, double end_s,
            std::initializer_list<TraceArg> args = {}) {
    recorder.span(self(), category, name, start_s, end_s, args);
  }
  void work(Work w, double start_s, double end_s) {
    static constexpr std::string_view names[] = {"compute", "aggregate", "encode", "decode"};
    static constexpr std::string_view categories[] = {"compute", "aggregation", "compression", "compression"};
    span(categories[int(w)], names[int(w)], start_s, end_s);
  }
  void transfer_started(const sg4::CommPtr& comm, const sg4::Host* to, double bytes) {
    pending_.try_emplace(comm->get_impl(), Pending{self(), sg4::Engine::get_clock(), bytes, to});
  }
  // `activity` is the kernel side of a transfer, as SimGrid's network signal reports it.
  void transfer_ended(const void* activity, double end_s, bool completed) {
    auto it = pending_.find(activity);
    if (it == pending_.end()) return;
    const Pending& p = it->second;
    if (completed) recorder.span(p.track, "network", "transfer", p.start_s, end_s, {{"bytes", p.bytes}, {"to", p.to->get_name()}});
    pending_.erase(it);
  }
  std::size_t unfinished_transfers() const { return pending_.size(); }

 private:
  struct Pending {
    TraceRecorder::TrackId track;
    double start_s, bytes;
    const sg4::Host* to;
  };
  std::unordered_map<const void*, Pending> pending_;
  std::unordered_map<aid_t, TraceRecorder::TrackId> tracks_;
};

struct RunContext {
  const Scenario& scenario;
  const Platform& platform;
  TrafficCounter traffic;
  unsigned long long executions = 0;
  std::unordered_map<const sg4::Link*, double> link_loss;  // links with a loss rate above 0
  RunTrace* trace = nullptr;  // null unless the run records a timeline
  // Core-seconds of work per host (indexed like Topology::nodes) that no SimGrid execution ran:
  // the analytical level's computations, billed at busy power by the hosts table.
  std::vector<double> unsimulated_core_s;
  SharedPorts ports;  // where INA's packets and the flows share a link

  // Probability that one packet from src reaches dst, over the links of its route.
  double delivery_probability(const sg4::Host* src, const sg4::Host* dst) {
    double p = 1.0;
    if (link_loss.empty()) return p;
    for (const auto* l : traffic.route(src, dst))
      if (auto it = link_loss.find(l); it != link_loss.end()) p *= 1.0 - it->second;
    return p;
  }

  // A transfer whose only content is a small index (a rank; read with index_of), carried in
  // the pointer instead of allocated: a run cut by `until` ends transfers in flight, and an
  // allocated payload would leak.
  sg4::CommPtr send_index(const Endpoint& to, std::size_t index, double bytes) {
    return post(to, reinterpret_cast<void*>(std::uintptr_t(index) + 1), bytes);
  }
  // A transfer nobody waits on: `payload` reaches the receiver of `to`; `clean` frees it if the
  // transfer ends unfinished (a cut). SimGrid detaches it, keeping no handle; but in a run with
  // `until` it is an ordinary transfer that the traffic counter holds, so that a cut counts only
  // the bytes it moved (SimGrid answers no question about a detached one). Its handle is then
  // returned, and an actor that ends before its last such transfer arrived waits for it, since
  // SimGrid cancels an ended actor's transfers.
  sg4::CommPtr send_and_forget(const Endpoint& to, void* payload, double bytes, void (*clean)(void*) = nullptr) {
    flow(sg4::this_actor::get_host(), to.host, bytes);
    sg4::CommPtr comm = to.mailbox->put_init(payload, std::uint64_t(bytes));
    if (trace) trace->transfer_started(comm, to.host, bytes);
    if (traffic.tracking()) {
      comm->start();
      traffic.started(comm, sg4::this_actor::get_host(), to.host, bytes, payload, clean);
      return comm;
    }
    if (clean) comm->detach(clean);
    else comm->detach();
    return nullptr;
  }
  // Moves `bytes` from `from` to `to` (no mailbox, no receiver) and returns when they arrived.
  void transfer(sg4::Host* from, sg4::Host* to, double bytes) {
    flow(from, to, bytes);
    sg4::CommPtr comm = sg4::Comm::sendto_async(from, to, std::uint64_t(bytes));
    traffic.started(comm, from, to, bytes);
    if (trace) trace->transfer_started(comm, to, bytes);
    comm->wait();
  }
  // A flow's bytes on its route, whose links it now shares with any packet line there.
  void flow(const sg4::Host* from, const sg4::Host* to, double bytes) {
    ports.flow_over(traffic.add(from, to, bytes));
  }
  static std::size_t index_of(void* payload) { return std::size_t(reinterpret_cast<std::uintptr_t>(payload) - 1); }

  // A worker's own random stream (stragglers, ...): a function of the seed and its identity only.
  std::mt19937_64 stream(std::uint64_t job, std::uint64_t rank) const {
    std::seed_seq seq{scenario.seed, job, rank};
    return std::mt19937_64(seq);
  }
  // Busy for `seconds` on one core of the calling actor's host.
  void compute(double seconds, Work work = Work::compute) {
    if (seconds <= 0) return;
    ++executions;
    const double start = trace ? sg4::Engine::get_clock() : 0.0;
    sg4::this_actor::execute(seconds * sg4::this_actor::get_host()->get_speed());
    if (trace) trace->work(work, start, sg4::Engine::get_clock());
  }
  // Starts a transfer of `bytes` from the calling actor's host, carrying `payload`.
  sg4::CommPtr post(const Endpoint& to, void* payload, double bytes) {
    flow(sg4::this_actor::get_host(), to.host, bytes);
    sg4::CommPtr comm = to.mailbox->put_async(payload, bytes);
    traffic.started(comm, sg4::this_actor::get_host(), to.host, bytes);
    if (trace) trace->transfer_started(comm, to.host, bytes);
    return comm;
  }
  // One iteration's compute of a job's worker, with the job's jitter drawn from `rng`.
  void compute_iteration(const JobSpec& job, std::mt19937_64& rng) {
    double factor = 1;
    if (job.compute_jitter > 0) factor += job.compute_jitter * std::uniform_real_distribution<double>(-1, 1)(rng);
    compute(job.compute_s * factor);
  }
};


}  // namespace cs

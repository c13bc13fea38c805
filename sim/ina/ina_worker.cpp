// An ATP-style worker: per iteration it computes, then streams its gradient's fragments to
// the aggregation switch within a congestion window (grows by one packet per result, halves
// on an ECN mark at most once per window), and resends whatever has no result after the
// retransmission timeout. The iteration ends when every fragment's sum is back.
#include <algorithm>
#include <deque>

#include "ina/ina_run.hpp"
#include "training/scale_agreement.hpp"

namespace cs::ina_sim {
namespace {

// ESA's packet priority: larger is more urgent. Constant within an iteration, so a job never
// preempts its own fragments.
std::uint32_t priority(const InaRun& run, const InaJob& job, long long iteration) {
  const std::uint64_t done = std::uint64_t(iteration) * job.fragments;
  const std::uint64_t total = std::uint64_t(job.spec->iterations) * job.fragments;
  const std::uint64_t measure = run.spec.priority == PriorityMetric::srtf ? total - done : done;
  return std::uint32_t(0xffffffffu - std::min<std::uint64_t>(measure, 0xfffffffeu));
}

}  // namespace

void ina_worker(InaRun& run, InaJob& job, std::uint32_t rank) {
  const InaSpec& spec = run.spec;
  const Endpoint self = job.workers[rank];
  self.mailbox->set_receiver(sg4::Actor::self());
  const std::uint64_t fragments = job.fragments;
  double window = spec.window_initial;
  // SimGrid moves a unit of packets as one transfer, stored and forwarded whole at each hop,
  // where real packets pipeline: every hop adds (unit - 1) packet times to the round trip.
  // Letting that many more packets be in flight per hop keeps a window-limited rate what it
  // is packet by packet; with unit = 1 the allowance is zero.
  const std::uint64_t hops = spec.allocation == SwitchAllocation::switchml ? 2 : 4;
  const std::uint64_t allowance = (spec.unit - 1) * hops;
  // SwitchML: chunk i + s may only be sent once chunk i's result is back (s slots in the pool).
  const std::uint64_t slots = spec.allocation == SwitchAllocation::switchml ? spec.switchml_pool / 2 : ~0ull;
  std::uint64_t acked_since_cut = 0;
  auto rng = run.ctx.stream(job.job, rank);
  Results* incoming = nullptr;
  sg4::CommPtr pending = self.mailbox->get_async<Results>(&incoming);

  for (long long it = 0; it < job.spec->iterations; ++it) {
    const double start = sg4::Engine::get_clock();
    run.ctx.compute_iteration(*job.spec, rng);
    const double compute_end = sg4::Engine::get_clock();
    CompressedJob* c = job.compressed;
    if (c && c->agreement_bytes() > 0) agree_scales(run.ctx, job.job, rank, job.ps.host, c->agreement_bytes());
    if (c) run.ctx.compute(c->encode_s(), Work::encode);
    const std::uint64_t base = std::uint64_t(it) * fragments;
    const std::uint32_t prio = priority(run, job, it);
    std::vector<bool> acked(fragments, false);
    std::uint64_t next = 0, done = 0, in_flight = 0, first_unacked = 0;
    std::deque<std::pair<std::uint64_t, double>> timers;  // (seq, last sent), oldest first

    auto send = [&](std::vector<std::uint64_t> seqs, bool resend) {
      const double bytes = double(seqs.size()) * job.up_packet_bytes;
      job.worker_to_switch[rank]->send(
          std::make_unique<SwitchMessage>(PacketBatch{std::uint32_t(job.job), rank, prio, resend, std::move(seqs)}), bytes);
    };
    auto resend_expired = [&] {
      const double now = sg4::Engine::get_clock();
      std::vector<std::uint64_t> batch;
      while (!timers.empty() && timers.front().second + spec.rto_s <= now) {
        auto [seq, sent] = timers.front();
        timers.pop_front();
        if (acked[seq - base]) continue;
        batch.push_back(seq);
        timers.push_back({seq, now});
        if (batch.size() == spec.unit) send(std::exchange(batch, {}), true);
      }
      job.counters.retransmissions += batch.size();
      if (!batch.empty()) send(std::move(batch), true);
    };

    while (done < fragments) {
      const std::uint64_t limit = std::uint64_t(window) + allowance;
      while (first_unacked < fragments && acked[first_unacked]) ++first_unacked;
      const std::uint64_t slot_end = first_unacked + std::min(slots, fragments);  // next may not reach it
      while (next < fragments && in_flight < limit && next < slot_end) {
        const std::uint64_t n = std::min({std::uint64_t(spec.unit), fragments - next, limit - in_flight, slot_end - next});
        std::vector<std::uint64_t> seqs(n);
        const double now = sg4::Engine::get_clock();
        for (std::uint64_t k = 0; k < n; ++k) {
          seqs[k] = base + next + k;
          timers.push_back({seqs[k], now});
        }
        next += n;
        in_flight += n;
        job.counters.packets_sent += n;
        send(std::move(seqs), false);
      }
      while (!timers.empty() && acked[timers.front().first - base]) timers.pop_front();
      double timeout = timers.empty() ? -1.0 : timers.front().second + spec.rto_s - sg4::Engine::get_clock();
      if (!timers.empty() && timeout <= 0) {
        resend_expired();
        continue;
      }
      if (sg4::Comm::wait_any_for({pending}, timeout) < 0) {
        resend_expired();
        continue;
      }
      std::unique_ptr<Results> results(incoming);
      pending = self.mailbox->get_async<Results>(&incoming);
      for (std::uint64_t seq : results->seqs) {
        if (!run.delivered(job.switch_ep.host, self.host)) {
          ++job.counters.lost_packets;
          continue;
        }
        if (seq < base || seq >= base + fragments || acked[seq - base]) continue;  // late or repeated
        acked[seq - base] = true;
        ++done;
        --in_flight;
        ++acked_since_cut;
        window = std::min<double>(spec.window_max, window + 1);
      }
      if (results->congested && acked_since_cut >= std::uint64_t(window)) {
        window = std::max<double>(spec.window_min, window / 2);
        acked_since_cut = 0;
      }
    }
    if (c) run.ctx.compute(c->decode_s(), Work::decode);
    const double end = sg4::Engine::get_clock();
    if (rank == 0) run.training.iterations.push_back({job.job, it, start, compute_end, end});
    if (run.ctx.trace) run.ctx.trace->span("training", "iteration", start, end, {{"job", job.spec->name}, {"iteration", it}});
    // The switch aggregates at line rate: no aggregation time of its own beyond the transfers.
    if (c && rank == 0) c->round_done(it, start, compute_end, 0.0, it + 1 == job.spec->iterations);
  }
  pending->cancel();
  if (++job.workers_done == job.workers.size()) run.job_finished(job.job);
}

}  // namespace cs::ina_sim

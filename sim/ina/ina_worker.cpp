// An ATP-style worker: per iteration it computes, then streams its gradient's fragments to
// the aggregation switch within a congestion window (grows by one packet per result, halves
// on an ECN mark at most once per window), and resends whatever has no result after the
// retransmission timeout. The iteration ends when every fragment's sum is back.
//
// Each result acts at its own arrival time: the packets it lets out are ready then, though
// the worker hands them to the network together, up to `unit` per message.
#include <algorithm>
#include <deque>

#include "ina/ina_run.hpp"
#include "training/scale_agreement.hpp"

namespace cs::ina_sim {

void ina_worker(InaRun& run, InaJob& job, std::uint32_t rank) {
  const InaSpec& spec = run.spec;
  sg4::Host* const self = job.workers[rank];
  InaSwitch& sw = *job.first_switch(rank);
  TimedInbox<Results>& inbox = *job.worker_inboxes[rank];
  const std::uint64_t fragments = job.fragments;
  // The window belongs to the worker's connection: it carries over from one iteration to the next.
  double window = spec.window_initial;
  // A pool of s slots (SwitchML): chunk i + s may only be sent once chunk i's result is back.
  const std::uint64_t slots = spec.pool_slots();
  std::uint64_t acked_since_cut = 0;
  auto rng = run.ctx.stream(job.job, rank);

  for (long long it = 0; it < job.spec->iterations; ++it) {
    const double start = sg4::Engine::get_clock();
    run.ctx.compute_iteration(*job.spec, rng);
    const double compute_end = sg4::Engine::get_clock();
    CompressedJob* c = job.compressed;
    if (c && c->agreement_bytes() > 0) agree_scales(run.ctx, run.training, job.job, rank, job.ps, c->agreement_bytes());
    if (c) run.ctx.compute(c->encode_s(), Work::encode);
    const std::uint64_t base = std::uint64_t(it) * fragments;
    const std::uint32_t prio = run.priority(job, base);
    std::vector<bool> acked(fragments, false);
    std::uint64_t next = 0, done = 0, in_flight = 0, first_unacked = 0;
    std::deque<std::pair<std::uint64_t, double>> timers;  // (seq, last sent), oldest first
    double end = sg4::Engine::get_clock();

    PacketBatch out{std::uint32_t(job.job), rank, prio, false, {}, {}};
    auto flush = [&] {
      if (out.seqs.empty()) return;
      PacketBatch batch{out.job, out.worker, out.priority, out.resend, std::move(out.seqs), std::move(out.times)};
      out.seqs.clear();
      out.times.clear();
      const double arrival = run.lines.carry(self, sw.node, batch.times, [&](std::size_t) { return job.up_packet_bytes; });
      sw.inbox.post(arrival, std::make_unique<SwitchMessage>(std::move(batch)));
    };
    auto add = [&](std::uint64_t seq, double t, bool resend) {
      if (out.resend != resend) flush();
      out.resend = resend;
      out.seqs.push_back(seq);
      out.times.push_back(t);
      timers.push_back({seq, t});
      if (out.seqs.size() == job.unit) flush();
    };
    // Whatever the window lets out, ready at t.
    auto send_new = [&](double t) {
      const std::uint64_t limit = std::uint64_t(window);
      while (first_unacked < fragments && acked[first_unacked]) ++first_unacked;
      const std::uint64_t slot_end = first_unacked + std::min(slots, fragments);  // next may not reach it
      for (; next < fragments && in_flight < limit && next < slot_end; ++next, ++in_flight, ++job.counters.packets_sent)
        add(base + next, t, false);
    };
    auto resend_expired = [&](double t) {
      while (!timers.empty() && timers.front().second + spec.rto_s <= t) {
        const std::uint64_t seq = timers.front().first;
        timers.pop_front();
        if (acked[seq - base]) continue;
        ++job.counters.retransmissions;
        add(seq, t, true);
      }
      flush();
    };

    // One result: its fragment's sum is back at time t.
    auto on_result = [&](std::uint64_t seq, bool marked, double t) {
      if (!run.delivered(sw.node, self)) {
        ++job.counters.lost_packets;
        return;
      }
      if (seq < base || seq >= base + fragments || acked[seq - base]) return;  // late or repeated
      acked[seq - base] = true;
      ++done;
      --in_flight;
      ++acked_since_cut;
      end = std::max(end, t);
      window = std::min<double>(spec.window_max, window + 1);
      if (marked && acked_since_cut >= std::uint64_t(window)) {
        window = std::max<double>(spec.window_min, window / 2);
        acked_since_cut = 0;
        ++job.counters.ecn_window_cuts;
      }
      if (done < fragments) send_new(t);
    };

    send_new(end);
    flush();
    while (done < fragments) {
      while (!timers.empty() && acked[timers.front().first - base]) timers.pop_front();
      const double deadline = timers.empty() ? TimedInbox<Results>::never : timers.front().second + spec.rto_s;
      std::unique_ptr<Results> results = inbox.next(deadline);
      if (results) {
        for (std::size_t k = 0; k < results->seqs.size(); ++k) on_result(results->seqs[k], results->marked[k], results->times[k]);
        flush();
        continue;
      }
      // The timer fired. Results that arrived before it, in messages still on their way,
      // count first, as they would packet by packet.
      inbox.for_each_on_the_way([&](Results& r) {
        std::size_t kept = 0;
        for (std::size_t k = 0; k < r.seqs.size(); ++k) {
          if (r.times[k] <= deadline) {
            on_result(r.seqs[k], r.marked[k], r.times[k]);
            continue;
          }
          r.seqs[kept] = r.seqs[k];
          r.marked[kept] = r.marked[k];
          r.times[kept++] = r.times[k];
        }
        r.seqs.resize(kept);
        r.marked.resize(kept);
        r.times.resize(kept);
      });
      resend_expired(deadline);
    }
    if (c) {
      run.ctx.compute(c->decode_s(), Work::decode);
      end = sg4::Engine::get_clock();
    }
    if (rank == 0) run.training.iterations.push_back({job.job, it, start, compute_end, end});
    if (run.ctx.trace) run.ctx.trace->span("training", "iteration", start, end, {{"job", job.spec->name}, {"iteration", it}});
    // The switch aggregates at line rate: no aggregation time of its own beyond the transfers.
    if (c && rank == 0) c->round_done(it, start, compute_end, end, 0.0, it + 1 == job.spec->iterations);
  }
  if (++job.workers_done == job.workers.size()) run.job_finished(job.job);
}

}  // namespace cs::ina_sim

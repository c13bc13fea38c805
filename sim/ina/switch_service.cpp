// A programmable switch running one aggregation policy: every packet of a worker's batch goes
// through the policy; what leaves (sums and forwarded packets for the parameter servers,
// SwitchML's multicast results) is grouped into one transfer per destination. Results coming
// back from a PS free their aggregators on the way to the workers.
#include "ina/ina_run.hpp"

namespace cs::ina_sim {
namespace {

struct Outbox {
  std::vector<std::pair<std::uint32_t, ToPs>> to_ps;  // per job's PS
  ToPs& for_job(std::uint32_t job) {
    for (auto& [j, m] : to_ps)
      if (j == job) return m;
    to_ps.push_back({job, ToPs{job, {}, false}});
    return to_ps.back().second;
  }
};

void send_results(InaJob& job, std::vector<std::uint64_t> seqs, std::int32_t only_worker, bool congested) {
  const double bytes = double(seqs.size()) * job.down_packet_bytes;
  if (only_worker >= 0) {
    job.switch_to_worker[size_t(only_worker)]->send(
        std::make_unique<Results>(Results{std::uint32_t(job.job), std::move(seqs), only_worker, congested}), bytes);
    return;
  }
  for (auto& port : job.switch_to_worker)
    port->send(std::make_unique<Results>(Results{std::uint32_t(job.job), seqs, -1, congested}), bytes);
}

void on_packets(InaRun& run, SwitchState& sw, const PacketBatch& b) {
  InaJob& job = run.job(b.job);
  const sg4::Host* here = sg4::this_actor::get_host();
  const auto fan_in = std::uint32_t(job.workers.size());
  const bool switchml = run.spec.allocation == SwitchAllocation::switchml;
  Outbox out;
  std::vector<std::uint64_t> multicast, unicast;
  for (std::uint64_t seq : b.seqs) {
    if (!run.delivered(job.workers[b.worker].host, here)) {
      ++job.counters.lost_packets;
      continue;
    }
    const ina::Packet p{b.job, b.worker, fan_in, seq, run.aggregator_index(b.job, seq), b.priority, b.resend, {}};
    const ina::Outcome o = sw.policy->on_packet(p);
    const PsItem packet_item{PsItem::packet, seq, std::uint64_t(1) << b.worker};
    switch (o.verdict) {
      case ina::Verdict::absorbed: break;
      case ina::Verdict::completed:
        if (switchml) {
          multicast.push_back(seq);
          job.counters.switch_contributions += fan_in;
        } else {
          out.for_job(b.job).items.push_back({PsItem::aggregate, seq, o.out.bitmap});
        }
        break;
      case ina::Verdict::collision:
        ++job.counters.collisions;
        out.for_job(b.job).items.push_back(packet_item);
        break;
      case ina::Verdict::forwarded: out.for_job(b.job).items.push_back(packet_item); break;
      case ina::Verdict::preempted:
        ++job.counters.preemptions_caused;
        ++run.job(o.out.job).counters.preemptions_suffered;
        if (o.out.bitmap) out.for_job(o.out.job).items.push_back({PsItem::partial, o.out.seq, o.out.bitmap});
        break;
      case ina::Verdict::flushed:
        out.for_job(b.job).items.push_back({PsItem::partial, seq, o.out.bitmap});
        out.for_job(b.job).items.push_back(packet_item);
        break;
      case ina::Verdict::duplicate:
        if (switchml && o.out.count) unicast.push_back(seq);  // SwitchML answers a resend itself
        break;
    }
  }
  for (auto& [j, m] : out.to_ps) {
    InaJob& dest = run.job(j);
    const double bytes = dest.bytes_of(m.items);
    double& backlog = run.egress_backlog[dest.ps.host];
    m.congested = backlog > run.spec.ecn_threshold_bytes;
    backlog += bytes;
    dest.switch_to_ps->send(std::make_unique<ToPs>(std::move(m)), bytes);
  }
  if (!multicast.empty()) send_results(job, std::move(multicast), -1, false);
  if (!unicast.empty()) send_results(job, std::move(unicast), std::int32_t(b.worker), false);
}

void on_results(InaRun& run, SwitchState& sw, Results& r) {
  InaJob& job = run.job(r.job);
  const sg4::Host* here = sg4::this_actor::get_host();
  std::vector<std::uint64_t> delivered;
  delivered.reserve(r.seqs.size());
  for (std::uint64_t seq : r.seqs) {
    if (!run.delivered(job.ps.host, here)) {
      ++job.counters.lost_packets;
      continue;
    }
    sw.policy->on_result(r.job, seq, run.aggregator_index(r.job, seq));
    delivered.push_back(seq);
  }
  if (!delivered.empty()) send_results(job, std::move(delivered), r.only_worker, r.congested);
}

}  // namespace

void switch_service(InaRun& run, SwitchState& sw, Endpoint self) {
  sg4::Actor::self()->daemonize();
  self.mailbox->set_receiver(sg4::Actor::self());
  for (;;) {
    auto message = receive<SwitchMessage>(self.mailbox);
    const double now = sg4::Engine::get_clock();
    sw.memory.advance(now, sw.policy->occupied(), sw.policy->partials());
    if (auto* b = std::get_if<PacketBatch>(message.get())) on_packets(run, sw, *b);
    else on_results(run, sw, std::get<Results>(*message));
    sw.memory.peak = std::max(sw.memory.peak, sw.policy->occupied());
  }
}

}  // namespace cs::ina_sim

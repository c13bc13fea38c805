// A job's parameter server under INA: it sums in software what reached it unaggregated
// (collisions, forwarded packets) or partly aggregated (preempted or flushed sums), at a cost
// per packet, and sends each fragment's result back through the switch once complete.
// A resend of a fragment already complete is answered to its sender alone.
#include <bit>

#include "ina/ina_run.hpp"
#include "ina/fragment_assembler.hpp"

namespace cs::ina_sim {

void ina_server(InaRun& run, InaJob& job) {
  sg4::Actor::self()->daemonize();
  job.ps.mailbox->set_receiver(sg4::Actor::self());
  ina::FragmentAssembler assembler(std::uint32_t(job.workers.size()), 0);
  const auto fan_in = std::uint32_t(job.workers.size());
  for (;;) {
    auto m = receive<ToPs>(job.ps.mailbox);
    run.egress_backlog[job.ps.host] -= job.bytes_of(m->items);
    run.ctx.compute(double(m->items.size()) * run.spec.ps_packet_cost_s, Work::aggregate);
    Results all{std::uint32_t(job.job), {}, -1, m->congested};
    std::vector<std::vector<std::uint64_t>> answers(job.workers.size());
    for (const PsItem& item : m->items) {
      if (!run.delivered(job.switch_ep.host, job.ps.host)) {
        ++job.counters.lost_packets;
        continue;
      }
      const bool was_complete = assembler.complete(item.seq);
      const auto added = assembler.add(item.seq, item.bitmap, {});
      if (added == ina::FragmentAssembler::Added::duplicate) {
        if (item.kind == PsItem::packet && was_complete) answers[size_t(std::countr_zero(item.bitmap))].push_back(item.seq);
        continue;
      }
      if (item.kind == PsItem::packet) ++job.counters.ps_contributions;
      else job.counters.switch_contributions += item.kind == PsItem::aggregate ? fan_in : std::uint32_t(std::popcount(item.bitmap));
      if (added == ina::FragmentAssembler::Added::completed) all.seqs.push_back(item.seq);
    }
    const double packet = job.down_packet_bytes;
    if (!all.seqs.empty()) {
      const double bytes = double(all.seqs.size()) * packet;
      job.ps_to_switch->send(std::make_unique<SwitchMessage>(std::move(all)), bytes);
    }
    for (size_t w = 0; w < answers.size(); ++w)
      if (!answers[w].empty()) {
        const double bytes = double(answers[w].size()) * packet;
        job.ps_to_switch->send(
            std::make_unique<SwitchMessage>(Results{std::uint32_t(job.job), std::move(answers[w]), std::int32_t(w), false}), bytes);
      }
  }
}

}  // namespace cs::ina_sim

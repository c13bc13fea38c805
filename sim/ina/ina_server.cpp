// A job's parameter server under INA: it sums in software what reached it unaggregated
// (collisions, forwarded packets) or partly aggregated (preempted or flushed sums), one item
// after another at a cost per packet, and sends each fragment's result back through the
// switch once complete. A resend of a fragment already complete is answered to its sender alone.
#include <bit>

#include "ina/fragment_assembler.hpp"
#include "ina/ina_run.hpp"

namespace cs::ina_sim {

void ina_server(InaRun& run, InaJob& job) {
  sg4::Actor::self()->daemonize();
  ina::FragmentAssembler assembler(std::uint32_t(job.workers.size()), 0);
  const auto fan_in = std::uint32_t(job.workers.size());
  auto bytes = [&](std::size_t) { return job.down_packet_bytes; };
  for (;;) {
    std::unique_ptr<ToPs> m = job.ps_inbox.next();
    Results all{std::uint32_t(job.job), -1, {}, {}, {}};
    std::vector<Results> answers;
    double busy_from = -1;
    for (std::size_t k = 0; k < m->items.size(); ++k) {
      const PsItem& item = m->items[k];
      if (!run.delivered(job.sw->node, job.ps)) {
        ++job.counters.lost_packets;
        continue;
      }
      if (busy_from < 0) busy_from = std::max(m->times[k], job.ps_cpu.free_at);
      const double t = job.ps_cpu.serve(m->times[k], run.spec.ps_packet_cost_s);
      const bool was_complete = assembler.complete(item.seq);
      const auto added = assembler.add(item.seq, item.bitmap, {});
      if (added == ina::FragmentAssembler::Added::duplicate) {
        if (item.kind == PsItem::packet && was_complete) {
          const auto w = std::int32_t(std::countr_zero(item.bitmap));
          auto a = std::find_if(answers.begin(), answers.end(), [&](const Results& r) { return r.only_worker == w; });
          if (a == answers.end()) a = answers.insert(answers.end(), Results{std::uint32_t(job.job), w, {}, {}, {}});
          a->add(item.seq, false, t);
        }
        continue;
      }
      if (item.kind == PsItem::packet) ++job.counters.ps_contributions;
      else job.counters.switch_contributions += item.kind == PsItem::aggregate ? fan_in : std::uint32_t(std::popcount(item.bitmap));
      if (added == ina::FragmentAssembler::Added::completed) all.add(item.seq, item.marked, t);
    }
    if (run.ctx.trace && busy_from >= 0 && run.spec.ps_packet_cost_s > 0) run.ctx.trace->work(Work::aggregate, busy_from, job.ps_cpu.free_at);
    answers.insert(answers.begin(), std::move(all));
    std::erase_if(answers, [](const Results& r) { return r.seqs.empty(); });
    std::vector<PacketLines::Lane> lanes;
    for (Results& r : answers) lanes.push_back({&r.times, bytes});
    run.lines.carry(job.ps, job.sw->node, lanes);
    for (std::size_t k = 0; k < answers.size(); ++k)
      job.sw->inbox.post(lanes[k].arrival, std::make_unique<SwitchMessage>(std::move(answers[k])));
  }
}

}  // namespace cs::ina_sim

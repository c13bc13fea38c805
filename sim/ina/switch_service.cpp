// A programmable switch running one aggregation policy: every packet of a worker's batch goes
// through the policy at its own arrival time; what leaves (sums and forwarded packets for the
// parameter servers, SwitchML's multicast results) is grouped into one message per
// destination. Results coming back from a PS free their aggregators on the way to the workers.
#include <algorithm>
#include <numeric>

#include "ina/aggregator_slots.hpp"
#include "ina/ina_run.hpp"

namespace cs::ina_sim {
namespace {

// A message's packets must enter the line in the order they are ready.
template <class Item>
void order_by_time(std::vector<Item>& items, std::vector<double>& times) {
  if (std::is_sorted(times.begin(), times.end())) return;
  std::vector<std::size_t> order(times.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
  std::vector<Item> sorted_items;
  std::vector<double> sorted_times;
  for (std::size_t i : order) {
    sorted_items.push_back(items[i]);
    sorted_times.push_back(times[i]);
  }
  items = std::move(sorted_items);
  times = std::move(sorted_times);
}

// Results to the job's workers: each message to its worker (only_worker) or to all; what one
// worker gets at once shares its link in time order.
void send_results(InaRun& run, InaJob& job, std::initializer_list<Results*> messages) {
  auto bytes = [&job](std::size_t) { return job.down_packet_bytes; };
  for (std::size_t w = 0; w < job.workers.size(); ++w) {
    std::vector<std::unique_ptr<Results>> copies;
    std::vector<PacketLines::Lane> lanes;
    for (Results* r : messages)
      if (!r->seqs.empty() && (r->only_worker < 0 || std::size_t(r->only_worker) == w)) {
        copies.push_back(std::make_unique<Results>(*r));
        lanes.push_back({&copies.back()->times, bytes});
      }
    if (copies.empty()) continue;
    run.lines.carry(job.sw->node, job.workers[w], lanes);
    for (std::size_t k = 0; k < copies.size(); ++k) job.worker_inboxes[w]->post(lanes[k].arrival, std::move(copies[k]));
  }
}

constexpr std::uint32_t no_job = ~0u;

class Switch {
 public:
  Switch(InaRun& run, InaSwitch& sw) : run_(run), sw_(sw) {}

  void on_packets(const PacketBatch& b) {
    InaJob& job = run_.job(b.job);
    const auto fan_in = std::uint32_t(job.workers.size());
    // The switch answers the workers itself (SwitchML), or sends sums through the PS (ATP, ESA).
    const bool multicasts = run_.spec.policy->traits.multicasts_results;
    Results multicast{b.job, -1, {}, {}, {}}, unicast{b.job, std::int32_t(b.worker), {}, {}, {}};
    for (std::size_t k = 0; k < b.seqs.size(); ++k) {
      const std::uint64_t seq = b.seqs[k];
      const double t = b.times[k];
      if (!run_.delivered(job.workers[b.worker], sw_.node)) {
        ++job.counters.lost_packets;
        continue;
      }
      advance(t);
      const ina::Packet p{b.job, b.worker, fan_in, seq, run_.aggregator_index(b.job, seq), b.priority, b.resend, {}};
      const ina::Outcome o = sw_.policy->on_packet(p);
      const std::uint64_t key = ina::fragment_key(b.job, seq);
      const PsItem packet_item{PsItem::packet, false, seq, std::uint64_t(1) << b.worker};
      switch (o.verdict) {
        case ina::Verdict::absorbed: latest_[key] = std::max(latest_[key], t); break;
        case ina::Verdict::completed: {
          // The sum leaves when its last contribution is in, which an earlier batch may have brought.
          double ready = t;
          if (auto it = latest_.find(key); it != latest_.end()) {
            ready = std::max(ready, it->second);
            latest_.erase(it);
          }
          if (multicasts) {
            multicast.add(seq, false, ready);
            job.counters.switch_contributions += fan_in;
          } else {
            to_ps(b.job, {PsItem::aggregate, false, seq, o.out.bitmap}, ready);
          }
          break;
        }
        case ina::Verdict::collision:
          ++job.counters.collisions;
          to_ps(b.job, packet_item, t);
          break;
        case ina::Verdict::forwarded: to_ps(b.job, packet_item, t); break;
        case ina::Verdict::preempted:
          ++job.counters.preemptions_caused;
          ++run_.job(o.out.job).counters.preemptions_suffered;
          latest_.erase(ina::fragment_key(o.out.job, o.out.seq));
          latest_[key] = t;
          if (o.out.bitmap) to_ps(o.out.job, {PsItem::partial, false, o.out.seq, o.out.bitmap}, t);
          break;
        case ina::Verdict::flushed:
          latest_.erase(key);
          to_ps(b.job, {PsItem::partial, false, seq, o.out.bitmap}, t);
          to_ps(b.job, packet_item, t);
          break;
        case ina::Verdict::duplicate:
          if (multicasts && o.out.count) unicast.add(seq, false, t);  // the switch answers a resend itself
          break;
      }
      sw_.memory.peak = std::max(sw_.memory.peak, sw_.policy->occupied());
    }
    // To the parameter servers: jobs whose PS shares a host share its link.
    const double threshold = run_.spec.ecn_threshold_bytes;
    for (std::size_t first = 0; first < out_.size(); ++first) {
      if (out_[first].first == no_job) continue;
      sg4::Host* host = run_.job(out_[first].first).ps;
      std::vector<PacketLines::Lane> lanes;
      std::vector<std::size_t> members;
      for (std::size_t k = first; k < out_.size(); ++k) {
        if (out_[k].first == no_job) continue;
        InaJob& dest = run_.job(out_[k].first);
        if (dest.ps != host) continue;
        ToPs& m = out_[k].second;
        order_by_time(m.items, m.times);
        members.push_back(k);
        lanes.push_back({&m.times, [&dest, &m](std::size_t i) { return dest.bytes_of(m.items[i]); },
                         [&m, threshold](std::size_t i, double backlog_bytes) { m.items[i].marked = backlog_bytes > threshold; }});
      }
      run_.lines.carry(sw_.node, host, lanes);
      for (std::size_t k = 0; k < members.size(); ++k) {
        auto& [j, m] = out_[members[k]];
        run_.job(j).ps_inbox.post(lanes[k].arrival, std::make_unique<ToPs>(std::move(m)));
      }
      for (std::size_t k : members) out_[k].first = no_job;
    }
    out_.clear();
    send_results(run_, job, {&multicast, &unicast});
  }

  void on_results(Results& r) {
    InaJob& job = run_.job(r.job);
    Results forward{r.job, r.only_worker, {}, {}, {}};
    for (std::size_t k = 0; k < r.seqs.size(); ++k) {
      if (!run_.delivered(job.ps, sw_.node)) {
        ++job.counters.lost_packets;
        continue;
      }
      advance(r.times[k]);
      sw_.policy->on_result(r.job, r.seqs[k], run_.aggregator_index(r.job, r.seqs[k]));
      forward.add(r.seqs[k], r.marked[k], r.times[k]);
    }
    send_results(run_, job, {&forward});
  }

 private:
  // Memory use is integrated over time; batches may reach back a little before the last change.
  void advance(double t) { sw_.memory.advance(std::max(t, sw_.memory.last_s), sw_.policy->occupied(), sw_.policy->partials()); }
  void to_ps(std::uint32_t job, PsItem item, double t) {
    auto it = std::find_if(out_.begin(), out_.end(), [&](const auto& e) { return e.first == job; });
    if (it == out_.end()) it = out_.insert(out_.end(), {job, ToPs{job, {}, {}}});
    it->second.items.push_back(item);
    it->second.times.push_back(t);
  }

  InaRun& run_;
  InaSwitch& sw_;
  std::vector<std::pair<std::uint32_t, ToPs>> out_;      // per destination PS, for the batch at hand
  std::unordered_map<std::uint64_t, double> latest_;     // per fragment held: its latest contribution's arrival
};

}  // namespace

void switch_service(InaRun& run, InaSwitch& sw) {
  sg4::Actor::self()->daemonize();
  Switch logic(run, sw);
  for (;;) {
    std::unique_ptr<SwitchMessage> message = sw.inbox.next();
    if (auto* b = std::get_if<PacketBatch>(message.get())) logic.on_packets(*b);
    else logic.on_results(std::get<Results>(*message));
  }
}

}  // namespace cs::ina_sim

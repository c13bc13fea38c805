// A programmable switch running one aggregation policy: every packet of a worker's batch goes
// through the policy at its own arrival time; what leaves (sums and forwarded packets for the
// parameter servers, SwitchML's multicast results) is grouped into one message per
// destination. Results coming back from a PS free their aggregators on the way to the workers.
// With two levels (ATP), a switch may also be a job's second level: it adds up the first-level
// switches' sums and passes the rest on to the PS.
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

// Results to the job's workers behind switch `sw`: each message to its worker (only_worker) or
// to all; what one worker gets at once shares its link in time order.
void send_results(InaRun& run, InaJob& job, const InaSwitch& sw, std::initializer_list<Results*> messages) {
  auto bytes = [&job](std::size_t) { return job.down_packet_bytes; };
  for (std::uint32_t w = 0; w < job.workers.size(); ++w) {
    if (job.first_switch(w) != &sw) continue;
    std::vector<std::unique_ptr<Results>> copies;
    std::vector<PacketLines::Lane> lanes;
    for (Results* r : messages)
      if (!r->seqs.empty() && (r->only_worker < 0 || std::uint32_t(r->only_worker) == w)) {
        copies.push_back(std::make_unique<Results>(*r));
        lanes.push_back({&copies.back()->times, bytes});
      }
    if (copies.empty()) continue;
    run.lines.carry(sw.node, job.workers[w], lanes);
    for (std::size_t k = 0; k < copies.size(); ++k) job.worker_inboxes[w]->post(lanes[k].arrival, std::move(copies[k]));
  }
}

constexpr std::uint32_t no_job = ~0u;

// Items bound for one destination (a PS, or a second-level switch), per job, for the batch at hand.
class Outbox {
 public:
  void add(std::uint32_t job, PsItem item, double t) {
    auto it = std::find_if(out_.begin(), out_.end(), [&](const auto& e) { return e.first == job; });
    if (it == out_.end()) it = out_.insert(out_.end(), {job, ToPs{job, {}, {}}});
    it->second.items.push_back(item);
    it->second.times.push_back(t);
  }
  // Sends the items, one carry per destination host (`to(job)`), so that jobs sharing it share
  // its link in time order; `post(job, arrival, ToPs&&)` delivers. ECN marks the egress backlog.
  template <class To, class Post>
  void send(InaRun& run, const InaSwitch& from, To to, Post post) {
    const double threshold = run.spec.ecn_threshold_bytes;
    for (std::size_t first = 0; first < out_.size(); ++first) {
      if (out_[first].first == no_job) continue;
      const sg4::Host* host = to(out_[first].first);
      std::vector<PacketLines::Lane> lanes;
      std::vector<std::size_t> members;
      for (std::size_t k = first; k < out_.size(); ++k) {
        if (out_[k].first == no_job || to(out_[k].first) != host) continue;
        InaJob& dest = run.job(out_[k].first);
        ToPs& m = out_[k].second;
        order_by_time(m.items, m.times);
        members.push_back(k);
        lanes.push_back({&m.times, [&dest, &m](std::size_t i) { return dest.bytes_of(m.items[i]); },
                         [&m, threshold](std::size_t i, double backlog_bytes) { m.items[i].marked |= backlog_bytes > threshold; }});
      }
      run.lines.carry(from.node, host, lanes);
      for (std::size_t k = 0; k < members.size(); ++k) {
        auto& [j, m] = out_[members[k]];
        post(j, lanes[k].arrival, std::move(m));
      }
      for (std::size_t k : members) out_[k].first = no_job;
    }
    out_.clear();
  }

 private:
  std::vector<std::pair<std::uint32_t, ToPs>> out_;
};

class Switch {
 public:
  Switch(InaRun& run, InaSwitch& sw) : run_(run), sw_(sw) {}

  // Workers' packets: this switch is their first (or only) level.
  void on_packets(const PacketBatch& b) {
    InaJob& job = run_.job(b.job);
    const std::uint32_t fan_in = job.first_level[job.level_of_worker[b.worker]].fan_in;
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
      const PsItem packet_item{PsItem::packet, false, seq, std::uint64_t(1) << b.worker, b.resend};
      switch (o.verdict) {
        case ina::Verdict::absorbed: hold(key, t, false); break;
        case ina::Verdict::completed: {
          const auto [ready, marked] = take(key, t, false);
          if (multicasts) {
            multicast.add(seq, false, ready);
            job.counters.switch_contributions += fan_in;
          } else if (b.resend && fan_in == 1) {
            // A lone worker's resend stays a resend, so that the second level flushes rather
            // than claims an aggregator the result has already passed.
            up(b.job, packet_item, t);
          } else {
            // With two levels, a first level's sum is one contribution to the second.
            up(b.job, {job.two_level() ? PsItem::partial : PsItem::aggregate, marked, seq, o.out.bitmap}, ready);
          }
          break;
        }
        case ina::Verdict::collision:
          ++job.counters.collisions;
          up(b.job, packet_item, t);
          break;
        case ina::Verdict::forwarded: up(b.job, packet_item, t); break;
        case ina::Verdict::preempted:
          ++job.counters.preemptions_caused;
          evicted(o.out, t);
          latest_[key] = {t, false};
          break;
        case ina::Verdict::flushed:
          latest_.erase(key);
          up(b.job, {PsItem::partial, false, seq, o.out.bitmap}, t);
          up(b.job, packet_item, t);
          break;
        case ina::Verdict::duplicate:
          if (multicasts && o.out.count) unicast.add(seq, false, t);  // the switch answers a resend itself
          break;
      }
      sw_.memory.peak = std::max(sw_.memory.peak, sw_.policy->occupied());
    }
    dispatch();
    send_results(run_, job, sw_, {&multicast, &unicast});
  }

  // A first-level switch's items: this switch is the job's second level.
  void on_first_level(ToPs& m) {
    InaJob& job = run_.job(m.job);
    for (std::size_t k = 0; k < m.items.size(); ++k) {
      const PsItem& item = m.items[k];
      if (!run_.delivered(job.first_level[job.level_of(item.bitmap)].sw->node, sw_.node)) {
        ++job.counters.lost_packets;
        continue;
      }
      second_level(m.job, item, m.times[k]);
    }
    dispatch();
  }

  void on_results(Results& r) {
    InaJob& job = run_.job(r.job);
    const bool top = job.sw == &sw_;
    // Does this switch sum some of the job's workers first (as well)?
    const bool first = std::any_of(job.first_level.begin(), job.first_level.end(), [&](const FirstLevel& f) { return f.sw == &sw_; });
    const std::uint32_t second_id = run_.second_level_id(r.job);
    Results forward{r.job, r.only_worker, {}, {}, {}};
    for (std::size_t k = 0; k < r.seqs.size(); ++k) {
      if (!run_.delivered(top ? job.ps : job.sw->node, sw_.node)) {
        ++job.counters.lost_packets;
        continue;
      }
      advance(r.times[k]);
      if (top && job.two_level()) sw_.policy->on_result(second_id, r.seqs[k], run_.aggregator_index(second_id, r.seqs[k]));
      if (first) sw_.policy->on_result(r.job, r.seqs[k], run_.aggregator_index(r.job, r.seqs[k]));
      forward.add(r.seqs[k], r.marked[k], r.times[k]);
    }
    if (top && job.two_level() && !forward.seqs.empty())
      for (std::uint32_t i = 0; i < job.first_level.size(); ++i) {
        const FirstLevel& f = job.first_level[i];
        if (f.sw == &sw_ || (r.only_worker >= 0 && job.level_of_worker[r.only_worker] != i)) continue;
        auto copy = std::make_unique<SwitchMessage>(forward);
        const double arrival = run_.lines.carry(sw_.node, f.sw->node, std::get<Results>(*copy).times,
                                                [&job](std::size_t) { return job.down_packet_bytes; });
        f.sw->inbox.post(arrival, std::move(copy));
      }
    if (first) send_results(run_, job, sw_, {&forward});
  }

 private:
  // Memory use is integrated over time; batches may reach back a little before the last change.
  void advance(double t) { sw_.memory.advance(std::max(t, sw_.memory.last_s), sw_.policy->occupied(), sw_.policy->partials()); }

  // Per fragment held (by its policy key): its latest contribution's arrival and whether any
  // contribution came ECN-marked. A sum leaves when its last contribution is in, which an
  // earlier batch may have brought.
  void hold(std::uint64_t key, double t, bool marked) {
    auto& h = latest_[key];
    h.first = std::max(h.first, t);
    h.second |= marked;
  }
  std::pair<double, bool> take(std::uint64_t key, double t, bool marked) {
    auto it = latest_.find(key);
    if (it == latest_.end()) return {t, marked};
    const std::pair<double, bool> held{std::max(t, it->second.first), marked || it->second.second};
    latest_.erase(it);
    return held;
  }

  // A preemption took a holder's aggregator: its partial goes on toward its PS.
  void evicted(const ina::Aggregate& holder, double t) {
    const std::uint32_t j = run_.job_of(holder.job);
    InaJob& job = run_.job(j);
    ++job.counters.preemptions_suffered;
    latest_.erase(ina::fragment_key(holder.job, holder.seq));
    if (!holder.bitmap) return;  // it had sent its sum already
    if (holder.job != j) to_ps_.add(j, {PsItem::partial, false, holder.seq, job.workers_of(holder.bitmap)}, t);  // a second-level sum
    else up(j, {PsItem::partial, false, holder.seq, holder.bitmap}, t);
  }

  // An item leaving the first level: to the PS, or to the job's second level (here or elsewhere).
  void up(std::uint32_t j, PsItem item, double t) {
    InaJob& job = run_.job(j);
    if (!job.two_level()) to_ps_.add(j, item, t);
    else if (job.sw == &sw_) second_level(j, item, t);
    else to_second_.add(j, item, t);
  }

  // The second level adds up first-level sums, one contributor per first-level switch; a resend
  // flushes what it holds of the fragment (as at the first level); everything else passes on
  // to the PS, which completes the fragment from whatever reaches it.
  void second_level(std::uint32_t j, const PsItem& item, double t) {
    InaJob& job = run_.job(j);
    const std::uint32_t level = job.level_of(item.bitmap);
    const bool whole = item.kind == PsItem::partial && item.bitmap == job.first_level[level].workers;
    const bool resend = item.kind == PsItem::packet && item.resend;
    if (!whole && !resend) {
      to_ps_.add(j, item, t);
      return;
    }
    advance(t);
    const std::uint32_t id = run_.second_level_id(j);
    const ina::Packet p{id, level, std::uint32_t(job.first_level.size()), item.seq, run_.aggregator_index(id, item.seq),
                        run_.priority(job, item.seq), resend, {}};
    const ina::Outcome o = sw_.policy->on_packet(p);
    const std::uint64_t key = ina::fragment_key(id, item.seq);
    switch (o.verdict) {
      case ina::Verdict::absorbed: hold(key, t, item.marked); break;
      case ina::Verdict::completed: {
        const auto [ready, marked] = take(key, t, item.marked);
        to_ps_.add(j, {PsItem::aggregate, marked, item.seq, job.workers_of(o.out.bitmap)}, ready);
        break;
      }
      case ina::Verdict::collision:
        ++job.counters.collisions;
        to_ps_.add(j, item, t);
        break;
      case ina::Verdict::preempted:
        ++job.counters.preemptions_caused;
        evicted(o.out, t);
        latest_[key] = {t, item.marked};
        break;
      case ina::Verdict::flushed:
        latest_.erase(key);
        to_ps_.add(j, {PsItem::partial, false, item.seq, job.workers_of(o.out.bitmap)}, t);
        to_ps_.add(j, item, t);
        break;
      case ina::Verdict::forwarded:
      case ina::Verdict::duplicate: to_ps_.add(j, item, t); break;  // the PS discards what it has
    }
    sw_.memory.peak = std::max(sw_.memory.peak, sw_.policy->occupied());
  }

  // What the batch produced, on its way: first-level items up to second levels, then sums and
  // packets to the parameter servers (jobs whose PS shares a host share its link).
  void dispatch() {
    to_second_.send(run_, sw_, [&](std::uint32_t j) { return run_.job(j).sw->node; },
                    [&](std::uint32_t j, double arrival, ToPs&& m) {
                      run_.job(j).sw->inbox.post(arrival, std::make_unique<SwitchMessage>(std::move(m)));
                    });
    to_ps_.send(run_, sw_, [&](std::uint32_t j) { return run_.job(j).ps; },
                [&](std::uint32_t j, double arrival, ToPs&& m) { run_.job(j).ps_inbox.post(arrival, std::make_unique<ToPs>(std::move(m))); });
  }

  InaRun& run_;
  InaSwitch& sw_;
  Outbox to_ps_, to_second_;
  std::unordered_map<std::uint64_t, std::pair<double, bool>> latest_;
};

}  // namespace

void switch_service(InaRun& run, InaSwitch& sw) {
  sg4::Actor::self()->daemonize();
  Switch logic(run, sw);
  for (;;) {
    std::unique_ptr<SwitchMessage> message = sw.inbox.next();
    if (auto* b = std::get_if<PacketBatch>(message.get())) logic.on_packets(*b);
    else if (auto* r = std::get_if<Results>(message.get())) logic.on_results(*r);
    else logic.on_first_level(std::get<ToPs>(*message));
  }
}

}  // namespace cs::ina_sim

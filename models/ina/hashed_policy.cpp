// ATP and ESA: the host hashes each fragment onto an aggregator; a fragment that finds the
// aggregator held by another goes on to its parameter server (ATP), or, if its priority is
// strictly higher, takes the aggregator and sends the holder's partial sum on (ESA).
// An aggregator is held from the first packet until the fragment's result (the PS's ACK)
// passes back through the switch.
#include "hashed_policy.hpp"

#include "aggregator_slots.hpp"

namespace cs::ina {
namespace {

class HashedPolicy final : public AggregationPolicy {
 public:
  HashedPolicy(const SwitchMemory& m, bool preemptive)
      : slots_(m.aggregators, m.values_per_aggregator), preemptive_(preemptive) {}

  std::string_view name() const override { return preemptive_ ? "esa" : "atp"; }
  std::uint32_t occupied() const override { return slots_.held(); }
  std::uint32_t partials() const override { return slots_.partials(); }
  std::uint32_t capacity() const override { return slots_.size(); }
  bool admit(std::uint32_t, std::uint32_t) override { return true; }
  void release(std::uint32_t) override {}

  Outcome on_packet(const Packet& p) override {
    if (p.fan_in == 1) return done({Verdict::completed, {p.job, p.seq, std::uint64_t(1) << p.worker, 1, p.values}});
    const std::uint32_t i = p.index % slots_.size();
    auto& s = slots_[i];
    const std::uint64_t key = fragment_key(p.job, p.seq);
    if (p.resend) {
      // A timeout: whatever the switch holds of this fragment goes to the PS with the packet.
      if (s.key == key && !s.complete) return done({Verdict::flushed, slots_.evict(i)});
      return done({Verdict::forwarded, {}});
    }
    if (s.key == no_owner) {
      slots_.claim(i, p);
      return done({Verdict::absorbed, {}});
    }
    if (s.key == key) {
      if (s.bitmap & (std::uint64_t(1) << p.worker)) return done({Verdict::duplicate, {}});
      if (slots_.add(i, p)) return done({Verdict::completed, slots_.view(i)});
      return done({Verdict::absorbed, {}});
    }
    if (preemptive_ && p.priority > s.priority) {
      // A completed holder has already sent its sum: it loses only the wait for its ACK.
      const bool holder_done = s.complete;
      Aggregate holder = slots_.evict(i);
      if (holder_done) holder = {holder.job, holder.seq, 0, 0, {}};
      slots_.claim(i, p);
      return done({Verdict::preempted, holder});
    }
    return done({Verdict::collision, {}});
  }

  void on_result(std::uint32_t job, std::uint64_t seq, std::uint32_t index) override {
    const std::uint32_t i = index % slots_.size();
    if (slots_[i].key == fragment_key(job, seq)) slots_.release(i);
  }

 private:
  AggregatorSlots slots_;
  bool preemptive_;
};

}  // namespace

std::unique_ptr<AggregationPolicy> make_hashed_policy(const SwitchMemory& m, bool preemptive) {
  return std::make_unique<HashedPolicy>(m, preemptive);
}

}  // namespace cs::ina

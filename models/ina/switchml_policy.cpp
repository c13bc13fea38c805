// SwitchML: each admitted job owns a static pool of s slots, never shared. Chunk i uses slot
// i mod s, alternating between the slot's two versions (two aggregators), so a worker sends
// chunk i + s only after chunk i's result came back, and a late resend of chunk i still finds
// its result. When all workers contributed, the switch multicasts the sum to them (no PS).
#include <vector>

#include "aggregation_policy.hpp"
#include "aggregator_slots.hpp"
#include "policy_registry.hpp"

namespace cs::ina {
namespace {

class SwitchMlPolicy final : public AggregationPolicy {
 public:
  explicit SwitchMlPolicy(const SwitchMemory& m) : slots_(m.aggregators, m.values_per_aggregator) {}

  std::string_view name() const override { return "switchml"; }
  std::uint32_t capacity() const override { return slots_.size(); }
  std::uint32_t occupied() const override { return reserved_; }
  std::uint32_t partials() const override { return slots_.partials(); }

  // `aggregators` is rounded down to whole slots of two versions.
  bool admit(std::uint32_t job, std::uint32_t aggregators) override {
    const std::uint32_t want = aggregators & ~1u;
    if (want == 0 || want > slots_.size() || (job < pools_.size() && pools_[job].size)) return false;
    // First fit: the lowest start that overlaps no pool.
    std::uint32_t start = 0;
    for (bool moved = true; moved;) {
      moved = false;
      for (const Pool& q : pools_)
        if (q.size && start < q.first + q.size && q.first < start + want) start = q.first + q.size, moved = true;
    }
    if (start + want > slots_.size()) return false;
    if (job >= pools_.size()) pools_.resize(job + 1);
    pools_[job] = {start, want};
    reserved_ += want;
    return true;
  }

  void release(std::uint32_t job) override {
    if (job >= pools_.size() || !pools_[job].size) return;
    for (std::uint32_t i = 0; i < pools_[job].size; ++i) slots_.release(pools_[job].first + i);
    reserved_ -= pools_[job].size;
    pools_[job] = {};
  }

  Outcome on_packet(const Packet& p) override {
    if (p.job >= pools_.size() || !pools_[p.job].size) return done({Verdict::forwarded, {}});  // the host path
    const Pool& pool = pools_[p.job];
    const std::uint32_t slots = pool.size / 2;
    const std::uint32_t i = pool.first + 2 * std::uint32_t(p.seq % slots) + std::uint32_t(p.seq / slots % 2);
    auto& s = slots_[i];
    const std::uint64_t key = fragment_key(p.job, p.seq);
    if (s.key != key) {
      // The version's previous chunk (seq - 2s) is complete by construction of the pacing;
      // an incomplete one here would be a pacing bug, counted as a collision to show up.
      if (s.key != no_owner && !s.complete) ++counters_.collisions;
      slots_.claim(i, p);
      return done(s.complete ? Outcome{Verdict::completed, slots_.view(i)} : Outcome{Verdict::absorbed, {}});
    }
    if (s.bitmap & (std::uint64_t(1) << p.worker))
      // A resend: once complete, the result goes out again; before, the contribution is in.
      return done({Verdict::duplicate, s.complete ? slots_.view(i) : Aggregate{}});
    if (slots_.add(i, p)) return done({Verdict::completed, slots_.view(i)});
    return done({Verdict::absorbed, {}});
  }

  void on_result(std::uint32_t, std::uint64_t, std::uint32_t) override {}  // versions recycle slots

 private:
  AggregatorSlots slots_;
  struct Pool {
    std::uint32_t first = 0, size = 0;  // in aggregators; size 0: no pool
  };
  std::vector<Pool> pools_;  // by job
  std::uint32_t reserved_ = 0;
};

}  // namespace

extern const PolicyEntry switchml_policy;
const PolicyEntry switchml_policy{
    "switchml",
    "SwitchML: a static pool per job (switchml_pool), the switch multicasts results itself, no PS",
    {.multicasts_results = true,
     .pools_per_job = true,
     .aggregators_per_slot = 2,
     .values_per_packet = 64,
     .analytical_sharing = AnalyticalSharing::pools},
    [](const SwitchMemory& m) -> std::unique_ptr<AggregationPolicy> { return std::make_unique<SwitchMlPolicy>(m); }};

}  // namespace cs::ina

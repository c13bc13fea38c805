// Whatever path a fragment takes (aggregated in the switch, collided and summed at the PS,
// preempted, flushed by a resend), its result is the exact sum of its workers' values.
// Many jobs, scarce memory, random interleaving, random ACK delays and resends.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ina/policy_registry.hpp"
#include "ina/fragment_assembler.hpp"

namespace cs::ina {
namespace {

constexpr std::uint32_t width = 4;

std::int32_t value(std::uint32_t job, std::uint32_t worker, std::uint64_t seq, std::uint32_t k) {
  return std::int32_t((job * 7919 + worker * 104729 + seq * 1299709 + k * 15485863) % 2001) - 1000;
}

struct Event {
  enum Kind { send, resend, ack } kind;
  std::uint32_t job, worker;
  std::uint64_t seq;
};

void run_randomized(std::string_view kind, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::uint32_t jobs = 8, fragments = 300, memory = 12;
  std::vector<std::uint32_t> fan_in(jobs), priority(jobs);
  for (auto& f : fan_in) f = 2 + std::uint32_t(rng() % 5);
  for (auto& p : priority) p = std::uint32_t(rng() % 4);  // ties on purpose
  auto policy = make_policy(kind, {memory, width});
  std::vector<FragmentAssembler> ps;
  for (auto f : fan_in) ps.emplace_back(f, width);
  auto index = [&](std::uint32_t job, std::uint64_t seq) { return std::uint32_t((job * 2654435761u + seq * 40503u) % memory); };

  std::vector<Event> pool;
  for (std::uint32_t j = 0; j < jobs; ++j)
    for (std::uint32_t w = 0; w < fan_in[j]; ++w)
      for (std::uint64_t s = 0; s < fragments; ++s) pool.push_back({Event::send, j, w, s});
  std::vector<std::vector<int>> results(jobs, std::vector<int>(fragments, 0));

  auto to_ps = [&](std::uint32_t job, std::uint64_t seq, std::uint64_t bitmap, std::span<const std::int32_t> v) {
    if (ps[job].add(seq, bitmap, v) != FragmentAssembler::Added::completed) return;
    auto sum = ps[job].last_sum();
    for (std::uint32_t k = 0; k < width; ++k) {
      std::int32_t expected = 0;
      for (std::uint32_t w = 0; w < fan_in[job]; ++w) expected += value(job, w, seq, k);
      ASSERT_EQ(sum[k], expected) << "job " << job << " fragment " << seq << " value " << k;
    }
    ++results[job][seq];
    pool.push_back({Event::ack, job, 0, seq});
  };

  std::vector<std::int32_t> values(width);
  for (int stalls = 0; stalls < 100;) {
    if (pool.empty()) {
      // Every worker of a fragment still open times out and resends, as ATP's hosts do.
      for (std::uint32_t j = 0; j < jobs; ++j)
        for (std::uint64_t s = 0; s < fragments; ++s)
          if (!ps[j].complete(s))
            for (std::uint32_t w = 0; w < fan_in[j]; ++w) pool.push_back({Event::resend, j, w, s});
      if (pool.empty()) break;
      ++stalls;
    }
    std::swap(pool[rng() % pool.size()], pool.back());
    Event e = pool.back();
    pool.pop_back();
    if (e.kind == Event::ack) {
      policy->on_result(e.job, e.seq, index(e.job, e.seq));
      continue;
    }
    for (std::uint32_t k = 0; k < width; ++k) values[k] = value(e.job, e.worker, e.seq, k);
    Packet p{e.job, e.worker, fan_in[e.job], e.seq, index(e.job, e.seq), priority[e.job], e.kind == Event::resend, values};
    Outcome o = policy->on_packet(p);
    if (o.verdict == Verdict::completed || ((o.verdict == Verdict::preempted || o.verdict == Verdict::flushed) && o.out.bitmap))
      to_ps(o.out.job, o.out.seq, o.out.bitmap, o.out.values);
    if (o.packet_to_ps()) to_ps(e.job, e.seq, std::uint64_t(1) << e.worker, values);
    // A first transmission is sometimes followed by a spurious resend (a lost ACK).
    if (e.kind == Event::send && rng() % 20 == 0) pool.push_back({Event::resend, e.job, e.worker, e.seq});
  }
  for (std::uint32_t j = 0; j < jobs; ++j)
    for (std::uint64_t s = 0; s < fragments; ++s) {
      ASSERT_EQ(results[j][s], 1) << "job " << j << " fragment " << s;
    }
  EXPECT_EQ(policy->occupied(), 0u);
  EXPECT_EQ(policy->partials(), 0u);
  EXPECT_GT(policy->counters().collisions, 0u);
  if (kind == "esa") {
    EXPECT_GT(policy->counters().preemptions, 0u);
  }
}

TEST(InaExactSum, AtpWithScarceMemory) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) run_randomized("atp", seed);
}

TEST(InaExactSum, EsaWithScarceMemory) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) run_randomized("esa", seed);
}

}  // namespace
}  // namespace cs::ina

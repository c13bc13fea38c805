// Packets per second through each switch aggregation policy: 8 jobs of 8 workers compete for
// scarce memory (4,000 aggregators; each ATP/ESA job hashes over 2,800 indices), and the
// result (ACK) of a fragment passes back 64 fragments later, as if a PS round trip away.
// The benchmark's items are packets; `width` 0 simulates timing only, 62 carries ATP's values.
#include <benchmark/benchmark.h>

#include <deque>
#include <random>
#include <vector>

#include "ina/policy_registry.hpp"

namespace {

using namespace cs::ina;

struct Stream {
  std::vector<Packet> packets;
  std::vector<std::int32_t> values;
};

Stream make_stream(std::string_view kind, std::uint32_t memory, std::uint32_t width) {
  constexpr std::uint32_t jobs = 8, workers = 8, fragments = 4096, per_job_indices = 2800;
  Stream s;
  s.values.assign(width, 1);
  std::mt19937_64 rng(42);
  std::vector<std::vector<std::uint32_t>> perm(jobs, std::vector<std::uint32_t>(per_job_indices));
  for (auto& p : perm)
    for (auto& i : p) i = std::uint32_t(rng() % memory);
  const std::uint32_t pool = memory / jobs;
  for (std::uint64_t f = 0; f < fragments; ++f)
    for (std::uint32_t w = 0; w < workers; ++w)
      for (std::uint32_t j = 0; j < jobs; ++j) {
        std::uint32_t index = kind == "switchml" ? std::uint32_t(f % (pool / 2)) : perm[j][f % per_job_indices];
        s.packets.push_back({j, w, workers, f, index, std::uint32_t(rng() % 16), false, {}});
      }
  return s;
}

void run(benchmark::State& state, std::string_view kind) {
  const auto width = std::uint32_t(state.range(0));
  const std::uint32_t memory = 4000;
  Stream s = make_stream(kind, memory, width);
  for (auto& p : s.packets) p.values = s.values;
  std::uint64_t processed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto policy = make_policy(kind, {memory, width});
    for (std::uint32_t j = 0; j < 8; ++j) policy->admit(j, memory / 8);
    std::deque<std::pair<std::uint32_t, std::uint64_t>> acks;  // (job, seq) of completed fragments
    std::vector<std::uint32_t> index_of(8 * 4096);
    state.ResumeTiming();
    for (const Packet& p : s.packets) {
      Outcome o = policy->on_packet(p);
      benchmark::DoNotOptimize(o);
      if (o.verdict == Verdict::completed) {
        index_of[p.job * 4096 + p.seq] = p.index;
        acks.emplace_back(p.job, p.seq);
        if (acks.size() > 64) {
          auto [job, seq] = acks.front();
          acks.pop_front();
          policy->on_result(job, seq, index_of[job * 4096 + seq]);
        }
      }
    }
    processed += s.packets.size();
  }
  state.SetItemsProcessed(std::int64_t(processed));
}

void BM_SwitchMl(benchmark::State& s) { run(s, "switchml"); }
void BM_Atp(benchmark::State& s) { run(s, "atp"); }
void BM_Esa(benchmark::State& s) { run(s, "esa"); }
BENCHMARK(BM_SwitchMl)->Arg(0)->Arg(62)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Atp)->Arg(0)->Arg(62)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Esa)->Arg(0)->Arg(62)->Unit(benchmark::kMillisecond);

}  // namespace

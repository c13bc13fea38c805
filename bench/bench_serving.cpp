// The serving models' per-call costs: the tier-to-threshold table on a 10,000-sample validation
// split with 4 tiers; one 30-packet frame through the camera transport, lossy and reliable, at
// 0% and 5% loss; and one request's route() in each serving system (INFaaS over 4 variants with
// its LRU edge memory, under a mix of tiers and deadlines that makes it swap).
#include <benchmark/benchmark.h>

#include <vector>

#include "learning/random.hpp"
#include "serving/policy.hpp"
#include "serving/thresholds.hpp"
#include "serving/transport.hpp"

namespace {

using namespace cs::serving;

// A calibrated edge model (correct with probability = confidence) and a 0.9-accurate DC model.
std::vector<CascadeSample> validation(std::size_t n) {
  cs::learning::SplitMix64 rng(1);
  std::vector<CascadeSample> s(n);
  for (auto& x : s) {
    x.edge_confidence = float(rng.uniform());
    x.edge_correct = rng.uniform() < x.edge_confidence;
    x.dc_correct = rng.uniform() < 0.9;
  }
  return s;
}

void BM_ThresholdTable(benchmark::State& state) {
  const auto samples = validation(10'000);
  const std::vector<double> targets{0.6, 0.75, 0.85, 0.9};
  for (auto _ : state) benchmark::DoNotOptimize(threshold_table(samples, targets));
  state.SetItemsProcessed(state.iterations() * std::int64_t(samples.size()));
}
BENCHMARK(BM_ThresholdTable)->Unit(benchmark::kMicrosecond);

// Items: frames. range(0): loss in per mille; range(1): 1 for reliable.
void BM_DeliverFrame(benchmark::State& state) {
  TransportParams p;
  p.kind = state.range(1) ? TransportKind::reliable : TransportKind::lossy;
  p.packets = 30;
  p.loss_rate = double(state.range(0)) / 1000.0;
  p.rtt_s = 0.01;
  cs::learning::SplitMix64 rng(3);
  for (auto _ : state) benchmark::DoNotOptimize(deliver_frame(p, rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DeliverFrame)->ArgNames({"loss_permille", "reliable"})->ArgsProduct({{0, 50}, {0, 1}});

PolicyConfig config() {
  PolicyConfig c;
  c.pool = {{"tiny", 0.70, 10, 0.005, 0.010, 0.002},
            {"small", 0.80, 20, 0.010, 0.015, 0.003},
            {"medium", 0.88, 40, 0.030, 0.040, 0.006},
            {"large", 0.93, 80, 0.060, 0.080, 0.010}};
  c.edge_model = 1;
  c.dc_model = 3;
  c.tier_accuracy = {0.70, 0.80, 0.88, 0.93};
  c.tier_threshold = {0.0, 0.5, 0.8, all_to_dc};
  c.edge_memory_bytes = 90;  // large plus one small one at most: swaps happen
  c.dc_network_s = 0.02;
  return c;
}

// Items: requests, cycling through 64 (tier, deadline) pairs drawn once.
void BM_Route(benchmark::State& state, SystemKind kind) {
  auto policy = make_policy(kind, config());
  cs::learning::SplitMix64 rng(5);
  std::vector<std::pair<int, double>> requests(64);
  for (auto& [tier, deadline] : requests) {
    tier = int(rng.below(4));
    deadline = rng.uniform() < 0.5 ? no_deadline : 0.02 + 0.1 * rng.uniform();
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [tier, deadline] = requests[i++ & 63];
    benchmark::DoNotOptimize(policy->route(tier, deadline));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Route, hawkvision, SystemKind::hawkvision);
BENCHMARK_CAPTURE(BM_Route, infaas, SystemKind::infaas);
BENCHMARK_CAPTURE(BM_Route, dc_only, SystemKind::dc_only);
BENCHMARK_CAPTURE(BM_Route, edge_only, SystemKind::edge_only);

}  // namespace

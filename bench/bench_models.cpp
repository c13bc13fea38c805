// Google Benchmark of clustersim's pure parts (no SimGrid): the quantity parser, the
// percentile every report uses, and loading + validating a scenario file.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "core/stats.hpp"
#include "core/units.hpp"
#include "scenario/scenario.hpp"

namespace {

void BM_ParseQuantity(benchmark::State& state) {
  // A mix of dimensions and of positions in the unit table (the parser scans it linearly).
  const std::vector<std::pair<std::string, cs::Dimension>> inputs = {
      {"25Gbps", cs::Dimension::bandwidth}, {"1.5us", cs::Dimension::duration}, {"100MB", cs::Dimension::size},
      {"200W", cs::Dimension::power},       {"15Tf", cs::Dimension::speed},     {" 4 KiB ", cs::Dimension::size},
      {"30/min", cs::Dimension::frequency}, {"60ms", cs::Dimension::duration},
  };
  size_t i = 0;
  for (auto _ : state) {
    const auto& [text, dim] = inputs[i++ % inputs.size()];
    benchmark::DoNotOptimize(cs::parse_quantity(text, dim));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseQuantity);

void BM_ParseQuantityError(benchmark::State& state) {
  // The wrong-dimension path builds a message and throws: what validation pays per bad value.
  for (auto _ : state) {
    try {
      benchmark::DoNotOptimize(cs::parse_quantity("25Gbps", cs::Dimension::size));
    } catch (const cs::UnitError& e) {
      benchmark::DoNotOptimize(e.what());
    }
  }
}
BENCHMARK(BM_ParseQuantityError);

void BM_Percentile(benchmark::State& state) {
  std::vector<double> values(size_t(state.range(0)));
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> dist(0, 100);
  for (auto& v : values) v = dist(rng);
  for (auto _ : state) benchmark::DoNotOptimize(cs::percentile(values, 99));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Percentile)->Arg(100000)->Unit(benchmark::kMicrosecond);

void BM_LoadScenario(benchmark::State& state) {
  for (auto _ : state) {
    cs::Scenario s = cs::load_scenario(CLUSTERSIM_QUICKSTART_SCENARIO);
    benchmark::DoNotOptimize(s.workloads.size());
  }
}
BENCHMARK(BM_LoadScenario)->Unit(benchmark::kMicrosecond);

}  // namespace

// Throughput of each compression scheme's worker-side encode (including bit-packing the codes
// as they go on the wire) and decode, in bytes of fp32 gradient per second, at d = 2^20 and
// 2^24. The round (THC's scale agreement) and the aggregate are prepared outside the timing.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "compression/bit_pack.hpp"
#include "compression/measure.hpp"
#include "compression/scheme.hpp"

namespace {

using namespace cs::compression;

struct Setup {
  std::unique_ptr<Scheme> scheme;
  std::vector<float> gradient;
  Round round;
  Aggregate sum;  // finished, for decode
};

// One setup per (scheme, d), built on first use: 2^24-coordinate gradients are slow to draw.
const Setup& setup(const std::string& name, std::size_t d) {
  static std::map<std::tuple<std::string, std::size_t>, Setup> cache;
  auto key = std::make_tuple(name, d);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  Setup s;
  SchemeConfig config;
  config.name = name;
  s.scheme = make_scheme(config);
  s.gradient = synthetic_gradient(d, "gaussian", 1, 0);
  s.round.shared_seed = 7;
  s.round.scales = s.scheme->local_scales(s.gradient);
  s.sum = s.scheme->start(d, s.round);
  for (int i = 0; i < 2; ++i) s.scheme->add(s.sum, s.scheme->encode(s.gradient, s.round, 100 + i), s.round);
  s.scheme->finish(s.sum, s.round, 5);
  return cache.emplace(key, std::move(s)).first->second;
}

// Width of each code on the wire, for packing (QSGD's signs are packed separately).
int code_bits(const std::string& name) {
  const SchemeConfig defaults;
  if (name == "thc" || name == "uhc") return defaults.bits;
  if (name == "terngrad") return 2;
  if (name == "qsgd") {
    int bits = 0;
    while ((1 << bits) < defaults.qsgd_levels + 1) ++bits;
    return bits;
  }
  return 0;  // values (fp32, fp16 as floats) and top-k pairs go as they are
}

void encode(benchmark::State& state, const std::string& name) {
  const std::size_t d = std::size_t{1} << state.range(0);
  const Setup& s = setup(name, d);
  const int bits = code_bits(name);
  std::uint64_t stream = 0;
  for (auto _ : state) {
    Encoded m = s.scheme->encode(s.gradient, s.round, ++stream);
    if (bits > 0) {
      auto packed = pack_codes(m.codes, bits);
      benchmark::DoNotOptimize(packed.data());
    }
    if (!m.signs.empty()) {
      auto packed = pack_codes(m.signs, 1);
      benchmark::DoNotOptimize(packed.data());
    }
    benchmark::DoNotOptimize(m.codes.data());
    benchmark::DoNotOptimize(m.values.data());
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(d * sizeof(float)));
}

void decode(benchmark::State& state, const std::string& name) {
  const std::size_t d = std::size_t{1} << state.range(0);
  const Setup& s = setup(name, d);
  for (auto _ : state) {
    auto estimate = s.scheme->decode(s.sum, d, s.round);
    benchmark::DoNotOptimize(estimate.data());
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(d * sizeof(float)));
}

const bool registered = [] {
  for (auto name : scheme_names()) {
    const std::string n(name);
    benchmark::RegisterBenchmark(("encode/" + n).c_str(), encode, n)->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("decode/" + n).c_str(), decode, n)->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace

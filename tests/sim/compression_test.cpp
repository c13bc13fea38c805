// Jobs with a compression scheme: round times against closed forms (with costs set in the
// scenario, so the figures are exact), the scheme's bytes on the links, the proxy's accuracy
// curve, and packet loss leaving contributions out.
#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>

#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using nlohmann::json;

constexpr double bandwidth_bytes = 10e9 / 8;
constexpr double gradient = 64.0 * (1 << 20);  // bytes of fp32: 2^24 coordinates, no padding
constexpr double coords = gradient / 4;
constexpr double compute = 0.05;
constexpr double encode_ns = 2, add_ns = 1, decode_ns = 1;
constexpr double latency = 1e-6;  // per link; a star route crosses two
constexpr double exact = 1e-9;    // relative: sums and quotients of doubles, as in training_analytic_test

json compressed_ps(const std::string& scheme, int n) {
  json s = testing::star_scenario(n + 1, "10Gbps", "1us");
  s["workload"]["compression"] = {
      {"scheme", scheme}, {"costs", {{"encode", "2ns"}, {"add", "1ns"}, {"finish", "0ns"}, {"decode", "1ns"}}}};
  s["workload"]["jobs"] = {{{"name", "j"},
                            {"gradient_size", "64MiB"},
                            {"workers", n},
                            {"aggregation", "ps"},
                            {"servers", {"host" + std::to_string(n)}},
                            {"iterations", 3},
                            {"compute", "50ms"}}};
  return s;
}

TEST(Compression, PsRoundIsComputeEncodeUpAggregateDownDecode) {
  const int n = 4;
  auto r = testing::simulate(compressed_ps("thc", n));
  // THC defaults: 4 bits up, 8 bits down per coordinate (16M is a power of two: no padding),
  // plus one float per 2^20-coordinate partition (16 of them, `scales` = 64 B) for the scale agreement.
  // The round, as sim/training/data_parallel.cpp and scale_agreement.cpp run it:
  // - agreement, up: one receiving actor at the PS takes the n workers' 64 B one after the other
  //   (a mailbox transfer starts only when its get() is posted): n (2 l + scales / B);
  // - agreement, down: n concurrent 64 B transfers out of the PS's link: 2 l + n scales / B;
  // - encode, then the indices up (n flows share the PS's downlink): 2 l + n bytes_up / B, where
  //   bytes_up = coords b_up / 8 counts the per-partition floats again (bits_up_per_coord
  //   amortises them: 4 + 32 x 16 / 2^24 bits), so 8 MiB + 64 B;
  // - aggregation at the PS: coords n add; the sums down: 2 l + n (coords + 64 B) / B; decode.
  const double scales = 16 * 4;
  const double agreement = n * (2 * latency + scales / bandwidth_bytes) + 2 * latency + n * scales / bandwidth_bytes;
  const double up = 2 * latency + n * (coords * 4 / 8 + scales) / bandwidth_bytes;
  const double down = 2 * latency + n * (coords * 8 / 8 + scales) / bandwidth_bytes;
  const double encode = coords * encode_ns * 1e-9, decode = coords * decode_ns * 1e-9;
  const double aggregation = coords * n * add_ns * 1e-9;
  const double expected = compute + agreement + encode + up + aggregation + down + decode;
  const std::string p = fmt::format("n={}, 2^24 coordinates, B=10 Gbps, l=1 us, c=50 ms, encode 2 ns, add 1 ns, decode 1 ns "
                                    "per coordinate, s=64 B of scales", n);
  validation::check("", "THC PS round time",
                    "c + n (2l + s/B) + (2l + n s/B) + d e + (2l + n (d/2 + s)/B) + d n a + (2l + n (d + s)/B) + d f",
                    p, expected, r.metrics["iteration_time_mean_s"].get<double>(), exact);
  validation::check("", "THC compression time per round", "d (e + f)", p, encode + decode,
                    r.metrics["round_compression_mean_s"].get<double>(), exact);
  validation::check("", "THC aggregation time per round", "d n a", p, aggregation,
                    r.metrics["round_aggregation_mean_s"].get<double>(), exact);
  validation::check("", "THC compute time per round", "c", p, compute, r.metrics["round_compute_mean_s"].get<double>(), exact);
  EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "j", "bytes_up_per_round"), coords * 4 / 8 + 16 * 4);
}

TEST(Compression, UncompressedThroughTheSchemeMovesFp32BothWays) {
  const int n = 4;
  auto r = testing::simulate(compressed_ps("none", n));
  // No scale agreement; fp32 up and down, each 2 l + n G / B.
  const double expected = compute + coords * (encode_ns + n * add_ns + decode_ns) * 1e-9 +
                          2 * (2 * latency + n * gradient / bandwidth_bytes);
  validation::check("", "uncompressed (scheme none) PS round time", "c + d (e + n a + f) + 2 (2 l + n G / B)",
                    fmt::format("n={}, G=64 MiB, d=2^24, B=10 Gbps, l=1 us, c=50 ms, e=2 ns, a=1 ns, f=1 ns", n), expected,
                    r.metrics["iteration_time_mean_s"].get<double>(), exact);
  EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "j", "bits_up_per_coord"), 32.0);
  EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "j", "bits_down_per_coord"), 32.0);
}

TEST(Compression, InaCarriesThcIndicesUpAndEightBitSumsDown) {
  const int n = 4;
  json s = testing::star_scenario(n + 1, "10Gbps", "1us");
  s["policies"] = {{"switch_allocation", "atp"}};
  s["workload"]["ina"] = json::object();
  s["workload"]["compression"] = {
      {"scheme", "thc"}, {"costs", {{"encode", "0ns"}, {"add", "0ns"}, {"finish", "0ns"}, {"decode", "0ns"}}}};
  s["workload"]["jobs"] = {{{"name", "j"},
                            {"gradient_size", "16MiB"},
                            {"workers", n},
                            {"aggregation", "ina"},
                            {"servers", {"host" + std::to_string(n)}},
                            {"iterations", 2},
                            {"compute", "1ms"}}};
  auto r = testing::simulate(s);
  // 62 x 32 register bits hold 248 sums of 8 bits: a fragment is 248 coordinates, 4-bit indices
  // up and 8-bit sums down, each with a 60 B header. bits_up_per_coord amortises THC's one
  // float per 2^20-coordinate partition (P = 4 of them, s = 16 B) into every packet
  // (b_up = 4 + 32 P / 2^22, b_down = 8 + 32 P / 2^22), and the scale agreement sends the s
  // bytes again as its own round, as in the PS test above.
  const double k = 2, F = std::ceil((1 << 22) / 248.0), B = bandwidth_bytes, l = latency;
  const double scales = 4 * 4, amortised = 32.0 * 4 / (1 << 22);
  const double p_up = 60 + 248 * (4 + amortised) / 8, p_down = 60 + 248 * (8 + amortised) / 8;
  const std::string p = "n=4, k=2 iterations, 2^22 coordinates, F=ceil(2^22/248) fragments, h=60 B headers, B=10 Gbps, "
                        "l=1 us, c=1 ms, no compression costs, ATP, c_ps=20 ns";
  // Bytes per link over the run: exact sums of these doubles (relative 1e-12).
  validation::check("", "bytes on a worker's uplink", "k (F p_up + s), p_up = h + 248 b_up / 8", p, k * (F * p_up + scales),
                    r.cell("links", "host0-switch_UP", "bytes"), 1e-12);
  validation::check("", "bytes on a worker's downlink", "k (F p_down + s), p_down = h + 248 b_down / 8", p,
                    k * (F * p_down + scales), r.cell("links", "host0-switch_DOWN", "bytes"), 1e-12);
  validation::check("", "bytes into the PS (complete sums)", "k (F p_down + n s)", p, k * (F * p_down + n * scales),
                    r.cell("links", "host4-switch_DOWN", "bytes"), 1e-12);
  // Time: compute; the agreement round (as in the PS test); then the first packet crosses
  // worker -> switch (l + p_up / B), and the sums leave the switch toward the PS one p_down / B
  // apart (the switch -> PS line, slower than the uplinks' p_up / B, is the bottleneck and never
  // idles: the window, 32 packets and growing, covers its round trip). The last sum reaches the
  // PS F p_down / B + l later, costs c_ps there, and its result comes back through the switch to
  // the worker: 2 (l + p_down / B). Every packet is timed on its own whatever the unit (16).
  const double agreement = n * (2 * l + scales / B) + 2 * l + n * scales / B;
  const double fill = 4 * l + (p_up + 2 * p_down) / B + 20e-9;
  const double expected = 1e-3 + agreement + fill + F * p_down / B;
  validation::check("", "THC over INA (ATP, ample memory) iteration time",
                    "c + n (2l + s/B) + (2l + n s/B) + 4 l + (p_up + 2 p_down) / B + c_ps + F p_down / B", p, expected,
                    r.metrics["iteration_time_mean_s"].get<double>(), 1e-9);
  EXPECT_DOUBLE_EQ(r.metrics["ina_switch_aggregated_share"].get<double>(), 1.0);
}

json learning_ps(double loss_rate) {
  json s = compressed_ps("thc", 4);
  s["platform"]["link"]["loss_rate"] = loss_rate;
  s["workload"]["jobs"][0]["iterations"] = 40;
  s["workload"]["learning"] = {{"proxy", "softmax"}, {"eval_every", 10}, {"target_accuracy", 0.6}};
  return s;
}

TEST(Compression, ProxyTrainingReportsAnAccuracyCurveAndTimeToAccuracy) {
  auto r = testing::simulate(learning_ps(0));
  // Evaluated after rounds 10, 20, 30, 40.
  std::istringstream csv(r.csv.at("accuracy"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "job,scheme,proxy,dataset,round,time_s,test_accuracy");
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 4);
  const double accuracy = r.metrics["final_accuracy_mean"];
  EXPECT_GT(accuracy, 0.6);  // 40 rounds of 4 x 32 images: well above chance (0.1)
  EXPECT_LE(accuracy, 1.0);
  ASSERT_TRUE(r.metrics.contains("time_to_accuracy_mean_s"));
  // Reached at an evaluation: a whole number of rounds after the start.
  const double tta = r.metrics["time_to_accuracy_mean_s"];
  const double rounds = r.cell("compression_jobs", "j", "rounds_to_accuracy");
  // Every round takes the same time (no loss, no jitter): a product of doubles, to 1e-9.
  validation::check("", "time to accuracy", "rounds to accuracy x round time",
                    "softmax proxy, THC, n=4, evaluated every 10 rounds, target 0.6", rounds * r.metrics["round_time_mean_s"].get<double>(),
                    tta, 1e-9);
  EXPECT_GT(r.metrics["vnmse_mean"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "j", "lost_packet_share"), 0.0);
}

TEST(Compression, LossLeavesContributionsOutAtTheRouteLossRate) {
  auto r = testing::simulate(learning_ps(0.01));
  // A worker's packets cross two lossy links to the PS: 1 - 0.99^2 of them are lost, each drawn
  // on its own (models/compression/allreduce.cpp), so the count is binomial. A packet is one
  // chunk of floor(1024 B x 8 / b_up) = 2047 coordinates (b_up = 4 + 32 x 16 / 2^24, the target
  // model's), the softmax proxy's 784 x 10 + 10 = 7850 parameters pad to 8192, so 5 chunks per
  // worker per round: N = 40 rounds x 4 workers x 5 = 800. Tolerance: 5 standard errors,
  // sqrt(q (1 - q) / N) (relative 25% each: this sample is small, the check is loose).
  const double q = 1 - 0.99 * 0.99;
  const double chunk = std::floor(1024.0 * 8 / (4 + 32.0 * 16 / (1 << 24)));
  const double N = 40 * 4 * std::ceil(8192 / chunk);
  ASSERT_EQ(N, 800);
  const double lost = r.cell("compression_jobs", "j", "lost_packet_share");
  validation::check("", "lost packet share (binomial)", "1 - (1 - p)^2", "p=0.01 per link, N=800 packets, seed 1, tolerance 5 x sqrt(q (1 - q) / N)",
                    q, lost, 5 * std::sqrt(q * (1 - q) / N) / q);
  EXPECT_GT(lost, 0.0);
  EXPECT_GT(r.metrics["final_accuracy_mean"].get<double>(), 0.5);  // decoding with the arrived count keeps learning
}

}  // namespace
}  // namespace cs

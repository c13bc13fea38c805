// Jobs with a compression scheme: round times against closed forms (with costs set in the
// scenario, so the figures are exact), the scheme's bytes on the links, the proxy's accuracy
// curve, and packet loss leaving contributions out.
#include <gtest/gtest.h>

#include <cmath>

#include "sim_fixture.hpp"

namespace cs {
namespace {

using nlohmann::json;

constexpr double bandwidth_bytes = 10e9 / 8;
constexpr double gradient = 64.0 * (1 << 20);  // bytes of fp32: 2^24 coordinates, no padding
constexpr double coords = gradient / 4;
constexpr double compute = 0.05;
constexpr double encode_ns = 2, add_ns = 1, decode_ns = 1;

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
  // plus one float per 2^20-coordinate partition for the scale agreement, timed separately.
  const double up = n * coords * 4 / 8 / bandwidth_bytes, down = n * coords * 8 / 8 / bandwidth_bytes;
  const double encode = coords * encode_ns * 1e-9, decode = coords * decode_ns * 1e-9;
  const double aggregation = coords * n * add_ns * 1e-9;
  const double agreement = 2 * (n * 16 * 4 / bandwidth_bytes + 2e-6);
  const double expected = compute + agreement + encode + up + aggregation + down + decode;
  EXPECT_NEAR(r.metrics["iteration_time_mean_s"].get<double>(), expected, 0.02 * expected);
  EXPECT_NEAR(r.metrics["round_compression_mean_s"].get<double>(), encode + decode, 1e-12);
  EXPECT_NEAR(r.metrics["round_aggregation_mean_s"].get<double>(), aggregation, 1e-12);
  EXPECT_NEAR(r.metrics["round_compute_mean_s"].get<double>(), compute, 1e-12);
  EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "j", "bytes_up_per_round"), coords * 4 / 8 + 16 * 4);
}

TEST(Compression, UncompressedThroughTheSchemeMovesFp32BothWays) {
  const int n = 4;
  auto r = testing::simulate(compressed_ps("none", n));
  const double expected = compute + coords * (encode_ns + n * add_ns + decode_ns) * 1e-9 + 2 * n * gradient / bandwidth_bytes;
  EXPECT_NEAR(r.metrics["iteration_time_mean_s"].get<double>(), expected, 0.02 * expected);
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
  // 62 x 32 register bits hold 248 sums of 8 bits: a fragment is 248 coordinates, 124 B of
  // 4-bit indices up (+ 60 B headers), 248 B of sums down (+ 60 B), the down direction paces.
  const double fragments = std::ceil((1 << 22) / 248.0);
  const double expected = 1e-3 + fragments * (248 + 60) * 8 / 10e9;
  EXPECT_NEAR(r.metrics["iteration_time_mean_s"].get<double>(), expected, 0.03 * expected);
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
  EXPECT_NEAR(tta, rounds * r.metrics["round_time_mean_s"].get<double>(), 1e-6 * tta);
  EXPECT_GT(r.metrics["vnmse_mean"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "j", "lost_packet_share"), 0.0);
}

TEST(Compression, LossLeavesContributionsOutAtTheRouteLossRate) {
  auto r = testing::simulate(learning_ps(0.01));
  // A worker's packets cross two lossy links to the PS: 1 - 0.99^2 of them are lost.
  const double expected = 1 - 0.99 * 0.99;
  const double lost = r.cell("compression_jobs", "j", "lost_packet_share");
  // 40 rounds x 4 workers x ~2 chunks of the padded proxy gradient: a binomial sample.
  EXPECT_GT(lost, 0.0);
  EXPECT_LT(lost, 5 * expected);
  EXPECT_GT(r.metrics["final_accuracy_mean"].get<double>(), 0.5);  // decoding with the arrived count keeps learning
}

}  // namespace
}  // namespace cs

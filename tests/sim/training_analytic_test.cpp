// Data-parallel training against closed-form iteration times (CM02: no protocol factors).
#include <gtest/gtest.h>

#include "sim_fixture.hpp"

namespace cs {
namespace {

using nlohmann::json;

constexpr double bandwidth_bytes = 25e9 / 8;  // 25 Gbps
constexpr double latency = 2e-6;              // per link; a host-to-host route crosses two
constexpr double gradient = 102.4e6;          // ResNet50, fp32
constexpr double compute = 0.05;

json job(json workers, const std::string& aggregation, int iterations) {
  return {{"model", "ResNet50"},   {"workers", workers}, {"aggregation", aggregation},
          {"iterations", iterations}, {"compute", "50ms"}};
}

double iteration_mean(const json& scenario) { return testing::simulate(scenario).metrics["iteration_time_mean_s"]; }

TEST(TrainingAnalytic, ParameterServerOnAStar) {
  for (int n : {1, 4, 8}) {
    json s = testing::star_scenario(n + 1, "25Gbps", "2us");
    json j = job(n, "ps", 3);
    j["servers"] = {"host" + std::to_string(n)};
    s["workload"]["jobs"] = {j};
    // Push: n gradients share the PS's downlink; pull: n results share its uplink.
    double expected = compute + 2 * (n * gradient / bandwidth_bytes + 2 * latency);
    EXPECT_NEAR(iteration_mean(s), expected, 0.02 * expected) << n << " workers";
  }
}

TEST(TrainingAnalytic, ShardedParameterServersDivideTheServerLoad) {
  // 8 workers, 4 shards: each PS link carries 8 x G/4; a worker's uplink only G.
  json s = testing::star_scenario(12, "25Gbps", "2us");
  json j = job(8, "ps", 3);
  j["servers"] = {"host[8-11]"};
  s["workload"]["jobs"] = {j};
  double expected = compute + 2 * (8 * (gradient / 4) / bandwidth_bytes + 2 * latency);
  EXPECT_NEAR(iteration_mean(s), expected, 0.02 * expected);
}

TEST(TrainingAnalytic, RingAllReduceMovesTwoNMinusOneOverNGradients) {
  for (int n : {2, 4, 8}) {
    json s = testing::star_scenario(n, "25Gbps", "2us");
    s["workload"]["jobs"] = {job(n, "ring", 3)};
    double steps = 2.0 * (n - 1);
    double expected = compute + steps / n * gradient / bandwidth_bytes + steps * 2 * latency;
    EXPECT_NEAR(iteration_mean(s), expected, 0.02 * expected) << n << " workers";
  }
}

TEST(TrainingAnalytic, JobCompletionTimeIsIterationsTimesIterationTime) {
  json s = testing::star_scenario(5, "25Gbps", "2us");
  json j = job(4, "ps", 7);
  j["arrival"] = "3s";
  s["workload"]["jobs"] = {j};
  auto r = testing::simulate(s);
  double iteration = compute + 2 * (4 * gradient / bandwidth_bytes + 2 * latency);
  EXPECT_NEAR(r.metrics["jct_mean_s"].get<double>(), 7 * iteration, 1e-9);
  EXPECT_NEAR(r.metrics["makespan_s"].get<double>(), 3 + 7 * iteration, 1e-9);
  EXPECT_EQ(r.metrics["iterations_completed"], 7);
}

TEST(TrainingAnalytic, LinkBytesCountEveryTransferOnItsRoute) {
  json s = testing::star_scenario(5, "25Gbps", "2us");
  json j = job(4, "ps", 3);
  j["servers"] = {"host4"};
  s["workload"]["jobs"] = {j};
  auto r = testing::simulate(s);
  // The PS's downlink receives 4 gradients per iteration; a worker's uplink sends one.
  EXPECT_DOUBLE_EQ(r.cell("links", "host4-switch_DOWN", "bytes"), 3 * 4 * gradient);
  EXPECT_DOUBLE_EQ(r.cell("links", "host0-switch_UP", "bytes"), 3 * gradient);
  EXPECT_DOUBLE_EQ(r.metrics["network_payload_bytes"].get<double>(), 3 * 2 * 4 * gradient);
}

TEST(TrainingAnalytic, ConcurrentJobsOnDisjointHostsDoNotInterfereOnAStar) {
  json s = testing::star_scenario(10, "25Gbps", "2us");
  json a = job({"host[0-3]"}, "ps", 4), b = job({"host[5-8]"}, "ps", 4);
  a["servers"] = {"host4"};
  b["servers"] = {"host9"};
  a["name"] = "a";
  b["name"] = "b";
  b["arrival"] = "0.1s";
  s["workload"]["jobs"] = {a, b};
  auto r = testing::simulate(s);
  EXPECT_NEAR(r.cell("jobs", "a", "jct_s"), r.cell("jobs", "b", "jct_s"), 1e-9);
}

TEST(TrainingAnalytic, JobsSharingAParameterServerSlowEachOtherDown) {
  json s = testing::star_scenario(9, "25Gbps", "2us");
  json a = job({"host[0-3]"}, "ps", 4), b = job({"host[4-7]"}, "ps", 4);
  a["servers"] = b["servers"] = {"host8"};
  a["name"] = "a";
  b["name"] = "b";
  s["workload"]["jobs"] = {a, b};
  auto r = testing::simulate(s);
  // Both jobs' pushes share host8's downlink: communication takes twice as long.
  double alone = compute + 2 * (4 * gradient / bandwidth_bytes + 2 * latency);
  double shared = compute + 2 * (8 * gradient / bandwidth_bytes + 2 * latency);
  EXPECT_NEAR(r.cell("jobs", "a", "iteration_time_mean_s"), shared, 0.02 * shared);
  EXPECT_GT(r.cell("jobs", "a", "iteration_time_mean_s"), 1.5 * alone);
}

}  // namespace
}  // namespace cs

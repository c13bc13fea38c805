// Data-parallel training against closed-form iteration times (CM02: no protocol factors).
// What the simulator does (sim/training/data_parallel.cpp, sim/platform/build.cpp): a PS worker
// computes, then starts one transfer per server and waits for every server's result; a server
// waits for all pushes, then starts one transfer per worker. A ring worker sends its chunk to
// the next rank and receives from the previous one, 2(n-1) times. Every link is split-duplex
// with the whole bandwidth B each way; a star route crosses two links (latency 2l). SimGrid's
// CM02 times a flow as its route latency, then max-min shares of B: k flows that start together
// on one link direction finish together after 2l + k x bytes / B. The TCP-window cap,
// window / (2 x route latency) = 4 MiB / 8 us = 524 GB/s, is far above B and never binds.
// So every figure here is a closed form the simulator meets to double rounding: checked to a
// relative 1e-9 (dropping the latency term, 16 us in ~0.19 s, would fail by 1e5 times that).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using nlohmann::json;

constexpr double bandwidth_bytes = 25e9 / 8;  // 25 Gbps
constexpr double latency = 2e-6;              // per link; a host-to-host route crosses two
constexpr double gradient = 102.4e6;          // ResNet50, fp32
constexpr double compute = 0.05;
// ResNet50's 25.6 M parameters (torchvision's model summary, models/training/model_zoo.cpp) in fp32.
static_assert(gradient == 4 * 25.6e6);
constexpr double exact = 1e-9;  // relative: the simulator's times are sums and quotients of doubles

std::string params(int n, const std::string& extra = "") {
  return fmt::format("n={}, G=102.4 MB (ResNet50 fp32), B=25 Gbps, l=2 us, c=50 ms{}", n, extra);
}

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
    validation::check("", fmt::format("PS iteration time, {} workers", n), "c + 2 (n G / B + 2 l)", params(n),
                      expected, iteration_mean(s), exact);
  }
}

TEST(TrainingAnalytic, ShardedParameterServersDivideTheServerLoad) {
  // 8 workers, 4 shards: each PS link carries 8 x G/4; a worker's uplink only G.
  json s = testing::star_scenario(12, "25Gbps", "2us");
  json j = job(8, "ps", 3);
  j["servers"] = {"host[8-11]"};
  s["workload"]["jobs"] = {j};
  // Max-min: a PS downlink's 8 flows get B/8 each, below the B/4 a worker uplink's 4 would allow.
  double expected = compute + 2 * (8 * (gradient / 4) / bandwidth_bytes + 2 * latency);
  validation::check("", "sharded PS iteration time", "c + 2 (n (G/S) / B + 2 l)", params(8, ", S=4 shards"), expected,
                    iteration_mean(s), exact);
}

TEST(TrainingAnalytic, RingAllReduceMovesTwoNMinusOneOverNGradients) {
  for (int n : {2, 4, 8}) {
    json s = testing::star_scenario(n, "25Gbps", "2us");
    s["workload"]["jobs"] = {job(n, "ring", 3)};
    double steps = 2.0 * (n - 1);
    double expected = compute + steps / n * gradient / bandwidth_bytes + steps * 2 * latency;
    validation::check("", fmt::format("ring all-reduce iteration time, {} workers", n), "c + 2 (n-1) (G / (n B) + 2 l)",
                      params(n), expected, iteration_mean(s), exact);
  }
}

TEST(TrainingAnalytic, JobCompletionTimeIsIterationsTimesIterationTime) {
  json s = testing::star_scenario(5, "25Gbps", "2us");
  json j = job(4, "ps", 7);
  j["arrival"] = "3s";
  s["workload"]["jobs"] = {j};
  auto r = testing::simulate(s);
  double iteration = compute + 2 * (4 * gradient / bandwidth_bytes + 2 * latency);
  validation::check("", "JCT, 7 PS iterations", "k (c + 2 (n G / B + 2 l))", params(4, ", k=7"), 7 * iteration,
                    r.metrics["jct_mean_s"].get<double>(), exact);
  validation::check("", "makespan, 7 PS iterations from t=3 s", "a + k (c + 2 (n G / B + 2 l))",
                    params(4, ", k=7, a=3 s"), 3 + 7 * iteration, r.metrics["makespan_s"].get<double>(), exact);
  EXPECT_EQ(r.metrics["iterations_completed"], 7);
}

TEST(TrainingAnalytic, LinkBytesCountEveryTransferOnItsRoute) {
  json s = testing::star_scenario(5, "25Gbps", "2us");
  json j = job(4, "ps", 3);
  j["servers"] = {"host4"};
  s["workload"]["jobs"] = {j};
  auto r = testing::simulate(s);
  // The PS's downlink receives 4 gradients per iteration; a worker's uplink sends one. Sums of
  // whole numbers of bytes below 2^53: exact, tolerance 0.
  const std::string p = params(4, ", k=3 iterations");
  validation::check("", "bytes on the PS's downlink", "k n G", p, 3 * 4 * gradient,
                    r.cell("links", "host4-switch_DOWN", "bytes"), 0);
  validation::check("", "bytes on a worker's uplink", "k G", p, 3 * gradient, r.cell("links", "host0-switch_UP", "bytes"), 0);
  validation::check("", "payload bytes of the run", "2 k n G", p, 3 * 2 * 4 * gradient,
                    r.metrics["network_payload_bytes"].get<double>(), 0);
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
  // Each job alone: its own PS's links carry only its own 4 flows.
  const double alone = 4 * (compute + 2 * (4 * gradient / bandwidth_bytes + 2 * latency));
  validation::check("", "JCT of job a beside a disjoint job", "k (c + 2 (n G / B + 2 l))", params(4, ", k=4"), alone,
                    r.cell("jobs", "a", "jct_s"), exact);
  validation::check("", "JCT of job b (arrives 0.1 s later) beside a disjoint job", "k (c + 2 (n G / B + 2 l))",
                    params(4, ", k=4"), alone, r.cell("jobs", "b", "jct_s"), exact);
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
  for (const char* name : {"a", "b"})
    validation::check("", fmt::format("iteration time of job {} sharing its PS host", name),
                      "c + 2 (2 n G / B + 2 l)", params(4, ", 2 jobs"), shared, r.cell("jobs", name, "iteration_time_mean_s"),
                      exact);
  EXPECT_GT(r.cell("jobs", "a", "iteration_time_mean_s"), 1.5 * alone);
}

}  // namespace
}  // namespace cs

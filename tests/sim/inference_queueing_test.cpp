// One camera feeding one edge device is a single-server FIFO queue: with Poisson arrivals and
// exponential (or deterministic) service it is M/M/1 (M/D/1), whose sojourn times have closed
// forms (models/serving/queueing.hpp). The camera link is made nearly free, so the edge sees
// the camera's Poisson process, and the edge model's batch-1 latency (1 ms: mu = 1000/s) is the
// mean service time. Sample sizes are chosen so each 2% tolerance is at least ~4 standard errors
// of the estimate (checked offline against a Lindley-recursion simulation and several seeds).
#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>

#include "serving/queueing.hpp"
#include "sim_fixture.hpp"

namespace cs {
namespace {

using nlohmann::json;
namespace queueing = serving::queueing;

constexpr double mu = 1000;  // 1 / the test_edge latency of "small" (tests/sim/data/inference/models.json)

std::string data(const std::string& name) { return std::string(CLUSTERSIM_SOURCE_DIR) + "/tests/sim/data/inference/" + name; }

// One camera, one edge, one DC server; edge-only serving; a 100-byte frame over a link that
// takes no time worth counting (1000 Tbps, no latency).
json single_queue(double lambda, double duration_s, const std::string& service) {
  return {{"name", "inference_queueing"},
          {"seed", 1},
          {"platform",
           {{"topology", "edge_dc"},
            {"clients", 1},
            {"edges", 1},
            {"dc_servers", 1},
            {"client", {{"speed", "1Gf"}}},
            {"edge", {{"speed", "1Tf"}}},
            {"dc", {{"speed", "1Tf"}}},
            {"client_link", {{"bandwidth", "1000Tbps"}, {"latency", "0ms"}}},
            {"edge_link", {{"bandwidth", "1Gbps"}, {"latency", "100us"}}},
            {"wan", {{"bandwidth", "1Gbps"}, {"latency", "10ms"}}},
            {"dc_link", {{"bandwidth", "10Gbps"}, {"latency", "50us"}}}}},
          {"workload",
           {{"kind", "inference"},
            {"system", "edge_only"},
            {"duration", fmt::format("{}s", duration_s)},
            {"arrivals", {{"process", "poisson"}, {"rate", fmt::format("{}/s", lambda)}}},
            {"tiers", json::array({{{"accuracy", 0.5}}})},
            {"frame", {{"size", "100B"}, {"packet", "100B"}}},
            {"reply", "100B"},
            {"edge", {{"device", "test_edge"}, {"service", service}}},
            {"dc", {{"device", "test_gpu"}}},
            {"models", {{"source", "csv"}, {"file", data("outcomes.csv")}, {"edge", "small"}, {"dc", "large"}}},
            {"profiles", {{"devices", data("devices.json")}, {"models", data("models.json")}}},
            {"requests_csv", false}}},
          {"outputs", {{"links_csv", false}, {"hosts_csv", false}}}};
}

testing::SimResult run(const json& scenario) { return testing::simulate(scenario, data("queueing.json")); }

double metric(const testing::SimResult& r, const char* name) { return r.metrics.at(name).get<double>(); }

// Utilisation of the edge (busy time over the run) is the offered load lambda / mu: Poisson
// counts over >= 500,000 requests put its standard error at ~0.2%.
void expect_utilization(const testing::SimResult& r, double lambda) {
  const double utilization = r.cell("devices", "edge0", "utilization");
  EXPECT_NEAR(utilization, lambda / mu, 0.01 * lambda / mu);
  // busy_s is the sum of the service times; utilization divides it by the simulated time.
  EXPECT_NEAR(r.cell("devices", "edge0", "busy_s") / metric(r, "simulated_time_s"), utilization, 1e-12);
  EXPECT_EQ(r.cell("devices", "edge0", "requests"), metric(r, "requests"));
}

TEST(InferenceQueueing, ExponentialServiceIsAnMM1Queue) {
  // rho = 0.4, ~1,000,000 requests: standard errors ~0.23% (mean) and ~0.5% (P99); over seeds
  // 1-5 the errors were within 0.4% (mean) and 1.4% (P99).
  const double lambda = 400, duration = 2500;
  auto r = run(single_queue(lambda, duration, "exponential"));
  const double n = metric(r, "requests");
  EXPECT_NEAR(n, lambda * duration, 4 * std::sqrt(lambda * duration));
  EXPECT_EQ(metric(r, "requests_answered"), n);
  EXPECT_EQ(metric(r, "share_at_edge"), 1.0);

  // The sojourn time (wait + service) is exponential with rate mu - lambda.
  const double mean = queueing::mm1_mean_sojourn(lambda, mu);
  const double p99 = queueing::mm1_sojourn_quantile(lambda, mu, 0.99);
  EXPECT_NEAR(metric(r, "edge_sojourn_mean_s"), mean, 0.02 * mean);
  EXPECT_NEAR(metric(r, "edge_sojourn_p99_s"), p99, 0.02 * p99);
  // End to end adds only the free camera link and the answer's free hop: the median is the
  // exponential's, ln 2 / (mu - lambda).
  const double p50 = queueing::mm1_sojourn_quantile(lambda, mu, 0.5);
  EXPECT_NEAR(metric(r, "latency_p50_s"), p50, 0.02 * p50);
  EXPECT_NEAR(metric(r, "latency_mean_s"), metric(r, "edge_sojourn_mean_s"), 1e-5 * mean);
  expect_utilization(r, lambda);
}

TEST(InferenceQueueing, DeterministicServiceIsAnMD1Queue) {
  // rho = 0.5, ~500,000 requests: the mean's standard error is ~0.2%.
  const double lambda = 500, duration = 1000;
  auto r = run(single_queue(lambda, duration, "deterministic"));
  const double n = metric(r, "requests");
  EXPECT_NEAR(n, lambda * duration, 4 * std::sqrt(lambda * duration));
  const double mean = queueing::md1_mean_sojourn(lambda, mu);
  EXPECT_NEAR(metric(r, "edge_sojourn_mean_s"), mean, 0.02 * mean);
  // Half the M/M/1 wait: clearly apart from the exponential-service queue at the same load.
  EXPECT_LT(metric(r, "edge_sojourn_mean_s"), 0.9 * queueing::mm1_mean_sojourn(lambda, mu));
  // Every request is served for exactly 1 ms: the busy time is the count times that.
  EXPECT_NEAR(r.cell("devices", "edge0", "busy_s"), n / mu, 1e-9 * n / mu);
  expect_utilization(r, lambda);
}

}  // namespace
}  // namespace cs

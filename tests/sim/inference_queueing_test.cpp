// One camera feeding one edge device is a single-server FIFO queue: with Poisson arrivals and
// exponential (or deterministic) service it is M/M/1 (M/D/1), whose sojourn times have closed
// forms (models/serving/queueing.hpp). The camera link is made nearly free, so the edge sees
// the camera's Poisson process, and the edge model's batch-1 latency (1 ms: mu = 1000/s) is the
// mean service time.
//
// The estimates are random, so each tolerance is k = 5 standard errors (a correct simulator
// fails one check with probability about 6e-7), and the standard errors are derived here:
// - request count: Poisson, sqrt(lambda t);
// - utilisation, the sum of the service times over t: a compound Poisson sum, relative standard
//   error sqrt(E[S^2] / (lambda t)) / E[S], that is sqrt(2 / (lambda t)) for exponential service
//   and sqrt(1 / (lambda t)) for deterministic;
// - mean and quantiles of the sojourn time: successive sojourn times are correlated, so no
//   textbook sqrt(n) applies; the test runs R = 20 independent replications of the same queue
//   with the Lindley recursion T' = max(T - A, 0) + S (A, S drawn from their own seeded
//   streams, n customers each, starting empty as the simulation does), and the standard error
//   is the standard deviation of the replications' estimates. With R = 20 that standard
//   deviation is itself known to about 16%, which k = 5 absorbs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <random>
#include <vector>

#include "serving/queueing.hpp"
#include "sim_fixture.hpp"
#include "validation/record.hpp"

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

constexpr double k = 5;  // standard errors per tolerance

// Standard errors of a run's sojourn-time mean and quantiles, from R replications of the queue
// by the Lindley recursion, each of `customers` customers.
struct LindleyErrors {
  double mean_se, p50_se, p99_se;
};

double stddev(const std::vector<double>& v) {
  double m = 0, s = 0;
  for (double x : v) m += x / double(v.size());
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / double(v.size() - 1));
}

// Sample quantile as core/stats.hpp's percentile (linear interpolation), on a copy.
double quantile(std::vector<double> v, double q) {
  const double pos = q * double(v.size() - 1);
  const auto lo = size_t(pos);
  std::nth_element(v.begin(), v.begin() + long(lo), v.end());
  const double a = v[lo];
  if (lo + 1 >= v.size()) return a;
  const double b = *std::min_element(v.begin() + long(lo) + 1, v.end());
  return a + (pos - double(lo)) * (b - a);
}

LindleyErrors lindley_errors(double lambda, double mu, bool deterministic, size_t customers) {
  const int replications = 20;
  std::mt19937_64 rng(20240611);
  std::exponential_distribution<double> arrival(lambda), service(mu);
  std::vector<double> means, p50s, p99s, t(customers);
  for (int r = 0; r < replications; ++r) {
    double sojourn = 0, sum = 0;
    for (size_t i = 0; i < customers; ++i) {
      const double gap = i == 0 ? 0.0 : arrival(rng);
      sojourn = std::max(sojourn - gap, 0.0) + (deterministic ? 1 / mu : service(rng));
      t[i] = sojourn;
      sum += sojourn;
    }
    means.push_back(sum / double(customers));
    p50s.push_back(quantile(t, 0.5));
    p99s.push_back(quantile(t, 0.99));
  }
  return {stddev(means), stddev(p50s), stddev(p99s)};
}

testing::SimResult run(const json& scenario) { return testing::simulate(scenario, data("queueing.json")); }

double metric(const testing::SimResult& r, const char* name) { return r.metrics.at(name).get<double>(); }

// Utilisation of the edge (busy time over the run) is the offered load lambda / mu, to k
// standard errors of a compound Poisson sum: relative sqrt(E[S^2] / (lambda t)) / E[S], where
// E[S^2] mu^2 is 2 for exponential service and 1 for deterministic.
void expect_utilization(const testing::SimResult& r, double lambda, double duration, bool deterministic,
                        const std::string& params) {
  const double utilization = r.cell("devices", "edge0", "utilization");
  const double relative_se = std::sqrt((deterministic ? 1.0 : 2.0) / (lambda * duration));
  validation::check("", "edge utilisation", "lambda / mu", params + fmt::format(", tolerance {} x sqrt({} / (lambda t))", k, deterministic ? 1 : 2),
                    lambda / mu, utilization, k * relative_se);
  // busy_s is the sum of the service times; utilization divides it by the simulated time.
  EXPECT_NEAR(r.cell("devices", "edge0", "busy_s") / metric(r, "simulated_time_s"), utilization, 1e-12);
  EXPECT_EQ(r.cell("devices", "edge0", "requests"), metric(r, "requests"));
}

TEST(InferenceQueueing, ExponentialServiceIsAnMM1Queue) {
  // rho = 0.4, ~1,000,000 requests.
  const double lambda = 400, duration = 2500;
  auto r = run(single_queue(lambda, duration, "exponential"));
  const double n = metric(r, "requests");
  const std::string p = fmt::format("lambda={}/s, mu={}/s, t={} s, seed 1", lambda, mu, duration);
  validation::check("", "requests", "lambda t", p + fmt::format(", tolerance {} x sqrt(lambda t)", k), lambda * duration,
                    n, k / std::sqrt(lambda * duration));
  EXPECT_EQ(metric(r, "requests_answered"), n);
  EXPECT_EQ(metric(r, "share_at_edge"), 1.0);

  const LindleyErrors se = lindley_errors(lambda, mu, false, size_t(n));
  const std::string tolerance = fmt::format(", tolerance {} x SE of 20 Lindley replications", k);
  // The sojourn time (wait + service) is exponential with rate mu - lambda.
  const double mean = queueing::mm1_mean_sojourn(lambda, mu);
  const double p99 = queueing::mm1_sojourn_quantile(lambda, mu, 0.99);
  validation::check("", "M/M/1 mean sojourn", "1 / (mu - lambda)", p + tolerance, mean, metric(r, "edge_sojourn_mean_s"),
                    k * se.mean_se / mean);
  validation::check("", "M/M/1 P99 sojourn", "ln(100) / (mu - lambda)", p + tolerance, p99,
                    metric(r, "edge_sojourn_p99_s"), k * se.p99_se / p99);
  // End to end adds only the free camera link and the answer's free hop: the median is the
  // exponential's, ln 2 / (mu - lambda).
  const double p50 = queueing::mm1_sojourn_quantile(lambda, mu, 0.5);
  validation::check("", "M/M/1 median end-to-end latency", "ln(2) / (mu - lambda)", p + tolerance, p50,
                    metric(r, "latency_p50_s"), k * se.p50_se / p50);
  // The two free hops, frame and answer, 100 B each at 1000 Tbps: 1.6e-12 s on top of the edge's
  // sojourn, to a relative 1e-9 (the means of a million doubles round at about 1e-13 s).
  const double hops = 2 * 100 * 8 / 1000e12;
  EXPECT_NEAR(metric(r, "latency_mean_s"), metric(r, "edge_sojourn_mean_s") + hops, 1e-9 * mean);
  expect_utilization(r, lambda, duration, false, p);
}

TEST(InferenceQueueing, DeterministicServiceIsAnMD1Queue) {
  // rho = 0.5, ~500,000 requests.
  const double lambda = 500, duration = 1000;
  auto r = run(single_queue(lambda, duration, "deterministic"));
  const double n = metric(r, "requests");
  const std::string p = fmt::format("lambda={}/s, mu={}/s, t={} s, seed 1", lambda, mu, duration);
  validation::check("", "requests", "lambda t", p + fmt::format(", tolerance {} x sqrt(lambda t)", k), lambda * duration,
                    n, k / std::sqrt(lambda * duration));
  const LindleyErrors se = lindley_errors(lambda, mu, true, size_t(n));
  const double mean = queueing::md1_mean_sojourn(lambda, mu);
  validation::check("", "M/D/1 mean sojourn (Pollaczek-Khinchine)", "1 / mu + rho / (2 mu (1 - rho))",
                    p + fmt::format(", tolerance {} x SE of 20 Lindley replications", k), mean,
                    metric(r, "edge_sojourn_mean_s"), k * se.mean_se / mean);
  // Half the M/M/1 wait: clearly apart from the exponential-service queue at the same load.
  EXPECT_LT(metric(r, "edge_sojourn_mean_s"), 0.9 * queueing::mm1_mean_sojourn(lambda, mu));
  // Every request is served for exactly 1 ms: the busy time is the count times that.
  validation::check("", "edge busy time, deterministic service", "n / mu", p + ", n = requests served", n / mu,
                    r.cell("devices", "edge0", "busy_s"), 1e-9);
  expect_utilization(r, lambda, duration, true, p);
}

}  // namespace
}  // namespace cs

// The analytical fidelity level ("fidelity": "analytical") against exact: where every job runs
// alone it must time it as exact does (the flow model is SimGrid's); with contention it is an
// approximation whose error scripts/fidelity_error.py measures (ctest scripts/fidelity_error
// checks it against the committed table). Here: the lone-job agreement on shipped scenarios,
// the summary's expected error and phase counts, `until`.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "scenario/json_node.hpp"
#include "sim_fixture.hpp"
#include "training/analytical_error.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using nlohmann::json;

// SimGrid advances flows in doubles with its own precision (maxmin/precision 1e-5 applies to
// the solver's bookkeeping, not the shares of a lone job's symmetric flows); measured agreement
// is 1e-13 relative, and 1e-9 leaves a margin while still catching any modelling difference.
constexpr double lone_tolerance = 1e-9;

json two_tier(int racks, int per_rack, const char* speed, const char* link, const char* link_latency, const char* uplink,
              const char* uplink_latency) {
  return {{"topology", "two_tier"},
          {"racks", racks},
          {"hosts_per_rack", per_rack},
          {"host", {{"speed", speed}}},
          {"link", {{"bandwidth", link}, {"latency", link_latency}}},
          {"uplink", {{"bandwidth", uplink}, {"latency", uplink_latency}}}};
}

json fidelity(json s, const char* level) {
  s["fidelity"] = level;
  return s;
}

TEST(AnalyticalFidelity, TimesEveryLoneJobAsExactDoes) {
  // Shipped scenarios whose jobs never share a link or host while both run: PS, sharded PS,
  // ring, THC with its proxy trained every round.
  for (const char* rel : {"quickstart.json", "training/sharded_ps.json", "training/two_tier_contention.json", "thc/ps_vgg16.json"}) {
    const std::string file = std::string(CLUSTERSIM_SOURCE_DIR) + "/scenarios/" + rel;
    const json s = read_json_file(file);
    const auto a = testing::simulate(fidelity(s, "exact"), file), b = testing::simulate(fidelity(s, "analytical"), file);
    double worst = 0;
    for (const char* key : {"jct_mean_s", "jct_max_s", "makespan_s", "iteration_time_mean_s", "simulated_time_s", "energy_j",
                            "network_payload_bytes"}) {
      const double x = a.metrics[key].get<double>(), y = b.metrics[key].get<double>();
      const double err = x == 0 ? std::abs(y) : std::abs(y - x) / std::abs(x);
      worst = std::max(worst, err);
      EXPECT_LE(err, lone_tolerance) << rel << ": " << key << " exact " << x << ", analytical " << y;
    }
    EXPECT_EQ(a.metrics["iterations_completed"], b.metrics["iterations_completed"]) << rel;
    if (a.metrics.contains("time_to_accuracy_mean_s")) {  // THC's proxy, trained every round at both levels
      const double x = a.metrics["time_to_accuracy_mean_s"].get<double>();
      EXPECT_NEAR(b.metrics["time_to_accuracy_mean_s"].get<double>(), x, lone_tolerance * x) << rel;
      EXPECT_EQ(a.metrics["final_accuracy_mean"], b.metrics["final_accuracy_mean"]) << rel;
    }
    // Every link carries the same bytes.
    const auto la = testing::csv_rows(a.csv.at("links")), lb = testing::csv_rows(b.csv.at("links"));
    ASSERT_EQ(la.size(), lb.size());
    for (size_t r = 1; r < la.size(); ++r)
      EXPECT_NEAR(testing::csv_number(lb, r, "bytes"), testing::csv_number(la, r, "bytes"), 1e-12 * std::max(1.0, testing::csv_number(la, r, "bytes")))
          << rel << " " << la[r][0];
    validation::check("", "every job's timing, analytical vs exact", "same run (jobs alone on their links)", rel, 0, worst,
                      lone_tolerance);
  }
}

TEST(AnalyticalFidelity, NamesItsExpectedErrorAndCountsPhases) {
  // Two ring jobs and a PS job on a two-tier fabric, sharing the spine: a "mixed" two_tier run.
  json s = {{"name", "mix"},
            {"fidelity", "analytical"},
            {"platform", two_tier(2, 4, "1Tf", "10Gbps", "2us", "10Gbps", "2us")},
            {"workload",
             {{"kind", "training"},
              {"jobs",
               {{{"name", "a"}, {"aggregation", "ring"}, {"workers", {"host0", "host4"}}, {"gradient_size", "10MB"}, {"iterations", 5}, {"compute", "5ms"}},
                {{"name", "b"}, {"aggregation", "ring"}, {"workers", {"host1", "host5"}}, {"gradient_size", "10MB"}, {"iterations", 5}, {"compute", "5ms"}, {"arrival", "10ms"}},
                {{"name", "c"}, {"aggregation", "ps"}, {"workers", {"host2", "host6"}}, {"servers", {"host3"}}, {"gradient_size", "10MB"}, {"iterations", 5}, {"compute", "5ms"}}}}}}};
  const auto r = testing::simulate(s);
  const auto e = expected_error("two_tier", "mixed");
  ASSERT_TRUE(e);
  EXPECT_EQ(r.metrics["expected_jct_error_mean"].get<double>(), e->mean_abs);
  EXPECT_EQ(r.metrics["expected_jct_error_worst"].get<double>(), e->worst_abs);
  EXPECT_EQ(r.metrics["expected_jct_error_bias"].get<double>(), e->bias);
  // Phases: [0, 10 ms) with a and c, then a, b and c until the first finishes, and so on.
  EXPECT_GE(r.metrics["analytical_phases"].get<long long>(), 3);
  EXPECT_EQ(r.metrics["jobs_completed"].get<long long>(), 3);
  // The same metrics as exact, apart from the analytical level's own.
  const auto x = testing::simulate(fidelity(s, "exact"));
  for (const auto& [key, value] : x.metrics.items()) EXPECT_TRUE(r.metrics.contains(key)) << key;
  // Sharing the spine slows job a against the same job alone, as in exact.
  json alone = s;
  alone["workload"]["jobs"] = json::array({s["workload"]["jobs"][0]});
  const double a_alone = testing::simulate(alone).cell("jobs", "a", "jct_s"), a_shared = r.cell("jobs", "a", "jct_s");
  EXPECT_GT(a_shared, a_alone * (1 + 1e-6)) << "alone " << a_alone << ", shared " << a_shared;
  EXPECT_GT(x.cell("jobs", "a", "jct_s"), a_alone * (1 + 1e-6));
}

TEST(AnalyticalFidelity, FinishesSixteenRingsSharingAFabricNoFasterThanAlone) {
  // bench/scale.py's 256-host case: 16 ring jobs of 16 workers placed at random on a two-tier
  // fabric (a phase ended with a job's progress a rounding short of its last iteration and
  // the model once stalled there). Every job completes every iteration, none faster than the
  // same ring alone: compute + 2 (n - 1) (path latency + G / n / host link), the host links
  // being its bottleneck.
  json jobs = json::array();
  for (int i = 0; i < 16; ++i)
    jobs.push_back({{"name", "j" + std::to_string(i)}, {"gradient_size", "100MB"}, {"aggregation", "ring"}, {"workers", 16},
                    {"iterations", 20}, {"compute", "20ms"}});
  const json s = {{"name", "scale256"},
                  {"fidelity", "analytical"},
                  {"platform", two_tier(16, 16, "100Tf", "25Gbps", "2us", "100Gbps", "5us")},
                  {"policies", {{"placement", "random"}}},
                  {"workload", {{"kind", "training"}, {"jobs", jobs}}}};
  const auto r = testing::simulate(s);
  EXPECT_EQ(r.metrics["jobs_completed"].get<long long>(), 16);
  EXPECT_EQ(r.metrics["iterations_completed"].get<long long>(), 16 * 20);
  const double alone = 20 * (0.02 + 2 * 15 * (2 * 2e-6 + 100e6 / 16 / (25e9 / 8)));
  const auto rows = testing::csv_rows(r.csv.at("jobs"));
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_GE(testing::csv_number(rows, i, "jct_s"), alone * (1 - 1e-12)) << rows[i][0];
}

TEST(AnalyticalFidelity, UntilEndsTheRunThereWithTheIterationsEndedBefore) {
  const std::string file = std::string(CLUSTERSIM_SOURCE_DIR) + "/scenarios/quickstart.json";
  json s = fidelity(read_json_file(file), "analytical");
  s["until"] = "5s";
  const auto r = testing::simulate(s, file);
  EXPECT_DOUBLE_EQ(r.metrics["simulated_time_s"].get<double>(), 5.0);
  const auto rows = testing::csv_rows(r.csv.at("iterations"));
  ASSERT_GT(rows.size(), 1u);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_LE(testing::csv_number(rows, i, "end_s"), 5.0);
  s["fidelity"] = "exact";
  const auto x = testing::simulate(s, file);
  EXPECT_EQ(r.metrics["iterations_completed"], x.metrics["iterations_completed"]);
  EXPECT_EQ(r.metrics["jobs_completed"], x.metrics["jobs_completed"]);
}

}  // namespace
}  // namespace cs

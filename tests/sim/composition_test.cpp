// Several workloads on one platform ("workloads": [...]). Two properties pin composition down:
// - A workload whose traffic shares no link, core or mailbox with another's runs exactly as it
//   runs alone: every metric and table of it byte-identical, only its names prefixed.
// - Workloads that share a link share it as SimGrid's max-min does for flows of one workload:
//   two single-worker PS jobs of two workloads whose servers sit on one host each get half of
//   that host's link, a closed form met to double rounding.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <set>

#include "fixtures/edge_dc.hpp"
#include "scenario/workload_kinds.hpp"
#include "run/workload_run.hpp"
#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using nlohmann::json;

const std::string data_dir = std::string(CLUSTERSIM_SOURCE_DIR) + "/tests/sim/data/inference/";

json inference_workload() {
  return {{"kind", "inference"},
          {"system", "hawkvision"},
          {"duration", "10s"},
          {"arrivals", {{"process", "poisson"}, {"rate", "50/s"}}},
          {"tiers", json::array({{{"accuracy", 0.7}}, {{"accuracy", 0.8}}, {{"accuracy", 0.88}}})},
          {"frame", {{"size", "14000B"}, {"packet", "1400B"}}},
          {"edge", {{"device", "test_edge"}}},
          {"dc", {{"device", "test_gpu"}, {"max_batch", 4}, {"servers", 2}}},
          {"models", {{"source", "csv"}, {"file", "outcomes.csv"}, {"edge", "small"}, {"dc", "large"}}},
          {"profiles", {{"devices", "devices.json"}, {"models", "models.json"}}}};
}

// A PS job between dc2 and dc3: its messages cross only their DC links.
json training_workload() {
  return {{"kind", "training"},
          {"jobs", json::array({{{"gradient_size", "100MB"},
                                 {"workers", json::array({"dc2"})},
                                 {"servers", json::array({"dc3"})},
                                 {"iterations", 20},
                                 {"compute", "40ms"}}})}};
}

json scenario_with(json workloads) {
  json s = {{"name", "composition"},
            {"seed", 3},
            {"fidelity", "exact"},
            // 8 cameras on 2 edges; 4 DC hosts, the first 2 serving inference (the rest free for training).
            {"platform", testing::edge_dc_test_platform(8, 2, 4)},
            {"outputs", {{"links_csv", false}, {"hosts_csv", false}}}};
  if (workloads.size() == 1) s["workload"] = workloads[0];
  else s["workloads"] = workloads;
  return s;
}

testing::SimResult run(const json& scenario) { return testing::simulate(scenario, data_dir + "test.json"); }

// Every metric and table of `alone` appears in `composed` under `prefix`, byte for byte.
void expect_same_under(const testing::SimResult& alone, const testing::SimResult& composed, const std::string& name) {
  // The run-wide metrics (time, energy, bytes over all links) are the whole platform's.
  const std::set<std::string> run_wide{"simulated_time_s", "network_payload_bytes", "messages", "energy_j", "power_mean_w"};
  size_t compared = 0;
  for (auto& [key, value] : alone.metrics.items()) {
    if (run_wide.count(key)) continue;
    ASSERT_TRUE(composed.metrics.contains(name + "/" + key)) << key;
    EXPECT_EQ(composed.metrics[name + "/" + key].dump(), value.dump()) << key;
    ++compared;
  }
  EXPECT_GT(compared, 5u);
  for (const auto& [table, text] : alone.csv) {
    ASSERT_TRUE(composed.csv.count(name + "." + table)) << table;
    EXPECT_EQ(composed.csv.at(name + "." + table), text) << table;
  }
}

TEST(Composition, DisjointWorkloadsRunAsTheyRunAlone) {
  json hv = inference_workload(), train = training_workload();
  hv["name"] = "hv";
  train["name"] = "train";
  const auto inference_alone = run(scenario_with({inference_workload()}));
  const auto training_alone = run(scenario_with({training_workload()}));
  const auto both = run(scenario_with({hv, train}));
  expect_same_under(inference_alone, both, "hv");
  expect_same_under(training_alone, both, "train");
  // The composed run lasts as long as its longer workload, and carries both workloads' bytes.
  EXPECT_EQ(both.metrics["simulated_time_s"].get<double>(),
            std::max(inference_alone.metrics["simulated_time_s"].get<double>(),
                     training_alone.metrics["simulated_time_s"].get<double>()));
  EXPECT_EQ(both.metrics["network_payload_bytes"].get<double>(),
            inference_alone.metrics["network_payload_bytes"].get<double>() +
                training_alone.metrics["network_payload_bytes"].get<double>());
  // Only numbers in metrics: the serving system's name is under info.
  for (auto& [key, value] : both.metrics.items()) EXPECT_TRUE(value.is_number()) << key;
}

// Two workloads of one single-worker PS job each; both servers on host2 of a 25 Gbps star.
TEST(Composition, WorkloadsSharingALinkShareItAsMaxMinPredicts) {
  constexpr double B = 25e9 / 8, l = 2e-6, G = 100e6, c = 0.05;
  constexpr int iterations = 4;
  auto workload = [&](const std::string& name, const std::string& worker) {
    return json{{"kind", "training"},
                {"name", name},
                {"jobs", json::array({{{"gradient_size", "100MB"},
                                       {"workers", json::array({worker})},
                                       {"servers", json::array({"host2"})},
                                       {"iterations", iterations},
                                       {"compute", "50ms"}}})}};
  };
  json s = testing::star_scenario(3, "25Gbps", "2us");
  s["fidelity"] = "exact";
  s.erase("workload");
  s["workloads"] = json::array({workload("a", "host0"), workload("b", "host1")});
  const auto r = testing::simulate(s);
  // Pushes and pulls of both jobs start together and share host2's link each way: 2G / B each,
  // after the route's latency (two links). Alone it would be G / B.
  const double shared = iterations * (c + 2 * (2 * G / B + 2 * l));
  for (const char* w : {"a", "b"})
    validation::check("", fmt::format("JCT of workload {} sharing the PS link with another workload", w),
                      "k (c + 2 (2 G / B + 2 l))", "k=4, G=100 MB, B=25 Gbps, l=2 us, c=50 ms", shared,
                      r.metrics[std::string(w) + "/jct_mean_s"].get<double>(), 1e-9);
  s["workloads"] = json::array({workload("a", "host0")});
  // One workload keeps today's metric names, in a list of one too.
  const double alone = testing::simulate(s).metrics["jct_mean_s"].get<double>();
  EXPECT_NEAR(alone, iterations * (c + 2 * (G / B + 2 * l)), 1e-9 * alone);
}

TEST(Composition, EveryWorkloadKindHasARunner) {
  for (const auto* k : workload_kinds().entries()) EXPECT_NE(workload_runners().find(k->name), nullptr) << k->name;
  EXPECT_EQ(workload_kinds().names().size(), workload_runners().names().size());
}

}  // namespace
}  // namespace cs

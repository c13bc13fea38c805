// In-network aggregation end to end: analytic iteration times, granularity convergence,
// policy comparisons, loss, SwitchML admission, rack switches.
#include <gtest/gtest.h>

#include <cmath>

#include "sim_fixture.hpp"

namespace cs {
namespace {

using nlohmann::json;

constexpr double packet_bytes = 62 * 4 + 60;  // ATP: 62 int32 values + headers

json ina_star(int hosts, const std::string& bandwidth, const std::string& policy) {
  json s = testing::star_scenario(hosts, bandwidth, "1us");
  s["policies"] = {{"switch_allocation", policy}};
  s["workload"]["ina"] = json::object();
  return s;
}

json ina_job(const std::string& name, const std::string& gradient, int workers, int iterations, const std::string& arrival) {
  return {{"name", name},           {"gradient_size", gradient}, {"workers", workers}, {"aggregation", "ina"},
          {"iterations", iterations}, {"compute", "1ms"},          {"arrival", arrival}};
}

// Three jobs contending for 256 aggregators (each hashes over 128).
json contended(const std::string& policy, int unit) {
  json s = ina_star(15, "100Gbps", policy);
  s["workload"]["ina"] = {{"aggregators", 256}, {"aggregators_per_job", 128}, {"unit", unit}};
  s["workload"]["jobs"] = {ina_job("a", "2MB", 4, 3, "0s"), ina_job("b", "1MB", 4, 3, "0.2ms"),
                           ina_job("c", "3MB", 4, 2, "0.5ms")};
  return s;
}

double jct(const json& s) { return testing::simulate(s).metrics["jct_mean_s"].get<double>(); }

TEST(Ina, OneJobWithAmpleMemoryStreamsItsGradientOnceEachWay) {
  json s = ina_star(5, "10Gbps", "atp");
  s["workload"]["jobs"] = {ina_job("a", "20MB", 4, 2, "0s")};
  s["workload"]["jobs"][0]["servers"] = {"host4"};
  auto r = testing::simulate(s);
  // Every worker sends its fragments up and gets the sums down, pipelined: one gradient each way.
  const double fragments = std::ceil(20e6 / 248.0);
  const double expected = 1e-3 + fragments * packet_bytes * 8 / 10e9;
  EXPECT_NEAR(r.metrics["iteration_time_mean_s"].get<double>(), expected, 0.02 * expected);
  EXPECT_EQ(r.metrics["ina_collisions"], 0);
  EXPECT_DOUBLE_EQ(r.metrics["ina_switch_aggregated_share"].get<double>(), 1.0);
  // All four workers' contributions were summed in the switch.
  EXPECT_DOUBLE_EQ(r.metrics["ina_switch_aggregated_bytes"].get<double>(), 2 * 4 * fragments * 248.0);
}

TEST(Ina, WithoutSwitchMemoryThePsLinkCarriesEveryWorkersGradient) {
  // SwitchML with no pool to give and the host path: the PS sums everything in software.
  json s = ina_star(5, "10Gbps", "switchml");
  s["policies"]["switchml_no_pool"] = "host_path";
  s["workload"]["ina"] = {{"aggregators", 2}, {"aggregators_per_job", 4}};
  s["workload"]["jobs"] = {ina_job("a", "20MB", 4, 2, "0s")};
  s["workload"]["jobs"][0]["servers"] = {"host4"};
  auto r = testing::simulate(s);
  const double fragments = std::ceil(20e6 / 256.0);
  const double expected = 1e-3 + 4 * fragments * (64 * 4 + 60) * 8 / 10e9;
  EXPECT_NEAR(r.metrics["iteration_time_mean_s"].get<double>(), expected, 0.02 * expected);
  EXPECT_DOUBLE_EQ(r.metrics["ina_switch_aggregated_share"].get<double>(), 0.0);
}

TEST(Ina, JobCompletionTimeConvergesAsTheUnitShrinksToOnePacket) {
  for (const char* policy : {"atp", "esa"}) {
    const double one = jct(contended(policy, 1));
    for (int unit : {2, 4, 8, 16}) EXPECT_NEAR(jct(contended(policy, unit)), one, 0.03 * one) << policy << " unit " << unit;
  }
}

TEST(Ina, EsaBeatsAtpWhenMemoryIsScarce) {
  auto esa = testing::simulate(contended("esa", 16)), atp = testing::simulate(contended("atp", 16));
  EXPECT_LT(esa.metrics["jct_mean_s"].get<double>(), atp.metrics["jct_mean_s"].get<double>());
  EXPECT_GT(esa.metrics["ina_preemptions"].get<int>(), 0);
  EXPECT_EQ(atp.metrics["ina_preemptions"], 0);
  EXPECT_LT(esa.metrics["ina_collisions"].get<int>(), atp.metrics["ina_collisions"].get<int>());
}

TEST(Ina, WithAmpleMemoryThePoliciesAgree) {
  // Bandwidth-bound (25 Gbps): SwitchML's shorter path for results (the switch multicasts
  // them; ATP and ESA send them through the PS) then matters little.
  std::map<std::string, double> results;
  for (const char* policy : {"esa", "atp", "switchml"}) {
    json s = contended(policy, 16);
    s["platform"]["link"]["bandwidth"] = "25Gbps";
    s["workload"]["ina"]["aggregators"] = 20000;
    s["workload"]["ina"]["aggregators_per_job"] = 2800;
    for (auto& j : s["workload"]["jobs"]) j["gradient_size"] = "8MB";
    results[policy] = jct(s);
  }
  EXPECT_DOUBLE_EQ(results["atp"], results["esa"]);  // no contention: no preemption either
  EXPECT_NEAR(results["switchml"], results["esa"], 0.03 * results["esa"]);
}

TEST(Ina, LossIsRecoveredByRetransmissionAndCostsTime) {
  json lossless = contended("atp", 16), lossy = contended("atp", 16);
  lossy["platform"]["link"]["loss_rate"] = 0.001;
  auto a = testing::simulate(lossless), b = testing::simulate(lossy);
  EXPECT_EQ(b.metrics["jobs_completed"], 3);
  EXPECT_EQ(a.metrics["ina_retransmissions"], 0);
  EXPECT_GT(b.metrics["ina_lost_packets"].get<int>(), 0);
  EXPECT_GE(b.metrics["ina_retransmissions"].get<int>(), b.metrics["ina_lost_packets"].get<int>() / 8);
  EXPECT_GT(b.metrics["jct_mean_s"].get<double>(), a.metrics["jct_mean_s"].get<double>());
  // The same seed loses the same packets.
  EXPECT_EQ(testing::simulate(lossy).metrics.dump(), b.metrics.dump());
}

TEST(Ina, SwitchMlJobsWaitForAPoolWhenMemoryHoldsOnlyOne) {
  json s = ina_star(10, "100Gbps", "switchml");
  s["workload"]["ina"] = {{"aggregators", 300}, {"aggregators_per_job", 256}};
  s["workload"]["jobs"] = {ina_job("a", "2MB", 4, 2, "0s"), ina_job("b", "2MB", 4, 2, "0.1ms")};
  auto r = testing::simulate(s);
  EXPECT_NEAR(r.cell("jobs", "b", "start_s"), r.cell("jobs", "a", "finish_s"), 1e-12);
  EXPECT_NEAR(r.cell("ina_jobs", "b", "admission_wait_s"), r.cell("jobs", "a", "finish_s") - 1e-4, 1e-12);
}

TEST(Ina, OnTwoTiersEachJobAggregatesAtItsRackSwitch) {
  json s = ina_star(2, "100Gbps", "esa");
  s["platform"] = {{"topology", "two_tier"},
                   {"racks", 2},
                   {"hosts_per_rack", 5},
                   {"host", {{"speed", "1Tf"}}},
                   {"link", {{"bandwidth", "100Gbps"}, {"latency", "1us"}}},
                   {"uplink", {{"bandwidth", "100Gbps"}, {"latency", "1us"}}}};
  s["workload"]["jobs"] = {ina_job("a", "1MB", 4, 1, "0s"), ina_job("b", "1MB", 4, 1, "0s")};
  s["workload"]["jobs"][0]["workers"] = {"host[0-3]"};
  s["workload"]["jobs"][0]["servers"] = {"host4"};
  s["workload"]["jobs"][1]["workers"] = {"host[5-8]"};
  s["workload"]["jobs"][1]["servers"] = {"host9"};
  auto r = testing::simulate(s);
  EXPECT_GT(r.cell("switches", "tor0", "packets"), 0);
  EXPECT_GT(r.cell("switches", "tor1", "packets"), 0);
  EXPECT_DOUBLE_EQ(r.cell("links", "tor0-spine_UP", "bytes"), 0.0);  // nothing crosses the spine
}

}  // namespace
}  // namespace cs

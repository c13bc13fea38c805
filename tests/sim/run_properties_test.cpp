// Properties of a whole run: determinism, stopping early, energy accounting.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using nlohmann::json;

json quickstart() { return read_json_file(std::string(CLUSTERSIM_SOURCE_DIR) + "/scenarios/quickstart.json"); }

TEST(RunProperties, SameScenarioAndSeedGiveByteIdenticalResults) {
  auto a = testing::simulate(quickstart()), b = testing::simulate(quickstart());
  EXPECT_EQ(a.metrics.dump(), b.metrics.dump());
  EXPECT_EQ(a.csv, b.csv);
  EXPECT_EQ(a.metrics["jobs_completed"], 2);
}

TEST(RunProperties, UntilStopsTheSimulationWithUnfinishedJobsReported) {
  json s = quickstart();
  s["until"] = "3s";
  auto r = testing::simulate(s);
  EXPECT_EQ(r.metrics["jobs_completed"], 0);
  EXPECT_DOUBLE_EQ(r.metrics["simulated_time_s"].get<double>(), 3.0);
  EXPECT_GT(r.metrics["iterations_completed"].get<int>(), 0);
}

TEST(RunProperties, EnergyIsIdlePowerPlusBusyExtraTimesComputeTime) {
  json s = testing::star_scenario(2, "100Gbps", "0s");
  s["platform"]["host"] = {{"speed", "1Tf"}, {"idle_power", "100W"}, {"busy_power", "300W"}};
  s["workload"]["jobs"] = {{{"gradient_size", "1250MB"}, {"workers", {"host0"}}, {"servers", {"host1"}},
                            {"iterations", 2}, {"compute", "1s"}}};
  auto r = testing::simulate(s);
  // Per iteration: 1 s compute on host0, then 0.1 s push and 0.1 s pull (1250 MB at 100 Gbps, no
  // latency). The switch has no profile. SimGrid's energy plugin integrates power over time in
  // doubles: a relative 1e-9.
  const double duration = 2 * (1.0 + 0.2);
  const std::string p = "2 iterations, c=1 s compute, G=1250 MB at B=100 Gbps, l=0, P_idle=100 W, P_busy=300 W";
  validation::check("", "run duration", "k (c + 2 G / B)", p, duration, r.metrics["simulated_time_s"].get<double>(), 1e-9);
  validation::check("", "worker energy", "P_idle t + (P_busy - P_idle) k c", p, 100 * duration + 200 * 2.0,
                    r.cell("hosts", "host0", "energy_j"), 1e-9);
  validation::check("", "server energy (never computes)", "P_idle t", p, 100 * duration, r.cell("hosts", "host1", "energy_j"),
                    1e-9);
  validation::check("", "run energy", "2 P_idle t + (P_busy - P_idle) k c", p, 200 * duration + 400,
                    r.metrics["energy_j"].get<double>(), 1e-9);
}

}  // namespace
}  // namespace cs

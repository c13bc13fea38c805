// Runs cut by `until`: training, INA and inference stop cleanly at the cut (no SimGrid abort on
// actors still blocked), report what finished by then, and a cut after the natural end changes
// nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "scenario/json_node.hpp"
#include "sim_fixture.hpp"

namespace cs {
namespace {

using nlohmann::json;

struct Case {
  const char* file;
  const char* progress;  // a count that can only grow with the cut
  std::vector<const char*> cuts;
};

std::string path(const char* file) { return std::string(CLUSTERSIM_SOURCE_DIR) + "/scenarios/" + file; }

class Until : public ::testing::TestWithParam<Case> {};

TEST_P(Until, StopsAtTheCutAndReportsWhatFinished) {
  const Case& c = GetParam();
  const json base = read_json_file(path(c.file));
  double previous = -1;
  for (const char* cut : c.cuts) {
    json s = base;
    s["until"] = cut;
    const auto r = testing::simulate(s, path(c.file));
    const double t = r.metrics["simulated_time_s"].get<double>();
    const double done = r.metrics[c.progress].get<double>();
    EXPECT_DOUBLE_EQ(t, parse_quantity(cut, Dimension::duration)) << cut;
    EXPECT_GE(done, previous) << c.progress << " at " << cut;
    previous = done;
    if (r.metrics.contains("requests_answered"))
      EXPECT_LE(r.metrics["requests_answered"].get<double>(), r.metrics["requests"].get<double>()) << cut;
  }
  EXPECT_GT(previous, 0) << "the last cut lets something finish";
}

INSTANTIATE_TEST_SUITE_P(Workloads, Until,
                         ::testing::Values(Case{"quickstart.json", "iterations_completed", {"1ns", "3s", "20s"}},
                                           Case{"ina/sweep_base.json", "iterations_completed", {"1us", "5ms", "20ms"}},
                                           Case{"hawkvision/reproduction.json", "requests_answered", {"1ns", "0.5s", "2s"}}),
                         [](const auto& info) {
                           std::string name = info.param.file;
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

TEST(Until, ACutAfterTheEndChangesNothingThatFinished) {
  // The run then lasts until the cut (hosts idle until then): what is averaged over the run's
  // duration changes with it, everything that finished does not.
  const std::set<std::string> over_the_run{"simulated_time_s", "energy_j", "power_mean_w", "switch_occupancy_mean"};
  for (const char* file : {"quickstart.json", "ina/sweep_base.json"}) {
    const json base = read_json_file(path(file));
    json cut = base;
    cut["until"] = "1000s";
    const auto a = testing::simulate(base, path(file)), b = testing::simulate(cut, path(file));
    EXPECT_DOUBLE_EQ(b.metrics["simulated_time_s"].get<double>(), 1000.0);
    for (const auto& [key, value] : a.metrics.items())
      if (!over_the_run.count(key)) EXPECT_EQ(b.metrics[key], value) << file << ": " << key;
    EXPECT_EQ(a.csv.at("jobs"), b.csv.at("jobs")) << file;
  }
}

}  // namespace
}  // namespace cs

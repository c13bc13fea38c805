// Runs cut by `until`: training, INA and inference stop cleanly at the cut (no SimGrid abort on
// actors still blocked), report what finished by then, and a cut after the natural end changes
// nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "fixtures/edge_dc.hpp"
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

// A transfer cut mid-flight has moved what the flow model moved by then: nothing during the
// route's latency, then B per second on every link of its route. One PS worker on a star
// computes 10 ms, then pushes 100 MB (80 ms at 10 Gbps) to its server across two 1 us links.
TEST(Until, LinksCountOnlyWhatCrossedByTheCut) {
  constexpr double B = 10e9 / 8, l = 1e-6, c = 0.01, G = 100e6;
  json s = testing::star_scenario(2, "10Gbps", "1us");
  s["fidelity"] = "exact";
  s["workload"]["jobs"] = json::array(
      {{{"gradient_size", "100MB"}, {"workers", {"host0"}}, {"servers", {"host1"}}, {"iterations", 1}, {"compute", "10ms"}}});
  for (double cut : {0.005, 0.05, 0.1, 0.2}) {
    s["until"] = fmt::format("{}s", cut);
    const auto r = testing::simulate(s);
    const auto links = testing::csv_rows(r.csv.at("links"));
    // The push (host0 -> host1) until it ends at c + 2l + G/B, then the pull back.
    const double push = std::clamp((cut - c - 2 * l) * B, 0.0, G);
    const double pull_start = c + 2 * l + G / B;
    const double pull = std::clamp((cut - pull_start - 2 * l) * B, 0.0, G);
    for (size_t row = 1; row < links.size(); ++row) {
      const bool up = links[row][1] == "host0" || links[row][2] == "host1";  // host0-switch UP or switch-host1 DOWN
      const double expected = up ? push : pull;
      EXPECT_NEAR(testing::csv_number(links, row, "bytes"), expected, 1e-9 * G) << links[row][0] << " at " << cut;
    }
  }
}

// A camera's frames are sent without anyone waiting on them (RunContext::send_and_forget), and a
// cut must count only what they moved too. One camera sends 1 MB frames (80 ms at 100 Mbps,
// behind a 1 ms link) every 200 ms to a DC-only system: cut 40 ms into the first frame's
// transfer the camera's link has carried half of it, and 20 ms into the second's, a quarter
// more; the DC's answers, cut in flight, are freed (the sanitizer build would see a leak).
TEST(Until, LinksCountOnlyWhatFramesMovedByTheCut) {
  constexpr double B = 100e6 / 8, l = 1e-3, F = 1e6;
  const std::string data_dir = std::string(CLUSTERSIM_SOURCE_DIR) + "/tests/sim/data/inference/";
  json s = {{"name", "frames_cut"},
            {"seed", 1},
            {"platform", testing::edge_dc_test_platform(1, 1, 1)},
            {"workload",
             {{"kind", "inference"},
              {"system", "dc_only"},
              {"duration", "1s"},
              {"arrivals", {{"process", "constant"}, {"rate", "5/s"}}},
              {"tiers", json::array({{{"accuracy", 0.7}}})},
              {"frame", {{"size", "1MB"}, {"packet", "1400B"}}},
              {"edge", {{"device", "test_edge"}}},
              {"dc", {{"device", "test_gpu"}, {"max_batch", 4}}},
              {"models", {{"source", "csv"}, {"file", "outcomes.csv"}, {"edge", "small"}, {"dc", "large"}}},
              {"profiles", {{"devices", "devices.json"}, {"models", "models.json"}}}}}};
  const auto whole = testing::simulate(s, data_dir + "test.json");
  const auto requests = testing::csv_rows(whole.csv.at("requests"));
  const double first = testing::csv_number(requests, 1, "sent_s"), second = testing::csv_number(requests, 2, "sent_s");
  ASSERT_GT(second, first + l + F / B);  // the first frame is in before the second leaves
  for (auto [cut, expected] : {std::pair{first + l + 0.5 * F / B, 0.5 * F}, {second + l + 0.25 * F / B, 1.25 * F}}) {
    s["until"] = fmt::format("{:.12f}s", cut);
    const auto r = testing::simulate(s, data_dir + "test.json");
    const auto links = testing::csv_rows(r.csv.at("links"));
    bool found = false;
    for (size_t row = 1; row < links.size(); ++row)
      if (links[row][1] == "client0") {
        found = true;
        EXPECT_NEAR(testing::csv_number(links, row, "bytes"), expected, 1e-6 * F) << links[row][0] << " at " << cut;
      }
    EXPECT_TRUE(found) << "no link from client0 in links.csv";
  }
}

}  // namespace
}  // namespace cs

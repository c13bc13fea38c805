// Fast-forward ("fidelity": "fast_forward") against exact: the same job completion times,
// iteration records and link bytes, on every shipped training scenario and on randomized
// multi-job mixes; and it skips where jobs run alone, nothing where they compete.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>

#include "scenario/json_node.hpp"
#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using nlohmann::json;

using testing::csv_number;
using testing::csv_rows;

// Skipping k iterations of a period P sums k P where exact sums P k times: each differs from
// the true time by rounding only (1e-16 relative per addition), and the periods compared agree
// to periodicity_tolerance (1e-9). 1e-8 relative covers both with a margin; 1% is the bar.
constexpr double jct_tolerance = 1e-8;

struct Comparison {
  double worst_jct_error = 0;
  long long skipped = 0, total = 0;
};

Comparison compare(const json& scenario, const std::string& file, const std::string& label) {
  json exact = scenario, fast = scenario;
  exact["fidelity"] = "exact";
  fast["fidelity"] = "fast_forward";
  const auto a = testing::simulate(exact, file), b = testing::simulate(fast, file);
  Comparison c;
  c.skipped = b.metrics["iterations_skipped"].get<long long>();
  c.total = c.skipped + b.metrics["iterations_simulated"].get<long long>();
  // Every metric: counts exactly, times and their averages to jct_tolerance.
  for (const auto& [key, x] : a.metrics.items()) {
    if (!b.metrics.contains(key)) {
      ADD_FAILURE() << label << ": fast-forward lacks " << key;
      continue;
    }
    const json& y = b.metrics[key];
    if (x.is_number_integer()) EXPECT_EQ(x, y) << label << ": " << key;
    else if (x.is_number()) EXPECT_NEAR(y.get<double>(), x.get<double>(), jct_tolerance * std::max(1e-6, std::abs(x.get<double>()))) << label << ": " << key;
    else EXPECT_EQ(x, y) << label << ": " << key;
  }
  EXPECT_EQ(c.total, a.metrics["iterations_completed"].get<long long>()) << label;
  const auto ja = csv_rows(a.csv.at("jobs")), jb = csv_rows(b.csv.at("jobs"));
  EXPECT_EQ(ja.size(), jb.size()) << label;
  for (size_t r = 1; r < std::min(ja.size(), jb.size()); ++r) {
    const double x = csv_number(ja, r, "jct_s"), y = csv_number(jb, r, "jct_s");
    const double err = std::abs(y - x) / x;
    c.worst_jct_error = std::max(c.worst_jct_error, err);
    EXPECT_LE(err, jct_tolerance) << label << " job " << ja[r][0] << ": exact " << x << ", fast-forward " << y;
  }
  // Every byte on every link, whether sent or advanced.
  if (a.csv.count("links")) {
    const auto la = csv_rows(a.csv.at("links")), lb = csv_rows(b.csv.at("links"));
    EXPECT_EQ(la.size(), lb.size()) << label;
    for (size_t r = 1; r < std::min(la.size(), lb.size()); ++r) {
      const double x = csv_number(la, r, "bytes"), y = csv_number(lb, r, "bytes");
      EXPECT_NEAR(y, x, 1e-12 * std::max(1.0, x)) << label << " link " << la[r][0];
    }
  }
  // Every iteration of every job, at the same times.
  if (a.csv.count("iterations")) {
    const auto ia = csv_rows(a.csv.at("iterations")), ib = csv_rows(b.csv.at("iterations"));
    EXPECT_EQ(ia.size(), ib.size()) << label;
    std::map<std::pair<std::string, std::string>, double> ends;
    for (size_t r = 1; r < ia.size(); ++r) ends[{ia[r][0], ia[r][1]}] = csv_number(ia, r, "end_s");
    for (size_t r = 1; r < ib.size(); ++r) {
      auto it = ends.find({ib[r][0], ib[r][1]});
      if (it == ends.end()) {
        ADD_FAILURE() << label << ": fast-forward has iteration " << ib[r][1] << " of " << ib[r][0] << " twice or extra";
        continue;
      }
      EXPECT_NEAR(csv_number(ib, r, "end_s"), it->second, jct_tolerance * std::max(1.0, it->second)) << label;
      ends.erase(it);
    }
    EXPECT_TRUE(ends.empty()) << label << ": iterations missing from fast-forward";
  }
  return c;
}

// Power profiles turn fast-forward off (idle hosts would be billed as busy), as do timelines.
void without_energy(json& s) {
  for (const char* key : {"host", "switch", "client", "edge", "dc"})
    if (s["platform"].contains(key)) {
      s["platform"][key].erase("idle_power");
      s["platform"][key].erase("busy_power");
    }
  if (s.contains("outputs")) s["outputs"].erase("trace");
}

TEST(FastForward, AgreesWithExactOnEveryShippedTrainingScenario) {
  const std::string root = std::string(CLUSTERSIM_SOURCE_DIR) + "/scenarios";
  int compared = 0;
  long long skipped = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".json") continue;
    const std::string file = entry.path().string();
    json s = read_json_file(file);
    if (s["workload"]["kind"] != "training") continue;
    // Fast-forward does nothing while an INA job runs (it cannot prove a switch periodic): of
    // the INA scenarios, the two short ones stand for the rest (the ESA runs take 7-45 s each).
    const std::string rel = std::filesystem::relative(entry.path(), root).string();
    if ((rel.starts_with("ina/") || rel == "thc/ina_resnet50.json") && rel != "ina/sweep_base.json" &&
        rel != "ina/two_tier_racks.json")
      continue;
    // Paper-scale scenarios are what exact cannot run in time (hours): they ship at analytical.
    if (rel.starts_with("paper_scale/")) continue;
    without_energy(s);
    const Comparison c = compare(s, file, rel);
    ++compared;
    skipped += c.skipped;
    validation::check("FastForward.AgreesWithExactOnEveryShippedTrainingScenario", "JCT, fast-forward vs exact",
                      "same run (skipped " + std::to_string(c.skipped) + " of " + std::to_string(c.total) + " iterations)",
                      rel, 0, c.worst_jct_error, jct_tolerance);
  }
  EXPECT_GE(compared, 8);  // quickstart, training/*, thc/lossy_ps, thc/ps_vgg16, two INA
  EXPECT_GT(skipped, 0) << "no shipped scenario has a job running alone";
}

// Random mixes of ring and PS jobs on a two-tier fabric: some placed inside one rack (alone
// unless another job lands there), some spread (sharing ToR uplinks), arriving at random.
json random_mix(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int racks = 4, per_rack = 6;
  json jobs = json::array();
  std::vector<int> used(racks * per_rack, 0);
  const int n_jobs = uniform(2, 5);
  for (int j = 0; j < n_jobs; ++j) {
    const bool ring = uniform(0, 1) == 1, spread = uniform(0, 2) == 0;
    const int workers = uniform(2, 4), rack = uniform(0, racks - 1);
    json names = json::array();
    std::vector<int> hosts;
    for (int w = 0; w < workers + (ring ? 0 : 1); ++w) {
      int h = spread ? uniform(0, racks * per_rack - 1) : rack * per_rack + uniform(0, per_rack - 1);
      while (std::find(hosts.begin(), hosts.end(), h) != hosts.end()) h = (h + 1) % (racks * per_rack);
      hosts.push_back(h);
    }
    for (int w = 0; w < workers; ++w) names.push_back("host" + std::to_string(hosts[size_t(w)]));
    json job = {{"name", "j" + std::to_string(j)},
                {"gradient_size", std::to_string(uniform(1, 50)) + "MB"},
                {"workers", names},
                {"aggregation", ring ? "ring" : "ps"},
                {"iterations", uniform(8, 40)},
                {"compute", std::to_string(uniform(1, 30)) + "ms"},
                {"arrival", std::to_string(uniform(0, 400)) + "ms"}};
    if (!ring) job["servers"] = json::array({"host" + std::to_string(hosts.back())});
    jobs.push_back(job);
  }
  return {{"name", "mix"},
          {"seed", seed},
          {"platform",
           {{"topology", "two_tier"},
            {"racks", racks},
            {"hosts_per_rack", per_rack},
            {"host", {{"speed", "1Tf"}}},
            {"link", {{"bandwidth", "25Gbps"}, {"latency", "2us"}}},
            {"uplink", {{"bandwidth", "40Gbps"}, {"latency", "5us"}}}}},
          {"workload", {{"kind", "training"}, {"jobs", jobs}}}};
}

TEST(FastForward, AgreesWithExactOnRandomMixes) {
  long long skipped = 0, total = 0;
  double worst = 0;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    const Comparison c = compare(random_mix(seed), "mix.json", "mix seed " + std::to_string(seed));
    skipped += c.skipped;
    total += c.total;
    worst = std::max(worst, c.worst_jct_error);
  }
  validation::check("FastForward.AgreesWithExactOnRandomMixes", "JCT, fast-forward vs exact",
                    "same run (skipped " + std::to_string(skipped) + " of " + std::to_string(total) + " iterations)",
                    "16 random two-tier mixes", 0, worst, jct_tolerance);
  EXPECT_GT(skipped, 0);
}

TEST(FastForward, SkipsAJobRunningAloneAndNothingWhereJobsCompete) {
  // One ring alone on a star: after the first iterations settle, all but the last few skip.
  json alone = testing::star_scenario(4, "10Gbps", "5us");
  alone["workload"]["jobs"] = json::array({{{"name", "a"}, {"gradient_size", "100MB"}, {"workers", {"host0", "host1", "host2", "host3"}},
                                             {"aggregation", "ring"}, {"iterations", 50}, {"compute", "10ms"}}});
  const Comparison a = compare(alone, "alone.json", "alone");
  // Ends of iterations 0..2 for every rank are compared (periodicity_history = 3), the
  // decision comes at rank 0's end of iteration 4 for iteration 6, and the last runs exact:
  // 50 - 6 - 1 = 43 skipped.
  EXPECT_EQ(a.skipped, 43);
  // Two alike PS jobs whose servers share one host: never alone (they end together), nothing skipped.
  json shared = testing::star_scenario(5, "10Gbps", "5us");
  shared["workload"]["jobs"] = json::array(
      {{{"name", "a"}, {"gradient_size", "100MB"}, {"workers", {"host0", "host1"}}, {"aggregation", "ps"}, {"servers", {"host4"}},
        {"iterations", 30}, {"compute", "10ms"}},
       {{"name", "b"}, {"gradient_size", "100MB"}, {"workers", {"host2", "host3"}}, {"aggregation", "ps"}, {"servers", {"host4"}},
        {"iterations", 30}, {"compute", "10ms"}}});
  const Comparison s = compare(shared, "shared.json", "shared");
  EXPECT_EQ(s.skipped, 0);
}

}  // namespace
}  // namespace cs

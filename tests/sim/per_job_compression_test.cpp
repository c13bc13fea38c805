// Per-job compression (docs/thc.md, "Per-job compression"): a THC job and a plain fp32 job share one
// parameter server or one INA switch. Every byte on every link is checked against its closed
// form at every fidelity level, and a job whose compression is "none" is checked to be the job of
// a workload without compression, byte for byte.
#include <gtest/gtest.h>

#include <cmath>

#include "sim_fixture.hpp"

namespace cs {
namespace {

using nlohmann::json;

constexpr int n = 4;          // workers per job
constexpr double k = 3;       // iterations
constexpr double rel = 1e-12;  // relative: the link counters add doubles, one message at a time

// THC's costs set in the scenario so that nothing depends on the machine's profile.
const json thc = {{"scheme", "thc"}, {"costs", {{"encode", "2ns"}, {"add", "1ns"}, {"finish", "0ns"}, {"decode", "1ns"}}}};

// Job "t" (host0-3) runs THC from the workload's default, job "f" (host4-7) says "none"; both
// aggregate at host8 (PS shards there, or the INA jobs' PS).
json mixed(const std::string& aggregation, const std::string& gradient) {
  json s = testing::star_scenario(2 * n + 1, "10Gbps", "1us");
  s["workload"]["compression"] = thc;
  auto job = [&](const std::string& name, int first) {
    return json{{"name", name},
                {"gradient_size", gradient},
                {"workers", {"host[" + std::to_string(first) + "-" + std::to_string(first + n - 1) + "]"}},
                {"aggregation", aggregation},
                {"servers", {"host8"}},
                {"iterations", int(k)},
                {"compute", "1ms"}};
  };
  s["workload"]["jobs"] = {job("t", 0), job("f", n)};
  s["workload"]["jobs"][1]["compression"] = "none";
  return s;
}

double bytes(const testing::SimResult& r, const std::string& link) { return r.cell("links", link, "bytes"); }

// The rows of compression_jobs.csv after the header.
size_t compression_rows(const testing::SimResult& r) { return testing::csv_rows(r.csv.at("compression_jobs")).size() - 1; }

TEST(PerJobCompression, ThcAndFp32JobsThroughOnePsMoveTheirOwnBytesAtEveryFidelity) {
  // G = 64 MiB: d = 2^24 coordinates, 16 THC partitions of 2^20, so the scale agreement sends
  // s = 16 x 4 = 64 B each way per worker, and bits_up_per_coord = 4 + 32 x 16 / d counts those
  // floats once more inside the indices: a THC worker sends s + (d/2 + s) up and receives
  // s + (d + s) down per round (sums of 8 bits); the fp32 worker sends and receives G.
  const double G = 64.0 * (1 << 20), d = G / 4, s = 16 * 4;
  const double thc_up = d / 2 + 2 * s, thc_down = d + 2 * s;
  for (const char* fidelity : {"exact", "fast_forward", "analytical"}) {
    SCOPED_TRACE(fidelity);
    json scenario = mixed("ps", "64MiB");
    scenario["fidelity"] = fidelity;
    auto r = testing::simulate(scenario);
    EXPECT_EQ(r.metrics["jobs_completed"], 2);
    for (int w = 0; w < n; ++w) {
      const std::string t = "host" + std::to_string(w), f = "host" + std::to_string(n + w);
      EXPECT_NEAR(bytes(r, t + "-switch_UP"), k * thc_up, rel * k * thc_up) << t;
      EXPECT_NEAR(bytes(r, t + "-switch_DOWN"), k * thc_down, rel * k * thc_down) << t;
      EXPECT_NEAR(bytes(r, f + "-switch_UP"), k * G, rel * k * G) << f;
      EXPECT_NEAR(bytes(r, f + "-switch_DOWN"), k * G, rel * k * G) << f;
    }
    // The PS's link carries both jobs: n workers' of each, into and out of host8.
    const double into_ps = k * n * (thc_up + G), out_of_ps = k * n * (thc_down + G);
    EXPECT_NEAR(bytes(r, "host8-switch_DOWN"), into_ps, rel * into_ps);
    EXPECT_NEAR(bytes(r, "host8-switch_UP"), out_of_ps, rel * out_of_ps);
    EXPECT_NEAR(r.metrics["network_payload_bytes"].get<double>(), into_ps + out_of_ps, rel * (into_ps + out_of_ps));
    // Only the THC job is in the compression report, and the workload's means are its own.
    ASSERT_EQ(compression_rows(r), 1u);
    EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "t", "bytes_up_per_round"), d / 2 + s);
    EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "t", "bytes_down_per_round"), d + s);
    EXPECT_DOUBLE_EQ(r.metrics["bytes_up_per_round"].get<double>(), d / 2 + s);
    EXPECT_EQ(r.metrics["compressed_jobs"], 1);
    EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "t", "rounds"), k);
    // Its round pays encode (2 ns) and decode (1 ns) per coordinate; the fp32 job pays neither.
    EXPECT_NEAR(r.metrics["round_compression_mean_s"].get<double>(), d * 3e-9, 1e-9 * d * 3e-9);
  }
}

// INA: the switch's registers (values_per_packet x 32 bits) hold 8-bit THC sums, so a THC
// fragment carries v x 32 / 8 coordinates; an fp32 fragment carries v. Headers h = 60 B.
void check_ina(const std::string& policy, int v, const std::string& fidelity) {
  SCOPED_TRACE(policy + " " + fidelity);
  json scenario = mixed("ina", "16MiB");
  scenario["policies"] = {{"switch_allocation", policy}};
  scenario["workload"]["ina"] = json::object();
  scenario["fidelity"] = fidelity;
  auto r = testing::simulate(scenario);
  EXPECT_EQ(r.metrics["jobs_completed"], 2);
  // With ample memory (20,000 aggregators) ATP's per-job ranges do not overlap at seed 1, so no
  // packet takes the PS path: what each link carries is then fixed by the fragment counts. The
  // analytical level books the same streams per job (no packets, so no ina_jobs table).
  const bool packets = fidelity != "analytical";
  if (packets) ASSERT_EQ(r.metrics["ina_collisions"], 0);
  const double G = 16.0 * (1 << 20), d = G / 4, h = 60, P = 4, s = 4 * P;
  const double amortised = 32 * P / d;  // THC's partition floats, counted in bits per coordinate
  const double c_thc = v * 32 / 8;
  const double F_thc = std::ceil(d / c_thc), F_fp32 = std::ceil(d / v);
  const double p_up = h + c_thc * (4 + amortised) / 8, p_down = h + c_thc * (8 + amortised) / 8, p_fp32 = h + 4.0 * v;
  if (packets) {
    EXPECT_EQ(r.cell("ina_jobs", "t", "fragments_per_iteration"), F_thc);
    EXPECT_EQ(r.cell("ina_jobs", "f", "fragments_per_iteration"), F_fp32);
  }
  for (int w = 0; w < n; ++w) {
    const std::string t = "host" + std::to_string(w), f = "host" + std::to_string(n + w);
    EXPECT_NEAR(bytes(r, t + "-switch_UP"), k * (F_thc * p_up + s), rel * k * F_thc * p_up) << t;
    EXPECT_NEAR(bytes(r, t + "-switch_DOWN"), k * (F_thc * p_down + s), rel * k * F_thc * p_down) << t;
    EXPECT_NEAR(bytes(r, f + "-switch_UP"), k * F_fp32 * p_fp32, rel * k * F_fp32 * p_fp32) << f;
    EXPECT_NEAR(bytes(r, f + "-switch_DOWN"), k * F_fp32 * p_fp32, rel * k * F_fp32 * p_fp32) << f;
  }
  // The PS: the THC job's scale agreement (n x s each way), and under ATP and ESA every complete
  // sum of both jobs in and its result out (the switch multicasts it to the workers); SwitchML's
  // switch multicasts the sums itself.
  const double sums = policy == "switchml" ? 0 : k * (F_thc * p_down + F_fp32 * p_fp32);
  EXPECT_NEAR(bytes(r, "host8-switch_DOWN"), k * n * s + sums, rel * (k * n * s + sums));
  EXPECT_NEAR(bytes(r, "host8-switch_UP"), k * n * s + sums, rel * (k * n * s + sums));
  ASSERT_EQ(compression_rows(r), 1u);
  EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "t", "bits_down_per_coord"), 8 + amortised);
}

TEST(PerJobCompression, ThcAndFp32JobsThroughOneSwitchMoveTheirOwnPackets) {
  for (const char* fidelity : {"fast_forward", "analytical"}) {
    check_ina("atp", 62, fidelity);
    check_ina("switchml", 64, fidelity);
  }
}

// Every metric and every table of two runs, byte for byte.
void expect_identical(const testing::SimResult& a, const testing::SimResult& b) {
  EXPECT_EQ(a.metrics.dump(), b.metrics.dump());
  ASSERT_EQ(a.csv.size(), b.csv.size());
  for (const auto& [name, text] : a.csv) {
    ASSERT_TRUE(b.csv.count(name)) << name;
    EXPECT_EQ(text, b.csv.at(name)) << name;
  }
}

TEST(PerJobCompression, NoneIsTheJobOfAWorkloadWithoutCompression) {
  for (const char* aggregation : {"ps", "ina"}) {
    SCOPED_TRACE(aggregation);
    // The same two jobs, with the scheme given the other way round: the workload's THC and
    // job f's "none", against no workload scheme and job t's own THC.
    json a = mixed(aggregation, "16MiB");
    json b = a;
    b["workload"].erase("compression");
    b["workload"]["jobs"][0]["compression"] = thc;
    b["workload"]["jobs"][1].erase("compression");
    if (std::string(aggregation) == "ina") {
      a["policies"] = b["policies"] = {{"switch_allocation", "esa"}};
      a["workload"]["ina"] = b["workload"]["ina"] = {{"aggregators", 512}};  // scarce: preemptions between the jobs
    }
    auto ra = testing::simulate(a), rb = testing::simulate(b);
    expect_identical(ra, rb);
    // Both jobs "none" under a workload THC: the run of a workload without compression. Only
    // the (empty) compression tables tell them apart: the workload names a scheme.
    json all_none = a;
    all_none["workload"]["jobs"][0]["compression"] = "none";
    json plain = a;
    plain["workload"].erase("compression");
    plain["workload"]["jobs"][1].erase("compression");
    auto rn = testing::simulate(all_none), rp = testing::simulate(plain);
    EXPECT_EQ(rn.metrics.dump(), rp.metrics.dump());
    for (const char* table : {"jobs", "links", "iterations"}) EXPECT_EQ(rn.csv.at(table), rp.csv.at(table)) << table;
    EXPECT_EQ(compression_rows(rn), 0u);
    EXPECT_FALSE(rp.csv.count("compression_jobs"));
    // And the mix really differs from the all-fp32 run: the THC job's bytes shrank.
    EXPECT_LT(ra.metrics["network_payload_bytes"].get<double>(), rp.metrics["network_payload_bytes"].get<double>());
  }
}

TEST(PerJobCompression, UnderLearningANoneJobTrainsItsProxyUncompressed) {
  json s = mixed("ps", "4MiB");
  s["workload"]["learning"] = {{"proxy", "softmax"}, {"eval_every", 3}, {"target_accuracy", 0.99}};
  auto r = testing::simulate(s);
  // Both jobs train a proxy, each through its own scheme; the fp32 one through scheme "none".
  ASSERT_EQ(compression_rows(r), 2u);
  const auto rows = testing::csv_rows(r.csv.at("compression_jobs"));
  EXPECT_EQ(rows[1][0] + ":" + rows[1][1], "t:thc");
  EXPECT_EQ(rows[2][0] + ":" + rows[2][1], "f:none");
  EXPECT_DOUBLE_EQ(r.cell("compression_jobs", "f", "bits_up_per_coord"), 32.0);
  // fp32 sums are exact up to float rounding (about 1e-15 here); THC's 4-bit indices are not.
  EXPECT_LT(r.cell("compression_jobs", "f", "vnmse_mean"), 1e-12);
  EXPECT_GT(r.cell("compression_jobs", "t", "vnmse_mean"), 1e-4);
  EXPECT_FALSE(r.metrics.contains("compressed_jobs"));  // every aggregating job has a scheme
}

}  // namespace
}  // namespace cs

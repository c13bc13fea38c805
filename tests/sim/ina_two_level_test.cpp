// ATP's two-level in-network aggregation (ina.levels = 2) on a leaf-spine: exact packet,
// completion and link byte counts from the aggregation tree, one leaf being one level, every
// contribution summed exactly once under scarce memory and loss, and the granularity bound.
#include <gtest/gtest.h>

#include <cmath>

#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using nlohmann::json;

constexpr double payload_bytes = 62 * 4, packet_bytes = payload_bytes + 60;  // ATP's packet

// 4 leaves of 4 hosts under 2 spines. Job a: host0,1 | host4,5 | host8,9 with its PS host12;
// job b: host2,3 | host6,7 | host10,11 with its PS host13.
json two_jobs(int levels, const std::string& policy = "atp") {
  return {{"name", "two_level"},
          {"seed", 4},
          {"platform",
           {{"topology", "leaf_spine"},
            {"leaves", 4},
            {"spines", 2},
            {"hosts_per_leaf", 4},
            {"host", {{"speed", "15Tf"}}},
            {"link", {{"bandwidth", "100Gbps"}, {"latency", "1us"}}},
            {"uplink", {{"bandwidth", "100Gbps"}, {"latency", "1us"}}}}},
          {"policies", {{"switch_allocation", policy}}},
          {"workload",
           {{"kind", "training"},
            {"ina", {{"levels", levels}, {"aggregators", 4096}, {"aggregators_per_job", 1024}}},
            {"job_defaults", {{"aggregation", "ina"}, {"compute", "1ms"}, {"iterations", 2}, {"gradient_size", "2MB"}}},
            {"jobs",
             {{{"name", "a"}, {"workers", {"host0", "host1", "host4", "host5", "host8", "host9"}}, {"servers", {"host12"}}},
              {{"name", "b"}, {"workers", {"host2", "host3", "host6", "host7", "host10", "host11"}}, {"servers", {"host13"}}}}}}}};
}

double fragments_per_iteration(double gradient_bytes = 2e6) { return std::ceil(gradient_bytes / payload_bytes); }

TEST(InaTwoLevel, EachLeafSumsItsWorkersAndTheSpineOnTheRouteToThePsSumsTheLeaves) {
  const auto r = testing::simulate(two_jobs(2));
  const double f = fragments_per_iteration() * 2;  // fragments per job over its 2 iterations
  EXPECT_EQ(r.metrics["jobs_completed"], 2);
  EXPECT_EQ(r.metrics["ina_collisions"], 0);
  EXPECT_EQ(r.metrics["ina_retransmissions"], 0);
  EXPECT_EQ(r.metrics["ina_switch_aggregated_share"], 1.0);
  // Every leaf holding workers sees 2 workers of each job and completes each job's fragments
  // once; the spine the routes to a PS meet on (D-mod-k: PS host index mod 2, so spine0 for
  // host12, spine1 for host13) sees one sum per fragment from each of the 3 leaves.
  for (const char* leaf : {"leaf0", "leaf1", "leaf2"}) {
    EXPECT_EQ(r.cell("switches", leaf, "packets"), 2 * 2 * f) << leaf;
    EXPECT_EQ(r.cell("switches", leaf, "completed_in_switch"), 2 * f) << leaf;
  }
  for (const char* spine : {"spine0", "spine1"}) {
    EXPECT_EQ(r.cell("switches", spine, "packets"), 3 * f) << spine;
    EXPECT_EQ(r.cell("switches", spine, "completed_in_switch"), f) << spine;
  }
  // Each job's leaves send one sum per fragment up to its spine and get one result back; its
  // spine sends one sum down to leaf3 and the PS one result back up: every leaf-spine link
  // carries exactly one packet per fragment of one job each way, fp32 sums being as wide as
  // the workers' packets.
  for (int leaf = 0; leaf < 4; ++leaf)
    for (int spine = 0; spine < 2; ++spine)
      for (const char* way : {"_UP", "_DOWN"}) {
        const std::string link = "leaf" + std::to_string(leaf) + "-spine" + std::to_string(spine) + way;
        const double bytes = r.cell("links", link, "bytes");
        validation::check("", "INA two-level bytes on " + link, "F x I x P (one job's sums or results)",
                          "leaf-spine 4x2, two 6-worker ATP jobs", f * packet_bytes, bytes, 1e-12);
      }
  const auto one = testing::simulate(two_jobs(1));
  EXPECT_LT(r.metrics["jct_mean_s"].get<double>(), one.metrics["jct_mean_s"].get<double>());
}

TEST(InaTwoLevel, ACompressedJobsSumsClimbAtTheSumsWidth) {
  // Job a under THC (4-bit indices up, 8-bit sums down): a fragment holds 62 x 32 / 8 = 248
  // coordinates, at the scheme's bits per coordinate (its scale metadata spread over them, as
  // compression_jobs.csv reports): a worker's packet carries 248 x up / 8 bytes and every sum or
  // result, between the levels as to and from the PS, 248 x down / 8, each plus 60 B of headers.
  json s = two_jobs(2);
  s["workload"]["jobs"][0]["compression"] = {{"scheme", "thc"}};
  const auto r = testing::simulate(s);
  const double f = r.cell("ina_jobs", "a", "fragments_per_iteration") * 2;
  const double up = 248 * r.cell("compression_jobs", "a", "bits_up_per_coord") / 8 + 60;
  const double down = 248 * r.cell("compression_jobs", "a", "bits_down_per_coord") / 8 + 60;
  // The scale agreement (4 B per worker and iteration, worker to PS and back) shares the links:
  // all six workers' go up through spine0 (D-mod-k, host12 even), the answers come down through
  // the spine of each worker's index, spine0 for host0, host4 and host8.
  const double agreement = 4 * 2;
  EXPECT_EQ(r.metrics["ina_switch_aggregated_share"], 1.0);
  struct Expected {
    const char* link;
    double bytes;
  };
  for (const Expected& e : {Expected{"leaf0-spine0_UP", f * down + 2 * agreement}, Expected{"leaf1-spine0_DOWN", f * down + 1 * agreement},
                            Expected{"leaf3-spine0_DOWN", f * down + 6 * agreement}, Expected{"leaf3-spine0_UP", f * down + 3 * agreement},
                            Expected{"host0-leaf0_UP", f * up + agreement}, Expected{"host0-leaf0_DOWN", f * down + agreement}})
    validation::check("", std::string("INA two-level THC bytes on ") + e.link, "F x I x (248 bits/8 + 60) + agreement",
                      "leaf-spine 4x2, job a THC 4/8 bits", e.bytes, r.cell("links", e.link, "bytes"), 1e-12);
}

TEST(InaTwoLevel, WorkersOnOneLeafAreOneLevel) {
  // Both jobs' workers under leaf0 and leaf1 respectively: there is no second level to reach,
  // and two levels must give byte-identical metrics and tables to one.
  auto one_leaf = [](int levels) {
    json s = two_jobs(levels);
    s["workload"]["jobs"][0]["workers"] = {"host0", "host1", "host2"};
    s["workload"]["jobs"][1]["workers"] = {"host4", "host5", "host6"};
    return testing::simulate(s);
  };
  const auto one = one_leaf(1), two = one_leaf(2);
  EXPECT_EQ(one.metrics.dump(), two.metrics.dump());
  EXPECT_EQ(one.csv, two.csv);
}

TEST(InaTwoLevel, ThePsLeafIsTheSecondLevelWhenItHoldsWorkers) {
  // Job a's PS moved under leaf0 beside two of its workers: the routes from leaf1 and leaf2 to
  // it meet at leaf0 (ATP's PS-rack switch), which then sums at both levels; no spine sums.
  json s = two_jobs(2);
  s["workload"]["jobs"][0]["servers"] = {"host3"};
  s["workload"]["jobs"][1]["workers"] = {"host6", "host7", "host10", "host11"};
  const auto r = testing::simulate(s);
  const double f = fragments_per_iteration() * 2;
  EXPECT_EQ(r.metrics["jobs_completed"], 2);
  EXPECT_EQ(r.metrics["ina_switch_aggregated_share"], 1.0);
  // leaf0: job a's two workers there, then one sum from each of leaf0, leaf1 and leaf2; it completes
  // each fragment at the first level and again at the second.
  EXPECT_EQ(r.cell("switches", "leaf0", "packets"), 2 * f + 3 * f);
  EXPECT_EQ(r.cell("switches", "leaf0", "completed_in_switch"), 2 * f);
  // Job b: leaves 1 and 2 meet on spine1 on the way to host13.
  EXPECT_EQ(r.cell("switches", "spine1", "packets"), 2 * f);
  EXPECT_EQ(r.cell("switches", "spine1", "completed_in_switch"), f);
  EXPECT_THROW(r.cell("switches", "spine0", "packets"), std::runtime_error);  // no row: spine0 sums nothing
}

// Scarce memory and lossy links: collisions (ATP) or preemptions (ESA) at both levels, flushes
// after timeouts. Whatever the path, the PS must count every worker's contribution to every
// fragment exactly once, in the switches or in software.
TEST(InaTwoLevel, ScarceMemoryAndLossStillCountEveryContributionOnce) {
  for (const char* policy : {"atp", "esa"}) {
    json s = two_jobs(2, policy);
    s["workload"]["ina"]["aggregators"] = 48;
    s["workload"]["ina"]["aggregators_per_job"] = 32;
    s["platform"]["uplink"]["loss_rate"] = 0.0005;
    s["workload"]["job_defaults"]["gradient_size"] = "1MB";  // a lighter run for the sanitizer build
    // Job b arrives while a is in its second iteration, so that ESA's a (less work left) preempts.
    s["workload"]["jobs"][1]["arrival"] = "3ms";
    const auto r = testing::simulate(s);
    const double f = fragments_per_iteration(1e6) * 2;
    EXPECT_EQ(r.metrics["jobs_completed"], 2) << policy;
    EXPECT_GT(r.metrics["ina_retransmissions"].get<double>(), 0) << policy;
    EXPECT_GT(r.metrics["ina_lost_packets"].get<double>(), 0) << policy;
    if (std::string(policy) == "atp") EXPECT_GT(r.metrics["ina_collisions"].get<double>(), 0);
    else EXPECT_GT(r.metrics["ina_preemptions"].get<double>(), 0);
    for (const char* job : {"a", "b"}) {
      const double counted = r.cell("ina_jobs", job, "switch_aggregated_bytes") + r.cell("ina_jobs", job, "ps_aggregated_bytes");
      EXPECT_EQ(counted, 6 * f * payload_bytes) << policy << " job " << job;
    }
  }
}

TEST(InaTwoLevel, JobCompletionTimeAtUnit16IsWithinOnePercentOfPacketByPacket) {
  auto at_unit = [](int unit) {
    json s = two_jobs(2, "esa");
    s["workload"]["ina"]["unit"] = unit;
    s["workload"]["job_defaults"]["gradient_size"] = "1MB";
    s["workload"]["jobs"][1]["arrival"] = "0.3ms";
    return testing::simulate(s).metrics["jct_mean_s"].get<double>();
  };
  const double exact = at_unit(1);
  validation::check("", "INA two-level mean JCT at unit 16 vs unit 1", "JCT(unit 1)",
                    "leaf-spine 4x2, two 6-worker ESA jobs", exact, at_unit(16), 0.01);
}

}  // namespace
}  // namespace cs

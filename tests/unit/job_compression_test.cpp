// Per-job compression (docs/thc.md, "Per-job compression"): which scheme each job ends up with through
// the layers, lowest first: the workload's "compression", job_defaults, the job's own field,
// job_overrides; "none" for plain fp32; and the errors, each at the JSON path that chose the scheme.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "test_util.hpp"

using namespace cs;
using cs::testing::bad_input_of;
using cs::testing::write_temp_file;

namespace {

// Four jobs on a 9-host star: a, b and d aggregate at a PS, c is a ring that opts out of any
// workload scheme with "none" (a ring cannot run one).
json four_jobs() {
  return json::parse(R"({
    "name": "t", "seed": 1,
    "platform": {"topology": "star", "hosts": 9, "host": {"speed": "1Tf"},
                 "link": {"bandwidth": "10Gbps", "latency": "5us"}},
    "workload": {"kind": "training", "jobs": [
      {"name": "a", "gradient_size": "4MB", "workers": ["host0", "host1"], "servers": ["host8"], "iterations": 2, "compute": "1ms"},
      {"name": "b", "gradient_size": "4MB", "workers": ["host2", "host3"], "servers": ["host8"], "iterations": 2, "compute": "1ms"},
      {"name": "c", "gradient_size": "4MB", "workers": ["host4", "host5"], "aggregation": "ring", "iterations": 2, "compute": "1ms",
       "compression": "none"},
      {"name": "d", "gradient_size": "4MB", "workers": ["host6", "host7"], "servers": ["host8"], "iterations": 2, "compute": "1ms"}]}
  })");
}

// The scheme each job runs, "-" for plain fp32.
std::vector<std::string> schemes(const json& d) {
  Scenario s = parse_scenario(d, "test.json");
  std::vector<std::string> out;
  for (const auto& j : s.workloads[0].as<TrainingWorkload>().jobs) out.push_back(j.compression ? j.compression->scheme.name : "-");
  return out;
}

std::string error_of(const json& d) {
  return bad_input_of([&] { parse_scenario(d, "test.json"); });
}

using V = std::vector<std::string>;

}  // namespace

TEST(JobCompression, WithoutAnyCompressionEveryJobIsPlainFp32) {
  EXPECT_EQ(schemes(four_jobs()), (V{"-", "-", "-", "-"}));
}

TEST(JobCompression, TheWorkloadSchemeReachesEveryAggregatingJobButNotTheRing) {
  json d = four_jobs();
  d["workload"]["compression"] = {{"scheme", "thc"}, {"bits", 2}};
  Scenario s = parse_scenario(d, "test.json");
  EXPECT_EQ(schemes(d), (V{"thc", "thc", "-", "thc"}));
  EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().jobs[0].compression->scheme.bits, 2);  // the whole object, options included
}

TEST(JobCompression, AJobsOwnSchemeWinsAndNoneMakesItFp32) {
  json d = four_jobs();
  d["workload"]["compression"] = {{"scheme", "thc"}};
  d["workload"]["jobs"][1]["compression"] = "none";
  d["workload"]["jobs"][3]["compression"] = {{"scheme", "terngrad"}};
  EXPECT_EQ(schemes(d), (V{"thc", "-", "-", "terngrad"}));
  // A job's scheme without any workload scheme.
  d["workload"].erase("compression");
  EXPECT_EQ(schemes(d), (V{"-", "-", "-", "terngrad"}));
}

TEST(JobCompression, LayersStackDefaultsThenTheJobThenOverridesEachReplacingTheObjectWhole) {
  json d = four_jobs();
  // Job c aggregates at the PS here, so that every layer can reach it.
  d["workload"]["jobs"][2]["aggregation"] = "ps";
  d["workload"]["jobs"][2]["servers"] = {"host8"};
  d["workload"]["jobs"][2].erase("compression");
  d["workload"]["compression"] = {{"scheme", "thc"}};
  // job_defaults lie above the workload's scheme: they reach every job without its own.
  d["workload"]["job_defaults"] = {{"compression", {{"scheme", "qsgd"}, {"qsgd_levels", 4}}}};
  d["workload"]["jobs"][0]["compression"] = {{"scheme", "uhc"}};
  d["workload"]["jobs"][1]["compression"] = "none";
  EXPECT_EQ(schemes(d), (V{"uhc", "-", "qsgd", "qsgd"}));
  Scenario s = parse_scenario(d, "test.json");
  EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().jobs[3].compression->scheme.qsgd_levels, 4);
  // The job's object replaces the default's whole: job a's uhc keeps uhc's default options,
  // not qsgd_levels 4 merged in.
  EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().jobs[0].compression->scheme.qsgd_levels, compression::SchemeConfig{}.qsgd_levels);
  // job_overrides win over everything below, the job's own "none" included.
  d["workload"]["job_overrides"] = {{"compression", {{"scheme", "fp16"}}}};
  EXPECT_EQ(schemes(d), (V{"fp16", "fp16", "fp16", "fp16"}));
  d["workload"]["job_overrides"] = {{"compression", "none"}};
  EXPECT_EQ(schemes(d), (V{"-", "-", "-", "-"}));
}

TEST(JobCompression, TracedJobsTakeTheirSchemeFromTheLayers) {
  const std::string trace = write_temp_file("job_compression_jobs.csv",
                                            "submit_time_s,model,workers,iterations,compute_s\n"
                                            "0,ResNet18,2,1,0.001\n");
  json d = four_jobs();
  d["workload"]["jobs_trace"] = trace;
  d["workload"]["compression"] = {{"scheme", "none"}};
  d["workload"]["job_defaults"] = {{"compression", {{"scheme", "thc"}}}};
  d["workload"]["jobs"][0]["compression"] = "none";
  EXPECT_EQ(schemes(d), (V{"-", "thc", "-", "thc", "thc"}));
}

TEST(JobCompression, WithLearningNoneStillTrainsTheProxyThroughSchemeNone) {
  // A proxy steps on an aggregate, so a learning workload gives every aggregating job a scheme:
  // "none" means fp32 through scheme "none", as a learning workload without compression does.
  json d = four_jobs();
  d["workload"]["compression"] = {{"scheme", "thc"}};
  d["workload"]["learning"] = {{"proxy", "softmax"}};
  d["workload"]["jobs"][1]["compression"] = "none";
  EXPECT_EQ(schemes(d), (V{"thc", "none", "-", "thc"}));
  d["workload"].erase("compression");
  d["workload"]["jobs"][0]["compression"] = {{"scheme", "thc"}};
  EXPECT_EQ(schemes(d), (V{"thc", "none", "-", "none"}));
}

TEST(JobCompression, ErrorsNameTheJobsCompressionPath) {
  json d = four_jobs();
  d["workload"]["compression"] = {{"scheme", "thc"}};
  d["workload"]["jobs"][3]["compression"] = {{"scheme", "thcc"}};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/3/compression/scheme: unknown scheme \"thcc\"");
  // A scheme on the ring job: named at the job's compression, as the workload's is named at the job.
  d = four_jobs();
  d["workload"]["jobs"][2]["compression"] = {{"scheme", "thc"}};
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/2/compression: scheme \"thc\" needs an aggregator");
  d = four_jobs();
  d["workload"]["compression"] = {{"scheme", "thc"}};
  d["workload"]["jobs"][2].erase("compression");
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/2: scheme \"thc\" needs an aggregator");
  // ... and the workload's THC is fine once the ring opts out.
  d["workload"]["jobs"][2]["compression"] = "none";
  EXPECT_EQ(schemes(d), (V{"thc", "thc", "-", "thc"}));
  // Only "none" or an object.
  d["workload"]["jobs"][0]["compression"] = "thc";
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/0/compression: \"thc\": a job's compression is an object");
  d["workload"]["jobs"][0]["compression"] = nullptr;
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/0/compression: a job's compression is an object");
  // A job's options are checked as the workload's are.
  d["workload"]["jobs"][0]["compression"] = {{"scheme", "thc"}, {"bits", 9}};
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/0/compression/bits");
  // Unknown keys inside a job's compression.
  d["workload"]["jobs"][0]["compression"] = {{"scheme", "thc"}, {"bitz", 2}};
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/0/compression/bitz: unknown key");
  // A default's error is reported at the job it reached (the layers merge into the job).
  d = four_jobs();
  d["workload"]["jobs"][2].erase("compression");
  d["workload"]["job_defaults"] = {{"compression", {{"scheme", "topk"}}}};
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/2/compression: scheme \"topk\" needs an aggregator");
}

TEST(JobCompression, ASwitchJobRefusesANonIntegerSchemeAtItsOwnPath) {
  json d = four_jobs();
  d["policies"] = {{"switch_allocation", "atp"}};
  d["workload"]["jobs"][0]["aggregation"] = "ina";
  d["workload"]["compression"] = {{"scheme", "thc"}};
  d["workload"]["jobs"][0]["compression"] = {{"scheme", "topk"}};
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/0/compression/scheme: scheme \"topk\" cannot aggregate in the switch");
  d["workload"]["jobs"][0]["compression"] = "none";
  EXPECT_EQ(schemes(d), (V{"-", "thc", "-", "thc"}));
}

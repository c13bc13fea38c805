// Scenario validation: every error carries the file, the exact JSON pointer path and the
// problem; names are resolved against the topology.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "test_util.hpp"

using namespace cs;
using cs::testing::bad_input_of;
using cs::testing::write_temp_file;

namespace {

json star() {
  return json::parse(R"({
    "name": "t", "seed": 3,
    "platform": {"topology": "star", "hosts": 4, "host": {"speed": "1Tf"},
                 "link": {"bandwidth": "10Gbps", "latency": "5us"}},
    "workload": {"kind": "training", "jobs": [
      {"name": "a", "model": "ResNet50", "workers": ["host0", "host1"], "servers": ["host2"],
       "iterations": 3, "compute": "10ms"},
      {"name": "b", "gradient_size": "100MB", "workers": ["host[1-3]"], "aggregation": "ring",
       "iterations": 2, "compute": "1ms", "arrival": "1s"}]}
  })");
}

json two_tier() {
  json d = star();
  d["platform"] = json::parse(R"({"topology": "two_tier", "racks": 2, "hosts_per_rack": 2, "host": {},
      "link": {"bandwidth": "10Gbps"}, "uplink": {"bandwidth": "40Gbps"}})");
  return d;
}

std::string error_of(const json& d) {
  return bad_input_of([&] { parse_scenario(d, "test.json"); });
}

}  // namespace

TEST(ScenarioValidation, ValidScenarioResolves) {
  Scenario s = parse_scenario(star(), "test.json");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.seed, 3u);
  EXPECT_EQ(s.platform.topology.nodes.size(), 5u);
  EXPECT_DOUBLE_EQ(s.platform.topology.links[0].spec.latency_s, 5e-6);
  ASSERT_EQ(s.workloads[0].as<TrainingWorkload>().jobs.size(), 2u);
  const JobSpec& a = s.workloads[0].as<TrainingWorkload>().jobs[0];
  EXPECT_EQ(a.model, "ResNet50");
  EXPECT_EQ(a.aggregation, AggregationKind::parameter_server);
  EXPECT_EQ(a.servers, std::vector<std::string>{"host2"});
  EXPECT_DOUBLE_EQ(a.compute_s, 0.01);
  const JobSpec& b = s.workloads[0].as<TrainingWorkload>().jobs[1];
  EXPECT_EQ(b.model, "custom");
  EXPECT_DOUBLE_EQ(b.gradient_bytes, 1e8);
  EXPECT_EQ(b.workers, (std::vector<std::string>{"host1", "host2", "host3"}));
  EXPECT_TRUE(b.servers.empty());
  EXPECT_DOUBLE_EQ(b.arrival_s, 1);
}

TEST(ScenarioValidation, ShippedScenariosLoad) {
  EXPECT_NO_THROW(load_scenario(CLUSTERSIM_SOURCE_DIR "/scenarios/quickstart.json"));
}

TEST(ScenarioValidation, WrongDimensionAtExactPath) {
  json d = star();
  d["platform"]["link"]["bandwidth"] = "25GB";
  std::string e = error_of(d);
  EXPECT_CONTAINS(e, "test.json: /platform/link/bandwidth: expected a bandwidth");
  EXPECT_CONTAINS(e, "\"GB\" is a unit of size");
}

TEST(ScenarioValidation, LinkValues) {
  json d = star();
  d["platform"]["link"]["bandwidth"] = "0Gbps";
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/link/bandwidth: must be positive");
  d = star();
  d["platform"]["link"]["latency"] = "-1us";
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/link/latency: expected a duration");
  d["platform"]["link"]["latency"] = 5;
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/link/latency: expected a duration with a unit");
  d = star();
  d["platform"]["link"]["loss_rate"] = 1.5;
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/link/loss_rate: 1.5 is out of range [0, 1]");
  d["platform"]["link"]["loss_rate"] = 1;
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/link/loss_rate: must be below 1");
}

TEST(ScenarioValidation, UnknownKeysGetDidYouMean) {
  json d = star();
  d["platform"]["link"]["bandwith"] = "1Gbps";
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/link/bandwith: unknown key \"bandwith\" (did you mean \"bandwidth\"?)");
  d = star();
  d["sead"] = 1;
  EXPECT_CONTAINS(error_of(d), "test.json: /sead: unknown key \"sead\" (did you mean \"seed\"?)");
  d = star();
  d["workload"]["jobs"][1]["iteration"] = 1;
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/iteration: unknown key \"iteration\" (did you mean \"iterations\"?)");
}

TEST(ScenarioValidation, MissingRequiredKey) {
  json d = star();
  d.erase("workload");
  EXPECT_CONTAINS(error_of(d), "test.json: /: missing required key \"workload\"");
  d = star();
  d["workload"]["jobs"][0].erase("iterations");
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0: missing required key \"iterations\"");
}

TEST(ScenarioValidation, UnknownChoices) {
  json d = star();
  d["platform"]["topology"] = "stra";
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/topology: unknown value \"stra\" (did you mean \"star\"?)");
  d = star();
  d["workload"]["jobs"][0]["model"] = "ResNet51";
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0/model: unknown model \"ResNet51\" (did you mean \"ResNet50\"?); known: ");
  d = star();
  d["workload"]["jobs"][0]["aggregation"] = "allreduce";
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0/aggregation: unknown value \"allreduce\"");
}

TEST(ScenarioValidation, CrossReferencesToHosts) {
  json d = star();
  d["workload"]["jobs"][1]["workers"] = {"host1", "host9"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/workers/1: no host named \"host9\" in the platform");
  d["workload"]["jobs"][1]["workers"] = {"switch", "host1"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/workers/0: \"switch\" is a switch, not a compute host");
  d["workload"]["jobs"][1]["workers"] = 5;
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/workers: 5 hosts asked for, the platform has 4 compute hosts");
  d["workload"]["jobs"][1]["workers"] = {"host1", "host[0-2]"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/workers: \"host1\" is listed twice");
  d = star();
  d["workload"]["jobs"][0]["servers"] = {"host4"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0/servers/0: no host named \"host4\"");
  d = two_tier();
  d["workload"]["jobs"][0]["workers"] = {"tor0"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0/workers/0: \"tor0\" is a switch, not a compute host");
}

TEST(ScenarioValidation, NameRanges) {
  EXPECT_EQ(expand_name_range("host[2-4]"), (std::vector<std::string>{"host2", "host3", "host4"}));
  EXPECT_EQ(expand_name_range("host7"), std::vector<std::string>{"host7"});
  EXPECT_EQ(expand_name_range("host[1-3]x"), std::vector<std::string>{"host[1-3]x"});
  // Descending or enormous ranges stay as written, so they fail as unknown names.
  EXPECT_EQ(expand_name_range("host[3-1]"), std::vector<std::string>{"host[3-1]"});
  EXPECT_EQ(expand_name_range("host[0-2000000000]"), std::vector<std::string>{"host[0-2000000000]"});
  json d = star();
  d["workload"]["jobs"][1]["workers"] = {"host0", "host[3-1]"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/workers/1: no host named \"host[3-1]\" in the platform "
                               "(a range reads name[low-high], low <= high)");
}

TEST(ScenarioValidation, RingNeedsTwoWorkersAndNoServers) {
  json d = star();
  d["workload"]["jobs"][1]["workers"] = {"host1"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/workers: ring all-reduce needs at least 2 workers");
  d = star();
  d["workload"]["jobs"][1]["servers"] = {"host0"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/servers: ring all-reduce has no parameter servers");
}

TEST(ScenarioValidation, ModelXorGradientSize) {
  json d = star();
  d["workload"]["jobs"][0]["gradient_size"] = "1MB";
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0: give either \"model\" or \"gradient_size\"");
  d["workload"]["jobs"][0].erase("model");
  d["workload"]["jobs"][0]["gradient_size"] = "1Gbps";
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0/gradient_size: expected a size");
}

TEST(ScenarioValidation, JobNames) {
  json d = star();
  d["workload"]["jobs"][1]["name"] = "a";
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/name: a job of that name exists already");
  // The second job's default name "job1" collides with the first job's explicit name.
  d = star();
  d["workload"]["jobs"][0]["name"] = "job1";
  d["workload"]["jobs"][1].erase("name");
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1: the default name \"job1\" is taken");
}

TEST(ScenarioValidation, PowerNeedsBothValues) {
  json d = star();
  d["platform"]["host"]["busy_power"] = "200W";
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/host: give both idle_power and busy_power, or neither");
  d["platform"]["host"]["idle_power"] = "300W";
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/host/busy_power: busy_power is below idle_power");
  d["platform"]["host"]["idle_power"] = "100W";
  EXPECT_EQ(parse_scenario(d, "test.json").platform.topology.nodes[1].host.busy_w, 200);
}

TEST(ScenarioValidation, Counts) {
  json d = star();
  d["platform"]["hosts"] = 0;
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/hosts: 0 is out of range [1, 60000]");
  d["platform"]["hosts"] = 2.5;
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/hosts: expected an integer, got 2.5");
  d = two_tier();
  d["platform"]["racks"] = 300;
  d["platform"]["hosts_per_rack"] = 300;
  EXPECT_CONTAINS(error_of(d), "test.json: /platform/racks: more than 60000 hosts in all");
}

// edge_dc has no compute hosts: jobs there name DC hosts, and nothing is placed for them.
TEST(ScenarioValidation, TrainingOnDcHostsPlacesNothing) {
  json d = star();
  d["platform"] = json::parse(R"({"topology": "edge_dc", "clients": 2, "edges": 1, "dc_servers": 2,
      "client": {}, "edge": {}, "dc": {}, "client_link": {"bandwidth": "1Gbps"},
      "edge_link": {"bandwidth": "1Gbps"}, "wan": {"bandwidth": "1Gbps"}, "dc_link": {"bandwidth": "1Gbps"}})");
  d["workload"]["jobs"] = json::parse(R"([{"gradient_size": "1MB", "workers": 2, "iterations": 1, "compute": "1ms"}])");
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0/workers: 2 hosts asked for, the platform has 0 compute hosts");
  d["workload"]["jobs"][0]["workers"] = {"dc0"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0: give \"servers\": the edge_dc platform has no compute hosts");
  d["workload"]["jobs"][0]["workers"] = {"edge0"};
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/0/workers/0: \"edge0\" is a edge, not a compute host (nor a DC server)");
  d["workload"]["jobs"][0]["workers"] = {"dc0"};
  d["workload"]["jobs"][0]["servers"] = {"dc1"};
  const Scenario s = parse_scenario(d, "test.json");
  EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().jobs[0].servers, std::vector<std::string>{"dc1"});
}

TEST(ScenarioValidation, OddDocuments) {
  json d = star();
  d["seed"] = 1e300;
  EXPECT_CONTAINS(error_of(d), "test.json: /seed: 1e+300 is out of range");
  d["seed"] = -1;
  EXPECT_CONTAINS(error_of(d), "test.json: /seed: -1 is out of range");
  d = star();
  d["platform"] = "star";
  EXPECT_CONTAINS(error_of(d), "test.json: /platform: expected an object, got a string");
  d = star();
  d["workload"]["jobs"] = json::object();
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs: expected an array, got an object");
  d["workload"]["jobs"] = json::array();
  EXPECT_CONTAINS(error_of(d), "test.json: /workload: no jobs");
  EXPECT_CONTAINS(error_of(json::array({1, 2})), "test.json: /: expected an object, got an array");
  EXPECT_CONTAINS(error_of(json("hello")), "test.json: /: expected an object, got a string");
  for (std::string name : {"", "a/b", ".", ".."}) {
    d = star();
    d["name"] = name;
    EXPECT_CONTAINS(error_of(d), "test.json: /name: must be non-empty");
  }
}

TEST(LoadScenario, DocumentMustBeAnObject) {
  auto path = write_temp_file("array.json", "// a comment\n[1, 2]\n");
  EXPECT_CONTAINS(bad_input_of([&] { load_scenario(path); }), path + ": /: a scenario must be a JSON object, this file holds a JSON array");
  path = write_temp_file("empty.json", "");
  EXPECT_CONTAINS(bad_input_of([&] { load_scenario(path); }), path + ":1:1: malformed JSON");
}

TEST(LoadScenario, MissingFile) {
  EXPECT_CONTAINS(bad_input_of([] { load_scenario("/nonexistent/missing.json"); }),
                  "/nonexistent/missing.json: cannot open the file");
}

TEST(LoadScenario, TracesResolveRelativeToTheScenario) {
  write_temp_file("bw.csv", "time_s,bandwidth\n0,1Gbps\n1,1Gbps\n0.5,2Gbps\n");
  json d = star();
  d["platform"]["link"]["bandwidth_trace"] = "bw.csv";
  auto path = write_temp_file("traced.json", d.dump());
  std::string e = bad_input_of([&] { load_scenario(path); });
  EXPECT_CONTAINS(e, path + ": /platform/link/bandwidth_trace: ");
  EXPECT_CONTAINS(e, "bw.csv:4: time 0.5 does not increase (previous 1)");
  d["platform"]["link"]["bandwidth_trace"] = "missing.csv";
  path = write_temp_file("traced.json", d.dump());
  EXPECT_CONTAINS(bad_input_of([&] { load_scenario(path); }), "missing.csv: cannot open the trace file");
  write_temp_file("bw.csv", "time_s,bandwidth\n0,1Gbps\n1,2Gbps\n");
  d["platform"]["link"]["bandwidth_trace"] = "bw.csv";
  path = write_temp_file("traced.json", d.dump());
  EXPECT_EQ(load_scenario(path).platform.topology.links[0].spec.bandwidth_trace.size(), 2u);
}

// Issue 12: sizes the machine cannot hold, and names that are no folder name.
TEST(ScenarioValidation, WorkloadSizesAreBounded) {
  json d = star();
  d["workload"]["jobs"][1] = json::parse(R"({"gradient_size": "1000TB", "workers": 2, "aggregation": "ina",
                                             "iterations": 2, "compute": "1ms"})");
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/gradient_size: 4.03226e+12 INA fragments per iteration");
  d["workload"]["jobs"][1]["gradient_size"] = "60GB";
  d["workload"]["jobs"][1]["iterations"] = 100000000;
  EXPECT_CONTAINS(error_of(d), "test.json: /workload/jobs/1/iterations: 100000000 iterations of");
  d = star();
  d["workload"]["ina"] = {{"rto", "1e-300s"}};
  EXPECT_CONTAINS(error_of(d), "/workload/ina/rto: expected a duration");
  d["workload"]["ina"] = {{"rto", "100ns"}};
  EXPECT_CONTAINS(error_of(d), "/workload/ina/rto: below 1us");
  d = star();
  d["workload"]["jobs"][0]["arrival"] = "1e20s";
  EXPECT_CONTAINS(error_of(d), "/workload/jobs/0/arrival: expected a duration");
  d = star();
  json jobs = json::array();
  for (size_t i = 0; i <= max_jobs; ++i) jobs.push_back({{"gradient_size", "1MB"}, {"workers", 1}, {"iterations", 1}, {"compute", "1ms"}});
  d["workload"]["jobs"] = jobs;
  EXPECT_CONTAINS(error_of(d), "/workload: 4097 jobs; a run takes at most 4096");
}

TEST(ScenarioValidation, NameIsAFolderName) {
  json d = star();
  d["name"] = std::string(129, 'x');
  EXPECT_CONTAINS(error_of(d), "/name: 129 bytes long");
  d["name"] = "a\nb";
  EXPECT_CONTAINS(error_of(d), "/name: contains a control character");
  d["name"] = "a/b";
  EXPECT_CONTAINS(error_of(d), "/name: must be non-empty, without '/'");
}

TEST(ScenarioValidation, OverridesCannotNestDeeplyOrBreakUtf8) {
  auto file = write_temp_file("scenario.json", star().dump());
  EXPECT_CONTAINS(bad_input_of([&] { load_scenario(file, {"/description=" + std::string(100000, '[')}); }),
                  "the value is nested deeper than 64 levels");
  EXPECT_CONTAINS(bad_input_of([&] { load_scenario(file, {"/name=\xed\xa0\x80"}); }), "not valid UTF-8");
  EXPECT_CONTAINS(bad_input_of([&] { load_scenario(file, {"/\xff=1"}); }), "the JSON pointer is not valid UTF-8");
  EXPECT_CONTAINS(bad_input_of([&] { load_scenario(file, {R"(/name="a\u0000b")"}); }), "/name: the string contains a NUL");
}

TEST(ScenarioValidation, TraceNumbersAreBoundedWithLineAndColumn) {
  auto bw = write_temp_file("bw_huge.csv", "time_s,bandwidth\n1,1e308TBps\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(bw, Dimension::bandwidth); }), bw + ":2: expected a bandwidth");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(bw, Dimension::bandwidth); }), "(column 3)");
  auto t = write_temp_file("t_huge.csv", "time_s,bandwidth\n1e20,1Gbps\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(t, Dimension::bandwidth); }), t + ":2: time \"1e20\": 1e+20 s is outside");
  auto denormal = write_temp_file("denormal.csv", "time_s,latency\n1,1e-320s\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(denormal, Dimension::duration); }), "s is outside the range of a duration");
  auto jobs = write_temp_file("jobs.csv", "submit_time_s,model,workers,iterations,compute_s\n0,ResNet18,2,1e20,0.001\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_job_trace(jobs); }), jobs + ":2: column iterations (cell 4): 1e20 is above 1e+15");
  jobs = write_temp_file("jobs.csv", "submit_time_s,model,workers,iterations,compute_s\n1e20,ResNet18,2,1,0.001\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_job_trace(jobs); }), jobs + ":2: column submit_time_s (cell 1): \"1e20\" seconds");
  jobs = write_temp_file("jobs.csv", "submit_time_s,model,workers,iterations,compute_s\n0x10,ResNet18,2,1,0.001\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_job_trace(jobs); }), "column submit_time_s: \"0x10\" is not a non-negative number");
}

// Precedence of the job layers (docs/scenario.md, "Training workload"): job_defaults fill what a job or its
// trace row leaves out, the job's own fields win over defaults, job_overrides win over both;
// model and gradient_size are one choice, replaced as a pair.
TEST(ScenarioValidation, JobDefaultsFillAndJobOverridesWinForListedAndTracedJobs) {
  const std::string trace = write_temp_file("precedence_jobs.csv",
                                            "submit_time_s,model,workers,iterations,compute_s\n"
                                            "0,VGG16,2,5,0.01\n"
                                            "1,ResNet50,2,7,0.02\n");
  json d = star();
  d["workload"]["jobs"] = json::array({{{"name", "listed"}, {"workers", {"host0", "host1"}}, {"compute", "3ms"}}});
  d["workload"]["jobs_trace"] = trace;
  // Defaults: a size and iterations; the listed job has neither, the traced rows give both.
  d["workload"]["job_defaults"] = {{"gradient_size", "10MB"}, {"iterations", 4}, {"aggregation", "ring"}};
  Scenario s = parse_scenario(d, "test.json");
  ASSERT_EQ(s.workloads[0].as<TrainingWorkload>().jobs.size(), 3u);
  EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().jobs[0].iterations, 4);                 // filled by the default
  EXPECT_DOUBLE_EQ(s.workloads[0].as<TrainingWorkload>().jobs[0].gradient_bytes, 10e6);   // filled by the default
  EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().jobs[1].iterations, 5);                 // the trace column wins over the default
  EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().jobs[1].model, "VGG16");                // its model replaces the default size
  EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().jobs[2].iterations, 7);

  // Overrides win over the job's fields and trace columns, and replace the model by a size.
  d["workload"]["job_overrides"] = {{"iterations", 1000}, {"gradient_size", "100MB"}};
  s = parse_scenario(d, "test.json");
  for (const auto& j : s.workloads[0].as<TrainingWorkload>().jobs) {
    EXPECT_EQ(j.iterations, 1000) << j.name;
    EXPECT_DOUBLE_EQ(j.gradient_bytes, 100e6) << j.name;
    EXPECT_EQ(j.model, "custom") << j.name;
  }
  // An override with a model replaces a listed job's own gradient_size.
  d["workload"]["job_overrides"] = {{"model", "ResNet50"}};
  d["workload"]["jobs"][0]["gradient_size"] = "1MB";
  s = parse_scenario(d, "test.json");
  for (const auto& j : s.workloads[0].as<TrainingWorkload>().jobs) EXPECT_EQ(j.model, "ResNet50") << j.name;
  // Unknown keys in either layer are refused like a job's.
  d["workload"]["job_overrides"] = {{"iteration", 3}};
  EXPECT_NE(error_of(d).find("/workload/job_overrides/iteration: unknown key \"iteration\""), std::string::npos) << error_of(d);
}

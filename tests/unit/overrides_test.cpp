// --set /json/pointer=value: JSON values or plain strings, existing parents only, and errors
// that name the scenario file, the assignment and the part of the path that went wrong.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "test_util.hpp"

using namespace cs;
using cs::testing::bad_input_of;

namespace {

json base() {
  return json::parse(R"({"seed": 1, "platform": {"link": {"bandwidth": "1Gbps"}},
                         "workload": {"jobs": [{"iterations": 1}, {"iterations": 2}]}})");
}

std::string error_of(const std::string& assignment) {
  json d = base();
  return bad_input_of([&] { apply_override(d, assignment, "test.json"); });
}

}  // namespace

TEST(Overrides, PlainStringAndJsonValues) {
  json d = base();
  apply_override(d, "/platform/link/bandwidth=10Gbps", "test.json");
  apply_override(d, "/seed=7", "test.json");
  apply_override(d, "/workload/jobs/1/iterations=5", "test.json");
  apply_override(d, "/platform/link/latency=\"5us\"", "test.json");  // a JSON string, quotes dropped
  apply_override(d, "/platform/hosts=[1, 2]", "test.json");
  apply_override(d, "/platform/link/on=true", "test.json");
  EXPECT_EQ(d["platform"]["link"]["bandwidth"], "10Gbps");
  EXPECT_EQ(d["seed"], 7);
  EXPECT_TRUE(d["seed"].is_number_integer());
  EXPECT_EQ(d["workload"]["jobs"][1]["iterations"], 5);
  EXPECT_EQ(d["platform"]["link"]["latency"], "5us");
  EXPECT_EQ(d["platform"]["hosts"], json::array({1, 2}));
  EXPECT_EQ(d["platform"]["link"]["on"], true);
}

TEST(Overrides, EmptyValueIsAnEmptyString) {
  json d = base();
  apply_override(d, "/platform/link/bandwidth=", "test.json");
  EXPECT_EQ(d["platform"]["link"]["bandwidth"], "");
}

TEST(Overrides, EscapedTokens) {
  json d = base();
  apply_override(d, "/platform/a~1b=1", "test.json");
  apply_override(d, "/platform/c~0d=2", "test.json");
  EXPECT_EQ(d["platform"]["a/b"], 1);
  EXPECT_EQ(d["platform"]["c~d"], 2);
  EXPECT_CONTAINS(error_of("/platform/a~2b=1"), "test.json: --set /platform/a~2b=1: /platform/a~2b: not a valid JSON pointer");
}

TEST(Overrides, MissingParentIsRejectedWithSuggestion) {
  EXPECT_CONTAINS(error_of("/platfrom/link/bandwidth=1Gbps"),
                  "test.json: --set /platfrom/link/bandwidth=1Gbps: /platfrom: no such key in the scenario "
                  "(did you mean \"platform\"?)");
  EXPECT_CONTAINS(error_of("/platform/nope/bandwidth=1Gbps"), "/platform/nope: no such key in the scenario");
}

TEST(Overrides, ThroughAScalarIsRejected) {
  EXPECT_CONTAINS(error_of("/seed/x=1"), "test.json: --set /seed/x=1: /seed: is a number, not an object or array");
}

TEST(Overrides, ArrayIndices) {
  EXPECT_CONTAINS(error_of("/workload/jobs/2/iterations=1"),
                  "test.json: --set /workload/jobs/2/iterations=1: /workload/jobs/2: index out of range (the array has 2 items)");
  EXPECT_CONTAINS(error_of("/workload/jobs/x/iterations=1"), "/workload/jobs/x: not an array index");
  EXPECT_CONTAINS(error_of("/workload/jobs/-=1"), "/workload/jobs/-: not an array index");
  // Indices nlohmann's json_pointer would throw its own exceptions for.
  EXPECT_CONTAINS(error_of("/workload/jobs/99999999999999999999999/iterations=1"),
                  "/workload/jobs/99999999999999999999999: not an array index");
  EXPECT_CONTAINS(error_of("/workload/jobs/01/iterations=1"), "/workload/jobs/01: not an array index");
}

TEST(Overrides, MalformedAssignment) {
  EXPECT_CONTAINS(error_of("seed=7"), "test.json: --set seed=7: expected /json/pointer=value");
  EXPECT_CONTAINS(error_of("/seed"), "test.json: --set /seed: expected /json/pointer=value");
  EXPECT_CONTAINS(error_of("=7"), "expected /json/pointer=value");
}

TEST(Overrides, InvalidUtf8ValueIsRejectedEarly) {
  EXPECT_CONTAINS(error_of("/platform/name=\xff\xfe"), "/platform/name: the value is not valid UTF-8");
}

TEST(Overrides, AppliedBeforeValidationByLoadScenario) {
  std::string file = CLUSTERSIM_SOURCE_DIR "/scenarios/quickstart.json";
  Scenario s = load_scenario(file, {"/platform/link/bandwidth=25Gbps", "/seed=7"});
  EXPECT_EQ(s.seed, 7u);
  EXPECT_DOUBLE_EQ(s.platform.topology.links.at(0).spec.bandwidth_bps, 25e9);
  EXPECT_EQ(s.resolved["platform"]["link"]["bandwidth"], "25Gbps");  // summary.json records what ran
}

// A bad value is caught by validation, which names the file, the path and the override.
TEST(Overrides, ValueErrorsNameTheOverride) {
  std::string file = CLUSTERSIM_SOURCE_DIR "/scenarios/quickstart.json";
  std::string e = bad_input_of([&] { load_scenario(file, {"/seed=-1"}); });
  EXPECT_CONTAINS(e, "quickstart.json: /seed: -1 is out of range [0, 9007199254740992] (from --set /seed=-1)");
  // The last assignment to a path is the one that counts, and is the one named.
  e = bad_input_of([&] { load_scenario(file, {"/platform/link/bandwidth=25GB", "/seed=-1", "/seed=-2"}); });
  EXPECT_CONTAINS(e, "quickstart.json: /seed: -2 is out of range [0, 9007199254740992] (from --set /seed=-2)");
  // An error below an overridden object is attributed to it.
  e = bad_input_of([&] { load_scenario(file, {"/seed=2", "/platform/link={\"bandwidth\": \"0Gbps\"}"}); });
  EXPECT_CONTAINS(e, "quickstart.json: /platform/link/bandwidth: must be positive, got \"0Gbps\" (from --set /platform/link=");
  // "/platform/host" is not a prefix of "/platform/hosts" as a path.
  e = bad_input_of([&] { load_scenario(file, {"/platform/hosts=0", "/platform/host={\"speed\": \"2Tf\"}"}); });
  EXPECT_CONTAINS(e, "quickstart.json: /platform/hosts: 0 is out of range [1, 60000] (from --set /platform/hosts=0)");
  EXPECT_EQ(e.find("/platform/host="), std::string::npos) << e;
  // Only the override that holds the bad value is named.
  e = bad_input_of([&] { load_scenario(file, {"/seed=2", "/workload/jobs/0/model=\"ResNet5\""}); });
  EXPECT_EQ(e.find("(from --set /seed"), std::string::npos) << e;
  EXPECT_CONTAINS(e, "(from --set /workload/jobs/0/model=\"ResNet5\")");
  // A file error stays unattributed.
  json d = read_json_file(file);
  d["platform"]["link"]["bandwidth"] = "0Gbps";
  std::string path = cs::testing::write_temp_file("zero.json", d.dump());
  e = bad_input_of([&] { load_scenario(path, {"/seed=2"}); });
  EXPECT_EQ(e.find("(from --set"), std::string::npos) << e;
}

// JsonNode: typed accessors whose errors carry the file and the exact JSON pointer path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario/json_node.hpp"
#include "test_util.hpp"

using namespace cs;
using cs::testing::bad_input_of;

namespace {
const json doc = json::parse(R"({
  "platform": {"link": {"bandwidth": "25GB", "latency": 5, "los_rate": 0.1},
               "hosts": 4, "huge": 1e300, "half": 2.5, "unsigned": 18446744073709551615,
               "a/b": {"c~d": true}},
  "jobs": [{"workers": ["host0", 3]}]
})");
JsonNode root(doc, "test.json");
}  // namespace

TEST(JsonNode, ChildPathsAreJsonPointers) {
  EXPECT_EQ(root.at("platform").at("link").at("bandwidth").path(), "/platform/link/bandwidth");
  EXPECT_EQ(root.at("jobs").items()[0].at("workers").items()[1].path(), "/jobs/0/workers/1");
  // '/' and '~' in keys are escaped as RFC 6901 says.
  EXPECT_EQ(root.at("platform").at("a/b").at("c~d").path(), "/platform/a~1b/c~0d");
}

TEST(JsonNode, QuantityErrorsNameFileAndPath) {
  auto link = root.at("platform").at("link");
  std::string e = bad_input_of([&] { link.at("bandwidth").quantity(Dimension::bandwidth); });
  EXPECT_CONTAINS(e, "test.json: /platform/link/bandwidth: expected a bandwidth");
  EXPECT_CONTAINS(e, "is a unit of size");
  e = bad_input_of([&] { link.at("latency").quantity(Dimension::duration); });
  EXPECT_CONTAINS(e, "test.json: /platform/link/latency: expected a duration with a unit such as \"1.5us\", "
                     "got the bare number 5");
}

TEST(JsonNode, UnknownKeyGetsDidYouMean) {
  auto link = root.at("platform").at("link");
  std::string e = bad_input_of([&] { link.allow_keys({"bandwidth", "latency", "loss_rate"}); });
  EXPECT_CONTAINS(e, "test.json: /platform/link/los_rate: unknown key \"los_rate\" (did you mean \"loss_rate\"?)");
}

TEST(JsonNode, MissingKeyAndWrongType) {
  EXPECT_CONTAINS(bad_input_of([&] { root.at("platform").at("topology"); }),
                  "test.json: /platform: missing required key \"topology\"");
  EXPECT_CONTAINS(bad_input_of([&] { root.at("jobs").items()[0].at("workers").items()[1].text(); }),
                  "test.json: /jobs/0/workers/1: expected a string, got a number");
  EXPECT_CONTAINS(bad_input_of([&] { root.at("jobs").at("x"); }), "test.json: /jobs: expected an object, got an array");
  // The root's path prints as "/".
  EXPECT_CONTAINS(bad_input_of([&] { root.at("nope"); }), "test.json: /: missing required key \"nope\"");
}

TEST(JsonNode, IntegersAreRangeChecked) {
  auto p = root.at("platform");
  EXPECT_EQ(p.at("hosts").integer(1, 10), 4);
  EXPECT_CONTAINS(bad_input_of([&] { p.at("hosts").integer(5, 10); }), "/platform/hosts: 4 is out of range [5, 10]");
  EXPECT_CONTAINS(bad_input_of([&] { p.at("half").integer(0, 10); }), "/platform/half: expected an integer, got 2.5");
  // Beyond long long: an error, not an undefined conversion or a wrapped negative number.
  EXPECT_CONTAINS(bad_input_of([&] { p.at("huge").integer(0, 1LL << 53); }), "/platform/huge: 1e+300 is out of range");
  EXPECT_CONTAINS(bad_input_of([&] { p.at("unsigned").integer(0, 1LL << 53); }),
                  "/platform/unsigned: 18446744073709551615 is out of range");
}

TEST(JsonNode, ChoiceSuggestsAndLists) {
  json v = "stra";
  std::string e = bad_input_of([&] { JsonNode(v, "f.json", "/platform/topology").choice({"star", "two_tier"}); });
  EXPECT_CONTAINS(e, "f.json: /platform/topology: unknown value \"stra\" (did you mean \"star\"?); one of: star, two_tier");
}

TEST(JsonNode, PositiveQuantityRejectsZero) {
  json v = "0Gbps";
  EXPECT_CONTAINS(bad_input_of([&] { JsonNode(v, "f.json", "/bw").positive_quantity(Dimension::bandwidth); }),
                  "f.json: /bw: must be positive");
}

TEST(JsonNode, DefaultsForOptionalMembers) {
  auto p = root.at("platform");
  EXPECT_EQ(p.integer_or("racks", 3, 1, 10), 3);
  EXPECT_EQ(p.text_or("kind", "star"), "star");
  EXPECT_DOUBLE_EQ(p.quantity_or("until", Dimension::duration, 2.5), 2.5);
  EXPECT_FALSE(p.find("racks").has_value());
}

TEST(ParseJsonText, AllowsComments) {
  json j = parse_json_text("// a comment\n{\"a\": 1 /* inline */}", "f.json");
  EXPECT_EQ(j["a"], 1);
}

TEST(ParseJsonText, SyntaxErrorNamesLineAndColumn) {
  std::string e = bad_input_of([] { parse_json_text("// header\n{\n  \"a\": 1,,\n}", "f.json"); });
  EXPECT_CONTAINS(e, "f.json:3:10: malformed JSON: ");
  // nlohmann's own "parse error at line ..., column ...: " preamble is cut, its reason kept.
  EXPECT_CONTAINS(e, "syntax error while parsing object key");
  EXPECT_EQ(e.find("json.exception"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(ParseJsonText, EmptyDocument) {
  EXPECT_CONTAINS(bad_input_of([] { parse_json_text("", "f.json"); }), "f.json:1:1: malformed JSON: ");
  EXPECT_CONTAINS(bad_input_of([] { parse_json_text("// only a comment\n", "f.json"); }), "unexpected end of input");
}

TEST(ParseJsonText, NumberOverflowIsBadInputWithPosition) {
  // nlohmann reports this as out_of_range, not parse_error, and without a position.
  std::string e = bad_input_of([] { parse_json_text("{\n  \"seed\": 1e400\n}", "f.json"); });
  EXPECT_CONTAINS(e, "f.json:2:11: malformed JSON: number overflow parsing '1e400'");
}

TEST(ReadJsonFile, MissingFileAndDirectory) {
  EXPECT_CONTAINS(bad_input_of([] { read_json_file("/nonexistent/scenario.json"); }),
                  "/nonexistent/scenario.json: cannot open the file (No such file or directory)");
  EXPECT_CONTAINS(bad_input_of([] { read_json_file(CLUSTERSIM_SOURCE_DIR "/tests"); }), "is a directory");
}

// Issue 12: files and documents that would hang, exhaust memory or overflow the stack.
TEST(ReadInputFile, RefusesWhatIsNotARegularFileOfBoundedSize) {
  EXPECT_CONTAINS(bad_input_of([] { read_json_file("/dev/zero"); }),
                  "/dev/zero: is not a regular file (a device, FIFO or socket)");
  auto dir = std::filesystem::temp_directory_path() / ("clustersim-unit-io-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);  // opening it for reading would block forever
  EXPECT_CONTAINS(bad_input_of([&] { read_input_file(fifo, "trace file"); }), fifo + ": is not a regular file");
  const std::string big = (dir / "big.json").string();
  { std::ofstream create(big); }
  std::filesystem::resize_file(big, max_input_file_bytes + 1);  // sparse: no disk used
  EXPECT_CONTAINS(bad_input_of([&] { read_json_file(big); }), "above the limit of 64 MiB");
  std::filesystem::remove_all(dir);
}

TEST(ParseJsonText, NestingIsCappedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_CONTAINS(bad_input_of([&] { parse_json_text(deep, "f.json"); }), "f.json:1:65: malformed JSON: nested deeper than 64 levels");
  // Brackets inside strings and comments do not count.
  EXPECT_NO_THROW(parse_json_text("{\"a\": \"" + std::string(1000, '[') + "\"} // [[[[\n", "f.json"));
  std::string ok = std::string(max_json_depth, '[') + std::string(max_json_depth, ']');
  EXPECT_NO_THROW(parse_json_text(ok, "f.json"));
}

TEST(CheckJsonDocument, StringsAreUtf8WithoutNul) {
  EXPECT_TRUE(valid_utf8("plain, caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x98\x80"));
  for (std::string bad : {"\xff", "\xc3", "\xc3\x28", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"})
    EXPECT_FALSE(valid_utf8(bad)) << bad.size();
  json d = {{"name", std::string("a\0b", 3)}};
  EXPECT_CONTAINS(bad_input_of([&] { check_json_document(d, "f.json"); }), "f.json: /name: the string contains a NUL");
  json e = {{"a", {{"b", {"x", "\xc3\x28"}}}}};
  EXPECT_CONTAINS(bad_input_of([&] { check_json_document(e, "f.json"); }), "f.json: /a/b/1: the string is not valid UTF-8");
  json deep = json::array();
  for (int i = 0; i < 100; ++i) deep = json::array({deep});
  EXPECT_CONTAINS(bad_input_of([&] { check_json_document(json{{"x", deep}}, "f.json"); }), "nested deeper than 64 levels");
}

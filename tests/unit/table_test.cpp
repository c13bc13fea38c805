// CSV output and the result directory: RFC 4180 quoting, shortest round-trip numbers, and
// a summary.json that only exists when every CSV beside it belongs to the same run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "output/result_dir.hpp"
#include "output/table.hpp"

using namespace cs;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("clustersim-unit-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  return dir;
}

}  // namespace

TEST(Table, QuotesOnlyWhatNeedsQuoting) {
  Table t{.name = "jobs", .columns = {"name", "note"}, .rows = {}};
  t.add("plain", "a,b");
  t.add("say \"hi\"", "two\nlines");
  EXPECT_EQ(t.to_csv(), "name,note\nplain,\"a,b\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n");
}

TEST(Table, NumbersRoundTrip) {
  Table t{.name = "n", .columns = {"i", "x", "y", "z"}, .rows = {}};
  t.add(42, 0.1, 1.0 / 3, 1e-7);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0][0], "42");
  EXPECT_EQ(t.rows[0][1], "0.1");
  EXPECT_EQ(std::stod(t.rows[0][2]), 1.0 / 3);
  EXPECT_EQ(std::stod(t.rows[0][3]), 1e-7);
}

TEST(ResultDir, WritesEveryFileAndNoTemporaries) {
  fs::path dir = fresh_dir("complete") / "nested";  // parents are created
  Table a{.name = "jobs", .columns = {"x"}, .rows = {{"1"}}}, b{.name = "links", .columns = {"y"}, .rows = {}};
  write_result_dir(dir.string(), "{\"ok\": true}\n", {a, b});
  EXPECT_EQ(read(dir / "summary.json"), "{\"ok\": true}\n");
  EXPECT_EQ(read(dir / "jobs.csv"), "x\n1\n");
  EXPECT_EQ(read(dir / "links.csv"), "y\n");
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(files, 3u);
}

TEST(ResultDir, OldSummaryGoesFirstAndNewSummaryLast) {
  fs::path dir = fresh_dir("interrupted");
  fs::create_directories(dir / "broken.csv");  // a directory where a CSV must go: that write fails
  std::ofstream(dir / "summary.json") << "{\"run\": \"old\"}";
  Table ok{.name = "jobs", .columns = {"x"}, .rows = {}}, broken{.name = "broken", .columns = {"y"}, .rows = {}};
  EXPECT_ANY_THROW(write_result_dir(dir.string(), "{\"run\": \"new\"}", {ok, broken}));
  // The old summary must not vouch for the new jobs.csv, and the new one was never written.
  EXPECT_FALSE(fs::exists(dir / "summary.json"));
  EXPECT_EQ(read(dir / "jobs.csv"), "x\n");
}

TEST(ResultDir, ReplacesOnlyThePreviousRunsOwnFiles) {
  // A previous result lists its files; the folder also holds the user's own CSV, and the summary
  // names a file outside the folder (tampered): only the listed plain names may go.
  fs::path dir = fresh_dir("replace") / "out";
  fs::create_directories(dir);
  std::ofstream(dir / "summary.json") << R"({"clustersim": {}, "files": ["jobs.csv", "iterations.csv", "../outside.csv"], "trace": "trace.json"})";
  for (const char* name : {"jobs.csv", "iterations.csv", "trace.json", "notes.csv"}) std::ofstream(dir / name) << "old\n";
  std::ofstream(dir.parent_path() / "outside.csv") << "keep\n";
  Table jobs{.name = "jobs", .columns = {"x"}, .rows = {}};
  write_result_dir(dir.string(), "{\"clustersim\": {}, \"files\": [\"jobs.csv\"]}\n", {jobs});
  EXPECT_EQ(read(dir / "jobs.csv"), "x\n");
  EXPECT_FALSE(fs::exists(dir / "iterations.csv"));  // the previous run's, not written this time
  EXPECT_FALSE(fs::exists(dir / "trace.json"));
  EXPECT_EQ(read(dir / "notes.csv"), "old\n");  // the user's
  EXPECT_EQ(read(dir.parent_path() / "outside.csv"), "keep\n");
  // A summary clustersim did not write (no "clustersim" object) vouches for nothing.
  std::ofstream(dir / "summary.json") << R"({"files": ["notes.csv"]})";
  write_result_dir(dir.string(), "{\"clustersim\": {}, \"files\": [\"jobs.csv\"]}\n", {jobs});
  EXPECT_EQ(read(dir / "notes.csv"), "old\n");
}

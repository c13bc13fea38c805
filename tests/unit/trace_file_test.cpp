// Trace files: "time_s,<quantity>" then rows with strictly increasing times; every error
// names file:line.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "test_util.hpp"

using namespace cs;
using cs::testing::bad_input_of;
using cs::testing::write_temp_file;

TEST(TraceFile, ReadsRowsInSiUnits) {
  auto path = write_temp_file("ok.csv", "# a comment\ntime_s,bandwidth\r\n0,10Gbps\r\n\n1.5,500Mbps\n");
  auto points = read_trace_file(path, Dimension::bandwidth);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].time_s, 0);
  EXPECT_DOUBLE_EQ(points[0].value, 10e9);
  EXPECT_EQ(points[1].time_s, 1.5);
  EXPECT_DOUBLE_EQ(points[1].value, 500e6);
}

TEST(TraceFile, MissingFile) {
  EXPECT_CONTAINS(bad_input_of([] { read_trace_file("/nonexistent/trace.csv", Dimension::bandwidth); }),
                  "/nonexistent/trace.csv: cannot open the trace file");
}

TEST(TraceFile, BadHeader) {
  auto path = write_temp_file("header.csv", "# comment\ntime,bandwidth\n0,1Gbps\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(path, Dimension::bandwidth); }),
                  path + ":2: expected the header \"time_s,bandwidth\"");
  path = write_temp_file("one_column.csv", "time_s\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(path, Dimension::bandwidth); }),
                  path + ":1: expected two comma-separated columns");
}

TEST(TraceFile, TimesMustIncrease) {
  auto path = write_temp_file("order.csv", "time_s,bandwidth\n0,1Gbps\n2,2Gbps\n2,3Gbps\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(path, Dimension::bandwidth); }),
                  path + ":4: time 2 does not increase (previous 2)");
  path = write_temp_file("negative.csv", "time_s,bandwidth\n-1,1Gbps\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(path, Dimension::bandwidth); }), path + ":2: negative time");
}

TEST(TraceFile, TimesMustBeFiniteNumbers) {
  for (std::string t : {"nan", "inf", "1s", "", "1e999"}) {
    auto path = write_temp_file("time.csv", "time_s,latency\n" + t + ",1ms\n");
    EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(path, Dimension::duration); }),
                    path + ":2: time \"" + t + "\" is not a number of seconds");
  }
}

TEST(TraceFile, BadUnitNamesTheLine) {
  auto path = write_temp_file("unit.csv", "time_s,bandwidth\n0,1Gbps\n1,10GB\n");
  std::string e = bad_input_of([&] { read_trace_file(path, Dimension::bandwidth); });
  EXPECT_CONTAINS(e, path + ":3: expected a bandwidth");
  EXPECT_CONTAINS(e, "\"GB\" is a unit of size");
  path = write_temp_file("zero.csv", "time_s,bandwidth\n0,0Gbps\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(path, Dimension::bandwidth); }),
                  path + ":2: bandwidth must be positive");
}

TEST(TraceFile, NoRows) {
  auto path = write_temp_file("empty.csv", "time_s,bandwidth\n# nothing\n");
  EXPECT_CONTAINS(bad_input_of([&] { read_trace_file(path, Dimension::bandwidth); }), path + ": the trace has no rows");
}

// The unit parser: exact SI conversions, and one-line errors that say what went wrong.
#include <gtest/gtest.h>

#include "core/units.hpp"

using namespace cs;

namespace {

std::string error_of(std::string_view text, Dimension d) {
  try {
    parse_quantity(text, d);
  } catch (const UnitError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Units, ConvertsToSiExactly) {
  EXPECT_DOUBLE_EQ(parse<Dimension::bandwidth>("25Gbps").value, 25e9);
  EXPECT_DOUBLE_EQ(parse<Dimension::bandwidth>("1GBps").value, 8e9);  // bytes per second
  EXPECT_DOUBLE_EQ(parse<Dimension::size>("100MB").value, 1e8);
  EXPECT_DOUBLE_EQ(parse<Dimension::size>("1MiB").value, 1048576);
  EXPECT_DOUBLE_EQ(parse<Dimension::size>("8Mb").value, 1e6);  // megabits
  EXPECT_DOUBLE_EQ(parse<Dimension::duration>("1.5us").value, 1.5e-6);
  EXPECT_DOUBLE_EQ(parse<Dimension::duration>("2min").value, 120);
  EXPECT_DOUBLE_EQ(parse<Dimension::power>("200W").value, 200);
  EXPECT_DOUBLE_EQ(parse<Dimension::energy>("1kWh").value, 3.6e6);
  EXPECT_DOUBLE_EQ(parse<Dimension::speed>("10Tf").value, 1e13);
  EXPECT_DOUBLE_EQ(parse<Dimension::frequency>("30/min").value, 0.5);
}

TEST(Units, AllowsSpacesAroundNumberAndUnit) {
  EXPECT_DOUBLE_EQ(parse_quantity(" 10 Gbps ", Dimension::bandwidth), 1e10);
  EXPECT_DOUBLE_EQ(parse_quantity("0s", Dimension::duration), 0);
}

TEST(Units, WrongDimensionNamesTheUnitsDimension) {
  std::string e = error_of("25GB", Dimension::bandwidth);
  EXPECT_NE(e.find("expected a bandwidth such as \"25Gbps\""), std::string::npos) << e;
  EXPECT_NE(e.find("\"GB\" is a unit of size"), std::string::npos) << e;
  EXPECT_NE(error_of("5ms", Dimension::size).find("is a unit of duration"), std::string::npos);
}

TEST(Units, RejectsMissingUnknownAndNegative) {
  EXPECT_NE(error_of("25", Dimension::bandwidth).find("the unit is missing"), std::string::npos);
  EXPECT_NE(error_of("25Gbit", Dimension::bandwidth).find("unknown unit \"Gbit\""), std::string::npos);
  EXPECT_NE(error_of("-5us", Dimension::duration).find("negative"), std::string::npos);
  EXPECT_NE(error_of("Gbps", Dimension::bandwidth).find("no number"), std::string::npos);
  EXPECT_NE(error_of("", Dimension::bandwidth).find("no number"), std::string::npos);
  EXPECT_NE(error_of("nanW", Dimension::power).find("no number"), std::string::npos);
  EXPECT_NE(error_of("1e400W", Dimension::power).find("no number"), std::string::npos);
}

TEST(Units, CaseSeparatesBitsFromBytes) {
  EXPECT_DOUBLE_EQ(parse_quantity("1Mb", Dimension::size) * 8, parse_quantity("1MB", Dimension::size));
  EXPECT_NE(error_of("1mb", Dimension::size).find("unknown unit"), std::string::npos);
}

TEST(Units, FormatsWithTheLargestPrefix) {
  EXPECT_EQ(format_quantity(25e9, Dimension::bandwidth), "25Gbps");
  EXPECT_EQ(format_quantity(1.5e-6, Dimension::duration), "1.5us");
  EXPECT_EQ(format_quantity(1e8, Dimension::size), "100MB");
  EXPECT_EQ(format_quantity(999, Dimension::size), "999B");
  EXPECT_EQ(format_quantity(200, Dimension::power), "200W");
}

TEST(Units, FormatRoundTripsThroughParse) {
  for (double v : {1.0, 2.5e3, 7e6, 1.25e9, 4e12})
    EXPECT_DOUBLE_EQ(parse_quantity(format_quantity(v, Dimension::bandwidth), Dimension::bandwidth), v);
}

TEST(Units, TransferTimeCountsBitsOnTheWire) {
  EXPECT_DOUBLE_EQ(transfer_time(Bytes{1e9}, BitsPerSecond{8e9}).value, 1.0);
  EXPECT_DOUBLE_EQ(bytes_per_second(BitsPerSecond{10e9}), 1.25e9);
}

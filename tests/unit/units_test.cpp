// The unit parser: exact SI conversions, and one-line errors that say what went wrong.
#include <gtest/gtest.h>

#include <limits>

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

// Issue 12: the value after conversion is what must be sane, not the number as written.
TEST(Units, ConvertedValuesOutsideTheBoundsAreErrors) {
  // Finite numbers times large units overflow a double.
  EXPECT_NE(error_of("1e308h", Dimension::duration).find("beyond any double"), std::string::npos);
  EXPECT_NE(error_of("1.7976931348623157e308TBps", Dimension::bandwidth).find("beyond any double"), std::string::npos);
  // Huge but finite: beyond each dimension's documented maximum.
  EXPECT_NE(error_of("1e20s", Dimension::duration).find("outside the range of a duration: 0, or 1e-15 s to 1e+09 s"),
            std::string::npos);
  EXPECT_NE(error_of("1e30TiB", Dimension::size).find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("2e21f", Dimension::speed).find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("2Pbps", Dimension::bandwidth).find("unknown unit"), std::string::npos);
  EXPECT_NE(error_of("1e4Tbps", Dimension::bandwidth).find("outside the range"), std::string::npos);
  // Vanishing: denormal or tiny after conversion, and numbers no double holds.
  EXPECT_NE(error_of("1e-300ns", Dimension::duration).find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("1e-30b", Dimension::size).find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("4.9e-324ns", Dimension::duration).find("underflows to 0"), std::string::npos);
  EXPECT_NE(error_of("1e-320s", Dimension::duration).find("outside the range"), std::string::npos);  // a denormal
  EXPECT_NE(error_of("1e400s", Dimension::duration).find("too large or too small for a double"), std::string::npos);
  EXPECT_NE(error_of("nan s", Dimension::duration).find("no number"), std::string::npos);
  EXPECT_NE(error_of("inf s", Dimension::duration).find("no number"), std::string::npos);
}

TEST(Units, BoundsKeepZeroAndEveryValueInUse) {
  EXPECT_EQ(parse_quantity("0s", Dimension::duration), 0);
  EXPECT_EQ(parse_quantity("0bps", Dimension::bandwidth), 0);  // positivity is the caller's check
  EXPECT_DOUBLE_EQ(parse_quantity("1b", Dimension::size), 0.125);
  EXPECT_DOUBLE_EQ(parse_quantity("0.0002012ns", Dimension::duration), 2.012e-13);  // a measured cost
  EXPECT_DOUBLE_EQ(parse_quantity("1000TB", Dimension::size), 1e15);
  EXPECT_DOUBLE_EQ(parse_quantity("1e9s", Dimension::duration), 1e9);
  EXPECT_DOUBLE_EQ(parse_quantity("1000Pf", Dimension::speed), 1e18);
  for (Dimension d : {Dimension::size, Dimension::duration, Dimension::bandwidth, Dimension::power, Dimension::energy,
                      Dimension::speed, Dimension::frequency}) {
    const QuantityBounds b = quantity_bounds(d);
    EXPECT_NO_THROW(check_quantity(b.min_nonzero, d));
    EXPECT_NO_THROW(check_quantity(b.max, d));
    EXPECT_THROW(check_quantity(b.max * 1.5, d), UnitError);
    EXPECT_THROW(check_quantity(b.min_nonzero / 1.5, d), UnitError);
    EXPECT_THROW(check_quantity(std::numeric_limits<double>::denorm_min(), d), UnitError);
    EXPECT_THROW(check_quantity(std::numeric_limits<double>::infinity(), d), UnitError);
    EXPECT_THROW(check_quantity(std::numeric_limits<double>::quiet_NaN(), d), UnitError);
    EXPECT_THROW(check_quantity(-1, d), UnitError);
  }
}

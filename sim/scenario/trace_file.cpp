#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <sstream>

#include "scenario.hpp"

namespace cs {

// Format: a header "time_s,<quantity>", then one "seconds,value-with-unit" row per change,
// times strictly increasing. Blank lines and lines starting with '#' are ignored. Every time
// and value goes through the quantity bounds (models/core/units.hpp), and an error names the
// file, line and column: "FILE:LINE: problem (column N)".
std::vector<TracePoint> read_trace_file(const std::string& path, Dimension d) {
  std::istringstream in(read_input_file(path, "trace file"));
  std::vector<TracePoint> points;
  std::string line;
  bool header_seen = false;
  for (long number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](size_t column, const std::string& why) {
      return BadInput(fmt::format("{}:{}: {} (column {})", path, number, why, column));
    };
    auto comma = line.find(',');
    if (comma == std::string::npos) throw fail(1, "expected two comma-separated columns");
    std::string first = line.substr(0, comma), second = line.substr(comma + 1);
    const size_t value_column = comma + 2;
    if (!header_seen) {
      if (first != "time_s") throw fail(1, fmt::format("expected the header \"time_s,{}\"", dimension_name(d)));
      header_seen = true;
      continue;
    }
    // from_chars, not stod: no locale, no hex, no leading blanks, and an out-of-range number
    // is reported rather than thrown as a bare std::out_of_range ("stod").
    double t = 0;
    auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), t);
    if (ec == std::errc::result_out_of_range)
      throw fail(1, fmt::format("time \"{}\" is not a number of seconds (too large or too small for a double)", first));
    if (ec != std::errc() || end != first.data() + first.size() || first.empty() || !std::isfinite(t))
      throw fail(1, fmt::format("time \"{}\" is not a number of seconds", first));
    if (t < 0) throw fail(1, "negative time");
    try {
      check_quantity(t, Dimension::duration);
    } catch (const UnitError& e) {
      throw fail(1, fmt::format("time \"{}\": {}", first, e.what()));
    }
    if (!points.empty() && t <= points.back().time_s)
      throw fail(1, fmt::format("time {} does not increase (previous {})", t, points.back().time_s));
    double v = 0;
    try {
      v = parse_quantity(second, d);
    } catch (const UnitError& e) {
      throw fail(value_column, e.what());
    }
    if (d == Dimension::bandwidth && !(v > 0)) throw fail(value_column, "bandwidth must be positive");
    points.push_back({t, v});
  }
  if (points.empty()) throw BadInput(fmt::format("{}: the trace has no rows", path));
  return points;
}

}  // namespace cs

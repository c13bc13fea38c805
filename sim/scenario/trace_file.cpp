#include <cerrno>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>

#include "scenario.hpp"

namespace cs {

// Format: a header "time_s,<quantity>", then one "seconds,value-with-unit" row per change,
// times strictly increasing. Blank lines and lines starting with '#' are ignored.
std::vector<TracePoint> read_trace_file(const std::string& path, Dimension d) {
  std::ifstream in(path);
  if (!in) throw BadInput(fmt::format("{}: cannot open the trace file ({})", path, std::strerror(errno)));
  std::vector<TracePoint> points;
  std::string line;
  bool header_seen = false;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](const std::string& why) { return BadInput(fmt::format("{}:{}: {}", path, number, why)); };
    auto comma = line.find(',');
    if (comma == std::string::npos) throw fail("expected two comma-separated columns");
    std::string first = line.substr(0, comma), second = line.substr(comma + 1);
    if (!header_seen) {
      if (first != "time_s") throw fail(fmt::format("expected the header \"time_s,{}\"", dimension_name(d)));
      header_seen = true;
      continue;
    }
    double t = 0;
    try {
      size_t used = 0;
      t = std::stod(first, &used);
      // stod accepts "nan" and "inf", which would reach SimGrid as profile times.
      if (used != first.size() || !std::isfinite(t)) throw std::invalid_argument("not a finite number");
    } catch (const std::exception&) {
      throw fail(fmt::format("time \"{}\" is not a number of seconds", first));
    }
    if (t < 0) throw fail("negative time");
    if (!points.empty() && t <= points.back().time_s)
      throw fail(fmt::format("time {} does not increase (previous {})", t, points.back().time_s));
    double v = 0;
    try {
      v = parse_quantity(second, d);
    } catch (const UnitError& e) {
      throw fail(e.what());
    }
    if (d == Dimension::bandwidth && !(v > 0)) throw fail("bandwidth must be positive");
    points.push_back({t, v});
  }
  if (points.empty()) throw BadInput(fmt::format("{}: the trace has no rows", path));
  return points;
}

}  // namespace cs

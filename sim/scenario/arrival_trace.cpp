#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <sstream>

#include "scenario.hpp"

namespace cs {

// Format: a header "time_s" (every camera replays the same times) or "time_s,camera" (each
// row belongs to one camera), then one row per request; each camera's times must not decrease.
// Numbers are read with from_chars (no locale, no hex, no blanks) and times go through the
// duration bounds (models/core/units.hpp), as in every other trace.
std::vector<std::vector<double>> read_arrival_trace(const std::string& path, int cameras) {
  std::istringstream in(read_input_file(path, "arrival trace"));
  std::vector<std::vector<double>> times;
  std::string line;
  bool header = false, per_camera = false;
  for (long number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](const std::string& why) { return BadInput(fmt::format("{}:{}: {}", path, number, why)); };
    if (!header) {
      if (line != "time_s" && line != "time_s,camera") throw fail("expected the header \"time_s\" or \"time_s,camera\"");
      header = true;
      per_camera = line == "time_s,camera";
      times.resize(per_camera ? size_t(cameras) : 1);
      continue;
    }
    auto comma = line.find(',');
    if (per_camera != (comma != std::string::npos))
      throw fail(per_camera ? "expected two columns: time_s,camera" : "expected one column: time_s");
    const std::string first = line.substr(0, comma);
    double t = 0;
    auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), t);
    if (ec != std::errc() || end != first.data() + first.size() || first.empty() || !std::isfinite(t))
      throw fail(fmt::format("time \"{}\" is not a number of seconds", first));
    if (t < 0) throw fail("negative time");
    try {
      check_quantity(t, Dimension::duration);
    } catch (const UnitError& e) {
      throw fail(fmt::format("time \"{}\": {}", first, e.what()));
    }
    long camera = 0;
    if (per_camera) {
      const std::string second = line.substr(comma + 1);
      auto [cend, cec] = std::from_chars(second.data(), second.data() + second.size(), camera);
      if (cec != std::errc() || cend != second.data() + second.size() || second.empty())
        throw fail(fmt::format("camera \"{}\" is not an index", second));
    }
    if (camera < 0 || camera >= cameras) throw fail(fmt::format("camera {} is not in [0, {})", camera, cameras));
    auto& mine = times[size_t(camera)];
    if (!mine.empty() && t < mine.back())
      throw fail(fmt::format("time {} is before the previous request's {}: timestamps must not decrease", t, mine.back()));
    mine.push_back(t);
  }
  if (!header) throw BadInput(fmt::format("{}: the arrival trace is empty", path));
  return times;
}

}  // namespace cs

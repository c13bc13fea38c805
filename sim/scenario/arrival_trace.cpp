#include <cmath>
#include <fmt/format.h>
#include <fstream>

#include "scenario.hpp"

namespace cs {

// Format: a header "time_s" (every camera replays the same times) or "time_s,camera" (each
// row belongs to one camera), then one row per request; each camera's times must not decrease.
std::vector<std::vector<double>> read_arrival_trace(const std::string& path, int cameras) {
  std::ifstream in(path);
  if (!in) throw BadInput(fmt::format("{}: cannot open the arrival trace", path));
  std::vector<std::vector<double>> times;
  std::string line;
  bool header = false, per_camera = false;
  for (int number = 1; std::getline(in, line); ++number) {
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
    std::string first = line.substr(0, comma);
    double t = 0;
    long camera = 0;
    try {
      size_t used = 0;
      t = std::stod(first, &used);
      if (used != first.size() || !std::isfinite(t)) throw std::invalid_argument("");
      if (per_camera) {
        std::string second = line.substr(comma + 1);
        camera = std::stol(second, &used);
        if (used != second.size()) throw std::invalid_argument("");
      }
    } catch (const std::exception&) {
      throw fail("expected a number of seconds" + std::string(per_camera ? " and a camera index" : ""));
    }
    if (t < 0) throw fail("negative time");
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

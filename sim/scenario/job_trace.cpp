#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <sstream>

#include "scenario.hpp"

namespace cs {

// A CSV of jobs, one per row, with a header naming the columns (in any order):
//   submit_time_s, model, workers, iterations, compute_s   required
//   name, aggregation                                     optional
// Each row becomes a job object like those of "jobs", with the workload's job_defaults.
// Numbers are checked here, before any conversion: times against the duration bounds
// (models/core/units.hpp), counts as whole numbers up to max_trace_count (a double beyond
// long long's range cast to it is undefined behaviour); parse_job then applies its own bounds.
std::vector<JobRow> read_job_trace(const std::string& path) {
  // Far above any count parse_job accepts (workers 2^20, iterations 1e8), far below 2^53,
  // where doubles stop holding every whole number.
  constexpr double max_trace_count = 1e15;
  std::istringstream in(read_input_file(path, "job trace"));
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) {
      while (!c.empty() && c.back() == ' ') c.pop_back();
      while (!c.empty() && c.front() == ' ') c.erase(c.begin());
      cells.push_back(c);
    }
    return cells;
  };
  std::vector<std::string> header;
  std::vector<JobRow> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {

    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](const std::string& why) { return BadInput(fmt::format("{}:{}: {}", path, number, why)); };
    auto cells = split(line);
    if (header.empty()) {
      header = cells;
      for (const char* required : {"submit_time_s", "model", "workers", "iterations", "compute_s"})
        if (std::find(header.begin(), header.end(), required) == header.end())
          throw fail(fmt::format("the header lacks the column \"{}\"", required));
      for (const auto& h : header)
        if (h != "submit_time_s" && h != "model" && h != "workers" && h != "iterations" && h != "compute_s" &&
            h != "name" && h != "aggregation")
          throw fail(fmt::format("unknown column \"{}\"", h));
      continue;
    }
    if (rows.size() == max_jobs) throw fail(fmt::format("more than {} jobs; a run takes at most {}", max_jobs, max_jobs));
    if (cells.size() != header.size())
      throw fail(fmt::format("{} cells, the header has {}", cells.size(), header.size()));
    json job = json::object();
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string& h = header[c];
      const std::string& v = cells[c];
      auto number_of = [&](bool integer) -> json {
        const std::string where = fmt::format("column {} (cell {})", h, c + 1);
        double d = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
        if (ec != std::errc() || end != v.data() + v.size() || v.empty() || !std::isfinite(d) || d < 0 ||
            (integer && d != std::floor(d)))
          throw fail(fmt::format("column {}: \"{}\" is not a {} (cell {})", h, v,
                                 integer ? "whole number" : "non-negative number", c + 1));
        if (integer) {
          if (d > max_trace_count) throw fail(fmt::format("{}: {} is above {:g}", where, v, max_trace_count));
          return json(static_cast<long long>(d));  // in range: checked above
        }
        try {
          check_quantity(d, Dimension::duration);
        } catch (const UnitError& e) {
          throw fail(fmt::format("{}: \"{}\" seconds: {}", where, v, e.what()));
        }
        return json(d);
      };
      if (h == "submit_time_s") job["arrival"] = fmt::format("{}s", number_of(false).get<double>());
      else if (h == "compute_s") job["compute"] = fmt::format("{}s", number_of(false).get<double>());
      else if (h == "workers" || h == "iterations") job[h] = number_of(true);
      else job[h] = v;
    }
    rows.push_back({std::move(job), number});
  }
  if (header.empty()) throw BadInput(fmt::format("{}: the job trace is empty", path));
  return rows;
}

}  // namespace cs

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "scenario.hpp"

namespace cs {

// A CSV of jobs, one per row, with a header naming the columns (in any order):
//   submit_time_s, model, workers, iterations, compute_s   required
//   name, aggregation                                     optional
// Each row becomes a job object like those of "jobs", with the workload's job_defaults.
std::vector<JobRow> read_job_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw BadInput(fmt::format("{}: cannot open the job trace ({})", path, std::strerror(errno)));
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
    if (cells.size() != header.size())
      throw fail(fmt::format("{} cells, the header has {}", cells.size(), header.size()));
    json job = json::object();
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string& h = header[c];
      const std::string& v = cells[c];
      auto number_of = [&](bool integer) -> json {
        try {
          size_t used = 0;
          double d = std::stod(v, &used);
          if (used != v.size() || !std::isfinite(d) || d < 0 || (integer && d != double((long long)d))) throw 0;
          return integer ? json((long long)d) : json(d);
        } catch (...) {
          throw fail(fmt::format("column {}: \"{}\" is not a {}", h, v, integer ? "whole number" : "non-negative number"));
        }
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

#pragma once
// Helpers for simulation tests: a scenario from JSON text, run in a forked child, its
// metrics and CSV tables handed back.
#include <map>
#include <simgrid/s4u.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "run/simulation.hpp"
#include "run_in_child.hpp"
#include "scenario/scenario.hpp"

namespace cs::testing {

// A CSV table's rows, split at commas (the tables' cells hold no commas); row 0 is the header.
inline std::vector<std::vector<std::string>> csv_rows(const std::string& csv) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    out.push_back(cells);
  }
  return out;
}

// Row `row`'s value in the column named `name`.
inline double csv_number(const std::vector<std::vector<std::string>>& t, size_t row, const std::string& name) {
  for (size_t c = 0; c < t[0].size(); ++c)
    if (t[0][c] == name) return std::stod(t[row][c]);
  throw std::runtime_error("no column " + name);
}

struct SimResult {
  nlohmann::json metrics;
  std::map<std::string, std::string> csv;  // table name -> CSV text

  // Column `column` of the first row of `table` whose first column equals `key`.
  double cell(const std::string& table, const std::string& key, const std::string& column) const {
    std::istringstream in(csv.at(table));
    std::string line;
    std::getline(in, line);
    auto split = [](const std::string& l) {
      std::vector<std::string> out;
      std::stringstream ss(l);
      for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
      return out;
    };
    auto header = split(line);
    size_t col = 0;
    while (col < header.size() && header[col] != column) ++col;
    if (col == header.size()) throw std::runtime_error("no column " + column + " in " + table);
    while (std::getline(in, line)) {
      auto row = split(line);
      if (!row.empty() && row[0] == key) return std::stod(row.at(col));
    }
    throw std::runtime_error("no row " + key + " in " + table);
  }
};

// A SimGrid engine for a test's own simulation (in a forked child): quiet, and on SimGrid's
// thread contexts in a sanitizer build, the only ones ASan can follow.
class TestEngine {
#ifdef CLUSTERSIM_THREAD_CONTEXTS
  static constexpr bool thread_contexts = true;
#else
  static constexpr bool thread_contexts = false;
#endif
  char a0_[2] = "t", a1_[26] = "--log=root.thres:critical", a2_[30] = "--cfg=contexts/factory:thread";
  int argc_ = thread_contexts ? 3 : 2;
  char* argv_[4] = {a0_, a1_, thread_contexts ? a2_ : nullptr, nullptr};

 public:
  simgrid::s4u::Engine engine{&argc_, argv_};
};

inline SimResult simulate(const nlohmann::json& scenario, const std::string& file = "test.json") {
  auto j = run_in_child([&] {
    RunOutput out = run_simulation(parse_scenario(scenario, file));
    nlohmann::json tables = nlohmann::json::object();
    for (const auto& t : out.tables) tables[t.name] = t.to_csv();
    return nlohmann::json{{"metrics", out.metrics}, {"tables", tables}};
  });
  SimResult r{j["metrics"], {}};
  for (auto& [name, text] : j["tables"].items()) r.csv[name] = text.get<std::string>();
  return r;
}

// A star of `hosts` hosts with one job; tests patch what they need.
inline nlohmann::json star_scenario(int hosts, const std::string& bandwidth, const std::string& latency) {
  return {{"name", "test"},
          {"platform",
           {{"topology", "star"},
            {"hosts", hosts},
            {"host", {{"speed", "1Tf"}}},
            {"link", {{"bandwidth", bandwidth}, {"latency", latency}}}}},
          {"workload", {{"kind", "training"}, {"jobs", nlohmann::json::array()}}}};
}

}  // namespace cs::testing

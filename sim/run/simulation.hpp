#pragma once
// Runs one scenario in this process (SimGrid allows one simulation per process) and returns
// its metrics and tables. Deterministic: the same scenario gives the same output, byte for byte.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output/table.hpp"
#include "scenario/scenario.hpp"

namespace cs {

// The metrics `clustersim run` prints for one workload (full names, as in RunOutput::metrics).
struct Headline {
  std::string workload;  // its name in the scenario
  std::string kind;      // "training", "inference"
  std::vector<std::string> metrics;
};

struct RunOutput {
  nlohmann::json metrics;  // numbers only: stable snake_case names with unit suffixes ("<workload>/" before each when several)
  nlohmann::json info;     // strings: which system, models, profiles (per workload name when several)
  std::vector<Table> tables;
  unsigned long long activities = 0;  // SimGrid communications and executions started
  unsigned long long packets = 0;     // packets through INA switches (each decided one by one)
  std::string trace;  // the timeline as Chrome trace-event JSON; empty unless recorded
  std::vector<Headline> headlines;  // one per workload, in the scenario's order
  // The run's own headline after the workloads' (simulated time, bytes, energy).
  std::vector<std::string> run_headline;
};

// Called as simulated time advances, with the share of the workload done in [0, 1].
using ProgressCallback = std::function<void(double simulated_s, double fraction_done)>;

// The timeline is recorded when the scenario's /outputs/trace asks for it or `record_trace` does.
RunOutput run_simulation(const Scenario& scenario, const ProgressCallback& progress = {}, bool record_trace = false);

}  // namespace cs

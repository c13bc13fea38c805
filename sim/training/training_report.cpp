#include <algorithm>

#include "core/stats.hpp"
#include "training/training_state.hpp"

namespace cs {
namespace {

std::vector<double> completion_times(const TrainingState& s) {
  std::vector<double> jct;
  for (size_t j = 0; j < s.jobs.size(); ++j)
    if (s.jobs[j].finished()) jct.push_back(s.jobs[j].finish_s - s.workload.jobs[j].arrival_s);
  return jct;
}

std::vector<double> iteration_times(const TrainingState& s) {
  std::vector<double> t;
  for (const auto& r : s.iterations) t.push_back(r.end_s - r.start_s);
  return t;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

}  // namespace

nlohmann::json training_metrics(const TrainingState& s) {
  auto jct = completion_times(s);
  auto iter = iteration_times(s);
  double makespan = 0;
  for (const auto& r : s.jobs) makespan = std::max(makespan, r.finish_s);
  return {
      {"jobs_total", s.jobs.size()},
      {"jobs_completed", s.jobs_finished},
      {"jct_mean_s", mean(jct)},
      {"jct_p50_s", percentile(jct, 50)},
      {"jct_p99_s", percentile(jct, 99)},
      {"jct_max_s", percentile(jct, 100)},
      {"makespan_s", makespan},
      {"iterations_completed", iter.size()},
      {"iteration_time_mean_s", mean(iter)},
      {"iteration_time_p99_s", percentile(iter, 99)},
  };
}

Table jobs_table(const TrainingState& s) {
  Table t{"jobs",
          {"job", "model", "aggregation", "workers", "servers", "gradient_bytes", "iterations", "iterations_done",
           "arrival_s", "start_s", "finish_s", "jct_s", "iteration_time_mean_s"},
          {}};
  std::vector<long long> done(s.jobs.size());
  std::vector<double> busy(s.jobs.size());
  for (const auto& r : s.iterations) ++done[r.job], busy[r.job] += r.end_s - r.start_s;
  for (size_t j = 0; j < s.jobs.size(); ++j) {
    const JobSpec& spec = s.workload.jobs[j];
    const JobRecord& r = s.jobs[j];
    std::string finish = r.finished() ? fmt::format("{}", r.finish_s) : "";
    std::string jct = r.finished() ? fmt::format("{}", r.finish_s - spec.arrival_s) : "";
    t.add(spec.name, spec.model, spec.aggregation == AggregationKind::ring_allreduce ? "ring" : spec.aggregation == AggregationKind::in_network ? "ina" : "ps",
          join(spec.workers), join(spec.servers), spec.gradient_bytes, spec.iterations, done[j], spec.arrival_s,
          r.start_s, finish, jct, done[j] ? busy[j] / double(done[j]) : 0.0);
  }
  return t;
}

Table iterations_table(const TrainingState& s) {
  Table t{"iterations", {"job", "iteration", "start_s", "compute_s", "communication_s", "end_s", "duration_s"}, {}};
  // In order of completion, as an exact run records them; fast-forward records a skip's
  // iterations when the skip begins.
  std::vector<IterationRecord> ordered = s.iterations;
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.end_s < b.end_s; });
  for (const auto& r : ordered)
    t.add(s.workload.jobs[r.job].name, r.iteration, r.start_s, r.compute_end_s - r.start_s, r.end_s - r.compute_end_s,
          r.end_s, r.end_s - r.start_s);
  return t;
}

}  // namespace cs

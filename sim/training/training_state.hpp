#pragma once
// What the training actors record while they run, and the reports made from it afterwards.
#include <nlohmann/json.hpp>
#include <vector>

#include "output/table.hpp"
#include "scenario/scenario.hpp"
#include "training/compressed_job.hpp"

namespace cs {

struct IterationRecord {
  size_t job;
  long long iteration;
  double start_s, compute_end_s, end_s;  // as seen by the job's first worker
};

struct JobRecord {
  double start_s = -1, finish_s = -1;
  size_t workers_done = 0;
  bool finished() const { return finish_s >= 0; }
};

class FastForward;

struct TrainingState {
  explicit TrainingState(const TrainingWorkload& w, std::string mailbox_scope = "")
      : workload(w), scope(std::move(mailbox_scope)), jobs(w.jobs.size()) {}
  const TrainingWorkload& workload;
  std::string scope;  // prefixes this workload's mailbox names ("" when it runs alone)
  std::vector<JobRecord> jobs;
  std::vector<IterationRecord> iterations;
  size_t jobs_finished = 0;
  std::vector<std::unique_ptr<CompressedJob>> compressed;  // by job; null without a scheme
  FastForward* fast_forward = nullptr;  // owned by the run; null: exact

  void job_started(size_t job, double now);
  void job_finished(size_t job, double now);
};

// Metrics under the summary's stable names (jct_mean_s, jct_p99_s, makespan_s, ...).
nlohmann::json training_metrics(const TrainingState& s);
Table jobs_table(const TrainingState& s);
Table iterations_table(const TrainingState& s);
// Whether the run writes the compression tables: the workload has a scheme, or some job has its
// own (the tables then list only the jobs with a scheme; fp32 jobs are in jobs.csv alone).
bool reports_compression(const TrainingState& s);
// Jobs with a compression scheme: per job (scheme, bytes, round split, vNMSE, time-to-accuracy),
// per round, and the accuracy curve.
nlohmann::json compression_metrics(const TrainingState& s);
Table compression_jobs_table(const TrainingState& s);
Table rounds_table(const TrainingState& s);
Table accuracy_table(const TrainingState& s);

}  // namespace cs

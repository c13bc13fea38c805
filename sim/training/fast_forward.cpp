#include "training/fast_forward.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "training/periodicity.hpp"
#include "training/training_state.hpp"

namespace cs {

namespace {

// The host pairs a job's messages travel between (both ways for a PS and scale agreement).
std::vector<std::pair<std::string, std::string>> message_pairs(const JobSpec& j) {
  std::vector<std::pair<std::string, std::string>> pairs;
  const size_t n = j.workers.size();
  if (j.aggregation == AggregationKind::ring_allreduce) {
    for (size_t w = 0; w < n; ++w) pairs.emplace_back(j.workers[w], j.workers[(w + 1) % n]);
  } else {
    for (const auto& w : j.workers)
      for (const auto& s : j.servers) {
        pairs.emplace_back(w, s);
        pairs.emplace_back(s, w);
      }
  }
  return pairs;
}

bool any_link_traced(const Topology& topo) {
  for (const auto& l : topo.links)
    if (!l.spec.bandwidth_trace.empty() || !l.spec.latency_trace.empty()) return true;
  return false;
}

}  // namespace

FastForward::FastForward(RunContext& ctx, const TrainingState& state)
    : ctx_(ctx), state_(state), jobs_(state.workload.jobs.size()) {
  const Scenario& s = ctx.scenario;
  // Another workload's traffic is outside what it can prove periodic: it runs exact beside one.
  enabled_ = s.fidelity == Fidelity::fast_forward && s.workloads.size() == 1 && !ctx.platform.energy && !ctx.trace &&
             !any_link_traced(s.platform.topology);
  if (!enabled_) return;
  for (size_t j = 0; j < jobs_.size(); ++j) {
    const JobSpec& spec = state.workload.jobs[j];
    arrivals_.push_back(spec.arrival_s);
    Job& job = jobs_[j];
    job.eligible = spec.aggregation != AggregationKind::in_network && spec.compute_jitter == 0;
    if (!job.eligible) continue;
    job.ends.assign(spec.workers.size() * kHistory, -1);
    for (const auto& [a, b] : message_pairs(spec)) {
      const sg4::Host *from = ctx.platform.host(a), *to = ctx.platform.host(b);
      for (const auto* l : ctx.traffic.route(from, to)) job.resources.push_back(l);
      job.resources.push_back(from);
    }
    for (const auto& s : spec.servers) job.resources.push_back(ctx.platform.host(s));
    std::sort(job.resources.begin(), job.resources.end());
    job.resources.erase(std::unique(job.resources.begin(), job.resources.end()), job.resources.end());
  }
  std::sort(arrivals_.begin(), arrivals_.end());
}

void FastForward::job_started(size_t job) {
  if (!enabled_) return;
  last_event_s_ = sg4::Engine::get_clock();
  jobs_[job].active = true;
  if (state_.workload.jobs[job].aggregation == AggregationKind::in_network) ++active_in_network_;
}

void FastForward::job_finished(size_t job) {
  if (!enabled_) return;
  last_event_s_ = sg4::Engine::get_clock();
  jobs_[job].active = false;
  if (state_.workload.jobs[job].aggregation == AggregationKind::in_network) --active_in_network_;
}

void FastForward::iteration_ended(size_t job, size_t rank, long long it) {
  if (!enabled_ || !jobs_[job].eligible) return;
  Job& j = jobs_[job];
  j.ends[rank * kHistory + size_t(it % kHistory)] = sg4::Engine::get_clock();
  if (rank == 0) decide(job, it);
}

bool FastForward::shares_resources(size_t job) const {
  const auto& mine = jobs_[job].resources;
  for (size_t o = 0; o < jobs_.size(); ++o) {
    if (o == job || !jobs_[o].active) continue;
    const auto& theirs = jobs_[o].resources;
    for (auto a = mine.begin(), b = theirs.begin(); a != mine.end() && b != theirs.end();) {
      if (*a == *b) return true;
      *a < *b ? ++a : ++b;
    }
  }
  return false;
}

double FastForward::horizon() const {
  const double now = sg4::Engine::get_clock();
  // The next arrival, a job that may compete; one at `now` (perhaps not started yet) counts.
  auto next = std::lower_bound(arrivals_.begin(), arrivals_.end(), now);
  double h = next == arrivals_.end() ? std::numeric_limits<double>::infinity() : *next;
  if (ctx_.scenario.until_s > 0) h = std::min(h, ctx_.scenario.until_s);
  return h;
}

// Rank 0 ended iteration `ended` (= s - 1): may every rank skip from s + 1 on?
void FastForward::decide(size_t job, long long ended) {
  Job& j = jobs_[job];
  const JobSpec& spec = state_.workload.jobs[job];
  const long long oldest = ended - 1 - training::periodicity_history;  // s - 4 .. s - 2 are compared
  if (oldest < j.observe_from || active_in_network_ > 0) return;
  const size_t ranks = spec.workers.size();
  std::vector<double> ends(ranks * training::periodicity_history);
  for (size_t r = 0; r < ranks; ++r)
    for (long long i = 0; i < training::periodicity_history; ++i)
      ends[r * training::periodicity_history + size_t(i)] = j.ends[r * kHistory + size_t((oldest + i) % kHistory)];
  // Every compared iteration began after the last event.
  for (size_t r = 0; r < ranks; ++r)
    if (ends[r * training::periodicity_history] < last_event_s_) return;
  auto period = training::common_period(ends, ranks);
  if (!period) return;
  // Rank 0's iteration s - 1 must have followed the period too.
  const double last = j.ends[size_t(ended % kHistory)], before = j.ends[size_t((ended - 1) % kHistory)];
  if (!(std::abs(last - before - *period) <= training::periodicity_tolerance * *period)) return;
  if (shares_resources(job)) return;
  // The skipped window starts at iteration s + 1, which each rank begins at its end of s; the
  // latest of these is the latest end of s - 2 plus two periods.
  double latest = 0;
  for (size_t r = 0; r < ranks; ++r)
    latest = std::max(latest, ends[r * training::periodicity_history + training::periodicity_history - 1]);
  const long long start = ended + 2;
  const long long k =
      training::skippable_iterations(latest + 2 * *period, *period, horizon(), spec.iterations - start);
  if (k <= 0) return;
  j.plan = {start, k, *period};
  j.observe_from = start + k;
  skipped_ += k;
}

}  // namespace cs

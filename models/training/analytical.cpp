#include "training/analytical.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

namespace cs::analytical {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
// Fixed point of iteration times and duty cycles, by damped Gauss-Seidel rounds (plain Jacobi
// rounds oscillate at the 1% level where max-min bottlenecks switch), until no job's iteration
// time moves by more than Problem::fixed_point_tolerance in a round, or kMaxRounds rounds.
constexpr int kMaxRounds = 200;

using Weights = std::vector<std::pair<std::uint32_t, double>>;  // (host, share of a core), sorted

// A job's claim on one channel, time-averaged over its iteration: its flows' sharing weight
// (1 / penalty, times the share of the iteration they are there) and its throughput there.
struct ChannelClaim {
  std::uint32_t channel;
  double weight, Bps;
};
using Claims = std::vector<ChannelClaim>;  // sorted by channel

struct Running {
  explicit Running(size_t j) : job(j) {}
  size_t job;
  double slots = inf;               // INA: aggregator slots held
  std::vector<double> stage_s;      // this phase: each stage's duration, repeats included
  double iteration_s = 0;
  Claims claims;                    // on each channel it uses
  Weights cpu;                      // its computations' time-averaged share of a core, per host
  // What it competed with when last solved (competitors' weight and throughput on each channel
  // it uses, their cores on its hosts, its memory cap).
  std::vector<double> seen;
};

using HostLoad = std::function<double(std::uint32_t host)>;  // competitors' share of its cores

double stage_seconds(const Problem& p, const Stage& s, double slot_cap_Bps, const net::Background& bg,
                     const HostLoad& cpu_bg, long long& solves) {
  if (s.kind == Stage::Kind::compute) {
    double stretch = 1;  // SimGrid: n executions on c cores each run at min(1, c / n) of a core
    if (cpu_bg)
      for (auto h : s.hosts) stretch = std::max(stretch, (1 + cpu_bg(h)) / p.host_cores[h]);
    return s.seconds * double(s.repeat) * stretch;
  }
  std::vector<net::Transfer> transfers = s.transfers;
  if (s.slot_bound)
    for (auto& t : transfers) t.bound_Bps = std::min(t.bound_Bps, slot_cap_Bps);
  double seconds = 0;
  if (s.kind == Stage::Kind::together) {
    ++solves;
    seconds = net::completion_time(transfers, p.paths, p.channels, p.network, bg);
  } else {
    for (const auto& t : transfers) {
      ++solves;
      seconds += net::completion_time(std::span(&t, 1), p.paths, p.channels, p.network, bg);
    }
  }
  return seconds * double(s.repeat);
}

// Sorted by `less`, with entries of equal key summed by `add` into one.
template <class T, class Less, class Key, class Add>
std::vector<T> merged(std::vector<T> v, Less less, Key key, Add add) {
  std::sort(v.begin(), v.end(), less);
  std::vector<T> out;
  for (const T& x : v) {
    if (!out.empty() && key(out.back()) == key(x)) add(out.back(), x);
    else out.push_back(x);
  }
  return out;
}

// A job's usable memory rate: its slots' worth, never below its PS fallback; no cap off INA.
double memory_cap(const Job& job, const Running& r) {
  return std::isfinite(r.slots) ? std::max(r.slots * job.ina.Bps_per_slot, job.ina.fallback_Bps) : inf;
}

Weights cpu_of(const Job& job, const Running& r) {
  Weights w;
  if (!std::isfinite(r.iteration_s) || r.iteration_s <= 0) return w;
  for (size_t s = 0; s < job.stages.size(); ++s)
    if (job.stages[s].kind == Stage::Kind::compute)
      for (auto h : job.stages[s].hosts) w.push_back({h, r.stage_s[s] / r.iteration_s});
  return merged(std::move(w), std::less<>(), [](const auto& x) { return x.first; },
                [](auto& a, const auto& b) { a.second += b.second; });
}

// A job's time-averaged claim on each channel: each flow of a stage counts for the share of the
// iteration the stage lasts, with SimGrid's weight (1 / penalty; cross-traffic on the way back).

Claims claims_of(const Problem& p, const Job& job, const Running& r) {
  Claims w;
  if (!std::isfinite(r.iteration_s) || r.iteration_s <= 0) return w;
  for (size_t s = 0; s < job.stages.size(); ++s) {
    const Stage& stage = job.stages[s];
    if (stage.kind == Stage::Kind::compute || stage.transfers.empty()) continue;
    double share = r.stage_s[s] / r.iteration_s;
    if (stage.kind == Stage::Kind::one_by_one) share /= double(stage.transfers.size());
    for (const auto& t : stage.transfers) {
      const net::Path& path = p.paths[t.path];
      const double penalty = net::flow_shape(path, p.channels, p.network).penalty;
      const double Bps = t.bytes * double(stage.repeat) / r.iteration_s;
      for (auto c : path.forward) w.push_back({c, share / penalty, Bps});
      if (p.network.crosstraffic > 0)
        for (auto c : path.backward) w.push_back({c, share * p.network.crosstraffic / penalty, Bps * p.network.crosstraffic});
    }
  }
  return merged(std::move(w), [](const ChannelClaim& a, const ChannelClaim& b) { return a.channel < b.channel; },
                [](const ChannelClaim& x) { return x.channel; },
                [](ChannelClaim& a, const ChannelClaim& b) { a.weight += b.weight, a.Bps += b.Bps; });
}

ChannelClaim claim_on(const Claims& w, std::uint32_t c) {
  auto it = std::lower_bound(w.begin(), w.end(), c, [](const ChannelClaim& x, std::uint32_t c) { return x.channel < c; });
  return it != w.end() && it->channel == c ? *it : ChannelClaim{c, 0, 0};
}

double weight_on(const Weights& w, std::uint32_t c) {
  auto it = std::lower_bound(w.begin(), w.end(), std::pair{c, -inf});
  return it != w.end() && it->first == c ? it->second : 0.0;
}

// Each running job's stage durations and iteration time, solved together. A job that ran in the
// previous phase starts from its solution there (phases differ by one job or one capacity, so
// the fixed point moves little); a new one from its time alone.
void solve_phase(const Problem& p, std::vector<Running>& running, long long& solves) {
  auto alone = [&](Running& r) {
    const Job& job = p.jobs[r.job];
    const double cap = memory_cap(job, r);
    r.stage_s.resize(job.stages.size());
    for (size_t s = 0; s < job.stages.size(); ++s) r.stage_s[s] = stage_seconds(p, job.stages[s], cap, {}, {}, solves);
    r.iteration_s = std::accumulate(r.stage_s.begin(), r.stage_s.end(), 0.0);
    r.claims = claims_of(p, job, r);
    r.cpu = cpu_of(job, r);
  };
  for (auto& r : running)
    if (r.stage_s.empty()) alone(r);
  {  // alone on every channel and host: each job's time alone is the answer
    bool shared = false;
    std::vector<int> users(p.channels.size(), 0), computing(p.host_cores.size(), 0);
    for (const auto& r : running) {
      for (const auto& x : r.claims) shared |= ++users[x.channel] > 1;
      for (const auto& [h, x] : r.cpu) shared |= ++computing[h] > 1;
    }
    if (!shared) {
      for (auto& r : running) alone(r);  // a warm start may hold another phase's memory or load
      return;
    }
  }
  std::vector<double> weight(p.channels.size(), 0.0), Bps(p.channels.size(), 0.0), cores(p.host_cores.size(), 0.0);
  std::vector<std::uint32_t> dirty, dirty_hosts;
  for (int round = 1; round <= kMaxRounds; ++round) {
    // Every job's claims from the previous round.
    for (auto c : dirty) weight[c] = Bps[c] = 0;
    for (auto h : dirty_hosts) cores[h] = 0;
    dirty.clear();
    dirty_hosts.clear();
    for (const auto& r : running) {
      for (const auto& x : r.claims) {
        if (weight[x.channel] == 0 && Bps[x.channel] == 0) dirty.push_back(x.channel);
        weight[x.channel] += x.weight;
        Bps[x.channel] += x.Bps;
      }
      for (const auto& [h, x] : r.cpu) {
        if (cores[h] == 0) dirty_hosts.push_back(h);
        cores[h] += x;
      }
    }
    double moved = 0;
    std::vector<double> seen;
    for (auto& r : running) {
      const Job& job = p.jobs[r.job];
      const net::Background bg = [&](std::uint32_t c) {
        const ChannelClaim own = claim_on(r.claims, c);
        return net::Claim{std::max(0.0, weight[c] - own.weight), std::max(0.0, Bps[c] - own.Bps)};
      };
      const HostLoad cpu_bg = [&](std::uint32_t h) { return std::max(0.0, cores[h] - weight_on(r.cpu, h)); };
      const double cap = memory_cap(job, r);
      // Inputs within the tolerance of those it was last solved with: its answer stands (a
      // departure far away leaves most jobs of a large fabric alone).
      seen.clear();
      for (const auto& x : r.claims) {
        const net::Claim b = bg(x.channel);
        seen.push_back(b.weight);
        seen.push_back(b.cap_Bps);
      }
      for (const auto& [h, x] : r.cpu) seen.push_back(cpu_bg(h));
      seen.push_back(cap);
      if (seen.size() == r.seen.size() &&
          std::equal(seen.begin(), seen.end(), r.seen.begin(), [&](double a, double b) {
            return a == b || std::abs(a - b) <= p.fixed_point_tolerance * std::max(std::abs(a), std::abs(b));
          }))
        continue;
      r.seen = seen;
      std::vector<double> stage_s(job.stages.size());
      for (size_t s = 0; s < job.stages.size(); ++s) stage_s[s] = stage_seconds(p, job.stages[s], cap, bg, cpu_bg, solves);
      if (round > 1)  // damped: competitors' claims and iteration times chase each other
        for (size_t s = 0; s < stage_s.size(); ++s)
          if (std::isfinite(r.stage_s[s])) stage_s[s] = 0.5 * (stage_s[s] + r.stage_s[s]);
      const double t = std::accumulate(stage_s.begin(), stage_s.end(), 0.0);
      if (std::isfinite(t) && std::isfinite(r.iteration_s)) moved = std::max(moved, std::abs(t - r.iteration_s) / std::max(t, 1e-300));
      else if (std::isfinite(t) != std::isfinite(r.iteration_s)) moved = inf;
      r.stage_s = std::move(stage_s);
      r.iteration_s = t;
      // Gauss-Seidel: the jobs after it in this round see its new claims.
      for (const auto& x : r.claims) weight[x.channel] -= x.weight, Bps[x.channel] -= x.Bps;
      for (const auto& [h, x] : r.cpu) cores[h] -= x;
      r.claims = claims_of(p, job, r);
      r.cpu = cpu_of(job, r);
      for (const auto& x : r.claims) weight[x.channel] += x.weight, Bps[x.channel] += x.Bps;
      for (const auto& [h, x] : r.cpu) cores[h] += x;
    }
    if (moved < p.fixed_point_tolerance) break;
  }
}

void allocate_memory(const Problem& p, std::vector<Running>& running, const std::vector<double>& progress,
                     std::vector<char>& holding) {
  for (size_t sw = 0; sw < p.switches.size(); ++sw) {
    std::vector<size_t> on;  // indices into running
    for (size_t i = 0; i < running.size(); ++i)
      if (p.jobs[running[i].job].ina.switch_index == int(sw)) on.push_back(i);
    if (on.empty()) continue;
    auto key = [&](size_t i) {
      const Job& j = p.jobs[running[i].job];
      const double done = progress[running[i].job];
      return j.ina.least_attained ? done * j.ina.work_per_iteration : (double(j.iterations) - done) * j.ina.work_per_iteration;
    };
    if (p.switches[sw].policy == MemoryPolicy::priority)
      std::stable_sort(on.begin(), on.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
    else
      std::stable_sort(on.begin(), on.end(), [&](size_t a, size_t b) {
        return p.jobs[running[a].job].arrival_s < p.jobs[running[b].job].arrival_s;
      });
    std::vector<double> demand;
    std::vector<char> held;
    for (size_t i : on) {
      demand.push_back(p.jobs[running[i].job].ina.demand_slots);
      held.push_back(holding[running[i].job]);
    }
    std::vector<double> slots = allocate_slots(p.switches[sw], demand, held);
    for (size_t k = 0; k < on.size(); ++k) {
      running[on[k]].slots = slots[k];
      holding[running[on[k]].job] = held[k];
    }
  }
}

}  // namespace

std::vector<double> allocate_slots(const Switch& sw, std::span<const double> demand, std::vector<char>& holding) {
  const size_t n = demand.size();
  std::vector<double> slots(n, 0.0);
  switch (sw.policy) {
    case MemoryPolicy::fair_share: {  // water-filling: nobody above its need or the per-job cap
      std::vector<size_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      auto want = [&](size_t i) { return std::min(demand[i], sw.per_job_slots); };
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return want(a) < want(b); });
      double left = sw.slots;
      for (size_t k = 0; k < n; ++k) {
        const size_t i = order[k];
        slots[i] = std::min(want(i), left / double(n - k));
        left -= slots[i];
      }
      break;
    }
    case MemoryPolicy::priority: {
      double left = sw.slots;
      for (size_t i = 0; i < n; ++i) {
        slots[i] = std::min({demand[i], sw.per_job_slots, left});
        left -= slots[i];
      }
      break;
    }
    case MemoryPolicy::pools: {
      const double pools = sw.pool_slots > 0 ? std::floor(sw.slots / sw.pool_slots) : 0.0;
      double held = 0;
      for (size_t i = 0; i < n; ++i) held += holding[i] ? 1 : 0;
      for (size_t i = 0; i < n; ++i)
        if (!holding[i] && held < pools) holding[i] = 1, ++held;
      for (size_t i = 0; i < n; ++i) slots[i] = holding[i] ? sw.pool_slots : 0.0;
      break;
    }
  }
  return slots;
}

Result solve(const Problem& p) {
  const size_t n = p.jobs.size();
  Result result;
  result.jobs.resize(n);
  std::vector<size_t> arrivals(n);
  std::iota(arrivals.begin(), arrivals.end(), 0);
  std::stable_sort(arrivals.begin(), arrivals.end(), [&](size_t a, size_t b) { return p.jobs[a].arrival_s < p.jobs[b].arrival_s; });
  std::vector<double> progress(n, 0.0), iteration_start(n, 0.0);
  std::vector<char> holding(n, 0);
  std::vector<Running> previous(n, Running(size_t(-1)));  // by job: its solution in the last phase
  std::vector<size_t> running;
  Problem current = p;  // channels change with the traces
  size_t next_arrival = 0, next_change = 0;
  const double horizon = p.horizon_s > 0 ? p.horizon_s : inf;
  double now = 0;
  for (;;) {
    while (next_change < p.changes.size() && p.changes[next_change].time_s <= now) {
      const auto& c = p.changes[next_change++];
      current.channels[c.channel] = {c.capacity_Bps, c.latency_s};
    }
    while (next_arrival < n && p.jobs[arrivals[next_arrival]].arrival_s <= now) {
      const size_t j = arrivals[next_arrival++];
      if (p.jobs[j].iterations <= 0) {
        result.jobs[j].finish_s = p.jobs[j].arrival_s;
        continue;
      }
      running.push_back(j);
      iteration_start[j] = p.jobs[j].arrival_s;
    }
    if (now >= horizon || (running.empty() && next_arrival == n)) break;
    double next = std::min(horizon, next_arrival < n ? p.jobs[arrivals[next_arrival]].arrival_s : inf);
    if (next_change < p.changes.size()) next = std::min(next, p.changes[next_change].time_s);
    std::vector<Running> phase;
    for (size_t j : running) phase.push_back(previous[j].job == j ? previous[j] : Running(j));
    allocate_memory(current, phase, progress, holding);
    if (!phase.empty()) {
      solve_phase(current, phase, result.solves);
      ++result.phases;
    }
    for (const auto& r : phase) previous[r.job] = r;
    for (const auto& r : phase)
      if (std::isfinite(r.iteration_s))
        next = std::min(next, now + (double(p.jobs[r.job].iterations) - progress[r.job]) * r.iteration_s);
    if (!std::isfinite(next)) break;  // every running job waits for memory that never frees
    std::vector<size_t> still;
    for (const auto& r : phase) {
      const size_t j = r.job;
      const Job& job = p.jobs[j];
      if (!std::isfinite(r.iteration_s)) {
        still.push_back(j);
        continue;
      }
      const double p0 = progress[j], total = double(job.iterations);
      const double compute_first = !job.stages.empty() && job.stages[0].kind == Stage::Kind::compute ? r.stage_s[0] : 0.0;
      // Iterations ending in this phase: the next unrecorded one k, k + 1, ..., each at
      // now + (k - p0) T. Counting from the records (not from p0, which carries rounding)
      // keeps a job whose progress rounds to an integer from stalling just short of it.
      const double recorded_before = double(result.jobs[j].iterations.size());
      for (double k = recorded_before + 1; k <= total; k += 1) {
        double end = now + (k - p0) * r.iteration_s;
        if (end > next * (1 + 1e-12) + 1e-15) break;
        end = std::min(end, next);
        const double start = iteration_start[j];
        result.jobs[j].iterations.push_back({start, std::min(start + compute_first, end), end});
        iteration_start[j] = end;
      }
      const double recorded = double(result.jobs[j].iterations.size());
      progress[j] = std::clamp(p0 + (next - now) / r.iteration_s, recorded, std::min(total, recorded + 1));
      if (recorded == total) result.jobs[j].finish_s = result.jobs[j].iterations.back().end_s;
      else still.push_back(j);
    }
    running = std::move(still);
    now = next;
  }
  for (const auto& j : result.jobs) result.end_s = std::max(result.end_s, j.finish_s);
  if (std::isfinite(horizon) && (!running.empty() || next_arrival < n)) result.end_s = horizon;
  return result;
}

}  // namespace cs::analytical

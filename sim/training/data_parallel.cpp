#include "data_parallel.hpp"

#include <fmt/format.h>

#include "ina/ina_run.hpp"
#include "training/fast_forward.hpp"
#include "training/scale_agreement.hpp"

namespace cs {
namespace {

struct JobActors {
  RunContext& ctx;
  TrainingState& state;
  size_t job;

  const JobSpec& spec() const { return state.workload.jobs[job]; }
  Endpoint worker(size_t rank) const {
    return {sg4::Mailbox::by_name(fmt::format("{}j{}/w{}", state.scope, job, rank)), ctx.platform.host(spec().workers[rank])};
  }
  Endpoint server(size_t shard) const {
    return {sg4::Mailbox::by_name(fmt::format("{}j{}/ps{}", state.scope, job, shard)), ctx.platform.host(spec().servers[shard])};
  }
  void iteration_done(size_t rank, long long it, double start, double compute_end) const {
    const double now = sg4::Engine::get_clock();
    if (rank == 0) state.iterations.push_back({job, it, start, compute_end, now});
    if (ctx.trace) ctx.trace->span("training", "iteration", start, now, {{"job", spec().name}, {"iteration", it}});
    if (state.fast_forward) state.fast_forward->iteration_ended(job, rank, it);
  }
  void worker_done() const {
    JobRecord& r = state.jobs[job];
    if (++r.workers_done == spec().workers.size()) state.job_finished(job, sg4::Engine::get_clock());
  }

  // Fast-forward: at the first iteration of a planned skip, this actor passes the skipped
  // iterations in one sleep; `account(k)` books what k of its iterations would have sent and
  // computed. Rank 0 also records the skipped iterations (`last`: its iteration before, which
  // every skipped one repeats a period later) and their compression rounds. Returns the
  // iteration to go on with.
  template <class Account>
  long long fast_forward(long long it, const IterationRecord* last, Account account) const {
    if (!state.fast_forward) return it;
    const FastForward::Plan& plan = state.fast_forward->plan(job);
    if (it != plan.start) return it;
    account(plan.count);
    if (last) {
      CompressedJob* c = compressed();
      const double aggregation_s =
          c ? c->aggregation_s(c->coordinates() / double(spec().servers.size()), double(spec().workers.size())) : 0.0;
      for (long long i = 1; i <= plan.count; ++i) {
        const double shift = double(i) * plan.period;
        state.iterations.push_back({job, last->iteration + i, last->start_s + shift, last->compute_end_s + shift, last->end_s + shift});
        if (c) c->round_done(last->iteration + i, last->start_s + shift, last->compute_end_s + shift, last->end_s + shift,
                            aggregation_s, false);
      }
    }
    sg4::this_actor::sleep_for(double(plan.count) * plan.period);
    return it + plan.count;
  }
  // The calling actor's compute() calls per iteration, booked for skipped iterations.
  void book_executions(long long k, std::initializer_list<double> seconds) const {
    for (double s : seconds)
      if (s > 0) ctx.executions += (unsigned long long)(k);
  }

  CompressedJob* compressed() const { return state.compressed.empty() ? nullptr : state.compressed[job].get(); }
  // With a compression scheme a round also encodes before sending, waits for the servers'
  // aggregation work, and decodes after receiving; the bytes are the scheme's.
  void ps_worker(size_t rank) const {
    Endpoint self = worker(rank);
    std::vector<Endpoint> servers;
    for (size_t s = 0; s < spec().servers.size(); ++s) servers.push_back(server(s));
    CompressedJob* c = compressed();
    const double shards = double(servers.size());
    const double up_bytes = (c ? c->bytes_up() : spec().gradient_bytes) / shards;
    const double aggregation_s = c ? c->aggregation_s(c->coordinates() / shards, double(spec().workers.size())) : 0.0;
    std::vector<void*> results(servers.size());  // the bytes are SimGrid's to time; nothing to read
    auto rng = ctx.stream(job, rank);
    IterationRecord last{job, -1, 0, 0, 0};
    for (long long it = 0; it < spec().iterations; ++it) {
      it = fast_forward(it, rank == 0 ? &last : nullptr, [&](long long k) {
        for (const auto& s : servers) ctx.traffic.add(self.host, s.host, up_bytes, (unsigned long long)k);
        if (c && c->agreement_bytes() > 0)
          ctx.traffic.add(self.host, servers.front().host, c->agreement_bytes(), (unsigned long long)k);
        book_executions(k, {spec().compute_s, c ? c->encode_s() : 0.0, c ? c->decode_s() : 0.0});
      });
      double start = sg4::Engine::get_clock();
      ctx.compute_iteration(spec(), rng);
      double compute_end = sg4::Engine::get_clock();
      if (c && c->agreement_bytes() > 0) agree_scales(ctx, state, job, rank, ctx.platform.host(spec().servers[0]), c->agreement_bytes());
      if (c) ctx.compute(c->encode_s(), Work::encode);
      std::vector<sg4::CommPtr> comms;
      for (const auto& s : servers) comms.push_back(ctx.send_index(s, rank, up_bytes));
      for (auto& r : results) comms.push_back(self.mailbox->get_async<void>(&r));
      sg4::Comm::wait_all(comms);
      if (c) ctx.compute(c->decode_s(), Work::decode);
      iteration_done(rank, it, start, compute_end);
      last = {job, it, start, compute_end, sg4::Engine::get_clock()};
      if (c && rank == 0) c->round_done(it, start, compute_end, last.end_s, aggregation_s, it + 1 == spec().iterations);
    }
    worker_done();
  }

  void ps_server(size_t shard) const {
    Endpoint self = server(shard);
    std::vector<Endpoint> workers;
    for (size_t w = 0; w < spec().workers.size(); ++w) workers.push_back(worker(w));
    CompressedJob* c = compressed();
    const double shards = double(spec().servers.size());
    const double down_bytes = (c ? c->bytes_down() : spec().gradient_bytes) / shards;
    const double aggregation_s = c ? c->aggregation_s(c->coordinates() / shards, double(workers.size())) : 0.0;
    std::vector<void*> pushed(workers.size());
    for (long long it = 0; it < spec().iterations; ++it) {
      // A server keeps no time of its own: it books the skipped rounds and waits for the next push.
      if (const FastForward::Plan* plan = state.fast_forward ? &state.fast_forward->plan(job) : nullptr; plan && it == plan->start) {
        const auto k = (unsigned long long)plan->count;
        for (const auto& w : workers) {
          ctx.traffic.add(self.host, w.host, down_bytes, k);
          // Server 0's host also runs the scale agreement, a daemon that is never told to skip.
          if (shard == 0 && c && c->agreement_bytes() > 0) ctx.traffic.add(self.host, w.host, c->agreement_bytes(), k);
        }
        book_executions(plan->count, {aggregation_s});
        it += plan->count;
      }
      std::vector<sg4::CommPtr> comms;
      for (auto& p : pushed) comms.push_back(self.mailbox->get_async<void>(&p));
      sg4::Comm::wait_all(comms);
      ctx.compute(aggregation_s, Work::aggregate);
      comms.clear();
      for (const auto& w : workers) comms.push_back(ctx.send_index(w, shard, down_bytes));
      sg4::Comm::wait_all(comms);
    }
  }

  // Reduce-scatter then all-gather: 2(n-1) steps, each moving 1/n of the gradient to the next rank.
  void ring_worker(size_t rank) const {
    const size_t n = spec().workers.size();
    Endpoint self = worker(rank), next = worker((rank + 1) % n);
    const double chunk_bytes = spec().gradient_bytes / double(n);
    auto rng = ctx.stream(job, rank);
    IterationRecord last{job, -1, 0, 0, 0};
    for (long long it = 0; it < spec().iterations; ++it) {
      it = fast_forward(it, rank == 0 ? &last : nullptr, [&](long long k) {
        ctx.traffic.add(self.host, next.host, chunk_bytes, (unsigned long long)(k) * 2 * (n - 1));
        book_executions(k, {spec().compute_s});
      });
      double start = sg4::Engine::get_clock();
      ctx.compute_iteration(spec(), rng);
      double compute_end = sg4::Engine::get_clock();
      for (size_t step = 0; step < 2 * (n - 1); ++step) {
        void* received = nullptr;
        auto out = ctx.send_index(next, rank, chunk_bytes);
        auto in = self.mailbox->get_async<void>(&received);
        out->wait();
        in->wait();
      }
      iteration_done(rank, it, start, compute_end);
      last = {job, it, start, compute_end, sg4::Engine::get_clock()};
    }
    worker_done();
  }

  void start() const {
    state.job_started(job, sg4::Engine::get_clock());
    const JobSpec& j = spec();
    for (size_t w = 0; w < j.workers.size(); ++w) {
      auto body = j.aggregation == AggregationKind::ring_allreduce ? &JobActors::ring_worker : &JobActors::ps_worker;
      sg4::Actor::create(fmt::format("{}-w{}", j.name, w), ctx.platform.host(j.workers[w]),
                         [self = *this, body, w] { (self.*body)(w); });
    }
    for (size_t s = 0; s < j.servers.size(); ++s)
      sg4::Actor::create(fmt::format("{}-ps{}", j.name, s), ctx.platform.host(j.servers[s]),
                         [self = *this, s] { self.ps_server(s); });
    if (const CompressedJob* c = compressed(); c && c->agreement_bytes() > 0 && j.aggregation == AggregationKind::parameter_server)
      sg4::Actor::create(fmt::format("{}-agree", j.name), ctx.platform.host(j.servers[0]),
                         [this_ctx = &ctx, this_state = &state, job = job, rounds = j.iterations, bytes = c->agreement_bytes()] {
                           scale_agreement_service(*this_ctx, *this_state, job, rounds, bytes);
                         });
  }
};

}  // namespace

void launch_training(RunContext& ctx, TrainingState& state, ina_sim::InaRun* ina) {
  std::vector<size_t> order(state.workload.jobs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return state.workload.jobs[a].arrival_s < state.workload.jobs[b].arrival_s;
  });
  sg4::Actor::create("job-launcher", ctx.platform.hosts.front(), [&ctx, &state, ina, order] {
    for (size_t j : order) {
      sg4::this_actor::sleep_until(state.workload.jobs[j].arrival_s);
      if (state.workload.jobs[j].aggregation == AggregationKind::in_network) ina->submit(j);
      else JobActors{ctx, state, j}.start();
    }
  });
}

}  // namespace cs

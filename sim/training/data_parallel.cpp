#include "data_parallel.hpp"

#include <fmt/format.h>

#include "ina/ina_run.hpp"
#include "training/scale_agreement.hpp"

namespace cs {
namespace {

// The payload of every gradient and result message: the bytes are SimGrid's to time,
// these fields only say whose it is.
struct GradientMessage {
  size_t from;
  long long iteration;
};

struct JobActors {
  RunContext& ctx;
  TrainingState& state;
  size_t job;

  const JobSpec& spec() const { return state.workload.jobs[job]; }
  Endpoint worker(size_t rank) const {
    return {sg4::Mailbox::by_name(fmt::format("j{}/w{}", job, rank)), ctx.platform.host(spec().workers[rank])};
  }
  Endpoint server(size_t shard) const {
    return {sg4::Mailbox::by_name(fmt::format("j{}/ps{}", job, shard)), ctx.platform.host(spec().servers[shard])};
  }
  void iteration_done(size_t rank, long long it, double start, double compute_end) const {
    const double now = sg4::Engine::get_clock();
    if (rank == 0) state.iterations.push_back({job, it, start, compute_end, now});
    if (ctx.trace) ctx.trace->span("training", "iteration", start, now, {{"job", spec().name}, {"iteration", it}});
  }
  void worker_done() const {
    JobRecord& r = state.jobs[job];
    if (++r.workers_done == spec().workers.size()) {
      r.finish_s = sg4::Engine::get_clock();
      ++state.jobs_finished;
    }
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
    std::vector<GradientMessage*> results(servers.size());
    auto rng = ctx.stream(job, rank);
    for (long long it = 0; it < spec().iterations; ++it) {
      double start = sg4::Engine::get_clock();
      ctx.compute_iteration(spec(), rng);
      double compute_end = sg4::Engine::get_clock();
      if (c && c->agreement_bytes() > 0) agree_scales(ctx, job, rank, ctx.platform.host(spec().servers[0]), c->agreement_bytes());
      if (c) ctx.compute(c->encode_s(), Work::encode);
      std::vector<sg4::CommPtr> comms;
      for (const auto& s : servers) comms.push_back(ctx.send(s, std::make_unique<GradientMessage>(rank, it), up_bytes));
      for (auto& r : results) comms.push_back(self.mailbox->get_async<GradientMessage>(&r));
      sg4::Comm::wait_all(comms);
      for (auto* r : results) delete r;
      if (c) ctx.compute(c->decode_s(), Work::decode);
      iteration_done(rank, it, start, compute_end);
      if (c && rank == 0) c->round_done(it, start, compute_end, aggregation_s, it + 1 == spec().iterations);
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
    std::vector<GradientMessage*> pushed(workers.size());
    for (long long it = 0; it < spec().iterations; ++it) {
      std::vector<sg4::CommPtr> comms;
      for (auto& p : pushed) comms.push_back(self.mailbox->get_async<GradientMessage>(&p));
      sg4::Comm::wait_all(comms);
      for (auto* p : pushed) delete p;
      ctx.compute(aggregation_s, Work::aggregate);
      comms.clear();
      for (const auto& w : workers) comms.push_back(ctx.send(w, std::make_unique<GradientMessage>(shard, it), down_bytes));
      sg4::Comm::wait_all(comms);
    }
  }

  // Reduce-scatter then all-gather: 2(n-1) steps, each moving 1/n of the gradient to the next rank.
  void ring_worker(size_t rank) const {
    const size_t n = spec().workers.size();
    Endpoint self = worker(rank), next = worker((rank + 1) % n);
    const double chunk_bytes = spec().gradient_bytes / double(n);
    auto rng = ctx.stream(job, rank);
    for (long long it = 0; it < spec().iterations; ++it) {
      double start = sg4::Engine::get_clock();
      ctx.compute_iteration(spec(), rng);
      double compute_end = sg4::Engine::get_clock();
      for (size_t step = 0; step < 2 * (n - 1); ++step) {
        GradientMessage* received = nullptr;
        auto out = ctx.send(next, std::make_unique<GradientMessage>(rank, it), chunk_bytes);
        auto in = self.mailbox->get_async<GradientMessage>(&received);
        out->wait();
        in->wait();
        delete received;
      }
      iteration_done(rank, it, start, compute_end);
    }
    worker_done();
  }

  void start() const {
    state.jobs[job].start_s = sg4::Engine::get_clock();
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
                         [this_ctx = &ctx, job = job, n = j.workers.size(), rounds = j.iterations, bytes = c->agreement_bytes()] {
                           scale_agreement_service(*this_ctx, job, n, rounds, bytes);
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

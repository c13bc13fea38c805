#include "training/scale_agreement.hpp"

#include <fmt/format.h>

namespace cs {
namespace {

sg4::Mailbox* server_box(const TrainingState& s, size_t job) {
  return sg4::Mailbox::by_name(fmt::format("{}j{}/agree/ps", s.scope, job));
}
sg4::Mailbox* worker_box(const TrainingState& s, size_t job, size_t rank) {
  return sg4::Mailbox::by_name(fmt::format("{}j{}/agree/w{}", s.scope, job, rank));
}

}  // namespace

void agree_scales(RunContext& ctx, const TrainingState& state, size_t job, size_t rank, sg4::Host* server, double bytes) {
  ctx.send_index(Endpoint{server_box(state, job), server}, rank, bytes)->wait();
  worker_box(state, job, rank)->get<void>();
}

void scale_agreement_service(RunContext& ctx, const TrainingState& state, size_t job, long long rounds, double bytes) {
  sg4::Actor::self()->daemonize();
  const auto& workers = state.workload.jobs[job].workers;
  std::vector<sg4::Host*> hosts(workers.size());
  for (long long it = 0; it < rounds; ++it) {
    for (size_t w = 0; w < workers.size(); ++w) {
      const size_t from = RunContext::index_of(server_box(state, job)->get<void>());
      hosts[from] = ctx.platform.host(workers[from]);
    }
    std::vector<sg4::CommPtr> comms;
    for (size_t w = 0; w < workers.size(); ++w)
      comms.push_back(ctx.send_index(Endpoint{worker_box(state, job, w), hosts[w]}, 0, bytes));
    sg4::Comm::wait_all(comms);
  }
}

}  // namespace cs

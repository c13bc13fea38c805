#include "training/scale_agreement.hpp"

#include <fmt/format.h>

namespace cs {
namespace {

sg4::Mailbox* server_box(size_t job) { return sg4::Mailbox::by_name(fmt::format("j{}/agree/ps", job)); }
sg4::Mailbox* worker_box(size_t job, size_t rank) { return sg4::Mailbox::by_name(fmt::format("j{}/agree/w{}", job, rank)); }

}  // namespace

void agree_scales(RunContext& ctx, size_t job, size_t rank, sg4::Host* server, double bytes) {
  ctx.send_index(Endpoint{server_box(job), server}, rank, bytes)->wait();
  worker_box(job, rank)->get<void>();
}

void scale_agreement_service(RunContext& ctx, size_t job, size_t workers, long long rounds, double bytes) {
  sg4::Actor::self()->daemonize();
  std::vector<sg4::Host*> hosts(workers);
  for (long long it = 0; it < rounds; ++it) {
    for (size_t w = 0; w < workers; ++w) {
      const size_t from = RunContext::index_of(server_box(job)->get<void>());
      hosts[from] = ctx.platform.host(ctx.scenario.training.jobs[job].workers[from]);
    }
    std::vector<sg4::CommPtr> comms;
    for (size_t w = 0; w < workers; ++w)
      comms.push_back(ctx.send_index(Endpoint{worker_box(job, w), hosts[w]}, 0, bytes));
    sg4::Comm::wait_all(comms);
  }
}

}  // namespace cs

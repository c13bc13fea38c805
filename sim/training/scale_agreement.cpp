#include "training/scale_agreement.hpp"

#include <fmt/format.h>

namespace cs {
namespace {

struct Norms {
  size_t from;
  sg4::Host* sender;
};

sg4::Mailbox* server_box(size_t job) { return sg4::Mailbox::by_name(fmt::format("j{}/agree/ps", job)); }
sg4::Mailbox* worker_box(size_t job, size_t rank) { return sg4::Mailbox::by_name(fmt::format("j{}/agree/w{}", job, rank)); }

}  // namespace

void agree_scales(RunContext& ctx, size_t job, size_t rank, sg4::Host* server, double bytes) {
  ctx.send(Endpoint{server_box(job), server}, std::make_unique<Norms>(rank, sg4::this_actor::get_host()), bytes)->wait();
  receive<Norms>(worker_box(job, rank));
}

void scale_agreement_service(RunContext& ctx, size_t job, size_t workers, long long rounds, double bytes) {
  sg4::Actor::self()->daemonize();
  std::vector<sg4::Host*> hosts(workers);
  for (long long it = 0; it < rounds; ++it) {
    for (size_t w = 0; w < workers; ++w) {
      auto m = receive<Norms>(server_box(job));
      hosts[m->from] = m->sender;
    }
    std::vector<sg4::CommPtr> comms;
    for (size_t w = 0; w < workers; ++w)
      comms.push_back(ctx.send(Endpoint{worker_box(job, w), hosts[w]}, std::make_unique<Norms>(0, nullptr), bytes));
    sg4::Comm::wait_all(comms);
  }
}

}  // namespace cs

#pragma once
// A FIFO egress queue from one host toward one endpoint, as a NIC or a switch port: senders
// enqueue without blocking, and the port's own actor transmits in order, starting each
// transfer when the one before has left the sender at line rate (its bytes / the route's
// narrowest bandwidth), so that transfers pipeline like packets: their latencies overlap.
// Transfers started all at once would instead share the link as a processor, finish
// together, and leave it idle during the next ones' latency; many concurrent flows also slow
// SimGrid's sharing solver. In flight at most what the bandwidth-delay product holds, plus two.
#include <deque>
#include <memory>
#include <string>

#include "run/context.hpp"

namespace cs {

template <class T>
class Port {
 public:
  Port(RunContext& ctx, sg4::Host* from, Endpoint to, const std::string& name)
      : state_(std::make_shared<State>(State{ctx, to, sg4::Semaphore::create(0), {}})) {
    const auto& links = ctx.traffic.route(from, to.host);
    double latency = 0, bandwidth = links.empty() ? 0 : links.front()->get_bandwidth();
    for (const auto* l : links) {
      latency += l->get_latency();
      bandwidth = std::min(bandwidth, l->get_bandwidth());
    }
    const double bdp_bytes = latency * bandwidth;
    sg4::Actor::create(name, from, [s = state_, bdp_bytes, bandwidth] {
      sg4::Actor::self()->daemonize();
      std::deque<std::pair<sg4::CommPtr, double>> in_flight;
      double in_flight_bytes = 0, line_free_at = 0;
      for (;;) {
        s->ready->acquire();
        auto [payload, bytes, enqueued_s] = s->queue.front();
        s->queue.pop_front();
        while (in_flight.size() >= 2 && in_flight_bytes >= bdp_bytes + 2 * bytes) {
          in_flight.front().first->wait();
          in_flight_bytes -= in_flight.front().second;
          in_flight.pop_front();
        }
        if (line_free_at > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(line_free_at);
        s->ctx.traffic.add(sg4::this_actor::get_host(), s->to.host, bytes);
        in_flight.push_back({s->to.mailbox->put_async(payload, bytes), bytes});
        in_flight_bytes += bytes;
        const double now = sg4::Engine::get_clock();
        if (RunTrace* t = s->ctx.trace) {
          if (now > enqueued_s) t->span("queue", "queue", enqueued_s, now, {{"bytes", bytes}, {"to", s->to.host->get_name()}});
          t->transfer_started(in_flight.back().first, s->to.host, bytes);
        }
        line_free_at = now + bytes / bandwidth;
      }
    });
  }

  void send(std::unique_ptr<T> payload, double bytes) {
    state_->queue.push_back({payload.release(), bytes, state_->ctx.trace ? sg4::Engine::get_clock() : 0.0});
    state_->ready->release();
  }

 private:
  struct Queued {
    T* payload;
    double bytes;
    double enqueued_s;  // for the timeline's "queue" spans; 0 when not tracing
  };
  struct State {
    RunContext& ctx;
    Endpoint to;
    sg4::SemaphorePtr ready;
    std::deque<Queued> queue;
  };
  std::shared_ptr<State> state_;
};

}  // namespace cs

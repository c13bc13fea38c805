// A camera: creates requests at its arrival process's times, each with a tier and a real test
// sample, and sends the frame to its edge device over its own link. The link is a FIFO at its
// line rate: a frame waits only for the frames before it to leave (their bytes / the rate),
// then travels one latency, so frames in flight overlap as packets do; the camera never waits
// for a frame to arrive. A receiver on the edge takes each frame when its transfer completes.
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <xbt/config.hpp>

#include "inference/inference_run.hpp"
#include "learning/random.hpp"

namespace cs::inference {
namespace {

std::uint16_t draw_tier(const std::vector<TierSpec>& tiers, learning::SplitMix64& rng) {
  double u = rng.uniform();
  for (size_t i = 0; i + 1 < tiers.size(); ++i) {
    if (u < tiers[i].share) return std::uint16_t(i);
    u -= tiers[i].share;
  }
  return std::uint16_t(tiers.size() - 1);
}

// The frame is at the edge at `at_s`: the serving system routes it (INFaaS's memory state
// changes here).
void arrive(InferenceState& state, EdgeNode& edge, std::uint32_t id, double at_s) {
  RequestRecord& r = state.requests[id];
  r.edge_arrival = at_s;
  serving::Route route = edge.policy->route(r.tier, state.workload.tiers[r.tier].deadline_s);
  r.edge_variant = std::int16_t(route.edge_variant);
  r.dc_variant = std::int16_t(route.dc_variant);
  r.load_s = route.load_s;
  r.threshold = route.threshold;
  r.accuracy_expected = route.accuracy_expected;
  (route.edge_variant >= 0 ? edge.gpu : edge.uplink).push(id);
}

// The rate at which the network model carries a lone transfer over `route` (bytes/s): the
// narrowest link, capped by the TCP window over the round trip (network/TCP-gamma), times the
// model's bandwidth factor (1 under CM02, 0.97 under LV08). Read at each frame's start, so a
// bandwidth trace changes it from the next frame on.
class LineRate {
 public:
  explicit LineRate(const std::vector<const sg4::Link*>& route)
      : route_(route),
        gamma_(simgrid::config::get_value<double>("network/TCP-gamma")),
        factor_(simgrid::config::get_value<double>("network/bandwidth-factor")) {}
  double bytes_per_s() const {
    double bandwidth = std::numeric_limits<double>::infinity(), latency = 0;
    for (const auto* l : route_) {
      bandwidth = std::min(bandwidth, l->get_bandwidth());
      latency += l->get_latency();
    }
    if (gamma_ > 0 && latency > 0) bandwidth = std::min(bandwidth, gamma_ / (2 * latency));
    return bandwidth * factor_;
  }

 private:
  const std::vector<const sg4::Link*>& route_;
  double gamma_, factor_;
};

// Takes the camera's frames on the edge as their transfers complete (the mailbox has this actor
// as its receiver, so transfers start when sent and complete on their own). A reliable stream
// delivers in order: a frame waiting for its retransmissions (its stall) holds back the frames
// behind it (head-of-line blocking), though the link goes on carrying them; held frames wait in
// `held`, which another actor releases at each one's delivery time.
void receive_frames(InferenceState& state, EdgeNode& edge, sg4::Mailbox* frames, int index) {
  if (state.workload.transport == serving::TransportKind::lossy) {
    for (;;) {
      // The payload is the request's index plus one (SimGrid takes a null payload for none).
      const auto id = std::uint32_t(reinterpret_cast<std::uintptr_t>(frames->get<void>()) - 1);
      arrive(state, edge, id, sg4::Engine::get_clock());
    }
  }
  auto held = std::make_shared<WorkQueue>();
  sg4::Actor::create(fmt::format("camera{}-reorder", index), edge.host, [&state, &edge, held] {
    for (;;) {
      held->wait();
      const std::uint32_t id = held->items.front();
      const double delivery = state.requests[id].edge_arrival;
      sg4::this_actor::sleep_until(delivery);
      held->items.pop_front();
      arrive(state, edge, id, delivery);
    }
  })->daemonize();
  double last_delivery = 0;
  for (;;) {
    const auto id = std::uint32_t(reinterpret_cast<std::uintptr_t>(frames->get<void>()) - 1);
    const double now = sg4::Engine::get_clock();
    RequestRecord& r = state.requests[id];
    const double delivery = std::max(now + r.stall_s, last_delivery);
    last_delivery = delivery;
    if (delivery > now || !held->items.empty()) {
      r.edge_arrival = delivery;
      held->push(id);
    } else {
      arrive(state, edge, id, now);
    }
  }
}

}  // namespace

void camera(RunContext& ctx, InferenceState& state, int index, sg4::Host* edge_host, const LinkSpec& camera_link) {
  const InferenceWorkload& w = state.workload;
  const std::uint64_t seed = ctx.scenario.seed;
  const std::span<const double> trace =
      w.arrivals->from_trace ? std::span<const double>(w.trace[w.trace.size() == 1 ? 0 : size_t(index)]) : std::span<const double>();
  const auto arrivals = w.arrivals->make({w.rate_per_s, trace}, learning::SplitMix64(learning::derive_seed(seed, 1, std::uint64_t(index))));
  learning::SplitMix64 content(learning::derive_seed(seed, 2, std::uint64_t(index)));
  learning::SplitMix64 loss(learning::derive_seed(seed, 3, std::uint64_t(index)));
  sg4::Host* self = sg4::this_actor::get_host();
  serving::TransportParams transport{w.transport, w.packets(), w.packet_bytes, camera_link.loss_rate,
                                     2 * camera_link.latency_s, w.rto_s};
  EdgeNode& edge = state.edges[size_t(index) % state.edges.size()];
  const std::uint32_t samples = w.outcomes->samples();
  sg4::Mailbox* frames = sg4::Mailbox::by_name(self->get_name() + "-frames");
  sg4::ActorPtr receiver = sg4::Actor::create(fmt::format("camera{}-receiver", index), edge_host,
                                              [&state, &edge, frames, index] { receive_frames(state, edge, frames, index); });
  receiver->daemonize();
  frames->set_receiver(receiver);
  const LineRate line(ctx.traffic.route(self, edge_host));
  // When the link has sent every frame so far. A frame starts when it exists and the link is
  // free (a FIFO); it leaves bytes / rate later, and the next one may start then. Started that
  // way, SimGrid's transfers never overlap on the link, so each takes latency + bytes / rate.
  double line_free = 0;
  sg4::CommPtr last;  // the frame last sent, when the run may be cut (RunContext::send_and_forget)
  for (double t = arrivals->next(); t < w.duration_s; t = arrivals->next()) {
    const double start = std::max(t, line_free);
    if (start > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(start);
    const std::uint32_t id = std::uint32_t(state.requests.size());
    RequestRecord& r = state.requests.emplace_back();
    r.camera = std::uint32_t(index);
    r.edge = std::uint32_t(edge.index);
    r.created = t;
    r.sent = start;  // exact: sleep_until may wake within SimGrid's 1e-9 s precision
    r.tier = draw_tier(w.tiers, content);
    r.sample = std::uint32_t(content.below(samples));
    serving::FrameDelivery d = serving::deliver_frame(transport, loss);
    r.lost = std::move(d.lost);
    r.lost_packets = std::uint16_t(r.lost.size());
    r.retransmissions = std::uint16_t(std::min(d.retransmissions, 65535));
    r.timeouts = std::uint16_t(std::min(d.timeouts, 65535));
    r.stall_s = d.stall_s;
    // Retransmitted packets take their turn on the link with the frame they belong to.
    const double bytes = w.frame_bytes + d.extra_bytes;
    line_free = start + bytes / line.bytes_per_s();
    last = ctx.send_and_forget({frames, edge_host}, reinterpret_cast<void*>(std::uintptr_t(id) + 1), bytes);
  }
  if (last) last->wait();
  ++state.cameras_done;
  if (state.complete()) state.all_answered->release();
}

}  // namespace cs::inference

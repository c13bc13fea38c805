// A camera: creates requests at its arrival process's times, each with a tier and a real test
// sample, and sends the frame to its edge device. Frames go one after another on the camera's
// link; a frame that waits for the previous one is late from its creation on.
#include <cmath>
#include <fmt/format.h>
#include <memory>

#include "inference/inference_run.hpp"
#include "learning/random.hpp"

namespace cs::inference {
namespace {

// The arrival times of one camera, generated lazily.
class Arrivals {
 public:
  Arrivals(const InferenceWorkload& w, int camera, std::uint64_t seed)
      : w_(w), rng_(learning::derive_seed(seed, 1, std::uint64_t(camera))) {
    if (w.arrivals == ArrivalProcess::trace) {
      trace_ = &w.trace[w.trace.size() == 1 ? 0 : size_t(camera)];
    } else if (w.arrivals == ArrivalProcess::constant) {
      // A random phase per camera, so that cameras at one frame rate do not fire in lockstep.
      next_ = rng_.uniform() / w.rate_per_s;
    } else {
      next_ = exponential();
    }
  }
  // The next time, or a negative value when the camera is done.
  double next() {
    double t;
    if (trace_) {
      if (k_ >= trace_->size()) return -1;
      t = (*trace_)[k_++];
    } else {
      t = next_;
      next_ = w_.arrivals == ArrivalProcess::constant ? t + 1.0 / w_.rate_per_s : t + exponential();
    }
    return t < w_.duration_s ? t : -1;
  }

 private:
  double exponential() { return -std::log1p(-rng_.uniform()) / w_.rate_per_s; }
  const InferenceWorkload& w_;
  learning::SplitMix64 rng_;
  const std::vector<double>* trace_ = nullptr;
  size_t k_ = 0;
  double next_ = 0;
};

std::uint16_t draw_tier(const std::vector<TierSpec>& tiers, learning::SplitMix64& rng) {
  double u = rng.uniform();
  for (size_t i = 0; i + 1 < tiers.size(); ++i) {
    if (u < tiers[i].share) return std::uint16_t(i);
    u -= tiers[i].share;
  }
  return std::uint16_t(tiers.size() - 1);
}

// The frame is at the edge: the serving system routes it (INFaaS's memory state changes here).
void arrive(InferenceState& state, EdgeNode& edge, std::uint32_t id) {
  RequestRecord& r = state.requests[id];
  r.edge_arrival = sg4::Engine::get_clock();
  serving::Route route = edge.policy->route(r.tier, state.workload.tiers[r.tier].deadline_s);
  r.edge_variant = std::int16_t(route.edge_variant);
  r.dc_variant = std::int16_t(route.dc_variant);
  r.load_s = route.load_s;
  r.threshold = route.threshold;
  r.accuracy_expected = route.accuracy_expected;
  (route.edge_variant >= 0 ? edge.gpu : edge.uplink).push(id);
}

}  // namespace

void camera(RunContext& ctx, InferenceState& state, int index, sg4::Host* edge_host, const LinkSpec& camera_link) {
  const InferenceWorkload& w = state.workload;
  const std::uint64_t seed = ctx.scenario.seed;
  Arrivals arrivals(w, index, seed);
  learning::SplitMix64 content(learning::derive_seed(seed, 2, std::uint64_t(index)));
  learning::SplitMix64 loss(learning::derive_seed(seed, 3, std::uint64_t(index)));
  sg4::Host* self = sg4::this_actor::get_host();
  serving::TransportParams transport{w.transport, w.packets(), w.packet_bytes, camera_link.loss_rate,
                                     2 * camera_link.latency_s, w.rto_s};
  EdgeNode& edge = state.edges[size_t(index) % state.edges.size()];
  const std::uint32_t samples = w.outcomes->samples();
  // A reliable stream delivers in order: a frame waiting for a retransmission holds back the
  // frames behind it (head-of-line blocking), though the link goes on sending them. Held frames
  // wait in this queue, served by an actor that releases each at its delivery time.
  auto held = std::make_shared<WorkQueue>();
  double last_delivery = 0;
  if (w.transport == serving::TransportKind::reliable)
    sg4::Actor::create(fmt::format("camera{}-reorder", index), self, [&state, &edge, held] {
      for (;;) {
        held->wait();
        const std::uint32_t id = held->items.front();
        sg4::this_actor::sleep_until(state.requests[id].edge_arrival);  // its delivery time
        held->items.pop_front();
        arrive(state, edge, id);
      }
    })->daemonize();
  for (double t = arrivals.next(); t >= 0; t = arrivals.next()) {
    if (t > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(t);
    const std::uint32_t id = std::uint32_t(state.requests.size());
    RequestRecord& r = state.requests.emplace_back();
    r.camera = std::uint32_t(index);
    r.edge = std::uint32_t(edge.index);
    r.created = t;
    r.sent = std::max(t, sg4::Engine::get_clock());  // sleep_until may wake within SimGrid's 1e-9 s precision
    r.tier = draw_tier(w.tiers, content);
    r.sample = std::uint32_t(content.below(samples));
    serving::FrameDelivery d = serving::deliver_frame(transport, loss);
    r.lost = std::move(d.lost);
    r.lost_packets = std::uint16_t(r.lost.size());
    r.retransmissions = std::uint16_t(std::min(d.retransmissions, 65535));
    r.timeouts = std::uint16_t(std::min(d.timeouts, 65535));
    ctx.transfer(self, edge_host, w.frame_bytes + d.extra_bytes);
    // Other cameras may have appended requests meanwhile: index again rather than keep `r`.
    const double now = sg4::Engine::get_clock();
    const double delivery = std::max(now + d.stall_s, last_delivery);
    last_delivery = delivery;
    if (delivery > now || !held->items.empty()) {
      state.requests[id].edge_arrival = delivery;
      held->push(id);
    } else {
      arrive(state, edge, id);
    }
  }
  ++state.cameras_done;
  if (state.complete()) state.all_answered->release();
}

}  // namespace cs::inference

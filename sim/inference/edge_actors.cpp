// An edge device's three actors: the accelerator, which runs its queue in arrival order one
// request at a time (batch 1, as latency-bound edge serving does); the uplink, which sends
// requests routed straight to the DC; and the receiver of the DC's answers.
#include <cmath>

#include "inference/inference_run.hpp"

namespace cs::inference {

void forward_to_dc(RunContext& ctx, InferenceState& state, EdgeNode& edge, std::uint32_t id) {
  DcNode& dc = state.dcs[edge.next_dc++ % state.dcs.size()];
  state.requests[id].dc_server = dc.index;
  // The payload is the request's index plus one (SimGrid takes a null payload for none): no
  // allocation per request.
  ctx.send_and_forget({dc.inbox, dc.host}, reinterpret_cast<void*>(std::uintptr_t(id) + 1), state.workload.frame_bytes);
}

void edge_gpu(RunContext& ctx, InferenceState& state, EdgeNode& edge) {
  const InferenceWorkload& w = state.workload;
  std::vector<std::uint32_t> done_here;
  for (;;) {
    edge.gpu.wait();
    // Everything queued now runs back to back. Requests answered here need no activity of their
    // own: one execution covers a run of them, cut where a request must leave for the DC at
    // its own finish time. Service is non-preemptive and in order, so the times are exact.
    const double start = sg4::Engine::get_clock();
    double busy = 0;
    auto run_until_now = [&] {
      ctx.compute(busy);  // one activity for the whole run (energy sees the busy time)
      for (std::uint32_t id : done_here) {
        RequestRecord& r = state.requests[id];
        state.answer(r, r.edge_end + edge.client_hop_s, r.correct);
      }
      done_here.clear();
      busy = 0;
    };
    double clock = start;
    while (!edge.gpu.items.empty()) {
      const std::uint32_t id = edge.gpu.items.front();
      edge.gpu.items.pop_front();
      RequestRecord& r = state.requests[id];
      const VariantSpec& v = w.variants[size_t(r.edge_variant)];
      r.edge_start = clock;
      if (r.load_s > 0) {
        ++edge.model_loads;
        edge.load_s += r.load_s;
        if (ctx.trace) ctx.trace->span("model", "load " + v.name, clock, clock + r.load_s);
      }
      double inference_s = v.edge_latency.at(1);
      if (w.edge_service_exponential) inference_s *= -std::log1p(-edge.service_rng.uniform());
      const double service = r.load_s + inference_s;
      r.edge_end = clock + service;
      if (ctx.trace) ctx.trace->span("inference", v.name, clock + r.load_s, r.edge_end);
      clock = r.edge_end;
      busy += service;
      edge.busy_s += service;
      ++edge.served;
      const Outcome o = w.outcomes->outcome(r.edge_variant, r.sample, r.lost, w.packets());
      r.confidence = o.confidence;
      r.correct = o.correct;  // the edge's answer; replaced by the DC's if the request goes on
      if (r.dc_variant >= 0 && o.confidence < r.threshold) {
        run_until_now();
        forward_to_dc(ctx, state, edge, id);
      } else {
        r.at_edge = true;
        done_here.push_back(id);
      }
    }
    run_until_now();
  }
}

void edge_uplink(RunContext& ctx, InferenceState& state, EdgeNode& edge) {
  for (;;) {
    edge.uplink.wait();
    while (!edge.uplink.items.empty()) {
      forward_to_dc(ctx, state, edge, edge.uplink.items.front());
      edge.uplink.items.pop_front();
    }
  }
}

void edge_results(InferenceState& state, EdgeNode& edge) {
  const InferenceWorkload& w = state.workload;
  for (;;) {
    std::unique_ptr<std::vector<std::uint32_t>> answers(edge.results->get<std::vector<std::uint32_t>>());
    const double now = sg4::Engine::get_clock();
    for (std::uint32_t id : *answers) {
      RequestRecord& r = state.requests[id];
      const Outcome o = w.outcomes->outcome(r.dc_variant, r.sample, r.lost, w.packets());
      state.answer(r, now + edge.client_hop_s, o.correct);
    }
  }
}

}  // namespace cs::inference

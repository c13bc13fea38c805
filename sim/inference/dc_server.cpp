// A DC GPU server: a receiver takes forwarded requests as their transfers complete (stamping
// their arrival) and queues them; the GPU runs them in batches. Greedy dynamic batching: whenever the GPU is free it takes up to max_batch queued
// requests for the variant at the head of the queue, in arrival order (all variants stay
// resident in DC memory). Answers go back to each request's edge device, one message per edge
// per batch.
#include <map>

#include "inference/inference_run.hpp"

namespace cs::inference {

void dc_receiver(InferenceState& state, DcNode& dc) {
  for (;;) {
    // The payload is the request's index plus one (see forward_to_dc).
    const auto id = std::uint32_t(reinterpret_cast<std::uintptr_t>(dc.inbox->get<void>()) - 1);
    state.requests[id].dc_arrival = sg4::Engine::get_clock();
    dc.queue.push(id);
  }
}

void dc_server(RunContext& ctx, InferenceState& state, DcNode& dc) {
  const InferenceWorkload& w = state.workload;
  std::deque<std::uint32_t>& queue = dc.queue.items;
  std::vector<std::uint32_t> batch;
  std::map<std::uint32_t, std::vector<std::uint32_t>> per_edge;
  for (;;) {
    dc.queue.wait();
    const int variant = state.requests[queue.front()].dc_variant;
    batch.clear();
    for (auto it = queue.begin(); it != queue.end() && int(batch.size()) < w.dc_max_batch;) {
      if (state.requests[*it].dc_variant == variant) {
        batch.push_back(*it);
        it = queue.erase(it);
      } else {
        ++it;
      }
    }
    const VariantSpec& v = w.variants[size_t(variant)];
    const double start = sg4::Engine::get_clock();
    const double service = v.dc_latency.at(int(batch.size()));
    ctx.compute(service);
    if (ctx.trace) ctx.trace->span("inference", v.name, start, start + service, {{"batch", double(batch.size())}});
    dc.busy_s += service;
    dc.served += (long long)batch.size();
    ++dc.batches;
    const double end = sg4::Engine::get_clock();
    for (std::uint32_t id : batch) {
      RequestRecord& r = state.requests[id];
      r.dc_start = start;
      r.dc_end = end;
      r.dc_batch = std::uint16_t(batch.size());
      per_edge[r.edge].push_back(id);
    }
    for (auto& [edge, ids] : per_edge) {
      if (ids.empty()) continue;
      const double bytes = w.reply_bytes * double(ids.size());
      EdgeNode& e = state.edges[edge];
      ctx.send_and_forget({e.results, e.host}, new std::vector<std::uint32_t>(std::move(ids)), bytes,
                        [](void* p) { delete static_cast<std::vector<std::uint32_t>*>(p); });
      ids.clear();
    }
  }
}

}  // namespace cs::inference

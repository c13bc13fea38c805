#include "run/packet_lines.hpp"

namespace cs {

const PacketLines::Path& PacketLines::path(const sg4::Host* from, const sg4::Host* to) {
  auto [it, fresh] = paths_.try_emplace({from, to});
  if (fresh) {
    it->second.links = ctx.traffic.route(from, to);
    for (const sg4::Link* l : it->second.links) it->second.lines.push_back(&lines_[l]);
  }
  return it->second;
}

void PacketLines::carry(const sg4::Host* from, const sg4::Host* to, std::span<Lane> lanes) {
  const Path& p = path(from, to);
  // Each line drains at its share of the link now (run/shared_ports.hpp), fixed for the batch.
  std::vector<net::LinkParams> hops;
  for (const sg4::Link* l : p.links) hops.push_back({ctx.ports.packet_rate(l), l->get_latency()});
  auto params = [&hops](std::size_t h) { return hops[h]; };
  auto record = [&](double first_ready, double first_wait_bytes, double last, double total) {
    for (std::size_t h = 0; h < p.links.size(); ++h) ctx.ports.packets_busy(p.links[h], p.lines[h]->free_at);
    ctx.traffic.add(from, to, total);
    if (!ctx.trace) return;
    const double start = first_ready + first_wait_bytes / hops.front().bandwidth_Bps;
    if (start > first_ready) ctx.trace->span("queue", "queue", first_ready, start, {{"bytes", total}, {"to", to->get_name()}});
    ctx.trace->span("network", "transfer", start, last, {{"bytes", total}, {"to", to->get_name()}});
  };
  if (lanes.size() == 1) {  // one message (the common case): its packets go in its own order, in place
    Lane& lane = lanes.front();
    if (lane.times->empty()) return;
    const double first_ready = lane.times->front();
    double first_wait_bytes = 0, total = 0;
    for (std::size_t i = 0; i < lane.times->size(); ++i) total += lane.bytes(i);
    lane.arrival = net::traverse(std::span<net::FifoServer* const>(p.lines), params, std::span<double>(*lane.times), lane.bytes,
                                 [&](std::size_t i, double backlog_bytes) {
                                   if (i == 0) first_wait_bytes = backlog_bytes;
                                   if (lane.on_enqueue) lane.on_enqueue(i, backlog_bytes);
                                 });
    record(first_ready, first_wait_bytes, lane.arrival, total);
    return;
  }
  // Interleave the lanes' packets in the order they are ready (stable: a lane keeps its order).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> order;  // (lane, packet)
  for (std::uint32_t l = 0; l < lanes.size(); ++l)
    for (std::uint32_t i = 0; i < lanes[l].times->size(); ++i) order.push_back({l, i});
  if (order.empty()) return;
  auto time_of = [&](const std::pair<std::uint32_t, std::uint32_t>& o) { return (*lanes[o.first].times)[o.second]; };
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) { return time_of(a) < time_of(b); });
  std::vector<double> times(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) times[k] = time_of(order[k]);
  const double first_ready = times.front();
  double first_wait_bytes = 0;
  std::vector<double> bytes(order.size());
  double total = 0;
  for (std::size_t k = 0; k < order.size(); ++k) total += bytes[k] = lanes[order[k].first].bytes(order[k].second);
  const double last = net::traverse(
      std::span<net::FifoServer* const>(p.lines), params, std::span<double>(times), [&](std::size_t k) { return bytes[k]; },
      [&](std::size_t k, double backlog_bytes) {
        if (k == 0) first_wait_bytes = backlog_bytes;
        const Lane& lane = lanes[order[k].first];
        if (lane.on_enqueue) lane.on_enqueue(order[k].second, backlog_bytes);
      });
  for (Lane& lane : lanes) lane.arrival = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    Lane& lane = lanes[order[k].first];
    (*lane.times)[order[k].second] = times[k];
    lane.arrival = std::max(lane.arrival, times[k]);
  }
  record(first_ready, first_wait_bytes, last, total);
}

}  // namespace cs

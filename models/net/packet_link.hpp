#pragma once
// Packets over store-and-forward links, one packet at a time: each directed link is a FIFO
// line that sends a packet in bytes / bandwidth once the packets before it have left, and
// the packet arrives one latency later; each hop of a route stores the whole packet before
// sending it on. Pure arithmetic on timestamps, so a simulator may hand over a batch of
// packets at once and still time every packet as if it had travelled alone.
#include <algorithm>
#include <cstddef>
#include <span>

namespace cs::net {

// A single server in FIFO order: a line sending bytes, or a CPU summing packets.
struct FifoServer {
  double free_at = 0;  // when it has finished everything it was given
  // Work of `seconds` that can start at `ready`: returns when it ends.
  double serve(double ready, double seconds) {
    free_at = std::max(ready, free_at) + seconds;
    return free_at;
  }
  // Work given but not finished at time t, in seconds.
  double backlog_s(double t) const { return std::max(0.0, free_at - t); }
};

struct LinkParams {
  double bandwidth_Bps;  // bytes per second
  double latency_s;
};

// Moves packets along `route`, in order: `times[i]` is when packet i is ready at the first
// hop on entry and when it has fully arrived at the route's end on return. `lines[h]` is hop
// h's line (shared by everything crossing that link), `params(h)` its current bandwidth and
// latency, `bytes(i)` packet i's size. `on_first_hop(i, backlog_bytes)` sees what is queued
// on the first line when packet i joins it (for ECN marking). Returns the last arrival.
template <class Params, class Bytes, class OnFirstHop>
double traverse(std::span<FifoServer* const> lines, Params&& params, std::span<double> times, Bytes&& bytes,
                OnFirstHop&& on_first_hop) {
  double last = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    double t = times[i];
    const double size = bytes(i);
    for (std::size_t h = 0; h < lines.size(); ++h) {
      const LinkParams p = params(h);
      if (h == 0) on_first_hop(i, lines[h]->backlog_s(t) * p.bandwidth_Bps);
      t = lines[h]->serve(t, size / p.bandwidth_Bps) + p.latency_s;
    }
    times[i] = t;
    last = std::max(last, t);
  }
  return last;
}

}  // namespace cs::net

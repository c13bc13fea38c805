// One frame's packets over the camera link. The first transmission draws one uniform per packet
// in packet order (lossy and reliable alike, so both lose the same packets at one rng state);
// reliable recovery then draws one per retransmitted packet: first the fast retransmissions (in
// one RTT), then each timeout round's retransmissions of what is still missing.
#include "serving/transport.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace cs::serving {

namespace {

void validate(const TransportParams& p) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("transport: " + what); };
  if (p.packets < 1 || p.packets > 65535) fail("packets per frame must be in [1, 65535], got " + std::to_string(p.packets));
  if (!(p.loss_rate >= 0 && p.loss_rate < 1)) fail("loss_rate must be in [0, 1), got " + std::to_string(p.loss_rate));
  if (!(p.packet_bytes >= 0) || !std::isfinite(p.packet_bytes)) fail("packet_bytes must be finite and >= 0");
  if (!(p.rtt_s >= 0) || !std::isfinite(p.rtt_s)) fail("rtt_s must be finite and >= 0");
  if (!(p.rto_s >= 0) || !std::isfinite(p.rto_s)) fail("rto_s must be finite and >= 0");
  if (p.dupack_threshold < 0) fail("dupack_threshold must be >= 0");
  if (p.max_rounds < 0) fail("max_rounds must be >= 0");
}

// How many of `count` (re)transmitted packets are lost, one draw each.
int lost_of(int count, double loss_rate, learning::SplitMix64& rng) {
  int lost = 0;
  for (int i = 0; i < count; ++i) lost += rng.uniform() < loss_rate;
  return lost;
}

}  // namespace

FrameDelivery deliver_frame(const TransportParams& params, learning::SplitMix64& rng) {
  validate(params);
  FrameDelivery d;
  if (params.loss_rate == 0) return d;  // nothing lost, nothing drawn

  for (int i = 0; i < params.packets; ++i)
    if (rng.uniform() < params.loss_rate) d.lost.push_back(std::uint16_t(i));
  if (params.kind == TransportKind::lossy || d.lost.empty()) return d;

  // Reliable. Lost packet j-th of L (ascending) at index i has (packets - 1 - i) packets after
  // it, of which (L - 1 - j) were lost too: the rest send duplicate ACKs.
  const int n_lost = int(d.lost.size());
  int fast = 0;
  for (int j = 0; j < n_lost; ++j) {
    const int delivered_after = (params.packets - 1 - int(d.lost[j])) - (n_lost - 1 - j);
    fast += delivered_after >= params.dupack_threshold;
  }
  int tail = n_lost - fast;
  d.lost.clear();  // everything is delivered in the end

  auto retransmit = [&](int count) {
    d.retransmissions += count;
    d.extra_bytes += double(count) * params.packet_bytes;
    return lost_of(count, params.loss_rate, rng);
  };

  int rounds = 0;
  if (fast > 0 && rounds < params.max_rounds) {
    ++rounds;
    d.stall_s += params.rtt_s;
    tail += retransmit(fast);
  }
  while (tail > 0 && rounds < params.max_rounds) {
    ++rounds;
    d.stall_s += params.rto_s * std::ldexp(1.0, d.timeouts);
    ++d.timeouts;
    tail = retransmit(tail);
  }
  return d;
}

void conceal_lost_packets(float* image, int rows, int cols, int packets, const std::vector<std::uint16_t>& lost,
                          float fill) {
  if (rows < 0 || cols < 0) throw std::invalid_argument("conceal_lost_packets: negative image size");
  if (packets < 1) throw std::invalid_argument("conceal_lost_packets: packets must be >= 1");
  for (std::uint16_t k : lost) {
    if (int(k) >= packets)
      throw std::invalid_argument("conceal_lost_packets: lost packet " + std::to_string(k) + " of " +
                                  std::to_string(packets));
    const long long begin = (long long)k * rows / packets, end = ((long long)k + 1) * rows / packets;
    for (long long r = begin; r < end; ++r)
      for (int c = 0; c < cols; ++c) image[r * cols + c] = fill;
  }
}

}  // namespace cs::serving

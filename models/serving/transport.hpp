#pragma once
// The camera-to-edge transport of one frame, packet by packet. Lossy (HawkVision): nothing is
// retransmitted; the receiver decodes what arrived. Reliable (TCP-like): a lost packet with at
// least `dupack_threshold` delivered packets after it is recovered by fast retransmit in one
// RTT; one near the tail (too few packets after it to trigger duplicate ACKs), or a lost
// retransmission, waits for the retransmission timeout, which doubles on each further timeout.
#include <cstdint>
#include <vector>

#include "learning/random.hpp"

namespace cs::serving {

enum class TransportKind { lossy, reliable };

struct TransportParams {
  TransportKind kind = TransportKind::lossy;
  int packets = 1;            // packets per frame, >= 1
  double packet_bytes = 1400;
  double loss_rate = 0;       // per packet, each independent, in [0, 1)
  double rtt_s = 0;           // of the camera link
  double rto_s = 0.2;         // initial retransmission timeout (Linux's minimum)
  int dupack_threshold = 3;
  int max_rounds = 16;        // recovery rounds before the frame is given up as delivered
};

struct FrameDelivery {
  std::vector<std::uint16_t> lost;  // lossy: packet indices missing at the receiver, ascending
  double extra_bytes = 0;           // reliable: bytes retransmitted
  double stall_s = 0;               // reliable: recovery time beyond the first transmission
  int retransmissions = 0;          // reliable: packets sent again
  int timeouts = 0;                 // reliable: retransmission timeouts taken
};

// Draws one frame's fate. Uses rng only when loss_rate > 0, so a loss-free run draws nothing.
FrameDelivery deliver_frame(const TransportParams& params, learning::SplitMix64& rng);

// Lossy frames: packet k carries image rows [k*rows/packets, (k+1)*rows/packets) (integer
// division); the rows of lost packets are replaced by `fill`, as a decoder conceals lost
// slices with a flat patch. `image` is rows x cols, row-major.
void conceal_lost_packets(float* image, int rows, int cols, int packets, const std::vector<std::uint16_t>& lost,
                          float fill);

}  // namespace cs::serving

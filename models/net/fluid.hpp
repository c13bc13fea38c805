#pragma once
// The flow-level network model SimGrid's CM02 and LV08 models use, on plain data: a transfer
// first waits out its route's latency (times the latency factor), then shares each link it
// crosses by weighted max-min (weight 1 / the route's latency, SimGrid's sharing penalty),
// capped by the narrowest link and the TCP window over twice the latency; its progress rate is
// the max-min value times the bandwidth factor. Constants and rules from SimGrid 3.32,
// src/surf/network_cm02.cpp (NetworkCm02Model::communicate and comm_action_set_bounds).
//
// Used by the analytical fidelity level (models/training/analytical.hpp): a set of transfers
// started together is advanced event by event (a latency paid, a transfer done), one max-min
// solve per event, exactly as SimGrid advances them when nothing else shares their links.
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <vector>

namespace cs::net {

// One direction of a link.
struct Channel {
  double capacity_Bps;
  double latency_s;
};

struct NetworkParams {
  double latency_factor = 1, bandwidth_factor = 1;  // CM02: 1 and 1; LV08: 13.01 and 0.97
  double weight_s = 0;                              // LV08: 20537 (adds weight_s / bandwidth per link to the penalty)
  double tcp_gamma_bytes = 4194304;                 // network/TCP-gamma
  double crosstraffic = 0;                          // LV08: 0.05 of a flow's rate on its reverse route
};

struct Path {
  std::vector<std::uint32_t> forward;   // channels crossed, in order
  std::vector<std::uint32_t> backward;  // the reverse route's channels (cross-traffic)
};

// What the max-min solver needs of a flow on `path`.
struct FlowShape {
  double latency_s;  // paid before any byte moves (already times the latency factor)
  double penalty;    // weight in the sharing is 1 / penalty
  double bound_Bps;  // the max-min value may not exceed this
};
FlowShape flow_shape(const Path& path, std::span<const Channel> channels, const NetworkParams& params);

// A weighted max-min problem: each variable crosses some channels with a consumption weight.
struct Usage {
  std::uint32_t channel;
  double weight;
};
struct Variable {
  double penalty, bound_Bps;  // bound_Bps: infinity for none
  std::span<const Usage> usage;
};

// What flows outside the problem (competitors) take of a channel at sharing level L:
// min(weight x L, cap_Bps). The weight is theirs in the max-min sharing; the cap is what they
// can use at most, held back elsewhere (their own bottlenecks, their compute).
struct Claim {
  double weight = 0;
  double cap_Bps = std::numeric_limits<double>::infinity();
};
using Background = std::function<Claim(std::uint32_t channel)>;  // empty: none

// Rates (max-min values) by progressive filling: at level L each unfixed variable takes
// L / penalty; a channel saturates when its remaining capacity is used, fixing the variables on
// it. Only the channels the variables cross are looked at.
std::vector<double> max_min(std::span<const Variable> variables, std::span<const Channel> channels,
                            const Background& background = {});

struct Transfer {
  std::uint32_t path;
  double bytes;
  double bound_Bps = std::numeric_limits<double>::infinity();  // an extra cap (a window, memory)
};

// Seconds until every transfer, all started at time 0 on `paths`, has arrived.
double completion_time(std::span<const Transfer> transfers, std::span<const Path> paths,
                       std::span<const Channel> channels, const NetworkParams& params,
                       const Background& background = {});

}  // namespace cs::net

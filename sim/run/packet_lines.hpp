#pragma once
// Packet-timed traffic over SimGrid's links: each directed link a FIFO line (models/net/
// packet_link.hpp) that drains at what the flows there leave it (run/shared_ports.hpp), and
// lowers their share while it has a backlog. INA's packets travel this way.
#include <functional>
#include <map>
#include <span>
#include <unordered_map>
#include <vector>

#include "net/packet_link.hpp"
#include "run/context.hpp"

namespace cs {

class PacketLines {
 public:
  explicit PacketLines(RunContext& c) : ctx(c) {}
  RunContext& ctx;

  // One message's packets on their way from one host to another: `times` go from ready to
  // arrived, `bytes(i)` is packet i's size, `on_enqueue(i, backlog_bytes)` (if set) sees the
  // first line's queue as packet i joins it; `arrival` is set to the last packet's arrival.
  struct Lane {
    std::vector<double>* times;
    std::function<double(std::size_t)> bytes;
    std::function<void(std::size_t, double)> on_enqueue = {};
    double arrival = 0;
  };
  // Carries messages from `from` to `to` over the links of the route. Messages sent together
  // share the lines in the order their packets are ready. Counts the bytes and records the
  // transfers.
  void carry(const sg4::Host* from, const sg4::Host* to, std::span<Lane> lanes);
  double carry(const sg4::Host* from, const sg4::Host* to, std::vector<double>& times, std::function<double(std::size_t)> bytes) {
    Lane lane{&times, std::move(bytes)};
    carry(from, to, std::span<Lane>(&lane, 1));
    return lane.arrival;
  }

 private:
  struct Path {
    std::vector<const sg4::Link*> links;
    std::vector<net::FifoServer*> lines;
  };
  const Path& path(const sg4::Host* from, const sg4::Host* to);
  std::unordered_map<const sg4::Link*, net::FifoServer> lines_;
  std::map<std::pair<const sg4::Host*, const sg4::Host*>, Path> paths_;
};

}  // namespace cs

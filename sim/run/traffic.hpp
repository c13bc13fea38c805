#pragma once
// Bytes carried by each link direction, from the route of every message sent.
#include <simgrid/s4u.hpp>
#include <unordered_map>
#include <vector>

namespace cs {

class TrafficCounter {
 public:
  // `count` messages of `bytes` each (more than one: iterations advanced by fast-forward).
  void add(const simgrid::s4u::Host* src, const simgrid::s4u::Host* dst, double bytes, unsigned long long count = 1);
  // The links from src to dst, looked up once per pair (also used for loss and port pacing).
  const std::vector<const simgrid::s4u::Link*>& route(const simgrid::s4u::Host* src, const simgrid::s4u::Host* dst);
  double bytes_on(const simgrid::s4u::Link* link) const;
  double payload_bytes() const { return payload_bytes_; }  // each message counted once
  unsigned long long messages() const { return messages_; }

 private:
  struct PairHash {
    size_t operator()(const std::pair<const void*, const void*>& p) const {
      return std::hash<const void*>()(p.first) * 31 + std::hash<const void*>()(p.second);
    }
  };
  std::unordered_map<std::pair<const void*, const void*>, std::vector<const simgrid::s4u::Link*>, PairHash> routes_;
  std::unordered_map<const simgrid::s4u::Link*, double> bytes_;
  double payload_bytes_ = 0;
  unsigned long long messages_ = 0;
};

}  // namespace cs

#include "traffic.hpp"

namespace cs {

const std::vector<const simgrid::s4u::Link*>& TrafficCounter::route(const simgrid::s4u::Host* src,
                                                                    const simgrid::s4u::Host* dst) {
  auto [it, inserted] = routes_.try_emplace({src, dst});
  if (inserted) {
    std::vector<simgrid::s4u::Link*> links;
    double latency = 0;
    src->route_to(dst, links, &latency);
    it->second.assign(links.begin(), links.end());
  }
  return it->second;
}

void TrafficCounter::add(const simgrid::s4u::Host* src, const simgrid::s4u::Host* dst, double bytes,
                         unsigned long long count) {
  const double total = bytes * double(count);
  for (const auto* link : route(src, dst)) bytes_[link] += total;
  payload_bytes_ += total;
  messages_ += count;
}

double TrafficCounter::bytes_on(const simgrid::s4u::Link* link) const {
  auto it = bytes_.find(link);
  return it == bytes_.end() ? 0 : it->second;
}

}  // namespace cs

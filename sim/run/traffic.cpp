#include "traffic.hpp"

#include <cstddef>

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

const std::vector<const simgrid::s4u::Link*>& TrafficCounter::add(const simgrid::s4u::Host* src,
                                                                  const simgrid::s4u::Host* dst, double bytes,
                                                                  unsigned long long count) {
  const double total = bytes * double(count);
  const auto& links = route(src, dst);
  for (const auto* link : links) bytes_[link] += total;
  payload_bytes_ += total;
  messages_ += count;
  return links;
}

void TrafficCounter::ended(const void* activity, double now) {
  if (!tracking_) return;
  auto it = in_flight_.find(activity);
  if (it == in_flight_.end()) return;
  size_t done = 0;
  while (done < finished_.size() && finished_[done].first < now) ++done;
  finished_.erase(finished_.begin(), finished_.begin() + std::ptrdiff_t(done));
  finished_.emplace_back(now, std::move(it->second.comm));
  in_flight_.erase(it);
}

void TrafficCounter::cut() {
  for (auto& [activity, f] : in_flight_) {
    // Not yet matched with its receiver, a transfer has no network action (start time -1) and
    // SimGrid reports nothing remaining; it has moved nothing.
    const double unsent = f.comm->get_start_time() < 0 ? f.bytes : f.comm->get_remaining();
    for (const auto* link : route(f.src, f.dst)) bytes_[link] -= unsent;
    // Undelivered: its receiver never took the payload over.
    if (f.clean) f.clean(f.payload);
    at_cut_.push_back(std::move(f.comm));
  }
  in_flight_.clear();
}

double TrafficCounter::bytes_on(const simgrid::s4u::Link* link) const {
  auto it = bytes_.find(link);
  return it == bytes_.end() ? 0 : it->second;
}

}  // namespace cs

#include "shared_ports.hpp"

#include <algorithm>
#include <simgrid/kernel/Timer.hpp>

namespace cs {

void SharedPorts::init(const Platform& platform, double packet_share) {
  share_ = packet_share;
  for (const auto* link : platform.links)
    for (const sg4::Link* l : {link->get_link_up(), link->get_link_down()}) ports_[l] = Port{};
}

SharedPorts::Port* SharedPorts::port(const sg4::Link* link) {
  auto it = ports_.find(link);
  return it == ports_.end() ? nullptr : &it->second;
}

void SharedPorts::flow_over(const std::vector<const sg4::Link*>& route) {
  const double now = sg4::Engine::get_clock();
  for (const sg4::Link* l : route) {
    Port* p = port(l);
    if (!p) continue;
    p->flows = true;
    if (p->busy_until > now) lower(const_cast<sg4::Link*>(l), *p);
  }
}

double SharedPorts::packet_rate(const sg4::Link* link) const {
  const double full = link->get_bandwidth();
  const double flows = link->get_usage();
  return full - std::min(flows, (1.0 - share_) * full);
}

void SharedPorts::packets_busy(const sg4::Link* link, double until) {
  Port* p = port(link);
  if (!p) return;
  p->busy_until = std::max(p->busy_until, until);
  // Lowered only while a flow is on it: flows posted later lower it themselves (flow_over).
  if (p->flows && p->busy_until > sg4::Engine::get_clock() && (p->lowered || link->is_used()))
    lower(const_cast<sg4::Link*>(link), *p);
}

// Not set_bandwidth: SimGrid bounds a flow by its route's bandwidth when the flow starts, so a
// flow started on a lowered link would stay lowered. A non-linear sharing policy lowers only
// what the solver shares out; setting the unchanged bandwidth makes it solve again.
void SharedPorts::lower(sg4::Link* link, Port& p) {
  if (!p.nonlinear) {
    p.nonlinear = true;
    link->set_sharing_policy(sg4::Link::SharingPolicy::NONLINEAR, [&p, this](double capacity, int) {
      return p.lowered ? (1.0 - share_) * capacity : capacity;
    });
  }
  if (!p.lowered) {
    p.lowered = true;
    link->set_bandwidth(link->get_bandwidth());
  }
  restore_when_drained(link, p);
}

// One pending restore per port: when it fires early (the line took more work since), it waits
// again for the new end.
void SharedPorts::restore_when_drained(sg4::Link* link, Port& p) {
  if (p.timer) return;
  p.timer = true;
  simgrid::kernel::timer::Timer::set(p.busy_until, [this, link, &p] {
    p.timer = false;
    if (p.busy_until > sg4::Engine::get_clock()) {
      restore_when_drained(link, p);
      return;
    }
    p.lowered = false;
    link->set_bandwidth(link->get_bandwidth());
  });
}

}  // namespace cs

#pragma once
// Where packet-timed traffic (INA's FIFO lines, models/net/packet_link.hpp) and SimGrid's flows
// meet on one link. Each switch port serves two classes, weighted fair: INA's packets and
// everything else. A class that has work gets at least its weight of the link and whatever the
// other leaves (work-conserving), so
//   INA's packets drain at        B - min(u, (1 - w) B)   (u: the flows' current rate on it)
//   the flows share, while INA's line has a backlog,  (1 - w) B,  and B otherwise,
// with w = platform.ina_port_share. The flows' side is SimGrid's own max-min over a link whose
// capacity for them is lowered while INA's line is busy and restored when it drains.
//
// Bounded approximations, both shorter than one INA batch (at most a route latency at the
// link's full rate, see InaRun::choose_unit; 1 / w of that at INA's share): a batch's drain
// rate is fixed when it is timed, so flows that start or end during it change it from the
// next batch on; and the fluid flows occupy no buffer, so ECN
// sees them only through the slower drain of INA's own queue. A link is lowered only while a
// flow is on it, or when a flow is posted over it during INA's backlog: a run with no flow on
// INA's links is untouched. A bandwidth trace scales both classes.
#include <simgrid/s4u.hpp>
#include <unordered_map>
#include <vector>

#include "platform/build.hpp"

namespace cs {

class SharedPorts {
 public:
  // A port for each direction of every link; `packet_share` is w.
  void init(const Platform& platform, double packet_share);
  // A flow is posted over these links.
  void flow_over(const std::vector<const sg4::Link*>& route);
  // The rate at which a packet line drains on `link` now (bytes/s).
  double packet_rate(const sg4::Link* link) const;
  // The packet line on `link` has work until `until` (simulated seconds).
  void packets_busy(const sg4::Link* link, double until);

 private:
  struct Port {
    bool nonlinear = false;  // its sharing policy applies `lowered`
    bool flows = false;  // a flow has been posted over it
    bool lowered = false;  // flows get (1 - w) of it now
    double busy_until = 0;  // INA's line has a backlog until then
    bool timer = false;  // a restore is scheduled
  };
  Port* port(const sg4::Link* link);
  void lower(sg4::Link* link, Port& p);
  void restore_when_drained(sg4::Link* link, Port& p);
  double share_ = 0.5;
  std::unordered_map<const sg4::Link*, Port> ports_;
};

}  // namespace cs

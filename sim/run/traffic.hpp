#pragma once
// Bytes carried by each link direction, from the route of every message sent.
#include <simgrid/s4u.hpp>
#include <unordered_map>
#include <vector>

namespace cs {

class TrafficCounter {
 public:
  // `count` messages of `bytes` each (more than one: iterations advanced by fast-forward).
  // Returns the route, which the caller may need too.
  const std::vector<const simgrid::s4u::Link*>& add(const simgrid::s4u::Host* src, const simgrid::s4u::Host* dst,
                                                    double bytes, unsigned long long count = 1);
  // The links from src to dst, looked up once per pair (also used for loss and port pacing).
  const std::vector<const simgrid::s4u::Link*>& route(const simgrid::s4u::Host* src, const simgrid::s4u::Host* dst);
  double bytes_on(const simgrid::s4u::Link* link) const;
  double payload_bytes() const { return payload_bytes_; }  // each message counted once
  unsigned long long messages() const { return messages_; }

  // A run cut by `until` ends with transfers in flight, counted whole by add(). With tracking
  // on, started() keeps each transfer until the network reports it done (ended(), keyed by its
  // kernel activity) and cut() takes back from every link of its route what it had not moved
  // by then: in SimGrid's flow model every link of a route carries a flow at one rate at once.
  // Transfers nobody waits on (RunContext::send_and_forget) are then sent as ordinary ones so
  // that they can be asked too; `clean` frees the payload of one the cut leaves undelivered.
  void track_in_flight() { tracking_ = true; }
  bool tracking() const { return tracking_; }
  void started(const simgrid::s4u::CommPtr& comm, const simgrid::s4u::Host* src, const simgrid::s4u::Host* dst,
               double bytes, void* payload = nullptr, void (*clean)(void*) = nullptr) {
    if (tracking_) in_flight_.try_emplace(comm->get_impl(), InFlight{comm, src, dst, bytes, payload, clean});
  }
  // The handle is kept until a later instant: SimGrid finishes the transfer's kernel side after
  // its network action, and dropping the last handle before that fails the transfer.
  void ended(const void* activity, double now);
  void cut();

 private:
  struct PairHash {
    size_t operator()(const std::pair<const void*, const void*>& p) const {
      return std::hash<const void*>()(p.first) * 31 + std::hash<const void*>()(p.second);
    }
  };
  std::unordered_map<std::pair<const void*, const void*>, std::vector<const simgrid::s4u::Link*>, PairHash> routes_;
  std::unordered_map<const simgrid::s4u::Link*, double> bytes_;
  struct InFlight {
    simgrid::s4u::CommPtr comm;
    const simgrid::s4u::Host *src, *dst;
    double bytes;
    void* payload;
    void (*clean)(void*);
  };
  bool tracking_ = false;
  std::unordered_map<const void*, InFlight> in_flight_;
  std::vector<std::pair<double, simgrid::s4u::CommPtr>> finished_;  // by the time they ended
  std::vector<simgrid::s4u::CommPtr> at_cut_;  // in flight at the cut, released with the run
  double payload_bytes_ = 0;
  unsigned long long messages_ = 0;
};

}  // namespace cs

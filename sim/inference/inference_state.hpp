#pragma once
// The shared state of an inference run: one record per request (filled stage by stage, read by
// the reports), and per edge device and DC server the queues their actors serve.
#include <cstdint>
#include <deque>
#include <memory>
#include <simgrid/s4u.hpp>
#include <vector>

#include "scenario/inference_spec.hpp"
#include "learning/random.hpp"
#include "serving/policy.hpp"

namespace cs::inference {

namespace sg4 = simgrid::s4u;

inline constexpr double unset = -1;

struct RequestRecord {
  std::uint32_t camera = 0, edge = 0, sample = 0;
  std::uint16_t tier = 0, lost_packets = 0;
  std::int16_t edge_variant = -1, dc_variant = -1;
  std::int32_t dc_server = -1;
  std::uint16_t dc_batch = 0, retransmissions = 0, timeouts = 0;
  bool correct = false, accuracy_expected = true, at_edge = false;
  float confidence = -1;
  double threshold = 0;
  double created = 0, sent = 0, edge_arrival = 0, edge_start = unset, edge_end = unset, load_s = 0;
  double dc_arrival = unset, dc_start = unset, dc_end = unset, answered = unset;
  double stall_s = 0;  // reliable: retransmission recovery beyond the first transmission
  std::vector<std::uint16_t> lost;  // the frame's lost packets (lossy transport); the models see it
};

// A queue served by one actor that sleeps on a semaphore while it is empty.
struct WorkQueue {
  std::deque<std::uint32_t> items;
  sg4::SemaphorePtr wake = sg4::Semaphore::create(0);
  bool sleeping = false;
  void push(std::uint32_t id) {
    items.push_back(id);
    if (sleeping) {
      sleeping = false;
      wake->release();
    }
  }
  // Called by the serving actor: blocks until there is work.
  void wait() {
    while (items.empty()) {
      sleeping = true;
      wake->acquire();
    }
  }
};

struct EdgeNode {
  int index;
  sg4::Host* host;
  std::unique_ptr<serving::ServingPolicy> policy;
  WorkQueue gpu;     // requests whose route runs a model here, in arrival order
  WorkQueue uplink;  // requests going straight to the DC
  sg4::Mailbox* results;  // DC answers for this edge's requests
  double client_hop_s = 0;  // the answer's last hop to the camera: latency + reply / bandwidth
  unsigned next_dc = 0;     // round robin over DC servers
  learning::SplitMix64 service_rng{0};  // exponential service times, when asked for
  // Report counters.
  long long served = 0, model_loads = 0;
  double busy_s = 0, load_s = 0;
};

struct DcNode {
  int index;
  sg4::Host* host;
  sg4::Mailbox* inbox;  // forwarded requests, taken by the receiver actor
  WorkQueue queue;      // received, waiting for the GPU
  long long served = 0, batches = 0;
  double busy_s = 0;
};

struct InferenceState {
  explicit InferenceState(const InferenceWorkload& w) : workload(w) {}
  const InferenceWorkload& workload;
  std::vector<RequestRecord> requests;
  std::vector<EdgeNode> edges;
  std::vector<DcNode> dcs;
  int cameras = 0, cameras_done = 0;
  long long answered = 0;
  sg4::SemaphorePtr all_answered = sg4::Semaphore::create(0);

  // Every camera has stopped and every request it made has been answered.
  bool complete() const { return cameras_done == cameras && answered == (long long)requests.size(); }
  void answer(RequestRecord& r, double at_s, bool correct) {
    r.answered = at_s;
    r.correct = correct;
    ++answered;
    if (complete()) all_answered->release();
  }
};

}  // namespace cs::inference

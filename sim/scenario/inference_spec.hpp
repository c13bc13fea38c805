#pragma once
// A validated inference workload: cameras sending frames to edge devices, a serving system
// deciding where each request runs, GPU servers in the DC. Device and model figures come from
// the profile files (profiles/inference/), never from code.
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "serving/arrivals.hpp"
#include "serving/latency_curve.hpp"
#include "serving/policy.hpp"
#include "serving/thresholds.hpp"
#include "serving/transport.hpp"
#include "workload_spec.hpp"

namespace cs {

struct DeviceProfile {
  std::string id, name, tier;  // tier: "edge" or "dc"
  double memory_bytes, idle_w, busy_w;
};

struct ModelOnDevice {
  serving::LatencyCurve latency;
  double load_s;
};

struct ModelProfile {
  std::string id, name;
  double top1, memory_bytes;
  std::map<std::string, ModelOnDevice> devices;
};

struct InferenceProfiles {
  std::string devices_file, models_file;
  std::map<std::string, DeviceProfile> devices;
  std::map<std::string, ModelProfile> models;
};

// What a variant answers on one request.
struct Outcome {
  float confidence;  // calibrated max softmax (proxies) or the CSV's confidence
  bool correct;
};

// Where the per-request outputs come from: the built-in proxies, or a user's per-sample CSV.
class OutcomeSource {
 public:
  virtual ~OutcomeSource() = default;
  virtual std::uint32_t samples() const = 0;  // requests draw a sample uniformly from [0, samples)
  // `lost`: packets of the frame's `packets` that did not arrive (lossy transport). Sources
  // that cannot degrade an input (CSV) ignore it.
  virtual Outcome outcome(int variant, std::uint32_t sample, const std::vector<std::uint16_t>& lost,
                          int packets) const = 0;
  virtual bool degrades_with_loss() const = 0;
  virtual std::string describe() const = 0;  // for results: which data, which models
  // How the data names request sample `sample` (requests.csv's sample_id), so that a request
  // can be traced back to its input.
  virtual std::string sample_id(std::uint32_t sample) const = 0;
};

struct VariantSpec {
  std::string name;          // proxy or CSV model name
  std::string stands_for;    // the profiled real model whose latency, memory and load it uses
  double accuracy;           // what policies decide on: the validation accuracy's lower bound
  double validation_accuracy;  // measured on the validation split (under the camera link's loss)
  double test_accuracy;      // measured on the split requests draw from (clean)
  double memory_bytes;
  serving::LatencyCurve edge_latency, dc_latency;  // empty: not offered there
  double edge_load_s = 0;
};

struct TierSpec {
  double accuracy;
  double share;  // of requests, normalised to sum to 1
  double deadline_s = serving::no_deadline;
};

// Every request keeps a record (about 130 bytes) until the run reports, and costs about 12 us
// of CPU: 2^24 requests are 2 GB and a few minutes. Checked at load on the expected count
// (rate x duration x cameras); a trace file holds at most max_input_file_bytes of rows.
constexpr double max_inference_requests = double(1 << 24);

struct InferenceWorkload : WorkloadBody {
  serving::SystemKind system = serving::SystemKind::hawkvision;
  const serving::ArrivalEntry* arrivals = nullptr;  // set by the parser
  double rate_per_s = 0;                        // per camera (poisson, constant)
  std::vector<std::vector<double>> trace;       // per camera, ascending times (trace); one shared when size 1
  double duration_s = 0;                        // cameras stop creating requests then
  std::vector<TierSpec> tiers;
  double frame_bytes = 30e3, packet_bytes = 1400, reply_bytes = 200;
  serving::TransportKind transport = serving::TransportKind::lossy;
  double rto_s = 0.2;
  std::string edge_device, dc_device;
  DeviceProfile edge_profile, dc_profile;  // their power sets the hosts' unless the platform gives it
  double edge_memory_bytes = 0;
  // Edge service times: the profile's latency (deterministic), or exponential with that mean
  // (latency jitter; makes one edge an M/M/1 queue under Poisson arrivals).
  bool edge_service_exponential = false;
  int dc_max_batch = 8;
  std::vector<VariantSpec> variants;
  int edge_model = 0, dc_model = 0;
  std::vector<serving::TierThreshold> thresholds;  // per tier, the edge/DC cascade's (HawkVision)
  double tier_confidence = 0.99;                   // confidence of the accuracy bounds policies use
  std::shared_ptr<const OutcomeSource> outcomes;
  std::string profiles_note;                     // which profile files
  bool requests_csv = true;
  // The hosts it runs on, in topology order: every client and edge node, and the first
  // `dc.servers` datacenter nodes (all of them by default), so other workloads may use the rest.
  std::vector<std::string> camera_hosts, edge_hosts, dc_hosts;

  // Saturates at INT_MAX: parse_inference rejects a frame above 65,535 packets by this count,
  // which must not overflow an int first (1000TB in 64B packets is 1.6e13 packets; the cast
  // was undefined behaviour, and on x86 read INT_MIN, so the frame passed the check).
  int packets() const {
    const double p = (frame_bytes + packet_bytes - 1) / packet_bytes;
    return p < double(std::numeric_limits<int>::max()) ? int(p) : std::numeric_limits<int>::max();
  }
};

}  // namespace cs

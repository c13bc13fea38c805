#pragma once
// Gradient compression and proxy learning of a training workload: which scheme every job's
// gradients go through, what its encode / aggregate / decode work costs per coordinate, and
// the proxy model each job really trains so that the run reports time-to-accuracy.
#include <string>

#include "compression/scheme.hpp"
#include "learning/proxy_model.hpp"
#include "learning/sgd.hpp"

namespace cs {

// Seconds per coordinate of the target model's gradient, measured on the compression module
// itself (`clustersim compress --calibrate` writes profiles/compression_costs.json).
struct CompressionCosts {
  double encode_s = 0;  // per coordinate, on each worker
  double add_s = 0;     // per coordinate and contribution, at the aggregator (decompress + sum)
  double finish_s = 0;  // per coordinate, once per round at the aggregator (re-compression)
  double decode_s = 0;  // per coordinate, on each worker
  std::string source;   // where the figures come from
};

struct CompressionSpec {
  compression::SchemeConfig scheme;
  CompressionCosts costs;
  double packet_payload_bytes = 1024;  // upstream loss unit: one packet of this payload
  // Cores the scheme's work spreads over on each host: partitions are independent, so the
  // measured one-core costs divide by this (an assumption of perfect scaling, stated in results).
  int threads = 1;
};

struct LearningSpec {
  learning::ProxySpec proxy;
  learning::SgdConfig sgd;
  int batch_per_worker = 32;
  std::string dataset_dir = "/usr/share/datasets/fashion-mnist";
  long long eval_every = 10;     // rounds between test-accuracy evaluations
  double target_accuracy = 0.8;  // for time-to-accuracy
};

}  // namespace cs

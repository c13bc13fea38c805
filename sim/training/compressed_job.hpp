#pragma once
// A training job whose gradients go through a compression scheme: what one round costs on the
// wire and in compute for the target model (ResNet50, VGG16, ...), and, when the workload
// trains a proxy, the proxy's real training one round at a time, so the run can say when test
// accuracy reached the target in simulated seconds.
#include <memory>
#include <vector>

#include "compression/scheme.hpp"
#include "scenario/scenario.hpp"
#include "training/proxy_training.hpp"

namespace cs {

struct RoundRecord {
  long long round;
  double start_s, end_s;
  double compute_s, compression_s, aggregation_s;  // communication is the rest of end - start
  double vnmse = 0, train_loss = 0;
  double accuracy = -1;  // test accuracy after the round; -1 when not evaluated
};

class CompressedJob {
 public:
  // `data` is null when the workload trains no proxy; `loss_up[i]` is the chance that one
  // upstream packet of worker i is lost (empty: lossless or retransmitted by the transport).
  CompressedJob(const JobSpec& job, const CompressionSpec& compression, const LearningSpec* learning,
                const learning::FashionMnist* data, std::uint64_t seed, std::vector<double> loss_up);

  const compression::Scheme& scheme() const { return *scheme_; }
  const CompressionSpec& spec() const { return spec_; }
  const LearningSpec* learning() const { return learning_; }

  double coordinates() const { return coordinates_; }
  double bits_up_per_coord() const { return bits_up_; }
  double bits_down_per_coord() const { return bits_down_; }
  // Per worker per round, over the whole target gradient.
  double bytes_up() const { return coordinates_ * bits_up_ / 8; }
  double bytes_down() const { return coordinates_ * bits_down_ / 8; }
  // THC's scale agreement before encoding: bytes each way per worker (0: no such round).
  double agreement_bytes() const { return agreement_bytes_; }
  double encode_s() const { return coordinates_ * spec_.costs.encode_s / spec_.threads; }
  double decode_s() const { return coordinates_ * spec_.costs.decode_s / spec_.threads; }
  // The aggregator's work on `coords` coordinates from `contributions` workers.
  double aggregation_s(double coords, double contributions) const {
    return coords * (contributions * spec_.costs.add_s + spec_.costs.finish_s) / spec_.threads;
  }

  // Worker 0, at the end of a round (`end_s`; later for a round fast-forward advanced): trains
  // the proxy one round (if any) and records it.
  void round_done(long long round, double start_s, double compute_end_s, double end_s, double aggregation_s, bool last);

  const std::vector<RoundRecord>& rounds() const { return rounds_; }
  double time_to_accuracy_s() const { return time_to_accuracy_s_; }  // -1: target not reached
  long long rounds_to_accuracy() const { return rounds_to_accuracy_; }
  double final_accuracy() const;  // -1 without a proxy
  double proxy_parameters() const { return trainer_ ? double(trainer_->parameters()) : 0.0; }
  // Upstream packets (of the proxy's gradient) lost over the run, as a share of those sent.
  double lost_share() const { return chunks_ > 0 ? double(lost_chunks_) / double(chunks_) : 0.0; }

 private:
  CompressionSpec spec_;
  const LearningSpec* learning_;
  std::unique_ptr<compression::Scheme> scheme_;
  double coordinates_, bits_up_, bits_down_, agreement_bytes_ = 0;
  std::unique_ptr<training::ProxyTraining> trainer_;
  std::vector<double> loss_up_;
  std::vector<RoundRecord> rounds_;
  double start_s_ = -1, time_to_accuracy_s_ = -1;
  long long rounds_to_accuracy_ = -1;
  std::uint64_t chunks_ = 0, lost_chunks_ = 0;
};

}  // namespace cs

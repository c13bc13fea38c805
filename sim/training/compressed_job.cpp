#include "training/compressed_job.hpp"

#include <algorithm>

#include <simgrid/s4u.hpp>

namespace cs {

CompressedJob::CompressedJob(const JobSpec& job, const CompressionSpec& compression, const LearningSpec* learning,
                             const learning::FashionMnist* data, std::uint64_t seed, std::vector<double> loss_up)
    : spec_(compression), learning_(data ? learning : nullptr), loss_up_(std::move(loss_up)) {
  compression::SchemeConfig config = spec_.scheme;
  config.workers = int(job.workers.size());
  scheme_ = compression::make_scheme(config);  // validated when the scenario was read
  coordinates_ = job.gradient_bytes / 4;
  const auto d = std::size_t(coordinates_);
  bits_up_ = scheme_->bits_up_per_coord(d, config.workers);
  bits_down_ = scheme_->bits_down_per_coord(d, config.workers);
  // One float per partition each way; the scheme's per-coordinate figures include it amortised,
  // but the simulator times it as the separate small round it is.
  const std::vector<float> probe(1, 1.0f);
  if (!scheme_->local_scales(probe).empty()) {
    const double partitions = std::ceil(coordinates_ / double(config.partition));
    agreement_bytes_ = 4 * partitions;
  }
  if (learning_) {
    training::ProxyTrainingConfig c;
    c.proxy = learning_->proxy;
    c.sgd = learning_->sgd;
    c.workers = config.workers;
    c.batch_per_worker = learning_->batch_per_worker;
    c.seed = seed;
    // The loss unit is one packet of the scheme's upstream encoding.
    c.chunk = std::max<std::size_t>(1, std::size_t(spec_.packet_payload_bytes * 8 / bits_up_));
    trainer_ = std::make_unique<training::ProxyTraining>(*data, *scheme_, c);
  }
}

void CompressedJob::round_done(long long round, double start_s, double compute_end_s, double end_s, double aggregation_s,
                              bool last) {
  const double now = end_s;
  if (start_s_ < 0) start_s_ = start_s;
  RoundRecord r{round, start_s, now, compute_end_s - start_s, encode_s() + decode_s(), aggregation_s};
  if (trainer_) {
    training::RoundResult result = trainer_->round(loss_up_);
    r.vnmse = result.allreduce.vnmse;
    r.train_loss = result.train_loss;
    chunks_ += result.allreduce.chunks;
    lost_chunks_ += result.allreduce.lost_chunks;
    if ((round + 1) % learning_->eval_every == 0 || last) {
      r.accuracy = trainer_->test_accuracy();
      if (time_to_accuracy_s_ < 0 && r.accuracy >= learning_->target_accuracy) {
        time_to_accuracy_s_ = now - start_s_;
        rounds_to_accuracy_ = round + 1;
      }
    }
  }
  rounds_.push_back(r);
}

double CompressedJob::final_accuracy() const {
  for (auto r = rounds_.rbegin(); r != rounds_.rend(); ++r)
    if (r->accuracy >= 0) return r->accuracy;
  return -1;
}

}  // namespace cs

#include "learning/idx_dataset.hpp"
#include "training/data_parallel.hpp"

namespace cs {

void attach_compression(RunContext& ctx, TrainingState& state) {
  const TrainingWorkload& w = state.workload;
  state.compressed.resize(w.jobs.size());
  // Each job's own scheme (scenario: JobSpec::compression, the workload's unless the job gave
  // its own); jobs without one run plain fp32 and get no CompressedJob.
  const bool any = std::any_of(w.jobs.begin(), w.jobs.end(), [](const JobSpec& j) { return j.compression.has_value(); });
  if (!any) return;
  const learning::FashionMnist* data = nullptr;
  if (w.learning) {
    try {
      data = &learning::load_fashion_mnist(w.learning->dataset_dir);
    } catch (const learning::DatasetError& e) {
      throw BadInput(ctx.scenario.file, "/workload/learning/dataset", e.what());
    }
  }
  for (size_t j = 0; j < w.jobs.size(); ++j) {
    const JobSpec& job = w.jobs[j];
    if (job.aggregation == AggregationKind::ring_allreduce || !job.compression) continue;
    // The PS path is a datagram transport without retransmission, as THC's: a lost packet's
    // contribution is left out of the sum. Under INA, ATP's transport resends instead.
    std::vector<double> loss_up;
    if (job.aggregation == AggregationKind::parameter_server && !ctx.link_loss.empty()) {
      const sg4::Host* server = ctx.platform.host(job.servers.front());
      for (const auto& name : job.workers)
        loss_up.push_back(1.0 - ctx.delivery_probability(ctx.platform.host(name), server));
    }
    state.compressed[j] = std::make_unique<CompressedJob>(job, *job.compression, w.learning ? &*w.learning : nullptr, data,
                                                          ctx.scenario.seed ^ (0x9e3779b97f4a7c15ull * (j + 1)),
                                                          std::move(loss_up));
  }
}

}  // namespace cs

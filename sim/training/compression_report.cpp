// Reports of jobs with a compression scheme: what a round cost and where its time went, how
// good the compressed aggregate was, and the proxy's accuracy over simulated time.
#include <algorithm>

#include "core/stats.hpp"
#include "training/training_state.hpp"

namespace cs {
namespace {

std::string_view proxy_name(const LearningSpec* l) {
  if (!l) return "";
  return l->proxy.kind == learning::ProxyKind::mlp ? "mlp" : "softmax";
}

struct RoundMeans {
  double total = 0, compute = 0, compression = 0, aggregation = 0, communication = 0, vnmse = 0;
};

RoundMeans round_means(const CompressedJob& c) {
  RoundMeans m;
  const auto& rounds = c.rounds();
  if (rounds.empty()) return m;
  for (const auto& r : rounds) {
    m.total += r.end_s - r.start_s;
    m.compute += r.compute_s;
    m.compression += r.compression_s;
    m.aggregation += r.aggregation_s;
    m.vnmse += r.vnmse;
  }
  const double n = double(rounds.size());
  m.total /= n, m.compute /= n, m.compression /= n, m.aggregation /= n, m.vnmse /= n;
  m.communication = m.total - m.compute - m.compression - m.aggregation;
  return m;
}

template <class F>
void for_each_compressed(const TrainingState& s, F&& f) {
  for (size_t j = 0; j < s.compressed.size(); ++j)
    if (s.compressed[j]) f(j, *s.compressed[j]);
}

}  // namespace

bool reports_compression(const TrainingState& s) {
  if (s.workload.compression) return true;
  return std::any_of(s.compressed.begin(), s.compressed.end(), [](const auto& c) { return c != nullptr; });
}

// Means over the jobs with a scheme only: an fp32 job has no encode, decode or scheme bytes to
// average in, and counting it as zeros would flatter the scheme. A workload whose aggregating
// jobs all share one scheme (every shipped scenario) reports exactly what it did before jobs
// could choose their own.
nlohmann::json compression_metrics(const TrainingState& s) {
  std::vector<double> tta, accuracy, vnmse, lost, total, compute, compression, communication, aggregation, up, down;
  size_t jobs = 0, reached = 0, learning = 0;
  for_each_compressed(s, [&](size_t, const CompressedJob& c) {
    ++jobs;
    RoundMeans m = round_means(c);
    total.push_back(m.total), compute.push_back(m.compute), compression.push_back(m.compression);
    communication.push_back(m.communication), aggregation.push_back(m.aggregation);
    up.push_back(c.bytes_up()), down.push_back(c.bytes_down());
    if (!c.learning()) return;
    ++learning;
    vnmse.push_back(m.vnmse);
    lost.push_back(c.lost_share());
    accuracy.push_back(c.final_accuracy());
    if (c.time_to_accuracy_s() >= 0) ++reached, tta.push_back(c.time_to_accuracy_s());
  });
  if (jobs == 0) return nlohmann::json::object();
  // PS and INA jobs running plain fp32 beside them: say over how many jobs the means run.
  size_t aggregating = 0;
  for (const auto& j : s.workload.jobs) aggregating += j.aggregation != AggregationKind::ring_allreduce;
  nlohmann::json m = {
      {"round_time_mean_s", mean(total)},
      {"round_compute_mean_s", mean(compute)},
      {"round_compression_mean_s", mean(compression)},
      {"round_communication_mean_s", mean(communication)},
      {"round_aggregation_mean_s", mean(aggregation)},
      {"bytes_up_per_round", mean(up)},
      {"bytes_down_per_round", mean(down)},
  };
  if (jobs < aggregating) m["compressed_jobs"] = jobs;
  if (learning > 0) {
    m["vnmse_mean"] = mean(vnmse);
    m["lost_packet_share_mean"] = mean(lost);
    m["final_accuracy_mean"] = mean(accuracy);
    m["jobs_reaching_target"] = reached;
    // Only when every job got there: a mean over the lucky ones would flatter a scheme.
    if (reached == learning) {
      m["time_to_accuracy_mean_s"] = mean(tta);
      m["time_to_accuracy_max_s"] = *std::max_element(tta.begin(), tta.end());
    }
  }
  return m;
}

Table compression_jobs_table(const TrainingState& s) {
  Table t{"compression_jobs",
          {"job", "scheme", "model", "coordinates", "workers", "rounds", "bits_up_per_coord", "bits_down_per_coord",
           "bytes_up_per_round", "bytes_down_per_round", "round_time_mean_s", "compute_mean_s", "compression_mean_s",
           "communication_mean_s", "aggregation_mean_s", "proxy", "proxy_parameters", "dataset", "lost_packet_share", "vnmse_mean",
           "final_accuracy", "target_accuracy", "time_to_accuracy_s", "rounds_to_accuracy", "cost_source"},
          {}};
  for_each_compressed(s, [&](size_t j, const CompressedJob& c) {
    const JobSpec& spec = s.workload.jobs[j];
    RoundMeans m = round_means(c);
    const LearningSpec* l = c.learning();
    auto maybe = [](double v) { return v >= 0 ? fmt::format("{}", v) : std::string(); };
    t.add(spec.name, c.spec().scheme.name, spec.model, c.coordinates(), spec.workers.size(), c.rounds().size(),
          c.bits_up_per_coord(), c.bits_down_per_coord(), c.bytes_up(), c.bytes_down(), m.total, m.compute,
          m.compression, m.communication, m.aggregation, proxy_name(l), c.proxy_parameters(),
          l ? l->dataset_dir : "", c.lost_share(), l ? fmt::format("{}", m.vnmse) : "", maybe(c.final_accuracy()),
          l ? fmt::format("{}", l->target_accuracy) : "", maybe(c.time_to_accuracy_s()),
          c.rounds_to_accuracy() >= 0 ? fmt::format("{}", c.rounds_to_accuracy()) : "", c.spec().costs.source);
  });
  return t;
}

Table rounds_table(const TrainingState& s) {
  Table t{"rounds",
          {"job", "round", "start_s", "end_s", "compute_s", "compression_s", "communication_s", "aggregation_s",
           "vnmse", "train_loss", "test_accuracy"},
          {}};
  for_each_compressed(s, [&](size_t j, const CompressedJob& c) {
    for (const auto& r : c.rounds())
      t.add(s.workload.jobs[j].name, r.round, r.start_s, r.end_s, r.compute_s, r.compression_s,
            r.end_s - r.start_s - r.compute_s - r.compression_s - r.aggregation_s, r.aggregation_s, r.vnmse,
            r.train_loss, r.accuracy >= 0 ? fmt::format("{}", r.accuracy) : std::string());
  });
  return t;
}

Table accuracy_table(const TrainingState& s) {
  Table t{"accuracy", {"job", "scheme", "proxy", "dataset", "round", "time_s", "test_accuracy"}, {}};
  for_each_compressed(s, [&](size_t j, const CompressedJob& c) {
    if (!c.learning() || c.rounds().empty()) return;
    const double start = c.rounds().front().start_s;
    for (const auto& r : c.rounds())
      if (r.accuracy >= 0)
        t.add(s.workload.jobs[j].name, c.spec().scheme.name, proxy_name(c.learning()), c.learning()->dataset_dir,
              r.round + 1, r.end_s - start, r.accuracy);
  });
  return t;
}

}  // namespace cs

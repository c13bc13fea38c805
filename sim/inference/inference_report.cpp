// What an inference run reports: per tier and overall latency percentiles, achieved accuracy
// against each tier's target, where requests were answered, model loads, throughput, and per
// device the work done and the energy drawn.
#include <algorithm>
#include <fmt/format.h>
#include <simgrid/plugins/energy.h>

#include "core/stats.hpp"
#include "inference/inference_run.hpp"

namespace cs::inference {
namespace {

struct Summary {
  long long requests = 0, correct = 0, at_edge = 0, tier_met = 0, deadline_met = 0, expected = 0;
  std::vector<double> latencies;
  double accuracy() const { return requests ? double(correct) / double(requests) : 0.0; }
  double share(long long n) const { return requests ? double(n) / double(requests) : 0.0; }
};

bool deadline_met(const RequestRecord& r, const TierSpec& t) { return r.answered - r.created <= t.deadline_s; }

// Per tier, then overall (the last entry). Only answered requests count (all are, unless `until` cut the run).
std::vector<Summary> summarise(const InferenceState& s) {
  std::vector<Summary> out(s.workload.tiers.size() + 1);
  for (const auto& r : s.requests) {
    if (r.answered < 0) continue;
    const TierSpec& tier = s.workload.tiers[r.tier];
    for (Summary* x : {&out[r.tier], &out.back()}) {
      ++x->requests;
      x->correct += r.correct;
      x->at_edge += r.at_edge;
      x->expected += r.accuracy_expected;
      const bool in_time = deadline_met(r, tier);
      x->deadline_met += in_time;
      x->tier_met += in_time && r.accuracy_expected;
      x->latencies.push_back(r.answered - r.created);
    }
  }
  return out;
}

}  // namespace

nlohmann::json inference_metrics(const InferenceState& s, double duration_s) {
  const InferenceWorkload& w = s.workload;
  auto sums = summarise(s);
  const Summary& all = sums.back();
  nlohmann::json m;
  m["requests"] = (long long)s.requests.size();
  m["requests_answered"] = all.requests;
  m["latency_p50_s"] = percentile(all.latencies, 50);
  m["latency_p95_s"] = percentile(all.latencies, 95);
  m["latency_p99_s"] = percentile(all.latencies, 99);
  m["latency_max_s"] = all.latencies.empty() ? 0.0 : *std::max_element(all.latencies.begin(), all.latencies.end());
  m["latency_mean_s"] = mean(all.latencies);
  m["accuracy"] = all.accuracy();
  m["share_at_edge"] = all.share(all.at_edge);
  m["share_tier_met"] = all.share(all.tier_met);
  m["share_deadline_met"] = all.share(all.deadline_met);
  int tiers_met = 0;
  for (size_t t = 0; t < w.tiers.size(); ++t) {
    const Summary& x = sums[t];
    const bool met = x.requests > 0 && x.accuracy() >= w.tiers[t].accuracy;
    tiers_met += met;
    m[fmt::format("tier{}_latency_p99_s", t)] = percentile(x.latencies, 99);
    m[fmt::format("tier{}_accuracy", t)] = x.accuracy();
    m[fmt::format("tier{}_share_at_edge", t)] = x.share(x.at_edge);
  }
  m["tiers"] = (long long)w.tiers.size();
  m["tiers_accuracy_met"] = tiers_met;
  long long loads = 0, lost = 0, retransmissions = 0, timeouts = 0;
  double load_s = 0;
  for (const auto& e : s.edges) loads += e.model_loads, load_s += e.load_s;
  for (const auto& r : s.requests) lost += r.lost_packets, retransmissions += r.retransmissions, timeouts += r.timeouts;
  // Time at the edge device (queueing + load + inference) of requests that ran a model there.
  std::vector<double> sojourn;
  for (const auto& r : s.requests)
    if (r.edge_end >= 0 && r.edge_end <= duration_s) sojourn.push_back(r.edge_end - r.edge_arrival);
  m["edge_sojourn_mean_s"] = mean(sojourn);
  m["edge_sojourn_p99_s"] = percentile(sojourn, 99);
  m["model_loads"] = loads;
  m["model_load_time_s"] = load_s;
  m["packets_lost_share"] = s.requests.empty() ? 0.0 : double(lost) / double(s.requests.size() * size_t(w.packets()));
  m["retransmissions"] = retransmissions;
  m["retransmission_timeouts"] = timeouts;
  // Answers per second between the first request and the last answer.
  double first = std::numeric_limits<double>::infinity(), last = 0;
  for (const auto& r : s.requests)
    if (r.answered >= 0) first = std::min(first, r.created), last = std::max(last, r.answered);
  m["throughput_rps"] = last > first ? double(all.requests) / (last - first) : 0.0;
  double edge_energy = 0, dc_energy = 0;
  for (const auto& e : s.edges) edge_energy += sg_host_get_consumed_energy(e.host);
  for (const auto& d : s.dcs) dc_energy += sg_host_get_consumed_energy(d.host);
  m["edge_energy_j"] = edge_energy;
  m["edge_power_mean_w"] = duration_s > 0 ? edge_energy / duration_s / double(s.edges.size()) : 0.0;
  m["dc_energy_j"] = dc_energy;
  m["dc_power_mean_w"] = duration_s > 0 ? dc_energy / duration_s / double(s.dcs.size()) : 0.0;
  return m;
}

Table tiers_table(const InferenceState& s) {
  const InferenceWorkload& w = s.workload;
  Table t{"tiers",
          {"tier", "accuracy_target", "deadline_s", "requests", "latency_p50_s", "latency_p95_s", "latency_p99_s",
           "latency_max_s", "accuracy", "accuracy_met", "share_tier_met", "share_deadline_met", "share_at_edge",
           "threshold", "threshold_validation_accuracy", "threshold_validation_edge_share"},
          {}};
  auto sums = summarise(s);
  for (size_t i = 0; i <= w.tiers.size(); ++i) {
    const Summary& x = sums[i];
    const bool overall = i == w.tiers.size();
    double max = x.latencies.empty() ? 0.0 : *std::max_element(x.latencies.begin(), x.latencies.end());
    const serving::TierThreshold* th = overall ? nullptr : &w.thresholds[i];
    std::string deadline = overall || w.tiers[i].deadline_s == serving::no_deadline ? "" : fmt::format("{}", w.tiers[i].deadline_s);
    t.add(overall ? std::string("all") : std::to_string(i), overall ? std::string() : fmt::format("{}", w.tiers[i].accuracy),
          deadline, x.requests, percentile(x.latencies, 50), percentile(x.latencies, 95), percentile(x.latencies, 99), max,
          x.accuracy(), overall ? std::string() : (x.accuracy() >= w.tiers[i].accuracy ? "1" : "0"),
          x.share(x.tier_met), x.share(x.deadline_met), x.share(x.at_edge),
          th && th->threshold >= 0 ? fmt::format("{}", th->threshold) : std::string(),
          th && th->threshold >= 0 ? fmt::format("{}", th->validation_accuracy) : std::string(),
          th && th->threshold >= 0 ? fmt::format("{}", th->edge_share) : std::string());
  }
  return t;
}

Table requests_table(const InferenceState& s) {
  const InferenceWorkload& w = s.workload;
  Table t{"requests",
          {"request", "camera", "edge", "tier", "sample", "sample_id", "lost_packets", "retransmissions", "timeouts", "created_s",
           "sent_s", "edge_arrival_s", "edge_start_s", "edge_end_s", "edge_model", "load_s", "confidence", "threshold",
           "dc_server", "dc_model", "dc_arrival_s", "dc_start_s", "dc_end_s", "dc_batch", "answered_s", "latency_s",
           "answered_at", "correct", "tier_met"},
          {}};
  // A row per request: formatted straight into one buffer (names hold no commas or quotes; a
  // sample_id holds no comma and is written as the user's CSV has it).
  auto out = std::back_inserter(t.preformatted);
  auto time = [&](double v) {
    if (v >= 0) fmt::format_to(out, "{}", v);
    *out++ = ',';
  };
  for (size_t i = 0; i < s.requests.size(); ++i) {
    const RequestRecord& r = s.requests[i];
    const bool answered = r.answered >= 0, ran_at_edge = r.edge_variant >= 0 && r.edge_start >= 0;
    fmt::format_to(out, "{},{},{},{},{},{},{},{},{},{},{},{},", i, r.camera, r.edge, r.tier, r.sample,
                   w.outcomes->sample_id(r.sample), r.lost_packets, r.retransmissions, r.timeouts, r.created, r.sent,
                   r.edge_arrival);
    time(r.edge_start);
    time(r.edge_end);
    fmt::format_to(out, "{},{},", ran_at_edge ? std::string_view(w.variants[size_t(r.edge_variant)].name) : "", r.load_s);
    if (r.confidence >= 0) fmt::format_to(out, "{}", r.confidence);  // a float: its own shortest form
    *out++ = ',';
    time(ran_at_edge && r.dc_variant >= 0 && r.threshold != serving::all_to_dc ? r.threshold : unset);
    if (r.dc_server >= 0) fmt::format_to(out, "{},{}", r.dc_server, w.variants[size_t(r.dc_variant)].name);
    else *out++ = ',';
    *out++ = ',';
    time(r.dc_arrival);
    time(r.dc_start);
    time(r.dc_end);
    fmt::format_to(out, "{},", r.dc_batch);
    time(r.answered);
    time(answered ? r.answered - r.created : unset);
    if (answered)
      fmt::format_to(out, "{},{},{}\n", r.at_edge ? "edge" : "dc", r.correct ? 1 : 0,
                     r.accuracy_expected && deadline_met(r, w.tiers[r.tier]) ? 1 : 0);
    else
      fmt::format_to(out, ",,\n");
  }
  return t;
}

Table devices_table(const InferenceState& s, double duration_s) {
  const InferenceWorkload& w = s.workload;
  Table t{"devices", {"host", "role", "device", "requests", "batches", "busy_s", "utilization", "model_loads", "load_s",
                      "energy_j", "power_mean_w"}, {}};
  auto row = [&](sg4::Host* h, std::string_view role, const std::string& device, long long served, long long batches,
                 double busy, long long loads, double load_s) {
    const double energy = sg_host_get_consumed_energy(h);
    t.add(h->get_name(), role, device, served, batches, busy, duration_s > 0 ? busy / duration_s : 0.0, loads, load_s,
          energy, duration_s > 0 ? energy / duration_s : 0.0);
  };
  for (const auto& e : s.edges) row(e.host, "edge", w.edge_device, e.served, e.served, e.busy_s, e.model_loads, e.load_s);
  for (const auto& d : s.dcs) row(d.host, "dc", w.dc_device, d.served, d.batches, d.busy_s, 0, 0.0);
  return t;
}

Table variants_table(const InferenceState& s) {
  const InferenceWorkload& w = s.workload;
  Table t{"variants", {"variant", "stands_for", "validation_accuracy", "accuracy_bound", "request_split_accuracy", "memory_bytes", "edge_latency_b1_s",
                       "edge_load_s", "dc_latency_b1_s", "role"}, {}};
  for (size_t i = 0; i < w.variants.size(); ++i) {
    const VariantSpec& v = w.variants[i];
    std::string role = int(i) == w.edge_model ? "edge" : int(i) == w.dc_model ? "dc" : "";
    t.add(v.name, v.stands_for, v.validation_accuracy, v.accuracy, v.test_accuracy, v.memory_bytes,
          v.edge_latency.empty() ? std::string() : fmt::format("{}", v.edge_latency.at(1)), v.edge_load_s,
          v.dc_latency.empty() ? std::string() : fmt::format("{}", v.dc_latency.at(1)), role);
  }
  return t;
}

}  // namespace cs::inference

// The "training" workload kind: jobs on compute (or DC) hosts.
#include "workload_kinds.hpp"

namespace cs {

ParsedWorkload parse_training_kind(const WorkloadInput& in) {
  auto t = std::make_shared<TrainingWorkload>(parse_training(in.node, in.policies, in.platform.topology, in.seed));
  ParsedWorkload p;
  // Workers and servers may share hosts with another training workload's, as jobs of one
  // workload do (they share the cores and links). A switch sums for one workload only: its
  // aggregator memory and policy belong to that workload's run.
  for (const auto& j : t->jobs) {
    for (const auto& w : j.workers) p.claims.push_back({w, "worker", false});
    for (const auto& s : j.servers) p.claims.push_back({s, "server", false});
    if (j.aggregation != AggregationKind::in_network) continue;
    p.claims.push_back({j.aggregation_switch, "aggregation", true});
    for (const auto& s : j.first_level_switches)
      if (s != j.aggregation_switch) p.claims.push_back({s, "aggregation", true});
  }
  p.body = std::move(t);
  return p;
}

}  // namespace cs

#pragma once
// A validated scenario: every quantity in SI units, every name resolved. Nothing in here can
// make SimGrid assert: load_scenario() rejects anything that could.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compression_spec.hpp"
#include "ina_spec.hpp"
#include "inference_spec.hpp"
#include "json_node.hpp"
#include "platform/topology.hpp"
#include "workload_spec.hpp"

namespace cs {

enum class NetworkModel { cm02, lv08 };

struct PlatformSpec {
  NetworkModel network_model = NetworkModel::cm02;
  double tcp_window_bytes = 4194304;  // SimGrid's TCP-gamma: caps bandwidth at window / (2 x latency)
  // The share of a port that INA's packets get when flows compete for it (run/shared_ports.hpp):
  // equal weights for the two classes unless a scenario says otherwise.
  double ina_port_share = 0.5;
  Topology topology;
};

enum class AggregationKind { parameter_server, ring_allreduce, in_network };

// Bounds on a workload's size, each checked at load (exit 2 naming the JSON path).
// Every SimGrid actor has a stack mapping and guard; the kernel's map-count limit (65,530)
// stops start-up between 32,000 and 48,000 actors (20,001 one-worker jobs died with "Failed to
// allocate stack", as did 30,000 cameras). A run may start at most max_actors.
constexpr std::size_t max_actors = 32768;
// Every worker and parameter server runs one or two actors.
constexpr std::size_t max_jobs = 4096;
constexpr std::size_t max_job_places = max_actors / 2;  // workers + servers, summed over jobs
// INA: per iteration each worker keeps one bit per fragment (at most 64 workers: 8 bytes per
// fragment) and the PS one bit per fragment of the whole run. 2^28 fragments per iteration cap
// the workers' bitmaps at 2 GiB (a 66 GB fp32 gradient at 62 values per packet); 2^34 over the
// run cap the PS's at 2 GiB and stay below the 2^40 sequence numbers a switch key holds.
constexpr double max_ina_fragments_per_iteration = double(std::uint64_t(1) << 28);
constexpr double max_ina_fragments_per_run = double(std::uint64_t(1) << 34);
// INA retransmission timeout: below a microsecond (a few packet times at 100 Gbps) every
// window times out before its results can return, and the run resends without end.
constexpr double min_ina_rto_s = 1e-6;
// INA software aggregation per packet at a PS: above a second per packet is no machine.
constexpr double max_ina_ps_packet_cost_s = 1;

struct JobSpec {
  std::string name;
  std::string model;  // a model_zoo name, or "custom" when the gradient size was given
  double gradient_bytes;
  std::vector<std::string> workers;
  std::vector<std::string> servers;  // parameter-server shards; empty for ring all-reduce
  AggregationKind aggregation;
  // In-network: the switch that sends sums to the PS (sim/platform/aggregation_tree.hpp): the
  // first worker's with one level, the second-level switch with two.
  std::string aggregation_switch;
  // Two levels: per worker, the switch that sums it first. Empty with one level (or when
  // every worker hangs on one switch, where two levels are one).
  std::vector<std::string> first_level_switches;
  long long iterations;
  double compute_s;  // per iteration, on the worker's device
  double compute_jitter = 0;  // each worker's iteration takes compute_s x (1 + U(-j, j))
  double arrival_s;
  // The scheme this job's gradients go through, after precedence (docs/thc.md, "Per-job
  // compression"): the job's own "compression" (with job_defaults / job_overrides), else the
  // workload's. Empty: plain fp32 with no scheme work; always empty for ring all-reduce.
  std::optional<CompressionSpec> compression;
};

struct TrainingWorkload : WorkloadBody {
  std::vector<JobSpec> jobs;
  InaSpec ina;  // for jobs with in-network aggregation
  // Every PS or INA job's gradients go through this scheme; absent: plain fp32, no scheme work.
  std::optional<CompressionSpec> compression;
  // Every job also trains this proxy for real, so the run reports time-to-accuracy.
  std::optional<LearningSpec> learning;
  bool uses_ina() const {
    for (const auto& j : jobs)
      if (j.aggregation == AggregationKind::in_network) return true;
    return false;
  }
};

struct OutputSpec {
  bool iterations_csv = true;
  bool links_csv = true;
  bool hosts_csv = true;
  bool trace = false;  // trace.json: the run's timeline as Chrome trace-event JSON
  long long trace_max_events = 2'000'000;  // the timeline stops recording after this many spans
};

// How a run is simulated (top-level "fidelity"; docs/fidelity.md). exact: every flow and
// packet. fast_forward (the default): a training job's iterations are advanced analytically
// where they are provably periodic (models/training/periodicity.hpp); everything else as exact. analytical:
// a training mix phase by phase (models/training/analytical.hpp), its expected error from the
// validation table (docs/fidelity.md); an inference workload runs exact at every level.
enum class Fidelity { exact, fast_forward, analytical };

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  double until_s = 0;  // 0: until the workload completes
  // fast_forward unless the scenario says otherwise: validated against exact to 1e-8 wherever it
  // skips (docs/fidelity.md), the bar for the default being 0.1%.
  Fidelity fidelity = Fidelity::fast_forward;
  PlatformSpec platform;
  // One or several, in the order given; names unique. Single: today's metric names; several:
  // each workload's metrics under "<name>/".
  std::vector<WorkloadSpec> workloads;
  OutputSpec outputs;
  json resolved;  // the document after overrides, as run
};

// Reads, applies "--set /json/pointer=value" overrides, and validates. Throws BadInput.
Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides = {});
Scenario parse_scenario(const json& document, const std::string& file);

// Pieces, exposed for tests.
// Errors read "<file>: --set <assignment>: <path>: <problem>".
void apply_override(json& document, const std::string& assignment, const std::string& file);
PlatformSpec parse_platform(const JsonNode& node, const std::string& base_dir);
TrainingWorkload parse_training(const JsonNode& workload, const JsonNode& policies, const Topology& topology,
                                std::uint64_t seed);
CompressionSpec parse_compression(const JsonNode& compression, const std::string& base_dir);
LearningSpec parse_learning(const JsonNode& learning, const std::string& base_dir);
InaSpec parse_ina(const std::optional<JsonNode>& ina, const JsonNode& policies);
InferenceWorkload parse_inference(const JsonNode& workload, const Topology& topology, const std::string& base_dir);
InferenceProfiles load_inference_profiles(const std::string& devices_file, const std::string& models_file);
// Per camera (or one list every camera replays), each ascending. Throws BadInput "file:line: ...".
std::vector<std::vector<double>> read_arrival_trace(const std::string& path, int cameras);
struct JobRow {
  json job;  // as a "jobs" entry
  int line;
};
std::vector<JobRow> read_job_trace(const std::string& path);
std::vector<TracePoint> read_trace_file(const std::string& path, Dimension value_dimension);
// A path from a scenario file: relative ones are relative to the file's folder.
std::string resolve_path(const std::string& base_dir, const std::string& path);
// "host[0-3]" -> host0 host1 host2 host3; anything else unchanged.
std::vector<std::string> expand_name_range(const std::string& pattern);

}  // namespace cs

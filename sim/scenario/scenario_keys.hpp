#pragma once
// The keys each object of a scenario file allows, one table per object. The parser passes
// these very tables to JsonNode::allow_keys, and tests/unit/scenario_reference_test.cpp checks
// docs/scenario.md against `all`, so the reference names exactly the keys the parser accepts.
// Adding a key: add it here (and to the doc, or that test fails).
#include <span>
#include <string_view>

namespace cs::scenario_keys {

using Keys = std::span<const std::string_view>;

inline constexpr std::string_view root[] = {"name",      "description", "seed",     "until",   "fidelity",
                                            "platform",  "workload",    "workloads", "policies", "outputs"};
inline constexpr std::string_view policies[] = {"placement", "switch_allocation", "esa_priority", "switchml_no_pool"};
inline constexpr std::string_view outputs[] = {"iterations_csv", "links_csv", "hosts_csv", "trace", "trace_max_events"};

// Platform: every topology takes the common keys besides its own.
inline constexpr std::string_view platform_common[] = {"topology", "network_model", "tcp_window", "ina_port_share", "switch"};
inline constexpr std::string_view star[] = {"hosts", "host", "link"};
inline constexpr std::string_view two_tier[] = {"racks", "hosts_per_rack", "host", "link", "uplink"};
inline constexpr std::string_view edge_dc[] = {"clients", "edges",       "dc_servers", "client", "edge",
                                               "dc",      "client_link", "edge_link",  "wan",    "dc_link"};
inline constexpr std::string_view leaf_spine[] = {"leaves", "spines", "hosts_per_leaf", "dc_servers",
                                                  "host",   "link",   "uplink",         "edge_sites"};
inline constexpr std::string_view fat_tree[] = {"k", "dc_servers", "host", "link", "uplink", "edge_sites"};
inline constexpr std::string_view edge_sites[] = {"clients", "edges", "client", "edge", "client_link", "edge_link", "wan", "border"};
inline constexpr std::string_view host[] = {"speed", "cores", "idle_power", "busy_power"};
inline constexpr std::string_view link[] = {"bandwidth", "latency", "loss_rate", "bandwidth_trace", "latency_trace"};

// Training workload.
inline constexpr std::string_view training[] = {"kind", "name", "jobs", "jobs_trace", "job_defaults", "job_overrides",
                                                "ina",  "compression", "learning"};
inline constexpr std::string_view job[] = {"name",    "model",          "gradient_size", "workers",
                                           "aggregation", "servers",    "iterations",    "compute",
                                           "compute_jitter", "arrival", "compression"};
// job_defaults and job_overrides: a job's keys except its name.
inline constexpr std::string_view job_layer[] = {"model",   "gradient_size", "workers",        "aggregation", "servers",
                                                 "iterations", "compute",    "compute_jitter", "arrival",     "compression"};
inline constexpr std::string_view ina[] = {"aggregators", "aggregators_per_job", "switchml_pool", "values_per_packet",
                                           "header",      "unit",                "window",        "ecn_threshold",
                                           "rto",         "ps_packet_cost",      "levels"};
inline constexpr std::string_view ina_window[] = {"initial", "min", "max"};
inline constexpr std::string_view compression[] = {"scheme",          "bits",           "granularity", "clip",
                                                   "partition",       "topk_ratio",     "qsgd_levels", "downstream_bits",
                                                   "error_feedback",  "packet_payload", "threads",     "costs",
                                                   "cost_profile"};
// A scheme's per-coordinate costs: `costs` in a scenario, a scheme's entry in a cost profile.
inline constexpr std::string_view costs[] = {"encode", "add", "finish", "decode"};
inline constexpr std::string_view learning[] = {"proxy",    "hidden",       "dataset",    "batch_per_worker",
                                                "learning_rate", "momentum", "weight_decay", "eval_every",
                                                "target_accuracy"};

// Inference workload.
inline constexpr std::string_view inference[] = {"kind",  "name", "system", "duration", "arrivals", "tiers",       "frame",
                                                 "reply", "edge", "dc",     "models",   "profiles", "requests_csv"};
inline constexpr std::string_view arrivals_rate[] = {"process", "rate"};   // poisson, constant
inline constexpr std::string_view arrivals_trace[] = {"process", "file"};  // trace
inline constexpr std::string_view tier[] = {"accuracy", "share", "deadline"};
inline constexpr std::string_view frame[] = {"size", "packet", "transport", "rto"};
inline constexpr std::string_view inference_edge[] = {"device", "memory", "service"};
inline constexpr std::string_view inference_dc[] = {"device", "max_batch", "servers"};
inline constexpr std::string_view models_proxy[] = {"source", "edge",  "dc",      "pool",           "stands_for",
                                                    "epochs", "seed",  "dataset", "tier_confidence"};
inline constexpr std::string_view models_csv[] = {"source", "file", "edge", "dc", "tier_confidence"};
inline constexpr std::string_view profiles[] = {"devices", "models", "proxies"};

// Every table, by the name docs/scenario.md marks its section with (`<!-- keys: NAME -->`).
// `common` is added to `keys` (the platform keys every topology takes).
struct Table {
  std::string_view name;
  Keys keys;
  Keys common = {};
};
inline constexpr Table all[] = {
    {"root", root},
    {"policies", policies},
    {"outputs", outputs},
    {"platform.star", star, platform_common},
    {"platform.two_tier", two_tier, platform_common},
    {"platform.edge_dc", edge_dc, platform_common},
    {"platform.leaf_spine", leaf_spine, platform_common},
    {"platform.fat_tree", fat_tree, platform_common},
    {"edge_sites", edge_sites},
    {"host", host},
    {"link", link},
    {"training", training},
    {"job", job},
    {"job_layer", job_layer},
    {"ina", ina},
    {"ina.window", ina_window},
    {"compression", compression},
    {"compression.costs", costs},
    {"learning", learning},
    {"inference", inference},
    {"arrivals.rate", arrivals_rate},
    {"arrivals.trace", arrivals_trace},
    {"tier", tier},
    {"frame", frame},
    {"inference.edge", inference_edge},
    {"inference.dc", inference_dc},
    {"models.proxy", models_proxy},
    {"models.csv", models_csv},
    {"profiles", profiles},
};

}  // namespace cs::scenario_keys

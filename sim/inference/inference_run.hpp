#pragma once
// An inference workload on the edge_dc platform: the cameras, the edge devices' actors, the DC
// servers, and what the reports read afterwards.
#include <nlohmann/json.hpp>
#include <vector>

#include "inference/inference_state.hpp"
#include "output/table.hpp"
#include "run/context.hpp"

namespace cs::inference {

// Builds the per-device state and starts every actor; the run ends when every request made
// before the workload's duration has been answered.
void launch_inference(RunContext& ctx, InferenceState& state);

// Actors (one file each).
void camera(RunContext& ctx, InferenceState& state, int index, sg4::Host* edge_host, const LinkSpec& camera_link);
void edge_gpu(RunContext& ctx, InferenceState& state, EdgeNode& edge);
void edge_uplink(RunContext& ctx, InferenceState& state, EdgeNode& edge);
void edge_results(InferenceState& state, EdgeNode& edge);
void dc_receiver(InferenceState& state, DcNode& dc);
void dc_server(RunContext& ctx, InferenceState& state, DcNode& dc);

// Sends request `id` to a DC server (round robin) from the calling actor on the edge's host.
void forward_to_dc(RunContext& ctx, InferenceState& state, EdgeNode& edge, std::uint32_t id);

// Reports.
nlohmann::json inference_metrics(const InferenceState& state, double duration_s);
Table requests_table(const InferenceState& state);
Table tiers_table(const InferenceState& state);
Table devices_table(const InferenceState& state, double duration_s);
Table variants_table(const InferenceState& state);

}  // namespace cs::inference

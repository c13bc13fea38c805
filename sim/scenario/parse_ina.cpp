#include <fmt/format.h>

#include "scenario.hpp"
#include "scenario_keys.hpp"

namespace cs {

InaSpec parse_ina(const std::optional<JsonNode>& ina, const JsonNode& policies) {
  InaSpec s;
  if (auto a = policies.find("switch_allocation")) s.policy = ina::policies().find(a->choice(ina::policies().names()));
  if (auto p = policies.find("esa_priority"))
    s.priority = p->choice({"srtf", "las"}) == "srtf" ? PriorityMetric::srtf : PriorityMetric::las;
  if (auto w = policies.find("switchml_no_pool")) s.switchml_host_path = w->choice({"wait", "host_path"}) == "host_path";
  s.values_per_packet = s.policy->traits.values_per_packet;
  if (!ina) return s;
  const JsonNode& n = *ina;
  n.allow_keys(scenario_keys::ina);
  s.aggregators = std::uint32_t(n.integer_or("aggregators", s.aggregators, 1, 1 << 24));
  s.aggregators_per_job = std::uint32_t(n.integer_or("aggregators_per_job", s.aggregators_per_job, 1, 1 << 24));
  s.switchml_pool = std::uint32_t(n.integer_or("switchml_pool", s.switchml_pool, 2, 1 << 24));
  s.values_per_packet = std::uint32_t(n.integer_or("values_per_packet", s.values_per_packet, 1, 4096));
  s.header_bytes = n.quantity_or("header", Dimension::size, s.header_bytes);
  s.unit = std::uint32_t(n.integer_or("unit", s.unit, 1, 1 << 20));
  if (auto l = n.find("levels")) {
    s.levels = int(l->integer(1, 2));
    if (s.levels == 2 && s.policy->traits.multicasts_results)
      l->fail(fmt::format("two-level aggregation sends sums up to the PS; {} multicasts results from the switch "
                          "(two levels work with the policies that send sums to the PS)",
                          s.policy->name));
  }
  if (auto w = n.find("window")) {
    w->allow_keys(scenario_keys::ina_window);
    s.window_min = std::uint32_t(w->integer_or("min", s.window_min, 1, 1 << 20));
    s.window_max = std::uint32_t(w->integer_or("max", s.window_max, s.window_min, 1 << 20));
    s.window_initial = std::uint32_t(w->integer_or("initial", std::min(s.window_initial, s.window_max), s.window_min, s.window_max));
  }
  if (s.policy->traits.pools_per_job && !s.switchml_host_path && s.switchml_pool > s.aggregators)
    n.fail(fmt::format("switchml_pool ({}) exceeds the switch's {} aggregators: {} jobs would wait forever", s.switchml_pool,
                       s.aggregators, s.policy->name));
  s.ecn_threshold_bytes = n.quantity_or("ecn_threshold", Dimension::size, s.ecn_threshold_bytes);
  if (auto r = n.find("rto")) {
    s.rto_s = r->positive_quantity(Dimension::duration);
    if (s.rto_s < min_ina_rto_s)
      r->fail(fmt::format("below {}: a timeout shorter than a few packet times resends without end",
                          format_quantity(min_ina_rto_s, Dimension::duration)));
  }
  s.ps_packet_cost_s = n.quantity_or("ps_packet_cost", Dimension::duration, s.ps_packet_cost_s);
  if (s.ps_packet_cost_s > max_ina_ps_packet_cost_s)
    n.at("ps_packet_cost").fail(fmt::format("above {} per packet", format_quantity(max_ina_ps_packet_cost_s, Dimension::duration)));
  return s;
}

}  // namespace cs

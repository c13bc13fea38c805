#pragma once
// The topology kinds "platform.topology" accepts, in one table (topology_kinds.cpp): the parser's
// choice list and any listing of kinds read it. Adding a kind = a file with its parse function
// + one line in the table.
#include <span>
#include <string>
#include <string_view>

#include "core/registry.hpp"
#include "json_node.hpp"
#include "platform/topology.hpp"

namespace cs {

// Reads the platform object's kind-specific keys. The common keys (topology, network_model,
// tcp_window, switch) are read by parse_platform; a kind lists them among its allowed keys
// through allow_platform_keys.
using ParseTopology = Topology (*)(const JsonNode& platform, const std::string& base_dir);

struct TopologyKind {
  std::string_view name;
  std::string_view description;  // one line, for listings
  ParseTopology parse;
};

const Registry<TopologyKind>& topology_kinds();

// Helpers shared by the kinds' parse functions (parse_platform.cpp).
constexpr int max_hosts = 60000;  // SimGrid fails above ~65,000 actors (kernel map-count limit)
HostSpec parse_host(const JsonNode& n, HostSpec defaults);
LinkSpec parse_link(const JsonNode& n, const std::string& base_dir);
HostSpec parse_switch_host(const JsonNode& platform);  // "switch", or the default switch
int parse_count(const JsonNode& n, std::string_view key, int max);  // required, 1..max
// allow_keys with the common platform keys added to the kind's own.
void allow_platform_keys(const JsonNode& platform, std::span<const std::string_view> own);

// The kinds' parse functions, each in its own file or in parse_platform.cpp.
Topology parse_star(const JsonNode& platform, const std::string& base_dir);
Topology parse_two_tier(const JsonNode& platform, const std::string& base_dir);
Topology parse_edge_dc(const JsonNode& platform, const std::string& base_dir);
Topology parse_leaf_spine(const JsonNode& platform, const std::string& base_dir);  // parse_fabric.cpp
Topology parse_fat_tree(const JsonNode& platform, const std::string& base_dir);    // parse_fabric.cpp

}  // namespace cs

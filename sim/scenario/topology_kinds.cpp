#include "topology_kinds.hpp"

#include <array>

namespace cs {
namespace {

constexpr std::array kinds{
    TopologyKind{"star", "hosts on their own link to one non-blocking switch", parse_star},
    TopologyKind{"two_tier", "racks of hosts under ToRs, every ToR on an uplink to one spine", parse_two_tier},
    TopologyKind{"edge_dc", "cameras and edge devices, a WAN link, data-centre servers", parse_edge_dc},
    TopologyKind{"leaf_spine", "hosts under leaves, every leaf wired to every spine; ECMP routes", parse_leaf_spine},
    TopologyKind{"fat_tree", "k-ary fat-tree: k pods, (k/2)^2 cores, k^3/4 hosts; ECMP routes", parse_fat_tree},
};

constexpr auto names = [] {
  std::array<std::string_view, kinds.size()> out{};
  for (size_t i = 0; i < kinds.size(); ++i) out[i] = kinds[i].name;
  return out;
}();

}  // namespace

std::span<const TopologyKind> topology_kinds() { return kinds; }
std::span<const std::string_view> topology_kind_names() { return names; }

}  // namespace cs

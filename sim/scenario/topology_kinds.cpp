#include "topology_kinds.hpp"


namespace cs {
namespace {

constexpr TopologyKind star{"star", "hosts on their own link to one non-blocking switch", parse_star};
constexpr TopologyKind two_tier{"two_tier", "racks of hosts under ToRs, every ToR on an uplink to one spine", parse_two_tier};
constexpr TopologyKind edge_dc{"edge_dc", "cameras and edge devices, a WAN link, data-centre servers", parse_edge_dc};
constexpr TopologyKind leaf_spine{"leaf_spine", "hosts under leaves, every leaf wired to every spine; ECMP routes",
                                  parse_leaf_spine};
constexpr TopologyKind fat_tree{"fat_tree", "k-ary fat-tree: k pods, (k/2)^2 cores, k^3/4 hosts; ECMP routes", parse_fat_tree};

}  // namespace

const Registry<TopologyKind>& topology_kinds() {
  static const Registry<TopologyKind> registry("topology", {&star, &two_tier, &edge_dc, &leaf_spine, &fat_tree});
  return registry;
}

}  // namespace cs

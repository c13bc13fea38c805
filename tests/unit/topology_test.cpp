// Topology construction: the graph each kind builds, before any SimGrid object exists.
#include <gtest/gtest.h>

#include <set>

#include "platform/topology.hpp"

#include "test_util.hpp"

using namespace cs;

namespace {

using cs::testing::link_of;

const std::string& name_of(const Topology& t, size_t node) { return t.nodes.at(node).name; }

// Every link endpoint is a valid node, and node and link names are unique (SimGrid requires it).
void expect_well_formed(const Topology& t) {
  std::set<std::string> nodes, links;
  for (const auto& n : t.nodes) EXPECT_TRUE(nodes.insert(n.name).second) << "duplicate node " << n.name;
  for (const auto& l : t.links) {
    EXPECT_LT(l.a, t.nodes.size());
    EXPECT_LT(l.b, t.nodes.size());
    EXPECT_NE(l.a, l.b);
    EXPECT_TRUE(links.insert(l.name).second) << "duplicate link " << l.name;
  }
}

}  // namespace

TEST(Topology, Star) {
  HostSpec fast;
  fast.speed_flops = 2e12;
  Topology t = make_star({.hosts = 5, .host = fast, .switch_host = {}, .link = link_of(25e9)});
  expect_well_formed(t);
  EXPECT_EQ(t.kind, "star");
  ASSERT_EQ(t.nodes.size(), 6u);
  ASSERT_EQ(t.links.size(), 5u);
  EXPECT_EQ(t.names_with_role(NodeRole::compute), (std::vector<std::string>{"host0", "host1", "host2", "host3", "host4"}));
  EXPECT_EQ(t.names_with_role(NodeRole::switch_node), std::vector<std::string>{"switch"});
  for (size_t i = 0; i < t.links.size(); ++i) {
    EXPECT_EQ(name_of(t, t.links[i].a), "host" + std::to_string(i));
    EXPECT_EQ(name_of(t, t.links[i].b), "switch");
    EXPECT_EQ(t.links[i].spec.bandwidth_bps, 25e9);
  }
  EXPECT_EQ(t.links[0].name, "host0-switch");
  EXPECT_EQ(t.nodes[*t.find("host3")].host.speed_flops, 2e12);
  EXPECT_FALSE(t.find("host5").has_value());
}

TEST(Topology, TwoTier) {
  Topology t = make_two_tier({.racks = 3, .hosts_per_rack = 4, .host = {}, .switch_host = {},
                              .link = link_of(10e9), .uplink = link_of(40e9)});
  expect_well_formed(t);
  EXPECT_EQ(t.kind, "two_tier");
  EXPECT_EQ(t.names_with_role(NodeRole::compute).size(), 12u);
  EXPECT_EQ(t.names_with_role(NodeRole::switch_node),
            (std::vector<std::string>{"spine", "tor0", "tor1", "tor2"}));
  EXPECT_EQ(t.nodes.size(), 1u + 3u + 12u);
  EXPECT_EQ(t.links.size(), 3u + 12u);
  size_t uplinks = 0;
  for (const auto& l : t.links) {
    if (name_of(t, l.b) == "spine") {
      ++uplinks;
      EXPECT_EQ(l.spec.bandwidth_bps, 40e9);
      EXPECT_EQ(name_of(t, l.a).rfind("tor", 0), 0u);
    } else {
      EXPECT_EQ(l.spec.bandwidth_bps, 10e9);
      // Host h sits in rack h / hosts_per_rack.
      int host = std::stoi(name_of(t, l.a).substr(4));
      EXPECT_EQ(name_of(t, l.b), "tor" + std::to_string(host / 4)) << name_of(t, l.a);
    }
  }
  EXPECT_EQ(uplinks, 3u);
}

TEST(Topology, EdgeDc) {
  Topology t = make_edge_dc({.clients = 7, .edges = 3, .dc_servers = 2, .client = {}, .edge = {}, .dc = {},
                             .switch_host = {}, .client_link = link_of(1e8), .edge_link = link_of(1e9),
                             .wan = link_of(5e8), .dc_link = link_of(1e10)});
  expect_well_formed(t);
  EXPECT_EQ(t.kind, "edge_dc");
  EXPECT_EQ(t.names_with_role(NodeRole::client).size(), 7u);
  EXPECT_EQ(t.names_with_role(NodeRole::edge).size(), 3u);
  EXPECT_EQ(t.names_with_role(NodeRole::datacenter), (std::vector<std::string>{"dc0", "dc1"}));
  EXPECT_TRUE(t.names_with_role(NodeRole::compute).empty());
  EXPECT_EQ(t.nodes.size(), 2u + 3u + 7u + 2u);
  EXPECT_EQ(t.links.size(), 1u + 3u + 7u + 2u);
  int wan_links = 0;
  for (const auto& l : t.links) {
    const std::string &a = name_of(t, l.a), &b = name_of(t, l.b);
    if (a.rfind("client", 0) == 0) {
      EXPECT_EQ(b, "edge" + std::to_string(std::stoi(a.substr(6)) % 3)) << a;  // client i -> edge i mod E
      EXPECT_EQ(l.spec.bandwidth_bps, 1e8);
    } else if (a.rfind("dc", 0) == 0 && a != "dc-switch") {
      EXPECT_EQ(b, "dc-switch");
      EXPECT_EQ(l.spec.bandwidth_bps, 1e10);
    } else if (a.rfind("edge", 0) == 0 && a != "edge-switch") {
      EXPECT_EQ(b, "edge-switch");
      EXPECT_EQ(l.spec.bandwidth_bps, 1e9);
    } else {
      ++wan_links;
      EXPECT_EQ(a, "edge-switch");
      EXPECT_EQ(b, "dc-switch");
      EXPECT_EQ(l.spec.bandwidth_bps, 5e8);
    }
  }
  EXPECT_EQ(wan_links, 1);
}

TEST(Topology, FindByName) {
  Topology t = make_star({.hosts = 3, .host = {}, .switch_host = {}, .link = link_of(1e9)});
  EXPECT_EQ(t.find("switch"), 0u);
  EXPECT_EQ(t.find("host2"), 3u);
  EXPECT_FALSE(t.find("host3").has_value());
  EXPECT_FALSE(t.find("").has_value());
  // A node pushed directly is still found.
  t.nodes.push_back({"extra", NodeRole::compute, {}});
  EXPECT_EQ(t.find("extra"), 4u);
  EXPECT_EQ(t.find("host1"), 2u);
}

TEST(Topology, RoleNames) {
  EXPECT_EQ(role_name(NodeRole::compute), "compute");
  EXPECT_EQ(role_name(NodeRole::switch_node), "switch");
  EXPECT_EQ(role_name(NodeRole::datacenter), "datacenter");
}

#include "tree.hpp"

namespace cs {

std::optional<TreeShape> TreeShape::of(const Topology& topology) {
  const size_t n = topology.nodes.size();
  // A connected graph with n vertices and n - 1 links has no cycle; parallel links and links to
  // self use up links without connecting anything, so they fail the connectivity check below.
  if (n == 0 || topology.links.size() != n - 1) return std::nullopt;
  std::vector<std::vector<size_t>> incident(n);
  for (size_t l = 0; l < topology.links.size(); ++l) {
    const auto& link = topology.links[l];
    if (link.a >= n || link.b >= n || link.a == link.b) return std::nullopt;
    incident[link.a].push_back(l);
    incident[link.b].push_back(l);
  }
  TreeShape shape;
  shape.vertices_.resize(n);
  std::vector<bool> seen(n, false);
  std::vector<size_t> queue{0};
  seen[0] = true;
  for (size_t next = 0; next < queue.size(); ++next) {
    size_t v = queue[next];
    for (size_t l : incident[v]) {
      const auto& link = topology.links[l];
      size_t u = link.a == v ? link.b : link.a;
      if (seen[u]) continue;
      seen[u] = true;
      // u hangs below v: its link climbs to v in the "up" direction when u is the link's a.
      shape.vertices_[u] = {.parent = v, .link = l, .up_to_parent = link.a == u, .depth = shape.vertices_[v].depth + 1};
      queue.push_back(u);
    }
  }
  if (queue.size() != n) return std::nullopt;
  return shape;
}

void TreeShape::split_path(size_t src, size_t dst, std::vector<size_t>& rising, std::vector<size_t>& falling) const {
  rising.clear();
  falling.clear();
  // Climb the deeper end until both are at the same depth, then both until they meet.
  while (vertices_[src].depth > vertices_[dst].depth) {
    rising.push_back(src);
    src = vertices_[src].parent;
  }
  while (vertices_[dst].depth > vertices_[src].depth) {
    falling.push_back(dst);
    dst = vertices_[dst].parent;
  }
  while (src != dst) {
    rising.push_back(src);
    src = vertices_[src].parent;
    falling.push_back(dst);
    dst = vertices_[dst].parent;
  }
}

std::vector<TreeShape::Hop> TreeShape::path(size_t src, size_t dst) const {
  std::vector<Hop> hops;
  std::vector<size_t> rising, falling;
  path(src, dst, hops, rising, falling);
  return hops;
}

void TreeShape::path(size_t src, size_t dst, std::vector<Hop>& hops, std::vector<size_t>& rising,
                     std::vector<size_t>& falling) const {
  split_path(src, dst, rising, falling);
  hops.clear();
  hops.reserve(rising.size() + falling.size());
  for (size_t v : rising) hops.push_back({vertices_[v].link, vertices_[v].up_to_parent});
  for (auto it = falling.rbegin(); it != falling.rend(); ++it)
    hops.push_back({vertices_[*it].link, !vertices_[*it].up_to_parent});
}

}  // namespace cs

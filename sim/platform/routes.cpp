#include "routes.hpp"

#include "fabric.hpp"
#include "tree.hpp"

namespace cs {
namespace {

// The unique path of a tree, split at the lowest common ancestor (tree.hpp): links up from the
// source, then down to the destination. Scratch vectors are kept: this runs for every message.
class TreeRoutes final : public RouteFunction {
 public:
  explicit TreeRoutes(TreeShape shape) : shape_(std::move(shape)) {}
  void path(size_t src, size_t dst, std::vector<RouteHop>& hops) override {
    hops.clear();
    shape_.split_path(src, dst, rising_, falling_);
    const auto& v = shape_.vertices();
    hops.reserve(rising_.size() + falling_.size());
    for (size_t x : rising_) hops.push_back({v[x].link, v[x].up_to_parent});
    for (auto it = falling_.rbegin(); it != falling_.rend(); ++it) hops.push_back({v[*it].link, !v[*it].up_to_parent});
  }
  const char* name() const override { return "tree"; }

 private:
  TreeShape shape_;
  std::vector<size_t> rising_, falling_;
};

}  // namespace

std::unique_ptr<RouteFunction> routes_of(const Topology& topology) {
  if (topology.fabric) return std::make_unique<FabricRoutes>(topology);
  if (auto tree = TreeShape::of(topology)) return std::make_unique<TreeRoutes>(std::move(*tree));
  return nullptr;
}

}  // namespace cs

#include "routes.hpp"

#include "fabric.hpp"
#include "tree.hpp"

namespace cs {
namespace {

// The unique path of a tree (tree.hpp): links up from the source to the lowest common ancestor,
// then down to the destination. Scratch vectors are kept: this runs for every message.
class TreeRoutes final : public RouteFunction {
 public:
  explicit TreeRoutes(TreeShape shape) : shape_(std::move(shape)) {}
  void path(size_t src, size_t dst, std::vector<RouteHop>& hops) override {
    shape_.path(src, dst, hops, rising_, falling_);
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

#pragma once
// An edge device's model memory: variants stay resident until room is needed, then the least
// recently used unpinned one is evicted.
#include <cstdint>
#include <list>
#include <vector>

namespace cs::serving {

class LruMemory {
 public:
  explicit LruMemory(double capacity_bytes);

  struct Access {
    bool hit = false;            // was resident
    std::vector<int> evicted;    // variants evicted to make room, oldest first
  };
  // Marks `variant` most recently used, loading it (after evictions) when absent.
  // Throws std::invalid_argument when it cannot fit even with everything unpinned evicted.
  Access use(int variant, double bytes);
  // Loads `variant` for good (HawkVision's always-resident edge model). Throws like use().
  void pin(int variant, double bytes);

  bool resident(int variant) const;
  double used_bytes() const { return used_; }
  double capacity_bytes() const { return capacity_; }
  std::vector<int> residents() const;  // most recently used first

 private:
  struct Entry {
    int variant;
    double bytes;
    bool pinned;
  };
  double capacity_, used_ = 0;
  std::list<Entry> entries_;  // most recently used first; a handful of variants, so lists are fine
};

}  // namespace cs::serving

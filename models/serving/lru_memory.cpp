// An edge device's model memory with LRU eviction of unpinned variants.
#include "serving/lru_memory.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace cs::serving {

namespace {

// Finds `variant`'s entry, or end().
template <class List>
auto find(List& entries, int variant) {
  auto it = entries.begin();
  while (it != entries.end() && it->variant != variant) ++it;
  return it;
}

}  // namespace

LruMemory::LruMemory(double capacity_bytes) : capacity_(capacity_bytes) {
  if (!(capacity_bytes > 0) || !std::isfinite(capacity_bytes))
    throw std::invalid_argument("edge model memory must be finite and > 0 bytes, got " + std::to_string(capacity_bytes));
}

// A resident variant moves to the front; an absent one is loaded after evicting the least
// recently used unpinned entries (from the back). State is unchanged when it cannot fit.
LruMemory::Access LruMemory::use(int variant, double bytes) {
  Access a;
  if (auto it = find(entries_, variant); it != entries_.end()) {
    entries_.splice(entries_.begin(), entries_, it);
    a.hit = true;
    return a;
  }
  if (!(bytes >= 0) || !std::isfinite(bytes))
    throw std::invalid_argument("variant " + std::to_string(variant) + ": size must be finite and >= 0 bytes");
  double pinned = 0;
  for (const Entry& e : entries_) pinned += e.pinned ? e.bytes : 0;
  if (bytes > capacity_ - pinned)
    throw std::invalid_argument("variant " + std::to_string(variant) + " (" + std::to_string(bytes) +
                                " bytes) does not fit in the edge memory (" + std::to_string(capacity_) + " bytes, " +
                                std::to_string(pinned) + " pinned)");
  auto it = entries_.end();
  while (used_ + bytes > capacity_ && it != entries_.begin()) {
    --it;
    if (it->pinned) continue;
    a.evicted.push_back(it->variant);
    used_ -= it->bytes;
    it = entries_.erase(it);
  }
  if (entries_.empty()) used_ = 0;  // no drift from repeated subtraction
  entries_.push_front({variant, bytes, false});
  used_ += bytes;
  return a;
}

void LruMemory::pin(int variant, double bytes) {
  use(variant, bytes);
  entries_.front().pinned = true;
}

bool LruMemory::resident(int variant) const { return find(entries_, variant) != entries_.end(); }

std::vector<int> LruMemory::residents() const {
  std::vector<int> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.variant);
  return out;
}

}  // namespace cs::serving

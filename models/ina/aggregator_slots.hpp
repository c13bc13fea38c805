#pragma once
// Aggregator registers shared by the policies: per aggregator an owner key, the contributor
// bitmap and count, the owner's priority, and (unless timing only) the running sums.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "packet.hpp"

namespace cs::ina {

constexpr std::uint64_t no_owner = 0;
// job + 1 keeps key 0 for "free"; fragment numbers stay below 2^40.
constexpr std::uint64_t fragment_key(std::uint32_t job, std::uint64_t seq) {
  return (std::uint64_t(job + 1) << 40) | (seq & ((std::uint64_t(1) << 40) - 1));
}

// Adds like the switch's 32-bit registers (wrap-around), without signed-overflow UB.
inline void add_wrapping(std::int32_t* __restrict sums, const std::int32_t* __restrict values, size_t n) {
  auto* u = reinterpret_cast<std::uint32_t*>(sums);
  const auto* x = reinterpret_cast<const std::uint32_t*>(values);
  for (size_t k = 0; k < n; ++k) u[k] += x[k];
}

class AggregatorSlots {
 public:
  struct Slot {
    std::uint64_t key = no_owner;
    std::uint64_t bitmap = 0;
    std::uint32_t count = 0;
    std::uint32_t priority = 0;
    std::uint32_t job = 0;
    bool complete = false;
  };

  AggregatorSlots(std::uint32_t aggregators, std::uint32_t values_per_aggregator)
      : slots_(aggregators), width_(values_per_aggregator), values_(size_t(aggregators) * width_), scratch_(width_) {}

  std::uint32_t size() const { return std::uint32_t(slots_.size()); }
  Slot& operator[](std::uint32_t i) { return slots_[i]; }
  const Slot& operator[](std::uint32_t i) const { return slots_[i]; }

  std::uint32_t held() const { return held_; }        // slots owned by a fragment
  std::uint32_t partials() const { return partials_; }  // of those, still incomplete

  // Starts slot i for the packet's fragment with its contribution.
  void claim(std::uint32_t i, const Packet& p) {
    Slot& s = slots_[i];
    forget(s);
    ++held_;
    partials_ += p.fan_in != 1;
    s = {fragment_key(p.job, p.seq), std::uint64_t(1) << p.worker, 1, p.priority, p.job, p.fan_in == 1};
    if (width_ && !p.values.empty()) {
      std::int32_t* v = &values_[size_t(i) * width_];
      const size_t n = std::min<size_t>(width_, p.values.size());
      std::copy_n(p.values.data(), n, v);
      std::fill(v + n, v + width_, 0);
    }
  }
  // Adds the packet's contribution; true when it completes the fragment.
  bool add(std::uint32_t i, const Packet& p) {
    Slot& s = slots_[i];
    s.bitmap |= std::uint64_t(1) << p.worker;
    s.priority = p.priority;
    if (width_ && !p.values.empty()) add_wrapping(&values_[size_t(i) * width_], p.values.data(), std::min<size_t>(width_, p.values.size()));
    s.complete = ++s.count == p.fan_in;
    partials_ -= s.complete;
    return s.complete;
  }
  // The slot's aggregate, in place (valid until the slot changes).
  Aggregate view(std::uint32_t i) const {
    const Slot& s = slots_[i];
    return {s.job, s.key & ((std::uint64_t(1) << 40) - 1), s.bitmap, s.count, sums(i)};
  }
  // The slot's aggregate copied to scratch memory, so the slot can be reused at once.
  Aggregate evict(std::uint32_t i) {
    Aggregate a = view(i);
    if (width_) {
      std::copy(a.values.begin(), a.values.end(), scratch_.begin());
      a.values = scratch_;
    }
    release(i);
    return a;
  }
  void release(std::uint32_t i) {
    forget(slots_[i]);
    slots_[i] = Slot{};
  }

 private:
  void forget(const Slot& s) {
    if (s.key == no_owner) return;
    --held_;
    partials_ -= !s.complete;
  }
  std::span<const std::int32_t> sums(std::uint32_t i) const {
    if (!width_) return {};
    return {&values_[size_t(i) * width_], width_};
  }
  std::vector<Slot> slots_;
  std::uint32_t width_;
  std::vector<std::int32_t> values_;
  std::vector<std::int32_t> scratch_;
  std::uint32_t held_ = 0, partials_ = 0;
};

}  // namespace cs::ina

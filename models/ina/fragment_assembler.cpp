#include "fragment_assembler.hpp"

#include "aggregator_slots.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cs::ina {

FragmentAssembler::Added FragmentAssembler::add(std::uint64_t seq, std::uint64_t bitmap,
                                                std::span<const std::int32_t> values) {
  if (complete(seq) || bitmap == 0) return Added::duplicate;
  Open& f = open_[seq];
  if ((f.bitmap & bitmap) == bitmap) return Added::duplicate;
  if (bitmap == all_) {
    f.bitmap = 0;
    f.sums.clear();
  } else if (f.bitmap & bitmap) {
    throw std::logic_error("fragment " + std::to_string(seq) + ": a partial sum overlaps contributions already in");
  }
  f.bitmap |= bitmap;
  if (width_ && !values.empty()) {
    if (f.sums.empty()) f.sums.assign(width_, 0);
    add_wrapping(f.sums.data(), values.data(), std::min<size_t>(width_, values.size()));
  }
  if (f.bitmap != all_) return Added::partial;
  last_sum_ = std::move(f.sums);
  if (width_ && last_sum_.empty()) last_sum_.assign(width_, 0);
  open_.erase(seq);
  if (seq >= done_.size()) done_.resize(std::max<size_t>(seq + 1, done_.size() * 2));
  done_[seq] = true;
  return Added::completed;
}

}  // namespace cs::ina

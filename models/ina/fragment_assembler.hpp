#pragma once
// A job's parameter server in an INA system: it completes, in software, every fragment the
// switch could not (collisions, preempted or flushed partial sums), removing duplicates by
// contributor bitmap, and knows which fragments are complete so that a resend gets the result.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace cs::ina {

class FragmentAssembler {
 public:
  FragmentAssembler(std::uint32_t fan_in, std::uint32_t values_per_fragment)
      : width_(values_per_fragment), all_(fan_in >= 64 ? ~0ull : (1ull << fan_in) - 1) {}

  enum class Added { partial, completed, duplicate };

  // The contribution of the workers in `bitmap`: one packet or a partial sum. A sum of all
  // workers replaces whatever arrived before it (it is exact by itself); a partial sum that
  // overlaps what is there only in part cannot be merged exactly: std::logic_error.
  Added add(std::uint64_t seq, std::uint64_t bitmap, std::span<const std::int32_t> values);
  bool complete(std::uint64_t seq) const { return seq < done_.size() && done_[seq]; }
  // The sum of the fragment that add() just reported completed (valid until the next add()).
  std::span<const std::int32_t> last_sum() const { return last_sum_; }

 private:
  struct Open {
    std::uint64_t bitmap = 0;
    std::vector<std::int32_t> sums;
  };
  std::uint32_t width_;
  std::uint64_t all_;
  std::unordered_map<std::uint64_t, Open> open_;
  std::vector<bool> done_;
  std::vector<std::int32_t> last_sum_;
};

}  // namespace cs::ina

#pragma once
// A per-thread float buffer reused across calls. Fresh multi-megabyte allocations come from
// mmap and cost a page fault per 4 KiB every time (glibc trims them back), which was a third
// of THC's decode time; a thread keeps at most the largest buffer it asked for (one THC
// partition, 4 MiB by default).
#include <cstddef>
#include <span>
#include <vector>

namespace cs::compression::detail {

inline std::span<float> thread_scratch(std::size_t n) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return std::span<float>(buffer.data(), n);
}

}  // namespace cs::compression::detail

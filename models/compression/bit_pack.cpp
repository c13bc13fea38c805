#include "compression/bit_pack.hpp"

#include <stdexcept>
#include <string>

#include "compression/simd.hpp"

namespace cs::compression {
namespace {

void check_bits(int bits) {
  if (bits < 1 || bits > 8) throw std::invalid_argument("bit packing: bits must be in 1..8, got " + std::to_string(bits));
}

// Widths dividing 8 pack whole bytes from a fixed number of codes: a loop the compiler
// vectorises. The tail (count not a multiple of 8 / bits) goes through the general path.
template <int Bits>
CS_ALWAYS_INLINE void pack_whole_bytes(const std::uint8_t* codes, std::size_t bytes, std::uint8_t* out) {
  constexpr int per_byte = 8 / Bits;
  constexpr unsigned mask = (1u << Bits) - 1;
  for (std::size_t i = 0; i < bytes; ++i) {
    unsigned byte = 0;
    for (int k = 0; k < per_byte; ++k) byte |= (codes[i * per_byte + k] & mask) << (k * Bits);
    out[i] = static_cast<std::uint8_t>(byte);
  }
}

template <int Bits>
CS_ALWAYS_INLINE void unpack_whole_bytes(const std::uint8_t* packed, std::size_t bytes, std::uint8_t* codes) {
  constexpr int per_byte = 8 / Bits;
  constexpr unsigned mask = (1u << Bits) - 1;
  for (std::size_t i = 0; i < bytes; ++i)
    for (int k = 0; k < per_byte; ++k) codes[i * per_byte + k] = static_cast<std::uint8_t>((packed[i] >> (k * Bits)) & mask);
}

CS_VECTOR_CLONES std::size_t pack_fast(const std::uint8_t* codes, std::size_t count, int bits, std::uint8_t* out) {
  const std::size_t bytes = count * bits / 8;  // whole bytes: 8 / bits codes each
  switch (bits) {
    case 1: pack_whole_bytes<1>(codes, bytes, out); break;
    case 2: pack_whole_bytes<2>(codes, bytes, out); break;
    case 4: pack_whole_bytes<4>(codes, bytes, out); break;
    case 8: pack_whole_bytes<8>(codes, bytes, out); break;
    default: return 0;
  }
  return bytes * 8 / bits;
}

CS_VECTOR_CLONES std::size_t unpack_fast(const std::uint8_t* packed, std::size_t count, int bits, std::uint8_t* codes) {
  const std::size_t bytes = count * bits / 8;
  switch (bits) {
    case 1: unpack_whole_bytes<1>(packed, bytes, codes); break;
    case 2: unpack_whole_bytes<2>(packed, bytes, codes); break;
    case 4: unpack_whole_bytes<4>(packed, bytes, codes); break;
    case 8: unpack_whole_bytes<8>(packed, bytes, codes); break;
    default: return 0;
  }
  return bytes * 8 / bits;
}

}  // namespace

std::size_t packed_size(std::size_t count, int bits) {
  check_bits(bits);
  return (count * static_cast<std::size_t>(bits) + 7) / 8;
}

std::vector<std::uint8_t> pack_codes(std::span<const std::uint8_t> codes, int bits) {
  std::vector<std::uint8_t> out(packed_size(codes.size(), bits), 0);
  const std::size_t done = pack_fast(codes.data(), codes.size(), bits, out.data());
  // General path: a bit accumulator, flushed a byte at a time. Starts on a byte boundary
  // because the fast path packs whole bytes only.
  const unsigned mask = (1u << bits) - 1;
  std::uint32_t acc = 0;
  int filled = 0;
  std::size_t o = done * bits / 8;
  for (std::size_t j = done; j < codes.size(); ++j) {
    acc |= (codes[j] & mask) << filled;
    filled += bits;
    while (filled >= 8) {
      out[o++] = static_cast<std::uint8_t>(acc);
      acc >>= 8;
      filled -= 8;
    }
  }
  if (filled > 0) out[o] = static_cast<std::uint8_t>(acc);
  return out;
}

std::vector<std::uint8_t> unpack_codes(std::span<const std::uint8_t> packed, int bits, std::size_t count) {
  if (packed.size() < packed_size(count, bits))
    throw std::invalid_argument("bit unpacking: " + std::to_string(packed.size()) + " bytes cannot hold " +
                                std::to_string(count) + " codes of " + std::to_string(bits) + " bits");
  std::vector<std::uint8_t> codes(count);
  const std::size_t done = unpack_fast(packed.data(), count, bits, codes.data());
  const unsigned mask = (1u << bits) - 1;
  std::uint32_t acc = 0;
  int filled = 0;
  std::size_t i = done * bits / 8;
  for (std::size_t j = done; j < count; ++j) {
    while (filled < bits) {
      acc |= static_cast<std::uint32_t>(packed[i++]) << filled;
      filled += 8;
    }
    codes[j] = static_cast<std::uint8_t>(acc & mask);
    acc >>= bits;
    filled -= bits;
  }
  return codes;
}

}  // namespace cs::compression

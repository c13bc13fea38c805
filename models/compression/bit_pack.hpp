#pragma once
// Bit-packing of b-bit codes (THC indices, TernGrad trits, QSGD levels) as they go on the
// wire: code j occupies bits [j b, (j + 1) b) of the byte stream, least significant first,
// so 4-bit codes go two per byte, low nibble first.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cs::compression {

// Bytes holding `count` codes of `bits` bits.
std::size_t packed_size(std::size_t count, int bits);

// Bits of a code above `bits` are ignored. Throws std::invalid_argument unless 1 <= bits <= 8.
std::vector<std::uint8_t> pack_codes(std::span<const std::uint8_t> codes, int bits);

// The first `count` codes of `packed`. Throws std::invalid_argument for bits outside 1..8 or
// when `packed` is shorter than packed_size(count, bits).
std::vector<std::uint8_t> unpack_codes(std::span<const std::uint8_t> packed, int bits, std::size_t count);

}  // namespace cs::compression

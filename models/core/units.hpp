#pragma once
// Physical quantities as strong types, and the one parser that turns "25Gbps", "1.5us",
// "100MB" or "200W" into them. Every value is stored in SI base units: seconds, bytes,
// bits per second, watts, joules, flop/s. Bits and bytes are distinct dimensions.
#include <compare>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cs {

enum class Dimension { size, duration, bandwidth, power, energy, speed, frequency };

std::string_view dimension_name(Dimension d);
// An example of a well-formed value, for error messages ("25Gbps" for a bandwidth).
std::string_view dimension_example(Dimension d);

template <Dimension D>
struct Quantity {
  double value = 0;  // in the SI unit of D
  constexpr auto operator<=>(const Quantity&) const = default;
  constexpr Quantity operator+(Quantity o) const { return {value + o.value}; }
  constexpr Quantity operator-(Quantity o) const { return {value - o.value}; }
  constexpr Quantity operator*(double k) const { return {value * k}; }
  constexpr Quantity operator/(double k) const { return {value / k}; }
  constexpr double operator/(Quantity o) const { return value / o.value; }
  Quantity& operator+=(Quantity o) { value += o.value; return *this; }
};

using Bytes = Quantity<Dimension::size>;
using Seconds = Quantity<Dimension::duration>;
using BitsPerSecond = Quantity<Dimension::bandwidth>;
using Watts = Quantity<Dimension::power>;
using Joules = Quantity<Dimension::energy>;
using FlopsPerSecond = Quantity<Dimension::speed>;
using Hertz = Quantity<Dimension::frequency>;

constexpr Seconds transfer_time(Bytes size, BitsPerSecond bw) { return {size.value * 8.0 / bw.value}; }
constexpr double bytes_per_second(BitsPerSecond bw) { return bw.value / 8.0; }

struct UnitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What any quantity may be once converted to SI units: 0, or between min and max. Beyond these
// a value is a typo or an attack, and inside SimGrid it overflows (a finite number times a large
// unit becomes infinite and trips its assertions) or vanishes (denormals reach the max-min
// solver, whose precision is 1e-9 relative). Each bound is far outside any system modelled here:
//   size       1 bit (0.125 B) .. 1e15 B (1 PB; a 250-trillion-parameter fp32 gradient)
//   duration   1e-15 s (1 fs)  .. 1e9 s (31.7 years); measured costs per coordinate are ~1e-13 s
//   bandwidth  1 bps           .. 1e15 bps (1 Pbps)
//   power      1e-6 W (1 uW)   .. 1e9 W (a power station)
//   energy     1e-6 J          .. 1e18 J
//   speed      1 flop/s        .. 1e21 flop/s (a thousand exascale machines)
//   rate       1e-9 /s         .. 1e9 /s
struct QuantityBounds {
  double min_nonzero;
  double max;
};
QuantityBounds quantity_bounds(Dimension d);
// The SI unit values are expressed in ("B", "s", "bps", "W", "J", "f", "/s").
std::string_view si_symbol(Dimension d);
// Throws UnitError unless `value` (in SI units) is finite, not negative, and 0 or within quantity_bounds(d).
void check_quantity(double value, Dimension d);

// Parses "<number><unit>" (spaces between allowed) for the expected dimension, in SI units.
// Throws UnitError with a one-line message on a missing, unknown or wrong-dimension unit,
// a malformed number, a negative value, or a converted value outside quantity_bounds().
double parse_quantity(std::string_view text, Dimension expected);

template <Dimension D>
Quantity<D> parse(std::string_view text) { return {parse_quantity(text, D)}; }

// Formats a value in SI units with the largest prefix that keeps it >= 1 ("25Gbps", "1.5us").
std::string format_quantity(double value, Dimension d);

}  // namespace cs

#include "units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace cs {
namespace {

struct Unit {
  std::string_view symbol;
  Dimension dim;
  double factor;  // to the SI unit of dim
};

// Case matters: "Mb" is megabits, "MB" megabytes; "Gbps" bits per second, "GBps" bytes.
constexpr std::array units{
    Unit{"B", Dimension::size, 1},          Unit{"kB", Dimension::size, 1e3},
    Unit{"KB", Dimension::size, 1e3},       Unit{"MB", Dimension::size, 1e6},
    Unit{"GB", Dimension::size, 1e9},       Unit{"TB", Dimension::size, 1e12},
    Unit{"KiB", Dimension::size, 1024.0},   Unit{"MiB", Dimension::size, 1048576.0},
    Unit{"GiB", Dimension::size, 1073741824.0}, Unit{"TiB", Dimension::size, 1099511627776.0},
    Unit{"b", Dimension::size, 1.0 / 8},    Unit{"kb", Dimension::size, 1e3 / 8},
    Unit{"Kb", Dimension::size, 1e3 / 8},   Unit{"Mb", Dimension::size, 1e6 / 8},
    Unit{"Gb", Dimension::size, 1e9 / 8},   Unit{"Tb", Dimension::size, 1e12 / 8},
    Unit{"ns", Dimension::duration, 1e-9},  Unit{"us", Dimension::duration, 1e-6},
    Unit{"ms", Dimension::duration, 1e-3},  Unit{"s", Dimension::duration, 1},
    Unit{"min", Dimension::duration, 60},   Unit{"h", Dimension::duration, 3600},
    Unit{"bps", Dimension::bandwidth, 1},   Unit{"kbps", Dimension::bandwidth, 1e3},
    Unit{"Kbps", Dimension::bandwidth, 1e3}, Unit{"Mbps", Dimension::bandwidth, 1e6},
    Unit{"Gbps", Dimension::bandwidth, 1e9}, Unit{"Tbps", Dimension::bandwidth, 1e12},
    Unit{"Bps", Dimension::bandwidth, 8},   Unit{"kBps", Dimension::bandwidth, 8e3},
    Unit{"KBps", Dimension::bandwidth, 8e3}, Unit{"MBps", Dimension::bandwidth, 8e6},
    Unit{"GBps", Dimension::bandwidth, 8e9}, Unit{"TBps", Dimension::bandwidth, 8e12},
    Unit{"mW", Dimension::power, 1e-3},     Unit{"W", Dimension::power, 1},
    Unit{"kW", Dimension::power, 1e3},      Unit{"J", Dimension::energy, 1},
    Unit{"kJ", Dimension::energy, 1e3},     Unit{"MJ", Dimension::energy, 1e6},
    Unit{"kWh", Dimension::energy, 3.6e6},  Unit{"f", Dimension::speed, 1},
    Unit{"kf", Dimension::speed, 1e3},      Unit{"Mf", Dimension::speed, 1e6},
    Unit{"Gf", Dimension::speed, 1e9},      Unit{"Tf", Dimension::speed, 1e12},
    Unit{"Pf", Dimension::speed, 1e15},     Unit{"Hz", Dimension::frequency, 1},
    Unit{"kHz", Dimension::frequency, 1e3}, Unit{"/s", Dimension::frequency, 1},
    Unit{"/min", Dimension::frequency, 1.0 / 60}, Unit{"/h", Dimension::frequency, 1.0 / 3600},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view dimension_name(Dimension d) {
  switch (d) {
    case Dimension::size: return "size";
    case Dimension::duration: return "duration";
    case Dimension::bandwidth: return "bandwidth";
    case Dimension::power: return "power";
    case Dimension::energy: return "energy";
    case Dimension::speed: return "compute speed";
    case Dimension::frequency: return "rate";
  }
  return "quantity";
}

std::string_view dimension_example(Dimension d) {
  switch (d) {
    case Dimension::size: return "\"100MB\"";
    case Dimension::duration: return "\"1.5us\"";
    case Dimension::bandwidth: return "\"25Gbps\"";
    case Dimension::power: return "\"200W\"";
    case Dimension::energy: return "\"5kJ\"";
    case Dimension::speed: return "\"10Tf\"";
    case Dimension::frequency: return "\"30/s\"";
  }
  return "";
}

QuantityBounds quantity_bounds(Dimension d) {
  switch (d) {
    case Dimension::size: return {0.125, 1e15};
    case Dimension::duration: return {1e-15, 1e9};
    case Dimension::bandwidth: return {1, 1e15};
    case Dimension::power: return {1e-6, 1e9};
    case Dimension::energy: return {1e-6, 1e18};
    case Dimension::speed: return {1, 1e21};
    case Dimension::frequency: return {1e-9, 1e9};
  }
  return {0, 0};
}

std::string_view si_symbol(Dimension d) {
  switch (d) {
    case Dimension::size: return "B";
    case Dimension::duration: return "s";
    case Dimension::bandwidth: return "bps";
    case Dimension::power: return "W";
    case Dimension::energy: return "J";
    case Dimension::speed: return "f";
    case Dimension::frequency: return "/s";
  }
  return "";
}

void check_quantity(double v, Dimension d) {
  const QuantityBounds b = quantity_bounds(d);
  if (std::isnan(v)) throw UnitError("not a number");
  if (v < 0) throw UnitError("negative");
  if (v == 0) return;
  if (v < b.min_nonzero || v > b.max)
    throw UnitError(fmt::format("{:g} {} is outside the range of a {}: 0, or {:g} {} to {:g} {}", v, si_symbol(d),
                                dimension_name(d), b.min_nonzero, si_symbol(d), b.max, si_symbol(d)));
}

double parse_quantity(std::string_view text, Dimension expected) {
  auto bad = [&](std::string_view why) {
    return UnitError(fmt::format("expected a {} such as {}, got \"{}\": {}", dimension_name(expected),
                                 dimension_example(expected), text, why));
  };
  std::string_view s = trim(text);
  double number = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec == std::errc::result_out_of_range) throw bad("no number at the start (too large or too small for a double)");
  if (ec != std::errc() || !std::isfinite(number)) throw bad("no number at the start");
  std::string_view symbol = trim(std::string_view(end, s.data() + s.size() - end));
  if (symbol.empty()) throw bad("the unit is missing");
  for (const Unit& u : units) {
    if (u.symbol != symbol) continue;
    if (u.dim != expected)
      throw bad(fmt::format("\"{}\" is a unit of {}", symbol, dimension_name(u.dim)));
    if (number < 0) throw bad("negative");
    // Checked after conversion: 1e308 is finite, 1e308h is not; 1e-300 is a normal double,
    // 1e-300ns a denormal.
    const double si = number * u.factor;
    if (number != 0 && si == 0) throw bad("vanishes (underflows to 0) once converted to SI units");
    try {
      check_quantity(si, expected);
    } catch (const UnitError& e) {
      throw bad(std::isfinite(si) ? e.what() : "beyond any double once converted to SI units");
    }
    return si;
  }
  throw bad(fmt::format("unknown unit \"{}\"", symbol));
}

std::string format_quantity(double v, Dimension d) {
  struct Prefixed { double factor; std::string_view symbol; };
  auto pick = [&](std::initializer_list<Prefixed> list) {
    Prefixed best = *list.begin();
    for (const auto& p : list)
      if (std::abs(v) >= p.factor) best = p;
    return fmt::format("{:g}{}", v / best.factor, best.symbol);
  };
  switch (d) {
    case Dimension::size: return pick({{1, "B"}, {1e3, "kB"}, {1e6, "MB"}, {1e9, "GB"}, {1e12, "TB"}});
    case Dimension::duration: return pick({{1e-9, "ns"}, {1e-6, "us"}, {1e-3, "ms"}, {1, "s"}});
    case Dimension::bandwidth: return pick({{1, "bps"}, {1e3, "kbps"}, {1e6, "Mbps"}, {1e9, "Gbps"}, {1e12, "Tbps"}});
    case Dimension::power: return pick({{1e-3, "mW"}, {1, "W"}, {1e3, "kW"}});
    case Dimension::energy: return pick({{1, "J"}, {1e3, "kJ"}, {1e6, "MJ"}});
    case Dimension::speed: return pick({{1, "f"}, {1e3, "kf"}, {1e6, "Mf"}, {1e9, "Gf"}, {1e12, "Tf"}, {1e15, "Pf"}});
    case Dimension::frequency: return pick({{1, "/s"}});
  }
  return fmt::format("{:g}", v);
}

}  // namespace cs

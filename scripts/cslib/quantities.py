"""Quantities as scenarios write them ("10Gbps", "5/s", "2ms"), read the way clustersim reads
them (models/core/units.cpp): a number, optional spaces, a unit; the value in SI base units
(bytes, seconds, bits per second, watts, joules, flop/s, 1/s). runs.csv and points.csv give such
an axis two more columns, its SI value and unit, so a table sorts "5/s" before "10/s"."""
import math, re

# symbol: (factor to the SI unit, SI unit); the same table as units.cpp. Case matters: "Mb" is
# megabits, "MB" megabytes; "Gbps" bits per second, "GBps" bytes per second.
_UNITS = {}
for _si, _table in (
        ("B", {"B": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KiB": 1024.0, "MiB": 1048576.0,
               "GiB": 1073741824.0, "TiB": 1099511627776.0, "b": 1.0 / 8, "kb": 1e3 / 8, "Kb": 1e3 / 8,
               "Mb": 1e6 / 8, "Gb": 1e9 / 8, "Tb": 1e12 / 8}),
        ("s", {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "min": 60, "h": 3600}),
        ("bps", {"bps": 1, "kbps": 1e3, "Kbps": 1e3, "Mbps": 1e6, "Gbps": 1e9, "Tbps": 1e12, "Bps": 8, "kBps": 8e3,
                 "KBps": 8e3, "MBps": 8e6, "GBps": 8e9, "TBps": 8e12}),
        ("W", {"mW": 1e-3, "W": 1, "kW": 1e3}),
        ("J", {"J": 1, "kJ": 1e3, "MJ": 1e6, "kWh": 3.6e6}),
        ("f", {"f": 1, "kf": 1e3, "Mf": 1e6, "Gf": 1e9, "Tf": 1e12, "Pf": 1e15}),
        ("/s", {"Hz": 1, "kHz": 1e3, "/s": 1, "/min": 1.0 / 60, "/h": 1.0 / 3600})):
    for _symbol, _factor in _table.items():
        _UNITS[_symbol] = (_factor, _si)

# A non-negative number as std::from_chars reads it (no "+", "inf" or "nan": units.cpp refuses those).
_QUANTITY = re.compile(r" *((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?) *(\S+?) *\Z")


def parse(value):
    """(SI value, SI unit) of a quantity string, or None for anything else (a number, a name, a
    string whose unit clustersim does not know)."""
    if not isinstance(value, str):
        return None
    m = _QUANTITY.match(value)
    if not m or m.group(2) not in _UNITS:
        return None
    factor, si = _UNITS[m.group(2)]
    number = float(m.group(1)) * factor  # the same product as units.cpp: the same double
    return (number, si) if math.isfinite(number) else None


def axis_is_quantity(values):
    """True when every value of an axis is a quantity: then its tables get SI value and unit columns."""
    return bool(values) and all(parse(v) is not None for v in values)


VALUE_SUFFIX, UNIT_SUFFIX = ":value", ":unit"


def typed_columns(path):
    """The names of an axis's SI value and unit columns."""
    return path + VALUE_SUFFIX, path + UNIT_SUFFIX

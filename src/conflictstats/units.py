"""The units conflictstats accepts: a closed list, with pint behind it for conversion only.

A unit is checked in three steps, always in this order:

1. **normalise**: surrounding whitespace is stripped, inner runs of blanks become
   one, and case is folded (``" Count "`` is ``count``, ``"nok"`` is ``NOK``,
   ``"KM2"`` is ``km2``); spelled-out names and symbols map to the canonical name
   (``"hectares"`` and ``"hectare"`` are ``ha``, ``"km²"`` and ``"sq km"`` are
   ``km2``);
2. **look up** the canonical name in :data:`UNITS` or :data:`CURRENCY_CODES`. Nothing
   else is a unit: pint is never asked to invent one (it would read ``"k"`` as the
   Boltzmann constant and ``"units"`` as micro-nits);
3. **check the value** where the unit says it cannot be negative
   (:data:`NONNEGATIVE_UNITS`: counts, and areas of territory held, i.e. levels; a
   flow of area is a gain or a loss and may be negative).

This module imports nothing from the package except :mod:`conflictstats.errors`,
so every other module may import it (``observations`` and ``quantities`` both do).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .errors import InputError

__all__ = [
    "CURRENCY_CODES",
    "NONNEGATIVE_UNITS",
    "UNITS",
    "UNIT_DIMENSIONS",
    "dimension",
    "is_known_unit",
    "normalise_unit",
]

#: Canonical unit -> its dimension. The closed list of units (besides currency codes).
UNIT_DIMENSIONS: dict[str, str] = {
    # counts and proportions
    "count": "count",
    "percent": "ratio",
    "fraction": "ratio",
    # area
    "km2": "area",
    "m2": "area",
    "ha": "area",
    "sq_mi": "area",
    "acre": "area",
    # length
    "km": "length",
    "m": "length",
    "mi": "length",
    # mass
    "tonne": "mass",
    "kg": "mass",
    # volume
    "m3": "volume",
    "litre": "volume",
    "barrel": "volume",
    # energy
    "kWh": "energy",
    "MWh": "energy",
    "GWh": "energy",
    "TWh": "energy",
    # time spans
    "year": "time",
    "day": "time",
    "hour": "time",
}

#: The canonical units (currency codes come on top, see :data:`CURRENCY_CODES`).
UNITS: tuple[str, ...] = tuple(UNIT_DIMENSIONS)

#: Units whose values cannot be negative: counts, and areas held (levels of territory).
NONNEGATIVE_UNITS: frozenset[str] = frozenset(
    u for u, d in UNIT_DIMENSIONS.items() if d in ("count", "area")
)

#: ISO 4217 codes of currencies in circulation (plus XDR), accepted as units.
CURRENCY_CODES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
    UYU UZS VES VND VUV WST XAF XCD XDR XOF XPF YER ZAR ZMW ZWL
    """.split()
)

#: ISO codes that are also English words: read as currencies only in capitals.
WORDLIKE_CODES: frozenset[str] = frozenset(
    {"ALL", "TOP", "CUP", "TRY", "PEN", "MAD", "SOS", "BOB", "BAM", "GEL"})
_SINGLE_LETTERS = frozenset({"m", "t", "l", "L", "%"})

# other spellings (keys already normalised: lower case, single blanks) -> canonical
_ALIASES: dict[str, str] = {
    "counts": "count", "number": "count",
    "%": "percent", "pct": "percent", "per cent": "percent", "percentage": "percent",
    "share": "fraction", "proportion": "fraction",
    "km²": "km2", "km^2": "km2", "sq km": "km2", "sq. km": "km2", "sq.km": "km2",
    "sq kilometres": "km2", "sq kilometers": "km2", "sq kilometre": "km2", "sqkm": "km2",
    "sq_km": "km2",
    "square kilometres": "km2", "square kilometers": "km2", "square kilometre": "km2",
    "square kilometer": "km2", "km**2": "km2",
    "m²": "m2", "m^2": "m2", "sq m": "m2", "square metres": "m2", "square meters": "m2",
    "hectare": "ha", "hectares": "ha",
    "sq mi": "sq_mi", "sq miles": "sq_mi", "sq mile": "sq_mi", "mi2": "sq_mi", "mi²": "sq_mi",
    "square miles": "sq_mi",
    "square mile": "sq_mi", "acres": "acre",
    "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
    "metre": "m", "metres": "m", "meter": "m", "meters": "m",
    "mile": "mi", "miles": "mi",
    "t": "tonne", "tonnes": "tonne", "metric ton": "tonne", "metric tons": "tonne",
    "kilogram": "kg", "kilograms": "kg", "kilogramme": "kg", "kilogrammes": "kg",
    "m³": "m3", "m^3": "m3", "cubic metres": "m3", "cubic meters": "m3",
    "l": "litre", "litres": "litre", "liter": "litre", "liters": "litre",
    "barrels": "barrel", "bbl": "barrel",
    "sqkilometres": "km2", "sqkm.": "km2",
    "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh",
    "years": "year", "days": "day", "hours": "hour",
}
_CANONICAL_LOWER: dict[str, str] = {u.lower(): u for u in UNITS}

# canonical unit -> pint expression (conversion only)
_PINT: dict[str, str] = {
    "km2": "kilometer ** 2", "m2": "meter ** 2", "ha": "hectare", "sq_mi": "mile ** 2",
    "acre": "acre", "km": "kilometer", "m": "meter", "mi": "mile", "tonne": "metric_ton",
    "kg": "kilogram", "m3": "meter ** 3", "litre": "liter", "barrel": "oil_barrel",
    "kWh": "kilowatt_hour", "MWh": "megawatt_hour", "GWh": "gigawatt_hour",
    "TWh": "terawatt_hour", "year": "year", "day": "day", "hour": "hour",
    "percent": "percent", "fraction": "dimensionless", "count": "dimensionless",
}

_BLANKS = re.compile(r"\s+")


def normalise_unit(unit: Any) -> str | None:
    """The canonical name of ``unit``, or None when it is not in the closed list.

    Whitespace is stripped and collapsed and case folded before the look-up.

    Examples
    --------
    >>> from conflictstats.units import normalise_unit
    >>> normalise_unit(" Count "), normalise_unit("nok"), normalise_unit("hectares")
    ('count', 'NOK', 'ha')
    >>> normalise_unit("k") is None
    True
    """
    if not isinstance(unit, str):
        return None
    key = _BLANKS.sub(" ", unit.strip())
    if not key:
        return None
    if key.upper() in CURRENCY_CODES and len(key) == 3:
        if key != key.upper() and key.upper() in WORDLIKE_CODES:
            return None  # "all", "top": words, not the lek or the pa'anga
        return key.upper()
    if len(key) == 1 and key not in _SINGLE_LETTERS:
        return None  # "M" could be million, "T" tera: only m, t, l and % are units
    low = key.lower()
    if low in _CANONICAL_LOWER:
        return _CANONICAL_LOWER[low]
    return _ALIASES.get(low)


def is_known_unit(unit: Any) -> bool:
    """Whether ``unit`` names a unit of the closed list (after normalisation)."""
    return normalise_unit(unit) is not None


def dimension(unit: str) -> str:
    """The dimension of a canonical unit (``"currency"`` for a currency code)."""
    if unit in CURRENCY_CODES:
        return "currency"
    return UNIT_DIMENSIONS[unit]


def unit_or_raise(unit: Any, *, name: str) -> str:
    """The canonical unit, or :class:`~conflictstats.InputError` naming the accepted ones."""
    canon = normalise_unit(unit)
    if canon is None:
        raise InputError(f"{name}: unknown unit {unit!r}; {ACCEPTED}")
    return canon


#: The accepted units, as a phrase for error messages.
ACCEPTED = (
    "accepted units are " + ", ".join(UNITS) + " and ISO 4217 currency codes such as NOK "
    "(case and surrounding blanks do not matter)"
)


@lru_cache(maxsize=1)
def registry() -> Any:
    """The pint unit registry (imported lazily: pint is slow to import)."""
    import pint

    return pint.UnitRegistry()


@lru_cache(maxsize=64)
def pint_unit(unit: str) -> Any:
    """The pint unit behind a canonical unit of the closed list."""
    return registry().Unit(_PINT[unit])

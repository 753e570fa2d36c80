"""Quantities in news phrasing, physical units and money at a date (work in progress)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__: list[str] = []


@lru_cache(maxsize=256)
def _pint_unit(unit: str) -> Any:
    """The pint unit for ``unit``, or None when pint does not know it."""
    import pint

    reg = _registry()
    try:
        return reg.Unit(unit)
    except (pint.errors.UndefinedUnitError, AttributeError, ValueError, TypeError, AssertionError):
        return None


@lru_cache(maxsize=1)
def _registry() -> Any:
    import pint

    reg = pint.UnitRegistry()
    reg.define("km2 = kilometer ** 2")
    reg.define("sq_mi = mile ** 2")
    return reg

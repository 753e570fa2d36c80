"""The closed list of units: normalisation, look-up and what may not be negative."""

from __future__ import annotations

import pytest

from conflictstats import units
from conflictstats.units import (
    CURRENCY_CODES,
    NONNEGATIVE_UNITS,
    UNITS,
    dimension,
    is_known_unit,
    normalise_unit,
)


@pytest.mark.parametrize(("given", "canonical"), [
    (" Count ", "count"), ("COUNT", "count"), ("counts", "count"),
    ("km²", "km2"), ("sq  km", "km2"), ("Square Kilometres", "km2"), ("KM2", "km2"),
    ("hectares", "ha"), ("sq mi", "sq_mi"), ("%", "percent"), ("per cent", "percent"),
    ("nok", "NOK"), (" usd", "USD"), ("ALL", "ALL"), ("m", "m"), ("L", "litre"),
    ("mwh", "MWh"), ("tonnes", "tonne"), ("l", "litre"),
])
def test_spellings_normalise_to_one_canonical_unit(given, canonical):
    assert normalise_unit(given) == canonical


@pytest.mark.parametrize("given", ["k", "units", "parsec", "", "  ", None, 5, "kilo", "drones",
                                   "M", "T", "all", "top"])
def test_what_is_not_on_the_list_is_not_a_unit_even_if_pint_knows_it(given):
    assert normalise_unit(given) is None
    assert not is_known_unit(given)


def test_every_canonical_unit_normalises_to_itself_and_has_a_dimension():
    for unit in UNITS:
        assert normalise_unit(unit) == unit
        assert dimension(unit)
    for code in ("NOK", "EUR", "UAH"):
        assert code in CURRENCY_CODES and dimension(code) == "currency"


def test_counts_and_areas_are_the_units_that_cannot_be_negative():
    assert {"count", "km2", "ha", "sq_mi"} <= NONNEGATIVE_UNITS
    assert not NONNEGATIVE_UNITS & {"percent", "km", "EUR", "tonne"}


def test_pint_converts_only_units_of_the_list():
    # 1 sq mi = 1.609344**2 km2 = 2.589988110336 km2 (international mile, exact)
    q = units.registry().Quantity(1.0, units.pint_unit("sq_mi")).to(units.pint_unit("km2"))
    assert q.magnitude == pytest.approx(2.589988110336, rel=1e-12)
    with pytest.raises(KeyError):
        units.pint_unit("k")

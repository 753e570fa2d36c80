"""The one date rule of conflictstats.

Every date the package reads (observation ``start``/``end``, the readers' date
columns, ``date=`` parameters) goes through :func:`parse_dates`:

* **ISO 8601 is read as it is**: ``2024-11-27``, ``2024-11-25 19:30``,
  ``2024-11-25T19:30:00``, with an optional UTC offset (``Z``, ``+02:00``). The day
  needs two digits: ``2024-11-2`` is refused (it is what a file cut inside
  ``2024-11-21`` looks like).
* **A slash or dot date** (``27/11/2024``, ``05.11.2024``) is refused unless the
  caller says how to read it, with ``dayfirst=True`` (day/month/year) or
  ``dayfirst=False`` (month/year first), or with an explicit ``format=`` (a
  :func:`~datetime.datetime.strptime` format applied to every value).
* **A number is never a date** unless ``origin="excel"`` is given: spreadsheet
  serial days, day 1 being 1900-01-01 in Excel's count (``45622`` is 2024-11-27).
* **Time zones**: timestamps with a UTC offset (aware) are converted to one stated
  local zone, ``tz`` (Europe/Kyiv by default, :data:`LOCAL_TZ`), and the date is
  taken there; the result is naive local time. A mix of aware and naive values is
  an error naming the rows (or, in lenient mode, the minority kind is set aside).

This module imports only :mod:`conflictstats.errors` from the package.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

__all__: list[str] = []  # private module

#: The local zone aware timestamps are converted to by default (the Ukraine readers,
#: observations and date parameters).
LOCAL_TZ = "Europe/Kyiv"

#: The rule, in one sentence, for error messages.
RULE = ("dates are read as ISO 8601 (YYYY-MM-DD, optionally with HH:MM[:SS] and a UTC "
        "offset)")

_ISO = (r"\d{4}-\d{2}-\d{2}"
        r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?")
_OFFSET = r"(?:Z|z|[+-]\d{2}(?::?\d{2})?|\s?UTC)"
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_SLASH = (r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})"
          r"(?:[ T](?P<t>\d{1,2}:\d{2}(?::\d{2})?))?")
_EXCEL_ORIGIN = pd.Timestamp("1899-12-30")
# the first and last second a datetime64[ns] can hold (pandas.Timestamp.min and .max)
_FIRST = np.datetime64("1677-09-21T00:12:44", "s")
_LAST = np.datetime64("2262-04-11T23:47:16", "s")
#: Why a date outside those bounds is refused (pandas would wrap it: 2500-11-20 -> 1916-05-02).
OUT_OF_RANGE = (f"outside the dates that can be held ({_FIRST.astype('datetime64[D]')} to "
                f"{_LAST.astype('datetime64[D]')}); it would wrap around to another date")


@dataclasses.dataclass
class ParsedDates:
    """Dates read by :func:`parse_dates`.

    Attributes
    ----------
    stamps : ndarray of datetime64[ns]
        Naive local times; NaT where the input was missing or refused.
    reason : ndarray of object
        ``""`` where the value was read (or was missing), else why it was refused.
    """

    stamps: np.ndarray
    reason: np.ndarray

    @property
    def bad(self) -> np.ndarray:
        """Where a value was refused."""
        return self.reason != ""


def _ns(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Datetimes of any resolution as ``datetime64[ns]``, NaT where out of range.

    Returns the stamps and a mask of the values outside :data:`OUT_OF_RANGE`'s
    bounds: casting those to nanoseconds would wrap them around silently.
    """
    arr = values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)
    if arr.dtype.kind != "M":
        arr = pd.DatetimeIndex(arr).to_numpy()
    if arr.dtype == np.dtype("datetime64[ns]"):
        return arr, np.zeros(len(arr), dtype=bool)
    out = (arr < _FIRST) | (arr > _LAST)  # compared in the values' own unit
    safe = np.where(out, np.datetime64("NaT"), arr)
    return safe.astype("datetime64[ns]"), out


def _labels(labels: Sequence[Hashable], mask: np.ndarray, limit: int = 5) -> str:
    pos = np.flatnonzero(mask)
    shown = ", ".join(str(labels[i]) for i in pos[:limit])
    return shown + (f" and {len(pos) - limit} more" if len(pos) > limit else "")


def parse_dates(
    values: Any,
    *,
    dayfirst: bool | None = None,
    format: str | None = None,
    origin: str | None = None,
    tz: str | None = LOCAL_TZ,
    labels: Sequence[Hashable] | None = None,
    lenient: bool = False,
) -> ParsedDates:
    """Read dates by the package's one rule (see the module notes).

    Nothing raises here for a bad value: each gets a reason, and the caller raises
    naming the row, line and column, or sets the row aside. ``labels`` name the
    rows in the reason given to a mix of aware and naive values; with ``lenient``
    only the minority kind of such a mix is refused, otherwise every row of it.
    """
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise InputError(f"dayfirst must be True, False or None; got {dayfirst!r}")
    if origin not in (None, "excel"):
        raise InputError(f"origin must be None or 'excel'; got {origin!r}")
    s = values if isinstance(values, pd.Series) else pd.Series(
        np.asarray(values, dtype=object) if not isinstance(values, pd.Index) else values
    )
    n = len(s)
    labels = labels if labels is not None else range(n)  # read only for a bad row
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    reason = np.full(n, "", dtype=object)
    if n == 0:
        return ParsedDates(out, reason)

    if isinstance(s.dtype, pd.DatetimeTZDtype):
        if tz is None:
            reason[s.notna().to_numpy()] = "timestamp carries a UTC offset: pass tz= (the zone " \
                                           "to take dates in)"
            return ParsedDates(out, reason)
        stamps, out_of_range = _ns(s.dt.tz_convert(tz).dt.tz_localize(None))
        reason[out_of_range] = OUT_OF_RANGE
        return ParsedDates(stamps, reason)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        stamps, out_of_range = _ns(s)
        reason[out_of_range] = OUT_OF_RANGE
        return ParsedDates(stamps, reason)

    missing = s.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        num = s.to_numpy(dtype="float64", na_value=np.nan)
        _numbers(num, ~missing, origin, out, reason)
        return ParsedDates(out, reason)

    # text (or a mix of objects): each distinct value is read once, then spread to rows
    codes, uniques = pd.factorize(s.astype(object))
    u_out, u_reason, u_naive, u_aware = _distinct(
        pd.Series(uniques, dtype=object), dayfirst=dayfirst, format=format, origin=origin, tz=tz)
    have = codes >= 0
    take = np.where(have, codes, 0)
    if len(uniques):
        out[have] = u_out[take][have]
        reason[have] = u_reason[take][have]
        naive = u_naive[take] & have
        aware = u_aware[take] & have
    else:
        naive = aware = np.zeros(n, dtype=bool)
    if naive.any() and aware.any():
        aware_minority = aware.sum() <= naive.sum()
        why_aware = (f"timestamp carries a UTC offset while rows {_labels(labels, naive)} "
                     "have none; give every timestamp an offset, or none")
        why_naive = (f"timestamp has no UTC offset while rows {_labels(labels, aware)} "
                     "have one; give every timestamp an offset, or none")
        if not lenient or aware_minority:
            reason[aware] = why_aware
            out[aware] = np.datetime64("NaT")
        if not lenient or not aware_minority:
            reason[naive] = why_naive
            out[naive] = np.datetime64("NaT")
    return ParsedDates(out, reason)


def _distinct(u: pd.Series, *, dayfirst: bool | None, format: str | None, origin: str | None,
              tz: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read distinct values: (stamps, reasons, naive, aware), one entry per value."""
    n = len(u)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    reason = np.full(n, "", dtype=object)
    none = np.zeros(n, dtype=bool)
    if n == 0:
        return out, reason, none, none.copy()
    is_ts = u.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64))
                  or hasattr(v, "year")).to_numpy(bool)  # distinct values only
    text = u.where(~is_ts).astype("string").str.strip()
    has_text = text.notna().to_numpy() & ~is_ts & (text != "").fillna(False).to_numpy(bool)
    if is_ts.any():
        stamps = pd.DatetimeIndex(pd.to_datetime(u[is_ts].tolist(), utc=False))
        if stamps.tz is not None:
            stamps = stamps.tz_convert(tz or "UTC").tz_localize(None)
        out[is_ts], out_of_range = _ns(stamps)
        reason[np.flatnonzero(is_ts)[out_of_range]] = OUT_OF_RANGE
    if not has_text.any():
        return out, reason, is_ts, none
    # a one-digit hour ("2023-05-16 3:30", as some sources write it) gets its zero
    t = text.fillna("").str.replace(r"^(\d{4}-\d{2}-\d{2}[T ])(\d:)", r"\g<1>0\2", regex=True)
    if format is not None:
        parsed = pd.to_datetime(t.where(has_text), format=format, errors="coerce")
        ok = parsed.notna().to_numpy() & has_text
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_convert(tz or "UTC").dt.tz_localize(None)
        stamps, out_of_range = _ns(parsed)
        out[ok] = stamps[ok]
        reason[has_text & ~ok] = f"not a date in the format {format!r}"
        reason[has_text & out_of_range] = OUT_OF_RANGE
        ok &= ~out_of_range
        return out, reason, ok | is_ts, none

    iso = t.str.fullmatch(_ISO).to_numpy(bool) & has_text
    iso_tz = t.str.fullmatch(_ISO + r"\s?" + _OFFSET).to_numpy(bool) & has_text
    number = t.str.fullmatch(_NUMBER).to_numpy(bool) & has_text
    slash = t.str.fullmatch(_SLASH).to_numpy(bool) & has_text
    other = has_text & ~(iso | iso_tz | number | slash)

    if iso.any():
        p = pd.to_datetime(t[iso], format="ISO8601", errors="coerce")
        stamps, out_of_range = _ns(p)
        out_of_range |= _year_out_of_range(t[iso]) & p.isna().to_numpy()  # pandas 2: NaT
        ok = p.notna().to_numpy() & ~out_of_range
        idx = np.flatnonzero(iso)
        out[idx[ok]] = stamps[ok]
        reason[idx[~ok]] = "not a valid date (ISO 8601 form, but no such day or time)"
        reason[idx[out_of_range]] = OUT_OF_RANGE
    if iso_tz.any():
        idx = np.flatnonzero(iso_tz)
        if tz is None:
            reason[idx] = "timestamp carries a UTC offset: pass tz= (the zone to take dates in)"
        else:
            p = pd.to_datetime(t[iso_tz].str.replace(r"\s?UTC$", "Z", regex=True),
                               format="ISO8601", errors="coerce", utc=True)
            local, out_of_range = _ns(p.dt.tz_convert(tz).dt.tz_localize(None))
            out_of_range |= _year_out_of_range(t[iso_tz]) & p.isna().to_numpy()
            ok = p.notna().to_numpy() & ~out_of_range
            out[idx[ok]] = local[ok]
            reason[idx[~ok]] = "not a valid date (ISO 8601 form, but no such day or time)"
            reason[idx[out_of_range]] = OUT_OF_RANGE
    if number.any():
        _numbers(pd.to_numeric(t.where(number), errors="coerce").to_numpy("float64"),
                 number, origin, out, reason)
    if slash.any():
        _slash(t, slash, dayfirst, out, reason)
    reason[other] = f"not a date: {RULE}"
    naive = (iso | slash | number | is_ts) & (reason == "")
    aware = iso_tz & (reason == "")
    return out, reason, naive, aware


def _numbers(num: np.ndarray, sel: np.ndarray, origin: str | None, out: np.ndarray,
             reason: np.ndarray) -> None:
    if origin != "excel":
        reason[sel] = ("a number is not a date (pass origin='excel' for spreadsheet serial "
                       "days)")
        return
    finite = np.isfinite(num) & (num >= 1) & (num < 132_349) & sel  # to 2262-04-10
    days = np.where(finite, num, 0.0)
    stamps = _EXCEL_ORIGIN.to_datetime64() + (days * 86_400e9).round().astype(
        "timedelta64[ns]")
    out[finite] = stamps[finite]
    reason[sel & ~finite] = ("not an Excel serial day (expected a number from 1 to 132348, "
                             "up to 2262-04-10, the last date that can be held)")


def _year_out_of_range(text: pd.Series) -> np.ndarray:
    """Whether the four-digit year a text begins with lies outside 1678-2261 (the years
    a ``datetime64[ns]`` holds whole)."""
    year = pd.to_numeric(text.astype("string").str.slice(0, 4), errors="coerce")
    return ((year < 1678) | (year > 2261)).fillna(False).to_numpy(bool)


def _slash(t: pd.Series, sel: np.ndarray, dayfirst: bool | None, out: np.ndarray,
           reason: np.ndarray) -> None:
    if dayfirst is None:
        reason[sel] = ("a date written with slashes or dots is ambiguous (27/11 or 11/27?): "
                       "pass dayfirst=True or dayfirst=False, or format=")
        return
    parts = t[sel].str.extract(_SLASH)
    day, month = (parts["a"], parts["b"]) if dayfirst else (parts["b"], parts["a"])
    time = parts["t"].fillna("00:00")
    iso = (parts["y"] + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + " "
           + time.str.zfill(5))
    p = pd.to_datetime(iso, format="ISO8601", errors="coerce")
    stamps, out_of_range = _ns(p)
    out_of_range |= _year_out_of_range(parts["y"]) & p.isna().to_numpy()
    ok = p.notna().to_numpy() & ~out_of_range
    idx = np.flatnonzero(sel)
    out[idx[ok]] = stamps[ok]
    order = "day/month/year" if dayfirst else "month/day/year"
    reason[idx[~ok]] = f"not a valid date read as {order}"
    reason[idx[out_of_range]] = OUT_OF_RANGE


def one_date(value: Any, *, name: str, dayfirst: bool | None = None, format: str | None = None,
             origin: str | None = None, tz: str | None = LOCAL_TZ) -> pd.Timestamp:
    """One date parameter by the rule; raise naming the parameter."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        raise InputError(f"{name} must be a date such as '2024-11-27'; got {value!r}")
    if isinstance(value, bool):
        raise InputError(f"{name} must be a date such as '2024-11-27'; got {value!r}")
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "year"):
        ts = pd.Timestamp(value)
        if ts is not pd.NaT and _ns(np.array([ts.tz_localize(None).to_datetime64()]))[1][0]:
            raise InputError(f"{name} must be a date such as '2024-11-27': {OUT_OF_RANGE}; "
                             f"got {value!r}")
        if ts is pd.NaT:
            raise InputError(f"{name} must be a date; got {value!r}")
        if ts.tzinfo is not None:
            ts = ts.tz_convert(tz or "UTC").tz_localize(None)
        return ts
    parsed = parse_dates(pd.Series([value], dtype=object), dayfirst=dayfirst, format=format,
                         origin=origin, tz=tz)
    if parsed.bad[0] or np.isnat(parsed.stamps[0]):
        why = parsed.reason[0] or RULE
        raise InputError(f"{name} must be a date such as '2024-11-27': {why}; got {value!r}")
    return pd.Timestamp(parsed.stamps[0])

"""The war calendar: day numbers of the full-scale invasion and report dates.

Reporting counts days from the start of Russia's full-scale invasion of Ukraine on
24 February 2022. Two numberings are in use and they differ by one:

* the **ordinal** count (the default here, and the one Ukraine's General Staff
  uses in its daily loss reports): 24 February 2022 is day 1, so
  19 November 2024 is day 1,000;
* the **elapsed** count, ``base=0``: the number of whole days since 24 February
  2022. Al Jazeera's daily "key events" lists follow it: their list for
  27 November 2024 is headed "day 1,007", which is the ordinal number of the day
  before, 26 November, whose events the morning list reports.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._dates import parse_dates
from ._validate import as_timestamp, check_choice
from .errors import InputError, InputTypeError

__all__ = ["INVASION_START", "report_dates", "war_date", "war_day"]

#: Start of the full-scale invasion (Kyiv date).
INVASION_START = pd.Timestamp("2022-02-24")

#: Day zero of the integer day numbers used by the day arithmetic below.
EPOCH = np.datetime64("1970-01-01", "D")


# ---------------------------------------------------------------------------
# day arithmetic (used by conflictstats.daily)
# ---------------------------------------------------------------------------


def day_numbers(ts: pd.Series) -> np.ndarray:
    """Calendar day numbers (days since 1970-01-01) of the wall-clock dates."""
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_localize(None)
    return ts.to_numpy().astype("datetime64[D]").astype(np.int64)


def is_midnight(ts: pd.Series) -> np.ndarray:
    """Whether each timestamp is at midnight (a whole date, no clock time)."""
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_localize(None)
    a = ts.to_numpy()
    return np.asarray(a == a.astype("datetime64[D]"), dtype=bool)


def report_days(start: pd.Series, end: pd.Series, overnight: str) -> tuple[np.ndarray, np.ndarray]:
    """First and last day number (inclusive) that each reported period counts on.

    Whole-day periods (both ends at midnight) cover every date from ``start`` to
    ``end`` inclusive. A period with clock times is a window: under ``overnight=
    "end"`` each night counts on its morning date (the start date is dropped when
    the window runs past midnight); under ``"start"`` on its evening date.
    """
    s = day_numbers(start)
    e = day_numbers(end)
    clock = ~(is_midnight(start) & is_midnight(end))
    crosses = clock & (e > s)
    first = s.copy()
    last = e.copy()
    if overnight == "end":
        first[crosses] += 1
    else:
        last[crosses] -= 1
    return first, last


def _many(values: Any, *, name: str) -> pd.DatetimeIndex:
    """Several dates by the package's date rule (ISO 8601; see conflictstats._dates)."""
    parsed = parse_dates(values)
    bad = parsed.bad | np.isnat(parsed.stamps)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        got = list(values)[i] if not isinstance(values, pd.Series) else values.iloc[i]
        why = parsed.reason[i] or "the date is missing"
        raise InputError(f"{name}: position {i}: {why}; got {got!r}")
    return pd.DatetimeIndex(parsed.stamps)


def _dates(date: Any) -> tuple[pd.DatetimeIndex, str]:
    if isinstance(date, pd.Series):
        return _many(date, name="date"), "series"
    if isinstance(date, (pd.Index, np.ndarray, list, tuple)):
        return _many(date, name="date"), "index"
    return pd.DatetimeIndex([as_timestamp(date, name="date")]), "scalar"


def war_day(date: Any, *, start: Any = INVASION_START, base: int = 1) -> Any:
    """Day number of the war on a date.

    Parameters
    ----------
    date : date-like, sequence, DatetimeIndex or Series
        The date(s). Clock times are ignored (the calendar date counts).
    start : date-like
        Day one of the count; default 24 February 2022.
    base : {1, 0}
        The number of ``start`` itself. ``1`` (default) is the ordinal count in
        which 24 February 2022 is day 1 and 19 November 2024 day 1,000. ``0`` counts
        elapsed days and reproduces Al Jazeera's headings (27 November 2024 is
        "day 1,007"); see the module notes for why the two differ.

    Returns
    -------
    int, Index of int or Series of int
        The day number(s), in the shape of the input. Dates before ``start`` give
        zero or negative numbers rather than an error.

    See Also
    --------
    war_date : the inverse.

    Examples
    --------
    >>> from conflictstats import war_day
    >>> war_day("2024-11-19")
    1000
    >>> war_day("2024-11-27", base=0)
    1007
    """
    b = check_choice("base", base, (0, 1))
    dates, shape = _dates(date)
    s = as_timestamp(start, name="start").normalize()
    days = (dates.normalize() - s).days.to_numpy() + b
    if shape == "scalar":
        return int(days[0])
    if shape == "series":
        return pd.Series(days, index=date.index, name=date.name)
    return pd.Index(days, name="war_day")


def war_date(day: Any, *, start: Any = INVASION_START, base: int = 1) -> Any:
    """The date of a war day number (the inverse of :func:`war_day`).

    Parameters
    ----------
    day : int, sequence of int or Series
        Day number(s).
    start, base
        As for :func:`war_day`.

    Returns
    -------
    Timestamp, DatetimeIndex or Series
        The date(s).

    Examples
    --------
    >>> from conflictstats import war_date
    >>> war_date(1000)
    Timestamp('2024-11-19 00:00:00')
    >>> war_date(1007, base=0)
    Timestamp('2024-11-27 00:00:00')
    """
    b = check_choice("base", base, (0, 1))
    s = as_timestamp(start, name="start").normalize()
    if isinstance(day, pd.Series):
        d = pd.to_numeric(day, errors="raise").astype("int64")
        return pd.Series(s + pd.to_timedelta(d.to_numpy() - b, unit="D"), index=day.index,
                         name=day.name)
    if np.ndim(day):
        arr = np.asarray(day)
        if not np.issubdtype(arr.dtype, np.integer):
            raise InputTypeError(f"day must hold whole numbers; got dtype {arr.dtype}")
        return pd.DatetimeIndex(s + pd.to_timedelta(arr - b, unit="D"), name="date")
    if isinstance(day, bool) or not isinstance(day, (int, np.integer)):
        raise InputTypeError(f"day must be a whole number; got {day!r}")
    return s + pd.Timedelta(days=int(day) - b)


def report_dates(
    start: Any, end: Any, *, overnight: str = "end"
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """First and last calendar date a reported period counts on.

    The rule :func:`conflictstats.to_daily` uses to place a flow on days.

    Parameters
    ----------
    start, end : date-like or sequences
        The period's bounds as reported.
    overnight : {"end", "start"}
        Which date a window with clock times that runs past midnight counts on:
        its morning (end) date, as the press dates an overnight attack, or its
        evening (start) date.

    Returns
    -------
    first, last : DatetimeIndex
        Inclusive first and last dates.

    Notes
    -----
    A whole-day period (both bounds at midnight) covers every date from ``start``
    to ``end`` inclusive. A window with clock times covers the dates from its start
    to its end, except that under ``overnight="end"`` the evening date is dropped
    when the window runs past midnight (under ``"start"``, the morning date).

    Examples
    --------
    >>> from conflictstats.calendar import report_dates
    >>> first, last = report_dates(["2024-11-25 19:30", "2024-11-18"],
    ...                            ["2024-11-26 09:00", "2024-11-24"])
    >>> [str(d.date()) for d in first], [str(d.date()) for d in last]
    (['2024-11-26', '2024-11-18'], ['2024-11-26', '2024-11-24'])
    """
    check_choice("overnight", overnight, ("end", "start"))
    s = pd.Series(_many(list(np.atleast_1d(start)), name="start"))
    e = pd.Series(_many(list(np.atleast_1d(end)), name="end"))
    first, last = report_days(s, e, overnight)
    to_index = lambda d: pd.DatetimeIndex((EPOCH + d).astype("datetime64[ns]"))  # noqa: E731
    return to_index(first), to_index(last)

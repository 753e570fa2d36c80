"""Calendar periods and rolling windows: the one place that parses and totals them.

Two ideas, two parameter names, used the same way by every function:

- ``freq=`` is a **calendar period**, labelled by its last day: ``"W-SUN"``
  (Monday–Sunday weeks, labelled by the Sunday; any ``"W-MON"`` …
  ``"W-SAT"`` anchor ends the week on that day), ``"ME"`` (calendar months),
  ``"QE"`` (quarters), ``"YE"`` (years). ``"W"`` is short for ``"W-SUN"``.
- ``window=`` is a **rolling span in days**, ending on (and including) each
  date: an int (``7``) or a day span (``"7D"``, ``pd.Timedelta(days=7)``).

:func:`totals` computes, for each period or window, the total of a daily
series and whether it is complete, by kind: flows (and the increments of a
cumulative total) are summed; for a level the total is the change between the
last level reported in the period and the last one reported before it; shares
are refused. Everything that totals over periods (``period_totals``,
``period_change``, ``rate``, ``records``, ``check_claim``, the charts and the
report) calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._validate import calendar_frequency
from .errors import PeriodError

__all__: list[str] = []  # private module

_DAY = pd.Timedelta(days=1)
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# user code -> (pandas Period alias, plain words)
_CALENDAR = {
    "ME": ("M", "calendar months"),
    "QE": ("Q-DEC", "calendar quarters"),
    "QE-DEC": ("Q-DEC", "calendar quarters"),
    "YE": ("Y-DEC", "calendar years"),
    "YE-DEC": ("Y-DEC", "calendar years"),
}
_START_LABELLED = {"MS": "ME", "QS": "QE", "YS": "YE", "AS": "YE", "M": "ME", "Q": "QE",
                   "Y": "YE", "A": "YE", "BM": "ME", "BME": "ME"}

FREQ_HELP = (
    "a calendar period labelled by its last day: 'W-SUN' (Monday-Sunday weeks; 'W-MON' ... "
    "'W-SAT' end the week on that day), 'ME' (months), 'QE' (quarters) or 'YE' (years)"
)
WINDOW_HELP = "a rolling span of whole days ending on each date: an int such as 7, or '7D'"


@dataclass(frozen=True)
class Span:
    """A parsed ``freq=`` (calendar period) or ``window=`` (rolling days)."""

    code: str
    """The canonical spelling: ``"W-SUN"``, ``"ME"``, ``"QE"``, ``"YE"`` or ``"7D"``."""
    days: int | None = None
    """Length of a rolling window; None for a calendar period."""
    pfreq: str | None = None
    """The pandas Period alias of a calendar period."""

    @property
    def rolling(self) -> bool:
        return self.days is not None

    @property
    def label(self) -> str:
        """Plain words: "Monday–Sunday weeks", "rolling 7 days", "calendar months"."""
        if self.days is not None:
            return f"rolling {self.days} days"
        if self.code.startswith("W-"):
            end = _WEEKDAYS.index(self.code[2:])
            return f"{_DAY_NAMES[(end + 1) % 7]}–{_DAY_NAMES[end]} weeks"
        return _CALENDAR[self.code][1]

    def bounds(self, date: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last day of the period (or window) that ends on or contains ``date``."""
        day = pd.Timestamp(date).normalize()
        if self.days is not None:
            return day - (self.days - 1) * _DAY, day
        p = day.to_period(self.pfreq)
        return p.start_time.normalize(), p.end_time.normalize()

    def end_of(self, date: Any) -> pd.Timestamp:
        """The label (last day) of the period containing ``date``; ``date`` itself if rolling."""
        return self.bounds(date)[1]


def _weekly(code: str) -> Span:
    return Span(code=code, pfreq=code)


def parse_freq(freq: Any, *, name: str = "freq") -> Span:
    """Parse a calendar period; refuse rolling spans and start-labelled periods by name."""
    if isinstance(freq, pd.offsets.BaseOffset):
        freq = _offset_code(freq, name=name)
    if not isinstance(freq, str):
        raise PeriodError(f"{name} must be {FREQ_HELP}; got {freq!r}")
    f = freq.strip().upper()
    if f == "W":
        return _weekly("W-SUN")
    if f.startswith("W-") and f[2:] in _WEEKDAYS:
        return _weekly(f)
    if f in _CALENDAR:
        code = f.split("-")[0]
        return Span(code=code, pfreq=_CALENDAR[f][0])
    if f in _START_LABELLED:
        raise PeriodError(
            f"{name}={freq!r}: periods are labelled by their last day here; use "
            f"{_START_LABELLED[f]!r} ({FREQ_HELP})"
        )
    if _is_day_span(freq):
        raise PeriodError(
            f"{name}={freq!r} is a rolling span, not a calendar period: pass "
            f"window={freq!r} instead, or {name}= as {FREQ_HELP}"
        )
    raise PeriodError(f"{name} must be {FREQ_HELP}; got {freq!r}")


def _offset_code(off: pd.offsets.BaseOffset, *, name: str) -> str:
    if getattr(off, "n", 1) == 1:
        if isinstance(off, pd.offsets.Week) and off.weekday is not None:
            return f"W-{_WEEKDAYS[off.weekday]}"
        if isinstance(off, pd.offsets.MonthEnd):
            return "ME"
        if isinstance(off, pd.offsets.QuarterEnd) and off.startingMonth == 12:
            return "QE"
        if isinstance(off, pd.offsets.YearEnd) and off.month == 12:
            return "YE"
    raise PeriodError(f"{name} must be {FREQ_HELP}; got the offset {off!r}")


def _is_day_span(value: Any) -> bool:
    if isinstance(value, str) and not value.strip()[:1].isdigit():
        return False
    try:
        pd.Timedelta(value)
    except (TypeError, ValueError):
        return False
    return True


def parse_window(window: Any, *, name: str = "window") -> Span:
    """Parse a rolling window in whole days; refuse calendar periods by name."""
    if isinstance(window, (bool, np.bool_)):
        raise PeriodError(f"{name} must be {WINDOW_HELP}; got {window!r}")
    whole_float = isinstance(window, (float, np.floating)) and float(window).is_integer()
    if isinstance(window, (int, np.integer)) or whole_float:
        days = int(window)
    elif isinstance(window, (str, pd.Timedelta, np.timedelta64)) or hasattr(window, "nanos"):
        if isinstance(window, (str, pd.offsets.BaseOffset)) and not _is_day_span(window):
            try:
                cal = parse_freq(window, name=name)
            except PeriodError:
                cal = None
            if cal is not None:
                raise PeriodError(
                    f"{name}={window!r} is a calendar period, not a rolling span: pass "
                    f"freq={cal.code!r} instead, or {name}= as {WINDOW_HELP}"
                )
            raise PeriodError(f"{name} must be {WINDOW_HELP}; got {window!r}")
        td = pd.Timedelta(window)
        ratio = td / _DAY
        if ratio != int(ratio):
            raise PeriodError(
                f"{name} must be a whole number of days such as 7 or '7D'; got {window!r}"
            )
        days = int(ratio)
    else:
        raise PeriodError(f"{name} must be {WINDOW_HELP}; got {window!r}")
    if days < 1:
        raise PeriodError(f"{name} must be at least 1 day; got {window!r}")
    return Span(code=f"{days}D", days=days)


def parse_span(freq: Any = None, window: Any = None, *, required: bool = False) -> Span | None:
    """The one of ``freq=`` / ``window=`` given (never both); None when neither, unless required."""
    if freq is not None and window is not None:
        raise PeriodError(
            f"give freq= (a calendar period) or window= (rolling days), not both; got "
            f"freq={freq!r} and window={window!r}"
        )
    if freq is not None:
        return parse_freq(freq)
    if window is not None:
        return parse_window(window)
    if required:
        raise PeriodError(f"give freq= ({FREQ_HELP}) or window= ({WINDOW_HELP})")
    return None


# ---------------------------------------------------------------------------
# totals over periods
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodTable:
    """Totals of each series (column) over each period (row); arrays, not labels."""

    start: pd.DatetimeIndex
    end: pd.DatetimeIndex
    n_days: np.ndarray  # (p,) calendar days in the period
    total: np.ndarray  # (p, k)
    n_reported: np.ndarray  # (p, k) days with a value (flows) / reports in the period (levels)
    complete: np.ndarray  # (p, k)
    elapsed: np.ndarray  # (p, k) days the total spans: days covered (flow), between reports (level)
    keep: np.ndarray  # (p, k) the period belongs to the series' own date range
    partial: np.ndarray | None = None  # (p, k) holds part of a report reaching outside it


def _check_midnight(index: pd.DatetimeIndex, what: str) -> None:
    off = index != index.normalize()
    if off.any():
        at = index[np.flatnonzero(off)[0]]
        raise PeriodError(
            f"{what} needs one value per calendar day (dates at midnight); got a clock "
            f"time at {at} (aggregate to days first, e.g. with conflictstats.to_daily)"
        )


def _split_reports(days: pd.DatetimeIndex, spans: Sequence[np.ndarray | None],
                   kinds: Sequence[str], lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Which periods (rows lo:hi of ``days``) hold part of a report that reaches outside them.

    A report spread over days ``a .. b`` joins each day to the next from ``a`` to
    ``b``; a period cuts it when one of its two edges (before its first day, after
    its last) falls between two joined days. Boundary ``i`` lies before day ``i``;
    a report joins boundaries ``a + 1 .. b``, counted with a difference array.
    """
    n = len(days)
    out = np.zeros((len(lo), len(spans)), dtype=bool)
    day0 = int(days[:1].to_numpy().astype("datetime64[D]").astype(np.int64)[0])
    for j, sp in enumerate(spans):  # a loop over series, not days
        if sp is None or len(sp) == 0 or kinds[j] == "level":
            continue
        a = np.clip(sp[:, 0] - day0 + 1, 0, n + 1)
        b = np.clip(sp[:, 1] - day0 + 1, 0, n + 1)
        joined = np.cumsum(np.bincount(a, minlength=n + 2)
                           - np.bincount(b, minlength=n + 2))[: n + 1] > 0
        out[:, j] = joined[lo] | joined[hi]
    return out


def totals(frame: pd.DataFrame, span: Span, kinds: Sequence[str],
           ranges: tuple[np.ndarray, np.ndarray] | None = None,
           spans: Sequence[np.ndarray | None] | None = None) -> PeriodTable:
    """Total of each column over each period or rolling window of the data's calendar.

    Parameters
    ----------
    frame : DataFrame
        Float values, one column per series, on a sorted, unique DatetimeIndex
        of dates at midnight; absent dates are missing days.
    span : Span
        A calendar period (one row per period from the first to the last date
        of the data, a period with no report included) or a rolling window (one
        row per calendar day of the data, labelled by the window's last day).
    kinds : sequence of str
        The kind of each column: ``"flow"`` or ``"cumulative"`` (summed) or
        ``"level"`` (changed).
    ranges : (first, last) arrays of datetime64, optional
        Each column's own first and last date (the groups of a long frame, see
        :func:`conflictstats._validate.long_ranges`): a period is complete only
        inside them, and ``keep`` marks the periods that belong to the column
        (calendar periods that overlap its range; rolling windows ending in it).
    spans : sequence of (m, 2) int arrays or None, optional
        For each column, the first and last day numbers (days since
        1970-01-01) of the reports that were spread over more than one day
        (:func:`conflictstats._kinds.recorded_spans` reads what ``to_daily``
        recorded). A period that holds part of such a report, but not all of
        it, is ``partial``: its total is an even share of a figure that covers
        other days, not a measurement of the period, so it is not complete.

    Notes
    -----
    For a flow, ``total = sum(x_d for d in period if x_d is reported)``;
    ``complete`` when every day of the period is reported and inside the data,
    and every report spread over the period's days lies wholly inside it (a
    weekly figure keeps its own week complete; a figure for two weeks, or a
    cumulative step across a month without reports, leaves every period it
    reaches into incomplete).
    For a level, ``total = L(e) - L(b)`` where ``e`` is the last report in the
    period and ``b`` the last report before it starts; ``complete`` when the
    level is reported on the period's last day and on the day before its first
    day (the change is then exactly the period's), otherwise the total spans
    the dates of the two reports (``elapsed`` days).
    """
    idx = pd.DatetimeIndex(frame.index)
    _check_midnight(idx, "a total over periods")
    if len(idx) == 0:
        raise PeriodError("the series is empty: there are no days to total over")
    days = pd.date_range(idx[0], idx[-1], freq="D", name="date").as_unit(idx.unit)
    values = frame.reindex(days).to_numpy(dtype="float64")
    present = ~np.isnan(values)
    n, k = values.shape

    if span.days is not None:
        w = span.days
        ar = np.arange(n)
        lo, hi = np.maximum(ar - (w - 1), 0), ar + 1
        ends = days
        starts = days - (w - 1) * _DAY
        n_days = np.full(n, w, dtype=np.int64)
    else:
        codes = days.to_period(span.pfreq)
        uniq = pd.period_range(codes[0], codes[-1], freq=span.pfreq)
        pos = np.arange(len(uniq))
        ordinal = codes.asi8 - uniq.asi8[0]
        lo = np.searchsorted(ordinal, pos, side="left")
        hi = np.searchsorted(ordinal, pos, side="right")
        starts = uniq.start_time.normalize()
        ends = uniq.end_time.normalize()
        n_days = np.asarray((ends - starts) / _DAY, dtype=np.int64) + 1
    starts = pd.DatetimeIndex(starts).as_unit(days.unit)
    ends = pd.DatetimeIndex(ends, name="date").as_unit(days.unit)
    if ranges is None:
        inside = np.asarray((starts >= days[0]) & (ends <= days[-1]))[:, None]
        keep = np.ones((len(ends), k), dtype=bool)
    else:
        first, last = (np.asarray(r, dtype="datetime64[ns]")[None, :] for r in ranges)
        s64 = starts.to_numpy().astype("datetime64[ns]")[:, None]
        e64 = ends.to_numpy().astype("datetime64[ns]")[:, None]
        inside = (s64 >= first) & (e64 <= last)
        keep = ((e64 >= first) & (e64 <= last) if span.days is not None
                else (e64 >= first) & (s64 <= last))

    ccnt = np.zeros((n + 1, k), dtype=np.int64)
    np.cumsum(present, axis=0, out=ccnt[1:])
    n_rep = ccnt[hi] - ccnt[lo]
    total = np.full((len(ends), k), np.nan)
    complete = np.zeros((len(ends), k), dtype=bool)
    elapsed = n_rep.astype("float64")

    kinds_arr = np.asarray(list(kinds), dtype=object)
    flow = np.flatnonzero(kinds_arr != "level")
    coarse = calendar_frequency(idx) if len(flow) else None
    if coarse is not None:
        raise PeriodError(
            f"a flow must be a daily series to total over {span.label}; its dates follow "
            f"the calendar frequency {coarse!r} (one value per period is not a "
            "daily value: spread reported totals over their days with conflictstats.to_daily, "
            "or pass a daily series with absent days as NaN)"
        )
    if len(flow):
        filled = np.where(present[:, flow], values[:, flow], 0.0)
        csum = np.zeros((n + 1, len(flow)))
        np.cumsum(filled, axis=0, out=csum[1:])
        t = csum[hi] - csum[lo]
        total[:, flow] = np.where(n_rep[:, flow] > 0, t, np.nan)
        complete[:, flow] = (n_rep[:, flow] == n_days[:, None]) & inside
    partial = (np.zeros((len(ends), k), dtype=bool) if spans is None
               else _split_reports(days, spans, list(kinds), lo, hi))
    complete &= ~partial
    level = np.flatnonzero(kinds_arr == "level")
    if len(level):
        v, pr = values[:, level], present[:, level]
        posn = np.where(pr, np.arange(n)[:, None], -1)
        last_at = np.maximum.accumulate(posn, axis=0)  # last report at or before each day
        cols = np.arange(len(level))[None, :]
        end_pos = last_at[hi - 1]
        has_end = end_pos >= lo[:, None]
        base_pos = np.where((lo > 0)[:, None], last_at[np.maximum(lo - 1, 0)], -1)
        has_base = base_pos >= 0
        ok = has_end & has_base
        total[:, level] = np.where(ok, v[np.maximum(end_pos, 0), cols]
                                   - v[np.maximum(base_pos, 0), cols], np.nan)
        complete[:, level] = (ok & (end_pos == (hi - 1)[:, None])
                              & (base_pos == (lo - 1)[:, None]) & inside)
        elapsed[:, level] = np.where(ok, (end_pos - base_pos).astype("float64"), np.nan)
    return PeriodTable(start=starts, end=ends, n_days=n_days, total=total,
                       n_reported=n_rep, complete=complete, elapsed=elapsed, keep=keep,
                       partial=partial)


def tidy(table: PeriodTable, columns: pd.Index, was_series: bool,
         fields: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per period (and series): index ``date`` (the period's last day).

    ``fields`` maps column names to (p, k) arrays (or (p,) arrays shared by all
    series). For a single series there is no ``series`` column; otherwise the
    rows are grouped by series, in column order.
    """
    p, k = len(table.end), len(columns)
    data: dict[str, Any] = {}
    if not was_series:
        data["series"] = np.repeat(np.asarray(columns, dtype=object), p) if k else []
    for name, arr in fields.items():
        a = np.asarray(arr)
        data[name] = np.tile(a, k) if a.ndim == 1 else a.T.reshape(-1)
    data["start"] = np.tile(table.start.to_numpy(), k)
    data["end"] = np.tile(table.end.to_numpy(), k)
    index = pd.DatetimeIndex(np.tile(table.end.to_numpy(), k), name="date")
    out = pd.DataFrame(data, index=index)
    keep = table.keep.T.reshape(-1)
    return out if keep.all() else out[keep]

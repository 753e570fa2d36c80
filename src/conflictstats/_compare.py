"""Which periods are comparable: the one rule used by records, claims and the weekly report.

A period (a calendar week or month, a rolling window, or a single day) takes part
in a comparison ("a record", "the highest since", "up on the previous week") when:

- it is **complete** (every day reported; a level known at both ends);
- it holds **no flagged day** (``attrs["flags"]`` from :func:`conflictstats.to_daily`:
  a map redraw, a day the source marks as an artefact);
- for the weekly report, it holds **no correction** (a fall of a running total,
  a negative day of a flow) and **no definition change** inside it (a day whose
  definition differs from the day before, unless it is the period's first day).

An incomplete period of a flow that is never negative still totals at least what
its reported days sum to: for maxima that partial sum is a **lower bound** the
record must beat. A period holding part of a report spread over days outside it
(``partial``) bounds nothing. The report states corrections and definition
changes as flags (:func:`comparison_flags`), so that :func:`conflictstats.records`
on the flagged series gives the report's records exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _periods

__all__: list[str] = []

#: Reasons the report adds to a series' flags (see :func:`comparison_flags`).
CORRECTION = "a correction of the running total"
DEFINITION = "the definition changes within the period"


def flag_mask(data: pd.Series | pd.DataFrame, frame: pd.DataFrame,
              by: Any = None) -> np.ndarray | None:
    """Flagged days (``attrs["flags"]``, see :func:`conflictstats.flag_reasons`), (n, k).

    None when nothing is flagged (long ``by=`` frames carry no flags).
    """
    if by is not None or getattr(data, "attrs", {}).get("flags") is None:
        return None
    from .daily import _flag_dates  # daily sits below records; imported when needed

    mask = np.zeros(frame.shape, dtype=bool)
    index = pd.DatetimeIndex(frame.index)
    for j, found in _flag_dates(data).items():  # only the flagged columns are visited
        pos = index.get_indexer(found.index)
        mask[pos[pos >= 0], j] = True
    return mask if mask.any() else None


def flag_windows(mask: np.ndarray, index: pd.DatetimeIndex, span: _periods.Span | None,
                 ranges: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Which values (span None) or periods/windows hold a flagged day, (p, k)."""
    if span is None:
        return mask
    counts = pd.DataFrame(mask.astype("float64"), index=index)
    table = _periods.totals(counts, span, ["flow"] * mask.shape[1], ranges)
    return np.nan_to_num(table.total) > 0


def days_in_periods(days: pd.DatetimeIndex, starts: Any, ends: Any) -> np.ndarray:
    """Whether each period ``[start, end]`` holds one of ``days`` (sorted)."""
    if not len(days):
        return np.zeros(len(starts), dtype=bool)
    d = pd.DatetimeIndex(days).to_numpy()
    lo = np.searchsorted(d, np.asarray(starts, dtype=d.dtype), side="left")
    hi = np.searchsorted(d, np.asarray(ends, dtype=d.dtype), side="right")
    return hi > lo


def bounded_below(values: np.ndarray, kinds: list[str]) -> np.ndarray:
    """Per column: a flow never negative, whose partial sums are lower bounds."""
    with np.errstate(invalid="ignore"):
        nonneg = ~(values < 0).any(axis=0)
    return nonneg & (np.asarray(kinds, dtype=object) != "level")


def lower_bounds(frame: pd.DataFrame, table: _periods.PeriodTable, kinds: list[str],
                 incomplete: str, direction: str) -> np.ndarray | None:
    """Partial totals of incomplete periods where they bound the true total from below.

    A flow that is never negative totals at least what its reported days sum
    to, so an incomplete week of 565 (6 of 7 days) beats a later full week of
    468: a record must beat it. A period holding part of a report spread over
    days outside it (``partial``) bounds nothing and is left out. None when no
    column allows the bound (levels, flows with negative values, minima, or
    ``incomplete="include"``).
    """
    if incomplete != "exclude" or direction != "max" or not kinds:
        return None
    usable = bounded_below(frame.to_numpy(dtype="float64"), kinds)
    if not usable.any():
        return None
    spread = (np.zeros(table.total.shape, dtype=bool) if table.partial is None
              else table.partial)
    return np.where(~table.complete & table.keep & ~spread & usable[None, :], table.total,
                    np.nan)


def floor(total: np.ndarray, partial: np.ndarray | None, usable: bool) -> np.ndarray:
    """What an unknown period of one column is at least: its partial sum where that is a
    lower bound (:func:`lower_bounds`), else minus infinity (for :func:`check_claim`)."""
    if not usable:
        return np.full(len(total), -np.inf)
    cut = np.zeros(len(total), dtype=bool) if partial is None else partial
    return np.where(np.isnan(total) | cut, 0.0, total)


def corrections(s: pd.Series, starts: Any, ends: Any) -> np.ndarray:
    """The sum of the negative days (corrections of a running total) in each period."""
    known = s.dropna()
    neg = known.loc[known < 0]
    if not len(neg):
        return np.zeros(len(starts))
    nd = pd.DatetimeIndex(neg.index).to_numpy()
    cum = np.concatenate([[0.0], np.cumsum(neg.to_numpy(dtype=float))])
    lo = np.searchsorted(nd, np.asarray(starts, dtype=nd.dtype), side="left")
    hi = np.searchsorted(nd, np.asarray(ends, dtype=nd.dtype), side="right")
    return cum[hi] - cum[lo]


def definition_changes(definitions: pd.Series | None,
                       span: _periods.Span | None) -> pd.DatetimeIndex:
    """Days whose definition differs from the day before and that are not the first day
    of their period: the periods holding them mix two definitions."""
    if definitions is None or len(definitions) < 2:
        return pd.DatetimeIndex([])
    lab = definitions.astype(str)
    changed = pd.DatetimeIndex(lab.index[1:][(lab.to_numpy()[1:] != lab.to_numpy()[:-1])])
    if span is None or not len(changed):
        return changed
    first = pd.DatetimeIndex([span.bounds(d)[0] for d in changed])  # a few breaks
    return changed[first != changed]


def periods_with_mixed_definitions(definitions: pd.Series | None, span: _periods.Span,
                                   starts: Any, ends: Any) -> np.ndarray:
    """Whether each period holds days under two definitions."""
    return days_in_periods(definition_changes(definitions, span), starts, ends)


def comparison_flags(s: pd.Series, *, span: _periods.Span | None = None,
                     definitions: pd.Series | None = None,
                     flagged: pd.DatetimeIndex | None = None) -> dict[pd.Timestamp, str]:
    """The days that make a period not comparable, with their reasons (``attrs["flags"]``
    form): the source's flags, corrections (negative days of a flow) and definition
    changes inside a period of ``span``."""
    from .daily import _flag_dates

    found: dict[pd.Timestamp, str] = {}
    own = _flag_dates(s).get(0) if isinstance(s, pd.Series) else None
    if own is not None:
        found.update({pd.Timestamp(d): str(r) for d, r in own.items()})
    for d in flagged if flagged is not None else []:
        found.setdefault(pd.Timestamp(d), "flagged by the source")
    if s.attrs.get("kind", "flow") == "flow":
        for d in s.index[(s < 0).to_numpy()]:
            found.setdefault(pd.Timestamp(d), CORRECTION)
    for d in definition_changes(definitions, span):
        found.setdefault(pd.Timestamp(d), DEFINITION)
    return dict(sorted(found.items()))


def for_comparison(s: pd.Series, *, span: _periods.Span | None = None,
                   definitions: pd.Series | None = None,
                   flagged: pd.DatetimeIndex | None = None) -> pd.Series:
    """A copy of a daily series whose ``attrs["flags"]`` hold :func:`comparison_flags`:
    :func:`conflictstats.records` on it compares only comparable periods."""
    out = s.copy()
    out.attrs = {**s.attrs, "flags": comparison_flags(s, span=span, definitions=definitions,
                                                      flagged=flagged)}
    return out


def ranked_values(s: pd.Series, *, freq: str, kind: str) -> pd.Series:
    """The period values :func:`conflictstats.records` ranks for maxima: totals of
    complete periods without a flagged day, and the partial sums of incomplete ones
    where those are lower bounds; NaN elsewhere. Indexed by the period's last day."""
    from ._kinds import recorded_spans

    span = _periods.parse_freq(freq)
    frame = s.to_frame()
    table = _periods.totals(frame, span, [kind], None, recorded_spans(s, frame.columns))
    value = np.where(table.complete & table.keep, table.total, np.nan)
    lower = lower_bounds(frame, table, [kind], "exclude", "max")
    mask = flag_mask(s, frame)
    flagged = (np.zeros(value.shape, dtype=bool) if mask is None
               else flag_windows(mask, pd.DatetimeIndex(frame.index), span))
    if lower is not None:
        value = np.where(np.isnan(value), lower, value)
    value = np.where(flagged, np.nan, value)
    return pd.Series(value[:, 0], index=pd.DatetimeIndex(table.end), name=s.name)

"""Records: scoped records, "highest since", and record statistics.

War reporting is full of records: "the largest ever drone attack", "a weekly
record for 2024", "the highest since July 2022".  This module finds them and
puts them in context:

- :func:`records` -- one row per date that set a record, with the record it
  broke, the margin and the "since" date, optionally after aggregating the
  series the way reporters do (calendar weeks, months, rolling N-day totals;
  changes over the window for levels) and within a calendar scope (a record
  "for 2024");
- :func:`highest_since` / :func:`lowest_since` -- for every date, the most
  recent earlier date with a value at least as high (as low);
- :func:`record_indicators`, :func:`record_counts` and :func:`record_test` --
  the classical record statistics (forward and backward, upper and lower
  records; expected number and variance under an i.i.d. series; an exact
  Poisson-binomial test of "more records than chance"), after R's RecordTest.

``highest_since`` and ``records`` are vectorised: half a second or less for ten
million points, first call included (see ``benchmarks/bench_records.py``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _periods
from ._compare import flag_mask as _flag_mask
from ._compare import flag_windows as _flag_windows
from ._compare import lower_bounds as _lower_bounds
from ._docstrings import fill_doc
from ._kinds import recorded_spans, resolve_kind
from ._validate import (
    as_frame,
    as_series,
    check_choice,
    check_int,
    keep_own_dates,
    long_ranges,
    own_dates,
)
from .errors import InputError
from .results import RecordTestResult

__all__ = [
    "RECORD_COLUMNS",
    "highest_since",
    "lowest_since",
    "period_flags",
    "record_counts",
    "record_indicators",
    "record_test",
    "records",
]

#: Columns of the table returned by :func:`records`, in order.
RECORD_COLUMNS: tuple[str, ...] = (
    "series",
    "scope",
    "date",
    "start",
    "value",
    "previous_value",
    "previous_date",
    "previous_complete",
    "margin",
    "record_number",
    "n_compared",
    "since",
    "complete",
    "flagged",
)

_Cmp = Callable[..., Any]

# ---------------------------------------------------------------------------
# "previous greater or equal element", vectorised
# ---------------------------------------------------------------------------
#
# For each position i we want the largest j < i with v[j] >= v[i] (or > when
# strict).  Three stages, all numpy:
#   1. a running maximum tells which positions have an answer at all (the
#      others are all-time records);
#   2. a short look-back over contiguous shifted slices resolves the near
#      answers (most of them: for i.i.d. data P(distance > k) = 1/(k+1));
#   3. the rest walk a max-pyramid (a segment tree stored level by level):
#      up through the left siblings of their ancestors until one holds a value
#      that qualifies, then down into its right-most qualifying child, and a
#      final scan of a small contiguous leaf block.
# Each stage is a handful of whole-array operations; stage 3 costs O(log n)
# per remaining position.
#
# Memory is kept to what the answer needs, so that the first call in a process
# costs what later calls cost (fresh memory is slow to touch the first time):
# the running maximum is taken block by block in one small reused buffer, and
# the pyramid starts at the level of the look-back's reach (blocks of 2**leaf
# values), not at single values, so it holds about n / 2**leaf numbers.

_MAX_LOOKBACK = 32
_BLOCK = 1 << 18
_DESCEND_CHUNK = 1 << 16


def _pyramid(base: np.ndarray, leaf: int = 0) -> list[np.ndarray]:
    """Block maxima of ``base``: level ``k`` holds the maxima of blocks of ``2**k``.

    Levels below ``leaf`` (other than the values themselves, level 0) are not
    built: :func:`_descend` never reads them.
    """
    n = len(base)
    levels = [base]
    if leaf:
        width = 1 << leaf
        full = n // width
        cur = base[: full * width].reshape(full, width).max(axis=1)
        if n % width:
            cur = np.append(cur, base[full * width:].max())
        levels += [base[:0]] * (leaf - 1) + [cur]
    else:
        cur = base
    while len(cur) > 1:
        if len(cur) % 2:
            cur = np.append(cur, -np.inf)
        cur = np.maximum(cur[0::2], cur[1::2])
        levels.append(cur)
    return levels


def _descend(levels: list[np.ndarray], pos: np.ndarray, val: np.ndarray, cmp: _Cmp,
             leaf: int) -> np.ndarray:
    """Answers for positions ``pos`` (values ``val``) known to lie farther than 2**leaf - 1.

    A position with no qualifying earlier value gets -1.
    """
    n_levels = len(levels)
    base = levels[0]
    n = len(base)
    out = np.full(len(pos), -1, dtype=np.int64)
    active = np.arange(len(pos))
    p, tv = pos, val
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = [None] * n_levels
    for lev in range(leaf, n_levels):
        b = p >> lev
        sib = b - 1
        np.maximum(sib, 0, out=sib)
        hit = cmp(levels[lev][sib], tv)
        hit &= (b & 1).astype(bool)
        h = np.flatnonzero(hit)
        found[lev] = (active[h], sib[h], tv[h])
        keep = np.flatnonzero(~hit)
        active, p, tv = active[keep], p[keep], tv[keep]
        if len(active) == 0:
            break
    ids = np.empty(0, dtype=np.int64)
    node = np.empty(0, dtype=np.int64)
    vv = np.empty(0, dtype=base.dtype)
    for lev in range(n_levels - 1, leaf - 1, -1):
        f = found[lev]
        if f is not None and len(f[0]):
            ids = np.concatenate([ids, f[0]])
            node = np.concatenate([node, f[1]])
            vv = np.concatenate([vv, f[2]])
        if lev == leaf or len(ids) == 0:
            continue
        right = 2 * node + 1
        go = cmp(levels[lev - 1][right], vv)
        node = right - (~go)
    if len(ids) == 0:
        return out
    width = 1 << leaf
    full = n // width
    if full:
        rows = np.minimum(node, full - 1)
        blk = cmp(base[: full * width].reshape(full, width)[rows], vv[:, None])
    else:
        blk = np.zeros((len(node), width), dtype=bool)
    tail = np.flatnonzero(node >= full)
    if len(tail):
        cols = (node[tail] << leaf)[:, None] + np.arange(width)
        inside = cols < n
        blk[tail] = cmp(base[np.minimum(cols, n - 1)], vv[tail][:, None]) & inside
    last = (blk.view(np.int8) * np.arange(1, width + 1, dtype=np.int16)).max(axis=1) - 1
    out[ids] = (node << leaf) + last
    return out


def _descend_chunked(levels: list[np.ndarray], pos: np.ndarray, base: np.ndarray, cmp: _Cmp,
                     leaf: int) -> np.ndarray:
    """:func:`_descend` over slices of ``pos``: its working arrays stay small and reused."""
    out = np.empty(len(pos), dtype=np.int64)
    for c in range(0, len(pos), _DESCEND_CHUNK):
        p = pos[c:c + _DESCEND_CHUNK]
        out[c:c + _DESCEND_CHUNK] = _descend(levels, p, base[p], cmp, leaf)
    return out


def _without_nan(v: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``v`` with NaN as -inf (no copy when there is none) and the NaN mask, if any."""
    nan = np.isnan(v)
    if nan.any():
        return np.where(nan, -np.inf, v), nan
    return v, None


def _beaten_before(base: np.ndarray, cmp: _Cmp, bounds: np.ndarray | None = None,
                   out: np.ndarray | None = None) -> np.ndarray:
    """``cmp(max(base[a:i]), base[i])`` for every ``i`` (False where nothing precedes).

    ``a`` is the start of the scope of ``i`` (``bounds``: sorted scope starts,
    the first 0; one scope when None).  The running maximum is taken block by
    block with a carry, in one small buffer.
    """
    n = len(base)
    res = np.empty(n, dtype=bool) if out is None else out
    starts = np.zeros(min(n, 1), dtype=np.int64) if bounds is None else bounds
    stops = np.append(starts[1:], n)[: len(starts)]
    buf = np.empty(min(n, _BLOCK))
    for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
        carry = -np.inf
        first = True
        for c in range(a, b, _BLOCK):
            d = min(c + _BLOCK, b)
            blk = base[c:d]
            run = buf[: d - c]
            # run[k] = max(base[c .. c+k-1]) with the carry: the maximum before c+k
            run[0] = carry
            if d - c > 1:
                np.maximum.accumulate(blk[:-1], out=run[1:])
                np.maximum(run[1:], carry, out=run[1:])
            cmp(run, blk, out=res[c:d])
            if first:
                res[c] = False
                first = False
            carry = max(carry, float(run[-1]), float(blk[-1]))
    return res


def _prev_ge(v: np.ndarray, *, strict: bool = False) -> np.ndarray:
    """Largest j < i with v[j] >= v[i] (``>`` if strict) for every i; -1 if none or NaN.

    Stages 1 and 2 run block by block (``_BLOCK`` positions, small reused
    buffers, cache-sized), so the only array of the series' length is the answer.
    """
    n = len(v)
    cmp: _Cmp = np.greater if strict else np.greater_equal
    res = np.full(n, -1, dtype=np.int64) if n < 2 else np.empty(n, dtype=np.int64)
    if n < 2:
        return res
    base, nan = _without_nan(v)
    size = min(n, _BLOCK)
    run = np.empty(size)
    has = np.empty(size, dtype=bool)
    unres = np.empty(size, dtype=bool)
    hits = np.empty(size, dtype=bool)
    dist = np.empty(size, dtype=np.int8)
    far: list[np.ndarray] = []
    reach = _MAX_LOOKBACK
    carry = -np.inf
    for c in range(0, n, _BLOCK):
        d = min(c + _BLOCK, n)
        m = d - c
        blk = base[c:d]
        # 1. is anything earlier as high?  (the running maximum before each position)
        r, h = run[:m], has[:m]
        r[0] = carry
        if m > 1:
            np.maximum.accumulate(blk[:-1], out=r[1:])
            np.maximum(r[1:], carry, out=r[1:])
        cmp(r, blk, out=h)
        carry = max(carry, float(r[-1]), float(blk[-1]))
        if nan is not None:
            h &= ~nan[c:d]
        # 2. look back a few steps over shifted slices
        u, dd = unres[:m], dist[:m]
        u[:] = h
        dd[:] = 0
        k_done = 0
        for k in range(1, min(_MAX_LOOKBACK, d - 1) + 1):
            lo = max(0, k - c)
            if lo >= m:
                break
            hk, uk = hits[lo:m], u[lo:]
            cmp(base[c + lo - k:d - k], blk[lo:], out=hk)
            hk &= uk
            uk ^= hk
            dd[lo:] += uk.view(np.int8)
            k_done = k
            # a look-back step costs a pass over the block; stop once it settles
            # fewer positions than the pyramid would handle in the same time
            if k >= 4 and np.count_nonzero(hk) * 160 < m:
                break
        reach = min(reach, k_done)
        out = res[c:d]
        out[:] = np.arange(c, d, dtype=np.int64)
        out -= dd
        out -= 1
        h &= ~u
        out[~h] = -1
        far.append(np.flatnonzero(u) + c)
    # 3. the far answers walk the pyramid
    pos = np.concatenate(far)
    if len(pos):
        leaf = 0
        while (1 << (leaf + 1)) - 1 <= reach:
            leaf += 1
        res[pos] = _descend_chunked(_pyramid(base, leaf), pos, base, cmp, leaf)
    return res


def _prev_ge_at(v: np.ndarray, queries: np.ndarray, *, strict: bool = False) -> np.ndarray:
    """:func:`_prev_ge` for a few query positions only (sorted, unique)."""
    cmp: _Cmp = np.greater if strict else np.greater_equal
    out = np.full(len(queries), -1, dtype=np.int64)
    if len(queries) == 0 or len(v) < 2:
        return out
    base, _ = _without_nan(v)
    q = np.asarray(queries, dtype=np.int64)
    ok = np.flatnonzero(~np.isnan(v[q]))
    if len(ok) == 0:
        return out
    q, val = q[ok], base[q[ok]]
    # near answers first, over the queries only: then the pyramid starts at blocks of 32
    leaf = 5 if len(base) >= 1 << 12 else 0
    reach = (1 << leaf) - 1
    near = np.full(len(q), -1, dtype=np.int64)
    for k in range(1, reach + 1):
        open_ = (near < 0) & (q >= k)
        near[open_] = np.where(cmp(base[q[open_] - k], val[open_]), q[open_] - k, -1)
    far = np.flatnonzero(near < 0)
    if len(far):
        near[far] = _descend_chunked(_pyramid(base, leaf), q[far], base, cmp, leaf)
    out[ok] = near
    return out


# ---------------------------------------------------------------------------
# input helpers
# ---------------------------------------------------------------------------


def _finite(values: np.ndarray, index: pd.DatetimeIndex, *, name: str) -> None:
    bad = np.isinf(values)
    if bad.any():
        at = index[np.flatnonzero(bad)[0]]
        raise InputError(
            f"{name} has an infinite value on {at}; records need finite numbers "
            "(use NaN for an unknown day)"
        )


def _aggregate(frame: pd.DataFrame, span: _periods.Span | None, kinds: list[str],
               incomplete: str,
               ranges: tuple[np.ndarray, np.ndarray] | None = None,
               spans: Sequence[np.ndarray | None] | None = None) -> _periods.PeriodTable:
    """Values per period (or the values as they are): the table :func:`records` ranks.

    With a period, a column's value is its total when the period is complete
    (``incomplete="exclude"``) or whenever there is one (``"include"``);
    periods outside the column's own range are NaN. ``spans`` are the reports
    spread over several days (:func:`conflictstats._kinds.recorded_spans`): a
    period holding part of one is incomplete.
    """
    if span is None:
        v = frame.to_numpy(dtype="float64")
        idx = pd.DatetimeIndex(frame.index)
        known = ~np.isnan(v)
        # counts as views of the known flags and broadcast constants: no array of the
        # series' length is allocated for fields that records and claims never read
        flags = known.view(np.int8)
        return _periods.PeriodTable(
            start=idx, end=idx, n_days=np.broadcast_to(np.int64(1), (len(idx),)), total=v,
            n_reported=flags, complete=known, elapsed=flags,
            keep=np.broadcast_to(True, v.shape))
    table = _periods.totals(frame, span, kinds, ranges, spans)
    value = table.total if incomplete == "include" else np.where(table.complete,
                                                                 table.total, np.nan)
    value = np.where(table.keep, value, np.nan)
    return _periods.PeriodTable(
        start=table.start, end=table.end, n_days=table.n_days, total=value,
        n_reported=table.n_reported, complete=table.complete, elapsed=table.elapsed,
        keep=table.keep, partial=table.partial)


def _apply_flags(table: _periods.PeriodTable, flagged: np.ndarray | None,
                 flags: str) -> _periods.PeriodTable:
    """Values of flagged periods set to NaN (``flags="exclude"``)."""
    if flagged is None or flags == "include" or not flagged.any():
        return table
    return dataclasses.replace(table, total=np.where(flagged, np.nan, table.total))


def period_flags(series: pd.Series, *, freq: Any = None, window: Any = None) -> pd.Series:
    """The flags of a daily series carried to its periods or rolling windows.

    A period (or window) holding a flagged day is flagged, with the reasons of
    its flagged days joined by ``"; "``. Set ``result.to_dict()`` as
    ``attrs["flags"]`` of a series of period totals so that
    :func:`highest_since` and :func:`records` on the totals leave those
    periods out (the weekly report does this).

    Parameters
    ----------
    series : Series
        A daily series with ``attrs["flags"]`` (see
        :func:`conflictstats.flag_reasons`).
    freq, window : optional
        The calendar period or rolling window, as in :func:`records`.

    Returns
    -------
    Series
        Reasons indexed by the last day of each flagged period (empty when
        nothing is flagged).

    See Also
    --------
    check_claim : Check a claim on the comparable periods.
    flag_reasons : Why days are flagged.

    Examples
    --------
    >>> import pandas as pd
    >>> import conflictstats as cs
    >>> obs = cs.read_observations(pd.DataFrame({
    ...     "metric": "x", "value": [1.0] * 14, "unit": "count", "kind": "flow",
    ...     "end": pd.date_range("2024-01-01", periods=14),
    ...     "flag": [None] * 9 + ["redraw"] + [None] * 4}))
    >>> period_flags(cs.to_daily(obs, metric="x"), freq="W-SUN").to_dict()
    {Timestamp('2024-01-14 00:00:00'): 'redraw'}
    """
    span = _periods.parse_span(freq, window, required=True)
    assert span is not None
    s = as_series(series, name="series")
    empty = pd.Series(dtype=object, index=pd.DatetimeIndex([], name="date"), name="flag")
    mask = _flag_mask(series, s.to_frame())
    if mask is None or not len(s):
        return empty
    from .daily import flag_reasons

    reasons = flag_reasons(series).reindex(s.index)
    table = _periods.totals(pd.DataFrame(mask.astype("float64"), index=s.index), span, ["flow"])
    ends = pd.DatetimeIndex(table.end)[np.nan_to_num(table.total[:, 0]) > 0]
    out = [("; ".join(dict.fromkeys(reasons.loc[span.bounds(e)[0]:e].dropna()))) for e in ends]
    return pd.Series(out, index=pd.DatetimeIndex(ends, name="date"), name="flag", dtype=object)


def _scope_bounds(index: pd.DatetimeIndex, scope: str) -> np.ndarray:
    """Positions where each calendar year or month of a sorted index starts (first is 0)."""
    n = len(index)
    if scope == "all" or n == 0:
        return np.zeros(min(n, 1), dtype=np.int64)
    first, last = index[0], index[-1]
    freq = "YS" if scope == "year" else "MS"
    starts = pd.date_range(first.to_period("Y" if scope == "year" else "M").start_time,
                           last, freq=freq)
    bounds = np.unique(index.searchsorted(starts[starts > first]))
    return np.concatenate([[0], bounds[bounds < n]]).astype(np.int64)


def _scope_label(dates: pd.DatetimeIndex, scope: str) -> np.ndarray:
    if scope == "all":
        return np.full(len(dates), "all", dtype=object)
    if scope == "year":
        return np.asarray(dates.strftime("%Y"), dtype=object)
    return np.asarray(dates.strftime("%Y-%m"), dtype=object)


def _check_common(scope: str, direction: str, ties: str) -> None:
    check_choice("scope", scope, ("all", "year", "month"))
    check_choice("direction", direction, ("max", "min"))
    check_choice("ties", ties, ("strict", "weak"))


# ---------------------------------------------------------------------------
# highest / lowest since
# ---------------------------------------------------------------------------


def _since(data: pd.Series | pd.DataFrame, sign: float, name: str,
           by: str | Sequence[str] | None = None,
           value: str | None = None, flags: str = "exclude") -> pd.Series | pd.DataFrame:
    check_choice("flags", flags, ("exclude", "include"))
    frame, was_series = as_frame(data, name=name, by=by, value=value)
    idx = pd.DatetimeIndex(frame.index)
    stamps = idx.to_numpy()
    nat = np.array("NaT", dtype=stamps.dtype)
    mask = _flag_mask(data, frame, by) if flags == "exclude" else None
    cols = {}
    for k, col in enumerate(frame.columns):
        v = frame[col].to_numpy()
        _finite(v, idx, name=name)
        if mask is not None:
            v = np.where(mask[:, k], np.nan, v)
        j = _prev_ge(v if sign > 0 else -v)
        none = j < 0
        np.maximum(j, 0, out=j)
        # the dates are gathered into the positions' own buffer (element by element,
        # each position read before it is written): no second array of the length
        out = np.take(stamps, j, out=j.view(stamps.dtype), mode="clip") if len(j) else stamps[:0]
        out[none] = nat
        cols[col] = out
    if was_series:
        return pd.Series(cols[frame.columns[0]], index=frame.index, name=data.name, copy=False)
    out = pd.DataFrame(cols, index=frame.index, columns=frame.columns, copy=False)
    # by=: each group on its own dates only (NaT on the other groups' dates)
    return keep_own_dates(out, own_dates(data, frame, by), frame.columns)


def highest_since(
    series: pd.Series | pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
    flags: str = "exclude",
) -> pd.Series | pd.DataFrame:
    """For each date, the most recent earlier date with a value at least as high.

    The "since" in "the highest since July 2022".  NaT when the value is an
    all-time high so far (nothing earlier is as high) and where the value is
    missing; missing days are never the answer.

    Parameters
    ----------
    series : Series or DataFrame
        Values on a sorted, unique DatetimeIndex; a wide DataFrame gives one
        column of dates per column.
    by, value : optional
        A long frame's group column(s) and value column: one column of dates
        per group, on the dates of all groups; each group's column is what
        calling it alone gives, NaT on the other groups' dates
        (``attrs["own_dates"]`` marks each group's own dates, so that
        :func:`conflictstats.dask.to_long` gives one row per group and own
        date).
    flags : {"exclude", "include"}
        Days flagged as artefacts (``attrs["flags"]`` from
        :func:`conflictstats.to_daily`, see :func:`conflictstats.flag_reasons`)
        are, by default, treated as missing: they get NaT and are never the
        answer. ``"include"`` uses them like any other day.

    Returns
    -------
    Series or DataFrame
        Dates (datetime64), aligned with the input, same name(s).

    See Also
    --------
    lowest_since : The same for the lowest value.
    records : Records within a scope.
    check_claim : Check a claim such as "highest since 2023".

    Notes
    -----
    ``since[t] = max{s < t : x[s] >= x[t]}``, the "previous greater or equal
    element".  Computed without a Python loop over days: a running maximum
    marks the all-time highs, a short look-back over shifted slices settles
    near answers, and the remaining dates walk a max-pyramid (segment tree)
    up and down in O(log n) each.  Ten million points take about half a
    second.

    References
    ----------
    Arnold, B. C., Balakrishnan, N., Nagaraja, H. N. (1998). *Records*. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([5.0, 3.0, 4.0, None, 6.0, 4.0],
    ...               index=pd.date_range("2024-11-21", periods=6))
    >>> highest_since(s).dt.strftime("%m-%d").tolist()
    [nan, '11-21', '11-21', nan, nan, '11-25']
    """
    return _since(series, 1.0, "series", by, value, flags)


def lowest_since(
    series: pd.Series | pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
    flags: str = "exclude",
) -> pd.Series | pd.DataFrame:
    """For each date, the most recent earlier date with a value at least as low.

    The "since" in "the fewest since March".  See :func:`highest_since`.

    Parameters
    ----------
    series : Series or DataFrame
        Values on a sorted, unique DatetimeIndex.
    by, value : optional
        A long frame's group column(s) and value column, as in :func:`highest_since`.
    flags : {"exclude", "include"}
        As in :func:`highest_since`.

    Returns
    -------
    Series or DataFrame
        Dates (datetime64) aligned with the input; NaT for an all-time low so
        far and for missing values.

    See Also
    --------
    highest_since : The same for the highest value.
    records : Records within a scope.

    Notes
    -----
    ``since[t] = max{s < t : x[s] <= x[t]}``.

    References
    ----------
    Arnold, B. C., Balakrishnan, N., Nagaraja, H. N. (1998). *Records*. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([5.0, 3.0, 4.0, 2.0],
    ...               index=pd.date_range("2024-11-21", periods=4))
    >>> lowest_since(s).dt.strftime("%m-%d").tolist()
    [nan, nan, '11-22', nan]
    """
    return _since(series, -1.0, "series", by, value, flags)


# ---------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------


def _records_one(values: np.ndarray, index: pd.DatetimeIndex, *, scope: str, direction: str,
                 ties: str) -> dict[str, np.ndarray]:
    """Record rows of one series (positions and fields); values already aggregated.

    Works from the scope boundaries and the record positions only: no array of
    the series' length beyond one flag per value (and a NaN-free copy when NaN
    are present).
    """
    v = values if direction == "max" else -values
    base, nan = _without_nan(v)
    bounds = _scope_bounds(index, scope)
    # a record is a value that nothing earlier in its scope beats (>=) or, with
    # weak ties, exceeds (>)
    rec = _beaten_before(base, np.greater_equal if ties == "strict" else np.greater, bounds)
    np.logical_not(rec, out=rec)
    if nan is not None:
        rec &= ~nan
    pos = np.flatnonzero(rec)
    del rec
    codes = np.searchsorted(bounds, pos, side="right") - 1
    first = bounds[codes] if len(bounds) else np.zeros(0, dtype=np.int64)
    # strict records over all history are all-time highs: nothing earlier is as high
    since_pos = (np.full(len(pos), -1, dtype=np.int64) if scope == "all" and ties == "strict"
                 else _prev_ge_at(v, pos))
    same = np.zeros(len(pos), dtype=bool)
    if len(pos) > 1:
        same[1:] = codes[1:] == codes[:-1]
    prev_pos = np.where(same, np.concatenate([[-1], pos[:-1]]), -1)
    # record number within its scope
    starts = np.flatnonzero(~same)
    number = np.arange(len(pos)) - np.repeat(starts, np.diff(np.append(starts, len(pos)))) + 1
    # values compared with: the valid ones from the scope's start up to the record
    n_compared = pos - first
    if nan is not None:
        nan_pos = np.flatnonzero(nan)
        n_compared -= (np.searchsorted(nan_pos, pos, side="right")
                       - np.searchsorted(nan_pos, first, side="left"))
    val = values[pos]
    prev_val = np.where(prev_pos >= 0, values[np.maximum(prev_pos, 0)], np.nan)
    margin = val - prev_val if direction == "max" else prev_val - val
    return {
        "pos": pos, "prev_pos": prev_pos, "since_pos": since_pos, "value": val,
        "previous_value": prev_val, "margin": margin, "record_number": number,
        "n_compared": n_compared,
    }


def _complete_records(f: dict[str, np.ndarray], complete: np.ndarray,
                      index: pd.DatetimeIndex, scope: str) -> dict[str, np.ndarray]:
    """Keep the records set by complete periods; a record broken may be an incomplete one."""
    keep = complete[f["pos"]]
    out = {k: v[keep] for k, v in f.items()}
    pos = out["pos"]
    bounds = _scope_bounds(index, scope)
    codes = np.searchsorted(bounds, pos, side="right") - 1
    new_scope = np.ones(len(pos), dtype=bool)
    new_scope[1:] = codes[1:] != codes[:-1]
    starts = np.flatnonzero(new_scope)
    out["record_number"] = (np.arange(len(pos))
                            - np.repeat(starts, np.diff(np.append(starts, len(pos)))) + 1)
    return out


def _dates_at(index: pd.DatetimeIndex, pos: np.ndarray) -> pd.DatetimeIndex:
    stamps = index.to_numpy()
    if len(stamps) == 0:
        return pd.DatetimeIndex(np.full(len(pos), np.datetime64("NaT"), dtype="datetime64[ns]"))
    out = stamps[np.maximum(pos, 0)]
    out[pos < 0] = np.array("NaT", dtype=stamps.dtype)
    return pd.DatetimeIndex(out)


@fill_doc
def records(
    series: pd.Series | pd.DataFrame,
    *,
    freq: str | None = None,
    window: int | str | pd.Timedelta | None = None,
    scope: str = "all",
    direction: str = "max",
    ties: str = "strict",
    kind: str | None = None,
    incomplete: str = "exclude",
    by: str | Sequence[str] | None = None,
    value: str | None = None,
    flags: str = "exclude",
) -> pd.DataFrame:
    """Every date that set a record, with the record it broke.

    Parameters
    ----------
    series : Series or DataFrame
        Values on a sorted, unique DatetimeIndex (a daily series from
        :func:`conflictstats.to_daily` when ``freq`` or ``window`` is given); a
        wide DataFrame gives the records of each column.
    %(freq_window)s
        How to aggregate first, as reporters do ("a weekly record": totals per
        calendar week; "the most in 7 days": rolling 7-day totals). Neither:
        the values as they are. Periods are those of
        :func:`~conflictstats.period_totals`, with the same completeness.
    scope : {"all", "year", "month"}
        Where a record counts: over all history, or restarting each calendar
        year or month ("a record for 2024").  A window belongs to the year or
        month of its end date.
    direction : {"max", "min"}
        Highest values (the default) or lowest ("the fewest since").
    ties : {"strict", "weak"}
        ``"strict"``: a record must beat the previous one; ``"weak"``: equalling
        it counts too (a "joint record").
    %(kind_totals)s
        Only used with ``freq`` or ``window``.
    incomplete : {"exclude", "include"}
        A period with a missing day (a flow) or a missing end-point level (a
        level), and the partial first and last periods, are *incomplete*.
        ``"exclude"`` (default): they never set a record. A flow that is never
        negative totals at least the sum of its reported days, so for maxima an
        incomplete period's partial sum still counts as a value to beat (a full
        week of 468 is no record after an incomplete week of 565); otherwise
        incomplete periods neither set nor break records.
        ``"include"``: flows sum the days that are known and levels use the
        last level reported in the period and before it; the ``complete``
        column says which rows are affected.
    %(by_value)s
    flags : {"exclude", "include"}
        Days flagged as artefacts (``attrs["flags"]`` from
        :func:`conflictstats.to_daily`, e.g. a map redraw; see
        :func:`conflictstats.flag_reasons`). ``"exclude"`` (default): a
        flagged day, and any period or rolling window that holds one, neither
        sets nor breaks a record, nor is it a "since" date. ``"include"``:
        they count like any other; the ``flagged`` column marks them.

    Returns
    -------
    DataFrame
        One row per record, sorted by series and date, columns:
        ``series`` (the column label), ``scope`` (``"all"``, ``"2024"`` or
        ``"2024-11"``), ``date`` (the date, or the window's last day),
        ``start`` (the window's first day), ``value``, ``previous_value`` and
        ``previous_date`` (the record it broke within the scope; NaN/NaT for
        the first value of a scope), ``previous_complete`` (False when the
        value broken is the partial total of an incomplete period, a lower
        bound of its true total), ``margin`` (by how much, positive; 0 for
        a weak tie), ``record_number`` (1 for the first value of the scope),
        ``n_compared`` (how many earlier values of the scope it was compared
        with; 0 means a trivial record), ``since`` (the last earlier date, in
        any scope, with a value at least as extreme: "the highest since";
        NaT for an all-time record), ``complete`` and ``flagged`` (the value,
        or its window, holds a flagged day: only with ``flags="include"``).
        ``attrs["n_flagged_left_out"]`` counts the values or windows left out
        because they hold a flagged day (per series).

    See Also
    --------
    highest_since : Since when a value is the highest.
    lowest_since : Since when a value is the lowest.
    check_claim : Check a stated record claim.
    record_counts : How many records a series sets.
    conflictstats.plotting.mark_records : Mark records on a chart.

    Notes
    -----
    With strict ties, ``x[t]`` is an upper record of its scope when
    ``x[t] > max{x[s] : s < t, s in scope(t)}``; missing values never set or
    break a record.  The first value of each scope is a record by convention
    (``n_compared == 0``), as in the record literature where ``X_1`` is
    always a record.

    References
    ----------
    Arnold, B. C., Balakrishnan, N., Nagaraja, H. N. (1998). *Records*. Wiley.

    Castillo-Mateo, J., Cebrián, A. C., Asín, J. (2023). RecordTest: an R
    package to analyze non-stationarity in the extremes based on
    record-breaking events. *Journal of Statistical Software* 106(5).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([3.0, 5.0, 5.0, None, 7.0, 2.0],
    ...               index=pd.date_range("2024-12-30", periods=6), name="drones")
    >>> records(s)[["date", "value", "previous_value", "margin"]]
            date  value  previous_value  margin
    0 2024-12-30    3.0             NaN     NaN
    1 2024-12-31    5.0             3.0     2.0
    2 2025-01-03    7.0             5.0     2.0
    >>> records(s, scope="year")[["scope", "date", "value", "n_compared", "since"]]
      scope       date  value  n_compared      since
    0  2024 2024-12-30    3.0           0        NaT
    1  2024 2024-12-31    5.0           1        NaT
    2  2025 2025-01-01    5.0           0 2024-12-31
    3  2025 2025-01-03    7.0           1        NaT
    """
    _check_common(scope, direction, ties)
    check_choice("incomplete", incomplete, ("exclude", "include"))
    check_choice("flags", flags, ("exclude", "include"))
    span = _periods.parse_span(freq, window)
    frame, was_series = as_frame(series, name="series", by=by, value=value)
    _finite(frame.to_numpy(), pd.DatetimeIndex(frame.index), name="series")
    kinds = [] if span is None else [
        resolve_kind(series, kind, column=None if was_series else col, what="records by period")
        for col in frame.columns]
    ranges = long_ranges(series, frame, by)
    spans = None if by is not None else recorded_spans(series, frame.columns)
    table = _aggregate(frame, span, kinds, "include", ranges, spans)
    lower = _lower_bounds(frame, table, kinds, incomplete, direction)
    if incomplete == "exclude" and span is not None:
        table = dataclasses.replace(table, total=np.where(table.complete, table.total, np.nan))
    mask = _flag_mask(series, frame, by)
    flagged = (np.zeros(table.total.shape, dtype=bool) if mask is None
               else _flag_windows(mask, pd.DatetimeIndex(frame.index), span, ranges))
    left_out = {col: int(np.count_nonzero(flagged[:, j] & ~np.isnan(table.total[:, j])))
                for j, col in enumerate(frame.columns)} if flags == "exclude" else {}
    table = _apply_flags(table, flagged, flags)
    # incomplete periods whose partial total is a lower bound take part in the comparisons
    ranked = table.total if lower is None else np.where(
        np.isnan(table.total) & ~(flagged & (flags == "exclude")), lower, table.total)
    idx = pd.DatetimeIndex(table.end)
    parts = []
    for j, col in enumerate(frame.columns):
        f = _records_one(ranked[:, j], idx, scope=scope, direction=direction, ties=ties)
        if lower is not None:  # only a complete period sets a record
            f = _complete_records(f, ~np.isnan(table.total[:, j]), idx, scope)
        pos = f["pos"]
        dates = pd.DatetimeIndex(idx[pos])
        parts.append(pd.DataFrame({
            "series": pd.Series([col] * len(pos), dtype=object).to_numpy(),
            "scope": _scope_label(dates, scope),
            "date": dates,
            "start": pd.DatetimeIndex(table.start[pos]),
            "value": f["value"],
            "previous_value": f["previous_value"],
            "previous_date": _dates_at(idx, f["prev_pos"]),
            "previous_complete": (np.ones(len(pos), dtype=bool) if span is None else
                                  np.where(f["prev_pos"] >= 0,
                                           table.complete[np.maximum(f["prev_pos"], 0), j],
                                           True)),
            "margin": f["margin"],
            "record_number": f["record_number"].astype(np.int64),
            "n_compared": f["n_compared"].astype(np.int64),
            "since": _dates_at(idx, f["since_pos"]),
            "complete": table.complete[pos, j],
            "flagged": flagged[pos, j],
        }))
    # empty parts are left out of the concatenation (pandas warns about all-NA entries)
    filled = [p for p in parts if len(p)]
    out = pd.concat(filled, ignore_index=True) if len(filled) > 1 else (filled or parts)[0]
    out = out.reset_index(drop=True)
    out.attrs = {"n_flagged_left_out": left_out}
    return out


# ---------------------------------------------------------------------------
# record statistics
# ---------------------------------------------------------------------------


def _indicator(v: np.ndarray, *, direction: str, order: str, ties: str) -> np.ndarray:
    """1.0 where the value is a record, 0.0 where not, NaN where missing."""
    x = v if direction == "max" else -v
    if order == "backward":
        x = x[::-1]
    valid = ~np.isnan(x)
    base = np.where(valid, x, -np.inf)
    prev = np.empty(len(x))
    if len(x):
        prev[0] = -np.inf
        np.maximum.accumulate(base[:-1], out=prev[1:])
    rec = (x > prev) if ties == "strict" else (x >= prev)
    out = np.where(valid, rec.astype("float64"), np.nan)
    return out[::-1].copy() if order == "backward" else out


def record_indicators(
    series: pd.Series | pd.DataFrame,
    *,
    direction: str = "max",
    order: str = "forward",
    ties: str = "strict",
) -> pd.Series | pd.DataFrame:
    """Record indicators: 1 where a value is a record, 0 where not, NaN where missing.

    Parameters
    ----------
    series : Series or DataFrame
        Values on a sorted, unique DatetimeIndex.
    direction : {"max", "min"}
        Upper records (higher than everything before) or lower records.
    order : {"forward", "backward"}
        Forward records compare with the earlier values; backward records with
        the later ones (the records of the time-reversed series, placed at
        their own dates).
    ties : {"strict", "weak"}
        Whether equalling the current record counts (weak) or not (strict).

    Returns
    -------
    Series or DataFrame
        Float 0/1 indicators aligned with the input; NaN where the input is NaN.

    See Also
    --------
    record_counts : Numbers of records, with their i.i.d. expectation.
    record_test : Test the number of records against chance.

    Notes
    -----
    Forward upper: ``I_t = 1{x_t > max(x_1, ..., x_{t-1})}``, with ``I_1 = 1``.
    Missing values are skipped: ``t`` counts the observed values.

    References
    ----------
    Castillo-Mateo, J., Cebrián, A. C., Asín, J. (2023). RecordTest: an R
    package to analyze non-stationarity in the extremes based on
    record-breaking events. *Journal of Statistical Software* 106(5).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([2.0, 1.0, 3.0, None, 3.0], index=pd.date_range("2024-01-01", periods=5))
    >>> record_indicators(s).tolist()
    [1.0, 0.0, 1.0, nan, 0.0]
    >>> record_indicators(s, order="backward", ties="weak").tolist()
    [0.0, 0.0, 1.0, nan, 1.0]
    """
    check_choice("direction", direction, ("max", "min"))
    check_choice("order", order, ("forward", "backward"))
    check_choice("ties", ties, ("strict", "weak"))
    frame, was_series = as_frame(series, name="series")
    out = pd.DataFrame(
        {c: _indicator(frame[c].to_numpy(), direction=direction, order=order, ties=ties)
         for c in frame.columns},
        index=frame.index,
    )
    out.columns = frame.columns
    if was_series:
        s = out.iloc[:, 0]
        s.name = series.name
        return s
    return out


def _harmonic(n: int) -> tuple[float, float]:
    """H_n and H_n^(2) = sum 1/t^2."""
    t = np.arange(1, n + 1, dtype="float64")
    return float(np.sum(1.0 / t)), float(np.sum(1.0 / t**2))


def _record_pmf(n: int, k_max: int) -> np.ndarray:
    """P(N_n = k) for k = 0..k_max, N_n the number of records among n i.i.d. values.

    N_n is a sum of independent Bernoulli(1/t), t = 1..n.  With
    p_t(k) = P(N_t = k) the recursion p_t(k) = (1 - 1/t) p_{t-1}(k) + p_{t-1}(k-1)/t
    multiplied by t telescopes to t p_t(k) = sum_{s<=t} p_{s-1}(k-1): one cumulative
    sum over t per k, vectorised, all terms positive.
    """
    out = np.zeros(k_max + 1)
    if n == 0:
        out[0] = 1.0
        return out
    t = np.arange(1, n + 1, dtype="float64")
    prev = np.zeros(n + 1)
    prev[0] = 1.0  # p_s(0): 1 for s = 0, else 0
    for k in range(1, min(k_max, n) + 1):
        cur = np.empty(n + 1)
        cur[0] = 0.0
        cur[1:] = np.cumsum(prev[:-1]) / t
        out[k] = cur[-1]
        prev = cur
    return out


def _exact_tails(n: int, m: int) -> tuple[float, float]:
    """(P(N >= m), P(N <= m)) for the number of records among n i.i.d. values."""
    if n == 0:
        return (1.0 if m <= 0 else 0.0), 1.0
    k_max = min(n, max(m, 1) + 40)
    pmf = _record_pmf(n, k_max)
    upper = float(pmf[m:].sum()) if m <= k_max else 0.0
    lower = float(pmf[: m + 1].sum()) if m <= k_max else 1.0
    return min(upper, 1.0), min(lower, 1.0)


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


#: Largest permutation block (resamples x values) held in memory at once.
_PERM_BLOCK = 2_000_000


def _permutation_counts(x: np.ndarray, *, ties: str, n_resamples: int,
                        rng: np.random.Generator) -> np.ndarray:
    """Record counts of ``n_resamples`` random orderings of the observed values ``x``.

    ``x`` holds the observed values already oriented (negated for lower records,
    reversed for backward ones): the count is that of forward upper records.
    Each row is a uniformly random permutation (argsort of uniform keys), done in
    blocks of at most ``_PERM_BLOCK`` values.
    """
    n = len(x)
    out = np.empty(n_resamples, dtype=np.int64)
    rows = max(1, _PERM_BLOCK // max(n, 1))
    for a in range(0, n_resamples, rows):
        b = min(n_resamples, a + rows)
        perm = x[np.argsort(rng.random((b - a, n)), axis=1)]
        prev = np.empty_like(perm)
        prev[:, 0] = -np.inf
        np.maximum.accumulate(perm[:, :-1], axis=1, out=prev[:, 1:])
        rec = perm > prev if ties == "strict" else perm >= prev
        out[a:b] = rec.sum(axis=1)
    return out


def record_test(
    series: pd.Series,
    *,
    direction: str = "max",
    order: str = "forward",
    ties: str = "strict",
    alternative: str = "greater",
    method: str = "auto",
    n_resamples: int = 9999,
    seed: int | None = 0,
) -> RecordTestResult:
    """Test whether a series has more (or fewer) records than an i.i.d. series would.

    Parameters
    ----------
    series : Series
        Values on a sorted, unique DatetimeIndex; missing values are skipped.
    direction : {"max", "min"}
        Count upper or lower records.
    order : {"forward", "backward"}
        Count records against earlier values (forward) or later ones.
    ties : {"strict", "weak"}
        Record rule for ties: a record must beat the running best (strict) or
        may equal it (weak).
    alternative : {"greater", "less", "two-sided"}
        ``"greater"``: more records than chance (a trend towards the
        extreme, the usual question).
    method : {"auto", "exact", "permutation", "normal"}
        ``"exact"``: the exact distribution of the count for continuous i.i.d.
        values (Rényi; valid only without ties). ``"permutation"``: the
        distribution of the count over random orderings of the observed
        values (valid with ties, e.g. daily counts). ``"normal"``: the normal
        approximation ``z = (N - E) / sqrt(V)`` of the continuous case, without
        continuity correction. ``"auto"`` (default): ``"exact"`` when the
        observed values have no ties, else ``"permutation"``.
    n_resamples : int
        Random orderings drawn by the permutation method.
    seed : int or None
        Seed of the permutation method's generator (default 0, so that the
        same data give the same p-value; None draws fresh randomness).

    Returns
    -------
    RecordTestResult
        ``statistic`` (N for exact and permutation, z for normal), ``p_value``,
        ``n_records``, ``n`` (observed values), ``expected``, ``variance``
        (of the count under the null: ``H_n`` and ``H_n - H_n^(2)``, or their
        permutation estimates), ``method`` (the method used, ``"auto"``
        resolved), ``alternative``, ``direction``, ``order``, ``ties``.

    See Also
    --------
    record_counts : The counts tested.
    records : Records within a scope.

    Notes
    -----
    Under the null hypothesis that the observed values are i.i.d. and
    continuous, the record indicators ``I_t`` are independent Bernoulli(1/t)
    (Rényi's theorem), so the number of records ``N = sum I_t`` has mean
    ``E = H_n = sum 1/t`` and variance ``V = H_n - H_n^(2) = sum (1/t -
    1/t^2)``.  Its exact distribution is ``P(N = k) = |s(n, k)| / n!``
    (unsigned Stirling numbers of the first kind), computed here by the
    recursion of a sum of independent Bernoulli variables.  The two-sided
    p-value is twice the smaller tail, capped at 1.

    With ties (whole counts, areas rounded to the km²) Rényi's theorem fails:
    weak records are far more frequent than ``H_n`` (a repeat of the running
    maximum is a weak record), strict ones rarer, and the exact test rejects
    i.i.d. Poisson(3) series of 365 days a third of the time.  The permutation
    method conditions on the observed values instead: under the null
    hypothesis that the series is exchangeable (i.i.d. is a special case) every
    ordering of the observed values is equally likely, whatever the ties, so
    the count of the observed series is compared with the counts of ``B =
    n_resamples`` uniformly random orderings, ``p = (1 + #{N_b >= N}) / (B +
    1)`` (``<=`` for ``"less"``), which is a valid p-value (Phipson & Smyth
    2010); without ties it estimates the exact p-value (Cebrián et al. 2022
    discuss record tests with ties and weak records).  On i.i.d. Poisson(3) the
    level is about 5%% for weak records (``tests/test_records.py``); strict
    records on heavily tied data, like the exact test, have a discrete count
    and reject somewhat less often than ``alpha``.

    References
    ----------
    Foster, F. G., Stuart, A. (1954). Distribution-free tests in time-series
    based on the breaking of records. *JRSS B* 16, 1-22.

    Arnold, B. C., Balakrishnan, N., Nagaraja, H. N. (1998). *Records*. Wiley.

    Castillo-Mateo, J., Cebrián, A. C., Asín, J. (2023). RecordTest: an R
    package to analyze non-stationarity in the extremes based on
    record-breaking events. *Journal of Statistical Software* 106(5).

    Cebrián, A. C., Castillo-Mateo, J., Asín, J. (2022). Record tests to detect
    non-stationarity in the tails with an application to climate change.
    *Stochastic Environmental Research and Risk Assessment* 36, 313-330.

    Phipson, B., Smyth, G. K. (2010). Permutation p-values should never be
    zero. *Statistical Applications in Genetics and Molecular Biology* 9(1).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([1.0, 2.0, 3.0, 4.0], index=pd.date_range("2024-01-01", periods=4))
    >>> r = record_test(s)
    >>> r.method, r.n_records, round(r.p_value, 4)  # 4 records in 4 values: P = 1/4! = 0.0417
    ('exact', 4, 0.0417)

    Counts with ties go to the permutation null:

    >>> counts = pd.Series([2.0, 3, 3, 1, 3, 2, 4, 4],
    ...                    index=pd.date_range("2024-01-01", periods=8))
    >>> r = record_test(counts, ties="weak")
    >>> r.method, r.n_records
    ('permutation', 6)
    """
    check_choice("alternative", alternative, ("greater", "less", "two-sided"))
    check_choice("method", method, ("auto", "exact", "permutation", "normal"))
    n_resamples = check_int("n_resamples", n_resamples, minimum=1)
    check_choice("direction", direction, ("max", "min"))
    check_choice("order", order, ("forward", "backward"))
    check_choice("ties", ties, ("strict", "weak"))
    s = as_series(series, name="series")
    v = s.to_numpy()
    _finite(v, pd.DatetimeIndex(s.index), name="series")
    ind = _indicator(v, direction=direction, order=order, ties=ties)
    n = int(np.count_nonzero(~np.isnan(ind)))
    if n == 0:
        raise InputError("series has no observed values; a record test needs at least one")
    m = int(np.nansum(ind))
    h1, h2 = _harmonic(n)
    expected, variance = h1, h1 - h2
    x = v[~np.isnan(v)]
    if method == "auto":
        method = "permutation" if len(np.unique(x)) < n else "exact"
    if method == "permutation":
        x = x if direction == "max" else -x
        if order == "backward":
            x = x[::-1]
        counts = _permutation_counts(x, ties=ties, n_resamples=n_resamples,
                                     rng=np.random.default_rng(seed))
        upper = float((1.0 + np.count_nonzero(counts >= m)) / (n_resamples + 1.0))
        lower = float((1.0 + np.count_nonzero(counts <= m)) / (n_resamples + 1.0))
        expected = float(counts.mean())
        variance = float(counts.var(ddof=1)) if n_resamples > 1 else math.nan
        statistic = float(m)
    elif method == "exact":
        upper, lower = _exact_tails(n, m)
        statistic = float(m)
    else:
        z = (m - expected) / math.sqrt(variance) if variance > 0 else math.nan
        statistic = z
        upper = _normal_sf(z) if variance > 0 else 1.0
        lower = _normal_sf(-z) if variance > 0 else 1.0
    if alternative == "greater":
        p = upper
    elif alternative == "less":
        p = lower
    else:
        p = min(1.0, 2.0 * min(upper, lower))
    return RecordTestResult(
        statistic=statistic, p_value=float(p), n_records=m, n=n, expected=expected,
        variance=variance, method=method, alternative=alternative, direction=direction,
        order=order, ties=ties,
    )


def record_counts(series: pd.Series | pd.DataFrame, *, ties: str = "strict") -> pd.DataFrame:
    """Numbers of forward/backward, upper/lower records, with their i.i.d. expectation.

    Parameters
    ----------
    series : Series or DataFrame
        Values on a sorted, unique DatetimeIndex; missing values are skipped.
    ties : {"strict", "weak"}
        Record rule for ties.

    Returns
    -------
    DataFrame
        Four rows per series, columns ``series``, ``direction`` (``"max"`` for
        upper, ``"min"`` for lower records), ``order`` (``"forward"``,
        ``"backward"``), ``n`` (observed values), ``n_records``,
        ``expected`` (``H_n``), ``variance`` (``H_n - H_n^(2)``) and ``z``
        (the standardised count).

    See Also
    --------
    record_indicators : Which days set a record.
    record_test : Test the number of records against chance.

    Notes
    -----
    For a trend upwards expect many forward upper and backward lower records
    and few forward lower ones (Foster & Stuart 1954 build their statistics
    from these four counts).  Under i.i.d. each count has mean ``H_n`` and
    variance ``H_n - H_n^(2)``.

    References
    ----------
    Foster, F. G., Stuart, A. (1954). Distribution-free tests in time-series
    based on the breaking of records. *JRSS B* 16, 1-22.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([1.0, 3.0, 2.0, 4.0], index=pd.date_range("2024-01-01", periods=4))
    >>> record_counts(s)[["direction", "order", "n_records"]]
      direction    order  n_records
    0       max  forward          3
    1       max backward          1
    2       min  forward          1
    3       min backward          3
    """
    check_choice("ties", ties, ("strict", "weak"))
    frame, _ = as_frame(series, name="series")
    rows = []
    for col in frame.columns:
        v = frame[col].to_numpy()
        _finite(v, pd.DatetimeIndex(frame.index), name="series")
        n = int(np.count_nonzero(~np.isnan(v)))
        h1, h2 = _harmonic(n)
        var = h1 - h2
        for direction in ("max", "min"):
            for order in ("forward", "backward"):
                m = int(np.nansum(_indicator(v, direction=direction, order=order, ties=ties)))
                z = (m - h1) / math.sqrt(var) if var > 0 else math.nan
                rows.append({"series": col, "direction": direction, "order": order, "n": n,
                             "n_records": m, "expected": h1, "variance": var, "z": z})
    return pd.DataFrame(rows)


"""Reported figures to honest daily series.

The rules (see :func:`to_daily`):

* ``flow`` rows are spread over the days of their period so that the daily values
  sum back to the reported total exactly;
* ``level`` and ``share`` rows are known on the day they describe and missing
  elsewhere (never zero); :func:`level_changes` turns levels into the flow between
  two known levels;
* ``cumulative`` rows are differenced into increments; a step down is a correction,
  kept in the series and reported, never smoothed away;
* a day that no report covers is missing (NaN), not zero;
* several reports for one metric and day follow an explicit ``conflict`` policy, and
  :func:`daily_trace` tells which rows each value came from and which were set aside.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._kinds import encode_spans
from ._validate import DataWarning, ObservationError, as_frame, check_choice, wrap_like
from .calendar import EPOCH as _EPOCH
from .calendar import day_numbers as _day_numbers
from .calendar import report_days as _periods
from .errors import InputError, InputTypeError, MissingKeyError
from .observations import KINDS, OBSERVATION_COLUMNS, read_observations
from .results import Result

__all__ = ["DailyTrace", "daily_trace", "flag_reasons", "level_changes", "to_daily"]

Overnight = Literal["end", "start"]
Conflict = Literal["error", "sum", "mean", "first", "last", "max", "min"]
Spread = Literal["auto", "integer", "even"]

_CONFLICTS: tuple[str, ...] = ("error", "sum", "mean", "first", "last", "max", "min")
# above this a value times a period length could overflow int64 arithmetic
_INT_LIMIT = 2.0**52


@dataclasses.dataclass(frozen=True)
class DailyTrace(Result):
    """Daily series together with where every value came from.

    Attributes
    ----------
    daily : Series or DataFrame
        Exactly what :func:`to_daily` returns for the same arguments.
    contributions : DataFrame
        One row per (input row, day) that fed a daily value: ``row`` (the
        observation's index label), ``metric``, the ``by`` columns, ``date`` and
        ``amount`` (the part of the reported value placed on that day; for levels and
        shares the value itself; for cumulative rows the increment since the previous
        report, attributed to the later row).
    rows : DataFrame
        One row per input observation (indexed like it), with ``status`` (``used``,
        ``merged`` or ``set_aside``), ``reason`` (empty when used), ``first_day``,
        ``last_day`` and ``n_days`` (the days its value was placed on).
    corrections : DataFrame
        Steps down in cumulative totals: ``metric``, the ``by`` columns, ``date``,
        ``previous_date``, ``previous_value``, ``value``, ``change`` and ``row``.
    """

    daily: pd.Series | pd.DataFrame
    contributions: pd.DataFrame
    rows: pd.DataFrame
    corrections: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row: how many input rows were used, merged and set aside."""
        counts = self.rows["status"].value_counts()
        return pd.DataFrame([{
            "n_rows": len(self.rows),
            "n_used": int(counts.get("used", 0)),
            "n_merged": int(counts.get("merged", 0)),
            "n_set_aside": int(counts.get("set_aside", 0)),
            "n_corrections": len(self.corrections),
        }])

    def summary(self) -> str:
        """How the input rows were used, in one sentence."""
        f = self.to_frame().iloc[0]
        days = self.daily.shape[0]
        return (f"{f['n_rows']:,} rows read: {f['n_used']:,} used, {f['n_merged']:,} merged and "
                f"{f['n_set_aside']:,} set aside; {days:,} day{'' if days == 1 else 's'}, "
                f"{f['n_corrections']:,} corrections of cumulative totals.")


# ---------------------------------------------------------------------------
# kernels
# ---------------------------------------------------------------------------


def _plain(label: Any) -> Any:
    """A row label as a plain Python value (``0``, not ``np.int64(0)``)."""
    return label.item() if isinstance(label, np.generic) else label


def _units(values: np.ndarray, whole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value as an integer number of units and the units' binary exponent.

    Whole values count in units of 1 (exponent 0). Any other float is ``M * 2**e``
    with an integer ``M`` of at most 53 bits, its own last binary digit as unit.
    """
    mant, expo = np.frexp(values)
    units = np.where(whole, values, np.ldexp(mant, 53)).astype(np.int64)
    scale = np.where(whole, 0, expo - 53).astype(np.int64)
    return units, scale


def _spread(
    first: np.ndarray, n_days: np.ndarray, values: np.ndarray, integer: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spread each value over its days, conserving the total exactly.

    Returns (entry -> input position, entry day number, entry amount), one entry
    per day of each period.

    A value of ``M`` units over ``n`` days gives every day ``q = M // n`` units and
    the first ``r = M - qn`` days one unit more. Whole values flagged in
    ``integer`` count in units of 1. Other values count in units of their own last
    binary digit (see :func:`_units`): every part and every partial sum is then a
    float without rounding, so the parts add back to the value exactly in any
    order, and no two days differ by more than one unit in the last place.
    """
    n_days = n_days.astype(np.int64)
    total = int(n_days.sum())
    pos = np.repeat(np.arange(len(n_days), dtype=np.int64), n_days)
    starts = np.cumsum(n_days) - n_days
    offset = np.arange(total, dtype=np.int64) - np.repeat(starts, n_days)
    day = np.repeat(first, n_days) + offset
    units, scale = _units(values, integer & (np.abs(values) < _INT_LIMIT))
    q, r = np.divmod(units, np.maximum(n_days, 1))
    parts = q[pos] + (offset < r[pos])
    amount = np.ldexp(parts.astype(np.float64), scale[pos])
    return pos, day, amount


def _add_cells(flat: np.ndarray, cells: np.ndarray, amounts: np.ndarray) -> None:
    """Add ``amounts`` to the cells of ``flat``, summing repeated cells first (in order)."""
    if len(cells) == 0:
        return
    uniq, inverse = np.unique(cells, return_inverse=True)
    flat[uniq] += np.bincount(inverse, weights=amounts, minlength=len(uniq))


def _integral(values: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (np.floor(values) == values) & (np.abs(values) < _INT_LIMIT)


# ---------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------


def _as_observations(observations: Any) -> pd.DataFrame:
    if not isinstance(observations, pd.DataFrame):
        raise InputTypeError(
            "observations must be the DataFrame returned by read_observations; "
            f"got {type(observations).__name__}"
        )
    missing = [c for c in ("metric", "value", "unit", "start", "end", "kind")
               if c not in observations.columns]
    typed = not missing and all(
        pd.api.types.is_datetime64_any_dtype(observations[c]) for c in ("start", "end")
    ) and pd.api.types.is_float_dtype(observations["value"])
    if not typed:
        # not yet validated: run the full checks (they name the bad row)
        return read_observations(observations)
    _check_validated(observations)
    return observations


def _check_validated(observations: pd.DataFrame) -> None:
    """The cheap checks of a table that looks validated: kinds, finite values, order, labels."""
    bad_kind = ~observations["kind"].isin(KINDS).to_numpy(bool)
    if bad_kind.any():
        label = observations.index[np.flatnonzero(bad_kind)[0]]
        raise ObservationError(
            f"row {label}, column 'kind': unknown kind (expected one of {', '.join(KINDS)}); "
            f"got {observations.at[label, 'kind']!r}", row=label, column="kind",
            value=observations.at[label, "kind"])
    v = observations["value"].to_numpy()
    bad_v = ~np.isfinite(v)
    if bad_v.any():
        label = observations.index[np.flatnonzero(bad_v)[0]]
        raise ObservationError(f"row {label}, column 'value': value must be a finite number; "
                               f"got {v[np.flatnonzero(bad_v)[0]]!r}", row=label, column="value",
                               value=v[np.flatnonzero(bad_v)[0]])
    order = (observations["end"] < observations["start"]).to_numpy(bool)
    if order.any():
        label = observations.index[np.flatnonzero(order)[0]]
        raise ObservationError(f"row {label}, column 'end': end is before start; got "
                               f"{observations.at[label, 'end']!r}", row=label, column="end",
                               value=observations.at[label, "end"])
    if not observations.index.is_unique:
        dup = observations.index[observations.index.duplicated()][0]
        raise ObservationError(f"observations: row labels must be unique; {dup!r} repeats", row=dup)


def _one_per_metric(obs: pd.DataFrame, column: str,
                    metrics: tuple[np.ndarray, Any]) -> dict[str, str]:
    """The one value of ``column`` each metric has; ``metrics`` factorises the metric."""
    m_code, m_uniq = metrics
    values = obs[column].to_numpy(dtype=object)
    if len(values):
        # the common case, checked without factorising the column: every row has the
        # value of one reference row of its metric
        ref_pos = np.empty(len(m_uniq), dtype=np.int64)
        ref_pos[m_code] = np.arange(len(values))
        ref = values[ref_pos]
        try:
            same = bool(np.asarray(values == ref[m_code], dtype=bool).all())
        except (TypeError, ValueError):  # missing values: the general way below
            same = False
        if same:
            return dict(zip(np.asarray(m_uniq, dtype=object).tolist(), ref.tolist(),
                            strict=True))
    c_code, c_uniq = pd.factorize(obs[column])
    combos = np.unique(m_code.astype(np.int64) * max(len(c_uniq), 1) + c_code)
    pairs = pd.DataFrame({
        "metric": np.asarray(m_uniq, dtype=object)[combos // max(len(c_uniq), 1)],
        column: np.asarray(c_uniq, dtype=object)[combos % max(len(c_uniq), 1)],
    })
    counts = pairs["metric"].value_counts()
    if (counts > 1).any():
        m = counts.index[counts > 1][0]
        found = sorted(map(str, pairs.loc[pairs["metric"] == m, column]))
        hint = (" (convert first with convert_units or convert_currency)" if column == "unit"
                else " (split it into separate metrics)")
        raise InputError(f"metric {m!r} mixes {column}s {', '.join(found)}; one {column} per "
                         f"metric is required{hint}")
    return dict(zip(pairs["metric"], pairs[column], strict=True))


def _series_codes(obs: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, list[Any]]:
    """Number the groups of ``keys`` as ``groupby(keys, sort=True, dropna=False)`` does.

    Each key is factorised once in sorted order and the codes are combined; the
    groups present are ranked by counting, not sorting, when the combinations are
    few. Returns each row's group number and the group labels in that order.
    """
    n = len(obs)
    if n == 0:
        return np.zeros(0, dtype=np.int64), []
    try:
        per = [pd.factorize(obs[k], sort=True, use_na_sentinel=False) for k in keys]
    except TypeError:  # values that do not sort together: let groupby decide
        grouped = obs.groupby(keys, sort=True, dropna=False, observed=True)
        return grouped.ngroup().to_numpy(np.int64), grouped.size().index.tolist()
    size = 1
    for _, uniques in per:
        size *= max(len(uniques), 1)
    if size >= 2**62:  # the combined code would overflow: let groupby decide
        grouped = obs.groupby(keys, sort=True, dropna=False, observed=True)
        return grouped.ngroup().to_numpy(np.int64), grouped.size().index.tolist()
    size = 1
    combined = np.zeros(n, dtype=np.int64)
    for codes, uniques in per:
        size *= max(len(uniques), 1)
        combined *= max(len(uniques), 1)
        combined += codes
    if size <= 4 * n + 1024:
        present = np.bincount(combined, minlength=size) > 0
        used = np.flatnonzero(present)
        rank = np.cumsum(present) - 1
        code = rank[combined]
    else:
        used, code = np.unique(combined, return_inverse=True)
    levels = []
    rest = used
    for _, uniques in reversed(per):
        rest, pos = np.divmod(rest, max(len(uniques), 1))
        levels.append(pd.Index(uniques).take(pos))
    levels.reverse()
    labels = (levels[0].tolist() if len(keys) == 1
              else pd.MultiIndex.from_arrays(levels).tolist())
    return code.astype(np.int64, copy=False), labels


# ---------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class _Ranges:
    """Values to spread over runs of days: flow rows and cumulative steps.

    One entry per run: its series code, first day (counted from the first day of
    the output), number of days, value, whether it counts in whole units, and the
    input position it came from.
    """

    series: np.ndarray
    first: np.ndarray
    n_days: np.ndarray
    value: np.ndarray
    integer: np.ndarray
    row: np.ndarray


@dataclasses.dataclass
class _Engine:
    """One call of :func:`to_daily`: the steps of :meth:`run`, in order."""

    obs: pd.DataFrame
    keys: list[str]
    overnight: str
    conflict: str
    spread: str
    trace: bool

    def run(self) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Compute the daily grid first, then build the frame (and the trace)."""
        self._number_series()
        self._place_rows()
        self._resolve_conflicts()
        ranges, corrections = self._ranges()
        points = np.flatnonzero(self.keep & ((self.kind == "level") | (self.kind == "share")))
        sums = self._accumulate(ranges, points)
        daily = self._frame(sums)
        multi = ranges.n_days > 1  # the reports spread over several days
        first = ranges.first[multi] + self.lo
        info: dict[str, Any] = {
            "labels": self.labels, "corrections": corrections,
            "spans": (ranges.series[multi], first, first + ranges.n_days[multi] - 1)}
        if self.trace:
            info.update(self._trace(ranges, points))
        return daily, info

    # -- steps ----------------------------------------------------------------

    def _number_series(self) -> None:
        """Number the series (metric and ``by`` groups) in sorted order."""
        obs = self.obs
        self.code, self.labels = _series_codes(obs, self.keys)
        self.n_series = len(self.labels)
        self.kind = obs["kind"].to_numpy(object)
        self.value = obs["value"].to_numpy(np.float64)
        self.unit = obs["unit"].to_numpy(object)

    def _place_rows(self) -> None:
        """First and last day of every row; the span of the output."""
        obs = self.obs
        nrow = len(obs)
        self.status = np.full(nrow, "used", dtype=object)
        self.reason = np.full(nrow, "", dtype=object)
        self.keep = np.ones(nrow, dtype=bool)
        is_flow = self.kind == "flow"  # level, share, cumulative: one day, the end date
        f_first, f_last = _periods(obs["start"], obs["end"], self.overnight)
        end_day = _day_numbers(obs["end"])
        self.first = np.where(is_flow, f_first, end_day)
        self.last = np.where(is_flow, f_last, end_day)
        self.is_flow = is_flow
        self.lo = int(self.first.min()) if nrow else 0
        self.hi = int(self.last.max()) if nrow else -1
        self.span = self.hi - self.lo + 1
        # whether kept reports may still share a day (conflict="sum"/"mean")
        self.shared_days = False

    def _resolve_conflicts(self) -> None:
        """Apply the conflict policy: set rows aside, mark them merged, or raise."""
        point = ~self.is_flow
        if point.any():
            self._resolve_points(np.flatnonzero(point))
        if self.is_flow.any():
            self._resolve_flows(np.flatnonzero(self.is_flow))

    def _ranges(self) -> tuple[_Ranges, list[dict[str, Any]]]:
        """The runs of days to spread: kept flows, and steps between cumulative totals."""
        code, first, value, unit, lo = self.code, self.first, self.value, self.unit, self.lo
        fk = np.flatnonzero(self.is_flow & self.keep)
        parts = [(code[fk], first[fk] - lo, self.last[fk] - first[fk] + 1, value[fk],
                  self._integer(value[fk], unit[fk]), fk)]
        corrections: list[dict[str, Any]] = []
        cum = self.keep & (self.kind == "cumulative")
        if cum.any():
            cidx = np.flatnonzero(cum)
            cidx = cidx[np.lexsort((first[cidx], code[cidx]))]
            same = code[cidx][1:] == code[cidx][:-1]
            later = cidx[1:][same]
            earlier = cidx[:-1][same]
            step = value[later] - value[earlier]
            # each step is a flow over the days after the earlier report up to the later
            parts.append((code[later], first[earlier] + 1 - lo, first[later] - first[earlier],
                          step, self._integer(step, unit[later])
                          & self._integer(value[later], unit[later]), later))
            for j in np.flatnonzero(step < 0):  # corrections only: rare
                corrections.append({
                    "series": code[later[j]], "date": first[later[j]],
                    "previous_date": first[earlier[j]], "previous_value": value[earlier[j]],
                    "value": value[later[j]], "change": step[j],
                    "row": _plain(self.obs.index[later[j]]),
                })
            firsts = cidx[np.r_[True, ~same]]
            self.reason[firsts] = np.where(self.reason[firsts] == "",
                                           "first cumulative report: base only",
                                           self.reason[firsts])
        ranges = _Ranges(*(np.concatenate(col) for col in zip(*parts, strict=True)))
        return ranges, corrections

    def _accumulate(self, ranges: _Ranges, points: np.ndarray) -> np.ndarray:
        """The (n_series x span) values, flattened series by series; NaN where no report.

        Whole-unit runs go into one difference array over the flattened output
        (``q + 1`` on the first day, ``-1`` after the first ``r`` days, ``-q`` after
        the last), summed once along the fast axis: every series' differences cancel
        before the next series begins, so one running sum serves all of them. Runs in
        units of a binary digit and points are added cell by cell afterwards. A
        second difference array counts the reports covering each day (``int8`` when
        no day is shared): zero gives NaN, and ``conflict="mean"`` divides by it.
        Nothing larger than the output is allocated.
        """
        span, size = self.span, self.n_series * self.span
        start = ranges.series * span + ranges.first
        n_days = ranges.n_days.astype(np.int64)
        value = ranges.value
        whole = ranges.integer & (np.abs(value) < _INT_LIMIT)
        w = np.flatnonzero(whole)
        q, r = np.divmod(value[w].astype(np.int64), np.maximum(n_days[w], 1))
        extra = r > 0
        idx = np.concatenate([start[w], start[w] + n_days[w], start[w][extra] + r[extra]])
        weights = np.concatenate([(q + extra).astype(np.float64), -q.astype(np.float64),
                                  np.full(int(extra.sum()), -1.0)])
        acc = np.bincount(idx, weights=weights, minlength=size + 1).astype(np.float64, copy=False)
        np.cumsum(acc, out=acc)
        sums = acc[:size]
        if not whole.all():
            f = np.flatnonzero(~whole)
            pos, day, amt = _spread(ranges.first[f], n_days[f], value[f],
                                    np.zeros(len(f), dtype=bool))
            _add_cells(sums, ranges.series[f][pos] * span + day, amt)
        cells = self.code[points] * span + (self.first[points] - self.lo)
        _add_cells(sums, cells, self.value[points])

        hits: np.ndarray
        if self.shared_days:  # counts of any size, as exact floats
            hits = np.bincount(np.concatenate([start, start + n_days]),
                               weights=np.repeat([1.0, -1.0], len(start)), minlength=size + 1)
        else:  # starts are distinct, and so are ends: 0 or 1 report a day
            hits = np.zeros(size + 1, dtype=np.int8)
            hits[start] += 1
            hits[start + n_days] -= 1
        np.cumsum(hits, dtype=hits.dtype, out=hits)
        np.add.at(hits, cells, 1)
        covered = hits[:size]
        if self.conflict == "mean":
            np.divide(sums, covered, out=sums, where=covered > 1)
        np.copyto(sums, np.nan, where=covered == 0)
        return sums

    def _frame(self, sums: np.ndarray) -> pd.DataFrame:
        """The daily frame: dates down, one column per series (no copy of the values)."""
        index = pd.DatetimeIndex(
            (_EPOCH + np.arange(self.lo, self.hi + 1)).astype("datetime64[ns]"),
            name="date", freq="D",
        )
        if len(self.keys) == 1:
            columns = pd.Index(self.labels, name=None)
        else:
            columns = pd.MultiIndex.from_tuples(self.labels, names=self.keys)
        grid = sums.reshape(self.n_series, self.span).T
        return pd.DataFrame(grid, index=index, columns=columns, copy=False)

    # -- helpers ------------------------------------------------------------

    def _integer(self, values: np.ndarray, units: np.ndarray) -> np.ndarray:
        if self.spread == "integer":
            ok = _integral(values)
            if not ok.all():
                bad = values[~ok][0]
                raise InputError(f"spread='integer' needs whole numbers; got {bad!r}")
            return ok
        if self.spread == "even":
            return np.zeros(len(values), dtype=bool)
        return _integral(values) & (units == "count")

    def _describe(self, i: int) -> str:
        row = self.obs.iloc[i]
        extra = "".join(f", {k}={row[k]!r}" for k in self.keys[1:])
        return f"metric {row['metric']!r}{extra}"

    def _conflict_error(self, rows: np.ndarray, day: int) -> None:
        labels = [_plain(self.obs.index[i]) for i in rows[:6]]
        date = (_EPOCH + day).astype(str)
        raise InputError(
            f"{self._describe(int(rows[0]))}: {len(rows)} reports cover {date} "
            f"(rows {', '.join(map(repr, labels))}{' ...' if len(rows) > 6 else ''}); "
            "choose a conflict= policy: 'sum' (separate events), 'mean', 'first', 'last', "
            "'max' or 'min'"
        )

    def _priority(self, rows: np.ndarray) -> np.ndarray:
        """Rows sorted by how strongly they win under the conflict policy."""
        value = self.value
        if self.conflict == "first":
            return np.sort(rows)
        if self.conflict == "last":
            return np.sort(rows)[::-1]
        if self.conflict == "max":
            return rows[np.lexsort((rows, -value[rows]))]
        return rows[np.lexsort((rows, value[rows]))]  # min

    def _set_aside(self, rows: np.ndarray, winner: int | None) -> None:
        self.keep[rows] = False
        self.status[rows] = "set_aside"
        self.reason[rows] = (f"conflict='{self.conflict}': overlaps row "
                             f"{_plain(self.obs.index[winner])!r}, which was kept")

    def _resolve_points(self, pidx: np.ndarray) -> None:
        day, kind = self.first, self.kind
        key = self.code[pidx] * (1 << 32) + (day[pidx] - day[pidx].min())
        dup = pd.Series(key).duplicated(keep=False).to_numpy()
        if not dup.any():
            return
        rows = pidx[dup]
        if self.conflict == "error":
            same = rows[key[dup] == key[dup][0]]
            self._conflict_error(same, int(day[same[0]]))
        cumulative = bool((kind[rows] == "cumulative").any())
        if self.conflict == "sum" or (self.conflict == "mean" and cumulative):
            i = int(rows[0])
            raise InputError(
                f"{self._describe(i)} is a {kind[i]} metric: several reports of one day cannot "
                f"be combined with conflict='{self.conflict}'; choose "
                f"{'first' if kind[i] == 'cumulative' else 'mean'}, 'first', 'last', 'max' or 'min'"
            )
        if self.conflict == "mean":
            self.status[rows] = "merged"
            self.reason[rows] = "averaged with the other reports of that day"
            self.shared_days = True
            return
        for _, members in pd.Series(rows).groupby(key[dup]):  # conflicting days only
            ranked = self._priority(members.to_numpy())
            self._set_aside(ranked[1:], int(ranked[0]))

    def _resolve_flows(self, fidx: np.ndarray) -> None:
        """Find flows that share a day by sorting, without a grid of the days."""
        span = self.span
        c = self.code[fidx]
        f = self.first[fidx] - self.lo
        n = self.last[fidx] - self.first[fidx] + 1
        # runs on the flattened (series, day) axis: series never overlap there
        start = c * span + f
        stop = start + n - 1
        order = (None if len(start) < 2 or bool((start[1:] >= start[:-1]).all())
                 else np.argsort(start, kind="stable"))
        st, sp = (start, stop) if order is None else (start[order], stop[order])
        before = np.zeros(len(st), dtype=bool)  # shares a day with an earlier-starting run
        before[1:] = st[1:] <= np.maximum.accumulate(sp)[:-1]
        if not before.any():
            return
        if self.conflict == "error":
            cell = int(st[np.argmax(before)])
            s, d = divmod(cell, span)
            rows = fidx[(c == s) & (f <= d) & (f + n > d)]
            self._conflict_error(rows, d + self.lo)
        after = np.zeros(len(st), dtype=bool)  # ... with the next-starting run
        after[:-1] = st[1:] <= sp[:-1]
        involved_mask = np.empty(len(st), dtype=bool)
        if order is None:
            involved_mask[:] = before | after
        else:
            involved_mask[order] = before | after
        involved = fidx[involved_mask]
        if self.conflict in ("sum", "mean"):
            self.status[involved] = "merged"
            self.reason[involved] = ("added to the other reports of its days"
                                     if self.conflict == "sum" else
                                     "averaged day by day with the overlapping reports")
            self.shared_days = True
            return
        # first / last / max / min: whole rows win or are set aside, greedily,
        # over the involved rows only
        pos, day, _ = _spread(f[involved_mask], n[involved_mask], np.zeros(len(involved)),
                              np.ones(len(involved), bool))
        cells = c[involved_mask][pos] * span + day
        by_row = pd.Series(cells).groupby(involved[pos]).agg(list).to_dict()
        owner: dict[int, int] = {}
        for r in self._priority(involved):
            mine = by_row[int(r)]
            taken = [owner[k] for k in mine if k in owner]
            if taken:
                self._set_aside(np.array([r]), taken[0])
            else:
                owner.update(dict.fromkeys(mine, int(r)))

    def _trace(self, ranges: _Ranges, points: np.ndarray) -> dict[str, Any]:
        obs, first, last = self.obs, self.first, self.last
        pos, day, amt = _spread(ranges.first + self.lo, ranges.n_days, ranges.value,
                                ranges.integer)
        rows_pos = np.concatenate([ranges.row[pos], points])
        days = np.concatenate([day, first[points]])
        amounts = np.concatenate([amt, self.value[points]])
        contrib = pd.DataFrame({"row": obs.index.to_numpy()[rows_pos]})
        for k in self.keys:
            contrib[k] = obs[k].to_numpy()[rows_pos]
        contrib["date"] = (_EPOCH + days).astype("datetime64[ns]")
        contrib["amount"] = amounts
        contrib = contrib.sort_values(["date", "row"], kind="stable").reset_index(drop=True)
        set_aside = self.status == "set_aside"
        rows = pd.DataFrame({
            "status": self.status,
            "reason": self.reason,
            "first_day": pd.Series((_EPOCH + first).astype("datetime64[ns]")).where(~set_aside),
            "last_day": pd.Series((_EPOCH + last).astype("datetime64[ns]")).where(~set_aside),
            "n_days": np.where(set_aside, 0, last - first + 1),
        }, index=obs.index)
        return {"contributions": contrib, "rows": rows}


def _select(obs: pd.DataFrame, metric: str | Sequence[str] | None) -> pd.DataFrame:
    if metric is None:
        return obs
    wanted = [metric] if isinstance(metric, str) else list(metric)
    present = set(obs["metric"].unique())
    missing = [m for m in wanted if m not in present]
    if missing:
        shown = ", ".join(sorted(map(str, present))[:12])
        raise MissingKeyError(
            f"metric {missing[0]!r} not found in the observations; metrics are: {shown}"
        )
    return obs.loc[obs["metric"].isin(wanted).to_numpy()]


def _by_keys(obs: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    for k in keys:
        if k not in obs.columns:
            raise MissingKeyError(f"by= column {k!r} not found; columns are {list(obs.columns)}")
        if k in OBSERVATION_COLUMNS and k not in ("entity", "source", "unit", "qualifier"):
            raise InputError(f"by= column {k!r} cannot be a grouping column")
    return ["metric", *keys]


def _build(observations: pd.DataFrame, metric: str | Sequence[str] | None,
           by: str | Sequence[str] | None, overnight: str, conflict: str, spread: str,
           trace: bool) -> tuple[pd.Series | pd.DataFrame, dict[str, Any], pd.DataFrame,
                                 list[str]]:
    """Check, compute, then shape: the steps behind :func:`to_daily` and :func:`daily_trace`."""
    check_choice("overnight", overnight, ("end", "start"))
    check_choice("conflict", conflict, _CONFLICTS)
    check_choice("spread", spread, ("auto", "integer", "even"))
    obs = _select(_as_observations(observations), metric)
    keys = _by_keys(obs, by)
    metrics = pd.factorize(obs["metric"])
    kinds = _one_per_metric(obs, "kind", metrics)
    units = _one_per_metric(obs, "unit", metrics)
    daily, info = _Engine(obs, keys, overnight, conflict, spread, trace).run()
    out = _shape(daily, metric, keys, kinds, units)
    _attach_flags(out, obs, keys, metric, overnight)
    _attach_spans(out, info, keys, metric)
    corrections = _corrections_frame(info["corrections"], info["labels"], keys)
    _warn_corrections(corrections)
    return out, info, corrections, keys


def _shape(daily: pd.DataFrame, metric: str | Sequence[str] | None, keys: list[str],
           kinds: dict[str, str], units: dict[str, str]) -> pd.Series | pd.DataFrame:
    """The engine's frame as the caller asked for it: a Series for one metric without
    ``by``, the metrics in the order asked, and the kinds and units in ``attrs``."""
    out: pd.Series | pd.DataFrame
    if isinstance(metric, str):
        if len(keys) == 1:
            out = daily.iloc[:, 0] if daily.shape[1] else pd.Series(
                dtype=float, index=daily.index)
            out.name = metric
        else:
            out = daily.droplevel(0, axis=1) if isinstance(daily.columns, pd.MultiIndex) else daily
            if isinstance(out.columns, pd.MultiIndex) and out.columns.nlevels == 1:
                out.columns = out.columns.get_level_values(0)
        out.attrs = {"kind": kinds.get(metric), "unit": units.get(metric)}
    else:
        out = daily
        if metric is not None:  # the order asked for
            out = out.reindex(columns=list(metric), level=0 if len(keys) > 1 else None)
        out.attrs = {"kinds": kinds, "units": units}
    return out


def _warn_corrections(corrections: pd.DataFrame) -> None:
    if len(corrections):
        first = corrections.iloc[0]
        warnings.warn(
            f"{len(corrections)} correction(s): a cumulative total went down "
            f"(first: {first['metric']!r} on {first['date'].date()}, "
            f"{first['previous_value']:g} -> {first['value']:g}); the steps are kept as "
            "negative increments; daily_trace(...).corrections lists them",
            DataWarning, stacklevel=4,
        )


# ---------------------------------------------------------------------------
# spans: which days hold a share of a report spread over several days
# ---------------------------------------------------------------------------


def _attach_spans(out: pd.Series | pd.DataFrame, info: dict[str, Any], keys: list[str],
                  metric: str | Sequence[str] | None) -> None:
    """Put the first and last day of every report spread over several days in ``attrs["spans"]``.

    A flow over more than one day and a cumulative step across a gap between
    reports are spread evenly over their days: a period holding only some of
    those days has an interpolated total, not a measured one, and
    ``_periods.totals`` marks it incomplete. A Series gets a bytes object of
    (first, last) day-number pairs, a DataFrame a dict ``{column: bytes}``
    holding only the columns with such reports (see
    :func:`conflictstats._kinds.recorded_spans`, which reads them back).
    """
    code, first, last = info["spans"]
    if isinstance(out, pd.Series):
        out.attrs["spans"] = encode_spans(first, last)
        return
    per: dict[Any, bytes] = {}
    if len(code):
        if not bool((code[1:] >= code[:-1]).all()):
            order = np.argsort(code, kind="stable")
            code, first, last = code[order], first[order], last[order]
        present = np.unique(code)
        bounds: list[int] = np.asarray(
            np.searchsorted(code, np.r_[present, present[-1] + 1])).tolist()
        labels = info["labels"]
        drop_metric = isinstance(metric, str) and len(keys) > 1
        for i, c in enumerate(present.tolist()):  # a loop over series, not reports
            label: Any = labels[c]
            if drop_metric:
                rest = tuple(label[1:])
                label = rest[0] if len(rest) == 1 else rest
            a, b = bounds[i], bounds[i + 1]
            per[label] = encode_spans(first[a:b], last[a:b])
    out.attrs["spans"] = {c: per[c] for c in out.columns if c in per}


# ---------------------------------------------------------------------------
# flags: artefacts set by readers travel with the daily series
# ---------------------------------------------------------------------------


def _attach_flags(out: pd.Series | pd.DataFrame, obs: pd.DataFrame, keys: list[str],
                  metric: str | Sequence[str] | None, overnight: str) -> None:
    """Put the days covered by flagged observations in ``out.attrs["flags"]``.

    A flagged flow flags every day it is spread over; a flagged level, share or
    cumulative report flags its ``end`` date. Several reasons on one day are
    joined with ``"; "``. A Series gets a dict (date -> reason), a DataFrame a
    dict (column -> such a dict) holding only the columns with flagged days.
    """
    if "flag" not in obs.columns:
        return
    text = obs["flag"].astype("string").str.strip()
    f = obs.loc[(text.notna() & (text != "")).to_numpy(bool)]
    if f.empty:
        out.attrs["flags"] = {}
        return
    flow = (f["kind"] == "flow").to_numpy(bool)
    first, last = _periods(f["start"], f["end"], overnight)
    end = _day_numbers(f["end"])
    first = np.where(flow, first, end)
    last = np.where(flow, last, end)
    n = np.maximum(last - first + 1, 1)
    rows = np.repeat(np.arange(len(f)), n)
    offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    days = (_EPOCH + first[rows] + offset).astype("datetime64[ns]")
    # the column labels of ``out``: the metric, (metric, *by), or the by values alone
    group = keys[1:] if isinstance(metric, str) and len(keys) > 1 else keys
    labels = f[group].to_numpy(dtype=object)
    label = [tuple(r) if len(group) > 1 else r[0] for r in labels[rows]]
    long = pd.DataFrame({"label": pd.Series(label, dtype=object), "date": days,
                         "reason": text.loc[f.index].to_numpy(dtype=object)[rows]})
    long = long.drop_duplicates().sort_values(["date"], kind="stable")
    several = long.duplicated(["label", "date"], keep=False).to_numpy()
    if several.any():  # several reasons on one day: joined (rare, so a small groupby)
        joined = (long.loc[several].groupby(["label", "date"], sort=False)["reason"]
                  .agg("; ".join).reset_index())
        long = pd.concat([long.loc[~several], joined]).sort_values("date", kind="stable")
    per: dict[Any, dict[pd.Timestamp, str]] = {}
    for lab, ix in long.groupby("label", sort=False).indices.items():
        part = long.iloc[ix]
        per[lab] = dict(zip(pd.DatetimeIndex(part["date"]), part["reason"], strict=True))
    if isinstance(out, pd.Series):
        out.attrs["flags"] = next(iter(per.values())) if per else {}
    else:
        out.attrs["flags"] = {c: per[c] for c in out.columns if c in per}


def _flag_dates(data: Any) -> dict[int, pd.Series]:
    """The flags in ``data.attrs["flags"]`` by column position: reasons indexed by date.

    ``attrs["flags"]`` is a plain dict (pandas compares ``attrs`` when it
    concatenates, so it holds no Series): for a Series ``{date: reason}``, for
    a DataFrame ``{column: {date: reason}}``. A Series taken from such a frame
    finds its own flags by its name. A pandas Series in place of a dict is
    accepted too.
    """
    flags = getattr(data, "attrs", {}).get("flags")
    if flags is None or len(flags) == 0:
        return {}

    def as_series(found: Any) -> pd.Series | None:
        if isinstance(found, pd.Series):
            found = found.to_dict()
        if not isinstance(found, dict) or not found:
            return None
        return pd.Series(list(found.values()), dtype=object,
                         index=pd.DatetimeIndex(list(found.keys()), name="date"))

    def nested(value: Any) -> bool:
        return isinstance(value, (dict, pd.Series)) and not isinstance(value, str)

    if isinstance(data, pd.Series):
        own = flags
        if isinstance(flags, dict):
            first = next(iter(flags.values()))
            if nested(first):  # the flags of a frame this column came from
                own = flags.get(data.name)
        found = as_series(own)
        return {0: found} if found is not None else {}
    out: dict[int, pd.Series] = {}
    if isinstance(flags, dict):
        cols = pd.Index(data.columns)
        for c, found in flags.items():
            try:
                j = cols.get_loc(c)
            except KeyError:
                continue
            ser = as_series(found)
            if isinstance(j, int) and ser is not None:
                out[j] = ser
    return out


def flag_reasons(data: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """The flag (artefact reason) of each day of a daily series, aligned with it.

    :func:`to_daily` keeps the ``flag`` column of the observations in
    ``attrs["flags"]``: for a Series, a dict ``{date: reason}`` of the flagged
    dates; for a DataFrame, a dict ``{column: {date: reason}}`` (plain dicts:
    pandas compares ``attrs`` when it concatenates). This reads it
    back on the data's own index: the reason where a day is flagged, missing
    elsewhere (and everywhere when nothing is flagged). ``records``,
    ``highest_since``, ``check_claim`` and ``anomalies`` call it to leave
    flagged days out; the report can call it to mark them.

    Parameters
    ----------
    data : Series or DataFrame
        A daily series or frame, usually from :func:`to_daily` (a column taken
        from such a frame keeps the frame's flags and finds its own by name).

    Returns
    -------
    Series or DataFrame
        Object dtype, same index (and columns) as ``data``; ``flagged =
        flag_reasons(data).notna()`` is the mask.

    Examples
    --------
    >>> import pandas as pd
    >>> import conflictstats as cs
    >>> obs = cs.read_observations(pd.DataFrame({
    ...     "metric": "occupied_area", "value": [100.0, 840.0, 841.0], "unit": "km2",
    ...     "kind": "level", "end": ["2022-09-17", "2022-09-18", "2022-09-19"],
    ...     "flag": [None, "crimea_redraw", None]}))
    >>> area = cs.to_daily(obs, metric="occupied_area")
    >>> cs.flag_reasons(area).tolist()
    [nan, 'crimea_redraw', nan]
    """
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        raise InputTypeError(f"data must be a Series or DataFrame; got {type(data).__name__}")
    out = np.full((len(data), 1 if data.ndim == 1 else data.shape[1]), np.nan, dtype=object)
    index = pd.DatetimeIndex(data.index)
    for j, found in _flag_dates(data).items():  # only the flagged columns are visited
        pos = index.get_indexer(found.index)
        ok = pos >= 0
        out[pos[ok], j] = found.to_numpy(dtype=object)[ok]
    if isinstance(data, pd.Series):
        return pd.Series(out[:, 0], index=data.index, name=data.name, dtype=object)
    return pd.DataFrame(out, index=data.index, columns=data.columns)


def _corrections_frame(records: list[dict[str, Any]], labels: list[Any],
                       keys: list[str]) -> pd.DataFrame:
    cols = [*keys, "date", "previous_date", "previous_value", "value", "change", "row"]
    if not records:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    frame = pd.DataFrame(records)
    lab = [labels[int(c)] for c in frame.pop("series")]
    for i, k in enumerate(keys):
        frame.insert(i, k, [x[i] if isinstance(x, tuple) else x for x in lab])
    for c in ("date", "previous_date"):
        frame[c] = (_EPOCH + frame[c].to_numpy(np.int64)).astype("datetime64[ns]")
    return frame[cols]


def to_daily(
    observations: pd.DataFrame,
    *,
    metric: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    overnight: Overnight = "end",
    conflict: Conflict = "error",
    spread: Spread = "auto",
) -> pd.Series | pd.DataFrame:
    """Turn reported figures into daily series.

    Parameters
    ----------
    observations : DataFrame
        The table from :func:`read_observations` or a source reader (an
        unvalidated frame is validated first).
    metric : str or list of str, optional
        The metric(s) to build. A single name gives a Series (or, with ``by``, a
        DataFrame with one column per group); otherwise a DataFrame with one column
        per metric.
    by : str or list of str, optional
        Grouping column(s) (region, weapon model, entity ...) kept apart: the
        columns become a MultiIndex ``(metric, *by)``.
    overnight : {"end", "start"}
        Which date a window with clock times that runs past midnight counts on:
        ``"end"`` (default) the morning date, as the press dates an overnight
        attack; ``"start"`` the evening date.
    conflict : {"error", "sum", "mean", "first", "last", "max", "min"}
        What to do when several reports of one series cover the same day. ``"error"``
        (default) raises, naming the rows. ``"sum"`` adds them (separate events, e.g.
        two attack waves); ``"mean"`` averages day by day; ``"first"``/``"last"``
        (input order) and ``"max"``/``"min"`` (by reported value) keep whole rows and
        set the overlapping ones aside (see :func:`daily_trace`). Levels, shares and
        cumulative totals cannot be summed.
    spread : {"auto", "integer", "even"}
        How a flow is spread over its days. ``"integer"`` apportions whole units:
        ``v = qn + r`` gives every day ``q`` and the first ``r`` days one more.
        ``"even"`` gives ``v/n`` a day (to the last binary digit, so that the parts
        still add back to ``v`` exactly). ``"auto"`` (default) uses whole units for
        whole-number counts and even shares otherwise.

    Returns
    -------
    Series or DataFrame
        A daily ``DatetimeIndex`` named ``date`` (frequency ``D``) from the first to
        the last day any selected report covers. Days that no report covers are NaN.
        ``attrs`` record ``kind`` and ``unit`` (a Series) or ``kinds`` and ``units``
        (dicts by metric, a DataFrame), and, when the observations have a
        ``flag`` column, ``flags``: the flagged days with their reasons (a
        dict ``{date: reason}``, or ``{column: {date: reason}}`` for a
        DataFrame; read them aligned with :func:`flag_reasons`). A flagged
        flow flags every day it covers; a flagged level, share or cumulative
        report the day it is placed on.
        ``spans`` records every report spread over more than one day (a flow
        over several days, a cumulative step across days without a report):
        its first and last day, as a bytes object of day-number pairs (a
        dict ``{column: bytes}`` for a DataFrame; bytes are immutable, so
        pandas copies them for free). ``period_totals``, ``period_change``,
        ``rate(freq=)``, ``records`` and ``check_claim`` read it: a period
        holding part of such a report, but not all of it, has an even share
        of that report as its total, not a measurement, and is not complete.

    Raises
    ------
    ValueError
        When reports overlap under ``conflict="error"``, a metric mixes units or
        kinds, or a policy does not fit the kind.
    KeyError
        When ``metric`` or a ``by`` column is not in the observations.

    Warns
    -----
    DataWarning
        When a cumulative total goes down (a correction): the negative step stays in
        the series, and :func:`daily_trace` lists every one.

    See Also
    --------
    daily_trace : the same series with the provenance of every value.
    level_changes : the flow between known levels.

    Notes
    -----
    A flow ``v`` over days ``d_0 .. d_{n-1}`` puts ``v_k`` on day ``d_k`` with
    :math:`\\sum_k v_k = v` exactly, in any order of summation: a count of
    ``v = qn + r`` puts ``q + 1`` on the first ``r`` days and ``q`` on the others;
    any other value is split the same way in units of its last binary digit.
    Flows are accumulated with difference arrays, in time linear in the number
    of reports plus the size of the output. Whole-day periods (start and end at midnight) cover
    start to end inclusive. A period with clock times is a window: it covers the
    dates from its start to its end, except that under ``overnight="end"`` the
    evening date is dropped when the window runs past midnight (so 19:30 on 25 Nov
    to 09:00 on 26 Nov counts on 26 Nov).

    A level (or share) is placed on its ``end`` date and nowhere else. A cumulative
    total ``C`` reported on days ``t_{i-1} < t_i`` gives the increment
    ``C_i - C_{i-1}``, spread as a flow over the days ``t_{i-1}+1 .. t_i``; the
    first report only sets the base.

    Examples
    --------
    >>> import pandas as pd
    >>> import conflictstats as cs
    >>> obs = cs.read_observations(pd.DataFrame({
    ...     "metric": ["drones_launched", "drones_launched", "area_captured"],
    ...     "value": [188, 89, 235.0], "unit": ["count", "count", "km2"],
    ...     "kind": "flow",
    ...     "start": ["2024-11-25 19:30", "2024-11-26 19:30", "2024-11-18"],
    ...     "end": ["2024-11-26 09:00", "2024-11-27 09:00", "2024-11-24"]}))
    >>> cs.to_daily(obs, metric="drones_launched")
    date
    2024-11-26    188.0
    2024-11-27     89.0
    Freq: D, Name: drones_launched, dtype: float64
    >>> week = cs.to_daily(obs, metric="area_captured")
    >>> round(float(week.iloc[0]), 3), float(week.sum())
    (33.571, 235.0)
    """
    out, _, _, _ = _build(observations, metric, by, overnight, conflict, spread, trace=False)
    return out


def daily_trace(
    observations: pd.DataFrame,
    *,
    metric: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    overnight: Overnight = "end",
    conflict: Conflict = "error",
    spread: Spread = "auto",
) -> DailyTrace:
    """Daily series with the provenance of every value and the fate of every row.

    Takes the same arguments as :func:`to_daily` and returns its series together
    with the contributions of each input row to each day, the status of every row
    (used, merged, or set aside with the reason) and the corrections found in
    cumulative totals.

    Parameters
    ----------
    observations, metric, by, overnight, conflict, spread
        As for :func:`to_daily`.

    Returns
    -------
    DailyTrace
        ``daily``, ``contributions``, ``rows`` and ``corrections``.

    Examples
    --------
    Two sources report the same night; keep the first and see what happened to
    the other:

    >>> import pandas as pd
    >>> import conflictstats as cs
    >>> obs = cs.read_observations(pd.DataFrame({
    ...     "metric": "drones_launched", "value": [188, 190], "unit": "count",
    ...     "kind": "flow", "start": "2024-11-25 19:30", "end": "2024-11-26 09:00",
    ...     "source": ["Air Force", "regional"]}))
    >>> tr = cs.daily_trace(obs, metric="drones_launched", conflict="first")
    >>> tr.daily.tolist()
    [188.0]
    >>> tr.rows[["status", "reason"]]
          status                                             reason
    0       used
    1  set_aside  conflict='first': overlaps row 0, which was kept
    """
    out, info, corrections, _ = _build(observations, metric, by, overnight, conflict, spread,
                                       trace=True)
    return DailyTrace(daily=out, contributions=info["contributions"], rows=info["rows"],
                      corrections=corrections)


def level_changes(
    levels: pd.Series | pd.DataFrame, *, spread: Literal["even", "end"] = "even"
) -> pd.Series | pd.DataFrame:
    """The flow between known levels: what changed, day by day.

    Parameters
    ----------
    levels : Series or DataFrame
        Levels (a stock as of each date) with a sorted, unique DatetimeIndex; NaN
        where unknown. Dates may be irregular.
    spread : {"even", "end"}
        ``"even"`` (default) spreads the change between two known levels evenly over
        the days after the first up to the second; ``"end"`` puts it all on the day
        of the second level and leaves the days in between NaN.

    Returns
    -------
    Series or DataFrame
        On a daily index from the first to the last date: the change on each day.
        NaN before the first known level (and in gaps with ``spread="end"``).
        ``attrs["kind"]`` is ``"flow"``; with ``spread="even"``, ``attrs["spans"]``
        records the gaps a change was spread over (as :func:`to_daily` does), so
        that a period holding part of one is not complete.

    Notes
    -----
    For known levels :math:`L_{i-1}` on day :math:`t_{i-1}` and :math:`L_i` on
    :math:`t_i`, each day in :math:`(t_{i-1}, t_i]` gets
    :math:`(L_i - L_{i-1}) / (t_i - t_{i-1})` under ``spread="even"``; the daily
    changes sum to :math:`L_i - L_{i-1}` over the gap.

    Examples
    --------
    >>> import pandas as pd
    >>> import conflictstats as cs
    >>> area = pd.Series([100.0, None, None, 130.0],
    ...                  index=pd.date_range("2024-11-01", periods=4), name="occupied_area")
    >>> cs.level_changes(area)
    2024-11-01     NaN
    2024-11-02    10.0
    2024-11-03    10.0
    2024-11-04    10.0
    Freq: D, Name: occupied_area, dtype: float64
    """
    check_choice("spread", spread, ("even", "end"))
    frame, was_series = as_frame(levels, name="levels")
    days = frame.index.to_numpy().astype("datetime64[D]").astype(np.int64)
    clock = frame.index != frame.index.normalize()
    if clock.any():
        raise InputError(
            "levels must have one value per date (midnight timestamps); "
            f"got {frame.index[np.flatnonzero(clock)[0]]}"
        )
    lo, hi = (int(days[0]), int(days[-1])) if len(days) else (0, -1)
    span = hi - lo + 1
    index = pd.DatetimeIndex((_EPOCH + np.arange(lo, hi + 1)).astype("datetime64[ns]"),
                             freq="D", name=frame.index.name)
    vals = frame.to_numpy()
    ncol = vals.shape[1]
    known_r, known_c = np.nonzero(~np.isnan(vals.T))  # column-major: series, then date
    col = known_r
    row = known_c
    same = col[1:] == col[:-1]
    later = np.flatnonzero(same) + 1
    earlier = later - 1
    step = vals[row[later], col[later]] - vals[row[earlier], col[earlier]]
    gap = days[row[later]] - days[row[earlier]]
    out = np.full((span, ncol), np.nan)
    if spread == "even":
        pos, day, amt = _spread(days[row[earlier]] + 1, gap, step,
                                np.zeros(len(step), dtype=bool))
        out[day - lo, col[later][pos]] = amt
    else:
        out[days[row[later]] - lo, col[later]] = step
    result = pd.DataFrame(out, index=index, columns=frame.columns)
    changes = wrap_like(result, frame, was_series,
                        name=levels.name if isinstance(levels, pd.Series) else None)
    unit = levels.attrs.get("unit")
    changes.attrs = {"kind": "flow", "unit": unit} if isinstance(unit, str) else {"kind": "flow"}
    if "flags" in levels.attrs:  # a flagged level flags the change that ends on its day
        changes.attrs["flags"] = levels.attrs["flags"]
    if spread == "even":  # a change spread over a gap between levels: as to_daily records it
        multi = gap > 1
        first, last = days[row[earlier]][multi] + 1, days[row[later]][multi]
        if isinstance(changes, pd.Series):
            changes.attrs["spans"] = encode_spans(first, last)
        else:  # the changes are in column order: one slice per column
            cut = np.searchsorted(col[later][multi], np.arange(ncol + 1)).tolist()
            changes.attrs["spans"] = {
                c: encode_spans(first[cut[j]:cut[j + 1]], last[cut[j]:cut[j + 1]])
                for j, c in enumerate(changes.columns) if cut[j + 1] > cut[j]}
    return changes


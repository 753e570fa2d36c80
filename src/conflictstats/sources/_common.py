"""Shared machinery of the source readers: layout checks and wide-to-long melting.

Every reader turns a wide file (one row per date or report, one column per
figure) into the observation table. :func:`melt_wide` does that for all of them,
setting aside every missing cell with a reason, so that for each reader

    len(observations) + len(set_aside) == input rows x metrics.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .._dates import LOCAL_TZ, parse_dates
from .._docstrings import fill
from .._files import LineInfo, is_strict, lenient, strict
from ..errors import InputError, InputTypeError, ObservationError
from ..observations import ObservationTable, read_observations, screen_observations
from ._spec import Plausibility

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["SourceLayoutError"]

#: Column of ``set_aside`` that marks a row refused by a check (what a ``read_*``
#: reader raises for), as opposed to a missing cell, which is simply not an
#: observation. :func:`conflictstats.datasets.screen_dataset` keeps these rows.
REFUSED = "refused"

#: How many consecutive reports a running total may dip below its earlier level and
#: still be a suspected typo when it comes back (see :func:`check_plausibility`).
DIP_REPORTS = 3
#: A suspected typo falls by more than this many typical (median rising) steps of its
#: series: a dropped digit falls by hundreds of days' worth, while a small fall that
#: an ordinary day's losses undo is read as a correction, as the source may mean it.
DIP_STEPS = 10


class SourceLayoutError(InputError):
    """A source file does not have the layout its reader expects.

    The message names the file, the columns (or keys) expected and those found,
    so an upstream change of layout is caught instead of giving wrong numbers.
    """


def as_path(path: Any, *, name: str) -> Any:
    """Return ``path`` as a :class:`~pathlib.Path`, raising if it does not exist.

    An open file or buffer (anything with ``read``) is returned as it is.
    """
    if hasattr(path, "read"):
        return path
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(f"{name}: path must be a file path or an open file; got "
                        f"{type(path).__name__}")
    p = Path(os.fspath(path))
    if not p.exists():
        raise FileNotFoundError(
            f"{name}: file not found: {p} (fetch it with conflictstats.sources.fetch_dataset, "
            "or give the path of your copy)"
        )
    return p


def file_name(path: Any) -> str:
    """A short name of a path or buffer for messages."""
    return path.name if isinstance(path, Path) else type(path).__name__


def check_columns(
    found: Iterable[Any],
    expected: Sequence[str],
    *,
    name: str,
    optional: Sequence[str] = (),
) -> None:
    """Raise :class:`SourceLayoutError` when columns are missing or unknown.

    ``expected`` must all be present; anything not in ``expected`` or
    ``optional`` is unknown. The message lists what was expected and what was
    found.
    """
    cols = [str(c) for c in found]
    missing = [c for c in expected if c not in cols]
    allowed = set(expected) | set(optional)
    unknown = [c for c in cols if c not in allowed]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {missing}")
        if unknown:
            parts.append(f"unknown column(s) {unknown}")
        raise SourceLayoutError(
            f"{name}: unexpected file layout: {' and '.join(parts)}; expected columns "
            f"{list(expected)}" + (f" (optionally {list(optional)})" if optional else "")
            + f"; found {cols}"
        )


def shown(value: Any) -> str:
    """A cell's value for a message: ``'12O7'``, ``13``, or ``an empty cell``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "an empty cell"
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def cell_at(df: pd.DataFrame, label: Any, column: str, info: LineInfo | None) -> str:
    if info is not None and isinstance(label, (int, np.integer)):
        return f"line {info.line(label)} (row {label}), column {column!r}"
    return f"row {label}, column {column!r}"


def numeric_column(df: pd.DataFrame, column: str, *, name: str,
                   info: LineInfo | None = None) -> pd.Series:
    """Column ``column`` as float64; raise naming the line of the first cell that is not a
    finite number."""
    raw = df[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        num = raw.astype("float64")
        bad = np.isinf(num.to_numpy())
    else:
        text = raw.astype("string").str.strip()
        num = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = (num.isna() & raw.notna() & (text != "").fillna(False)).to_numpy(bool)
        bad |= np.isinf(num.to_numpy())
    if bad.any():
        label = df.index[np.flatnonzero(bad)[0]]
        raise SourceLayoutError(
            f"{name}: {cell_at(df, label, column, info)}: expected a finite number; got "
            f"{shown(raw.loc[label])}"
        )
    return num


def whole_column(df: pd.DataFrame, column: str, *, name: str,
                 info: LineInfo | None = None) -> pd.Series:
    """Column ``column`` as int64; raise naming the line of a cell that is not a whole number."""
    num = numeric_column(df, column, name=name, info=info)
    v = num.to_numpy()
    bad = np.isnan(v) | (v != np.round(v))
    if bad.any():
        label = df.index[np.flatnonzero(bad)[0]]
        raise SourceLayoutError(
            f"{name}: {cell_at(df, label, column, info)}: expected a whole number; got "
            f"{shown(df[column].loc[label])}"
        )
    return num.astype("int64")


def parse_times(df: pd.DataFrame, column: str, *, name: str, info: LineInfo | None = None,
                tz: str | None = LOCAL_TZ, allow_missing: bool = False) -> pd.Series:
    """Parse a date column by the package's date rule; raise naming the line of a bad one.

    ISO 8601 only (a source's dates are never guessed); timestamps with a UTC offset
    are converted to ``tz`` (Europe/Kyiv) and made naive; a missing date is an error
    unless ``allow_missing``.
    """
    raw = df[column]
    parsed = parse_dates(raw, tz=tz, labels=list(df.index))
    bad = parsed.bad if allow_missing else parsed.bad | np.isnat(parsed.stamps)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        label = df.index[i]
        why = parsed.reason[i] or "the date is missing"
        raise SourceLayoutError(
            f"{name}: {cell_at(df, label, column, info)}: expected a date or timestamp ({why}); "
            f"got {shown(raw.loc[label])}"
        )
    return pd.Series(parsed.stamps, index=df.index, name=column)


def screening(func: F) -> F:
    """Decorator of the ``screen_*`` readers: a cut last line is set aside, not raised.

    Also fills the docstring's shared pieces (:mod:`conflictstats._docstrings`).

    The line goes into ``set_aside`` with the reason ``"line is incomplete"``, no
    column or metric, and the line's text as ``value``.
    """

    if func.__doc__:
        func.__doc__ = fill(func.__doc__)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> ObservationTable:
        with lenient() as found:
            table = func(*args, **kwargs)
        if not found:
            return table
        lines = pd.concat(found)
        extra = pd.DataFrame({"column": None, "metric": None,
                              "value": lines["text"].to_numpy(dtype=object),
                              "reason": lines["reason"].to_numpy(dtype=object),
                              REFUSED: True},
                             index=pd.Index(lines.index, name="row"))
        aside = table.set_aside
        aside = pd.concat([aside.astype({"value": object}), extra]) if len(aside) else extra
        return ObservationTable(observations=table.observations, set_aside=aside)

    return wrapper  # type: ignore[return-value]


def reading(func: F) -> F:
    """Decorator of the ``read_*`` readers: every problem raises, even a cut last line.

    Also fills the docstring's shared pieces (:mod:`conflictstats._docstrings`).
    """

    if func.__doc__:
        func.__doc__ = fill(func.__doc__)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with strict():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def melt_wide(
    df: pd.DataFrame,
    metrics: Mapping[str, str],
    *,
    unit: str | Mapping[str, str],
    kind: str,
    start: pd.Series,
    end: pd.Series,
    entity: str | pd.Series,
    source: str | pd.Series,
    qualifier: Mapping[str, pd.Series | str] | None = None,
    extra: Mapping[str, pd.Series | Any] | None = None,
    reasons: Mapping[str, str] | None = None,
    metric_extra: Mapping[str, Mapping[str, pd.Series]] | None = None,
    name: str | None = None,
    info: LineInfo | None = None,
) -> ObservationTable:
    """Melt the value columns of ``df`` into observations; set missing cells aside.

    Parameters
    ----------
    df : DataFrame
        One row per input row (index = input row label), value columns numeric.
    metrics : mapping
        Source column -> metric name, in output order.
    unit : str or mapping
        The unit of every metric, or per metric.
    kind : str
        The kind of every metric.
    start, end : Series
        Per input row.
    entity, source : str or Series
        Per input row.
    qualifier : mapping, optional
        Metric -> qualifier (a string or a per-row Series); default ``exact``.
    extra : mapping, optional
        Extra column name -> per-row Series (or a scalar).
    reasons : mapping, optional
        Source column -> reason to give when its cell is missing.
    metric_extra : mapping, optional
        Extra column name -> {metric: per-row Series}; other metrics get NA.
    name, info : optional
        The reader and file (and the lines of a CSV), so that a value the observation
        table refuses (a negative count ...) is named by its file, line and column.

    Returns
    -------
    ObservationTable
        ``observations`` validated by :func:`~conflictstats.read_observations`
        (RangeIndex; the input row label in column ``row``) and ``set_aside``
        (indexed by the input row label; columns ``column``, ``metric``, ``value``,
        ``reason``).
    """
    n = len(df)
    cols = list(metrics)
    m = len(cols)
    values = np.column_stack([df[c].to_numpy(dtype="float64") for c in cols]) if m else np.empty(
        (n, 0)
    )
    flat = values.ravel()  # row-major: row 0's metrics, then row 1's ...
    rows = np.repeat(np.arange(n), m)
    which = np.tile(np.arange(m), n)
    metric_names = np.array([metrics[c] for c in cols], dtype=object)
    keep = ~np.isnan(flat)

    def per_row(x: pd.Series | Any) -> np.ndarray:
        if isinstance(x, pd.Series):
            return x.to_numpy()[rows]
        return np.full(n * m, x, dtype=object)

    reasons = dict(reasons or {})
    kept = np.flatnonzero(keep)
    out: dict[str, pd.Series] = {}

    def put(col: str, arr: np.ndarray) -> None:
        # the dtype is inferred from every cell (as a frame of all cells would), then
        # only the kept cells are held: no frame of every cell, no copy of it
        out[col] = pd.Series(arr, copy=False).iloc[kept].reset_index(drop=True)

    put("metric", metric_names[which])
    put("value", flat)
    if isinstance(unit, str):
        put("unit", np.full(n * m, unit, dtype=object))
    else:
        put("unit", np.array([unit[metrics[c]] for c in cols], dtype=object)[which])
    put("start", start.to_numpy()[rows])
    put("end", end.to_numpy()[rows])
    put("kind", np.full(n * m, kind, dtype=object))
    qual = np.full(n * m, "exact", dtype=object)
    for metric, q in (qualifier or {}).items():
        pos = np.flatnonzero(metric_names == metric)
        if len(pos) == 0:
            continue
        sel = which == pos[0]
        qual[sel] = per_row(q)[sel] if isinstance(q, pd.Series) else q
    put("qualifier", qual)
    put("entity", per_row(entity))
    put("source", per_row(source))
    put("row", df.index.to_numpy()[rows])
    for col, val in (extra or {}).items():
        put(col, per_row(val))
    for col, by_metric in (metric_extra or {}).items():
        arr = np.full(n * m, None, dtype=object)
        for metric, s in by_metric.items():
            pos = np.flatnonzero(metric_names == metric)
            if len(pos):
                sel = which == pos[0]
                arr[sel] = s.to_numpy()[rows][sel]
        put(col, arr)
    obs = pd.DataFrame(out, copy=False)
    out.clear()
    refused = None
    if len(obs) and is_strict():
        try:
            obs = read_observations(obs)
        except ObservationError as err:
            raise _in_source_terms(err, obs, metrics, name, info) from None
    elif len(obs):  # a screen_* reader: the cells the observation table refuses go aside
        import warnings

        from ..errors import DataWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            screened = screen_observations(obs)
        if len(screened.set_aside):
            bad = obs.loc[screened.set_aside.index]
            column_of = {m: c for c, m in metrics.items()}
            refused = pd.DataFrame(
                {"column": bad["metric"].map(column_of).to_numpy(dtype=object),
                 "metric": bad["metric"].to_numpy(dtype=object),
                 "value": bad["value"].to_numpy(dtype=object),
                 "reason": screened.set_aside["reason"].to_numpy(dtype=object),
                 REFUSED: True},
                index=pd.Index(bad["row"].to_numpy(), name="row"))
        obs = screened.observations.reset_index(drop=True)
    src_cols = np.array(cols, dtype=object)
    why = np.array(
        [reasons.get(c, f"{c} is missing (NaN): not reported") for c in cols], dtype=object
    )
    drop = ~keep
    set_aside = pd.DataFrame(
        {
            "column": src_cols[which[drop]],
            "metric": metric_names[which[drop]],
            "value": flat[drop],
            "reason": why[which[drop]],
        },
        index=pd.Index(df.index.to_numpy()[rows[drop]], name="row"),
    )
    if refused is not None:
        set_aside = pd.concat([set_aside.astype({"value": object}), refused])
    return ObservationTable(observations=obs, set_aside=set_aside)


def _in_source_terms(err: ObservationError, obs: pd.DataFrame, metrics: Mapping[str, str],
                     name: str | None, info: LineInfo | None) -> SourceLayoutError:
    """The observation table's error, told in the file's terms: line and source column."""
    label = err.row
    if label is None or label not in obs.index:
        return SourceLayoutError(f"{name or 'reader'}: {err}")
    row = obs.loc[label, "row"]
    metric = obs.loc[label, "metric"]
    column = next((c for c, m in metrics.items() if m == metric), metric) if (
        err.column == "value") else err.column
    text = str(err)
    head = f"column {err.column!r}: "
    reason = text.split(head, 1)[1].rsplit("; got ", 1)[0] if head in text else text
    where = (f"line {info.line(row)} (row {row})" if info is not None
             and isinstance(row, (int, np.integer)) else f"row {row}")
    return SourceLayoutError(
        f"{name or 'reader'}: {where}, column {column!r}: {reason}; got {shown(err.value)}")


def combine(tables: Sequence[ObservationTable]) -> ObservationTable:
    """Stack several tables (observations re-indexed 0..n-1)."""
    obs = pd.concat([t.observations for t in tables], ignore_index=True)
    aside = pd.concat([t.set_aside for t in tables])
    return ObservationTable(observations=obs, set_aside=aside)


def set_aside_rows(table: ObservationTable, mask: np.ndarray, reason: pd.Series | str,
                   *, column: str | None = None) -> ObservationTable:
    """Move the observations selected by ``mask`` to ``set_aside`` with ``reason``."""
    obs = table.observations
    if not mask.any():
        return table
    moved = obs.loc[mask, ["metric", "value", "row"]]  # not every column
    why = reason.to_numpy()[mask] if isinstance(reason, pd.Series) else reason
    extra = pd.DataFrame(
        {
            "column": column if column is not None else moved["metric"].to_numpy(),
            "metric": moved["metric"].to_numpy(),
            "value": moved["value"].to_numpy(),
            "reason": why,
        },
        index=pd.Index(moved["row"].to_numpy(), name="row"),
    )
    aside = pd.concat([table.set_aside, extra]) if len(table.set_aside) else extra
    return ObservationTable(
        observations=obs.loc[~mask].reset_index(drop=True), set_aside=aside
    )


def _where(row: Any, info: LineInfo | None) -> str:
    if info is not None and isinstance(row, (int, np.integer)):
        return f"line {info.line(row)} (row {row})"
    return f"row {row}"


def _where_many(rows: np.ndarray, info: LineInfo | None) -> np.ndarray:
    """:func:`_where` of many rows at once (object array of str), without a loop per row
    for a CSV's lines."""
    rows = np.asarray(rows)
    label = pd.Series(rows, dtype=object).astype(str).to_numpy(dtype=object)
    if info is None or rows.dtype.kind not in "iu":
        if info is not None:  # mixed labels: the few integer ones get their line
            return np.array([_where(r, info) for r in rows], dtype=object)
        return "row " + label
    lines = getattr(info, "lines", None)
    if lines is not None:
        at = np.asarray(lines)[rows.astype(np.int64)].astype(str).astype(object)
    else:  # another kind of file (JSON): its own line lookup
        at = np.array([str(info.line(r)) for r in rows], dtype=object)
    return "line " + at + " (row " + label + ")"


def fmt_g(values: np.ndarray) -> np.ndarray:
    """``f"{v:g}"`` of each value (object array of str), formatting each distinct value once."""
    values = np.asarray(values, dtype="float64")
    uniq, inv = np.unique(values, return_inverse=True)
    text = np.array([f"{v:g}" for v in uniq], dtype=object)  # distinct values only
    return text[inv.reshape(-1)] if len(values) else np.array([], dtype=object)


def _more(why: Mapping[Any, str] | Sequence[Any], first: Any, info: LineInfo | None) -> str:
    """`` (2 more such rows: line 1732, line 1750)`` for a message, or nothing."""
    keys = list(why)  # distinct rows, in order
    n_others = len(keys) - (first in keys)
    if n_others <= 0:
        return ""
    head = [r for r in keys[:7] if r != first][:5]  # the first five others only
    others = [_where(r, info).split(" (row")[0] for r in head]
    shown_ = ", ".join(others) + (" ..." if n_others > 5 else "")
    return f" ({n_others} more such row{'s' if n_others > 1 else ''}: {shown_})"


def _refuse_or_set_aside(table: ObservationTable, mask: np.ndarray, reason: np.ndarray,
                         message: str) -> ObservationTable:
    """Raise ``message`` in a ``read_*`` reader; else move the masked observations aside."""
    if not mask.any():
        return table
    if is_strict():
        raise SourceLayoutError(message)
    obs = table.observations
    moved = obs.loc[mask, ["metric", "value", "row"]]  # not every column
    extra = pd.DataFrame(
        {"column": moved["metric"].to_numpy(dtype=object),
         "metric": moved["metric"].to_numpy(dtype=object),
         "value": moved["value"].to_numpy(dtype=object),
         "reason": reason[mask], REFUSED: True},
        index=pd.Index(moved["row"].to_numpy(), name="row"),
    )
    aside = table.set_aside
    aside = pd.concat([aside.astype({"value": object}), extra]) if len(aside) else extra
    return ObservationTable(observations=obs.loc[~mask].reset_index(drop=True), set_aside=aside)


def _row_hashes(raw: pd.DataFrame) -> np.ndarray:
    try:
        return pd.util.hash_pandas_object(raw, index=False).to_numpy()
    except TypeError:  # unhashable cells (a JSON list inside a record): hash their text
        return pd.util.hash_pandas_object(raw.astype(str), index=False).to_numpy()


def _repeated_lines(table: ObservationTable, raw: pd.DataFrame, *, name: str,
                    info: LineInfo | None) -> ObservationTable:
    """A line identical to an earlier one is one report given twice."""
    if len(raw) < 2:
        return table
    h = _row_hashes(raw)
    dup = pd.Series(h).duplicated().to_numpy()
    if not dup.any():
        return table
    first = pd.Series(np.arange(len(h))).groupby(h).transform("first").to_numpy()
    labels = raw.index.to_numpy()
    at = np.flatnonzero(dup)  # the repeated lines only
    why = pd.Series(_where_many(labels[at], info) + " repeats "
                    + _where_many(labels[first[at]], info) + " exactly (one report given twice)",
                    index=labels[at])
    i = int(at[0])
    text = ", ".join(shown(v) for v in raw.iloc[i].tolist()[:6])
    rows = table.observations["row"]
    mask = rows.isin(labels[at]).to_numpy()
    reason = rows.map(why).to_numpy(dtype=object)
    message = (f"{name}: {why.iloc[0]}; got {text} ...; use the screen_* reader to set "
               "it aside")
    if not mask.any() and is_strict():
        raise SourceLayoutError(message)
    return _refuse_or_set_aside(table, mask, reason, message)


def _parts_above_whole(table: ObservationTable, parts: Mapping[str, tuple[str, ...]], *,
                       name: str, info: LineInfo | None) -> ObservationTable:
    """Within one input row, each part and the sum of the parts are at most the whole."""
    obs = table.observations
    for whole, names in parts.items():
        sel = obs["metric"].isin([whole, *names]).to_numpy()
        if not sel.any():
            continue
        wide = (obs.loc[sel, ["row", "metric", "value"]]
                .groupby(["row", "metric"])["value"].first().unstack())
        present = [p for p in names if p in wide.columns]
        if whole not in wide.columns or not present:
            continue
        w = wide[whole]
        p = wide[present]
        single = p.gt(w, axis=0)
        total = p.sum(axis=1, min_count=1)
        bad = (single.any(axis=1) | (total > w)).to_numpy()
        if not bad.any():
            continue
        # the reasons of the impossible rows, built column by column (no loop per row)
        rows_bad = wide.index[bad]
        wv = w.to_numpy(dtype="float64")[bad]
        pv = p.to_numpy(dtype="float64")[bad]
        listed = ~np.isnan(pv) & (pv != 0)  # the parts a reason names
        over = listed & (pv > wv[:, None])
        w_txt = fmt_g(wv)
        p_txt = fmt_g(pv.ravel()).reshape(pv.shape)
        part_names = np.array(present, dtype=object)
        first_over = over.argmax(axis=1)
        k = np.arange(len(wv))
        single_txt = (part_names[first_over] + " (" + p_txt[k, first_over] + f") exceeds {whole} ("
                      + w_txt + "): a part cannot exceed the whole")
        joined = np.full(len(wv), "", dtype=object)
        for j in range(len(present)):  # a handful of part columns
            piece = np.where(listed[:, j], part_names[j] + " (" + p_txt[:, j] + ")", "")
            joined = np.where(joined == "", piece,
                              np.where(piece == "", joined, joined + " + " + piece))
        sum_txt = (joined + " = " + fmt_g(total.to_numpy(dtype="float64")[bad])
                   + f" exceeds {whole} (" + w_txt + "): the parts cannot exceed the whole")
        reasons = np.where(over.any(axis=1), single_txt, sum_txt)
        why = dict(zip(rows_bad, reasons, strict=True))
        rows = obs["row"]
        row0 = rows_bad[0]
        vals0 = p.loc[row0].dropna()
        vals0 = vals0[vals0 != 0]
        col0 = vals0.index[0] if (vals0 > w[row0]).sum() == 0 else vals0[vals0 > w[row0]].index[0]
        message = (f"{name}: {_where(row0, info)}, column {col0!r}: {why[row0]}; got "
                   f"{vals0[col0]:g}{_more(why, row0, info)}; use the screen_* reader to set "
                   "the row aside")
        full = pd.Series(_where_many(rows_bad.to_numpy(), info) + ": " + reasons,
                         index=rows_bad)
        table = _refuse_or_set_aside(table, rows.isin(rows_bad).to_numpy(),
                                     rows.map(full).to_numpy(dtype=object), message)
        obs = table.observations
    return table


def _running_total_dips(table: ObservationTable, *, name: str, info: LineInfo | None,
                        reports: int = DIP_REPORTS) -> ObservationTable:
    """A running total that dips and is back within ``reports`` reports is a suspected typo.

    The dip is told apart from a correction that stays by three tests: the report
    after it is back at (or above) the level before the dip; the rebound into that
    report is at least as large as the fall was; and the fall is more than
    :data:`DIP_STEPS` typical (median rising) steps of the series. A correction
    that stays continues from its new level (the next step is an ordinary day's
    losses), so it fails the second test; a small fall that one day undoes is
    ambiguous and kept as a correction; a row the source's corrections file flags
    (``flag == "correction"``) is never a typo.
    """
    obs = table.observations
    cum = (obs["kind"] == "cumulative").to_numpy()
    if cum.sum() < 3:
        return table
    part = obs.loc[cum]
    keys = [c for c in ("metric", "entity", "equipment_type") if c in part.columns]
    order = part.sort_values([*keys, "end"], kind="stable").index
    srt = part.loc[order]
    g = srt.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    v = srt["value"].to_numpy(dtype="float64")
    s = pd.Series(v)
    before = s.groupby(g).cummax().groupby(g).shift(1).to_numpy()  # the level so far
    below = v < before  # NaN compares False
    if not below.any():
        return table
    n = len(v)
    same_prev = np.r_[False, g[1:] == g[:-1]]
    start = below & ~(np.r_[False, below[:-1]] & same_prev)
    run = np.cumsum(start)
    pos = np.flatnonzero(below)
    runs = pd.DataFrame({"run": run[pos], "pos": pos}).groupby("run")["pos"].agg(["min", "max",
                                                                                  "size"])
    s0, e0, m = (runs[c].to_numpy() for c in ("min", "max", "size"))
    ret = e0 + 1
    has_ret = (ret < n) & (g[np.minimum(ret, n - 1)] == g[s0])
    r = np.minimum(ret, n - 1)
    level = before[s0]
    step = np.r_[np.nan, np.diff(v)]
    rising = same_prev & (step > 0)
    typical = (pd.Series(step[rising]).groupby(g[rising]).median()
               .reindex(range(int(g.max()) + 1)).fillna(0).to_numpy())
    fall = level - v[s0]
    typo_run = (has_ret & (m <= reports) & (v[r] >= level) & (v[r] - v[e0] >= fall)
                & (fall > DIP_STEPS * typical[g[s0]]))
    if "flag" in srt.columns:
        flagged = (srt["flag"] == "correction").fillna(False).to_numpy(bool)
        typo_run &= ~pd.Series(flagged[pos]).groupby(run[pos]).any().to_numpy()
    if not typo_run.any():
        return table
    typo_pos = np.zeros(n, dtype=bool)
    why = np.full(n, "", dtype=object)
    where = np.full(n, "", dtype=object)
    ends = srt["end"].to_numpy()
    row_of = srt["row"].to_numpy()
    for k in np.flatnonzero(typo_run):  # one per suspected typo: a handful
        sl = slice(s0[k], e0[k] + 1)
        typo_pos[sl] = True
        back = pd.Timestamp(ends[r[k]])
        why[sl] = (f"the running total falls from {level[k]:,.0f} to {v[s0[k]]:,.0f} and is "
                   f"back at {v[r[k]]:,.0f} on {back:%Y-%m-%d}: a suspected typo (a dropped "
                   "digit?), not a correction that stays; the increments across it come from "
                   "its neighbours")
        where[sl] = [f"{_where(x, info)}, {srt['metric'].iloc[s0[k]]}: " for x in row_of[sl]]
    mask = np.zeros(len(obs), dtype=bool)
    reason = np.full(len(obs), "", dtype=object)
    at = obs.index.get_indexer(order[typo_pos])
    mask[at] = True
    reason[at] = (where + why)[typo_pos]
    first = int(np.flatnonzero(typo_pos)[0])
    row0 = srt["row"].iloc[first]
    more = {x: "" for x in row_of[typo_pos]}
    message = (f"{name}: {_where(row0, info)}, column {srt['metric'].iloc[first]!r}: "
               f"{why[first]}; got {v[first]:g}{_more(more, row0, info)}; use the screen_* "
               "reader to set it aside")
    return _refuse_or_set_aside(table, mask, reason, message)


def check_plausibility(table: ObservationTable, raw: pd.DataFrame, rules: Plausibility, *,
                       name: str, info: LineInfo | None) -> ObservationTable:
    """Refuse (``read_*``) or set aside (``screen_*``) the rows a source cannot hold.

    The rules are the source's :class:`~conflictstats.sources.Plausibility`:
    ``duplicate_rows`` (a line identical to an earlier one), ``parts`` (within one
    input row, a part or the sum of the parts above the whole) and
    ``running_total_dips`` (a running total that falls and is back within
    :data:`DIP_REPORTS` reports). Whole counts and the date range are checked for
    every source by :func:`~conflictstats.read_observations` and the date rule.
    A ``read_*`` reader raises at the first such row, naming the file, line, column
    and value; a ``screen_*`` reader moves the row's observations to ``set_aside``
    with the reason and ``refused`` True.

    ``raw`` is the file as read (indexed by input row, as the observations' ``row``).
    """
    if rules.duplicate_rows:
        table = _repeated_lines(table, raw, name=name, info=info)
    if rules.parts:
        table = _parts_above_whole(table, rules.parts, name=name, info=info)
    if rules.running_total_dips:
        table = _running_total_dips(table, name=name, info=info)
    return table

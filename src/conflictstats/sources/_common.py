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
from .._files import LineInfo, lenient, strict
from ..errors import InputError, InputTypeError, ObservationError
from ..observations import ObservationTable, read_observations

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["SourceLayoutError"]


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
                              "reason": lines["reason"].to_numpy(dtype=object)},
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
    out: dict[str, Any] = {
        "metric": metric_names[which],
        "value": flat,
    }
    if isinstance(unit, str):
        out["unit"] = np.full(n * m, unit, dtype=object)
    else:
        out["unit"] = np.array([unit[metrics[c]] for c in cols], dtype=object)[which]
    out["start"] = start.to_numpy()[rows]
    out["end"] = end.to_numpy()[rows]
    out["kind"] = np.full(n * m, kind, dtype=object)
    qual = np.full(n * m, "exact", dtype=object)
    for metric, q in (qualifier or {}).items():
        pos = np.flatnonzero(metric_names == metric)
        if len(pos) == 0:
            continue
        sel = which == pos[0]
        qual[sel] = per_row(q)[sel] if isinstance(q, pd.Series) else q
    out["qualifier"] = qual
    out["entity"] = per_row(entity)
    out["source"] = per_row(source)
    out["row"] = df.index.to_numpy()[rows]
    for col, val in (extra or {}).items():
        out[col] = per_row(val)
    for col, by_metric in (metric_extra or {}).items():
        arr = np.full(n * m, None, dtype=object)
        for metric, s in by_metric.items():
            pos = np.flatnonzero(metric_names == metric)
            if len(pos):
                sel = which == pos[0]
                arr[sel] = s.to_numpy()[rows][sel]
        out[col] = arr
    frame = pd.DataFrame(out)
    obs = frame.loc[keep].reset_index(drop=True)
    if len(obs):
        try:
            obs = read_observations(obs)
        except ObservationError as err:
            raise _in_source_terms(err, obs, metrics, name, info) from None
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
    moved = obs.loc[mask]
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

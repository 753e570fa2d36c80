"""Input conversion and checks: the one place that owns input error messages.

Every public function converts its time-series input through :func:`as_frame`
(or :func:`as_series`) and its parameters through the ``check_*`` helpers, so a
user sees the same wording everywhere: the parameter or row, the requirement,
and the value received.

Nothing here drops or coerces data silently: duplicates in an index raise, and
non-numeric values raise with the first offending position.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ._dates import LOCAL_TZ, one_date
from .errors import (  # noqa: F401  (re-exported for the modules that import them from here)
    ConflictStatsError,
    DataWarning,
    InputError,
    InputTypeError,
    MissingKeyError,
    ObservationError,
)

__all__: list[str] = []  # private module

T = TypeVar("T")


# ---------------------------------------------------------------------------
# scalar parameters
# ---------------------------------------------------------------------------


def check_choice(name: str, value: T, options: Iterable[T]) -> T:
    """Return ``value`` if it is one of ``options``; raise naming them otherwise."""
    opts = list(options)
    if value not in opts:
        shown = ", ".join(repr(o) for o in opts)
        raise InputError(f"{name} must be one of {shown}; got {value!r}")
    return value


def check_alpha(alpha: float, *, name: str = "alpha") -> float:
    """Check a significance level in the open interval (0, 1)."""
    try:
        a = float(alpha)
    except (TypeError, ValueError):
        raise InputTypeError(f"{name} must be a number in (0, 1); got {alpha!r}") from None
    if not 0.0 < a < 1.0:
        raise InputError(f"{name} must be in the open interval (0, 1); got {alpha!r}")
    return a


def check_int(
    name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Check an integer parameter, optionally bounded (inclusive)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name} must be an integer; got {value!r}")
    v = int(value)
    if minimum is not None and v < minimum:
        raise InputError(f"{name} must be at least {minimum}; got {v}")
    if maximum is not None and v > maximum:
        raise InputError(f"{name} must be at most {maximum}; got {v}")
    return v


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """Check a finite positive (or non-negative) number."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputTypeError(f"{name} must be a number; got {value!r}") from None
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        need = "non-negative" if allow_zero else "positive"
        raise InputError(f"{name} must be a finite {need} number; got {value!r}")
    return v


def as_timestamp(value: Any, *, name: str, dayfirst: bool | None = None,
                 format: str | None = None, tz: str | None = LOCAL_TZ) -> pd.Timestamp:
    """Convert a date-like parameter to a naive :class:`pandas.Timestamp` by the date rule.

    ISO 8601 text is read as it is; a slash date is refused unless ``dayfirst=`` or
    ``format=`` says how to read it; a number is refused; an aware timestamp is
    converted to ``tz`` (Europe/Kyiv by default) and made naive. See
    :mod:`conflictstats._dates`.
    """
    return one_date(value, name=name, dayfirst=dayfirst, format=format, tz=tz)


# ---------------------------------------------------------------------------
# time-series input
# ---------------------------------------------------------------------------


def _check_index(index: pd.Index, *, name: str) -> pd.DatetimeIndex:
    if not isinstance(index, pd.DatetimeIndex):
        raise InputTypeError(
            f"{name} must have a DatetimeIndex; got {type(index).__name__}"
            " (set one with df.set_index(pd.to_datetime(df['date'])))"
        )
    if index.tz is not None:
        raise InputError(
            f"{name} has a time-zone-aware index ({index.tz}); conflictstats works on local "
            "calendar dates: convert it first, e.g. .tz_convert('Europe/Kyiv').tz_localize(None)"
        )
    if index.hasnans:
        pos = int(np.flatnonzero(index.isna())[0])
        raise InputError(f"{name} has a missing date (NaT) in its index at position {pos}")
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        n = int((index == dup).sum())
        raise InputError(
            f"{name} must have unique dates; {dup.date() if dup == dup.normalize() else dup} "
            f"appears {n} times (resolve duplicates first, e.g. with to_daily's conflict=)"
        )
    if not index.is_monotonic_increasing:
        raise InputError(f"{name} must have a sorted DatetimeIndex (call .sort_index() first)")
    return index


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, so messages show 0, not np.int64(0)."""
    return value.item() if isinstance(value, np.generic) else value


def _check_numeric(frame: pd.DataFrame, *, name: str) -> pd.DataFrame:
    dtypes = frame.dtypes
    if all(dt.kind in "fiu" for dt in dtypes.unique() if isinstance(dt, np.dtype)) and all(
        isinstance(dt, np.dtype) for dt in dtypes.unique()
    ):
        return frame  # the common case, checked once per distinct dtype
    bad = [i for i, dt in enumerate(dtypes) if not (
        pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt)
    )]
    if bad:
        col = frame.columns[bad[0]]
        s = frame.iloc[:, bad[0]]
        conv = pd.to_numeric(s, errors="coerce")
        where = s.notna() & conv.isna()
        if where.any():
            at = s.index[np.flatnonzero(where.to_numpy())[0]]
            raise InputTypeError(
                f"{name}: column {_plain(col)!r} must be numeric; at {at} it holds "
                f"{_plain(s.loc[at])!r}"
            )
        raise InputTypeError(
            f"{name}: column {_plain(col)!r} must be numeric; got dtype {s.dtype}")
    return frame


def as_frame(
    data: pd.Series | pd.DataFrame,
    *,
    name: str = "data",
    by: str | Sequence[str] | None = None,
    value: str | None = None,
    finite: bool = False,
    nonempty: bool = False,
    daily: bool = False,
) -> tuple[pd.DataFrame, bool]:
    """Convert time-series input to a float DataFrame with one column per series.

    Parameters
    ----------
    data : Series or DataFrame
        A Series, or a wide DataFrame whose columns are series, indexed by a
        sorted, unique DatetimeIndex. With ``by``, a long DataFrame with a
        DatetimeIndex (repeated across groups), the grouping column(s) and the
        ``value`` column.
    name : str
        How to call the input in error messages.
    by, value : optional
        Grouping column(s) and value column of a long frame.
    finite : bool
        Refuse +-inf, naming the date and column (see :func:`check_values`).
    nonempty : bool
        Refuse an empty input, and a series whose values are all missing.
    daily : bool
        Refuse an index that is not daily (dates at midnight, steps of whole days,
        not a regular weekly or monthly calendar), naming the frequency found.

    Returns
    -------
    frame : DataFrame
        Float64 values, original index and column labels.
    was_series : bool
        Whether the input was a Series (so the caller can give one back).
    """
    if by is not None:
        if not isinstance(data, pd.DataFrame):
            raise InputTypeError(f"{name}: by= needs a long DataFrame; got {type(data).__name__}")
        data = pivot_long(data, by=by, value=value, name=name)
    if isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else 0)
        was_series = True
    elif isinstance(data, pd.DataFrame):
        frame = data
        was_series = False
    else:
        raise InputTypeError(
            f"{name} must be a pandas Series or DataFrame with a DatetimeIndex; "
            f"got {type(data).__name__}"
        )
    _check_index(frame.index, name=name)
    _check_numeric(frame, name=name)
    if frame.shape[1] == 0:
        raise InputError(f"{name} has no columns")
    out = frame.astype("float64")
    check_values(out, name=name, finite=finite, nonempty=nonempty, daily=daily)
    return out, was_series


def _nanoseconds(index: pd.DatetimeIndex) -> np.ndarray:
    """The timestamps as int64 nanoseconds, whatever the index's unit."""
    return index.to_numpy().astype("datetime64[ns]").astype(np.int64)


def _found_frequency(index: pd.DatetimeIndex) -> str:
    """How the dates of ``index`` are spaced, in words, for messages."""
    if len(index) >= 3:
        with warnings.catch_warnings():  # pandas 3 warns that a BaseOffset will come back
            warnings.simplefilter("ignore")
            freq = pd.infer_freq(index)
        if freq is not None:
            return f"frequency {getattr(freq, 'freqstr', freq)!r}"
    steps = np.diff(_nanoseconds(index))
    if len(steps) == 0:
        return "a single timestamp with a clock time"
    step = pd.Timedelta(int(np.min(steps)), unit="ns")
    clock = bool((index != index.normalize()).any())
    return f"smallest step {step}" + (" and clock times" if clock else "")


def calendar_frequency(index: pd.DatetimeIndex) -> str | None:
    """The pandas frequency of ``index`` when its dates follow a regular calendar coarser
    than days (``"W-SUN"``, ``"ME"`` ...); None for daily dates (gaps allowed) or fewer
    than three dates."""
    if len(index) < 3:
        return None
    with warnings.catch_warnings():  # pandas 3 warns that a BaseOffset will come back
        warnings.simplefilter("ignore")
        freq = pd.infer_freq(index)
    code = getattr(freq, "freqstr", freq)
    return None if code is None or code == "D" else str(code)


def check_values(frame: pd.DataFrame, *, name: str = "data", finite: bool = False,
                 nonempty: bool = False, daily: bool = False) -> None:
    """The value checks :func:`as_frame` applies on request; raise naming the date.

    ``finite``: no +-inf (``"data: infinite value on 2024-01-02 (inf)"``);
    ``nonempty``: at least one date and, in every column, one value that is not
    missing; ``daily``: dates at midnight, whole days apart, and not a regular
    calendar of weeks or months (a daily series with gaps passes).
    """
    if finite:
        vals = frame.to_numpy(dtype="float64")
        inf = np.isinf(vals)
        if inf.any():
            r, c = (int(x) for x in np.argwhere(inf)[0])
            at = frame.index[r]
            day = at.date() if at == at.normalize() else at
            col = f", column {frame.columns[c]!r}" if frame.shape[1] > 1 else ""
            raise InputError(
                f"{name}: infinite value on {day}{col} ({vals[r, c]}); infinities are refused "
                f"({int(inf.sum())} in all): replace them with NaN to treat them as missing"
            )
    if nonempty:
        if len(frame) == 0:
            raise InputError(f"{name} is empty: it has no dates (nothing to analyse)")
        allnan = frame.isna().all().to_numpy()
        if allnan.any():
            col = frame.columns[int(np.flatnonzero(allnan)[0])]
            where = f"column {col!r} of {name}" if frame.shape[1] > 1 else name
            raise InputError(
                f"{where} has no values: all {len(frame)} are missing (NaN)"
            )
    if daily and len(frame):
        index = pd.DatetimeIndex(frame.index)  # a DatetimeIndex: checked by _check_index
        midnight = bool((index == index.normalize()).all())
        steps = np.diff(_nanoseconds(index))
        day = 86_400 * 10**9
        ok = midnight and bool((steps % day == 0).all())
        if ok:  # a regular calendar of weeks or months is not daily
            ok = calendar_frequency(index) is None
        if not ok:
            raise InputError(
                f"{name} must be a daily series (dates at midnight, whole days apart, gaps "
                f"allowed); found {_found_frequency(index)} (make one with to_daily, or "
                "resample to days first)"
            )


def as_series(data: pd.Series, *, name: str = "series", finite: bool = False,
              nonempty: bool = False, daily: bool = False) -> pd.Series:
    """Check a single series (sorted unique DatetimeIndex, numeric) and return float64.

    ``finite``, ``nonempty`` and ``daily`` are the checks of :func:`as_frame`.
    """
    if isinstance(data, pd.DataFrame):
        if data.shape[1] != 1:
            raise InputTypeError(
                f"{name} must be a single series; got a DataFrame with {data.shape[1]} columns"
            )
        data = data.iloc[:, 0]
    if not isinstance(data, pd.Series):
        raise InputTypeError(
            f"{name} must be a pandas Series with a DatetimeIndex; got {type(data).__name__}"
        )
    frame, _ = as_frame(data, name=name, finite=finite, nonempty=nonempty, daily=daily)
    out = frame.iloc[:, 0]
    out.name = data.name
    out.attrs = dict(data.attrs)
    return out


def pivot_long(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str],
    value: str | None,
    name: str = "data",
) -> pd.DataFrame:
    """Turn a long frame (DatetimeIndex, group columns, one value column) into a wide one."""
    keys = [by] if isinstance(by, str) else list(by)
    missing = [k for k in keys if k not in data.columns]
    if missing:
        raise MissingKeyError(
            f"{name}: by= column {missing[0]!r} not found; columns are {list(data.columns)}"
        )
    if value is None:
        rest = [c for c in data.columns if c not in keys]
        if len(rest) != 1:
            raise InputError(
                f"{name}: with by=, name the value column with value= "
                f"(candidates: {rest})"
            )
        value = rest[0]
    if value not in data.columns:
        raise MissingKeyError(
            f"{name}: value column {value!r} not found; columns are {list(data.columns)}"
        )
    if not isinstance(data.index, pd.DatetimeIndex):
        raise InputTypeError(f"{name} must have a DatetimeIndex; got {type(data.index).__name__}")
    idx_name = data.index.name or "date"
    long = data.reset_index(names=idx_name)
    dup = long.duplicated([idx_name, *keys])
    if dup.any():
        r = long.loc[dup].iloc[0]
        grp = tuple(r[k] for k in keys)
        shown = grp if len(grp) > 1 else grp[0]
        raise InputError(
            f"{name}: date {r[idx_name]} appears more than once in group {shown!r}"
        )
    wide = long.pivot(index=idx_name, columns=keys if len(keys) > 1 else keys[0], values=value)
    return wide.sort_index()


def wrap_like(values: np.ndarray | pd.DataFrame, frame: pd.DataFrame, was_series: bool,
              *, name: Hashable | None = None) -> pd.Series | pd.DataFrame:
    """Give back a Series if the input was one, else a DataFrame, with the input's labels."""
    out = values if isinstance(values, pd.DataFrame) else pd.DataFrame(
        values, index=frame.index, columns=frame.columns
    )
    if was_series:
        s = out.iloc[:, 0]
        s.name = name if name is not None else frame.columns[0]
        return s
    return out


def daily_index(index: pd.DatetimeIndex, *, name: str = "data") -> bool:
    """Whether ``index`` is a regular daily grid at midnight (no gaps, no clock times)."""
    if len(index) < 2:
        return bool((index == index.normalize()).all())
    d = np.diff(index.asi8)
    day = 86_400 * 10**9
    unit = getattr(index, "unit", "ns")
    scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
    return bool((d * scale == day).all() and (index == index.normalize()).all())


def long_ranges(
    data: pd.Series | pd.DataFrame,
    frame: pd.DataFrame,
    by: str | Sequence[str] | None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """First and last date each series of a long frame has a row, in ``frame``'s column order.

    After :func:`pivot_long` every group sits on the union of all groups' dates;
    these ranges let period tables and spans stop where each group's own data
    stop, so that ``by=`` gives what calling each group alone gives. None for
    a Series or wide DataFrame (every column spans the whole index).
    """
    if by is None or not isinstance(data, pd.DataFrame):
        return None
    keys = [by] if isinstance(by, str) else list(by)
    idx = pd.Series(data.index, index=pd.MultiIndex.from_frame(data[keys])
                    if len(keys) > 1 else pd.Index(data[keys[0]]))
    grouped = idx.groupby(level=list(range(len(keys))))
    first = grouped.min().reindex(frame.columns)
    last = grouped.max().reindex(frame.columns)
    return first.to_numpy(dtype="datetime64[ns]"), last.to_numpy(dtype="datetime64[ns]")


#: ``attrs`` key of a per-day ``by=`` result: which of its cells are each group's own
#: dates (see :func:`own_dates` and :func:`keep_own_dates`).
OWN_DATES = "own_dates"


def own_dates(data: pd.Series | pd.DataFrame, frame: pd.DataFrame,
              by: str | Sequence[str] | None) -> np.ndarray | None:
    """Which cells of the pivoted ``frame`` had a row in the long input, (dates, series).

    After :func:`pivot_long` every group sits on the union of all groups' dates;
    a per-day result keeps only each group's own dates (those it has a row on,
    missing values included), which is what calling the group alone gives. None
    for a Series or wide DataFrame (every cell is its column's own).
    """
    if by is None or not isinstance(data, pd.DataFrame):
        return None
    keys = [by] if isinstance(by, str) else list(by)
    rows = pd.DatetimeIndex(frame.index).get_indexer(pd.DatetimeIndex(data.index))
    labels = pd.MultiIndex.from_frame(data[keys]) if len(keys) > 1 else pd.Index(data[keys[0]])
    cols = frame.columns.get_indexer(labels)
    present = np.zeros(frame.shape, dtype=bool)
    ok = (rows >= 0) & (cols >= 0)
    present[rows[ok], cols[ok]] = True
    return present


def keep_own_dates(out: pd.DataFrame, present: np.ndarray | None,
                   series: pd.Index) -> pd.DataFrame:
    """A per-day ``by=`` result blanked off each group's own dates, and marked so.

    ``out`` has one column per group (``series``, the columns of the pivoted
    frame), or one per group and field (a last column level). Cells on dates a
    group has no row on become missing (NaN, NaT, False) and ``attrs["own_dates"]``
    records the own cells (packed bits, group by group), so that
    :func:`conflictstats.dask.to_long` gives one row per group and own date.
    """
    if present is None:
        return out
    cols = out.columns
    nkeys = series.nlevels
    groups = cols.droplevel(-1) if cols.nlevels == nkeys + 1 else cols
    j = series.get_indexer(groups)
    if (j < 0).any() or len(out) != present.shape[0]:
        return out
    keep = present[:, j]
    if not keep.all():
        attrs = dict(out.attrs)
        dtypes = out.dtypes.to_numpy()
        pieces, order = [], []
        for dt in pd.unique(dtypes):  # one array per dtype: no loop over the columns
            pos = np.flatnonzero(dtypes == dt)
            part = out.iloc[:, pos]
            mask = keep[:, pos]
            if isinstance(dt, np.dtype) and dt.kind == "b":
                arr: Any = part.to_numpy() & mask
            elif isinstance(dt, np.dtype) and dt.kind in "fmM":
                arr = np.where(mask, part.to_numpy(), np.array("NaT" if dt.kind in "mM"
                                                                 else np.nan, dtype=dt))
            else:
                pieces.append(part.where(mask))
                order.append(pos)
                continue
            pieces.append(pd.DataFrame(arr, index=out.index, columns=cols[pos], copy=False))
            order.append(pos)
        whole = pd.concat(pieces, axis=1) if len(pieces) > 1 else pieces[0]
        out = whole.iloc[:, np.argsort(np.concatenate(order), kind="stable")]
        out.attrs = attrs
    out.attrs[OWN_DATES] = (present.shape[0], present.shape[1],
                            np.packbits(present.T, axis=None).tobytes())
    return out


def read_own_dates(out: pd.DataFrame, n_groups: int) -> np.ndarray | None:
    """The own cells recorded by :func:`keep_own_dates`, (dates, groups); None if absent
    or no longer matching ``out``'s shape (rows or groups selected since)."""
    mark = out.attrs.get(OWN_DATES)
    if not (isinstance(mark, tuple) and len(mark) == 3):
        return None
    n_dates, n_series, bits = mark
    if n_dates != len(out) or n_series != n_groups or not isinstance(bits, bytes):
        return None
    flat = np.unpackbits(np.frombuffer(bits, dtype=np.uint8), count=n_dates * n_series)
    return flat.reshape(n_series, n_dates).T.astype(bool)

"""The same per-series functions on Dask DataFrames, for panels beyond one machine.

Every conflictstats analysis works series by series, so a panel of many series
(regions x metrics x weapon models ...) scales out by giving each task whole
series. Each function here takes a :class:`dask.dataframe.DataFrame` in long
form and returns a Dask DataFrame in long form:

1. the rows are shuffled on the ``by`` columns, so that every series lies whole
   in one partition -- unless they already are (see below);
2. each partition is handed to the pandas function with ``by=`` (one call per
   partition, many series at once, exactly as on one machine);
3. the pandas result is put in long form (see below) and the partitions are
   concatenated.

``.compute()`` therefore equals :func:`to_long` of the pandas result on the
whole frame, up to the order of the rows (sort by the ``by`` columns and the
date to compare), whatever the number of partitions: every series is computed
as if alone, on its own dates, so ragged panels (series that start and end on
different days, absent days) give the same rows on one machine and on many.
The same code runs on a laptop's processes and on a cluster: only the
``dask.distributed.Client`` changes (``Client("tcp://scheduler:8786")``).

**Files.** Frames from ``dd.read_parquet`` and ``dd.read_csv`` over many files
work as they are: no function uses the row labels (each file numbers its rows
from 0). Name the date column with ``date=`` when it is not the index.

**One shuffle.** A frame whose series already lie whole in one partition is not
shuffled again: the frames these functions return (so ``read_parquet ->
to_daily -> records`` shuffles once), a frame indexed by a ``by`` column with
known divisions, or any frame said to be so with ``partitioned=True`` (a
Parquet dataset with each series in one file); :func:`partitioned_by` tells
what is known of a frame. ``meta=`` gives the output's schema; otherwise it is
worked out once per function, arguments and input dtypes, on a small sample.

Install with ``pip install "conflictstats[dask]"``; ``import conflictstats``
never imports Dask, this module does.

**Long form.** Input: a date (the DatetimeIndex, or a column named by ``date=``), the ``by``
columns, and the value column (``value=``). For :func:`to_daily` the
observation table (``metric``, ``value``, ``unit``, ``kind``, ``start``,
``end`` ...) with its ``by`` columns.

Output: the ``by`` columns first, then

* per-day results (:func:`anomalies`, :func:`highest_since`, :func:`to_daily`):
  one row per series and date it has a row on (for :func:`to_daily`, a date a
  report covers), ``date`` and the fields (``anomalies``: ``value``, ``expected``, ``lower`` ...;
  ``highest_since``: ``since``; ``to_daily``: ``metric`` before the ``by``
  columns, then ``value`` on the days a report covers);
* tables (:func:`records`, :func:`changepoints`, :func:`mann_kendall`,
  :func:`period_totals`, :func:`rate`): the table's columns, its ``series``
  column replaced by the ``by`` columns (and a ``date`` column where the table
  is indexed by date).

References
----------
Rocklin, M. (2015). Dask: parallel computation with blocked algorithms and task
scheduling. *Proceedings of the 14th Python in Science Conference*, 126-132.

Examples
--------
>>> import dask.dataframe as dd
>>> import pandas as pd
>>> from conflictstats import dask as csd
>>> long = pd.DataFrame(
...     {"region": ["a"] * 3 + ["b"] * 3, "value": [1.0, 3.0, 2.0, 5.0, 4.0, 6.0]},
...     index=pd.DatetimeIndex(["2024-11-25", "2024-11-26", "2024-11-27"] * 2, name="date"))
>>> since = csd.highest_since(dd.from_pandas(long, npartitions=2), by="region")
>>> since.compute().sort_values(["region", "date"], ignore_index=True)
  region       date      since
0      a 2024-11-25        NaT
1      a 2024-11-26        NaT
2      a 2024-11-27 2024-11-26
3      b 2024-11-25        NaT
4      b 2024-11-26 2024-11-25
5      b 2024-11-27        NaT
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._validate import read_own_dates
from .errors import InputError, InputTypeError, MissingKeyError

__all__ = [
    "anomalies",
    "changepoints",
    "highest_since",
    "lowest_since",
    "mann_kendall",
    "partitioned_by",
    "period_totals",
    "rate",
    "reconcile",
    "records",
    "to_daily",
    "to_long",
]

_DATE = "date"


def _dd() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "conflictstats.dask needs Dask: pip install \"conflictstats[dask]\""
        ) from exc
    return dd


def _keys(by: str | Sequence[str] | None, *, required: bool = True) -> list[str]:
    if by is None:
        if required:
            raise InputError("by= is required: the column(s) that name each series")
        return []
    return [by] if isinstance(by, str) else list(by)


# ---------------------------------------------------------------------------
# pandas results in long form
# ---------------------------------------------------------------------------


def _split_series(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Replace a tidy table's ``series`` column by one column per ``by`` key."""
    out = table.reset_index(names=_DATE) if isinstance(table.index, pd.DatetimeIndex) \
        else table.reset_index(drop=True)
    labels = out.pop("series")
    if len(keys) == 1 or len(labels) == 0:
        front = pd.DataFrame({k: labels.to_numpy() if len(keys) == 1 else labels.iloc[:0]
                              for k in keys}, index=out.index)
    else:  # (key, key, ...) tuples, one column per key
        front = pd.DataFrame(labels.tolist(), index=out.index, columns=keys)
    return pd.concat([front, out], axis=1)


def to_long(result: pd.DataFrame, by: str | Sequence[str], *, name: str = "value",
            dropna: bool = False) -> pd.DataFrame:
    """A pandas ``by=`` result in the long form the Dask functions return.

    Parameters
    ----------
    result : DataFrame
        What a conflictstats function returned for a long frame with ``by=``: a
        tidy table with a ``series`` column, a per-day frame whose columns are
        the groups, or one whose columns are ``(*groups, field)``.
    by : str or list of str
        The group column names, in order.
    name : str
        The value column of a per-day frame with one column per group.
    dropna : bool
        Drop rows whose value is missing (per-day frames with one value only).

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``date`` (when there is one) and the fields, on a
        RangeIndex. A per-day result of a long frame (``anomalies``,
        ``highest_since``, ``lowest_since`` with ``by=``) gives one row per group
        and date the group has a row on, read from ``attrs["own_dates"]``; a wide
        frame without it gives every date of every column.

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, None]},
    ...                     index=pd.date_range("2024-11-25", periods=2, name="date"))
    >>> to_long(wide, "region")
      region       date  value
    0      a 2024-11-25    1.0
    1      a 2024-11-26    2.0
    2      b 2024-11-25    3.0
    3      b 2024-11-26    NaN
    """
    keys = _keys(by)
    if "series" in result.columns:
        return _split_series(result, keys)
    cols = result.columns
    nlev = cols.nlevels
    if nlev == len(keys) + 1:  # (*groups, field)
        groups = cols.droplevel(nlev - 1).unique()
        fields = list(dict.fromkeys(cols.get_level_values(nlev - 1)))
    elif nlev == len(keys):
        groups, fields = cols, [name]
    else:
        raise InputError(
            f"to_long: the result has {nlev} column level(s); by= names {len(keys)}"
        )
    n_dates, n_groups = len(result), len(groups)
    # group by group (each group's dates together), built from the arrays: no stack
    own = read_own_dates(result, n_groups)
    keep = None if own is None else own.T.ravel()
    take = (lambda a: a) if keep is None else (lambda a: a[keep])
    out: dict[str, Any] = {}
    for i, k in enumerate(keys):
        level = groups.get_level_values(i) if isinstance(groups, pd.MultiIndex) else groups
        out[k] = take(level.repeat(n_dates))
    dates = pd.DatetimeIndex(result.index, name=_DATE)
    out[_DATE] = take(pd.DatetimeIndex(np.tile(dates.to_numpy(), n_groups)))
    for f in fields:
        if nlev == len(keys):
            block = result
        else:
            labels = [(*(g if isinstance(g, tuple) else (g,)), f) for g in groups]
            block = result.loc[:, pd.MultiIndex.from_tuples(labels)] if len(labels) else \
                result.iloc[:, :0]
        out[f] = take(block.to_numpy().T.ravel() if block.shape[1] else np.empty(0))
    long = pd.DataFrame({k: (v.to_numpy() if isinstance(v, pd.Index) else v)
                         for k, v in out.items()})
    for k in keys:  # the group columns keep the dtype of the column labels
        level = groups.get_level_values(keys.index(k)) if isinstance(groups, pd.MultiIndex) \
            else groups
        if isinstance(level.dtype, pd.CategoricalDtype):
            long[k] = long[k].astype(level.dtype)
    if dropna and nlev == len(keys):
        long = long[long[name].notna()]
    return long.sort_values([*keys, _DATE], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# the dispatcher
# ---------------------------------------------------------------------------


def _check_frame(data: Any, name: str) -> None:
    dd = _dd()
    if not isinstance(data, dd.DataFrame):
        raise InputTypeError(
            f"{name} must be a dask.dataframe.DataFrame in long form; got {type(data).__name__} "
            "(for pandas objects call the conflictstats function itself)"
        )


def _columns_present(data: Any, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise MissingKeyError(
            f"{name}: column {missing[0]!r} not found; columns are {list(data.columns)}"
        )


def _dated(data: Any, date: str | None, name: str) -> tuple[Any, str]:
    """The frame with its date as a column (named ``date`` unless given)."""
    if date is not None:
        _columns_present(data, [date], name)
        return data, date
    idx_name = data.index.name or _DATE
    if not pd.api.types.is_datetime64_any_dtype(data._meta.index.dtype):
        raise InputTypeError(
            f"{name}: give the dates as a DatetimeIndex or name a date column with date=; "
            f"the index has dtype {data._meta.index.dtype}"
        )
    return data.reset_index().rename(columns={data._meta.reset_index().columns[0]: idx_name}), \
        idx_name


def _apply(part: pd.DataFrame, func: Callable[..., Any], keys: list[str], value: str,
           date: str, kwargs: dict[str, Any], name: str) -> pd.DataFrame:
    """One partition: whole series, one call of the pandas function with by=."""
    frame = part.set_index(pd.DatetimeIndex(part[date], name=_DATE))[[*keys, value]]
    frame = frame.sort_index(kind="stable")
    out = func(frame, by=keys, value=value, **kwargs)
    return to_long(out, keys, name=name)


def _apply_pair(num: pd.DataFrame, den: pd.DataFrame, func: Callable[..., Any],
                keys: list[str], value: str, date: str,
                kwargs: dict[str, Any]) -> pd.DataFrame:
    a = num.set_index(pd.DatetimeIndex(num[date], name=_DATE))[[*keys, value]]
    b = den.set_index(pd.DatetimeIndex(den[date], name=_DATE))[[*keys, value]]
    out = func(a.sort_index(kind="stable"), b.sort_index(kind="stable"), by=keys, value=value,
               **kwargs)
    return to_long(out, keys)


def _sample(meta: pd.DataFrame, keys: list[str], value: str, date: str,
            n: int = 400) -> pd.DataFrame:
    """A small real-looking long frame with the input's dtypes: one series of counts.

    ``meta`` is Dask's non-empty stand-in for the input (``_meta_nonempty``): its
    first row gives a group label of the right dtype (categoricals included).
    """
    rng = np.random.default_rng(0)
    cols: dict[str, Any] = {}
    for c in meta.columns:
        if c == date:
            cols[c] = pd.Series(pd.date_range("2022-01-03", periods=n)).astype(meta[c].dtype)
        elif c == value:
            cols[c] = pd.Series(rng.poisson(20, n).astype("float64")).astype(meta[c].dtype)
        else:
            cols[c] = pd.Series(meta[c].iloc[:1].tolist() * n, dtype=meta[c].dtype)
    return pd.DataFrame(cols)


def _value_column(frame: Any, keys: list[str], date_col: str, value: str | None,
                  name: str) -> str:
    """The value column: ``value=`` or the one column besides the date and the keys."""
    if value is not None:
        return value
    rest = [c for c in frame.columns if c not in (*keys, date_col)]
    if len(rest) != 1:
        raise InputError(f"{name}: with by=, name the value column with value= "
                         f"(candidates: {rest})")
    return str(rest[0])


#: Frames this module returned, by Dask expression name: the columns whose series
#: each lie whole in one partition. A later call grouped by these columns (or more)
#: does not shuffle them again. Bounded: the oldest names are forgotten first.
_PARTITIONED: dict[str, tuple[str, ...]] = {}
_PARTITIONED_MAX = 4096


def _mark_partitioned(frame: Any, keys: Sequence[str]) -> Any:
    """Remember that ``frame`` holds each series of ``keys`` whole in one partition."""
    _PARTITIONED.pop(frame._name, None)
    _PARTITIONED[frame._name] = tuple(keys)
    while len(_PARTITIONED) > _PARTITIONED_MAX:
        _PARTITIONED.pop(next(iter(_PARTITIONED)))
    return frame


def partitioned_by(data: Any) -> tuple[str, ...] | None:
    """The columns a Dask DataFrame is known to be partitioned by, or None.

    A frame is *partitioned by* columns when all rows with the same values of
    those columns lie in one partition, so that every series grouped by them
    (or by more columns) is whole in one partition and needs no shuffle. This is
    known for the frames this module returns (each is partitioned by its group
    columns: ``metric`` and ``by`` for :func:`to_daily`), for a frame indexed by
    one column with known divisions (``set_index(column)``), and for a frame of
    one partition. Other frames, such as ``dd.read_parquet`` of a dataset
    written with ``partition_on=``, are not recognised: pass
    ``partitioned=True`` when every series lies whole in one file and partition.

    Parameters
    ----------
    data : dask.dataframe.DataFrame
        Any Dask DataFrame.

    Returns
    -------
    tuple of str or None
        The columns (empty for a frame of one partition: any grouping is whole),
        or None when nothing is known.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from conflictstats import dask as csd
    >>> obs = pd.DataFrame({"metric": "drones_launched", "value": [188.0, 89.0, 30.0],
    ...                     "unit": "count", "kind": "flow", "region": ["all", "all", "east"],
    ...                     "start": ["2024-11-25", "2024-11-26", "2024-11-25"],
    ...                     "end": ["2024-11-25", "2024-11-26", "2024-11-25"]})
    >>> daily = csd.to_daily(dd.from_pandas(obs, npartitions=2), by="region")
    >>> csd.partitioned_by(daily)
    ('metric', 'region')
    >>> csd.partitioned_by(dd.from_pandas(obs, npartitions=2)) is None
    True
    """
    _check_frame(data, "data")
    known = _PARTITIONED.get(data._name)
    if known is not None:
        return known
    if data.npartitions == 1:
        return ()
    idx = data._meta.index.name
    if idx is not None and data.known_divisions and \
            not pd.api.types.is_datetime64_any_dtype(data._meta.index.dtype):
        return (str(idx),)
    return None


def _whole(data: Any, keys: Sequence[str], partitioned: bool | None) -> bool:
    """Whether every series of ``keys`` already lies whole in one partition of ``data``."""
    if partitioned is not None:
        if not isinstance(partitioned, (bool, np.bool_)):
            raise InputTypeError(f"partitioned must be True, False or None; got {partitioned!r}")
        return bool(partitioned)
    known = partitioned_by(data)
    return known is not None and set(known) <= set(keys)


def _by_series(frame: Any, keys: list[str], whole: bool, npartitions: int | None) -> Any:
    """``frame`` with every series whole in one partition: shuffled unless it already is."""
    if not whole or (npartitions is not None and npartitions > frame.npartitions):
        return frame.shuffle(on=keys, npartitions=npartitions)
    if npartitions is not None and npartitions < frame.npartitions:
        return frame.repartition(npartitions=npartitions)  # joins neighbours: still whole
    return frame


def _index_keys(data: Any, keys: list[str]) -> Any:
    """A frame indexed by one of the ``by`` columns, with that column back among the others."""
    if data._meta.index.name is not None and data._meta.index.name in keys:
        return data.reset_index()
    return data


#: Output schemas already worked out, by function, keyword arguments and input dtypes.
_META_CACHE: dict[str, pd.DataFrame] = {}


def _schema(func: Callable[..., Any], frame: Any, keys: list[str], value: str, date: str,
            kwargs: dict[str, Any], name: str, meta: Any) -> pd.DataFrame:
    """The empty pandas frame the result will look like: ``meta=``, or from a sample."""
    if meta is not None:
        if not isinstance(meta, pd.DataFrame):
            raise InputTypeError(f"meta must be an empty pandas DataFrame with the output's "
                                 f"columns and dtypes; got {type(meta).__name__}")
        return meta.iloc[:0]
    key = repr((getattr(func, "__name__", func), sorted(kwargs.items()), keys, value, date,
                name, list(frame._meta.dtypes.astype(str).items())))
    if key not in _META_CACHE:
        sample = _sample(frame._meta_nonempty, keys, value, date)
        _META_CACHE[key] = _apply(sample, func, keys, value, date, kwargs, name).iloc[:0]
    return _META_CACHE[key].copy()


def _per_series(func: Callable[..., Any], data: Any, *, by: str | Sequence[str] | None,
                value: str | None, date: str | None, kwargs: dict[str, Any],
                name: str = "value", npartitions: int | None = None,
                partitioned: bool | None = None, meta: Any = None) -> Any:
    """Shuffle on the ``by`` columns (unless whole already) and run ``func`` per partition."""
    _check_frame(data, "data")
    keys = _keys(by)
    whole = _whole(data, keys, partitioned)
    frame, date_col = _dated(_index_keys(data, keys), date, "data")
    value = _value_column(frame, keys, date_col, value, "data")
    _columns_present(frame, [*keys, value], "data")
    frame = frame[[date_col, *keys, value]]
    out_meta = _schema(func, frame, keys, value, date_col, kwargs, name, meta)

    def run(part: pd.DataFrame) -> pd.DataFrame:
        if len(part) == 0:
            return out_meta.copy()
        return _apply(part, func, keys, value, date_col, kwargs, name)

    result = _by_series(frame, keys, whole, npartitions).map_partitions(
        run, meta=out_meta, enforce_metadata=False)
    return _mark_partitioned(result, keys)


# ---------------------------------------------------------------------------
# the functions
# ---------------------------------------------------------------------------

_COMMON = """
    Parameters
    ----------
    data : dask.dataframe.DataFrame
        Long form: a DatetimeIndex (or the column ``date``), the ``by``
        column(s) and the value column.
    by : str or list of str
        The column(s) that name each series; each series is processed whole in
        one task.
    value : str, optional
        The value column (needed when there are other columns).
    date : str, optional
        A date column to use instead of the index.
    npartitions : int, optional
        Partitions after the shuffle (default: as many as the input).
    partitioned : bool, optional
        Whether every series already lies whole in one partition, so that no
        shuffle is needed. Default: known for the frames this module returns and
        for a frame indexed by a ``by`` column with known divisions (see
        :func:`partitioned_by`); ``True`` to say so of others (a Parquet dataset
        with each series in one file), ``False`` to shuffle anyway.
    meta : DataFrame, optional
        An empty pandas frame with the output's columns and dtypes; by default it
        is worked out once (per function, arguments and input dtypes) from a
        small sample.
    **kwargs
        Passed to :func:`conflictstats.{name}`.

    Returns
    -------
    dask.dataframe.DataFrame
        Long form (see the module notes); ``.compute()`` equals
        ``to_long(conflictstats.{name}(pandas_frame, by=by, value=value, ...), by)``.

    Examples
    --------
    See the module's example (:func:`highest_since`); every function is called
    the same way, with the keyword arguments of the pandas function.
"""


def _doc(name: str, summary: str) -> str:
    return summary + "\n" + _COMMON.replace("{name}", name)


def _wrap(name: str, field: str = "value") -> Callable[..., Any]:
    def function(data: Any, *, by: str | Sequence[str], value: str | None = None,
                 date: str | None = None, npartitions: int | None = None,
                 partitioned: bool | None = None, meta: Any = None,
                 **kwargs: Any) -> Any:
        import conflictstats as cs

        return _per_series(getattr(cs, name), data, by=by, value=value, date=date,
                           kwargs=kwargs, name=field, npartitions=npartitions,
                           partitioned=partitioned, meta=meta)

    function.__name__ = function.__qualname__ = name
    return function


anomalies = _wrap("anomalies")
anomalies.__doc__ = _doc("anomalies", "Anomalies of every series: one row per series and day.")
changepoints = _wrap("changepoints")
changepoints.__doc__ = _doc("changepoints", "Change points of every series: one row per change.")
mann_kendall = _wrap("mann_kendall")
mann_kendall.__doc__ = _doc("mann_kendall", "Mann-Kendall trend test: one row per series.")
records = _wrap("records")
records.__doc__ = _doc("records", "Records of every series: one row per record.")
highest_since = _wrap("highest_since", "since")
highest_since.__doc__ = _doc(
    "highest_since", "For each series and day, the last earlier day as high (column ``since``).")
lowest_since = _wrap("lowest_since", "since")
lowest_since.__doc__ = _doc(
    "lowest_since", "For each series and day, the last earlier day as low (column ``since``).")
period_totals = _wrap("period_totals")
period_totals.__doc__ = _doc("period_totals",
                             "Totals over calendar periods or windows: one row per series and "
                             "period.")


def rate(numerator: Any, denominator: Any, *, by: str | Sequence[str],
         value: str | None = None, date: str | None = None,
         npartitions: int | None = None, meta: Any = None, **kwargs: Any) -> Any:
    """Rates of every series: two long frames with the same groups, shuffled alike.

    Parameters
    ----------
    numerator, denominator : dask.dataframe.DataFrame
        Long form, as for the other functions, with the same ``by`` and value
        column names.
    by, value, date, npartitions, meta
        As for :func:`anomalies`. Both frames are always shuffled (on the same
        keys into the same number of partitions), so that each partition of one
        meets the same series in the other.
    **kwargs
        Passed to :func:`conflictstats.rate` (``freq=``, ``window=``, ``method=``
        ...).

    Returns
    -------
    dask.dataframe.DataFrame
        Long form; ``.compute()`` equals ``to_long(conflictstats.rate(n, d, by=by,
        value=value, ...), by)``.
    """
    import conflictstats as cs

    _check_frame(numerator, "numerator")
    _check_frame(denominator, "denominator")
    keys = _keys(by)
    num, date_col = _dated(numerator, date, "numerator")
    den, date_den = _dated(denominator, date, "denominator")
    if date_den != date_col:
        den = den.rename(columns={date_den: date_col})
    value = _value_column(num, keys, date_col, value, "numerator")
    _columns_present(num, [*keys, value], "numerator")
    _columns_present(den, [*keys, value], "denominator")
    num = num[[date_col, *keys, value]]
    den = den[[date_col, *keys, value]]
    parts = npartitions or max(num.npartitions, den.npartitions)
    # the same hash of the same keys over the same number of partitions: aligned
    a = num.shuffle(on=keys, npartitions=parts)
    b = den.shuffle(on=keys, npartitions=parts)
    if meta is None:
        sample = _sample(num._meta_nonempty, keys, value, date_col)
        meta = _apply_pair(sample, sample, cs.rate, keys, value, date_col, kwargs).iloc[:0]
    elif not isinstance(meta, pd.DataFrame):
        raise InputTypeError(f"meta must be an empty pandas DataFrame with the output's "
                             f"columns and dtypes; got {type(meta).__name__}")
    out_meta = meta.iloc[:0]

    def run(x: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
        if len(x) == 0 and len(y) == 0:
            return out_meta.copy()
        return _apply_pair(x, y, cs.rate, keys, value, date_col, kwargs)

    dd = _dd()
    result = dd.map_partitions(run, a, b, meta=out_meta, align_dataframes=False,
                               enforce_metadata=False)
    return _mark_partitioned(result, keys)


def reconcile(a: Any, b: Any, *, by: str | Sequence[str], value: str | None = None,
              date: str | None = None, npartitions: int | None = None, meta: Any = None,
              **kwargs: Any) -> Any:
    """Reconcile two sources of every series: two long frames, shuffled alike.

    Parameters
    ----------
    a, b : dask.dataframe.DataFrame
        Long form, as for :func:`rate`, with the same ``by`` and value column
        names: each group of ``b`` is reconciled with the same group of ``a``.
    by, value, date, npartitions, meta
        As for :func:`rate`. Both frames are always shuffled on the same keys into
        the same number of partitions.
    **kwargs
        Passed to :func:`conflictstats.reconcile` (``kind=``, ``freq=``,
        ``max_lag=`` ...).

    Returns
    -------
    dask.dataframe.DataFrame
        One row per group; ``.compute()`` equals ``conflictstats.reconcile(a, b,
        by=by, value=value, ...)`` on the pandas frames (rows in another order).
    """
    from .reconcile import reconcile as reconcile_

    _check_frame(a, "a")
    _check_frame(b, "b")
    keys = _keys(by)
    left, date_col = _dated(a, date, "a")
    right, date_b = _dated(b, date, "b")
    if date_b != date_col:
        right = right.rename(columns={date_b: date_col})
    value = _value_column(left, keys, date_col, value, "a")
    _columns_present(left, [*keys, value], "a")
    _columns_present(right, [*keys, value], "b")
    left, right = left[[date_col, *keys, value]], right[[date_col, *keys, value]]
    parts = npartitions or max(left.npartitions, right.npartitions)
    x = left.shuffle(on=keys, npartitions=parts)
    y = right.shuffle(on=keys, npartitions=parts)

    def pair(u: pd.DataFrame, v: pd.DataFrame) -> pd.DataFrame:
        fa = u.set_index(pd.DatetimeIndex(u[date_col], name=_DATE))[[*keys, value]]
        fb = v.set_index(pd.DatetimeIndex(v[date_col], name=_DATE))[[*keys, value]]
        out: pd.DataFrame = reconcile_(fa.sort_index(kind="stable"), fb.sort_index(kind="stable"),
                                       by=keys, value=value, **kwargs)
        return out

    if meta is None:
        sample = _sample(left._meta_nonempty, keys, value, date_col)
        meta = pair(sample, sample).iloc[:0]
    elif not isinstance(meta, pd.DataFrame):
        raise InputTypeError(f"meta must be an empty pandas DataFrame with the output's "
                             f"columns and dtypes; got {type(meta).__name__}")
    out_meta = meta.iloc[:0]

    def run(u: pd.DataFrame, v: pd.DataFrame) -> pd.DataFrame:
        if len(u) == 0 and len(v) == 0:
            return out_meta.copy()
        return pair(u, v)

    dd = _dd()
    result = dd.map_partitions(run, x, y, meta=out_meta, align_dataframes=False,
                               enforce_metadata=False)
    return _mark_partitioned(result, keys)


def to_daily(observations: Any, *, by: str | Sequence[str] | None = None,
             npartitions: int | None = None, partitioned: bool | None = None,
             meta: Any = None, **kwargs: Any) -> Any:
    """Daily series of every metric and group, from a Dask table of observations.

    Parameters
    ----------
    observations : dask.dataframe.DataFrame
        The observation table (``metric``, ``value``, ``unit``, ``kind``,
        ``start``, ``end`` ...) with its ``by`` columns; validated per partition
        as :func:`conflictstats.to_daily` does.
    by : str or list of str, optional
        Grouping column(s) besides ``metric``.
    npartitions : int, optional
        Partitions after the shuffle on ``metric`` and ``by``.
    partitioned : bool, optional
        Whether the reports of every series (``metric`` and ``by``) already lie
        whole in one partition, as for :func:`anomalies`; by default only the
        cases :func:`partitioned_by` recognises.
    meta : DataFrame, optional
        The output's empty frame, as for :func:`anomalies` (by default built
        from the input's dtypes, without computing anything).
    **kwargs
        Passed to :func:`conflictstats.to_daily` (``overnight=``, ``conflict=``,
        ``spread=``; ``metric=`` selects metrics).

    Returns
    -------
    dask.dataframe.DataFrame
        Columns ``metric``, the ``by`` columns, ``date`` and ``value``: one row per
        series and day that a report covers. ``.compute()`` equals
        ``to_long(conflictstats.to_daily(obs, by=by, ...), ["metric", *by],
        dropna=True)``. It is partitioned by ``metric`` and ``by`` (see
        :func:`partitioned_by`): the functions above, called on it with those
        columns as ``by=``, do not shuffle it again.

    Notes
    -----
    The row labels of the input are not used: files read by ``dd.read_csv`` or
    ``dd.read_parquet`` each number their rows from 0, and a partition whose
    labels repeat is renumbered before :func:`conflictstats.to_daily` checks it
    (messages then name a row by its position in the partition).

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from conflictstats import dask as csd
    >>> obs = pd.DataFrame({
    ...     "metric": "drones_launched", "value": [188.0, 89.0, 30.0], "unit": "count",
    ...     "kind": "flow", "region": ["all", "all", "kharkiv"],
    ...     "start": ["2024-11-25 19:30", "2024-11-26 19:30", "2024-11-25"],
    ...     "end": ["2024-11-26 09:00", "2024-11-27 09:00", "2024-11-26"]})
    >>> daily = csd.to_daily(dd.from_pandas(obs, npartitions=1), by="region")
    >>> daily.compute().sort_values(["region", "date"], ignore_index=True)
                metric   region       date  value
    0  drones_launched      all 2024-11-26  188.0
    1  drones_launched      all 2024-11-27   89.0
    2  drones_launched  kharkiv 2024-11-25   15.0
    3  drones_launched  kharkiv 2024-11-26   15.0
    """
    import conflictstats as cs

    _check_frame(observations, "observations")
    keys = ["metric", *_keys(by, required=False)]
    _columns_present(observations, keys, "observations")
    inner_by = keys[1:] or None
    metric = kwargs.get("metric")
    if isinstance(metric, str):
        kwargs = {**kwargs, "metric": [metric]}  # keep the metric level in the columns

    if meta is None:
        sample = observations._meta
        meta = pd.DataFrame({k: pd.Series(dtype=sample[k].dtype) for k in keys}
                            | {_DATE: pd.Series(dtype="datetime64[ns]"),
                               "value": pd.Series(dtype="float64")})
    elif not isinstance(meta, pd.DataFrame):
        raise InputTypeError(f"meta must be an empty pandas DataFrame with the output's "
                             f"columns and dtypes; got {type(meta).__name__}")
    out_meta = meta.iloc[:0]

    def run(part: pd.DataFrame) -> pd.DataFrame:
        if len(part) == 0:
            return out_meta.copy()
        if not part.index.is_unique:  # each file numbers its rows from 0
            part = part.reset_index(drop=True)
        daily = cs.to_daily(part, by=inner_by, **kwargs)
        if daily.columns.nlevels == 1:
            daily.columns = daily.columns.rename("metric")
        return to_long(daily, keys, name="value", dropna=True)

    whole = _whole(observations, keys, partitioned)
    result = _by_series(observations, keys, whole, npartitions).map_partitions(
        run, meta=out_meta, enforce_metadata=False)
    return _mark_partitioned(result, keys)

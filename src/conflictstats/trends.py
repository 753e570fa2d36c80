"""Trends: period totals, calendar-aware rolling statistics, Mann–Kendall, Theil–Sen, STL, LOWESS.

Every function takes a daily series with a sorted, unique DatetimeIndex: a
Series, or a wide DataFrame of series (one column each); all but
:func:`period_totals` and :func:`rolling` also take a long DataFrame with
``by=`` groups and a ``value=`` column.  The input's shape decides the
output's: a summary result for a Series, a tidy table (one row per series) or
a frame aligned to the input for a DataFrame.  A missing day is NaN (or an
absent date), never zero; each function says what it does with one.

Time is real time: slopes are per day, with ``t`` the number of days since the
first date of the index, so irregular dates are handled.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import pandas as pd

from . import _kendall, _periods
from ._docstrings import fill_doc
from ._kinds import recorded_spans, resolve_kind
from ._validate import (
    as_frame,
    check_alpha,
    check_choice,
    check_int,
    long_ranges,
    wrap_like,
)
from .errors import DataWarning, InputError
from .results import TheilSenFit, TrendTest

__all__ = [
    "decompose",
    "lowess",
    "mann_kendall",
    "period_change",
    "period_totals",
    "rolling",
    "theil_sen",
]

_DAY = pd.Timedelta(days=1)


def _day_numbers(index: pd.DatetimeIndex) -> np.ndarray:
    """Days since the first date of ``index``, as floats (fractions for clock times)."""
    return np.asarray((index - index[0]) / _DAY, dtype=float)


def _period_input(
    series: pd.Series | pd.DataFrame, *, freq: Any, window: Any, kind: str | None,
    by: str | Sequence[str] | None, value: str | None, what: str,
) -> tuple[pd.DataFrame, bool, _periods.Span, _periods.PeriodTable, list[str]]:
    """Validate, resolve the kind of each series and total over the periods."""
    frame, was_series = as_frame(series, name="series", by=by, value=value, finite=True)
    span = _periods.parse_span(freq, window) or _periods.parse_freq("W-SUN")
    kinds = [resolve_kind(series, kind, column=None if was_series else col, what=what)
             for col in frame.columns]
    spans = None if by is not None else recorded_spans(series, frame.columns)
    table = _periods.totals(frame, span, kinds, long_ranges(series, frame, by), spans)
    return frame, was_series, span, table, kinds


def _partial(table: _periods.PeriodTable) -> np.ndarray:
    if table.partial is None:
        return np.zeros(table.total.shape, dtype=bool)
    return table.partial


@fill_doc
def period_totals(
    series: pd.Series | pd.DataFrame,
    *,
    freq: str | None = None,
    window: int | str | pd.Timedelta | None = None,
    kind: str | None = None,
    min_count: int = 1,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Totals per calendar period or rolling window, marking incomplete ones.

    Parameters
    ----------
    series : Series or DataFrame
        Daily values (dates at midnight; absent dates count as missing days).
        A wide DataFrame gives the same table for each column, stacked.
    %(freq_window)s
        Default: ``freq="W-SUN"``.
    %(kind_totals)s
    min_count : int, default 1
        ``total`` is NaN when fewer days than this were reported in the period
        (as in pandas, ``min_count=0`` gives a flow total of 0 for a period with
        no report at all; a level change is always NaN without a report).
    %(by_value)s

    Returns
    -------
    DataFrame
        Indexed by ``date``, the period's label (its last day; for a rolling
        window, the window's last day), with columns

        - ``series`` (only for DataFrame or long input): the column or group label;
        - ``total``: sum of the reported days (missing days are not zeros and
          not guessed: the sum covers only the reported days -- check
          ``complete``); for levels, the change described above;
        - ``n_days``: calendar days in the period;
        - ``n_reported``: days with a value;
        - ``complete``: every day of the period reported and inside the data
          (the first and last period are usually incomplete); for levels: a
          level reported on the period's last day and on the day before it starts;
        - ``partial_report``: the period holds part of a report spread over
          days outside it (a fortnight's figure, a cumulative step across a
          gap between reports, as :func:`~conflictstats.to_daily` records them
          in ``attrs["spans"]``): its total is an even share of that report,
          not a measurement, and the period is not complete;
        - ``start``, ``end``: first and last day of the period.

    See Also
    --------
    period_change : Change between consecutive periods.
    rolling : Rolling-window statistics over days.
    records : Which period totals set a record.
    conflictstats.plotting.plot_weekly_bars : Draw the weekly totals.

    Notes
    -----
    For a flow, ``total = sum(x_d for d in period if x_d is reported)``.
    For a level, ``total = L(e) - L(b)``, ``e`` the last report in the period
    and ``b`` the last report before it. Periods are built on the calendar
    from the first to the last date of the data, so a week with no report at
    all still appears, with ``total`` NaN. A flow period is complete only
    when every report spread over its days lies wholly inside it: a weekly
    figure keeps its own Monday-Sunday week complete, but a figure covering
    two weeks leaves both incomplete (``partial_report``). :func:`period_change`,
    :func:`~conflictstats.rate`, :func:`~conflictstats.records` and
    :func:`~conflictstats.check_claim` use the same periods and the same
    completeness.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([1.0, 2, None, 4, 5, 6, 7, 8, 9],
    ...               index=pd.date_range("2024-11-04", periods=9))  # Monday to next Tuesday
    >>> period_totals(s, kind="flow")[["total", "n_reported", "complete", "start"]]
                total  n_reported  complete      start
    date
    2024-11-10   25.0           6     False 2024-11-04
    2024-11-17   17.0           2     False 2024-11-11

    A level (the occupied area) gives the change over each period:

    >>> area = pd.Series([100.0, 110.0, 125.0, 130.0],
    ...                  index=pd.to_datetime(["2024-11-03", "2024-11-10", "2024-11-17",
    ...                                        "2024-11-24"]))
    >>> period_totals(area, kind="level")["total"].tolist()
    [nan, 10.0, 15.0, 5.0]
    """
    min_count = check_int("min_count", min_count, minimum=0)
    frame, was_series, _, table, kinds = _period_input(
        series, freq=freq, window=window, kind=kind, by=by, value=value, what="period_totals")
    enough = table.n_reported >= max(min_count, 1)
    flow = np.asarray([k != "level" for k in kinds])[None, :]
    empty_flow = (min_count == 0) & flow & (table.n_reported == 0)
    total = np.where(enough, table.total, np.where(empty_flow, 0.0, np.nan))
    return _periods.tidy(table, frame.columns, was_series, {
        "total": total,
        "n_days": table.n_days,
        "n_reported": table.n_reported,
        "complete": table.complete,
        "partial_report": _partial(table),
    })


@fill_doc
def period_change(
    series: pd.Series | pd.DataFrame,
    *,
    freq: str | None = None,
    window: int | str | pd.Timedelta | None = None,
    kind: str | None = None,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Totals per period (as :func:`period_totals`) and their change on the previous period.

    Week-on-week (``freq="W-SUN"``), month-on-month (``freq="ME"``), or the
    last N days against the N days before (``window=N``).

    Parameters
    ----------
    series : Series or DataFrame
        Daily flow or level with a sorted, unique DatetimeIndex.
    %(freq_window)s
        Default: ``freq="W-SUN"``.
    %(kind_totals)s
    %(by_value)s

    Returns
    -------
    DataFrame
        The table of :func:`period_totals` (same rows, ``total``,
        ``n_days``, ``n_reported``, ``complete``, ``partial_report``,
        ``start``, ``end``) and

        - ``pace``: total per reported day (flow), or per day elapsed between
          the two reports whose difference is the total (level);
        - ``change``, ``pct_change``: ``total`` minus, and in percent of, the
          previous period's total -- only when both periods are complete
          (NaN otherwise: a 5-day week is not compared with a full one);
        - ``pace_pct_change``: percent change of ``pace``, the fair comparison
          when periods differ in length (months) or coverage (NaN when either
          period is a ``partial_report``: its pace is an even share, not
          measured).

    See Also
    --------
    period_totals : The totals being compared.
    compare_periods : Compare two periods' rates with an interval.

    Notes
    -----
    :math:`\\text{pct\\_change}_j = 100\\,(T_j / T_{j-1} - 1)`, NaN when
    :math:`T_{j-1}` is 0 or either period is incomplete. With ``window=N``
    the previous period of the window ending on day ``d`` is the one ending on
    ``d - N``.

    Examples
    --------
    >>> import pandas as pd, conflictstats as cs
    >>> idx = pd.date_range("2024-11-11", periods=14, name="date")
    >>> taken = pd.Series([20.0] * 7 + [30.0] * 6 + [None], index=idx)
    >>> t = cs.period_change(taken, kind="flow")
    >>> t[["total", "n_reported", "pace", "change", "pace_pct_change"]].to_dict("list")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'total': [140.0, 180.0], 'n_reported': [7, 6], 'pace': [20.0, 30.0],
     'change': [nan, nan], 'pace_pct_change': [nan, 50.0]}
    """
    frame, was_series, span, table, _ = _period_input(
        series, freq=freq, window=window, kind=kind, by=by, value=value, what="period_change")
    lag = span.days or 1
    total, complete = table.total, table.complete
    with np.errstate(invalid="ignore", divide="ignore"):
        pace_ = np.where(table.elapsed > 0, total / table.elapsed, np.nan)

    def previous(a: np.ndarray, fill: Any) -> np.ndarray:
        out = np.full_like(a, fill)
        if len(a) > lag:
            out[lag:] = a[:-lag]
        return out

    prev_total = previous(total, np.nan)
    both = complete & previous(complete, False)
    with np.errstate(invalid="ignore", divide="ignore"):
        change = np.where(both, total - prev_total, np.nan)
        pct = np.where(both & (prev_total != 0), 100.0 * (total / prev_total - 1.0), np.nan)
        prev_pace = previous(pace_, np.nan)
        # a pace spread from a report reaching outside the period is not measured
        spread = _partial(table)
        pace_pct = np.where((prev_pace != 0) & ~spread & ~previous(spread, False),
                            100.0 * (pace_ / prev_pace - 1.0), np.nan)
    return _periods.tidy(table, frame.columns, was_series, {
        "total": total,
        "n_days": table.n_days,
        "n_reported": table.n_reported,
        "complete": complete,
        "partial_report": _partial(table),
        "pace": pace_,
        "change": change,
        "pct_change": pct,
        "pace_pct_change": pace_pct,
    })


# ---------------------------------------------------------------------------
# rolling
# ---------------------------------------------------------------------------

_STATS = ("mean", "sum", "median", "min", "max")


@fill_doc
def rolling(
    series: pd.Series | pd.DataFrame,
    *,
    window: int | str | pd.Timedelta = "7D",
    stat: str = "mean",
    min_periods: int | None = None,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.Series | pd.DataFrame:
    """Trailing rolling statistic over calendar days, honest about missing days.

    Parameters
    ----------
    series : Series or DataFrame
        Daily values with a DatetimeIndex; gaps in the dates are missing days.
    window : int or str or Timedelta, default "7D"
        The span of the window, ending on (and including) each date: ``"7D"``
        or ``7`` (an integer is a number of days). Dates, not rows, decide
        what is inside, so irregular dates are handled.
    stat : {"mean", "sum", "median", "min", "max"}
    min_periods : int, optional
        Reported days needed for a value. Default: all the days of the window
        (a window with a missing day gives NaN, so a sum is never silently
        short). With fewer, a ``"sum"`` is the sum of the reported days only.
    %(by_value)s

    Returns
    -------
    Series or DataFrame
        Aligned to the input, same name(s). Days whose own value is missing
        stay NaN. For a long frame: one column per group, on the dates of all
        groups.

    See Also
    --------
    period_totals : Totals over calendar periods or rolling windows.
    rate : A proportion with its confidence interval.

    Notes
    -----
    The window for date ``d`` is ``(d - window, d]``. The default
    ``min_periods`` is ``window / 1 day``, which assumes one value per day.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([1.0, 2, 3, 4], index=pd.to_datetime(
    ...     ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-05"]))
    >>> rolling(s, window="3D", stat="sum").tolist()
    [nan, nan, 6.0, nan]
    >>> rolling(s, window="3D", stat="sum", min_periods=2).tolist()
    [nan, 3.0, 6.0, 7.0]
    """
    frame, was_series = as_frame(series, name="series", by=by, value=value, finite=True,
                                 daily=True)
    days = _periods.parse_window(window).days
    assert days is not None
    span = days * _DAY
    check_choice("stat", stat, _STATS)
    need = days if min_periods is None else check_int("min_periods", min_periods, minimum=1)
    roll = frame.rolling(span, min_periods=need)
    out = getattr(roll, stat)()
    out = out.where(frame.notna())
    if by is not None:
        return out
    return _wrap(out, series, was_series)


def _wrap(out: pd.DataFrame, series: pd.Series | pd.DataFrame,
          was_series: bool) -> pd.Series | pd.DataFrame:
    if was_series:
        s = out.iloc[:, 0]
        s.name = series.name
        return s
    out.columns = series.columns
    return out


# ---------------------------------------------------------------------------
# Mann–Kendall and Theil–Sen
# ---------------------------------------------------------------------------


def _frame_input(
    series: pd.Series | pd.DataFrame, by: str | Sequence[str] | None, value: str | None
) -> tuple[pd.DataFrame, bool, np.ndarray]:
    """Validated float frame (one column per series), whether it was a Series, day numbers."""
    frame, was_series = as_frame(series, name="series", by=by, value=value, finite=True)
    t = _day_numbers(frame.index) if len(frame) else np.empty(0)
    return frame, was_series, t


def _own_starts(series: pd.Series | pd.DataFrame, frame: pd.DataFrame,
                by: str | Sequence[str] | None) -> np.ndarray:
    """Days from the first date of the shared index to each series' own first date.

    Zero for a Series or a wide frame; for a long frame, each group's first row
    (:func:`conflictstats._validate.long_ranges`), so that an intercept is the
    value at the group's own first date, as for the group alone (issue 22).
    """
    ranges = long_ranges(series, frame, by) if len(frame) else None
    if ranges is None:
        return np.zeros(frame.shape[1])
    first = pd.DatetimeIndex(ranges[0])
    return np.asarray((first - pd.DatetimeIndex(frame.index)[0]) / _DAY, dtype=float)


def _reported(t: np.ndarray, column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = ~np.isnan(column)
    return t[ok], column[ok]


def _too_few(x: np.ndarray, minimum: int, what: str) -> None:
    if x.size < minimum:
        raise InputError(
            f"{what} needs at least {minimum} reported values; series has {x.size}"
        )


def _tidy(rows: list[dict[str, Any]], fields: list[str]) -> pd.DataFrame:
    """One row per series: ``series`` then the result fields (RangeIndex)."""
    if not rows:
        return pd.DataFrame(columns=["series", *fields])
    return pd.DataFrame(rows, columns=["series", *fields])


def _missing_row(label: Any, fields: list[str], n: int, **known: Any) -> dict[str, Any]:
    """The row of a series with too few values: NaN fields, its ``n`` and the parameters."""
    row: dict[str, Any] = {"series": label}
    row.update({f: np.nan for f in fields})
    row.update(n=n, **known)
    return row


def _sen_slope(t: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    slope = _kendall.median_pair_slope(t, x)
    intercept = float(np.median(x) - np.median(t) * slope)
    return slope, intercept


_TREND_FIELDS = [f.name for f in dataclasses.fields(TrendTest)]
_THEIL_SEN_FIELDS = [f.name for f in dataclasses.fields(TheilSenFit)]


@overload
def mann_kendall(series: pd.Series, *, method: str = ..., alpha: float = ...,
                 lag: int | None = ..., by: None = ..., value: None = ...) -> TrendTest: ...
@overload
def mann_kendall(series: pd.DataFrame, *, method: str = ..., alpha: float = ...,
                 lag: int | None = ..., by: str | Sequence[str] | None = ...,
                 value: str | None = ...) -> pd.DataFrame: ...
def mann_kendall(
    series: pd.Series | pd.DataFrame,
    *,
    method: str = "ar1",
    alpha: float = 0.05,
    lag: int | None = None,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> TrendTest | pd.DataFrame:
    """Mann–Kendall test for a monotonic trend, with Sen's slope per day.

    Parameters
    ----------
    series : Series or DataFrame
        Values with a DatetimeIndex; NaN are dropped (as pymannkendall does).
        A wide DataFrame (one column per series) is tested column by column.
    method : {"ar1", "original", "hamed_rao"}, default "ar1"
        ``"ar1"`` (the default since issue 20; it was ``"original"``) widens
        the variance of S for serial dependence, as an AR(1) of a
        conservatively estimated coefficient would have it, so that daily
        series (whose days are rarely independent) do not show trends that
        are not there; see Notes. ``"original"`` assumes independent values
        (``pymannkendall.original_test``); ``"hamed_rao"`` corrects the
        variance with the sample autocorrelations of the ranks (Hamed & Rao
        1998), as ``pymannkendall.hamed_rao_modification_test``. Both are
        kept by name.
    alpha : float, default 0.05
        Significance level of the two-sided test.
    lag : int, optional
        Hamed–Rao only: number of lags of the autocorrelation to consider
        (default: all, n - 1).
    by, value : optional
        Group column(s) and value column of a long DataFrame: one test per group.

    Returns
    -------
    TrendTest or DataFrame
        For a Series, a :class:`~conflictstats.results.TrendTest`: ``trend``
        ("increasing", "decreasing", "no trend"), ``h``, ``p_value`` (also as
        ``p``), ``z``, ``tau``, ``s``, ``var_s``, ``slope`` (per day),
        ``intercept`` (value at the first date of the index; with ``by=``,
        at the group's own first date, so each group equals the group alone),
        ``n``, ``method``, ``alpha``. With ``method="original"`` or
        ``"hamed_rao"`` all equal pymannkendall's ``original_test`` /
        ``hamed_rao_modification_test`` on a daily series; with ``"ar1"``,
        all but ``var_s``, ``z``, ``p_value``, ``h`` and ``trend``.

        For a DataFrame (wide, or long with ``by=``), a tidy DataFrame with one
        row per series (RangeIndex): ``series`` (the column label, or the group)
        then the fields above, as ``TrendTest.to_frame()`` gives them, so it
        equals ``pd.concat`` of the per-column results. A series with fewer
        than 3 reported values gets a row of NaN with its ``n`` (a Series input
        raises instead).

    See Also
    --------
    theil_sen : The slope of the trend.
    lowess : A smooth trend line.
    decompose : Trend, weekly pattern and remainder.

    Notes
    -----
    ``S = sum_{i<j} sign(x_j - x_i)`` is computed in O(n log n) as
    ``n(n-1)/2 - T - 2D``, with ``T`` the tied pairs and ``D`` the discordant
    pairs counted by a merge sort (Knight 1966). With tie groups of sizes
    ``t_g``: ``Var(S) = [n(n-1)(2n+5) - sum t_g(t_g-1)(2t_g+5)] / 18``,
    ``Z = (S - sign(S)) / sqrt(Var S)``, ``tau = S / (n(n-1)/2)``, ``p = 2 (1 - Phi(|Z|))``
    (computed as ``2 Phi(-|Z|)``, which keeps tiny p-values that the
    subtraction rounds to 0), ``h = |Z| > Phi^{-1}(1 - alpha/2)``.

    Hamed–Rao: ``Var*(S) = Var(S) [1 + 2/(n(n-1)(n-2)) sum_i (n-i)(n-i-1)(n-i-2) rho_i]``
    over the lags ``i`` whose autocorrelation ``rho_i`` of the ranks of the
    detrended series lies outside ``±Phi^{-1}(1-alpha/2)/sqrt(n)``. As in
    pymannkendall, the series is detrended with Sen's slope, ``x_k - t_k * slope``,
    but over the real day numbers ``t_k`` of the reported values, so a gap is
    not closed up (on a series without missing days this equals pymannkendall's
    ``x_k - k * slope``: the ranks are the same). The correction factor
    ``n/n*`` can be zero or negative on short series with many ties or strong
    negative autocorrelation (Hamed & Rao's estimator is not guaranteed
    positive); the test is then undefined: ``z``, ``p_value`` and ``var_s`` are
    NaN, ``h`` is False, and a :class:`~conflictstats.DataWarning` says so,
    which is what pymannkendall's ``hamed_rao_modification_test`` returns
    (NaN), without the crash.

    AR(1) (the default): ``Var*(S) = Var(S) [1 + 2/(n(n-1)(n-2)) sum_{i=1}^{n-1}
    (n-i)(n-i-1)(n-i-2) rho_s(i)]``, Hamed & Rao's factor, with the rank
    autocorrelations of a Gaussian AR(1), ``rho_s(i) = (6/pi) asin(phi_u^i / 2)``,
    at every lag. ``phi_u`` bounds the AR(1) coefficient from above: ``r``,
    the lag-1 autocorrelation of the ranks of the Sen-detrended series (as
    for Hamed–Rao, on the real day numbers), is bias-corrected to
    ``r_c = (n r + 2)/(n - 4)`` (Kendall's ``(n r + 1)/(n - 4)`` for an
    estimated mean, plus one for the slope), turned into the Gaussian
    coefficient ``phi = 2 sin(pi r_c / 6)``, and ``phi_u = phi + 1.645
    sqrt((1 - phi^2)/n)``, kept within [0, 0.99] (0.99 below 6 values). The
    point estimate alone (``phi_u = phi``) leaves a size of 16.4 % at n = 30
    and 12.5 % at n = 60 for phi = 0.9 (estimates of phi from short series
    fall short of it exactly when the series wanders like a trend); the
    one-sided 95 % bound brings it under 6 %. The factor is at least 1, so the
    test is defined (no NaN) whenever S is, and it is never more liberal than
    ``"original"``. Values are taken in their order: missing days are
    dropped, not modelled.

    Measured with ``benchmarks/bench_trend_size.py`` (1,000 Gaussian AR(1)
    series per cell, unit marginal variance, alpha = 0.05; standard errors
    0.4-1.6 points): the share of series found trending, in %.

    ==========================  ======  ======  =======  =======
    no trend (size)             n = 30  n = 60  n = 120  n = 365
    ==========================  ======  ======  =======  =======
    ar1, phi = 0                   1.3     1.6      2.1      4.3
    ar1, phi = 0.3                 1.4     2.3      2.1      2.7
    ar1, phi = 0.6                 2.7     2.1      2.1      4.1
    ar1, phi = 0.9                 5.2     4.2      3.0      2.8
    original, phi = 0              4.3     3.9      3.9      6.0
    original, phi = 0.9           58.5    65.8     65.3     65.1
    hamed_rao, phi = 0             8.8     8.5      6.9      9.9
    hamed_rao, phi = 0.9          42.0    40.3     34.1     30.3
    hamed_rao NaN p (of 1,000)      16       9        8        4
    ==========================  ======  ======  =======  =======

    The price is power on short series: a linear rise of one standard
    deviation over the series is found in 13 / 41 / 79 / 100 % of white-noise
    series (n = 30 / 60 / 120 / 365) against 32 / 60 / 88 / 100 % with
    ``"original"``, and in 7 / 5 / 6 / 15 % at phi = 0.9, where such a rise
    is hard to tell from the wandering of the noise. Pass
    ``method="original"`` when the values are known to be independent.

    ``slope`` is the median of ``(x_j - x_i)/(t_j - t_i)`` with ``t`` in days since the
    first date (Sen 1968), found without forming all pairs, and
    ``intercept = median(x) - median(t) * slope``.

    References
    ----------
    Mann, H. B. (1945). Nonparametric tests against trend. Econometrica 13, 245–259.
    Kendall, M. G. (1975). Rank Correlation Methods. Griffin, London.
    Hamed, K. H., Rao, A. R. (1998). A modified Mann–Kendall trend test for
    autocorrelated data. J. Hydrology 204, 182–196.
    Kendall, M. G. (1954). Note on bias in the estimation of autocorrelation.
    Biometrika 41, 403–404.
    Knight, W. R. (1966). A computer method for calculating Kendall's tau with
    ungrouped data. JASA 61, 436–439.
    Sen, P. K. (1968). Estimates of the regression coefficient based on Kendall's
    tau. JASA 63, 1379–1389.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8],
    ...               index=pd.date_range("2024-01-01", periods=12))
    >>> r = mann_kendall(s)
    >>> r.trend, r.s, round(r.p_value, 3), round(r.slope, 4)
    ('no trend', 25, 0.192, 0.3667)
    >>> round(mann_kendall(s, method="original").p_value, 3)  # as if the days were independent
    0.095
    >>> wide = pd.DataFrame({"a": s, "b": s.to_numpy()[::-1]})
    >>> mann_kendall(wide)[["series", "trend", "s"]]
      series     trend   s
    0      a  no trend  25
    1      b  no trend -25
    """
    check_choice("method", method, ("ar1", "original", "hamed_rao"))
    alpha = check_alpha(alpha)
    frame, was_series, t = _frame_input(series, by, value)
    values = frame.to_numpy()
    if was_series:
        tk, xk = _reported(t, values[:, 0])
        _too_few(xk, 3, "mann_kendall")
        return _mann_kendall_one(tk, xk, method, alpha, lag)
    rows: list[dict[str, Any]] = []
    starts = _own_starts(series, frame, by)
    for k, col in enumerate(frame.columns):
        tk, xk = _reported(t - starts[k], values[:, k])
        if xk.size < 3:
            rows.append(_missing_row(col, _TREND_FIELDS, xk.size, method=method, alpha=alpha))
        else:
            rows.append({"series": col,
                         **_mann_kendall_one(tk, xk, method, alpha, lag).to_dict()})
    return _tidy(rows, _TREND_FIELDS)


def _mann_kendall_one(t: np.ndarray, x: np.ndarray, method: str, alpha: float,
                      lag: int | None) -> TrendTest:
    from scipy.stats import norm, rankdata

    n = x.size
    s, counts = _kendall.mk_score(x)
    c = counts.astype(np.int64)
    var_s = (n * (n - 1) * (2 * n + 5) - int(np.sum(c * (c - 1) * (2 * c + 5)))) / 18
    tau = s / (0.5 * n * (n - 1))
    slope, intercept = _sen_slope(t, x)
    if method == "ar1":
        d = x - (t - t[0]) * slope
        _phi, upper = _kendall.ar1_upper_bound(rankdata(d))
        var_s = var_s * _kendall.ar1_rank_factor(upper, n)
    if method == "hamed_rao":
        nl = n if lag is None else check_int("lag", lag, minimum=1, maximum=n - 1) + 1
        # detrend on the real day numbers: with missing days, the k-th reported
        # value lies t_k days from the first, not k - 1 (Sen's slope is per day);
        # numbered from 1 as pymannkendall does, so that without gaps the floats (and
        # so the ties among the detrended values) are exactly pymannkendall's
        ranks = rankdata(x - (t - t[0] + 1.0) * slope)
        rho = _kendall.acf(ranks, nl - 1)[1:nl]
        bound = norm.ppf(1 - alpha / 2) / np.sqrt(n)
        i = np.arange(1, nl, dtype=float)
        keep = ~((rho <= bound) & (rho >= -bound))
        sni = float(np.sum(((n - i) * (n - i - 1) * (n - i - 2) * rho)[keep]))
        factor = 1 + (2 / (n * (n - 1) * (n - 2))) * sni
        var_s = var_s * factor
        if not var_s > 0:
            warnings.warn(
                f"mann_kendall(method='hamed_rao'): the corrected variance of S is not "
                f"positive (correction factor n/n* = {factor:.3g} over {n} values); the "
                "autocorrelation estimate is unusable, so z and p_value are NaN (as "
                "pymannkendall); use method='original' or a longer series",
                DataWarning, stacklevel=3)
            var_s = math.nan
    if math.isnan(var_s):
        z, p, h = math.nan, math.nan, False
    else:
        z = 0.0 if s == 0 else (s - math.copysign(1, s)) / math.sqrt(var_s)
        p = float(2 * norm.sf(abs(z)))
        h = bool(abs(z) > norm.ppf(1 - alpha / 2))
    trend = ("increasing" if z > 0 else "decreasing") if h else "no trend"
    return TrendTest(
        trend=trend, h=h, p_value=p, z=float(z), tau=float(tau), s=int(s), var_s=float(var_s),
        slope=slope, intercept=intercept, n=int(n), method=method, alpha=alpha,
    )


@overload
def theil_sen(series: pd.Series, *, alpha: float = ..., by: None = ...,
              value: None = ...) -> TheilSenFit: ...
@overload
def theil_sen(series: pd.DataFrame, *, alpha: float = ...,
              by: str | Sequence[str] | None = ..., value: str | None = ...) -> pd.DataFrame: ...
def theil_sen(
    series: pd.Series | pd.DataFrame,
    *,
    alpha: float = 0.05,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> TheilSenFit | pd.DataFrame:
    """Theil–Sen slope per day in real time, with its confidence interval.

    Parameters
    ----------
    series : Series or DataFrame
        Values with a DatetimeIndex (irregular dates are fine); NaN are dropped.
        A wide DataFrame (one column per series) is fitted column by column.
    alpha : float, default 0.05
        Significance level: the interval covers ``1 - alpha`` (0.05 gives a 95 %
        interval, scipy's ``theilslopes(..., alpha=0.95)``).
    by, value : optional
        Group column(s) and value column of a long DataFrame: one fit per group.

    Returns
    -------
    TheilSenFit or DataFrame
        For a Series, a :class:`~conflictstats.results.TheilSenFit`: ``slope``
        and its ``lower``/``upper`` bounds (per day), ``intercept`` (value at
        the first date of the index; with ``by=``, at the group's own first
        date), ``n``, ``alpha``; properties
        ``per_week`` and ``per_year``.

        For a DataFrame (wide, or long with ``by=``), a tidy DataFrame with one
        row per series (RangeIndex): ``series`` (the column label, or the group)
        then ``slope``, ``intercept``, ``lower``, ``upper``, ``n``, ``alpha``, as
        ``TheilSenFit.to_frame()`` gives them, so it equals ``pd.concat`` of the
        per-column results. A series with fewer than 2 reported values gets a
        row of NaN with its ``n`` (a Series input raises instead).

    See Also
    --------
    mann_kendall : Test whether there is a trend.

    Notes
    -----
    With ``t`` the days since the first date, the slope is the median of the
    ``N = n(n-1)/2`` pairwise slopes ``(x_j - x_i)/(t_j - t_i)`` and
    ``intercept = median(x) - slope * median(t)``. The interval is Sen's (1968,
    eq. 2.6): with ``C = Phi^{-1}(1 - alpha/2) sqrt(Var S)`` (ties in ``x``
    reduce ``Var S``), the bounds are the sorted slopes of ranks
    ``round((N - C)/2)`` and ``round((N + C)/2) + 1`` (1-based), as
    ``scipy.stats.theilslopes`` on the day numbers gives. The slopes are
    selected without forming all pairs when ``n`` is large.

    References
    ----------
    Sen, P. K. (1968). Estimates of the regression coefficient based on Kendall's
    tau. JASA 63, 1379–1389.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([10.0, 12, 15, 15, 21],
    ...               index=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04",
    ...                                     "2024-01-05", "2024-01-08"]))
    >>> fit = theil_sen(s)
    >>> fit.slope, fit.intercept, fit.per_week
    (1.5, 10.5, 10.5)
    >>> theil_sen(pd.DataFrame({"north": s, "south": 2 * s}))[["series", "slope", "n"]]
      series  slope  n
    0  north    1.5  5
    1  south    3.0  5
    """
    alpha = check_alpha(alpha)
    frame, was_series, t = _frame_input(series, by, value)
    values = frame.to_numpy()
    if was_series:
        tk, xk = _reported(t, values[:, 0])
        _too_few(xk, 2, "theil_sen")
        return _theil_sen_one(tk, xk, alpha)
    rows: list[dict[str, Any]] = []
    starts = _own_starts(series, frame, by)
    for k, col in enumerate(frame.columns):
        tk, xk = _reported(t - starts[k], values[:, k])
        if xk.size < 2:
            rows.append(_missing_row(col, _THEIL_SEN_FIELDS, xk.size, alpha=alpha))
        else:
            rows.append({"series": col, **_theil_sen_one(tk, xk, alpha).to_dict()})
    return _tidy(rows, _THEIL_SEN_FIELDS)


def _theil_sen_one(t: np.ndarray, x: np.ndarray, alpha: float) -> TheilSenFit:
    from scipy.stats import norm

    n = x.size
    n_pairs = n * (n - 1) // 2
    slope, intercept = _sen_slope(t, x)
    _, counts = np.unique(x, return_counts=True)
    c = counts.astype(np.int64)
    sigsq = (n * (n - 1) * (2 * n + 5) - int(np.sum(c * (c - 1) * (2 * c + 5)))) / 18
    zc = float(norm.ppf(alpha / 2))
    sigma = math.sqrt(sigsq)
    ru = min(round((n_pairs - zc * sigma) / 2), n_pairs - 1)
    rl = max(round((n_pairs + zc * sigma) / 2) - 1, 0)
    lower = float(_kendall.pair_slope_order_stats(t, x, [rl])[0])
    upper = float(_kendall.pair_slope_order_stats(t, x, [ru])[0])
    return TheilSenFit(slope=slope, intercept=intercept, lower=lower, upper=upper,
                       n=int(n), alpha=alpha)


# ---------------------------------------------------------------------------
# decomposition and smoothing
# ---------------------------------------------------------------------------


def _series_columns(cols: pd.Index, fields: list[str]) -> pd.MultiIndex:
    """``(series, field)`` columns (the series level keeps the input's level names)."""
    if isinstance(cols, pd.MultiIndex):
        labels = [tuple(c) for c in cols]
        names = [*cols.names, "field"]
    else:
        labels = [(c,) for c in cols]
        names = [cols.name if cols.name is not None else "series", "field"]
    return pd.MultiIndex.from_tuples([(*lab, f) for lab in labels for f in fields], names=names)


@overload
def decompose(series: pd.Series, *, period: int | Sequence[int] = ..., robust: bool = ...,
              seasonal: int | None = ..., by: None = ..., value: None = ...) -> pd.DataFrame: ...
@overload
def decompose(series: pd.DataFrame, *, period: int | Sequence[int] = ..., robust: bool = ...,
              seasonal: int | None = ..., by: str | Sequence[str] | None = ...,
              value: str | None = ...) -> pd.DataFrame: ...
def decompose(
    series: pd.Series | pd.DataFrame,
    *,
    period: int | Sequence[int] = 7,
    robust: bool = True,
    seasonal: int | None = None,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Seasonal-trend decomposition by LOESS (STL; MSTL for several periods), with missing days.

    Parameters
    ----------
    series : Series or DataFrame
        Daily values; NaN and absent dates are missing days. A wide DataFrame
        (one column per series) is decomposed column by column.
    period : int or sequence of int, default 7
        Length of the seasonal cycle in days (7: weekday pattern). Several
        periods (e.g. ``(7, 365)``) use statsmodels' MSTL.
    robust : bool, default True
        Robust LOESS fits, down-weighting outliers (Cleveland et al. 1990).
    seasonal : int, optional
        Length of the seasonal smoother (odd, >= 7); statsmodels' default if None.
    by, value : optional
        Group column(s) and value column of a long DataFrame: one
        decomposition per group, as for a wide DataFrame.

    Returns
    -------
    DataFrame
        Aligned to the input index: ``observed``, ``trend``, ``seasonal``,
        ``resid`` (``observed = trend + seasonal + resid``); with several periods
        also ``seasonal_<p>`` per period (``seasonal`` is their sum). All columns
        are NaN on missing days. For a DataFrame input, the same fields per
        series under two-level columns ``(series, field)`` (the series level
        keeps the input's column labels; a column with no value gives NaN
        fields).

    See Also
    --------
    lowess : A smooth trend line.
    mann_kendall : Test whether there is a trend.

    Notes
    -----
    STL needs a complete, regular series: missing days are filled for the fit
    only, and set back to NaN in the output.  A first fit fills them by
    linear interpolation in time.  Then each day of a gap as long as a cycle
    (of the shortest period) or longer is refilled with the linear
    interpolation of the deseasonalised observations plus the seasonal value
    of its own phase, interpolated between the nearest observed cycles before
    and after it, and the series is fitted again (twice).  A straight
    line across a long gap (a month without reports) has no weekly pattern,
    and STL's seasonal smoother would carry that flatness into the observed
    weeks around the gap.

    References
    ----------
    Cleveland, R. B., Cleveland, W. S., McRae, J. E., Terpenning, I. (1990). STL: a
    seasonal-trend decomposition procedure based on loess. J. Official Statistics 6(1), 3–73.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.date_range("2024-01-01", periods=28)
    >>> s = pd.Series(np.arange(28.0) + np.tile([0, 0, 0, 0, 0, 5, 5], 4), index=idx)
    >>> s.iloc[10] = np.nan
    >>> out = decompose(s)
    >>> list(out.columns), bool(out.iloc[10].isna().all())
    (['observed', 'trend', 'seasonal', 'resid'], True)
    >>> both = decompose(pd.DataFrame({"a": s, "b": 2 * s}))
    >>> both.columns[:5].tolist()
    [('a', 'observed'), ('a', 'trend'), ('a', 'seasonal'), ('a', 'resid'), ('b', 'observed')]
    """
    frame, was_series = as_frame(series, name="series", by=by, value=value, finite=True,
                                 daily=True)
    if len(frame) == 0:
        raise InputError("series is empty")
    periods = [period] if isinstance(period, (int, np.integer)) else list(period)
    if not periods:
        raise InputError("period must be a positive integer or a non-empty list of them")
    periods = [check_int("period", p, minimum=2) for p in periods]
    win = None if seasonal is None else check_int("seasonal", seasonal, minimum=3)
    days = pd.date_range(frame.index[0], frame.index[-1], freq="D")
    need = 2 * max(periods)
    if len(days) < need:
        raise InputError(
            f"decompose needs at least two full cycles ({need} days) for period "
            f"{max(periods)}; series spans {len(days)} days"
        )
    grid = frame.reindex(days)
    fields = ["observed", "trend", "seasonal", "resid"]
    if len(periods) > 1:
        fields += [f"seasonal_{p}" for p in periods]
    parts = []
    for k in range(grid.shape[1]):
        col = grid.iloc[:, k]
        if col.isna().all():
            if was_series:
                raise InputError("series has no reported values")
            parts.append(np.full((len(days), len(fields)), np.nan))
            continue
        parts.append(_decompose_one(col, periods, robust, win))
    if was_series:
        out = pd.DataFrame(parts[0], index=days, columns=fields)
    else:
        out = pd.DataFrame(np.hstack(parts), index=days,
                           columns=_series_columns(frame.columns, fields))
    out = out.reindex(frame.index)
    out.index = frame.index  # the input's index (name and unit)
    return out


def _decompose_one(grid: pd.Series, periods: list[int], robust: bool,
                   win: int | None) -> np.ndarray:
    """STL/MSTL of one series on a daily grid: (days, fields) in decompose's field order."""
    missing = grid.isna().to_numpy()
    y_obs = grid.to_numpy(dtype="float64")
    filled = grid.interpolate(method="time", limit_direction="both").to_numpy()
    fit = _stl_fit(filled, periods, robust, win)
    long_gap = _long_gaps(missing, min(periods))
    if long_gap.any():
        # refill the days of long gaps with trend + season, then fit again: a
        # straight-line fill has no season, so over a gap of a cycle or more it
        # would flatten the seasonal component of the days around the gap
        # (shorter gaps keep the straight line, which costs the season little)
        for _ in range(_GAP_PASSES):
            seas = [_fill_by_phase(s_k, missing, p)
                    for s_k, p in zip(fit[3:], periods, strict=True)]
            season = np.sum(seas, axis=0)
            deseason = pd.Series(np.where(missing, np.nan, y_obs - season), index=grid.index)
            base = deseason.interpolate(method="time", limit_direction="both").to_numpy()
            fit = _stl_fit(np.where(long_gap, base + season, filled), periods, robust, win)
    trend, seasonal, resid = fit[0], fit[1], fit[2]
    cols: list[np.ndarray] = [y_obs, trend, seasonal, resid]
    if len(periods) > 1:
        cols += list(fit[3:])
    out = np.column_stack(cols)
    out[missing, :] = np.nan
    return out


def _long_gaps(missing: np.ndarray, length: int) -> np.ndarray:
    """Days in runs of at least ``length`` consecutive missing days."""
    if not missing.any():
        return missing
    edges = np.diff(np.r_[0, missing.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    run = np.zeros(len(missing) + 1, dtype=np.int64)
    keep = (ends - starts) >= length
    np.add.at(run, starts[keep], 1)
    np.add.at(run, ends[keep], -1)
    return np.cumsum(run)[:-1] > 0


#: Refits after refilling missing days with trend + season (one is enough in
#: practice: the season of the observed days barely moves after it).
_GAP_PASSES = 2


def _stl_fit(y: np.ndarray, periods: list[int], robust: bool, win: int | None
             ) -> list[np.ndarray]:
    """trend, seasonal (sum), resid, then one seasonal component per period."""
    ys = pd.Series(y, index=pd.RangeIndex(len(y)))
    if len(periods) == 1:
        from statsmodels.tsa.seasonal import STL

        kw: dict[str, Any] = {"period": periods[0], "robust": robust}
        if win is not None:
            kw["seasonal"] = win
        fit = STL(ys, **kw).fit()
        seasonal = np.asarray(fit.seasonal)
        return [np.asarray(fit.trend), seasonal, np.asarray(fit.resid), seasonal]
    from statsmodels.tsa.seasonal import MSTL

    mkw: dict[str, Any] = {"periods": periods, "stl_kwargs": {"robust": robust}}
    if win is not None:
        mkw["windows"] = [win] * len(periods)
    mfit = MSTL(ys, **mkw).fit()
    seas = np.asarray(mfit.seasonal).reshape(len(y), -1)
    return [np.asarray(mfit.trend), seas.sum(axis=1), np.asarray(mfit.resid),
            *[seas[:, k] for k in range(len(periods))]]


def _fill_by_phase(seasonal: np.ndarray, missing: np.ndarray, period: int) -> np.ndarray:
    """The seasonal component with missing days re-estimated from their own phase.

    Each missing day takes the value interpolated (in cycles) between the
    nearest observed days of the same phase of the cycle before and after it
    (the nearest one at the ends), so a long gap keeps the pattern instead of
    the damped season of a straight-line fill.
    """
    n = len(seasonal)
    cycles = -(-n // period)
    pad = np.full(cycles * period, np.nan)
    pad[:n] = np.where(missing, np.nan, seasonal)
    table = pd.DataFrame(pad.reshape(cycles, period))  # rows: cycles, columns: phases
    table = table.interpolate(axis=0, limit_direction="both")
    out = table.to_numpy().reshape(-1)[:n]
    return np.where(np.isnan(out), seasonal, out)


@overload
def lowess(series: pd.Series, *, frac: float = ..., it: int = ..., delta: float = ...,
           by: None = ..., value: None = ...) -> pd.Series: ...
@overload
def lowess(series: pd.DataFrame, *, frac: float = ..., it: int = ..., delta: float = ...,
           by: str | Sequence[str] | None = ..., value: str | None = ...) -> pd.DataFrame: ...
def lowess(
    series: pd.Series | pd.DataFrame,
    *,
    frac: float = 2 / 3,
    it: int = 3,
    delta: float = 0.0,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.Series | pd.DataFrame:
    """LOWESS smooth of a series against real time (days), aligned to the input.

    Parameters
    ----------
    series : Series or DataFrame
        Values with a DatetimeIndex (irregular dates are fine). A wide
        DataFrame (one column per series) is smoothed column by column.
    frac : float, default 2/3
        Share of the reported values used for each local fit.
    it : int, default 3
        Robustifying iterations.
    delta : float, default 0.0
        Distance in days within which linear interpolation replaces a local fit
        (speeds up long series; 0 fits every point).
    by, value : optional
        Group column(s) and value column of a long DataFrame: the result is
        the wide frame, one column per group.

    Returns
    -------
    Series or DataFrame
        Smoothed values with the input's index and name (a DataFrame: the same
        index and column labels); NaN where the input is NaN, and everywhere
        in a series with fewer than 2 reported values.

    See Also
    --------
    decompose : Trend, weekly pattern and remainder.
    rolling : Rolling-window statistics.

    Notes
    -----
    Calls ``statsmodels.nonparametric.smoothers_lowess.lowess`` with ``exog`` the
    days since the first date, on the reported values of each series.

    References
    ----------
    Cleveland, W. S. (1979). Robust locally weighted regression and smoothing
    scatterplots. JASA 74, 829–836.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([1.0, 2, None, 4, 5], index=pd.date_range("2024-01-01", periods=5))
    >>> lowess(s, frac=1.0).round(6).tolist()
    [1.0, 2.0, nan, 4.0, 5.0]
    """
    frame, was_series, t = _frame_input(series, by, value)
    if not 0 < float(frac) <= 1:
        raise InputError(f"frac must be in (0, 1]; got {frac!r}")
    it = check_int("it", it, minimum=0)
    from statsmodels.nonparametric.smoothers_lowess import lowess as sm_lowess

    values = frame.to_numpy()
    out = np.full(values.shape, np.nan)
    for k in range(values.shape[1]):
        ok = ~np.isnan(values[:, k])
        if ok.sum() >= 2:
            out[ok, k] = sm_lowess(values[ok, k], t[ok], frac=float(frac), it=it,
                                   delta=float(delta), return_sorted=False)
    if was_series:
        return pd.Series(out[:, 0], index=frame.index, name=series.name)
    return wrap_like(out, frame, was_series)

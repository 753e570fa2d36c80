"""Frozen result dataclasses shared by the statistics modules.

Every summary result (a test, a fit, a verdict) is a frozen dataclass with
typed fields and a ``to_frame()`` that gives a one-row tidy DataFrame, so a
notebook can stack results from many series with :func:`pandas.concat`.
Related tests share field names (``statistic``, ``p_value`` ...), as
pyMannKendall's results do.
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ClaimCheck",
    "GeneralizedESDResult",
    "PaceRatio",
    "PaceResult",
    "RateComparison",
    "RateResult",
    "RecordTestResult",
    "Result",
    "TheilSenFit",
    "TrendTest",
]


@dataclasses.dataclass(frozen=True)
class Result:
    """Base class of the summary results: frozen fields, ``to_frame()``, ``summary()``.

    In a notebook a result shows as a compact table of its fields (frames and
    series by their shape, never dumped) followed by its ``summary()``: one
    sentence in plain words. A subclass words its own ``summary()``; one that
    does not gets a default listing its ``to_frame()`` row.

    Examples
    --------
    >>> from conflictstats import rate
    >>> r = rate(76, 188)
    >>> r.summary()
    'Rate 0.4043 (76 of 188); 95% wilson interval 0.3367 to 0.4756.'
    >>> html = r._repr_html_()
    >>> html.count("<table"), "<th" in html
    (1, True)
    """

    def to_dict(self) -> dict[str, Any]:
        """Fields as a plain dict (nested frames and series are kept as they are)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar fields, with snake_case column names."""
        scalars = {
            k: v
            for k, v in self.to_dict().items()
            if not isinstance(v, (pd.Series, pd.DataFrame, list, tuple, dict))
        }
        return pd.DataFrame([scalars])

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every result gets ``summary()``: its own, or the default below. The default
        # is attached to each subclass rather than defined here, because a dataclass
        # takes an inherited attribute as the default of a field of the same name
        # (``WeeklyReport.summary`` is a text field, not this method).
        super().__init_subclass__(**kwargs)
        fields = {name for c in cls.__mro__ for name in inspect.get_annotations(c)}
        if not hasattr(cls, "summary") and "summary" not in fields:
            cls.summary = _default_summary  # type: ignore[attr-defined]

    def _repr_html_(self) -> str:
        """A compact HTML table of the fields and the summary below it (all text escaped)."""
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
            f"<td style='text-align:left'>{html.escape(_cell(value))}</td></tr>"
            for name, value in self.to_dict().items()
        )
        summary = getattr(self, "summary", None)
        # a ``summary`` that is a field (text) is already a row of the table
        below = f"<p>{html.escape(summary())}</p>" if callable(summary) else ""
        return (
            f"<div><table><caption style='text-align:left'><b>"
            f"{html.escape(type(self).__name__)}</b></caption><tbody>{rows}</tbody></table>"
            f"{below}</div>"
        )


def _default_summary(self: Result) -> str:
    """The result in one sentence: its one-row ``to_frame()`` as ``name value`` pairs."""
    frame = self.to_frame()
    row = frame.iloc[0] if len(frame) else pd.Series(dtype=object)
    parts = ", ".join(f"{k.replace('_', ' ')} {_cell(v)}" for k, v in row.items())
    return f"{type(self).__name__}: {parts}." if parts else f"{type(self).__name__}."


#: Longest text shown in one cell of a result's HTML table.
_MAX_CELL = 120


def _cell(value: Any) -> str:
    """One field as short text: numbers to 4 significant digits, frames by shape."""
    if isinstance(value, pd.DataFrame):
        return f"DataFrame, {len(value):,} rows × {value.shape[1]} columns"
    if isinstance(value, pd.Series):
        return f"Series, {len(value):,} values"
    summary = getattr(value, "summary", None)
    if isinstance(value, Result) and callable(summary):
        text = summary()
    elif value is None:
        text = ""
    elif isinstance(value, (bool, np.bool_)):
        text = str(bool(value))
    elif isinstance(value, (int, np.integer)):
        text = f"{int(value):,}"
    elif isinstance(value, (float, np.floating)):
        text = _num(float(value))
    elif isinstance(value, pd.Timestamp) or value is pd.NaT:
        text = _date(value)
    elif isinstance(value, (tuple, list)):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _num(x: float) -> str:
    """A number to 4 significant digits with thousands separators ("nan", "inf" as such)."""
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.4g}"


def _date(ts: Any) -> str:
    """A timestamp as ISO text, without the time when it is midnight ("NaT" when missing)."""
    if ts is None or pd.isna(ts):
        return "NaT"
    t = pd.Timestamp(ts)
    return t.date().isoformat() if t == t.normalize() else t.isoformat()


def _level(alpha: float) -> str:
    """Confidence level as a percentage: 0.05 -> "95%"."""
    return f"{100 * (1 - alpha):.3g}%"


# --- rates ---


@dataclasses.dataclass(frozen=True)
class RateResult(Result):
    """A proportion with its confidence interval (:func:`conflictstats.rate`).

    Attributes
    ----------
    numerator, denominator : float
        The counts (e.g. drones shot down, drones launched).
    rate : float
        ``numerator / denominator`` (NaN when the denominator is 0).
    lower, upper : float
        Two-sided confidence interval at level ``1 - alpha``.
    method : str
        Interval method ("wilson", "jeffreys", "clopper_pearson", "agresti_coull", "wald").
    alpha : float
        Significance level.
    variance_model : str
        "binomial", or "quasi_binomial" when the interval is widened by a
        given factor for over-dispersion between nights.
    dispersion : float
        The dispersion factor used (1 for the binomial).
    """

    numerator: float
    denominator: float
    rate: float
    lower: float
    upper: float
    method: str
    alpha: float
    variance_model: str = "binomial"
    dispersion: float = 1.0

    def summary(self) -> str:
        """Rate, counts and interval in one sentence."""
        text = (f"Rate {_num(self.rate)} ({_num(self.numerator)} of {_num(self.denominator)}); "
                f"{_level(self.alpha)} {self.method} interval {_num(self.lower)} to "
                f"{_num(self.upper)}")
        if self.variance_model != "binomial":
            text += f", widened for over-dispersion ({self.variance_model}, factor " \
                    f"{_num(self.dispersion)})"
        return text + "."


@dataclasses.dataclass(frozen=True)
class RateComparison(Result):
    """Two independent proportions compared (:func:`conflictstats.compare_rates`).

    Attributes
    ----------
    numerator1, denominator1, numerator2, denominator2 : float
        The counts of the two samples.
    rate1, rate2 : float
        The two proportions.
    difference, difference_lower, difference_upper : float
        ``rate1 - rate2`` and its interval (``method``).
    ratio, ratio_lower, ratio_upper : float
        ``rate1 / rate2`` and its interval (``ratio_method``).
    statistic, p_value : float
        Score (pooled z) test of equal proportions, two-sided.
    method, ratio_method : str
        Interval methods for the difference and the ratio.
    alpha : float
        Significance level.
    variance_model : str
        "binomial", or "beta_binomial" / "quasi_binomial" when intervals and
        test allow for over-dispersion between nights.
    dispersion : float
        The dispersion factor used (1 for the binomial); for the
        beta-binomial of :func:`conflictstats.compare_periods`, the factor of
        the variance of the difference over the binomial one.
    dispersion_df : float
        Degrees of freedom of an estimated dispersion (the p-value then uses
        Student's t with these); infinite when the dispersion is not estimated.
    """

    numerator1: float
    denominator1: float
    numerator2: float
    denominator2: float
    rate1: float
    rate2: float
    difference: float
    difference_lower: float
    difference_upper: float
    ratio: float
    ratio_lower: float
    ratio_upper: float
    statistic: float
    p_value: float
    method: str
    ratio_method: str
    alpha: float
    variance_model: str = "binomial"
    dispersion: float = 1.0
    dispersion_df: float = float("inf")

    def summary(self) -> str:
        """Both rates, their difference and ratio with intervals, and the p-value."""
        level = _level(self.alpha)
        return (f"Rate {_num(self.rate1)} against {_num(self.rate2)}: difference "
                f"{_num(self.difference)} ({level} interval {_num(self.difference_lower)} to "
                f"{_num(self.difference_upper)}), ratio {_num(self.ratio)} "
                f"({_num(self.ratio_lower)} to {_num(self.ratio_upper)}); equal rates: "
                f"p = {self.p_value:.3g}.")


@dataclasses.dataclass(frozen=True)
class PaceResult(Result):
    """Amount per day over a span (:func:`conflictstats.pace`).

    Attributes
    ----------
    kind : str
        "flow" or "level".
    start, end : Timestamp
        The span (flow) or the first and last reports used (level).
    amount : float
        Sum of the known days (flow) or change between the reports (level).
    days : float
        Calendar days of the span (flow) or days elapsed between reports (level).
    days_covered : int
        Known days (flow) or reports used (level).
    pace : float
        Amount per day.
    """

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    amount: float
    days: float
    days_covered: int
    pace: float

    def summary(self) -> str:
        """Amount, span and pace in one sentence."""
        if self.kind == "level":
            return (f"A change of {_num(self.amount)} over {_num(self.days)} days "
                    f"({_date(self.start)} to {_date(self.end)}, {self.days_covered:,} reports): "
                    f"{_num(self.pace)} per day.")
        return (f"{_num(self.amount)} over {_num(self.days)} days ({_date(self.start)} to "
                f"{_date(self.end)}, {self.days_covered:,} days known): {_num(self.pace)} per day.")


@dataclasses.dataclass(frozen=True)
class PaceRatio(Result):
    """Ratio of two Poisson paces (:func:`conflictstats.pace_ratio`).

    Attributes
    ----------
    count1, days1, count2, days2 : float
        Events and days covered in the two spans.
    pace1, pace2 : float
        Events per day.
    ratio : float
        ``pace1 / pace2`` ("X times faster").
    lower, upper : float
        Confidence interval of the ratio.
    p_value : float
        Two-sided test of equal paces.
    method : str
        "exact" (conditional binomial) or "wald_log".
    alpha : float
        Significance level.
    """

    count1: float
    days1: float
    count2: float
    days2: float
    pace1: float
    pace2: float
    ratio: float
    lower: float
    upper: float
    p_value: float
    method: str
    alpha: float

    def summary(self) -> str:
        """Both paces, their ratio with its interval, and the p-value."""
        return (f"{_num(self.pace1)} against {_num(self.pace2)} per day: {_num(self.ratio)} times "
                f"({_level(self.alpha)} interval {_num(self.lower)} to {_num(self.upper)}); "
                f"equal paces: p = {self.p_value:.3g}.")


# --- trends ---


@dataclasses.dataclass(frozen=True)
class TrendTest(Result):
    """Result of :func:`conflictstats.mann_kendall` (fields as pymannkendall's tuple).

    Attributes
    ----------
    trend : str
        "increasing", "decreasing" or "no trend" (at level ``alpha``).
    h : bool
        Whether the trend is significant.
    p_value : float
        Two-sided p-value (also available as ``p``).
    z : float
        Standardised statistic.
    tau : float
        Kendall's tau, ``s / (n(n-1)/2)``.
    s : int
        Mann–Kendall score.
    var_s : float
        Variance of ``s`` (tie-corrected; Hamed–Rao corrected for that method).
    slope : float
        Sen's slope per day.
    intercept : float
        Value of the Sen line at the first date of the index.
    n : int
        Values used (NaN dropped).
    method : str
        "original" or "hamed_rao".
    alpha : float
        Significance level.
    """

    trend: str
    h: bool
    p_value: float
    z: float
    tau: float
    s: int
    var_s: float
    slope: float
    intercept: float
    n: int
    method: str
    alpha: float

    @property
    def p(self) -> float:
        """The p-value (pymannkendall's name)."""
        return self.p_value

    def summary(self) -> str:
        """The trend, its p-value and Sen's slope, e.g. "No trend: p = 0.41 ..."."""
        return (f"{self.trend.capitalize()}: p = {self.p_value:.3g} (Mann-Kendall, "
                f"{self.method}, n = {self.n:,}, alpha = {self.alpha:g}); Sen's slope "
                f"{_num(self.slope)} per day.")


@dataclasses.dataclass(frozen=True)
class TheilSenFit(Result):
    """Result of :func:`conflictstats.theil_sen`.

    Attributes
    ----------
    slope : float
        Theil–Sen slope per day.
    intercept : float
        Value of the line at the first date of the index.
    lower, upper : float
        Confidence interval of the slope (level ``1 - alpha``), per day.
    n : int
        Values used (NaN dropped).
    alpha : float
        Significance level.
    """

    slope: float
    intercept: float
    lower: float
    upper: float
    n: int
    alpha: float

    @property
    def per_week(self) -> float:
        """Slope per 7 days."""
        return self.slope * 7

    @property
    def per_year(self) -> float:
        """Slope per 365.25 days."""
        return self.slope * 365.25

    def summary(self) -> str:
        """The slope per day and per week with its interval."""
        return (f"Theil-Sen slope {_num(self.slope)} per day ({_num(self.per_week)} per week); "
                f"{_level(self.alpha)} interval {_num(self.lower)} to {_num(self.upper)} per day, "
                f"n = {self.n:,}.")


# --- records ---


@dataclasses.dataclass(frozen=True)
class RecordTestResult(Result):
    """Test of the number of records against an i.i.d. series (:func:`conflictstats.record_test`).

    Attributes
    ----------
    statistic : float
        The number of records (exact and permutation methods) or the z score
        (normal method).
    p_value : float
        P-value for ``alternative``.
    n_records : int
        Records counted.
    n : int
        Observed values (missing ones skipped).
    expected, variance : float
        Mean ``H_n`` and variance ``H_n - H_n^(2)`` of the count under i.i.d.
        continuous values, or their estimates over the random orderings
        (permutation method).
    method, alternative, direction, order, ties : str
        How the test was run (``method`` is ``"exact"``, ``"permutation"`` or
        ``"normal"``: ``"auto"`` resolved).
    """

    statistic: float
    p_value: float
    n_records: int
    n: int
    expected: float
    variance: float
    method: str
    alternative: str
    direction: str
    order: str
    ties: str

    def summary(self) -> str:
        """Records counted against those expected, and the p-value."""
        what = "records" if self.direction == "max" else "lows"
        return (f"{self.n_records:,} {what} in {self.n:,} values, {_num(self.expected)} expected "
                f"for an i.i.d. series; p = {self.p_value:.3g} ({self.method}, "
                f"{self.alternative}).")


# --- claims ---


@dataclasses.dataclass(frozen=True)
class ClaimCheck(Result):
    """Verdict on a claim such as "a weekly record for 2024" (:func:`conflictstats.check_claim`).

    Attributes
    ----------
    claim : str
        The claim checked, normalised: ``"record"``, ``"highest since"``,
        ``"largest in"`` (or ``"lowest since"``, ``"smallest in"``).
    date : pandas.Timestamp
        The date (or the last day of the window) the claim is about.
    verdict : str
        ``"undetermined"`` if the data cannot decide the definition asked for,
        or if the unknown days (missing or absent) could still change the
        verdict (see ``reason``); otherwise, over the definitions that can be
        decided, ``"true"`` if the claim holds under all, ``"false"`` if under
        none, ``"depends"`` otherwise.
    holds : bool or None
        Whether it holds under the definition asked for (None: undetermined).
    value : float
        The value on that date under that definition.
    previous_value, previous_date : float, pandas.Timestamp
        The most extreme earlier value of the comparison set and its date.
    margin : float
        ``value - previous_value`` (reversed for minima).
    rank : int
        Rank of the value among the comparison set up to the date (1 = most
        extreme; ties share the best rank).
    n_compared : int
        Earlier values in the comparison set.
    since : pandas.Timestamp
        Most recent earlier date with a value at least as extreme (NaT: never).
    scope : str
        ``"all"``, ``"2024"`` or ``"2024-11"``.
    window : str
        The window definition asked for, in words.
    sentence : str
        The evidence as one plain-English sentence.
    alternatives : pandas.DataFrame
        One row per window definition tried: ``definition``, ``window``,
        ``ties``, ``date``, ``start``, ``value``, ``previous_value``,
        ``previous_date``, ``rank``, ``n_compared``, ``n_unknown``,
        ``n_flagged``, ``since``, ``complete``, ``flagged``, ``holds``
        (nullable boolean), ``status`` (``"holds"``, ``"fails"``,
        ``"undetermined"``), ``reason`` and ``flag_reasons``.
    reason : str
        Why the claim cannot be decided ("the value on 2024-11-20 is
        missing", "the claim reaches back to 2021-01-01 but the data begin on
        2024-01-01" ...); empty when it can.
    data_start, data_end : pandas.Timestamp
        First and last day with a value (NaT for an empty series): the
        coverage the verdict rests on.
    n_flagged : int
        Windows of the comparison set left out because they hold a day
        flagged as an artefact.
    """

    claim: str
    date: pd.Timestamp
    verdict: str
    holds: bool | None
    value: float
    previous_value: float
    previous_date: pd.Timestamp
    margin: float
    rank: int
    n_compared: int
    since: pd.Timestamp
    scope: str
    window: str
    sentence: str
    alternatives: pd.DataFrame
    reason: str = ""
    data_start: pd.Timestamp = pd.NaT
    data_end: pd.Timestamp = pd.NaT
    n_flagged: int = 0

    def __str__(self) -> str:
        return self.sentence

    def __repr__(self) -> str:
        value = "nan" if math.isnan(self.value) else f"{self.value:g}"
        return (f"ClaimCheck(claim={self.claim!r}, date={_date(self.date)}, "
                f"verdict={self.verdict!r}, holds={self.holds!r}, value={value}, "
                f"rank={self.rank!r}, scope={self.scope!r}, "
                f"alternatives=<{len(self.alternatives)} definitions>)")

    def summary(self) -> str:
        """The evidence sentence (as ``str()``)."""
        return self.sentence


# --- anomalies ---


@dataclasses.dataclass(frozen=True)
class GeneralizedESDResult(Result):
    """Rosner's generalized ESD test: how many outliers, and the table behind it.

    Attributes
    ----------
    n_anomalies : int
        The largest ``i`` with ``R_i > lambda_i`` (0: no outlier).
    max_anomalies : int
        The upper bound ``k`` tested.
    alpha : float
        Significance level.
    n : int
        Number of non-missing values.
    steps : DataFrame
        One row per step: ``step``, ``date``, ``value``, ``statistic`` (R_i),
        ``critical_value`` (lambda_i), ``is_anomaly``.
    """

    n_anomalies: int
    max_anomalies: int
    alpha: float
    n: int
    steps: pd.DataFrame

    @property
    def anomalies(self) -> pd.DatetimeIndex:
        """Dates of the values declared outliers."""
        return pd.DatetimeIndex(self.steps.loc[self.steps["is_anomaly"], "date"])

    def summary(self) -> str:
        """How many outliers, and their dates."""
        head = (f"{self.n_anomalies:,} outlier{'' if self.n_anomalies == 1 else 's'} among "
                f"{self.n:,} values (generalized ESD, up to {self.max_anomalies:,} tested, "
                f"alpha = {self.alpha:g})")
        if self.n_anomalies:
            head += ": " + ", ".join(_date(d) for d in self.anomalies)
        return head + "."

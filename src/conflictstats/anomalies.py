"""Unusual days and changes of regime: robust and count-aware detectors, change points.

Two questions a reporter asks of a daily series:

* *Is this day unusual?* -- :func:`anomalies` scores every day against a
  baseline: a rolling median and MAD (``method="robust_z"``), a Poisson or
  negative-binomial tail probability for counts (``"count"``, the right tool for
  nightly drone counts), robust scores of STL residuals (``"seasonal"``) or
  Rosner's generalized ESD test (``"esd"``, also available with its full table
  as :func:`generalized_esd`).
* *Did the level change, and when?* -- :func:`changepoints` finds the optimal
  segmentation by PELT with a principled penalty, and returns one row per
  change.

Output of :func:`anomalies` is aligned to the input index.  A Series in gives a
DataFrame with one column per field; a wide DataFrame (one column per series)
gives a DataFrame with two-level columns ``(series, field)``, series-major, so
``out["kyiv"]`` is the frame of one series and ``out.xs("is_anomaly", axis=1,
level="field")`` the flags of all series.  Every method fills the same fields:

``value, expected, lower, upper, score, p_value, is_anomaly``

with NaN where a field has no meaning for the method (documented per method).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from ._periods import parse_window
from ._validate import (
    as_frame,
    as_series,
    check_alpha,
    check_choice,
    check_int,
    check_positive,
    check_values,
    daily_index,
    keep_own_dates,
    own_dates,
)
from .errors import InputError, InputTypeError
from .results import GeneralizedESDResult

__all__ = ["GeneralizedESDResult", "anomalies", "changepoints", "generalized_esd"]

#: Fields of :func:`anomalies`, in output order.
FIELDS = ("value", "expected", "lower", "upper", "score", "p_value", "is_anomaly", "continuing")
_BOOL_FIELDS = ("is_anomaly", "continuing")

_MAD_TO_SD = 1.482602218505602  # 1 / Phi^{-1}(3/4): MAD of a normal sample -> its sd
_MEANAD_TO_SD = 1.2533141373155001  # sqrt(pi / 2): mean absolute deviation -> sd
_CHUNK_ELEMENTS = 4_000_000  # elements of the (series, day, window) block sorted at once

_METHODS = ("auto", "robust_z", "count", "seasonal", "esd")
#: Default false-alarm rates: one day in 1,000 on noise for the day-by-day
#: detectors (two-sided for the z-scores, one-sided for counts); ESD is a test
#: of the whole series.
_DEFAULT_ALPHA = {"robust_z": 0.001, "count": 0.001, "seasonal": 0.001, "esd": 0.05}
#: Asymptotic efficiency of the MAD as a scale estimate at the normal
#: (Rousseeuw & Croux 1993): a MAD from k values is worth 0.3675 k values.
_MAD_EFFICIENCY = 0.3675


# ---------------------------------------------------------------------------
# anomalies
# ---------------------------------------------------------------------------


def anomalies(
    series: pd.Series | pd.DataFrame,
    *,
    method: str = "auto",
    window: int | str | pd.Timedelta = 28,
    threshold: float | None = None,
    alpha: float | None = None,
    causal: bool = False,
    min_periods: int | None = None,
    guard: int = 0,
    distribution: str = "auto",
    period: int = 7,
    trend: bool = True,
    max_anomalies: int = 10,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Score every day against a baseline and flag the unusual ones.

    Parameters
    ----------
    series : Series or DataFrame
        Daily values with a sorted, unique DatetimeIndex; a wide DataFrame
        holds one series per column (all are scored at once, vectorised).
    method : {"auto", "robust_z", "count", "seasonal", "esd"}
        ``"auto"`` (default): ``"count"`` for a series whose known values are
        all non-negative whole numbers, ``"robust_z"`` otherwise (chosen
        series by series).  ``"robust_z"``: rolling median and MAD, for
        levels and other roughly normal values; it refuses counts (whole
        numbers >= 0) with a median below 100, naming the column, since
        their skewed law breaks its threshold (use ``"count"``).
        ``"count"``: upper-tail probability of the day's count under a
        Poisson or negative-binomial law fitted to a baseline window, with a
        day-of-week profile and a local trend in the expected value.
        ``"seasonal"``: robust scores of
        STL residuals.  ``"esd"``: generalized ESD test on the whole series.
    window : int or str, default 28
        Baseline length in days (``28`` or ``"28D"``), missing days included.
        Used by ``"robust_z"`` and ``"count"``. The series must be daily (dates
        at midnight; absent dates are missing days, and the result is given on
        the input's dates); a weekly or monthly series is refused, naming the
        frequency found, except by ``"esd"``, which uses no window.
    threshold : float, optional
        ``"robust_z"`` and ``"seasonal"``: flag ``|score| > threshold``.  By
        default the threshold is the predictive one for the false-alarm rate
        ``alpha`` given the number of baseline values (see Notes); a number
        fixes it (3.5 was the first release's rule, which flags about 0.4% of
        clean normal days with a 28-day window).
    alpha : float, optional
        False-alarm rate per day on noise: default 0.001 (one day in 1,000)
        for ``"robust_z"`` and ``"seasonal"`` (two-sided) and ``"count"``
        (one-sided, excesses only); for ``"esd"`` the level of the whole-series
        test (default 0.05).
    causal : bool, default False
        If True, the baseline of a day uses only earlier days (the window ends
        the day before), so a score never changes when later data arrive --
        the mode for monitoring; only the first day of a run of flagged days
        is ``is_anomaly``, the others are ``continuing``.  If False the
        baseline is centred on the day (the day itself left out).  ``"seasonal"`` and
        ``"esd"`` use the whole series and raise when ``causal=True``.
    min_periods : int, optional
        Fewest non-missing baseline days needed for a score (default: half the
        window, at least 3).
    guard : int, default 0
        ``"count"`` with ``causal=True``: days left out between the baseline and
        the day scored (EARS C2 uses 2), so a slow build-up does not hide
        itself.
    distribution : {"auto", "poisson"}
        ``"count"``: ``"auto"`` uses the negative binomial where the series is
        over-dispersed (pooled dispersion above 0, see Notes) and the Poisson
        elsewhere (the negative binomial's limit when the variance does not
        exceed the mean), both averaged over the uncertainty of that
        dispersion; ``"poisson"`` uses the plain Poisson test everywhere.
    period : int, default 7
        ``"seasonal"``: the season length in days (a week).  ``"count"``:
        the length of the multiplicative day profile in the expected value
        (a week); 1 for none.
    trend : bool, default True
        ``"count"``: whether the expected value follows the local linear
        trend of the counts (shrunk towards none when the noise could have
        made it; see Notes).  ``False`` (with ``period=1``) gives the plain
        baseline mean of the first releases.
    max_anomalies : int, default 10
        ``"esd"``: the upper bound on the number of outliers tested.
    by, value : optional
        Group column(s) and value column of a long frame, as elsewhere: one
        (group, field) column per group, on the dates of all groups; each group
        is scored on its own dates only, as if alone (its fields are missing on
        the other groups' dates, and ``attrs["own_dates"]`` marks its own, so
        that :func:`conflictstats.dask.to_long` gives one row per group and own
        date).

    Returns
    -------
    DataFrame
        Aligned to the input index.  Columns (per series, under
        ``(series, field)`` two-level columns for a DataFrame input):

        - ``value``: the input value.
        - ``expected``: the baseline -- rolling median (robust_z), baseline
          level x day profile moved by the local trend (count), STL trend +
          season (seasonal), mean of the values not flagged (esd).
        - ``lower``, ``upper``: ``expected -/+ threshold * scale`` (robust_z,
          seasonal); NaN for count and esd.
        - ``score``: robust z (robust_z, seasonal); ``(x - mean) / sd`` with the
          model sd ``sqrt(max(variance, mean))`` (count); ``(x - mean) / sd`` of
          the values not flagged (esd).
        - ``p_value``: ``P(X >= x)`` under the baseline law, averaged over
          the uncertainty of the pooled dispersion (count; see Notes); NaN
          otherwise.
        - ``is_anomaly``: bool; always False on a missing day.  A day flagged
          as an artefact (``attrs["flags"]`` from :func:`~conflictstats.to_daily`)
          is treated as missing: NaN ``value``, never in a baseline, never an
          anomaly.  With ``causal=True``, True on the first day of a run of
          flagged days only.
        - ``continuing``: bool; with ``causal=True``, the later days of a run
          (flagged, the day before flagged too); always False otherwise.

        A missing day gives NaN ``value``, ``score`` and ``p_value``; the
        baseline fields (``expected``, ``lower``, ``upper``) are still given
        there when the baseline has enough data.

    See Also
    --------
    generalized_esd : Rosner's test for several outliers.
    changepoints : Where the level changes.
    conflictstats.plotting.mark_anomalies : Mark anomalies on a chart.

    Notes
    -----
    **robust_z.**  With ``m_t`` the median and ``MAD_t`` the median absolute
    deviation from ``m_t`` of the ``k_t`` known values of the window of day
    ``t`` (days ``t-w .. t-1`` when causal, else the ``w`` days around ``t``,
    the day left out), ``score_t = (x_t - m_t) / s_t`` with
    ``s_t = 1.4826 MAD_t k_t / (k_t - 0.8)`` (the small-sample factor of
    Croux & Rousseeuw 1992).  Where ``MAD_t = 0`` (a window of mostly equal
    values) the scale falls back to ``1.2533`` times the mean absolute
    deviation from the median, and where the window is constant to the noise
    level of the whole series (``1.4826 MAD / sqrt 2`` of its day-to-day
    differences), so a run of equal values does not make every later
    departure infinitely unusual.  The medians are exact, computed on all
    windows at once.

    *Scale floor* (every method but ``"count"``, which has its own law): no
    scale is below ``1e-9`` of the series' largest absolute value (floating
    point rounding: STL residuals of ``1e-14`` on a constant series were
    scored as 8 sd) nor, for whole numbers, below half a unit (a step of one
    on a constant count scores at most 2), so a constant or near-constant
    series gives no flags in any method.

    *Counts.*  ``"robust_z"`` refuses a series of whole numbers ``>= 0`` with
    a median below 100 and says why: the discrete, skewed law of counts
    breaks its normal-theory threshold (Poisson counts with a 90-day window,
    measured: mean 0.3 flags 35 to 37 days in 1,000, means 5 to 40 flag 1.2
    to 6.8, mean 100 at most 1.0); ``"count"`` is the method for them, and
    ``"auto"`` picks it.

    The default threshold is a predictive one, so that a day of i.i.d.
    normal noise is flagged with probability at most ``alpha`` whatever the
    window: ``t_{1-alpha/2}(nu) sqrt(1 + pi / (2 k))`` with
    ``nu = 0.3675 (k - 1)``.  It is the Student predictive interval of a new
    value (``(x - mean) / (s sqrt(1 + 1/k))`` has a ``t_{k-1}`` law), with the
    median in place of the mean (variance ``pi sigma^2 / (2k)``) and the MAD in
    place of the sd, worth ``0.3675 k`` values (its asymptotic efficiency,
    Rousseeuw & Croux 1993).  For ``alpha = 0.001`` it is about 4.7 with 28
    baseline days and 3.6 with 90, and very large for a handful of days.

    **count.**  The baseline is the ``w`` days before the day (causal, after
    ``guard`` days) or the ``w`` days around it, the day excluded, as in the
    EARS C1/C2 detectors (Hutwagner et al. 2003).  With ``n`` baseline days,
    total ``S``, mean ``mu`` and variance ``s2``:

    * Poisson (pooled dispersion ``c`` below, 0): the exact conditional test
      of equal rates.
      Given ``S + x``, the day's count is binomial with probability
      ``1 / (n + 1)``, so ``p_value = P(X >= x) = I_{1/(n+1)}(x, S + 1)``; it
      is never below its nominal level on Poisson noise, whatever ``n`` and
      the rate, and accounts for the uncertainty of the baseline mean.
    * Negative binomial (``c > 0``; Noufaily et al. 2013): with ``c = 1/r``
      the negative-binomial dispersion pooled over the series (a moment
      ratio of sums over the days, flagged days capped; earlier days only
      when causal; once the series has a day profile, not the days before
      it, whose residuals hold the weekly swing), since a short window
      cannot measure over-dispersion by itself, the exact conditional test
      again: given ``S + x``, the day's count is beta-binomial ``(S + x, r,
      n r)`` (the Polya-urn law of one of ``n + 1`` negative-binomial counts
      given their total), so the uncertainty of the baseline mean is
      accounted for exactly, whatever ``n``.

    *Day of week and trend* (the Farrington-flexible idea of Noufaily et
    al. 2013, in closed form).  The expected count is ``mu_t = f_t L_t``:
    ``f_t`` the day's factor in a multiplicative profile of ``period`` days
    and ``L_t`` the level of the baseline, ``L = S / W`` with ``W`` the sum
    of the factors of its known days (the Poisson estimate under day
    effects), moved to day ``t`` by the local trend.  The profile is the
    classical ratio to a centred moving mean, ``R_d = sum x_i / sum m_i``
    over the days of phase ``d`` (the whole series when centred; the days
    before the current week when causal), with its sandwich variance
    ``se_d^2``, shrunk towards 1 by the positive-part empirical Bayes rule
    ``f_d = 1 + (R_d - 1) tau^2 / (tau^2 + se_d^2)``, ``tau^2`` the spread of
    the ``R_d`` beyond their noise: a series without a weekly pattern keeps
    factors of about 1.  The trend is the least-squares slope ``b`` of the
    adjusted counts ``x_i / f_i`` over ``max(2w, 56)`` days around (before)
    the day, shrunk to ``B b`` with ``B = b^2 / (b^2 + se_b^2)``; with ``u``
    the mean offset of the baseline days from ``t`` (``-(w + 1) / 2`` when
    causal, about 0 when centred) the level moves by ``-B b u`` (at most
    half the level).  The tests above then run with the baseline's worth in
    days like day ``t``, ``n_eff`` with ``1 / n_eff = f_t / W + (f_t^2 u^2
    B max(b^2, se_b^2) + mu_t^2 v_t) / V_t`` (the variances of the level, of
    the trend's step -- on the safe side: 0.72 ``u^2 se_b^2`` on average on
    normal noise against a mean square error of 0.47 -- and of the factor, ``v_t``
    its relative posterior variance ``se^2 tau^2 / (tau^2 + se^2)``, in
    units of the day's variance ``V_t``), in place of ``n``: given ``S + x``, the
    day's count is binomial with probability ``f_t / (W + f_t)`` when the
    profile is exact.  ``period=1, trend=False`` gives the plain baseline
    mean.

    The dispersion is itself an estimate, and a tail is convex in it: a
    plug-in ``c`` that is 10% too low half of the time raises the false
    alarms more than a ``c`` 10% too high lowers them (causal runs flagged
    1.1 in 1,000 with a 7-day window, where the true ``c`` gives 0.9).  So
    ``p_value`` is the predictive tail, averaged over the sampling law of the
    dispersion, as Student's t averages the normal over the sampling law of
    the variance: the variance ``V = mu + c mu^2`` is taken as
    ``nu V_hat / chi2_nu`` with Satterthwaite's (1946) degrees of freedom
    ``nu = 2 V_hat^2 / Var(V_hat)``, ``Var(V_hat) = mu^4 Var(c_hat)`` from
    the linearised variance of the ratio of sums with the negative
    binomial's own fourth cumulant (so ``nu`` grows with the days pooled --
    a few hundred for a year of daily counts, a handful at the start of a
    causal series), and the exact tail (binomial where ``V <= mu``) is
    averaged over it by 5-point Gauss-Hermite quadrature.  The Poisson test
    above is averaged the same way unless ``distribution="poisson"`` (a
    series whose pooled ``c`` is 0 may still be a little over-dispersed).
    ``p_value`` is never below the plug-in test's in the tail.

    A day is flagged when ``p_value < alpha``; only excesses are flagged.
    In the baselines of the other days, a day flagged against its own full
    baseline counts at its alarm threshold (the plug-in test's smallest
    flagged count, winsorised; in the spirit of Noufaily et al.'s
    down-weighting), so one massive attack does not inflate the variance
    and mask the next, while on noise, where only about ``alpha`` of the
    days are capped and only by their excess over the threshold, the
    baseline's mean and variance are not shrunk as trimming its upper tail
    would; the caps, the levels and the dispersion are refitted together
    until no cap moves (a few passes, the profile and the trend kept), then
    the profile and the trend of the capped series are refitted once from
    the capped counts; the causal mode stays causal.

    Measured on simulated i.i.d. noise (4 x 50 series of 2,000 days,
    windows of 7, 28 and 90 days, centred and causal;
    ``benchmarks/bench_detector_calibration.py 4``, standard error 0.05),
    the default flags at most one day in 1,000: normal noise 0.15 to 0.94
    (the larger windows nearer the bound), Poisson counts (means 0.3, 2 and
    40) 0.04 to 0.69, negative-binomial counts (size 3, mean 20; size 1,
    mean 5) 0.81 to 0.95 (causal runs the highest).

    Measured on seasonal counts (10 x 100 series of 730 days at mean 100:
    weekly profile +-10%, yearly term +-10%, trend up to +-30%, Poisson
    noise, four spikes per series; ``bench_detector_calibration.py 10
    seasonal``; standard errors 0.2 to 1.1 points), with the default 28-day
    window: a one-day spike of 5 sd is found 93.1% of the time centred and
    89.2% causal (86% in the first 300 days, while the profile and the
    dispersion are still learnt; 92% after), against 71.6% and 69.9% without the
    profile and the trend (``period=1, trend=False``) and 96.6% for the
    Poisson test that knows the true mean; 10 sd spread over 3 days: 64.9%
    and 59.3%, against 40.2% and 45.5% (the true-mean test: 89.9%); false
    alarms on the same series 0.6 and 0.6 in 1,000.  A 90-day window finds
    94.0% centred but 79.5% causal (its level, 45 days back on average, is
    carried forward by a slope whose error widens the test); a 7-day window
    87.4% and 84.8%.  Not modelled: a
    series with many huge spikes (over 1% of its days) inflates the pooled
    dispersion before the caps can take hold, and can then hide some of
    them in centred mode.

    **seasonal.**  STL (Cleveland et al. 1990; statsmodels, robust fit) of the
    series with missing days linearly interpolated for the fit only.  The
    seasonal smoother spans ``10 * period + 1`` days (a nearly fixed weekly
    profile, as Hochenbaum et al. 2017 use) and the trend ``4 * period + 1``
    days (a month for a week), so the fit does not absorb the noise and the
    spikes it is meant to reveal.  The residuals are scored with their median
    and MAD over the whole series, the robust residual scoring of Hochenbaum
    et al.

    STL fits one series at a time (tens of milliseconds each), so this method
    is the slow one on panels of thousands of series.

    **esd.**  Rosner's (1983) generalized ESD: see :func:`generalized_esd`
    (vectorised over the series of a wide frame).

    References
    ----------
    Hutwagner, L. et al. (2003). The bioterrorism preparedness and response
    Early Aberration Reporting System (EARS). J. Urban Health 80.

    Noufaily, A. et al. (2013). An improved algorithm for outbreak detection in
    multiple surveillance systems. Statistics in Medicine 32.

    Rosner, B. (1983). Percentage points for a generalized ESD many-outlier
    procedure. Technometrics 25.

    Hochenbaum, J., Vallis, O. S., Kejariwal, A. (2017). Automatic anomaly
    detection in the cloud via statistical learning. arXiv:1704.07706.

    Rousseeuw, P. J., Croux, C. (1993). Alternatives to the median absolute
    deviation. JASA 88.

    Satterthwaite, F. E. (1946). An approximate distribution of estimates of
    variance components. Biometrics Bulletin 2.

    Cochran, W. G. (1977). Sampling Techniques, 3rd ed., Wiley (section 6.3,
    the variance of a ratio estimate).

    Croux, C., Rousseeuw, P. J. (1992). Time-efficient algorithms for two
    highly robust estimators of scale. Computational Statistics 1.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.date_range("2024-11-01", periods=10, freq="D", name="date")
    >>> drones = pd.Series([40, 42, 38, 41, 39, 188, 40, 43, 37, 41], index=idx)
    >>> out = anomalies(drones, window=6, causal=True, min_periods=4)  # counts: "count"
    >>> out.loc[out["is_anomaly"], ["value", "expected"]].round(1)
                value  expected
    date
    2024-11-06  188.0      39.8

    Five nights say little about how bursty the counts are, so the p-value
    allows for over-dispersion; told the counts are Poisson, it is tiny:

    >>> round(float(out.loc["2024-11-06", "p_value"]), 5)
    0.00088
    >>> poisson = anomalies(drones, window=6, causal=True, min_periods=4,
    ...                     distribution="poisson")
    >>> bool(poisson.loc["2024-11-06", "p_value"] < 1e-40)
    True
    """
    check_choice("method", method, _METHODS)
    frame, was_series = as_frame(series, name="series", by=by, value=value, finite=True)
    if len(frame) == 0:
        raise InputError("series is empty: it has no dates (nothing to analyse)")
    own, groups = own_dates(series, frame, by), frame.columns  # by=: each group's own dates
    from .records import _flag_mask  # days flagged as artefacts: neither baseline nor anomaly

    flagged = _flag_mask(series, frame, by)
    if flagged is not None:
        frame = frame.mask(flagged)
    if not isinstance(causal, (bool, np.bool_)):
        raise InputTypeError(f"causal must be True or False; got {causal!r}")
    if method in ("seasonal", "esd") and causal:
        raise InputError(
            f"method={method!r} uses the whole series and has no causal mode; "
            "use method='auto', 'robust_z' or 'count' with causal=True"
        )
    given = pd.DatetimeIndex(frame.index)
    if method != "esd":  # windows and seasons are counted in days
        frame = _on_daily_grid(frame)
    w = _window_days(window)
    if min_periods is None:
        mp = max(3, (w + 1) // 2)
    else:
        mp = check_int("min_periods", min_periods, minimum=1)
    if method in ("auto", "robust_z", "count") and mp > w:
        raise InputError(f"min_periods ({mp}) exceeds window ({w})")
    thr = None if threshold is None else check_positive("threshold", threshold)
    p = check_int("period", period, minimum=2 if method == "seasonal" else 1)
    if not isinstance(trend, (bool, np.bool_)):
        raise InputTypeError(f"trend must be True or False; got {trend!r}")
    x = frame.to_numpy(dtype="float64")
    if method == "auto":
        a = check_alpha(_DEFAULT_ALPHA["count"] if alpha is None else alpha)
        g = check_int("guard", guard, minimum=0)
        check_choice("distribution", distribution, ("auto", "poisson"))
        is_count = _count_columns(x)
        if is_count.all():  # the common cases, without copying into a merged block
            fields = _count(x, w, causal=bool(causal), min_periods=mp, guard=g, alpha=a,
                            distribution=distribution, period=p, trend=bool(trend))
        elif not is_count.any():
            fields = _robust_z(x, w, causal=bool(causal), min_periods=mp, threshold=thr,
                               alpha=a)
        else:
            fields = _mixed(x, is_count, w, causal=bool(causal), min_periods=mp, guard=g,
                            alpha=a, distribution=distribution, threshold=thr, period=p,
                            trend=bool(trend))
    elif method == "robust_z":
        a = check_alpha(_DEFAULT_ALPHA["robust_z"] if alpha is None else alpha)
        _refuse_low_counts(x, frame.columns)
        fields = _robust_z(x, w, causal=bool(causal), min_periods=mp, threshold=thr, alpha=a)
    elif method == "count":
        a = check_alpha(_DEFAULT_ALPHA["count"] if alpha is None else alpha)
        g = check_int("guard", guard, minimum=0)
        check_choice("distribution", distribution, ("auto", "poisson"))
        neg = np.isfinite(x) & (x < 0)
        if neg.any():
            r, c = np.argwhere(neg)[0]
            raise InputError(
                f"method='count' needs non-negative counts; column {frame.columns[c]!r} "
                f"is {x[r, c]:g} on {frame.index[r].date()}"
            )
        fields = _count(x, w, causal=bool(causal), min_periods=mp, guard=g, alpha=a,
                        distribution=distribution, period=p, trend=bool(trend))
    elif method == "seasonal":
        a = check_alpha(_DEFAULT_ALPHA["seasonal"] if alpha is None else alpha)
        fields = _seasonal(x, frame.index, period=p, threshold=thr, alpha=a)
    else:
        a = check_alpha(_DEFAULT_ALPHA["esd"] if alpha is None else alpha)
        k = check_int("max_anomalies", max_anomalies, minimum=1)
        fields = _esd_fields(x, max_anomalies=k, alpha=a)
    fields.setdefault("continuing", np.zeros_like(x, dtype=bool))
    if causal:
        fields["is_anomaly"], fields["continuing"] = _onsets(
            fields["is_anomaly"] & ~np.isnan(fields["value"]))
    out = _assemble(fields, frame, was_series)
    out = out if out.index.equals(given) else out.reindex(given)
    return keep_own_dates(out, own, groups)


def _mixed(x: np.ndarray, is_count: np.ndarray, w: int, *, causal: bool, min_periods: int,
           guard: int, alpha: float, distribution: str, threshold: float | None, period: int,
           trend: bool) -> dict[str, np.ndarray]:
    """``method="auto"`` on a frame with both count and other columns."""
    fields = _empty_fields(x)
    part = _count(x[:, is_count], w, causal=causal, min_periods=min_periods, guard=guard,
                  alpha=alpha, distribution=distribution, period=period, trend=trend)
    for f in FIELDS[1:-1]:
        fields[f][:, is_count] = part[f]
    part = _robust_z(x[:, ~is_count], w, causal=causal, min_periods=min_periods,
                     threshold=threshold, alpha=alpha)
    for f in FIELDS[1:-1]:
        fields[f][:, ~is_count] = part[f]
    return fields


#: ``method="robust_z"`` refuses a series of whole non-negative numbers whose
#: median is below this: the skewed, discrete law of such counts breaks its
#: normal-theory threshold (Poisson means 5 to 40 flag 1.2 to 6.8 days in
#: 1,000 with a 90-day window; mean 0.3, 35 to 50).
_LOW_COUNT_MEDIAN = 100.0


def _refuse_low_counts(x: np.ndarray, columns: pd.Index) -> None:
    """Raise when ``robust_z`` is asked to score low counts (see ``_LOW_COUNT_MEDIAN``)."""
    low = _count_columns(x)
    if not low.any():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(x[:, low], axis=0)
    small = med < _LOW_COUNT_MEDIAN
    if small.any():
        j = int(np.flatnonzero(low)[np.argmax(small)])
        raise InputError(
            f"method='robust_z' cannot score low counts: column {columns[j]!r} holds whole "
            f"numbers >= 0 with median {med[np.argmax(small)]:g} (below "
            f"{_LOW_COUNT_MEDIAN:g}), whose skewed, discrete law its normal-theory threshold "
            "misjudges (several times the stated false alarms); use method='count' "
            "(or 'auto', which picks it for counts)"
        )


def _count_columns(x: np.ndarray) -> np.ndarray:
    """Columns whose known values are all non-negative whole numbers (at least one)."""
    known = ~np.isnan(x)
    ok = np.where(known, (x >= 0) & (x == np.floor(x)), True)
    return ok.all(axis=0) & known.any(axis=0)


def _empty_fields(x: np.ndarray) -> dict[str, np.ndarray]:
    out = {f: np.full_like(x, np.nan) for f in FIELDS if f not in _BOOL_FIELDS}
    out["value"] = x
    for f in _BOOL_FIELDS:
        out[f] = np.zeros_like(x, dtype=bool)
    return out


def _onsets(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split flagged days into onsets (the first of a run) and continuing days.

    A run is a stretch of consecutive flagged rows; a missing day is never
    flagged, so it ends a run.
    """
    prev = np.zeros_like(flags)
    prev[1:] = flags[:-1]
    return flags & ~prev, flags & prev


def _window_days(window: Any) -> int:
    """The baseline window in days (the one parsing of ``window=``, in ``_periods``)."""
    days = parse_window(window).days
    assert days is not None
    return days


def _on_daily_grid(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame on every calendar day from its first to its last date (absent dates NaN).

    Windows and seasons are spans of days, so a series must be daily; a weekly or
    monthly series, or one with clock times, is refused naming what was found.
    """
    check_values(frame, name="series", daily=True)
    if len(frame) == 0 or daily_index(pd.DatetimeIndex(frame.index)):
        return frame
    grid = pd.date_range(frame.index[0], frame.index[-1], freq="D", name=frame.index.name)
    return frame.reindex(grid.as_unit(pd.DatetimeIndex(frame.index).unit))


def _assemble(fields: dict[str, np.ndarray], frame: pd.DataFrame, was_series: bool
              ) -> pd.DataFrame:
    """Build the output frame: plain field columns for a Series, (series, field) else."""
    missing = np.isnan(fields["value"])
    bools = {f: fields[f] & ~missing for f in _BOOL_FIELDS}
    floats = [f for f in FIELDS if f not in _BOOL_FIELDS]
    if was_series:
        data: dict[str, Any] = {f: fields[f][:, 0] for f in floats}
        for f in _BOOL_FIELDS:
            data[f] = bools[f][:, 0]
        return pd.DataFrame(data, index=frame.index)
    n_t, n_s = fields["value"].shape
    # (series, field, day) buffer: each output column is one contiguous row, the
    # layout pandas keeps for a 2-D block, so the frames below are views of it
    buf = np.empty((n_s, len(floats), n_t))
    for i, f in enumerate(floats):
        buf[:, i, :] = fields[f].T
    block = buf.reshape(n_s * len(floats), n_t).T
    cols = frame.columns
    if isinstance(cols, pd.MultiIndex):
        labels: list[tuple[Hashable, ...]] = list(cols)
        names = [*cols.names, "field"]
    else:
        labels = [(c,) for c in cols]
        names = [cols.name if cols.name is not None else "series", "field"]
    fl = pd.DataFrame(
        block, index=frame.index, copy=False,
        columns=pd.MultiIndex.from_tuples([(*lab, f) for lab in labels for f in floats],
                                          names=names),
    )
    bbuf = np.empty((n_s, len(_BOOL_FIELDS), n_t), dtype=bool)
    for i, f in enumerate(_BOOL_FIELDS):
        bbuf[:, i, :] = bools[f].T
    bl = pd.DataFrame(
        bbuf.reshape(n_s * len(_BOOL_FIELDS), n_t).T, index=frame.index, copy=False,
        columns=pd.MultiIndex.from_tuples(
            [(*lab, f) for lab in labels for f in _BOOL_FIELDS], names=names),
    )
    order = pd.MultiIndex.from_tuples([(*lab, f) for lab in labels for f in FIELDS],
                                      names=names)
    return pd.concat([fl, bl], axis=1).reindex(columns=order)


# --- robust rolling z ------------------------------------------------------


def _window_layout(n_t: int, w: int, causal: bool) -> tuple[int, int]:
    """Rows of NaN padding (before, after) so that window t is padded[t : t + span].

    Causal: the ``w`` days before the day (span ``w``).  Centred: ``(w+1)//2``
    days before and ``w//2`` after, the day itself left out (span ``w + 1``).
    """
    if causal:
        return w, 0
    return (w + 1) // 2, w // 2


def _median_sorted(s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Median of the first k entries of each sorted row (NaN sorted last)."""
    lo = np.clip((k - 1) // 2, 0, None)[..., None]
    hi = np.clip(k // 2, 0, s.shape[-1] - 1)[..., None]
    return 0.5 * (np.take_along_axis(s, lo, -1)[..., 0] + np.take_along_axis(s, hi, -1)[..., 0])


def _mad_to_scale(mad: np.ndarray, dev: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    """1.4826 MAD, or 1.2533 times the mean absolute deviation where the MAD is 0."""
    sc = _MAD_TO_SD * mad
    zero = mad == 0
    if zero.any():
        d = dev[zero]
        if valid is None:
            sc[zero] = _MEANAD_TO_SD * d.mean(axis=-1)
        else:
            v = valid[zero]
            sc[zero] = _MEANAD_TO_SD * np.where(v, d, 0.0).sum(axis=-1) / v.sum(axis=-1)
    return sc


def _median_scale_full(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and scale of sorted rows with no missing value.

    With ``A = |s - median|`` V-shaped along a sorted row, the j nearest values
    form a run, so the j-th smallest deviation is the least, over runs of j
    neighbours, of the larger deviation at the run's two ends -- no second
    sort is needed.
    """
    w = s.shape[1]
    m = 0.5 * (s[:, (w - 1) // 2] + s[:, w // 2])
    dev = np.abs(s - m[:, None])

    def kth(j: int) -> np.ndarray:
        return np.maximum(dev[:, :w - j + 1], dev[:, j - 1:]).min(axis=1)

    mad = kth((w + 1) // 2) if w % 2 else 0.5 * (kth(w // 2) + kth(w // 2 + 1))
    return m, _mad_to_scale(mad, dev, None)


def _median_scale_partial(s: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and scale of sorted rows whose first k entries are the values."""
    m = _median_sorted(s, k)
    dev = np.abs(s - m[:, None])
    d = np.sort(dev, axis=-1)
    mad = _median_sorted(d, k)
    valid = np.arange(s.shape[1])[None, :] < k[:, None]
    return m, _mad_to_scale(mad, d, valid)


def _rolling_median_mad(x: np.ndarray, w: int, *, causal: bool, min_periods: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact rolling median, scale (1.4826 MAD, mean-AD fallback) and count of every column.

    The baseline of a day never contains the day (see :func:`_window_layout`).
    All windows of a block of columns are materialised (a strided view, then
    one sort per block), so there is no loop over days.
    """
    n_t, n_s = x.shape
    before, after = _window_layout(n_t, w, causal)
    span = before + 1 + after if not causal else w
    pad = np.full((n_s, before + n_t + after), np.nan)
    pad[:, before:before + n_t] = x.T
    # count of non-missing values per window, from a cumulative sum
    ok = np.concatenate([np.zeros((n_s, 1)), np.cumsum(~np.isnan(pad), axis=1)], axis=1)
    count = (ok[:, span:span + n_t] - ok[:, :n_t]).astype(np.intp)
    if not causal:
        count -= (~np.isnan(x.T)).astype(np.intp)
    med = np.full((n_s, n_t), np.nan)
    scale = np.full((n_s, n_t), np.nan)
    step = max(1, _CHUNK_ELEMENTS // max(1, n_t * span))
    for j in range(0, n_s, step):
        win = sliding_window_view(pad[j:j + step], span, axis=1)[:, :n_t]
        if not causal:  # leave the day itself out of its own baseline
            win = np.concatenate([win[..., :before], win[..., before + 1:]], axis=-1)
        k = count[j:j + step].reshape(-1)
        s = np.sort(win, axis=-1).reshape(-1, w)  # NaN sorted last
        m, sc = _median_scale_full(s)
        part = (k < w) & (k >= min_periods)
        if part.any():
            m[part], sc[part] = _median_scale_partial(s[part], k[part])
        med[j:j + step] = m.reshape(-1, n_t)
        scale[j:j + step] = sc.reshape(-1, n_t)
    few = count < min_periods
    med[few] = np.nan
    scale[few] = np.nan
    return med.T, scale.T, count.T


def _z_threshold(k: np.ndarray, alpha: float) -> np.ndarray:
    """Two-sided predictive threshold for a robust z from a baseline of ``k`` values.

    ``t_{1 - alpha/2}(nu) * sqrt(1 + pi / (2 k))`` with ``nu = 0.3675 (k - 1)``
    degrees of freedom: the Student predictive interval of a new normal value
    (``(x - mean) / (s sqrt(1 + 1/k))`` is ``t_{k-1}``), with the mean replaced
    by the median (variance ``pi sigma^2 / (2k)``) and the sd by the MAD,
    whose efficiency 0.3675 makes it worth ``0.3675 k`` values (Rousseeuw &
    Croux 1993).
    """
    from scipy import stats

    kf = k.astype("float64")
    out = np.full(kf.shape, np.nan)
    good = kf >= 2
    uniq, inv = np.unique(kf[good], return_inverse=True)
    nu = np.maximum(_MAD_EFFICIENCY * (uniq - 1.0), 0.5)
    thr = stats.t.ppf(1.0 - alpha / 2.0, nu) * np.sqrt(1.0 + np.pi / (2.0 * uniq))
    out[good] = thr[inv]
    return out


def _series_scale(x: np.ndarray) -> np.ndarray:
    """Noise scale of each whole column from its first differences (1.4826 MAD / sqrt 2).

    The floor used where a baseline window shows no spread at all.
    """
    d = np.diff(x, axis=0)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        med = np.nanmedian(d, axis=0)
        mad = np.nanmedian(np.abs(d - med), axis=0)
        mean_ad = np.nanmean(np.abs(d - med), axis=0)
    sc = np.where(mad > 0, _MAD_TO_SD * mad, _MEANAD_TO_SD * mean_ad) / np.sqrt(2.0)
    return np.where(np.isfinite(sc), sc, 0.0)


#: Relative size of a difference that is rounding, not signal: no scale is
#: below this share of a series' largest absolute value.
_ROUNDING = 1e-9
#: The least scale of a series of whole numbers: half a unit, so a step of
#: one on a constant count scores at most 2.
_WHOLE_SD = 0.5


def _scale_floor(x: np.ndarray) -> np.ndarray:
    """Least noise scale of each column, so a (near-)constant series flags nothing.

    ``max(1e-9 max |x|, 0.5 for whole numbers)``: differences at the level
    of floating-point rounding, or of one unit of a whole-number series, are
    not evidence of anything on their own.
    """
    known = ~np.isnan(x)
    big = np.where(known, np.abs(x), 0.0).max(axis=0, initial=0.0)
    whole = np.where(known, x == np.round(x), True).all(axis=0) & known.any(axis=0)
    return np.maximum(_ROUNDING * np.where(np.isfinite(big), big, 0.0),
                      np.where(whole, _WHOLE_SD, 0.0))


def _robust_z(x: np.ndarray, w: int, *, causal: bool, min_periods: int,
              threshold: float | None, alpha: float) -> dict[str, np.ndarray]:
    med, scale, count = _rolling_median_mad(x, w, causal=causal, min_periods=min_periods)
    # small-sample consistency of the MAD (Croux & Rousseeuw 1992: k / (k - 0.8))
    kf = count.astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = scale * np.where(kf > 1, kf / (kf - 0.8), np.nan)
    flat = scale == 0  # a window of equal values: the series' own noise level
    if flat.any():
        floor = np.broadcast_to(_series_scale(x), x.shape)
        scale = np.where(flat, floor, scale)
    scale = np.maximum(scale, _scale_floor(x)[None, :])  # NaN stays NaN
    thr = _z_threshold(count, alpha) if threshold is None else np.full(x.shape, threshold)
    score = _safe_z(x - med, scale)
    with np.errstate(invalid="ignore"):
        flags = np.abs(score) > thr
    return {
        "value": x,
        "expected": med,
        "lower": med - thr * scale,
        "upper": med + thr * scale,
        "score": score,
        "p_value": np.full_like(x, np.nan),
        "is_anomaly": flags,
    }


def _safe_z(dev: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """dev / scale, with 0 / 0 -> 0 and d / 0 -> +-inf (a departure from a constant)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = dev / scale
    z[(scale == 0) & (dev == 0)] = 0.0
    return z


# --- counts ----------------------------------------------------------------


def _offset_sums(v: np.ndarray, parts: list[tuple[int, int]]) -> np.ndarray:
    """Sums over days t+a .. t+b-1, for each (a, b) in parts, at every day t.

    ``v`` is laid out (..., day) with days last and contiguous; days outside
    the data count as zero.  One cumulative sum, then shifted slices.
    """
    n_t = v.shape[-1]
    top = max(0, -min(a for a, _ in parts))
    bottom = max(0, max(b for _, b in parts))
    c = np.zeros((*v.shape[:-1], top + n_t + bottom + 1))
    np.cumsum(v, axis=-1, out=c[..., top + 1:top + n_t + 1])
    c[..., top + n_t + 1:] = c[..., top + n_t:top + n_t + 1]
    a0, b0 = parts[0]
    out = c[..., top + b0:top + b0 + n_t] - c[..., top + a0:top + a0 + n_t]
    for a, b in parts[1:]:
        out += c[..., top + b:top + b + n_t]
        out -= c[..., top + a:top + a + n_t]
    return out


def _baseline_sums(xt: np.ndarray, use: np.ndarray, parts: list[tuple[int, int]]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count, sum and sum of squares (centred per series) of the baseline of every day.

    ``xt`` and ``use`` are laid out (series, day).  Returns ``(n, s1, s2,
    centre)`` with ``centre`` the per-series constant the values are centred
    on (for accurate sums of squares).
    """
    cnt = use.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(use, xt, 0.0).sum(axis=1) / cnt
    centre = np.where(cnt > 0, centre, 0.0)[:, None]
    y = np.where(use, xt - centre, 0.0)
    stacked = np.stack([use.astype("float64"), y, y * y])
    n, s1, s2 = _offset_sums(stacked, parts)
    return np.rint(n), s1, s2, centre


def _moments(n: np.ndarray, s1: np.ndarray, s2: np.ndarray, centre: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance (ddof=1) from baseline sums."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ybar = s1 / n
        var = np.maximum((s2 - s1 * ybar) / (n - 1), 0.0)
    mean = ybar + centre
    # sums of whole counts: a mean or variance within rounding of 0 is 0
    mean = np.where(mean < 1e-9, 0.0, mean)
    var = np.where(var < 1e-9, 0.0, var)
    return mean, var


def _baseline_moments(xt: np.ndarray, use: np.ndarray, parts: list[tuple[int, int]]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and variance (ddof=1) of the baseline days marked ``use``.

    ``xt`` and ``use`` are laid out (series, day).
    """
    n, s1, s2, centre = _baseline_sums(xt, use, parts)
    mean, var = _moments(n, s1, s2, centre)
    return n, mean, var


def _count(x: np.ndarray, w: int, *, causal: bool, min_periods: int, guard: int,
           alpha: float, distribution: str, period: int = 1, trend: bool = False
           ) -> dict[str, np.ndarray]:
    x_in = x
    x = np.ascontiguousarray(x.T)  # (series, day): sums run along contiguous days
    present = ~np.isnan(x)
    parts = _count_parts(w, causal, guard)
    tparts = _count_parts(max(2 * w, _TREND_DAYS), causal, guard) if trend else None
    need = max(min_periods, 2)
    poisson = distribution == "poisson"
    # pass 1: every day against its whole baseline.  In the baselines of the
    # other days (pass 2), a day pass 1 flags counts as the smallest count that
    # would have been flagged (winsorised at its alarm threshold), so that one
    # massive attack does not inflate the mean and variance and mask the next.
    # Capping only the flagged days, at the threshold, barely moves a baseline
    # on noise, where removing them or trimming the upper tail would shrink its
    # mean and variance (and the pooled dispersion) and so cry wolf.
    (n, n_eff, mu, var), shape = _count_baseline(x, present, parts, tparts, period, causal)
    pool = _pool_days(present, shape[4])
    inv_r = np.zeros_like(x) if poisson else _inverse_size(x, n_eff, mu, var, pool, causal,
                                                           need)
    high = np.zeros_like(present)
    capped = x.copy()
    look = present  # the days screened: all at first, then those of the refitted series
    for _ in range(_CAP_PASSES):  # a surge of several days is uncovered day by day
        p1, _ = _count_tail(x, n_eff, mu, inv_r, need=need, alpha=alpha, exact=False,
                            where=look, n_days=n)
        new = look & (p1 < alpha) & ~high
        high |= new
        # every flagged day counts at its alarm threshold under the current fit:
        # a day capped while the dispersion was still inflated by the other
        # spikes is capped again lower once they are capped (a fixed point)
        rows, days = np.nonzero(high)
        old = capped[rows, days]
        cap = np.minimum(x[rows, days], _alarm_threshold(
            n_eff[rows, days], mu[rows, days], inv_r[rows, days], alpha))
        moved = cap != old
        if not moved.any():
            break
        capped[rows[moved], days[moved]] = cap[moved]
        # the series with a new cap get new levels (profile and trend kept)
        # and pooled dispersion, and are screened again in full
        again = np.unique(rows[moved])
        _refit(again, capped, present, pool, parts, tparts, period, causal, need, poisson,
               (n, n_eff, mu, var, inv_r), tuple(a[again] for a in shape))
        look = np.zeros_like(present)
        look[again] = present[again]
    if high.any():  # the profile and the trend of the capped series, from the caps
        _refit(np.unique(np.nonzero(high)[0]), capped, present, pool, parts, tparts, period,
               causal, need, poisson, (n, n_eff, mu, var, inv_r), None)
    # the final test averages over the sampling law of the pooled dispersion
    # (the screening above uses its estimate alone: it only decides the caps)
    var_inv = None if poisson else _inverse_size_variance(inv_r, n_eff, mu, pool, causal)
    p, pvar = _count_tail(x, n_eff, mu, inv_r, need=need, alpha=alpha, exact=True,
                          var_inv=var_inv, n_days=n)
    mean = np.where(n >= need, mu, np.nan)
    score = _safe_z(x - mean, np.sqrt(pvar))
    nan = np.full_like(x_in, np.nan)
    with np.errstate(invalid="ignore"):
        flags = p < alpha
    return {
        "value": x_in,
        "expected": mean.T,
        "lower": nan,
        "upper": nan,
        "score": score.T,
        "p_value": p.T,
        "is_anomaly": flags.T,
    }


def _refit(rows: np.ndarray, capped: np.ndarray, present: np.ndarray, pool: np.ndarray,
           parts: list[tuple[int, int]], tparts: list[tuple[int, int]] | None, period: int,
           causal: bool, need: int, poisson: bool, fit: tuple[np.ndarray, ...],
           shape: tuple[np.ndarray, ...] | None) -> None:
    """Refit the baselines (and pooled dispersion) of some series in place."""
    new, new_shape = _count_baseline(capped[rows], present[rows], parts, tparts, period,
                                     causal, shape=shape)
    for arr, new_arr in zip(fit[:4], new, strict=True):
        arr[rows] = new_arr
    pool[rows] = _pool_days(present[rows], new_shape[4])
    if not poisson:
        n_eff, mu, var = new[1], new[2], new[3]
        fit[4][rows] = _inverse_size(capped[rows], n_eff, mu, var, pool[rows], causal, need)


def _pool_days(present: np.ndarray, ready: np.ndarray) -> np.ndarray:
    """The days whose residuals the pooled dispersion uses.

    Once a series has a day profile, the days before it (the first weeks of
    a causal run, whose expected values ignore the weekly pattern) are left
    out: their residuals hold the weekly swing, which would inflate the
    dispersion of every later day.  A series that never gets a profile
    pools all its days.
    """
    ready = ready.astype(bool)
    return present & (ready | ~ready.any(axis=1, keepdims=True))


def _count_parts(w: int, causal: bool, guard: int) -> list[tuple[int, int]]:
    """Offsets ``(a, b)`` of the days ``t+a .. t+b-1`` of a baseline of ``w`` days."""
    if causal:
        return [(-guard - w, -guard)]
    return [(-((w + 1) // 2), 0), (1, 1 + w // 2)]


#: Fewest days of each weekday (each phase of ``period``) with a full
#: moving mean around them before a day profile is estimated at all.
_PROFILE_MIN_DAYS = 4

#: Smallest factor of the day profile: no day of the week is expected to see
#: less than this share of the mean of the week.
_PROFILE_FLOOR = 0.05

#: Shortest span (days) over which the local trend of a count is fitted; the
#: span is twice the window when that is longer.
_TREND_DAYS = 56


def _day_profile(x: np.ndarray, use: np.ndarray, period: int, causal: bool
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Multiplicative day-of-week factor of every day, shrunk to 1 where unsure.

    Ratio to a centred moving mean (the classical seasonal index): with
    ``m_i`` the mean of the ``period`` days around day ``i`` (all known),
    the factor of phase ``d`` is the ratio of sums ``R_d = sum x_i / sum
    m_i`` over its days, with the sandwich variance ``se_d^2 = sum (x_i -
    R_d m_i)^2 / (sum m_i)^2`` (Cochran 1977, 6.3; at least the Poisson
    ``R / sum m_i``).  The ratios, divided by their mean, are shrunk towards
    1 by the positive-part empirical Bayes rule ``f_d = 1 + (R_d - 1) tau^2
    / (tau^2 + se_d^2)`` with ``tau^2 = max(0, var_d R_d - mean_d se_d^2)``:
    on noise without a weekly pattern ``tau^2`` is mostly 0 and every factor
    1.  Centred: one profile from the whole series.  Causal: the factor of
    day ``t`` uses only the days whose moving mean ends before the block of
    ``period`` days that holds ``t`` (the profile is updated once a period).

    Returns the factor of every day and its sampling variance (the
    empirical Bayes posterior ``se_d^2 tau^2 / (tau^2 + se_d^2)``), shaped
    like ``x`` (series, day); factor 1 and variance 0 when ``period == 1``
    or before every phase has 4 days; and whether the profile was
    estimated at all on each day (True when ``period == 1``).
    """
    n_s, n_t = x.shape
    if period == 1:
        return np.ones(x.shape), np.zeros(x.shape), np.ones(x.shape, dtype=bool)
    n_b = -(-n_t // period)
    lo, hi = (period - 1) // 2, period // 2
    full = _offset_sums(use.astype("float64"), [(-lo, hi + 1)]) > period - 0.5
    xz = np.where(use, x, 0.0)
    m = _offset_sums(xz, [(-lo, hi + 1)]) / period
    ok = use & full & (m > 0)

    def blocks(v: np.ndarray) -> np.ndarray:  # (series, block, phase)
        out = np.zeros((n_s, n_b * period))
        out[:, :n_t] = v
        return out.reshape(n_s, n_b, period)

    a = blocks(np.where(ok, x, 0.0))
    b = blocks(np.where(ok, m, 0.0))
    terms = np.stack([blocks(ok.astype("float64")), a, b, a * a, a * b, b * b])
    if causal:
        # phase d of block k is day k p + d, used in block j when its moving
        # mean ends before the block: k p + d + hi <= j p - 1
        c = np.zeros((6, n_s, n_b + 1, period))
        np.cumsum(terms, axis=2, out=c[:, :, 1:])
        j = np.arange(n_b)[:, None]
        kmax = np.clip((j * period - 1 - hi - np.arange(period)[None, :]) // period + 1,
                       0, n_b)  # blocks k < kmax are used, per (j, phase)
        sums = np.take_along_axis(c, np.broadcast_to(kmax, (6, n_s, n_b, period)), axis=2)
    else:
        sums = terms.sum(axis=2, keepdims=True)
    cnt, sa, sb, saa, sab, sbb = sums
    with np.errstate(divide="ignore", invalid="ignore"):
        r = sa / sb
        v = np.maximum(saa - 2.0 * r * sab + r * r * sbb, 0.0) / (sb * sb)
        enough = (cnt >= _PROFILE_MIN_DAYS).all(axis=-1) & (sb > 0).all(axis=-1)
        rbar = np.where(enough, r.mean(axis=-1), 1.0)[..., None]
        rel = r / rbar
        se2 = np.maximum(v, rbar / sb) / (rbar * rbar)  # at least the Poisson variance
        tau2 = np.maximum(((rel - 1.0) ** 2).sum(axis=-1, keepdims=True) / (period - 1)
                          - se2.mean(axis=-1, keepdims=True), 0.0)
        keep = tau2 / (tau2 + se2)
        f = 1.0 + (rel - 1.0) * keep
        rho = keep * se2  # the posterior variance of the shrunk factor
    sure = enough[..., None] & np.isfinite(f) & np.isfinite(rho)
    f = np.where(sure, np.maximum(f, _PROFILE_FLOOR), 1.0)
    rho = np.where(sure, rho, 0.0)

    def per_day(v: np.ndarray) -> np.ndarray:  # each day: its phase, in its own block
        v = np.broadcast_to(v, (n_s, n_b, period)).reshape(n_s, n_b * period)
        return np.ascontiguousarray(v[:, :n_t])

    return per_day(f), per_day(rho), per_day(enough[..., None]).astype(bool)


def _count_baseline(x: np.ndarray, use: np.ndarray, parts: list[tuple[int, int]],
                    tparts: list[tuple[int, int]] | None, period: int, causal: bool,
                    shape: tuple[np.ndarray, ...] | None = None
                    ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Expected count of every day: level x day profile x local trend.

    With ``f_i`` the day-profile factor of day ``i`` (:func:`_day_profile`),
    ``S`` the baseline total and ``W = sum f_i`` over the known baseline
    days, the level is ``L = S / W`` (the Poisson estimate of a level under
    multiplicative day effects) and the expected count ``mu_t = f_t L_t``,
    with ``L_t`` the level moved to day ``t`` by the local trend: ``L_t = L
    - B b u`` with ``u`` the f-weighted mean offset of the baseline days
    from ``t`` (``-(w + 1) / 2`` when causal, about 0 when centred), ``b``
    the least-squares slope of the adjusted counts ``x_i / f_i`` over the
    ``max(2 w, 56)`` days around (before) ``t``, and ``B = b^2 / (b^2 +
    se_b^2)`` its shrinkage by its own signal to noise, so a slope that the
    noise could give is mostly dropped; ``|B b u|`` is at most ``L / 2``.
    The baseline is worth ``n_eff`` days like day ``t``, with ``1 / n_eff =
    f_t / W + (f_t^2 u^2 B max(b^2, se_b^2) + mu_t^2 v_t) / V_t``: the
    variance of the level (``f_t / W`` in units of the day's variance, as
    for Poisson counts), of the trend's step (its error, bounded) and of
    the profile factor (``v_t``, its relative posterior variance), over the
    day's variance ``V_t = max(f_t^2 s_y^2, mu_t)`` (``s_y^2`` the variance
    of the adjusted baseline counts).  The exact conditional test then runs
    with ``n`` replaced by ``n_eff`` and the total by ``n_eff mu_t``; with no
    profile and no trend it is the plain test.  The variance of the day's
    law is taken as ``f_t^2 s_y^2``.

    Returns ``(n, n_eff, mu, var)``, shaped like ``x`` (series, day), and
    the shape of the fit ``(f, rho, step, step_var)`` -- the profile, its
    variance, the trend's step before its bound and the step's variance --
    which ``shape=`` reuses (the screening passes refit the levels alone).
    """
    n_t = x.shape[1]
    u = np.where(use, 1.0, 0.0)
    day = np.arange(n_t, dtype="float64")[None, :] - 0.5 * n_t  # centred for accuracy
    if shape is None:
        f, rho, ready = _day_profile(x, use, period, causal)
    else:
        f, rho, ready = shape[0], shape[1], shape[4]
    cnt = use.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(use, x / f, 0.0)
        centre = y.sum(axis=1) / cnt
    centre = np.where(cnt > 0, centre, 0.0)[:, None]
    yc = np.where(use, y - centre, 0.0)
    fu = np.where(use, f, 0.0)
    n, s, wsum, y1, y2 = _offset_sums(
        np.stack([u, np.where(use, x, 0.0), fu, yc, yc * yc]), parts)
    n = np.rint(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.rint(s) / wsum
        ybar = y1 / n
        var_y = np.maximum((y2 - y1 * ybar) / (n - 1), 0.0)
    if shape is not None:
        step, step_var = shape[2], shape[3]
    elif tparts is None:
        step, step_var = np.zeros(x.shape), np.zeros(x.shape)
    else:
        wday = _offset_sums(fu * day, parts)
        tn, ty, tyy, tt, ttt, tty = _offset_sums(
            np.stack([u, yc, yc * yc, u * day, u * day * day, yc * day]), tparts)
        with np.errstate(divide="ignore", invalid="ignore"):
            # least-squares slope of the adjusted counts over the trend span
            tbar = tt / tn
            suu = ttt - tt * tbar
            suy = tty - tbar * ty
            slope = suy / suu
            resid = np.maximum(tyy - ty * ty / tn - slope * suy, 0.0) / (tn - 2.0)
            se2 = resid / suu
            shrink = slope * slope / (slope * slope + se2)
            off = wday / wsum - day  # mean offset of the baseline days from day t
            step = -shrink * slope * off
            # the step's error variance u^2 B max(b^2, se_b^2): its square
            # over B when the slope stands out, the posterior B se_b^2
            # otherwise -- on noise 0.72 u^2 se_b^2 on average against a
            # mean square error of 0.47 (simulated), on the safe side where
            # heavy-tailed counts make se_b^2 itself uncertain (with
            # u^2 se_b^2 B (2 - B), negative-binomial counts of size 1 flagged
            # 1.3 days in 1,000 with a causal 28-day window)
            step_var = off * off * np.maximum(se2, slope * slope) * shrink
        good = (tn >= 3) & (suu > 0) & np.isfinite(step) & np.isfinite(step_var)
        step = np.where(good, step, 0.0)
        step_var = np.where(good, step_var, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        move = np.clip(step, -0.5 * level, 0.5 * level)
        mu = f * (level + np.where(np.isfinite(move), move, 0.0))
        var = f * f * var_y
        # 1 / n_eff: the variance of the estimated mu in units of the day's
        # variance V -- the level (f / W, as for Poisson counts), the trend's
        # step and the profile
        day_var = np.maximum(var, mu)
        extra = np.where(day_var > 1e-9, (f * f * step_var + rho * mu * mu) / day_var, 0.0)
        n_eff = 1.0 / (f / wsum + extra)
    mu = np.where(mu < 1e-9, 0.0, mu)
    var = np.where(var < 1e-9, 0.0, var)
    return (n, n_eff, mu, var), (f, rho, step, step_var, ready)


#: Days a pooled dispersion must cover before it is used alone; before that
#: (the start of a causal series) the larger of it and the window's own
#: estimate is used, since an estimate from a few days is often far too low.
_POOL_DAYS = 100


def _inverse_size(x: np.ndarray, n: np.ndarray, mu: np.ndarray, var: np.ndarray,
                  use: np.ndarray, causal: bool, need: int) -> np.ndarray:
    """Negative-binomial dispersion ``1 / r`` of each series, pooled over many days.

    A short window cannot measure over-dispersion (a week's variance is itself
    very noisy), but the dispersion of a series changes slowly, so it is
    pooled over the days not flagged (all of them when centred, the earlier
    ones when causal), as Farrington-type detectors pool it (Noufaily et al.
    2013).  With ``Var X = mu + mu^2 / r`` and ``E (x - mu_hat)^2 =
    Var X (1 + 1/n)`` and ``E (mu_hat^2 - s^2 / n) = mu^2``, the moment
    estimate is the ratio of sums ``c = sum d_i / sum m_i`` with
    ``d_i = (x_i - mu_hat_i)^2 / (1 + 1/n_i) - mu_hat_i`` and
    ``m_i = mu_hat_i^2 - s_i^2 / n_i`` (so days with a tiny mean do not
    dominate it), at least 0.  Before 100
    days can be pooled (the start of a causal series), the larger of it and
    the window's own ``(s^2 - mu) / mu^2`` is used: a dispersion estimated
    from a few days is often far too low, and too low a dispersion means
    false alarms.  Shaped like ``x``.

    """
    ok = use & (n >= 2) & (mu > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.where(ok, (x - mu) ** 2 / (1.0 + 1.0 / n) - mu, 0.0)
        m2 = np.where(ok, mu * mu - var / n, 0.0)  # E[mu_hat^2 - s^2/n] = mu^2
    if causal:
        num = np.cumsum(dev, axis=1) - dev
        den = np.cumsum(m2, axis=1) - m2
        days: np.ndarray = np.cumsum(ok, axis=1) - ok
    else:
        num = np.broadcast_to(dev.sum(axis=1, keepdims=True), x.shape)
        den = np.broadcast_to(m2.sum(axis=1, keepdims=True), x.shape)
        days = np.broadcast_to(ok.sum(axis=1, keepdims=True), x.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = np.where(den > 0, num / den, 0.0)
        local = np.where(mu > 0, (var - mu) / (mu * mu), 0.0)
    inv = np.where(days >= _POOL_DAYS, pooled, np.maximum(pooled, local))
    return np.maximum(np.nan_to_num(inv, nan=0.0, posinf=0.0), 0.0)


def _inverse_size_variance(c: np.ndarray, n: np.ndarray, mu: np.ndarray, use: np.ndarray,
                           causal: bool) -> np.ndarray:
    """Sampling variance of the pooled ``1 / r`` of :func:`_inverse_size` (``c``).

    The linearised variance of a ratio of sums (Cochran 1977, section 6.3),
    ``sum_i Var(d_i) / (sum_i mu_i^2)^2`` over the days pooled, with the
    negative binomial's own ``Var(d_i) = V_i^2 (2 + 6c) + V_i``,
    ``V_i = mu_i + c mu_i^2`` (its fourth cumulant is ``6 c V^2 + V``): the
    number of days pooled, not the noisy fourth powers of the data (which a
    capped spike would swamp), sets it -- as the count of values, not their
    kurtosis, sets Student's degrees of freedom.  The days are taken as
    independent; days sharing a baseline are in fact slightly negatively
    correlated, so this overstates the sd by about a fifth (measured on
    simulated counts): on the safe side.  Infinite where nothing is pooled.
    """
    ok = use & (n >= 2) & (mu > 0)
    m = np.where(ok, mu, 0.0)
    m_2 = m * m
    terms = [m, m_2, m_2 * m, m_2 * m_2]
    if causal:  # the days before each day
        p1, p2, p3, p4 = (np.cumsum(t, axis=1) - t for t in terms)
    else:  # the whole series
        p1, p2, p3, p4 = (t.sum(axis=1, keepdims=True) for t in terms)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # sum over the pooled days of V^2 (2 + 6c) + V, V = mu + c mu^2
        total = (2.0 + 6.0 * c) * (p2 + 2.0 * c * p3 + c * c * p4) + p1 + c * p2
        var_inv = np.where(p2 > 0, total / (p2 * p2), np.inf)
    return np.nan_to_num(np.broadcast_to(var_inv, c.shape), nan=np.inf)


#: The exact beta-binomial tail is computed where the negative-binomial
#: approximation is below this many alphas.  The approximation ignores the
#: conditioning on the total and runs below the exact tail (on simulated
#: negative-binomial counts, at most 0.7 alpha wherever the exact tail is
#: below alpha), so no day the exact test would flag is left out.
_EXACT_BELOW = 2.0

#: Screening passes of the count model: each one caps the days newly flagged,
#: so the next day of a surge is judged against a baseline the surge's first
#: days no longer inflate.
_CAP_PASSES = 4


def _alarm_threshold(n: np.ndarray, mu: np.ndarray, inv_r: np.ndarray, alpha: float
                     ) -> np.ndarray:
    """Smallest count pass 1 flags, given the baseline (1-D arrays of flagged days).

    The upper ``alpha`` quantile plus one of the negative binomial behind the
    pass-1 p-value: size ``S + 1`` and success probability ``n / (n + 1)``
    for the Poisson test, the moment fit ``(mu^2 / (v - mu), mu / v)`` with
    ``v = (mu + mu^2 / r)(1 + 1/n)`` otherwise.
    """
    from scipy import stats

    total = np.rint(n * mu)
    size = total + 1.0
    prob = n / (n + 1.0)
    over = (inv_r > 0) & (mu > 0)  # a zero baseline keeps the Poisson test's law
    if over.any():
        v = (mu + mu * mu * inv_r) * (1.0 + 1.0 / n)
        m = mu[over]
        size[over] = m * m / (v[over] - m)
        prob[over] = m / v[over]
    return stats.nbinom.isf(alpha, size, prob) + 1.0


def _count_tail(x: np.ndarray, n: np.ndarray, mu: np.ndarray, inv_r: np.ndarray, *,
                need: int, alpha: float, exact: bool, where: np.ndarray | None = None,
                var_inv: np.ndarray | None = None, n_days: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Upper-tail probability ``P(X >= x)`` of each day given its baseline.

    ``n`` is the baseline's worth in days like the day scored (``n_eff`` of
    :func:`_count_baseline`); a day gets a p-value when ``n_days`` (the
    known baseline days; ``n`` if None) is at least ``need``.
    Returns the p-values and the predictive variance
    ``(mu + mu^2 / r)(1 + 1/n)``.  ``exact=False`` screens: only the days of
    ``where`` (all if None) that are more than one sd above their mean get a
    p-value (the others 1 or NaN).  The cheap tails (the Poisson test, the
    negative-binomial approximation) are computed first; where they are
    below ``2 alpha`` the exact conditional tail is computed, averaged over
    the sampling law of the dispersion when ``var_inv`` (the variance of the
    pooled ``1 / r``) is given (:func:`_predictive_tail`).
    """
    from scipy import special

    enough = (n if n_days is None else n_days) >= need
    nn = np.where(enough, n, np.nan)
    mu = np.where(enough, mu, np.nan)
    total = np.rint(nn * mu)  # the baseline total S, a whole count
    over = enough & (inv_r > 0)
    pvar = (mu + mu * mu * inv_r) * (1.0 + 1.0 / nn)
    kx = np.ceil(x)
    p = np.full_like(x, np.nan)
    ok = ~np.isnan(x) & enough
    if where is not None:
        ok &= where
    p[ok & (kx <= 0)] = 1.0
    pos = ok & (kx > 0)
    if not exact:
        # screening only asks which days fall below alpha: a count within one
        # sd above its mean is far from it (these unimodal laws put more than
        # a tenth of their mass above that), so only the others are computed
        with np.errstate(invalid="ignore"):
            far = pos & (kx > mu + np.sqrt(pvar))
        p[pos & ~far] = 1.0
        pos = far
    # Poisson: the exact conditional test of equal rates.  Given S + x, the
    # day's count is binomial with S + x trials and probability 1 / (n + 1),
    # so P(X >= x | S + x) = I_{1/(n+1)}(x, S + 1) -- valid (never above
    # alpha on Poisson noise) whatever n and the rate
    pois = pos & ~over
    p[pois] = special.betainc(kx[pois], total[pois] + 1.0, 1.0 / (nn[pois] + 1.0))
    nb = pos & over
    if nb.any():
        # screening: the negative binomial with the predictive mean and variance
        m, v = mu[nb], pvar[nb]
        with np.errstate(divide="ignore", invalid="ignore"):
            approx = special.betainc(kx[nb], m * m / (v - m), 1.0 - m / v)
        # a zero baseline (total 0): the Poisson test's (1/(n+1))^x screens
        approx = np.where(m > 0, approx, (1.0 / (nn[nb] + 1.0)) ** kx[nb])
        p[nb] = approx
    # the exact tail where the cheap one is near or below alpha: the cheap
    # tails run below it (the negative-binomial approximation ignores the
    # conditioning on the total; averaging over the dispersion only adds to
    # a far tail), so no day the exact test would flag is left out
    cand = (nb if var_inv is None else pos) & (p < _EXACT_BELOW * alpha)
    if exact and cand.any():
        vi = None if var_inv is None else var_inv[cand]
        p[cand] = _predictive_tail(kx[cand], total[cand], nn[cand], mu[cand], inv_r[cand], vi)
    return p, pvar


#: Nodes of the Gauss-Hermite rule that averages a tail over the sampling law
#: of the dispersion.
_GH_NODES = 5


def _predictive_tail(k: np.ndarray, total: np.ndarray, n: np.ndarray, mu: np.ndarray,
                     inv_r: np.ndarray, var_inv: np.ndarray | None) -> np.ndarray:
    """Exact conditional tail ``P(X >= k | S + k)``, averaged over the dispersion.

    For a given ``1 / r > 0`` the day's count given the total ``S + k`` of it
    and its ``n`` baseline days is beta-binomial ``(S + k, r, n r)`` (the
    Polya-urn law of one of ``n + 1`` negative-binomial counts given their
    total); for ``1 / r = 0`` binomial ``(S + k, 1 / (n + 1))``.

    With ``var_inv`` the variance ``V = mu + mu^2 / r`` is uncertain: its
    estimate ``V_hat`` is taken as ``V chi2_nu / nu`` with Satterthwaite's
    ``nu = 2 V_hat^2 / (mu^4 var_inv)``, so ``V = nu V_hat / chi2_nu``, as the
    variance is integrated out of Student's t; the tail is averaged over this
    law by Gauss-Hermite quadrature in the normal score of ``chi2_nu``.
    Values of ``V`` at or below ``mu`` give the binomial (Poisson) tail.  1-D
    arrays.
    """
    from scipy import special

    c = np.maximum(inv_r, 0.0)
    v_hat = mu + mu * mu * c
    if var_inv is None:
        cs = c[:, None]
        weights = np.ones(1)
    else:
        from scipy import stats

        z, weights = np.polynomial.hermite_e.hermegauss(_GH_NODES)
        weights = weights / weights.sum()
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            nu = 2.0 * v_hat * v_hat / (mu**4 * var_inv)
        sure = ~(nu < 1e10) | ~(mu > 0)  # no uncertainty left (or a zero baseline)
        nu = np.where(sure, 1.0, np.maximum(nu, 1e-3))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ratio = stats.chi2.ppf(special.ndtr(z)[None, :], nu[:, None]) / nu[:, None]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            cs = (v_hat[:, None] / ratio - mu[:, None]) / (mu * mu)[:, None]
        cs = np.where(sure[:, None], c[:, None], np.nan_to_num(cs, nan=0.0, posinf=1e12))
    kk = np.broadcast_to(k[:, None], cs.shape)
    tot = np.broadcast_to(total[:, None], cs.shape)
    nn = np.broadcast_to(n[:, None], cs.shape)
    tails = np.empty(cs.shape)
    bb = cs > 0
    pois = ~bb
    tails[pois] = special.betainc(kk[pois], tot[pois] + 1.0, 1.0 / (nn[pois] + 1.0))
    if bb.any():
        r = 1.0 / cs[bb]
        tails[bb] = _betabinom_sf(kk[bb], tot[bb] + kk[bb], r, nn[bb] * r)
    return np.clip(tails @ weights, 0.0, 1.0)


#: Terms of the beta-binomial tail summed per block, the most blocks before
#: scipy takes over (a very long tail), and the relative accuracy sought.
_BB_BLOCK = 32
_BB_BLOCKS = 64
_BB_RTOL = 1e-12


def _betabinom_sf(k: np.ndarray, total: np.ndarray, a: np.ndarray, b: np.ndarray
                  ) -> np.ndarray:
    """``P(X >= k)`` for ``X ~ beta-binomial(total, a, b)``, ``k >= 1`` whole; 1-D arrays.

    The terms ``pmf(j)``, ``j >= k``, are summed from their ratios
    ``pmf(j+1) / pmf(j) = (N - j)(j + a) / ((j + 1)(N - j - 1 + b))`` in
    vectorised blocks, until the rest, bounded by a geometric series (the
    ratios decrease beyond the mode when ``b > 1``), is below ``1e-12`` of
    the sum.  Unlike scipy's ``1 - cdf`` it keeps its relative accuracy far
    in the tail.  Cells with ``b <= 1`` or a tail too long for the blocks
    are left to scipy.
    """
    from scipy import special

    out = np.zeros(k.shape)
    live = (k <= total) & (k > 0)
    out[k <= 0] = 1.0
    slow = live & (b <= 1.0)
    idx = np.flatnonzero(live & ~slow)
    kk, nn, aa, bb = k[idx], total[idx], a[idx], b[idx]
    acc = np.zeros(len(idx))  # sum of pmf(j) / pmf(k) over the terms done
    term = np.ones(len(idx))  # pmf(next j) / pmf(k)
    start = kk.copy()
    steps = np.arange(_BB_BLOCK, dtype="float64")
    act = np.arange(len(idx))
    for _ in range(_BB_BLOCKS):  # blocks of terms, each vectorised over the cells
        if len(act) == 0:
            break
        j = start[act, None] + steps
        n_, a_, b_ = nn[act, None], aa[act, None], bb[act, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (n_ - j) * (j + a_) / ((j + 1.0) * (n_ - j - 1.0 + b_))
        ratio = np.where(j < n_, ratio, 0.0)  # pmf(N + 1) = 0: the tail ends at N
        prod = np.cumprod(ratio, axis=1)
        t0 = term[act]
        acc[act] += t0 * (1.0 + prod[:, :-1].sum(axis=1))
        term[act] = t0 * prod[:, -1]
        start[act] += _BB_BLOCK
        jn = start[act]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            bound = (nn[act] - jn) / (nn[act] - jn - 1.0 + bb[act]) * np.maximum(
                (jn + aa[act]) / (jn + 1.0), 1.0)
            rest = term[act] / (1.0 - bound)
        done = (term[act] == 0.0) | ((bound < 1.0) & (rest <= _BB_RTOL * acc[act]))
        act = act[~done]
    logp0 = (special.gammaln(nn + 1.0) - special.gammaln(kk + 1.0)
             - special.gammaln(nn - kk + 1.0) + special.betaln(kk + aa, nn - kk + bb)
             - special.betaln(aa, bb))
    out[idx] = np.exp(logp0) * acc
    slow[idx[act]] = True
    if slow.any():
        from scipy import stats

        out[slow] = stats.betabinom.sf(k[slow] - 1.0, total[slow], a[slow], b[slow])
    return out


# --- seasonal --------------------------------------------------------------


def _seasonal(x: np.ndarray, index: pd.DatetimeIndex, *, period: int,
              threshold: float | None, alpha: float) -> dict[str, np.ndarray]:
    from statsmodels.tsa.seasonal import STL

    n_t, n_s = x.shape
    if n_t < 2 * period + 1:
        raise InputError(
            f"method='seasonal' needs at least two full periods ({2 * period + 1} days) "
            f"with period={period}; got {n_t}"
        )
    expected = np.full_like(x, np.nan)
    scale = np.full_like(x, np.nan)
    resid = np.full_like(x, np.nan)
    for j in range(n_s):  # STL fits one series at a time
        col = pd.Series(x[:, j], index=index)
        present = col.notna().to_numpy()
        if present.sum() < 2 * period + 1:
            continue
        filled = col.interpolate(method="linear", limit_direction="both").to_numpy()
        fit = STL(filled, period=period, seasonal=10 * period + 1, trend=4 * period + 1,
                  robust=True).fit()
        r = np.where(present, fit.resid, np.nan)
        centre = np.nanmedian(r)
        mad = np.nanmedian(np.abs(r - centre))
        sc = _MAD_TO_SD * mad
        if sc == 0:
            sc = _MEANAD_TO_SD * np.nanmean(np.abs(r - centre))
        sc = max(sc, float(_scale_floor(x[:, j:j + 1])[0]))
        expected[:, j] = fit.trend + fit.seasonal + centre
        scale[:, j] = sc
        resid[:, j] = r - centre
    score = _safe_z(resid, scale)
    if threshold is None:  # the residual scale comes from the whole series
        threshold = float(_z_threshold(np.array([n_t]), alpha)[0])
    with np.errstate(invalid="ignore"):
        flags = np.abs(score) > threshold
    return {
        "value": x,
        "expected": expected,
        "lower": expected - threshold * scale,
        "upper": expected + threshold * scale,
        "score": score,
        "p_value": np.full_like(x, np.nan),
        "is_anomaly": flags,
    }


# --- generalized ESD -------------------------------------------------------


def _esd_core(x: np.ndarray, max_anomalies: int, alpha: float
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rosner's sequential statistics for every column at once.

    Returns the row removed at each step, R_i, lambda_i (shape (k, n_series)),
    the number of outliers per column, and the number of values per column.
    """
    from scipy import stats

    y = x.copy()
    n_s = y.shape[1]
    n = np.sum(~np.isnan(y), axis=0)
    floor = _scale_floor(x)
    k = max_anomalies
    rows = np.full((k, n_s), -1, dtype=np.intp)
    stat = np.full((k, n_s), np.nan)
    for i in range(k):  # k steps, each vectorised over series
        m = np.sum(~np.isnan(y), axis=0)
        live = m >= 3
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nanmean(np.where(live, y, 0.0), axis=0)
            sd = np.maximum(np.sqrt(np.nansum((y - mean) ** 2, axis=0) / (m - 1)), floor)
            dev = np.abs(y - mean) / sd
        dev = np.where(np.isnan(dev), -np.inf, dev)
        r = np.argmax(dev, axis=0)
        cols = np.arange(n_s)
        best = dev[r, cols]
        good = live & np.isfinite(best)
        rows[i, good] = r[good]
        stat[i, good] = best[good]
        y[r[good], cols[good]] = np.nan
    steps = np.arange(1, k + 1)[:, None]
    nn = n[None, :].astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        dfree = nn - steps - 1
        p = 1.0 - alpha / (2.0 * (nn - steps + 1))
        tq = stats.t.ppf(p, np.where(dfree > 0, dfree, np.nan))
        lam = (nn - steps) * tq / np.sqrt((dfree + tq**2) * (nn - steps + 1))
    exceed = stat > lam
    n_out = np.where(exceed.any(axis=0), k - np.argmax(exceed[::-1], axis=0), 0)
    return rows, stat, lam, n_out, n


def _esd_fields(x: np.ndarray, *, max_anomalies: int, alpha: float) -> dict[str, np.ndarray]:
    rows, _, _, n_out, _ = _esd_core(x, max_anomalies, alpha)
    flags = np.zeros_like(x, dtype=bool)
    for i in range(max_anomalies):
        sel = (i < n_out) & (rows[i] >= 0)
        flags[rows[i, sel], np.flatnonzero(sel)] = True
    clean = np.where(flags, np.nan, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        cnt = np.sum(~np.isnan(clean), axis=0)
        mean = np.nansum(clean, axis=0) / cnt
        sd = np.sqrt(np.nansum((clean - mean) ** 2, axis=0) / (cnt - 1))
    expected = np.broadcast_to(mean, x.shape).copy()
    score = _safe_z(x - expected, np.broadcast_to(sd, x.shape).copy())
    nan = np.full_like(x, np.nan)
    return {"value": x, "expected": expected, "lower": nan, "upper": nan,
            "score": score, "p_value": nan, "is_anomaly": flags}


def generalized_esd(
    series: pd.Series, *, max_anomalies: int = 10, alpha: float = 0.05
) -> GeneralizedESDResult:
    """Rosner's generalized extreme Studentized deviate test for up to k outliers.

    Parameters
    ----------
    series : Series
        Values with a sorted, unique DatetimeIndex; missing values are left out.
    max_anomalies : int, default 10
        Upper bound ``k`` on the number of outliers.
    alpha : float, default 0.05
        Significance level of the whole procedure.

    Returns
    -------
    GeneralizedESDResult
        ``n_anomalies`` and a ``steps`` table with ``R_i`` and ``lambda_i``.

    See Also
    --------
    anomalies : Score every day against a baseline.

    Notes
    -----
    At step ``i = 1..k``, with the mean and sd of the ``n - i + 1`` values not
    yet removed, ``R_i = max |x - mean| / sd``; that value is removed.  The
    critical value is

    ``lambda_i = (n - i) t_{p, n-i-1} / sqrt((n - i - 1 + t^2)(n - i + 1))``,
    ``p = 1 - alpha / (2 (n - i + 1))``,

    and the number of outliers is the largest ``i`` with ``R_i > lambda_i``
    (Rosner 1983; NIST/SEMATECH e-Handbook of Statistical Methods, section
    1.3.5.17.3).  The test assumes the values are roughly normal apart from the
    outliers.

    References
    ----------
    Rosner, B. (1983). Percentage points for a generalized ESD many-outlier
    procedure. Technometrics 25, 165-172.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.date_range("2024-01-01", periods=12, freq="D")
    >>> s = pd.Series([5.1, 4.9, 5.0, 5.2, 4.8, 5.0, 12.0, 5.1, 4.9, 5.0, 5.1, 4.95], index=idx)
    >>> res = generalized_esd(s, max_anomalies=2)
    >>> res.n_anomalies, res.anomalies.strftime("%Y-%m-%d").tolist()
    (1, ['2024-01-07'])
    """
    s = as_series(series, finite=True)
    k = check_int("max_anomalies", max_anomalies, minimum=1)
    a = check_alpha(alpha)
    x = s.to_numpy()[:, None]
    n_valid = int(np.sum(~np.isnan(x)))
    if n_valid < k + 3:
        raise InputError(
            f"generalized_esd needs at least max_anomalies + 3 ({k + 3}) non-missing "
            f"values; got {n_valid}"
        )
    rows, stat, lam, n_out, _ = _esd_core(x, k, a)
    r = rows[:, 0]
    steps = pd.DataFrame({
        "step": np.arange(1, k + 1),
        "date": s.index[r],
        "value": x[r, 0],
        "statistic": stat[:, 0],
        "critical_value": lam[:, 0],
        "is_anomaly": np.arange(k) < n_out[0],
    })
    return GeneralizedESDResult(
        n_anomalies=int(n_out[0]), max_anomalies=k, alpha=a, n=n_valid, steps=steps
    )


# ---------------------------------------------------------------------------
# change points
# ---------------------------------------------------------------------------

_CP_COLUMNS = ["series", "date", "before_start", "before_end", "after_end",
               "mean_before", "mean_after", "change"]


def changepoints(
    series: pd.Series | pd.DataFrame,
    *,
    model: str = "l2",
    penalty: str | float = "mbic",
    min_size: int = 7,
    trend: bool | str = "auto",
    noise: str = "ar1",
    kind: str | None = None,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Dates where the level of a series changes (PELT with a principled penalty).

    Parameters
    ----------
    series : Series or DataFrame
        Values with a sorted, unique DatetimeIndex; a wide DataFrame is
        segmented column by column.  Missing days are left out of the fit, and
        so are days flagged as artefacts (``attrs["flags"]`` from
        :func:`~conflictstats.to_daily`, see :func:`~conflictstats.flag_reasons`),
        as :func:`records` and :func:`anomalies` do.
    model : {"l2", "poisson"}
        ``"l2"``: changes in the mean (Gaussian cost, the within-segment sum of
        squares).  ``"poisson"``: changes in the rate of a count (Poisson
        negative log-likelihood, scaled by an estimated over-dispersion).
    penalty : {"mbic", "bic"} or float, default "mbic"
        The price of one change.  ``"bic"`` and ``"mbic"`` need no tuning (see
        Notes).  A float is used as it is, in the units of the cost: for
        ``"l2"`` a sum of squares per change, exactly as ``pen`` in
        ``ruptures.Pelt(model="l2").predict(pen=...)``; for ``"poisson"`` a
        deviance (twice a log-likelihood) per change.
    min_size : int, default 7
        Fewest observations in a segment.  A week, because a regime is
        something that lasts: a burst of a few days is an anomaly (the business
        of :func:`anomalies`), and a week holds one of each weekday, so a
        weekly reporting rhythm cannot make a regime of its own.  (The first
        release used 2, which turned a single spike into a two-day regime.)
    trend : {"auto", True, False}, default "auto"
        ``"l2"`` with a named penalty: whether the levels may sit on a common
        steady linear trend.  ``"auto"`` fits both models and keeps the trend
        when the BIC prefers it (see Notes), so a steady rise is one trend,
        not a staircase of changes.  Ignored with a float penalty (the exact
        ruptures path) and for ``"poisson"``.
    noise : {"ar1", "white"}, default "ar1"
        Noise model behind a named penalty: ``"ar1"`` measures the noise by its
        long-run variance under an AR(1) model (autocorrelated noise is not
        a change of regime), robustly and locally (see Notes); ``"white"`` by
        the variance of independent noise, one for the whole series (the first
        release's rule).
    kind : {"flow", "level", "cumulative", "share"}, optional
        What the values are; by default ``attrs["kind"]`` (``attrs["kinds"]``
        of a frame) as :func:`~conflictstats.to_daily` sets it, else
        ``"flow"``.  A ``"level"`` (an occupied area) or ``"cumulative"`` total
        is segmented by its **daily change** (:func:`~conflictstats.level_changes`
        after the flagged days are dropped, one value per known level: the
        mean daily change since the last one): a level changes regime when
        its rate of change does, and the means in the output are then
        changes per day.
    by, value : optional
        Group column(s) and value column of a long frame.

    Returns
    -------
    DataFrame
        One row per change, in date order (an empty frame means "no change").
        ``attrs["noise"]`` holds, per series, the fitted noise model
        (``noise_variance``, ``ar1``, ``long_run_variance``) and the common
        ``slope`` per observation (0 without a trend); ``attrs["analysed"]``
        says, per series, whether its ``"value"`` or its ``"daily_change"``
        (a level) was segmented.  Columns:

        - ``series``: the column (the Series' name for a Series).
        - ``date``: first day of the new segment.
        - ``before_start``, ``before_end``: first and last observed days of the
          segment before.
        - ``after_end``: last observed day of the new segment.
        - ``mean_before``, ``mean_after``: segment means (the daily rate for
          counts); ``change``: ``mean_after - mean_before``.

    See Also
    --------
    anomalies : Single unusual days.
    conflictstats.plotting.shade_segments : Shade the segments on a chart.

    Notes
    -----
    PELT (Killick et al. 2012) minimises
    ``sum_j C(segment_j) + beta * (number of segments)`` exactly, pruning
    start points that can no longer be optimal.  Segment costs come from
    cumulative sums in O(1): for ``"l2"``,
    ``C = sum x^2 - (sum x)^2 / n_j``; for ``"poisson"``,
    ``C = 2 (S - S log(S / n_j)) / phi`` with ``S`` the segment total.  The
    search, tie-breaking and pruning follow ruptures' ``Pelt`` with
    ``jump=1``, so a float penalty gives ruptures' breakpoints.

    **The unit of the penalty (noise model).**  A named penalty is a number
    of log-likelihood units, so the costs must be put on the deviance scale:
    divided by the variance of the noise *as it affects a segment mean*.
    With autocorrelated noise this is the long-run variance, not the
    one-day variance: the mean of ``m`` AR(1) values with variance ``s2`` and
    coefficient ``phi`` has variance ``s2 (1 + phi) / ((1 - phi) m)`` for
    large ``m``.  Lavielle & Moulines (2000) show that penalised least squares
    stays consistent under dependent noise with the penalty on this scale;
    with the one-day variance, AR(1) noise at ``phi = 0.9`` would look like
    dozens of regime changes.  ``s2`` and ``phi`` are estimated robustly from
    differences at lags 1 to 10 as in DeCAFS (Romano et al. 2022):
    ``Var(y[t+k] - y[t]) = 2 s2 (1 - phi^k)`` for any constant or linear
    mean.  ``phi`` is fitted to the shape of this variogram, each variance
    from the MAD of all lag-``k`` differences (at most ``n / 10`` lags), and
    the scale ``Var(y[t+1] - y[t])`` is the mean over blocks of 30
    differences of the squared MAD scale of the block, so level shifts
    (which touch ``k`` differences each), spikes and isolated jumps hardly
    move either, while the larger noise of busy months counts in full in the
    scale.  (The first releases took the mean square of the lag-1
    differences: on the DeepState daily change of the area a few collapse
    days of 2022 gave a variance of 25,691 against 42 from a MAD, and
    nothing after 2022 was found.)
    ``phi`` is kept in ``[0, 0.98]``; a series that behaves like a random walk
    (``phi`` at the bound) gets a very large penalty, because a wandering
    mean has no level to shift.  With ``noise="white"`` the unit is the
    variance from Hall, Kay & Titterington's (1990) order-2 differences, one
    for the whole series, and the rest of this paragraph does not apply.
    For ``"poisson"`` the over-dispersion is
    ``phi_d = max(1, long-run variance / mean(x))``.

    **Local noise and spikes (``"l2"``, ``noise="ar1"``).**  War series are
    quiet for months and then busy, with a noise many times larger (drones
    launched per night: a robust sd of about 10 in 2023, over 100 in 2025),
    so each day's cost is weighted by the inverse of its *local* noise
    variance (the squared MAD scale of the lag-1 differences in the month
    before or the month after, whichever is larger, relative to the
    series', kept within a factor 25; one level for a series shorter than
    four months): the
    weighted least-squares cost ``C = sum w x^2 - (sum w x)^2 / sum w`` of a
    Gaussian with known, slowly varying variances.  A change in a quiet
    year is then measured against quiet noise, and a run of busy nights
    against busy noise.  Before segmenting, values more than 3 local noise sd
    from a centred rolling median of ``2 min_size - 1`` days are pulled back
    to that distance (a normal value is that far once in 370 days), so a
    lone spike cannot open a regime of its own, whereas the median follows a
    clean step on its first day and a regime of ``min_size`` days at its
    centre (in the spirit of the robust costs of Fearnhead & Rigaill 2019).
    Segment means in the output are of the raw values.

    **Penalty.**  On the deviance scale:

    * ``"bic"``: ``beta = 2 log n`` -- each change adds two parameters, its
      location and the new level;
    * ``"mbic"`` (Zhang & Siegmund 2007): ``3 log n`` per change plus
      ``sum_j log(n_j / n)`` over the segments, which equals ``beta = 2 log n``
      with ``log n_j`` added to each segment's cost.  It is the default, as in
      the R package changepoint; van den Burg & Williams (2020) found PELT
      with this default among the best untuned methods on real series.

    **Trend.**  With ``trend="auto"`` the model ``x_t = b t + mu_j + e_t``
    (levels ``mu_j`` on a common slope ``b``) is fitted by alternating a
    pooled within-segment least-squares slope and PELT on ``x_t - b t``, and
    is kept when its penalised cost plus ``log n`` (the BIC price of one
    more parameter) is lower than that of the flat model.  The slope is never
    fitted across steps: the alternation starts from the flat model's
    segments and from a robust slope (medians of the lag-1..10 differences,
    ``m_k ~ b k``), which a few level shifts hardly move; the first release
    also started from the slope of the whole series, and a staircase of
    rising levels (an escalation) became one trend with no change.  A steady
    trend still gives no change, and a shift on a trend is found as one
    shift.  Curvature (a trend that bends) is not modelled: it can still be
    cut into segments when it is large against the noise.

    **Measured** (``benchmarks/bench_changepoints.py``, seeded, 200 series
    each; standard errors in brackets).  Changes found per 500 days with no
    change: white noise 0.015 (0.009), AR(1) 0.5: 0.010 (0.007), AR(1) 0.9:
    0.045 (0.015), a steady trend 0.065 (0.017), a trend on AR(1) 0.5: 0.105
    (0.025) (the first release: 8.1 at AR(1) 0.5, 33.6 at 0.9 and 4.7 on a
    trend, issue 11).  An escalation of five 180-day
    levels 15, 25, 82, 150, 229 a day: on Poisson counts 100% (0.0) of the
    steps found within 5 days, 99.6% (0.2) of the changes at a step; on
    negative-binomial counts (size 5) 81% (1.2) and 88% (1.1) (the previous
    release, 50 series: 65% and 60%).  Five single 10-sd spikes in 600 days:
    no change in 99.5% (0.5) of the series (the previous release: 18%, the
    others with two-day regimes).  On the public war series (data up to
    April 2026): drones launched per night (half-year means 12, 14, 19, 20,
    82, 151, 184, 268) change on 24 September 2024, 8 February, 1 and 22 April
    2025, 2 February and 28 March 2026 (``model="poisson"``: 26 August 2024,
    7 February and 23 May 2025, 23 March 2026); the share of drones reported
    destroyed on 24 July 2025, the day the definition began to include those
    suppressed by electronic warfare; the DeepState daily change of the
    occupied area 16 times, from the Kharkiv counteroffensive (6 September
    2022, over 1,300 km² a day for a week) to the rate of advance of 2024-2026
    (2, 26, 5, 12, 25, 8, 19, 11 and 2 km² a day); the Liveuamap area once
    (19 March 2022; read as values by the previous rule, 18 steps).

    References
    ----------
    Killick, R., Fearnhead, P., Eckley, I. A. (2012). Optimal detection of
    changepoints with a linear computational cost. JASA 107.

    Zhang, N. R., Siegmund, D. O. (2007). A modified Bayes information
    criterion with applications to the analysis of comparative genomic
    hybridization data. Biometrics 63.

    Hall, P., Kay, J. W., Titterington, D. M. (1990). Asymptotically optimal
    difference-based estimation of variance in nonparametric regression.
    Biometrika 77.

    van den Burg, G. J. J., Williams, C. K. I. (2020). An evaluation of change
    point detection algorithms. arXiv:2003.06222.

    Romano, G., Rigaill, G., Runge, V., Fearnhead, P. (2022). Detecting abrupt
    changes in the presence of local fluctuations and autocorrelated noise.
    JASA 117.

    Lavielle, M., Moulines, E. (2000). Least-squares estimation of an unknown
    number of shifts in a time series. J. Time Series Analysis 21.

    Newey, W. K., West, K. D. (1987). A simple, positive semi-definite,
    heteroskedasticity and autocorrelation consistent covariance matrix.
    Econometrica 55.

    Fearnhead, P., Rigaill, G. (2019). Changepoint detection in the presence
    of outliers. JASA 114.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.date_range("2024-01-01", periods=60, freq="D", name="date")
    >>> level = np.r_[np.full(30, 40.0), np.full(30, 90.0)]
    >>> wiggle = np.tile([1.0, -1.0, 0.5, -0.5], 15)
    >>> cp = changepoints(pd.Series(level + wiggle, index=idx, name="launched"))
    >>> cp[["date", "mean_before", "mean_after"]]
            date  mean_before  mean_after
    0 2024-01-31         40.0        90.0
    """
    check_choice("model", model, ("l2", "poisson"))
    check_choice("trend", trend, ("auto", True, False))
    check_choice("noise", noise, ("ar1", "white"))
    if kind is not None:
        check_choice("kind", kind, _CP_KINDS)
    frame, was_series = as_frame(series, name="series", by=by, value=value, finite=True)
    if len(frame) == 0:
        raise InputError("series is empty: it has no dates (nothing to analyse)")
    ms = check_int("min_size", min_size, minimum=1)
    if isinstance(penalty, str):
        check_choice("penalty", penalty, ("mbic", "bic"))
    else:
        check_positive("penalty", penalty, allow_zero=True)
    from .records import _flag_mask  # days flagged as artefacts are left out of the fit

    flagged = _flag_mask(series, frame, by)
    if flagged is not None:
        frame = frame.mask(flagged)
    kinds = _column_kinds(series, frame, kind, by)
    rows: list[dict[str, Any]] = []
    fits: dict[Hashable, dict[str, float]] = {}
    analysed: dict[Hashable, str] = {}
    for j, col in enumerate(frame.columns):
        name = series.name if was_series and isinstance(series, pd.Series) else col
        values = frame.iloc[:, j]
        of_changes = kinds[j] in ("level", "cumulative")
        if of_changes:  # a level changes regime when its rate of change does
            from .daily import level_changes

            known = values.dropna()
            # the mean daily change since the last known level, on the days
            # a level is known (a gap is one observation, not many)
            values = level_changes(known).reindex(known.index)
        found, info = _changepoints_one(values, name, model=model, penalty=penalty,
                                        min_size=ms, trend=trend, noise=noise)
        rows.extend(found)
        fits[name] = info
        analysed[name] = "daily_change" if of_changes else "value"
    if not rows:
        out = pd.DataFrame({c: pd.Series(dtype="float64") for c in _CP_COLUMNS})
        out["series"] = out["series"].astype(object)
        for c in ("date", "before_start", "before_end", "after_end"):
            out[c] = pd.Series(dtype=frame.index.dtype)
    else:
        out = pd.DataFrame(rows, columns=_CP_COLUMNS)
    out.attrs["noise"] = fits
    out.attrs["analysed"] = analysed
    return out


#: Kinds whose change points are those of their daily change.
_CP_KINDS = ("flow", "level", "cumulative", "share")


def _column_kinds(series: Any, frame: pd.DataFrame, kind: str | None, by: Any) -> list[str]:
    """The kind of each column: ``kind`` if given, else ``attrs`` (to_daily), else flow."""
    if kind is not None:
        return [kind] * frame.shape[1]
    attrs = getattr(series, "attrs", {}) if by is None else {}
    if isinstance(attrs.get("kind"), str):
        return [attrs["kind"]] * frame.shape[1]
    per = attrs.get("kinds")
    if isinstance(per, dict):
        return [str(per.get(c, "flow")) for c in frame.columns]
    return ["flow"] * frame.shape[1]


#: Hall, Kay & Titterington's (1990) optimal difference sequence of order 2:
#: weights summing to 0 with squares summing to 1, so E[(d * y)^2] = sigma^2.
_HKT2 = np.array([(1 + np.sqrt(5)) / 4, -0.5, -(np.sqrt(5) - 1) / 4])


def _noise_sd(y: np.ndarray) -> float:
    """Noise sd from order-2 optimal differences (Hall, Kay & Titterington 1990).

    A level shift touches only the two differences that straddle it, so k
    shifts in n values move the estimate by O(k / n) only.
    """
    if len(y) < 3:
        return 0.0
    e = _HKT2[0] * y[2:] + _HKT2[1] * y[1:-1] + _HKT2[2] * y[:-2]
    return float(np.sqrt(np.mean(e * e)))


#: Largest AR(1) coefficient the default noise model accepts; at and above it
#: the noise is treated as (nearly) integrated, the penalty becomes very large
#: and a slowly wandering mean is not cut into steps.
_PHI_MAX = 0.98


#: Lags of the differences used to fit the AR(1) variogram.
_NOISE_LAGS = 10

#: Differences per block of the robust variances (see _block_variances).
_SCALE_BLOCK = 30


def _block_variances(d: np.ndarray) -> np.ndarray:
    """Robust variances of differences ``d`` in consecutive blocks of 30.

    Each block's scale is 1.4826 times the MAD about the block median (1.2533
    times the mean absolute deviation when the MAD is 0, as for counts that
    repeat), so a spike, a level shift or an isolated jump (a few differences
    in a block) hardly moves it.  For normal differences the mean of the
    squared block scales is within 1.1% of the variance (simulated).
    """
    m = len(d)
    nb = max(m // _SCALE_BLOCK, 1)
    size = m // nb
    blocks = d[: nb * size].reshape(nb, size)
    dev = np.abs(blocks - np.median(blocks, axis=1, keepdims=True))
    scale = np.median(dev, axis=1) * _MAD_TO_SD
    scale = np.where(scale > 0, scale, dev.mean(axis=1) * _MEANAD_TO_SD)
    return scale * scale


def _noise_model(y: np.ndarray) -> tuple[float, float, float]:
    """AR(1) noise parameters from differences at lags 1..10 (as in DeCAFS).

    For stationary AR(1) noise with variance ``s2`` and coefficient ``phi``,
    ``v_k = Var(y[t+k] - y[t]) / 2 = s2 (1 - phi^k)``, whatever a constant or
    linear mean does; a level shift touches only ``k`` differences of lag
    ``k``.  ``phi`` is fitted to this variogram on the log scale by least
    squares over ``k = 1..10`` (a grid of ``phi`` in ``[0, 0.98]``), each
    ``v_k`` from the MAD of all lag-``k`` differences about their median
    (Romano et al. 2022, section 4).  The scale is ``v_1``, a robust *local*
    variance of the lag-1 differences (:func:`_block_variances`: squared MAD
    scales of blocks of 30, averaged), so shifts, spikes and isolated jumps
    hardly move it while busy periods with larger noise count in full; then
    ``s2 = v_1 / (1 - phi)``.  Returns ``(s2, phi, long_run_variance)`` with
    ``long_run_variance = s2 (1 + phi) / (1 - phi)``, the limit of ``m`` times
    the variance of the mean of ``m`` noise values (Newey & West 1987).
    """
    n = len(y)
    if n < 4:
        return 0.0, 0.0, 0.0
    v1 = 0.5 * float(np.mean(_block_variances(y[1:] - y[:-1])))
    # at most n / 10 lags, so one shift touches at most 10% of the differences
    lags = np.arange(1, min(_NOISE_LAGS, n // 10) + 1)
    # the shape of the variogram from the MAD of all lag-k differences: a
    # shift or a burst touches at most 2k of them, and a scale common to
    # quiet and busy months cancels in the shape
    mads = np.empty(len(lags))
    for i, k in enumerate(lags):  # ten lags, each vectorised over the series
        dev = np.abs((y[k:] - y[:-k]) - np.median(y[k:] - y[:-k]))
        mad = float(np.median(dev))
        mads[i] = mad if mad > 0 else float(np.mean(dev)) * _MEANAD_TO_SD / _MAD_TO_SD
    if v1 == 0.0 or len(lags) < 2 or not (mads > 0).all():
        return v1, 0.0, v1
    logv = 2.0 * np.log(mads)
    grid = np.linspace(0.0, _PHI_MAX, 99)[:, None]
    shape = np.log1p(-grid ** lags[None, :])
    resid = logv[None, :] - shape
    resid -= resid.mean(axis=1, keepdims=True)
    phi = float(grid[int(np.argmin((resid * resid).sum(axis=1))), 0])
    s2 = v1 / (1.0 - phi)
    return s2, phi, s2 * (1.0 + phi) / (1.0 - phi)


def _segment_slope(y: np.ndarray, bounds: list[int], w: np.ndarray | None = None) -> float:
    """(Weighted) least-squares slope common to all segments, each with its own level."""
    t = np.arange(len(y), dtype="float64")
    wt = np.ones(len(y)) if w is None else w
    seg = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    cnt = np.bincount(seg, wt)
    tc = t - (np.bincount(seg, wt * t) / cnt)[seg]
    yc = y - (np.bincount(seg, wt * y) / cnt)[seg]
    sxx = float((wt * tc) @ tc)
    return float((wt * tc) @ yc) / sxx if sxx > 0 else 0.0


#: Days of lag-1 differences behind each day's local noise scale: a month
#: before and a month after (31 each), the larger of the two scales.
_LOCAL_WINDOW = 61
#: Local weights are kept within a factor 25 of the average (a local noise sd
#: within a factor 5), so a quiet stretch of repeated values is not read as
#: noise-free.
_WEIGHT_CAP = 25.0
#: Values further than this many local noise sd from a centred rolling median
#: are pulled back to it before segmenting (a normal value is that far once in
#: 370 days; the cap only trims it), so a lone spike cannot open a regime of its own.
_CLIP_SD = 3.0


def _local_weights(y: np.ndarray, v1: float) -> np.ndarray:
    """Inverse local noise variance, relative to the series' (1 on homogeneous noise).

    The local variance is half the squared MAD scale of the lag-1 differences
    in the 31 days before and in the 31 days after (a rolling median of the
    deviations from a rolling median), whichever is larger, so the first busy
    days after a quiet spell already get the busy noise; the quiet and the
    busy periods of a count each get their own noise, and spikes and shifts,
    a few differences per window, hardly move it.  A series shorter than 122 days
    (four months) gets one noise level: a month's MAD is too uncertain to
    weigh days against each other within it.
    """
    if len(y) < 2 * _LOCAL_WINDOW:  # under four months: one noise level
        return np.ones(len(y))
    d = pd.Series(y[1:] - y[:-1])
    half = _LOCAL_WINDOW // 2 + 1
    mp = half // 2

    def scale(v: pd.Series) -> np.ndarray:
        roll = v.rolling(half, min_periods=mp)
        med = roll.median()
        # the MAD about the median of the same window, by the rolling median
        # of the deviations from the window medians of their own windows
        dev = (v - med).abs().rolling(half, min_periods=mp)
        mad = dev.median().to_numpy() * _MAD_TO_SD
        return np.where(mad > 0, mad, dev.mean().to_numpy() * _MEANAD_TO_SD)

    before = scale(d)
    after = scale(d[::-1].reset_index(drop=True))[::-1]
    both = np.fmax(before, after)
    if np.isnan(both).all():  # too short for a local scale: homogeneous noise
        return np.ones(len(y))
    # a day too close to both ends of a short series takes its neighbour's scale
    both = pd.Series(both).ffill().bfill().to_numpy()
    local = 0.5 * both * both
    local = np.r_[local[0], 0.5 * (local[1:] + local[:-1]), local[-1]]  # differences -> days
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(local > 0, v1 / local, _WEIGHT_CAP)
    return np.clip(w, 1.0 / _WEIGHT_CAP, _WEIGHT_CAP)


def _clip_spikes(y: np.ndarray, sd: np.ndarray, min_size: int) -> np.ndarray:
    """``y`` pulled to within ``_CLIP_SD`` local sd of a centred rolling median.

    The window is ``2 min_size - 1`` days, so the median follows a clean step
    on its first day and a run of ``min_size`` days at its centre: shifts and
    regimes are kept, shorter bursts are capped.
    """
    w = 2 * min_size - 1
    if w < 3 or len(y) < w:
        return y
    med = pd.Series(y).rolling(w, center=True, min_periods=1).median().to_numpy()
    return np.clip(y, med - _CLIP_SD * sd, med + _CLIP_SD * sd)


def _changepoints_one(col: pd.Series, name: Hashable, *, model: str, penalty: str | float,
                      min_size: int, trend: bool | str, noise: str
                      ) -> tuple[list[dict[str, Any]], dict[str, float]]:
    values = col.to_numpy()
    keep = ~np.isnan(values)
    y = values[keep]
    dates = col.index[keep]
    n = len(y)
    info = {"noise_variance": np.nan, "ar1": np.nan, "long_run_variance": np.nan,
            "slope": 0.0}
    if model == "poisson" and (y < 0).any():
        bad = dates[np.argmax(y < 0)]
        raise InputError(
            f"model='poisson' needs non-negative counts; {name!r} is "
            f"{y[np.argmax(y < 0)]:g} on {bad.date()}"
        )
    if n < 2 * min_size:
        return [], info
    slope = 0.0
    w = None
    fit = y
    if isinstance(penalty, str):
        if noise == "ar1":
            s2, phi, lrv = _noise_model(y)
        else:
            s2 = _noise_sd(y) ** 2
            phi, lrv = 0.0, s2
        info.update(noise_variance=s2, ar1=phi, long_run_variance=lrv)
        if model == "l2":
            unit = lrv
            if noise == "ar1" and s2 > 0:
                w = _local_weights(y, s2 * (1.0 - phi))
                fit = _clip_spikes(y, np.sqrt(s2 / w), min_size)
        else:
            mean = float(np.mean(y))
            unit = 1.0 if mean == 0 else max(1.0, lrv / mean)
        if unit == 0:
            return [], info  # a constant series has no change
        beta = 2.0 * np.log(n)
        log_len = penalty == "mbic"
    else:
        unit = 1.0
        beta = float(penalty)
        log_len = False
    if model == "l2":
        bkps, cost = _segment_l2(fit, beta=beta, unit=unit, log_len=log_len,
                                 min_size=min_size, w=w)
        if isinstance(penalty, str) and trend is not False:
            bkps, slope = _with_trend(fit, bkps, cost, beta=beta, unit=unit, log_len=log_len,
                                      min_size=min_size, force=trend is True, w=w)
    else:
        s1 = np.concatenate([[0.0], np.cumsum(y)])
        bkps, _ = _pelt_poisson(s1, phi=unit, beta=beta, log_len=log_len, min_size=min_size)
    info["slope"] = slope
    rows = []
    bounds = [0, *bkps]
    for i in range(1, len(bounds) - 1):
        a, b, c = bounds[i - 1], bounds[i], bounds[i + 1]
        mb = float(np.mean(y[a:b]))
        ma = float(np.mean(y[b:c]))
        rows.append({
            "series": name, "date": dates[b], "before_start": dates[a],
            "before_end": dates[b - 1], "after_end": dates[c - 1],
            "mean_before": mb, "mean_after": ma, "change": ma - mb,
        })
    return rows, info


def _segment_l2(y: np.ndarray, *, beta: float, unit: float, log_len: bool, min_size: int,
                w: np.ndarray | None = None) -> tuple[list[int], float]:
    """PELT on y with the (weighted) l2 cost: the ends and the optimum in deviance units."""
    centred = y - np.median(y)
    wy = centred if w is None else w * centred
    s1 = np.concatenate([[0.0], np.cumsum(wy)])
    s2 = np.concatenate([[0.0], np.cumsum(wy * centred)])
    sw = None if w is None else np.concatenate([[0.0], np.cumsum(w)])
    bkps, total = _pelt_l2(s1, s2, beta=beta * unit, log_scale=unit if log_len else 0.0,
                           min_size=min_size, sw=sw)
    return bkps, total / unit


#: Lags of the differences behind the robust slope (see _robust_slope).
_SLOPE_LAGS = 10


def _robust_slope(y: np.ndarray) -> float:
    """Slope from the medians of lag-1..10 differences, ``m_k ~ b k`` (least squares).

    A steady trend moves every difference; a level shift only the ``k``
    differences of lag ``k`` that straddle it, so a staircase of a few
    rising levels gives a slope near 0.
    """
    lags = np.arange(1, max(min(_SLOPE_LAGS, len(y) // 4), 1) + 1)
    m = np.array([np.median(y[k:] - y[:-k]) for k in lags])  # ten lags
    return float(lags @ m) / float(lags @ lags)


def _with_trend(y: np.ndarray, bkps: list[int], cost: float, *, beta: float, unit: float,
                log_len: bool, min_size: int, force: bool, w: np.ndarray | None = None
                ) -> tuple[list[int], float]:
    """Level shifts on a common linear trend, kept when BIC prefers them.

    The slope is never fitted across the steps of a staircase: alternation
    starts from the flat model's segments (the slope pooled *within* them) and
    from a robust slope (:func:`_robust_slope`, medians of short differences,
    which level shifts hardly move); each start alternates PELT on the
    detrended values and the pooled within-segment slope until the
    segmentation repeats.  The trend is one more parameter, priced ``log n``
    on the deviance scale, and is kept only if it lowers the penalised cost.
    """
    n = len(y)
    t = np.arange(n, dtype="float64")
    best_b, best_cost, best_slope = bkps, cost, 0.0
    robust, _ = _segment_l2(y - _robust_slope(y) * t, beta=beta, unit=unit,
                            log_len=log_len, min_size=min_size, w=w)
    for start in (bkps, robust):
        cur = start
        seen: list[list[int]] = []
        for _ in range(12):  # a few alternations; each is one PELT pass
            slope = _segment_slope(y, [0, *cur], w)
            cur, c = _segment_l2(y - slope * t, beta=beta, unit=unit, log_len=log_len,
                                 min_size=min_size, w=w)
            c += np.log(n)
            if force or c < best_cost:
                best_b, best_cost, best_slope = cur, c, slope
                force = False
            if cur in seen:
                break
            seen.append(cur)
        if robust == bkps:
            break
    if best_slope != 0.0:
        best_slope = _segment_slope(y, [0, *best_b], w)
    return best_b, best_slope


def _pelt(cost: Any, n: int, *, beta: float, margin: float, min_size: int
          ) -> tuple[list[int], float]:
    """PELT over ends s = min_size..n; ``cost(starts, s)`` is vectorised over starts.

    ``F[s] = min_t F[t] + cost(t, s) + beta``; the first (smallest) t wins a
    tie; t stays a candidate while ``F[t] + cost(t, s) + beta <= F[s] + margin``.
    Returns the segment ends (the last is n), as ruptures' ``predict`` does,
    and the optimal penalised cost ``F[n]``.
    """
    f = np.zeros(n + 1)
    last = np.zeros(n + 1, dtype=np.intp)
    cand = np.empty(0, dtype=np.intp)
    for s in range(min_size, n + 1):  # the PELT recursion is sequential in s
        t_new = s - min_size
        if t_new == 0 or t_new >= min_size:
            cand = np.append(cand, t_new)
        crit = f[cand] + cost(cand, s) + beta
        i = int(np.argmin(crit))
        f[s] = crit[i]
        last[s] = cand[i]
        cand = cand[crit <= f[s] + margin]
    ends = []
    s = n
    while s > 0:
        ends.append(s)
        s = int(last[s])
    return ends[::-1], float(f[n])


def _pelt_l2(s1: np.ndarray, s2: np.ndarray, *, beta: float, log_scale: float,
             min_size: int, sw: np.ndarray | None = None) -> tuple[list[int], float]:
    """PELT with the l2 cost from cumulative sums; ``sw``: cumulative weights (None: 1 a day)."""
    n = len(s1) - 1

    def cost(t: np.ndarray, s: int) -> np.ndarray:
        m = s - t
        a = s1[s] - s1[t]
        c = (s2[s] - s2[t]) - a * a / (m if sw is None else sw[s] - sw[t])
        if log_scale:
            c = c + log_scale * np.log(m)
        return c

    # pruning margin: beta alone when the cost is sub-additive (ruptures' rule);
    # the log-length term of MBIC adds at most log(n / 4) per split
    margin = beta + (log_scale * np.log(max(n / 4.0, 1.0)) if log_scale else 0.0)
    return _pelt(cost, n, beta=beta, margin=margin, min_size=min_size)


def _pelt_poisson(s1: np.ndarray, *, phi: float, beta: float, log_len: bool,
                  min_size: int) -> tuple[list[int], float]:
    n = len(s1) - 1

    def cost(t: np.ndarray, s: int) -> np.ndarray:
        m = s - t
        tot = s1[s] - s1[t]
        with np.errstate(divide="ignore", invalid="ignore"):
            ll = np.where(tot > 0, tot * np.log(tot / m), 0.0)
        c = 2.0 * (tot - ll) / phi
        if log_len:
            c = c + np.log(m)
        return c

    margin = beta + (np.log(max(n / 4.0, 1.0)) if log_len else 0.0)
    return _pelt(cost, n, beta=beta, margin=margin, min_size=min_size)


"""Tests of conflictstats.rates: pooled rates, outcome shares, comparisons, pace.

Reference values come from statsmodels (called in the tests), scipy, or hand
calculations shown in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from statsmodels.stats import proportion as smp
from statsmodels.stats import rates as smr

import conflictstats as cs
from conflictstats.results import PaceRatio, PaceResult, RateComparison, RateResult

# our method name -> statsmodels proportion_confint method name
SM_METHOD = {
    "wilson": "wilson",
    "jeffreys": "jeffreys",
    "clopper_pearson": "beta",
    "agresti_coull": "agresti_coull",
    "wald": "normal",
}


def _random_counts(seed: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 2000, size=size)
    # include the edges x = 0 and x = n often
    x = rng.binomial(n, rng.uniform(0, 1, size=size))
    x[:10] = 0
    x[10:20] = n[10:20]
    return x, n


def _daily(values, start="2024-11-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), name="date"),
                     dtype="float64")


# ---------------------------------------------------------------------------
# rate: scalars and intervals against statsmodels
# ---------------------------------------------------------------------------


def test_seed_article_rate_is_76_of_188():
    r = cs.rate(76, 188)
    assert isinstance(r, RateResult)
    assert_allclose(r.rate, 76 / 188)  # 40.4 %
    lo, hi = smp.proportion_confint(76, 188, alpha=0.05, method="wilson")
    assert_allclose([r.lower, r.upper], [lo, hi], rtol=1e-12)
    assert r.method == "wilson" and r.alpha == 0.05
    frame = r.to_frame()
    assert list(frame.columns) == [
        "numerator", "denominator", "rate", "lower", "upper", "method", "alpha",
        "variance_model", "dispersion",
    ]


@pytest.mark.parametrize("method", list(SM_METHOD))
@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.01])
def test_scalar_intervals_equal_statsmodels(method, alpha):
    x, n = _random_counts(seed=1, size=40)
    for xi, ni in zip(x, n, strict=True):
        r = cs.rate(int(xi), int(ni), method=method, alpha=alpha)
        lo, hi = smp.proportion_confint(int(xi), int(ni), alpha=alpha, method=SM_METHOD[method])
        if method == "jeffreys" and xi == 0:
            lo = 0.0  # Brown, Cai & DasGupta (2001) boundary rule; statsmodels keeps the quantile
        if method == "jeffreys" and xi == ni:
            hi = 1.0
        assert_allclose([r.lower, r.upper], [lo, hi], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("method", list(SM_METHOD))
def test_series_intervals_equal_statsmodels_vectorised(method):
    x, n = _random_counts(seed=2, size=500)
    num, den = _daily(x), _daily(n)
    out = cs.rate(num, den, method=method, alpha=0.1)
    lo, hi = smp.proportion_confint(x, n, alpha=0.1, method=SM_METHOD[method])
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    if method == "jeffreys":
        lo = np.where(x == 0, 0.0, lo)
        hi = np.where(x == n, 1.0, hi)
    assert_allclose(out["lower"], lo, rtol=1e-10, atol=1e-14)
    assert_allclose(out["upper"], hi, rtol=1e-10, atol=1e-14)
    assert_allclose(out["rate"], x / n)


def test_non_integer_counts_are_allowed_and_match_statsmodels():
    # flows spread over days give fractional daily counts
    x, n = np.array([25.5, 10 / 3, 0.25]), np.array([62.5, 20 / 3, 1.5])
    out = cs.rate(_daily(x), _daily(n), method="clopper_pearson")
    lo, hi = smp.proportion_confint(x, n, method="beta")
    assert_allclose(out["lower"], lo, rtol=1e-10)
    assert_allclose(out["upper"], hi, rtol=1e-10)


def test_beta_is_an_alias_of_clopper_pearson():
    a = cs.rate(3, 10, method="beta")
    b = cs.rate(3, 10, method="clopper_pearson")
    assert a == b


def test_zero_denominator_gives_nan_rate_and_keeps_counts():
    r = cs.rate(0, 0)
    assert r.denominator == 0 and math.isnan(r.rate)
    assert math.isnan(r.lower) and math.isnan(r.upper)
    out = cs.rate(_daily([0, 1]), _daily([0, 2]))
    assert out["denominator"].tolist() == [0.0, 2.0]
    assert np.isnan(out.loc[out.index[0], ["rate", "lower", "upper"]].to_numpy(float)).all()
    assert_allclose(out["rate"].iloc[1], 0.5)


# ---------------------------------------------------------------------------
# rate: series, NaN and pooling
# ---------------------------------------------------------------------------


def test_nan_in_gives_nan_out_at_the_same_dates_without_window():
    num = _daily([1, np.nan, 3, 4])
    den = _daily([2, 5, np.nan, 8])
    out = cs.rate(num, den)
    assert out.index.equals(num.index)
    assert list(out.columns) == ["numerator", "denominator", "rate", "lower", "upper", "n_reported"]
    assert out["rate"].isna().tolist() == [False, True, True, False]
    assert out["n_reported"].tolist() == [1.0, 0.0, 0.0, 1.0]
    # a day with only one count known is dropped from both, not half-used
    assert out["numerator"].isna().tolist() == [False, True, True, False]


def test_pooled_rate_is_sum_over_sum_not_mean_of_ratios():
    num = _daily([1, 9, np.nan, 2, 50])
    den = _daily([10, 10, 4, np.nan, 100])
    out = cs.rate(num, den, window=3, dispersion="binomial")  # statsmodels is binomial
    # hand: window ending day 3 holds days 1-3; day 3 has no numerator -> (1 + 9) / (10 + 10)
    assert_allclose(out["rate"].iloc[2], 10 / 20)
    # window ending day 5: days 3-5, only day 5 has both -> 50 / 100
    assert_allclose(out["rate"].iloc[4], 0.5)
    assert out["n_reported"].tolist() == [1.0, 2.0, 2.0, 1.0, 1.0]
    # window ending day 2: (1 + 9) / (10 + 10) = 0.5, while the mean of ratios is (0.1 + 0.9)/2
    assert_allclose(out["numerator"].iloc[1], 10.0)
    assert_allclose(out["denominator"].iloc[1], 20.0)
    lo, hi = smp.proportion_confint(10, 20, method="wilson")
    assert_allclose([out["lower"].iloc[1], out["upper"].iloc[1]], [lo, hi])


def test_weekly_pool_differs_from_mean_of_daily_ratios():
    # a big night with a low rate weighs more than a small night with a high rate
    num, den = _daily([9, 76]), _daily([10, 188])
    out = cs.rate(num, den, window="7D")
    assert_allclose(out["rate"].iloc[1], 85 / 198)  # pooled, hand
    assert not np.isclose(out["rate"].iloc[1], (0.9 + 76 / 188) / 2)


def test_int_window_and_calendar_span_agree_on_a_daily_index():
    rng = np.random.default_rng(3)
    n = rng.integers(0, 300, 60).astype(float)
    x = rng.binomial(n.astype(int), 0.7).astype(float)
    n[[5, 17, 18]] = np.nan
    a = cs.rate(_daily(x), _daily(n), window=7)
    b = cs.rate(_daily(x), _daily(n), window="7D")
    pd.testing.assert_frame_equal(a, b)
    # plain pandas reference: rolling sums over the known days
    known = ~np.isnan(n)
    ref_x = pd.Series(np.where(known, x, 0.0)).rolling(7, min_periods=1).sum().to_numpy()
    ref_n = pd.Series(np.where(known, n, 0.0)).rolling(7, min_periods=1).sum().to_numpy()
    assert_allclose(a["rate"].to_numpy(), ref_x / ref_n)


def test_calendar_window_respects_gaps_in_the_index():
    # dates 1, 2 and 10 November: a 7-day window ending on the 10th holds only the 10th
    idx = pd.to_datetime(["2024-11-01", "2024-11-02", "2024-11-10"])
    num = pd.Series([1.0, 2.0, 3.0], index=idx)
    den = pd.Series([10.0, 10.0, 10.0], index=idx)
    out = cs.rate(num, den, window=7)
    assert out["denominator"].tolist() == [10.0, 20.0, 10.0]


def test_min_periods_blanks_windows_with_too_few_known_days():
    num = _daily([1, np.nan, np.nan, 4, 5])
    den = _daily([2, 5, np.nan, 8, 10])
    out = cs.rate(num, den, window=3, min_periods=2)
    assert out["rate"].isna().tolist() == [True, True, True, True, False]
    assert_allclose(out["rate"].iloc[4], 9 / 18)


def test_union_of_indexes_is_used_when_they_differ():
    num = _daily([1, 2, 3])
    den = _daily([4, 4, 4, 4], start="2024-10-31")
    out = cs.rate(num, den)
    assert len(out) == 4
    assert out["rate"].isna().tolist() == [True, False, False, False]


def test_wide_frames_give_one_block_per_series():
    x, n = _random_counts(seed=4, size=30)
    num = pd.DataFrame({"north": x[:15], "south": x[15:]},
                       index=pd.date_range("2024-11-01", periods=15))
    den = pd.DataFrame({"south": n[15:], "north": n[:15]}, index=num.index)
    out = cs.rate(num, den, window=3, method="jeffreys")
    assert out.columns.names == ["series", "field"]
    assert list(out.columns.get_level_values(0).unique()) == ["north", "south"]
    one = cs.rate(num["south"], den["south"], window=3, method="jeffreys")
    pd.testing.assert_frame_equal(out["south"], one, check_names=False)


# ---------------------------------------------------------------------------
# rate: errors
# ---------------------------------------------------------------------------


def test_numerator_above_denominator_names_the_date_and_values():
    num = _daily([5, 80], start="2024-11-25")
    den = _daily([10, 76], start="2024-11-25")
    msg = r"numerator \(80\) exceeds denominator \(76\) on 2024-11-26"
    with pytest.raises(ValueError, match=msg):
        cs.rate(num, den)
    with pytest.raises(ValueError, match=r"numerator \(80\) exceeds denominator \(76\)"):
        cs.rate(80, 76)


def test_wide_frame_error_names_the_column():
    idx = pd.date_range("2024-11-25", periods=2)
    num = pd.DataFrame({"a": [1, 1], "b": [1, 9]}, index=idx)
    den = pd.DataFrame({"a": [5, 5], "b": [5, 5]}, index=idx)
    with pytest.raises(ValueError, match=r"on 2024-11-26 in column 'b'"):
        cs.rate(num, den)


def test_negative_counts_raise():
    msg = r"denominator must be a finite non-negative count; got -3 on 2024-11-02"
    with pytest.raises(ValueError, match=msg):
        cs.rate(_daily([1, 1]), _daily([5, -3]))
    with pytest.raises(ValueError, match=r"numerator must not be negative; got -1"):
        cs.rate(-1, 5)


def test_infinite_counts_raise():
    with pytest.raises(ValueError, match=r"numerator must be a finite non-negative count; got inf"):
        cs.rate(_daily([np.inf]), _daily([5]))


def test_bad_parameters_raise():
    with pytest.raises(ValueError, match=r"method must be one of .*'wilson'.*got 'exact_ish'"):
        cs.rate(1, 2, method="exact_ish")
    with pytest.raises(ValueError, match=r"alpha must be in the open interval"):
        cs.rate(1, 2, alpha=1.5)
    with pytest.raises(TypeError, match=r"freq=, window= and by= need pandas input"):
        cs.rate(1, 2, window=7)
    with pytest.raises(TypeError, match=r"both be Series or both be DataFrames"):
        cs.rate(_daily([1]), _daily([2]).to_frame())
    with pytest.raises(TypeError, match=r"two numbers or two pandas objects"):
        cs.rate(_daily([1]), 2)
    with pytest.raises(ValueError, match=r"min_periods must be at least 1; got 0"):
        cs.rate(_daily([1]), _daily([2]), window=3, min_periods=0)
    idx = pd.date_range("2024-11-25", periods=1)
    with pytest.raises(ValueError, match=r"same columns"):
        cs.rate(pd.DataFrame({"a": [1]}, index=idx), pd.DataFrame({"b": [2]}, index=idx))


# ---------------------------------------------------------------------------
# rate: property test
# ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=5000),
    frac=st.floats(min_value=0, max_value=1),
    alpha=st.floats(min_value=0.001, max_value=0.2),
    method=st.sampled_from(list(SM_METHOD)),
)
def test_interval_brackets_the_rate_inside_zero_one(n, frac, alpha, method):
    x = round(frac * n)
    r = cs.rate(x, n, method=method, alpha=alpha)
    assert 0.0 <= r.lower <= r.rate + 1e-12
    assert r.rate - 1e-12 <= r.upper <= 1.0


# ---------------------------------------------------------------------------
# real data: Shahed interception rate
# ---------------------------------------------------------------------------


@pytest.mark.realdata
def test_shahed_weekly_interception_rate_is_pooled_sum_over_sum(shared_data):
    path = shared_data("massive_missile_attacks", "missile_attacks_daily.csv")
    raw = pd.read_csv(path)
    raw = raw[(raw["model"] == "Shahed-136/131") & (raw["target"] == "Ukraine")]
    # date an overnight report by its morning (end) date
    raw = raw.assign(date=pd.to_datetime(raw["time_end"], format="mixed").dt.normalize())
    daily = raw.groupby("date")[["launched", "destroyed"]].sum(min_count=1)
    daily = daily.reindex(pd.date_range(daily.index.min(), daily.index.max(), name="date"))
    out = cs.rate(daily["destroyed"], daily["launched"], window="7D")
    # plain pandas on the same data: the last 7 days ending on a few dates
    reported = daily.dropna().index
    for end in reported[[len(reported) // 4, len(reported) // 2, -1]]:
        week = daily.loc[end - pd.Timedelta(days=6): end].dropna()
        assert_allclose(out.loc[end, "numerator"], week["destroyed"].sum())
        assert_allclose(out.loc[end, "denominator"], week["launched"].sum())
        assert_allclose(out.loc[end, "rate"], week["destroyed"].sum() / week["launched"].sum())
    ok = out["rate"].notna()
    assert ok.sum() > 100
    assert ((out.loc[ok, "lower"] <= out.loc[ok, "rate"])
            & (out.loc[ok, "rate"] <= out.loc[ok, "upper"])).all()
    assert out.loc[ok, "rate"].between(0, 1).all()


# ---------------------------------------------------------------------------
# outcome shares
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("ours", "theirs"), [("goodman", "goodman"), ("sison_glaz", "sison-glaz")])
def test_seed_article_outcome_shares_equal_statsmodels(ours, theirs):
    t = cs.outcome_shares(188, {"shot_down": 76, "lost_track": 96}, method=ours)
    assert t["outcome"].tolist() == ["shot_down", "lost_track", "other"]
    assert t["count"].tolist() == [76.0, 96.0, 16.0]  # 188 - 76 - 96 = 16
    assert_allclose(t["share"], np.array([76, 96, 16]) / 188)
    ref = smp.multinomial_proportions_confint([76, 96, 16], alpha=0.05, method=theirs)
    assert_allclose(t[["lower", "upper"]].to_numpy(), ref, rtol=1e-10)


@pytest.mark.parametrize(("ours", "theirs"), [("goodman", "goodman"), ("sison_glaz", "sison-glaz")])
def test_random_outcome_shares_equal_statsmodels(ours, theirs):
    rng = np.random.default_rng(5)
    for _ in range(15):
        k = int(rng.integers(2, 9))
        counts = rng.multinomial(int(rng.integers(20, 3000)), rng.dirichlet(np.ones(k)))
        parts = {f"c{i}": int(c) for i, c in enumerate(counts)}
        alpha = float(rng.choice([0.01, 0.05, 0.1]))
        t = cs.outcome_shares(int(counts.sum()), parts, remainder=None, method=ours, alpha=alpha)
        ref = smp.multinomial_proportions_confint(counts, alpha=alpha, method=theirs)
        assert_allclose(t[["lower", "upper"]].to_numpy(), ref, rtol=1e-9, atol=1e-12)


def test_zero_remainder_is_kept_as_an_outcome():
    t = cs.outcome_shares(10, {"shot_down": 6, "lost_track": 4})
    assert t["outcome"].tolist() == ["shot_down", "lost_track", "other"]
    assert t["count"].iloc[2] == 0.0


def test_parts_exceeding_the_whole_raise():
    msg = r"parts exceed the total: shot_down \(150\) \+ lost_track \(96\) = 246 > total \(188\)"
    with pytest.raises(ValueError, match=msg):
        cs.outcome_shares(188, {"shot_down": 150, "lost_track": 96})
    with pytest.raises(ValueError, match=r"parts fall short of the total.*remainder="):
        cs.outcome_shares(188, {"shot_down": 76, "lost_track": 96}, remainder=None)
    with pytest.raises(ValueError, match=r"parts\['x'\] must not be negative; got -1"):
        cs.outcome_shares(10, {"x": -1})
    with pytest.raises(ValueError, match=r"remainder name 'other' is already a part"):
        cs.outcome_shares(10, {"other": 1})
    with pytest.raises(ValueError, match=r"method must be one of"):
        cs.outcome_shares(10, {"x": 1}, method="sison-glaz")


@pytest.mark.parametrize(("ours", "theirs"), [("goodman", "goodman"), ("sison_glaz", "sison-glaz")])
def test_daily_outcome_shares_give_one_block_per_date(ours, theirs):
    launched = _daily([188, 100, np.nan, 0], start="2024-11-26")
    shot = _daily([76, 50, 3, 0], start="2024-11-26")
    lost = _daily([96, 40, 1, 0], start="2024-11-26")
    t = cs.outcome_shares(launched, {"shot_down": shot, "lost_track": lost}, method=ours)
    assert list(t.columns) == ["date", "outcome", "count", "share", "lower", "upper"]
    assert len(t) == 4 * 3
    for day, counts in ((0, [76, 96, 16]), (1, [50, 40, 10])):
        block = t.iloc[3 * day: 3 * day + 3]
        ref = smp.multinomial_proportions_confint(counts, method=theirs)
        assert_allclose(block[["lower", "upper"]].to_numpy(), ref, rtol=1e-9)
        assert_allclose(block["count"], counts)
    # a missing total gives NaN rows; a zero total has no shares
    assert t.iloc[6:12]["share"].isna().all()
    assert t.iloc[9:12]["count"].tolist() == [0.0, 0.0, 0.0]


def test_daily_parts_exceeding_the_whole_name_the_date():
    launched = _daily([188, 100], start="2024-11-26")
    shot = _daily([76, 90], start="2024-11-26")
    lost = _daily([96, 40], start="2024-11-26")
    msg = r"parts exceed the total on 2024-11-27: shot_down \(90\) \+ lost_track \(40\) = 130"
    with pytest.raises(ValueError, match=msg):
        cs.outcome_shares(launched, {"shot_down": shot, "lost_track": lost})
    with pytest.raises(TypeError, match=r"parts\['x'\] must be a Series like total"):
        cs.outcome_shares(launched, {"x": 3})


# ---------------------------------------------------------------------------
# comparing rates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("newcombe", "newcomb"), ("wald", "wald"), ("agresti_caffo", "agresti-caffo")],
)
def test_difference_interval_equals_statsmodels(ours, theirs):
    rng = np.random.default_rng(6)
    for _ in range(40):
        n1, n2 = (int(v) for v in rng.integers(1, 1500, 2))
        x1, x2 = int(rng.integers(0, n1 + 1)), int(rng.integers(0, n2 + 1))
        c = cs.compare_rates(x1, n1, x2, n2, method=ours, alpha=0.05)
        ref = smp.confint_proportions_2indep(x1, n1, x2, n2, method=theirs, compare="diff")
        assert_allclose([c.difference_lower, c.difference_upper], ref, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize(
    ("ours", "theirs"), [("koopman", "score"), ("log", "log"), ("log_adjusted", "log-adjusted")]
)
def test_ratio_interval_equals_statsmodels(ours, theirs):
    rng = np.random.default_rng(7)
    for _ in range(40):
        n1, n2 = (int(v) for v in rng.integers(5, 1500, 2))
        x1, x2 = int(rng.integers(1, n1 + 1)), int(rng.integers(1, n2 + 1))
        c = cs.compare_rates(x1, n1, x2, n2, ratio_method=ours, alpha=0.1)
        # Koopman (1984) is statsmodels' score interval without the Miettinen-Nurminen correction
        ref = smp.confint_proportions_2indep(
            x1, n1, x2, n2, method=theirs, compare="ratio", alpha=0.1, correction=False
        )
        assert_allclose([c.ratio_lower, c.ratio_upper], np.ravel(ref), rtol=1e-7)
        assert_allclose(c.ratio, (x1 / n1) / (x2 / n2))


def test_koopman_interval_at_zero_counts_is_open_ended():
    c = cs.compare_rates(0, 50, 10, 50)
    assert c.ratio == 0 and c.ratio_lower == 0
    ref = smp.confint_proportions_2indep(0, 50, 10, 50, method="score", compare="ratio",
                                         correction=False)
    assert_allclose(c.ratio_upper, np.ravel(ref)[1], rtol=1e-7)
    d = cs.compare_rates(10, 50, 0, 50)
    assert d.ratio_upper == math.inf


def test_p_value_equals_statsmodels_score_test():
    rng = np.random.default_rng(8)
    for _ in range(30):
        n1, n2 = (int(v) for v in rng.integers(5, 1500, 2))
        x1, x2 = int(rng.integers(1, n1)), int(rng.integers(1, n2))
        c = cs.compare_rates(x1, n1, x2, n2)
        ref = smp.test_proportions_2indep(x1, n1, x2, n2, method="score", correction=False)
        assert_allclose([c.statistic, c.p_value], [ref.statistic, ref.pvalue], rtol=1e-9)


def test_compare_rates_result_fields():
    c = cs.compare_rates(76, 188, 150, 200)
    assert isinstance(c, RateComparison)
    assert_allclose(c.difference, 76 / 188 - 0.75)
    assert c.difference_lower < c.difference < c.difference_upper
    assert c.ratio_lower < c.ratio < c.ratio_upper
    assert c.to_frame().shape == (1, 20)


def test_compare_rates_errors():
    with pytest.raises(ValueError, match=r"numerator2 \(9\) exceeds denominator2 \(5\)"):
        cs.compare_rates(1, 5, 9, 5)
    with pytest.raises(ValueError, match=r"denominator1 must be positive; got 0"):
        cs.compare_rates(0, 0, 1, 5)
    with pytest.raises(ValueError, match=r"ratio_method must be one of"):
        cs.compare_rates(1, 5, 1, 5, ratio_method="wald")


def test_compare_periods_pools_each_range_over_known_days():
    num = _daily([4, 5, np.nan, 7, 8, 9], start="2024-11-01")
    den = _daily([10, 10, 10, 10, np.nan, 10], start="2024-11-01")
    c = cs.compare_periods(num, den, first=("2024-11-04", "2024-11-06"),
                           second=("2024-11-01", "2024-11-03"))
    # hand: first range known days 4th and 6th -> 16/20; second range 1st and 2nd -> 9/20
    assert (c.numerator1, c.denominator1, c.numerator2, c.denominator2) == (16, 20, 9, 20)
    ref = cs.compare_rates(16, 20, 9, 20)
    assert c == ref
    with pytest.raises(ValueError, match=r"second: no day between 2024-12-01 and 2024-12-02"):
        cs.compare_periods(num, den, first=("2024-11-01", "2024-11-02"),
                           second=("2024-12-01", "2024-12-02"))
    with pytest.raises(ValueError, match=r"first: end \(2024-11-01\) is before start"):
        cs.compare_periods(num, den, first=("2024-11-03", "2024-11-01"),
                           second=("2024-11-01", "2024-11-02"))


# ---------------------------------------------------------------------------
# pace, period change, pace ratio
# ---------------------------------------------------------------------------


def test_level_pace_over_irregular_reports():
    # seed article: "almost 235 sq km over the past week" -> 235 / 7 = 33.57 km² a day
    area = pd.Series([1000.0, 1090.0, np.nan, 1325.0],
                     index=pd.to_datetime(["2024-11-01", "2024-11-19", "2024-11-22", "2024-11-26"]))
    p = cs.pace(area, start="2024-11-19", kind="level")
    assert isinstance(p, PaceResult)
    assert (p.amount, p.days, p.days_covered) == (235.0, 7.0, 2)
    assert_allclose(p.pace, 235 / 7)
    whole = cs.pace(area, kind="level")
    assert_allclose(whole.pace, 325 / 25)  # 1 Nov -> 26 Nov is 25 days


def test_flow_pace_divides_by_days_covered_not_calendar_days():
    s = _daily([10, np.nan, 30, 20])
    s.attrs["kind"] = "flow"
    p = cs.pace(s)
    assert (p.amount, p.days, p.days_covered) == (60.0, 4.0, 3)
    assert_allclose(p.pace, 20.0)  # 60 / 3 known days, hand


def test_pace_needs_a_kind_and_two_level_reports():
    s = _daily([1.0, 2.0])
    with pytest.raises(ValueError, match=r"the kind is unknown and pace depends on it"):
        cs.pace(s)
    msg = r"a level needs two reports between 2024-11-02 and 2024-11-02; found 1"
    with pytest.raises(ValueError, match=msg):
        cs.pace(s, start="2024-11-02", kind="level")
    with pytest.raises(ValueError, match=r"end \(2024-11-01\) is before start \(2024-11-02\)"):
        cs.pace(s, start="2024-11-02", end="2024-11-01", kind="flow")


def test_week_over_week_change_of_a_flow():
    # Monday 11 Nov to Sunday 24 Nov 2024, and Monday 25 Nov alone (incomplete)
    s = _daily([10.0] * 7 + [15.0] * 6 + [np.nan] + [40.0], start="2024-11-11")
    t = cs.period_change(s, kind="flow")
    assert t["start"].dt.strftime("%Y-%m-%d").tolist() == ["2024-11-11", "2024-11-18", "2024-11-25"]
    assert t["end"].dt.strftime("%Y-%m-%d").tolist() == ["2024-11-17", "2024-11-24", "2024-12-01"]
    assert t["n_days"].tolist() == [7, 7, 7]
    assert t["n_reported"].tolist() == [7, 6, 1]
    assert_allclose(t["total"], [70, 90, 40])
    assert_allclose(t["pace"], [10, 15, 40])
    # a 6-day week is not compared with a full one: only the per-day pace is
    assert_allclose(t["change"], [np.nan, np.nan, np.nan])
    assert_allclose(t["pct_change"], [np.nan, np.nan, np.nan])
    assert_allclose(t["pace_pct_change"], [np.nan, 50, 100 * (40 / 15 - 1)])
    assert t["complete"].tolist() == [True, False, False]
    # the same numbers as period_totals, the same weeks
    pt = cs.period_totals(s, kind="flow")
    assert_allclose(t["total"], pt["total"])
    assert t.index.equals(pt.index)


def test_week_over_week_change_of_two_complete_weeks():
    s = _daily([10.0] * 7 + [15.0] * 7, start="2024-11-11")
    t = cs.period_change(s, kind="flow")
    assert_allclose(t["change"], [np.nan, 35.0])
    assert_allclose(t["pct_change"], [np.nan, 50.0])


def test_month_over_month_uses_pace_for_unequal_months():
    # constant 10 a day through February and March 2024: totals differ, pace does not
    s = _daily([10.0] * (29 + 31), start="2024-02-01")
    t = cs.period_change(s, freq="ME", kind="flow")
    assert t["n_days"].tolist() == [29, 31]
    assert_allclose(t["total"], [290, 310])
    assert_allclose(t["pace_pct_change"], [np.nan, 0.0])
    assert t["complete"].tolist() == [True, True]


def test_weeks_can_end_on_another_day():
    s = _daily([1.0] * 14, start="2024-11-13")  # a Wednesday
    t = cs.period_change(s, freq="W-TUE", kind="flow")
    assert t["start"].dt.day_name().unique().tolist() == ["Wednesday"]
    assert t["n_reported"].tolist() == [7, 7]


def test_period_change_of_a_level_uses_the_last_report_of_each_period():
    area = pd.Series([100.0, 130.0, 160.0, 230.0],
                     index=pd.to_datetime(["2024-11-13", "2024-11-15", "2024-11-20", "2024-11-24"]))
    area.attrs["kind"] = "level"
    t = cs.period_change(area)
    # week of 11 Nov: last report 130 on the 15th; week of 18 Nov: 230 on the 24th
    assert_allclose(t["total"], [np.nan, 100.0])
    assert_allclose(t["pace"], [np.nan, 100.0 / 9])  # 15 Nov -> 24 Nov is 9 days
    assert t["n_reported"].tolist() == [2, 2]
    assert t["complete"].tolist() == [False, False]  # no report on the Sundays


def test_a_gap_period_is_not_a_zero_period():
    s = _daily([5.0] * 7 + [np.nan] * 7 + [5.0] * 7, start="2024-11-11")
    t = cs.period_change(s, kind="flow")
    assert np.isnan(t["total"].iloc[1])
    assert np.isnan(t["change"].iloc[1]) and np.isnan(t["change"].iloc[2])


def test_period_change_rejects_unknown_freq():
    with pytest.raises(ValueError, match=r"freq must be a calendar period.*got 'fortnight'"):
        cs.period_change(_daily([1.0]), freq="fortnight", kind="flow")


def test_pace_ratio_exact_interval_matches_clopper_pearson_and_statsmodels_test():
    rng = np.random.default_rng(9)
    for _ in range(30):
        x1, x2 = (int(v) for v in rng.integers(1, 800, 2))
        d1, d2 = float(rng.integers(1, 30)), float(rng.integers(1, 60))
        r = cs.pace_ratio(x1, d1, x2, d2)
        assert isinstance(r, PaceRatio)
        assert_allclose(r.ratio, (x1 / d1) / (x2 / d2))
        # conditional binomial: pi = R d1 / (R d1 + d2) -> R = pi / (1 - pi) * d2 / d1
        lo, hi = smp.proportion_confint(x1, x1 + x2, method="beta")
        assert_allclose([r.lower, r.upper], [lo / (1 - lo) * d2 / d1, hi / (1 - hi) * d2 / d1],
                        rtol=1e-9)
        ref = smr.test_poisson_2indep(x1, d1, x2, d2, method="exact-cond")
        assert_allclose(r.p_value, ref.pvalue, rtol=1e-9)


def test_pace_ratio_wald_log_equals_statsmodels():
    ref = smr.confint_poisson_2indep(188, 1, 600, 7, method="wald-log", compare="ratio")
    r = cs.pace_ratio(188, 1, 600, 7, method="wald_log")
    assert_allclose([r.lower, r.upper], np.ravel(ref), rtol=1e-9)
    t = smr.test_poisson_2indep(188, 1, 600, 7, method="wald-log")
    assert_allclose(r.p_value, t.pvalue, rtol=1e-9)


def test_pace_ratio_edges_and_errors():
    r = cs.pace_ratio(0, 7, 10, 7)
    assert r.lower == 0 and r.ratio == 0
    r = cs.pace_ratio(10, 7, 0, 7)
    assert r.upper == math.inf and r.ratio == math.inf
    with pytest.raises(ValueError, match=r"count1 must be a whole number of events.*got 2.5"):
        cs.pace_ratio(2.5, 1, 3, 1)
    with pytest.raises(ValueError, match=r"days2 must be a positive number of days; got 0"):
        cs.pace_ratio(2, 1, 3, 0)

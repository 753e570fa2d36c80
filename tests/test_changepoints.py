"""Tests for conflictstats.changepoints on real series (issue 20).

The robust noise scale, local noise, spikes, trends that must not swallow an
escalation, flagged days and levels.  Reference values: seeded simulations
whose truth is known by construction (the level steps, the noise variance),
hand calculations shown in the comments, and conflictstats.level_changes for
the daily change of a level.  The public war series are read from
../shared/data (skipped when absent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import conflictstats as cs
from conflictstats.anomalies import _noise_model, changepoints


def daily(values, start="2024-01-01", name=None):
    idx = pd.date_range(start, periods=len(values), freq="D", name="date")
    return pd.Series(np.asarray(values, dtype="float64"), index=idx, name=name)


def positions(s, cp):
    return np.array([s.index.get_loc(d) for d in cp["date"]], dtype=int)


def segment_lengths(s, cp):
    return np.diff(np.r_[0, positions(s, cp), len(s)])


# --- the noise scale -------------------------------------------------------


def test_noise_scale_is_robust_to_spikes_and_jumps_as_documented():
    # unit white noise with 8 isolated jumps of 200 sd: the variance is 1 by
    # construction; the first release's mean square of the lag-1 differences
    # gave about 8 * 2 * 200^2 / (2 * 1200) = 267 here
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, 1200)
    x[rng.choice(np.arange(10, 1190), 8, replace=False)] += 200.0
    s2, phi, _ = _noise_model(x)
    assert_allclose(s2, 1.0, rtol=0.15)
    assert phi <= 0.1
    d = np.diff(x)
    assert 0.5 * np.mean((d - np.median(d)) ** 2) > 100  # the old estimate, for contrast


def test_busy_months_count_in_the_noise_but_a_collapse_week_does_not():
    # 600 quiet days (sd 1) and 600 busy days (sd 3): the mean variance is
    # (1 + 9) / 2 = 5; a week of a collapsing front (-500 a day) does not move it
    rng = np.random.default_rng(2)
    x = np.r_[rng.normal(0, 1, 600), rng.normal(0, 3, 600)]
    x[300:307] -= 500.0
    s2, phi, _ = _noise_model(x)
    assert_allclose(s2, 5.0, rtol=0.2)
    assert phi <= 0.1


# --- escalations, spikes, heteroscedastic counts ---------------------------

LEVELS = np.array([15.0, 25.0, 82.0, 150.0, 229.0])  # the drones' half-year means
STEPS = np.array([180, 360, 540, 720])


@pytest.mark.parametrize("model", ["l2", "poisson"])
def test_an_escalation_is_a_staircase_of_changes_not_one_trend(model):
    # five 180-day levels on Poisson counts: every step found within 5 days in
    # each of 6 series, at most 2 changes elsewhere in all 6, and the trend
    # does not swallow the staircase
    extra = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        x = rng.poisson(np.repeat(LEVELS, 180)).astype(float)
        s = daily(x, name="launched")
        cp = changepoints(s, model=model)
        found = positions(s, cp)
        assert all(np.abs(found - t).min() <= 5 for t in STEPS), (seed, found)
        extra += len(found) - len(STEPS)
        assert cp.attrs["noise"]["launched"]["slope"] == 0.0
        near = [np.abs(found - t).argmin() for t in STEPS]
        assert_allclose(cp["mean_after"].to_numpy()[near], LEVELS[1:], rtol=0.15)
    assert extra <= 2


def test_an_escalation_in_over_dispersed_counts_is_found_step_by_step():
    # negative binomial (size 5): sd 7 at 15 a day, 103 at 229; found within
    # 5 days for at least 3 of the 4 steps on average (benchmark: 84%)
    recall, extra = [], []
    for seed in range(8):
        rng = np.random.default_rng(100 + seed)
        level = np.repeat(LEVELS, 180)
        x = rng.negative_binomial(5, 5 / (5 + level)).astype(float)
        found = positions(daily(x), changepoints(daily(x)))
        recall.append(np.mean([np.abs(found - t).min() <= 5 for t in STEPS]))
        extra.append(sum(np.abs(STEPS - f).min() > 5 for f in found))
    assert np.mean(recall) >= 0.75, recall
    assert np.mean(extra) <= 1.0, extra


def test_single_spikes_open_no_regime():
    # five single days 10 sd above the noise in 600 days: no change (the first
    # release made each a two-day regime); never a segment shorter than a week
    empties = 0
    for seed in range(10):
        rng = np.random.default_rng(seed)
        x = rng.normal(100, 15, 600)
        x[rng.choice(np.arange(20, 580), 5, replace=False)] += 150
        s = daily(x)
        cp = changepoints(s)
        empties += cp.empty
        assert segment_lengths(s, cp).min() >= 7
    assert empties >= 9


def test_bursts_shorter_than_min_size_are_no_regime_but_a_week_can_be():
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, 300)
    x[100:103] += 8.0  # a three-day burst
    x[200:230] += 3.0  # a month-long regime
    s = daily(x)
    found = positions(s, changepoints(s))
    assert np.abs(found - 200).min() <= 2 and np.abs(found - 230).min() <= 2
    assert not (np.abs(found - 100) <= 5).any()


def test_a_quiet_year_and_a_busy_year_are_each_measured_against_their_own_noise():
    # quiet: mean 10 -> 20 with sd 2; busy: sd 40 around 300, where single
    # nights of +-60 are ordinary; exactly the two level steps are changes
    rng = np.random.default_rng(4)
    x = np.r_[rng.normal(10, 2, 200), rng.normal(20, 2, 200), rng.normal(300, 40, 400)]
    s = daily(x)
    found = positions(s, changepoints(s))
    assert len(found) == 2
    assert np.abs(found - [200, 400]).max() <= 3


# --- flagged days and levels ----------------------------------------------


def _area_observations(values, flags):
    return cs.read_observations(pd.DataFrame({
        "metric": "occupied_area", "value": values, "unit": "km2", "kind": "level",
        "end": pd.date_range("2023-01-01", periods=len(values), freq="D").strftime("%Y-%m-%d"),
        "flag": flags}))


def test_flagged_days_are_left_out_as_if_missing():
    # a flow whose days 150-159 hold a map artefact (+40 sd), flagged
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(20, 1, 300) * 10)  # whole counts, sd 10
    x[150:160] += 400.0
    flags = np.where((np.arange(300) >= 150) & (np.arange(300) < 160), "coarse_map", None)
    obs = cs.read_observations(pd.DataFrame({
        "metric": "launched", "value": x, "unit": "count", "kind": "flow",
        "end": pd.date_range("2023-01-01", periods=300, freq="D").strftime("%Y-%m-%d"),
        "flag": flags}))
    s = cs.to_daily(obs, metric="launched")
    assert cs.flag_reasons(s).notna().sum() == 10
    cp = changepoints(s)
    assert cp.empty
    masked = s.mask(cs.flag_reasons(s).notna())
    masked.attrs = {}
    pd.testing.assert_frame_equal(cp, changepoints(masked), check_dtype=False)
    unflagged = s.copy()
    unflagged.attrs = {}
    assert len(changepoints(unflagged)) == 2  # the artefact, when not flagged


def test_a_level_is_segmented_by_its_rate_of_change():
    # an area advancing 2 km2 a day for 200 days, then 10 a day: one change,
    # on day 200, in km2 a day (level_changes gives the daily changes)
    rng = np.random.default_rng(6)
    rate = np.r_[np.full(200, 2.0), np.full(200, 10.0)] + rng.normal(0, 3, 400)
    level = 100_000 + np.cumsum(rate)
    area = cs.to_daily(_area_observations(level, None), metric="occupied_area")
    assert area.attrs["kind"] == "level"
    cp = changepoints(area)
    assert len(cp) == 1 and abs(area.index.get_loc(cp["date"].iloc[0]) - 200) <= 3
    assert_allclose(cp[["mean_before", "mean_after"]].to_numpy()[0], [2.0, 10.0], atol=0.6)
    assert cp.attrs["analysed"] == {"occupied_area": "daily_change"}
    by_hand = changepoints(cs.level_changes(area).iloc[1:], kind="flow")
    pd.testing.assert_frame_equal(cp[by_hand.columns], by_hand)
    # read as values, the same level is a staircase of many "changes"
    assert len(changepoints(area, kind="flow", trend=False)) > 3


def test_a_flagged_level_is_dropped_before_its_change_is_taken():
    # 2 km2 a day, then 10 from day 200; a coarse map adds 3,000 km2 on days
    # 190-209: flagged, the rates are those of the front; unflagged, the
    # +3,000 lands in the segment before and the -3,000 in the one after
    rng = np.random.default_rng(7)
    rate = np.r_[np.full(200, 2.0), np.full(200, 10.0)] + rng.normal(0, 3, 400)
    level = 100_000 + np.cumsum(rate)
    level[190:210] += 3000.0
    flags = np.where((np.arange(400) >= 190) & (np.arange(400) < 210), "coarse_map", None)
    area = cs.to_daily(_area_observations(level, flags), metric="occupied_area")
    cp = changepoints(area)
    # days 190-209 are unknown, so the change is dated on the first known day
    # after them (210) or before, never inside the flagged days
    assert len(cp) == 1 and area.index.get_loc(cp["date"].iloc[0]) in (*range(185, 190), 210)
    assert_allclose(cp[["mean_before", "mean_after"]].to_numpy()[0], [2.0, 10.0], atol=1.0)
    area.attrs.pop("flags")
    raw = changepoints(area)
    # unflagged, some segment holds the +3,000 or the -3,000 without the other:
    # its mean rate is far (hand: over 3,000 / 200 = 15 km2 a day) from 2 and 10
    means = raw[["mean_before", "mean_after"]].to_numpy().ravel()
    assert (np.minimum(np.abs(means - 2.0), np.abs(means - 10.0)) > 10.0).any()


def test_kind_must_be_a_known_kind():
    with pytest.raises(ValueError, match=r"kind must be one of .*got 'stock'"):
        changepoints(daily(np.arange(30.0)), kind="stock")


# --- the public war series -------------------------------------------------


@pytest.fixture(scope="module")
def drones():
    from conftest import shared_file

    from conflictstats.sources import screen_missile_attacks

    path = shared_file("massive_missile_attacks", "missile_attacks_daily.csv")
    obs = screen_missile_attacks(path).observations  # line 1620 set aside
    return cs.to_daily(obs[obs["category"] == "drone"], metric=["launched", "destroyed"],
                       conflict="sum")


@pytest.mark.realdata
@pytest.mark.parametrize("model", ["l2", "poisson"])
def test_the_drone_escalation_changes_near_its_half_year_shifts(drones, model):
    launched = drones["launched"]
    cp = changepoints(launched, model=model)
    ups = cp[cp["change"] > 0]
    # the autumn-2024 campaign (half-year means 20 -> 82) and the mass raids
    # of 2025 (82 -> 151): a rise in each window, each at least 1.3 times
    for lo, hi in (("2024-08-01", "2024-10-31"), ("2025-02-01", "2025-05-31")):
        near = ups[ups["date"].between(lo, hi)]
        assert len(near) >= 1, (model, lo)
        assert (near["mean_after"] > 1.3 * near["mean_before"]).all()
    assert 3 <= len(cp) <= 8  # a few regimes of weeks to years, not every busy night
    assert segment_lengths(launched.dropna(), cp).min() >= 7
    assert cp.attrs["analysed"] == {"launched": "value"}


@pytest.mark.realdata
def test_the_definition_change_of_destroyed_is_found_on_its_day(drones):
    # from 24 July 2025 "destroyed" includes drones suppressed by electronic
    # warfare (read_missile_attacks' EW_DEFINITION_BREAK): the share reported
    # destroyed jumps on that morning
    from conflictstats.sources import EW_DEFINITION_BREAK

    share = (drones["destroyed"] / drones["launched"]).rename("share")
    cp = changepoints(share)
    at = cp[(cp["date"] - pd.Timestamp(EW_DEFINITION_BREAK)).abs() <= pd.Timedelta(days=2)]
    assert len(at) == 1
    assert at["mean_after"].iloc[0] > at["mean_before"].iloc[0] + 0.2


@pytest.mark.realdata
def test_deepstate_area_changes_rate_after_2022_too(shared_data):
    from conflictstats.sources import read_deepstate_area

    obs = read_deepstate_area(shared_data("deepstate_area", "deepstate_occupied_area_daily.csv"))
    area = cs.to_daily(obs[obs["metric"] == "occupied_area"], metric="occupied_area")
    cp = changepoints(area)
    # the Kharkiv counteroffensive: a week of losing over 1,000 km2 a day
    kharkiv = cp[cp["date"].between("2022-09-01", "2022-09-15") & (cp["mean_after"] < -500)]
    assert len(kharkiv) == 1
    later = cp[cp["date"] >= "2023-01-01"]
    assert len(later) >= 2  # the rate of advance of 2024-2025 (the first release: none)
    assert (later["mean_after"] > 5).any()
    assert len(cp) <= 25  # rate regimes over four years, not a staircase of the level


@pytest.mark.realdata
def test_liveuamap_level_is_not_cut_into_steps(shared_data):
    from conflictstats.sources._liveuamap import read_liveuamap_territory

    obs = read_liveuamap_territory(shared_data("liveuamap_territory", "territory.csv"))
    area = cs.to_daily(obs, metric="occupied_area")
    cp = changepoints(area)
    assert 1 <= len(cp) <= 8  # the first release: about 20 steps of the level
    assert cp.attrs["analysed"] == {"occupied_area": "daily_change"}


def test_a_short_series_gets_its_shift_and_no_false_one():
    # 40 days: too short for a month of local noise on both sides of every
    # day; a shift of 10 sd at day 20 is found, 50 white-noise series give at
    # most 3 changes in all (measured: 0.03 per series with 100 series)
    idx = pd.date_range("2024-01-01", periods=40, name="date")
    rng = np.random.default_rng(8)
    x = np.r_[np.zeros(20), np.full(20, 10.0)] + rng.normal(0, 1, 40)
    cp = changepoints(pd.Series(x, index=idx))
    assert positions(daily(x), cp).tolist() == [20]
    false = sum(len(changepoints(pd.Series(rng.normal(0, 1, 40), index=idx)))
                for _ in range(50))
    assert false <= 3

"""Tests of claims.py: verdicts, evidence and alternative window definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import conflictstats as cs


def _days(values, start="2024-01-01", name="x", **attrs):
    s = pd.Series(np.asarray(values, dtype="float64"),
                  index=pd.date_range(start, periods=len(values)), name=name)
    s.attrs = dict(attrs)
    return s


def test_an_all_time_daily_record_is_true_with_its_evidence():
    s = _days([120, 145, 90, 145, 188], start="2024-11-22", unit="drones")
    c = cs.check_claim(s, "largest ever", date="2024-11-26")
    assert c.verdict == "true" and c.holds
    assert_allclose([c.value, c.previous_value, c.margin], [188, 145, 43])
    assert c.previous_date == pd.Timestamp("2024-11-23")  # first date that reached 145
    assert c.rank == 1 and c.n_compared == 4 and pd.isna(c.since)
    assert "188 drones" in c.sentence and "145 drones on 2024-11-23" in c.sentence
    assert str(c) == c.sentence


def test_a_tie_is_false_strictly_and_true_as_a_joint_record_so_the_verdict_depends():
    s = _days([3, 5, 4, 5])
    c = cs.check_claim(s, "record", date="2024-01-04")
    assert c.verdict == "depends" and not c.holds
    assert list(c.alternatives["ties"]) == ["strict", "weak"]
    assert list(c.alternatives["holds"]) == [False, True]
    assert c.rank == 1  # ties share the best rank
    assert c.since == pd.Timestamp("2024-01-02")


def test_a_value_below_the_record_is_false_with_its_rank():
    s = _days([9, 3, 7, 5])
    c = cs.check_claim(s, "record", date="2024-01-04")
    assert c.verdict == "false"
    assert c.rank == 3 and c.previous_value == 9.0
    assert c.since == pd.Timestamp("2024-01-03")


def test_a_weekly_record_can_depend_on_the_week_definition():
    # Mon 2024-01-01 ... ; week 1 total 70; week 2 has a big Sunday
    values = [10] * 7 + [5, 5, 5, 5, 5, 5, 60]
    s = _days(values, kind="flow")
    c = cs.check_claim(s, "weekly record", date="2024-01-14")
    tab = c.alternatives.set_index("definition")
    assert list(c.alternatives["window"]) == ["W-SUN", "7D", "7D"]
    # Monday-Sunday: 6*5 + 60 = 90 > 70; rolling 7 days to Sunday: the same 90;
    # to Saturday the 13th: 10 (Sunday the 7th) + 6*5 = 40, below the 70 of week 1
    assert_allclose(c.alternatives["value"], [90.0, 90.0, 40.0])
    assert list(c.alternatives["holds"]) == [True, True, False]
    assert c.verdict == "depends"
    assert "rolling 7 days ending 2024-01-13" in c.sentence
    assert tab.index[0].startswith("Monday–Sunday weeks ending 2024-01-14")


def test_a_rolling_window_claim_compares_with_the_last_complete_calendar_week():
    s = _days(np.arange(1, 31), kind="flow")
    c = cs.check_claim(s, "record", date="2024-01-24", window="7D")
    alt = c.alternatives
    assert list(alt["window"]) == ["7D", "7D", "W-SUN"]
    # the calendar alternative never looks past the date: the week to Sunday the 21st
    assert alt["date"].iloc[2] == pd.Timestamp("2024-01-21")
    assert c.verdict == "true"


def test_a_record_for_a_year_only_compares_within_that_year():
    s = _days([50, 40, 10, 20, 30], start="2023-12-30")
    c = cs.check_claim(s, "record for 2024", date="2024-01-03")
    assert c.scope == "2024" and c.verdict == "true"
    assert c.n_compared == 2 and c.previous_value == 20.0
    assert c.since == pd.Timestamp("2023-12-31")  # the highest since 40 on 2023-12-31
    with pytest.raises(ValueError, match="names the year 2023 but date is 2024-01-03"):
        cs.check_claim(s, "record for 2023", date="2024-01-03")


def test_highest_since_claims_hold_only_back_to_the_last_higher_value():
    s = _days([10, 80, 20, 30, 40, 50, 60], start="2024-03-30")
    # 60 on 2024-04-05: last higher value was 80 on 2024-03-31
    assert cs.check_claim(s, "highest since 2024-03", date="2024-04-05").verdict == "true"
    ok = cs.check_claim(s, "highest since", since="2024-03-31", date="2024-04-05")
    assert ok.holds and ok.since == pd.Timestamp("2024-03-31")
    too_far = cs.check_claim(s, "highest since 2024-03-30", date="2024-04-05")
    assert too_far.verdict == "false"
    assert too_far.previous_value == 80.0


def test_lowest_since_and_largest_in_n_days():
    s = _days([5, 1, 6, 7, 3, 8, 2])
    low = cs.check_claim(s, "fewest since 2024-01-02", date="2024-01-07")
    assert low.claim == "lowest since" and low.verdict == "true"
    assert low.margin == pytest.approx(1.0)  # 3 on 2024-01-05 minus 2
    big = cs.check_claim(s, "largest in 3 days", date="2024-01-06")
    assert big.verdict == "true" and big.n_compared == 2
    not_big = cs.check_claim(s, "largest in 3 days", date="2024-01-05")
    assert not not_big.holds


def test_levels_are_checked_through_their_change_over_the_window():
    level = _days(np.cumsum([0] + [2] * 13 + [9]), kind="level", unit="km2")
    c = cs.check_claim(level, "weekly record", date="2024-01-15", window="7D")
    # change over the 7 days to the 15th: 6 * 2 + 9 = 21; the week before: 14
    assert_allclose(c.value, 21.0)
    assert_allclose(c.previous_value, 14.0)


def test_missing_values_cannot_make_a_claim_true():
    s = _days([1, 2, np.nan])
    c = cs.check_claim(s, "record", date="2024-01-03")
    assert c.verdict == "false" and np.isnan(c.value)
    assert "missing" in c.sentence


def test_bad_claims_and_parameters_raise_with_the_value_received():
    s = _days([1, 2, 3])
    with pytest.raises(ValueError, match="claim must be .* got 'biggest bang'"):
        cs.check_claim(s, "biggest bang", date="2024-01-03")
    with pytest.raises(ValueError, match="needs since="):
        cs.check_claim(s, "highest since", date="2024-01-03")
    with pytest.raises(ValueError, match=r"since \(2024-01-05\) must be before date"):
        cs.check_claim(s, "highest since", since="2024-01-05", date="2024-01-03")
    with pytest.raises(ValueError, match="needs days="):
        cs.check_claim(s, "largest in", date="2024-01-03")
    with pytest.raises(ValueError, match="date must be a date"):
        cs.check_claim(s, "record", date="yesterday-ish")


def test_the_result_is_frozen_and_has_a_one_row_frame():
    c = cs.check_claim(_days([1, 2]), "record", date="2024-01-02")
    with pytest.raises(AttributeError):
        c.verdict = "false"  # type: ignore[misc]
    row = c.to_frame()
    assert len(row) == 1 and "alternatives" not in row.columns


@pytest.mark.realdata
def test_deepstate_weekly_record_for_2024_holds_for_the_week_to_sunday_not_saturday(
    shared_data,
):
    path = shared_data("deepstate_area", "deepstate_occupied_area_daily.csv")
    area = pd.read_csv(path, parse_dates=["date"]).set_index("date")["occupied_km2"]
    area = area.asfreq("D")
    area.attrs = {"kind": "level", "unit": "km2"}
    c = cs.check_claim(area, "weekly record for 2024", date="2024-11-24")
    # reference with plain pandas: Sunday-to-Sunday changes within 2024
    week = area["2024-11-24"] - area["2024-11-17"]
    assert_allclose(c.value, week)
    assert 230 < c.value < 240  # "almost 235 sq km", Agentstvo via Al Jazeera
    sundays = area[area.index.day_of_week == 6]
    changes = (sundays - sundays.shift(1, freq="7D").reindex(sundays.index))["2024"]
    before = changes[:"2024-11-17"]
    assert_allclose(c.previous_value, before.max())
    assert c.previous_date == before.idxmax()
    assert c.holds
    alt = c.alternatives
    assert list(alt["holds"]) == [True, True, False]  # not for the 7 days to Saturday
    assert_allclose(alt["value"].iloc[2], area["2024-11-23"] - area["2024-11-16"])
    assert c.verdict == "depends"

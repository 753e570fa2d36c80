"""Which periods are comparable (conflictstats._compare), the one rule of records, claims
and the weekly report. Every expected number is a hand calculation shown beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

import conflictstats as cs
from conflictstats import _compare, _periods

WEEK = _periods.parse_freq("W-SUN")


def _days(values, first="2024-01-01"):  # 1 Jan 2024 is a Monday
    s = pd.Series(np.asarray(values, dtype=float),
                  index=pd.date_range(first, periods=len(values)), name="x")
    s.attrs = {"kind": "flow"}
    return s


def test_a_definition_change_inside_a_week_marks_it_but_one_on_its_first_day_does_not():
    labels = pd.Series(["old"] * 10 + ["new"] * 11, index=pd.date_range("2024-01-01",
                                                                        periods=21))
    # the change falls on Thursday 11 Jan: the week 8-14 Jan mixes both definitions
    assert list(_compare.definition_changes(labels, WEEK)) == [pd.Timestamp("2024-01-11")]
    monday = pd.Series(["old"] * 7 + ["new"] * 14, index=labels.index)
    assert len(_compare.definition_changes(monday, WEEK)) == 0  # 8 Jan is a Monday
    mixed = _compare.periods_with_mixed_definitions(
        labels, WEEK, pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]),
        pd.to_datetime(["2024-01-07", "2024-01-14", "2024-01-21"]))
    assert mixed.tolist() == [False, True, False]


def test_corrections_are_the_negative_days_summed_per_period():
    s = _days([5, -3, 5, 5, 5, 5, 5, 5, 5, -10, 5, -2, 5, 5])  # two weeks
    got = _compare.corrections(s, pd.to_datetime(["2024-01-01", "2024-01-08"]),
                               pd.to_datetime(["2024-01-07", "2024-01-14"]))
    assert_allclose(got, [-3.0, -12.0])  # -3; -10 + -2


def test_comparison_flags_name_the_source_s_flags_corrections_and_definition_changes():
    s = _days([5.0] * 21)
    s.iloc[3] = -4.0  # 4 Jan: a correction
    labels = pd.Series(["a"] * 10 + ["b"] * 11, index=s.index)
    flags = _compare.comparison_flags(s, span=WEEK, definitions=labels,
                                      flagged=pd.DatetimeIndex(["2024-01-20"]))
    assert flags == {pd.Timestamp("2024-01-04"): _compare.CORRECTION,
                     pd.Timestamp("2024-01-11"): _compare.DEFINITION,
                     pd.Timestamp("2024-01-20"): "flagged by the source"}


def test_records_on_the_flagged_series_skip_a_week_that_mixes_definitions():
    # weekly totals: 70 (10 a day), 140 (20 a day, definition changes on Thu 11 Jan),
    # 105 (15 a day), 84 (12 a day): 105 is a record above 70, the mixed week left out
    s = _days([10] * 7 + [20] * 7 + [15] * 7 + [12] * 7)
    labels = pd.Series(["old"] * 10 + ["new"] * 18, index=s.index)
    plain = cs.records(s, freq="W-SUN")
    assert plain["value"].tolist() == [70.0, 140.0]  # without the rule: 140 stands
    judged = _compare.for_comparison(s, span=WEEK, definitions=labels)
    rec = cs.records(judged, freq="W-SUN")
    assert rec["value"].tolist() == [70.0, 105.0]
    assert rec["previous_value"].iloc[1] == 70.0


def test_ranked_values_hold_complete_totals_and_the_lower_bounds_of_incomplete_weeks():
    # week 1: 7 x 10 = 70; week 2: 6 reported days of 10 (one missing) = at least 60;
    # week 3: a flagged day: left out; week 4: 7 x 1 = 7
    vals = [10] * 7 + [10] * 3 + [np.nan] + [10] * 3 + [10] * 7 + [1] * 7
    s = _days(vals)
    judged = _compare.for_comparison(s, span=WEEK, flagged=pd.DatetimeIndex(["2024-01-17"]))
    got = _compare.ranked_values(judged, freq="W-SUN", kind="flow")
    assert_allclose(got.to_numpy(), [70.0, 60.0, np.nan, 7.0])
    # a series with a negative day bounds nothing: the incomplete week is NaN
    s.iloc[25] = -1.0
    got = _compare.ranked_values(_compare.for_comparison(s, span=WEEK), freq="W-SUN",
                                 kind="flow")
    assert np.isnan(got.iloc[1]) and np.isnan(got.iloc[3])  # week 4 holds the correction


def test_lower_bounds_and_floor_are_one_rule_for_records_and_claims():
    s = _days([10] * 7 + [10] * 6 + [np.nan])
    frame = s.to_frame()
    table = _periods.totals(frame, WEEK, ["flow"])
    lower = _compare.lower_bounds(frame, table, ["flow"], "exclude", "max")
    assert_allclose(lower[:, 0], [np.nan, 60.0])  # the incomplete week: 6 x 10
    assert _compare.lower_bounds(frame, table, ["level"], "exclude", "max") is None
    assert _compare.lower_bounds(frame, table, ["flow"], "exclude", "min") is None
    total = np.array([70.0, np.nan, 60.0])
    assert_allclose(_compare.floor(total, None, True), [70.0, 0.0, 60.0])
    assert np.isneginf(_compare.floor(total, None, False)).all()

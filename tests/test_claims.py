"""Tests of claims.py: verdicts, evidence and alternative window definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


def test_missing_values_cannot_make_a_claim_true_or_false():
    s = _days([1, 2, np.nan, 0])
    c = cs.check_claim(s, "record", date="2024-01-03")
    assert c.verdict == "undetermined" and c.holds is None and np.isnan(c.value)
    assert c.reason == "the value on 2024-01-03 is missing"
    assert "cannot be decided" in c.sentence and "2024-01-01 to 2024-01-04" in c.sentence


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


# ---------------------------------------------------------------------------
# issue 10: undetermined verdicts, coverage, scope, flags
# ---------------------------------------------------------------------------


def _flagged(values, flags, start="2024-01-01", kind="flow"):
    """A daily series built through to_daily from observations with a flag column."""
    idx = pd.date_range(start, periods=len(values))
    keep = ~np.isnan(np.asarray(values, dtype=float))
    obs = cs.read_observations(pd.DataFrame({
        "metric": "x", "value": np.asarray(values, dtype=float)[keep],
        "unit": "count" if kind == "flow" else "km2", "kind": kind,
        "end": idx[keep], "flag": np.asarray(flags, dtype=object)[keep]}))
    return cs.to_daily(obs, metric="x")


def test_the_audit_example_with_a_missing_day_is_undetermined_not_false():
    # issue 10: this gave 'false' while the sentence said it could not be checked
    s = pd.Series([10.0, 20, np.nan, 15], index=pd.date_range("2024-11-18", periods=4))
    s.attrs = {"kind": "flow"}
    c = cs.check_claim(s, "largest ever", date="2024-11-20")
    assert c.verdict == "undetermined"
    assert list(c.alternatives["status"]) == ["undetermined", "undetermined"]
    assert c.alternatives["holds"].isna().all()


def test_claims_reaching_before_the_data_begin_are_undetermined_with_the_coverage():
    s = _days(np.arange(60.0))  # 2024-01-01 .. 2024-02-29, rising: each day a new high
    for claim in ("highest since 2020", "largest in 1000 days"):
        c = cs.check_claim(s, claim, date="2024-02-29")
        assert c.verdict == "undetermined", claim
        assert "the data begin on 2024-01-01" in c.reason
        assert c.data_start == pd.Timestamp("2024-01-01")
        assert c.data_end == pd.Timestamp("2024-02-29")
    # the same claims within the data are decided
    assert cs.check_claim(s, "largest in 30 days", date="2024-02-29").verdict == "true"
    assert cs.check_claim(s, "highest since 2024-01-15", date="2024-02-29").verdict == "true"
    # "ever" means since the data begin, and the sentence says where they begin
    ever = cs.check_claim(s, "largest ever", date="2024-02-29")
    assert ever.verdict == "true" and "the data run from 2024-01-01" in ever.sentence
    # a claim that fails is false whatever came before the data
    dip = _days([5.0, 9.0, 3.0])
    assert cs.check_claim(dip, "highest since 2020", date="2024-01-03").verdict == "false"


def test_empty_all_missing_and_out_of_range_dates_are_undetermined():
    empty = pd.Series([], index=pd.DatetimeIndex([]), dtype="float64")
    assert cs.check_claim(empty, "record", date="2024-01-02").reason == "the series has no values"
    nan = _days([np.nan, np.nan, np.nan])
    assert cs.check_claim(nan, "record", date="2024-01-02").verdict == "undetermined"
    s = _days([1.0, 2.0, 3.0])
    after = cs.check_claim(s, "record", date="2024-01-09")
    assert after.verdict == "undetermined"
    assert after.reason == "the date 2024-01-09 is outside the data (2024-01-01 to 2024-01-03)"
    before = cs.check_claim(s, "record", date="2023-12-25")
    assert before.verdict == "undetermined"
    # a week that runs past the end of the data
    weekly = _days(np.ones(10), kind="flow")  # Mon 1 Jan .. Wed 10 Jan
    c = cs.check_claim(weekly, "weekly record", date="2024-01-10")
    assert c.verdict == "undetermined" and "reaches outside the data" in c.reason


def test_a_missing_day_in_the_comparison_set_leaves_a_weekly_record_undetermined():
    # Mon 1 .. Sun 21 Jan; Sunday 14 is missing. Week 15-21: 7 x 20 = 140 against the
    # complete week 1-7 (70) and the week 8-14, whose 6 known days sum to 60: with the
    # 14th at 80 or more it would reach 140, so the record cannot be decided (issue 20)
    values = [10.0] * 13 + [np.nan] + [20.0] * 7
    s = _days(values, kind="flow")
    c = cs.check_claim(s, "weekly record", date="2024-01-21")
    assert c.verdict == "undetermined" and c.holds is None
    assert "1 unknown day (2024-01-14)" in c.reason and "could be larger" in c.reason
    # the week 8-14 (6 of 7 days) is compared through its partial sum, at least 60
    assert c.alternatives["n_unknown"].iloc[0] == 1
    assert c.alternatives["n_compared"].iloc[0] == 2
    # the 14th known (any value up to 79) decides it
    filled = s.copy()
    filled["2024-01-14"] = 79.0
    assert cs.check_claim(filled, "weekly record", date="2024-01-21").holds is True
    filled["2024-01-14"] = 80.0  # the week 8-14 then totals 140: no strict record
    assert cs.check_claim(filled, "weekly record", date="2024-01-21").holds is False
    # had the main definition been the incomplete one, the verdict is undetermined
    c2 = cs.check_claim(s, "record", window=7, date="2024-01-20")
    assert c2.verdict == "undetermined" and "incomplete" in c2.reason


def test_an_alternative_that_unknown_days_could_decide_either_way_leaves_the_verdict_open():
    # the fewest in a week: 15-21 Jan (7 x 5 = 35) is below the week 1-7 (70) and the week
    # 8-14, which totals at least 60 whatever its missing Sunday: it holds for Mon-Sun
    # weeks. The rolling 7 days 14-20 total 30 plus the unknown 14th: below 35 or not
    values = [10.0] * 13 + [np.nan] + [5.0] * 7
    s = _days(values, kind="flow")
    c = cs.check_claim(s, "weekly record", date="2024-01-21", direction="min")
    assert c.alternatives["status"].iloc[0] == "holds" and c.holds is True
    assert c.alternatives["n_unknown"].iloc[0] == 1
    assert c.verdict == "undetermined"
    assert "unknown days could change the verdict under rolling 7 days ending" in c.reason
    assert "2024-01-14" in c.reason


def test_a_new_year_week_is_compared_with_the_weeks_of_the_year_claimed():
    # issue 10: the week Mon 30 Dec 2024 - Sun 5 Jan 2025 (70) was judged a trivial first
    # record of 2025 for a claim "for 2024", although a 2024 week (140) was larger
    idx = pd.date_range("2024-01-01", "2025-01-31")
    s = pd.Series(1.0, index=idx, name="x")
    s["2024-06-03":"2024-06-09"] = 20.0
    s["2024-12-30":"2025-01-05"] = 10.0
    s.attrs = {"kind": "flow"}
    c = cs.check_claim(s, "weekly record for 2024", date="2024-12-31")
    assert c.verdict == "false" and c.scope == "2024"
    assert c.previous_value == 140.0 and c.previous_date == pd.Timestamp("2024-06-09")
    assert "straddles the year boundary" in c.sentence and "belongs to 2025" in c.sentence
    # for 2025 it is the first week of the year under the end-date rule, as in records()
    c25 = cs.check_claim(s, "weekly record for 2025", date="2025-01-02")
    assert c25.n_compared == 0 and c25.alternatives["status"].iloc[0] == "holds"
    rec = cs.records(s, freq="W-SUN", scope="year")
    row = rec.loc[rec["date"] == pd.Timestamp("2025-01-05")].iloc[0]
    assert row["scope"] == "2025" and row["n_compared"] == 0
    with pytest.raises(ValueError, match="names the year 2023"):
        cs.check_claim(s, "weekly record for 2023", date="2024-12-31")


def test_a_record_for_a_year_is_undetermined_when_the_data_begin_inside_the_year():
    s = _days([5.0, 6.0, 9.0], start="2024-03-01")
    up = cs.check_claim(s, "record for 2024", date="2024-03-03")
    assert up.verdict == "undetermined"
    assert "reaches back to 2024-01-01 but the data begin on 2024-03-01" in up.reason
    down = cs.check_claim(_days([9.0, 6.0, 5.0], start="2024-03-01"), "record for 2024",
                          date="2024-03-03")
    assert down.verdict == "false"


def test_flagged_days_neither_set_nor_break_a_record_nor_are_the_since():
    # 500 on 5 Jan is an artefact (flagged); 60 on 8 Jan is the real record
    values = [10.0, 50, 20, 30, 500, 40, 20, 60]
    flags = [None, None, None, None, "double count", None, None, None]
    s = _flagged(values, flags)
    c = cs.check_claim(s, "largest ever", date="2024-01-08")
    assert c.verdict == "true" and c.previous_value == 50.0 and c.n_flagged == 1
    assert "1 day flagged as artefacts left out" in c.sentence
    assert "double count on 2024-01-05" in c.sentence
    inc = cs.check_claim(s, "largest ever", date="2024-01-08", flags="include")
    assert inc.verdict == "false" and inc.since == pd.Timestamp("2024-01-05")
    # the flagged day is never the "since"
    c6 = cs.check_claim(s, "record", date="2024-01-06")
    assert c6.since == pd.Timestamp("2024-01-02") and c6.verdict == "false"
    # a claim about the flagged day itself cannot be decided
    bad = cs.check_claim(s, "largest ever", date="2024-01-05")
    assert bad.verdict == "undetermined" and "flagged day (double count" in bad.reason
    used = cs.check_claim(s, "largest ever", date="2024-01-05", flags="include")
    assert used.verdict == "true" and "used as flags='include' asks" in used.sentence
    # a weekly window holding a flagged day is flagged
    wk = cs.check_claim(_flagged([1.0] * 7 + [2.0] * 7, [None] * 3 + ["redraw"] + [None] * 10),
                        "weekly record", date="2024-01-14")
    # ... and with only that window before it, nothing can be compared: undetermined
    assert wk.alternatives["status"].iloc[0] == "undetermined" and wk.n_compared == 0
    assert wk.n_flagged == 1


def test_as_of_uses_only_what_was_known_on_the_day():
    s = _days([5.0, 9.0, 7.0, 12.0])
    c = cs.check_claim(s, "largest ever", date="2024-01-03", as_of="2024-01-03")
    assert c.data_end == pd.Timestamp("2024-01-03") and "as known on 2024-01-03" in c.sentence
    late = cs.check_claim(s, "largest ever", date="2024-01-04", as_of="2024-01-03")
    assert late.verdict == "undetermined"


# one row per hand series: values from Mon 2024-01-01 unless noted, the claim, the
# keyword arguments, the expected verdict and "since" (None for NaT); each worked by hand
_CASES = [
    # ties: 5 equals the 5 of 2 Jan -> false strictly, true as a joint record
    ("tie strict/weak", [3, 5, 4, 5], "record", {"date": "2024-01-04"}, "depends",
     "2024-01-02"),
    ("tie weak asked", [3, 5, 4, 5], "record", {"date": "2024-01-04", "ties": "weak"},
     "depends", "2024-01-02"),
    # gaps: the day claimed is missing
    ("gap on the day", [3, 5, np.nan, 4], "record", {"date": "2024-01-03"}, "undetermined",
     None),
    # a gap in the comparison set could hold a larger value (issue 20)
    ("gap before", [3, np.nan, 4, 6], "record", {"date": "2024-01-04"}, "undetermined", None),
    # ... unless no value of the missing day could change it: 2 is below the 3 of 1 Jan
    ("gap before, fails", [3, np.nan, 4, 2], "record", {"date": "2024-01-04"}, "false",
     "2024-01-03"),
    # edges: last day of the data, first day, beyond
    ("last day", [3, 5, 4, 6], "record", {"date": "2024-01-04"}, "true", None),
    # "ever" on the first day: nothing earlier to compare with (issue 20)
    ("first day", [3, 5, 4, 6], "record", {"date": "2024-01-01"}, "undetermined", None),
    ("past the end", [3, 5, 4, 6], "record", {"date": "2024-01-05"}, "undetermined", None),
    ("lowest since", [5, 1, 6, 7, 3, 8, 2], "fewest since 2024-01-02",
     {"date": "2024-01-07"}, "true", "2024-01-02"),
    ("in N days within", [5, 9, 6, 7, 8], "largest in 3 days", {"date": "2024-01-05"},
     "true", "2024-01-02"),
    # 9 beats 5, but 10 days reach back before the data: could have been beaten earlier
    ("in N days before data", [5, 9, 6, 7, 8], "largest in 10 days", {"date": "2024-01-02"},
     "undetermined", None),
    # 8 is below the 9 of 2 Jan: false whatever came before the data
    ("in N days fails", [5, 9, 6, 7, 8], "largest in 10 days", {"date": "2024-01-05"},
     "false", "2024-01-02"),
]


@pytest.mark.parametrize(("label", "values", "claim", "kw", "verdict", "since"), _CASES,
                         ids=[c[0] for c in _CASES])
def test_verdicts_on_hand_series(label, values, claim, kw, verdict, since):
    c = cs.check_claim(_days(values), claim, **kw)
    assert c.verdict == verdict, c.sentence
    if since is None:
        assert pd.isna(c.since)
    else:
        assert c.since == pd.Timestamp(since)


def test_verdicts_on_hand_weekly_series_with_new_year_and_flags():
    # Mon 2024-12-16 .. Sun 2025-01-12: weeks ending 22 Dec (7), 29 Dec (14), 5 Jan (21),
    # 12 Jan (7); 1 Jan flagged in the last case
    vals = [1.0] * 7 + [2.0] * 7 + [3.0] * 7 + [1.0] * 7
    s = _days(vals, start="2024-12-16", kind="flow")
    s.attrs["kind"] = "flow"
    # the week to 5 Jan (21) beats the 2024 weeks in the data (7, 14), but the data begin
    # on 16 Dec: the weeks of Jan-Nov 2024 are unknown, so "for 2024" cannot be decided
    c = cs.check_claim(s, "weekly record for 2024", date="2024-12-31")
    assert c.verdict == "undetermined" and "data begin on 2024-12-16" in c.reason
    # over all the data it holds under the three definitions (rolling 7 days to Saturday
    # 4 Jan: 2 + 6 x 3 = 20 against at most 1 + 6 x 2 = 13 before)
    assert cs.check_claim(s, "weekly record", date="2025-01-05").verdict == "true"
    flags = [None] * 16 + ["holiday backlog"] + [None] * 11  # 1 Jan 2025
    f = _flagged(vals, flags, start="2024-12-16")
    fc = cs.check_claim(f, "weekly record", date="2025-01-05")
    assert fc.verdict == "undetermined" and "holiday backlog on 2025-01-01" in fc.reason
    nxt = cs.check_claim(f, "weekly record", date="2025-01-12")
    assert nxt.verdict == "false" and nxt.since == pd.Timestamp("2024-12-29")


# ---------------------------------------------------------------------------
# real data (../shared/data), with the flags the readers set
# ---------------------------------------------------------------------------


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
    # not for the 7 days to Saturday; the 7 days to Sunday are compared with rolling
    # windows whose ends include days missing from the file (the first 10 Jan 2024)
    assert list(alt["status"]) == ["holds", "undetermined", "fails"]
    assert "unknown days (2024-01-10" in alt["reason"].iloc[1]
    assert_allclose(alt["value"].iloc[2], area["2024-11-23"] - area["2024-11-16"])
    assert c.verdict == "depends"


def _deepstate_by_hand(path):
    """Daily levels and the flagged days, with plain pandas from the file and DEEPSTATE_FLAGS."""
    from conflictstats.sources import DEEPSTATE_FLAGS

    area = pd.read_csv(path, parse_dates=["date"]).set_index("date")["occupied_km2"]
    area = area.asfreq("D")
    flagged = pd.Series(False, index=area.index)
    for first, last, _ in DEEPSTATE_FLAGS:
        flagged[first:last] = True
    return area, flagged


@pytest.mark.realdata
def test_deepstate_claims_of_24_november_2024_leave_the_crimea_redraw_out(shared_data):
    from conflictstats.sources import read_deepstate_area

    path = shared_data("deepstate_area", "deepstate_occupied_area_daily.csv")
    area = cs.to_daily(read_deepstate_area(path), metric="occupied_area")
    assert cs.flag_reasons(area)["2022-09-18"] == "crimea_redraw"
    lv, flagged = _deepstate_by_hand(path)

    # weekly (Monday-Sunday) changes by hand: L(Sunday) - L(Sunday before), both known;
    # a week holding a flagged day is left out. The weeks at or above 235.0 km2 before
    # 24 Nov 2024: ... 2022-07-03 (349.1), 2022-07-10 (319.0), 2022-09-18 (296.4, the
    # week of the Crimea redraw, flagged). So the last genuine one ended 10 Jul 2022.
    sun = lv[lv.index.day_of_week == 6]
    weekly = sun - lv.reindex(sun.index - pd.Timedelta(days=7)).to_numpy()
    wk_flag = flagged.rolling(7).max().reindex(sun.index).astype(bool)
    value = weekly["2024-11-24"]
    earlier = weekly[:"2024-11-17"]
    genuine = earlier[~wk_flag[:"2024-11-17"]]
    assert genuine[genuine >= value].index[-1] == pd.Timestamp("2022-07-10")
    assert earlier[earlier >= value].index[-1] == pd.Timestamp("2022-09-18")

    c = cs.check_claim(area, "weekly record for 2024", date="2024-11-24")
    assert_allclose(c.value, value)
    assert c.since == pd.Timestamp("2022-07-10")
    assert c.verdict == "depends"  # true for Mon-Sun and the 7 days to Sunday, not to Saturday
    included = cs.check_claim(area, "weekly record for 2024", date="2024-11-24", flags="include")
    assert included.since == pd.Timestamp("2022-09-18")
    rec = cs.records(area, freq="W-SUN", scope="year")
    assert rec.loc[rec["date"] == pd.Timestamp("2024-11-24"), "since"].iloc[0] == pd.Timestamp(
        "2022-07-10")
    # highest_since on the genuine weekly changes (plain series, no flags) agrees
    plain = genuine.reindex(weekly.index)
    plain["2024-11-24"] = value
    assert cs.highest_since(plain)["2024-11-24"] == pd.Timestamp("2022-07-10")

    # 30-day change by hand: L(d) - L(d - 30), both known, no flagged day in d-29 .. d
    d30 = lv - lv.shift(30)
    f30 = flagged.rolling(30, min_periods=1).max().astype(bool)
    v30 = d30["2024-11-24"]
    e30 = d30[:"2024-11-23"][~f30[:"2024-11-23"]].dropna()
    since30 = e30[e30 >= v30].index[-1]
    m30 = cs.check_claim(area, "record", window=30, date="2024-11-24")
    assert_allclose(m30.value, v30)
    assert m30.since == since30 == pd.Timestamp("2022-07-21")
    assert m30.verdict == "false"  # the summer 2022 windows were larger
    assert_allclose(m30.previous_value, e30.max())
    # the fastest 30 days since July 2022 among the known ones, but 85 days of the file
    # are missing and a level there could be anything (issue 20): undetermined
    fastest = cs.check_claim(area, "highest since 2022-07", window=30, date="2024-11-24")
    assert fastest.verdict == "undetermined" and fastest.n_flagged > 0
    assert "85 unknown days (2022-07-05" in fastest.reason
    assert "crimea_redraw on 2022-09-18" in fastest.sentence


@pytest.mark.realdata
def test_the_shahed_record_of_26_november_2024_holds_188_after_145(shared_data):
    from conflictstats.sources import screen_missile_attacks

    path = shared_data("massive_missile_attacks", "missile_attacks_daily.csv")
    # screened: the file's line 1620 (28 Dec 2024) is impossible, which read_* refuses
    obs = screen_missile_attacks(path).observations
    sel = obs[(obs["metric"] == "launched") & (obs["model"] == "Shahed-136/131")
              & (obs["scope"] == "national")]
    drones = cs.to_daily(sel, metric="launched", conflict="sum")
    c = cs.check_claim(drones, "largest ever", date="2024-11-26")
    # by hand from the file: national Shahed rows (the Air Force's posts, source kpszsu,
    # whatever their target) summed by the date of time_end (the morning of an overnight
    # window); the largest before 26 Nov 2024 is 145, first on 10 Nov 2024 (again on
    # 25 Nov); the series starts on 29 Sep 2022 (a kpszsu post on Odesa and Mykolaiv oblasts)
    raw = pd.read_csv(path)
    national = raw["source"].str.lower().str.match(r"(?:https://t\.me/)?kpszsu/")
    raw = raw[(raw["model"] == "Shahed-136/131") & national]
    by_day = raw.groupby(pd.to_datetime(raw["time_end"], format="mixed").dt.normalize())[
        "launched"].sum()
    before = by_day[:"2024-11-25"]
    assert by_day["2024-11-26"] == 188 and before.max() == 145
    assert c.value == 188.0 and c.previous_value == 145.0
    assert c.previous_date == before.idxmax() == pd.Timestamp("2024-11-10")
    assert pd.isna(c.since)  # nothing as high before, within the data
    assert c.data_start == by_day.index.min()
    # issue 20: the file has no row on 480 earlier days (no report is missing, not zero),
    # any of which could have been larger: the record is undetermined from the file alone
    absent = pd.date_range(by_day.index.min(), "2024-11-25").difference(by_day.index)
    assert c.verdict == "undetermined" and c.holds is None
    assert f"{len(absent)} unknown days ({absent[0]:%Y-%m-%d}" in c.reason
    # read as "no row means no drones", it is true
    zero = drones.reindex(pd.date_range(drones.index[0], drones.index[-1])).fillna(0.0)
    assert cs.check_claim(zero, "largest ever", date="2024-11-26").verdict == "true"


def test_a_week_running_past_the_data_is_undetermined_unless_incomplete_weeks_are_included():
    # Mon 1 .. Wed 10 Jan: week 1 = 70; the week of 8-14 Jan has 3 days so far (90)
    s = _days([10.0] * 7 + [30.0] * 3, kind="flow")
    c = cs.check_claim(s, "weekly record", date="2024-01-10")
    assert c.verdict == "undetermined"
    assert c.reason == ("the window 2024-01-08 to 2024-01-14 (Monday–Sunday weeks) reaches "
                        "outside the data (2024-01-01 to 2024-01-10)")
    inc = cs.check_claim(s, "weekly record", date="2024-01-10", incomplete="include")
    assert inc.verdict == "true" and inc.value == 90.0 and "(incomplete window)" in inc.sentence


def test_a_full_week_below_an_incomplete_weeks_partial_total_is_no_record():
    # the audit's case: 1-6 Jan report 600 with 7 Jan missing; a full week of 350 later is
    # no record (the incomplete week had at least 600), and the sentence says "at least"
    idx = pd.date_range("2024-01-01", periods=28)
    v = np.r_[[100.0] * 6, np.nan, [10.0] * 7, [50.0] * 7, [100.0] * 7]
    s = pd.Series(v, index=idx)
    c = cs.check_claim(s, "record", date="2024-01-21", freq="W-SUN", kind="flow")
    assert c.verdict == "false"
    assert_allclose(c.previous_value, 600.0)
    assert "at least 600 on 2024-01-07 (an incomplete window" in c.sentence
    # 700 beats 600, but the missing 7 Jan could be 100 or more: undetermined
    last = cs.check_claim(s, "record", date="2024-01-28", freq="W-SUN", kind="flow")
    assert last.verdict == "undetermined" and "1 unknown day (2024-01-07)" in last.reason


def test_a_record_with_only_flagged_or_incomplete_windows_before_it_is_undetermined():
    # 1-14 Jan flagged (a map redraw), 15-21 Jan the first clean week: nothing to compare
    values = np.r_[[5.0] * 14, [9.0] * 7]
    s = _days(values, kind="flow")
    s.attrs["flags"] = {d: "redraw" for d in pd.date_range("2024-01-01", periods=14)}
    c = cs.check_claim(s, "weekly record", date="2024-01-21")
    main = c.alternatives.iloc[0]
    assert main["status"] == "undetermined"
    assert "no earlier window could be compared (2 flagged)" in main["reason"]


# ---------------------------------------------------------------------------
# issue 20: unknown days are unknown
# ---------------------------------------------------------------------------


def test_an_absent_date_is_a_missing_day_like_nan():
    # issue 20: 1 Dec is absent; it could have been above 2, so no record for December
    s = pd.Series([0.0, 2.0], index=pd.to_datetime(["2024-11-30", "2024-12-02"]))
    c = cs.check_claim(s, "record", date="2024-12-02", scope="month")
    assert c.verdict == "undetermined" and c.holds is None
    assert "1 unknown day (2024-12-01)" in c.reason
    same = pd.Series([0.0, np.nan, 2.0], index=pd.date_range("2024-11-30", periods=3))
    d = cs.check_claim(same, "record", date="2024-12-02", scope="month")
    assert (d.verdict, d.reason) == (c.verdict, c.reason)
    # records() treats the absent date and the NaN alike too
    pd.testing.assert_frame_equal(cs.records(s), cs.records(same), check_freq=False)
    pd.testing.assert_series_equal(cs.highest_since(s), cs.highest_since(same).dropna()
                                   .reindex(s.index), check_freq=False)


def test_largest_ever_on_the_first_day_needs_something_earlier():
    s = _days([120.0, 145.0, 90.0, 188.0], start="2024-11-23")
    first = cs.check_claim(s, "largest ever", date="2024-11-23")
    assert first.verdict == "undetermined"
    assert first.reason == ("nothing earlier to compare it with: the data begin on "
                            "2024-11-23")
    # as "record for 2024" on the same data is
    assert cs.check_claim(s, "record for 2024", date="2024-11-23").verdict == "undetermined"
    # the second day has the first to beat
    assert cs.check_claim(s, "largest ever", date="2024-11-24").verdict == "true"


def test_a_claim_fails_whatever_the_unknown_days_hold_when_a_known_value_beats_it():
    # 9 on 2 Jan beats 6 on 5 Jan; 3-4 Jan absent: false whatever they were
    s = pd.Series([5.0, 9.0, 6.0], index=pd.to_datetime(["2024-01-01", "2024-01-02",
                                                         "2024-01-05"]))
    c = cs.check_claim(s, "largest ever", date="2024-01-05")
    assert c.verdict == "false" and c.previous_value == 9.0
    # the fewest since 1 Jan: the absent days of a flow could be 0, below 6
    low = cs.check_claim(s, "fewest since 2024-01-01", date="2024-01-05")
    assert low.verdict == "undetermined" and "2 unknown days (2024-01-03 to 2024-01-04)" \
        in low.reason


_WEEK_CLAIMS = [
    ("largest ever", {}),
    ("record", {"freq": "W-SUN"}),
    ("record", {"window": 7}),
    ("record", {"scope": "month"}),
    ("largest in 10 days", {}),
    ("highest since 2024-01-05", {"window": 3}),
    ("fewest since 2024-01-03", {}),
    ("record", {"freq": "W-SUN", "direction": "min"}),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_decided_claim_never_changes_when_its_unknown_days_are_filled(data):
    # a flow of 35 days (Mon 1 Jan .. Mon 4 Feb 2024) with some days unknown (NaN or
    # absent from the index); any non-negative values in their place give the same
    # verdict whenever it was "true" or "false"
    n = 35
    values = np.asarray(data.draw(st.lists(st.integers(0, 20), min_size=n, max_size=n)),
                        dtype=float)
    unknown = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    unknown[[0, -1]] = False  # the span of the data stays the same
    idx = pd.date_range("2024-01-01", periods=n)
    s = pd.Series(np.where(unknown, np.nan, values), index=idx, name="x")
    s.attrs = {"kind": "flow"}
    absent = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    given_s = s[~(unknown & absent)]  # some unknown days NaN, others absent
    given_s.attrs = {"kind": "flow"}
    claim, kw = data.draw(st.sampled_from(_WEEK_CLAIMS))
    date = idx[data.draw(st.integers(5, n - 1))]  # after every "since" claimed
    before = cs.check_claim(given_s, claim, date=date, **kw)
    fill = np.asarray(data.draw(st.lists(st.integers(0, 60), min_size=n, max_size=n)),
                      dtype=float)
    filled = pd.Series(np.where(unknown, fill, values), index=idx, name="x")
    filled.attrs = {"kind": "flow"}
    after = cs.check_claim(filled, claim, date=date, **kw)
    if before.verdict in ("true", "false"):
        assert after.verdict == before.verdict, (before.sentence, after.sentence)
    if before.holds is not None:
        assert after.holds == before.holds, (before.sentence, after.sentence)


def test_a_fewest_claim_is_undetermined_when_an_unknown_day_could_be_lower():
    # 2 Jan missing: a flow day is never negative but could be 0, below (or tying) the
    # value claimed; a level (negative values possible) could be anything
    flow = cs.check_claim(_days([5.0, np.nan, 1.0, 0.5], kind="flow"),
                          "fewest since 2023-12-31", date="2024-01-04")
    assert flow.verdict == "undetermined" and "1 unknown day (2024-01-02)" in flow.reason
    zero = _days([5.0, np.nan, 0.0, 2.0], kind="flow")
    assert cs.check_claim(zero, "fewest since 2023-12-31",
                          date="2024-01-03").verdict == "undetermined"  # 0 could tie
    level = _days([5.0, np.nan, -1.0, 2.0], kind="level")
    assert cs.check_claim(level, "lowest since 2023-12-31",
                          date="2024-01-03").verdict == "undetermined"
    # without the gap each is decided
    assert cs.check_claim(_days([5.0, 3.0, 1.0, 0.5], kind="flow"), "fewest since 2023-12-31",
                          date="2024-01-04").verdict == "true"

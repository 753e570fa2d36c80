"""The API contract across functions: one period model, one kind rule, one by= rule.

The same ``freq=`` must give the same periods, totals and completeness in every
function that totals over periods; ``by=`` on a long frame must equal calling
each group alone; a series whose kind is unknown must raise where the answer
depends on it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import conflictstats as cs
from conflictstats import _periods

# ---------------------------------------------------------------------------
# data: a flow with gaps starting on a Wednesday, and its denominator
# ---------------------------------------------------------------------------


@pytest.fixture
def flow() -> pd.Series:
    rng = np.random.default_rng(9)
    idx = pd.date_range("2024-01-03", "2024-04-20", name="date")  # Wed .. Sat
    v = rng.poisson(40, len(idx)).astype(float)
    v[[5, 6, 30, 61, 62, 63]] = np.nan  # missing days, never zeros
    s = pd.Series(v, index=idx, name="launched")
    s.attrs = {"kind": "flow"}
    return s


@pytest.fixture
def long(flow: pd.Series) -> pd.DataFrame:
    """Three groups over different date ranges (and a two-column group key)."""
    parts = []
    for g, (a, b) in {"north": ("2024-01-03", "2024-04-20"), "south": ("2024-01-20", "2024-03-31"),
                      "east": ("2024-02-07", "2024-04-10")}.items():
        part = flow.loc[a:b].to_frame("value")
        part["value"] = part["value"] * (1 + len(g) / 10)
        part["region"] = g
        part["weapon"] = "drone"
        parts.append(part)
    out = pd.concat(parts)
    out.index.name = "date"
    return out


def _group(long: pd.DataFrame, g: str) -> pd.Series:
    s = long.loc[long["region"] == g, "value"]
    s.name = g
    return s


SPANS = [{"freq": "W-SUN"}, {"freq": "W-WED"}, {"freq": "ME"}, {"window": 7}, {"window": "30D"}]


# ---------------------------------------------------------------------------
# parsing: one vocabulary
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("freq, code, label", [
    ("W-SUN", "W-SUN", "Monday–Sunday weeks"), ("W", "W-SUN", "Monday–Sunday weeks"),
    ("w-sat", "W-SAT", "Sunday–Saturday weeks"), ("ME", "ME", "calendar months"),
    ("QE", "QE", "calendar quarters"), ("YE", "YE", "calendar years"),
    (pd.offsets.Week(weekday=2), "W-WED", "Thursday–Wednesday weeks"),
])
def test_calendar_periods_parse_to_one_spelling_and_a_plain_label(freq, code, label):
    span = _periods.parse_freq(freq)
    assert (span.code, span.label, span.rolling) == (code, label, False)


@pytest.mark.parametrize("window, days", [(7, 7), ("7D", 7), ("30 days", 30),
                                          (pd.Timedelta(days=14), 14), (np.int64(3), 3)])
def test_rolling_windows_are_whole_days(window, days):
    span = _periods.parse_window(window)
    assert (span.days, span.code, span.label) == (days, f"{days}D", f"rolling {days} days")


@pytest.mark.parametrize("call, match", [
    (lambda: _periods.parse_freq("7D"), "is a rolling span, not a calendar period: pass window="),
    (lambda: _periods.parse_window("W-SUN"), "is a calendar period, not a rolling span"),
    (lambda: _periods.parse_freq("MS"), "labelled by their last day here; use 'ME'"),
    (lambda: _periods.parse_window("36h"), "whole number of days"),
    (lambda: _periods.parse_window(0), "at least 1 day; got 0"),
    (lambda: _periods.parse_window(True), "got True"),
    (lambda: _periods.parse_span("W-SUN", 7), "not both"),
    (lambda: _periods.parse_freq("fortnight"), "got 'fortnight'"),
])
def test_period_errors_name_the_parameter_the_rule_and_the_value(call, match):
    with pytest.raises(cs.PeriodError, match=match) as info:
        call()
    assert isinstance(info.value, ValueError)


def test_a_period_knows_its_bounds():
    week = _periods.parse_freq("W-SUN")
    assert week.bounds("2024-11-20") == (pd.Timestamp("2024-11-18"), pd.Timestamp("2024-11-24"))
    assert _periods.parse_freq("W-WED").end_of("2024-11-21") == pd.Timestamp("2024-11-27")
    assert _periods.parse_window(7).bounds("2024-11-24")[0] == pd.Timestamp("2024-11-18")


@pytest.mark.parametrize("fn", [
    lambda s: cs.period_totals(s, freq="7D"),
    lambda s: cs.records(s, window="W-SUN", kind="flow"),
    lambda s: cs.rate(s, s, window="ME"),
    lambda s: cs.period_change(s, freq="W-SUN", window=7),
    lambda s: cs.rolling(s, window="W-SUN"),
])
def test_every_function_refuses_a_period_under_the_wrong_name(flow, fn):
    with pytest.raises(cs.PeriodError):
        fn(flow)


# ---------------------------------------------------------------------------
# the same freq gives the same periods, totals and completeness everywhere
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPANS, ids=str)
def test_period_totals_period_change_rate_and_records_agree(flow, spec):
    totals = cs.period_totals(flow, **spec)
    change = cs.period_change(flow, **spec)
    # period_change is period_totals plus the differences
    pd.testing.assert_frame_equal(change[totals.columns], totals)
    # a rate whose denominator is known every day pools exactly the same sums and days
    den = flow.fillna(0.0) + 10.0
    r = cs.rate(flow, den, **spec)
    assert_allclose(r["numerator"].reindex(totals.index).to_numpy(), totals["total"].to_numpy())
    assert_allclose(r["n_reported"].reindex(totals.index).to_numpy(),
                    totals["n_reported"].to_numpy())
    assert (r["complete"].reindex(totals.index) == totals["complete"]).all()
    # records rank the complete totals (default) or all of them (include)
    for incomplete, values in (("exclude", totals["total"].where(totals["complete"])),
                               ("include", totals["total"])):
        rec = cs.records(flow, incomplete=incomplete, **spec)
        assert_allclose(rec.set_index("date")["value"], values.reindex(rec["date"]).to_numpy())
        assert (rec.set_index("date")["complete"]
                == totals["complete"].reindex(rec["date"]).to_numpy()).all()
        # and the records are exactly the running maxima of those values; an incomplete
        # period's partial sum of a non-negative flow is a lower bound that a record must beat
        v = values.to_numpy()
        floor = totals["total"].to_numpy()
        running = np.fmax.accumulate(np.where(np.isnan(floor), -np.inf, floor))
        is_rec = ~np.isnan(v) & (v > np.concatenate([[-np.inf], running[:-1]]))
        assert list(rec["date"]) == list(values.index[is_rec])


@pytest.mark.parametrize("spec", [{"freq": "W-SUN"}, {"freq": "ME"}, {"window": 7}], ids=str)
def test_check_claim_reads_the_same_period_total(flow, spec):
    totals = cs.period_totals(flow, **spec)
    for date in ("2024-02-15", "2024-03-31", "2024-04-12"):
        c = cs.check_claim(flow, "record", date=date, **spec)
        main = c.alternatives.iloc[0]
        row = totals.loc[main["date"]]
        assert main["complete"] == row["complete"]
        if row["complete"]:
            assert_allclose(main["value"], row["total"])
        else:
            assert np.isnan(main["value"])


def test_a_level_reported_on_wednesdays_is_incomplete_in_every_monday_sunday_week():
    # the case: the change over a Monday-Sunday week is not known from Wednesday reports
    idx = pd.date_range("2024-01-03", periods=10, freq="7D")
    lv = pd.Series(100.0 + 10 * np.arange(10), index=idx)
    for fn in (cs.period_totals, cs.period_change):
        out = fn(lv, freq="W-SUN", kind="level")
        assert not out["complete"].any()
    # with weeks ending on Wednesday the changes are exact
    wed = cs.period_totals(lv, freq="W-WED", kind="level")
    assert wed["complete"].iloc[1:].all()
    assert_allclose(wed["total"].iloc[1:], 10.0)


def test_a_level_whose_attrs_were_lost_is_never_summed():
    lv = pd.Series([100.0, 110.0, 125.0, 130.0],
                   index=pd.to_datetime(["2024-11-03", "2024-11-10", "2024-11-17", "2024-11-24"]))
    lv.attrs = {"kind": "level"}
    assert_allclose(cs.period_totals(lv)["total"], [np.nan, 10.0, 15.0, 5.0])
    lost = pd.Series(lv.values, index=lv.index)
    with pytest.raises(cs.KindError, match="kind='level': a stock as of each date"):
        cs.period_totals(lost)


# ---------------------------------------------------------------------------
# one kind rule
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda s: cs.period_totals(s),
    lambda s: cs.period_change(s),
    lambda s: cs.records(s, freq="W-SUN"),
    lambda s: cs.records(s, window=7),
    lambda s: cs.check_claim(s, "weekly record", date="2024-02-04"),
    lambda s: cs.pace(s),
], ids=["period_totals", "period_change", "records_freq", "records_window", "check_claim", "pace"])
def test_a_series_with_no_kind_raises_where_the_kind_matters(flow, fn):
    plain = pd.Series(flow.to_numpy(), index=flow.index)
    with pytest.raises(cs.KindError, match="kind is unknown") as info:
        fn(plain)
    message = str(info.value)
    for kind in ("'flow'", "'level'", "'cumulative'"):
        assert kind in message


def test_where_the_kind_does_not_matter_no_kind_is_needed(flow):
    plain = pd.Series(flow.to_numpy(), index=flow.index)
    assert len(cs.records(plain))  # raw values: no totals, no kind needed
    cs.highest_since(plain)
    cs.rolling(plain, window=7)


def test_explicit_kind_overrides_the_recorded_one_and_a_column_takes_its_frames_kind(flow):
    lv = flow.cumsum()
    lv.attrs = {"kind": "flow"}
    as_level = cs.period_totals(lv, kind="level")
    as_flow = cs.period_totals(lv)
    assert not np.allclose(as_level["total"].dropna(), as_flow["total"].dropna()[1:][:len(
        as_level["total"].dropna())])
    frame = pd.DataFrame({"a": flow, "b": lv})
    frame.attrs = {"kinds": {"a": "flow", "b": "level"}}
    pd.testing.assert_series_equal(cs.period_totals(frame["b"])["total"],
                                   cs.period_totals(lv, kind="level")["total"])


def test_shares_are_refused_by_name(flow):
    with pytest.raises(cs.KindError, match="kind 'share'"):
        cs.period_totals(flow, kind="share")


# ---------------------------------------------------------------------------
# by= on a long frame equals calling each group alone
# ---------------------------------------------------------------------------


def _each_group(long: pd.DataFrame, fn) -> dict[str, object]:
    return {g: fn(_group(long, g)) for g in long["region"].unique()}


@pytest.mark.parametrize("spec", SPANS, ids=str)
@pytest.mark.parametrize("name", ["period_totals", "period_change"])
def test_by_equals_each_group_alone_for_period_tables(long, spec, name):
    fn = getattr(cs, name)
    out = fn(long, by="region", value="value", kind="flow", **spec)
    for g, alone in _each_group(long, lambda s: fn(s, kind="flow", **spec)).items():
        part = out[out["series"] == g].drop(columns="series")
        pd.testing.assert_frame_equal(part, alone, check_names=False)


@pytest.mark.parametrize("spec", [{}, {"freq": "W-SUN"}, {"window": 7}], ids=str)
def test_by_equals_each_group_alone_for_records(long, spec):
    out = cs.records(long, by="region", value="value", kind="flow", scope="year", **spec)
    for g, alone in _each_group(long, lambda s: cs.records(s, kind="flow", scope="year",
                                                           **spec)).items():
        part = out[out["series"] == g].reset_index(drop=True)
        pd.testing.assert_frame_equal(part.drop(columns="series"),
                                      alone.drop(columns="series"))


@pytest.mark.parametrize("name", ["highest_since", "lowest_since"])
def test_by_equals_each_group_alone_for_since(long, name):
    fn = getattr(cs, name)
    out = fn(long, by="region", value="value")
    for g, alone in _each_group(long, fn).items():
        pd.testing.assert_series_equal(out[g].loc[alone.index], alone, check_names=False)


def test_by_equals_each_group_alone_for_rolling(long):
    out = cs.rolling(long, by="region", value="value", window=7, stat="sum", min_periods=3)
    for g, alone in _each_group(long, lambda s: cs.rolling(s, window=7, stat="sum",
                                                           min_periods=3)).items():
        pd.testing.assert_series_equal(out[g].loc[alone.index], alone, check_names=False,
                                       check_freq=False)


@pytest.mark.parametrize("spec", [{}, {"window": 7}, {"freq": "W-SUN"}], ids=str)
def test_by_equals_each_group_alone_for_rate(long, spec):
    den = long.assign(value=long["value"] + 5.0)
    out = cs.rate(long, den, by="region", value="value", **spec)
    for g in long["region"].unique():
        alone = cs.rate(_group(long, g), _group(den, g), **spec)
        if "freq" in spec:
            part = out[out["series"] == g].drop(columns="series")
            pd.testing.assert_frame_equal(part, alone, check_names=False)
        else:
            part = out[g].loc[alone.index]
            pd.testing.assert_frame_equal(part, alone, check_names=False, check_freq=False)


def test_by_equals_each_group_alone_for_pace(long):
    out = cs.pace(long, by="region", value="value", kind="flow").set_index("series")
    for g, alone in _each_group(long, lambda s: cs.pace(s, kind="flow")).items():
        row = out.loc[g]
        assert (row["start"], row["end"], row["days"]) == (alone.start, alone.end, alone.days)
        assert_allclose([row["amount"], row["pace"]], [alone.amount, alone.pace])


def test_by_accepts_several_key_columns(long):
    out = cs.period_totals(long, by=["region", "weapon"], value="value", kind="flow")
    assert set(out["series"]) == {("north", "drone"), ("south", "drone"), ("east", "drone")}
    alone = cs.period_totals(_group(long, "south"), kind="flow")
    part = out[out["series"] == ("south", "drone")]
    assert_allclose(part["total"], alone["total"])


@pytest.mark.parametrize("name", ["mann_kendall", "theil_sen"])
def test_by_equals_each_group_alone_for_trend_tests(long, name):
    fn = getattr(cs, name)
    out = fn(long, by="region", value="value").set_index("series")
    for g, alone in _each_group(long, fn).items():
        assert_allclose(out.loc[g, "slope"], alone.slope)


# ---------------------------------------------------------------------------
# reports spread over several days: a period holding part of one is not complete
# ---------------------------------------------------------------------------


def _flows(rows: list[tuple[str, str, float]]) -> pd.Series:
    obs = cs.read_observations(pd.DataFrame(rows, columns=["start", "end", "value"]).assign(
        metric="launched", unit="count", kind="flow"))
    return cs.to_daily(obs, metric="launched")


def _daily(first: str, last: str, value: float) -> list[tuple[str, str, float]]:
    return [(str(d.date()), str(d.date()), value) for d in pd.date_range(first, last)]


def test_a_weekly_report_spread_over_its_own_week_keeps_the_week_complete():
    # 70 for Monday 1 - Sunday 7 Jan 2024, then one report a day
    s = _flows([("2024-01-01", "2024-01-07", 70.0), *_daily("2024-01-08", "2024-01-14", 5.0)])
    t = cs.period_totals(s, freq="W-SUN")
    assert t["complete"].tolist() == [True, True]
    assert t["partial_report"].tolist() == [False, False]
    assert_allclose(t["total"], [70.0, 35.0])  # the report itself; 7 x 5 by hand
    # rolling 7 days: only the window that is the report's own week holds all of it
    r = cs.period_totals(s, window=7)
    assert r.index[r["complete"].to_numpy()].tolist() == [
        pd.Timestamp("2024-01-07"), pd.Timestamp("2024-01-14")]


def test_a_report_spanning_two_weeks_makes_both_weeks_incomplete():
    # 140 from Thursday 11 to Wednesday 24 Jan (two weeks), daily reports around it
    s = _flows([*_daily("2024-01-01", "2024-01-10", 5.0), ("2024-01-11", "2024-01-24", 140.0),
                *_daily("2024-01-25", "2024-02-04", 5.0)])
    t = cs.period_totals(s, freq="W-SUN")
    assert t["n_reported"].tolist() == [7] * 5  # every day holds a value ...
    assert t["complete"].tolist() == [True, False, False, False, True]  # ... not all measured
    assert t["partial_report"].tolist() == [False, True, True, True, False]
    # the totals still add up: the spread conserves the report (house rule)
    assert_allclose(t["total"].sum(), 10 * 5 + 140 + 11 * 5)
    ch = cs.period_change(s, freq="W-SUN")
    assert ch["change"].isna().all() and ch["pace_pct_change"].iloc[1:5].isna().all()
    # the same rule in every function that totals over periods
    assert cs.records(s, freq="W-SUN")["date"].tolist() == [pd.Timestamp("2024-01-07")]
    pooled = cs.rate(s / 2, s, freq="W-SUN")
    assert pooled["complete"].tolist() == t["complete"].tolist()


@pytest.fixture
def stepped() -> pd.Series:
    """A running total: +10 a day, then no report for 30 days (+600 across the gap), then +10."""
    days = pd.date_range("2024-01-01", "2024-01-31").append(
        pd.date_range("2024-03-01", "2024-03-31"))
    total = np.r_[np.arange(31) * 10.0, 300.0 + 600 + np.arange(31) * 10.0]
    obs = cs.read_observations(pd.DataFrame({
        "metric": "lost", "value": total, "unit": "count", "kind": "cumulative",
        "end": days}))
    return cs.to_daily(obs, metric="lost")


def test_a_cumulative_step_over_a_gap_leaves_the_weeks_inside_it_incomplete(stepped):
    t = cs.period_totals(stepped, freq="W-SUN")
    # the step of 600 is spread over 1-29 Feb and 1 Mar: 20 a day, 140 a week (hand)
    gap = t.loc["2024-02-05":"2024-03-03"]
    assert_allclose(gap["total"].iloc[:-1], [140.0] * 3)
    assert (gap["n_reported"] == 7).all()
    assert not gap["complete"].any() and gap["partial_report"].all()
    before_and_after = t.loc[["2024-01-28", "2024-03-17", "2024-03-24"]]
    assert before_and_after["complete"].all()
    # weekly records: the interpolated weeks (140 > 70) neither set nor break one
    rec = cs.records(stepped, freq="W-SUN")
    inside = (rec["date"] > "2024-01-31") & (rec["date"] <= "2024-03-03")
    assert not inside.any() and rec["complete"].all()
    assert rec["value"].max() == 70.0  # 7 x 10, a measured week
    # nor are they a lower bound to beat (as an incomplete week's partial sum is): the first
    # full week after the gap equals the January weeks, a joint record (70 = 70, by hand)
    weak = cs.records(stepped, freq="W-SUN", ties="weak").set_index("date")
    assert weak.loc["2024-03-10", "previous_date"] == pd.Timestamp("2024-01-28")
    assert weak.loc["2024-03-10", "previous_value"] == 70.0


def test_a_claim_about_a_week_inside_a_gap_is_undetermined(stepped):
    check = cs.check_claim(stepped, "record", date="2024-02-18", freq="W-SUN")
    assert check.verdict == "undetermined"
    assert "incomplete" in check.reason
    after = cs.check_claim(stepped, "record", date="2024-03-24", freq="W-SUN")
    assert after.verdict != "undetermined"


def test_levels_are_not_affected_by_spans():
    area = pd.Series([100.0, 110.0, 125.0], name="area",
                     index=pd.to_datetime(["2024-01-07", "2024-01-14", "2024-01-21"]))
    area.attrs = {"kind": "level", "spans": b""}
    t = cs.period_totals(area, freq="W-SUN")
    assert t["complete"].tolist() == [False, True, True]  # unchanged by the empty record


@pytest.mark.realdata
def test_oryx_all_types_weeks_across_the_long_gap_are_incomplete(shared_data):
    from conflictstats.sources import read_oryx_daily

    obs = read_oryx_daily(shared_data("oryx_scarnecchia", "daily_count.csv"))
    sub = obs.loc[((obs["entity"] == "Russia") & (obs["category"] == "All Types")).to_numpy()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.DataWarning)  # corrections in the running total
        daily = cs.to_daily(sub, metric="total")
    # daily_count.csv has no All Types row for Russia between 9 Jun 2022 and 30 Sep 2024:
    # the step is spread over those 844 days, so every 2023 day holds a value
    t = cs.period_totals(daily, freq="W-SUN").loc["2023-01-01":"2023-12-31"]
    assert len(t) == 53 and (t["n_reported"] == 7).all()  # 2023 has 53 Sundays
    assert not t["complete"].any() and t["partial_report"].all()
    # the week to 27 Oct 2024 holds 4 days of a step spread over 10-24 Oct 2024 (the audit's
    # "highest since 29 May 2022" came from comparing such weeks)
    check = cs.check_claim(daily, "record", date="2024-10-27", freq="W-SUN")
    assert check.verdict == "undetermined"

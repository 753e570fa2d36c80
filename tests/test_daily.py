"""to_daily, daily_trace and level_changes: hand cases and property tests."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import conflictstats as cs
from conflictstats import DataWarning


def obs(rows):
    return cs.read_observations(pd.DataFrame(rows))


def flow(metric, value, start, end, unit="count", **extra):
    return {"metric": metric, "value": value, "unit": unit, "kind": "flow", "start": start,
            "end": end, **extra}


# -- flows and the overnight rule ------------------------------------------------


def test_an_overnight_window_counts_on_its_morning_date_by_default():
    o = obs([flow("drones_launched", 188, "2024-11-25 19:30", "2024-11-26 09:00")])
    s = cs.to_daily(o, metric="drones_launched")
    assert s.index.tolist() == [pd.Timestamp("2024-11-26")]
    assert s.iloc[0] == 188


def test_overnight_start_counts_the_window_on_its_evening_date():
    o = obs([flow("drones_launched", 188, "2024-11-25 19:30", "2024-11-26 09:00")])
    s = cs.to_daily(o, metric="drones_launched", overnight="start")
    assert s.index.tolist() == [pd.Timestamp("2024-11-25")]


def test_a_daytime_window_counts_on_its_own_date():
    o = obs([flow("missiles_launched", 4, "2024-10-10 06:00", "2024-10-10 18:00")])
    assert cs.to_daily(o, metric="missiles_launched").index.tolist() == [
        pd.Timestamp("2024-10-10")]


def test_a_two_night_window_is_spread_over_both_mornings():
    o = obs([flow("drones_launched", 7, "2024-11-25 19:00", "2024-11-27 08:00")])
    s = cs.to_daily(o, metric="drones_launched")
    # whole units: 7 = 2*3 + 1, so each day gets 3 and the first day one more
    assert s.to_dict() == {pd.Timestamp("2024-11-26"): 4.0, pd.Timestamp("2024-11-27"): 3.0}


def test_a_weekly_count_is_apportioned_in_whole_units_that_sum_back():
    o = obs([flow("drones_launched", 100, "2024-11-18", "2024-11-24")])
    s = cs.to_daily(o, metric="drones_launched")
    # 100 = 7*14 + 2: every day gets 14 and the first two days one more
    assert s.tolist() == [15, 15, 14, 14, 14, 14, 14]
    assert s.sum() == 100


def test_a_weekly_area_is_spread_evenly_and_sums_back_exactly():
    o = obs([flow("area_captured", 235.0, "2024-11-18", "2024-11-24", unit="km2")])
    s = cs.to_daily(o, metric="area_captured")
    assert_allclose(s.to_numpy(), 235 / 7, rtol=1e-15)
    assert s.sum() == 235.0
    assert sum(s.to_numpy()[::-1]) == 235.0


def test_days_no_report_covers_are_missing_not_zero():
    o = obs([flow("drones_launched", 10, "2024-11-01", "2024-11-01"),
             flow("drones_launched", 0, "2024-11-04", "2024-11-04")])
    s = cs.to_daily(o, metric="drones_launched")
    assert len(s) == 4 and s.index.freq == "D"
    assert s.isna().tolist() == [False, True, True, False]
    assert s.iloc[-1] == 0  # a reported zero stays a zero


def test_several_metrics_give_one_column_each_with_kinds_and_units_recorded():
    o = obs([flow("drones_launched", 188, "2024-11-25 19:30", "2024-11-26 09:00"),
             flow("area_captured", 70.0, "2024-11-24", "2024-11-26", unit="km2")])
    d = cs.to_daily(o)
    assert list(d.columns) == ["area_captured", "drones_launched"]
    assert d.attrs["units"] == {"drones_launched": "count", "area_captured": "km2"}
    assert d.attrs["kinds"]["area_captured"] == "flow"


def test_by_keeps_groups_apart_in_multiindex_columns():
    o = obs([flow("launched", 5, "2024-11-01", "2024-11-01", model="Shahed"),
             flow("launched", 2, "2024-11-01", "2024-11-01", model="Iskander-M"),
             flow("destroyed", 3, "2024-11-01", "2024-11-01", model="Shahed")])
    d = cs.to_daily(o, by="model")
    assert d.columns.names == ["metric", "model"]
    assert d[("launched", "Shahed")].iloc[0] == 5
    one = cs.to_daily(o, metric="launched", by="model")
    assert list(one.columns) == ["Iskander-M", "Shahed"]
    assert one.attrs["kind"] == "flow"


# -- conflicts ------------------------------------------------------------------


def test_overlapping_reports_raise_by_default_naming_the_rows():
    o = obs([flow("drones_launched", 188, "2024-11-25 19:30", "2024-11-26 09:00"),
             flow("drones_launched", 190, "2024-11-26", "2024-11-26")])
    with pytest.raises(ValueError, match=r"2 reports cover 2024-11-26 \(rows 0, 1\).*conflict="):
        cs.to_daily(o)


@pytest.mark.parametrize(("policy", "expected", "status"), [
    ("sum", [2.0, 9.0, 4.0], ["merged", "merged", "merged"]),
    ("mean", [2.0, 4.5, 2.0], ["merged", "merged", "merged"]),
    # whole rows win or are set aside; by hand: 5 over three days is 2, 2, 1
    ("first", [2.0, 2.0, 1.0], ["used", "set_aside", "set_aside"]),
    ("last", [np.nan, 7.0, 3.0], ["set_aside", "used", "used"]),
    ("max", [np.nan, 7.0, 3.0], ["set_aside", "used", "used"]),
])
def test_conflict_policies_resolve_overlaps_and_say_what_happened(policy, expected, status):
    o = obs([flow("x", 5, "2024-01-01", "2024-01-03"), flow("x", 7, "2024-01-02", "2024-01-02"),
             flow("x", 3, "2024-01-03", "2024-01-03")])
    tr = cs.daily_trace(o, conflict=policy)
    assert_allclose(tr.daily["x"].to_numpy(), expected)
    assert tr.rows["status"].tolist() == status
    assert (tr.rows.loc[tr.rows["status"] == "set_aside", "reason"] != "").all()


def test_levels_cannot_be_summed_on_a_day():
    o = obs([{"metric": "occupied_area", "value": v, "unit": "km2", "kind": "level",
              "end": "2024-11-24"} for v in (111352.0, 111669.0)])
    with pytest.raises(ValueError, match="cannot be combined with conflict='sum'"):
        cs.to_daily(o, conflict="sum")
    one = {"metric": "occupied_area"}
    assert cs.to_daily(o, conflict="mean", **one).iloc[0] == pytest.approx(111510.5)
    assert cs.to_daily(o, conflict="max", **one).iloc[0] == 111669.0


# -- levels, cumulative ------------------------------------------------------------


def test_levels_are_known_where_reported_and_missing_elsewhere():
    o = obs([{"metric": "occupied_area", "value": v, "unit": "km2", "kind": "level",
              "end": d} for v, d in ((100.0, "2024-11-01"), (130.0, "2024-11-04"))])
    s = cs.to_daily(o, metric="occupied_area")
    assert s.attrs["kind"] == "level"
    assert s.isna().tolist() == [False, True, True, False]
    assert_allclose(cs.level_changes(s).to_numpy(), [np.nan, 10, 10, 10])
    end = cs.level_changes(s, spread="end")
    assert_allclose(end.to_numpy(), [np.nan, np.nan, np.nan, 30.0])


def test_cumulative_totals_are_differenced_and_gaps_spread():
    rows = [{"metric": "tanks", "value": v, "unit": "count", "kind": "cumulative", "end": d}
            for v, d in ((100, "2024-01-01"), (103, "2024-01-02"), (110, "2024-01-05"))]
    s = cs.to_daily(obs(rows), metric="tanks")
    # 100 -> 103 in one day; 103 -> 110 over three days: 7 = 3*2 + 1 -> 3, 2, 2
    assert_allclose(s.to_numpy(), [np.nan, 3, 3, 2, 2])


def test_a_cumulative_step_down_is_a_correction_kept_and_reported():
    rows = [{"metric": "tanks", "value": v, "unit": "count", "kind": "cumulative", "end": d}
            for v, d in ((110, "2024-01-05"), (108, "2024-01-06"), (120, "2024-01-07"))]
    with pytest.warns(DataWarning, match=r"1 correction.*'tanks' on 2024-01-06, 110 -> 108"):
        s = cs.to_daily(obs(rows), metric="tanks")
    assert s.loc["2024-01-06"] == -2
    with pytest.warns(DataWarning):
        tr = cs.daily_trace(obs(rows), metric="tanks")
    c = tr.corrections.iloc[0]
    assert (c["previous_value"], c["value"], c["change"], c["row"]) == (110, 108, -2, 1)


def test_every_row_is_accounted_for_in_the_trace():
    o = obs([flow("x", 5, "2024-01-01", "2024-01-03"), flow("x", 7, "2024-01-02", "2024-01-02"),
             flow("y", 3, "2024-01-03", "2024-01-03")])
    tr = cs.daily_trace(o, conflict="first")
    assert tr.rows.index.equals(o.index)
    assert set(tr.rows["status"]) <= {"used", "merged", "set_aside"}
    kept = tr.rows.index[tr.rows["status"] != "set_aside"]
    per_row = tr.contributions.groupby("row")["amount"].sum()
    assert_allclose(per_row.loc[kept].to_numpy(), o.loc[kept, "value"].to_numpy())
    assert tr.to_frame().iloc[0].to_dict() == {"n_rows": 3, "n_used": 2, "n_merged": 0,
                                               "n_set_aside": 1, "n_corrections": 0}


def test_bad_parameters_and_unknown_metrics_are_named():
    o = obs([flow("x", 5, "2024-01-01", "2024-01-03")])
    with pytest.raises(ValueError, match="conflict must be one of .*got 'newest'"):
        cs.to_daily(o, conflict="newest")
    with pytest.raises(KeyError, match="metric 'z' not found.*metrics are: x"):
        cs.to_daily(o, metric="z")
    with pytest.raises(KeyError, match="by= column 'region' not found"):
        cs.to_daily(o, by="region")


def test_a_metric_mixing_units_is_refused_with_a_hint():
    o = obs([flow("aid", 5.0, "2024-01-01", "2024-01-31", unit="EUR"),
             flow("aid", 5.0, "2024-02-01", "2024-02-29", unit="NOK")])
    with pytest.raises(ValueError, match="mixes units EUR, NOK.*convert_currency"):
        cs.to_daily(o)


def test_unvalidated_frames_are_validated_first():
    raw = pd.DataFrame([flow("x", -5, "2024-01-01", "2024-01-03")])
    with pytest.raises(cs.ObservationError, match="a count cannot be negative"):
        cs.to_daily(raw)


def test_the_seed_article_becomes_daily_series():
    from conflictstats.datasets import load_seed_article

    seed = load_seed_article()
    nights = cs.to_daily(seed, metric=["drones_launched", "drones_shot_down",
                                       "drones_lost_track"])
    assert nights.loc["2024-11-26"].tolist() == [188, 76, 96]


# -- properties --------------------------------------------------------------------

flows = st.lists(
    st.tuples(
        st.integers(0, 60),                       # start day offset
        st.integers(1, 31),                       # length in days
        st.one_of(st.integers(0, 10**9).map(float),
                  st.floats(-1e6, 1e9, allow_nan=False, allow_subnormal=False)),
        st.sampled_from(["a", "b", "c"]),         # group
    ),
    min_size=1, max_size=25,
)


def _flow_frame(items):
    day0 = pd.Timestamp("2024-01-01")
    return cs.read_observations(pd.DataFrame([
        # counts are whole (read_observations refuses 1.5 drones); areas may be fractional
        {"metric": "m", "value": float(np.round(abs(v))) if i % 2 == 0 else v,
         "unit": "count" if i % 2 == 0 else
         "km2", "kind": "flow", "start": day0 + pd.Timedelta(days=s),
         "end": day0 + pd.Timedelta(days=s + n - 1), "region": g}
        for i, (s, n, v, g) in enumerate(items)
    ]).assign(metric=lambda d: np.where(d["unit"] == "count", "m_count", "m_area")))


@settings(max_examples=60, deadline=None)
@given(flows)
def test_spreading_conserves_every_reported_total_exactly(items):
    o = _flow_frame(items)
    tr = cs.daily_trace(o, conflict="sum")
    per_row = tr.contributions.groupby("row")["amount"].apply(lambda a: sum(a.tolist()))
    assert (per_row.reindex(o.index).to_numpy() == o["value"].to_numpy()).all()


@settings(max_examples=40, deadline=None)
@given(flows, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(items, rnd):
    o = _flow_frame(items)
    order = list(o.index)
    rnd.shuffle(order)
    a = cs.to_daily(o, by="region", conflict="sum")
    b = cs.to_daily(o.loc[order], by="region", conflict="sum")
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(flows)
def test_the_daily_index_is_sorted_unique_and_daily(items):
    d = cs.to_daily(_flow_frame(items), by="region", conflict="sum")
    assert d.index.is_monotonic_increasing and d.index.is_unique
    assert (np.diff(d.index.to_numpy()) == np.timedelta64(1, "D")).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 90), st.floats(0, 2e5, allow_nan=False)),
                min_size=1, max_size=20, unique_by=lambda t: t[0]))
def test_levels_are_never_turned_into_zeros(items):
    day0 = pd.Timestamp("2024-01-01")
    o = cs.read_observations(pd.DataFrame([
        {"metric": "occupied_area", "value": v, "unit": "km2", "kind": "level",
         "end": day0 + pd.Timedelta(days=d)} for d, v in items]))
    s = cs.to_daily(o, metric="occupied_area")
    reported = {day0 + pd.Timedelta(days=d): v for d, v in items}
    known = s.dropna()
    assert set(known.index) == set(reported)
    assert all(known[k] == v for k, v in reported.items())
    assert s.isna().sum() == len(s) - len(reported)


def test_to_daily_keeps_flags_in_attrs_and_flag_reasons_aligns_them():
    obs = cs.read_observations(pd.DataFrame({
        "metric": ["area", "area", "area", "drones", "drones"],
        "value": [100.0, 840.0, 841.0, 14, 20], "unit": ["km2"] * 3 + ["count"] * 2,
        "kind": ["level"] * 3 + ["flow"] * 2,
        "start": ["2022-09-17", "2022-09-18", "2022-09-19", "2022-09-17", "2022-09-18"],
        "end": ["2022-09-17", "2022-09-18", "2022-09-19", "2022-09-17", "2022-09-19"],
        "flag": [None, "crimea_redraw", "", None, "double count"]}))
    area = cs.to_daily(obs, metric="area")
    assert area.attrs["flags"] == {pd.Timestamp("2022-09-18"): "crimea_redraw"}
    # plain dicts: pandas compares attrs when it concatenates
    assert len(pd.concat([area, area.rename("y")], axis=1).columns) == 2
    assert cs.flag_reasons(area).notna().tolist() == [False, True, False]
    # a flagged flow flags every day it is spread over; a frame keeps a dict per column
    both = cs.to_daily(obs)
    reasons = cs.flag_reasons(both)
    assert list(reasons.columns) == list(both.columns)
    assert reasons["drones"].notna().tolist() == [False, True, True]
    assert reasons["area"].notna().tolist() == [False, True, False]
    # a column taken from the frame finds its own flags by name
    assert cs.flag_reasons(both["drones"]).notna().sum() == 2
    # level_changes keeps them; no flag column means nothing flagged
    assert cs.flag_reasons(cs.level_changes(area)).notna().sum() == 1
    plain = cs.to_daily(obs.drop(columns="flag"), metric="area")
    assert "flags" not in plain.attrs and cs.flag_reasons(plain).isna().all()



def test_to_daily_records_the_reports_it_spreads_over_several_days():
    from conflictstats._kinds import recorded_spans

    obs = cs.read_observations(pd.DataFrame({
        "metric": ["drones"] * 3 + ["lost"] * 3, "value": [70.0, 5, 28, 10, 12, 40],
        "unit": "count", "kind": ["flow"] * 3 + ["cumulative"] * 3,
        "start": ["2024-01-01", "2024-01-08", "2024-01-09", "2024-01-01", "2024-01-02",
                  "2024-01-06"],
        "end": ["2024-01-07", "2024-01-08", "2024-01-12", "2024-01-01", "2024-01-02",
                "2024-01-06"]}))
    day = lambda d: int(np.datetime64(d, "D").astype(np.int64))  # noqa: E731
    drones = cs.to_daily(obs, metric="drones")
    # the week and the four days; the one-day report is not spread
    assert recorded_spans(drones)[0].tolist() == [[day("2024-01-01"), day("2024-01-07")],
                                                  [day("2024-01-09"), day("2024-01-12")]]
    # a cumulative step across a gap (3-6 Jan) is spread over the days after the earlier report
    lost = cs.to_daily(obs, metric="lost")
    assert recorded_spans(lost)[0].tolist() == [[day("2024-01-03"), day("2024-01-06")]]
    # a frame keeps them per column; a column taken from it finds its own by name
    both = cs.to_daily(obs)
    assert set(both.attrs["spans"]) == {"drones", "lost"}
    assert recorded_spans(both["lost"])[0].tolist() == recorded_spans(lost)[0].tolist()
    # bytes compare with == and are copied for free: pandas keeps them through
    # arithmetic, slicing and concatenation
    again = pd.concat([drones.loc[:"2024-01-06"], drones.loc["2024-01-07":]])
    assert again.attrs["spans"] == drones.attrs["spans"] == (drones * 2).attrs["spans"]
    assert len(pd.concat([both, both.add_suffix("_b")], axis=1).columns) == 4
    # nothing spread: an empty record, not a missing one
    one_day = cs.to_daily(obs.iloc[[1]], metric="drones")
    assert one_day.attrs["spans"] == b"" and len(recorded_spans(one_day)[0]) == 0


# -- the accumulation on many series ---------------------------------------------


def _per_day_reference(o, policy):
    """Hand-built reference: one row per (report, day), then group by day and series.

    Counts are apportioned as in the docstring (q = v // n on every day, one more on
    the first r = v - qn days); "sum" adds the reports of a day, "mean" averages them.
    """
    rows = []
    for _, r in o.iterrows():
        days = pd.date_range(r["start"], r["end"], freq="D")
        q, rem = divmod(int(r["value"]), len(days))
        rows += [(d, r["region"], q + (k < rem)) for k, d in enumerate(days)]
    long = pd.DataFrame(rows, columns=["date", "region", "amount"])
    agg = long.groupby(["date", "region"])["amount"].agg("sum" if policy == "sum" else "mean")
    return agg.unstack("region").asfreq("D")


@pytest.mark.parametrize("policy", ["sum", "mean"])
def test_many_series_with_gaps_and_overlaps_equal_a_per_day_expansion(policy):
    rng = np.random.default_rng(14)
    n = 400
    day0 = np.datetime64("2020-01-01")
    first = day0 + rng.integers(0, 600, n).astype("timedelta64[D]")
    o = cs.read_observations(pd.DataFrame({
        "metric": "m", "value": rng.integers(0, 100, n).astype(float), "unit": "count",
        "kind": "flow", "start": first, "end": first + rng.integers(0, 20, n).astype(
            "timedelta64[D]"), "region": rng.choice(list("abcdefgh"), n)}))
    ours = cs.to_daily(o, metric="m", by="region", conflict=policy)
    ref = _per_day_reference(o, policy).reindex(index=ours.index, columns=ours.columns)
    assert_allclose(ours.to_numpy(), ref.to_numpy().astype(float), rtol=1e-12)


def test_tiled_series_are_filled_without_gaps_and_keep_every_total():
    # each series cut into consecutive periods: every day covered exactly once
    rng = np.random.default_rng(9)
    parts = []
    for k, g in enumerate("abc"):
        lengths = rng.integers(1, 40, 30)
        stops = np.cumsum(lengths) + k * 5
        first = np.datetime64("2001-01-01") + (stops - lengths).astype("timedelta64[D]")
        parts.append(pd.DataFrame({
            "metric": "m", "value": rng.integers(0, 1000, 30).astype(float), "unit": "count",
            "kind": "flow", "start": first,
            "end": first + (lengths - 1).astype("timedelta64[D]"), "region": g}))
    o = cs.read_observations(pd.concat(parts, ignore_index=True))
    d = cs.to_daily(o, metric="m", by="region")
    for g, part in zip("abc", parts, strict=True):
        col = d[g]
        inside = (col.index >= part["start"].min()) & (col.index <= part["end"].max())
        assert col[inside].notna().all() and col[~inside].isna().all()
        assert col.sum() == part["value"].sum()  # whole counts: exact
    ref = _per_day_reference(o, "sum").reindex(index=d.index, columns=d.columns)
    assert_allclose(d.to_numpy(), ref.to_numpy().astype(float))


@pytest.mark.parametrize("make", [
    lambda rng, n: rng.choice(["b", "a", None, "c"], n),
    lambda rng, n: rng.choice([3.0, 1.0, np.nan], n),
    lambda rng, n: rng.integers(0, 5, n),
    lambda rng, n: pd.Categorical(rng.choice(["x", "w", "y"], n), categories=["y", "x", "w"]),
    lambda rng, n: rng.choice(np.array(["b", 1, None], dtype=object), n),
])
def test_series_are_numbered_and_labelled_as_pandas_groupby_numbers_them(make):
    # the reference is pandas itself: groupby(sort=True, dropna=False).ngroup() and its labels
    daily = importlib.import_module("conflictstats.daily")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"metric": rng.choice(["m2", "m1"], 300), "g": make(rng, 300)})
    grouped = frame.groupby(["metric", "g"], sort=True, dropna=False, observed=True)
    code, labels = daily._series_codes(frame, ["metric", "g"])
    np.testing.assert_array_equal(code, grouped.ngroup().to_numpy())
    assert repr(labels) == repr(grouped.size().index.tolist())


def test_level_changes_spread_over_a_gap_are_not_complete_periods():
    # levels on Sun 7, Sun 14 and Sun 21 Jan, then every day to Sun 28 Jan
    idx = pd.to_datetime(["2024-01-07", "2024-01-14", "2024-01-21"]).append(
        pd.date_range("2024-01-22", "2024-01-28"))
    area = pd.Series(np.r_[100.0, 114.0, 121.0, 122.0 + np.arange(7)], index=idx, name="a")
    changes = cs.level_changes(area)
    t = cs.period_totals(changes, freq="W-SUN")
    # each gap is one Monday-Sunday week: the weekly changes are exact (hand: 14, 7, 7)
    assert_allclose(t["total"].iloc[1:], [14.0, 7.0, 7.0])
    assert t["complete"].tolist() == [False, True, True, True]
    # a gap across a week's edge makes the weeks it touches incomplete
    shifted = cs.level_changes(area.drop(pd.Timestamp("2024-01-14")))
    assert cs.period_totals(shifted, freq="W-SUN")["complete"].tolist() == [
        False, False, False, True]
    assert cs.level_changes(area, spread="end").attrs.get("spans") is None

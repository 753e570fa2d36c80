"""Tests of conflictstats.sources: the readers of the public datasets.

Facts checked against the files in ../shared/data come from each folder's
SOURCE.md or from the raw file read here with plain pandas (never from our code).
"""

from __future__ import annotations

import io
import json
import re
import urllib.error
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import conflictstats as cs
from conflictstats.errors import InputError
from conflictstats.observations import OBSERVATION_COLUMNS
from conflictstats.sources import (
    DATASETS,
    EW_DEFINITION_BREAK,
    LOST_TRACK_BREAK,
    MISSILE_COLUMNS,
    MISSILE_METRICS,
    SourceLayoutError,
    _fetch,
    fetch_dataset,
    find_definition_break,
    find_lost_track_break,
    missile_waves,
    read_deepstate_area,
    read_general_staff_losses,
    read_kiel_snapshot,
    read_kiel_tracker,
    read_liveuamap_territory,
    read_missile_attacks,
    read_missile_catalogue,
    read_nzz_area,
    read_oryx_daily,
    read_oryx_events,
    read_oryx_totals,
    screen_deepstate_area,
    screen_general_staff_losses,
    screen_kiel_snapshot,
    screen_kiel_tracker,
    screen_missile_attacks,
    screen_oryx_daily,
    screen_oryx_events,
)
from conflictstats.sources._missile import CATALOGUE_COLUMNS

pytestmark = pytest.mark.realdata


def _is_observation_table(obs: pd.DataFrame) -> None:
    assert list(obs.columns[: len(OBSERVATION_COLUMNS)]) == list(OBSERVATION_COLUMNS)
    again = cs.read_observations(obs)  # validates; must not raise
    assert again["value"].dtype == np.float64
    assert pd.api.types.is_datetime64_any_dtype(obs["end"])


# --------------------------------------------------------------------------- missiles


@pytest.fixture(scope="module")
def missile_path():
    from conftest import shared_file

    return shared_file("massive_missile_attacks", "missile_attacks_daily.csv")


@pytest.fixture(scope="module")
def missile_table(missile_path):
    return screen_missile_attacks(missile_path)


@pytest.fixture(scope="module")
def missile_raw(missile_path):
    return pd.read_csv(missile_path)


def _national_raw(raw: pd.DataFrame) -> pd.Series:
    """The national Air Force command's rows of the raw file, by SOURCE.md's rule."""
    return raw["source"].str.lower().str.match(r"(?:https://t\.me/)?kpszsu/")


def test_missile_reader_returns_the_observation_table(missile_table):
    _is_observation_table(missile_table.observations)


def test_every_missile_row_is_observed_or_set_aside_per_metric(missile_table, missile_raw):
    # SOURCE.md: 3,585 rows; six metrics per row
    assert len(missile_raw) == 3585
    t = missile_table
    assert len(t.observations) + len(t.set_aside) == 3585 * len(MISSILE_METRICS)
    cells = pd.concat([
        t.observations[["row", "metric"]],
        t.set_aside.reset_index()[["row", "metric"]],
    ])
    assert not cells.duplicated().any()
    assert set(cells["row"]) == set(range(3585))


def test_missing_launched_and_destroyed_are_set_aside_not_zero(missile_table):
    # SOURCE.md: NaNs: launched 3, destroyed 6 (the row refused as impossible, line 1620,
    # is set aside too, with refused=True: see test_plausibility.py)
    aside = missile_table.set_aside
    counts = aside.loc[aside["refused"].isna(), "column"].value_counts()
    assert counts["launched"] == 3
    assert counts["destroyed"] == 6


def test_missile_date_range_matches_source_notes(missile_table):
    obs = missile_table.observations
    assert obs["start"].min() == pd.Timestamp("2022-09-28")
    assert obs["end"].max() == pd.Timestamp("2026-04-05 08:00")


def test_overnight_windows_keep_their_clock_times(missile_table):
    # SOURCE.md: 903 rows end on a later date than they start; one of them (line 1620,
    # 27 -> 28 Dec 2024) is set aside as impossible (its parts exceed launched)
    obs = missile_table.observations
    rows = obs.drop_duplicates("row")
    assert int((rows["end"].dt.normalize() > rows["start"].dt.normalize()).sum()) == 902


def test_known_wave_of_25_november_2024(missile_table):
    # the file's line for 2024-11-25 19:30 -> 2024-11-26 09:00, Shahed-136/131:
    # launched 188, destroyed 76, not_reach_goal 95, border_crossing {'belarus': 5.0}
    obs = missile_table.observations
    sel = obs[(obs["start"] == "2024-11-25 19:30") & (obs["model"] == "Shahed-136/131")]
    got = sel.set_index("metric")["value"]
    assert got["launched"] == 188
    assert got["destroyed"] == 76
    assert got["not_reach_goal"] == 95
    assert got["border_crossing"] == 5
    assert got["unaccounted"] == 188 - 76 - 95 - 5  # 12, by hand
    assert set(sel["crossed_into"]) == {"belarus:5"}
    assert set(sel["scope"]) == {"national"}
    assert set(sel["category"]) == {"drone"}
    assert set(sel["definition"]) == {"destroyed_excludes_ew"}


def test_wave_totals_equal_the_sum_of_their_rows(missile_table, missile_raw):
    obs = missile_table.observations
    launched = obs[obs["metric"] == "launched"]
    ours = launched.groupby(["start", "end"])["value"].sum()
    raw = missile_raw.assign(
        start=pd.to_datetime(missile_raw["time_start"], format="mixed"),
        end=pd.to_datetime(missile_raw["time_end"], format="mixed"),
    ).groupby(["start", "end"])["launched"].sum(min_count=1).dropna()
    raw = raw[raw.index.isin(ours.index)]
    assert len(raw) == len(ours)
    assert_allclose(ours.loc[raw.index].to_numpy(), raw.to_numpy())


def test_daily_national_totals_count_waves_on_the_morning_date(missile_table, missile_raw):
    obs = missile_table.observations
    national = obs[(obs["scope"] == "national") & (obs["metric"] == "launched")]
    daily = cs.to_daily(national, metric="launched", conflict="sum")
    # conservation: every launched figure lands on exactly one day
    assert_allclose(daily.sum(), national["value"].sum())
    # by hand from the raw file: the national command's rows ending on 2024-11-26
    r = missile_raw[_national_raw(missile_raw)
                    & missile_raw["time_end"].str.startswith("2024-11-26")]
    assert_allclose(daily.loc["2024-11-26"], r["launched"].sum())


def test_national_series_are_the_air_force_posts_whatever_their_target(missile_table,
                                                                        missile_raw):
    # issue 18: the week 18-24 Nov 2024 holds national posts on Dnipro, Odesa oblast ...
    # By hand from the raw file with plain pandas: the kpszsu rows by the catalogue's
    # category, counted on the morning (time_end) date: drones 408 launched / 230
    # destroyed, cruise missiles 13 / 8, ballistic missiles 5 / 1, surface-to-air 1 / 0
    from conftest import shared_file

    cat = pd.read_csv(shared_file("massive_missile_attacks", "missiles_and_uavs.csv"))
    raw = missile_raw.merge(cat[["model", "category"]], on="model", how="left")
    raw["category"] = raw["category"].replace({"UAV": "drone"})
    raw["day"] = pd.to_datetime(raw["time_end"], format="mixed").dt.normalize()
    week = raw[_national_raw(raw) & raw["day"].between("2024-11-18", "2024-11-24")]
    expected = week.groupby("category")[["launched", "destroyed"]].sum()
    assert expected.loc["drone"].tolist() == [408, 230]
    assert expected.loc["cruise missile"].tolist() == [13, 8]
    assert expected.loc["ballistic missile"].tolist() == [5, 1]

    obs = missile_table.observations
    national = obs[obs["scope"] == "national"]
    for metric in ("launched", "destroyed"):
        daily = cs.to_daily(national, metric=metric, by="category", conflict="sum")
        got = daily.loc["2024-11-18":"2024-11-24"].sum()
        assert_allclose(got[expected.index].to_numpy(), expected[metric].to_numpy())
    # 15 Nov 2024 has a national report: 29 Shaheds on Odesa oblast (not target "Ukraine")
    day = national[(national["end"].dt.normalize() == "2024-11-15")
                   & (national["metric"] == "launched")]
    assert set(day["target"]) == {"Odesa oblast"}
    assert day["value"].sum() == 29
    # the regional commands are their own series: per command, the raw rows by source
    regional = obs[(obs["scope"] == "regional") & (obs["metric"] == "launched")]
    per_command = regional.groupby("command")["value"].sum()
    first = missile_raw["source"].str.split("/").str[0].str.lower()
    for command, prefix in (("south", "pvkpivden"), ("east", "pvkshid"), ("west", "pvkzahid")):
        assert_allclose(per_command[command], missile_raw.loc[first == prefix, "launched"].sum())
    # and every row is in exactly one scope: 2,082 national (2,078 kpszsu/ + 4 t.me/kpszsu),
    # 1,475 regional (1,473 of the three commands + 2 PvkCenter), 28 other (SOURCE.md: the
    # first part of source, counted with pandas on the raw file)
    head = missile_raw["source"].str.lower().str.replace(r"^https://t\.me/", "", regex=True)
    head = head.str.split("/").str[0]
    expected = pd.Series(np.select(
        [head == "kpszsu", head.isin(["pvkpivden", "pvkshid", "pvkzahid", "pvkcenter"])],
        ["national", "regional"], "other"), index=missile_raw.index)
    assert expected.value_counts().to_dict() == {"national": 2082, "regional": 1475,
                                                 "other": 28}
    rows = obs.drop_duplicates("row").set_index("row")["scope"]
    assert len(rows) > 3500  # (a row whose every figure is set aside has no observation)
    assert (rows == expected.loc[rows.index]).all()


def test_unknown_models_are_those_without_catalogue_entry_or_parts(missile_table):
    # SOURCE.md lists 8 uncatalogued strings; 4 of them join catalogued models with
    # "and" and take their parts' categories, the other 4 are unknown
    obs = missile_table.observations
    unknown = set(obs.loc[obs["category"] == "unknown", "model"])
    assert unknown == {"Aerial Bomb", "Картограф", "Привет-82", "Фенікс"}
    mixed = obs.drop_duplicates("model").set_index("model")
    assert mixed.loc["Iskander-M/KN-23 and Iskander-K and Kalibr", "category"] == "combined"
    assert mixed.loc["X-101/X-555 and Kalibr", "category"] == "cruise missile"
    assert bool(mixed.loc["X-101/X-555 and Kalibr", "combined"])
    assert not bool(mixed.loc["X-101/X-555", "combined"])  # slash: one class


def test_combined_rows_are_not_split(missile_table, missile_raw):
    obs = missile_table.observations
    n_obs = obs.loc[obs["metric"] == "launched", "model"].value_counts()
    n_raw = missile_raw.dropna(subset=["launched"])["model"].value_counts()
    assert n_obs["X-101/X-555 and Kalibr"] == n_raw["X-101/X-555 and Kalibr"] == 9


def test_definition_break_is_found_from_the_data(missile_table):
    obs = missile_table.observations
    assert find_definition_break(obs) == EW_DEFINITION_BREAK == pd.Timestamp("2025-07-24")
    after = obs[obs["end"] >= EW_DEFINITION_BREAK]
    assert set(after["definition"]) == {"destroyed_includes_ew"}
    between = obs[(obs["end"] >= LOST_TRACK_BREAK) & (obs["end"] < EW_DEFINITION_BREAK)]
    assert set(between["definition"]) == {"destroyed_excludes_ew"}
    assert set(obs.loc[obs["end"] < LOST_TRACK_BREAK, "definition"]) == {
        "lost_track_not_reported"}


def test_lost_track_break_is_found_from_the_data(missile_table, missile_raw):
    obs = missile_table.observations
    assert find_lost_track_break(obs) == LOST_TRACK_BREAK == pd.Timestamp("2024-08-27")
    # by hand from the raw file: national Shahed rows filling not_reach_goal per month,
    # none in May and June 2024, 5 of 21 in July, 7 of 26 in August, 26 of 31 in
    # September, 26 of 27 in November (pandas on the raw file, by the time_end month)
    sh = missile_raw[missile_raw["source"].str.startswith("kpszsu/")
                     & (missile_raw["model"] == "Shahed-136/131")]
    month = sh["time_end"].str[:7]
    filled = sh["not_reach_goal"].notna().groupby(month).agg(["sum", "size"])
    assert filled.loc["2024-05"].tolist() == [0, 18]
    assert filled.loc["2024-06"].tolist() == [0, 14]
    assert filled.loc["2024-07"].tolist() == [5, 21]
    assert filled.loc["2024-08"].tolist() == [7, 26]
    assert filled.loc["2024-09"].tolist() == [26, 31]
    assert filled.loc["2024-11"].tolist() == [26, 27]
    # the wave that opens the break (the 24 hours to 09:00 on 27 Aug 2024)
    # reports 10 lost track of 81, as the file's line says
    first = obs[(obs["end"] == "2024-08-27 09:00") & (obs["category"] == "drone")
                & (obs["scope"] == "national")].set_index("metric")["value"]
    assert first["launched"] == 81
    assert first["not_reach_goal"] == 10


def test_lost_track_break_rule_on_a_tiny_table():
    # ten daily waves; by hand: with window 4 and share 0.75 (3 of 4), the 2nd wave has
    # 2 of 4 (2nd, 5th), the 5th has 3 of 4 (5th, 6th, 8th): the break is 5 Jan
    days = pd.date_range("2024-01-01 08:00", periods=10)
    filled = [False, True, False, False, True, True, False, True, True, True]
    rows = []
    for d, f in zip(days, filled, strict=True):
        wave = f"national|{d:%Y-%m-%d %H:%M}|{d:%Y-%m-%d %H:%M}"
        for metric, value in (("launched", 10.0), ("not_reach_goal", 2.0 if f else None)):
            if value is not None:
                rows.append({"metric": metric, "value": value, "start": d, "end": d,
                             "scope": "national", "command": "national",
                             "category": "drone", "wave": wave, "row": len(rows)})
    obs = pd.DataFrame(rows)
    assert find_lost_track_break(obs, window=4, share=0.75) == pd.Timestamp("2024-01-05")
    # with share 0.5 the 2nd wave's 2 of 4 are enough
    assert find_lost_track_break(obs, window=4, share=0.5) == pd.Timestamp("2024-01-02")
    with pytest.raises(InputError, match=r"window must be a whole number of waves >= 1; "
                                         r"got 0"):
        find_lost_track_break(obs, window=0)


def test_shahed_destroyed_share_jumps_across_the_definition_break(missile_table):
    # SOURCE.md: destroyed/launched for Shahed ~40-55% before, ~85-90% after
    obs = missile_table.observations
    sh = obs[(obs["model"] == "Shahed-136/131") & (obs["scope"] == "national")]
    wide = sh.pivot_table(index="row", columns="metric", values="value", aggfunc="first")
    defn = sh.drop_duplicates("row").set_index("row")["definition"]
    ratio = (wide["destroyed"].groupby(defn).sum() / wide["launched"].groupby(defn).sum())
    q4 = sh[(sh["end"] >= "2024-10-01") & (sh["end"] < "2025-07-01")]
    w = q4.pivot_table(index="row", columns="metric", values="value", aggfunc="first")
    assert 0.40 < w["destroyed"].sum() / w["launched"].sum() < 0.60
    assert ratio["destroyed_includes_ew"] > 0.80


def test_missile_layout_change_names_expected_and_found(missile_raw, tmp_path):
    path = tmp_path / "renamed.csv"
    missile_raw.head(3).rename(columns={"launched": "n_launched"}).to_csv(path, index=False)
    with pytest.raises(SourceLayoutError, match=r"missing column\(s\) \['launched'\].*"
                                                r"unknown column\(s\) \['n_launched'\]"):
        read_missile_attacks(path)


def _tiny_missile_file(*rows: str) -> io.StringIO:
    return io.StringIO("\n".join([",".join(MISSILE_COLUMNS), *rows]) + "\n")


def _tiny_catalogue() -> io.StringIO:
    lines = [",".join(CATALOGUE_COLUMNS)] + [
        f"{model},{category}" + "," * (len(CATALOGUE_COLUMNS) - 2)
        for model, category in (("Shahed-136/131", "UAV"), ("Kalibr", "cruise missile"),
                                ("X-101/X-555", "cruise missile"),
                                ("Iskander-M", "ballistic missile"))]
    return io.StringIO("\n".join(lines) + "\n")


def test_border_crossing_dict_with_nan_is_parsed_safely():
    f = _tiny_missile_file(
        "2024-01-01,2024-01-02 08:00,Shahed-136/131,,Ukraine,,10,5,,,\"{'belarus': NaN, "
        "'russia': 2.0}\"" + "," * 11 + "x")
    obs = read_missile_attacks(f, catalogue=_tiny_catalogue())
    got = obs.set_index("metric")
    assert got.loc["border_crossing", "value"] == 2
    assert got.loc["border_crossing", "crossed_into"] == "russia:2"
    assert got.loc["unaccounted", "value"] == 10 - 5 - 2
    assert bool(got.loc["launched", "date_only"])  # the start had no clock time


def test_bad_border_crossing_text_names_the_row():
    f = _tiny_missile_file("2024-01-01,2024-01-01,Shahed-136/131,,Ukraine,,1,1,,,oops"
                           + "," * 11 + "x")
    with pytest.raises(SourceLayoutError,
                       match=r"line 2 \(row 0\), column 'border_crossing'.*'oops'"):
        read_missile_attacks(f, catalogue=_tiny_catalogue())


def test_outcomes_exceeding_launched_set_unaccounted_aside():
    f = _tiny_missile_file("2024-01-01,2024-01-01,Kalibr,,Ukraine,,3,5,,,{}" + "," * 11 + "x")
    t = screen_missile_attacks(f, catalogue=_tiny_catalogue())
    assert "unaccounted" not in set(t.observations["metric"])
    aside = t.set_aside.set_index("metric")
    assert aside.loc["unaccounted", "reason"] == "outcomes exceed launched by 2"


def test_without_its_catalogue_the_missile_file_is_refused_naming_it(tmp_path):
    # without the catalogue drones and missiles would be summed as "unknown"
    path = tmp_path / "missile_attacks_daily.csv"
    path.write_text(_tiny_missile_file(
        "2024-01-01,2024-01-01,Kalibr,,south,,3,2,,,{}" + "," * 11 + "x").getvalue())
    with pytest.raises(InputError, match=r"missiles_and_uavs\.csv is needed to tell drones "
                                         r"from missiles; put it beside "
                                         r"missile_attacks_daily\.csv \(in "):
        read_missile_attacks(path)
    with pytest.raises(InputError, match=r"missiles_and_uavs\.csv .*pass its path as "
                                         r"catalogue="):
        screen_missile_attacks(io.StringIO(path.read_text()))
    # beside it, it is found by name
    (tmp_path / "missiles_and_uavs.csv").write_text(_tiny_catalogue().getvalue())
    assert set(read_missile_attacks(path)["category"]) == {"cruise missile"}


def test_scope_is_the_reporting_command_not_the_target():
    tail = ",,3,2,,,{}" + "," * 11
    f = _tiny_missile_file(
        "2024-11-21 04:00,2024-11-21 07:00,X-101/X-555,,Dnipro" + tail + "kpszsu/posts/a",
        "2024-11-21 04:00,2024-11-21 07:00,Kalibr,,Ukraine" + tail + "https://t.me/kpszsu/1",
        "2024-11-21,2024-11-21,Kalibr,,Ukraine" + tail + "PvKPivden/posts/b",
        "2024-11-21,2024-11-21,Kalibr,,Kharkiv oblast" + tail + "PVKSHID/posts/c",
        "2024-11-21,2024-11-21,Kalibr,,Lviv oblast" + tail + "PvkZahid/posts/d",
        "2024-11-21,2024-11-21,Kalibr,,Ukraine" + tail + "GeneralStaff.ua/posts/e",
        "2024-11-21,2024-11-21,Kalibr,,Sumy" + tail + "https://t.me/war_monitor/1",
    )
    rows = read_missile_attacks(f, catalogue=_tiny_catalogue()).drop_duplicates("row")
    assert rows["command"].tolist() == ["national", "national", "south", "east", "west",
                                        "other", "other"]
    assert rows["scope"].tolist() == ["national", "national", "regional", "regional",
                                      "regional", "other", "other"]


def test_a_wave_holds_the_windows_inside_it_and_a_day_can_hold_two_waves():
    # 24 Mar 2026 in the file: 392 Shaheds overnight (18:00-09:00) with 18 X-101 at
    # 04:30-05:30 in the same post, then 556 Shaheds in the daytime (09:00-18:00)
    tail = ",,,{}" + "," * 11
    f = _tiny_missile_file(
        "2026-03-23 18:00,2026-03-24 09:00,Shahed-136/131,,Ukraine,,392,365" + tail + "kpszsu/a",
        "2026-03-24 04:30,2026-03-24 05:30,X-101/X-555,,Ukraine,,18,18" + tail + "kpszsu/a",
        "2026-03-24 09:00,2026-03-24 18:00,Shahed-136/131,,Ukraine,,556,541" + tail + "kpszsu/b",
        "2026-03-24,2026-03-24,Shahed-136/131,,south,,7,7" + tail + "PvKPivden/c",
    )
    obs = read_missile_attacks(f, catalogue=_tiny_catalogue())
    assert obs.drop_duplicates("row")["wave"].tolist() == [
        "national|2026-03-24 09:00|2026-03-23 18:00",
        "national|2026-03-24 09:00|2026-03-23 18:00",
        "national|2026-03-24 18:00|2026-03-24 09:00",
        "south|2026-03-24 00:00|2026-03-24 00:00"]
    waves = missile_waves(obs[obs["scope"] == "national"], by=None)
    assert_allclose(waves["launched"], [392 + 18, 556])  # by hand
    assert waves["waves_on_date"].tolist() == [2, 2]
    assert waves["start"].tolist() == [pd.Timestamp("2026-03-23 18:00"),
                                       pd.Timestamp("2026-03-24 09:00")]
    drones = missile_waves(obs, by="category").query("category == 'drone'")
    assert drones["command"].tolist() == ["south", "national", "national"]
    assert_allclose(drones["launched"], [7, 392, 556])
    # regional reports are not counted among the national waves of the day
    assert drones["waves_on_date"].tolist() == [1, 2, 2]


def test_missile_catalogue_has_one_row_per_model_with_drone_for_uav(shared_data):
    path = shared_data("massive_missile_attacks", "missiles_and_uavs.csv")
    raw = pd.read_csv(path)
    cat = read_missile_catalogue(path)
    assert cat.shape == (64, 12)  # SOURCE.md: 64 rows x 12 columns
    assert list(cat.columns) == list(CATALOGUE_COLUMNS)
    assert cat["model"].is_unique
    # the file says "UAV" 22 times; the reader calls them drones, nothing else changes
    assert (raw["category"] == "UAV").sum() == (cat["category"] == "drone").sum() == 22
    assert (cat["category"].str.lower() == cat["category"]).all()
    by_model = cat.set_index("model")
    assert by_model.loc["Shahed-136/131", "category"] == "drone"
    assert by_model.loc["Iskander-M", "category"] == "ballistic missile"
    assert by_model.loc["Kalibr", "category"] == "cruise missile"


def test_missile_categories_come_from_the_catalogue(missile_table, shared_data):
    cat = read_missile_catalogue(shared_data("massive_missile_attacks", "missiles_and_uavs.csv"))
    known = cat.set_index("model")["category"]
    obs = missile_table.observations.drop_duplicates("model")
    # a single model (no " and ") takes its catalogue category as it is
    single = obs[obs["model"].isin(known.index) & ~obs["combined"]]
    assert len(single) > 20
    assert (single["category"].to_numpy() == known.loc[single["model"]].to_numpy()).all()


def test_missile_catalogue_rejects_a_model_listed_twice():
    row = "Kalibr,cruise missile" + "," * 10
    text = io.StringIO("\n".join([",".join(CATALOGUE_COLUMNS), row, row]) + "\n")
    with pytest.raises(SourceLayoutError, match="model 'Kalibr' appears more than once"):
        read_missile_catalogue(text)


# --------------------------------------------------------------------------- territory


def test_deepstate_daily_levels_gaps_and_flags(shared_data):
    path = shared_data("deepstate_area", "deepstate_occupied_area_daily.csv")
    t = screen_deepstate_area(path)
    obs = t.observations
    _is_observation_table(obs)
    area = obs[obs["metric"] == "occupied_area"]
    # SOURCE.md: 1,504 rows, 2022-04-03 -> 2026-08-21, 98 calendar days missing
    assert len(area) == 1504
    assert area["end"].min() == pd.Timestamp("2022-04-03")
    assert area["end"].max() == pd.Timestamp("2026-08-21")
    daily = cs.to_daily(area, metric="occupied_area")
    assert int(daily.isna().sum()) == 98
    # SOURCE.md: the Crimea redraw of 2022-09-18 (+740 km2)
    redraw = area[area["end"] == "2022-09-18"]
    assert redraw["flag"].tolist() == ["crimea_redraw"]
    assert_allclose(redraw["value"].iloc[0], 116533.387)
    assert set(area.loc[area["end"] < "2022-06-01", "flag"]) == {"coarse_map"}
    # only sub-areas of the cyterat period are missing: 381 rows x 2 metrics
    assert len(obs) + len(t.set_aside) == 1504 * 3
    assert len(t.set_aside) == 381 * 2


def test_deepstate_snapshot_and_cyterat_layouts_are_recognised(shared_data):
    snaps = read_deepstate_area(
        shared_data("deepstate_area", "deepstate_occupied_area_snapshots_2022-2025.csv"))
    assert snaps["row"].nunique() == 1359  # SOURCE.md
    assert set(snaps["metric"]) >= {"crimea_area", "ordlo_area", "liberated_area"}
    cy = read_deepstate_area(
        shared_data("deepstate_area", "deepstate_occupied_area_cyterat_daily_2024-2026.csv"))
    assert len(cy) == 769
    # a file dated D shows the map of the evening of D-1
    assert cy["end"].min() == pd.Timestamp("2024-07-07")


def test_deepstate_unknown_layout_lists_the_known_ones():
    with pytest.raises(SourceLayoutError, match=r"expected the columns of one of.*found \['x'"):
        read_deepstate_area(io.StringIO("x,y\n1,2\n"))


def test_liveuamap_territory_levels(shared_data):
    obs = read_liveuamap_territory(shared_data("liveuamap_territory", "territory.csv"))
    _is_observation_table(obs)
    assert len(obs) == 1062  # SOURCE.md
    assert obs["end"].min() == pd.Timestamp("2022-02-20")
    assert obs["end"].max() == pd.Timestamp("2025-01-16")
    # SOURCE.md: 111,669 km2 on 2024-11-24; 42,981 km2 before the invasion
    assert round(obs.loc[obs["end"] == "2024-11-24", "value"].iloc[0]) == 111669
    assert (obs["flag"] == "pre_invasion").sum() == 4
    assert_allclose(obs.loc[obs["flag"] == "pre_invasion", "value"], 42980.991)


def test_nzz_json_is_nzz_not_liveuamap(shared_data):
    path = shared_data("liveuamap_territory", "nzz_area_occupied.json")
    obs = read_nzz_area(path)
    assert len(obs) == 384
    assert set(obs["source"]) == {"nzz"}
    assert obs["end"].max() == pd.Timestamp("2023-03-14")
    # the Liveuamap reader refuses it, naming the reader that reads it
    with pytest.raises(SourceLayoutError, match="NZZ's .*read_nzz_area"):
        read_liveuamap_territory(path)


# --------------------------------------------------------------------------- Kiel


def test_kiel_allocations_are_monthly_flows_in_euros(shared_data):
    path = shared_data("kiel_support_tracker", "data_explorer.csv")
    raw = pd.read_csv(path)
    obs = read_kiel_tracker(path, fill="none")
    _is_observation_table(obs)
    assert len(obs) == 1079 * 6  # SOURCE.md: 1,079 rows; six money columns each
    total = obs[obs["metric"] == "aid_allocated"]
    assert_allclose(total["value"].sum(), raw["total"].sum() * 1e9)
    us = total[total["donor"] == "United States"]
    assert us["end"].max() == pd.Timestamp("2025-01-31")  # SOURCE.md: last row 2025-01
    assert set(obs["unit"]) == {"EUR"}
    assert (obs.loc[obs["metric"] == "aid_to_be_allocated", "value"] < 0).any()


def test_kiel_fills_zero_only_inside_each_donors_active_months(shared_data):
    path = shared_data("kiel_support_tracker", "data_explorer.csv")
    raw = pd.read_csv(path)
    t = screen_kiel_tracker(path)
    obs = t.observations
    total = obs[obs["metric"] == "aid_allocated"]
    months = raw["year"] * 12 + raw["month"] - 1
    span = months.groupby(raw["country"]).agg(["min", "max"])
    expected = int((span["max"] - span["min"] + 1).sum())  # active donor-months
    assert len(total) == expected
    assert (total.loc[total["imputed"], "value"] == 0).all()
    assert total["imputed"].sum() == expected - 1079
    everything = read_kiel_tracker(path, fill="all")
    assert (everything["metric"] == "aid_allocated").sum() == 42 * 52  # SOURCE.md


def test_kiel_all_donor_totals(shared_data):
    obs = read_kiel_tracker(shared_data("kiel_support_tracker", "total_allocations.csv"))
    assert (obs["metric"] == "aid_allocated").sum() == 52
    first = obs[(obs["metric"] == "aid_allocated") & (obs["start"] == "2022-01-01")]
    assert_allclose(first["value"].iloc[0], 0.266861e9)  # first data line of the file


def test_kiel_fill_must_be_a_known_policy(shared_data):
    with pytest.raises(ValueError, match="fill must be one of"):
        read_kiel_tracker(shared_data("kiel_support_tracker", "data_explorer.csv"), fill="zero")


def _kiel_release_text(shared_data) -> str:
    # built from release_info.csv with plain pandas: "29","04/2026","2026-08-04"
    info = pd.read_csv(shared_data("kiel_support_tracker", "release_info.csv"), dtype=str)
    assert info.iloc[0][["release", "period", "date"]].tolist() == ["29", "04/2026", "2026-08-04"]
    return "kiel_ukraine_support_tracker release 29 (data to 04/2026, published 2026-08-04)"


def test_kiel_release_is_stamped_in_source_when_release_info_is_beside(shared_data):
    stamp = _kiel_release_text(shared_data)
    for name in ("data_explorer.csv", "total_allocations.csv", "procurement_trends.csv"):
        obs = read_kiel_tracker(shared_data("kiel_support_tracker", name))
        assert set(obs["source"]) == {stamp}
    # without the file beside (a buffer), the plain name
    text = io.StringIO("year,month,total_allocations,military,financial,humanitarian\n"
                       "2022,1,1,1,0,0\n")
    assert set(read_kiel_tracker(text)["source"]) == {"kiel_ukraine_support_tracker"}


def test_kiel_procurement_trends_are_monthly_flows_by_delivery_mode(shared_data):
    path = shared_data("kiel_support_tracker", "procurement_trends.csv")
    raw = pd.read_csv(path)
    t = screen_kiel_tracker(path)
    obs = t.observations
    _is_observation_table(obs)
    assert len(raw) == 52  # SOURCE.md: 52 x 6, 2022-01 -> 2026-04
    assert len(obs) + len(t.set_aside) == 52 * 4
    assert set(obs["metric"]) == {"military_aid_by_delivery_mode"}
    assert obs["start"].min() == pd.Timestamp("2022-01-01")
    assert obs["end"].max() == pd.Timestamp("2026-04-30")
    got = obs.groupby("mode")["value"].sum()
    for mode in ("stockpile", "procurement", "unspecified", "nato_purl"):
        assert_allclose(got[mode], raw[mode].sum() * 1e9)
    # first data line: 2022-01 stockpile 0.00149570612079685 (EUR bn)
    first = obs[(obs["start"] == "2022-01-01") & (obs["mode"] == "stockpile")]
    assert_allclose(first["value"].iloc[0], 0.00149570612079685e9)
    daily = cs.to_daily(obs, metric="military_aid_by_delivery_mode", by="mode")
    assert_allclose(daily.sum().sum(), raw[["stockpile", "procurement", "unspecified",
                                            "nato_purl"]].to_numpy().sum() * 1e9)


def test_kiel_delivery_modes_do_not_add_up_to_the_military_total(shared_data):
    # documented in read_kiel_tracker: 168.0 vs 173.0 EUR bn over 2022-01..2026-04
    modes = read_kiel_tracker(shared_data("kiel_support_tracker", "procurement_trends.csv"))
    totals = read_kiel_tracker(shared_data("kiel_support_tracker", "total_allocations.csv"))
    mil = totals.loc[totals["metric"] == "military_aid_allocated", "value"].sum()
    assert round(modes["value"].sum() / 1e9, 1) == 168.0
    assert round(mil / 1e9, 1) == 173.0


def test_kiel_weapons_are_levels_per_donor_and_category(shared_data):
    path = shared_data("kiel_support_tracker", "weapons.csv")
    raw = pd.read_csv(path)
    t = screen_kiel_snapshot(path)
    obs = t.observations
    _is_observation_table(obs)
    assert len(raw) == 61  # SOURCE.md: 61 x 5
    assert len(obs) + len(t.set_aside) == 61 * 2
    assert obs["donor"].nunique() == raw["donor"].nunique() == 24
    assert set(obs["kind"]) == {"level"}
    # dated at the end of the release's data period (04/2026)
    assert set(obs["end"]) == {pd.Timestamp("2026-04-30")}
    assert set(obs["source"]) == {_kiel_release_text(shared_data)}
    # first data line: Australia, Howitzers, 6, 28672479, "M777 howitzer (6)"
    au = obs[(obs["donor"] == "Australia") & (obs["category"] == "Howitzers")]
    got = au.set_index("metric")
    assert got.loc["heavy_weapons", "value"] == 6
    assert got.loc["heavy_weapons", "unit"] == "count"
    assert got.loc["heavy_weapons_value", "value"] == 28672479
    assert got.loc["heavy_weapons_value", "unit"] == "EUR"
    assert got.loc["heavy_weapons", "weapons_list"] == "M777 howitzer (6)"
    n = obs[obs["metric"] == "heavy_weapons"].groupby("category")["value"].sum()
    assert_allclose(n.sort_index(), raw.groupby("category")["number_of_weapons"].sum())


def test_kiel_eu_aid_shares_are_percent_of_gdp(shared_data):
    path = shared_data("kiel_support_tracker", "eu_aid_shares.csv")
    t = screen_kiel_snapshot(path)
    obs = t.observations
    _is_observation_table(obs)
    assert len(obs) + len(t.set_aside) == 27 * 4  # SOURCE.md: 27 rows
    share = obs[obs["kind"] == "share"]
    assert set(share["unit"]) == {"percent"}
    wide = obs.pivot_table(index="donor", columns="metric", values="value")
    assert len(wide) == 27
    # first data line: Denmark 3.273931 + 0.577329 = 3.85126; EU share 1.944231 bn
    dk = wide.loc["Denmark"]
    assert_allclose(dk["bilateral_aid_pct_gdp"], 3.273931)
    assert_allclose(dk["aid_pct_gdp"], 3.85126)
    assert_allclose(dk["eu_aid_share"], 1.944231e9)
    # the total is bilateral + EU share for every donor (to the file's 6 decimals)
    assert_allclose(wide["aid_pct_gdp"],
                    wide["bilateral_aid_pct_gdp"] + wide["eu_aid_share_pct_gdp"], atol=2e-6)


def test_kiel_snapshot_needs_a_date_and_a_known_layout():
    text = "donor,category,number_of_weapons,monetary_value_eur,weapons_list\nX,Tanks,1,2,a\n"
    with pytest.raises(ValueError, match="as_of is required"):
        read_kiel_snapshot(io.StringIO(text))
    assert read_kiel_snapshot(io.StringIO(text), as_of="2026-04-30")["end"].iloc[0] == (
        pd.Timestamp("2026-04-30"))
    with pytest.raises(SourceLayoutError, match=r"weapons\.csv.*eu_aid_shares\.csv.*found"):
        read_kiel_snapshot(io.StringIO("a,b\n1,2\n"), as_of="2026-04-30")


def test_kiel_release_info_itself_is_not_a_tracker_file(shared_data):
    with pytest.raises(SourceLayoutError, match=r"procurement_trends\.csv.*found \['release'"):
        read_kiel_tracker(shared_data("kiel_support_tracker", "release_info.csv"))


# --------------------------------------------------------------------------- losses


def test_general_staff_personnel_is_cumulative_with_qualifiers(shared_data):
    path = shared_data("russia_losses_petroivaniuk", "russia_losses_personnel.json")
    t = screen_general_staff_losses(path)
    obs = t.observations
    _is_observation_table(obs)
    pers = obs[obs["metric"] == "personnel"]
    assert len(pers) == 1626  # SOURCE.md
    assert pers["end"].min() == pd.Timestamp("2022-02-25")
    assert pers["end"].max() == pd.Timestamp("2026-08-08")
    assert pers["qualifier"].value_counts().to_dict() == {"about": 1620, "more_than": 6}
    assert set(obs["kind"]) == {"cumulative"}
    assert len(t.set_aside) == 1564  # SOURCE.md: POW NaN after 2022-04-28
    assert len(obs) + len(t.set_aside) == 1626 * 2


def test_general_staff_equipment_csv_and_json_agree(shared_data):
    a = read_general_staff_losses(
        shared_data("russia_losses_petroivaniuk", "russia_losses_equipment.json"))
    b = read_general_staff_losses(
        shared_data("russia_losses_petroivaniuk", "russia_losses_equipment.csv"))
    assert len(a) == len(b)
    assert_allclose(a["value"], b["value"])


def test_general_staff_personnel_csv_and_json_agree(shared_data):
    # SOURCE.md: the CSV is a lossless pandas conversion of the JSON
    a = screen_general_staff_losses(
        shared_data("russia_losses_petroivaniuk", "russia_losses_personnel.json"))
    b = screen_general_staff_losses(
        shared_data("russia_losses_petroivaniuk", "russia_losses_personnel.csv"))
    assert len(b.observations) + len(b.set_aside) == 1626 * 2
    pd.testing.assert_frame_equal(a.observations, b.observations)
    pd.testing.assert_frame_equal(a.set_aside, b.set_aside)


def test_general_staff_corrections_file_flags_every_listed_change(shared_data, tmp_path):
    corr_path = shared_data("russia_losses_petroivaniuk", "russia_losses_equipment_correction.json")
    path = shared_data("russia_losses_petroivaniuk", "russia_losses_equipment.json")
    corr = pd.DataFrame(json.loads(Path(corr_path).read_text()))
    assert len(corr) == 28  # SOURCE.md: 28 rows, 2022-10-13 -> 2025-12-31
    assert (corr["date"].min(), corr["date"].max()) == ("2022-10-13", "2025-12-31")
    # nonzero (date, column) cells of the file, equipment columns only
    cells = corr.drop(columns=["day", "personnel"]).melt(id_vars="date")
    cells = cells[cells["value"] != 0]
    implicit = read_general_staff_losses(path)  # the file beside is read by default
    explicit = read_general_staff_losses(path, corrections=corr_path)
    pd.testing.assert_frame_equal(implicit, explicit)
    flagged = explicit[explicit["flag"] == "correction"]
    assert len(flagged) == len(cells) == 84
    got = set(zip(flagged["end"].dt.strftime("%Y-%m-%d"), flagged["metric"], strict=True))
    want = {(d, re.sub(r"[^a-z0-9]+", "_", c.lower())) for d, c in
            zip(cells["date"], cells["variable"], strict=True)}
    assert got == want
    # 2023-05-27: tank -5, APC +7 (second entry of the file)
    assert {("2023-05-27", "tank"), ("2023-05-27", "apc")} <= got
    # the personnel column of the same file flags the personnel totals (2 dates)
    pers = read_general_staff_losses(
        shared_data("russia_losses_petroivaniuk", "russia_losses_personnel.json"))
    assert (pers["flag"] == "correction").sum() == int((corr["personnel"] != 0).sum()) == 2
    # an explicit file replaces the default one
    one = tmp_path / "one.json"
    one.write_text(json.dumps([{"date": "2024-01-01", "day": 677, "tank": 3}]))
    only = read_general_staff_losses(path, corrections=one)
    hit = only[only["flag"] == "correction"]
    assert hit[["metric"]].to_numpy().ravel().tolist() == ["tank"]
    assert hit["end"].tolist() == [pd.Timestamp("2024-01-01")]


def test_general_staff_oryx_mapping_is_refused_with_its_columns(shared_data):
    path = shared_data("russia_losses_petroivaniuk", "russia_losses_equipment_oryx.json")
    mapping = pd.DataFrame(json.loads(Path(path).read_text()))
    # SOURCE.md: 338 rows, static; columns as listed there
    assert mapping.shape == (338, 5)
    assert list(mapping.columns) == ["equipment_oryx", "model", "manufacturer", "losses_total",
                                     "equipment_ua"]
    assert mapping["equipment_ua"].nunique() == 11
    assert mapping.loc[mapping["model"] == "T-62M", "losses_total"].tolist() == [50]
    with pytest.raises(SourceLayoutError, match=r"unknown column\(s\) \['equipment_oryx'"):
        read_general_staff_losses(path)


def test_general_staff_equipment_merged_columns_and_corrections(shared_data):
    path = shared_data("russia_losses_petroivaniuk", "russia_losses_equipment.json")
    t = screen_general_staff_losses(path)
    obs = t.observations
    assert len(obs) + len(t.set_aside) == 1626 * 17
    auto = obs[obs["metric"] == "military_auto"]
    assert auto["end"].max() == pd.Timestamp("2022-04-30")  # SOURCE.md: stops then
    assert set(auto["merged_into"]) == {"vehicles_and_fuel_tanks"}
    # the corrections file's first entry: 2022-10-13, APC -25
    apc = obs[(obs["metric"] == "apc") & (obs["end"] == "2022-10-13")]
    assert apc["flag"].tolist() == ["correction"]
    # special equipment starts on 2022-03-16: earlier cells set aside, never zero
    aside = t.set_aside[t.set_aside["metric"] == "special_equipment"]
    assert len(aside) == 1626 - 1607


def test_general_staff_unknown_column_is_an_error():
    text = io.StringIO("date,day,personnel,personnel*,POW,wounded\n2022-02-25,2,1,about,0,5\n")
    with pytest.raises(SourceLayoutError, match=r"unknown column\(s\) \['wounded'\].*found"):
        read_general_staff_losses(text)


# --------------------------------------------------------------------------- Oryx


def test_oryx_daily_counts_with_stable_categories(shared_data):
    t = screen_oryx_daily(shared_data("oryx_scarnecchia", "daily_count.csv"))
    obs = t.observations
    _is_observation_table(obs)
    assert len(obs) + len(t.set_aside) == 1365 * 5  # SOURCE.md: 1,365 rows
    assert obs["end"].min() == pd.Timestamp("2022-02-23")
    assert obs["end"].max() == pd.Timestamp("2025-07-19")
    assert obs["end"].nunique() == 209
    assert not obs["category"].str.contains(r"\d|\n|of which").any()
    assert set(obs["entity"]) == {"Russia", "Ukraine"}
    # one category is one series: no duplicate (country, category, date, metric)
    assert not obs.duplicated(["entity", "category", "end", "metric"]).any()
    assert set(obs.loc[obs["end"] == "2022-03-19", "flag"]) == {"first_scrape"}


def test_oryx_missing_column_is_an_error():
    with pytest.raises(SourceLayoutError, match=r"missing column\(s\).*'destroyed'"):
        read_oryx_daily(io.StringIO("country,equipment_type\nRussia,Tanks\n"))


ORYX_EVENT_ROWS = {"destroyed": 26251, "damaged": 3389, "abandoned": 2473, "captured": 5392}


@pytest.fixture(scope="module")
def oryx_events():
    from conftest import shared_file

    folder = shared_file("oryx_scarnecchia", "event_destroyed.csv").parent
    raw = pd.concat([pd.read_csv(folder / f"event_{s}.csv") for s in ORYX_EVENT_ROWS])
    return raw, screen_oryx_events(folder)


def test_oryx_events_count_every_input_row_once(oryx_events):
    raw, t = oryx_events
    obs = t.observations
    _is_observation_table(obs)
    assert len(t.set_aside) == 0  # every row has a date_recorded
    counts = obs.groupby("status")["value"].sum()
    for status, n in ORYX_EVENT_ROWS.items():  # SOURCE.md row counts
        assert (raw["status"] == status).sum() == n
        assert counts[status] == n
    assert obs["value"].sum() == len(raw) == 37505
    assert set(obs["kind"]) == {"flow"}
    assert obs["end"].min() == pd.Timestamp("2022-03-19")
    assert obs["end"].max() == pd.Timestamp("2025-07-19")
    assert not obs.duplicated(["entity", "status", "system", "origin", "end"]).any()


def test_oryx_event_daily_totals_equal_the_rows_of_each_day(oryx_events):
    raw, t = oryx_events
    daily = cs.to_daily(t.observations, metric="losses_recorded", by=["entity", "status"],
                        conflict="sum")  # one row per system and origin: separate events
    want = raw.groupby(["country", "status", "date_recorded"]).size()
    for (country, status), s in want.groupby(level=[0, 1]):
        got = daily[(country, status)].dropna()
        assert got.index.strftime("%Y-%m-%d").tolist() == s.index.get_level_values(2).tolist()
        assert_allclose(got.to_numpy(), s.to_numpy())
    # a day without a recorded loss is missing, never zero
    assert not (daily == 0).any().any()


def test_oryx_event_backfill_spikes_are_flagged(oryx_events):
    raw, t = oryx_events
    obs = t.observations
    destroyed = obs[obs["status"] == "destroyed"].groupby("end")["value"].sum()
    # SOURCE.md: 789 destroyed on 2022-03-19, 764 on 2024-04-08, 496 on 2025-05-12
    assert destroyed["2022-03-19"] == 789
    assert destroyed["2024-04-08"] == 764
    assert destroyed["2025-05-12"] == 496
    assert destroyed.idxmax() == pd.Timestamp("2022-03-19")
    flagged = obs.dropna(subset=["flag"]).groupby("end")["flag"].unique()
    assert {d.strftime("%Y-%m-%d"): list(v) for d, v in flagged.items()} == {
        "2022-03-19": ["first_scrape"], "2024-04-08": ["backfill"], "2025-05-12": ["backfill"]}
    assert obs["flag"].notna().sum() == (
        raw["date_recorded"].isin(["2022-03-19", "2024-04-08", "2025-05-12"])
        .groupby([raw["country"], raw["status"], raw["system"].str.strip(), raw["origin"],
                  raw["date_recorded"]]).any().sum())


def test_oryx_events_keep_the_system_and_tidy_its_blanks(oryx_events):
    raw, t = oryx_events
    obs = t.observations
    # by hand: the raw rows of Russia's destroyed T-72B3 (system names vary only by blanks)
    sel = raw[(raw["country"] == "Russia") & (raw["status"] == "destroyed")
              & (raw["system"].str.strip() == "T-72B3")]
    ours = obs[(obs["entity"] == "Russia") & (obs["status"] == "destroyed")
               & (obs["system"] == "T-72B3")]
    assert ours["value"].sum() == len(sel) > 0
    assert not obs["system"].dropna().str.contains(r"^\s|\s$|\s\s").any()
    assert obs.loc[obs["system"].isna(), "value"].sum() == raw["system"].isna().sum() == 8


def test_oryx_events_read_one_file(shared_data):
    obs = read_oryx_events(shared_data("oryx_scarnecchia", "event_damaged.csv"))
    assert set(obs["status"]) == {"damaged"}
    assert obs["value"].sum() == 3389  # SOURCE.md


def test_oryx_events_set_aside_undated_rows_and_refuse_unknown_status(tmp_path):
    head = "country,origin,system,status,url,date_recorded,sysID,imageID,statusID,matID\n"
    t = screen_oryx_events(io.StringIO(head + "Russia,Russia,T-72B3,destroyed,u,,1,1,1,7\n"
                                       "Russia,Russia,T-72B3,destroyed,u,2024-01-02,1,2,1,7\n"))
    assert t.observations["value"].sum() + len(t.set_aside) == 2
    assert t.set_aside["reason"].iloc[0] == "date_recorded is missing: the entry cannot be dated"
    with pytest.raises(SourceLayoutError, match=r"row StringIO:0, column 'status'.*'lost'"):
        read_oryx_events(io.StringIO(head + "Russia,Russia,T-72B3,lost,u,2024-01-02,1,2,1,7\n"))
    with pytest.raises(FileNotFoundError, match=r"no event file in .*event_destroyed\.csv"):
        read_oryx_events(tmp_path)


def test_oryx_totals_equal_the_last_daily_count_of_each_series(shared_data):
    path = shared_data("oryx_scarnecchia", "totals_by_type.csv")
    totals = read_oryx_totals(path)  # dated from the daily_count.csv beside it
    _is_observation_table(totals)
    assert len(totals) == 56 * 5  # SOURCE.md: 56 x 7
    assert set(totals["end"]) == {pd.Timestamp("2025-07-19")}  # SOURCE.md: snapshot date
    daily = read_oryx_daily(shared_data("oryx_scarnecchia", "daily_count.csv"))
    last = daily.sort_values("end").groupby(["entity", "category", "metric"]).tail(1)
    both = totals.merge(last, on=["entity", "category", "metric"], suffixes=("", "_daily"))
    assert len(both) == len(totals)
    assert_allclose(both["value"], both["value_daily"])
    # the file's first line: Russia, All Types, destroyed 17198 ... total 22381
    ru = totals[(totals["entity"] == "Russia") & (totals["category"] == "All Types")]
    assert ru.set_index("metric")["value"].to_dict() == {
        "destroyed": 17198, "abandoned": 1178, "captured": 3096, "damaged": 909, "total": 22381}
    # stackable with the daily counts (one kind per metric): the snapshot adds no step
    stacked = pd.concat([daily, totals], ignore_index=True)
    with pytest.warns(cs.DataWarning, match="cumulative total went down"):
        series = cs.to_daily(stacked, metric="total", by=["entity", "category"],
                             conflict="last")
    # the file: Russia All Types total 22341 on 2025-07-17, 22381 on 2025-07-19
    # (to_daily spreads the step over the two days since the previous report)
    step = series.loc["2025-07-18":"2025-07-19", ("Russia", "All Types")]
    assert_allclose(step.to_numpy(), [20.0, 20.0])
    assert_allclose(step.sum(), 22381 - 22341)


def test_oryx_event_files_exceed_the_headline_totals_as_documented(shared_data, oryx_events):
    raw, t = oryx_events
    totals = read_oryx_totals(shared_data("oryx_scarnecchia", "totals_by_type.csv"))
    head = totals[totals["category"] == "All Types"].pivot_table(
        index="entity", columns="metric", values="value")
    events = t.observations.pivot_table(index="entity", columns="status", values="value",
                                        aggfunc="sum")
    for status in ORYX_EVENT_ROWS:
        assert (events[status] >= head[status]).all()
    # read_oryx_totals' Notes: 26,655 Russian event rows on 24,388 images vs 22,381
    ru = raw[raw["country"] == "Russia"]
    assert (len(ru), ru["imageID"].nunique(), head.loc["Russia", "total"]) == (
        26655, 24388, 22381)
    # one reason: an entry marked "damaged and abandoned" is in both files
    both = raw.groupby(["country", "url"])["status"].agg(frozenset)
    assert (both == frozenset({"damaged", "abandoned"})).sum() > 1000


def test_oryx_totals_need_a_date_when_alone():
    text = ("country,equipment_type,destroyed,abandoned,captured,damaged,type_total\n"
            "Russia,Tanks,1,0,0,0,1\n")
    with pytest.raises(ValueError, match="as_of is required"):
        read_oryx_totals(io.StringIO(text))


# --------------------------------------------------------------------------- fetch


def test_fetch_downloads_into_the_cache_and_checks_the_sum(tmp_path, monkeypatch):
    content = b"date,area\n2022-02-24 00:00:00,1.0\n"
    import hashlib

    entry = {"url": "https://example.invalid/territory.csv", "filename": "territory.csv",
             "sha256": hashlib.sha256(content).hexdigest()}
    monkeypatch.setitem(DATASETS, "toy", entry)
    calls = []

    def fake(url: str, fh, *, deadline: float) -> None:  # writes into the open partial file
        calls.append(url)
        fh.write(content)

    monkeypatch.setattr(_fetch, "_download", fake)
    path = fetch_dataset("toy", cache_dir=tmp_path)
    assert path == tmp_path / "toy" / "territory.csv"
    assert path.read_bytes() == content
    fetch_dataset("toy", cache_dir=tmp_path)  # cached: no second download
    assert calls == [entry["url"]]


def test_fetch_puts_the_missile_file_and_its_catalogue_in_one_folder(tmp_path, monkeypatch):
    import hashlib

    files = {
        "missile_attacks": ("missile_attacks_daily.csv", _tiny_missile_file(
            "2024-01-01,2024-01-01 08:00,Kalibr,,Ukraine,,3,2,,,{}" + "," * 11 + "kpszsu/a",
        ).getvalue().encode()),
        "missile_catalogue": ("missiles_and_uavs.csv", _tiny_catalogue().getvalue().encode()),
    }
    by_url = {}
    for key, (filename, content) in files.items():
        url = f"https://example.invalid/{filename}"
        by_url[url] = content
        monkeypatch.setitem(DATASETS, key, {"url": url, "filename": filename,
                                            "sha256": hashlib.sha256(content).hexdigest()})
    calls = []

    def fake(url: str, dest, **kw: object) -> None:
        calls.append(url)
        if hasattr(dest, "write_bytes"):
            dest.write_bytes(by_url[url])
        else:  # an open file
            dest.write(by_url[url])

    monkeypatch.setattr(_fetch, "_download", fake)
    path = fetch_dataset("missile_attacks", cache_dir=tmp_path)
    assert path == tmp_path / "missile_attacks" / "missile_attacks_daily.csv"
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "missile_attacks_daily.csv", "missiles_and_uavs.csv"]
    assert len(calls) == 2
    # the reader finds the catalogue beside the file: the Kalibr row is a cruise missile
    assert set(read_missile_attacks(path)["category"]) == {"cruise missile"}
    # the catalogue alone goes into the same folder, and is not downloaded again
    assert fetch_dataset("missile_catalogue", cache_dir=tmp_path) == (
        path.parent / "missiles_and_uavs.csv")
    assert len(calls) == 2


def test_fetch_rejects_a_wrong_checksum(tmp_path, monkeypatch):
    monkeypatch.setitem(DATASETS, "toy", {"url": "https://example.invalid/x.csv",
                                          "filename": "x.csv", "sha256": "0" * 64})
    monkeypatch.setattr(_fetch, "_download", lambda url, fh, **kw: fh.write(b"x"))
    with pytest.raises(ValueError, match="checksum mismatch.*expected sha256 0000"):
        fetch_dataset("toy", cache_dir=tmp_path)
    assert not (tmp_path / "toy" / "x.csv").exists()


def test_fetch_offline_says_where_to_get_the_file(tmp_path, monkeypatch):
    def offline(url: str, fh: object, **kw: object) -> None:
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(_fetch, "_download", offline)
    with pytest.raises(ConnectionError, match=r"could not download dataset 'oryx_daily' from "
                                              r"https://raw\.githubusercontent\.com/.*offline"):
        fetch_dataset("oryx_daily", cache_dir=tmp_path)


def test_fetch_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="known: .*missile_attacks"):
        fetch_dataset("nope")


def test_pinned_checksums_match_the_shared_copies(shared_data):
    # the shared copies are byte copies of the pinned commits (SOURCE.md)
    import hashlib

    where = {"missile_attacks": ("massive_missile_attacks", "missile_attacks_daily.csv"),
             "oryx_daily": ("oryx_scarnecchia", "daily_count.csv"),
             "losses_personnel": ("russia_losses_petroivaniuk", "russia_losses_personnel.json")}
    for name, parts in where.items():
        data = Path(shared_data(*parts)).read_bytes()
        assert hashlib.sha256(data).hexdigest() == DATASETS[name]["sha256"]


# ----------------------------------------------------------- many impossible rows at once

_CATALOGUE_TEXT = ("model,category,national_origin,type,launch_platform,name,name_NATO,in_sevice,"
                   "designer,manufacturer,guidance_system,unit_cost\n"
                   "Shahed-136/131,UAV,,,,,,,,,,\n")


def _missile_file(tmp_path: Path, figures: list[tuple[str, ...]]) -> Path:
    """A file in the public layout, one row per (launched, destroyed, not_reach_goal,
    still_attacking, border_crossing), each its own wave; the catalogue beside it."""
    lines = [",".join(MISSILE_COLUMNS)]
    for i, (launched, destroyed, lost, still, border) in enumerate(figures):
        start = pd.Timestamp("2024-11-01 20:00") + pd.Timedelta(days=i)
        end = start + pd.Timedelta(hours=13)
        lines.append(f"{start:%Y-%m-%d %H:%M},{end:%Y-%m-%d %H:%M},Shahed-136/131,,Ukraine,,"
                     f"{launched},{destroyed},{lost},{still},{border}" + "," * 11
                     + f"kpszsu/posts/p{i}")
    path = tmp_path / "missile_attacks_daily.csv"
    path.write_text("\n".join(lines) + "\n")
    (tmp_path / "missiles_and_uavs.csv").write_text(_CATALOGUE_TEXT)
    return path


#: (figures, the reason its row is refused for, written out by hand from the rule:
#: a single part above launched is named alone, else every non-zero part is summed)
_IMPOSSIBLE = [
    (("10", "12", "", "", "{}"),
     "destroyed (12) exceeds launched (10): a part cannot exceed the whole"),
    (("10", "6", "5", "", "{}"),
     "destroyed (6) + not_reach_goal (5) = 11 exceeds launched (10): the parts cannot "
     "exceed the whole"),
    (("10", "0", "11", "", "{}"), "not_reach_goal (11) exceeds launched (10): a part cannot "
                                  "exceed the whole"),
    (("10", "4", "3", "4", "{}"),
     "destroyed (4) + not_reach_goal (3) + still_attacking (4) = 11 exceeds launched (10): "
     "the parts cannot exceed the whole"),
    (("10", "4", "", "3", "\"{'belarus': 4.0}\""),
     "destroyed (4) + still_attacking (3) + border_crossing (4) = 11 exceeds launched (10): "
     "the parts cannot exceed the whole"),
    (("100", "150", "120", "", "{}"),
     "destroyed (150) exceeds launched (100): a part cannot exceed the whole"),
    (("1000", "999", "2", "", "{}"),
     "destroyed (999) + not_reach_goal (2) = 1001 exceeds launched (1000): the parts cannot "
     "exceed the whole"),
    # Python's :g keeps 6 significant digits
    (("1000000", "1000001", "", "", "{}"),
     "destroyed (1e+06) exceeds launched (1e+06): a part cannot exceed the whole"),
]


def test_many_impossible_rows_each_get_their_own_reason_and_the_error_counts_them(tmp_path):
    good = [("10", "5", "", "", "{}"), ("20", "10", "5", "", "{}")]
    path = _missile_file(tmp_path, good + [f for f, _ in _IMPOSSIBLE])
    # the first impossible row (row 2, line 4) is named; the others are counted, five listed
    with pytest.raises(InputError, match=re.escape(
            "line 4 (row 2), column 'destroyed': destroyed (12) exceeds launched (10): a part "
            "cannot exceed the whole; got 12 (7 more such rows: line 5, line 6, line 7, line 8, "
            "line 9 ...); use the screen_* reader")):
        read_missile_attacks(path)
    table = screen_missile_attacks(path)
    refused = table.set_aside.loc[table.set_aside["refused"].eq(True)]
    by_row = refused.groupby(level="row")["reason"].agg(set)
    expected = {2 + k: {f"line {4 + k} (row {2 + k}): {why}"}
                for k, (_, why) in enumerate(_IMPOSSIBLE)}
    assert by_row.to_dict() == expected
    assert set(table.observations["row"]) == {0, 1}
    # the derived remainder of an impossible row is set aside with its excess
    unacc = table.set_aside.loc[table.set_aside["metric"].eq("unaccounted")
                                & table.set_aside["refused"].ne(True), "reason"]
    assert unacc.loc[2] == "outcomes exceed launched by 2"  # 10 - 12
    assert unacc.loc[7] == "outcomes exceed launched by 170"  # 100 - 150 - 120


def test_repeated_lines_each_name_their_first_occurrence(tmp_path):
    rows = [("10", "5", "", "", "{}"), ("20", "10", "5", "", "{}"), ("30", "10", "", "", "{}")]
    path = _missile_file(tmp_path, rows)
    text = path.read_text().splitlines()
    # lines 5 and 6 repeat lines 2 and 3; line 7 repeats line 2 again
    path.write_text("\n".join([*text, text[1], text[2], text[1]]) + "\n")
    with pytest.raises(InputError, match=re.escape(
            "line 5 (row 3) repeats line 2 (row 0) exactly (one report given twice); got ")):
        read_missile_attacks(path)
    aside = screen_missile_attacks(path).set_aside
    refused = aside.loc[aside["refused"].eq(True)].groupby(level="row")["reason"].agg(set)
    assert refused.to_dict() == {
        3: {"line 5 (row 3) repeats line 2 (row 0) exactly (one report given twice)"},
        4: {"line 6 (row 4) repeats line 3 (row 1) exactly (one report given twice)"},
        5: {"line 7 (row 5) repeats line 2 (row 0) exactly (one report given twice)"},
    }


def test_fmt_g_and_where_many_equal_the_per_value_formatting():
    from conflictstats._files import CsvInfo
    from conflictstats.sources._common import _where, _where_many, fmt_g

    values = np.array([0.0, 1.0, 12.5, 1e6, 1000001.0, 123456789.0, 0.1, 12.0])
    assert fmt_g(values).tolist() == [f"{v:g}" for v in values]  # Python's own :g
    info = CsvInfo(name="f.csv", lines=np.array([2, 3, 5, 6]),
                   set_aside=pd.DataFrame())
    rows = np.array([3, 0, 2])
    assert _where_many(rows, info).tolist() == [_where(r, info) for r in rows]
    assert _where_many(rows, None).tolist() == ["row 3", "row 0", "row 2"]

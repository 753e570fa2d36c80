"""The bundled synthetic demonstration campaign: reproducible, valid and as documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import conflictstats as cs

DATA = Path(__file__).resolve().parents[1] / "data"
CSV = DATA / "demo_campaign.csv"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_demo", DATA / "make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_demo():
    return _load_script()


@pytest.fixture(scope="module")
def obs():
    return cs.read_observations(CSV)


def test_script_reproduces_the_committed_csv_byte_for_byte(make_demo, tmp_path):
    out = make_demo.main(["--out", str(tmp_path / "demo.csv")])
    assert out.read_bytes() == CSV.read_bytes()


def test_another_seed_gives_other_numbers(make_demo):
    a = make_demo.build()
    b = make_demo.build(seed=make_demo.SEED + 1)
    assert not a["value"].equals(b["value"])


def test_csv_is_small(obs):
    assert CSV.stat().st_size < 300_000


def test_every_row_is_labelled_synthetic_and_has_an_entity(obs):
    assert (obs["source"] == "synthetic demo (conflictstats)").all()
    assert obs["entity"].notna().all()
    assert list(obs.columns[:9]) == list(cs.OBSERVATION_COLUMNS)


def test_metrics_units_and_kinds_are_as_documented(obs):
    kinds = obs.groupby("metric")["kind"].unique().map(list).to_dict()
    assert kinds == {
        "drones_launched": ["flow"], "drones_shot_down": ["flow"],
        "drones_lost_track": ["flow"], "occupied_area": ["level"], "aid_allocated": ["flow"],
    }
    assert set(obs.loc[obs["metric"] == "aid_allocated", "unit"]) == {"NOK", "EUR", "USD", "GBP"}
    assert set(obs.loc[obs["metric"] == "occupied_area", "unit"]) == {"km2"}


def _nightly(obs, metric):
    rows = obs[obs["metric"] == metric]
    return rows.set_index(rows["end"].dt.normalize())["value"]


def test_overnight_windows_run_from_19_to_08_and_end_in_november(obs):
    drones = obs[obs["metric"].str.startswith("drones_")]
    assert (drones["start"].dt.hour == 19).all() and (drones["end"].dt.hour == 8).all()
    assert ((drones["end"] - drones["start"]) == pd.Timedelta(hours=13)).all()
    assert drones["end"].max().normalize() == pd.Timestamp("2024-11-30")
    assert drones["end"].min().normalize() == pd.Timestamp("2024-06-01")


def test_interceptions_never_exceed_launches(obs):
    launched = _nightly(obs, "drones_launched")
    shot = _nightly(obs, "drones_shot_down")
    lost = _nightly(obs, "drones_lost_track")
    assert shot.index.equals(launched.index)
    assert (shot <= launched).all()
    both = lost.index
    assert (lost <= launched[both] - shot[both]).all()


def test_some_nights_are_missing_not_zero(obs):
    launched = _nightly(obs, "drones_launched")
    nights = pd.date_range("2024-06-01", "2024-11-30", freq="D")
    missing = nights.difference(launched.index)
    assert 3 <= len(missing) <= 30
    assert (launched > 0).all()


def test_record_nights_are_running_maxima_ending_with_the_reported_188(obs, make_demo):
    launched = _nightly(obs, "drones_launched").sort_index()
    new_max = launched > launched.cummax().shift(1, fill_value=-1)
    records = launched[new_max].index[1:]  # the first night is trivially a maximum
    expected = pd.DatetimeIndex(list(make_demo.RECORD_NIGHTS))
    assert expected.isin(records).all()
    assert launched.idxmax() == pd.Timestamp("2024-11-26")
    night = obs[obs["end"] == pd.Timestamp("2024-11-26 08:00")].set_index("metric")["value"]
    np.testing.assert_allclose(
        night[["drones_launched", "drones_shot_down", "drones_lost_track"]], [188, 76, 96]
    )


def test_launches_rise_after_the_regime_change(obs, make_demo):
    launched = _nightly(obs, "drones_launched")
    cut = pd.Timestamp(make_demo.REGIME_DATE)
    before = launched[(launched.index < cut) & (launched.index >= cut - pd.Timedelta(days=30))]
    after = launched[(launched.index >= cut) & (launched.index < cut + pd.Timedelta(days=30))]
    # the mean jumps by REGIME_FACTOR (1.5); allow for noise and the records
    assert after.median() > 1.25 * before.median()


def test_area_level_has_gaps_and_weekly_gains_of_tens_to_hundreds(obs):
    area = _nightly(obs, "occupied_area")
    days = pd.date_range("2024-06-01", "2024-11-30", freq="D")
    assert 0.7 * len(days) < len(area) < 0.95 * len(days)
    assert area.is_monotonic_increasing
    weekly = area.resample("W-SUN").last().diff().dropna()
    assert weekly.min() > 10 and 120 < weekly.max() < 300


def test_aid_rows_cover_whole_months_one_per_donor(obs):
    aid = obs[obs["metric"] == "aid_allocated"]
    assert (aid["start"].dt.day == 1).all()
    assert (aid["end"] == aid["start"] + pd.offsets.MonthEnd(0)).all()
    assert not aid.duplicated(["entity", "start"]).any()
    assert aid["entity"].nunique() >= 4

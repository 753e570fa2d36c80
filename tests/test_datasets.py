"""The bundled data: the seed article's figures and the synthetic demo."""

from __future__ import annotations

import pandas as pd

import conflictstats as cs
from conflictstats.datasets import data_path, load_demo, load_seed_article


def test_the_seed_article_has_one_valid_row_per_figure():
    seed = load_seed_article()
    assert list(seed.columns[:9]) == list(cs.OBSERVATION_COLUMNS)
    assert {"text", "note"} <= set(seed.columns)
    by_metric = seed.groupby("metric")["value"].sum()
    assert by_metric["drones_launched"] == 188
    assert by_metric["drones_shot_down"] == 76
    assert by_metric["drones_lost_track"] == 96
    area = seed.loc[(seed["metric"] == "area_captured") & (seed["value"] == 235)].iloc[0]
    assert area["qualifier"] == "almost" and area["unit"] == "km2"
    assert (area["end"] - area["start"]).days == 6  # "over the past week"


def test_every_seed_phrase_with_a_number_parses_back_to_its_row():
    seed = load_seed_article()
    checked = 0
    for _, row in seed.iterrows():
        try:
            q = cs.parse_quantity(row["text"], currency="NOK")
        except ValueError:
            continue  # "an area half the size of London", "day 1,007", "15th package" ...
        if q.unit == "count" and row["unit"] != "count":
            continue
        assert q.value == row["value"], row["text"]
        assert q.qualifier == row["qualifier"], row["text"]
        checked += 1
    assert checked >= 12


def test_the_seed_war_day_matches_the_calendar():
    seed = load_seed_article()
    row = seed.loc[seed["metric"] == "war_day"].iloc[0]
    assert cs.war_day(row["end"], base=0) == row["value"]


def test_the_demo_is_labelled_synthetic_and_valid():
    demo = load_demo()
    assert demo["source"].str.contains("synthetic").all()
    assert {"drones_launched", "occupied_area", "aid_allocated"} <= set(demo["metric"])


def test_data_files_resolve_to_real_paths():
    assert data_path("seed_article.csv").is_file()
    assert pd.read_csv(data_path("seed_article.csv")).shape[0] == len(load_seed_article())

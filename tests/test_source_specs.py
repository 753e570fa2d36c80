"""The source declarations: one per public dataset, each checked on its real file.

Every number below is computed by hand with plain pandas (or json) from the raw
file in ../shared/data, next to the library's answer.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pandas as pd
import pytest
from conftest import REPO, shared_file
from numpy.testing import assert_allclose

import conflictstats as cs
from conflictstats import sources
from conflictstats.errors import InputError
from conflictstats.sources import (
    DATASETS,
    EVENT_DATE_RULES,
    SOURCES,
    SourceSpec,
    guess_source,
    source_spec,
    sources_table,
)

#: reader name -> the folder of ../shared/data holding its files
FOLDERS = {
    "missile_attacks": "massive_missile_attacks",
    "deepstate_area": "deepstate_area",
    "liveuamap_territory": "liveuamap_territory",
    "nzz_area": "liveuamap_territory",
    "kiel_tracker": "kiel_support_tracker",
    "general_staff_losses": "russia_losses_petroivaniuk",
    "oryx_daily": "oryx_scarnecchia",
    "oryx_events": "oryx_scarnecchia",
}


# --------------------------------------------------------------------------- the registry


def test_every_reader_has_one_declaration_and_every_declaration_a_folder():
    assert set(SOURCES) == set(FOLDERS)
    for name, spec in SOURCES.items():
        assert isinstance(spec, SourceSpec) and spec.name == name


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_a_declaration_names_functions_and_downloads_that_exist(name):
    spec = SOURCES[name]
    assert callable(getattr(sources, spec.reader))
    assert callable(getattr(sources, spec.screener))
    assert spec.event_dates in EVENT_DATE_RULES
    assert set(spec.fetch) <= set(DATASETS)
    assert list(spec.breaks) == sorted(spec.breaks, key=lambda b: b.date)
    assert "{date}" in spec.date_phrase and spec.dated("1 Mar 2024").count("1 Mar 2024") == 1
    for metric in spec.series.headline:
        assert metric in spec.definitions, f"{name}: headline {metric} has no definition"
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.scope = "anything"  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_each_public_file_is_recognised_as_its_own_dataset(name):
    spec = SOURCES[name]
    for f in (*spec.files, *spec.companions):
        assert guess_source(f) is not None
        assert guess_source(f).name == (name if f in spec.files else guess_source(f).name)
    assert guess_source(spec.files[0]).name == name


def test_an_unknown_reader_is_refused_listing_the_known_ones():
    with pytest.raises(InputError, match=r"reader must be one of missile_attacks, .*; "
                                         r"got 'missiles'"):
        source_spec("missiles")


def test_a_declaration_cannot_name_an_unknown_date_rule():
    base = SOURCES["deepstate_area"]
    with pytest.raises(ValueError, match="event_dates must be one of"):
        dataclasses.replace(base, event_dates="published")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="date_phrase must contain"):
        dataclasses.replace(base, date_phrase="on the map")


def test_the_readme_and_the_guide_describe_every_declaration():
    readme = (REPO / "README.md").read_text("utf-8")
    guide = (REPO / "docs" / "user_guide" / "sources.md").read_text("utf-8")
    table = sources_table()
    words = {"happened": "happened", "reported": "reported", "logged": "logged",
             "as_of": "as of", "period": "period"}
    for text in (readme, guide):
        for name, row in table.iterrows():
            line = next((ln for ln in text.splitlines() if ln.startswith(f"| `{name}` |")), None)
            assert line is not None, f"no table row for {name}"
            assert f"**{words[row['event_dates']]}**" in line, (name, line)


# --------------------------------------------------------------------------- on the real files


def _file(name: str, index: int = 0) -> object:
    return shared_file(FOLDERS[name], SOURCES[name].files[index])


@pytest.mark.realdata
def test_general_staff_days_are_report_mornings_covering_the_day_before():
    # raw JSON: cruise_missiles 2,731 on 2024-11-17 and 2,843 on 2024-11-18, so the post of
    # the 18th carries the 112 shot down on the 17th (missiles came 05:30-08:30 that day)
    path = _file("general_staff_losses")
    raw = pd.DataFrame(json.loads(path.read_text("utf-8"))).set_index("date")
    by_hand = raw.loc["2024-11-18", "cruise missiles"] - raw.loc["2024-11-17", "cruise missiles"]
    assert by_hand == 112
    obs = sources.read_general_staff_losses(path)
    with pytest.warns(cs.DataWarning, match="correction"):  # two, surfaced, not smoothed
        daily = cs.to_daily(obs, metric="cruise_missiles")
    assert daily.loc["2024-11-18"] == 112  # dated by the report, as declared
    spec = SOURCES["general_staff_losses"]
    assert spec.event_dates == "reported"
    assert spec.dated("18 Nov 2024") == "in the 24 hours to the morning report of 18 Nov 2024"
    assert spec.series.split == ("entity",)
    assert set(obs["entity"]) == {"Russia"}


@pytest.mark.realdata
def test_oryx_event_days_are_the_days_entries_were_logged():
    path = shared_file("oryx_scarnecchia", "event_destroyed.csv")
    raw = pd.read_csv(path)
    by_hand = raw.loc[raw["country"] == "Russia"].groupby("date_recorded").size()
    obs = sources.read_oryx_events(path)
    russia = obs.loc[obs["entity"] == "Russia"]
    got = russia.groupby(russia["end"].dt.strftime("%Y-%m-%d"))["value"].sum()
    assert_allclose(got.loc[by_hand.index].to_numpy(), by_hand.to_numpy())
    # the backlog of the first scrape (everything since 24 Feb 2022) is on 19 Mar 2022
    assert by_hand.index[0] == "2022-03-19"
    assert SOURCES["oryx_events"].event_dates == "logged"
    assert "not when it happened" in SOURCES["oryx_events"].date_caption


@pytest.mark.realdata
def test_oryx_running_totals_are_dated_by_the_scraper_runs():
    path = _file("oryx_daily")
    raw = pd.read_csv(path)
    rus = raw.loc[(raw["country"] == "Russia")
                  & raw["equipment_type"].str.contains("All Types", regex=False)]
    obs = sources.read_oryx_daily(path)
    sel = obs.loc[(obs["entity"] == "Russia") & (obs["category"] == "All Types")
                  & (obs["metric"] == "destroyed")]
    assert (sorted(sel["end"].dt.strftime("%Y-%m-%d"))
            == sorted(rus["date_recorded"].astype(str)))
    # 2022-06-09 -> 2024-09-30: one step of +10,854 destroyed over 844 days, which is
    # spread (not measured day by day)
    with pytest.warns(cs.DataWarning, match="correction"):  # reclassifications surface
        daily = cs.to_daily(sel, metric="destroyed")
    step = daily.loc["2022-06-10":"2024-09-30"]
    assert_allclose(step.sum(), 13359 - 2505)
    assert len(step) == 844
    from conflictstats._kinds import decode_spans

    spans = decode_spans(daily.attrs["spans"]).astype("datetime64[D]")
    assert [pd.Timestamp("2022-06-10"), pd.Timestamp("2024-09-30")] in [
        [pd.Timestamp(a), pd.Timestamp(b)] for a, b in spans]


@pytest.mark.realdata
def test_deepstate_levels_are_as_of_the_days_map():
    path = _file("deepstate_area")
    raw = pd.read_csv(path).set_index("date")
    obs = sources.read_deepstate_area(path)
    level = cs.to_daily(obs, metric="occupied_area")
    assert_allclose(level.loc["2024-11-24"], raw.loc["2024-11-24", "occupied_km2"])
    assert SOURCES["deepstate_area"].event_dates == "as_of"


@pytest.mark.realdata
def test_nzz_and_liveuamap_are_two_sources_with_two_definitions():
    nzz = sources.read_nzz_area(_file("nzz_area"))
    live = sources.read_liveuamap_territory(_file("liveuamap_territory"))
    raw_nzz = json.loads(_file("nzz_area").read_text("utf-8"))
    raw_live = pd.read_csv(_file("liveuamap_territory")).set_index("date")
    a = cs.to_daily(nzz, metric="occupied_area")
    b = cs.to_daily(live, metric="occupied_area")
    assert_allclose(a.loc["2022-03-01"], raw_nzz["2022-03-01T00:00:00.000"])
    assert_allclose(b.loc["2022-03-01"], raw_live.loc["2022-03-01 00:00:00", "area"])
    assert round(a.loc["2022-03-01"]) == 60440 and round(b.loc["2022-03-01"]) == 84926
    assert set(nzz["source"]) == {"nzz"} and set(live["source"]) == {"liveuamap"}
    assert SOURCES["nzz_area"].credit.startswith("NZZ")
    assert "Crimea" in SOURCES["liveuamap_territory"].definitions["occupied_area"]
    assert SOURCES["nzz_area"].definitions != SOURCES["liveuamap_territory"].definitions


@pytest.mark.realdata
def test_kiels_two_military_files_are_two_metrics():
    totals = sources.read_kiel_tracker(shared_file("kiel_support_tracker",
                                                   "total_allocations.csv"))
    modes = sources.read_kiel_tracker(shared_file("kiel_support_tracker",
                                                  "procurement_trends.csv"))
    raw_t = pd.read_csv(shared_file("kiel_support_tracker", "total_allocations.csv"))
    raw_m = pd.read_csv(shared_file("kiel_support_tracker", "procurement_trends.csv"))
    feb_t = raw_t.loc[(raw_t["year"] == 2026) & (raw_t["month"] == 2), "military"].iloc[0]
    feb_m = raw_m.loc[(raw_m["year"] == 2026) & (raw_m["month"] == 2),
                      ["stockpile", "procurement", "unspecified", "nato_purl"]].sum(axis=1)
    assert (round(feb_t, 2), round(float(feb_m.iloc[0]), 2)) == (3.41, 3.78)
    assert set(modes["metric"]) == {"military_aid_by_delivery_mode"}
    assert "military_aid_by_delivery_mode" not in set(totals["metric"])
    got = modes.loc[modes["start"] == "2026-02-01", "value"].sum()
    assert_allclose(got, float(feb_m.iloc[0]) * 1e9)
    spec = SOURCES["kiel_tracker"]
    assert spec.event_dates == "period"
    assert re.search(r"differ", spec.definitions["military_aid_by_delivery_mode"])


@pytest.mark.realdata
def test_the_missile_file_needs_its_catalogue_beside_it(tmp_path):
    from conflictstats.datasets import load_dataset

    alone = tmp_path / "missile_attacks_daily.csv"
    alone.write_bytes(_file("missile_attacks").read_bytes())
    with pytest.raises(InputError, match=r"missiles_and_uavs\.csv must lie beside "
                                         r"missile_attacks_daily\.csv"):
        load_dataset(alone, reader="missile_attacks")
    assert SOURCES["missile_attacks"].companions == ("missiles_and_uavs.csv",)
    assert {"missile_attacks", "missile_catalogue"} <= set(SOURCES["missile_attacks"].fetch)


@pytest.mark.realdata
def test_the_report_dates_general_staff_figures_by_their_morning_report(tmp_path):
    import warnings

    from conflictstats.report import weekly_report

    obs = sources.read_general_staff_losses(_file("general_staff_losses"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.DataWarning)
        rep = weekly_report({"losses": obs}, reader="general_staff_losses", week="2024-11-24",
                            conflict="sum", out=tmp_path)
    line = next(t for t in rep.facts["text"].dropna() if t.startswith("Record day for Russian "
                                                                       "cruise missiles"))
    assert "112 in the 24 hours to the morning report of 18 Nov 2024" in line
    assert "Dates: Each morning's post gives running totals" in rep.summary
    svg = next(p for p in tmp_path.glob("*cruise_missiles*.svg")).read_text("utf-8")
    assert "report dates" in svg


@pytest.mark.realdata
def test_the_report_says_oryx_days_are_logged_not_lost(tmp_path):
    import warnings

    from conflictstats.report import weekly_report

    obs = sources.read_oryx_events(shared_file("oryx_scarnecchia", "event_destroyed.csv"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.DataWarning)
        rep = weekly_report({"oryx": obs}, reader="oryx_events", week="2024-11-24",
                            conflict="sum", out=tmp_path)
    assert "the day the scraper first saw the entry, not the day of the loss" in rep.summary
    assert rep.facts["source"].dropna().str.contains("not when it happened").all()

"""Bad inputs, table by table: each either raises a clear error or gives the right value.

One family per table: truncated files, readers, dates, units, news phrases,
degenerate series and the remaining cases. For an error the table gives the class
and the words the message must hold (file, line, column, value); for a value, the
value expected (a hand reading of the phrase or row, shown in the table).

The truncated public files are made at test time in ``tmp_path`` from
``../shared/data``; nothing of those files is kept in the repository.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import warnings
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conflictstats as cs
from conflictstats import sources
from conflictstats._validate import as_series
from conflictstats.datasets import data_path
from conflictstats.errors import InputError, ObservationError

# ---------------------------------------------------------------------------
# truncated files
# ---------------------------------------------------------------------------

SNAPSHOT = {"as_of": "2026-04-30"}
#: (folder, file, reader, screen twin or None, keyword arguments)
PUBLIC_FILES = [
    ("deepstate_area", "deepstate_occupied_area_daily.csv", "read_deepstate_area",
     "screen_deepstate_area", {}),
    ("deepstate_area", "deepstate_occupied_area_snapshots_2022-2025.csv", "read_deepstate_area",
     "screen_deepstate_area", {}),
    ("deepstate_area", "deepstate_occupied_area_cyterat_daily_2024-2026.csv",
     "read_deepstate_area", "screen_deepstate_area", {}),
    ("liveuamap_territory", "territory.csv", "read_liveuamap_territory",
     "screen_liveuamap_territory", {}),
    ("liveuamap_territory", "nzz_area_occupied.json", "read_nzz_area", None, {}),
    ("massive_missile_attacks", "missile_attacks_daily.csv", "read_missile_attacks",
     "screen_missile_attacks",  # the copies in tmp_path need their catalogue
     {"catalogue": SHARED_DATA / "massive_missile_attacks" / "missiles_and_uavs.csv"}),
    ("massive_missile_attacks", "missiles_and_uavs.csv", "read_missile_catalogue", None, {}),
    ("kiel_support_tracker", "data_explorer.csv", "read_kiel_tracker", "screen_kiel_tracker",
     {}),
    ("kiel_support_tracker", "total_allocations.csv", "read_kiel_tracker",
     "screen_kiel_tracker", {}),
    ("kiel_support_tracker", "procurement_trends.csv", "read_kiel_tracker",
     "screen_kiel_tracker", {}),
    ("kiel_support_tracker", "weapons.csv", "read_kiel_snapshot", "screen_kiel_snapshot",
     SNAPSHOT),
    ("kiel_support_tracker", "eu_aid_shares.csv", "read_kiel_snapshot", "screen_kiel_snapshot",
     SNAPSHOT),
    ("oryx_scarnecchia", "daily_count.csv", "read_oryx_daily", "screen_oryx_daily", {}),
    ("oryx_scarnecchia", "totals_by_type.csv", "read_oryx_totals", "screen_oryx_totals",
     SNAPSHOT),
    ("oryx_scarnecchia", "event_abandoned.csv", "read_oryx_events", "screen_oryx_events", {}),
    ("oryx_scarnecchia", "event_captured.csv", "read_oryx_events", "screen_oryx_events", {}),
    ("oryx_scarnecchia", "event_damaged.csv", "read_oryx_events", "screen_oryx_events", {}),
    ("oryx_scarnecchia", "event_destroyed.csv", "read_oryx_events", "screen_oryx_events", {}),
    ("russia_losses_petroivaniuk", "russia_losses_personnel.csv", "read_general_staff_losses",
     "screen_general_staff_losses", {}),
    ("russia_losses_petroivaniuk", "russia_losses_equipment.csv", "read_general_staff_losses",
     "screen_general_staff_losses", {}),
    ("russia_losses_petroivaniuk", "russia_losses_personnel.json", "read_general_staff_losses",
     None, {}),
    ("russia_losses_petroivaniuk", "russia_losses_equipment.json", "read_general_staff_losses",
     None, {}),
    ("russia_losses_petroivaniuk", "russia_losses_equipment_oryx.json",
     "read_general_staff_losses", None, {}),
]
SIDE_FILES = [
    # a side file read beside the main one: (folder, side file, main file, reader, kwargs)
    ("kiel_support_tracker", "release_info.csv", "total_allocations.csv", "read_kiel_tracker",
     {}),
    ("russia_losses_petroivaniuk", "russia_losses_equipment_correction.json",
     "russia_losses_equipment.csv", "read_general_staff_losses", {}),
]


def _source(folder: str, name: str) -> bytes:
    path = SHARED_DATA / folder / name
    if not path.exists():
        pytest.skip(f"public dataset not available at {path}")
    return path.read_bytes()


def _cut_inside_last_value(data: bytes) -> bytes:
    """Drop the final line end and the last two characters: the last value is cut."""
    return data.rstrip(b"\n")[:-2]


def _ids(cases):
    return [c[1] for c in cases]


@pytest.mark.realdata
@pytest.mark.parametrize(("folder", "name", "reader", "screen", "kwargs"), PUBLIC_FILES,
                         ids=_ids(PUBLIC_FILES))
def test_a_truncated_public_file_is_refused_naming_file_and_line(tmp_path, folder, name, reader,
                                                                 screen, kwargs):
    data = _source(folder, name)
    cut = tmp_path / name
    cut.write_bytes(_cut_inside_last_value(data))
    if name.endswith(".json"):
        # JSON cut short never parses; the error gives the file, line and column
        expected = rf"{re.escape(name)}.*line \d+, column \d+: not valid JSON.*cut short"
    else:
        last = data.rstrip(b"\n").count(b"\n") + 1  # physical line number of the last line
        expected = rf"{re.escape(name)}.*line {last} is incomplete"
    with pytest.raises(InputError, match=expected):
        getattr(sources, reader)(cut, **kwargs)


def _kept_values(table: cs.ObservationTable) -> pd.Series:
    obs = table.observations
    if "row" not in obs.columns:  # oryx events: counts per day, not per line
        return pd.Series(dtype=float)
    obs = obs[obs["row"].notna()]
    key = pd.MultiIndex.from_arrays([obs["row"].astype(str), obs["metric"].astype(str),
                                     obs.get("mode", obs["metric"]).astype(str)])
    return pd.Series(obs["value"].to_numpy(), index=key)


@pytest.mark.realdata
@pytest.mark.parametrize(("folder", "name", "reader", "screen", "kwargs"),
                         [c for c in PUBLIC_FILES if c[3] is not None],
                         ids=_ids([c for c in PUBLIC_FILES if c[3] is not None]))
def test_screening_a_truncated_public_file_sets_the_cut_line_aside_and_keeps_every_number(
        tmp_path, folder, name, reader, screen, kwargs):
    data = _source(folder, name)
    whole, cut = tmp_path / "whole" / name, tmp_path / "cut" / name
    whole.parent.mkdir()
    cut.parent.mkdir()
    whole.write_bytes(data)
    cut.write_bytes(_cut_inside_last_value(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = getattr(sources, screen)(whole, **kwargs)
        part = getattr(sources, screen)(cut, **kwargs)
    aside = part.set_aside
    incomplete = aside[aside["reason"] == "line is incomplete"]
    assert len(incomplete) == 1
    # every number kept from the cut file is the number the whole file gives for that line
    kept, ref = _kept_values(part), _kept_values(full)
    common = kept.index.intersection(ref.index)
    assert len(common) == len(kept)
    np.testing.assert_array_equal(kept.loc[common].to_numpy(), ref.loc[common].to_numpy())
    if reader == "read_oryx_events":  # one event line fewer, accounted for as set aside
        assert part.observations["value"].sum() + 1 == full.observations["value"].sum()


@pytest.mark.realdata
@pytest.mark.parametrize(("folder", "side", "main", "reader", "kwargs"), SIDE_FILES,
                         ids=[c[1] for c in SIDE_FILES])
def test_a_truncated_side_file_is_refused_even_by_the_screening_twin(tmp_path, folder, side,
                                                                      main, reader, kwargs):
    (tmp_path / main).write_bytes(_source(folder, main))
    (tmp_path / side).write_bytes(_cut_inside_last_value(_source(folder, side)))
    with pytest.raises(InputError, match=re.escape(side)):
        getattr(sources, reader)(tmp_path / main, **kwargs)
    screen = reader.replace("read_", "screen_")
    with pytest.raises(InputError, match=re.escape(side)):
        getattr(sources, screen)(tmp_path / main, **kwargs)


def test_the_observation_csv_cut_inside_its_end_date_is_refused_not_shortened(tmp_path):
    text = ("metric,value,unit,start,end,kind\n"
            "area_captured,235,km2,2024-11-18,2024-11-24,flow\n"
            "area_captured,180,km2,2024-11-15,2024-11-21,flow\n")
    cut = tmp_path / "obs.csv"
    cut.write_text(text[:-2])  # "2024-11-21,flow\n" -> "2024-11-21,flo"
    with pytest.raises(InputError, match=r"obs\.csv: line 3 is incomplete"):
        cs.read_observations(cut)
    cut.write_text(text.replace("2024-11-21,flow\n", "2024-11-2"))  # the audit's cut
    with pytest.raises(InputError, match=r"obs\.csv: line 3 is incomplete"):
        cs.read_observations(cut)
    with pytest.warns(cs.DataWarning, match="1 of 2 observation rows set aside"):
        table = cs.screen_observations(cut)
    assert table.set_aside["reason"].tolist() == ["line is incomplete"]
    assert table.observations["value"].tolist() == [235.0]


def test_the_bundled_observation_files_cut_short_are_refused(tmp_path):
    for name in ("seed_article.csv", "demo_campaign.csv"):
        data = data_path(name).read_bytes()
        cut = tmp_path / name
        cut.write_bytes(_cut_inside_last_value(data))
        with pytest.raises(InputError, match=rf"{re.escape(name)}: line \d+ is incomplete"):
            cs.read_observations(cut)


# ---------------------------------------------------------------------------
# readers: empty, header-only, encodings, garbage numbers, JSON
# ---------------------------------------------------------------------------

DEEPSTATE_HEAD = "file_date,occupied_km2,n_polygons\n"
LIVEUAMAP_HEAD = "date,area\n"
LOSSES_HEAD = "date,day,personnel,personnel*,POW\n"
TOTALS_HEAD = "year,month,total_allocations,military,financial,humanitarian\n"
ORYX_HEAD = ("country,equipment_type,destroyed,abandoned,captured,damaged,type_total,"
             "date_recorded,destroyed_diff,abandoned_diff,captured_diff,damaged_diff,"
             "type_total_diff,destroyed_diff_diff,abandoned_diff_diff,captured_diff_diff,"
             "damaged_diff_diff,type_total_diff_diff\n")
MISSILE_HEAD = ",".join(sources.MISSILE_COLUMNS) + "\n"
MISSILE_ROW = ("2024-11-25 19:30,2024-11-26 09:00,Shahed-136/131,,Ukraine,,{launched},76,95,,{{}}"
               + "," * 11 + "kpszsu/posts/1\n")

#: (id, reader, file name, bytes, error words)
READER_CASES = [
    ("empty file", "read_deepstate_area", "area.csv", b"", r"area\.csv\): the file is empty"),
    ("blank file", "read_liveuamap_territory", "t.csv", b"\n\n", r"t\.csv\): the file is empty"),
    ("header only", "read_deepstate_area", "area.csv", DEEPSTATE_HEAD.encode(),
     r"area\.csv\): the file has a header line .* but no data lines"),
    ("header only, kiel", "read_kiel_tracker", "total_allocations.csv", TOTALS_HEAD.encode(),
     r"total_allocations\.csv\): the file has a header line .* but no data lines"),
    ("header cut", "read_liveuamap_territory", "t.csv", b"date,ar",
     r"t\.csv\): line 1 is incomplete: the file ends inside the header"),
    ("cp1252 byte", "read_liveuamap_territory", "t.csv",
     "date,area\n2022-02-24,47106.5 km\u00b2\n".encode("cp1252"),
     r"t\.csv\): line 2, column 22: byte 0xb2 is not valid text .*encodings tried \(utf-8"),
    ("garbage number, deepstate", "read_deepstate_area", "area.csv",
     (DEEPSTATE_HEAD + "2024-07-08,109360.869,7\n2024-07-09,12O7,7\n").encode(),
     r"area\.csv\): line 3 \(row 1\), column 'occupied_km2': expected a finite number; "
     r"got '12O7'"),
    ("garbage number, liveuamap", "read_liveuamap_territory", "t.csv",
     (LIVEUAMAP_HEAD + "2022-02-24,47106.5\n2022-02-25,4x\n").encode(),
     r"t\.csv\): line 3 \(row 1\), column 'area': expected a finite number; got '4x'"),
    ("garbage number, losses", "read_general_staff_losses", "p.csv",
     (LOSSES_HEAD + "2022-02-25,2,2800,about,0\n2022-02-26,3,43OO,more,\n").encode(),
     r"p\.csv\): line 3 \(row 1\), column 'personnel': expected a finite number; got '43OO'"),
    ("garbage day number, losses", "read_general_staff_losses", "p.csv",
     (LOSSES_HEAD + "2022-02-25,two,2800,about,0\n").encode(),
     r"p\.csv\): line 2 \(row 0\), column 'day': expected a finite number; got 'two'"),
    ("garbage number, missile", "read_missile_attacks", "m.csv",
     (MISSILE_HEAD + MISSILE_ROW.format(launched="18B")).encode(),
     r"m\.csv\): line 2 \(row 0\), column 'launched': expected a finite number; got '18B'"),
    ("infinite number, oryx", "read_oryx_daily", "daily_count.csv",
     (ORYX_HEAD + "Russia,Tanks,inf,0,0,0,1,2022-03-01" + ",0" * 10 + "\n").encode(),
     r"daily_count\.csv\): line 2 \(row 0\), column 'destroyed': expected a finite number"),
    ("negative count, missile", "read_missile_attacks", "m.csv",
     (MISSILE_HEAD + MISSILE_ROW.format(launched=-188)).encode(),
     r"m\.csv\): line 2 \(row 0\), column 'launched': a count cannot be negative; got -188"),
    ("negative occupied area", "read_deepstate_area", "area.csv",
     (DEEPSTATE_HEAD + "2024-07-08,-5,7\n").encode(),
     r"area\.csv\): line 2 \(row 0\), column 'occupied_km2': an area .*cannot be negative"),
    ("month 13, kiel", "read_kiel_tracker", "total_allocations.csv",
     (TOTALS_HEAD + "2022,13,0.2,0.1,0,0\n").encode(),
     r"line 2 \(row 0\), column 'month': expected a whole number from 1 to 12; got 13"),
    ("garbage year, kiel", "read_kiel_tracker", "total_allocations.csv",
     (TOTALS_HEAD + "2O22,1,0.2,0.1,0,0\n").encode(),
     r"line 2 \(row 0\), column 'year': expected a finite number; got '2O22'"),
    ("empty month, kiel", "read_kiel_tracker", "total_allocations.csv",
     (TOTALS_HEAD + "2022,,0.2,0.1,0,0\n").encode(),
     r"column 'month': expected a whole number; got an empty cell"),
    ("short line inside", "read_deepstate_area", "area.csv",
     (DEEPSTATE_HEAD + "2024-07-08,109360.869\n2024-07-09,109365.862,7\n").encode(),
     r"area\.csv\): line 2 has 2 fields; the header \(line 1\) has 3"),
    ("long line inside", "read_liveuamap_territory", "t.csv",
     (LIVEUAMAP_HEAD + "2022-02-24,47,106.5\n2022-02-25,47200\n").encode(),
     r"t\.csv\): line 2 has 3 fields; the header \(line 1\) has 2; got '2022-02-24,47,106\.5'"),
    ("cut last line", "read_deepstate_area", "area.csv",
     (DEEPSTATE_HEAD + "2024-07-08,109360.869,7\n2024-07-09,1093").encode(),
     r"area\.csv\): line 3 is incomplete: the file ends inside it.*'2024-07-09,1093'"),
    ("JSON garbage number", "read_nzz_area", "nzz.json",
     b'{\n  "2022-02-24": 42981.0,\n  "2022-02-25": "4x"\n}\n',
     r"nzz\.json\): line 3 \(row 1\), column 'area': expected a finite number; got '4x'"),
    ("JSON garbage number, losses", "read_general_staff_losses", "p.json",
     b'[\n {"date": "2022-02-25", "day": 2, "personnel": 2800, "personnel*": "about", '
     b'"POW": 0},\n {"date": "2022-02-26", "day": 3, "personnel": "43OO", '
     b'"personnel*": "more", "POW": null}\n]\n',
     r"p\.json\): line 3 \(row 1\), column 'personnel': expected a finite number"),
    ("JSON cut", "read_nzz_area", "nzz.json", b'{"2022-02-24": 42981.0, "2022-0',
     r"nzz\.json\): line 1, column \d+: not valid JSON.*cut short"),
    ("JSON not an object", "read_nzz_area", "nzz.json", b"[1, 2]\n",
     r"expected a JSON object mapping dates to km2; found list"),
    ("JSON empty list", "read_general_staff_losses", "p.json", b"[]\n",
     r"expected a JSON list of daily records; found an empty list"),
    ("bad date, missile", "read_missile_attacks", "m.csv",
     (MISSILE_HEAD + MISSILE_ROW.format(launched=188).replace("2024-11-25 19:30",
                                                              "25/11/2024 19:30")).encode(),
     r"m\.csv\): line 2 \(row 0\), column 'time_start': expected a date or timestamp "
     r"\(a date written with slashes"),
    ("number as date, losses", "read_general_staff_losses", "p.csv",
     (LOSSES_HEAD + "45622,2,2800,about,0\n").encode(),
     r"column 'date': expected a date or timestamp \(a number is not a date"),
]


@pytest.mark.parametrize(("reader", "name", "data", "words"), [c[1:] for c in READER_CASES],
                         ids=[c[0] for c in READER_CASES])
def test_each_bad_file_is_refused_naming_file_line_and_column(tmp_path, reader, name, data,
                                                              words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=words):
        getattr(sources, reader)(path)


def test_a_quote_inside_a_field_is_a_character_and_a_cut_is_still_found(tmp_path):
    # pandas (and the csv module) keep a quote inside an unquoted field as a character
    text = ("metric,value,unit,end,kind,note\n"
            "guns_delivered,5,count,2024-11-20,flow,5\" guns\n"
            "guns_delivered,7,count,2024-11-21,flow,\"quoted, with \"\"escapes\"\"\"\n"
            "guns_delivered,9,count,2024-11-22,flow,plain\n")
    path = tmp_path / "obs.csv"
    path.write_text(text)
    obs = cs.read_observations(path)
    assert obs["value"].tolist() == [5.0, 7.0, 9.0]
    assert obs["note"].tolist() == ['5" guns', 'quoted, with "escapes"', "plain"]
    path.write_text(text[:-3])
    with pytest.raises(InputError, match=r"obs\.csv: line 4 is incomplete"):
        cs.read_observations(path)


def test_a_utf8_file_with_a_byte_order_mark_is_read():
    text = "\ufeffdate,area\n2022-02-24,47106.5\n".encode()
    obs = sources.read_liveuamap_territory(io.BytesIO(text))
    assert obs["value"].tolist() == [47106.5]


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------


def _obs(**cols):
    base = {"metric": ["area_captured", "area_captured"], "value": [235, 180],
            "unit": "km2", "kind": "flow"}
    base.update(cols)
    return pd.DataFrame(base)


#: (id, frame, keyword arguments, expected start dates or (error class, words))
DATE_CASES = [
    ("slash dates refused", _obs(start=["27/11/2024", "05/11/2024"], end="2024-11-30"), {},
     (ObservationError, r"row 0, column 'start': start: a date written with slashes .*"
                        r"dayfirst=.*got '27/11/2024'")),
    ("slash dates day first", _obs(start=["27/11/2024", "05/11/2024"], end="2024-11-30"),
     {"dayfirst": True}, ["2024-11-27", "2024-11-05"]),
    ("slash dates month first", _obs(start=["11/27/2024", "11/05/2024"], end="2024-11-30"),
     {"dayfirst": False}, ["2024-11-27", "2024-11-05"]),
    ("month-first date read day first", _obs(start=["11/27/2024", "11/05/2024"],
                                             end="2024-11-30"), {"dayfirst": True},
     (ObservationError, r"not a valid date read as day/month/year; got '11/27/2024'")),
    ("explicit format", _obs(start=["27.11.2024", "05.11.2024"], end="30.11.2024"),
     {"format": "%d.%m.%Y"}, ["2024-11-27", "2024-11-05"]),
    ("excel serial refused", _obs(start=[45622, 45601], end="2024-11-30"), {},
     (ObservationError, r"a number is not a date \(pass origin='excel'.*got 45622")),
    # Excel counts day 1 = 1900-01-01 and has a phantom 29 Feb 1900, so from March 1900 a
    # serial is the days since 1899-12-30: 2024-11-26 - 1899-12-30 = 45622 days (by hand,
    # date arithmetic), 45601 -> 2024-11-05
    ("excel serial asked for", _obs(start=[45622, 45601], end="2024-11-30"),
     {"origin": "excel"}, ["2024-11-26", "2024-11-05"]),
    ("day cut to one digit", _obs(start="2024-11-15", end=["2024-11-21", "2024-11-2"]), {},
     (ObservationError, r"row 1, column 'end': end: not a date: dates are read as ISO 8601.*"
                        r"got '2024-11-2'")),
    # Kyiv is UTC+2 in winter and UTC+3 in summer: both read as Kyiv wall-clock time
    ("offsets across daylight saving", _obs(start=["2024-03-30T22:00:00+02:00",
                                                   "2024-03-31T22:00:00+03:00"],
                                            end="2024-04-02"), {},
     ["2024-03-30 22:00", "2024-03-31 22:00"]),
    ("UTC converted to Kyiv", _obs(start=["2024-11-25T22:30:00Z", "2024-11-26T08:00Z"],
                                   end="2024-11-30"), {},
     ["2024-11-26 00:30", "2024-11-26 10:00"]),
    ("UTC kept with tz=UTC", _obs(start=["2024-11-25T22:30:00Z", "2024-11-26T08:00Z"],
                                  end="2024-11-30"), {"tz": "UTC"},
     ["2024-11-25 22:30", "2024-11-26 08:00"]),
    ("aware and naive mixed", _obs(start=["2024-11-25T22:30:00+02:00", "2024-11-26 08:00"],
                                   end="2024-11-30"), {},
     (ObservationError, r"timestamp carries a UTC offset while rows 1 have none")),
    ("impossible day", _obs(start=["2024-02-30", "2024-02-01"], end="2024-03-01"), {},
     (ObservationError, r"not a valid date \(ISO 8601 form, but no such day")),
]


@pytest.mark.parametrize(("frame", "kwargs", "expected"), [c[1:] for c in DATE_CASES],
                         ids=[c[0] for c in DATE_CASES])
def test_dates_follow_one_rule(frame, kwargs, expected):
    if isinstance(expected, tuple):
        with pytest.raises(expected[0], match=expected[1]):
            cs.read_observations(frame, **kwargs)
    else:
        obs = cs.read_observations(frame, **kwargs)
        assert obs["start"].tolist() == [pd.Timestamp(d) for d in expected]


@settings(max_examples=200, deadline=None)
# to 2037: pandas 2.2 applies no daylight-saving rule after 2037 (its zone tables stop there),
# while Python's zoneinfo extends the rule; pandas 3 agrees with zoneinfo throughout
@given(when=st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2037, 12, 31)),
       form=st.sampled_from(["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]),
       offset=st.sampled_from([None, "Z", "+02:00", "+03:00", "-05:00"]))
def test_every_iso_timestamp_is_read_as_written_and_offsets_land_in_kyiv(when, form, offset):
    text = when.strftime(form)
    when = dt.datetime.strptime(text, form)  # what the text says, to the minute or second
    if offset is not None and form != "%Y-%m-%d":
        text += offset
        zone = dt.UTC if offset == "Z" else dt.timezone(
            dt.timedelta(hours=int(offset[:3])))
        # the reference conversion is Python's zoneinfo, not pandas
        when = when.replace(tzinfo=zone).astimezone(ZoneInfo("Europe/Kyiv")).replace(tzinfo=None)
    frame = pd.DataFrame({"metric": ["m"], "value": [1], "unit": "count", "kind": "flow",
                          "end": [text]})
    assert cs.read_observations(frame)["end"].iloc[0] == pd.Timestamp(when)


def test_screening_sets_the_minority_of_aware_rows_aside_instead_of_failing_the_batch():
    starts = ["2024-11-01"] * 999 + ["2024-11-02T10:00:00+02:00"]
    frame = pd.DataFrame({"metric": "drones_launched", "value": 1.0, "unit": "count",
                          "kind": "flow", "start": starts, "end": "2024-11-03"})
    with pytest.warns(cs.DataWarning, match="1 of 1000"):
        table = cs.screen_observations(frame)
    assert len(table.observations) == 999
    assert table.set_aside.index.tolist() == [999]
    assert "carries a UTC offset" in table.set_aside["reason"].iloc[0]


#: (id, call, error words)
DATE_PARAMETER_CASES = [
    ("convert_currency slash date",
     lambda: cs.convert_currency(1.0, "EUR", "USD", date="05/11/2024"),
     r"date must be a date such as '2024-11-27': a date written with slashes"),
    ("check_claim slash date",
     lambda: cs.check_claim(pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2)),
                            date="02/01/2024"),
     r"date must be a date such as '2024-11-27': a date written with slashes"),
    ("war_day mixed list", lambda: cs.war_day(["27/11/2024", "2024-11-05"]),
     r"date: position 0: a date written with slashes"),
    ("war_day serial", lambda: cs.war_day(45622), r"a number is not a date"),
]


@pytest.mark.parametrize(("call", "words"), [c[1:] for c in DATE_PARAMETER_CASES],
                         ids=[c[0] for c in DATE_PARAMETER_CASES])
def test_date_parameters_are_never_guessed(call, words):
    with pytest.raises(InputError, match=words):
        call()


# ---------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------

#: (id, unit, value, kind, expected unit or error words)
UNIT_CASES = [
    ("k is not Boltzmann", "k", 5, "flow", r"unknown unit; accepted units are"),
    ("units is not micronit", "units", 5, "flow", r"unknown unit; accepted units are"),
    ("parsec", "parsec", 5, "flow", r"unknown unit"),
    ("trailing blank normalised", "count ", 5, "flow", "count"),
    ("trailing blank still checked", "count ", -5, "flow", r"a count cannot be negative"),
    ("case folded", "Count", -1, "flow", r"a count cannot be negative"),
    ("negative occupied area", "km2", -5, "level", r"an area .* cannot be negative.*got -5"),
    ("negative area, blanks and case", " KM2 ", -5, "level", r"an area .* cannot be negative"),
    ("an area lost is a flow", "km2", -5, "flow", "km2"),
    ("currency in lower case", "nok", 5, "flow", "NOK"),
    ("square kilometres spelled out", "square kilometres", 5, "flow", "km2"),
]


@pytest.mark.parametrize(("unit", "value", "kind", "expected"), [c[1:] for c in UNIT_CASES],
                         ids=[c[0] for c in UNIT_CASES])
def test_units_come_from_a_closed_list_after_normalisation(unit, value, kind, expected):
    frame = pd.DataFrame({"metric": ["m"], "value": [value], "unit": [unit], "kind": [kind],
                          "end": ["2024-11-26"]})
    if re.search(r"[ ;(]", expected):
        with pytest.raises(ObservationError, match=expected):
            cs.read_observations(frame)
    else:
        assert cs.read_observations(frame)["unit"].tolist() == [expected]


@pytest.mark.parametrize(("args", "words"), [
    ((1.0, "k", "count"), r"from_unit: unknown unit 'k'"),
    ((1.0, "km2", "km"), r"cannot convert km2 to km: different dimensions \(area and length\)"),
    ((1.0, "NOK", "EUR"), r"money: use convert_currency"),
    ((1e308, "km2", "m2"), r"value: 1e\+308 km2 overflows to infinity in m2"),
])
def test_convert_units_refuses_what_the_closed_list_does_not_hold(args, words):
    with pytest.raises(InputError, match=words):
        cs.convert_units(*args)


def test_convert_units_accepts_normalised_names():
    # 1 km2 = 100 ha by definition
    assert cs.convert_units(1.0, " KM2", "hectares") == pytest.approx(100.0)


# ---------------------------------------------------------------------------
# news phrases
# ---------------------------------------------------------------------------

INF = math.inf
#: (text, value, unit, qualifier, lower, upper): read by hand from the phrase
PHRASES = [
    ("1 200 drones", 1200, "count", "exact", 1200, 1200),
    ("1\u00a0200 drones", 1200, "count", "exact", 1200, 1200),
    ("1\u2009200 drones", 1200, "count", "exact", 1200, 1200),
    ("1\u202f200\u202f000 people", 1.2e6, "count", "exact", 1.2e6, 1.2e6),
    ("12,5%", 12.5, "percent", "exact", 12.5, 12.5),
    ("1.234.567,89 euros", 1234567.89, "EUR", "exact", 1234567.89, 1234567.89),
    ("10-15 drones", 12.5, "count", "between", 10, 15),
    ("10–15 drones", 12.5, "count", "between", 10, 15),
    ("30 to 40 missiles", 35, "count", "between", 30, 40),
    ("between 30 and 40 missiles", 35, "count", "between", 30, 40),
    ("$2-3bn", 2.5e9, "USD", "between", 2e9, 3e9),
    ("two-thirds", 2 / 3, "fraction", "exact", 2 / 3, 2 / 3),
    ("three quarters", 0.75, "fraction", "exact", 0.75, 0.75),
    ("one in five", 0.2, "fraction", "exact", 0.2, 0.2),
    ("1/3", 1 / 3, "fraction", "exact", 1 / 3, 1 / 3),
    ("a third", 1 / 3, "fraction", "exact", 1 / 3, 1 / 3),
    ("tens of thousands of troops", 1e4, "count", "at_least", 1e4, INF),
    ("hundreds of drones", 100, "count", "at_least", 100, INF),
    ("three hundred", 300, "count", "exact", 300, 300),
    ("one hundred and fifty tanks", 150, "count", "exact", 150, 150),
    ("twenty-five tanks", 25, "count", "exact", 25, 25),
    ("4 dozen", 48, "count", "exact", 48, 48),
    ("a dozen", 12, "count", "exact", 12, 12),
    ("half a million", 5e5, "count", "exact", 5e5, 5e5),
    ("1,000+ drones", 1000, "count", "at_least", 1000, INF),
    ("1,00,000 rupees", 1e5, "INR", "exact", 1e5, 1e5),
    ("3 billion Swedish crowns", 3e9, "SEK", "exact", 3e9, 3e9),
    ("5 zł", 5, "PLN", "exact", 5, 5),
    ("5 Zł", 5, "PLN", "exact", 5, 5),
    ("us$2.7bn", 2.7e9, "USD", "exact", 2.7e9, 2.7e9),
    ("US$2.7bn", 2.7e9, "USD", "exact", 2.7e9, 2.7e9),
    ("$5m", 5e6, "USD", "exact", 5e6, 5e6),
    ("30 billion NOK", 3e10, "NOK", "exact", 3e10, 3e10),
    ("about 70 percent", 70, "percent", "about", math.nan, math.nan),
    ("almost 235sq kilometres", 235, "km2", "almost", 0, 235),
    ("5k drones", 5000, "count", "exact", 5000, 5000),
    ("100 MWh", 100, "MWh", "exact", 100, 100),
    ("€1,2 Mrd", 1.2e9, "EUR", "exact", 1.2e9, 1.2e9),
    ("5 millions", 5e6, "count", "exact", 5e6, 5e6),
    ("5 hundred drones", 500, "count", "exact", 500, 500),
    ("a quarter of a million", 2.5e5, "count", "exact", 2.5e5, 2.5e5),
    ("one and a half million", 1.5e6, "count", "exact", 1.5e6, 1.5e6),
    ("NOK 30bn", 3e10, "NOK", "exact", 3e10, 3e10),
    ("Rs 5 crore", 5e7, "INR", "exact", 5e7, 5e7),
]


@pytest.mark.parametrize(("text", "value", "unit", "qualifier", "lower", "upper"), PHRASES,
                         ids=[p[0] for p in PHRASES])
def test_news_phrases_are_read_right(text, value, unit, qualifier, lower, upper):
    q = cs.parse_quantity(text)
    assert (q.unit, q.qualifier) == (unit, qualifier)
    np.testing.assert_allclose([q.value, q.lower, q.upper], [value, lower, upper], rtol=1e-12)


#: (text, words the refusal must show)
REFUSED_PHRASES = [
    ("1.200 drones", r"'1\.200' is ambiguous"),
    ("5m", r"could be million or metres"),
    ("12O7", r"'12O7' \(a number followed directly by text"),
    ("188 drones and 4 missiles", r"a second number in 'and 4 missiles'"),
    ("1" * 400, r"too large to be finite"),
    ("30 billion kronor", r"'kronor' could mean SEK, NOK"),
    ("15th package", r"'15th' is an ordinal"),
    ("more than half a century", r"no quantity found"),
    ("lots of drones", r"no quantity found"),
    ("1,000+ to 2,000", r"a second number in 'to 2,000'"),
    ("about 1,000+", r"'\+' after a number cannot be combined"),
    ("15-10 drones", r"the range runs backwards"),
    ("2 and a half", r"a second number in 'and a half'"),
    ("5 thousand to 10 thousand", r"a second number in 'to 10 thousand'"),
    ("TOP 5", r"no quantity found"),
    ("50km/h", r"followed directly by"),
    ("50 km/h", r"'km' \(a scale, unit or currency\) where the noun"),
    ("3 percentage points", r"percentage points are a difference"),
    ("5,000-strong", r"followed directly by text that is not a unit"),
]


@pytest.mark.parametrize(("text", "words"), REFUSED_PHRASES, ids=[p[0][:30] for p in
                                                                    REFUSED_PHRASES])
def test_phrases_that_cannot_be_read_with_certainty_are_refused(text, words):
    with pytest.raises(ValueError, match=words):
        cs.parse_quantity(text)


# ---------------------------------------------------------------------------
# degenerate series (the checks as_frame and as_series apply on request)
# ---------------------------------------------------------------------------


def _days(values, start="2024-01-01", freq="D"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq=freq),
                     dtype="float64")


#: (id, series, keyword, error words)
SERIES_CASES = [
    ("plus infinity", _days([1, np.inf, 2]), "finite",
     r"series: infinite value on 2024-01-02 \(inf\)"),
    ("minus infinity", _days([1, 2, -np.inf]), "finite", r"infinite value on 2024-01-03 \(-inf\)"),
    ("empty", _days([]), "nonempty", r"series is empty: it has no dates"),
    ("all missing", _days([np.nan, np.nan]), "nonempty",
     r"series has no values: all 2 are missing"),
    ("weekly", _days([1, 2, 3], start="2024-01-07", freq="W-SUN"), "daily",
     r"must be a daily series .*found frequency 'W-SUN'"),
    ("hourly", _days([1, 2, 3], freq="h"), "daily", r"must be a daily series .*found frequency"),
]


@pytest.mark.parametrize(("series", "check", "words"), [c[1:] for c in SERIES_CASES],
                         ids=[c[0] for c in SERIES_CASES])
def test_degenerate_series_are_refused_with_the_date_or_frequency(series, check, words):
    with pytest.raises(InputError, match=words):
        as_series(series, name="series", **{check: True})


def test_a_daily_series_with_gaps_passes_the_daily_check():
    s = _days([1.0, 2.0, 3.0]).drop(pd.Timestamp("2024-01-02"))
    assert as_series(s, daily=True, finite=True, nonempty=True).tolist() == [1.0, 3.0]


# ---------------------------------------------------------------------------
# the remaining cases
# ---------------------------------------------------------------------------


def test_a_bad_row_labelled_nan_is_set_aside_like_any_other():
    frame = pd.DataFrame({"metric": ["drones_launched", "drones_launched"], "value": [5, -3],
                          "unit": "count", "kind": "flow", "end": "2024-11-26"},
                         index=pd.Index([1.0, np.nan]))
    with pytest.warns(cs.DataWarning, match="1 of 2"):
        table = cs.screen_observations(frame)
    assert len(table.observations) == 1
    assert table.set_aside["reason"].tolist() == ["a count cannot be negative"]
    with pytest.raises(ObservationError, match=r"row nan, column 'value'"):
        cs.read_observations(frame)


@pytest.mark.parametrize("value", [[True, False], ["True", "5"], [5, True], [1, True]])
def test_a_boolean_is_not_a_number(value):
    frame = pd.DataFrame({"metric": ["m", "m"], "value": value, "unit": "count", "kind": "flow",
                          "end": "2024-11-26"})
    with pytest.raises(ObservationError, match=r"value is not a number.*got (True|'True')"):
        cs.read_observations(frame)


def test_a_value_that_could_overflow_when_summed_is_refused():
    frame = pd.DataFrame({"metric": ["m", "m"], "value": [1e308, 1e308], "unit": "count",
                          "kind": "flow", "end": "2024-11-26"})
    with pytest.raises(ObservationError, match=r"value is too large .*overflow.*got 1e\+308"):
        cs.read_observations(frame)


@pytest.mark.parametrize(("rates", "words"), [
    (pd.Series([40.0, 41.0], index=pd.DatetimeIndex(["2024-01-01", None])),
     r"rates: the date at position 1 of its index is missing \(NaT\)"),
    (pd.Series([40.0, -1.0], index=pd.DatetimeIndex(["2024-01-01", "2024-01-02"])),
     r"rates must be finite and positive; on 2024-01-02 it is -1\.0"),
    (pd.Series([41.0, 40.0], index=pd.DatetimeIndex(["2024-01-02", "2024-01-01"])),
     r"sorted DatetimeIndex"),
])
def test_bad_rate_tables_are_clear_errors(rates, words):
    with pytest.raises(InputError, match=words):
        cs.convert_currency(1.0, "EUR", "UAH", date="2024-01-05", rates=rates)


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

_GROUPS = {",": ",", " ": " ", "nbsp": "\u00a0", "thin": "\u2009"}


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**12),
       sep=st.sampled_from(sorted(_GROUPS.values())),
       unit=st.sampled_from(["", " drones", " km2", " hectares", "%", " euros", " NOK"]),
       qual=st.sampled_from(["", "about ", "more than ", "almost ", "up to "]))
def test_parse_quantity_reads_every_grouped_number_as_shown(n, sep, unit, qual):
    text = f"{qual}{_grouped(n, sep)}{unit}"
    q = cs.parse_quantity(text)
    assert q.value == n  # the number the text shows, digit for digit
    assert math.isfinite(q.value)


@settings(max_examples=200, deadline=None)
@given(whole=st.integers(min_value=0, max_value=10**6), frac=st.integers(0, 99))
def test_parse_quantity_reads_decimals_with_a_point_or_a_decimal_comma(whole, frac):
    shown = f"{whole}.{frac:02d}"
    assert cs.parse_quantity(f"{shown} km").value == float(shown)
    assert cs.parse_quantity(f"{shown.replace('.', ',')} km").value == float(shown)


_WORDS = st.sampled_from(["about", "more", "than", "drones", "km2", "1,200", "12", "3.5", "-",
                          "to", "bn", "$", "€", "zł", "%", "two", "thirds", "hundred", "+",
                          "of", "tens", "thousands", "1.200", "m", "k", "(", ")", "NOK", ","])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=30), st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)))
def test_parse_quantity_is_finite_shows_its_number_and_reads_its_own_rendering(text):
    try:
        q = cs.parse_quantity(text)
    except ValueError:
        return  # a refusal is always allowed
    assert math.isfinite(q.value)
    words = ("one two three four five six seven eight nine ten eleven twelve twenty thirty "
             "forty fifty sixty seventy eighty ninety hundred dozen half third quarter twice "
             "tens hundreds thousands millions dozens scores").split()
    assert re.search(r"\d", text) or any(w in text.lower() for w in words)
    again = cs.parse_quantity(q.to_text())
    assert (again.unit, again.qualifier) == (q.unit, q.qualifier)
    np.testing.assert_array_equal([again.value, again.lower, again.upper],
                                  [q.value, q.lower, q.upper])


_CYTERAT = b"file_date,occupied_km2,n_polygons\n" + b"".join(
    f"2024-07-{d:02d},{109360.869 + 7.25 * d:.3f},{d}\n".encode() for d in range(8, 20))
# quoted header and a quoted text field, as the Kiel files are written
_KIEL = (b'"year","month","stockpile","procurement","unspecified","nato_purl"\n' + b"".join(
    f'2024,{m},{0.1 * m:.4f},{0.25 + m / 7:.6f},"{m / 3:.5f}",0\n'.encode() for m in range(1, 13)))
_CUT_FILES = [
    (_CYTERAT, sources.screen_deepstate_area, sources.read_deepstate_area, {}),
    (_KIEL, sources.screen_kiel_tracker, sources.read_kiel_tracker, {"fill": "none"}),
]


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _by_line(table: cs.ObservationTable) -> pd.Series:
    obs = table.observations
    key = pd.MultiIndex.from_arrays([obs["row"].astype("int64"), obs["metric"],
                                     obs.get("mode", obs["metric"])])
    return pd.Series(obs["value"].to_numpy(), index=key)


@settings(max_examples=150, deadline=None)
@given(which=st.sampled_from(range(len(_CUT_FILES))), frac=st.floats(0, 1))
def test_a_reader_cut_at_any_byte_raises_or_sets_lines_aside_but_never_changes_a_number(which,
                                                                                        frac):
    data, screen, read, kwargs = _CUT_FILES[which]
    cut = round(frac * len(data))
    whole = _by_line(screen(io.BytesIO(data), **kwargs))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = screen(io.BytesIO(data[:cut]), **kwargs)
    except InputError:
        return
    kept = _by_line(table)
    np.testing.assert_array_equal(kept.to_numpy(), whole.loc[kept.index].to_numpy())
    complete = data[:cut].count(b"\n") - 1  # data lines that end with a line end
    assert kept.index.get_level_values(0).nunique() == complete
    cut_line = data[:cut][-1:] != b"\n"
    assert (table.set_aside["reason"] == "line is incomplete").sum() == int(cut_line)
    with pytest.raises(InputError) if cut_line else _nothing():
        read(io.BytesIO(data[:cut]), **kwargs)


_OBS_CSV = ("metric,value,unit,start,end,kind\n" + "".join(
    f"drones_launched,{100 + 17 * i},count,2024-11-{i + 1:02d} 19:30,2024-11-{i + 2:02d} 09:00,"
    "flow\n" for i in range(10))).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(_OBS_CSV)))
def test_an_observation_csv_cut_at_any_byte_never_gives_a_different_number(tmp_path, cut):
    path = tmp_path / "obs.csv"
    path.write_bytes(_OBS_CSV[:cut])
    whole = cs.read_observations(pd.read_csv(io.BytesIO(_OBS_CSV)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = cs.screen_observations(path)
    except InputError:
        return
    kept = table.observations
    pd.testing.assert_series_equal(kept["value"], whole["value"].loc[kept.index])
    pd.testing.assert_series_equal(kept["end"], whole["end"].loc[kept.index])


@pytest.mark.realdata
def test_the_weekly_command_on_a_cut_missile_file_fails_naming_the_line(tmp_path, capsys):
    from conflictstats.cli import main

    data = _source("massive_missile_attacks", "missile_attacks_daily.csv")
    cut = tmp_path / "missile_attacks_daily.csv"
    cut.write_bytes(data[: len(data) // 2])  # cut somewhere inside a line
    (tmp_path / "missiles_and_uavs.csv").write_bytes(
        _source("massive_missile_attacks", "missiles_and_uavs.csv"))
    status = main(["weekly", "--data", str(cut), "--reader", "missile_attacks",
                   "--out", str(tmp_path / "out")])
    assert status == 2
    err = capsys.readouterr().err
    assert re.search(r"missile_attacks_daily\.csv\): line \d+ is incomplete", err)


@pytest.mark.realdata
def test_the_missile_file_without_its_catalogue_is_one_line_naming_it(tmp_path, capsys):
    from conflictstats.cli import main

    alone = tmp_path / "missile_attacks_daily.csv"
    alone.write_bytes(_source("massive_missile_attacks", "missile_attacks_daily.csv"))
    out = tmp_path / "out"
    status = main(["weekly", "--data", str(alone), "--reader", "missile_attacks",
                   "--out", str(out), "--quiet"])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert re.match(r"conflictstats: error: .*missiles_and_uavs\.csv must lie beside "
                    r"missile_attacks_daily\.csv", err[0])
    assert not out.exists()


# ---------------------------------------------------------------------------
# degenerate series through every analysis function: a clear error, never a silent answer
# ---------------------------------------------------------------------------


def _analysis_cases():
    import conflictstats as cs

    idx = pd.date_range("2024-01-01", periods=60)
    s = pd.Series(np.random.default_rng(0).poisson(10, 60).astype(float), index=idx)
    s.attrs = {"kind": "flow"}
    inf = s.copy()
    inf.iloc[10] = np.inf
    weekly = pd.Series(np.arange(20.0), index=pd.date_range("2024-01-07", periods=20,
                                                             freq="W-SUN"))
    weekly.attrs = {"kind": "flow"}
    empty = s.iloc[:0]
    fns = {
        "period_totals": lambda x: cs.period_totals(x),
        "period_change": lambda x: cs.period_change(x),
        "records_freq": lambda x: cs.records(x, freq="W-SUN"),
        "rolling": lambda x: cs.rolling(x, window=7),
        "rate_freq": lambda x: cs.rate(x, x + 1, freq="W-SUN"),
        "pace": lambda x: cs.pace(x),
        "anomalies": lambda x: cs.anomalies(x),
        "decompose": lambda x: cs.decompose(x),
    }
    for name, fn in fns.items():
        yield pytest.param(fn, inf, "infinite value on 2024-01-11|got inf on 2024-01-11",
                           id=f"{name}-inf")
        yield pytest.param(fn, weekly, "W-SUN", id=f"{name}-weekly")
    for name in ("period_totals", "rate_freq", "anomalies", "pace", "decompose"):
        yield pytest.param(fns[name], empty, "empty", id=f"{name}-empty")
    for name, fn in {"mann_kendall": cs.mann_kendall, "theil_sen": cs.theil_sen,
                     "changepoints": cs.changepoints, "highest_since": cs.highest_since,
                     "records": cs.records}.items():
        yield pytest.param(fn, inf, "infinite value on 2024-01-11", id=f"{name}-inf")
    yield pytest.param(cs.changepoints, empty, "empty", id="changepoints-empty")


@pytest.mark.parametrize("fn, data, match", list(_analysis_cases()))
def test_analysis_functions_refuse_degenerate_series_naming_what_is_wrong(fn, data, match):
    import conflictstats as cs

    with pytest.raises(cs.ConflictStatsError, match=match):
        fn(data)


def test_a_time_zone_aware_index_is_refused_with_how_to_convert_it():
    s = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, tz="UTC"))
    with pytest.raises(cs.InputError, match=r"time-zone-aware index \(UTC\).*tz_convert"):
        cs.period_totals(s, kind="flow")


def test_messages_show_plain_values_not_numpy_reprs():
    s = pd.Series(["a", "b"], index=pd.date_range("2024-01-01", periods=2))
    with pytest.raises(cs.InputTypeError, match=r"column 0 must be numeric; .* holds 'a'$"):
        cs.period_totals(s, kind="flow")

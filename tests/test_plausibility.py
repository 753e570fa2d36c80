"""Impossible rows, planted in copies of the public files: refused, or set aside and listed.

Each test writes a copy of a file of ``../shared/data`` to ``tmp_path`` with one
line changed (nothing of the files is kept in the repository) and shows (a) the
``read_*`` error naming file, line, column and value, (b) the ``screen_*``
reason, and, for the rows that became headlines, (c) that no record, unusual day
or weekly total of the weekly report uses the planted value and that the report
lists the row under its input problems.

The rules live in :func:`conflictstats.sources._common.check_plausibility` (parts
above the whole, a running total that dips and comes back, a line given twice),
:mod:`conflictstats._files` (a column or JSON key given twice),
:func:`conflictstats.read_observations` (a count that is not whole) and
:mod:`conflictstats._dates` (a date a nanosecond timestamp cannot hold).
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from numpy.testing import assert_allclose

import conflictstats as cs
from conflictstats._dates import OUT_OF_RANGE, parse_dates
from conflictstats.datasets import screen_dataset
from conflictstats.errors import InputError, ObservationError
from conflictstats.report import weekly_report
from conflictstats.sources import (
    read_general_staff_losses,
    read_liveuamap_territory,
    read_missile_attacks,
    read_nzz_area,
    screen_general_staff_losses,
    screen_missile_attacks,
    screen_nzz_area,
)

pytestmark = pytest.mark.realdata

MISSILES = ("massive_missile_attacks", "missile_attacks_daily.csv")
CATALOGUE = ("massive_missile_attacks", "missiles_and_uavs.csv")
PERSONNEL = ("russia_losses_petroivaniuk", "russia_losses_personnel.csv")
#: missile_attacks_daily.csv, line 1732: the Air Force's post for the night to 17 Nov 2024
#: (20:00 -> 12:00), Shahed-136/131 on Ukraine: launched 90, destroyed 42, lost track 41
WAVE_LINE = 1732
WAVE_TEXT = b"2024-11-16 20:00,2024-11-17 12:00,Shahed-136/131,"
#: russia_losses_personnel.csv, line 1001: 2024-11-20, day 1001, personnel 725740
LOSS_LINE = 1001
LOSS_TEXT = b"2024-11-20,1001,725740,about,"


def _bytes(*parts: str) -> bytes:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"public dataset not available at {path}")
    return path.read_bytes()


def _planted(tmp_path: Path, parts: tuple[str, str], line: int, expect: bytes,
             change=None, *, repeat: bool = False, companions=()) -> Path:
    """A copy of a public file with physical line ``line`` changed (or given twice)."""
    lines = _bytes(*parts).split(b"\n")
    assert lines[line - 1].startswith(expect), lines[line - 1][:80]  # the line we mean
    if repeat:
        lines.insert(line, lines[line - 1])
    else:
        lines[line - 1] = change(lines[line - 1])
    out = tmp_path / parts[1]
    out.write_bytes(b"\n".join(lines))
    for c in companions:
        (tmp_path / c[1]).write_bytes(_bytes(*c))
    return out


def _missile_copy(tmp_path: Path, **kw) -> Path:
    return _planted(tmp_path, MISSILES, WAVE_LINE, WAVE_TEXT, companions=(CATALOGUE,), **kw)


def _report(data, reader: str, week: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.DataWarning)
        return weekly_report({"planted": data}, reader=reader, conflict="sum", week=week)


def _fact(rep, series: str, fact: str) -> pd.DataFrame:
    f = rep.facts
    return f.loc[(f["series"] == series) & (f["fact"] == fact)]


@pytest.fixture(scope="module")
def missile_original():
    """The weekly report of the unchanged file for the week to 17 Nov 2024."""
    path = SHARED_DATA.joinpath(*MISSILES)
    if not path.exists():
        pytest.skip(f"public dataset not available at {path}")
    return _report(screen_dataset(path, reader="missile_attacks").observations,
                   "missile_attacks",
                   "2024-11-17")


# --------------------------------------------------------------------------- parts


def test_destroyed_above_launched_is_refused_naming_file_line_column_and_value(tmp_path):
    path = _missile_copy(tmp_path, change=lambda b: b.replace(b",90.0,42.0,", b",90.0,250.0,"))
    # the reader names the first impossible line, the file's own line 1620, and the others
    with pytest.raises(InputError, match=r"line 1620 \(row 1618\).*\(1 more such row: "
                                         rf"line {WAVE_LINE}\)"):
        read_missile_attacks(path)
    aside = screen_missile_attacks(path).set_aside
    mine = aside.loc[(aside.index == WAVE_LINE - 2) & aside["refused"].notna()]
    # the whole line goes: which of its figures is wrong cannot be told
    assert set(mine["metric"]) >= {"launched", "destroyed", "not_reach_goal"}
    assert mine["reason"].str.contains(
        rf"line {WAVE_LINE} \(row {WAVE_LINE - 2}\): destroyed \(250\) exceeds launched "
        r"\(90\): a part cannot exceed the whole").all()
    # without line 1620 (removed from this copy) the planted line is the first: one line up
    lines = path.read_bytes().split(b"\n")
    assert b",16.0,15.0,11.0," in lines[1619]
    del lines[1619]
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match=re.escape(
            f"read_missile_attacks(missile_attacks_daily.csv): line {WAVE_LINE - 1} (row "
            f"{WAVE_LINE - 3}), column 'destroyed': destroyed (250) exceeds launched (90): a "
            "part cannot exceed the whole; got 250; use the screen_* reader")):
        read_missile_attacks(path)


def test_destroyed_above_launched_never_reaches_the_weekly_report(tmp_path, missile_original):
    path = _missile_copy(tmp_path, change=lambda b: b.replace(b",90.0,42.0,", b",90.0,250.0,"))
    rep = _report(screen_dataset(path, reader="missile_attacks"), "missile_attacks",
                  "2024-11-17")
    # no record, unusual day or total states the planted 250
    days = rep.facts.loc[rep.facts["fact"].isin(["record_day", "unusual_day"])]
    assert not (days["value"] == 250).any()
    assert not rep.facts["text"].fillna("").str.contains(r"\b250\b").any()
    # hand calculation: the whole line is set aside, so the week loses its 90 launched
    # and 42 destroyed against the report of the unchanged file
    for series, lost in (("drones launched", 90), ("drones destroyed", 42)):
        before = _fact(missile_original, series, "week_total")["value"].iloc[0]
        after = _fact(rep, series, "week_total")["value"].iloc[0]
        assert_allclose(after, before - lost)
    listed = rep.problems["reason"].str.contains(
        rf"line {WAVE_LINE} \(row {WAVE_LINE - 2}\): destroyed \(250\) exceeds launched \(90\)")
    assert listed.sum() == 1  # one line, listed once
    assert "## Input problems" in rep.summary
    assert "destroyed (250) exceeds launched (90)" in rep.summary


def test_parts_summing_above_the_whole_are_refused_and_the_real_file_has_one_such_line():
    # missile_attacks_daily.csv, line 1620 (Shahed-136/131 on Mykolaiv oblast, morning of
    # 28 Dec 2024): launched 16, destroyed 15, lost track 11: 15 + 11 = 26 > 16
    path = SHARED_DATA.joinpath(*MISSILES)
    if not path.exists():
        pytest.skip(f"public dataset not available at {path}")
    with pytest.raises(InputError, match=re.escape(
            "line 1620 (row 1618), column 'destroyed': destroyed (15) + not_reach_goal (11) "
            "= 26 exceeds launched (16)")):
        read_missile_attacks(path)
    table = screen_dataset(path, reader="missile_attacks")
    assert table.set_aside.index.tolist() == [1618]
    assert "= 26 exceeds launched (16)" in table.set_aside["reason"].iloc[0]
    assert 1618 not in set(table.observations["row"])


# --------------------------------------------------------------------------- repeated lines


def test_a_line_given_twice_is_refused_and_set_aside(tmp_path):
    path = _missile_copy(tmp_path, repeat=True)
    with pytest.raises(InputError, match=re.escape(
            f"line {WAVE_LINE + 1} (row {WAVE_LINE - 1}) repeats line {WAVE_LINE} (row "
            f"{WAVE_LINE - 2}) exactly")):
        read_missile_attacks(path)
    aside = screen_missile_attacks(path).set_aside
    mine = aside.loc[(aside.index == WAVE_LINE - 1) & aside["refused"].notna()]
    # every figure of the repeated line (launched, destroyed, lost track ...) goes
    assert set(mine["metric"]) >= {"launched", "destroyed", "not_reach_goal"}
    assert mine["reason"].str.contains(
        f"line {WAVE_LINE + 1} .*repeats line {WAVE_LINE} ").all()


def test_a_json_record_given_twice_is_refused_naming_its_line(tmp_path):
    data = _bytes("russia_losses_petroivaniuk", "russia_losses_personnel.json").decode()
    # the record of 2024-11-20 starts on line 6058 (its "date" key is on line 6059)
    start = data.index('    {\n        "date": "2024-11-20"')
    end = data.index("}", start) + 1
    assert data.count("\n", 0, start) + 1 == 6058
    path = tmp_path / "russia_losses_personnel.json"
    path.write_text(data[:end] + ",\n" + data[start:])
    again = data.count("\n", 0, end) + 2  # the copy starts on the line after its closing }
    assert again == 6064  # the record has no POW key: "{", four keys, "}" on 6058-6063
    with pytest.raises(InputError, match=rf"russia_losses_personnel\.json\): line {again} "
                                         r"\(row 1000\) repeats line 6058 \(row 999\) exactly"):
        read_general_staff_losses(path)


def test_a_line_given_twice_is_not_summed_in_the_weekly_report(tmp_path, missile_original):
    path = _missile_copy(tmp_path, repeat=True)
    rep = _report(screen_dataset(path, reader="missile_attacks"), "missile_attacks",
                  "2024-11-17")
    # the repeated line adds nothing: every weekly total equals the unchanged file's
    for series in ("drones launched", "drones destroyed"):
        assert_allclose(_fact(rep, series, "week_total")["value"].iloc[0],
                        _fact(missile_original, series, "week_total")["value"].iloc[0])
    assert rep.problems["reason"].str.contains(f"repeats line {WAVE_LINE} ").sum() == 1
    assert f"repeats line {WAVE_LINE} " in rep.summary


# --------------------------------------------------------------------------- running totals


def _personnel_copy(tmp_path: Path) -> Path:
    # one dropped digit: 725740 -> 72574
    return _planted(tmp_path, PERSONNEL, LOSS_LINE, LOSS_TEXT,
                    lambda b: b.replace(b",725740,", b",72574,"))


def test_a_dropped_digit_in_a_running_total_is_refused_and_set_aside(tmp_path):
    path = _personnel_copy(tmp_path)
    with pytest.raises(InputError, match=re.escape(
            f"read_general_staff_losses(russia_losses_personnel.csv): line {LOSS_LINE} (row "
            f"{LOSS_LINE - 2}), column 'personnel'")) as err:
        read_general_staff_losses(path)
    assert "falls from 724,050 to 72,574 and is back at 727,250 on 2024-11-21" in str(err.value)
    assert "got 72574" in str(err.value)
    aside = screen_general_staff_losses(path).set_aside
    mine = aside.loc[aside["refused"].eq(True)]
    assert mine.index.tolist() == [LOSS_LINE - 2]
    assert mine["value"].tolist() == [72574]
    assert "a suspected typo" in mine["reason"].iloc[0]


def test_a_dropped_digit_never_reaches_the_weekly_report(tmp_path):
    path = _personnel_copy(tmp_path)
    rep = _report(screen_dataset(path, reader="general_staff_losses"),
                  "general_staff_losses", "2024-11-24")
    raw = pd.read_csv(SHARED_DATA.joinpath(*PERSONNEL), index_col="date")["personnel"]
    # hand calculation from the unchanged file: the week 18-24 Nov is the running
    # total of 24 Nov minus that of 17 Nov (the increments across the set-aside
    # day come from its neighbours, so the week keeps its total)
    week = raw["2024-11-24"] - raw["2024-11-17"]
    total = _fact(rep, "Russian personnel lost (claimed)", "week_total")["value"].iloc[0]
    assert_allclose(total, week)
    days = rep.facts.loc[rep.facts["fact"].isin(["record_day", "unusual_day"])]
    assert days.empty, days["text"].tolist()
    assert not rep.summary.count("654,676") and not rep.summary.count("661,336")
    assert rep.problems["reason"].str.contains("falls from 724,050 to 72,574").sum() == 1
    assert "falls from 724,050 to 72,574" in rep.summary


def test_a_correction_that_stays_is_still_a_correction(tmp_path):
    # a real -5,000 correction: every total from 20 Nov 2024 on is 5,000 lower
    raw = pd.read_csv(io.BytesIO(_bytes(*PERSONNEL)))
    later = raw["date"] >= "2024-11-20"
    raw.loc[later, "personnel"] -= 5000
    path = tmp_path / PERSONNEL[1]
    raw.to_csv(path, index=False)
    obs = read_general_staff_losses(path)  # not refused
    table = screen_general_staff_losses(path)
    assert "refused" not in table.set_aside.columns
    pers = obs[obs["metric"] == "personnel"]
    # hand calculation: 725740 - 5000 - 724050 (19 Nov) = -3310 on 20 Nov, a correction
    with pytest.warns(cs.DataWarning, match=r"correction.*'personnel' on 2024-11-20, "
                                            r"724050 -> 720740"):
        daily = cs.to_daily(pers, metric="personnel")
    assert daily.loc["2024-11-20"] == -3310


def test_a_small_fall_undone_within_a_day_is_not_called_a_typo():
    # a fall smaller than ten typical steps (about 5 tanks a day here) is ambiguous:
    # it stays a correction, as to_daily reports it
    days = pd.date_range("2024-01-01", periods=12)
    values = np.array([100, 105, 110, 115, 120, 118, 126, 131, 136, 141, 146, 151])
    text = "date,day,personnel,personnel*,POW\n" + "".join(
        f"{d:%Y-%m-%d},{i + 2},{v},about,\n" for i, (d, v) in enumerate(zip(days, values,
                                                                             strict=True)))
    obs = read_general_staff_losses(io.StringIO(text))
    assert obs.loc[obs["metric"] == "personnel", "value"].tolist() == values.tolist()


# --------------------------------------------------------------------------- names given twice


def test_a_json_date_key_given_twice_is_refused_naming_the_line(tmp_path):
    data = _bytes("liveuamap_territory", "nzz_area_occupied.json")
    # the file's second key, "2022-02-25T00:00:00.000", is given again after the first
    first = b'"2022-02-24T00:00:00.000":30619.84572184,'
    assert first in data
    planted = data.replace(first, first + b'\n  "2022-02-25T00:00:00.000":99999.0,', 1)
    path = tmp_path / "nzz_area_occupied.json"
    path.write_bytes(planted)
    words = (r"nzz_area_occupied\.json\): line 4: key '2022-02-25T00:00:00\.000' is given "
             r"twice in one object \(values 99999\.0 and 46921\.64196282\)")
    with pytest.raises(InputError, match=words):
        read_nzz_area(path)
    with pytest.raises(InputError, match=words):  # a file that says two things is not read
        screen_nzz_area(path)


def test_a_csv_column_given_twice_is_refused_naming_it(tmp_path):
    raw = pd.read_csv(io.BytesIO(_bytes("liveuamap_territory", "territory.csv")))
    path = tmp_path / "territory.csv"
    raw.assign(again=raw["area"] + 1).to_csv(path, index=False, header=["date", "area", "area"])
    with pytest.raises(InputError, match=r"territory\.csv\): line 1: column 'area' is given "
                                         r"twice \(fields 2 and 3\)"):
        read_liveuamap_territory(path)


# --------------------------------------------------------------------------- whole counts


def test_a_count_that_is_not_whole_is_refused_and_set_aside(tmp_path):
    path = _missile_copy(tmp_path, change=lambda b: b.replace(b",90.0,42.0,", b",1.188,42.0,"))
    with pytest.raises(InputError, match=re.escape(
            f"line {WAVE_LINE} (row {WAVE_LINE - 2}), column 'launched': a count must be a "
            "whole number; got 1.188")):
        read_missile_attacks(path)
    aside = screen_missile_attacks(path).set_aside
    mine = aside.loc[(aside.index == WAVE_LINE - 2) & (aside["metric"] == "launched")]
    assert mine["reason"].tolist() == ["a count must be a whole number"]
    assert mine["value"].tolist() == [1.188]


def test_a_count_that_is_not_whole_in_the_users_own_csv(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("metric,value,unit,kind,end\ndrones_launched,188,count,flow,2024-11-26\n"
                    "drones_launched,1.188,count,flow,2024-11-27\n")
    with pytest.raises(ObservationError, match=r"row 1 \(line 3 of mine\.csv\), column "
                                               r"'value': a count must be a whole number; "
                                               r"got 1\.188"):
        cs.read_observations(path)
    with pytest.warns(cs.DataWarning, match="1 of 2 observation rows set aside"):
        table = cs.screen_observations(path)
    assert table.set_aside["reason"].tolist() == ["a count must be a whole number"]
    assert table.observations["value"].tolist() == [188.0]


def test_the_users_own_csv_lists_a_count_that_is_not_whole_in_the_report(tmp_path):
    path = tmp_path / "mine.csv"
    days = pd.date_range("2024-10-01", "2024-11-24")
    frame = pd.DataFrame({"metric": "drones_launched", "value": np.arange(len(days)) % 7 + 20.0,
                          "unit": "count", "kind": "flow", "end": days.strftime("%Y-%m-%d")})
    frame["value"] = frame["value"].astype(object)
    frame.loc[len(frame) - 3, "value"] = "1.188"  # 22 Nov 2024
    frame.to_csv(path, index=False)
    table = screen_dataset(path)
    assert table.set_aside.index.tolist() == [len(frame) - 3]
    rep = _report(table, None, "2024-11-24")
    # hand calculation: the week 18-24 Nov without 22 Nov; day d holds 20 + (d mod 7)
    week = frame.iloc[-7:].drop(index=len(frame) - 3)["value"].astype(float).sum()
    assert_allclose(_fact(rep, "drones launched", "week_total")["value"].iloc[0], week)
    assert "a count must be a whole number" in rep.summary


# --------------------------------------------------------------------------- dates


def test_a_date_a_timestamp_cannot_hold_is_refused_not_wrapped(tmp_path):
    path = _planted(tmp_path, PERSONNEL, LOSS_LINE, LOSS_TEXT,
                    lambda b: b.replace(b"2024-11-20,", b"2500-11-20,"))
    with pytest.raises(InputError, match=re.escape(
            f"line {LOSS_LINE} (row {LOSS_LINE - 2}), column 'date': expected a date or "
            f"timestamp ({OUT_OF_RANGE}); got '2500-11-20'")):
        read_general_staff_losses(path)
    with pytest.raises(ObservationError, match=r"column 'start': start: outside the dates"):
        cs.read_observations(pd.DataFrame({"metric": ["x"], "value": [1], "unit": "count",
                                           "kind": "flow", "end": ["2500-11-20"]}))


@pytest.mark.parametrize("values", [
    pd.Series(["2500-11-20"]),  # text (pandas 2 gives NaT, pandas 3 a microsecond stamp)
    pd.Series(["2500-11-20T10:00+02:00"]),  # text with a UTC offset
    pd.Series(np.array(["2500-11-20"], dtype="datetime64[s]")),  # already a datetime
    pd.Series(["1600-01-01"]),  # before 1677
], ids=["text", "offset", "datetime64[s]", "before-1677"])
def test_dates_outside_the_nanosecond_range_get_the_reason_not_a_wrapped_date(values):
    parsed = parse_dates(values)
    assert np.isnat(parsed.stamps).all()  # 2500-11-20 would wrap to 1916-05-02
    assert parsed.reason.tolist() == [OUT_OF_RANGE]


def test_dates_inside_the_range_are_kept():
    parsed = parse_dates(pd.Series(["1700-01-01", "2262-04-10", "2024-11-20 09:00"]))
    assert parsed.reason.tolist() == ["", "", ""]
    assert str(parsed.stamps[1])[:10] == "2262-04-10"


# --------------------------------------------------------------------------- command line


def test_the_weekly_command_lists_the_planted_row_as_an_input_problem(tmp_path, capsys):
    from conflictstats.cli import main

    path = _missile_copy(tmp_path, change=lambda b: b.replace(b",90.0,42.0,", b",90.0,250.0,"))
    status = main(["weekly", "--data", str(path), "--reader", "missile_attacks",
                   "--week", "2024-11-17", "--out", str(tmp_path / "out"), "--quiet"])
    assert status == 0
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "destroyed (250) exceeds launched (90)" in summary
    assert "Record day for drones destroyed: 250" not in summary
    # the real file's own impossible line is listed too: two input problems
    assert "2 input problem(s)" in capsys.readouterr().err

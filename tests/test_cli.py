"""The conflictstats command: every expected failure is one line and a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import shared_file
from numpy.testing import assert_allclose

from conflictstats.cli import main


@pytest.fixture
def obs_csv(tmp_path):
    days = pd.date_range("2024-10-01", "2024-11-30")
    frame = pd.DataFrame({
        "metric": "drones_launched", "value": np.random.default_rng(3).poisson(50, len(days)),
        "unit": "count", "kind": "flow", "start": days, "end": days, "entity": "Ukraine",
        "source": "test",
    })
    path = tmp_path / "obs.csv"
    frame.to_csv(path, index=False)
    return path


def _fails(capsys, argv, *needles):
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("conflictstats: error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_a_missing_file_a_folder_and_a_bad_reader_are_one_line(capsys, tmp_path, obs_csv):
    _fails(capsys, ["weekly", "--data", str(tmp_path / "none.csv"), "--quiet"],
           "data file not found", "none.csv")
    _fails(capsys, ["weekly", "--data", str(tmp_path), "--quiet"], "is a folder")
    _fails(capsys, ["weekly", "--data", str(obs_csv), "--reader", "nope", "--quiet"],
           "reader must be one of", "'nope'")


def test_an_unreadable_file_is_one_line(capsys, tmp_path):
    garbage = tmp_path / "bin.csv"
    garbage.write_bytes(b"\x00\x01\xff\xfe not text")
    _fails(capsys, ["weekly", "--data", str(garbage), "--out", str(tmp_path / "r"),
                    "--quiet"], "cannot be read", "bin.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    _fails(capsys, ["weekly", "--data", str(empty), "--out", str(tmp_path / "r"), "--quiet"],
           "empty.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    _fails(capsys, ["weekly", "--data", str(wrong), "--reader", "deepstate_area",
                    "--out", str(tmp_path / "r"), "--quiet"], "as deepstate_area")


def test_a_permission_denied_file_is_one_line(capsys, tmp_path, obs_csv, monkeypatch):
    import os

    # root reads any file, so the check is exercised through os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    _fails(capsys, ["weekly", "--data", str(obs_csv), "--quiet"], "cannot be read")


@pytest.mark.parametrize(("week", "needle"), [
    ("11/12/2024", "ISO date"),
    ("24/11/2024", "ISO date"),
    ("2024-02-30", "not a calendar date"),
    ("2021-01-03", "outside the data"),
    ("2030-01-06", "outside the data"),
])
def test_a_week_that_is_ambiguous_or_outside_the_data_is_one_line(capsys, tmp_path, obs_csv,
                                                                  week, needle):
    _fails(capsys, ["weekly", "--data", str(obs_csv), "--week", week,
                    "--out", str(tmp_path / "r"), "--quiet"], needle)
    assert not (tmp_path / "r").exists()


def test_an_output_that_is_a_file_or_cannot_be_written_is_one_line(capsys, tmp_path, obs_csv):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    _fails(capsys, ["weekly", "--data", str(obs_csv), "--out", str(a_file), "--quiet"],
           "is a file, not a folder")
    blocked = a_file / "below"  # a folder cannot be made inside a file
    _fails(capsys, ["weekly", "--data", str(obs_csv), "--out", str(blocked), "--quiet"],
           "cannot write to")


def test_bad_options_are_one_line(capsys, tmp_path, obs_csv):
    out = str(tmp_path / "r")
    _fails(capsys, ["weekly", "--data", str(obs_csv), "--metric", "nope", "--out", out,
                    "--quiet"], "metric 'nope'")
    _fails(capsys, ["weekly", "--data", str(obs_csv), "--where", "nope", "--out", out,
                    "--quiet"], "column=value")
    _fails(capsys, ["weekly", "--data", str(obs_csv), "--category", "drone", "--out", out,
                    "--quiet"], "column 'category'")


def test_a_broken_pipe_is_quiet(tmp_path):
    cmd = [sys.executable, "-m", "conflictstats.cli", "weekly", "--out", str(tmp_path),
           "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # like `| head -1`: read one line, then leave
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    proc.wait(timeout=120)
    assert first.startswith(b"# Weekly report")
    assert "BrokenPipe" not in err and "Traceback" not in err
    assert proc.returncode == 0


def test_the_report_options_select_series(capsys, tmp_path):
    path = shared_file("massive_missile_attacks", "missile_attacks_daily.csv")
    assert main(["weekly", "--data", str(path), "--reader", "missile_attacks", "--week",
                 "2024-11-17", "--category", "drone", "--metric", "launched", "--out",
                 str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    # 535: the national posts (source kpszsu) whatever their target, by pandas on the raw
    # file (506 while posts on an oblast, such as 29 Shaheds on Odesa oblast on 15 Nov, were
    # dropped)
    assert "**Drones launched**: 535" in out
    assert "cruise missiles" not in out.lower().split("## charts")[0].replace(
        "category = drone", "")
    assert "Drones destroyed" not in out
    facts = pd.read_csv(tmp_path / "facts.csv")
    assert set(facts["series"].dropna()) == {"drones launched"}


@pytest.mark.realdata
@pytest.mark.parametrize(("reader", "parts"), [
    ("missile_attacks", ("massive_missile_attacks", "missile_attacks_daily.csv")),
    ("deepstate_area", ("deepstate_area", "deepstate_occupied_area_daily.csv")),
    ("liveuamap_territory", ("liveuamap_territory", "territory.csv")),
    ("kiel_tracker", ("kiel_support_tracker", "data_explorer.csv")),
    ("general_staff_losses", ("russia_losses_petroivaniuk", "russia_losses_equipment.json")),
    ("oryx_daily", ("oryx_scarnecchia", "daily_count.csv")),
    ("oryx_events", ("oryx_scarnecchia",)),
])
def test_the_command_runs_on_every_public_dataset(capsys, tmp_path, reader, parts):
    path = shared_file(*parts)
    assert main(["weekly", "--data", str(path), "--reader", reader, "--out", str(tmp_path),
                 "--quiet"]) == 0
    out = capsys.readouterr().out
    facts = pd.read_csv(tmp_path / "facts.csv")
    assert len(facts) and all(t in out for t in facts["text"])
    # a week with missing days is never given a full-week change
    totals = facts.loc[facts["fact"] == "week_total"]
    assert totals.loc[~totals["complete"].astype(bool), "change"].isna().all()
    # the summary and every chart name the same week definition
    svgs = list(Path(tmp_path).glob("*.svg"))
    if reader == "oryx_events":
        # events on 2 of 7 days in the latest week, and on under half the days of the
        # half year before: too sparse to chart (the report's noise rule)
        assert not svgs and (totals["n_reported"] < 4).all()
        return
    assert svgs
    week = out.split("Weeks run ")[1].split(",")[0]
    assert all(f"{week} weeks" in s.read_text(encoding="utf-8") for s in svgs
               if "by month" not in s.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- reconcile, revisions


def test_reconcile_and_revisions_errors_are_one_line(capsys, tmp_path, obs_csv):
    _fails(capsys, ["reconcile", str(obs_csv), str(tmp_path / "none.csv"), "--metric",
                    "drones_launched", "--out", str(tmp_path / "r")],
           "data file not found", "none.csv")
    _fails(capsys, ["reconcile", str(obs_csv), str(obs_csv), "--metric", "drones_destroyed",
                    "--out", str(tmp_path / "r")],
           "A obs.csv has no metric 'drones_destroyed'", "its metrics are drones_launched")
    _fails(capsys, ["reconcile", str(obs_csv), str(obs_csv), "--metric", "drones_launched",
                    "--where-b", "region", "--out", str(tmp_path / "r")],
           "--where-b must be COLUMN=VALUE", "'region'")
    _fails(capsys, ["reconcile", str(obs_csv), str(obs_csv), "--metric", "drones_launched",
                    "--where-a", "region=north", "--out", str(tmp_path / "r")],
           "obs.csv has no column 'region'")
    _fails(capsys, ["revisions", str(obs_csv), str(tmp_path), "--out", str(tmp_path / "r")],
           "NEW", "is a folder")
    assert not (tmp_path / "r").exists()  # nothing written on failure


def test_reconcile_writes_the_summary_tables_and_chart_of_two_csv_sources(capsys, tmp_path,
                                                                          obs_csv):
    # B: the same launches counted twice over, three days later (a hand-made second
    # source; counts stay whole)
    frame = pd.read_csv(obs_csv, parse_dates=["start", "end"])
    b = frame.assign(value=(frame["value"] * 2), start=frame["start"] + pd.Timedelta(days=3),
                     end=frame["end"] + pd.Timedelta(days=3))
    b_csv = tmp_path / "=b.csv"  # a hostile file name becomes B's name
    b.to_csv(b_csv, index=False)
    out = tmp_path / "rec"
    assert main(["reconcile", str(obs_csv), str(b_csv), "--metric",
                 "drones_launched", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "=b follows obs by 3 days" in text
    assert "=b gives 2 for each unit of obs" in text  # 2 exactly: b is twice a
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".conflictstats-report.json", "summary.md", "table.csv", "episodes.csv",
         "one_sided.csv", "result.csv", "reconcile.png", "reconcile.svg"])
    res = pd.read_csv(out / "result.csv")
    assert res.loc[0, "b"] == "'=b"  # neutralised: a spreadsheet shows it as text
    assert res.loc[0, "lag"] == 3
    assert_allclose(res.loc[0, "scale"], 2.0)
    table = pd.read_csv(out / "table.csv", parse_dates=["date"])
    # hand check: the table covers the days both span, from B's first day (Fri 4 Oct), so
    # the week to Sun 6 Oct 2024 holds A's 4-6 Oct (incomplete)
    days = frame.set_index("end")["value"]
    first = table.set_index("date").loc["2024-10-06"]
    assert_allclose(first["a"], days["2024-10-04":"2024-10-06"].sum())
    assert not first["a_complete"]
    # the first three days of A have no B: one-sided days inside the common span are none,
    # because the span starts when both report
    sided = pd.read_csv(out / "one_sided.csv")
    assert sided.empty
    assert "reconcile.png" in (out / "summary.md").read_text(encoding="utf-8")
    # a second run replaces the report as a whole and keeps the user's own files
    (out / "notes.txt").write_text("mine")
    assert main(["reconcile", str(obs_csv), str(b_csv), "--metric",
                 "drones_launched", "--out", str(out)]) == 0
    assert (out / "notes.txt").read_text() == "mine"


def test_revisions_lists_a_changed_value_and_its_weekly_total(capsys, tmp_path, obs_csv):
    frame = pd.read_csv(obs_csv)
    new = frame.copy()
    new.loc[10, "value"] = frame.loc[10, "value"] + 7  # 11 Oct 2024, a Friday
    new = new.drop(index=[20])                          # 21 Oct 2024
    new.to_csv(tmp_path / "new.csv", index=False)
    out = tmp_path / "rev"
    assert main(["revisions", str(obs_csv), str(tmp_path / "new.csv"), "--out",
                 str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("0 rows added, 1 removed and 1 changed; 2 reach back")
    changed = pd.read_csv(out / "changed.csv")
    assert changed[["end", "old_value", "new_value"]].values.tolist() == [
        ["2024-10-11", frame.loc[10, "value"], frame.loc[10, "value"] + 7]]
    weekly = pd.read_csv(out / "weekly.csv")
    # week to Sun 13 Oct: +7; week to Sun 27 Oct: the removed day's launches less
    assert weekly[["date", "change"]].values.tolist() == [
        ["2024-10-13", 7.0], ["2024-10-27", -float(frame.loc[20, "value"])]]


def _oryx_planted(src, dst):
    """A copy of the Oryx event file with planted edits; returns what was planted."""
    raw = pd.read_csv(src)
    size = raw.groupby(["country", "origin", "system", "date_recorded"],
                       dropna=False)["sysID"].transform("size")
    # 1. one of several Grad-1 losses of 20 Nov 2024 removed: that row's count falls by 1
    r1 = raw.index[(raw["country"] == "Russia") & (raw["date_recorded"] == "2024-11-20")
                   & (size >= 2)][0]
    # 2. a Ukrainian loss of 14 Jun 2023, alone in its row, removed: the row goes
    r2 = raw.index[(raw["country"] == "Ukraine") & (raw["date_recorded"] == "2023-06-14")
                   & (size == 1)][0]
    # 3. 700 losses of a new system added on 1 Jun 2025: a new row, a new daily record
    extra = pd.concat([raw.loc[[r1]].assign(system="Planted test system",
                                            date_recorded="2025-06-01")] * 700)
    new = pd.concat([raw.drop(index=[r1, r2]), extra], ignore_index=True)
    new.to_csv(dst, index=False)
    return raw, new, raw.loc[r1], raw.loc[r2]


@pytest.mark.realdata
def test_revisions_lists_exactly_the_planted_edits_of_the_oryx_event_file(capsys, tmp_path):
    src = shared_file("oryx_scarnecchia", "event_destroyed.csv")
    raw, new, row1, row2 = _oryx_planted(src, tmp_path / "event_destroyed.csv")
    out = tmp_path / "rev"
    assert main(["revisions", str(src), str(tmp_path / "event_destroyed.csv"), "--reader",
                 "oryx_events", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("1 rows added, 1 removed and 1 changed")
    changed = pd.read_csv(out / "changed.csv")
    n1 = int(((raw["country"] == "Russia") & (raw["system"] == row1["system"])
              & (raw["origin"] == row1["origin"])
              & (raw["date_recorded"] == "2024-11-20")).sum())  # by hand from the file
    assert changed[["entity", "system", "end", "old_value", "new_value"]].values.tolist() == [
        ["Russia", row1["system"], "2024-11-20", n1, n1 - 1]]
    removed = pd.read_csv(out / "removed.csv")
    assert removed[["entity", "system", "end", "value"]].values.tolist() == [
        ["Ukraine", row2["system"], "2023-06-14", 1.0]]
    added = pd.read_csv(out / "added.csv")
    assert added[["entity", "system", "end", "value"]].values.tolist() == [
        ["Russia", "Planted test system", "2025-06-01", 700.0]]
    # weekly totals that differ, by hand from the two files (Monday-Sunday weeks)
    def weeks(frame):
        d = pd.to_datetime(frame["date_recorded"]).dt.to_period("W-SUN").dt.end_time
        return frame.groupby([frame["country"], d.dt.normalize()]).size()
    wo, wn = weeks(raw), weeks(new)
    both = pd.concat({"old": wo, "new": wn}, axis=1)
    hand = both.loc[both["old"].fillna(-1) != both["new"].fillna(-1)]
    weekly = pd.read_csv(out / "weekly.csv", parse_dates=["date"])
    assert [(s.split("(")[1].rstrip(")"), d) for s, d in zip(weekly["series"], weekly["date"],
                                                              strict=True)] == list(hand.index)
    assert_allclose(weekly["new"].fillna(0) - weekly["old"].fillna(0),
                    (hand["new"].fillna(0) - hand["old"].fillna(0)).to_numpy())
    # the week to 24 Nov 2024: 86 Russian losses in the old file (the figure), 85 now
    assert weekly.loc[weekly["date"] == "2024-11-24", ["old", "new"]].values.tolist() == [
        [86.0, 85.0]]
    # records: 1 Jun 2025 beats every earlier Russian day (647 on 19 Mar 2022, by hand)
    daily_old = raw.loc[raw["country"] == "Russia"].groupby("date_recorded").size()
    on_day = int(daily_old.get("2025-06-01", 0)) + 700
    assert on_day > daily_old.max()
    records = pd.read_csv(out / "records.csv")
    day = records.loc[records["freq"] == "D"]
    assert day[["series", "date", "value", "status"]].values.tolist() == [
        ["losses_recorded (Russia)", "2025-06-01", float(on_day), "new record"]]
    # no weekly record changes: a day without a logged loss is missing, not zero, so the
    # week to 1 Jun 2025 is incomplete and not compared (losses on fewer than 7 days)
    rus = new.loc[new["country"] == "Russia", "date_recorded"]
    assert rus.between("2025-05-26", "2025-06-01").pipe(lambda m: rus[m].nunique()) < 7
    assert (records["freq"] == "D").all()


@pytest.mark.realdata
def test_reconcile_deepstate_against_liveuamap_occupied_area(capsys, tmp_path):
    a = shared_file("deepstate_area", "deepstate_occupied_area_daily.csv")
    b = shared_file("liveuamap_territory", "territory.csv")
    out = tmp_path / "rec"
    assert main(["reconcile", str(a), str(b), "--reader-a", "deepstate_area", "--reader-b",
                 "liveuamap_territory", "--metric", "occupied_area", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("deepstate_area follows liveuamap_territory by 1 day")
    res = pd.read_csv(out / "result.csv").iloc[0]
    # scale by hand: ratio of the summed levels over the days both report, A shifted by
    # the lag (lag -1: Liveuamap moves a day before DeepState)
    lm = pd.read_csv(b, parse_dates=["date"]).set_index("date")["area"]
    from conflictstats.datasets import load_dataset
    obs = load_dataset(a, reader="deepstate_area")
    da = obs.loc[obs["metric"] == "occupied_area"].set_index("end")["value"]
    days = pd.date_range(max(da.index.min(), lm.index.min()), min(da.index.max(),
                                                                  lm.index.max()))
    al = da.shift(int(res["lag"]), freq="D").reindex(days)  # A's own days, even outside
    bl = lm.reindex(days)
    ok = al.notna() & bl.notna()
    assert int(res["n_common"]) == int(ok.sum())
    assert_allclose(res["scale"], bl[ok].sum() / al[ok].sum())
    assert res["scale_lower"] < res["scale"] < res["scale_upper"]
    assert (out / "reconcile.png").stat().st_size > 0

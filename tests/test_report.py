"""The weekly report and the conflictstats command, end to end."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import conflictstats as cs
from conflictstats.cli import main
from conflictstats.datasets import load_demo
from conflictstats.report import weekly_report


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    out = tmp_path_factory.mktemp("weekly")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.DataWarning)
        return weekly_report(out=out), out


def test_the_default_week_is_the_latest_complete_monday_to_sunday_week(bundled):
    rep, _ = bundled
    # the demo's last report is the night to Saturday 30 Nov 2024
    assert (rep.week_start, rep.week_end) == (pd.Timestamp("2024-11-18"),
                                              pd.Timestamp("2024-11-24"))
    assert rep.week_end.day_name() == "Sunday"


def test_weekly_totals_equal_the_daily_series_summed_over_the_week(bundled):
    rep, _ = bundled
    daily = cs.to_daily(load_demo(), metric="drones_launched")
    expected = daily.loc["2024-11-18":"2024-11-24"].sum()
    row = rep.table.set_index("metric").loc["drones_launched"]
    assert row["week_total"] == expected
    assert row["previous_total"] == daily.loc["2024-11-11":"2024-11-17"].sum()
    assert f"weekly total {expected:,.0f}" in rep.summary


def test_the_rate_sentence_pools_the_week(bundled):
    rep, _ = bundled
    d = cs.to_daily(load_demo(), metric=["drones_shot_down", "drones_launched"])
    both = d.loc["2024-11-18":"2024-11-24"].dropna()
    share = both["drones_shot_down"].sum() / both["drones_launched"].sum()
    assert f"{100 * share:.1f}% this week" in rep.summary
    assert "Wilson" in rep.summary


def test_every_line_about_the_demo_is_labelled_synthetic(bundled):
    rep, _ = bundled
    section = rep.summary.split("## Synthetic demonstration campaign")[1].split("\n## ")[0]
    bullets = [line for line in section.splitlines() if line.startswith("- ")]
    assert bullets and all(line.startswith("- [synthetic]") for line in bullets)


def test_the_seed_figures_are_listed_with_their_checks(bundled):
    rep, _ = bundled
    seed = rep.summary.split("## Seed article")[1].split("\n## ")[0]
    assert "drones launched: 188, night to 26 Nov 2024" in seed
    assert "shot down 76 = 40.4%" in seed  # 76 / 188
    assert "Check of “almost 235sq kilometres (91sq miles)”" in seed
    assert "NOK 30.00bn" in seed and "Check of “30 billion kronor ($2.7bn)”" in seed
    assert "[synthetic]" not in seed


def test_charts_and_summary_are_written_as_png_svg_and_markdown(bundled):
    rep, out = bundled
    files = {Path(f).name for f in rep.files}
    assert "summary.md" in files
    pngs = sorted(f for f in files if f.endswith(".png"))
    assert len(pngs) == 3  # drones launched (with its rate panel), occupied area, aid
    assert all(f.replace(".png", ".svg") in files for f in pngs)
    assert all((out / f).stat().st_size > 10_000 for f in pngs)
    assert (out / "summary.md").read_text(encoding="utf-8") == rep.summary
    assert "Synthetic data" in (out / pngs[0].replace(".png", ".svg")).read_text()


def _obs(**extra):
    days = pd.date_range("2024-10-01", "2024-11-30")
    rng = np.random.default_rng(3)
    launched = rng.poisson(50, len(days))
    frame = pd.DataFrame({
        "metric": "drones_launched", "value": launched, "unit": "count", "kind": "flow",
        "start": days, "end": days, "entity": "Ukraine", "source": "test",
    })
    return pd.concat([frame, pd.DataFrame([extra])], ignore_index=True) if extra else frame


def test_bad_rows_are_reported_with_row_and_reason_and_the_rest_still_covered():
    bad = _obs(metric="drones_launched", value="lots", unit="count", kind="flow",
               start="2024-11-20", end="2024-11-20", entity="Ukraine", source="test")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.DataWarning)
        rep = weekly_report({"test": bad})
    assert len(rep.problems) == 1
    p = rep.problems.iloc[0]
    assert p["row"] == len(bad) - 1 and "not a number" in p["reason"] and "'lots'" in p["reason"]
    assert "## Input problems" in rep.summary
    assert "drones launched" in rep.summary and "weekly total" in rep.summary


def test_a_conflicting_metric_is_left_out_with_the_reason():
    clash = _obs(metric="drones_launched", value=7, unit="count", kind="flow",
                 start="2024-11-20", end="2024-11-20", entity="Ukraine", source="other")
    rep = weekly_report({"test": clash})
    assert rep.table.empty
    assert "2 reports cover 2024-11-20" in rep.problems.iloc[0]["reason"]
    summed = weekly_report({"test": clash}, conflict="sum")
    assert summed.table.iloc[0]["metric"] == "drones_launched"


def test_money_without_an_ecb_rate_is_set_aside_by_name():
    rows = pd.DataFrame({
        "metric": "aid_allocated", "value": 1e9, "unit": ["EUR", "UAH"] * 3, "kind": "flow",
        "start": pd.date_range("2024-05-01", periods=6, freq="MS"),
        "end": pd.date_range("2024-05-01", periods=6, freq="ME"), "entity": "donor",
        "source": "test",
    })
    rep = weekly_report({"aid": rows})
    reasons = rep.problems["reason"].tolist()
    assert len(reasons) == 3 and all("no reference rate for UAH" in r for r in reasons)


def test_a_chosen_week_is_reported(tmp_path):
    rep = weekly_report({"test": _obs()}, week="2024-11-20")
    assert (rep.week_start, rep.week_end) == (pd.Timestamp("2024-11-14"),
                                              pd.Timestamp("2024-11-20"))
    assert rep.files == ()


def test_the_command_writes_the_report_and_prints_the_summary(tmp_path, capsys):
    assert main(["weekly", "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr()
    assert "# Weekly report: 18 Nov 2024 to 24 Nov 2024" in out.out
    assert "3 charts (PNG and SVG)" in out.err
    assert (tmp_path / "summary.md").exists()


def test_the_command_reads_an_observation_csv_and_names_bad_input(tmp_path, capsys):
    path = tmp_path / "obs.csv"
    _obs().to_csv(path, index=False)
    assert main(["weekly", "--data", str(path), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    assert "obs.csv" in capsys.readouterr().out
    assert main(["weekly", "--data", str(tmp_path / "missing.csv")]) == 2
    assert "data file not found" in capsys.readouterr().err
    assert main(["weekly", "--data", str(path), "--reader", "nope"]) == 2
    assert "reader must be one of" in capsys.readouterr().err


def test_the_summary_command_prints_each_metric(capsys):
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert "drones_launched [flow, count]" in out
    assert "occupied_area [level, km2]" in out


@pytest.mark.realdata
def test_the_command_reports_the_missile_attack_dataset(shared_data, tmp_path, capsys):
    path = shared_data("massive_missile_attacks", "missile_attacks_daily.csv")
    assert main(["weekly", "--data", str(path), "--reader", "missile_attacks",
                 "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    # the file's last window ends on Sunday 5 April 2026 08:00
    assert "# Weekly report: 30 Mar 2026 to 5 Apr 2026" in out
    assert "**destroyed / launched**" in out


def test_a_cumulative_series_with_a_correction_is_still_reported():
    days = pd.date_range("2024-09-01", "2024-11-30")
    total = np.cumsum(np.random.default_rng(8).poisson(20, len(days))).astype(float)
    total[60:] -= 30  # a correction: the running total steps down once
    obs = pd.DataFrame({"metric": "tanks_destroyed", "value": total, "unit": "count",
                        "kind": "cumulative", "start": days, "end": days,
                        "entity": "Russia", "source": "test"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.DataWarning)
        rep = weekly_report({"losses": obs})
    assert rep.problems.empty
    assert rep.table.iloc[0]["metric"] == "tanks_destroyed"


@pytest.mark.realdata
@pytest.mark.parametrize(("reader", "parts", "metric"), [
    ("deepstate_area", ("deepstate_area", "deepstate_occupied_area_daily.csv"), "occupied area"),
    ("general_staff_losses", ("russia_losses_petroivaniuk", "russia_losses_equipment.json"),
     "tank"),
    ("kiel_tracker", ("kiel_support_tracker", "data_explorer.csv"), "aid allocated"),
    ("oryx_daily", ("oryx_scarnecchia", "daily_count.csv"), "destroyed (Russia)"),
    ("oryx_events", ("oryx_scarnecchia",), "losses recorded (Ukraine)"),
    ("liveuamap_territory", ("liveuamap_territory", "territory.csv"), "occupied area"),
])
def test_every_public_dataset_goes_through_the_report(shared_data, reader, parts, metric):
    from conflictstats.datasets import load_dataset

    data = load_dataset(shared_data(*parts), reader=reader)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.DataWarning)
        rep = weekly_report({reader: data}, conflict="sum")
    assert f"**{metric}**" in rep.summary
    assert rep.problems.empty, rep.problems.to_string()


def test_a_few_entities_are_reported_apart_and_many_are_summed():
    days = pd.date_range("2024-10-01", "2024-11-30")
    rng = np.random.default_rng(4)

    def flows(entities):
        return pd.concat([pd.DataFrame({
            "metric": "losses", "value": rng.poisson(10, len(days)), "unit": "count",
            "kind": "flow", "start": days, "end": days, "entity": e, "source": "test"})
            for e in entities], ignore_index=True)

    two = weekly_report({"t": flows(["Russia", "Ukraine"])})
    assert sorted(two.table["metric"]) == ["losses (Russia)", "losses (Ukraine)"]
    many = flows([f"donor {i}" for i in range(5)])
    summed = weekly_report({"t": many})
    week = many.loc[(many["end"] >= "2024-11-18") & (many["end"] <= "2024-11-24"), "value"]
    assert summed.table["metric"].tolist() == ["losses"]
    assert summed.table.iloc[0]["week_total"] == week.sum()

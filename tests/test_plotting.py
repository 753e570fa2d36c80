"""Plotting helpers: each returns the Axes it drew on and draws what it claims."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.testing.compare import compare_images
from numpy.testing import assert_allclose

import conflictstats as cs
from conflictstats import plotting as P

BASELINE = Path(__file__).resolve().parent / "baseline"
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo_campaign.csv"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    return plt.figure().add_subplot()


@pytest.fixture
def daily():
    """Seeded nightly launches, 10 weeks from a Wednesday, with three unreported nights."""
    rng = np.random.default_rng(7)
    idx = pd.date_range("2024-09-04", periods=70, freq="D", name="date")
    s = pd.Series(rng.poisson(40, len(idx)).astype(float), index=idx, name="drones_launched")
    s.iloc[[5, 30, 31]] = np.nan
    return s


def _bar_dates(ax):
    return [mdates.num2date(p.get_x() + p.get_width() / 2).date() for p in ax.patches]


# --------------------------------------------------------------------------- import & style


def test_importing_plotting_does_not_import_matplotlib():
    code = "import sys, conflictstats.plotting; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_style_is_a_context_and_restores_rcparams():
    before = dict(mpl.rcParams)
    with P.style(font_size=13):
        assert mpl.rcParams["font.size"] == 13
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        cycle = [c["color"] for c in mpl.rcParams["axes.prop_cycle"]]
        assert cycle[0] == P.PALETTE["blue"]
    assert dict(mpl.rcParams) == before


def test_palette_is_okabe_ito():
    # Okabe & Ito (2008), the eight colours of the colour-universal-design palette
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                 "#000000"}
    named = {P.PALETTE[k] for k in ("orange", "sky_blue", "green", "yellow", "blue",
                                    "vermillion", "reddish_purple", "black")}
    assert named == okabe_ito


def test_no_helper_changes_global_rcparams(daily):
    before = dict(mpl.rcParams)
    fig, ax = plt.subplots()
    P.plot_series(daily, ax=ax)
    P.plot_weekly_bars(daily.resample("W-SUN").sum(), ax=ax)
    rec = pd.DataFrame({"date": [daily.index[10]], "value": [50.0], "previous_date": [pd.NaT]})
    P.mark_records(rec, ax=ax)
    P.mark_anomalies(daily.where(daily > 50), ax=ax, labels=True)
    P.add_source(ax, "x", synthetic=True)
    P.war_day_axis(ax)
    fig.canvas.draw()
    P.weekly_chart(daily, source="s", synthetic=True).savefig(
        os.devnull, format="png", dpi=30)
    assert dict(mpl.rcParams) == before


# --------------------------------------------------------------------------- plot_series


def test_plot_series_draws_one_bar_per_reported_day_and_gaps_for_missing(daily, ax):
    out = P.plot_series(daily, ax=ax)
    assert out is ax
    reported = daily.dropna()
    assert len(ax.patches) == len(reported)
    assert_allclose([p.get_height() for p in ax.patches], reported.to_numpy())
    drawn = set(_bar_dates(ax))
    assert not {d.date() for d in daily.index[daily.isna()]} & drawn


def test_plot_series_rolling_line_is_trailing_mean_of_reported_days(daily, ax):
    P.plot_series(daily, window="7D", ax=ax)
    (line,) = ax.lines
    assert line.get_label() == "7-day average"
    y = np.asarray(line.get_ydata(), dtype=float)
    # hand rule: mean of the non-missing values in the 7 days ending on t, if >= 4 reported
    v = daily.to_numpy()
    expected = np.full(len(v), np.nan)
    for t in range(len(v)):
        window = v[max(0, t - 6): t + 1]
        window = window[~np.isnan(window)]
        if len(window) >= 4:
            expected[t] = window.mean()
    assert_allclose(y, expected)


def test_plot_series_uses_current_axes_when_none_given(daily):
    _fig, ax = plt.subplots()
    out = P.plot_series(daily, window=None)
    assert out is ax and len(ax.lines) == 0 and len(ax.patches) == daily.notna().sum()


def test_plot_series_draws_levels_as_points_not_bars(ax):
    level = pd.Series([100.0, np.nan, 103, 110], index=pd.date_range("2024-11-01", periods=4))
    level.attrs = {"kind": "level", "unit": "km2"}
    P.plot_series(level, ax=ax)
    assert len(ax.patches) == 0
    (line,) = ax.lines
    assert_allclose(line.get_ydata(), [100, 103, 110])
    assert line.get_marker() == "o"


def test_plot_series_dates_use_concise_formatter(daily, ax):
    P.plot_series(daily, ax=ax)
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert isinstance(ax.xaxis.get_major_locator(), mdates.AutoDateLocator)


def test_plot_series_rejects_a_fractional_window(daily, ax):
    with pytest.raises(ValueError, match=r"whole number of days such as 7 or '7D'; got '36h'"):
        P.plot_series(daily, window="36h", ax=ax)


def test_plot_series_passes_keywords_to_bars_and_line(daily, ax):
    P.plot_series(daily, ax=ax, bar_kws={"color": "red"}, line_kws={"linestyle": ":"})
    assert mpl.colors.to_hex(ax.patches[0].get_facecolor()) == "#ff0000"
    assert ax.lines[0].get_linestyle() == ":"


# --------------------------------------------------------------------------- weekly bars


def test_plot_weekly_bars_hatches_and_labels_incomplete_weeks(ax):
    weeks = pd.DataFrame(
        {"total": [120.0, 300, 280, 90], "complete": [False, True, True, False],
         "n_days": 7, "n_reported": [2, 7, 7, 3]},
        index=pd.date_range("2024-11-10", periods=4, freq="W-SUN"),
    )
    out = P.plot_weekly_bars(weeks, ax=ax)
    assert out is ax
    assert len(ax.patches) == 4
    hatched = [p for p in ax.patches if p.get_hatch() == "//"]
    assert_allclose(sorted(p.get_height() for p in hatched), [90, 120])
    assert [t.get_text() for t in ax.texts] == ["2/7\ndays", "3/7\ndays"]


def test_plot_weekly_bars_centres_bars_on_their_week(ax):
    weeks = pd.Series([10.0, 20.0], index=pd.to_datetime(["2024-11-17", "2024-11-24"]))
    P.plot_weekly_bars(weeks, ax=ax)
    # the week ending Sunday 17 Nov runs Mon 11 .. Sun 17: its middle is Thu 14 at noon
    centres = [mdates.num2date(p.get_x() + p.get_width() / 2) for p in ax.patches]
    assert centres[0].replace(tzinfo=None) == pd.Timestamp("2024-11-14 12:00")
    assert ax.patches[0].get_hatch() is None


def test_plot_weekly_bars_takes_a_boolean_complete_for_a_series(ax):
    weeks = pd.Series([10.0, 20.0, np.nan], index=pd.date_range("2024-11-03", periods=3,
                                                                   freq="W-SUN"))
    P.plot_weekly_bars(weeks, complete=[True, False, False], ax=ax)
    assert len(ax.patches) == 2  # the week without a total has no bar
    assert [p.get_hatch() == "//" for p in ax.patches] == [False, True]
    assert [t.get_text() for t in ax.texts] == ["partial"]


def test_plot_weekly_bars_checks_the_length_of_complete(ax):
    weeks = pd.Series([10.0, 20.0], index=pd.date_range("2024-11-03", periods=2, freq="W-SUN"))
    with pytest.raises(ValueError, match=r"one entry per period \(2\); got shape \(3,\)"):
        P.plot_weekly_bars(weeks, complete=[True, True, False], ax=ax)


# --------------------------------------------------------------------------- rate


def test_plot_rate_draws_line_and_ribbon_in_percent(ax):
    r = pd.DataFrame({"rate": [0.4, np.nan, 0.45], "lower": [0.3, np.nan, 0.36],
                      "upper": [0.5, np.nan, 0.54]},
                     index=pd.date_range("2024-11-24", periods=3))
    out = P.plot_rate(r, ax=ax)
    assert out is ax
    assert len(ax.lines) == 1
    assert len(ax.collections) == 1 and isinstance(ax.collections[0], PolyCollection)
    assert_allclose(ax.lines[0].get_ydata(), [0.4, np.nan, 0.45])
    assert ax.yaxis.get_major_formatter()(0.25) == "25%"


def test_plot_rate_accepts_percent_scale_and_a_date_column(ax):
    r = pd.DataFrame({"date": pd.date_range("2024-11-24", periods=2), "rate": [40.0, 50],
                      "lower": [30.0, 40], "upper": [50.0, 60]})
    P.plot_rate(r, ax=ax, scale=100)
    assert ax.yaxis.get_major_formatter()(25) == "25%"


def test_plot_rate_needs_its_columns(ax):
    r = pd.DataFrame({"rate": [0.4]}, index=pd.date_range("2024-11-24", periods=1))
    with pytest.raises(KeyError, match="rate: column 'lower' not found"):
        P.plot_rate(r, ax=ax)


# --------------------------------------------------------------------------- records, anomalies


def test_mark_records_labels_records_and_largest_since(ax):
    rec = pd.DataFrame({
        "date": pd.to_datetime(["2024-07-21", "2024-11-10", "2024-11-26"]),
        "value": [112.0, 145, 188],
        "previous_date": pd.to_datetime(["2024-03-02", None, "2024-11-10"]),
    })
    out = P.mark_records(rec, ax=ax)
    assert out is ax
    assert len(ax.collections) == 1
    assert_allclose(ax.collections[0].get_offsets()[:, 1], [112, 145, 188])
    assert [t.get_text() for t in ax.texts] == [
        "largest since March 2024", "record", "largest since 10 Nov"]


def test_mark_records_says_smallest_for_lows_and_uses_a_label_column(ax):
    rec = pd.DataFrame({"value": [3.0, 9.0], "previous_date": pd.to_datetime(["2023-12-30",
                                                                              None]),
                        "direction": ["low", "high"]},
                       index=pd.to_datetime(["2024-02-01", "2024-05-01"]))
    P.mark_records(rec, ax=ax)
    assert [t.get_text() for t in ax.texts] == ["smallest since 30 Dec 2023", "record"]
    ax2 = plt.figure().add_subplot()
    P.mark_records(rec.assign(label=["a weekly record for 2024", "x"]), ax=ax2)
    assert [t.get_text() for t in ax2.texts] == ["a weekly record for 2024", "x"]


def test_mark_records_without_labels_draws_points_only(ax):
    rec = pd.DataFrame({"value": [5.0]}, index=pd.to_datetime(["2024-02-01"]))
    P.mark_records(rec, ax=ax, labels=False)
    assert len(ax.texts) == 0 and len(ax.collections) == 1
    with pytest.raises(KeyError, match="previous_date"):
        P.mark_records(rec, ax=ax)


def test_mark_records_staggers_labels_that_would_collide(ax):
    ax.set_xlim(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    rec = pd.DataFrame({"value": [5.0, 6.0], "previous_date": [pd.NaT, pd.NaT]},
                       index=pd.to_datetime(["2024-06-01", "2024-06-03"]))
    P.mark_records(rec, ax=ax)
    offsets = sorted(t.xyann[1] for t in ax.texts)
    assert offsets[1] > offsets[0]


def test_mark_anomalies_draws_only_flagged_days(ax, daily):
    flags = pd.DataFrame({"value": daily, "anomaly": daily > 48})
    out = P.mark_anomalies(flags, ax=ax)
    assert out is ax and len(ax.texts) == 0
    assert len(ax.collections[0].get_offsets()) == int((daily > 48).sum())


def test_mark_anomalies_takes_a_series_and_uses_current_axes(daily):
    _fig, ax = plt.subplots()
    s = daily.where(daily > 48)
    out = P.mark_anomalies(s, labels=True)
    assert out is ax
    assert len(ax.texts) == int(s.notna().sum())
    assert {t.get_text() for t in ax.texts} == {"unusual"}


# --------------------------------------------------------------------------- segments


def test_shade_segments_draws_each_segment_mean_and_alternate_shading(ax):
    cps = pd.DataFrame({"date": pd.to_datetime(["2024-07-01", "2024-09-01"]),
                        "mean_before": [30.0, 45.0], "mean_after": [45.0, 70.0]})
    out = P.shade_segments(cps, ax=ax, span=("2024-06-01", "2024-11-30"))
    assert out is ax
    (means,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segs = means.get_segments()
    assert_allclose([s[0, 1] for s in segs], [30, 45, 70])
    # segments: Jun 1 - Jul 1, Jul 1 - Sep 1, Sep 1 - Dec 1; the middle one is shaded
    bounds = [(mdates.num2date(s[0, 0]).date(), mdates.num2date(s[1, 0]).date()) for s in segs]
    assert str(bounds[0][0]) == "2024-06-01" and str(bounds[2][1]) == "2024-12-01"
    assert len(ax.patches) == 1


def test_shade_segments_needs_data_or_a_span(ax, daily):
    cps = pd.DataFrame({"mean_before": [1.0], "mean_after": [2.0]},
                       index=pd.to_datetime(["2024-10-01"]))
    with pytest.raises(ValueError, match="give span=\\(first_day, last_day\\)"):
        P.shade_segments(cps, ax=ax)
    P.plot_series(daily, ax=ax)
    P.shade_segments(cps, ax=ax)
    assert len(ax.collections[-1].get_segments()) == 2


# --------------------------------------------------------------------------- decorations


def test_add_source_prefixes_synthetic_and_sits_below_tick_labels(daily):
    fig, ax = plt.subplots()
    P.plot_series(daily, ax=ax)
    ax.set_xlabel("date")
    out = P.add_source(ax, "Source: test", synthetic=True)
    assert out is ax
    note = ax.texts[-1]
    assert note.get_text() == "Synthetic data — Source: test"
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    assert note.get_window_extent(r).y1 <= ax.xaxis.label.get_window_extent(r).y0 + 0.5


def test_war_day_axis_counts_24_february_2022_as_day_one(ax):
    ax.plot(pd.to_datetime(["2024-11-27", "2024-12-07"]), [0, 1])
    ax.set_xlim(pd.Timestamp("2024-11-27"), pd.Timestamp("2024-12-07"))
    sec = P.war_day_axis(ax)
    ax.figure.canvas.draw()
    # 27 Nov 2024 is day 1,008 (the 1,007th day was 26 Nov, per Al Jazeera's key events)
    assert_allclose(sec.get_xlim(), [1008, 1018])
    assert sec.get_xlabel() == "day of the full-scale war"
    assert all("," in t.get_text() or len(t.get_text()) < 4 for t in sec.get_xticklabels())


# --------------------------------------------------------------------------- weekly_chart


def test_weekly_chart_single_metric_has_daily_weekly_and_rate_panels(daily):
    rate = pd.DataFrame({"rate": 0.5, "lower": 0.4, "upper": 0.6}, index=daily.index)
    rec = pd.DataFrame({"value": [daily.max()], "previous_date": [pd.NaT]},
                       index=[daily.idxmax()])
    fig = P.weekly_chart(daily, rate=rate, records=rec, title="T", source="S",
                         synthetic=True, rate_label="share shot down")
    day_ax, week_ax, rate_ax = fig.axes
    assert fig.get_suptitle() == "T"
    assert day_ax.get_title(loc="left") == "Drones launched: daily"
    # 4 Sep 2024 is a Wednesday: the partial first week is not drawn, days from Monday 9
    shown = daily.loc["2024-09-09":]
    assert len(day_ax.patches) == shown.notna().sum()
    assert "record" in [t.get_text() for t in day_ax.texts]
    weeks = shown.resample("W-SUN").sum()
    assert len(week_ax.patches) == len(weeks)
    by_date = sorted(week_ax.patches, key=lambda p: p.get_x())
    assert_allclose([p.get_height() for p in by_date][:-1], weeks.iloc[:-1])
    # incomplete: the last week (12 Nov is a Tuesday) and the weeks of 9 Sep and 4-5 Oct
    assert [p.get_hatch() == "//" for p in by_date][-1]
    assert sum(p.get_hatch() == "//" for p in week_ax.patches) == 3
    assert rate_ax.get_title(loc="left") == "share shot down"
    note = rate_ax.texts[-1].get_text()
    assert note.startswith("Synthetic data — S\n")
    assert "Monday–Sunday weeks" in note


def test_weekly_chart_legends_sit_above_the_panels(daily):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = P.weekly_chart(daily, highlight=("2024-11-04", "2024-11-10"))
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    for ax in fig.axes:
        legend = ax.get_legend()
        assert legend is not None
        # the legend's box starts at or above the top of the plotting area
        assert legend.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1 - 1


def test_weekly_chart_highlights_the_week_and_hatches_spread_days(daily):
    spread = pd.date_range("2024-10-14", "2024-10-16")
    fig = P.weekly_chart(daily, freq="W-WED", highlight=("2024-10-31", "2024-11-06"),
                         spread=spread)
    day_ax, week_ax = fig.axes
    hatched = [p for p in day_ax.patches if p.get_hatch() == "////"]
    assert len(hatched) == 3
    spans = [p for p in week_ax.patches if p.get_label() == "report week"] or [
        p for p in day_ax.patches if p.get_label() == "report week"]
    assert spans
    # Thursday-Wednesday weeks: the weekly bars end on Wednesdays, and the footer says so
    ends = {(mdates.num2date(p.get_x() + p.get_width()) - pd.Timedelta(hours=1)).weekday()
            for p in week_ax.patches if p.get_label() != "report week"
            and not isinstance(p, mpl.patches.Polygon)}
    assert ends <= {2, 3}  # bars end near the Wednesday/Thursday boundary
    note = week_ax.texts[-1].get_text()
    assert "Thursday–Wednesday weeks" in note and "spread evenly" in note


def test_weekly_chart_draws_a_level_and_its_weekly_change():
    idx = pd.date_range("2024-09-02", "2024-10-27")
    area = pd.Series(np.arange(len(idx), dtype=float) * 10 + 1000, index=idx,
                     name="occupied_area")
    area.iloc[[20, 40]] = np.nan  # no level on two days: those weeks are incomplete
    area.attrs = {"kind": "level", "unit": "km2"}
    fig = P.weekly_chart(area)
    day_ax, week_ax = fig.axes
    assert day_ax.get_title(loc="left") == "Occupied area (km²): reported level"
    assert week_ax.get_title(loc="left") == "Weekly change (km²)"
    bars = sorted(week_ax.patches, key=lambda p: p.get_x())
    totals = cs.period_totals(area, freq="W-SUN", kind="level")
    totals = totals.loc[totals["start"] >= pd.Timestamp("2024-09-09")]
    assert_allclose([p.get_height() for p in bars], totals["total"])
    assert [p.get_hatch() == "//" for p in bars] == (~totals["complete"]).tolist()


def test_weekly_chart_panel_draws_each_metric_with_its_own_records(daily):
    wide = pd.DataFrame({"drones_launched": daily, "drones_shot_down": (daily * 0.5).round()})
    rec = {"drones_shot_down": pd.DataFrame({"value": [30.0], "previous_date": [pd.NaT]},
                                            index=[daily.index[3]])}
    fig = P.weekly_chart(wide, records=rec)
    assert len(fig.axes) == 4
    titles = [a.get_title(loc="left") for a in fig.axes]
    assert titles[:2] == ["Drones launched, daily", "Drones shot down, daily"]
    assert len(fig.axes[0].texts) == 0
    assert fig.axes[1].texts[0].get_text() == "record"


def test_weekly_chart_rejects_shares_and_too_many_metrics(daily):
    share = daily / 100
    share.attrs = {"kind": "share", "unit": "percent"}
    with pytest.raises(ValueError, match=r"is a share"):
        P.weekly_chart(share)
    wide = pd.DataFrame({f"m{i}": daily for i in range(5)})
    with pytest.raises(ValueError, match="at most 4 metrics; got 5"):
        P.weekly_chart(wide)
    with pytest.raises(KeyError, match="metric 'nope' not in daily"):
        P.weekly_chart(wide, metric="nope")
    with pytest.raises(ValueError, match="dict keyed by metric"):
        P.weekly_chart(wide, metric=["m0", "m1"], records=pd.DataFrame({"value": [1.0]}))


def test_weekly_chart_on_the_demo_campaign(tmp_path):
    obs = cs.read_observations(DEMO)
    daily = cs.to_daily(obs, metric=["drones_launched", "drones_shot_down"])
    fig = P.weekly_chart(daily, source="demo", synthetic=True, war_day=True)
    fig.savefig(tmp_path / "demo.png", dpi=40)
    fig.savefig(tmp_path / "demo.svg")
    assert (tmp_path / "demo.png").stat().st_size > 1000
    assert len(fig.axes) == 4  # two daily and two weekly panels
    assert len(fig.axes[0].child_axes) == 1  # the war-day axis
    assert "Synthetic data — demo" in fig.axes[1].texts[-1].get_text()


# --------------------------------------------------------------------------- image comparison


def _baseline_chart():
    """Seeded 12 weeks ending on a Thursday, with a record, an anomaly and a change point."""
    rng = np.random.default_rng(2024)
    idx = pd.date_range("2024-09-02", "2024-11-21", freq="D", name="date")
    mean = np.where(idx < pd.Timestamp("2024-10-07"), 40.0, 70.0)
    s = pd.Series(rng.poisson(mean).astype(float), index=idx, name="drones_launched")
    s.iloc[[10, 11, 40]] = np.nan
    s.loc["2024-11-10"] = 145.0
    shot = np.floor(s * 0.55)
    p = (shot.rolling(7, min_periods=1).sum() / s.rolling(7, min_periods=1).sum())
    rate = pd.DataFrame({"rate": p, "lower": p - 0.06, "upper": p + 0.06})
    rec = pd.DataFrame({"value": [145.0], "previous_date": [pd.NaT]},
                       index=pd.to_datetime(["2024-11-10"]))
    ano = pd.DataFrame({"value": [s.loc["2024-09-20"]]}, index=pd.to_datetime(["2024-09-20"]))
    cps = pd.DataFrame({"mean_before": [40.0], "mean_after": [70.0]},
                       index=pd.to_datetime(["2024-10-07"]))
    return P.weekly_chart(s, rate=rate, records=rec, anomalies=ano, changepoints=cps,
                          title="Drones launched overnight", source="conflictstats tests",
                          synthetic=True, war_day=True, rate_label="share shot down")


def test_weekly_chart_matches_the_baseline_image(tmp_path):
    deterministic = {"svg.hashsalt": "conflictstats", "text.hinting": "none",
                     "path.simplify": False}
    with mpl.rc_context(deterministic):
        fig = _baseline_chart()
        actual = tmp_path / "weekly_chart.png"
        fig.savefig(actual, dpi=60, metadata={"Software": None})
    expected = BASELINE / "weekly_chart.png"
    if os.environ.get("CONFLICTSTATS_UPDATE_BASELINE"):
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
    assert expected.exists(), "baseline missing: run with CONFLICTSTATS_UPDATE_BASELINE=1"
    result = compare_images(str(expected), str(actual), tol=2)
    assert result is None, result


# --------------------------------------------------------------------------- library outputs


def test_mark_records_reads_the_since_column_and_skips_trivial_first_values(ax):
    # columns as conflictstats.records.records returns them
    rec = pd.DataFrame({
        "series": "x", "scope": "all",
        "date": pd.to_datetime(["2024-06-01", "2024-07-21", "2024-11-26"]),
        "value": [44.0, 112, 188],
        "previous_date": pd.to_datetime([None, "2024-06-01", "2024-07-21"]),
        "n_compared": [0, 50, 170],
        "since": pd.to_datetime([None, "2023-08-05", None]),
    })
    P.mark_records(rec, ax=ax)
    assert len(ax.collections[0].get_offsets()) == 2
    assert [t.get_text() for t in ax.texts] == ["largest since August 2023", "record"]


def test_weekly_chart_takes_records_and_anomalies_of_the_stats_modules(daily):
    from conflictstats.anomalies import anomalies
    from conflictstats.records import records

    spiked = daily.copy()
    spiked.iloc[50] = 200.0  # an unmistakable anomaly and an all-time record
    wide = pd.DataFrame({"a": spiked, "b": daily})
    rec = records(wide)
    ano = anomalies(wide)
    assert ano["a"]["is_anomaly"].iloc[50]
    fig = P.weekly_chart(wide, records=rec, anomalies=ano)
    a_ax = fig.axes[0]
    circled = [c for c in a_ax.collections if c.get_label() == "unusual"]
    assert len(circled) == 1
    assert_allclose(circled[0].get_offsets()[:, 1], ano["a"].loc[ano["a"]["is_anomaly"],
                                                                 "value"])
    assert "record" in [t.get_text() for t in a_ax.texts]


def test_weekly_records_are_marked_on_the_weekly_panel_not_the_daily_one():
    import conflictstats as cs
    from conflictstats.plotting import weekly_chart

    rng = np.random.default_rng(5)
    s = pd.Series(rng.poisson(30, 84).astype(float), name="drones_launched",
                  index=pd.date_range("2024-09-02", periods=84))
    weekly = cs.records(s, freq="W-SUN", kind="flow")
    weekly = weekly.loc[weekly["n_compared"] > 0]
    assert len(weekly)
    fig = weekly_chart(s, records=weekly)
    day_ax, week_ax = fig.axes[0], fig.axes[1]
    day_top = day_ax.get_ylim()[1]
    # every marked value is a weekly total, far above the daily axis
    assert weekly["value"].min() > day_top
    assert week_ax.get_ylim()[1] >= weekly["value"].max()


# --------------------------------------------------------------------------- reconcile


@pytest.fixture
def reconciled():
    """b is 0.5 of a, two days later, except 4-24 Mar where it is 0.9 of a (planted)."""
    rng = np.random.default_rng(3)
    days = pd.date_range("2024-01-01", periods=140, name="date")
    a = pd.Series(rng.poisson(60, 140).astype(float), index=days, name="$A$ tracker")
    share = np.where((days >= "2024-03-04") & (days <= "2024-03-24"), 0.9, 0.5)
    b = pd.Series(rng.binomial(a.shift(2).fillna(60).astype(int), share).astype(float),
                  index=days, name="B_{x}")
    return cs.reconcile(a, b, kind="flow")


def test_plot_reconcile_returns_the_axes_with_both_sources_per_period(ax, reconciled):
    out = P.plot_reconcile(reconciled, ax=ax)
    assert out is ax
    line_a, line_b = ax.lines[:2]
    assert [line_a.get_label(), line_b.get_label()] == ["$A$ tracker", "B_{x}"]
    # one point per period of the table, at the period's last day
    x = mdates.date2num(reconciled.table.index.to_pydatetime())
    assert_allclose(mdates.date2num(line_a.get_xdata()), x)
    assert_allclose(np.asarray(line_b.get_ydata(), dtype=float), reconciled.table["b"])


def test_plot_reconcile_shades_the_usual_band_and_each_episode(ax, reconciled):
    assert len(reconciled.episodes) >= 1  # the planted divergence is found
    P.plot_reconcile(reconciled, ax=ax)
    band = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(band) == 1
    ys = band[0].get_paths()[0].vertices[:, 1]
    a = reconciled.table["a"]
    # the band spans band_lower * a to band_upper * a
    assert_allclose(ys.min(), reconciled.band_lower * a.min(), rtol=1e-9)
    assert_allclose(ys.max(), reconciled.band_upper * a.max(), rtol=1e-9)
    spans = [p for p in ax.patches if p.get_alpha() == 0.18]
    assert len(spans) == len(reconciled.episodes)
    assert [p.get_label() for p in spans][:1] == ["divergence"]
    # a Rectangle from matplotlib 3.9, a Polygon before: its corners in data units
    xy = spans[0].get_patch_transform().transform(spans[0].get_path().vertices) \
        if hasattr(spans[0], "get_width") else spans[0].get_xy()
    xs = np.asarray(xy)[:, 0]
    start, end = reconciled.episodes.iloc[0][["start", "end"]]
    assert_allclose([xs.min(), xs.max()],
                    mdates.date2num([start, end + pd.Timedelta(days=1)]))


def test_plot_reconcile_draws_source_names_literally(ax, reconciled):
    P.plot_reconcile(reconciled, ax=ax)
    texts = [t for t in ax.get_legend().get_texts()]
    assert "$A$ tracker" in [t.get_text() for t in texts]
    assert not any(t.get_parse_math() for t in texts)
    ax.figure.canvas.draw()  # "$A$" drawn as text: no mathtext, no error


def test_plot_reconcile_without_band_or_episodes_and_on_the_current_axes(reconciled):
    fig = plt.figure()
    cur = fig.add_subplot()
    out = P.plot_reconcile(reconciled, band=False, episodes=False)
    assert out is cur
    assert not [c for c in cur.collections if isinstance(c, PolyCollection)]
    assert not [p for p in cur.patches if p.get_label() == "divergence"]


def test_plot_reconcile_rejects_what_is_not_a_reconciliation(ax):
    with pytest.raises(cs.InputTypeError, match="result must be a Reconciliation.*DataFrame"):
        P.plot_reconcile(pd.DataFrame({"a": [1.0]}), ax=ax)

"""Step 6b: the charts drawn from the facts, and the folder written
(:mod:`conflictstats._output`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._output import chart_stem, csv_cells, literal_text, md_text, write_report
from .._periods import Span
from ..observations import CURRENCY_CODES
from .phrases import (
    _day_short,
    _fill_source,
    _month,
    _num,
    _pct,
    _sentence_case,
    _signed,
    _title,
    _unit_text,
)
from .rules import _DAY, MIN_CHART_DAY_SHARE, MIN_DAYS_PER_DAY_COMPARISON, Progress
from .series import _Series


def _write(out_dir: Path, render: Callable[[list[dict[str, Any]]], tuple[str, pd.DataFrame]],
           facts: pd.DataFrame, series: list[_Series], tables: Mapping[str, Any], span: Span,
           start: pd.Timestamp, end: pd.Timestamp, problems: list[dict[str, Any]],
           say: Progress) -> tuple[str, pd.DataFrame, tuple[str, ...]]:
    """Step 6b: charts, facts and summary built in a new folder, swapped in as a whole
    (:func:`conflictstats._output.write_report`). A chart that cannot be drawn is an
    input problem of the summary."""
    done: dict[str, Any] = {}

    def build(folder: Path) -> list[str]:
        names: list[str] = []
        with literal_text():  # labels from data are drawn as written, never as mathtext
            for item in series:
                if not _charted(item, facts):
                    continue
                say(f"drawing {item.key}")
                rate = tables.get(f"{item.dataset}|rate|{item.key}")
                try:
                    names += _draw(folder, item, facts, tables.get(f"{item.dataset}|{item.key}"),
                                   rate, span, start, end)
                except OSError:
                    raise  # the disk, not the data: the run fails and nothing is swapped in
                except Exception as err:  # one chart's trouble does not stop the report
                    problems.append({"dataset": item.dataset, "row": "", "metric": item.key,
                                     "reason": f"no chart: {type(err).__name__}: {err}"})
        md, done["problems"] = render(problems)
        chart_list = "\n".join(f"- ![{md_text(Path(f).stem)}]({f})" for f in names
                               if f.endswith(".png"))
        done["text"] = md + ("\n## Charts\n\n" + chart_list + "\n" if chart_list else "")
        (folder / "summary.md").write_text(done["text"], encoding="utf-8")
        csv_cells(facts).to_csv(folder / "facts.csv", index=False, date_format="%Y-%m-%d")
        return [*names, "facts.csv", "summary.md"]

    names = write_report(out_dir, build, say=say,
                         meta={"week_start": start.date(), "week_end": end.date()})
    return done["text"], done["problems"], tuple(str(out_dir / n) for n in names)


def _charted(item: _Series, facts: pd.DataFrame) -> bool:
    """A series gets a chart when it has a sentence and is not a rate's outcome."""
    own = facts.loc[(facts["dataset"] == item.dataset) & (facts["series"] == item.key)]
    if own.empty or not item.headline or item.kind == "share" or item.outcome:
        return False
    tot = own.loc[own["fact"] == "week_total", "n_reported"]
    if _noise(item) and len(tot) and float(tot.iloc[0]) < MIN_DAYS_PER_DAY_COMPARISON:
        return False  # a sparse series in a sparse week: bars and averages are noise
    # outcomes are drawn through their base's rate panel
    return not bool((facts["series"].astype(str).str.startswith(f"{item.key} / ")).any())


def _noise(item: _Series) -> bool:
    """A series too sparse for a chart of weekly bars and 7-day averages."""
    if item.kind != "flow" or item.monthly:
        return False
    s = item.daily
    last = s.last_valid_index()
    if last is None:
        return True
    recent = s.loc[last - pd.Timedelta(days=182):last]
    return float(recent.notna().mean()) < MIN_CHART_DAY_SHARE


def _chart_marks(item: _Series, facts: pd.DataFrame,
                 span: Span) -> dict[str, pd.DataFrame | None]:
    """Records, "highest since" and unusual days of the facts, as labelled marks."""
    own = facts.loc[(facts["dataset"] == item.dataset) & (facts["series"] == item.key)]
    unit = item.unit

    def frame(kinds: tuple[str, ...], label: Callable[[pd.Series], str]) -> pd.DataFrame | None:
        part = own.loc[own["fact"].isin(kinds)]
        if part.empty:
            return None
        dates = pd.DatetimeIndex(part["date"])
        return pd.DataFrame({"date": dates,
                             "start": [span.bounds(d)[0] for d in dates],  # a few marks
                             "value": part["value"].astype(float).to_numpy(),
                             "label": [label(r) for _, r in part.iterrows()]})

    def since(r: pd.Series) -> str:
        prev = pd.Timestamp(r["previous_date"])
        return f"highest since {_month(prev, short=True)}: {_num(r['value'], unit)}"

    weekly = [f for f in (
        frame(("record",), lambda r: f"record: {_num(r['value'], unit)}"),
        frame(("record_year",), lambda r: f"{pd.Timestamp(r['date']).year} record: "
                                          f"{_num(r['value'], unit)}"),
        frame(("highest_since",), since)) if f is not None]
    if len(weekly) > 1:  # one label per week: "2024 record; highest since Jul 2022: 235"
        both = pd.concat(weekly, ignore_index=True)
        weekly = [both.groupby("date", as_index=False).agg(
            start=("start", "first"), value=("value", "first"),
            label=("label", lambda x: "; ".join(v.split(": ")[0] for v in x)
                   + ": " + x.iloc[0].split(": ")[-1]))]
    day = frame(("record_day",), lambda r: f"record day: {_num(r['value'], unit)}")
    if day is not None:
        day["start"] = day["date"]
    unusual = frame(("unusual_day",), lambda r: f"unusual: {_num(r['value'], unit)}")
    if day is not None and unusual is not None:
        # one label for a day that is both: the two would be written over each other
        both = unusual["date"].isin(day["date"]).to_numpy()
        unusual.loc[both, "label"] = ""
        day.loc[day["date"].isin(unusual["date"]).to_numpy(), "label"] = [
            f"record day (unusual): {_num(v, unit)}"
            for v in day.loc[day["date"].isin(unusual["date"]).to_numpy(), "value"]]
    return {"weekly": pd.concat(weekly, ignore_index=True) if weekly else None,
            "daily": day, "anomalies": unusual}


def _mark_corrections(ax: Any, corrections: pd.Series, unit: str) -> None:
    """A triangle under the axis and "correction −83 (not drawn)" at each correction."""
    from ..plotting import PALETTE, _legend_above, style

    with style():
        _draw_corrections(ax, corrections, unit, PALETTE.get("vermillion", "C3"))
        _legend_above(ax)


def _draw_corrections(ax: Any, corrections: pd.Series, unit: str, color: str) -> None:
    x = pd.DatetimeIndex(corrections.index).to_numpy()
    ax.scatter(x, np.zeros(len(x)), marker="v", s=36, color=color,
               zorder=5, label="correction (not drawn)", clip_on=False)
    for d, v in corrections.items():
        ax.annotate(f"correction {_signed(float(v), unit)} on {_day_short(d)}",
                    (np.datetime64(d), 0), xytext=(-6, 28), textcoords="offset points",
                    ha="right", fontsize=7.5, color="#333333",
                    bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1},
                    arrowprops={"arrowstyle": "-", "color": "#777777", "linewidth": 0.6})


def _save(fig: Any, stem: Path) -> list[str]:
    fig.draw_without_rendering()  # lay out once, then save both formats as laid out
    fig.set_layout_engine("none")
    names = []
    for ext in ("png", "svg"):
        fig.savefig(f"{stem}.{ext}", dpi=110 if ext == "png" else None,
                    metadata={"Date": None} if ext == "svg" else None)
        names.append(f"{stem.name}.{ext}")
    return names


def _draw_monthly(out_dir: Path, item: _Series, end: pd.Timestamp) -> list[str]:
    from matplotlib.figure import Figure
    from matplotlib.ticker import StrMethodFormatter

    from ..plotting import add_source, plot_weekly_bars, style
    from ..trends import period_totals

    months = period_totals(item.daily.loc[:end], freq="ME", kind=item.kind)
    # reported months only: a monthly figure is never pro-rated into a partial month
    months = months.loc[months["complete"]]
    money = item.unit in CURRENCY_CODES
    scale, unit = (1e9, f"{item.unit} bn") if money else (1.0, _unit_text(item.unit))
    months = months.assign(total=months["total"] / scale)
    with style():
        fig = Figure(figsize=(8, 3.8), layout="constrained")
        ax = fig.add_subplot()
        plot_weekly_bars(months, ax=ax, label="monthly total", label_incomplete=False,
                         incomplete_kws={"label": "incomplete month"})
        top = float(np.nanmax(months["total"])) if len(months) else 0.0
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}" if top >= 10
                                                        else "{x:,.1f}"))
        done = months.loc[months["complete"]]
        if len(done):  # the month the summary reports
            m0 = pd.Timestamp(done["start"].iloc[-1])
            m1 = pd.Timestamp(done["end"].iloc[-1]) + _DAY
            ax.axvspan(np.datetime64(m0), np.datetime64(m1),  # type: ignore[arg-type]
                       color="#F0E442", alpha=0.25,
                       linewidth=0, zorder=0, label="month reported")
        ax.set_ylabel(unit)
        last = _month(months.index[-1] if len(months) else end)
        # the title on its own line above the legend: the two never overprint
        ax.set_title(f"{_sentence_case(item.key)} by month ({unit}), reported months to "
                     f"{last}", loc="left", pad=17)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, fontsize=7.5,
                  borderaxespad=0.2)
        add_source(ax, _fill_source(item.source, 124), synthetic=item.synthetic)
    return _save(fig, out_dir / chart_stem(item.dataset, item.key))


def _definition_breaks(comparable: pd.Series | None, first: pd.Timestamp,
                       end: pd.Timestamp) -> pd.DatetimeIndex:
    """The first report days under a new definition (the ``comparable`` label changes)."""
    if comparable is None or comparable.empty:
        return pd.DatetimeIndex([])
    lab = comparable.astype(str)
    new = lab.index[1:][(lab.to_numpy()[1:] != lab.to_numpy()[:-1])]
    return pd.DatetimeIndex(new)[(new >= first) & (new <= end)]


def _mark_definition_breaks(fig: Any, comparable: pd.Series | None, first: pd.Timestamp,
                            end: pd.Timestamp) -> None:
    """A dashed line on every panel where the definition changes, labelled on the last
    (the share panel when there is one): nothing is compared across it."""
    from ..plotting import style

    days = _definition_breaks(comparable, first, end)
    if not len(days):
        return
    with style():
        for ax in fig.axes:
            for d in days:
                ax.axvline(d - _DAY / 2, color="#444444", linestyle="--", linewidth=0.9,
                           zorder=4)
        ax = fig.axes[-1]
        for d in days:
            ax.annotate(f"new definition from {_day_short(d)}", xy=(d - _DAY / 2, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(-3, -3),
                        textcoords="offset points", ha="right", va="top", fontsize=8,
                        color="#444444")


def _draw(out_dir: Path, item: _Series, facts: pd.DataFrame, weeks: pd.DataFrame | None,
          rate: tuple[pd.DataFrame, str, str, pd.Series | None] | None, span: Span,
          start: pd.Timestamp, end: pd.Timestamp) -> list[str]:
    """One chart, drawn from the facts: the week highlighted, its records labelled."""
    from ..plotting import mark_records, style, weekly_chart

    if item.monthly:
        return _draw_monthly(out_dir, item, end)
    s = item.daily.loc[:end]
    # half a year of whole weeks (26 rows of the period table): the first bar is a full
    # week, never a partial one
    if weeks is not None and len(weeks):
        first = pd.Timestamp(weeks["start"].iloc[max(len(weeks) - 26, 0)])
    else:
        first = pd.Timestamp(s.index[0])
    s = s.loc[first - _DAY:]  # the day before: the base of a level's first week
    if not s.notna().any():
        return []
    corrections = s.loc[s < 0] if item.kind == "flow" else s.iloc[:0]
    if len(corrections):
        # a fall of a running total is a correction, not a negative loss count: the bars
        # show the positive increments and the correction is marked, not drawn
        s = s.where(~(s < 0), 0.0)
    marks = _chart_marks(item, facts, span)
    what = ""
    rate_frame, rate_label = (None, None)
    if rate is not None:
        rt, _key, outcome, _ = rate
        rate_frame = rt.loc[s.index[0]:end, ["rate", "lower", "upper"]]
        rate_label = f"Share {outcome}, by week (%)"
    fig = weekly_chart(
        s, rate=rate_frame, records=marks["weekly"] if marks["daily"] is None else (
            pd.concat([m for m in (marks["weekly"], marks["daily"]) if m is not None],
                      ignore_index=True)),
        anomalies=marks["anomalies"], title=_title(item, end, what), source=item.source,
        synthetic=item.synthetic, freq=span.code, highlight=(start, end),
        spread=item.spread, flagged=item.flagged, rate_label=rate_label)
    if len(corrections):
        _mark_corrections(fig.axes[0], corrections, item.unit)
    _mark_definition_breaks(fig, item.comparable if rate is None or item.comparable is not None
                            else rate[3], pd.Timestamp(s.index[0]), end)
    if rate is not None:
        own = facts.loc[(facts["dataset"] == item.dataset)
                        & (facts["series"] == rate[1])
                        & facts["fact"].isin(["record", "record_low"])]
        if len(own):
            with style():
                marks_rate = pd.DataFrame({
                    "date": pd.DatetimeIndex(own["date"]),
                    "value": own["value"].astype(float).to_numpy(),
                    "label": [("lowest on record: " if f == "record_low" else
                               "highest on record: ") + _pct(v)
                              for f, v in zip(own["fact"], own["value"], strict=True)]})
                mark_records(marks_rate, ax=fig.axes[-1])
    return _save(fig, out_dir / chart_stem(item.dataset, item.key))

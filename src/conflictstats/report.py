"""The weekly report: charts and plain sentences for one week of reported figures.

:func:`weekly_report` takes one or more observation tables, picks the week (by
default the latest complete Monday-to-Sunday week in the data) and writes, for each
metric with a daily series, a chart (PNG and SVG) and sentences a journalist can
paste: the weekly total and its change on the previous week, rates with their
intervals, records set (with their scope and the record they broke), "highest
since", and anomalies. Figures that do not form a series (a single reported
number) are listed as reported, with their bracketed conversions checked.

Every input problem is reported with its row and reason, and the report still
covers the rest. Data whose ``source`` says "synthetic" is labelled synthetic in
every sentence and chart that uses it.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._validate import DataWarning
from .calendar import war_day
from .daily import to_daily
from .datasets import bundled_datasets
from .errors import InputError
from .observations import CURRENCY_CODES, screen_observations
from .results import Result

__all__ = ["WeeklyReport", "weekly_report"]

#: Reported days a metric needs to be treated as a series rather than single figures.
MIN_SERIES_DAYS = 14
#: Flows of up to this many entities are reported entity by entity; more are summed.
MAX_ENTITIES_APART = 3
#: Outcome metrics whose share of a ``*launched`` metric is reported as a rate.
OUTCOMES = ("shot_down", "destroyed", "lost_track", "not_reach_goal", "intercepted",
            "suppressed")
#: Outcomes of a launched metric that get no chart of their own: the launched
#: metric's chart shows them through its rate panel, and the summary has their lines.
CHART_SKIPS = (*OUTCOMES, "still_attacking", "border_crossing", "unaccounted")
#: Currency all money is converted to (ECB reference rate of each report's end date).
REPORT_CURRENCY = "EUR"

Progress = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class WeeklyReport(Result):
    """What :func:`weekly_report` wrote.

    Attributes
    ----------
    week_start, week_end : Timestamp
        The first and last day of the week reported.
    summary : str
        The Markdown text of ``summary.md``.
    table : DataFrame
        One row per metric series: ``dataset``, ``metric``, ``unit``, ``kind``,
        ``synthetic``, ``week_total``, ``previous_total``, ``change``,
        ``change_pct``, ``days_reported``, ``record_all``, ``record_year``,
        ``highest_since``, ``n_anomalies``.
    problems : DataFrame
        Input problems: ``dataset``, ``row``, ``metric``, ``reason``.
    files : tuple of str
        Paths written (charts and summary), empty when nothing was written.
    """

    week_start: pd.Timestamp
    week_end: pd.Timestamp
    summary: str
    table: pd.DataFrame
    problems: pd.DataFrame
    files: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: the week, the number of metrics, problems and files."""
        return pd.DataFrame([{"week_start": self.week_start, "week_end": self.week_end,
                              "n_metrics": len(self.table), "n_problems": len(self.problems),
                              "n_files": len(self.files)}])


# ---------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------


def _num(x: float, unit: str = "count") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if unit in CURRENCY_CODES:
        for scale, word in ((1e9, "bn"), (1e6, "m")):
            if abs(x) >= scale:
                return f"{unit} {x / scale:,.2f}{word}"
        return f"{unit} {x:,.0f}"
    suffix = {"km2": " km²", "percent": "%", "sq_mi": " sq mi", "ha": " ha", "km": " km",
              "mi": " mi"}.get(unit, "")
    digits = 0 if unit == "count" or abs(x) >= 100 else 1
    return f"{x:,.{digits}f}{suffix}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _day(ts: Any) -> str:
    t = pd.Timestamp(ts)
    return f"{t.day} {t.strftime('%b %Y')}"


def _label(metric: str) -> str:
    return metric.replace("_", " ")


# ---------------------------------------------------------------------------
# the week
# ---------------------------------------------------------------------------


def _week(all_days: list[pd.DatetimeIndex], week: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    if week is not None:
        end = pd.Timestamp(week).normalize()
        return end - pd.Timedelta(days=6), end
    last = max(d.max() for d in all_days if len(d))
    # the latest Sunday on or before the last day with data: a complete Mon-Sun week
    end = last - pd.Timedelta(days=(last.weekday() + 1) % 7)
    return end - pd.Timedelta(days=6), end


# ---------------------------------------------------------------------------
# per-metric analysis
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class _Series:
    dataset: str
    metric: str
    unit: str
    kind: str
    daily: pd.Series
    synthetic: bool
    monthly: bool = False  # reported by month: analysed and drawn by month
    converted: bool = False  # some amounts were converted to the report currency


def _money_to_report_currency(obs: pd.DataFrame, problems: list[dict[str, Any]],
                              dataset: str) -> pd.DataFrame:
    """Convert every money row to EUR at the rate of its end date; list what cannot be."""
    from .quantities import convert_currency

    money = obs["unit"].isin(list(CURRENCY_CODES - {REPORT_CURRENCY})).to_numpy()
    if not money.any():
        return obs
    out = obs.copy()
    out["reported_value"] = obs["value"]
    out["reported_unit"] = obs["unit"]
    for code in pd.unique(obs.loc[money, "unit"]):
        rows = obs.index[(obs["unit"] == code).to_numpy()]
        amounts = pd.Series(obs.loc[rows, "value"].to_numpy(),
                            index=pd.DatetimeIndex(obs.loc[rows, "end"]).normalize())
        try:
            eur = convert_currency(amounts, code, REPORT_CURRENCY)
        except ValueError as err:
            for r in rows:
                problems.append({"dataset": dataset, "row": r, "metric": obs.at[r, "metric"],
                                 "reason": f"set aside: {err}"})
            out = out.drop(index=rows)
            continue
        out.loc[rows, "value"] = eur.to_numpy()
        out.loc[rows, "unit"] = REPORT_CURRENCY
    return out


def _series_of(dataset: str, obs: pd.DataFrame, conflict: Any,
               problems: list[dict[str, Any]], progress: Progress) -> tuple[list[_Series],
                                                                          pd.DataFrame]:
    """Daily series of the metrics with enough reported days; the rest as figures."""
    series: list[_Series] = []
    singles = []
    ends = obs.groupby("metric")["end"].agg(lambda e: e.dt.normalize().nunique())
    covered = ((obs["end"].dt.normalize() - obs["start"].dt.normalize()).dt.days + 1).groupby(
        obs["metric"]).sum()
    for metric, n_ends in ends.items():
        sub = obs.loc[obs["metric"] == metric]
        # a series: reports on several dates covering enough days (a month-long
        # flow covers 30 days; a single night's figure covers one)
        if n_ends < 4 or covered[metric] < MIN_SERIES_DAYS:
            singles.append(sub)
            continue
        progress(f"{dataset}: {metric}")
        # "sum" adds separate events; a level or a running total cannot be added up
        policy: Any = "error" if conflict == "sum" and sub["kind"].iloc[0] != "flow" else conflict
        try:
            daily = to_daily(sub, metric=str(metric), by="entity", conflict=policy)
        except ValueError as err:
            problems.append({"dataset": dataset, "row": "", "metric": metric,
                             "reason": f"not reported: {err}"})
            continue
        kind = str(daily.attrs["kind"])
        unit = str(daily.attrs["unit"])
        synthetic = bool(sub["source"].astype(str).str.contains("synthetic", case=False).all())
        # levels of several entities cannot be added; flows of a few entities (Russia,
        # Ukraine) are reported apart, flows of many (donors) as their total
        apart = 1 < daily.shape[1] <= MAX_ENTITIES_APART
        if daily.shape[1] > 1 and (kind in ("level", "share") or apart):
            for ent in daily.columns:
                s = daily[ent].rename(f"{metric} ({ent})")
                s.attrs = {"kind": "flow" if kind == "cumulative" else kind, "unit": unit}
                series.append(_Series(dataset, f"{metric} ({ent})", unit, s.attrs["kind"], s,
                                      synthetic))
            continue
        total = daily.sum(axis=1, min_count=1).rename(str(metric))
        total.attrs = {"kind": "flow" if kind == "cumulative" else kind, "unit": unit}
        length = (sub["end"].dt.normalize() - sub["start"].dt.normalize()).dt.days + 1
        monthly = kind == "flow" and float(length.median()) >= 28
        converted = "reported_unit" in sub.columns and bool(
            (sub["reported_unit"] != sub["unit"]).any())
        series.append(_Series(dataset, str(metric), unit, total.attrs["kind"], total,
                              synthetic, monthly, converted))
    figures = pd.concat(singles) if singles else obs.iloc[:0]
    return series, figures


def _week_and_previous(s: pd.Series, end: pd.Timestamp, anchor: str,
                       kind: str) -> tuple[float, int, float]:
    """Total (flow) or change (level) of the week ending ``end``, its days reported, and
    the previous week's total -- the periods of :func:`conflictstats.period_totals`."""
    from .trends import period_totals

    hist = s.loc[:end]
    if hist.notna().sum() == 0:
        return math.nan, 0, math.nan
    weeks = period_totals(hist, freq=anchor, kind=kind)
    before = end - pd.Timedelta(days=7)
    total = float(weeks["total"].get(end, math.nan))
    n_rep = int(weeks["n_reported"].get(end, 0))
    prev = float(weeks["total"].get(before, math.nan))
    return total, n_rep, prev


def _analyse(item: _Series, start: pd.Timestamp, end: pd.Timestamp,
             anchor: str) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """Numbers, sentences and chart extras of one metric for the week."""
    from .anomalies import anomalies
    from .records import highest_since, period_flags, records

    s, kind, unit = item.daily, item.kind, item.unit
    tag = "[synthetic] " if item.synthetic else ""
    if item.monthly:
        return _analyse_month(item, end)
    if kind == "share":
        total, n_rep, prev = math.nan, int(s.loc[start:end].notna().sum()), math.nan
    else:
        total, n_rep, prev = _week_and_previous(s, end, anchor, kind)
    change = total - prev
    row: dict[str, Any] = {
        "dataset": item.dataset, "metric": item.metric, "unit": unit, "kind": kind,
        "synthetic": item.synthetic, "week_total": total, "previous_total": prev,
        "change": change, "change_pct": change / prev if prev else math.nan,
        "days_reported": n_rep, "record_all": False, "record_year": False,
        "highest_since": pd.NaT, "n_anomalies": 0,
    }
    lines: list[str] = []
    what = "change" if kind == "level" else "total"
    if kind == "share":
        latest = s.loc[:end].dropna()
        if len(latest):
            lines.append(f"{tag}**{_label(item.metric)}**: {_num(latest.iloc[-1], unit)} on "
                         f"{_day(latest.index[-1])}.")
        return row, lines, {}
    if math.isnan(total):
        lines.append(f"{tag}**{_label(item.metric)}**: no reports in the week.")
        return row, lines, {}
    sentence = (f"{tag}**{_label(item.metric)}**: weekly {what} {_num(total, unit)} "
                f"({n_rep} of 7 days reported)")
    if not math.isnan(prev):
        if abs(change) <= 1e-9 * max(abs(prev), 1.0):
            sentence += f", the same as the previous week ({_num(prev, unit)})"
        else:
            direction = "up" if change > 0 else "down"
            pct = f", {_pct(abs(change / prev))}" if prev else ""
            sentence += (f", {direction} {_num(abs(change), unit)}{pct} on the previous week "
                         f"({_num(prev, unit)})")
    lines.append(sentence + ".")
    if n_rep < 7:
        lines.append(f"{tag}The week is incomplete: {7 - n_rep} day(s) without a report are "
                     "missing, not zero.")

    # weekly records (all time and this year), and "highest since"
    extras: dict[str, Any] = {}
    hist = s.loc[:end]
    if hist.notna().sum() >= 14:
        for scope in ("all", "year"):
            rec = records(hist, freq=anchor, scope=scope, kind=kind)
            hit = rec.loc[(rec["date"] == end) & (rec["n_compared"] > 0)]
            if len(hit):
                r = hit.iloc[0]
                row["record_all" if scope == "all" else "record_year"] = True
                where = "an all-time weekly record" if scope == "all" else \
                    f"a weekly record for {end.year}"
                lines.append(
                    f"{tag}That is {where}: {_num(r['value'], unit)} against "
                    f"{_num(r['previous_value'], unit)} in the week to "
                    f"{_day(r['previous_date'])}."
                )
                if scope == "all":
                    break
        weekly = _weekly_values(hist, anchor, kind)
        weekly.attrs["flags"] = period_flags(hist, freq=anchor).to_dict()  # left out
        if end in weekly.index and not np.isnan(weekly.loc[end]):
            since = highest_since(weekly.dropna()).get(end, pd.NaT)
            row["highest_since"] = since
            # worth saying only when the last higher week is more than a month back
            if pd.notna(since) and not row["record_all"] and (end - since).days > 28:
                lines.append(f"{tag}The highest weekly {what} since the week to {_day(since)}.")
        # the largest single day in the week, if it is a record
        if kind == "flow":
            daily_rec = records(hist, scope="all", kind=kind)
            in_week = daily_rec.loc[(daily_rec["date"] >= start) & (daily_rec["n_compared"] > 0)]
            if len(in_week):
                r = in_week.iloc[-1]
                lines.append(
                    f"{tag}Record day: {_num(r['value'], unit)} on {_day(r['date'])}, above "
                    f"the previous record of {_num(r['previous_value'], unit)} on "
                    f"{_day(r['previous_date'])}."
                )
                extras["records"] = in_week.set_index("date")[["value", "previous_date"]]
        # anomalies: count-aware for counts, robust z otherwise
        if kind == "flow":
            known = hist.dropna()
            counts = unit == "count" and bool(
                ((known >= 0) & (known == np.floor(known))).all())
            # corrections (negative steps) or fractional values: the robust z-score
            method = "count" if counts else "robust_z"
            an = anomalies(hist, method=method, causal=True)
            week_an = an.loc[start:end]
            flagged = week_an.loc[week_an["is_anomaly"].fillna(False).astype(bool)]
            row["n_anomalies"] = len(flagged)
            for d, a in flagged.iterrows():
                lines.append(
                    f"{tag}Unusual day: {_num(a['value'], unit)} on {_day(d)}, against an "
                    f"expected {_num(a['expected'], unit)} from the previous weeks "
                    f"({'count model' if method == 'count' else 'robust z-score'})."
                )
            if len(flagged):
                extras["anomalies"] = flagged
    return row, lines, extras


def _analyse_month(item: _Series, end: pd.Timestamp) -> tuple[dict[str, Any], list[str],
                                                                dict[str, Any]]:
    """A metric reported by month: the latest complete month up to the week's end."""
    from .records import records
    from .trends import period_totals

    s, unit = item.daily, item.unit
    tag = "[synthetic] " if item.synthetic else ""
    months = period_totals(s.loc[:end], freq="ME", kind=item.kind).set_index("end")
    months = months.loc[months["complete"]]
    row: dict[str, Any] = {
        "dataset": item.dataset, "metric": item.metric, "unit": unit, "kind": item.kind,
        "synthetic": item.synthetic, "week_total": math.nan, "previous_total": math.nan,
        "change": math.nan, "change_pct": math.nan, "days_reported": 0,
        "record_all": False, "record_year": False, "highest_since": pd.NaT, "n_anomalies": 0,
    }
    if months.empty:
        return row, [f"{tag}**{_label(item.metric)}**: no complete month yet."], {}
    last = months.iloc[-1]
    month = last.name.strftime("%B %Y")
    sentence = (f"{tag}**{_label(item.metric)}** (reported by month): {_num(last['total'], unit)}"
                f" in {month}, the latest complete month")
    if len(months) > 1:
        prev = months.iloc[-2]
        change = last["total"] - prev["total"]
        direction = "up" if change > 0 else "down"
        sentence += (f", {direction} {_num(abs(change), unit)} on "
                     f"{prev.name.strftime('%B')} ({_num(prev['total'], unit)})")
        row.update(previous_total=prev["total"], change=change,
                   change_pct=change / prev["total"] if prev["total"] else math.nan)
    row.update(week_total=last["total"])
    lines = [sentence + "."]
    rec = records(s.loc[: last.name], freq="ME", scope="all", kind=item.kind)
    hit = rec.loc[(rec["date"] == last.name) & (rec["n_compared"] > 0)]
    if len(hit):
        row["record_all"] = True
        r = hit.iloc[0]
        lines.append(f"{tag}A monthly record: above {_num(r['previous_value'], unit)} in "
                     f"{pd.Timestamp(r['previous_date']).strftime('%B %Y')}.")
    if item.converted:
        lines.append(f"{tag}Amounts in other currencies were converted to {REPORT_CURRENCY} at "
                     "the ECB reference rate of each report's last day.")
    return row, lines, {}


def _weekly_values(s: pd.Series, anchor: str, kind: str) -> pd.Series:
    from .trends import period_totals

    totals = period_totals(s, freq=anchor, kind=kind)
    out = totals.set_index("end")["total"].where(totals.set_index("end")["complete"])
    return out.astype(float)


def _rate_lines(items: list[_Series], start: pd.Timestamp, end: pd.Timestamp,
                ) -> tuple[list[str], dict[str, pd.DataFrame]]:
    """Outcome shares of every ``*launched`` metric, this week and the previous."""
    from .rates import compare_rates, rate

    by_name = {i.metric: i for i in items if i.unit == "count" and i.kind == "flow"}
    lines: list[str] = []
    ribbons: dict[str, pd.DataFrame] = {}
    for name, launched in by_name.items():
        if not name.endswith("launched"):
            continue
        prefix = name[: -len("launched")]
        for outcome in OUTCOMES:
            part = by_name.get(prefix + outcome)
            if part is None:
                continue
            tag = "[synthetic] " if launched.synthetic or part.synthetic else ""
            both = pd.concat([part.daily, launched.daily], axis=1, keys=["x", "n"],
                             sort=True).dropna()
            if both.empty:
                continue
            both = both.asfreq("D")
            week = both.loc[start:end].dropna()
            prev = both.loc[start - pd.Timedelta(days=7): start - pd.Timedelta(days=1)].dropna()
            if week.empty or week["n"].sum() == 0:
                continue
            if (week["x"] > week["n"]).any():
                bad = week.index[(week["x"] > week["n"]).to_numpy()][0]
                lines.append(f"{tag}{_label(prefix + outcome)} exceeds {_label(name)} on "
                             f"{_day(bad)}: no rate reported.")
                continue
            r = rate(float(week["x"].sum()), float(week["n"].sum()))
            sentence = (f"{tag}**{_label(prefix + outcome)} / {_label(name)}**: "
                        f"{_pct(r.rate)} this week ({r.numerator:,.0f} of "
                        f"{r.denominator:,.0f}; 95% CI {_pct(r.lower)}–{_pct(r.upper)}, "
                        "Wilson)")
            if not prev.empty and prev["n"].sum() > 0:
                c = compare_rates(float(week["x"].sum()), float(week["n"].sum()),
                                  float(prev["x"].sum()), float(prev["n"].sum()))
                verdict = ("a significant change" if c.p_value < 0.05
                           else "not a significant change")
                if not np.isfinite(c.p_value):
                    lines.append(sentence + ".")
                    continue
                sentence += (f"; previous week {_pct(float(prev['x'].sum() / prev['n'].sum()))},"
                             f" difference {100 * c.difference:+.1f} points (95% CI "
                             f"{100 * c.difference_lower:+.1f} to "
                             f"{100 * c.difference_upper:+.1f}), {verdict} "
                             f"(p = {c.p_value:.2g})")
            lines.append(sentence + ".")
            if outcome in ("shot_down", "destroyed") and name not in ribbons:
                ribbon: Any = rate(both["x"], both["n"], window="7D")
                ribbon.attrs["label"] = (f"share {outcome.replace('_', ' ')} "
                                         "(7-day pooled, 95% CI)")
                ribbons[name] = ribbon
    return lines, ribbons


def _figure_lines(figures: pd.DataFrame, synthetic: bool) -> list[str]:
    """Single reported figures, their conversions checked, and outcome shares."""
    from .quantities import parse_quantity
    from .rates import outcome_shares

    tag = "[synthetic] " if synthetic else ""
    lines: list[str] = []
    if figures.empty:
        return lines
    for _, f in figures.sort_values(["end", "metric"]).iterrows():
        qual = "" if f["qualifier"] == "exact" else f" ({f['qualifier'].replace('_', ' ')})"
        overnight = f["start"] != f["start"].normalize() and \
            f["end"].normalize() == f["start"].normalize() + pd.Timedelta(days=1)
        if overnight:
            period = f"night to {_day(f['end'])}"
        elif f["start"].normalize() == f["end"].normalize() or f["kind"] != "flow":
            period = _day(f["end"])
        else:
            period = f"{_day(f['start'])} to {_day(f['end'])}"
        who = f" — {f['entity']}" if isinstance(f.get("entity"), str) else ""
        src = f"; {f['source']}" if isinstance(f.get("source"), str) else ""
        unit = f.get("reported_unit")
        value = _num(f["value"], f["unit"])
        if isinstance(unit, str) and unit != f["unit"]:
            value = (f"{_num(f['reported_value'], unit)} ({value} at the ECB rate of "
                     f"{_day(f['end'])})")
        else:
            unit = f["unit"]
        lines.append(f"{tag}{_label(f['metric'])}: {value}{qual}, {period}{who}{src}.")
        text = f.get("text")
        if isinstance(text, str) and "(" in text:
            try:
                q = parse_quantity(text, currency=unit if unit in CURRENCY_CODES else None)
                chk = q.check_alternative(date=f["end"], reported=f.get("reported"))
            except ValueError:
                continue
            c = chk.iloc[0]
            at = ("" if c["date_basis"] == "not needed" else
                  f" at the rate of {_day(c['date'])} ("
                  + ("the statement date" if c["date_basis"] == "statement date"
                     else "no statement date known: the period's end") + ")")
            lines.append(
                f"  {tag}Check of “{text}”: our conversion gives "
                f"{_num(c['converted'], c['stated_unit'])}{at}; the bracket says "
                f"{_num(c['stated'], c['stated_unit'])} ({100 * c['relative_difference']:+.1f}%)."
            )
    # outcome shares of a launched figure reported together with its parts
    for _, launched in figures.loc[figures["metric"].str.endswith("launched")].iterrows():
        prefix = launched["metric"][: -len("launched")]
        same = figures.loc[(figures["end"] == launched["end"])
                           & figures["metric"].isin([prefix + o for o in OUTCOMES])]
        if same.empty:
            continue
        parts = {m[len(prefix):]: v for m, v in zip(same["metric"], same["value"], strict=True)}
        try:
            shares = outcome_shares(launched["value"], parts)
        except ValueError as err:
            lines.append(f"{tag}Outcomes of {launched['value']:,.0f} {_label(launched['metric'])}"
                         f": {err}")
            continue
        parts_text = "; ".join(
            f"{r['outcome'].replace('_', ' ')} {r['count']:,.0f} = {_pct(r['share'])} "
            f"({_pct(r['lower'])}–{_pct(r['upper'])})" for _, r in shares.iterrows())
        lines.append(f"{tag}Of {launched['value']:,.0f} {_label(launched['metric'])} on "
                     f"{_day(launched['end'])}: {parts_text} (95% simultaneous intervals, "
                     "Goodman).")
    if "war_day" in set(figures["metric"]):
        w = figures.loc[figures["metric"] == "war_day"].iloc[0]
        ordinal = war_day(w["end"])
        lines.append(f"{tag}War day check: “day {w['value']:,.0f}” on {_day(w['end'])} counts "
                     f"elapsed days (base 0); the ordinal count gives day {ordinal:,}.")
    return lines


# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]


def weekly_report(
    data: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    *,
    week: Any = None,
    out: str | Path | None = None,
    conflict: str = "error",
    progress: Progress | None = None,
) -> WeeklyReport:
    """Write the weekly report: charts (PNG, SVG) and ``summary.md``.

    Parameters
    ----------
    data : DataFrame, mapping of name to DataFrame, or None
        Observation table(s). None: the bundled seed article and synthetic demo.
        Bad rows are listed in the report, not fatal.
    week : date-like, optional
        The last day of the week reported. Default: the latest Sunday on or before
        the last day with data (the latest complete Monday-to-Sunday week).
    out : str or Path, optional
        Directory to write to (created). None: compute only, write nothing.
    conflict : str
        Policy for several reports of one metric on one day (see
        :func:`conflictstats.to_daily`); a metric whose reports conflict under it is
        listed as a problem and left out.
    progress : callable, optional
        Called with a short message as each metric is processed.

    Returns
    -------
    WeeklyReport

    Notes
    -----
    Each metric is built with ``to_daily(..., by="entity")``. Levels and shares stay
    entity by entity; flows of up to :data:`MAX_ENTITIES_APART` entities (Russia and
    Ukraine) are reported apart, and flows of more (donors) as their total. A metric
    is a series when its reports fall on at least four dates and cover at least
    :data:`MIN_SERIES_DAYS` days; other figures are listed as reported. Metrics
    reported by month (median period of 28 days or more) are summarised by calendar
    month. Weekly records are found with :func:`conflictstats.records` on weeks
    ending on the report's last weekday, all time and within the year; anomalies with
    the causal count model for whole non-negative counts, the robust z-score
    otherwise.

    Examples
    --------
    >>> from conflictstats.report import weekly_report
    >>> rep = weekly_report()
    >>> str(rep.week_end.date()), rep.week_end.day_name()
    ('2024-11-24', 'Sunday')
    >>> "[synthetic]" in rep.summary
    True
    """
    say: Progress = progress or (lambda _msg: None)
    datasets = bundled_datasets() if data is None else (
        {"Observations": data} if isinstance(data, pd.DataFrame) else dict(data))
    problems: list[dict[str, Any]] = []
    every_end: list[pd.DatetimeIndex] = []
    all_series: list[_Series] = []
    all_figures: dict[str, pd.DataFrame] = {}
    for name, raw in datasets.items():
        say(f"reading {name}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataWarning)  # listed below instead
                table = screen_observations(raw)
        except ValueError as err:
            problems.append({"dataset": name, "row": "", "metric": "", "reason": str(err)})
            continue
        obs = table.observations
        every_end.append(pd.DatetimeIndex(obs["end"]).normalize())
        if len(table.set_aside):
            for r, bad in table.set_aside.iterrows():
                problems.append({"dataset": name, "row": r, "metric": raw.loc[r].get("metric"),
                                 "reason": f"set aside: {bad['reason']} (column "
                                           f"{bad['column']!r}, value {bad['value']!r})"})
        obs = _money_to_report_currency(obs, problems, name)
        series, figures = _series_of(name, obs, conflict, problems, say)
        all_series.extend(series)
        all_figures[name] = figures

    days = [i.daily.dropna().index for i in all_series] or [
        pd.DatetimeIndex(f["end"]).normalize() for f in all_figures.values() if len(f)
    ] or [d for d in every_end if len(d)]
    if not days:
        found = "; ".join(f"{p['metric']}: {p['reason']}" for p in problems[:3])
        raise InputError(f"no usable observations: nothing to report ({found})")
    start, end = _week(days, week)
    anchor = "W-" + end.strftime("%a").upper()[:3]

    rows: list[dict[str, Any]] = []
    sections: dict[str, list[str]] = {}
    charts: dict[str, list[tuple[_Series, dict[str, Any]]]] = {}
    analysed: list[_Series] = []
    for item in all_series:
        say(f"analysing {item.metric}")
        try:
            row, lines, extras = _analyse(item, start, end, anchor)
        except ValueError as err:  # one metric's trouble does not stop the report
            problems.append({"dataset": item.dataset, "row": "", "metric": item.metric,
                             "reason": f"not analysed: {err}"})
            continue
        analysed.append(item)
        rows.append(row)
        sections.setdefault(item.dataset, []).extend(lines)
        charts.setdefault(item.dataset, []).append((item, extras))
    ribbons: dict[str, pd.DataFrame] = {}
    for name in datasets:
        own = [i for i in analysed if i.dataset == name]
        rate_lines, rb = _rate_lines(own, start, end)
        sections.setdefault(name, []).extend(rate_lines)
        ribbons.update({f"{name}|{k}": v for k, v in rb.items()})

    table = pd.DataFrame(rows, columns=[
        "dataset", "metric", "unit", "kind", "synthetic", "week_total", "previous_total",
        "change", "change_pct", "days_reported", "record_all", "record_year", "highest_since",
        "n_anomalies"])
    files: list[str] = []
    if out is not None:
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, items in charts.items():
            launched = {i.metric[: -len("launched")] for i, _ in items
                        if i.metric.endswith("launched")}
            for item, extras in items:
                if any(item.metric == p + o for p in launched for o in CHART_SKIPS):
                    continue
                say(f"drawing {item.metric}")
                try:
                    files.extend(_draw(out_dir, item, extras, ribbons.get(
                        f"{name}|{item.metric}"), start, end))
                except ValueError as err:
                    problems.append({"dataset": name, "row": "", "metric": item.metric,
                                     "reason": f"no chart: {err}"})
    problems_frame = pd.DataFrame(problems, columns=["dataset", "row", "metric", "reason"])
    md = _markdown(start, end, datasets, sections, all_figures, problems_frame)
    if out is not None:
        summary_path = out_dir / "summary.md"
        chart_list = "\n".join(f"- ![{Path(f).stem}]({Path(f).name})" for f in files
                               if f.endswith(".png"))
        text = md + ("\n## Charts\n\n" + chart_list + "\n" if chart_list else "")
        summary_path.write_text(text, encoding="utf-8")
        files.append(str(summary_path))
        md = text
    return WeeklyReport(week_start=start, week_end=end, summary=md, table=table,
                        problems=problems_frame, files=tuple(files))


def _markdown(start: pd.Timestamp, end: pd.Timestamp, datasets: Mapping[str, pd.DataFrame],
              sections: Mapping[str, list[str]], figures: Mapping[str, pd.DataFrame],
              problems: pd.DataFrame) -> str:
    out = [f"# Weekly report: {_day(start)} to {_day(end)}", "",
           f"War days {war_day(start):,}–{war_day(end):,} (24 February 2022 = day 1). "
           "Days without a report are missing, not zero; weekly totals say how many of the "
           "7 days were reported.", ""]
    for name in datasets:
        synthetic = "synthetic" in name.lower()
        lines = sections.get(name, [])
        figs = figures.get(name)
        fig_lines = _figure_lines(figs, synthetic) if figs is not None else []
        if not lines and not fig_lines:
            continue
        out += [f"## {name}", ""]
        if synthetic:
            out += ["*Synthetic data made by `data/make_demo.py` to show every feature; "
                    "not real events.*", ""]
        out += [f"- {line}" for line in lines]
        if fig_lines:
            out += ["", "### Reported figures", ""]
            # a line starting with spaces is a note on the figure above it
            out += [f"  - {line.strip()}" if line.startswith("  ") else f"- {line}"
                    for line in fig_lines]
        out.append("")
    if len(problems):
        out += ["## Input problems", "",
                "These rows or metrics were left out; the rest of the report stands.", ""]
        for _, p in problems.iterrows():
            where = f"row {p['row']}, " if p["row"] != "" else ""
            metric = f"{p['metric']}: " if isinstance(p["metric"], str) and p["metric"] else ""
            out.append(f"- {p['dataset']}: {where}{metric}{p['reason']}")
        out.append("")
    return "\n".join(out)


def _save(fig: Any, stem: Path) -> list[str]:
    fig.draw_without_rendering()  # lay out once, then save both formats as laid out
    fig.set_layout_engine("none")
    paths = []
    for ext in ("png", "svg"):
        p = f"{stem}.{ext}"
        fig.savefig(p, dpi=110 if ext == "png" else None,
                    metadata={"Date": None} if ext == "svg" else None)
        paths.append(p)
    return paths


def _draw_monthly(out_dir: Path, item: _Series, end: pd.Timestamp) -> list[str]:
    from matplotlib.figure import Figure

    from .plotting import add_source, plot_weekly_bars, style
    from .trends import period_totals

    months = period_totals(item.daily.loc[:end], freq="ME", kind=item.kind)
    scale, word = (1e6, " million") if item.unit in CURRENCY_CODES else (1.0, "")
    months = months.assign(total=months["total"] / scale)
    with style():
        fig = Figure(figsize=(8, 3.6), layout="constrained")
        ax = fig.add_subplot()
        plot_weekly_bars(months, ax=ax, label="monthly total")
        ax.set_title(f"{_label(item.metric)} ({item.unit}{word}) by month, to "
                     f"{end.strftime('%B %Y')}", loc="left")
        add_source(ax, f"{item.dataset}; conflictstats. Months not fully inside the data are "
                       "hatched.", synthetic=item.synthetic)
    return _save(fig, out_dir / f"{_slug(item.dataset)}__{_slug(item.metric)}")


def _draw(out_dir: Path, item: _Series, extras: dict[str, Any], ribbon: pd.DataFrame | None,
          start: pd.Timestamp, end: pd.Timestamp) -> list[str]:
    from .plotting import weekly_chart

    if item.monthly:
        return _draw_monthly(out_dir, item, end)
    s = item.daily.loc[: end]
    if item.kind == "level":
        from .daily import level_changes

        s = level_changes(s).rename(f"{item.metric} (daily change)")
    s = s.loc[max(s.index[0], end - pd.Timedelta(days=7 * 26)):]
    if not s.notna().any():
        return []  # nothing reported in the half-year shown
    s = s.loc[s.first_valid_index():]
    title = f"{_label(str(s.name))}, week to {_day(end)}"
    source = f"{item.dataset}; conflictstats"
    fig = weekly_chart(
        s, rate=ribbon.loc[s.index[0]: end] if ribbon is not None else None,
        records=extras.get("records"), anomalies=extras.get("anomalies"),
        title=title, source=source, synthetic=item.synthetic,
        rate_label=ribbon.attrs.get("label") if ribbon is not None else None,
    )
    return _save(fig, out_dir / f"{_slug(item.dataset)}__{_slug(item.metric)}")

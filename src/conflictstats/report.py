"""The weekly report: one table of facts, and the sentences and charts drawn from it.

:func:`weekly_report` works in named steps, computing first and writing last:

1. **read**: screen each observation table, list bad rows, convert money to EUR;
2. **select**: keep the rows the reader declares reportable (the missile file's
   nationwide reports) and those of ``where=``; say which;
3. **group**: build one daily series per metric and per group the reader declares
   (drones apart from each missile type; Russia apart from Ukraine), never summed
   across groups;
4. **week**: the week ends on ``week`` (its last day), or on the latest Sunday
   with a complete week; every total, comparison, chart bar and footer uses the
   calendar weeks ending on that weekday (:mod:`conflictstats._periods`);
5. **facts**: one table, one row per statement (a week's total, its comparison,
   a rate, a record, "highest since", an unusual day, a series left out and why),
   with its value, comparison, completeness, method, source and caveats;
6. **write**: the summary sentences are the facts' ``text``; the charts label
   the same facts; ``summary.md``, ``facts.csv`` and the charts (PNG, SVG) are
   built in a new folder beside ``out`` and swapped in whole, the user's own files
   kept (:mod:`conflictstats._output`); text from data is escaped in the summary
   and in ``facts.csv``, and drawn literally in the charts.

A week-on-week change is made only between two complete weeks. When either week
has unreported days the comparison is made per reported day and says so (or not
at all when fewer than :data:`MIN_DAYS_PER_DAY_COMPARISON` days were reported).
Rates are pooled over the days on which both counts were reported, and the
sentence says so when those are fewer than the days of the printed total.
Data whose ``source`` says "synthetic" is labelled synthetic in every sentence
and chart that uses it.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._kinds import decode_spans
from ._output import chart_stem, csv_cells, literal_text, md_text, write_report
from ._periods import Span, parse_freq
from ._validate import DataWarning
from .calendar import war_day
from .daily import to_daily
from .datasets import bundled_datasets
from .errors import InputError, PeriodError
from .observations import CURRENCY_CODES, ObservationTable, screen_observations
from .results import Result
from .sources import SeriesRule, SourceSpec, source_spec

__all__ = ["FACT_COLUMNS", "WeeklyReport", "weekly_report"]

#: Reported days a metric needs to be treated as a series rather than single figures.
MIN_SERIES_DAYS = 14
#: Without a reader's declaration, flows of up to this many entities are reported
#: entity by entity; more (donors) are summed.
MAX_ENTITIES_APART = 3
#: A count series whose week total is below this gets no sentence of its own.
MIN_WEEK_COUNT = 10
#: A rate needs at least this many trials (its denominator) in the week.
MIN_RATE_BASE = 30
#: A series that began fewer than this many days before the week's end is "short": its
#: "on record" sentences say when it began.
SHORT_SERIES_DAYS = 2 * 365
#: A percentage change is printed only on a previous total at least this large
#: (below it the sentence says "up from 7 to 123").
MIN_PCT_BASE = 20
#: A per-reported-day comparison needs at least this many reported days in each week.
MIN_DAYS_PER_DAY_COMPARISON = 4
#: "A record for 2025" needs this many earlier weeks of that year to compare with.
MIN_YEAR_WEEKS = 4
#: "Highest since" is said only when the last higher week is more than this many days back.
SINCE_MIN_DAYS = 28
#: Outcome metrics whose share of a ``*launched`` metric is reported as a rate
#: (observation tables without a reader's declaration).
OUTCOMES = ("shot_down", "destroyed", "lost_track", "not_reach_goal", "intercepted",
            "suppressed")
#: Metrics of a launched metric's family that get no sentence or chart of their own
#: without a reader's declaration (they appear in the rate lines).
SECONDARY = ("still_attacking", "border_crossing", "unaccounted")
#: Currency all money is converted to (ECB reference rate of each report's end date).
REPORT_CURRENCY = "EUR"
#: Columns of the facts table (``facts.csv``).
FACT_COLUMNS = (
    "dataset", "series", "metric", "group", "fact", "week", "date", "value", "unit",
    "lower", "upper", "numerator", "denominator", "previous_value", "previous_date",
    "change", "pct_change", "comparison", "completeness", "n_reported", "n_days",
    "complete", "method", "source", "caveats", "synthetic", "text",
)

Progress = Callable[[str], None]
_DAY = pd.Timedelta(days=1)


class WeekError(PeriodError):
    """The week asked for is not in the data, or is not an ISO date."""


@dataclasses.dataclass(frozen=True)
class WeeklyReport(Result):
    """What :func:`weekly_report` computed and wrote.

    Attributes
    ----------
    week_start, week_end : Timestamp
        The first and last day of the week reported.
    summary : str
        The Markdown text of ``summary.md``.
    facts : DataFrame
        One row per statement, columns :data:`FACT_COLUMNS`; the summary's
        sentences are its ``text`` and the charts label its records and unusual
        days. Written as ``facts.csv``.
    table : DataFrame
        One row per series: ``dataset``, ``series``, ``metric``, ``unit``,
        ``kind``, ``synthetic``, ``week_total``, ``previous_total``, ``change``,
        ``change_pct``, ``days_reported``, ``complete``, ``record_all``,
        ``record_year``, ``highest_since``, ``n_anomalies``, ``reported`` (False
        for a series left out by the sparseness rule).
    problems : DataFrame
        Input problems: ``dataset``, ``row``, ``metric``, ``reason``.
    files : tuple of str
        Paths written (charts, facts and summary), empty when nothing was written.
    freq : str
        The calendar week used: ``"W-SUN"`` for Monday-Sunday weeks and so on.
    """

    week_start: pd.Timestamp
    week_end: pd.Timestamp
    summary: str
    facts: pd.DataFrame
    table: pd.DataFrame
    problems: pd.DataFrame
    files: tuple[str, ...] = ()
    freq: str = "W-SUN"

    def to_frame(self) -> pd.DataFrame:
        """One row: the week, the number of series, facts, problems and files."""
        return pd.DataFrame([{"week_start": self.week_start, "week_end": self.week_end,
                              "freq": self.freq, "n_series": len(self.table),
                              "n_facts": len(self.facts), "n_problems": len(self.problems),
                              "n_files": len(self.files)}])

# ---------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------


def _num(x: float, unit: str = "count") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if unit in CURRENCY_CODES:
        if abs(x) >= 1e9:
            return f"{unit} {x / 1e9:,.2f}bn".replace("-", "−")
        if abs(x) >= 1e6:
            return f"{unit} {x / 1e6:,.{0 if abs(x) >= 1e8 else 1}f}m".replace("-", "−")
        return f"{unit} {x:,.0f}".replace("-", "−")
    suffix = {"km2": " km²", "percent": "%", "sq_mi": " sq mi", "ha": " ha", "km": " km",
              "mi": " mi"}.get(unit, "")
    digits = 0 if unit == "count" or abs(x) >= 100 else 1
    return f"{x:,.{digits}f}{suffix}".replace("-", "−")  # a true minus sign


def _signed(x: float, unit: str) -> str:
    return ("+" if x > 0 else "−" if x < 0 else "") + _num(abs(x), unit)


def _pace(x: float, unit: str) -> str:
    return f"{x:,.1f}" + ({"km2": " km²"}.get(unit, "") if unit not in CURRENCY_CODES else "")


def _pts(x: float) -> str:
    """Percentage points with a sign, a true minus: "+1.6", "−6.9"."""
    return f"{100 * x:+.1f}".replace("-", "−")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _day(ts: Any) -> str:
    t = pd.Timestamp(ts)
    return f"{t.day} {t.strftime('%b %Y')}"


#: Words printed in capitals in a label made from a metric name.
_ACRONYMS = {"pow": "POW", "iris_t": "IRIS-T", "himars": "HIMARS", "atacms": "ATACMS",
             "uav": "UAV", "uavs": "UAVs", "mrl": "MRL", "apc": "APC", "srbm": "SRBM",
             "ifv": "IFV", "mlrs": "MLRS", "eu": "EU", "us": "US", "uk": "UK", "nato": "NATO"}


def _label(metric: str) -> str:
    """A metric name as words: "iris_t_systems_pledged" -> "IRIS-T systems pledged"."""
    text = f"_{metric.lower()}_"
    for word, shown in _ACRONYMS.items():
        text = text.replace(f"_{word}_", f"_{shown}_")
    return text.strip("_").replace("_", " ")


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------
# step 1-3: read, select, group
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class _Series:
    dataset: str
    key: str  # the series' name in the facts: "drones launched", "losses (Russia)"
    metric: str
    group: str  # "category = drone", "entity = Russia" or ""
    unit: str
    kind: str
    daily: pd.Series
    synthetic: bool
    source: str  # the chart's source line
    monthly: bool = False  # reported by month: analysed and drawn by month
    converted: bool = False  # some amounts were converted to the report currency
    flagged: pd.DatetimeIndex = dataclasses.field(default_factory=lambda: pd.DatetimeIndex([]))
    spread: pd.DatetimeIndex = dataclasses.field(default_factory=lambda: pd.DatetimeIndex([]))
    family: str = ""  # series of one group share a family (the rate pairs)
    comparable: pd.Series | None = None  # daily definition label (comparisons stay within)
    headline: bool = True
    outcome: bool = False  # the numerator of a declared rate: drawn in its base's chart
    date_phrase: str = "on {date}"  # how the source dates a day (SourceSpec.date_phrase)
    waves: pd.DataFrame | None = None  # reported attacks (end -> start, date, value)
    wave_facts: bool = False  # "largest attack" is stated for this series

    def on(self, day: Any) -> str:
        """A day in the source's own terms: "logged on 3 Mar 2024"."""
        return self.date_phrase.format(date=_day(day))


def _grouping(reader: str | None) -> SourceSpec | None:
    """The reader's source declaration (None for an observation CSV)."""
    return None if reader is None else source_spec(reader)


def _rule(decl: SourceSpec | None) -> SeriesRule:
    """How the declared source's rows form series (nothing declared: no rule)."""
    return SeriesRule() if decl is None else decl.series


def _parse_where(where: Mapping[str, Any] | Sequence[str] | None) -> dict[str, list[str]]:
    """``{"category": "drone"}`` or ``["category=drone", "model=Kh-101"]`` -> column: values."""
    if where is None:
        return {}
    items: list[tuple[str, Any]]
    if isinstance(where, Mapping):
        items = list(where.items())
    else:
        items = []
        for w in where:
            if "=" not in str(w):
                raise InputError(f"where must be column=value, e.g. category=drone; got {w!r}")
            col, _, val = str(w).partition("=")
            items.append((col.strip(), val.strip()))
    out: dict[str, list[str]] = {}
    for col, val in items:
        vals = list(val) if isinstance(val, (list, tuple, set)) else [val]
        out.setdefault(str(col), []).extend(str(v) for v in vals)
    return out


def _select_rows(obs: pd.DataFrame, decl: SourceSpec | None, where: dict[str, list[str]],
                 dataset: str) -> tuple[pd.DataFrame, list[str]]:
    """The rows the report uses: the reader's default rows, then ``where``; notes say which."""
    notes: list[str] = []
    rule = _rule(decl)
    rows = {c: [str(v)] for c, v in rule.rows.items() if c in obs.columns}
    for col in where:
        rows.pop(col, None)  # an explicit choice replaces the default
    for col, vals in rows.items():
        keep = obs[col].astype(str).isin(vals).to_numpy()
        left = int((~keep).sum())
        obs = obs.loc[keep]
        note = rule.rows_note or f"rows with {col} = {', '.join(vals)}"
        notes.append(f"Rows used: {note}" + (f" ({left:,} rows left out)." if left else "."))
    for col, vals in where.items():
        if col not in obs.columns:
            raise InputError(f"where: column {col!r} is not in {dataset}; columns are "
                             f"{', '.join(map(str, obs.columns))}")
        have = set(obs[col].dropna().astype(str))
        unknown = [v for v in vals if v not in have]
        if unknown:
            sample = ", ".join(sorted(have)[:12])
            raise InputError(f"where: {col} = {unknown[0]!r} is not in {dataset}; values are "
                             f"{sample}")
        obs = obs.loc[obs[col].astype(str).isin(vals).to_numpy()]
        notes.append(f"Rows used: {col} = {', '.join(vals)} (chosen).")
    return obs, notes


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


def _days_of(rows: pd.DataFrame) -> pd.DatetimeIndex:
    """Calendar days covered by rows (an overnight window counts on its morning)."""
    if rows.empty:
        return pd.DatetimeIndex([])
    end = pd.DatetimeIndex(rows["end"]).normalize()
    start = pd.DatetimeIndex(rows["start"]).normalize()
    overnight = (pd.DatetimeIndex(rows["start"]) != start) & (end - start == _DAY)
    first = start.where(~overnight, end)
    n = ((end - first) // _DAY).to_numpy(dtype=np.int64) + 1
    reps = np.repeat(first.to_numpy(), n)
    offs = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return pd.DatetimeIndex(reps + offs * np.timedelta64(1, "D")).unique().sort_values()


def _own_spans(spans: Any, col: Any) -> bytes:
    """The ``attrs["spans"]`` of one column of a ``to_daily`` result (all columns when summed)."""
    if isinstance(spans, dict):
        if col is None:
            return b"".join(v for v in spans.values() if isinstance(v, bytes))
        own = spans.get(col)
        return own if isinstance(own, bytes) else b""
    return spans if isinstance(spans, bytes) else b""


def _spread_index(spans: bytes) -> pd.DatetimeIndex:
    """Days whose daily value is a share of a report spread over several days (a flow over
    several days, a running total's step across a gap), as ``to_daily`` recorded them."""
    pairs = decode_spans(spans)
    if not len(pairs):
        return pd.DatetimeIndex([])
    n = pairs[:, 1] - pairs[:, 0] + 1
    offs = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    days = np.repeat(pairs[:, 0], n) + offs
    return pd.DatetimeIndex(np.unique(days).astype("datetime64[D]").astype("datetime64[ns]"))


def _spread_from(spans: Any, start: pd.Timestamp, end: pd.Timestamp) -> tuple[str, int]:
    """"1 Jun 2022–30 Sep 2024": the reports spread into the week that reach outside it,
    and how many of the week's days hold a share of one."""
    pairs = decode_spans(spans) if isinstance(spans, bytes) else np.zeros((0, 2), np.int64)
    lo = int(start.to_datetime64().astype("datetime64[D]").astype(np.int64))
    hi = int(end.to_datetime64().astype("datetime64[D]").astype(np.int64))
    touch = (pairs[:, 0] <= hi) & (pairs[:, 1] >= lo)
    cut = np.unique(pairs[touch & ((pairs[:, 0] < lo) | (pairs[:, 1] > hi))], axis=0)
    shared = np.zeros(hi - lo + 1, dtype=bool)
    for a, b in cut.tolist():  # the few reports cut by the week's edges
        shared[max(a, lo) - lo:min(b, hi) - lo + 1] = True
    day = lambda d: _day(np.datetime64(int(d), "D"))  # noqa: E731
    return " and ".join(f"{day(a)}–{day(b)}" for a, b in cut[:3]), int(shared.sum())


def _flagged_days(rows: pd.DataFrame) -> pd.DatetimeIndex:
    """Days the reader flagged as artefacts (a ``flag`` column), never compared."""
    if "flag" not in rows.columns:
        return pd.DatetimeIndex([])
    flag = rows["flag"]
    # the observation table's rule: a text reason flags the row, blank does not
    bad = flag.notna() & (flag.astype(str).str.strip() != "")
    return _days_of(rows.loc[bad.to_numpy()])


def _waves_of(rows: pd.DataFrame, metric: str) -> pd.DataFrame | None:
    """The reported attacks (waves) of a series' rows, when the reader gives a ``wave``
    column: one row per wave, indexed by its end, with ``start``, ``date`` (morning)
    and ``value`` (:func:`conflictstats.sources.missile_waves`)."""
    if "wave" not in rows.columns or rows.empty:
        return None
    from .sources import missile_waves

    w = missile_waves(rows, by=None)
    if w["end"].duplicated().any():  # several commands in one series: no wave claims
        return None
    return pd.DataFrame({"start": w["start"].to_numpy(), "date": w["date"].to_numpy(),
                         "value": w[metric].to_numpy(dtype=float)},
                        index=pd.DatetimeIndex(w["end"], name="end"))


def _noun(rule: SeriesRule, value: str) -> str:
    return str(rule.nouns.get(value, value))


def _metric_label(rule: SeriesRule, metric: str,
                  rows: pd.DataFrame | None = None) -> str:
    """The reader's label of a metric; a ``label_from`` column whose rows hold one value
    names it instead (Oryx's ``event_destroyed.csv``: "destroyed", not "losses logged")."""
    col = rule.label_from.get(metric)
    if col and rows is not None and col in rows.columns:
        values = pd.unique(rows[col].dropna().astype(str))
        if len(values) == 1:
            return str(values[0]).replace("_", " ")
    return str(rule.labels.get(metric, _label(metric)))


def _series_of(dataset: str, obs: pd.DataFrame, conflict: Any, decl: SourceSpec | None,
               split_extra: Sequence[str], metrics: Sequence[str] | None,
               source_line: str, problems: list[dict[str, Any]],
               progress: Progress) -> tuple[list[_Series], pd.DataFrame, list[str]]:
    """Daily series of the metrics with enough reported days; the rest as figures."""
    series: list[_Series] = []
    singles = []
    notes: list[str] = []
    rule = _rule(decl)
    # a declared split column before the last one splits only when the rows hold several
    # of its values (missile ``command``: the regional commands, never the national posts)
    lead = [c for c in rule.split[:-1] if c in obs.columns and len(pd.unique(obs[c].dropna())) > 1]
    split = [c for c in (*rule.split, *split_extra) if c in obs.columns
             and (c not in rule.split[:-1] or c in lead)]
    summed = [c for c in rule.summed if c in obs.columns]
    headline = rule.headline or None
    if metrics:
        unknown = [m for m in metrics if m not in set(obs["metric"])]
        if unknown:
            raise InputError(f"metric {unknown[0]!r} is not in {dataset}; metrics are "
                             f"{', '.join(sorted(set(obs['metric'])))}")
    ends = obs.groupby("metric")["end"].agg(lambda e: e.dt.normalize().nunique())
    covered = ((obs["end"].dt.normalize() - obs["start"].dt.normalize()).dt.days + 1).groupby(
        obs["metric"]).sum()
    for metric, n_ends in ends.items():
        metric = str(metric)
        sub = obs.loc[obs["metric"] == metric]
        # a series: reports on several dates covering enough days (a month-long
        # flow covers 30 days; a single night's figure covers one)
        if n_ends < 4 or covered[metric] < MIN_SERIES_DAYS:
            singles.append(sub)
            continue
        if metrics and metric not in metrics:
            continue
        is_headline = (metric in metrics) if metrics else (
            headline is None or metric in headline)
        if not decl and metric.endswith(SECONDARY):
            is_headline = False
        progress(f"{dataset}: {metric}")
        kind0 = str(sub["kind"].iloc[0])
        # "sum" adds separate events; a level or a running total cannot be added up
        policy: Any = "error" if conflict == "sum" and kind0 != "flow" else conflict
        by: list[str] = split if decl else ["entity"]
        try:
            daily = to_daily(sub, metric=metric, by=by if by else None, conflict=policy)
        except ValueError as err:
            problems.append({"dataset": dataset, "row": "", "metric": metric,
                             "reason": f"not reported: {err}"})
            continue
        kind = str(daily.attrs["kind"])
        unit = str(daily.attrs["unit"])
        kind = "flow" if kind == "cumulative" else kind
        frame = daily.to_frame() if isinstance(daily, pd.Series) else daily
        synthetic = bool(sub["source"].astype(str).str.contains("synthetic", case=False).all())
        length = (sub["end"].dt.normalize() - sub["start"].dt.normalize()).dt.days + 1
        monthly = kind == "flow" and float(length.median()) >= 28
        converted = "reported_unit" in sub.columns and bool(
            (sub["reported_unit"] != sub["unit"]).any())
        if decl:
            apart = bool(split) and not summed and (
                frame.shape[1] > 1 or any(c != "entity" for c in by))
        else:
            # levels of several entities cannot be added; flows of a few entities
            # (Russia, Ukraine) are reported apart, flows of many (donors) as their total
            apart = frame.shape[1] > 1 and (kind in ("level", "share")
                                            or frame.shape[1] <= MAX_ENTITIES_APART)
        if kind in ("level", "share") and frame.shape[1] > 1:
            apart = True
        if not apart:
            if frame.shape[1] > 1 and decl and not summed:
                notes.append(f"{_label(metric)}: summed over {frame.shape[1]} groups.")
            columns: list[tuple[Any, pd.Series]] = [
                (None, frame.sum(axis=1, min_count=1))]
        else:
            columns = [(c, frame[c]) for c in frame.columns]
        # a metric whose definition no declared break changes is compared across them
        broken = {m for b in decl.breaks for m in b.metrics} if decl else set()
        comparable = rule.comparable if not broken or metric in broken else ""
        for col, s in columns:
            mask = np.ones(len(sub), dtype=bool)
            group = ""
            key = _metric_label(rule, metric, sub)
            # without a declaration, metrics sharing a first word form a family
            # (drones_launched, drones_shot_down): their rates pair within it
            family = f"{dataset}|" + ("" if decl else metric.split("_")[0])
            if col is not None:
                vals = col if isinstance(col, tuple) else (col,)
                names = by if isinstance(col, tuple) or len(by) > 1 else by[:1]
                for c, v in zip(names, vals, strict=False):
                    mask &= (sub[c].astype(str) == str(v)).to_numpy()
                group = "; ".join(f"{c} = {v}" for c, v in zip(names, vals, strict=False))
                family += "|" + group
                if decl and names and names[0] != "entity":
                    key = f"{_noun(rule, str(vals[-1]))} {_metric_label(rule, metric, sub)}"
                    named = [str(v) for c, v in zip(names, vals, strict=False) if c in lead]
                    if named:
                        key += f" ({', '.join(named)})"
                else:
                    key = f"{_metric_label(rule, metric, sub)} ({', '.join(map(str, vals))})"
            rows = sub.loc[mask]
            s = s.rename(key)
            own = _own_spans(daily.attrs.get("spans"), col)
            s.attrs = {"kind": kind, "unit": unit, "spans": own}
            comp = None
            if comparable and comparable in rows.columns and len(pd.unique(rows[comparable])) > 1:
                lab = pd.Series(rows[comparable].astype(str).to_numpy(),
                                index=pd.DatetimeIndex(rows["end"]).normalize())
                comp = lab[~lab.index.duplicated(keep="last")].sort_index()
            outcomes = {o for outs in rule.rates.values() for o in outs}
            waves = _waves_of(rows, metric) if decl and kind == "flow" else None
            series.append(_Series(
                dataset, key, metric, group, unit, kind, s, synthetic, source_line,
                monthly, converted, outcome=metric in outcomes, flagged=_flagged_days(rows),
                spread=_spread_index(own) if kind == "flow" else pd.DatetimeIndex([]),
                family=family, comparable=comp, headline=is_headline, waves=waves,
                wave_facts=metric in rule.rates,
                date_phrase=decl.date_phrase if decl else "on {date}"))
    figures = pd.concat(singles) if singles else obs.iloc[:0]
    return series, figures, notes


# ---------------------------------------------------------------------------
# step 4: the week
# ---------------------------------------------------------------------------


def _iso_day(week: Any) -> pd.Timestamp:
    """An ISO date (YYYY-MM-DD), or a date-like object; nothing ambiguous."""
    if isinstance(week, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", week.strip()):
            raise WeekError(f"week must be an ISO date such as 2024-11-24 (the week's last "
                            f"day); got {week!r}")
        try:
            return pd.Timestamp(week.strip())
        except ValueError:
            raise WeekError(f"week: {week!r} is not a calendar date") from None
    try:
        return pd.Timestamp(week).normalize()
    except (TypeError, ValueError):
        raise WeekError(f"week must be an ISO date such as 2024-11-24; got {week!r}") from None


def _choose_week(first: pd.Timestamp, last: pd.Timestamp,
                 week: Any) -> tuple[Span, pd.Timestamp, pd.Timestamp]:
    """The calendar week (its anchor, first and last day) the report covers."""
    if week is not None:
        end = _iso_day(week)
        span = parse_freq("W-" + end.strftime("%a").upper()[:3])
        start = span.bounds(end)[0]
        if end < first or start > last:
            raise WeekError(f"week {end.date()}: the week {start.date()} to {end.date()} is "
                            f"outside the data, which run from {first.date()} to "
                            f"{last.date()}")
        return span, start, end
    span = parse_freq("W-SUN")
    start, end = span.bounds(last)
    if end > last:  # the latest week is not over: take the one before
        start, end = span.bounds(start - _DAY)
    if end < first:
        start, end = span.bounds(last)
    return span, start, end


# ---------------------------------------------------------------------------
# step 5: facts
# ---------------------------------------------------------------------------


def _fact(item: _Series, fact: str, end: pd.Timestamp, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(FACT_COLUMNS, None)
    row.update(dataset=item.dataset, series=item.key, metric=item.metric, group=item.group,
               fact=fact, week=end, unit=item.unit, source=item.source,
               synthetic=item.synthetic, caveats="")
    row.update(fields)
    return row


def _weekly_table(s: pd.Series, span: Span, kind: str, flagged: pd.DatetimeIndex,
                  comparable: pd.Series | None = None) -> pd.DataFrame:
    """Weekly totals and changes (:func:`period_change`) with a ``compare`` column:
    the total where the week is complete and holds no flagged day, else NaN."""
    from .trends import period_change

    t = period_change(s, freq=span.code, kind=kind)
    bad = np.zeros(len(t), dtype=bool)
    if len(flagged):
        fl = flagged.to_numpy()
        st, en = t["start"].to_numpy(), t["end"].to_numpy()
        lo = np.searchsorted(fl, st, side="left")
        hi = np.searchsorted(fl, en, side="right")
        bad = hi > lo
    t["flagged"] = bad
    # a negative day of a flow is a correction of a running total, not a loss count:
    # the week's positive increments and its corrections are kept apart
    known = s.dropna()
    neg = known.loc[known < 0]
    corr = np.zeros(len(t))
    if kind == "flow" and len(neg):
        st, en = t["start"].to_numpy(), t["end"].to_numpy()
        nd = neg.index.to_numpy()
        cum = np.concatenate([[0.0], np.cumsum(neg.to_numpy(dtype=float))])
        lo = np.searchsorted(nd, st, side="left")
        hi = np.searchsorted(nd, en, side="right")
        corr = cum[hi] - cum[lo]
    t["correction"] = corr
    t["increments"] = t["total"] - corr
    mixed = np.zeros(len(t), dtype=bool)
    if comparable is not None:
        lab = comparable.reindex(t.index, method="ffill")
        t["definition"] = lab.to_numpy()
        # a week whose days fall under two definitions (a break inside the week)
        days = comparable.reindex(pd.date_range(t["start"].min(), t["end"].max()),
                                  method="ffill")
        week_of = np.searchsorted(t["end"].to_numpy(), days.index.to_numpy(), side="left")
        ok = week_of < len(t)
        n_def = pd.Series(days.to_numpy()[ok]).groupby(week_of[ok]).nunique(dropna=True)
        mixed[n_def.index.to_numpy()] = n_def.to_numpy() > 1
    t["mixed"] = mixed
    t["compare"] = t["total"].where(t["complete"].to_numpy() & ~bad & (corr == 0) & ~mixed)
    return t


def _missing_days(hist: pd.Series, start: pd.Timestamp, end: pd.Timestamp, n: int) -> str:
    """"(15 Nov has no report: missing, not zero)" for one or two missing days."""
    if n <= 0 or n > 2:
        return " (days without one are missing, not zero)" if n > 2 else ""
    days = pd.date_range(start, end)
    known = hist.reindex(days).notna().to_numpy()
    gone = [f"{d.day} {d.strftime('%b')}" for d in days[~known]]
    verb = "has" if len(gone) == 1 else "have"
    return f" ({' and '.join(gone)} {verb} no report: missing, not zero)"


def _completeness(n_rep: int, n_days: int, kind: str) -> str:
    if kind == "level":
        return f"{n_rep} of {n_days} days with a reported level"
    return f"{n_rep} of {n_days} days reported"


def _break_day(comparable: pd.Series | None, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """" (from 24 Jul)": the first day of the week under a new definition, or ""."""
    if comparable is None:
        return ""
    c = comparable.loc[:end]
    before = c.loc[:start - _DAY]
    inside = c.loc[start:end]
    ref = before.iloc[-1] if len(before) else (inside.iloc[0] if len(inside) else None)
    new = inside.index[(inside != ref).to_numpy()]
    return (f" (first report under the new definition: {new[0].day} "
            f"{new[0].strftime('%b')})" if len(new) else "")


def _level_comparison(total: float, prev_value: float, unit: str) -> str:
    """A level's weekly change set beside the previous week's: no change of a change."""
    if prev_value == 0:
        return "after no change in the previous week"
    word = "a gain" if prev_value > 0 else "a loss"
    return f"after {word} of {_num(abs(prev_value), unit)} in the previous week"


def _one_day_step(hist: pd.Series, start: pd.Timestamp, end: pd.Timestamp, total: float,
                  unit: str) -> str:
    """", mostly a one-day change of −116 km² on 12 Aug 2026" when one day's step of a
    level makes more than half of the week's change (worth checking before it is read as
    a week's movement)."""
    known = hist.dropna()
    steps = known.diff().loc[start:end].dropna()
    if len(steps) < 2 or total == 0:
        return ""
    day = steps.abs().idxmax()
    step = float(steps.loc[day])
    if abs(step) <= 0.5 * abs(total):
        return ""
    word = "mostly" if step * total > 0 else "including"
    return f", {word} a one-day change of {_signed(step, unit)} on {_day(day)}"


def _since_start(first: pd.Timestamp, end: pd.Timestamp) -> str:
    """"on record", or "since the series began on 10 Jul 2024" for a short series."""
    if (end - pd.Timestamp(first)).days < SHORT_SERIES_DAYS:
        return f"since the series began on {_day(first)}"
    return "on record"


def _week_facts(item: _Series, span: Span, start: pd.Timestamp,
                end: pd.Timestamp) -> tuple[list[dict[str, Any]], pd.DataFrame | None]:
    """Facts of one daily series for the week: total, comparison, records, unusual days."""
    s, kind, unit = item.daily, item.kind, item.unit
    hist = s.loc[:end]
    if kind == "share":
        latest = hist.dropna()
        if latest.empty:
            return [], None
        return [_fact(item, "latest", end, date=latest.index[-1], value=latest.iloc[-1],
                      method="as reported",
                      text=f"**{_sentence_case(item.key)}**: {_num(latest.iloc[-1], unit)} on "
                           f"{_day(latest.index[-1])}.")], None
    if hist.notna().sum() == 0:
        return [_fact(item, "week_total", end, n_reported=0, n_days=7, complete=False,
                      completeness="no reports", text=f"**{_sentence_case(item.key)}**: no "
                      "reports in the week.")], None
    weeks = _weekly_table(hist, span, kind, item.flagged, item.comparable)
    if end not in weeks.index:
        return [_fact(item, "week_total", end, n_reported=0, n_days=7, complete=False,
                      completeness="no reports", text=f"**{_sentence_case(item.key)}**: no "
                      "reports in the week.")], weeks
    w = weeks.loc[end]
    pos = weeks.index.get_loc(end)
    prev = weeks.iloc[pos - 1] if isinstance(pos, int) and pos > 0 else None
    what = "weekly gain" if kind == "level" else "weekly total"
    n_rep, n_days, complete = int(w["n_reported"]), int(w["n_days"]), bool(w["complete"])
    spread_here = kind != "level" and bool(w.get("partial_report", False))
    corrected = kind == "flow" and float(w.get("correction", 0.0)) != 0.0
    mixed = bool(w.get("mixed", False))
    caveats = []
    if bool(w["flagged"]):
        caveats.append("the week holds a day the source flags as an artefact; it is not "
                       "compared with other weeks")
    facts: list[dict[str, Any]] = []
    name = f"**{_sentence_case(item.key)}**"
    if math.isnan(w["total"]):
        facts.append(_fact(item, "week_total", end, n_reported=n_rep, n_days=n_days,
                           complete=False, completeness=_completeness(n_rep, n_days, kind),
                           text=f"{name}: no reports in the week."))
        return facts, weeks
    total = float(w["total"])
    if kind == "level":
        if complete:
            word = "a gain of" if total > 0 else "a loss of" if total < 0 else "no change:"
            head = (f"{name}: {word} {_num(abs(total), unit)} this week "
                    f"({_signed(total, unit)})" if total else f"{name}: no change this week")
            head += _one_day_step(hist, start, end, total, unit)
        else:
            known = hist.dropna()
            e_day = known.loc[:end].index[-1]
            b_day = known.loc[:start - _DAY].index[-1]
            head = (f"{name}: {_signed(total, unit)} between the levels reported on "
                    f"{_day(b_day)} and {_day(e_day)} (the week is incomplete: "
                    f"{n_rep} of {n_days} days with a reported level)")
    elif spread_here:
        reports, n_shared = _spread_from(s.attrs.get("spans"), start, end)
        plural = "reports" if " and " in reports else "a report"
        part = "" if n_shared >= n_days else f"{n_shared} of its {n_days} days "
        head = (f"{name}: {_num(total, unit)} this week, {part}spread evenly from {plural} "
                f"covering {reports} (not a weekly measurement)")
    else:
        shown_total = float(w["increments"]) if corrected else total
        head = (f"{name}: {_num(shown_total, unit)} this week" if complete else
                f"{name}: {_num(shown_total, unit)} on the {n_rep} of {n_days} days with a "
                "report" + _missing_days(hist, start, end, n_days - n_rep))
        if corrected:
            days = hist.loc[start:end]
            neg = days.loc[days < 0]
            parts = [f"{_signed(float(v), unit)} on {d.day} {d.strftime('%b')}"
                     for d, v in neg.items()]
            head += (", and a correction of the running total of " if len(parts) == 1
                     else ", and corrections of the running total of ") + " and ".join(parts)
            caveats.append("the week holds a correction (a fall of the running total); the "
                           "total is the positive increments, the correction is stated apart "
                           "and the week is not compared")
            total = shown_total
    comparison = ""
    change = pct = prev_value = math.nan
    method = "sum of the daily values" if kind != "level" else \
        "last reported level minus the last one before the week"
    if corrected:
        method = "sum of the positive daily increments; corrections stated apart"
    prev_corrected = prev is not None and float(prev.get("correction", 0.0)) != 0.0
    prev_mixed = prev is not None and bool(prev.get("mixed", False))
    new_def = (prev is not None and "definition" in weeks
               and prev.get("definition") != w.get("definition"))
    if kind != "level" and prev is not None and (
            spread_here or bool(prev.get("partial_report", False))):
        prev_value = float(prev["total"])
        comparison = ("not compared with the previous week" if spread_here else
                      "not compared with the previous week (its total is spread from a "
                      "report covering more than the week)")
    elif prev is not None and (corrected or prev_corrected):
        prev_value = float(prev["total"]) if not math.isnan(prev["total"]) else math.nan
        comparison = ("not compared with the previous week (" +
                      ("this week holds" if corrected else "the previous week holds")
                      + " a correction of the running total)")
    elif prev is not None and (mixed or prev_mixed or new_def):
        prev_value = float(prev["total"]) if not math.isnan(prev["total"]) else math.nan
        comparison = ("not compared with the previous week (the definition changes "
                      + ("within this week" if mixed else "within the previous week"
                         if prev_mixed else "between the two weeks") + ")")
        caveats.append(comparison[comparison.index("(") + 1:-1])
    elif prev is not None and not math.isnan(prev["total"]):
        prev_value = float(prev["total"])
        if complete and bool(prev["complete"]):
            change = float(w["change"])
            pct = float(w["pct_change"]) if not math.isnan(w["pct_change"]) else math.nan
            if abs(change) <= 1e-9 * max(abs(prev_value), 1.0):
                comparison = f"the same as the previous week ({_num(prev_value, unit)})"
            else:
                direction = "up" if change > 0 else "down"
                # no percentage on a small base, and never a fall of more than 100%
                pct_ok = (not math.isnan(pct) and kind != "level"
                          and abs(prev_value) >= MIN_PCT_BASE and pct >= -100.0)
                pct_text = f", {abs(pct):.1f}%" if pct_ok else ""
                shown = _signed(prev_value, unit) if kind == "level" else _num(prev_value, unit)
                if kind == "level":
                    comparison = _level_comparison(total, prev_value, unit)
                elif not pct_ok and not math.isnan(pct):
                    comparison = (f"{direction} from {_num(prev_value, unit)} in the previous "
                                  f"week to {_num(total, unit)}")
                else:
                    comparison = (f"{direction} {_num(abs(change), unit)}{pct_text} on the "
                                  f"previous week ({shown})")
        elif (kind != "level" and n_rep >= MIN_DAYS_PER_DAY_COMPARISON
              and int(prev["n_reported"]) >= MIN_DAYS_PER_DAY_COMPARISON
              and not math.isnan(w["pace_pct_change"])):
            pp = float(w["pace_pct_change"])
            which = ("both weeks are" if not complete and not bool(prev["complete"]) else
                     "this week is" if not complete else "the previous week is")
            direction = "up" if pp > 0 else "down"
            comparison = (f"{_pace(w['pace'], unit)} a reported day against "
                          f"{_pace(prev['pace'], unit)} in the previous week "
                          f"({int(prev['n_reported'])} of {int(prev['n_days'])} days with a "
                          f"report), {direction} {abs(pp):.1f}%; compared per reported day "
                          f"because {which} incomplete")
            method += "; compared per reported day"
        elif kind != "level":
            comparison = (f"not compared with the previous week (a week with fewer than "
                          f"{MIN_DAYS_PER_DAY_COMPARISON} days with a report)")
        else:
            comparison = "not compared with the previous week (a week is incomplete)"
    facts.append(_fact(
        item, "week_total", end, date=end, value=total, previous_value=prev_value,
        previous_date=prev.name if prev is not None else pd.NaT, change=change,
        pct_change=pct, comparison=comparison,
        completeness=_completeness(n_rep, n_days, kind), n_reported=n_rep, n_days=n_days,
        complete=complete, method=method, caveats="; ".join(caveats),
        text=head + (f"; {comparison}" if comparison else "") + "."))
    if bool(w["flagged"]):
        facts[-1]["text"] += " The source flags an artefact in this week."
    if mixed:
        facts[-1]["text"] += (" The definition changes within this week"
                              + _break_day(item.comparable, start, end)
                              + ": the week mixes both definitions and is compared with no "
                                "other week.")

    # weekly records and "highest since", among complete, unflagged weeks; an incomplete
    # week of a never-negative flow still counts with its partial sum, a lower bound
    values = weeks["compare"]
    if kind != "level" and not bool((hist < 0).any()):
        # (a week holding part of a report spread beyond it bounds nothing: left out)
        partial = weeks["total"].where(~weeks["complete"].to_numpy(bool)
                                       & ~weeks["flagged"].to_numpy(bool)
                                       & ~weeks["partial_report"].to_numpy(bool)
                                       & ~weeks["mixed"].to_numpy(bool))
        values = values.fillna(partial)
    at_least = ~weeks["complete"].to_numpy(bool)

    def prev_text(value: float, date: Any) -> str:
        partial_week = bool(at_least[weeks.index.get_loc(date)])
        if partial_week:
            return (f"the {_num(value, unit)} or more of the week to {_day(date)} (not every "
                    "day reported)")
        return f"{_num(value, unit)} in the week to {_day(date)}"

    if values.notna().sum() >= 3 and weeks["complete"].get(end, False) and not math.isnan(
            weeks["compare"].get(end, math.nan)):
        from .records import highest_since, records

        rec_all = False
        for scope in ("all", "year"):
            rec = records(values.dropna(), scope=scope)
            hit = rec.loc[(rec["date"] == end)
                          & (rec["n_compared"] >= (1 if scope == "all" else MIN_YEAR_WEEKS))]
            if len(hit):
                r = hit.iloc[0]
                where = (f"the largest {what} "
                         + _since_start(hist.first_valid_index(), end) if scope == "all"
                         else f"the largest {what} of {end.year}")
                facts.append(_fact(
                    item, "record" if scope == "all" else "record_year", end, date=end,
                    value=float(r["value"]), previous_value=float(r["previous_value"]),
                    previous_date=r["previous_date"], method="records among complete weeks",
                    comparison="previous record "
                               + prev_text(r["previous_value"], r["previous_date"]),
                    text=f"That is {where}: {_num(r['value'], unit)}, above "
                         f"{prev_text(r['previous_value'], r['previous_date'])}."))
                rec_all = scope == "all"
                break
        since = highest_since(values.dropna()).get(end, pd.NaT)
        if pd.notna(since) and not rec_all and (end - since).days > SINCE_MIN_DAYS:
            prev_v = float(values.loc[since])
            facts.append(_fact(
                item, "highest_since", end, date=end, value=total, previous_value=prev_v,
                previous_date=since, method="highest since, among complete weeks without "
                                          "flagged days",
                caveats="flagged weeks left out" if len(item.flagged) else "",
                text=f"The highest {what} since the week to {_day(since)} "
                     f"({'at least ' if at_least[weeks.index.get_loc(since)] else ''}"
                     f"{_num(prev_v, unit)})."))
    if kind == "flow":
        facts.extend(_day_facts(item, hist, start, end))
        facts.extend(_wave_facts(item, start, end))
    return facts, weeks


def _window(start: Any, end: Any) -> str:
    """A wave's window: "09:00–18:00 on 24 Mar 2026", "17:00 on 6 Sep to 09:30 on 7 Sep 2025"."""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    if a == b:
        return f"on {_day(b)}" if b == b.normalize() else f"at {b:%H:%M} on {_day(b)}"
    if a == b.normalize():  # a bare date as start: the report up to that morning
        return f"to {b:%H:%M} on {_day(b)}"
    if a.normalize() == b.normalize():
        return f"{a:%H:%M}–{b:%H:%M} on {_day(b)}"
    return f"{a:%H:%M} on {a.day} {a:%b} to {b:%H:%M} on {_day(b)}"


def _day_waves(item: _Series, day: Any) -> str:
    """" The day holds 2 separate attacks (waves): 392 + 556." when it holds several."""
    if item.waves is None:
        return ""
    on = item.waves.loc[item.waves["date"] == pd.Timestamp(day), "value"]
    if len(on) < 2:
        return ""
    parts = " + ".join(_num(v, item.unit) for v in on)
    return (f" The day holds {len(on)} separate attacks (reported waves): {parts}; a day's "
            "total is not one attack.")


def _wave_facts(item: _Series, start: pd.Timestamp, end: pd.Timestamp) -> list[dict[str, Any]]:
    """The week's largest attack (one reported wave), compared with earlier waves: a record,
    the largest since (more than :data:`SINCE_MIN_DAYS` before), or, when the week's highest
    day holds several waves, the week's largest wave beside the largest on record."""
    from .records import highest_since, records

    w = item.waves
    if w is None or not item.wave_facts:
        return []
    w = w.loc[w["date"] <= end].dropna(subset=["value"])
    week = w.loc[w["date"] >= start]
    if week.empty or len(w) < MIN_SERIES_DAYS:
        return []
    top = week["value"].idxmax()
    row = week.loc[top]
    unit, value = item.unit, float(row["value"])
    what = f"{_num(value, unit)} {item.key} ({_window(row['start'], top)})"

    def attack(at: pd.Timestamp) -> str:
        return f"{_num(w.loc[at, 'value'], unit)} ({_window(w.loc[at, 'start'], at)})"

    rec = records(w["value"], scope="all")
    hit = rec.loc[(rec["date"] == top) & (rec["n_compared"] > 0)]
    method = "records among reported attacks (waves), not days"
    if len(hit):
        r = hit.iloc[0]
        return [_fact(item, "wave_record", end, date=top, value=value,
                      previous_value=float(r["previous_value"]),
                      previous_date=r["previous_date"], method=method,
                      text=f"Largest single attack on record: {what}, above "
                           f"{attack(r['previous_date'])}.")]
    before = w.loc[w.index < week.index[0], "value"]
    if before.empty:
        return []
    big = before.idxmax()
    since = highest_since(w["value"]).get(top, pd.NaT)
    recent = pd.isna(since) or (top - since).days <= SINCE_MIN_DAYS
    # the week's highest day made of several attacks: its total is not one attack
    by_day = week.groupby("date")["value"].agg(["sum", "size"])
    several = bool(by_day.loc[by_day["sum"].idxmax(), "size"] > 1)
    if recent and not several:
        return []
    text = f"Largest attack of the week: {what}"
    if not recent and since == big:
        text += f", the largest since the largest attack on record, {attack(big)}."
    else:
        text += ("" if recent else f", the largest since {attack(since)}") + (
            f"; the largest attack on record: {attack(big)}.")
    return [_fact(item, "wave_largest", end, date=top, value=value,
                  previous_value=float(before[big]), previous_date=big, method=method,
                  comparison=f"the largest attack on record: {attack(big)}", text=text)]


def _day_facts(item: _Series, hist: pd.Series, start: pd.Timestamp,
               end: pd.Timestamp) -> list[dict[str, Any]]:
    """A record day in the week, and unusual days (not on flagged or spread days)."""
    from .anomalies import anomalies
    from .records import records

    unit = item.unit
    clean = hist.copy()
    drop = item.flagged.union(item.spread)
    if len(drop):
        clean.loc[clean.index.intersection(drop)] = np.nan
    facts: list[dict[str, Any]] = []
    if clean.notna().sum() < MIN_SERIES_DAYS:
        return facts
    daily_rec = records(clean, scope="all")
    in_week = daily_rec.loc[(daily_rec["date"] >= start) & (daily_rec["n_compared"] > 0)]
    if len(in_week):
        r = in_week.iloc[-1]
        facts.append(_fact(
            item, "record_day", end, date=r["date"], value=float(r["value"]),
            previous_value=float(r["previous_value"]), previous_date=r["previous_date"],
            method="records among reported days",
            text=f"Record day for {item.key}: {_num(r['value'], unit)} {item.on(r['date'])}, "
                 "above the "
                 f"previous record of {_num(r['previous_value'], unit)} "
                 f"{item.on(r['previous_date'])}." + _day_waves(item, r["date"])))
    known = clean.dropna()
    counts = unit == "count" and bool(((known >= 0) & (known == np.floor(known))).all())
    method = "count" if counts else "robust_z"
    an = anomalies(clean, method=method, causal=True)
    week_an = an.loc[start:end]
    flagged = week_an.loc[week_an["is_anomaly"].fillna(False).astype(bool)]
    for d, a in flagged.iterrows():
        facts.append(_fact(
            item, "unusual_day", end, date=d, value=float(a["value"]),
            previous_value=float(a["expected"]),
            method="count model (causal)" if counts else "robust z-score (causal)",
            comparison=f"expected {_num(a['expected'], unit)} from the previous weeks",
            text=f"Unusual day for {item.key}: {_num(a['value'], unit)} {item.on(d)}, against "
                 "an expected "
                 f"{_num(a['expected'], unit)} from the previous weeks "
                 f"({'count model' if counts else 'robust z-score'})."))
    return facts


def _month_facts(item: _Series, end: pd.Timestamp) -> tuple[list[dict[str, Any]], None]:
    """A metric reported by month: the latest complete month up to the week's end."""
    from .records import records
    from .trends import period_change

    s, unit = item.daily, item.unit
    months = period_change(s.loc[:end], freq="ME", kind=item.kind)
    done = months.loc[months["complete"]]
    name = f"**{_sentence_case(item.key)}** (reported by month)"
    if done.empty:
        return [_fact(item, "month_total", end, text=f"{name}: no complete month yet.")], None
    last = done.iloc[-1]
    month = last.name.strftime("%B %Y")
    text = f"{name}: {_num(last['total'], unit)} in {month}, the latest complete month"
    prev = months.loc[:last.name].iloc[:-1]
    comparison = ""
    if len(prev) and bool(prev["complete"].iloc[-1]):
        p = prev.iloc[-1]
        change = float(last["change"])
        direction = "up" if change > 0 else "down"
        comparison = (f"{direction} {_num(abs(change), unit)} on "
                      f"{p.name.strftime('%B')} ({_num(p['total'], unit)})")
        text += ", " + comparison
    facts = [_fact(item, "month_total", end, date=last.name, value=float(last["total"]),
                   change=last["change"], pct_change=last["pct_change"], comparison=comparison,
                   completeness="complete month", complete=True, n_days=int(last["n_days"]),
                   n_reported=int(last["n_reported"]), method="sum of the monthly figures",
                   caveats=(f"amounts in other currencies converted to {REPORT_CURRENCY} at "
                            "the ECB reference rate of each report's last day"
                            if item.converted else ""),
                   text=text + ".")]
    rec = records(s.loc[: last.name], freq="ME", scope="all", kind=item.kind)
    hit = rec.loc[(rec["date"] == last.name) & (rec["n_compared"] > 0)]
    if len(hit):
        r = hit.iloc[0]
        facts.append(_fact(item, "record", end, date=last.name, value=float(r["value"]),
                           previous_value=float(r["previous_value"]),
                           previous_date=r["previous_date"], method="records among months",
                           text=f"A monthly record: {_num(r['value'], unit)} in {month}, "
                                f"above {_num(r['previous_value'], unit)} "
                                f"in {pd.Timestamp(r['previous_date']).strftime('%B %Y')}."))
    if item.converted:
        facts[0]["text"] += (f" Amounts in other currencies were converted to "
                             f"{REPORT_CURRENCY} at the ECB reference rate of each report's "
                             "last day.")
    return facts, None


def _rate_pairs(items: list[_Series], decl: SourceSpec | None) -> list[tuple[_Series, _Series]]:
    """(outcome, base) pairs of one family: destroyed / launched of the same group."""
    pairs = []
    declared = _rule(decl).rates or None
    fams: dict[str, dict[str, _Series]] = {}
    for i in items:
        if i.unit == "count" and i.kind == "flow" and not i.monthly:
            fams.setdefault(i.family, {})[i.metric] = i
    for fam in fams.values():
        for base_name, base in fam.items():
            if declared is not None:
                outs = declared.get(base_name, ())
                pairs += [(fam[o], base) for o in outs if o in fam]
            elif base_name.endswith("launched"):
                prefix = base_name[: -len("launched")]
                pairs += [(fam[prefix + o], base) for o in OUTCOMES if prefix + o in fam]
    return pairs


def _outcome_of(base: _Series) -> str:
    """The base's metric word: "launched" of "drones launched"."""
    return base.key[len(base.key) - len(base.key.split(" ")[-1]):] if " " in base.key \
        else base.key


def _rate_facts(part: _Series, base: _Series, span: Span, end: pd.Timestamp,
                base_total: dict[str, Any] | None) -> tuple[list[dict[str, Any]],
                                                            pd.DataFrame | None]:
    """The week's pooled share, its comparison, and a record high or low."""
    from .rates import compare_periods, rate
    from .records import records

    x, n = part.daily.loc[:end], base.daily.loc[:end]
    if x.notna().sum() == 0:
        return [], None
    weeks: pd.DataFrame = rate(x, n, freq=span.code)  # type: ignore[assignment]
    if end not in weeks.index:
        return [], None
    flagged = part.flagged.union(base.flagged)
    # the outcome's definition decides (destroyed changes; launched does not)
    comparable = part.comparable if part.comparable is not None else base.comparable
    tmp = _weekly_table(n, span, "flow", flagged, comparable)
    weeks["definition"] = tmp["definition"].reindex(weeks.index) if "definition" in tmp \
        else ""
    weeks["mixed"] = tmp["mixed"].reindex(weeks.index).fillna(False).astype(bool)
    # records of a share follow the rule of counts: complete weeks (every day with both
    # counts), no flagged day, one definition throughout, enough trials
    weeks["usable"] = ((weeks["denominator"] >= MIN_RATE_BASE)
                       & weeks["complete"].fillna(False).astype(bool)
                       & ~weeks["mixed"]
                       & ~tmp["flagged"].reindex(weeks.index).fillna(False).astype(bool))
    w = weeks.loc[end]
    key = f"{part.key} / {_outcome_of(base)}"
    pseudo = dataclasses.replace(part, key=key, metric=f"{part.metric}/{base.metric}",
                                 unit="share")
    if not w["denominator"] >= MIN_RATE_BASE:  # also NaN: no day with both counts
        return [], weeks
    pos0 = weeks.index.get_loc(end)
    earlier = weeks["numerator"].iloc[pos0 - 1] if isinstance(pos0, int) and pos0 > 0 else 0.0
    if w["numerator"] == 0 and not earlier > 0:
        return [], weeks  # none in this week and the last: nothing to state
    if (weeks.loc[:end, "numerator"] > weeks.loc[:end, "denominator"]).loc[end]:
        return [_fact(pseudo, "rate", end, text=f"{_sentence_case(part.key)} exceed "
                      f"{base.key} in the week: no rate reported.")], weeks
    both_days = int(w["n_reported"])
    base_days = int(base_total["n_reported"]) if base_total else both_days
    on = "" if both_days == base_days else (
        f" on the {both_days} days with both counts")
    phi = float(next(iter(weeks.attrs.get("dispersion", {}).values()), 1.0))
    interval = ("Wilson" if weeks.attrs.get("variance_model", "binomial") == "binomial"
                or phi <= 1.0 else
                f"Wilson, widened {math.sqrt(phi):.2f}× for over-dispersion between nights")
    text = (f"**{_sentence_case(key)}**: {_pct(w['rate'])} this week "
            f"({w['numerator']:,.0f} of {w['denominator']:,.0f}{on}; 95% CI "
            f"{_pct(w['lower'])}–{_pct(w['upper'])}, {interval})")
    facts = []
    pos = weeks.index.get_loc(end)
    comparison = ""
    if isinstance(pos, int) and pos > 0:
        p = weeks.iloc[pos - 1]
        same_def = (p.get("definition") == w.get("definition") and not bool(w["mixed"])
                    and not bool(p["mixed"]))
        if not same_def:
            comparison = ("not compared with the previous week (the definition of "
                          f"{part.key} changes "
                          + ("within this week" if bool(w["mixed"]) else
                             "within the previous week" if bool(p["mixed"]) else
                             "between the two weeks") + ")")
            text += "; " + comparison
        if p["denominator"] >= MIN_RATE_BASE and same_def:
            # night by night, so that over-dispersion between nights is allowed for
            c = compare_periods(x, n, first=(w["start"], w["end"]),
                                second=(p["start"], p["end"]))
            if np.isfinite(c.p_value):
                verdict = ("a significant change" if c.p_value < 0.05
                           else "not a significant change")
                p_days = int(p["n_reported"])
                p_base = int(tmp["n_reported"].get(p.name, p_days))
                p_on = "" if p_days == p_base else f" on the {p_days} days with both counts"
                comparison = (f"previous week {_pct(p['rate'])} ({p['numerator']:,.0f} of "
                              f"{p['denominator']:,.0f}{p_on}), difference "
                              f"{_pts(c.difference)} points (95% CI "
                              f"{_pts(c.difference_lower)} to "
                              f"{_pts(c.difference_upper)}), {verdict} "
                              f"(p = {c.p_value:.2g})")
                text += "; " + comparison
    caveat = ""
    if bool(w["mixed"]):
        text += (f". The definition of {part.key} changes within this week"
                 + _break_day(comparable, pd.Timestamp(w["start"]), end)
                 + ": the week mixes both definitions")
    if "definition" in weeks and len(pd.unique(weeks["definition"].dropna())) > 1:
        caveat = (f"the definition of {_label(part.metric)} changes in the data; weeks are "
                  "compared only within one definition")
    facts.append(_fact(pseudo, "rate", end, date=end, value=float(w["rate"]),
                       lower=float(w["lower"]), upper=float(w["upper"]),
                       numerator=float(w["numerator"]), denominator=float(w["denominator"]),
                       n_reported=both_days, n_days=int(w["n_days"]),
                       complete=bool(w["complete"]), comparison=comparison,
                       completeness=f"{both_days} of {int(w['n_days'])} days with both counts",
                       method=f"pooled over the week's days with both counts; {interval} interval",
                       caveats=caveat, text=text + "."))
    # a record high or low of the weekly share, among weeks with enough trials and
    # the same definition
    usable = weeks.loc[:end]
    usable = usable.loc[usable["usable"].to_numpy(bool)
                        & (usable["definition"] == w["definition"]).to_numpy(bool)]
    vals = usable["rate"].dropna()
    began = _since_start(pd.Timestamp(x.first_valid_index()), end)
    if len(vals) >= 4 and end in vals.index:
        for direction, word in (("min", "lowest"), ("max", "highest")):
            rec = records(vals, direction=direction)
            hit = rec.loc[(rec["date"] == end) & (rec["n_compared"] > 0)]
            if len(hit):
                r = hit.iloc[0]
                facts.append(_fact(
                    pseudo, "record_low" if direction == "min" else "record", end, date=end,
                    value=float(r["value"]), previous_value=float(r["previous_value"]),
                    previous_date=r["previous_date"],
                    method=f"records among weeks with at least {MIN_RATE_BASE} "
                           f"{_label(base.metric)}" + (" under one definition"
                                                      if caveat else ""),
                    caveats=caveat,
                    text=f"That is the {word} weekly share {began} (complete "
                         f"weeks with at least {MIN_RATE_BASE} {base.key}"
                         + (f", from the week to {_day(usable.index[0])}, the first "
                            f"whole week under the current definition of {part.key}"
                            if caveat
                            and usable.index[0] > weeks.index[0] else "")
                         + f"): the previous {word} was "
                         f"{_pct(r['previous_value'])}, in the week to "
                         f"{_day(r['previous_date'])}."))
    return facts, weeks


def _sparse(facts: list[dict[str, Any]], item: _Series) -> str | None:
    """Why a series carries no sentence (the stated rule), or None."""
    total = next((f for f in facts if f["fact"] == "week_total"), None)
    if total is None or total.get("value") is None or (
            isinstance(total["value"], float) and math.isnan(total["value"])):
        return "no report in the week"
    if item.unit == "count" and item.kind == "flow" and abs(total["value"]) < MIN_WEEK_COUNT:
        return f"fewer than {MIN_WEEK_COUNT} in the week"
    return None


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
            # a conversion stated in an article is checked at the date of the statement
            # (the ``reported`` column), else at the figure's end date, and says which
            try:
                q = parse_quantity(text, currency=unit if unit in CURRENCY_CODES else None)
                chk = q.check_alternative(date=f["end"], reported=f.get("reported"))
            except ValueError:
                continue
            c = chk.iloc[0]
            at = ("" if c["date_basis"] == "not needed" else
                  f" at the ECB rate of {_day(c['date'])} ("
                  + ("the statement's date" if c["date_basis"] == "statement date"
                     else "the figure's end date; the statement's date is not in the data")
                  + ")")
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


def _source_line(name: str, decl: SourceSpec | None, about: Mapping[str, Any],
                 data_end: pd.Timestamp | None = None) -> str:
    """The chart's source line: publisher, dataset, the data's own span, and the
    retrieval date only when it is truly known (``about["retrieved"]``, e.g. from
    :func:`conflictstats.sources.fetch_dataset`); a file's modification date says
    nothing about the data and is not printed."""
    line = f"Source: {name}" if decl is None else f"Source: {decl.publisher}, “{decl.title}”"
    if data_end is not None and pd.notna(data_end):
        line += f", data to {_day(data_end)}"
    retrieved = about.get("retrieved")
    if retrieved is not None:
        line += f", retrieved {_day(retrieved)}"
    if decl is not None and decl.date_caption:
        line += f"; {decl.date_caption}"
    return line + ". Chart: conflictstats."


def _datasets_of(data: Any) -> dict[str, Any]:
    if data is None:
        return dict(bundled_datasets())
    if isinstance(data, (pd.DataFrame, ObservationTable)):
        return {"Observations": data}
    if isinstance(data, Mapping):
        return dict(data)
    raise InputError(f"data must be a DataFrame, a mapping of name to DataFrame or None; got "
                     f"{type(data).__name__}")


def weekly_report(
    data: pd.DataFrame | ObservationTable | Mapping[str, pd.DataFrame | ObservationTable]
    | None = None,
    *,
    week: Any = None,
    out: str | Path | None = None,
    conflict: str = "error",
    reader: str | Mapping[str, str] | None = None,
    metric: str | Sequence[str] | None = None,
    where: Mapping[str, Any] | Sequence[str] | None = None,
    split: Sequence[str] = (),
    about: Mapping[str, Mapping[str, Any]] | None = None,
    progress: Progress | None = None,
) -> WeeklyReport:
    """Write the weekly report: ``summary.md``, ``facts.csv`` and charts (PNG, SVG).

    Parameters
    ----------
    data : DataFrame, ObservationTable, mapping of name to either, or None
        Observation table(s). None: the bundled seed article and synthetic demo.
        Bad rows are listed in the report, not fatal; so are the rows an
        :class:`~conflictstats.ObservationTable` holds in ``set_aside`` (what
        :func:`~conflictstats.datasets.screen_dataset` refused in a public file).
    week : ISO date string or date-like, optional
        The last day of the week reported ("2024-11-20" reports Thursday 14 to
        Wednesday 20 November); every total, comparison and chart bar uses weeks
        ending on that weekday. Default: the latest complete Monday-to-Sunday week
        in the data. A string must be an ISO date (YYYY-MM-DD).
    out : str or Path, optional
        Folder to write to (created). None: compute only, write nothing. The
        report is built in a new folder beside it and swapped in as a whole; the
        files of an earlier report (listed in its manifest,
        ``.conflictstats-report.json``) are replaced and the folder's other files
        kept. Nothing is written when there is nothing to report, or when the run
        fails; a second run into the same folder waits for the first.
    conflict : str
        Policy for several reports of one metric on one day (see
        :func:`conflictstats.to_daily`); a metric whose reports conflict under it is
        listed as a problem and left out.
    reader : str or mapping of name to str, optional
        The reader each table was read with (``"missile_attacks"`` ...): its
        ``REPORT_SERIES`` declaration says how rows group into series, which rows
        are reportable, the headline metrics and the source line.
    metric : str or list of str, optional
        Report only these metrics (default: the reader's headline metrics, or all).
    where : mapping or list of "column=value", optional
        Keep only rows with these values (``{"category": "drone"}``,
        ``["model=Shahed-136/131"]``); a column named here replaces the reader's
        default row selection for that column.
    split : list of str, optional
        Extra columns whose values become separate series (``["model"]``).
    about : mapping of name to dict, optional
        Per table: ``retrieved`` (the date the file was fetched, when truly
        known), for the source line, which also gives the data's own last day
        ("data to 21 Aug 2026"). A ``file_date`` key is accepted and ignored: a
        file's modification date is not the data's date.
    progress : callable, optional
        Called with a short message as each step runs.

    Returns
    -------
    WeeklyReport

    Raises
    ------
    WeekError
        ``week`` is not an ISO date, or its week lies outside the data.
    InputError
        Nothing can be reported, or ``metric``/``where`` name what is not there, or
        ``out`` cannot take the report (a file, a mount point, a file of the user's
        where the report writes one, a disk error, another run still writing after
        :data:`conflictstats._output.LOCK_WAIT` seconds); ``out`` is then unchanged.

    Notes
    -----
    Each reader declares how its rows group (``REPORT_SERIES`` in its module):
    the missile file gives one series per weapon category (drones apart from
    cruise and ballistic missiles), nationwide rows only, and the report never sums
    across groups. Observation tables without a declaration: levels and shares stay
    entity by entity; flows of up to :data:`MAX_ENTITIES_APART` entities are
    reported apart, of more as their total. A metric is a series when its reports
    fall on at least four dates and cover at least :data:`MIN_SERIES_DAYS` days.

    The **sparseness rule**: a count series whose week total is below
    :data:`MIN_WEEK_COUNT`, or a series with no report in the week, gets no
    sentence; the summary lists what was left out. A rate needs
    :data:`MIN_RATE_BASE` trials in the week.

    Weekly records and "highest since" compare complete weeks without a day the
    source flags as an artefact; "a record for 2025" needs :data:`MIN_YEAR_WEEKS`
    earlier weeks of that year, "highest since" a higher week more than
    :data:`SINCE_MIN_DAYS` days back (a ``flag`` column, e.g. the DeepState Crimea map
    redraw). Unusual days use the causal count model for whole non-negative counts
    and the robust z-score otherwise, on days not flagged and not spread from a
    multi-day report.

    Examples
    --------
    >>> from conflictstats.report import weekly_report
    >>> rep = weekly_report()
    >>> str(rep.week_end.date()), rep.week_end.day_name()
    ('2024-11-24', 'Sunday')
    >>> "[synthetic]" in rep.summary
    True
    >>> row = rep.facts.set_index(["series", "fact"]).loc[("drones launched", "week_total")]
    >>> int(row["value"]), row["completeness"]
    (644, '7 of 7 days reported')
    """
    say: Progress = progress or (lambda _msg: None)
    datasets = _datasets_of(data)
    readers = ({n: reader for n in datasets} if isinstance(reader, str)
               else dict(reader or {}))
    metrics = [metric] if isinstance(metric, str) else list(metric or [])
    wanted = _parse_where(where)
    problems: list[dict[str, Any]] = []
    notes: dict[str, list[str]] = {}
    all_series: list[_Series] = []
    all_figures: dict[str, pd.DataFrame] = {}
    decls: dict[str, SourceSpec | None] = {}
    bounds: list[pd.DatetimeIndex] = []
    for name, raw in datasets.items():
        say(f"reading {name}")
        obs = _screen(name, raw, problems)
        if obs is None:
            continue
        decl = _grouping(readers.get(name))
        decls[name] = decl
        obs, row_notes = _select_rows(obs, decl, wanted, name)
        obs = _money_to_report_currency(obs, problems, name)
        bounds.append(pd.DatetimeIndex(obs["end"]).normalize())
        line = _source_line(name, decl, (about or {}).get(name, {}),
                            pd.Timestamp(obs["end"].max()).normalize() if len(obs) else None)
        series, figures, group_notes = _series_of(name, obs, conflict, decl, split, metrics,
                                                  line, problems, say)
        rule = _rule(decl)
        if rule.split and series:
            groups = sorted({s.group.split(" = ")[-1] for s in series if s.group})
            by = [c for c in rule.split[:-1]
                  if c in obs.columns and len(pd.unique(obs[c].dropna())) > 1]
            if len(groups) > 1:
                row_notes.append(
                    f"Series by {', '.join([*by, *rule.split[-1:]])}: {', '.join(groups)}; "
                    "never summed across them.")
        about_source = [] if decl is None else [f"Dates: {decl.event_dates_note}"] + [
            f"Definition change on {_day(b.date)}: {b.description}; no comparison across it."
            for b in decl.breaks if bounds[-1].min() <= b.date <= bounds[-1].max()]
        notes[name] = (([rule.note] if rule.note else []) + about_source + row_notes
                       + group_notes)
        all_series.extend(series)
        all_figures[name] = figures

    days = [i.daily.dropna().index for i in all_series] or [
        pd.DatetimeIndex(f["end"]).normalize() for f in all_figures.values() if len(f)
    ] or [d for d in bounds if len(d)]
    days = [d for d in days if len(d)]
    if not days:
        found = "; ".join((f"{p['metric']}: " if p["metric"] else "") + str(p["reason"])
                          for p in problems[:3])
        raise InputError("no usable observations: nothing to report"
                         + (f" ({found})" if found else ""))
    first = min(d.min() for d in days)
    last = max(d.max() for d in days)
    span, start, end = _choose_week(first, last, week)

    facts, tables, rows = _all_facts(all_series, decls, span, start, end, problems, say)
    facts_frame = pd.DataFrame(facts, columns=list(FACT_COLUMNS))
    facts_frame = facts_frame.astype({"n_reported": "Int64", "n_days": "Int64"})

    def render(found: list[dict[str, Any]]) -> tuple[str, pd.DataFrame]:
        frame = pd.DataFrame(found, columns=["dataset", "row", "metric", "reason"])
        return _markdown(start, end, span, datasets, facts_frame, notes, all_figures,
                         frame), frame

    md, problems_frame = render(problems)
    table = pd.DataFrame(rows, columns=[
        "dataset", "series", "metric", "unit", "kind", "synthetic", "week_total",
        "previous_total", "change", "change_pct", "days_reported", "complete", "record_all",
        "record_year", "highest_since", "n_anomalies", "reported"])
    files: tuple[str, ...] = ()
    if out is not None and not _nothing_to_report(table, facts_frame):
        md, problems_frame, files = _write(Path(out), render, facts_frame, all_series, tables,
                                           span, start, end, problems, say)
    return WeeklyReport(week_start=start, week_end=end, summary=md, facts=facts_frame,
                        table=table, problems=problems_frame, files=files, freq=span.code)


def _screen(name: str, raw: Any, problems: list[dict[str, Any]]) -> pd.DataFrame | None:
    """Step 1: screen one table; bad rows (and those a screened table set aside) become
    problems."""
    if isinstance(raw, ObservationTable):
        for r, bad in raw.set_aside.iterrows():  # the few rows refused as impossible
            problems.append({"dataset": name, "row": r, "metric": bad.get("metric", ""),
                             "reason": f"set aside: {bad['reason']} (value {bad['value']!r})"})
        raw = raw.observations
    if not isinstance(raw, pd.DataFrame):
        raise InputError(f"data[{name!r}] must be a DataFrame; got {type(raw).__name__}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # listed below instead
            table = screen_observations(raw)
    except ValueError as err:
        problems.append({"dataset": name, "row": "", "metric": "", "reason": str(err)})
        return None
    for r, bad in table.set_aside.iterrows():
        problems.append({"dataset": name, "row": r, "metric": raw.loc[r].get("metric"),
                         "reason": f"set aside: {bad['reason']} (column "
                                   f"{bad['column']!r}, value {bad['value']!r})"})
    return table.observations


def _all_facts(all_series: list[_Series], decls: Mapping[str, SourceSpec | None], span: Span,
               start: pd.Timestamp, end: pd.Timestamp, problems: list[dict[str, Any]],
               say: Progress) -> tuple[list[dict[str, Any]], dict[str, Any],
                                       list[dict[str, Any]]]:
    """Step 5: the facts of every series and rate, in reading order, sparse ones left out.

    Order: by group (the group with most reports first), within it the reader's
    headline metrics in their order, each rate after its base series.
    """
    tables: dict[str, Any] = {}  # chart inputs: weekly tables and rate tables
    rows: list[dict[str, Any]] = []
    own_facts: dict[int, list[dict[str, Any]]] = {}
    totals: dict[int, dict[str, Any]] = {}
    reported: dict[int, bool] = {}
    left_out: dict[str, list[tuple[_Series, str]]] = {}
    analysed: list[_Series] = []
    for item in all_series:
        say(f"analysing {item.key}")
        try:
            own, weeks = (_month_facts(item, end) if item.monthly
                          else _week_facts(item, span, start, end))
        except ValueError as err:  # one series' trouble does not stop the report
            problems.append({"dataset": item.dataset, "row": "", "metric": item.key,
                             "reason": f"not analysed: {err}"})
            continue
        analysed.append(item)
        tables[f"{item.dataset}|{item.key}"] = weeks
        why = None if item.monthly or item.kind == "share" else _sparse(own, item)
        tot = next((f for f in own if f["fact"] in ("week_total", "month_total")), None)
        if tot is not None:
            totals[id(item)] = tot
        reported[id(item)] = why is None and item.headline
        if why is not None and item.headline:
            left_out.setdefault(item.dataset, []).append((item, why))
        own_facts[id(item)] = own
        rows.append(_table_row(item, own, reported[id(item)]))

    rate_facts: dict[int, list[dict[str, Any]]] = {}
    for name in dict.fromkeys(i.dataset for i in analysed):
        own_items = [i for i in analysed if i.dataset == name]
        for part, base in _rate_pairs(own_items, decls.get(name)):
            if not reported.get(id(base)):
                continue
            say(f"rate {part.key} / {base.key}")
            try:
                rf, rt = _rate_facts(part, base, span, end, totals.get(id(base)))
            except ValueError as err:
                problems.append({"dataset": name, "row": "", "metric": part.key,
                                 "reason": f"no rate: {err}"})
                continue
            rate_facts.setdefault(id(base), []).extend(rf)
            key = f"{name}|rate|{base.key}"
            if rt is not None and rf and key not in tables:
                tables[key] = (rt, rf[0]["series"], _metric_label(_rule(decls.get(name)),
                                                                  part.metric),
                               part.comparable)

    facts: list[dict[str, Any]] = []
    for name in dict.fromkeys(i.dataset for i in analysed):
        facts.extend(_in_order([i for i in analysed if i.dataset == name],
                               decls.get(name), own_facts, rate_facts, reported))
        if name in left_out:
            item = next(i for i in analysed if i.dataset == name)
            facts.append(_fact(
                item, "left_out", end, series="", metric="", group="",
                method=f"sparseness rule: a count series under {MIN_WEEK_COUNT} in the week, "
                       "or without a report in it",
                text="Left out: " + _left_out_text(left_out[name], analysed) + "."))
    _mixed_caveats(analysed, totals, reported)
    return facts, tables, rows


def _left_out_text(items: list[tuple[_Series, str]], analysed: list[_Series]) -> str:
    """One short clause per reason: "no report in the week: surface-to-air missiles"
    (a group named once when all its series are left out for that reason)."""
    by_reason: dict[str, list[str]] = {}
    for item, why in items:
        names = by_reason.setdefault(why, [])
        group = item.group
        same = [i for i in analysed if i.dataset == item.dataset and group
                and i.group == group and i.headline]
        if group and not item.key.endswith(")") and len(same) > 1 and all(
                any(j is i and w == why for j, w in items) for i in same):
            noun = item.key[: -len(item.key.split(" ")[-1])].strip() or item.key
            if noun not in names:
                names.append(noun)
        else:
            names.append(item.key)
    return "; ".join(f"{why}: {', '.join(names)}" for why, names in by_reason.items())


def _mixed_caveats(items: list[_Series], totals: Mapping[int, dict[str, Any]],
                   reported: Mapping[int, bool]) -> None:
    """A category's total says when reports of mixed weapons (not split by type) in the
    same week are not in it."""
    for mix in items:
        if not mix.group.endswith("= combined"):
            continue
        tot = totals.get(id(mix))
        value = tot.get("value") if tot else None
        if value is None or not value > 0:
            continue
        for other in items:
            if (other is mix or other.dataset != mix.dataset or other.metric != mix.metric
                    or not other.group or other.group.endswith("= combined")):
                continue
            own = totals.get(id(other))
            if own and reported.get(id(other)) and isinstance(own.get("text"), str):
                own["text"] += (f" Not counted here: {_num(float(value))} {mix.metric} in "
                                "reports of mixed weapons not split by type.")
                own["caveats"] = "; ".join(c for c in (
                    own.get("caveats") or "", "leaves out reports of mixed weapons") if c)


def _in_order(items: list[_Series], decl: SourceSpec | None,
              own: Mapping[int, list[dict[str, Any]]], rates: Mapping[int, list[dict[str, Any]]],
              reported: Mapping[int, bool]) -> list[dict[str, Any]]:
    """One dataset's facts in reading order."""
    size: dict[str, int] = {}
    for i in items:
        size[i.family] = size.get(i.family, 0) + int(i.daily.notna().sum())
    headline = list(_rule(decl).headline)
    rank = {m: k for k, m in enumerate(headline)}
    ordered = sorted(items, key=lambda i: (-size[i.family], i.family,
                                           rank.get(i.metric, len(rank)), i.key))
    out: list[dict[str, Any]] = []
    for k, i in enumerate(ordered):
        if reported.get(id(i)):
            out.extend(own.get(id(i), []))
        if k + 1 == len(ordered) or ordered[k + 1].family != i.family:  # end of a group
            for j in ordered:
                if j.family == i.family:
                    out.extend(rates.get(id(j), []))
    return out


def _table_row(item: _Series, own: list[dict[str, Any]], reported: bool) -> dict[str, Any]:
    tot = next((f for f in own if f["fact"] in ("week_total", "month_total")), {})
    return {
        "dataset": item.dataset, "series": item.key, "metric": item.metric, "unit": item.unit,
        "kind": item.kind, "synthetic": item.synthetic,
        "week_total": tot.get("value", math.nan) if tot.get("value") is not None else math.nan,
        "previous_total": tot.get("previous_value", math.nan),
        "change": tot.get("change", math.nan), "change_pct": tot.get("pct_change", math.nan),
        "days_reported": tot.get("n_reported", 0), "complete": bool(tot.get("complete")),
        "record_all": any(f["fact"] == "record" for f in own),
        "record_year": any(f["fact"] == "record_year" for f in own),
        "highest_since": next((f["previous_date"] for f in own
                               if f["fact"] == "highest_since"), pd.NaT),
        "n_anomalies": sum(f["fact"] == "unusual_day" for f in own),
        "reported": reported,
    }


def _md_sentence(text: Any) -> str:
    """A fact's sentence for ``summary.md``: its bold lead ("**Drones launched**:") stays
    bold; the rest, and the lead's words, are shown literally (:func:`md_text`)."""
    lead = re.match(r"\*\*(.+?)\*\*", str(text))
    if lead is None:
        return md_text(text)
    return f"**{md_text(lead[1])}**{md_text(str(text)[lead.end():])}"


def _md_line(line: str, tag: str) -> str:
    """A reported figure's line for ``summary.md``: the synthetic tag kept, the rest literal."""
    line = line.strip()
    if tag and line.startswith(tag):
        return tag + md_text(line[len(tag):])
    return md_text(line)


def _markdown(start: pd.Timestamp, end: pd.Timestamp, span: Span,
              datasets: Mapping[str, pd.DataFrame], facts: pd.DataFrame,
              notes: Mapping[str, list[str]], figures: Mapping[str, pd.DataFrame],
              problems: pd.DataFrame) -> str:
    """Step 6a: the summary, its sentences read from the facts."""
    weekdays = span.label.replace(" weeks", "")
    out = [f"# Weekly report: {_day(start)} to {_day(end)}", "",
           f"War days {war_day(start):,}–{war_day(end):,} (24 February 2022 = day 1). Weeks "
           f"run {weekdays}, ending on the day asked for. Days without a report are missing, "
           "not zero; each total says how many days were reported, and a week with missing "
           "days is compared per reported day, never as a full week.", ""]
    for name in datasets:
        synthetic = "synthetic" in name.lower()
        own = facts.loc[facts["dataset"] == name]
        tag = "[synthetic] " if synthetic or (len(own) and bool(own["synthetic"].all())) else ""
        lines = [f"{tag}{_md_sentence(t)}" for t in own["text"]]
        figs = figures.get(name)
        fig_lines = _figure_lines(figs, bool(tag)) if figs is not None else []
        if not lines and not fig_lines:
            continue
        out += [f"## {md_text(name)}", ""]
        if tag:
            out += ["*Synthetic data made by `data/make_demo.py` to show every feature; "
                    "not real events.*", ""]
        out += [f"*{md_text(n)}*" for n in notes.get(name, [])]
        if notes.get(name):
            out.append("")
        out += [f"- {line}" for line in lines]
        if fig_lines:
            out += ["", "### Reported figures", ""]
            # a line starting with spaces is a note on the figure above it
            out += [f"  - {_md_line(line, tag)}" if line.startswith("  ")
                    else f"- {_md_line(line, tag)}" for line in fig_lines]
        out.append("")
    if len(problems):
        out += ["## Input problems", "",
                "These rows or metrics were left out; the rest of the report stands.", ""]
        for _, p in problems.iterrows():
            where = f"row {md_text(p['row'])}, " if p["row"] != "" else ""
            metric = (f"{md_text(p['metric'])}: " if isinstance(p["metric"], str)
                      and p["metric"] else "")
            out.append(f"- {md_text(p['dataset'])}: {where}{metric}{md_text(p['reason'])}")
        out.append("")
    return "\n".join(out)


def _nothing_to_report(table: pd.DataFrame, facts: pd.DataFrame) -> bool:
    """No series reported and no sentence: the command exits 1 and nothing is written."""
    n_series = int(table["reported"].sum()) if len(table) else 0
    return n_series == 0 and not facts["text"].notna().any()


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


#: A daily flow reported on fewer than this share of the days of its last half year is
#: too sparse to chart (cruise and ballistic missiles, reported on attack days only).
MIN_CHART_DAY_SHARE = 0.5


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
        return f"highest since {prev.strftime('%b %Y')}: {_num(r['value'], unit)}"

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
    from .plotting import PALETTE, _legend_above, style

    with style():
        _draw_corrections(ax, corrections, unit, PALETTE.get("vermillion", "C3"))
        _legend_above(ax)


def _draw_corrections(ax: Any, corrections: pd.Series, unit: str, color: str) -> None:
    x = pd.DatetimeIndex(corrections.index).to_numpy()
    ax.scatter(x, np.zeros(len(x)), marker="v", s=36, color=color,
               zorder=5, label="correction (not drawn)", clip_on=False)
    for d, v in corrections.items():
        ax.annotate(f"correction {_signed(float(v), unit)} on {d.day} {d.strftime('%b')}",
                    (np.datetime64(d), 0), xytext=(-6, 28), textcoords="offset points",
                    ha="right", fontsize=7.5, color="#333333",
                    bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1},
                    arrowprops={"arrowstyle": "-", "color": "#777777", "linewidth": 0.6})


def _title(item: _Series, end: pd.Timestamp, what: str) -> str:
    return f"{_sentence_case(item.key)}{what}, week to {_day(end)}"


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

    from .plotting import add_source, plot_weekly_bars, style
    from .trends import period_totals

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
        last = months.index[-1].strftime("%B %Y") if len(months) else end.strftime("%B %Y")
        # the title on its own line above the legend: the two never overprint
        ax.set_title(f"{_sentence_case(item.key)} by month ({unit}), reported months to "
                     f"{last}", loc="left", pad=17)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, fontsize=7.5,
                  borderaxespad=0.2)
        add_source(ax, _fill_source(item.source, 124), synthetic=item.synthetic)
    return _save(fig, out_dir / chart_stem(item.dataset, item.key))


def _fill_source(text: str, width: int) -> str:
    """Wrap a source line, keeping "Chart: conflictstats." on the last line of the source
    when it fits there rather than alone on a line."""
    import textwrap

    tail = " Chart: conflictstats."
    if not text.endswith(tail):
        return textwrap.fill(text, width)
    lines = textwrap.wrap(text[: -len(tail)], width)
    if lines and len(lines[-1]) + len(tail) <= width:
        lines[-1] += tail
    else:
        lines.append(tail.strip())
    return "\n".join(lines)


def _unit_text(unit: str) -> str:
    return {"km2": "km²", "count": "number", "percent": "%"}.get(unit, unit)


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
    from .plotting import style

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
            ax.annotate(f"new definition from {d.day} {d:%b}", xy=(d - _DAY / 2, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(-3, -3),
                        textcoords="offset points", ha="right", va="top", fontsize=8,
                        color="#444444")


def _draw(out_dir: Path, item: _Series, facts: pd.DataFrame, weeks: pd.DataFrame | None,
          rate: tuple[pd.DataFrame, str, str, pd.Series | None] | None, span: Span,
          start: pd.Timestamp, end: pd.Timestamp) -> list[str]:
    """One chart, drawn from the facts: the week highlighted, its records labelled."""
    from .plotting import mark_records, style, weekly_chart

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

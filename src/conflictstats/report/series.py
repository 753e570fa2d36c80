"""Steps 1-4: read, select and group the rows into daily series; choose the week."""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._kinds import decode_spans
from .._periods import Span, parse_freq
from .._validate import DataWarning
from ..daily import to_daily
from ..datasets import bundled_datasets
from ..errors import InputError, PeriodError
from ..observations import CURRENCY_CODES, ObservationTable, screen_observations
from ..sources import SeriesRule, SourceSpec, source_spec
from .phrases import _day, _label, _noun
from .rules import _DAY, MAX_ENTITIES_APART, MIN_SERIES_DAYS, REPORT_CURRENCY, SECONDARY, Progress


class WeekError(PeriodError):
    """The week asked for is not in the data, or is not an ISO date."""


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
    from ..quantities import convert_currency

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


def _flags_of(daily: pd.Series | pd.DataFrame, col: Any) -> pd.DatetimeIndex:
    """The days :func:`conflictstats.to_daily` flagged as artefacts (``attrs["flags"]``,
    from the reader's ``flag`` column) in one column, or in all when they are summed."""
    from ..daily import _flag_dates

    found = _flag_dates(daily)
    if col is not None and isinstance(daily, pd.DataFrame):
        j = daily.columns.get_loc(col)
        found = {j: found[j]} if isinstance(j, int) and j in found else {}
    days = pd.DatetimeIndex([])
    for reasons in found.values():
        days = days.union(pd.DatetimeIndex(reasons.index).normalize())
    return days.sort_values()


def _waves_of(rows: pd.DataFrame, metric: str) -> pd.DataFrame | None:
    """The reported attacks (waves) of a series' rows, when the reader gives a ``wave``
    column: one row per wave, indexed by its end, with ``start``, ``date`` (morning)
    and ``value`` (:func:`conflictstats.sources.missile_waves`)."""
    if "wave" not in rows.columns or rows.empty:
        return None
    from ..sources import missile_waves

    w = missile_waves(rows, by=None)
    if w["end"].duplicated().any():  # several commands in one series: no wave claims
        return None
    return pd.DataFrame({"start": w["start"].to_numpy(), "date": w["date"].to_numpy(),
                         "value": w[metric].to_numpy(dtype=float)},
                        index=pd.DatetimeIndex(w["end"], name="end"))


def _lead_split(rule: SeriesRule, obs: pd.DataFrame) -> list[str]:
    """A declared split column before the last one splits only when the rows hold several
    of its values (missile ``command``: the regional commands, never the national posts)."""
    return [c for c in rule.split[:-1] if c in obs.columns
            and len(pd.unique(obs[c].dropna())) > 1]


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
        try:
            found, note = _metric_series(dataset, metric, sub, conflict, decl, split_extra,
                                         source_line, is_headline, _lead_split(rule, obs))
        except ValueError as err:
            problems.append({"dataset": dataset, "row": "", "metric": metric,
                             "reason": f"not reported: {err}"})
            continue
        series += found
        notes += note
    figures = pd.concat(singles) if singles else obs.iloc[:0]
    return series, figures, notes


def _metric_series(dataset: str, metric: str, sub: pd.DataFrame, conflict: Any,
                   decl: SourceSpec | None, split_extra: Sequence[str], source_line: str,
                   headline: bool, lead: list[str]) -> tuple[list[_Series], list[str]]:
    """One metric's daily series (:func:`conflictstats.to_daily`): one per group the
    reader declares, or their sum; a note when groups are summed."""
    rule = _rule(decl)
    split = [c for c in (*rule.split, *split_extra) if c in sub.columns
             and (c not in rule.split[:-1] or c in lead)]
    summed = [c for c in rule.summed if c in sub.columns]
    # "sum" adds separate events; a level or a running total cannot be added up
    policy: Any = "error" if conflict == "sum" and str(sub["kind"].iloc[0]) != "flow" \
        else conflict
    by: list[str] = split if decl else ["entity"]
    daily = to_daily(sub, metric=metric, by=by if by else None, conflict=policy)
    kind = str(daily.attrs["kind"])
    kind = "flow" if kind == "cumulative" else kind
    frame = daily.to_frame() if isinstance(daily, pd.Series) else daily
    if decl:
        apart = bool(split) and not summed and (
            frame.shape[1] > 1 or any(c != "entity" for c in by))
    else:
        # levels of several entities cannot be added; flows of a few entities
        # (Russia, Ukraine) are reported apart, flows of many (donors) as their total
        apart = frame.shape[1] > 1 and (kind in ("level", "share")
                                        or frame.shape[1] <= MAX_ENTITIES_APART)
    apart = apart or (kind in ("level", "share") and frame.shape[1] > 1)
    notes = []
    if not apart and frame.shape[1] > 1 and decl and not summed:
        notes.append(f"{_label(metric)}: summed over {frame.shape[1]} groups.")
    columns: list[tuple[Any, pd.Series]] = (
        [(c, frame[c]) for c in frame.columns] if apart
        else [(None, frame.sum(axis=1, min_count=1))])
    length = (sub["end"].dt.normalize() - sub["start"].dt.normalize()).dt.days + 1
    common = {
        "dataset": dataset, "metric": metric, "unit": str(daily.attrs["unit"]), "kind": kind,
        "synthetic": bool(sub["source"].astype(str).str.contains("synthetic", case=False).all()),
        "source": source_line, "monthly": kind == "flow" and float(length.median()) >= 28,
        "converted": "reported_unit" in sub.columns and bool(
            (sub["reported_unit"] != sub["unit"]).any()),
        "outcome": metric in {o for outs in rule.rates.values() for o in outs},
        "headline": headline, "date_phrase": decl.date_phrase if decl else "on {date}",
        "wave_facts": metric in rule.rates}
    return [_one_series(common, sub, col, s, by, decl, daily.attrs.get("spans"), lead,
                        _flags_of(daily, col)) for col, s in columns], notes


def _one_series(common: dict[str, Any], sub: pd.DataFrame, col: Any, s: pd.Series,
                by: list[str], decl: SourceSpec | None, spans: Any,
                lead: list[str], flagged: pd.DatetimeIndex) -> _Series:
    """One group's series: its name, its rows' flags, spread days and definitions."""
    rule = _rule(decl)
    metric, dataset = common["metric"], common["dataset"]
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
    own = _own_spans(spans, col)
    s.attrs = {"kind": common["kind"], "unit": common["unit"], "spans": own}
    comp = None
    # a metric whose definition no declared break changes is compared across them
    broken = {m for b in decl.breaks for m in b.metrics} if decl else set()
    comparable = rule.comparable if not broken or metric in broken else ""
    if comparable and comparable in rows.columns and len(pd.unique(rows[comparable])) > 1:
        lab = pd.Series(rows[comparable].astype(str).to_numpy(),
                        index=pd.DatetimeIndex(rows["end"]).normalize())
        comp = lab[~lab.index.duplicated(keep="last")].sort_index()
    return _Series(
        key=key, group=group, daily=s, flagged=flagged,
        spread=_spread_index(own) if common["kind"] == "flow" else pd.DatetimeIndex([]),
        family=family, comparable=comp,
        waves=_waves_of(rows, metric) if decl and common["kind"] == "flow" else None,
        **common)


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


def _datasets_of(data: Any) -> dict[str, Any]:
    if data is None:
        return dict(bundled_datasets())
    if isinstance(data, (pd.DataFrame, ObservationTable)):
        return {"Observations": data}
    if isinstance(data, Mapping):
        return dict(data)
    raise InputError(f"data must be a DataFrame, a mapping of name to DataFrame or None; got "
                     f"{type(data).__name__}")


def _screen(name: str, raw: Any, problems: list[dict[str, Any]]) -> pd.DataFrame | None:
    """Step 1: screen one table; bad rows (and those a screened table set aside) become
    problems."""
    if isinstance(raw, ObservationTable):
        aside = raw.set_aside  # the rows refused as impossible, listed at once
        metrics = aside["metric"] if "metric" in aside.columns else pd.Series("", aside.index)
        problems.extend(
            {"dataset": name, "row": r, "metric": m, "reason": f"set aside: {why} (value {v!r})"}
            for r, m, why, v in zip(aside.index, metrics, aside["reason"], aside["value"],
                                    strict=True))
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
    aside = table.set_aside
    metric = (raw["metric"].reindex(aside.index) if "metric" in raw.columns
              else pd.Series(None, index=aside.index, dtype=object))
    problems.extend(
        {"dataset": name, "row": r, "metric": m,
         "reason": f"set aside: {why} (column {col!r}, value {v!r})"}
        for r, m, why, col, v in zip(aside.index, metric, aside["reason"], aside["column"],
                                     aside["value"], strict=True))
    return table.observations

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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._periods import Span, parse_freq
from ..errors import InputError
from ..observations import ObservationTable
from ..results import Result
from ..sources import SourceSpec
from .charts import _write
from .facts import _all_facts, _divergence_facts, _judged
from .phrases import _day, _source_line
from .rules import FACT_COLUMNS as FACT_COLUMNS
from .rules import MAX_ENTITIES_APART as MAX_ENTITIES_APART
from .rules import MIN_RATE_BASE as MIN_RATE_BASE
from .rules import MIN_SERIES_DAYS as MIN_SERIES_DAYS
from .rules import MIN_WEEK_COUNT as MIN_WEEK_COUNT
from .rules import MIN_YEAR_WEEKS as MIN_YEAR_WEEKS
from .rules import SINCE_MIN_DAYS as SINCE_MIN_DAYS
from .rules import Progress as Progress
from .series import (
    WeekError,
    _choose_week,
    _datasets_of,
    _grouping,
    _money_to_report_currency,
    _parse_where,
    _rule,
    _screen,
    _select_rows,
    _Series,
    _series_of,
)
from .summary import _markdown
from .summary import _nothing_to_report as _nothing_to_report

__all__ = ["FACT_COLUMNS", "WeekError", "WeeklyReport", "weekly_report"]

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
    daily : dict of str to Series
        The daily series of each reported metric up to the week's end, keyed
        ``"dataset|series"``, as the records were computed from them: their
        ``attrs["flags"]`` name the days that keep a period out of comparisons
        (the source's flags, corrections, definition changes), so
        ``records(rep.daily[key], freq=rep.freq)`` gives the report's weekly
        records (``freq="ME"`` for a series reported by month).
    """

    week_start: pd.Timestamp
    week_end: pd.Timestamp
    summary: str
    facts: pd.DataFrame
    table: pd.DataFrame
    problems: pd.DataFrame
    files: tuple[str, ...] = ()
    freq: str = "W-SUN"
    daily: dict[str, pd.Series] = dataclasses.field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row: the week, the number of series, facts, problems and files."""
        return pd.DataFrame([{"week_start": self.week_start, "week_end": self.week_end,
                              "freq": self.freq, "n_series": len(self.table),
                              "n_facts": len(self.facts), "n_problems": len(self.problems),
                              "n_files": len(self.files)}])


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
        decls[name] = _grouping(readers.get(name))
        found = _read_one(name, raw, decls[name], wanted, conflict, split, metrics,
                          (about or {}).get(name, {}), problems, say)
        if found is None:
            continue
        series, all_figures[name], notes[name], bound = found
        all_series.extend(series)
        bounds.append(bound)
    span, start, end = _week_of(all_series, all_figures, bounds, problems, week)

    facts, tables, rows = _all_facts(all_series, decls, span, start, end, problems, say)
    facts += _divergence_facts(all_series, span, end, say)
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
    daily = {f"{i.dataset}|{i.key}": _judged(i, parse_freq("ME") if i.monthly else span, end)
             for i in all_series if i.kind != "share"}
    return WeeklyReport(week_start=start, week_end=end, summary=md, facts=facts_frame,
                        table=table, problems=problems_frame, files=files, freq=span.code,
                        daily=daily)


def _read_one(name: str, raw: Any, decl: SourceSpec | None, wanted: dict[str, list[str]],
              conflict: str, split: Sequence[str], metrics: list[str],
              about: Mapping[str, Any], problems: list[dict[str, Any]],
              say: Progress) -> tuple[list[_Series], pd.DataFrame, list[str],
                                      pd.DatetimeIndex] | None:
    """Steps 1-3 for one table: screen, select, convert money, group into series; the
    table's notes (rows used, groups, dates, definition changes) and its days."""
    obs = _screen(name, raw, problems)
    if obs is None:
        return None
    obs, row_notes = _select_rows(obs, decl, wanted, name)
    obs = _money_to_report_currency(obs, problems, name)
    bound = pd.DatetimeIndex(obs["end"]).normalize()
    line = _source_line(name, decl, about,
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
        for b in decl.breaks if len(bound) and bound.min() <= b.date <= bound.max()]
    notes = ([rule.note] if rule.note else []) + about_source + row_notes + group_notes
    return series, figures, notes, bound


def _week_of(all_series: list[_Series], all_figures: Mapping[str, pd.DataFrame],
             bounds: list[pd.DatetimeIndex], problems: list[dict[str, Any]],
             week: Any) -> tuple[Span, pd.Timestamp, pd.Timestamp]:
    """Step 4: the week reported, from the days of the series (else of the figures)."""
    days = [i.daily.dropna().index for i in all_series] or [
        pd.DatetimeIndex(f["end"]).normalize() for f in all_figures.values() if len(f)
    ] or [d for d in bounds if len(d)]
    days = [d for d in days if len(d)]
    if not days:
        found = "; ".join((f"{p['metric']}: " if p["metric"] else "") + str(p["reason"])
                          for p in problems[:3])
        raise InputError("no usable observations: nothing to report"
                         + (f" ({found})" if found else ""))
    return _choose_week(min(d.min() for d in days), max(d.max() for d in days), week)

"""Step 6a: ``summary.md`` from the facts, and the closing "How these figures are made" section."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._output import md_text
from .._periods import Span
from ..calendar import war_day
from ..observations import CURRENCY_CODES
from .phrases import _day, _label, _num, _pct
from .rules import MIN_PCT_BASE, OUTCOMES

#: Input problems listed in ``summary.md`` (the rest are counted; all are in
#: ``WeeklyReport.problems``).
MAX_PROBLEMS_LISTED = 50

def _figure_lines(figures: pd.DataFrame, synthetic: bool) -> list[str]:
    """Single reported figures, their conversions checked, and outcome shares."""
    tag = "[synthetic] " if synthetic else ""
    lines: list[str] = []
    if figures.empty:
        return lines
    for _, f in figures.sort_values(["end", "metric"]).iterrows():
        lines += _figure_line(f, tag)
    lines += _outcome_lines(figures, tag)
    if "war_day" in set(figures["metric"]):
        w = figures.loc[figures["metric"] == "war_day"].iloc[0]
        ordinal = war_day(w["end"])
        lines.append(f"{tag}War day check: “day {w['value']:,.0f}” on {_day(w['end'])} counts "
                     f"elapsed days (base 0); the ordinal count gives day {ordinal:,}.")
    return lines


def _figure_line(f: pd.Series, tag: str) -> list[str]:
    """One reported figure in words, and the check of a conversion its text states."""
    from ..quantities import parse_quantity

    out: list[str] = []
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
    out.append(f"{tag}{_label(f['metric'])}: {value}{qual}, {period}{who}{src}.")
    text = f.get("text")
    if isinstance(text, str) and "(" in text:
        # a conversion stated in an article is checked at the date of the statement
        # (the ``reported`` column), else at the figure's end date, and says which
        try:
            q = parse_quantity(text, currency=unit if unit in CURRENCY_CODES else None)
            chk = q.check_alternative(date=f["end"], reported=f.get("reported"))
        except ValueError:
            return out
        c = chk.iloc[0]
        at = ("" if c["date_basis"] == "not needed" else
              f" at the ECB rate of {_day(c['date'])} ("
              + ("the statement's date" if c["date_basis"] == "statement date"
                 else "the figure's end date; the statement's date is not in the data")
              + ")")
        out.append(
            f"  {tag}Check of “{text}”: our conversion gives "
            f"{_num(c['converted'], c['stated_unit'])}{at}; the bracket says "
            f"{_num(c['stated'], c['stated_unit'])} ({100 * c['relative_difference']:+.1f}%)."
        )
    return out


def _outcome_lines(figures: pd.DataFrame, tag: str) -> list[str]:
    """Outcome shares of a launched figure reported together with its parts."""
    from ..rates import outcome_shares

    lines: list[str] = []
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
            f"(between {_pct(r['lower'])} and {_pct(r['upper'])})" for _, r in shares.iterrows())
        lines.append(f"{tag}Of {launched['value']:,.0f} {_label(launched['metric'])} on "
                     f"{_day(launched['end'])}: {parts_text}.")
    return lines


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
           f"run {weekdays}, ending on the day asked for. A day without a report is unknown, "
           "never counted as zero; each total says how many days were reported, and a "
           "week with missing days is compared per reported day, never as a full week.", ""]
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
        for _, p in problems.head(MAX_PROBLEMS_LISTED).iterrows():
            where = f"row {md_text(p['row'])}, " if p["row"] != "" else ""
            metric = (f"{md_text(p['metric'])}: " if isinstance(p["metric"], str)
                      and p["metric"] else "")
            out.append(f"- {md_text(p['dataset'])}: {where}{metric}{md_text(p['reason'])}")
        if len(problems) > MAX_PROBLEMS_LISTED:
            out.append(f"- … and {len(problems) - MAX_PROBLEMS_LISTED:,} more "
                       "(`WeeklyReport.problems` lists them all).")
        out.append("")
    out += ["## How these figures are made", "",
            *[f"- {line}" for line in _methods(facts, figures)], ""]
    return "\n".join(out)


def _methods(facts: pd.DataFrame, figures: Mapping[str, pd.DataFrame]) -> list[str]:
    """The closing section: how the figures of this report were made (test and model names
    belong here and in ``facts.csv``, not in the sentences)."""
    kinds = set(facts["fact"])
    method = " ".join(facts["method"].dropna().astype(str))
    lines = ["Days without a report are missing, not zero: totals say how many days were "
             "reported, and a week with missing days is compared per reported day."]
    if "rate" in kinds:
        lines.append("Shares are pooled over the days on which both counts were reported; "
                     "“likely between” is a 95% Wilson score interval"
                     + (", widened where nights vary more than chance allows "
                        "(over-dispersion)" if "over-dispersion" in method else "") + ".")
    if "p = " in method:
        lines.append("A change in a share is tested night by night (Newcombe interval for the "
                     "difference of two proportions); “within the noise” means p ≥ 0.05.")
    if kinds & {"record", "record_year", "record_low", "highest_since"}:
        lines.append("Weekly records compare complete weeks without a day the source flags "
                     "and under one definition; an incomplete week of a count that never "
                     "falls counts with its partial sum, a lower bound.")
    lines.append(f"No percentage change is given on a base under {MIN_PCT_BASE} (also in "
                 "facts.csv).")
    if "unusual_day" in kinds:
        lines.append("Unusual days: a count model (negative binomial) for whole counts, a "
                     "robust z-score otherwise; each day is judged on the days before it.")
    if any(len(f) and f["metric"].str.endswith("launched").any() for f in figures.values()):
        lines.append("Outcome shares of a single reported figure: 95% simultaneous "
                     "intervals (Goodman).")
    lines.append("Each sentence is a row of facts.csv, with its method and caveats.")
    return lines


def _nothing_to_report(table: pd.DataFrame, facts: pd.DataFrame) -> bool:
    """No series reported and no sentence: the command exits 1 and nothing is written."""
    n_series = int(table["reported"].sum()) if len(table) else 0
    return n_series == 0 and not facts["text"].notna().any()

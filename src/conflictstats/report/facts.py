"""Step 5: the facts of each series and rate, from library calls
(:func:`conflictstats.records`, :func:`conflictstats.rate`,
:func:`conflictstats.period_totals`) and :mod:`conflictstats._compare`."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import _compare
from .._periods import Span, parse_freq
from ..sources import SourceSpec
from .phrases import (
    _break_day,
    _completeness,
    _day,
    _day_short,
    _day_waves,
    _divergence_text,
    _few_of,
    _label,
    _left_out_text,
    _level_comparison,
    _missing_days,
    _month,
    _num,
    _one_day_step,
    _outcome_of,
    _pace,
    _pct,
    _pts,
    _sentence_case,
    _signed,
    _since_start,
    _spread_from,
    _window,
)
from .rules import (
    _DAY,
    FACT_COLUMNS,
    MIN_DAYS_PER_DAY_COMPARISON,
    MIN_PCT_BASE,
    MIN_RATE_BASE,
    MIN_SERIES_DAYS,
    MIN_WEEK_COUNT,
    MIN_YEAR_WEEKS,
    OUTCOMES,
    REPORT_CURRENCY,
    SINCE_MIN_DAYS,
    Progress,
)
from .series import _metric_label, _rule, _Series


def _fact(item: _Series, fact: str, end: pd.Timestamp, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(FACT_COLUMNS, None)
    row.update(dataset=item.dataset, series=item.key, metric=item.metric, group=item.group,
               fact=fact, week=end, unit=item.unit, source=item.source,
               synthetic=item.synthetic, caveats="")
    row.update(fields)
    return row


def _weekly_table(s: pd.Series, span: Span, kind: str, flagged: pd.DatetimeIndex,
                  comparable: pd.Series | None = None) -> pd.DataFrame:
    """Weekly totals and changes (:func:`period_change`) with a ``compare`` column: the
    total where the week is comparable (:mod:`conflictstats._compare`: complete, no
    flagged day, no correction, one definition), else NaN."""
    from ..trends import period_change

    t = period_change(s, freq=span.code, kind=kind)
    starts, ends = t["start"].to_numpy(), t["end"].to_numpy()
    bad = _compare.days_in_periods(flagged, starts, ends)
    t["flagged"] = bad
    # a negative day of a flow is a correction of a running total, not a loss count:
    # the week's positive increments and its corrections are kept apart
    corr = (_compare.corrections(s, starts, ends) if kind == "flow"
            else np.zeros(len(t)))
    t["correction"] = corr
    t["increments"] = t["total"] - corr
    mixed = np.zeros(len(t), dtype=bool)
    if comparable is not None:
        t["definition"] = comparable.reindex(t.index, method="ffill").to_numpy()
        mixed = _compare.periods_with_mixed_definitions(comparable, span, starts, ends)
    t["mixed"] = mixed
    t["compare"] = t["total"].where(t["complete"].to_numpy() & ~bad & (corr == 0) & ~mixed)
    return t


def _judged(item: _Series, span: Span, end: pd.Timestamp) -> pd.Series:
    """The series up to ``end`` as records see it: its ``attrs["flags"]`` name the days that
    make a period not comparable (:func:`conflictstats._compare.comparison_flags`)."""
    return _compare.for_comparison(item.daily.loc[:end], span=span,
                                   definitions=item.comparable, flagged=item.flagged)


def _pct_allowed(pct: float, base: float, kind: str = "flow") -> bool:
    """A percentage change is stated only on a base of at least :data:`MIN_PCT_BASE`, of a
    flow, and never as a fall of more than 100%."""
    return (not math.isnan(pct) and not math.isnan(base) and kind != "level"
            and abs(base) >= MIN_PCT_BASE and pct >= -100.0)


def _week_facts(item: _Series, span: Span, start: pd.Timestamp,
                end: pd.Timestamp) -> tuple[list[dict[str, Any]], pd.DataFrame | None]:
    """Facts of one daily series for the week: total, comparison, records, unusual days."""
    hist = item.daily.loc[:end]
    if item.kind == "share":
        return _share_facts(item, hist, end), None
    weeks = (_weekly_table(hist, span, item.kind, item.flagged, item.comparable)
             if hist.notna().any() else None)
    if weeks is None or end not in weeks.index or math.isnan(weeks.loc[end, "total"]):
        w = None if weeks is None or end not in weeks.index else weeks.loc[end]
        return [_no_reports(item, end, w)], weeks
    facts = [_total_fact(item, weeks, hist, start, end)]
    facts += _record_facts(item, weeks, span, end, float(facts[0]["value"]))
    if item.kind == "flow":
        facts += _day_facts(item, hist, start, end)
        facts += _wave_facts(item, start, end)
    return facts, weeks


def _share_facts(item: _Series, hist: pd.Series, end: pd.Timestamp) -> list[dict[str, Any]]:
    """A share is stated as reported, on its latest date."""
    latest = hist.dropna()
    if latest.empty:
        return []
    return [_fact(item, "latest", end, date=latest.index[-1], value=latest.iloc[-1],
                  method="as reported",
                  text=f"**{_sentence_case(item.key)}**: {_num(latest.iloc[-1], item.unit)} on "
                       f"{_day(latest.index[-1])}.")]


def _no_reports(item: _Series, end: pd.Timestamp, w: pd.Series | None) -> dict[str, Any]:
    """The week total of a week without a report."""
    if w is None:
        n_rep, n_days, completeness = 0, 7, "no reports"
    else:
        n_rep, n_days = int(w["n_reported"]), int(w["n_days"])
        completeness = _completeness(n_rep, n_days, item.kind)
    return _fact(item, "week_total", end, n_reported=n_rep, n_days=n_days, complete=False,
                 completeness=completeness,
                 text=f"**{_sentence_case(item.key)}**: no reports in the week.")


def _total_fact(item: _Series, weeks: pd.DataFrame, hist: pd.Series, start: pd.Timestamp,
                end: pd.Timestamp) -> dict[str, Any]:
    """The week's total and its comparison with the previous week."""
    w = weeks.loc[end]
    pos = weeks.index.get_loc(end)
    prev = weeks.iloc[pos - 1] if isinstance(pos, int) and pos > 0 else None
    head, total, caveats, method = _week_head(item, w, hist, start, end)
    cmp = _week_comparison(item, weeks, w, prev, total)
    pct = cmp["pct"] if _pct_allowed(cmp["pct"], cmp["prev_value"], item.kind) else math.nan
    n_rep, n_days = int(w["n_reported"]), int(w["n_days"])
    text = head + (f"; {cmp['comparison']}" if cmp["comparison"] else "") + "."
    if bool(w["flagged"]):
        text += " The source flags an artefact in this week."
    if bool(w.get("mixed", False)):
        text += (" The definition changes within this week"
                 + _break_day(item.comparable, start, end)
                 + ": the week mixes both definitions and is compared with no other week.")
    return _fact(
        item, "week_total", end, date=end, value=total, previous_value=cmp["prev_value"],
        previous_date=prev.name if prev is not None else pd.NaT, change=cmp["change"],
        pct_change=pct, comparison=cmp["comparison"],
        completeness=_completeness(n_rep, n_days, item.kind), n_reported=n_rep,
        n_days=n_days, complete=bool(w["complete"]), method=method + cmp["method"],
        caveats="; ".join(caveats + cmp["caveats"]), text=text)


def _week_head(item: _Series, w: pd.Series, hist: pd.Series, start: pd.Timestamp,
               end: pd.Timestamp) -> tuple[str, float, list[str], str]:
    """The sentence's first half ("**Drones launched**: 644 this week"), the total it
    states, its caveats and method."""
    kind, unit = item.kind, item.unit
    n_rep, n_days, complete = int(w["n_reported"]), int(w["n_days"]), bool(w["complete"])
    total = float(w["total"])
    name = f"**{_sentence_case(item.key)}**"
    caveats = (["the week holds a day the source flags as an artefact; it is not compared "
                "with other weeks"] if bool(w["flagged"]) else [])
    if kind == "level":
        method = "last reported level minus the last one before the week"
        if complete:
            word = "a gain of" if total > 0 else "a loss of" if total < 0 else "no change:"
            head = (f"{name}: {word} {_num(abs(total), unit)} this week "
                    f"({_signed(total, unit)})" if total else f"{name}: no change this week")
            return head + _one_day_step(hist, start, end, total, unit), total, caveats, method
        known = hist.dropna()
        e_day = known.loc[:end].index[-1]
        b_day = known.loc[:start - _DAY].index[-1]
        return (f"{name}: {_signed(total, unit)} between the levels reported on "
                f"{_day(b_day)} and {_day(e_day)} (the week is incomplete: "
                f"{n_rep} of {n_days} days with a reported level)"), total, caveats, method
    if bool(w.get("partial_report", False)):
        reports, n_shared = _spread_from(item.daily.attrs.get("spans"), start, end)
        plural = "reports" if " and " in reports else "a report"
        part = "" if n_shared >= n_days else f"{n_shared} of its {n_days} days "
        return (f"{name}: {_num(total, unit)} this week, {part}spread evenly from {plural} "
                f"covering {reports} (not a weekly measurement)"), total, caveats, \
            "sum of the daily values"
    corrected = kind == "flow" and float(w.get("correction", 0.0)) != 0.0
    shown = float(w["increments"]) if corrected else total
    head = (f"{name}: {_num(shown, unit)} this week" if complete else
            f"{name}: {_num(shown, unit)} on the {n_rep} of {n_days} days with a "
            "report" + _missing_days(hist, start, end, n_days - n_rep))
    if not corrected:
        return head, total, caveats, "sum of the daily values"
    days = hist.loc[start:end]
    parts = [f"{_signed(float(v), unit)} on {_day_short(d)}"
             for d, v in days.loc[days < 0].items()]
    head += (", and a correction of the running total of " if len(parts) == 1
             else ", and corrections of the running total of ") + " and ".join(parts)
    caveats.append("the week holds a correction (a fall of the running total); the total is "
                   "the positive increments, the correction is stated apart and the week is "
                   "not compared")
    return head, shown, caveats, "sum of the positive daily increments; corrections stated apart"


def _week_comparison(item: _Series, weeks: pd.DataFrame, w: pd.Series, prev: pd.Series | None,
                     total: float) -> dict[str, Any]:
    """The comparison with the previous week, or why there is none (:mod:`._compare`'s
    reasons: a spread report, a correction, a definition change, an incomplete week)."""
    out: dict[str, Any] = {"comparison": "", "change": math.nan, "pct": math.nan,
                           "prev_value": math.nan, "caveats": [], "method": ""}
    if prev is None:
        return out
    kind = item.kind
    out["prev_value"] = float(prev["total"])
    mixed, prev_mixed = bool(w.get("mixed", False)), bool(prev.get("mixed", False))
    corrected = kind == "flow" and float(w.get("correction", 0.0)) != 0.0
    if kind != "level" and (bool(w.get("partial_report", False))
                            or bool(prev.get("partial_report", False))):
        out["comparison"] = ("not compared with the previous week"
                             if bool(w.get("partial_report", False)) else
                             "not compared with the previous week (its total is spread from "
                             "a report covering more than the week)")
    elif corrected or float(prev.get("correction", 0.0)) != 0.0:
        out["comparison"] = ("not compared with the previous week ("
                             + ("this week holds" if corrected else "the previous week holds")
                             + " a correction of the running total)")
    elif mixed or prev_mixed or ("definition" in weeks
                                 and prev.get("definition") != w.get("definition")):
        why = ("within this week" if mixed else "within the previous week" if prev_mixed
               else "between the two weeks")
        out["comparison"] = f"not compared with the previous week (the definition changes {why})"
        out["caveats"] = [f"the definition changes {why}"]
    elif not math.isnan(out["prev_value"]):
        out.update(_compare_weeks(item, w, prev, total))
    return out


def _compare_weeks(item: _Series, w: pd.Series, prev: pd.Series,
                   total: float) -> dict[str, Any]:
    """Two comparable weeks: the change, or the change per reported day when a week is
    incomplete, or why they are not compared."""
    kind, unit = item.kind, item.unit
    prev_value = float(prev["total"])
    n_rep, complete = int(w["n_reported"]), bool(w["complete"])
    if complete and bool(prev["complete"]):
        change = float(w["change"])
        pct = float(w["pct_change"])
        if abs(change) <= 1e-9 * max(abs(prev_value), 1.0):
            text = f"the same as the previous week ({_num(prev_value, unit)})"
        elif kind == "level":
            text = _level_comparison(total, prev_value, unit)
        elif not _pct_allowed(pct, prev_value, kind) and not math.isnan(pct):
            # no percentage on a small base, and never a fall of more than 100%
            text = (f"{'up' if change > 0 else 'down'} from {_num(prev_value, unit)} in the "
                    f"previous week to {_num(total, unit)}")
        else:
            pct_text = f", {abs(pct):.1f}%" if _pct_allowed(pct, prev_value, kind) else ""
            text = (f"{'up' if change > 0 else 'down'} {_num(abs(change), unit)}{pct_text} on "
                    f"the previous week ({_num(prev_value, unit)})")
        return {"comparison": text, "change": change, "pct": pct}
    if (kind != "level" and n_rep >= MIN_DAYS_PER_DAY_COMPARISON
            and int(prev["n_reported"]) >= MIN_DAYS_PER_DAY_COMPARISON
            and not math.isnan(w["pace_pct_change"])):
        pp = float(w["pace_pct_change"])
        which = ("both weeks are" if not complete and not bool(prev["complete"]) else
                 "this week is" if not complete else "the previous week is")
        return {"comparison": f"{_pace(w['pace'], unit)} a reported day against "
                              f"{_pace(prev['pace'], unit)} in the previous week "
                              f"({int(prev['n_reported'])} of {int(prev['n_days'])} days with "
                              f"a report), {'up' if pp > 0 else 'down'} {abs(pp):.1f}%; "
                              f"compared per reported day because {which} incomplete",
                "method": "; compared per reported day"}
    if kind != "level":
        return {"comparison": "not compared with the previous week (a week with fewer than "
                              f"{MIN_DAYS_PER_DAY_COMPARISON} days with a report)"}
    return {"comparison": "not compared with the previous week (a week is incomplete)"}


def _record_facts(item: _Series, weeks: pd.DataFrame, span: Span, end: pd.Timestamp,
                  total: float) -> list[dict[str, Any]]:
    """Weekly records and "highest since", among comparable weeks (:mod:`._compare`):
    :func:`conflictstats.records` on the series flagged for comparison; an incomplete week
    of a never-negative flow still counts with its partial sum, a lower bound."""
    from ..records import highest_since, records

    kind, unit = item.kind, item.unit
    what = "weekly gain" if kind == "level" else "weekly total"
    judged = _judged(item, span, end)
    values = _compare.ranked_values(judged, freq=span.code, kind=kind)
    at_least = ~weeks["complete"].to_numpy(bool)
    if not (values.notna().sum() >= 3 and weeks["complete"].get(end, False)
            and not math.isnan(weeks["compare"].get(end, math.nan))):
        return []

    def prev_text(value: float, date: Any) -> str:
        if bool(at_least[weeks.index.get_loc(date)]):
            return (f"the {_num(value, unit)} or more of the week to {_day(date)} (not every "
                    "day reported)")
        return f"{_num(value, unit)} in the week to {_day(date)}"

    out: list[dict[str, Any]] = []
    for scope in ("all", "year"):
        rec = records(judged, freq=span.code, scope=scope, kind=kind)
        hit = rec.loc[(rec["date"] == end)
                      & (rec["n_compared"] >= (1 if scope == "all" else MIN_YEAR_WEEKS))]
        if len(hit):
            r = hit.iloc[0]
            where = (f"the largest {what} " + _since_start(item.daily.first_valid_index(), end)
                     if scope == "all" else f"the largest {what} of {end.year}")
            out.append(_fact(
                item, "record" if scope == "all" else "record_year", end, date=end,
                value=float(r["value"]), previous_value=float(r["previous_value"]),
                previous_date=r["previous_date"], method="records among complete weeks",
                comparison="previous record " + prev_text(r["previous_value"],
                                                          r["previous_date"]),
                text=f"That is {where}: {_num(r['value'], unit)}, above "
                     f"{prev_text(r['previous_value'], r['previous_date'])}."))
            if scope == "all":
                return out  # an all-time record says more than "highest since"
            break
    since = highest_since(values.dropna()).get(end, pd.NaT)
    if pd.notna(since) and (end - since).days > SINCE_MIN_DAYS:
        prev_v = float(values.loc[since])
        out.append(_fact(
            item, "highest_since", end, date=end, value=total, previous_value=prev_v,
            previous_date=since, method="highest since, among complete weeks without "
                                        "flagged days",
            caveats="flagged weeks left out" if len(item.flagged) else "",
            text=f"The highest {what} since the week to {_day(since)} "
                 f"({'at least ' if at_least[weeks.index.get_loc(since)] else ''}"
                 f"{_num(prev_v, unit)})."))
    return out


def _wave_facts(item: _Series, start: pd.Timestamp, end: pd.Timestamp) -> list[dict[str, Any]]:
    """The week's largest attack (one reported wave), compared with earlier waves: a record,
    the largest since (more than :data:`SINCE_MIN_DAYS` before), or, when the week's highest
    day holds several waves, the week's largest wave beside the largest on record."""
    from ..records import highest_since, records

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
    from ..anomalies import anomalies
    from ..records import records

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
            method=("count model (negative binomial, causal)" if counts
                    else "robust z-score (causal)"),
            comparison=f"expected {_num(a['expected'], unit)} from the previous weeks",
            text=f"Unusual day for {item.key}: {_num(a['value'], unit)} {item.on(d)}, against "
                 "an expected "
                 f"{_num(a['expected'], unit)} from the previous weeks."))
    return facts


def _month_facts(item: _Series, end: pd.Timestamp) -> tuple[list[dict[str, Any]], None]:
    """A metric reported by month: the latest complete month up to the week's end."""
    from ..records import records
    from ..trends import period_change

    s, unit = item.daily, item.unit
    months = period_change(s.loc[:end], freq="ME", kind=item.kind)
    done = months.loc[months["complete"]]
    name = f"**{_sentence_case(item.key)}** (reported by month)"
    if done.empty:
        return [_fact(item, "month_total", end, text=f"{name}: no complete month yet.")], None
    last = done.iloc[-1]
    month = _month(last.name)
    text = f"{name}: {_num(last['total'], unit)} in {month}, the latest complete month"
    prev = months.loc[:last.name].iloc[:-1]
    comparison = ""
    if len(prev) and bool(prev["complete"].iloc[-1]):
        p = prev.iloc[-1]
        change = float(last["change"])
        direction = "up" if change > 0 else "down"
        comparison = (f"{direction} {_num(abs(change), unit)} on "
                      f"{_month(p.name, year=False)} ({_num(p['total'], unit)})")
        text += ", " + comparison
    facts = [_fact(item, "month_total", end, date=last.name, value=float(last["total"]),
                   change=last["change"],
                   pct_change=(last["pct_change"] if len(prev) and _pct_allowed(
                       float(last["pct_change"]), float(prev["total"].iloc[-1]))
                               else math.nan), comparison=comparison,
                   completeness="complete month", complete=True, n_days=int(last["n_days"]),
                   n_reported=int(last["n_reported"]), method="sum of the monthly figures",
                   caveats=(f"amounts in other currencies converted to {REPORT_CURRENCY} at "
                            "the ECB reference rate of each report's last day"
                            if item.converted else ""),
                   text=text + ".")]
    rec = records(_judged(item, parse_freq("ME"), last.name), freq="ME", scope="all",
                  kind=item.kind)
    hit = rec.loc[(rec["date"] == last.name) & (rec["n_compared"] > 0)]
    if len(hit):
        r = hit.iloc[0]
        facts.append(_fact(item, "record", end, date=last.name, value=float(r["value"]),
                           previous_value=float(r["previous_value"]),
                           previous_date=r["previous_date"], method="records among months",
                           text=f"A monthly record: {_num(r['value'], unit)} in {month}, "
                                f"above {_num(r['previous_value'], unit)} "
                                f"in {_month(r['previous_date'])}."))
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


def _rate_weeks(part: _Series, base: _Series, span: Span,
                end: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The weekly pooled shares (:func:`conflictstats.rate`) with the base's weekly table
    (:func:`_weekly_table`), and which weeks are ``usable`` for records: complete (every day
    with both counts), no flagged day, one definition throughout, enough trials."""
    from ..rates import rate

    x, n = part.daily.loc[:end], base.daily.loc[:end]
    if x.notna().sum() == 0:
        return None
    weeks: pd.DataFrame = rate(x, n, freq=span.code)  # type: ignore[assignment]
    if end not in weeks.index:
        return None
    # the outcome's definition decides (destroyed changes; launched does not)
    comparable = part.comparable if part.comparable is not None else base.comparable
    tmp = _weekly_table(n, span, "flow", part.flagged.union(base.flagged), comparable)
    weeks["definition"] = tmp["definition"].reindex(weeks.index) if "definition" in tmp \
        else ""
    weeks["mixed"] = tmp["mixed"].reindex(weeks.index).fillna(False).astype(bool)
    weeks["usable"] = ((weeks["denominator"] >= MIN_RATE_BASE)
                       & weeks["complete"].fillna(False).astype(bool)
                       & ~weeks["mixed"]
                       & ~tmp["flagged"].reindex(weeks.index).fillna(False).astype(bool))
    return weeks, tmp


def _rate_facts(part: _Series, base: _Series, span: Span, end: pd.Timestamp,
                base_total: dict[str, Any] | None) -> tuple[list[dict[str, Any]],
                                                            pd.DataFrame | None]:
    """The week's pooled share, its comparison, and a record high or low."""
    found = _rate_weeks(part, base, span, end)
    if found is None:
        return [], None
    weeks, tmp = found
    w = weeks.loc[end]
    key = f"{part.key} / {_outcome_of(base)}"
    pseudo = dataclasses.replace(part, key=key, metric=f"{part.metric}/{base.metric}",
                                 unit="share")
    if not w["denominator"] > 0:  # also NaN: no day with both counts
        return [], weeks
    if (weeks.loc[:end, "numerator"] > weeks.loc[:end, "denominator"]).loc[end]:
        return [_fact(pseudo, "rate", end, text=f"{_sentence_case(part.key)} exceed "
                      f"{base.key} in the week: no rate reported.")], weeks
    both_days = int(w["n_reported"])
    base_days = int(base_total["n_reported"]) if base_total else both_days
    on = "" if both_days == base_days else f" on the {both_days} days with both counts"
    pos0 = weeks.index.get_loc(end)
    earlier = weeks["numerator"].iloc[pos0 - 1] if isinstance(pos0, int) and pos0 > 0 else 0.0
    counts = dict(date=end, numerator=float(w["numerator"]),
                  denominator=float(w["denominator"]), n_reported=both_days,
                  n_days=int(w["n_days"]), complete=bool(w["complete"]),
                  completeness=f"{both_days} of {int(w['n_days'])} days with both counts")
    if w["denominator"] < MIN_RATE_BASE or (w["numerator"] == 0 and not earlier > 0):
        # too few for a share, or none this week and the last: the counts, in words
        return [_fact(pseudo, "rate", end, **counts,
                      method=("counts only: fewer than "
                              f"{MIN_RATE_BASE} {_label(base.metric)} for a share"
                              if w["denominator"] < MIN_RATE_BASE else "counts only"),
                      text=f"**{_sentence_case(key)}**: "
                           + _few_of(part.key, base.key, float(w["numerator"]),
                                     float(w["denominator"]), on) + ".")], weeks
    phi = float(next(iter(weeks.attrs.get("dispersion", {}).values()), 1.0))
    interval = ("95% Wilson interval" if weeks.attrs.get("variance_model", "binomial")
                == "binomial" or phi <= 1.0 else
                f"95% Wilson interval, widened {math.sqrt(phi):.2f}× for over-dispersion "
                "between nights")
    text = (f"**{_sentence_case(key)}**: {_pct(w['rate'])} this week "
            f"({w['numerator']:,.0f} of {w['denominator']:,.0f}{on}; likely between "
            f"{_pct(w['lower'])} and {_pct(w['upper'])})")
    comparison, tested = _share_comparison(part, base, weeks, tmp, end)
    text += "".join(f"; {c}" for c in comparison)
    if bool(w["mixed"]):
        text += (f". The definition of {part.key} changes within this week"
                 + _break_day(part.comparable if part.comparable is not None
                              else base.comparable, pd.Timestamp(w["start"]), end)
                 + ": the week mixes both definitions")
    caveat = ""
    if "definition" in weeks and len(pd.unique(weeks["definition"].dropna())) > 1:
        caveat = (f"the definition of {_label(part.metric)} changes in the data; weeks are "
                  "compared only within one definition")
    facts = [_fact(pseudo, "rate", end, **counts, value=float(w["rate"]),
                   lower=float(w["lower"]), upper=float(w["upper"]),
                   comparison=comparison[-1] if comparison else "",
                   method=f"pooled over the week's days with both counts; {interval}" + tested,
                   caveats=caveat, text=text + ".")]
    return facts + _share_records(part, base, pseudo, weeks, end, caveat), weeks


def _share_comparison(part: _Series, base: _Series, weeks: pd.DataFrame, tmp: pd.DataFrame,
                      end: pd.Timestamp) -> tuple[list[str], str]:
    """The comparison with the previous week's share (night by night, so that
    over-dispersion between nights is allowed for), and the test for ``method``."""
    from ..rates import compare_periods

    pos = weeks.index.get_loc(end)
    if not isinstance(pos, int) or pos == 0:
        return [], ""
    w, p = weeks.loc[end], weeks.iloc[pos - 1]
    out: list[str] = []
    same_def = (p.get("definition") == w.get("definition") and not bool(w["mixed"])
                and not bool(p["mixed"]))
    if not same_def:
        out.append("not compared with the previous week (the definition of "
                   f"{part.key} changes "
                   + ("within this week" if bool(w["mixed"]) else
                      "within the previous week" if bool(p["mixed"]) else
                      "between the two weeks") + ")")
    if not (p["denominator"] >= MIN_RATE_BASE and same_def):
        return out, ""
    x, n = part.daily.loc[:end], base.daily.loc[:end]
    c = compare_periods(x, n, first=(w["start"], w["end"]), second=(p["start"], p["end"]))
    if not np.isfinite(c.p_value):
        return out, ""
    verdict = ("more than the noise of week-to-week reporting" if c.p_value < 0.05
               else "within the noise of week-to-week reporting")
    p_days = int(p["n_reported"])
    p_base = int(tmp["n_reported"].get(p.name, p_days))
    p_on = "" if p_days == p_base else f" on the {p_days} days with both counts"
    out.append(f"previous week {_pct(p['rate'])} ({p['numerator']:,.0f} of "
               f"{p['denominator']:,.0f}{p_on}), a change of {_pts(c.difference)} points "
               f"(likely between {_pts(c.difference_lower)} and "
               f"{_pts(c.difference_upper)}), {verdict}")
    return out, (f"; change on the previous week: difference of the pooled shares "
                 f"({c.method} interval, night by night), p = {c.p_value:.2g}")


def _share_records(part: _Series, base: _Series, pseudo: _Series, weeks: pd.DataFrame,
                   end: pd.Timestamp, caveat: str) -> list[dict[str, Any]]:
    """A record high or low of the weekly share, among weeks with enough trials and the
    same definition, and whether its margin is within the noise."""
    from ..records import records

    x, n = part.daily.loc[:end], base.daily.loc[:end]
    w = weeks.loc[end]
    usable = weeks.loc[:end]
    usable = usable.loc[usable["usable"].to_numpy(bool)
                        & (usable["definition"] == w["definition"]).to_numpy(bool)]
    vals = usable["rate"].dropna()
    began = _since_start(pd.Timestamp(x.first_valid_index()), end)
    if not (len(vals) >= 4 and end in vals.index):
        return []
    facts = []
    for direction, word in (("min", "lowest"), ("max", "highest")):
        rec = records(vals, direction=direction)
        hit = rec.loc[(rec["date"] == end) & (rec["n_compared"] > 0)]
        if not len(hit):
            continue
        r = hit.iloc[0]
        noise, tested = _record_margin(x, n, weeks, end, r["previous_date"])
        first = (f", from the week to {_day(usable.index[0])}, the first whole week under "
                 f"the current definition of {part.key}"
                 if caveat and usable.index[0] > weeks.index[0] else "")
        facts.append(_fact(
            pseudo, "record_low" if direction == "min" else "record", end, date=end,
            value=float(r["value"]), previous_value=float(r["previous_value"]),
            previous_date=r["previous_date"],
            method=f"records among weeks with at least {MIN_RATE_BASE} "
                   f"{_label(base.metric)}" + (" under one definition" if caveat else "")
                   + tested,
            caveats=caveat,
            text=f"That is the {word} weekly share {began}{noise} (complete weeks with at "
                 f"least {MIN_RATE_BASE} {base.key}{first}): the previous {word} was "
                 f"{_pct(r['previous_value'])}, in the week to {_day(r['previous_date'])}."))
    return facts


def _record_margin(x: pd.Series, n: pd.Series, weeks: pd.DataFrame, end: pd.Timestamp,
                   prev_date: Any) -> tuple[str, str]:
    """(", by a margin within the noise", "; margin over the previous record: p = 0.91")
    when the week's share does not differ significantly from the record it broke
    (:func:`conflictstats.rates.compare_periods`, night by night); ("", ...) otherwise."""
    from ..rates import compare_periods

    w, p = weeks.loc[end], weeks.loc[pd.Timestamp(prev_date)]
    c = compare_periods(x, n, first=(w["start"], w["end"]), second=(p["start"], p["end"]))
    if not np.isfinite(c.p_value):
        return "", ""
    tested = f"; margin over the previous record ({c.method} interval): p = {c.p_value:.2g}"
    return ("" if c.p_value < 0.05 else ", by a margin within the noise"), tested


def _sparse(facts: list[dict[str, Any]], item: _Series) -> str | None:
    """Why a series carries no sentence (the stated rule), or None."""
    total = next((f for f in facts if f["fact"] == "week_total"), None)
    if total is None or total.get("value") is None or (
            isinstance(total["value"], float) and math.isnan(total["value"])):
        return "no report in the week"
    if item.unit == "count" and item.kind == "flow" and abs(total["value"]) < MIN_WEEK_COUNT:
        return f"fewer than {MIN_WEEK_COUNT} in the week"
    return None


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
            if any(f.get("text") for f in rf):  # its counts are stated in the rate line
                left_out[name] = [(i, w) for i, w in left_out.get(name, []) if i is not part]
            key = f"{name}|rate|{base.key}"
            label = _metric_label(_rule(decls.get(name)), part.metric)
            if rt is not None and rf and key not in tables:
                tables[key] = (rt, rf[0]["series"], label, part.comparable)

    facts: list[dict[str, Any]] = []
    for name in dict.fromkeys(i.dataset for i in analysed):
        facts.extend(_in_order([i for i in analysed if i.dataset == name],
                               decls.get(name), own_facts, rate_facts, reported))
        if left_out.get(name):
            item = next(i for i in analysed if i.dataset == name)
            facts.append(_fact(
                item, "left_out", end, series="", metric="", group="",
                method=f"sparseness rule: a count series under {MIN_WEEK_COUNT} in the week, "
                       "or without a report in it",
                text="Left out: " + _left_out_text(left_out[name], analysed) + "."))
    _mixed_caveats(analysed, totals, reported)
    return facts, tables, rows


def _divergence_facts(items: list[_Series], span: Span, end: pd.Timestamp,
                      say: Progress) -> list[dict[str, Any]]:
    """Two sources of one metric (the same metric, group, unit and kind in two datasets):
    a sentence when their week lies outside the band their weekly ratio usually keeps
    (:func:`conflictstats.reconcile`)."""
    from ..reconcile import reconcile

    out: list[dict[str, Any]] = []
    daily = [i for i in items if not i.monthly and i.kind in ("flow", "level")]
    for k, a in enumerate(daily):
        for b in daily[k + 1:]:
            if (a.dataset == b.dataset or (a.metric, a.group, a.unit, a.kind)
                    != (b.metric, b.group, b.unit, b.kind)):
                continue
            say(f"reconciling {a.key}: {a.dataset} and {b.dataset}")
            try:
                r = reconcile(a.daily.rename(a.dataset), b.daily.rename(b.dataset),
                              freq=span.code, kind=a.kind, n_boot=50)
            except ValueError:
                continue  # too little common ground: nothing to say
            week = r.table.loc[end] if end in r.table.index else None
            if week is None or not bool(week["outside_band"]):
                continue
            out.append(_fact(
                a, "divergence", end, value=float(week["ratio"]), lower=r.band_lower,
                upper=r.band_upper, comparison=f"{b.dataset} against {a.dataset}",
                method="reconcile: the week's ratio against the 10th-90th percentile of "
                       "the weekly ratios of weeks complete in both",
                text=_divergence_text(a.key, a.dataset, b.dataset, float(week["ratio"]),
                                      r.band_lower, r.band_upper)))
    return out


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

"""Check a claim such as "a weekly record for 2024" and say why.

:func:`check_claim` takes a series, a claim ("record", "highest since DATE",
"largest in N days") and the date it is about, and returns a verdict with the
evidence: the value, the previous record and its date, the rank, the "since"
date, and how the verdict changes under the other reasonable definitions of
the window (a Monday-Sunday week versus the rolling 7 days ending that day or
the day before; a calendar month versus the last 30 days).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
import pandas as pd

from . import _periods
from ._compare import bounded_below, flag_mask, flag_windows
from ._compare import floor as bound_floor
from ._kinds import recorded_kind, recorded_spans, resolve_kind
from ._validate import as_series, as_timestamp, calendar_frequency, check_choice, check_int
from .errors import InputError
from .records import _aggregate, _finite
from .results import ClaimCheck

__all__ = ["CLAIMS", "check_claim"]

#: The claims understood, after normalisation.
CLAIMS: tuple[str, ...] = (
    "record", "highest since", "lowest since", "largest in", "smallest in",
)

_MAX_WORDS = r"highest|largest|most|biggest|fastest|greatest"
_MIN_WORDS = r"lowest|smallest|fewest|least|slowest"


def _parse_claim(claim: str) -> dict[str, Any]:
    """Normalise a claim phrase: kind of claim, direction and any parameters it names."""
    text = " ".join(str(claim).lower().split())
    found: dict[str, Any] = {}
    if text.startswith("weekly ") or " weekly " in f" {text} ":
        found["freq"] = "W-SUN"
    elif text.startswith("monthly ") or " monthly " in f" {text} ":
        found["freq"] = "ME"
    m = re.search(rf"\b({_MAX_WORDS}|{_MIN_WORDS})\s+since\s+(.+)$", text)
    if m:
        found["claim"] = "highest since"
        found["direction"] = "min" if re.fullmatch(_MIN_WORDS, m.group(1)) else "max"
        found["since"] = m.group(2).strip()
        return found
    m = re.search(rf"\b({_MAX_WORDS}|{_MIN_WORDS})\s+in\s+(\d+)\s+days?$", text)
    if m:
        found["claim"] = "largest in"
        found["direction"] = "min" if re.fullmatch(_MIN_WORDS, m.group(1)) else "max"
        found["days"] = int(m.group(2))
        return found
    if "record" in text or re.search(r"\bever\b", text):
        found["claim"] = "record"
        found["direction"] = "min" if re.search(rf"\b({_MIN_WORDS})\b", text) else "max"
        y = re.search(r"\b(?:for|of|in)\s+(\d{4})\b", text)
        if y:
            found["scope"] = "year"
            found["year"] = int(y.group(1))
        return found
    raise InputError(
        "claim must be 'record' (optionally 'weekly record for 2024', 'largest ever'), "
        "'highest since <date>', 'lowest since <date>', 'largest in <N> days' or "
        f"'smallest in <N> days'; got {claim!r}"
    )


def _since_end(since: Any) -> pd.Timestamp:
    """Last day of the period a "since" names: '2022' -> 2022-12-31, '2022-07' -> 2022-07-31."""
    if isinstance(since, str):
        s = since.strip()
        if re.fullmatch(r"\d{4}", s):
            return pd.Timestamp(f"{s}-12-31")
        if re.fullmatch(r"\d{4}-\d{2}", s):
            return pd.Timestamp(f"{s}-01") + pd.offsets.MonthEnd(0)
    return as_timestamp(since, name="since").normalize()


def _definitions(span: _periods.Span | None, date: pd.Timestamp,
                 ties: str) -> list[dict[str, Any]]:
    """The definition asked for first, then the other reasonable ones."""
    day = pd.Timedelta(days=1)
    week, month = _periods.parse_freq("W-SUN"), _periods.parse_freq("ME")
    if span is None:
        other = "weak" if ties == "strict" else "strict"
        return [{"span": None, "date": date, "ties": ties},
                {"span": None, "date": date, "ties": other}]
    if not span.rolling:
        end = span.end_of(date)
        first = {"span": span, "date": end, "ties": ties}
        if span.code.startswith("W-"):
            seven = _periods.parse_window(7)
            return [first, {"span": seven, "date": end, "ties": ties},
                    {"span": seven, "date": end - day, "ties": ties}]
        if span.code == "ME":
            thirty = _periods.parse_window(30)
            return [first, {"span": thirty, "date": end, "ties": ties},
                    {"span": thirty, "date": end - day, "ties": ties}]
        return [first]
    first = {"span": span, "date": date, "ties": ties}
    before = {"span": span, "date": date - day, "ties": ties}
    if span.days == 7:  # the last complete Monday-Sunday week ending on or before the date
        return [first, before, {"span": week, "date": pd.offsets.Week(weekday=6).rollback(date),
                                "ties": ties}]
    if span.days is not None and 28 <= span.days <= 31:
        return [first, before, {"span": month, "date": pd.offsets.MonthEnd().rollback(date),
                                "ties": ties}]
    return [first, before]


def _label(span: _periods.Span | None) -> str:
    return "daily" if span is None else span.label


def _bounds(span: _periods.Span | None, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the window (or single day) labelled ``end``."""
    return (end, end) if span is None else span.bounds(end)


def _first_start(span: _periods.Span | None, first_end: pd.Timestamp) -> pd.Timestamp:
    """First day of the earliest window that ends on or after ``first_end``."""
    return first_end if span is None else span.bounds(first_end)[0]


def _scope_range(scope: str, year: int | None, month: int | None
                 ) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if scope == "year" and year is not None:
        return pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year, month=12, day=31)
    if scope == "month" and year is not None and month is not None:
        first = pd.Timestamp(year=year, month=month, day=1)
        return first, first + pd.offsets.MonthEnd(0)
    return None


def _evaluate(s: pd.Series, *, kind: str, incomplete: str, definition: dict[str, Any],
              claim: str, direction: str, scope: str, since_end: pd.Timestamp | None,
              days: int | None, period: tuple[pd.Timestamp, pd.Timestamp] | None,
              coverage: tuple[pd.Timestamp, pd.Timestamp], mask: np.ndarray | None,
              flags: str, reasons: pd.Series,
              spans: list[np.ndarray | None] | None = None) -> dict[str, Any]:
    span = definition["span"]
    date = pd.Timestamp(definition["date"])
    w_start, w_end = _bounds(span, date)
    row: dict[str, Any] = {
        "definition": f"{_label(span)} ending {_day(date)}"
        + ("" if definition["ties"] == "strict" else ", ties count"),
        "window": "daily" if span is None else span.code,
        "ties": definition["ties"], "date": date, "start": w_start, "value": np.nan,
        "previous_value": np.nan, "previous_date": pd.NaT, "previous_complete": True,
        "rank": 0,
        "n_compared": 0, "n_unknown": 0, "n_flagged": 0, "since": pd.NaT,
        "complete": False, "flagged": False, "holds": pd.NA, "status": "undetermined",
        "reason": "", "flag_reasons": "",
    }
    first, last = coverage
    level_base = pd.Timedelta(days=1) if (span is not None and kind == "level") else pd.Timedelta(0)
    if pd.isna(first):
        row["reason"] = "the series has no values"
        return row
    outside = (w_end > last or w_start - level_base < first) if incomplete == "exclude" else (
        w_end < first or w_start > last)  # "include": a window overlapping the data is used
    if outside:
        what = (f"the date {_day(date)} is" if span is None else
                f"the window {_range(w_start, w_end)} ({_label(span)}) reaches")
        row["reason"] = f"{what} outside the data ({_range(first, last)})"
        return row
    table = _aggregate(s.to_frame(), span, [kind], "include", spans=spans)
    total = table.total[:, 0]
    values = (total.copy() if incomplete == "include" or span is None
              else np.where(table.complete[:, 0], total, np.nan))
    idx = pd.DatetimeIndex(table.end)
    flagged = (np.zeros(len(idx), dtype=bool) if mask is None
               else flag_windows(mask, pd.DatetimeIndex(s.index), span)[:, 0])
    pos = int(idx.searchsorted(date))
    if pos >= len(idx) or idx[pos] != date:
        row["reason"] = f"no window ({_label(span)}) ends on {_day(date)} in the data"
        return row
    row["complete"] = bool(table.complete[pos, 0])
    row["flagged"] = bool(flagged[pos])
    row["value"] = values[pos]
    if np.isnan(values[pos]):
        # the value itself is unknown: filling its days could make the claim hold or fail
        row["_possible"] = {"holds", "fails", "undetermined"}
        if span is None:
            row["reason"] = f"the value on {_day(date)} is missing"
        else:
            n_rep, n_days = int(table.n_reported[pos, 0]), int(table.n_days[pos])
            spread = table.partial is not None and bool(table.partial[pos, 0])
            what = ("its total is in part an even share of a report spread over days "
                    "outside it" if spread else
                    f"{n_rep} of {n_days} days reported" if kind != "level"
                    else "a level is missing at one of its ends")
            row["reason"] = (f"the window {_range(w_start, w_end)} ({_label(span)}) is "
                             f"incomplete ({what})")
        return row
    if flagged[pos] and flags == "exclude":
        why = _reasons_between(reasons, w_start, w_end)
        row["reason"] = (f"the window {_range(w_start, w_end)} ({_label(span)}) holds a "
                         f"flagged day ({why}); pass flags='include' to use it")
        row["flag_reasons"] = why
        return row
    sign = 1.0 if direction == "max" else -1.0
    strict = definition["ties"] == "strict"
    ar = np.arange(len(idx))
    earlier = ar < pos
    # the first window of the comparison set and the day it needs data from
    need_end: pd.Timestamp | None
    if claim == "record":
        if period is not None:
            earlier &= np.asarray((idx >= period[0]) & (idx <= period[1]))
            need_end = period[0]
        else:
            need_end = None
    elif claim == "highest since":
        assert since_end is not None
        earlier &= np.asarray(idx > since_end)
        need_end = since_end + pd.Timedelta(days=1)
    else:  # largest in N days: the windows ending in the N days up to the date
        lo = date - pd.Timedelta(days=int(days or 0))
        earlier &= np.asarray(idx > lo)
        need_end = lo + pd.Timedelta(days=1)
    out_flag = earlier & flagged if flags == "exclude" else np.zeros(len(idx), dtype=bool)
    earlier &= ~out_flag
    # each window of the comparison set as an interval [y_lo, y_hi] of y = sign * value:
    # a known value is a point; an unknown one is anything its kind allows (a flow that is
    # never negative totals at least its reported days, unless a report is spread into
    # it; a level, or a series with negative values, can be anything)
    known = ~np.isnan(values)
    usable = bool(bounded_below(s.to_numpy(dtype="float64")[:, None], [kind])[0])
    cut = (np.zeros(len(idx), dtype=bool) if table.partial is None
           else table.partial[:, 0])
    floor = bound_floor(total, cut, usable)
    y_lo = np.where(known, sign * values, -np.inf)
    y_hi = np.where(known, sign * values, np.inf)
    if direction == "max":
        y_lo = np.where(known, y_lo, floor)
    else:
        y_hi = np.where(known, y_hi, -floor)
    starts = pd.DatetimeIndex(table.start)
    if span is not None and incomplete == "exclude":
        # a window reaching before the data is outside "since the data begin": its days
        # before the data are not compared; only what its days in the data add up to
        # bounds it from below (a claim of a maximum fails against it), and only when
        # those days are all known is that bound all there is
        edge = np.asarray(starts - level_base < first) & ~known
        in_data = np.asarray((idx - starts.where(starts >= first, first))
                             / pd.Timedelta(days=1)) + 1
        full = table.n_reported[:, 0] == in_data
        if direction == "max" and usable:
            y_hi = np.where(edge & full & ~cut, y_lo, y_hi)
        else:
            earlier &= ~edge
    x = sign * values[pos]
    unknown = earlier & ~known & ~(y_hi == y_lo)
    # the values and partial sums to beat (a floor of 0 with no day known is no evidence)
    evidence = earlier & np.isfinite(y_lo) & (known | ~np.isnan(total))
    ev = np.flatnonzero(evidence)
    row["n_flagged"] = int(np.count_nonzero(out_flag))
    row["n_unknown"] = int(np.count_nonzero(unknown))
    if row["n_flagged"]:
        fl = np.flatnonzero(out_flag)
        row["flag_reasons"] = _reasons_between(
            reasons, _bounds(span, idx[fl[0]])[0], idx[fl[-1]])
    row["n_compared"] = len(ev)
    if len(ev):
        best = ev[np.argmax(y_lo[ev])]  # first date that reached the best value
        row["previous_value"] = sign * y_lo[best]
        row["previous_date"] = idx[best]
        row["previous_complete"] = bool(known[best] and (span is None
                                                         or table.complete[best, 0]))
        row["rank"] = 1 + int(np.count_nonzero(y_lo[ev] > x))
    else:
        row["rank"] = 1
    usable_day = (np.isfinite(y_lo[:pos]) & (known[:pos] | ~np.isnan(total[:pos]))
                  & ~(flagged[:pos] & (flags == "exclude")))
    at_least = np.flatnonzero(usable_day & (y_lo[:pos] >= x))
    row["since"] = idx[at_least[-1]] if len(at_least) else pd.NaT
    floor_top = float(np.max(y_lo[earlier])) if earlier.any() else -np.inf
    can_hold = bool(x > floor_top) if strict else bool(x >= floor_top)
    hi_u = y_hi[unknown]
    can_fail = (not can_hold) or bool(np.any(hi_u >= x) if strict else np.any(hi_u > x))
    if not earlier.any():
        if row["n_flagged"]:
            row["reason"] = f"no earlier window could be compared ({row['n_flagged']} flagged)"
            return row
        if claim == "record" and period is None:
            row["reason"] = (f"nothing earlier to compare it with: the data begin on "
                             f"{_day(first)}")
            return row
    edge_reason = ""
    if need_end is not None:
        need = _first_start(span, need_end) - level_base
        if need < first:
            more = "larger" if direction == "max" else "smaller"
            edge_reason = (f"the claim reaches back to {_day(need)} but the data begin on "
                           f"{_day(first)}; earlier values could be {more}")
    held = "undetermined" if edge_reason else "holds"
    if can_hold and can_fail:
        row["_possible"] = {held, "fails"}
        days_txt = _unknown_days(s, starts[unknown], idx[unknown], level_base)
        more = "larger" if direction == "max" else "smaller"
        lead = (f"it beats the {len(ev)} known value{'' if len(ev) == 1 else 's'} compared"
                if len(ev) else "no value of the comparison set is known")
        row["reason"] = f"{lead}, but {days_txt} of the comparison set could be {more}"
        return row
    if can_hold and edge_reason:
        row["reason"] = edge_reason
        return row
    row["_possible"] = {"holds" if can_hold else "fails"}
    row["holds"] = bool(can_hold)
    row["status"] = "holds" if can_hold else "fails"
    return row


def _unknown_days(s: pd.Series, starts: pd.DatetimeIndex, ends: pd.DatetimeIndex,
                  base: pd.Timedelta) -> str:
    """The missing days inside some window ``[start - base, end]`` (for a level, its two
    end days), summed up in words."""
    index = pd.DatetimeIndex(s.index)
    n = len(index)
    if base > pd.Timedelta(0):  # a level's change needs the levels at its two ends only
        inside = np.zeros(n, dtype=bool)
        for ends_of in (starts - base, ends):
            at = index.get_indexer(ends_of)
            inside[at[at >= 0]] = True
    else:
        d = np.zeros(n + 1, dtype=np.int64)
        np.add.at(d, index.searchsorted(starts - base), 1)
        np.add.at(d, index.searchsorted(ends, side="right"), -1)
        inside = np.cumsum(d[:n]) > 0
    days = index[inside & np.isnan(s.to_numpy())]
    if len(days) == 0:
        return f"{len(starts)} windows holding part of a report spread over other days"
    runs: list[str] = []
    day_no = days.to_numpy().astype("datetime64[D]").astype(np.int64)
    gap = np.flatnonzero(np.diff(day_no) != 1)
    for a, b in zip(np.r_[0, gap + 1], np.r_[gap, len(days) - 1], strict=True):
        runs.append(_range(days[a], days[b]))
    shown = ", ".join(runs[:4]) + (f" and {len(runs) - 4} more runs" if len(runs) > 4 else "")
    word = "day" if len(days) == 1 else "days"
    return f"{len(days)} unknown {word} ({shown})"


def _verdict(statuses: tuple[str, ...]) -> str:
    """The verdict from each definition's status, the one asked for first."""
    if statuses[0] == "undetermined":
        return "undetermined"
    decided = [st for st in statuses if st != "undetermined"]
    n_ok = decided.count("holds")
    return "true" if n_ok == len(decided) else ("false" if n_ok == 0 else "depends")


def _on_calendar(s: pd.Series) -> pd.Series:
    """The series on every date of its calendar: an absent date is a missing day.

    Daily dates (gaps allowed) are put on every day from the first to the last;
    a regular weekly or monthly calendar on each of its dates. Dates with clock
    times are left as they are.
    """
    index = pd.DatetimeIndex(s.index)
    if len(index) < 2 or (index != index.normalize()).any():
        return s
    code = calendar_frequency(index) or "D"
    full = pd.date_range(index[0], index[-1], freq=code)
    if len(full) == len(index):
        return s
    out = s.reindex(full)
    out.attrs = dict(s.attrs)
    return out


def _reasons_between(reasons: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> str:
    part = reasons.loc[first:last].dropna()
    if part.empty:
        return ""
    return "; ".join(f"{r} on {_day(d)}" if n == 1 else f"{r}, {n} days from {_day(d)}"
                     for r, (d, n) in _runs(part).items())


def _runs(part: pd.Series) -> dict[str, tuple[pd.Timestamp, int]]:
    out: dict[str, tuple[pd.Timestamp, int]] = {}
    for d, r in part.items():
        if r in out:
            out[r] = (out[r][0], out[r][1] + 1)
        else:
            out[r] = (pd.Timestamp(d), 1)  # type: ignore[arg-type]
    return out


def _fmt(x: float) -> str:
    if np.isnan(x):
        return "missing"
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def _day(ts: Any) -> str:
    return "never" if pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


def _range(a: Any, b: Any) -> str:
    return _day(a) if pd.Timestamp(a) == pd.Timestamp(b) else f"{_day(a)} to {_day(b)}"


def _sentence(claim_text: str, main: dict[str, Any], table: pd.DataFrame, verdict: str,
              unit: str, claim: str, direction: str, scope_label: str,
              coverage: tuple[pd.Timestamp, pd.Timestamp], notes: list[str]) -> str:
    u = f" {unit}" if unit else ""
    word = "highest" if direction == "max" else "lowest"
    about = _range(main["start"], main["date"])
    cover = ("the series has no values" if pd.isna(coverage[0])
             else f"the data run from {_day(coverage[0])} to {_day(coverage[1])}")
    extra = "".join(f"; {n}" for n in notes)
    if verdict == "undetermined":
        head = f"The claim '{claim_text}' for {about} cannot be decided from these data"
        value = ""
        if not np.isnan(main["value"]):
            value = f" (the value was {_fmt(main['value'])}{u}"
            if main["n_compared"]:
                value += (f"; the {word} of the {main['n_compared']} values compared was "
                          f"{_fmt(main['previous_value'])}{u} on "
                          f"{_day(main['previous_date'])}")
            value += ")"
        cover = "" if main["reason"] == cover else f"; {cover}"
        return f"{head}: {main['reason']}{value}{cover}{extra}."
    said = {"true": "true", "false": "false",
            "depends": "true or false depending on the window definition"}[verdict]
    head = f"The claim '{claim_text}' for {about} is {said}"
    what = f"the value ({main['definition']}) was {_fmt(main['value'])}{u}"
    if not main["complete"]:
        what += " (incomplete window)"
    if main["n_compared"] == 0:
        prev = "with nothing earlier to compare it with (a trivial record)"
    else:
        among = {"record": f"the {scope_label} record" if scope_label != "all"
                 else "the previous record",
                 "highest since": f"the {word} since then",
                 "largest in": "the previous " + word}[claim]
        partial = ("at least " if not main.get("previous_complete", True) else "")
        note = (" (an incomplete window: the sum of its reported days)"
                if partial else "")
        prev = (f"against {among} of {partial}{_fmt(main['previous_value'])}{u} on "
                f"{_day(main['previous_date'])}{note}, rank {main['rank']} of "
                f"{main['n_compared'] + 1}")
    since = (f"the {word} since the data begin" if pd.isna(main["since"])
             else f"the {word} since {_day(main['since'])}")
    decided = table.loc[table["status"] != "undetermined"]
    n_ok = int((decided["status"] == "holds").sum())
    alts = f"it holds under {n_ok} of {len(decided)} window definitions"
    failing = decided.loc[decided["status"] == "fails", "definition"].tolist()
    if 0 < n_ok < len(decided):
        alts += f" (not under: {'; '.join(failing)})"
    undecided = table.loc[table["status"] == "undetermined"]
    if len(undecided):
        alts += ("; undetermined under: "
                 + "; ".join(f"{d} ({r})" for d, r in zip(undecided["definition"],
                                                          undecided["reason"], strict=True)))
    return f"{head}: {what}, {prev}; {since}; {alts}; {cover}{extra}."


def check_claim(
    series: pd.Series,
    claim: str = "record",
    *,
    date: Any,
    freq: str | None = None,
    window: int | str | pd.Timedelta | None = None,
    scope: str | None = None,
    since: Any = None,
    days: int | None = None,
    direction: str | None = None,
    ties: str = "strict",
    kind: str | None = None,
    incomplete: str = "exclude",
    flags: str = "exclude",
    as_of: Any = None,
) -> ClaimCheck:
    """Check a claim about a record at a date, under several window definitions.

    Parameters
    ----------
    series : Series
        A daily series (for example from :func:`conflictstats.to_daily`) on a
        sorted, unique DatetimeIndex.
    claim : str
        ``"record"``, ``"highest since"``, ``"lowest since"``,
        ``"largest in"`` or ``"smallest in"``; simple phrases are understood
        too: ``"weekly record for 2024"`` (``freq="W-SUN"``, scope
        ``"year"``), ``"largest ever"``, ``"fewest since 2023-05"``,
        ``"highest in 30 days"``.  Parameters given explicitly win over words
        in the phrase.
    date : date-like
        The day the claim is about; for a calendar window, any day of the
        period (the period containing it is used).
    freq, window : optional
        As in :func:`conflictstats.records`: neither (the values as they
        are), ``freq="W-SUN"`` (Monday-Sunday weeks), ``freq="ME"``, or a
        rolling ``window=7``, ``window="30D"``...
    scope : {"all", "year", "month"}, optional
        For a record claim: all history (default) or a calendar year/month
        ("a record for 2024"). The year is the one the phrase names, else the
        year (month) of the claimed window's last day.
    since : date-like or str
        For "highest since": the date claimed; ``"2022"`` and ``"2022-07"``
        mean the end of that year or month.
    days : int
        For "largest in N days".
    direction : {"max", "min"}, optional
        Default from the claim ("lowest", "fewest" ... mean ``"min"``).
    ties : {"strict", "weak"}
        Whether equalling the previous best counts.
    kind : {"flow", "level", "cumulative"}, optional
        Overrides the kind ``to_daily`` recorded; needed with ``freq`` or
        ``window`` when nothing was recorded. Levels are compared through their
        change over the period.
    incomplete : {"exclude", "include"}
        As in :func:`conflictstats.records`.
    flags : {"exclude", "include"}
        As in :func:`conflictstats.records`: by default a day flagged as an
        artefact (``attrs["flags"]``, see :func:`conflictstats.flag_reasons`),
        and any window holding one, is left out of the comparison and is never
        the "since"; a claim about such a window is undetermined.
        ``"include"`` uses them.
    as_of : date-like, optional
        Check the claim as it could be known on that day (for example the
        statement date, the ``reported`` column of the observations): values
        after it are not used.

    Returns
    -------
    ClaimCheck
        ``verdict`` (``"true"``, ``"false"``, ``"depends"`` or
        ``"undetermined"``), ``reason`` (why it is undetermined; empty
        otherwise), ``holds`` (under the definition asked for; None when that
        cannot be decided), ``value``, ``previous_value``,
        ``previous_date``, ``margin``, ``rank``, ``n_compared``,
        ``since``, ``scope``, ``window``, ``data_start`` and ``data_end``
        (the first and last day with a value), ``n_flagged`` (windows left out
        because they hold a flagged day), ``sentence`` and ``alternatives``
        (one row per window definition tried: ``definition``, ``window``,
        ``ties``, ``date``, ``start``, ``value``, ``previous_value``,
        ``previous_date``, ``rank``, ``n_compared``, ``n_unknown`` (windows
        of the comparison set that are missing or incomplete), ``n_flagged``,
        ``since``, ``complete``, ``flagged``, ``holds`` (True, False or NA),
        ``status`` (``"holds"``, ``"fails"``, ``"undetermined"``),
        ``reason`` and ``flag_reasons``).

    See Also
    --------
    records : Every record of a series.
    highest_since : Since when each value is the highest.
    period_flags : Which periods are comparable.

    Notes
    -----
    The claim holds when the value beats every value of the comparison set:
    for "record", the earlier values of the scope; for "highest since S", the
    values after the end of S; for "largest in N days", the values of the
    windows ending in the N - 1 days before.  A window belongs to the year
    (month) of its last day, as in :func:`conflictstats.records`; a claim "for
    2024" about a window that straddles New Year is compared with the windows
    of 2024 and the sentence says that it straddles the boundary.

    The definitions tried are: a calendar week, the rolling 7 days ending on
    its last day and the rolling 7 days ending the day before; for a rolling
    7-day window, the same window ending the day before and the last complete
    Monday-Sunday week (ending on or before the date, never after it); for
    months, likewise with the calendar month and the last 30 days; for daily
    values, strict and weak ties.

    Unknown days are unknown: a NaN, and a date absent from the index between
    the first and the last value (as in :func:`conflictstats.period_totals`),
    could hold any value its kind allows. A flow that is never negative
    totals at least what its known days add up to (an incomplete week of 565
    over 6 days is at least 565), and at most anything; a level, or a series
    with negative values, can be anything. Each window of the comparison set
    is so an interval (a point when it is known), and a definition is
    decided only when every value of the unknown days gives the same answer:
    it **fails** when a known value or a lower bound beats the claimed value,
    and **holds** when the value beats every known value and no unknown
    window could reach it. Otherwise it is undetermined and the reason names
    the unknown days, as it is when the series has no values; the window
    reaches outside the data; the value is missing or its window incomplete
    (with ``incomplete="exclude"``); the window holds a flagged day (with
    ``flags="exclude"``); the claim holds on the data but its comparison set
    reaches back before the data begin ("since 2020" on data from 2024, "in
    1000 days" on 60 days, "a record for 2024" on data from March 2024); or,
    for "record"/"ever", nothing earlier can be compared ("the data begin on
    ..."; a record for a year or month on its first window is the trivial
    first record of that scope). A claim that fails is false whatever came
    before. "Ever" means since the data begin, which the sentence states: a
    window reaching before the first day is compared only through the lower
    bound its days in the data give (claims of a maximum of a flow).
    ``n_unknown`` counts the unknown windows of the comparison set.
    With ``incomplete="include"`` the partial totals are taken as the values.

    The verdict: over the definitions that can be decided, ``"true"`` when
    the claim holds under all of them, ``"false"`` under none, ``"depends"``
    otherwise; ``"undetermined"`` when the definition asked for is
    undetermined, and also when the unknown days could still change the
    verdict through another definition (``holds`` then still gives the
    answer under the definition asked for). So a verdict ``"true"`` or
    ``"false"`` never changes when the unknown days are filled with values
    their kind allows. Alternatives that no filling could decide (a window
    outside the data) are listed as undetermined, never counted as failures.
    To read an absent report as zero, fill it first:
    ``s.asfreq("D").fillna(0)``.

    References
    ----------
    Arnold, B. C., Balakrishnan, N., Nagaraja, H. N. (1998). *Records*. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> drones = pd.Series([120.0, 145.0, 90.0, 188.0],
    ...                    index=pd.date_range("2024-11-23", periods=4), name="drones")
    >>> check = check_claim(drones, "largest ever", date="2024-11-26")
    >>> check.verdict, check.previous_value, str(check.previous_date.date())
    ('true', 145.0, '2024-11-24')
    >>> print(check.sentence)  # doctest: +NORMALIZE_WHITESPACE
    The claim 'largest ever' for 2024-11-26 is true: the value (daily ending 2024-11-26) was
    188, against the previous record of 145 on 2024-11-24, rank 1 of 4; the highest since
    the data begin; it holds under 2 of 2 window definitions; the data run from 2024-11-23
    to 2024-11-26.

    A claim reaching before the data cannot be decided:

    >>> check_claim(drones, "highest in 30 days", date="2024-11-26").verdict
    'undetermined'

    Nor can one that an unknown day could overturn: 1 December is absent, so
    it is missing, and it could have been larger than 2:

    >>> gap = pd.Series([0.0, 2.0], index=pd.to_datetime(["2024-11-30", "2024-12-02"]))
    >>> c = check_claim(gap, "record", date="2024-12-02", scope="month")
    >>> c.verdict
    'undetermined'
    >>> print(c.reason)  # doctest: +NORMALIZE_WHITESPACE
    no value of the comparison set is known, but 1 unknown day (2024-12-01) of the
    comparison set could be larger
    """
    parsed = _parse_claim(claim) if claim not in CLAIMS else {
        "claim": "highest since" if claim.endswith("since") else
        ("largest in" if claim.endswith(" in") else "record"),
        "direction": "min" if claim in ("lowest since", "smallest in") else "max",
    }
    kind_claim = parsed["claim"]
    if freq is None and window is None:
        freq = parsed.get("freq")
    span = _periods.parse_span(freq, window)
    scope = scope if scope is not None else parsed.get("scope", "all")
    direction = direction if direction is not None else parsed.get("direction", "max")
    since = since if since is not None else parsed.get("since")
    if days is None and parsed.get("days") is not None:
        days = int(parsed["days"])
    check_choice("scope", scope, ("all", "year", "month"))
    check_choice("direction", direction, ("max", "min"))
    check_choice("ties", ties, ("strict", "weak"))
    check_choice("incomplete", incomplete, ("exclude", "include"))
    check_choice("flags", flags, ("exclude", "include"))
    s = as_series(series, name="series")
    _finite(s.to_numpy(), pd.DatetimeIndex(s.index), name="series")
    when = as_timestamp(date, name="date").normalize()
    main_start, main_end = _bounds(span, span.end_of(when) if span is not None else when)
    year = parsed.get("year")
    if year is not None and not (main_start.year <= year <= main_end.year):
        raise InputError(
            f"claim names the year {year} but date is {when.date()} (its "
            f"window {_range(main_start, main_end)} is not in {year})"
        )
    notes: list[str] = []
    period = None
    if kind_claim == "record" and scope != "all":
        y = int(year) if year is not None else main_end.year
        m = main_end.month if (year is None or main_end.year == year) else 12
        period = _scope_range(scope, y, m)
        if main_start.year != main_end.year or (scope == "month"
                                                and main_start.month != main_end.month):
            owner = f"{main_end:%Y}" if scope == "year" else f"{main_end:%Y-%m}"
            claimed = f"{y}" if scope == "year" else f"{y}-{m:02d}"
            notes.append(
                f"the window {_range(main_start, main_end)} straddles the "
                f"{'year' if scope == 'year' else 'month'} boundary (by its last day it "
                f"belongs to {owner}); it is compared with the windows of {claimed}, as claimed")
    since_end: pd.Timestamp | None = None
    if kind_claim == "highest since":
        if since is None:
            raise InputError("claim 'highest since' needs since= (a date such as '2022-07')")
        since_end = _since_end(since)
        if since_end >= when:
            raise InputError(
                f"since ({since_end.date()}) must be before date ({when.date()})"
            )
    if kind_claim == "largest in":
        if days is None:
            raise InputError("claim 'largest in' needs days= (a number of days such as 30)")
        days = check_int("days", days, minimum=1)
    # daily values: the kind only says what an unknown day could hold (a level: anything)
    k = (resolve_kind(series, kind, what="a claim about weekly or rolling totals")
         if span is not None else str(kind or recorded_kind(series) or "flow"))
    if as_of is not None:
        cut = as_timestamp(as_of, name="as_of").normalize()
        notes.append(f"as known on {_day(cut)}: later values are not used")
        s = s.loc[:cut]
    valid = s.index[~np.isnan(s.to_numpy())] if len(s) else s.index
    coverage = ((pd.Timestamp(valid[0]), pd.Timestamp(valid[-1])) if len(valid)
                else (pd.NaT, pd.NaT))
    if len(valid):
        s = _on_calendar(s.loc[coverage[0]:coverage[1]])
    mask = flag_mask(series, s.to_frame()) if len(valid) else None
    from .daily import flag_reasons

    reasons = (flag_reasons(series).reindex(s.index) if "flags" in series.attrs
               else pd.Series(np.nan, index=s.index, dtype=object))
    defs = _definitions(span, when, ties)
    spans = recorded_spans(series)
    spans = None if spans is None else spans[:1]
    rows = [
        _evaluate(s, kind=k, incomplete=incomplete, definition=d, claim=kind_claim,
                  direction=direction, scope=scope, since_end=since_end, days=days,
                  period=period, coverage=coverage, mask=mask, flags=flags, reasons=reasons,
                  spans=spans)
        for d in defs
    ]
    possible = [r.pop("_possible", {r["status"]}) for r in rows]
    table = pd.DataFrame(rows)
    for c in ("rank", "n_compared", "n_unknown", "n_flagged"):
        table[c] = table[c].astype(np.int64)
    table["holds"] = table["holds"].astype("boolean")
    main = rows[0]
    # the verdict under every status each definition could take once its unknown days
    # are known: one verdict for all of them, or undetermined
    verdicts = {_verdict(combo) for combo in itertools.product(*possible)}
    verdict = verdicts.pop() if len(verdicts) == 1 else "undetermined"
    reason = str(main["reason"])
    if verdict == "undetermined" and main["status"] != "undetermined":
        open_rows = [r for r, p in zip(rows[1:], possible[1:], strict=True) if len(p) > 1]
        reason = ("under the definition asked it "
                  + ("holds" if main["status"] == "holds" else "fails")
                  + ", but unknown days could change the verdict under "
                  + "; ".join(f"{r['definition']} ({r['reason']})" for r in open_rows))
    def things(n: int) -> str:
        word = "day" if span is None else "window"
        return f"{n} {word}" + ("" if n == 1 else "s")

    if flags == "include" and main["flagged"]:
        span_main = defs[0]["span"]
        w0, w1 = _bounds(span_main, pd.Timestamp(main["date"]))
        notes.append(f"the window holds a day flagged as an artefact "
                     f"({_reasons_between(reasons, w0, w1)}), used as flags='include' asks")
    if main["n_flagged"]:
        notes.append(f"{things(main['n_flagged'])} flagged as artefacts left out of the "
                     f"comparison ({main['flag_reasons']}; flags='include' uses them)")
    if main["n_unknown"] and main["status"] != "undetermined":
        notes.append(f"{things(main['n_unknown'])} of the comparison set missing or "
                     "incomplete, not compared")
    if period is not None:
        scope_label = f"{period[0]:%Y}" if scope == "year" else f"{period[0]:%Y-%m}"
    else:
        scope_label = "all"
    margin = main["value"] - main["previous_value"]
    if direction == "min":
        margin = -margin
    unit = str(series.attrs.get("unit") or "") if isinstance(series, pd.Series) else ""
    unit = "" if unit == "count" else unit
    claim_text = claim if isinstance(claim, str) else str(claim)
    sentence = _sentence(claim_text, {**main, "reason": reason}, table, verdict, unit,
                         kind_claim, direction, scope_label, coverage, notes)
    return ClaimCheck(
        claim=kind_claim if direction == "max" else kind_claim.replace(
            "highest", "lowest").replace("largest", "smallest"),
        date=pd.Timestamp(main["date"]),
        verdict=verdict,
        holds=None if main["status"] == "undetermined" else bool(main["holds"]),
        value=float(main["value"]),
        previous_value=float(main["previous_value"]),
        previous_date=pd.Timestamp(main["previous_date"]),
        margin=float(margin),
        rank=int(main["rank"]),
        n_compared=int(main["n_compared"]),
        since=pd.Timestamp(main["since"]),
        scope=scope_label,
        window=_label(span),
        sentence=sentence,
        alternatives=table,
        reason=reason,
        data_start=pd.Timestamp(coverage[0]),
        data_end=pd.Timestamp(coverage[1]),
        n_flagged=int(main["n_flagged"]),
    )

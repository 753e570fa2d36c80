"""Check a claim such as "a weekly record for 2024" and say why.

:func:`check_claim` takes a series, a claim ("record", "highest since DATE",
"largest in N days") and the date it is about, and returns a verdict with the
evidence: the value, the previous record and its date, the rank, the "since"
date, and how the verdict changes under the other reasonable definitions of
the window (a Monday-Sunday week versus the rolling 7 days ending that day or
the day before; a calendar month versus the last 30 days).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from . import _periods
from ._kinds import resolve_kind
from ._validate import as_series, as_timestamp, check_choice, check_int
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


def _evaluate(s: pd.Series, *, kind: str, incomplete: str, definition: dict[str, Any],
              claim: str, direction: str, scope: str, since_end: pd.Timestamp | None,
              days: int | None) -> dict[str, Any]:
    span = definition["span"]
    table = _aggregate(s.to_frame(), span, [kind], incomplete)
    agg = pd.DataFrame({"value": table.total[:, 0], "start": table.start,
                        "complete": table.complete[:, 0]}, index=table.end)
    idx = pd.DatetimeIndex(agg.index)
    date = pd.Timestamp(definition["date"])
    row: dict[str, Any] = {
        "definition": f"{_label(span)} ending {_day(date)}"
        + ("" if definition["ties"] == "strict" else ", ties count"),
        "window": "daily" if span is None else span.code,
        "ties": definition["ties"], "date": date, "start": pd.NaT, "value": np.nan,
        "previous_value": np.nan, "previous_date": pd.NaT, "rank": 0,
        "n_compared": 0, "since": pd.NaT, "complete": False, "holds": False,
    }
    pos = int(idx.searchsorted(date))
    if pos >= len(idx) or idx[pos] != date:
        return row
    values = agg["value"].to_numpy()
    sign = 1.0 if direction == "max" else -1.0
    y = sign * values
    x = y[pos]
    row["start"] = pd.Timestamp(agg["start"].iloc[pos])
    row["complete"] = bool(agg["complete"].iloc[pos])
    row["value"] = values[pos]
    if np.isnan(x):
        return row
    earlier = np.arange(len(idx)) < pos
    if claim == "record":
        if scope == "year":
            earlier &= np.asarray(idx.year == date.year)
        elif scope == "month":
            earlier &= np.asarray((idx.year == date.year) & (idx.month == date.month))
    elif claim == "highest since":
        earlier &= np.asarray(idx > since_end)
    else:  # largest in N days: the other windows ending in the N days up to the date
        earlier &= np.asarray(idx > date - pd.Timedelta(days=int(days or 0)))
    comp = np.flatnonzero(earlier & ~np.isnan(y))
    row["n_compared"] = len(comp)
    if len(comp):
        best = comp[np.argmax(y[comp])]  # first date that reached the best value
        row["previous_value"] = values[best]
        row["previous_date"] = idx[best]
        row["rank"] = 1 + int(np.count_nonzero(y[comp] > x))
        beaten = x > y[best] if definition["ties"] == "strict" else x >= y[best]
    else:
        row["rank"] = 1
        beaten = True
    at_least = np.flatnonzero(y[:pos] >= x)
    row["since"] = idx[at_least[-1]] if len(at_least) else pd.NaT
    row["holds"] = bool(beaten)
    return row


def _fmt(x: float) -> str:
    if np.isnan(x):
        return "missing"
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def _day(ts: Any) -> str:
    return "never" if pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


def _sentence(claim_text: str, main: dict[str, Any], table: pd.DataFrame, verdict: str,
              unit: str, claim: str, direction: str, scope_label: str) -> str:
    u = f" {unit}" if unit else ""
    word = "highest" if direction == "max" else "lowest"
    said = {"true": "true", "false": "false",
            "depends": "true or false depending on the window definition"}[verdict]
    head = f"The claim '{claim_text}' for {_day(main['date'])} is {said}"
    if np.isnan(main["value"]):
        return (f"{head}: the {main['definition']} value is missing or incomplete, "
                "so it cannot be checked under that definition.")
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
        prev = (f"against {among} of {_fmt(main['previous_value'])}{u} on "
                f"{_day(main['previous_date'])}, rank {main['rank']} of "
                f"{main['n_compared'] + 1}")
    since = ("the " + word + " on record" if pd.isna(main["since"])
             else f"the {word} since {_day(main['since'])}")
    n_ok = int(table["holds"].sum())
    alts = f"it holds under {n_ok} of {len(table)} window definitions"
    failing = table.loc[~table["holds"], "definition"].tolist()
    if 0 < n_ok < len(table):
        alts += f" (not under: {'; '.join(failing)})"
    return f"{head}: {what}, {prev}; {since}; {alts}."


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
        For a record claim: all history (default) or the calendar year/month
        of the date ("a record for 2024").
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

    Returns
    -------
    ClaimCheck
        ``verdict`` (``"true"``, ``"false"``, ``"depends"``), ``holds`` (under
        the definition asked for), ``value``, ``previous_value``,
        ``previous_date``, ``margin``, ``rank``, ``n_compared``,
        ``since``, ``scope``, ``window``, ``sentence`` and ``alternatives``
        (one row per window definition tried: ``definition``, ``window``,
        ``ties``, ``date``, ``start``, ``value``, ``previous_value``,
        ``previous_date``, ``rank``, ``n_compared``, ``since``,
        ``complete``, ``holds``).

    Notes
    -----
    The claim holds when the value beats every value of the comparison set:
    for "record", the earlier values of the scope; for "highest since S", the
    values after the end of S; for "largest in N days", the values of the
    windows ending in the N - 1 days before.  The definitions tried are: a
    calendar week, the rolling 7 days ending on its last day and the rolling
    7 days ending the day before; for a rolling 7-day window, the same
    window ending the day before and the last complete Monday-Sunday week
    (ending on or before the date, never after it); for months, likewise
    with the calendar month and the last 30 days; for daily values, strict
    and weak ties.  The verdict is ``"true"`` when the claim holds
    under all of them, ``"false"`` under none, ``"depends"`` otherwise.

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
    188, against the previous record of 145 on 2024-11-24, rank 1 of 4; the highest on
    record; it holds under 2 of 2 window definitions.
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
    s = as_series(series, name="series")
    _finite(s.to_numpy(), pd.DatetimeIndex(s.index), name="series")
    when = as_timestamp(date, name="date").normalize()
    if "year" in parsed and parsed["year"] != when.year:
        raise InputError(
            f"claim names the year {parsed['year']} but date is {when.date()} "
            f"(in {when.year})"
        )
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
    k = (resolve_kind(series, kind, what="a claim about weekly or rolling totals")
         if span is not None else "flow")
    defs = _definitions(span, when, ties)
    rows = [
        _evaluate(s, kind=k, incomplete=incomplete, definition=d, claim=kind_claim,
                  direction=direction, scope=scope, since_end=since_end, days=days)
        for d in defs
    ]
    table = pd.DataFrame(rows)
    table["rank"] = table["rank"].astype(np.int64)
    table["n_compared"] = table["n_compared"].astype(np.int64)
    n_ok = int(table["holds"].sum())
    verdict = "true" if n_ok == len(table) else ("false" if n_ok == 0 else "depends")
    main = rows[0]
    scope_label = ("all" if kind_claim != "record" or scope == "all"
                   else (f"{main['date']:%Y}" if scope == "year" else f"{main['date']:%Y-%m}"))
    margin = main["value"] - main["previous_value"]
    if direction == "min":
        margin = -margin
    unit = str(series.attrs.get("unit") or "") if isinstance(series, pd.Series) else ""
    claim_text = claim if isinstance(claim, str) else str(claim)
    sentence = _sentence(claim_text, main, table, verdict, unit, kind_claim, direction,
                         scope_label)
    return ClaimCheck(
        claim=kind_claim if direction == "max" else kind_claim.replace(
            "highest", "lowest").replace("largest", "smallest"),
        date=pd.Timestamp(main["date"]),
        verdict=verdict,
        holds=bool(main["holds"]),
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
    )

"""Wording: dates one way, units and numbers one way, whose gain or loss."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._kinds import decode_spans
from ..observations import CURRENCY_CODES
from ..sources import SeriesRule, SourceSpec
from .rules import _DAY, SHORT_SERIES_DAYS

if TYPE_CHECKING:
    from .series import _Series


#: How each unit is written after a number (the one table of unit words); a count has none.
_UNITS = {"km2": "km²", "percent": "%", "sq_mi": "sq mi", "ha": "ha", "km": "km", "mi": "mi"}


def _unit_suffix(unit: str) -> str:
    """" km²" after a number, "%" without a space, "" for a count or an unknown unit."""
    word = _UNITS.get(unit, "")
    return word if word in ("", "%") else f" {word}"


def _num(x: float, unit: str = "count") -> str:
    """A number with its unit: "1,234", "235 km²", "EUR 3.29bn", "43.5%"."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if unit in CURRENCY_CODES:
        if abs(x) >= 1e9:
            return f"{unit} {x / 1e9:,.2f}bn".replace("-", "−")
        if abs(x) >= 1e6:
            return f"{unit} {x / 1e6:,.{0 if abs(x) >= 1e8 else 1}f}m".replace("-", "−")
        return f"{unit} {x:,.0f}".replace("-", "−")
    suffix = _unit_suffix(unit)
    digits = 0 if unit == "count" or abs(x) >= 100 else 1
    return f"{x:,.{digits}f}{suffix}".replace("-", "−")  # a true minus sign


def _signed(x: float, unit: str) -> str:
    return ("+" if x > 0 else "−" if x < 0 else "") + _num(abs(x), unit)


def _pace(x: float, unit: str) -> str:
    return f"{x:,.1f}" + ("" if unit in CURRENCY_CODES or unit == "percent"
                          else _unit_suffix(unit))


def _pts(x: float) -> str:
    """Percentage points with a sign, a true minus: "+1.6", "−6.9"."""
    return f"{100 * x:+.1f}".replace("-", "−")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _day(ts: Any) -> str:
    t = pd.Timestamp(ts)
    return f"{t.day} {t.strftime('%b %Y')}"


def _day_short(ts: Any) -> str:
    """A day within the week being read: "3 Mar" (the year is the week's)."""
    t = pd.Timestamp(ts)
    return f"{t.day} {t.strftime('%b')}"


def _month(ts: Any, *, year: bool = True, short: bool = False) -> str:
    """A month: "March 2024", "March", or "Mar 2024" (``short``, for chart labels)."""
    t = pd.Timestamp(ts)
    return t.strftime(("%b" if short else "%B") + (" %Y" if year else ""))


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


def _noun(rule: SeriesRule, value: str) -> str:
    return str(rule.nouns.get(value, value))


def _missing_days(hist: pd.Series, start: pd.Timestamp, end: pd.Timestamp, n: int) -> str:
    """"(15 Nov has no report)" for one or two missing days."""
    if n <= 0 or n > 2:
        return " (days without one are not counted)" if n > 2 else ""
    days = pd.date_range(start, end)
    known = hist.reindex(days).notna().to_numpy()
    gone = [_day_short(d) for d in days[~known]]
    verb = "has" if len(gone) == 1 else "have"
    return f" ({' and '.join(gone)} {verb} no report)"


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
    return (f" (first report under the new definition: {_day_short(new[0])})"
            if len(new) else "")


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


def _split_key(part: str, base: str) -> tuple[str, str, str]:
    """"drones shot down", "drones launched" -> ("drones", "shot down", "launched"); a
    trailing "(Russia)" stays with the noun."""
    tail = ""
    m = re.search(r" \([^()]*\)$", part)
    if m and base.endswith(m[0]):
        tail, part, base = m[0], part[: m.start()], base[: -len(m[0])]
    a, b = part.split(" "), base.split(" ")
    k = 0
    while k < min(len(a), len(b)) - 1 and a[k] == b[k]:
        k += 1
    return " ".join(a[:k]) + tail, " ".join(a[k:]), " ".join(b[k:])


def _few_of(part: str, base: str, num: float, den: float, on: str = "") -> str:
    """"none of the 10 ballistic missiles launched this week was destroyed"."""
    noun, verb, base_verb = _split_key(part, base)
    what = f"{noun} {base_verb}".strip()
    lead = "none" if num == 0 else f"{num:,.0f}"
    be = "was" if num <= 1 else "were"
    return f"{lead} of the {den:,.0f} {what} this week{on} {be} {verb}"


def _outcome_of(base: _Series) -> str:
    """The base's metric word: "launched" of "drones launched"."""
    return base.key[len(base.key) - len(base.key.split(" ")[-1]):] if " " in base.key \
        else base.key


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


def _title(item: _Series, end: pd.Timestamp, what: str) -> str:
    return f"{_sentence_case(item.key)}{what}, week to {_day(end)}"


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
    """A chart axis's unit: "km²", "number" for a count."""
    return "number" if unit == "count" else _UNITS.get(unit, unit)


def _window(start: Any, end: Any) -> str:
    """A wave's window: "09:00–18:00 on 24 Mar 2026", "17:00 on 6 Sep to 09:30 on 7 Sep 2025"."""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    if a == b:
        return f"on {_day(b)}" if b == b.normalize() else f"at {b:%H:%M} on {_day(b)}"
    if a == b.normalize():  # a bare date as start: the report up to that morning
        return f"to {b:%H:%M} on {_day(b)}"
    if a.normalize() == b.normalize():
        return f"{a:%H:%M}–{b:%H:%M} on {_day(b)}"
    return f"{a:%H:%M} on {_day_short(a)} to {b:%H:%M} on {_day(b)}"


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


def _divergence_text(key: str, a: str, b: str, ratio: float, low: float, high: float) -> str:
    """Two sources of one metric that disagree more than usual this week."""
    return (f"{_sentence_case(key)}: {b} and {a} disagree more than usual this week: {b}'s "
            f"figure is {ratio:.2f} times {a}'s, against {low:.2f} to {high:.2f} in a usual "
            "week.")

"""Reader of the "Massive Missile Attacks on Ukraine" dataset (Petro Ivaniuk, Kaggle)."""

from __future__ import annotations

import ast
import os
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._files import LineInfo, read_csv_checked, strict
from .._validate import as_timestamp
from ..errors import InputError, MissingKeyError
from ..observations import ObservationTable
from ._common import (
    SourceLayoutError,
    as_path,
    cell_at,
    check_columns,
    check_plausibility,
    file_name,
    fmt_g,
    melt_wide,
    numeric_column,
    parse_times,
    reading,
    screening,
    set_aside_rows,
)
from ._spec import DefinitionBreak, Plausibility, SeriesRule, SourceSpec

__all__ = [
    "CATALOGUE_FILE",
    "EW_DEFINITION_BREAK",
    "LOST_TRACK_BREAK",
    "MISSILE_COLUMNS",
    "MISSILE_COMMANDS",
    "MISSILE_METRICS",
    "find_definition_break",
    "find_lost_track_break",
    "missile_waves",
    "read_missile_attacks",
    "read_missile_catalogue",
    "screen_missile_attacks",
]

#: The model catalogue that must lie beside ``missile_attacks_daily.csv``.
CATALOGUE_FILE = "missiles_and_uavs.csv"

#: The columns of ``missile_attacks_daily.csv`` (upstream spelling, including the
#: space in ``affected region``).
MISSILE_COLUMNS: tuple[str, ...] = (
    "time_start", "time_end", "model", "launch_place", "target", "target_main",
    "launched", "destroyed", "not_reach_goal", "still_attacking", "border_crossing",
    "is_shahed", "num_hit_location", "num_fall_fragment_location", "carrier", "turbojet",
    "turbojet_destroyed", "affected region", "destroyed_details", "launched_details",
    "launch_place_details", "source",
)

#: The columns of the model catalogue ``missiles_and_uavs.csv`` (``in_sevice`` is
#: the upstream spelling).
CATALOGUE_COLUMNS: tuple[str, ...] = (
    "model", "category", "national_origin", "type", "launch_platform", "name", "name_NATO",
    "in_sevice", "designer", "manufacturer", "guidance_system", "unit_cost",
)

#: Metric name -> what it counts, in output order (one observation per metric per
#: input row, when the figure is reported).
MISSILE_METRICS: dict[str, str] = {
    "launched": "weapons launched in the wave (the report's total for this model)",
    "destroyed": "shot down; after EW_DEFINITION_BREAK also those suppressed by "
                 "electronic warfare",
    "not_reach_goal": "'locationally lost', mostly to electronic warfare (reported "
                      "separately from LOST_TRACK_BREAK until EW_DEFINITION_BREAK)",
    "still_attacking": "still in the air when the report was published",
    "border_crossing": "flew on into another country (Belarus, Russia, Poland ...), "
                       "summed over countries; the split is in ``crossed_into``",
    "unaccounted": "derived: launched - destroyed - not_reach_goal - still_attacking - "
                   "border_crossing (missing outcomes count as 0)",
}

#: The first morning date on which drones suppressed by electronic warfare are
#: counted in ``destroyed`` (``not_reach_goal`` ~0 from then on). Found from the
#: data with :func:`find_definition_break`: the last nationwide drone report with
#: ``not_reach_goal`` >= 10% of launched ended on 2025-07-23 09:00; the next one
#: (22:40 on 23 July to 11:30 on 24 July 2025) reports 0 of 103.
EW_DEFINITION_BREAK: pd.Timestamp = pd.Timestamp("2025-07-24")

_CATEGORY_NAMES = {"uav": "drone"}
_NATIONAL = "Ukraine"

#: The reporting command (the first part of ``source``, matched case-insensitively)
#: -> the ``command`` column. ``kpszsu`` is the national Air Force command; the
#: others are its regional air commands (South, East, West, Center). A ``source``
#: that is a link to the Air Force's own Telegram channel (``t.me/kpszsu/...``) is
#: the national command's post too. Any other source is ``other``.
MISSILE_COMMANDS: dict[str, str] = {
    "kpszsu": "national",
    "pvkpivden": "south",
    "pvkshid": "east",
    "pvkzahid": "west",
    "pvkcenter": "center",
}
_REGIONAL = ("south", "east", "west", "center")

#: The first morning date from which the national posts report "lost track"
#: (``not_reach_goal``) apart from ``destroyed``: before it the field is empty in
#: nearly every nationwide drone report (0 of 16 in June 2024, 5 of 37 in July),
#: so a share destroyed before it counts the lost ones too. Found from the data
#: with :func:`find_lost_track_break`: the wave that ended at 09:00 on 27 Aug 2024
#: (81 launched, 10 lost track) is the first of ten nationwide drone waves of which
#: at least eight report the field.
LOST_TRACK_BREAK: pd.Timestamp = pd.Timestamp("2024-08-27")

_LOST_NOT_REPORTED = "lost_track_not_reported"
_EXCLUDES = "destroyed_excludes_ew"
_INCLUDES = "destroyed_includes_ew"


def _norm_text(s: pd.Series) -> pd.Series:
    """Strip, collapse blanks and NFC-normalise text (Cyrillic names stay Cyrillic)."""
    out = s.astype("string").str.strip().str.replace(r"\s+", " ", regex=True)
    return out.map(lambda x: unicodedata.normalize("NFC", x) if isinstance(x, str) else x)


@reading
def read_missile_catalogue(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the weapon-model catalogue ``missiles_and_uavs.csv``.

    Parameters
    ----------
    path : str or path
        The catalogue file.

    Returns
    -------
    DataFrame
        The catalogue's columns, with ``model`` normalised (stripped, NFC) and
        ``category`` lower-case with ``UAV`` renamed ``drone``; one row per model.

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When columns are missing or unknown, or a model appears twice.

    Examples
    --------
    >>> from conflictstats.sources import read_missile_catalogue
    >>> cat = read_missile_catalogue("missiles_and_uavs.csv")  # doctest: +SKIP
    >>> cat.set_index("model").loc["Shahed-136/131", "category"]  # doctest: +SKIP
    'drone'
    """
    p = as_path(path, name="read_missile_catalogue")
    with strict():  # the catalogue is never partly read
        cat, _ = read_csv_checked(p, name=f"read_missile_catalogue({file_name(p)})", dtype=str)
    check_columns(cat.columns, CATALOGUE_COLUMNS,
                  name=f"read_missile_catalogue({file_name(p)})")
    cat["model"] = _norm_text(cat["model"])
    cat["category"] = _norm_text(cat["category"]).str.lower().replace(_CATEGORY_NAMES)
    dup = cat["model"].duplicated()
    if dup.any():
        raise SourceLayoutError(
            f"read_missile_catalogue({file_name(p)}): model {cat.loc[dup, 'model'].iloc[0]!r} "
            "appears more than once"
        )
    return cat


def _categories(models: pd.Series, catalogue: pd.DataFrame | None) -> pd.DataFrame:
    """Category and 'combined' flag per unique model string.

    A model string joined with " and " lists several models (their counts are
    not apportioned). If every part is catalogued, the category is the parts'
    common category, or ``combined`` when they differ; otherwise the catalogue
    entry of the whole string; otherwise ``unknown``.
    """
    known: dict[str, str] = {}
    if catalogue is not None:
        known = dict(zip(catalogue["model"], catalogue["category"], strict=True))
    rows = []
    for model in pd.unique(models.dropna()):  # a few dozen distinct strings
        parts = [p.strip() for p in str(model).split(" and ")]
        combined = len(parts) > 1
        if combined and all(p in known for p in parts):
            cats = {known[p] for p in parts}
            category = cats.pop() if len(cats) == 1 else "combined"
        elif model in known:
            category = known[model]
            if " and " in category:  # e.g. "surface-to-air and ballistic"
                category = "combined"
        else:
            category = "unknown"
        rows.append((model, category, combined))
    return pd.DataFrame(rows, columns=["model", "category", "combined"]).set_index("model")


def _parse_dict(text: Any, *, label: Any, column: str, name: str = "read_missile_attacks",
                where: str | None = None) -> dict[str, float] | None:
    """Parse a Python-dict string such as ``{'belarus': 5.0}``; NaN gives None."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return None
    at = where or f"row {label}, column {column!r}"
    try:
        value = ast.literal_eval(str(text).replace("NaN", "None"))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise SourceLayoutError(
            f"{name}: {at}: expected a Python dict such as {{'belarus': 5.0}}; got {text!r}"
        ) from None
    if not isinstance(value, dict):
        raise SourceLayoutError(f"{name}: {at}: expected a dict; got {text!r}")
    out = {}
    for k, v in value.items():
        try:
            num = np.nan if v is None else float(v)
        except (TypeError, ValueError):
            num = np.inf
        if not (np.isnan(num) or (np.isfinite(num) and num >= 0)):
            raise SourceLayoutError(
                f"{name}: {at}: expected a non-negative count for {k!r}; got {text!r}")
        out[str(k)] = num
    return out


def _border(raw: pd.Series, *, name: str = "read_missile_attacks",
            info: LineInfo | None = None) -> tuple[pd.Series, pd.Series]:
    """Total border crossings and a ``country:n`` text per row (parsed once per value)."""
    total: dict[Any, float] = {}
    text: dict[Any, Any] = {}
    first = raw.dropna().drop_duplicates()  # the first row of each distinct value
    for label, value in first.items():
        where = (f"line {info.line(label)} (row {label}), column 'border_crossing'"
                 if info is not None else None)
        d = _parse_dict(value, label=label, column="border_crossing", name=name,
                        where=where) or {}
        total[value] = float(np.nansum(list(d.values()))) if d else 0.0
        items = [f"{k}:{v:g}" for k, v in sorted(d.items()) if not np.isnan(v)]
        text[value] = ", ".join(items) if items else pd.NA
    tot = raw.map(total).astype("float64")
    txt = raw.map(text).astype("string")
    return tot, txt


def find_definition_break(
    observations: pd.DataFrame, *, threshold: float = 0.1
) -> pd.Timestamp:
    """Find the date after which EW-suppressed drones are counted as destroyed.

    Parameters
    ----------
    observations : DataFrame
        The table of :func:`read_missile_attacks`.
    threshold : float
        A nationwide drone report whose ``not_reach_goal`` is at least this share
        of ``launched`` still reports EW losses separately. Default 0.1.

    Returns
    -------
    Timestamp
        The morning (``end``) date of the first nationwide drone report after the
        last one that reports EW losses separately.

    Notes
    -----
    Reports by the Air Force put drones "locationally lost" (mostly to electronic
    warfare) in ``not_reach_goal`` from 2024-07; from late July 2025 the column
    is ~0 and ``destroyed`` includes them, so destroyed/launched jumps from
    about 45% to about 85%. The rule: take nationwide (``scope == "national"``)
    rows of category ``drone``; the break is the ``end`` date of the first such
    report after the last one with ``not_reach_goal / launched >= threshold``.

    Examples
    --------
    >>> from conflictstats.sources import find_definition_break, read_missile_attacks
    >>> obs = read_missile_attacks("missile_attacks_daily.csv")  # doctest: +SKIP
    >>> find_definition_break(obs)  # doctest: +SKIP
    Timestamp('2025-07-24 00:00:00')
    """
    if not 0 < threshold < 1:
        raise InputError(f"threshold must be in (0, 1); got {threshold!r}")
    need = {"metric", "value", "end", "scope", "category", "row"}
    missing = need - set(observations.columns)
    if missing:
        raise MissingKeyError(
            f"observations: column(s) {sorted(missing)} not found; pass the table of "
            "read_missile_attacks"
        )
    sel = observations[(observations["scope"] == "national")
                       & (observations["category"] == "drone")]
    wide = sel.pivot_table(index=["row", "end"], columns="metric", values="value",
                           aggfunc="first")
    if "not_reach_goal" not in wide or "launched" not in wide:
        raise InputError("observations: no nationwide drone rows with not_reach_goal")
    share = wide["not_reach_goal"] / wide["launched"].where(wide["launched"] > 0)
    ends = wide.index.get_level_values("end")
    reporting = ends[(share >= threshold).to_numpy()]
    if len(reporting) == 0:
        raise InputError("observations: no report counts EW losses separately")
    last = reporting.max()
    after = ends[ends > last]
    if len(after) == 0:
        raise InputError(f"observations: no nationwide drone report after {last}")
    return pd.Timestamp(after.min()).normalize()


def _commands(source: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The reporting ``command`` and the ``scope`` of each row, from its ``source``.

    The command is the first part of the post path (``kpszsu/posts/...``), or
    the channel of a Telegram link (``https://t.me/kpszsu/44624``), matched
    case-insensitively against :data:`MISSILE_COMMANDS`; anything else is
    ``other``. Scope: ``national`` for the national command, ``regional`` for the
    regional air commands, ``other`` for the rest.
    """
    text = source.astype("string").str.strip().str.lower()
    head = text.str.replace(r"^(?:https?://)?(?:www\.)?(?:t\.me/(?:s/)?)?", "", regex=True)
    first = head.str.split("/", n=1).str[0]
    command = first.map(MISSILE_COMMANDS).fillna("other").astype(object)
    scope = np.where(command == "national", "national",
                     np.where(command.isin(_REGIONAL), "regional", "other"))
    return command, pd.Series(scope, index=source.index, dtype=object)


def _waves(command: pd.Series, start: pd.Series, end: pd.Series) -> pd.Series:
    """The ``wave`` id of each row: one reported attack of one command.

    Rows of one command with the same (start, end) are one wave; a window that
    lies inside another window of the same command (a missile salvo at 04:30-05:30
    inside the night's 18:00-09:00 report) belongs to that wave. The id is
    ``command|end|start`` of the wave's outer window, e.g.
    ``national|2024-11-26 09:00|2024-11-25 19:30``.
    """
    rows = pd.DataFrame({"command": command.to_numpy(), "start": start.to_numpy(),
                         "end": end.to_numpy()}, index=command.index)
    win = (rows.drop_duplicates()
           .sort_values(["command", "start", "end"], ascending=[True, True, False],
                        kind="mergesort")
           .reset_index(drop=True))
    # a window is inside an earlier one when its end is not after the latest end so far
    # (windows are sorted by start, the longest first)
    reach = win.groupby("command", sort=False)["end"].cummax()
    before = reach.groupby(win["command"], sort=False).shift(1)
    inside = (win["end"] <= before).to_numpy(bool)
    outer = np.maximum.accumulate(np.where(inside, 0, np.arange(len(win))))
    fmt = "%Y-%m-%d %H:%M"
    label = (win["command"].astype(str) + "|" + win["end"].dt.strftime(fmt) + "|"
             + win["start"].dt.strftime(fmt)).to_numpy()[outer]
    win["wave"] = label
    out = rows.merge(win, on=["command", "start", "end"], how="left")["wave"]
    return pd.Series(out.to_numpy(), index=rows.index, dtype=object)


def _check_table(observations: pd.DataFrame, need: set[str]) -> None:
    missing = need - set(observations.columns)
    if missing:
        raise MissingKeyError(
            f"observations: column(s) {sorted(missing)} not found; pass the table of "
            "read_missile_attacks"
        )


def missile_waves(observations: pd.DataFrame, *, by: str | None = "category") -> pd.DataFrame:
    """One row per reported attack (wave), with its window and its totals.

    Parameters
    ----------
    observations : DataFrame
        The table of :func:`read_missile_attacks` (or a selection of its rows,
        e.g. ``obs[obs.scope == "national"]``).
    by : str or None
        A column whose values stay apart within a wave (default ``category``:
        the drones and each missile type of a wave are separate rows); None sums
        every row of the wave.

    Returns
    -------
    DataFrame
        One row per wave (and value of ``by``), sorted by ``end``, with columns
        ``wave`` (the id of :func:`read_missile_attacks`), ``command``, ``scope``,
        ``start`` and ``end`` (the wave's outer window), ``date`` (the morning,
        ``end``, date), ``by`` when given, ``waves_on_date`` (the waves of the same
        command, and of the same ``by`` value, counted on that date), then one
        column per metric with its total in the wave (NaN when no row of the wave
        reports it).

    Notes
    -----
    A wave is one command's report of one attack: its rows share (start, end),
    or lie inside the wave's window (see the ``wave`` column of
    :func:`read_missile_attacks`). "The largest attack" compares waves; "the
    highest day" compares days (:func:`conflictstats.to_daily`), and a day can
    hold several waves (an overnight and a daytime attack on 24 Mar 2026).

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import MISSILE_COLUMNS, missile_waves, read_missile_attacks
    >>> tail = ",{}" + "," * 11
    >>> rows = ["2026-03-23 18:00,2026-03-24 09:00,Shahed-136/131,,Ukraine,,392,365,,"
    ...         + tail + "kpszsu/posts/a",
    ...         "2026-03-24 04:30,2026-03-24 05:30,X-101/X-555,,Ukraine,,18,18,,"
    ...         + tail + "kpszsu/posts/a",
    ...         "2026-03-24 09:00,2026-03-24 18:00,Shahed-136/131,,Ukraine,,556,541,,"
    ...         + tail + "kpszsu/posts/b"]
    >>> text = io.StringIO("\\n".join([",".join(MISSILE_COLUMNS), *rows, ""]))
    >>> catalogue = io.StringIO("model,category,national_origin,type,launch_platform,name,"
    ...     "name_NATO,in_sevice,designer,manufacturer,guidance_system,unit_cost\\n"
    ...     "Shahed-136/131,UAV,,,,,,,,,,\\nX-101/X-555,cruise missile,,,,,,,,,,\\n")
    >>> obs = read_missile_attacks(text, catalogue=catalogue)
    >>> waves = missile_waves(obs)
    >>> waves[["end", "category", "waves_on_date", "launched"]]
                      end        category  waves_on_date  launched
    0 2026-03-24 09:00:00  cruise missile              1      18.0
    1 2026-03-24 09:00:00           drone              2     392.0
    2 2026-03-24 18:00:00           drone              2     556.0
    """
    keys = ["wave", "command", "scope"]
    _check_table(observations, {"metric", "value", "start", "end", *keys}
                 | ({by} if by else set()))
    obs = observations
    group = [*keys, *([by] if by else [])]
    totals = obs.pivot_table(index=group, columns="metric", values="value", aggfunc="sum",
                             observed=True, sort=False)
    # the wave's outer window: the id holds it, and the earliest start / latest end agree
    span = obs.groupby("wave", sort=False).agg(start=("start", "min"), end=("end", "max"))
    out = totals.reset_index().join(span, on="wave")
    out["date"] = out["end"].dt.normalize()
    count_by = ["command", "date", *([by] if by else [])]
    out["waves_on_date"] = out.groupby(count_by, sort=False)["wave"].transform("nunique")
    metrics = [m for m in MISSILE_METRICS if m in totals.columns]
    metrics += [m for m in totals.columns if m not in metrics]
    cols = [*keys, "start", "end", "date", *([by] if by else []), "waves_on_date", *metrics]
    out = out[cols].sort_values(["end", "command", *([by] if by else [])], kind="mergesort")
    out.columns.name = None
    return out.reset_index(drop=True)


def find_lost_track_break(
    observations: pd.DataFrame, *, window: int = 10, share: float = 0.8
) -> pd.Timestamp:
    """Find the date from which the national posts report "lost track" apart.

    Parameters
    ----------
    observations : DataFrame
        The table of :func:`read_missile_attacks`.
    window : int
        How many nationwide drone waves, from a candidate on, are looked at.
        Default 10.
    share : float
        The share of those waves that must report ``not_reach_goal``. Default 0.8.

    Returns
    -------
    Timestamp
        The morning (``end``) date of the first nationwide drone wave that reports
        ``not_reach_goal`` and from which at least ``share`` of ``window`` waves do.

    Notes
    -----
    Before mid-2024 the Air Force's posts give launched and destroyed only; from
    summer 2024 they give the drones "locationally lost" (mostly to electronic
    warfare) apart. The rule: take the nationwide (``scope == "national"``) waves
    with drones (:func:`missile_waves`, ``category == "drone"``) that end before
    the ``EW`` break found by :func:`find_definition_break`; a wave reports the
    field when one of its drone rows does. The break is the first such wave that
    reports it and is followed, within ``window`` waves counting itself, by at
    least ``ceil(share * window)`` that do. A single early report (10 Jul 2024)
    does not move it; a few later waves that leave the field empty do not either.

    Examples
    --------
    >>> from conflictstats.sources import find_lost_track_break, read_missile_attacks
    >>> obs = read_missile_attacks("missile_attacks_daily.csv")  # doctest: +SKIP
    >>> find_lost_track_break(obs)  # doctest: +SKIP
    Timestamp('2024-08-27 00:00:00')
    """
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise InputError(f"window must be a whole number of waves >= 1; got {window!r}")
    if not 0 < share <= 1:
        raise InputError(f"share must be in (0, 1]; got {share!r}")
    _check_table(observations, {"metric", "value", "end", "scope", "category", "wave"})
    sel = observations[(observations["scope"] == "national")
                       & (observations["category"] == "drone")]
    waves = missile_waves(sel, by=None)
    if "not_reach_goal" not in waves or waves.empty:
        raise InputError("observations: no nationwide drone rows with not_reach_goal")
    try:
        ew = find_definition_break(observations)
        waves = waves.loc[waves["date"] < ew]
    except InputError:  # no EW break in these rows: every wave counts
        pass
    filled = waves["not_reach_goal"].notna().to_numpy()
    if len(filled) == 0:
        raise InputError("observations: no nationwide drone waves before the EW break")
    need = int(np.ceil(share * window))
    ahead = np.convolve(filled.astype(int), np.ones(window, dtype=int))[window - 1:]
    ok = filled & (ahead >= need)
    if not ok.any():
        raise InputError(f"observations: no {window} nationwide drone waves of which "
                         f"{need} report not_reach_goal")
    return pd.Timestamp(waves["date"].to_numpy()[np.argmax(ok)])


def _load(path: str | os.PathLike[str], catalogue: str | os.PathLike[str] | None,
          definition_break: Any, lost_track_break: Any = None) -> ObservationTable:
    p = as_path(path, name="read_missile_attacks")
    name = f"read_missile_attacks({file_name(p)})"
    raw, info = read_csv_checked(p, name=name, dtype={
        "time_start": str, "time_end": str, "model": str, "target": str,
        "border_crossing": str, "source": str, "launch_place": str})
    check_columns(raw.columns, MISSILE_COLUMNS, name=name)
    start = parse_times(raw, "time_start", name=name, info=info)
    end = parse_times(raw, "time_end", name=name, info=info)
    before = end < start
    if before.any():
        label = raw.index[np.flatnonzero(before.to_numpy())[0]]
        raise SourceLayoutError(
            f"{name}: {cell_at(raw, label, 'time_end', info)}: time_end "
            f"({raw.loc[label, 'time_end']}) is before "
            f"time_start ({raw.loc[label, 'time_start']})"
        )
    date_only = (raw["time_start"].str.strip().str.len() <= 10) | (
        raw["time_end"].str.strip().str.len() <= 10
    )

    values = pd.DataFrame(index=raw.index)
    for col in ("launched", "destroyed", "not_reach_goal", "still_attacking"):
        values[col] = numeric_column(raw, col, name=name, info=info)
    border, crossed = _border(raw["border_crossing"], name=name, info=info)
    values["border_crossing"] = border
    rest = (values["launched"] - values["destroyed"] - values["not_reach_goal"].fillna(0)
            - values["still_attacking"].fillna(0) - values["border_crossing"].fillna(0))
    values["unaccounted"] = rest.clip(lower=0).where(rest.notna())

    # without the catalogue, the error is raised once the file's own content is
    # checked (a bad cell of the file is named first)
    no_catalogue = ""
    if catalogue is None:
        default = p.with_name(CATALOGUE_FILE) if isinstance(p, Path) else None
        if default is None or not default.is_file():
            where = (f"put it beside {p.name} (in {p.parent}) or pass catalogue="
                     if isinstance(p, Path) else "pass its path as catalogue=")
            no_catalogue = (
                f"{name}: the model catalogue {CATALOGUE_FILE} is needed to tell drones from "
                f"missiles; {where}; fetch both into one folder with "
                "conflictstats.sources.fetch_dataset('missile_attacks')")
        catalogue = default
    cat = None if no_catalogue or catalogue is None else read_missile_catalogue(catalogue)
    model = _norm_text(raw["model"]).fillna("")
    cats = _categories(model, cat)
    category = model.map(cats["category"]).fillna("unknown").astype(object)
    combined = model.map(cats["combined"]).fillna(False).astype(bool)


    target = _norm_text(raw["target"])
    command, scope = _commands(raw["source"])
    wave = _waves(command, start, end)
    brk = EW_DEFINITION_BREAK if definition_break is None else as_timestamp(
        definition_break, name="definition_break")
    lost = LOST_TRACK_BREAK if lost_track_break is None else as_timestamp(
        lost_track_break, name="lost_track_break")
    if lost > brk:
        raise InputError(f"lost_track_break ({lost.date()}) must not be after "
                         f"definition_break ({brk.date()})")
    # by the wave's morning date, so the rows of one wave share one definition
    # (each distinct wave id parsed once)
    codes, ids = pd.factorize(wave)
    day = pd.Series(pd.to_datetime(pd.Index(ids).str.split("|").str[1]).normalize()[codes],
                    index=wave.index)
    definition = np.where(day >= brk, _INCLUDES, np.where(day >= lost, _EXCLUDES,
                                                          _LOST_NOT_REPORTED))

    table = melt_wide(
        values,
        {m: m for m in MISSILE_METRICS},
        unit="count",
        kind="flow",
        start=start,
        end=end,
        entity=_NATIONAL,
        source=raw["source"].astype(object),
        extra={
            "model": model.replace("", pd.NA).astype(object),
            "category": category,
            "combined": combined,
            "target": target.astype(object),
            "command": command,
            "scope": scope,
            "wave": wave,
            "definition": pd.Series(definition, index=raw.index, dtype=object),
            "launch_place": _norm_text(raw["launch_place"]).astype(object),
            "crossed_into": crossed.astype(object),
            "date_only": date_only.astype(bool),
        },
        reasons={
            "launched": "launched is missing (NaN) in the file",
            "destroyed": "destroyed is missing (NaN) in the file",
            "not_reach_goal": "not_reach_goal not reported (NaN; reported 2024-07 to 2025-07)",
            "still_attacking": "still_attacking not reported (NaN)",
            "border_crossing": "border_crossing is missing (NaN) in the file",
            "unaccounted": "unaccounted cannot be derived: launched or destroyed is missing",
        },
        name=name,
        info=info,
    )
    if no_catalogue:
        raise InputError(no_catalogue)
    # a negative remainder means the outcomes exceed launched: not a count, set aside
    over = (rest < 0).to_numpy()
    if over.any():
        obs = table.observations
        is_unacc = (obs["metric"] == "unaccounted").to_numpy()
        bad_rows = set(raw.index[over])
        mask = is_unacc & obs["row"].isin(bad_rows).to_numpy()
        excess = (-rest).reindex(obs["row"].to_numpy()).to_numpy()
        why = pd.Series("", index=obs.index, dtype=object)
        why[mask] = "outcomes exceed launched by " + fmt_g(excess[mask])
        table = set_aside_rows(table, mask, why, column="unaccounted")
    return check_plausibility(table, raw, SPEC.plausibility, name=name, info=info)


@screening
def screen_missile_attacks(
    path: str | os.PathLike[str],
    *,
    catalogue: str | os.PathLike[str] | None = None,
    definition_break: str | pd.Timestamp | None = None,
    lost_track_break: str | pd.Timestamp | None = None,
) -> ObservationTable:
    """Read the missile-attack file, returning the observations and the set-aside cells.

    {screen.intro}

    The same as :func:`read_missile_attacks`, but the cells that are not
    observations (a missing figure, an outcome that cannot be derived) are kept
    in ``set_aside`` with the reason, so every input row is accounted for:
    ``len(observations) + len(set_aside) == rows x len(MISSILE_METRICS)``.

    Parameters
    ----------
    path, catalogue, definition_break, lost_track_break
        As for :func:`read_missile_attacks`.

    Returns
    -------
    {screen.returns}

    Examples
    --------
    >>> from conflictstats.sources import screen_missile_attacks
    >>> table = screen_missile_attacks("missile_attacks_daily.csv")  # doctest: +SKIP
    >>> table.set_aside["reason"].value_counts().head(2)  # doctest: +SKIP
    """
    return _load(path, catalogue, definition_break, lost_track_break)


@reading
def read_missile_attacks(
    path: str | os.PathLike[str],
    *,
    catalogue: str | os.PathLike[str] | None = None,
    definition_break: str | pd.Timestamp | None = None,
    lost_track_break: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read "Massive Missile Attacks on Ukraine" into the observation table.

    Origin: Petro Ivaniuk's Kaggle dataset ``piterfm/massive-missile-attacks-on-ukraine``
    (file ``missile_attacks_daily.csv`` and the catalogue ``missiles_and_uavs.csv``),
    compiled from the posts of the Ukrainian Air Force (``kpszsu``) and the regional
    commands (``PvKPivden`` ...). One input row is one weapon model in one report.

    Parameters
    ----------
    path : str or path
        ``missile_attacks_daily.csv``.
    catalogue : str or path, optional
        The model catalogue ``missiles_and_uavs.csv``; by default the file of
        that name in the same folder, which must then be there (without it
        drones and missiles cannot be told apart).
    definition_break : date, optional
        The first morning date on which ``destroyed`` includes EW-suppressed
        drones; default :data:`EW_DEFINITION_BREAK` (2025-07-24).
    lost_track_break : date, optional
        The first morning date from which "lost track" (``not_reach_goal``) is
        reported apart from ``destroyed``; default :data:`LOST_TRACK_BREAK`
        (2024-08-27).

    Returns
    -------
    DataFrame
        The observation table (``metric``, ``value``, ``unit`` = ``count``,
        ``start``, ``end``, ``kind`` = ``flow``, ``qualifier`` = ``exact``,
        ``entity`` = ``Ukraine``, ``source`` = the post path), one row per reported
        figure, with the extra columns:

        - ``row``: the input row (0 = first data line of the file);
        - ``model``: the model string as in the file (Cyrillic kept, NFC);
        - ``category``: ``drone``, ``cruise missile``, ``ballistic missile``,
          ``surface-to-air missile``, ``guided bomb``, ``combined`` (several models
          of different categories in one row) or ``unknown`` (not in the catalogue);
        - ``combined``: True when the row lists several models joined by "and";
        - ``target``: what the attack aimed at (the country, a macro-region, an
          oblast or a city); it does not say who reported;
        - ``command``: who reported, from the first part of ``source``
          (:data:`MISSILE_COMMANDS`): ``national`` (the Air Force, ``kpszsu``),
          ``south``, ``east``, ``west``, ``center`` (the regional air commands
          ``PvKPivden``, ``pvkshid``, ``PvkZahid``, ``PvkCenter``) or ``other``;
        - ``scope``: ``national`` for the national command's posts whatever their
          target, ``regional`` for the regional commands, ``other`` for the rest
          (General Staff and Commander-in-Chief posts, news and monitoring links:
          not the Air Force's own count, and they overlap it);
        - ``wave``: the reported attack the row belongs to,
          ``command|end|start`` of the wave's window (see Notes);
        - ``definition``: what ``destroyed`` counts, by the wave's morning date:
          ``lost_track_not_reported`` before ``lost_track_break`` (lost drones
          are not reported apart), ``destroyed_excludes_ew`` from it (lost track
          apart, EW-suppressed drones not in ``destroyed``),
          ``destroyed_includes_ew`` from ``definition_break``;
        - ``launch_place``, ``crossed_into`` (e.g. ``belarus:5``), ``date_only``
          (the file gave a date without a clock time).

        Metrics (see :data:`MISSILE_METRICS`): ``launched``, ``destroyed``,
        ``not_reach_goal``, ``still_attacking``, ``border_crossing`` and the derived
        ``unaccounted``.

    Raises
    ------
    {reader.raises_whole_file}
    InputError
        When no catalogue is given and ``missiles_and_uavs.csv`` is not beside
        the file (naming the file and the folder).
    SourceLayoutError
        When the file's columns differ from the 22 expected ones (naming the
        missing and unknown columns), a timestamp or dict cell cannot be parsed,
        or an end is before its start.

    See Also
    --------
    screen_missile_attacks : the same, with the cells set aside and why.
    find_definition_break : where the definition of ``destroyed`` changes.
    conflictstats.to_daily : daily series (``by="category"`` ...).

    Notes
    -----
    Traps handled:

    - **Mixed timestamp formats** (``YYYY-MM-DD HH:MM`` or a bare date) are parsed
      with ``format="mixed"``. Times are Kyiv wall-clock time (EET/EEST) and stay
      naive. A bare date covers that whole day (start = end = midnight).
    - **Overnight windows** keep their clock times (19:30 on 25 Nov to 09:00 on 26 Nov);
      :func:`~conflictstats.to_daily` counts them on the morning date by default.
    - **One row per model per wave**: a wave (one command's report of one
      attack) is the rows of one command with the same ``start`` and ``end``,
      with any row whose window lies inside that window (a missile salvo at
      04:30-05:30 inside the night's 18:00-09:00 report). Its id, in ``wave``, is
      ``command|end|start`` of the outer window. :func:`missile_waves` gives
      the waves' totals: "the largest attack" compares waves, "the highest day"
      compares days, and a day can hold several waves.
    - **Who reported is in ``source``, not in ``target``**: the national Air
      Force posts (``kpszsu``) give the nationwide figures whatever their target
      (21 Nov 2024: 7 X-101, 1 Kinzhal and 1 "ICBM" on Dnipro). The regional
      commands report their own interceptions (``scope == "regional"``), which
      the national posts usually include: summing both double-counts, so they
      are their own series (select ``scope == "national"`` for national totals,
      ``scope == "regional"`` by ``command`` for the regional ones). A few rows
      come from the General Staff, the Commander-in-Chief or news links
      (``scope == "other"``): other counts of the same attacks, kept apart.
    - **Combined model names**: ``Shahed-136/131`` (slash) is one class; rows
      listing several models with "and" keep their raw ``model`` and are not split,
      because their counts cannot be apportioned. Their category is the parts'
      common category, or ``combined``.
    - **Unknown models**: model strings with no catalogue entry whose parts are not
      all catalogued get ``unknown``; in the file of 2026-04-05 they are
      ``Aerial Bomb``, ``Картограф``, ``Привет-82`` and ``Фенікс``. List them with
      ``obs.loc[obs.category == "unknown", "model"].unique()``.
    - **Python-dict text**: ``border_crossing`` (``{'belarus': 5.0}``, ``{}`` = none)
      is parsed with :func:`ast.literal_eval`, NaN-safe; ``{}`` means 0.
    - **Two definition changes**: ``not_reach_goal`` (lost track, mostly EW) is
      reported apart only from :data:`LOST_TRACK_BREAK` (before, it is empty and
      the lost drones are not told apart); from :data:`EW_DEFINITION_BREAK`
      EW-suppressed drones are counted in ``destroyed``. destroyed/launched is
      not comparable across either break; the ``definition`` column says which
      definition a row follows.
    - **Missing figures** (NaN) are not observations: they are set aside with a
      reason (:func:`screen_missile_attacks`). The derived
      ``unaccounted = launched - destroyed - not_reach_goal - still_attacking -
      border_crossing`` treats a missing outcome as 0, needs launched and destroyed,
      and is set aside when the outcomes exceed launched.
    - **Impossible rows** (the declaration's ``plausibility``): an
      outcome above launched, or outcomes summing above it, and a line that repeats
      an earlier one exactly are refused, naming the line (the file of 2026-04-05
      has one: line 1620, 15 destroyed and 11 lost track of 16 launched);
      :func:`screen_missile_attacks` sets the whole row aside instead.

    References
    ----------
    .. [1] P. Ivaniuk, "Massive Missile Attacks on Ukraine", Kaggle dataset
       piterfm/massive-missile-attacks-on-ukraine.

    Examples
    --------
    A file with one overnight wave (two models) in the upstream layout, and a
    catalogue of its two models (the reader needs one; beside a file on disk it
    is found by name):

    >>> import io
    >>> import conflictstats as cs
    >>> from conflictstats.sources import MISSILE_COLUMNS, read_missile_attacks
    >>> rows = ["2024-11-25 19:30,2024-11-26 09:00,Shahed-136/131,,Ukraine,,188,76,95,,"
    ...         "\\"{'belarus': 5.0}\\"" + "," * 11 + "kpszsu/posts/1",
    ...         "2024-11-25 19:30,2024-11-26 09:00,Iskander-M,,Dnipro,,4,0,,,{}"
    ...         + "," * 11 + "kpszsu/posts/1"]
    >>> text = io.StringIO("\\n".join([",".join(MISSILE_COLUMNS), *rows, ""]))
    >>> catalogue = io.StringIO("model,category,national_origin,type,launch_platform,name,"
    ...     "name_NATO,in_sevice,designer,manufacturer,guidance_system,unit_cost\\n"
    ...     "Shahed-136/131,UAV,,,,,,,,,,\\nIskander-M,ballistic missile,,,,,,,,,,\\n")
    >>> obs = read_missile_attacks(text, catalogue=catalogue)
    >>> obs[obs.row == 0][["metric", "value", "crossed_into", "definition"]]
                metric  value crossed_into             definition
    0         launched  188.0    belarus:5  destroyed_excludes_ew
    1        destroyed   76.0    belarus:5  destroyed_excludes_ew
    2   not_reach_goal   95.0    belarus:5  destroyed_excludes_ew
    3  border_crossing    5.0    belarus:5  destroyed_excludes_ew
    4      unaccounted   12.0    belarus:5  destroyed_excludes_ew

    Both rows are the national command's post (whatever the target), one wave:

    >>> obs.drop_duplicates("row")[["target", "scope", "wave"]]
        target     scope                                       wave
    0  Ukraine  national  national|2024-11-26 09:00|2024-11-25 19:30
    5   Dnipro  national  national|2024-11-26 09:00|2024-11-25 19:30

    Daily totals of the nationwide reports, waves counted on the morning date:

    >>> national = obs[obs.scope == "national"]
    >>> cs.to_daily(national, metric="launched", conflict="sum")
    date
    2024-11-26    192.0
    Freq: D, Name: launched, dtype: float64
    """
    table = _load(path, catalogue, definition_break, lost_track_break)
    return table.observations


#: What this dataset's rows mean (see :class:`~conflictstats.sources.SourceSpec`).
SPEC = SourceSpec(
    name="missile_attacks",
    title="Massive Missile Attacks on Ukraine",
    publisher="Ukrainian Air Force via P. Ivaniuk",
    credit="Ukrainian Air Force (kpszsu) and regional air commands, compiled by Petro Ivaniuk "
           "(Kaggle, Massive Missile Attacks on Ukraine)",
    licence="as stated on the upstream Kaggle page",
    reader="read_missile_attacks",
    screener="screen_missile_attacks",
    files=("missile_attacks_daily.csv",),
    companions=("missiles_and_uavs.csv",),
    file_hints=("missile_attacks", "missiles_and_uavs"),
    fetch=("missile_attacks", "missile_catalogue"),
    scope="Nationwide figures are the posts of the national Air Force command (source "
          "'kpszsu/...' or its Telegram channel), whatever their target (the whole country, "
          "an oblast or a city); the regional air commands South, East, West and Center "
          "(sources 'PvKPivden', 'pvkshid', 'PvkZahid', 'PvkCenter') report their own "
          "interceptions, which overlap the national posts, and form their own series "
          "(column 'command'), never summed with the national ones. Posts of the General "
          "Staff or the Commander-in-Chief and news links are scope 'other': other counts of "
          "the same attacks, kept apart.",
    event_dates="happened",
    event_dates_note="Each row is one weapon model in one reported wave (attack), with the "
                     "wave's start and end in Kyiv time; a wave counts on its morning (end) "
                     "date, and a day can hold several waves (column 'wave'; "
                     "missile_waves gives their totals).",
    date_phrase="on {date}",
    date_caption="an overnight attack counts on its morning date",
    definitions={
        "launched": "weapons launched in the wave (the report's total for this model)",
        "destroyed": "shot down; from 24 Jul 2025 also those suppressed by electronic warfare",
        "not_reach_goal": "'locationally lost' (lost track), mostly to electronic warfare",
        "still_attacking": "still in the air when the report was published",
        "border_crossing": "flew on into another country",
        "unaccounted": "launched minus every reported outcome",
    },
    breaks=(
        DefinitionBreak(
            date=LOST_TRACK_BREAK, metrics=("destroyed", "not_reach_goal", "unaccounted"),
            before=_LOST_NOT_REPORTED, after=_EXCLUDES,
            description="'lost track' (not_reach_goal) is reported apart from 'destroyed' "
                        "in the national posts"),
        DefinitionBreak(
            date=EW_DEFINITION_BREAK, metrics=("destroyed", "not_reach_goal", "unaccounted"),
            before=_EXCLUDES, after=_INCLUDES,
            description="drones suppressed by electronic warfare are counted in 'destroyed' "
                        "(not_reach_goal about 0 from then on)"),
    ),
    series=SeriesRule(
        split=("command", "category"),
        optional_split=("model",),
        rows={"scope": "national"},
        rows_note="the national Air Force command's posts (source 'kpszsu'), whatever their "
                  "target; the regional commands' reports overlap them and are their own "
                  "series (--where scope=regional)",
        headline=("launched", "destroyed"),
        rates={"launched": ("destroyed", "not_reach_goal")},
        comparable="definition",
        labels={"not_reach_goal": "lost track", "still_attacking": "still in the air",
                "border_crossing": "crossed the border"},
        nouns={"drone": "drones", "cruise missile": "cruise missiles",
               "ballistic missile": "ballistic missiles",
               "surface-to-air missile": "surface-to-air missiles",
               "guided bomb": "guided bombs", "combined": "weapons in mixed reports",
               "unknown": "uncatalogued weapons"},
    ),
    plausibility=Plausibility(
        parts={"launched": ("destroyed", "not_reach_goal", "still_attacking",
                            "border_crossing")},
    ),
)

"""Reader of the General Staff's claimed Russian losses (PetroIvaniuk's dataset)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._files import LineInfo, read_csv_checked, read_json_with_lines, strict
from ..observations import ObservationTable
from ._common import (
    SourceLayoutError,
    as_path,
    cell_at,
    check_columns,
    check_plausibility,
    file_name,
    melt_wide,
    numeric_column,
    parse_times,
    reading,
    screening,
    whole_column,
)
from ._spec import Plausibility, SeriesRule, SourceSpec

__all__ = ["LOSSES_MERGED", "read_general_staff_losses", "screen_general_staff_losses"]

_PERSONNEL = ("date", "day", "personnel", "personnel*", "POW")
_EQUIPMENT = ("date", "day", "aircraft", "helicopter", "tank", "APC", "field artillery", "MRL",
              "military auto", "fuel tank", "drone", "naval ship", "anti-aircraft warfare",
              "special equipment", "mobile SRBM system", "greatest losses direction",
              "vehicles and fuel tanks", "cruise missiles", "submarines",
              "ground robotic systems")
_CORRECTION = "russia_losses_equipment_correction.json"

#: Columns the source stopped on 2022-04-30 -> the column they were merged into
#: from 2022-05-01 (so the later series includes what the earlier ones counted).
LOSSES_MERGED: dict[str, str] = {
    "military_auto": "vehicles_and_fuel_tanks",
    "fuel_tank": "vehicles_and_fuel_tanks",
    "mobile_srbm_system": "cruise_missiles",
}

_QUALIFIERS = {"about": "about", "more": "more_than"}


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _read(p: Any, name: str) -> tuple[pd.DataFrame, LineInfo]:
    if file_name(p).lower().endswith(".json"):
        data, info = read_json_with_lines(p, name=name)
        if not isinstance(data, list) or not data:
            found = "an empty list" if isinstance(data, list) else type(data).__name__
            raise SourceLayoutError(f"{name}: expected a JSON list of daily records; found "
                                    f"{found}")
        return pd.DataFrame(data), info
    return read_csv_checked(p, name=name)


def _corrections(path: Any, name: str) -> pd.DataFrame:
    """Long table (date, metric, delta) of the source's own corrections."""
    p = as_path(path, name=name)
    name = f"{name}, corrections file {file_name(p)}"
    with strict():  # a side file: never partly read
        raw, info = _read(p, name)
    if "date" not in raw.columns:
        raise SourceLayoutError(f"{name}: corrections file without a 'date' column; found "
                                f"{list(raw.columns)}")
    raw["date"] = parse_times(raw, "date", name=name, info=info)
    long = raw.drop(columns=[c for c in ("day",) if c in raw]).melt(
        id_vars="date", var_name="column", value_name="delta")
    long = long[long["delta"].fillna(0) != 0]
    long["metric"] = long["column"].map(_snake)
    return long[["date", "metric", "delta"]]


@screening
def screen_general_staff_losses(
    path: str | os.PathLike[str],
    *,
    corrections: str | os.PathLike[str] | None = None,
) -> ObservationTable:
    """Read a General Staff losses file, returning observations and set-aside cells.

    {screen.intro}

    Parameters
    ----------
    path, corrections
        As for :func:`read_general_staff_losses`.

    Returns
    -------
    {screen.returns}
    """
    p = as_path(path, name="read_general_staff_losses")
    name = f"read_general_staff_losses({file_name(p)})"
    raw, info = _read(p, name)
    cols = [str(c) for c in raw.columns]
    if "personnel" in cols:
        check_columns(cols, _PERSONNEL, name=name)
        word = raw["personnel*"].astype("string").str.strip().str.lower()
        bad = ~word.isin(list(_QUALIFIERS)).fillna(False)
        if bad.any():
            label = raw.index[np.flatnonzero(bad.to_numpy())[0]]
            raise SourceLayoutError(
                f"{name}: {cell_at(raw, label, 'personnel*', info)}: expected 'about' or 'more'; "
                f"got {raw.loc[label, 'personnel*']!r}"
            )
        metrics = {"personnel": "personnel", "POW": "pow"}
        qualifier: dict[str, Any] = {"personnel": word.map(_QUALIFIERS).astype(object)}
        extra: dict[str, Any] = {"day": whole_column(raw, "day", name=name, info=info)}
        reasons = {"POW": "POW not reported after 2022-04-28 (NaN)"}
    else:
        check_columns(cols, _EQUIPMENT, name=name)
        metrics = {c: _snake(c) for c in _EQUIPMENT
                   if c not in ("date", "day", "greatest losses direction")}
        qualifier = {}
        direction = raw["greatest losses direction"].astype("string").str.strip()
        extra = {"day": whole_column(raw, "day", name=name, info=info),
                 "greatest_losses_direction": direction.astype(object)}
        reasons = {c: f"{c} not reported on this date (the column starts later or was "
                      "merged into another)" for c in metrics}
    end = parse_times(raw, "date", name=name, info=info)
    values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info) for c in metrics},
                          index=raw.index)
    table = melt_wide(
        values, metrics, unit="count", kind="cumulative", start=end, end=end,
        entity="Russia", source="general_staff_ua", qualifier=qualifier, extra=extra,
        reasons=reasons, name=name, info=info,
    )
    obs = table.observations
    obs["merged_into"] = obs["metric"].map(LOSSES_MERGED).astype(object)
    corr_path: Any = corrections
    if corr_path is None and isinstance(p, Path) and (p.with_name(_CORRECTION)).exists():
        corr_path = p.with_name(_CORRECTION)
    flag = pd.Series(None, index=obs.index, dtype=object)
    if corr_path is not None:
        corr = _corrections(corr_path, name)
        key = pd.MultiIndex.from_frame(corr[["date", "metric"]])
        hit = pd.MultiIndex.from_arrays([obs["end"], obs["metric"]]).isin(key)
        flag[hit] = "correction"
    obs["flag"] = flag
    return check_plausibility(ObservationTable(observations=obs, set_aside=table.set_aside),
                              raw, SPEC.plausibility, name=name, info=info)


@reading
def read_general_staff_losses(
    path: str | os.PathLike[str],
    *,
    corrections: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Read the Russian losses claimed by Ukraine's General Staff into observations.

    Origin: ``PetroIvaniuk/2022-Ukraine-Russia-War-Dataset`` (``data/``), compiled
    from the daily posts of the General Staff of the Armed Forces of Ukraine and
    the Ministry of Defence. These are official Ukrainian claims, not verified.

    Parameters
    ----------
    path : str or path
        ``russia_losses_personnel.json`` / ``.csv`` or
        ``russia_losses_equipment.json`` / ``.csv`` (recognised by the columns).
    corrections : str or path, optional
        ``russia_losses_equipment_correction.json`` (the source's own signed
        corrections); by default the file of that name in the same folder, if
        present.

    Returns
    -------
    DataFrame
        The observation table: ``kind`` = ``cumulative`` (running totals since
        2022-02-24), ``unit`` = ``count``, ``start`` = ``end`` = the date,
        ``entity`` = ``Russia``, ``source`` = ``general_staff_ua``; extra columns
        ``row``, ``day`` (days since 2022-02-23), ``merged_into`` (for the columns
        the source merged later), ``flag`` (``correction`` where the corrections
        file lists a change of that metric on that date) and, for equipment,
        ``greatest_losses_direction`` (free text, 2022-04-25 to 2023-01-02).
        Metrics: ``personnel`` (qualifier ``about`` or ``more_than``, from the
        ``personnel*`` column) and ``pow``; or the equipment columns in snake_case:
        ``aircraft``, ``helicopter``, ``tank``, ``apc``, ``field_artillery``,
        ``mrl``, ``military_auto``, ``fuel_tank``, ``drone``, ``naval_ship``,
        ``anti_aircraft_warfare``, ``special_equipment``, ``mobile_srbm_system``,
        ``vehicles_and_fuel_tanks``, ``cruise_missiles``, ``submarines``,
        ``ground_robotic_systems``.

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When columns are missing or unknown (the message lists both), or the
        ``personnel*`` word is not ``about``/``more``.

    Notes
    -----
    Traps handled:

    - **Cumulative totals**: ``kind="cumulative"``, so
      :func:`conflictstats.to_daily` differences them; the first row (2022-02-25,
      day 2) is already a two-day total and only sets the base.
    - **Corrections**: the totals sometimes go down; the source's corrections
      file names the dates, flagged ``correction``. ``to_daily`` keeps negative
      steps and warns.
    - **Renamed and merged columns**: ``military_auto`` and ``fuel_tank`` end on
      2022-04-30 and are merged into ``vehicles_and_fuel_tanks``;
      ``mobile_srbm_system`` into ``cruise_missiles`` (:data:`LOSSES_MERGED`).
      They are kept as separate metrics, not spliced, because the merged column
      does not start at their sum.
    - **Columns that start later** (``special_equipment``, ``submarines``,
      ``ground_robotic_systems``) are empty before: those cells are set aside
      (:func:`screen_general_staff_losses`), never read as zero.
    - **Qualifier**: ``personnel*`` ("about", "more") becomes the ``qualifier``.
    - **CSV and JSON** copies give the same observations (the CSVs are pandas
      conversions of the JSON). The corrections file also has a ``personnel``
      column, so personnel totals are flagged on the dates it changes them too.
    - ``russia_losses_equipment_oryx.json`` (Oryx's totals per model mapped to
      the General Staff's categories, undated) is not a series of claims and is
      refused with a :class:`SourceLayoutError` naming its columns.

    References
    ----------
    .. [1] P. Ivaniuk, 2022-Ukraine-Russia-War-Dataset (GitHub), commit 37655f8b.

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import read_general_staff_losses
    >>> text = io.StringIO("date,day,personnel,personnel*,POW\\n"
    ...                    "2022-02-25,2,2800,about,0.0\\n2022-02-26,3,4300,more,\\n")
    >>> read_general_staff_losses(text)[["metric", "value", "end", "qualifier"]]
          metric   value        end  qualifier
    0  personnel  2800.0 2022-02-25      about
    1        pow     0.0 2022-02-25      exact
    2  personnel  4300.0 2022-02-26  more_than
    """
    return screen_general_staff_losses(path, corrections=corrections).observations


#: What the General Staff loss files mean (see :class:`~conflictstats.sources.SourceSpec`).
SPEC = SourceSpec(
    name="general_staff_losses",
    title="Russian losses claimed by Ukraine",
    publisher="General Staff of the Armed Forces of Ukraine via P. Ivaniuk",
    credit="General Staff of the Armed Forces of Ukraine, compiled by Petro Ivaniuk "
           "(2022-Ukraine-Russia-War-Dataset)",
    licence="MIT (the compilation)",
    reader="read_general_staff_losses",
    screener="screen_general_staff_losses",
    files=("russia_losses_equipment.json", "russia_losses_personnel.json"),
    file_hints=("russia_losses",),
    fetch=("losses_equipment", "losses_personnel", "losses_equipment_correction"),
    scope="Russian personnel and equipment losses claimed by Ukraine's General Staff, "
          "nationwide; not independently verified.",
    event_dates="reported",
    event_dates_note="Each morning's post gives running totals; the increase over the "
                     "previous post covers roughly the 24 hours to that morning (losses of "
                     "17 Nov appear in the post of 18 Nov).",
    date_phrase="in the 24 hours to the morning report of {date}",
    date_caption="days are report dates: each covers the 24 hours to that morning's report",
    definitions={"personnel": "Russian personnel losses, as claimed (killed and wounded are "
                               "not given apart)",
                 "vehicles_and_fuel_tanks": "military vehicles and fuel tankers (from 1 May "
                                            "2022 the sum of the two earlier columns)"},
    breaks=(),
    series=SeriesRule(
        split=("entity",),
        note="Figures claimed by Ukraine's General Staff, not independently verified.",
        labels={
        "apc": "Russian armoured personnel carriers lost (claimed)",
        "mrl": "Russian multiple rocket launchers lost (claimed)",
        "anti_aircraft_warfare": "Russian air-defence systems lost (claimed)",
        "tank": "Russian tanks lost (claimed)",
        "field_artillery": "Russian artillery systems lost (claimed)",
        "drone": "Russian drones lost (claimed)",
        "helicopter": "Russian helicopters lost (claimed)",
        "naval_ship": "Russian warships lost (claimed)",
        "submarines": "Russian submarines lost (claimed)",
        "cruise_missiles": "Russian cruise missiles shot down (claimed)",
        "mobile_srbm_system": "Russian short-range ballistic missile launchers lost (claimed)",
        "military_auto": "Russian military vehicles lost (claimed)",
        "fuel_tank": "Russian fuel tankers lost (claimed)",
        "aircraft": "Russian aircraft lost (claimed)",
        "special_equipment": "Russian special equipment lost (claimed)",
        "vehicles_and_fuel_tanks": "Russian vehicles and fuel tanks lost (claimed)",
        "ground_robotic_systems": "Russian ground robotic systems lost (claimed)",
        "personnel": "Russian personnel lost (claimed)",
    },
    ),
    plausibility=Plausibility(running_total_dips=True),
)

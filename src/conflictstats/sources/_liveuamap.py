"""Reader of the Liveuamap territory series (conflict-investigations/liveuamap-analysis)."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from .._files import LineInfo, read_csv_checked, read_json_with_lines
from ..observations import ObservationTable
from ._common import (
    SourceLayoutError,
    as_path,
    check_columns,
    check_plausibility,
    file_name,
    melt_wide,
    numeric_column,
    parse_times,
    reading,
    screening,
)
from ._spec import SeriesRule, SourceSpec

__all__ = [
    "NZZ_SPEC",
    "SPEC",
    "read_liveuamap_territory",
    "read_nzz_area",
    "screen_liveuamap_territory",
    "screen_nzz_area",
]

#: The day of the full-scale invasion; earlier rows hold the pre-2022 occupied area.
INVASION = pd.Timestamp("2022-02-24")


def _is_json(p: Any) -> bool:
    name = file_name(p).lower()
    return name.endswith(".json")


def _screen_area(p: Any, *, name: str, json: bool) -> ObservationTable:
    """The area file ``p`` (Liveuamap's CSV, or NZZ's JSON) as observations."""
    if json:
        data, info_json = read_json_with_lines(p, name=name)
        info: LineInfo = info_json
        if not isinstance(data, dict):
            raise SourceLayoutError(
                f"{name}: expected a JSON object mapping dates to km2; found "
                f"{type(data).__name__}"
            )
        raw = pd.DataFrame({"date": list(data), "area": list(data.values())})
        source = "nzz"
    else:
        raw, info = read_csv_checked(p, name=name)
        check_columns(raw.columns, ("date", "area"), name=name)
        source = "liveuamap"
    end = parse_times(raw, "date", name=name, info=info)
    values = pd.DataFrame({"area": numeric_column(raw, "area", name=name, info=info)},
                          index=raw.index)
    flag: pd.Series = pd.Series(None, index=raw.index, dtype=object)
    flag[(end < INVASION).to_numpy()] = "pre_invasion"
    table = melt_wide(
        values,
        {"area": "occupied_area"},
        unit="km2",
        kind="level",
        start=end,
        end=end,
        entity="Ukraine",
        source=source,
        extra={"flag": flag},
        reasons={"area": "area is missing (NaN) in the file"},
        name=name,
        info=info,
    )
    rules = (NZZ_SPEC if json else SPEC).plausibility
    return check_plausibility(table, raw, rules, name=name, info=info)


@screening
def screen_liveuamap_territory(path: str | os.PathLike[str]) -> ObservationTable:
    """Read the Liveuamap area file, returning observations and set-aside cells.

    {screen.intro}

    Parameters
    ----------
    path : str or path
        As for :func:`read_liveuamap_territory`.

    Returns
    -------
    {screen.returns}
    """
    p = as_path(path, name="read_liveuamap_territory")
    name = f"read_liveuamap_territory({file_name(p)})"
    if _is_json(p):
        raise SourceLayoutError(
            f"{name}: a JSON area file is NZZ's (nzz_area_occupied.json), another source "
            "with another definition; read it with read_nzz_area (reader nzz_area)")
    return _screen_area(p, name=name, json=False)


@screening
def screen_nzz_area(path: str | os.PathLike[str]) -> ObservationTable:
    """Read NZZ's occupied-area file, returning observations and set-aside cells.

    {screen.intro}

    Parameters
    ----------
    path : str or path
        As for :func:`read_nzz_area`.

    Returns
    -------
    {screen.returns}
    """
    p = as_path(path, name="read_nzz_area")
    name = f"read_nzz_area({file_name(p)})"
    if not _is_json(p) and not hasattr(p, "read"):
        raise SourceLayoutError(f"{name}: expected NZZ's JSON file (nzz_area_occupied.json); "
                                f"got {file_name(p)}")
    return _screen_area(p, name=name, json=True)


@reading
def read_nzz_area(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the occupied area measured on NZZ's maps into the observation table.

    Origin: ``nzz_area_occupied.json`` in ``conflict-investigations/liveuamap-analysis``
    (an object mapping dates, 2022-02-24 to 2023-03-14, to km2), kept there as an
    independent comparison for Liveuamap. It is NZZ's measurement, not Liveuamap's,
    and its definition differs (see :data:`NZZ_SPEC`).

    Parameters
    ----------
    path : str or path
        ``nzz_area_occupied.json``, or an open file of that layout.

    Returns
    -------
    DataFrame
        The observation table, one row per date: ``metric`` = ``occupied_area``,
        ``unit`` = ``km2``, ``kind`` = ``level``, ``source`` = ``nzz``.

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When the file is not a JSON object.

    Notes
    -----
    The level lies about 24,000 km2 below Liveuamap's, which includes Crimea
    (83,820 vs 107,874 km2 on 2023-03-14): compare changes, not levels.

    Examples
    --------
    >>> import io, json
    >>> from conflictstats.sources import read_nzz_area
    >>> obs = read_nzz_area(io.StringIO(json.dumps(dict([("2022-02-24", 30619.8)]))))
    >>> obs[["metric", "value", "end", "source"]]
              metric    value        end source
    0  occupied_area  30619.8 2022-02-24    nzz
    """
    return screen_nzz_area(path).observations


@reading
def read_liveuamap_territory(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the Liveuamap Russian-controlled area into the observation table.

    Origin: ``conflict-investigations/liveuamap-analysis`` (``territory.csv``,
    computed from Liveuamap's control polygons, 2022-02-20 to 2025-01-16, when
    the repository stopped updating). The same repository's
    ``nzz_area_occupied.json`` is NZZ's, not Liveuamap's: read it with
    :func:`read_nzz_area`.

    Parameters
    ----------
    path : str or path
        ``territory.csv`` (columns ``date``, ``area``).

    Returns
    -------
    DataFrame
        The observation table, one row per date: ``metric`` = ``occupied_area``,
        ``unit`` = ``km2``, ``kind`` = ``level``, ``start`` = ``end`` = the date,
        ``source`` = ``liveuamap``; extra columns ``row`` and ``flag``
        (``pre_invasion`` before 2022-02-24, else missing).

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When the CSV columns are not ``date, area``, or the file is NZZ's JSON.

    Notes
    -----
    Traps handled:

    - **Levels, not gains**: ``kind="level"``; gains are differences
      (:func:`conflictstats.level_changes`).
    - **The area includes Crimea and the pre-2022 "DNR/LNR"** (42,981 km2 before
      the invasion); those pre-invasion rows are flagged ``pre_invasion``.
    - **Not comparable with DeepState in level**: different boundary and grey
      zones (111,669 vs 111,352 km2 on 2024-11-24); compare changes, not levels.

    References
    ----------
    .. [1] Liveuamap; conflict-investigations/liveuamap-analysis (commit dc0847a2).

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import read_liveuamap_territory
    >>> text = io.StringIO("date,area\\n2022-02-23 00:00:00,42980.991\\n"
    ...                    "2022-02-24 00:00:00,47106.5\\n")
    >>> obs = read_liveuamap_territory(text)
    >>> obs[["metric", "value", "end"]]
              metric      value        end
    0  occupied_area  42980.991 2022-02-23
    1  occupied_area  47106.500 2022-02-24
    >>> obs["flag"].tolist()[0]
    'pre_invasion'
    """
    return screen_liveuamap_territory(path).observations


#: What ``territory.csv`` means (see :class:`~conflictstats.sources.SourceSpec`).
SPEC = SourceSpec(
    name="liveuamap_territory",
    title="Russian-controlled area in Ukraine (Liveuamap)",
    publisher="Liveuamap via conflict-investigations/liveuamap-analysis",
    credit="Liveuamap; conflict-investigations/liveuamap-analysis",
    licence="no licence file; the repository asks for credit to the original authors",
    reader="read_liveuamap_territory",
    screener="screen_liveuamap_territory",
    files=("territory.csv",),
    file_hints=("territory",),
    fetch=("liveuamap_territory",),
    scope="Russian-controlled area of Ukraine on Liveuamap's map, including Crimea and the "
          "areas held before 2022 (42,981 km² before the invasion); grey zones and a "
          "boundary that differ from DeepState's.",
    event_dates="as_of",
    event_dates_note="The area on Liveuamap's map of that day (a level: gains are "
                     "differences between two days).",
    date_phrase="on the map of {date}",
    definitions={"occupied_area": "Russian-controlled area including Crimea and the areas "
                                  "held before 2022, km²"},
    artefacts="The rows before 24 Feb 2022 hold the pre-invasion area (flagged pre_invasion).",
    series=SeriesRule(split=("entity",), headline=("occupied_area",)),
)

#: What ``nzz_area_occupied.json`` means.
NZZ_SPEC = SourceSpec(
    name="nzz_area",
    title="Occupied area from NZZ maps",
    publisher="Neue Zürcher Zeitung (NZZ) via conflict-investigations/liveuamap-analysis",
    credit="NZZ (Neue Zürcher Zeitung) maps; conflict-investigations/liveuamap-analysis",
    licence="no licence file; the repository asks for credit to NZZ",
    reader="read_nzz_area",
    screener="screen_nzz_area",
    files=("nzz_area_occupied.json",),
    file_hints=("nzz_area",),
    fetch=("nzz_territory",),
    scope="The area occupied by Russia as drawn on NZZ's maps, 24 Feb 2022 to 14 Mar 2023. "
          "The repository does not document whether Crimea is included; the level lies "
          "about 24,000 km² below Liveuamap's Crimea-inclusive area (83,820 vs 107,874 km² "
          "on 14 Mar 2023), close to Crimea's 27,000 km², so it is not the same definition: "
          "compare changes, not levels.",
    event_dates="as_of",
    event_dates_note="The area on the NZZ map of that day (a level).",
    date_phrase="on the NZZ map of {date}",
    definitions={"occupied_area": "area occupied by Russia on NZZ's maps (Crimea apparently "
                                  "not included), km²"},
    series=SeriesRule(split=("entity",), headline=("occupied_area",)),
)

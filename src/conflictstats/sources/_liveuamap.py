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
    file_name,
    melt_wide,
    numeric_column,
    parse_times,
    reading,
    screening,
)

__all__ = ["read_liveuamap_territory", "screen_liveuamap_territory"]

#: The day of the full-scale invasion; earlier rows hold the pre-2022 occupied area.
INVASION = pd.Timestamp("2022-02-24")


def _is_json(p: Any) -> bool:
    name = file_name(p).lower()
    return name.endswith(".json")


@screening
def screen_liveuamap_territory(path: str | os.PathLike[str]) -> ObservationTable:
    """Read a Liveuamap (or NZZ) area file, returning observations and set-aside cells.

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
    return melt_wide(
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


@reading
def read_liveuamap_territory(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the Liveuamap Russian-controlled area into the observation table.

    Origin: ``conflict-investigations/liveuamap-analysis`` (``territory.csv``,
    computed from Liveuamap's control polygons, 2022-02-20 to 2025-01-16, when
    the repository stopped updating); the same repository's
    ``nzz_area_occupied.json`` (areas from NZZ.ch maps, 2022-02-24 to 2023-03-14)
    is read too, as an independent comparison.

    Parameters
    ----------
    path : str or path
        ``territory.csv`` (columns ``date``, ``area``) or ``nzz_area_occupied.json``
        (an object mapping dates to km2).

    Returns
    -------
    DataFrame
        The observation table, one row per date: ``metric`` = ``occupied_area``,
        ``unit`` = ``km2``, ``kind`` = ``level``, ``start`` = ``end`` = the date,
        ``source`` = ``liveuamap`` or ``nzz``; extra columns ``row`` and ``flag``
        (``pre_invasion`` before 2022-02-24, else missing).

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When the CSV columns are not ``date, area`` or the JSON is not an object.

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


#: How the weekly report groups this reader's rows into series (read by
#: :mod:`conflictstats.report`).
REPORT_SERIES: dict[str, Any] = {
    "publisher": "Liveuamap via conflict-investigations/liveuamap-analysis",
    "dataset": "Russian-controlled area (including Crimea and the areas held before 2022)",
    "split": ("entity",),
}

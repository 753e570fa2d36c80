"""Reader of the DeepStateMap occupied-area series (derived from public GeoJSON snapshots)."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from .._files import read_csv_checked
from ..observations import ObservationTable
from ._common import (
    SourceLayoutError,
    as_path,
    check_plausibility,
    file_name,
    melt_wide,
    numeric_column,
    parse_times,
    reading,
    screening,
)
from ._spec import SeriesRule, SourceSpec

__all__ = ["DEEPSTATE_FLAGS", "read_deepstate_area", "screen_deepstate_area"]

#: Known artefacts of the source map: (first date, last date, flag).
DEEPSTATE_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("2022-04-03", "2022-05-31", "coarse_map"),
    ("2022-09-18", "2022-09-18", "crimea_redraw"),
)

_DAILY = ("date", "snapshot_utc", "occupied_km2", "occupied_since2022_km2",
          "unknown_status_km2", "cyterat_file_date", "source")
_SNAPSHOTS = ("snapshot_utc", "unix_ts", "occupied_km2", "occupied_since2022_km2",
              "crimea_km2", "ordlo_km2", "unknown_status_km2", "liberated_km2",
              "n_occupied_polys")
_CYTERAT = ("file_date", "occupied_km2", "n_polygons")

_METRICS = {
    "occupied_km2": "occupied_area",
    "occupied_since2022_km2": "occupied_since_2022",
    "crimea_km2": "crimea_area",
    "ordlo_km2": "ordlo_area",
    "unknown_status_km2": "unknown_status_area",
    "liberated_km2": "liberated_area",
}


def _flags(dates: pd.Series) -> pd.Series:
    day = dates.dt.normalize()
    flag = pd.Series(None, index=dates.index, dtype=object)
    for first, last, name in DEEPSTATE_FLAGS:
        flag[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))] = name
    return flag


@screening
def screen_deepstate_area(path: str | os.PathLike[str]) -> ObservationTable:
    """Read a DeepState area file, returning observations and set-aside cells.

    {screen.intro}

    Parameters
    ----------
    path : str or path
        As for :func:`read_deepstate_area`.

    Returns
    -------
    {screen.returns}
    """
    p = as_path(path, name="read_deepstate_area")
    name = f"read_deepstate_area({file_name(p)})"
    raw, info = read_csv_checked(p, name=name)
    cols = set(map(str, raw.columns))
    source: Any
    extra: dict[str, Any]
    if cols == set(_DAILY):
        end = parse_times(raw, "date", name=name, info=info)
        origin = raw["source"].astype("string")
        source = ("deepstatemap/" + origin).astype(object)
        extra = {"snapshot_utc": parse_times(raw, "snapshot_utc", name=name, info=info,
                                                allow_missing=True),
                 "origin": origin.astype(object)}
        metrics = ["occupied_km2", "occupied_since2022_km2", "unknown_status_km2"]
        reason = ("not measured for this source: the cyterat files (after 2025-08-03) hold "
                  "only the total occupied area")
    elif cols == set(_SNAPSHOTS):
        end = parse_times(raw, "snapshot_utc", name=name, info=info)
        source = "deepstatemap/archive"
        extra = {"snapshot_utc": end, "origin": "archive"}
        metrics = [c for c in _SNAPSHOTS if c in _METRICS]
        reason = "missing (NaN) in the file"
    elif cols == set(_CYTERAT):
        end = parse_times(raw, "file_date", name=name, info=info) - pd.Timedelta(days=1)
        source = "deepstatemap/cyterat"
        extra = {"snapshot_utc": pd.Series(pd.NaT, index=raw.index, dtype=end.dtype),
                 "origin": "cyterat"}
        metrics = ["occupied_km2"]
        reason = "missing (NaN) in the file"
    else:
        raise SourceLayoutError(
            f"{name}: unexpected file layout; expected the columns of one of "
            f"deepstate_occupied_area_daily.csv {list(_DAILY)}, "
            f"deepstate_occupied_area_snapshots_2022-2025.csv {list(_SNAPSHOTS)} or "
            f"deepstate_occupied_area_cyterat_daily_2024-2026.csv {list(_CYTERAT)}; "
            f"found {list(raw.columns)}"
        )
    values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info) for c in metrics},
                          index=raw.index)
    extra["flag"] = _flags(end)
    table = melt_wide(
        values,
        {c: _METRICS[c] for c in metrics},
        unit="km2",
        kind="level",
        start=end,
        end=end,
        entity="Ukraine",
        source=source,
        extra=extra,
        reasons={c: reason for c in metrics},
        name=name,
        info=info,
    )
    return check_plausibility(table, raw, SPEC.plausibility, name=name, info=info)


@reading
def read_deepstate_area(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the DeepStateMap occupied-area series into the observation table.

    Origin: areas measured (geodesic, WGS84) in the public GeoJSON snapshots of
    DeepStateMap.live, archived by ``DanielRose2310/deepstatemaps-history``
    (2022-04-03 to 2025-08-03) and ``cyterat/deepstate-map-data`` (2024-07-08 to
    2026-08-22). The area files are derived, not published by DeepState.

    Parameters
    ----------
    path : str or path
        ``deepstate_occupied_area_daily.csv`` (the daily series), or
        ``deepstate_occupied_area_snapshots_2022-2025.csv`` (every snapshot) or
        ``deepstate_occupied_area_cyterat_daily_2024-2026.csv``; the layout is
        recognised from the columns.

    Returns
    -------
    DataFrame
        The observation table, ``kind`` = ``level``, ``unit`` = ``km2``,
        ``start`` = ``end`` = the as-of date (daily file) or the snapshot time, with
        extra columns ``row``, ``snapshot_utc``, ``origin`` (``archive`` or
        ``cyterat``) and ``flag`` (``coarse_map`` for 2022-04-03 to 2022-05-31,
        ``crimea_redraw`` on 2022-09-18, else missing). Metrics: ``occupied_area``
        (all occupied, incl. Crimea and the pre-2022 "ORDLO"),
        ``occupied_since_2022``, ``unknown_status_area`` (grey zone); the snapshot
        file adds ``crimea_area``, ``ordlo_area`` and ``liberated_area``.

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When the columns match none of the three layouts.

    Notes
    -----
    Traps handled:

    - **Levels, not gains.** ``kind="level"``: :func:`conflictstats.to_daily`
      leaves days without a report missing, and
      :func:`conflictstats.level_changes` turns levels into gains.
    - **Gaps** (98 days in the daily file) stay gaps: no row, never zero.
    - **Evening-UTC timing.** In the daily file ``date`` is the UTC date of the
      day's last snapshot, published mostly 18:00-22:00 UTC, i.e. the state as of
      that evening; in summer that is already the next day in Kyiv. The reader
      keeps the UTC date as ``end`` (and the snapshot time in ``snapshot_utc``).
      A cyterat file (downloaded ~03:00 UTC) shows the previous evening's map, so
      its ``end`` is ``file_date - 1 day``, as in the daily file.
    - **Map redraws** are flagged, not removed: the coarse, redrawn map of
      April-May 2022 (day-to-day jumps of +-2,000 km2) and the Crimea redraw of
      2022-09-18 (+740 km2 that is not an advance), from :data:`DEEPSTATE_FLAGS`
      into the ``flag`` column. :func:`conflictstats.to_daily` keeps them
      (``attrs["flags"]``), and ``records``, ``highest_since``, ``check_claim``
      and ``anomalies`` leave flagged days, and the weeks or windows holding
      them, out by default (``flags="include"`` uses them).
    - Missing sub-areas in the cyterat period are set aside with the reason
      (:func:`screen_deepstate_area`).

    References
    ----------
    .. [1] DeepStateMap.live; snapshots archived in DanielRose2310/deepstatemaps-history
       (commit df633a17) and cyterat/deepstate-map-data (commit e904719a).

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import read_deepstate_area
    >>> text = io.StringIO(
    ...     "file_date,occupied_km2,n_polygons\\n"
    ...     "2024-07-08,109360.869,7\\n2024-07-09,109365.862,7\\n")
    >>> obs = read_deepstate_area(text)
    >>> obs[["metric", "value", "end"]]
              metric       value        end
    0  occupied_area  109360.869 2024-07-07
    1  occupied_area  109365.862 2024-07-08
    """
    return screen_deepstate_area(path).observations


#: What the DeepState area files mean (see :class:`~conflictstats.sources.SourceSpec`).
SPEC = SourceSpec(
    name="deepstate_area",
    title="DeepStateMap occupied area",
    publisher="DeepStateMap.live, areas measured from archived map snapshots",
    credit="DeepStateMap.live; areas measured from the snapshots archived by "
           "DanielRose2310/deepstatemaps-history and cyterat/deepstate-map-data",
    licence="snapshot archives: none stated (A) and GPL-3.0 (B)",
    reader="read_deepstate_area",
    screener="screen_deepstate_area",
    files=("deepstate_occupied_area_daily.csv",),
    file_hints=("deepstate",),
    scope="The area DeepState marks as occupied, including Crimea and the areas held before "
          "2022 (CADR/CALR); grey zones and areas outside Ukraine are left out.",
    event_dates="as_of",
    event_dates_note="The area on DeepState's last map of that day (as of the evening, UTC); "
                     "a level: gains are differences between two days.",
    date_phrase="on the map of {date}",
    date_caption="levels as of each day's last map update",
    definitions={"occupied_area": "occupied area including Crimea and CADR/CALR, km²",
                 "occupied_since_2022": "occupied area less Crimea and CADR/CALR, km²",
                 "unknown_status_area": "grey zone of unknown status, km²"},
    artefacts="April-May 2022 (a coarse early map being redrawn) and the Crimea polygon "
              "redraw of 18 Sep 2022 (+740 km², not an advance) are flagged and left out of "
              "records.",
    series=SeriesRule(split=("entity",), headline=("occupied_area",)),
)

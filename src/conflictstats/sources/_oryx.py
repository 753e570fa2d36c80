"""Reader of Oryx's visually confirmed equipment losses (scarnecchia/oryx_data)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from ..observations import ObservationTable
from ._common import as_path, check_columns, file_name, melt_wide, numeric_column, parse_times

__all__ = ["ORYX_BACKFILL_DATES", "read_oryx_daily", "screen_oryx_daily"]

_DAILY = ("country", "equipment_type", "destroyed", "abandoned", "captured", "damaged",
          "type_total", "date_recorded", "destroyed_diff", "abandoned_diff", "captured_diff",
          "damaged_diff", "type_total_diff", "destroyed_diff_diff", "abandoned_diff_diff",
          "captured_diff_diff", "damaged_diff_diff", "type_total_diff_diff")
_METRICS = {"destroyed": "destroyed", "abandoned": "abandoned", "captured": "captured",
            "damaged": "damaged", "type_total": "total"}

#: Dates whose counts include a backlog (the scraper's first run covers everything
#: since 24 February 2022; the later ones are bulk additions), as listed in the
#: dataset notes: date -> flag.
ORYX_BACKFILL_DATES: dict[str, str] = {
    "2022-03-19": "first_scrape",
    "2024-04-08": "backfill",
    "2025-05-12": "backfill",
}


def _category(label: pd.Series) -> pd.Series:
    """Stable category from an unstable label.

    Drops the running totals embedded in summary labels (" - 10219, of which:
    destroyed: ..."), the "Losses of " prefix, embedded newlines and repeated
    blanks.
    """
    s = label.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    s = s.str.replace(r"\s*-\s*\d+\s*,\s*of which:.*$", "", regex=True)
    s = s.str.replace(r"^Losses of\s+", "", regex=True)
    return s


def screen_oryx_daily(path: str | os.PathLike[str]) -> ObservationTable:
    """Read ``daily_count.csv``, returning observations and set-aside cells.

    Parameters
    ----------
    path : str or path
        As for :func:`read_oryx_daily`.

    Returns
    -------
    ObservationTable
        ``observations`` as :func:`read_oryx_daily` returns them; missing cells in
        ``set_aside``.
    """
    p = as_path(path, name="read_oryx_daily")
    name = f"read_oryx_daily({file_name(p)})"
    raw = pd.read_csv(p, dtype={"country": str, "equipment_type": str})
    check_columns(raw.columns, _DAILY, name=name)
    end = parse_times(raw, "date_recorded", name=name)
    values = pd.DataFrame({c: numeric_column(raw, c, name=name) for c in _METRICS},
                          index=raw.index)
    day = end.dt.strftime("%Y-%m-%d")
    flag = day.map(ORYX_BACKFILL_DATES).astype(object)
    flag = flag.where(flag.notna(), None)
    return melt_wide(
        values,
        _METRICS,
        unit="count",
        kind="cumulative",
        start=end,
        end=end,
        entity=raw["country"].astype(object),
        source="oryx",
        extra={
            "category": _category(raw["equipment_type"]).astype(object),
            "equipment_type": raw["equipment_type"].astype(object),
            "flag": pd.Series(np.asarray(flag, dtype=object), index=raw.index),
        },
    )


def read_oryx_daily(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read Oryx's cumulative counts of confirmed equipment losses into observations.

    Origin: ``scarnecchia/oryx_data`` (``daily_count.csv``), a daily scrape of
    oryxspioenkop.com's lists of photo-confirmed equipment losses of Russia and
    Ukraine (CC BY 4.0; attribute Oryx and scarnecchia).

    Parameters
    ----------
    path : str or path
        ``daily_count.csv``.

    Returns
    -------
    DataFrame
        The observation table: ``kind`` = ``cumulative``, ``unit`` = ``count``,
        ``start`` = ``end`` = ``date_recorded``, ``entity`` = the country whose
        losses they are (``Russia`` or ``Ukraine``), ``source`` = ``oryx``; extra
        columns ``row``, ``category`` (the stable equipment type, see Notes),
        ``equipment_type`` (the raw label) and ``flag`` (``first_scrape``,
        ``backfill`` or missing). Metrics: ``destroyed``, ``abandoned``,
        ``captured``, ``damaged`` and ``total`` (``type_total``). The file's
        ``_diff`` and ``_diff_diff`` columns are derived from these and not read.

    Raises
    ------
    SourceLayoutError
        When columns are missing or unknown, or a count is not a number.

    Notes
    -----
    Traps handled:

    - **Unstable labels**: summary rows embed the running total in their label
      ("Losses of Armoured Combat Vehicles [...] - 10219, of which: ..."), and
      some labels hold newlines; ``category`` strips the totals, the "Losses of"
      prefix and the blanks, so one category is one series (``by=["entity",
      "category"]``).
    - **Cumulative counts** that can go down when Oryx re-classifies an entry
      (destroyed -> captured): kept, and :func:`conflictstats.to_daily` reports
      the negative steps.
    - **Backfill spikes**: counts are dated when the scraper first saw them, not
      when the loss happened; the first scrape (2022-03-19, covering everything
      since 24 February) and bulk additions (:data:`ORYX_BACKFILL_DATES`) are
      flagged. Do not read their increments as one day's losses.
    - **Irregular dates** (209 dates with gaps of days to weeks): the increment
      between two dates is spread over the days between them by ``to_daily``.
    - Counts are a floor: photo-verified losses only.

    References
    ----------
    .. [1] Oryx, "Attack On Europe: Documenting Equipment Losses"; scarnecchia/oryx_data
       (commit a8624b47), CC BY 4.0.

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import read_oryx_daily
    >>> header = ("country,equipment_type,destroyed,abandoned,captured,damaged,type_total,"
    ...           "date_recorded,destroyed_diff,abandoned_diff,captured_diff,damaged_diff,"
    ...           "type_total_diff,destroyed_diff_diff,abandoned_diff_diff,"
    ...           "captured_diff_diff,damaged_diff_diff,type_total_diff_diff\\n")
    >>> row = ('Russia,"Losses of Armoured Combat Vehicles - 4793, of which: destroyed: 3536",'
    ...        '3536,413,603,241,4793,2025-07-19,0,0,0,0,0,0,0,0,0,0\\n')
    >>> obs = read_oryx_daily(io.StringIO(header + row))
    >>> obs[["metric", "value"]].head(2)
          metric   value
    0  destroyed  3536.0
    1  abandoned   413.0
    >>> obs["category"].iloc[0]
    'Armoured Combat Vehicles'
    """
    return screen_oryx_daily(path).observations

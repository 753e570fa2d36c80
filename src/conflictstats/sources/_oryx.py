"""Readers of Oryx's visually confirmed equipment losses (scarnecchia/oryx_data)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._files import read_csv_checked, strict
from .._validate import as_timestamp
from ..errors import InputError
from ..observations import ObservationTable, read_observations
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
    "ORYX_BACKFILL_DATES",
    "ORYX_STATUSES",
    "read_oryx_daily",
    "read_oryx_events",
    "read_oryx_totals",
    "screen_oryx_daily",
    "screen_oryx_events",
    "screen_oryx_totals",
]

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


@screening
def screen_oryx_daily(path: str | os.PathLike[str]) -> ObservationTable:
    """Read ``daily_count.csv``, returning observations and set-aside cells.

    {screen.intro}

    Parameters
    ----------
    path : str or path
        As for :func:`read_oryx_daily`.

    Returns
    -------
    {screen.returns}
    """
    p = as_path(path, name="read_oryx_daily")
    name = f"read_oryx_daily({file_name(p)})"
    raw, info = read_csv_checked(p, name=name, dtype={"country": str, "equipment_type": str})
    check_columns(raw.columns, _DAILY, name=name)
    end = parse_times(raw, "date_recorded", name=name, info=info)
    values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info) for c in _METRICS},
                          index=raw.index)
    day = end.dt.strftime("%Y-%m-%d")
    flag = day.map(ORYX_BACKFILL_DATES).astype(object)
    flag = flag.where(flag.notna(), None)
    table = melt_wide(
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
        name=name,
        info=info,
    )
    return check_plausibility(table, raw, SPEC_DAILY.plausibility, name=name, info=info)


@reading
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
    {reader.raises_whole_file}
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
    - **Irregular dates** (209 dates with gaps of days to weeks; a series has a
      row only on the dates it changes): the increment between two dates is
      spread over the days between them by ``to_daily``.
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


# --------------------------------------------------------------------------- totals

_TOTALS = ("country", "equipment_type", "destroyed", "abandoned", "captured", "damaged",
           "type_total")


def _last_scrape_date(folder: Path) -> pd.Timestamp | None:
    """The last ``date_recorded`` of ``daily_count.csv`` in ``folder``, if that file exists."""
    daily = folder / "daily_count.csv"
    if not daily.exists():
        return None
    name = f"read_oryx_totals({daily.name})"
    with strict():  # a side file: never partly read
        dates, info = read_csv_checked(daily, name=name, usecols=["date_recorded"])
    return pd.Timestamp(parse_times(dates, "date_recorded", name=name, info=info)
                        .max()).normalize()


@screening
def screen_oryx_totals(
    path: str | os.PathLike[str],
    *,
    as_of: str | pd.Timestamp | None = None,
) -> ObservationTable:
    """Read ``totals_by_type.csv``, returning observations and set-aside cells.

    {screen.intro}

    Parameters
    ----------
    path, as_of
        As for :func:`read_oryx_totals`.

    Returns
    -------
    {screen.returns}
    """
    p = as_path(path, name="read_oryx_totals")
    name = f"read_oryx_totals({file_name(p)})"
    if as_of is None:
        found = _last_scrape_date(p.parent) if isinstance(p, Path) else None
        if found is None:
            raise InputError(
                f"{name}: as_of is required: totals_by_type.csv has no date column, and no "
                "daily_count.csv lies beside it to take the snapshot date from"
            )
        when = found
    else:
        when = as_timestamp(as_of, name="as_of")
    raw, info = read_csv_checked(p, name=name, dtype={"country": str, "equipment_type": str})
    check_columns(raw.columns, _TOTALS, name=name)
    values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info) for c in _METRICS},
                          index=raw.index)
    stamp = pd.Series(when, index=raw.index)
    table = melt_wide(
        values,
        _METRICS,
        unit="count",
        kind="cumulative",
        start=stamp,
        end=stamp,
        entity=raw["country"].astype(object),
        source="oryx",
        extra={
            "category": _category(raw["equipment_type"]).astype(object),
            "equipment_type": raw["equipment_type"].astype(object),
            "flag": None,
        },
        name=name,
        info=info,
    )
    return check_plausibility(table, raw, SPEC_DAILY.plausibility, name=name, info=info)


@reading
def read_oryx_totals(
    path: str | os.PathLike[str],
    *,
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read Oryx's totals per country and equipment type (one snapshot) into observations.

    Origin: ``scarnecchia/oryx_data`` (``totals_by_type.csv``), the totals of
    oryxspioenkop.com's lists on the day of the scrape (CC BY 4.0).

    Parameters
    ----------
    path : str or path
        ``totals_by_type.csv``.
    as_of : date, optional
        The date of the snapshot. The file has no date column; by default the
        last ``date_recorded`` of the ``daily_count.csv`` beside it (2025-07-19
        for commit a8624b47).

    Returns
    -------
    DataFrame
        The observation table with the columns and metrics of
        :func:`read_oryx_daily` (``kind`` = ``cumulative``: totals since
        24 February 2022, ``start`` = ``end`` = ``as_of``; ``flag`` is missing),
        one row per country x equipment type x metric, so it can be stacked with
        the daily counts.

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When columns are missing or unknown, or a count is not a number.
    ValueError
        When ``as_of`` is not given and no ``daily_count.csv`` lies beside the file.

    Notes
    -----
    The snapshot equals, for each country and ``category``, the last row of that
    series in ``daily_count.csv`` (which has a row only on the dates a series
    changes: 25 of the 56 series on 2025-07-19, the others earlier). It does
    **not** equal the number of rows of the event files
    (:func:`read_oryx_events`), which are larger: an entry marked "damaged
    and abandoned" is listed under both statuses there, and the same photo link
    can appear more than once in one file. At commit a8624b47 the Russian
    "All Types" total is 22,381 (destroyed 17,198) while the event files hold
    26,655 Russian rows on 24,388 distinct images (destroyed 18,823). Use the
    totals (or the daily counts) for "how many", the events for "when was it
    recorded, and which system".
    The same traps of labels as in :func:`read_oryx_daily` apply: summary rows
    ("All Types", "Losses excluding Recon Drones and Trucks ...") overlap the
    type rows, so do not sum over ``category``.

    References
    ----------
    .. [1] Oryx, "Attack On Europe: Documenting Equipment Losses"; scarnecchia/oryx_data
       (commit a8624b47), CC BY 4.0.

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import read_oryx_totals
    >>> text = io.StringIO("country,equipment_type,destroyed,abandoned,captured,damaged,"
    ...                    "type_total\\nUkraine,Tanks,896,96,147,81,1220\\n")
    >>> obs = read_oryx_totals(text, as_of="2025-07-19")
    >>> obs[["metric", "value", "end", "kind"]].tail(2)
          metric   value        end        kind
    3    damaged    81.0 2025-07-19  cumulative
    4      total  1220.0 2025-07-19  cumulative
    """
    return screen_oryx_totals(path, as_of=as_of).observations


# --------------------------------------------------------------------------- events

_EVENT = ("country", "origin", "system", "status", "url", "date_recorded", "sysID", "imageID",
          "statusID", "matID")

#: The statuses of Oryx's event files, in the order of the files' names
#: ``event_<status>.csv``.
ORYX_STATUSES: tuple[str, ...] = ("destroyed", "damaged", "abandoned", "captured")


def _event_files(path: Any) -> list[Any]:
    """The event files to read: the file given, or the four of a folder."""
    if isinstance(path, (str, os.PathLike)) and Path(os.fspath(path)).is_dir():
        folder = Path(os.fspath(path))
        files = [folder / f"event_{s}.csv" for s in ORYX_STATUSES]
        found = [f for f in files if f.exists()]
        if not found:
            raise FileNotFoundError(
                f"read_oryx_events: no event file in {folder}; expected "
                f"{[f.name for f in files]}"
            )
        return found
    return [as_path(path, name="read_oryx_events")]


def _read_events(p: Any) -> pd.DataFrame:
    name = f"read_oryx_events({file_name(p)})"
    raw, info = read_csv_checked(p, name=name, dtype={
        c: str for c in ("country", "origin", "system", "status", "url", "date_recorded",
                         "matID")})
    check_columns(raw.columns, _EVENT, name=name)
    label = file_name(p)
    raw.index = pd.Index([f"{label}:{i}" for i in range(len(raw))], name="row")
    if len(info.set_aside):  # the row labels of a cut last line, as those of the others
        info.set_aside.index = pd.Index([f"{label}:{i}" for i in info.set_aside.index],
                                        name="row")
    status = raw["status"].astype("string").str.strip().str.lower()
    bad = ~status.isin(list(ORYX_STATUSES)).fillna(False)
    if bad.any():
        at = raw.index[np.flatnonzero(bad.to_numpy())[0]]
        raise SourceLayoutError(
            f"{name}: row {at}, column 'status': expected one of {list(ORYX_STATUSES)}; "
            f"got {raw.loc[at, 'status']!r}"
        )
    raw["status"] = status.astype(object)
    return raw


def _objects(s: pd.Series) -> np.ndarray:
    """Values as an object array, missing as None (pandas 3 stores text as ``str``)."""
    return s.to_numpy(dtype=object, na_value=None)


@screening
def screen_oryx_events(path_or_folder: str | os.PathLike[str]) -> ObservationTable:
    """Read Oryx's event files, returning the daily counts and the rows set aside.

    {screen.intro}

    Parameters
    ----------
    path_or_folder : str or path
        As for :func:`read_oryx_events`.

    Returns
    -------
    ObservationTable
        ``observations`` as :func:`read_oryx_events` returns them and
        ``set_aside``: the event rows without a ``date_recorded`` (indexed by
        ``"<file>:<row>"``, 0 = first data line; columns ``column``, ``metric``,
        ``value`` = 1, ``reason``). Every input row is counted once:
        ``observations["value"].sum() + len(set_aside)`` is the number of rows read.
    """
    files = _event_files(path_or_folder)
    raw = pd.concat([_read_events(f) for f in files]) if len(files) > 1 else _read_events(
        files[0])
    name = "read_oryx_events"
    undated = raw["date_recorded"].isna().to_numpy()
    set_aside = pd.DataFrame(
        {"column": "date_recorded", "metric": "losses_recorded", "value": 1.0,
         "reason": "date_recorded is missing: the entry cannot be dated"},
        index=pd.Index(raw.index[undated], name="row"),
    )
    dated = raw.loc[~undated]
    day = parse_times(dated, "date_recorded", name=name).dt.normalize()  # labels say file:row
    system = dated["system"].astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    keys = pd.DataFrame({
        "entity": dated["country"].astype("string").str.strip(),
        "origin": dated["origin"].astype("string").str.strip(),
        "status": dated["status"].astype("string"),
        "system": system,
        "end": day,
    })
    counts = keys.groupby(["entity", "status", "system", "origin", "end"], dropna=False,
                          sort=True).size().rename("value").reset_index()
    flag = counts["end"].dt.strftime("%Y-%m-%d").map(ORYX_BACKFILL_DATES)
    n = len(counts)
    obs = pd.DataFrame({
        "metric": np.full(n, "losses_recorded", dtype=object),
        "value": counts["value"].to_numpy(dtype="float64"),
        "unit": "count",
        "start": counts["end"].to_numpy(),
        "end": counts["end"].to_numpy(),
        "kind": "flow",
        "qualifier": "exact",
        "entity": counts["entity"].astype(object).to_numpy(),
        "source": "oryx",
        "status": counts["status"].astype(object).to_numpy(),
        "system": _objects(counts["system"]),
        "origin": _objects(counts["origin"]),
        "flag": _objects(flag),
    })
    obs = read_observations(obs) if n else obs
    return ObservationTable(observations=obs, set_aside=set_aside)


@reading
def read_oryx_events(path_or_folder: str | os.PathLike[str]) -> pd.DataFrame:
    """Count Oryx's photo-confirmed losses per day they were first recorded.

    Origin: ``scarnecchia/oryx_data`` (``event_destroyed.csv``,
    ``event_damaged.csv``, ``event_abandoned.csv``, ``event_captured.csv``): one
    row per linked photo of a loss on oryxspioenkop.com's lists, with the date the
    scraper first saw it (CC BY 4.0; attribute Oryx and scarnecchia).

    Parameters
    ----------
    path_or_folder : str or path
        One event file, or the folder holding them (every ``event_<status>.csv``
        present is read).

    Returns
    -------
    DataFrame
        The observation table: metric ``losses_recorded``, ``kind`` = ``flow``,
        ``unit`` = ``count``, ``value`` = the number of event rows of one group,
        ``start`` = ``end`` = ``date_recorded``, ``entity`` = the country whose
        losses they are (``Russia`` or ``Ukraine``), ``source`` = ``oryx``; extra
        columns ``status`` (``destroyed``, ``damaged``, ``abandoned``,
        ``captured``), ``system`` (the model, e.g. ``T-72B3``; missing for the few
        rows without one), ``origin`` (where the system was made) and ``flag``
        (``first_scrape`` or ``backfill`` on the dates of
        :data:`ORYX_BACKFILL_DATES`, else missing). One row per (country, status,
        system, origin, date).

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When the columns differ from the ten expected ones, a status is not one
        of :data:`ORYX_STATUSES`, or a date cannot be parsed.
    FileNotFoundError
        When the folder holds no event file.

    Notes
    -----
    ``value`` counts the rows of each group, so ``value.sum()`` plus the rows set
    aside (no ``date_recorded``; :func:`screen_oryx_events`) is the number of
    input rows.

    Traps handled:

    - **Recording date, not loss date**: ``date_recorded`` is when the scraper
      first saw an entry. The first scrape (2022-03-19: 789 destroyed, covering
      everything since 24 February) and later bulk additions (2024-04-08: 764
      destroyed; 2025-05-12: 496) are flagged in ``flag``. Records, anomalies
      and trends of these series measure **reporting**, not losses: drop or
      spread the flagged days before asking "when", and use the series for
      "what kind" (``by="system"``, ``by="status"``) rather than "how many on
      that day". Other large days (2024-01-09: 416 destroyed) are not in the
      source notes and are not flagged.
    - **Scrape days only**: a day without a row is a day without a scrape
      or without additions; :func:`conflictstats.to_daily` leaves it missing,
      never zero, unless you choose to fill.
    - **Status tags, not unique losses**: an entry marked "damaged and
      abandoned" appears in both files, and the same photo link can appear more
      than once in one file, so the counts exceed Oryx's headline totals (:func:`read_oryx_totals`);
      use those for "how many".
    - **Blanks in system names** (trailing spaces on a few rows) are collapsed,
      so one system is one series.

    References
    ----------
    .. [1] Oryx, "Attack On Europe: Documenting Equipment Losses"; scarnecchia/oryx_data
       (commit a8624b47), CC BY 4.0.

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import read_oryx_events
    >>> text = io.StringIO(
    ...     "country,origin,system,status,url,date_recorded,sysID,imageID,statusID,matID\\n"
    ...     "Russia,Russia,T-72B3,destroyed,u1,2024-04-08,1,1,1,7-1\\n"
    ...     "Russia,Russia,T-72B3,destroyed,u2,2024-04-08,1,2,1,7-2\\n"
    ...     "Russia,Russia,T-72B3 ,destroyed,u3,2024-04-09,1,3,1,7-3\\n")
    >>> obs = read_oryx_events(text)
    >>> obs[["end", "system", "status", "value"]]
             end  system     status  value
    0 2024-04-08  T-72B3  destroyed    2.0
    1 2024-04-09  T-72B3  destroyed    1.0
    >>> obs["flag"].iloc[0]
    'backfill'
    """
    return screen_oryx_events(path_or_folder).observations


_ORYX_COMMON: dict[str, Any] = dict(
    publisher="Oryx via scarnecchia/oryx_data",
    credit="Oryx (oryxspioenkop.com), scraped by scarnecchia/oryx_data (CC BY 4.0)",
    licence="CC BY 4.0",
    scope="Russian and Ukrainian equipment losses confirmed by photo or video; a floor, "
          "not a total.",
    event_dates="logged",
    date_phrase="logged on {date}",
    date_caption="dates are when Oryx logged a loss, not when it happened",
    artefacts="Backlogs logged at once (the first scrape of 19 Mar 2022 covers everything "
              "since 24 Feb 2022; bulk additions on 8 Apr 2024 and 12 May 2025) are flagged "
              "and left out of records.",
)

#: What ``daily_count.csv`` means (see :class:`~conflictstats.sources.SourceSpec`).
SPEC_DAILY = SourceSpec(
    name="oryx_daily",
    title="Visually confirmed equipment losses (running totals)",
    reader="read_oryx_daily",
    screener="screen_oryx_daily",
    files=("daily_count.csv",),
    file_hints=("daily_count", "totals_by_type"),
    fetch=("oryx_daily",),
    event_dates_note="Running totals on the dates the scraper ran (irregular, 1 to 7 or more "
                     "days apart); a date is when losses were logged by Oryx, not when they "
                     "happened, and an increase between two runs far apart is spread over "
                     "the days between them, not known day by day.",
    definitions={"total": "all confirmed losses (destroyed, damaged, abandoned, captured)",
                 "destroyed": "confirmed destroyed", "damaged": "confirmed damaged",
                 "abandoned": "confirmed abandoned", "captured": "confirmed captured"},
    series=SeriesRule(
        split=("entity",),
        rows={"category": "All Types"},
        rows_note="the all-types rows (equipment categories are also summed in them)",
        labels={"total": "all losses"},
    ),
    **_ORYX_COMMON,
)

#: What the ``event_*.csv`` files mean.
SPEC_EVENTS = SourceSpec(
    name="oryx_events",
    title="Visually confirmed equipment losses (one row per loss)",
    reader="read_oryx_events",
    screener="screen_oryx_events",
    files=("event_destroyed.csv", "event_damaged.csv", "event_abandoned.csv",
           "event_captured.csv"),
    folder=True,
    file_hints=("event_",),
    event_dates_note="One row per confirmed loss, dated by date_recorded: the day the "
                     "scraper first saw the entry, not the day of the loss. Counts per "
                     "logged day differ from daily_count.csv's running totals, which move "
                     "when Oryx reclassifies entries.",
    definitions={"losses_recorded": "confirmed losses first logged that day (of the status "
                                    "the file holds)"},
    series=SeriesRule(
        split=("entity",),
        labels={"losses_recorded": "losses logged"},
        # a file of one status (event_destroyed.csv) is labelled by it: "destroyed"
        label_from={"losses_recorded": "status"},
    ),
    **_ORYX_COMMON,
)

"""Readers of the Kiel Institute's Ukraine Support Tracker (monthly allocations, snapshots)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._files import read_csv_checked, strict
from .._validate import as_timestamp, check_choice
from ..errors import InputError
from ..observations import ObservationTable
from ._common import (
    SourceLayoutError,
    as_path,
    check_columns,
    check_plausibility,
    combine,
    file_name,
    melt_wide,
    numeric_column,
    reading,
    screening,
    shown,
    whole_column,
)
from ._spec import SeriesRule, SourceSpec

__all__ = [
    "KIEL_MODES",
    "KIEL_SCALE",
    "read_kiel_snapshot",
    "read_kiel_tracker",
    "screen_kiel_snapshot",
    "screen_kiel_tracker",
]

#: The tracker's amounts are in billions of euros; values are multiplied by this.
KIEL_SCALE: float = 1e9

_DONORS = ("country", "iso", "year", "month", "total", "financial", "humanitarian",
           "military", "commitments", "to_be_allocated", "gdp", "pct_gdp")
_TOTALS = ("year", "month", "total_allocations", "military", "financial", "humanitarian")
_MODES = ("year", "month", "stockpile", "procurement", "unspecified", "nato_purl")
_RELEASE = ("release", "period", "date", "label")
_WEAPONS = ("donor", "category", "number_of_weapons", "monetary_value_eur", "weapons_list")
_SHARES = ("country", "iso", "bilateral_pct_gdp", "eu_share_pct_gdp", "total_pct_gdp",
           "eu_share_bn")
_SOURCE = "kiel_ukraine_support_tracker"

#: Delivery modes of military aid in ``procurement_trends.csv``: column -> meaning.
KIEL_MODES: dict[str, str] = {
    "stockpile": "delivered from the donor's own stocks",
    "procurement": "bought from industry for Ukraine",
    "unspecified": "mode not stated",
    "nato_purl": "bought through NATO's Prioritised Ukraine Requirements List",
}

#: The metric of ``procurement_trends.csv``: military aid by delivery mode. Its
#: monthly sums are not ``total_allocations.csv``'s military column (EUR 3.78bn vs
#: 3.41bn for Feb 2026; EUR 168.0bn vs 173.0bn over 2022-01..2026-04), so the two
#: are separate metrics with their own names, never one.
MODES_METRIC = "military_aid_by_delivery_mode"

_DONOR_METRICS = {
    "total": "aid_allocated",
    "military": "military_aid_allocated",
    "financial": "financial_aid_allocated",
    "humanitarian": "humanitarian_aid_allocated",
    "commitments": "aid_committed",
    "to_be_allocated": "aid_to_be_allocated",
}
_TOTAL_METRICS = {
    "total_allocations": "aid_allocated",
    "military": "military_aid_allocated",
    "financial": "financial_aid_allocated",
    "humanitarian": "humanitarian_aid_allocated",
}


def _release(path: Any) -> dict[str, Any] | None:
    """The release stamped in ``release_info.csv`` beside ``path``, or None.

    Keys: ``release`` ("29"), ``period`` ("04/2026", the last month of data),
    ``date`` (publication, Timestamp), ``period_end`` (last day of ``period``)
    and ``source`` (the text put in the observations' ``source``).
    """
    if not isinstance(path, Path):
        return None
    info = path.with_name("release_info.csv")
    if not info.exists():
        return None
    name = f"kiel release ({info.name})"
    with strict():  # a side file: never partly read
        raw, _ = read_csv_checked(info, name=name, dtype=str)
    check_columns(raw.columns, _RELEASE, name=name)
    if len(raw) != 1:
        raise SourceLayoutError(f"{name}: expected one row; found {len(raw)}")
    row = raw.iloc[0]
    try:
        period = pd.Period(pd.to_datetime(str(row["period"]), format="%m/%Y"), freq="M")
        date = as_timestamp(str(row["date"]), name=f"{name}: date")
    except ValueError:
        raise SourceLayoutError(
            f"{name}: expected period as MM/YYYY and date as YYYY-MM-DD; got "
            f"{row['period']!r} and {row['date']!r}"
        ) from None
    return {
        "release": str(row["release"]),
        "period": str(row["period"]),
        "date": date,
        "period_end": period.end_time.normalize(),
        "source": f"{_SOURCE} release {row['release']} (data to {row['period']}, published "
                  f"{date:%Y-%m-%d})",
    }


def _check_year_month(raw: pd.DataFrame, *, name: str, info: Any) -> None:
    """Year and month as whole numbers, month 1 to 12; raise naming the line."""
    for col, lo, hi in (("year", 1900, 2100), ("month", 1, 12)):
        v = whole_column(raw, col, name=name, info=info)
        bad = ((v < lo) | (v > hi)).to_numpy()
        if bad.any():
            label = raw.index[int(np.flatnonzero(bad)[0])]
            raise SourceLayoutError(
                f"{name}: line {info.line(label)} (row {label}), column {col!r}: expected a "
                f"whole number from {lo} to {hi}; got {shown(raw.loc[label, col])}")
        raw[col] = v


def _periods(*, year: Any, month: Any, freq: str) -> pd.PeriodIndex:
    """Monthly periods from year and month arrays."""
    return pd.PeriodIndex.from_fields(year=year, month=month, freq=freq)  # type: ignore[attr-defined]


def _fill(raw: pd.DataFrame, values: pd.DataFrame, fill: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add zero rows for donor-months without a row (see read_kiel_tracker)."""
    month = _periods(year=raw["year"].to_numpy(), month=raw["month"].to_numpy(),
                                       freq="M")
    keyed = pd.DataFrame({"country": raw["country"].to_numpy(), "iso": raw["iso"].to_numpy(),
                          "month": month, "row": raw.index.to_numpy()})
    dup = keyed.duplicated(["country", "month"])
    if dup.any():
        r = keyed.loc[dup].iloc[0]
        raise SourceLayoutError(
            f"read_kiel_tracker: donor {r['country']!r} has more than one row for {r['month']}"
        )
    if fill == "none":
        return keyed, values
    months = pd.period_range(month.min(), month.max(), freq="M")
    donors = keyed.groupby("country", sort=False).agg(iso=("iso", "first"),
                                                     first=("month", "min"),
                                                     last=("month", "max"))
    grid = pd.MultiIndex.from_product([donors.index, months], names=["country", "month"])
    full = grid.to_frame(index=False)
    full["iso"] = full["country"].map(donors["iso"])
    first = full["country"].map(donors["first"])
    last = full["country"].map(donors["last"])
    keep = (full["month"] >= first) & (full["month"] <= last) if fill == "active" else (
        pd.Series(True, index=full.index))
    full = full.loc[keep.to_numpy()]
    merged = full.merge(keyed, on=["country", "month", "iso"], how="left", sort=False)
    missing = merged["row"].isna().to_numpy()
    new_vals = pd.DataFrame(0.0, index=np.flatnonzero(missing), columns=values.columns)
    new_keys = merged.loc[missing, ["country", "iso", "month"]].reset_index(drop=True)
    new_keys["row"] = pd.NA
    new_vals.index = pd.RangeIndex(len(values), len(values) + len(new_vals))
    new_keys.index = new_vals.index
    all_keys = pd.concat([keyed.astype({"row": "Int64"}), new_keys.astype({"row": "Int64"})])
    all_vals = pd.concat([values.set_axis(keyed.index), new_vals])
    order = np.lexsort((all_keys["month"].dt.start_time.to_numpy(),
                        all_keys["country"].to_numpy()))
    all_keys = all_keys.iloc[order].reset_index(drop=True)
    all_vals = all_vals.iloc[order].reset_index(drop=True)
    return all_keys, all_vals


@screening
def screen_kiel_tracker(
    path: str | os.PathLike[str],
    *,
    fill: Literal["active", "all", "none"] = "active",
) -> ObservationTable:
    """Read a Kiel tracker file, returning observations and set-aside cells.

    {screen.intro}

    Parameters
    ----------
    path, fill
        As for :func:`read_kiel_tracker`.

    Returns
    -------
    {screen.returns}
    """
    check_choice("fill", fill, ("active", "all", "none"))
    p = as_path(path, name="read_kiel_tracker")
    name = f"read_kiel_tracker({file_name(p)})"
    raw, info = read_csv_checked(p, name=name)
    cols = [str(c) for c in raw.columns]
    if {"year", "month"} <= set(cols):
        _check_year_month(raw, name=name, info=info)
    if set(cols) == set(_DONORS):
        metrics = _DONOR_METRICS
        values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info) for c in metrics},
                              index=raw.index)
        keys, values = _fill(raw, values, fill)
        entity = keys["country"].astype(object)
        extra = {"donor": entity, "iso": keys["iso"].astype(object),
                 "imputed": keys["row"].isna().astype(bool)}
        month = pd.PeriodIndex(keys["month"])
        row = keys["row"]
    elif set(cols) == set(_MODES):
        metrics = {c: c for c in KIEL_MODES}
        values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info) for c in metrics},
                              index=raw.index)
        month = _periods(year=raw["year"].to_numpy(), month=raw["month"].to_numpy(), freq="M")
        entity = pd.Series("all donors", index=raw.index, dtype=object)
        extra = {"donor": entity, "iso": pd.Series(None, index=raw.index, dtype=object),
                 "imputed": pd.Series(False, index=raw.index, dtype=bool)}
        row = pd.Series(raw.index, dtype="Int64")
    elif set(cols) == set(_TOTALS):
        metrics = _TOTAL_METRICS
        values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info) for c in metrics},
                              index=raw.index)
        month = _periods(year=raw["year"].to_numpy(),
                                           month=raw["month"].to_numpy(), freq="M")
        entity = pd.Series("all donors", index=raw.index, dtype=object)
        extra = {"donor": entity, "iso": pd.Series(None, index=raw.index, dtype=object),
                 "imputed": pd.Series(False, index=raw.index, dtype=bool)}
        row = pd.Series(raw.index, dtype="Int64")
    else:
        raise SourceLayoutError(
            f"{name}: unexpected file layout; expected the columns of data_explorer.csv "
            f"{list(_DONORS)}, total_allocations.csv {list(_TOTALS)} or "
            f"procurement_trends.csv {list(_MODES)}; found {cols}"
        )
    values = values * KIEL_SCALE
    start = pd.Series(month.start_time, index=values.index)
    end = pd.Series(month.end_time.normalize(), index=values.index)
    release = _release(p)
    table = melt_wide(
        values,
        metrics,
        unit="EUR",
        kind="flow",
        start=start,
        end=end,
        entity=entity,
        source=_SOURCE if release is None else release["source"],
        extra=extra,
        name=name,
    )
    obs = table.observations
    aside = table.set_aside
    obs["row"] = pd.array(row.to_numpy()[obs["row"].to_numpy()], dtype="Int64")
    if set(cols) == set(_MODES):  # one metric, the delivery mode as a column
        obs.insert(len(obs.columns), "mode", obs["metric"].to_numpy())
        obs["metric"] = MODES_METRIC
        aside = aside.assign(metric=MODES_METRIC)
    return check_plausibility(ObservationTable(observations=obs, set_aside=aside), raw,
                              SPEC.plausibility, name=name, info=info)


@reading
def read_kiel_tracker(
    path: str | os.PathLike[str],
    *,
    fill: Literal["active", "all", "none"] = "active",
) -> pd.DataFrame:
    """Read the Kiel Ukraine Support Tracker's monthly allocations into observations.

    Origin: Kiel Institute for the World Economy, Ukraine Support Tracker, the
    CSV exports of the tracker's website (repository
    ``UkraineSupportTrackerWebsite/ukraine-support-tracker``, ``data/``), release 29
    (data to 04/2026).

    Parameters
    ----------
    path : str or path
        ``data_explorer.csv`` (by donor), ``total_allocations.csv`` (all donors)
        or ``procurement_trends.csv`` (all donors' military aid by delivery mode).
    fill : {"active", "all", "none"}
        Which donor-months without a row become zero observations (by donor file
        only). ``"active"`` (default): months between a donor's first and last row;
        ``"all"``: every month of the file for every donor; ``"none"``: no filling.

    Returns
    -------
    DataFrame
        The observation table: ``kind`` = ``flow`` over the calendar month
        (``start`` = first day, ``end`` = last day), ``unit`` = ``EUR`` with
        ``value`` in euros (the file's billions times :data:`KIEL_SCALE`),
        ``entity`` = the donor; extra columns ``row`` (input row; missing for a
        filled month), ``donor``, ``iso`` and ``imputed`` (True for a filled
        zero). Metrics: ``aid_allocated`` (total), ``military_aid_allocated``,
        ``financial_aid_allocated``, ``humanitarian_aid_allocated``, and for the
        by-donor file ``aid_committed`` and ``aid_to_be_allocated`` (can be
        negative: a draw-down of earlier commitments). ``gdp`` and ``pct_gdp`` are
        not observations and are not read. From ``procurement_trends.csv`` the
        one metric ``military_aid_allocated`` with the extra column ``mode``
        (:data:`KIEL_MODES`: ``stockpile``, ``procurement``, ``unspecified``,
        ``nato_purl``); use ``by="mode"``. ``source`` names the release
        (``kiel_ukraine_support_tracker release 29 (data to 04/2026, published
        2026-08-04)``) when ``release_info.csv`` lies beside the file, else
        ``kiel_ukraine_support_tracker``.

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When the columns match neither layout, a value is not a number, or a
        donor has two rows for one month.

    Notes
    -----
    Traps handled:

    - **Units**: the tracker's amounts are € billion (current euros); the reader
      returns euros so the unit is a currency code.
    - **Flows, not stocks**: each row is the allocation of one month.
    - **Sparse panel**: a donor has rows only in months with activity, and the
      tracker means "no allocation" by a missing month. With ``fill="active"``
      the months between a donor's first and last row are zero (``imputed``);
      before the first and after the last row they stay missing, because the
      recent months of a release are revised upward later and a trailing zero
      would be the least reliable (e.g. the United States' last row is 2025-01).
      Use ``fill="all"`` for the tracker's own reading (zero everywhere).
    - **Revisions between releases**: pin the release (here 29) when citing;
      the release is stamped in ``source`` from ``release_info.csv``.
    - **Delivery modes do not add up to the military total**: in release 29 the
      four modes sum to € 168.0 billion over 2022-01 to 2026-04, against
      € 173.0 billion of ``military`` in ``total_allocations.csv`` (months differ
      by up to € 2.1 billion, e.g. 2023-12). Do not stack the two files, and
      compare modes with each other, not with the total.

    References
    ----------
    .. [1] Kiel Institute for the World Economy, Ukraine Support Tracker, Release 29
       (2026-08-04).

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import read_kiel_tracker
    >>> text = io.StringIO(
    ...     "country,iso,year,month,total,financial,humanitarian,military,"
    ...     "commitments,to_be_allocated,gdp,pct_gdp\\n"
    ...     "Norway,NOR,2022,3,0.5,0,0.1,0.4,0.5,0,400,0.1\\n"
    ...     "Norway,NOR,2022,5,0.2,0,0,0.2,0.2,0,400,0.05\\n")
    >>> obs = read_kiel_tracker(text)
    >>> obs.loc[obs.metric == "aid_allocated", ["value", "start", "end", "imputed"]]
              value      start        end  imputed
    0   500000000.0 2022-03-01 2022-03-31    False
    6           0.0 2022-04-01 2022-04-30     True
    12  200000000.0 2022-05-01 2022-05-31    False
    """
    return screen_kiel_tracker(path, fill=fill).observations


# --------------------------------------------------------------------------- snapshots

_WEAPON_METRICS = {"number_of_weapons": "heavy_weapons",
                   "monetary_value_eur": "heavy_weapons_value"}
_SHARE_METRICS = {"bilateral_pct_gdp": "bilateral_aid_pct_gdp",
                  "eu_share_pct_gdp": "eu_aid_share_pct_gdp",
                  "total_pct_gdp": "aid_pct_gdp"}


@screening
def screen_kiel_snapshot(
    path: str | os.PathLike[str],
    *,
    as_of: str | pd.Timestamp | None = None,
) -> ObservationTable:
    """Read a static Kiel table, returning observations and set-aside cells.

    {screen.intro}

    Parameters
    ----------
    path, as_of
        As for :func:`read_kiel_snapshot`.

    Returns
    -------
    {screen.returns}
    """
    p = as_path(path, name="read_kiel_snapshot")
    name = f"read_kiel_snapshot({file_name(p)})"
    raw, info = read_csv_checked(p, name=name, dtype={"donor": str, "category": str,
                                                      "weapons_list": str, "country": str,
                                                      "iso": str})
    cols = [str(c) for c in raw.columns]
    if set(cols) != set(_WEAPONS) and set(cols) != set(_SHARES):
        raise SourceLayoutError(
            f"{name}: unexpected file layout; expected the columns of weapons.csv "
            f"{list(_WEAPONS)} or eu_aid_shares.csv {list(_SHARES)}; found {cols}"
        )
    release = _release(p)
    if as_of is not None:
        when = as_timestamp(as_of, name="as_of")
    elif release is not None:
        when = release["period_end"]
    else:
        raise InputError(
            f"{name}: as_of is required: the file has no date, and no release_info.csv lies "
            "beside it to take the release's last month from"
        )
    stamp = pd.Series(when, index=raw.index)
    source = _SOURCE if release is None else release["source"]
    if set(cols) == set(_WEAPONS):
        key = raw[["donor", "category"]]
        dup = key.duplicated()
        if dup.any():
            r = key.loc[dup].iloc[0]
            raise SourceLayoutError(
                f"{name}: donor {r['donor']!r} has more than one row for {r['category']!r}")
        values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info)
                               for c in _WEAPON_METRICS}, index=raw.index)
        entity = raw["donor"].astype(object)
        weapons = melt_wide(
            values, _WEAPON_METRICS,
            unit={"heavy_weapons": "count", "heavy_weapons_value": "EUR"},
            kind="level", start=stamp, end=stamp, entity=entity, source=source,
            extra={"donor": entity, "category": raw["category"].astype(object),
                   "weapons_list": raw["weapons_list"].astype(object)},
            name=name, info=info,
        )
        return check_plausibility(weapons, raw, SPEC.plausibility, name=name, info=info)
    values = pd.DataFrame({c: numeric_column(raw, c, name=name, info=info)
                           for c in (*_SHARE_METRICS, "eu_share_bn")}, index=raw.index)
    entity = raw["country"].astype(object)
    extra = {"donor": entity, "iso": raw["iso"].astype(object)}
    shares = melt_wide(values, _SHARE_METRICS, unit="percent", kind="share", start=stamp,
                       end=stamp, entity=entity, source=source, extra=extra, name=name,
                       info=info)
    money = melt_wide(values[["eu_share_bn"]] * KIEL_SCALE, {"eu_share_bn": "eu_aid_share"},
                      unit="EUR", kind="level", start=stamp, end=stamp, entity=entity,
                      source=source, extra=extra, name=name, info=info)
    table = combine([shares, money])
    obs = table.observations.sort_values("row", kind="stable").reset_index(drop=True)
    return check_plausibility(ObservationTable(observations=obs, set_aside=table.set_aside),
                              raw, SPEC.plausibility, name=name, info=info)


@reading
def read_kiel_snapshot(
    path: str | os.PathLike[str],
    *,
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read the Kiel tracker's static tables (heavy weapons, EU aid shares) into observations.

    Origin: Kiel Institute for the World Economy, Ukraine Support Tracker, the
    website exports ``weapons.csv`` and ``eu_aid_shares.csv`` (repository
    ``UkraineSupportTrackerWebsite/ukraine-support-tracker``, ``data/``). They
    have no date: each is the state of one release.

    Parameters
    ----------
    path : str or path
        ``weapons.csv`` or ``eu_aid_shares.csv`` (recognised by the columns).
    as_of : date, optional
        The date the figures stand for. By default the last day of the release's
        data period from the ``release_info.csv`` beside the file (2026-04-30 for
        release 29, data to 04/2026; published 2026-08-04).

    Returns
    -------
    DataFrame
        The observation table, ``start`` = ``end`` = ``as_of``, ``entity`` = the
        donor, ``source`` = the tracker with its release when
        ``release_info.csv`` is beside the file. Extra columns ``row`` and
        ``donor``, then:

        - ``weapons.csv``: ``category`` (``Tanks``, ``Howitzers``, ``Air
          Defense`` ...) and ``weapons_list`` (the models with their numbers, as
          text); metrics ``heavy_weapons`` (``unit`` = ``count``) and
          ``heavy_weapons_value`` (``EUR``), both ``kind`` = ``level``: the stock
          of heavy weapons in the tracker up to ``as_of``, per donor and category.
        - ``eu_aid_shares.csv``: ``iso``; metrics ``bilateral_aid_pct_gdp``,
          ``eu_aid_share_pct_gdp`` and ``aid_pct_gdp`` (``kind`` = ``share``,
          ``unit`` = ``percent`` of the donor's GDP; the total is bilateral + EU
          share) and ``eu_aid_share`` (``level`` in ``EUR``: the donor's share of
          the aid given through the EU, the file's € billion times
          :data:`KIEL_SCALE`).

    Raises
    ------
    {reader.raises_whole_file}
    SourceLayoutError
        When the columns match neither layout, a value is not a number, or a
        donor has two rows for one weapon category.
    ValueError
        When ``as_of`` is not given and no ``release_info.csv`` lies beside the file.

    Notes
    -----
    Traps handled:

    - **No date in the file**: the figures belong to a release; they are dated at
      the end of the release's data period, not at its publication date, so a
      later release's snapshot lines up with the monthly flows it covers.
    - **Units**: ``monetary_value_eur`` is in plain euros, ``eu_share_bn`` in
      € billion, the ``pct_gdp`` columns in percent; all are returned in one
      unit per metric.
    - **Revisions between releases**: pin the release (in ``source``).

    References
    ----------
    .. [1] Kiel Institute for the World Economy, Ukraine Support Tracker, Release 29
       (2026-08-04).

    Examples
    --------
    >>> import io
    >>> from conflictstats.sources import read_kiel_snapshot
    >>> text = io.StringIO('donor,category,number_of_weapons,monetary_value_eur,weapons_list\\n'
    ...                    'Australia,Tanks,49,463047927,M1A1 Abrams (49)\\n')
    >>> obs = read_kiel_snapshot(text, as_of="2026-04-30")
    >>> obs[["metric", "value", "unit", "kind", "category"]]
                    metric        value   unit   kind category
    0        heavy_weapons         49.0  count  level    Tanks
    1  heavy_weapons_value  463047927.0    EUR  level    Tanks
    """
    return screen_kiel_snapshot(path, as_of=as_of).observations


#: What the Kiel tracker's monthly files mean (see :class:`~conflictstats.sources.SourceSpec`).
SPEC = SourceSpec(
    name="kiel_tracker",
    title="Ukraine Support Tracker",
    publisher="Kiel Institute for the World Economy",
    credit="Kiel Institute for the World Economy, Ukraine Support Tracker",
    licence="published for public use with attribution (no licence file in the repository)",
    reader="read_kiel_tracker",
    screener="screen_kiel_tracker",
    files=("total_allocations.csv", "data_explorer.csv", "procurement_trends.csv"),
    file_hints=("kiel", "data_explorer", "total_allocations", "procurement_trends"),
    fetch=("kiel_totals", "kiel_donors"),
    scope="Bilateral government aid to Ukraine allocated (earmarked for delivery) by 41 "
          "countries and the EU institutions, per month, in current euros; not commitments "
          "by announcement date.",
    event_dates="period",
    event_dates_note="Each figure is the aid allocated in a calendar month; the tracker "
                     "revises past months between releases.",
    date_phrase="in {date}",
    definitions={
        "aid_allocated": "all aid allocated in the month (military, financial and "
                         "humanitarian), EUR",
        "military_aid_allocated": "military aid allocated in the month (the 'military' "
                                  "column of total_allocations.csv and data_explorer.csv), EUR",
        "financial_aid_allocated": "financial aid allocated in the month, EUR",
        "humanitarian_aid_allocated": "humanitarian aid allocated in the month, EUR",
        "aid_committed": "aid committed in the month (data_explorer.csv), EUR",
        "aid_to_be_allocated": "commitments not yet allocated; negative when earlier "
                               "commitments are drawn down, EUR",
        MODES_METRIC: "military aid by delivery mode (stockpile, procurement, unspecified, "
                      "NATO PURL; procurement_trends.csv): its monthly sums differ from "
                      "military_aid_allocated (up to EUR 2.07bn in a month)",
    },
    series=SeriesRule(
        summed=("entity",),
        headline=("aid_allocated", "military_aid_allocated", "financial_aid_allocated",
                  "humanitarian_aid_allocated", MODES_METRIC),
        labels={MODES_METRIC: "military aid by delivery mode"},
    ),
)

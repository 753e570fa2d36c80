"""Reader of the Kiel Institute's Ukraine Support Tracker (monthly allocations by donor)."""

from __future__ import annotations

import os
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validate import check_choice
from ..observations import ObservationTable
from ._common import SourceLayoutError, as_path, file_name, melt_wide, numeric_column

__all__ = ["KIEL_SCALE", "read_kiel_tracker", "screen_kiel_tracker"]

#: The tracker's amounts are in billions of euros; values are multiplied by this.
KIEL_SCALE: float = 1e9

_DONORS = ("country", "iso", "year", "month", "total", "financial", "humanitarian",
           "military", "commitments", "to_be_allocated", "gdp", "pct_gdp")
_TOTALS = ("year", "month", "total_allocations", "military", "financial", "humanitarian")

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


def screen_kiel_tracker(
    path: str | os.PathLike[str],
    *,
    fill: Literal["active", "all", "none"] = "active",
) -> ObservationTable:
    """Read a Kiel tracker file, returning observations and set-aside cells.

    Parameters
    ----------
    path, fill
        As for :func:`read_kiel_tracker`.

    Returns
    -------
    ObservationTable
        ``observations`` as :func:`read_kiel_tracker` returns them; missing cells
        in ``set_aside``.
    """
    check_choice("fill", fill, ("active", "all", "none"))
    p = as_path(path, name="read_kiel_tracker")
    name = f"read_kiel_tracker({file_name(p)})"
    raw = pd.read_csv(p)
    cols = [str(c) for c in raw.columns]
    if set(cols) == set(_DONORS):
        metrics = _DONOR_METRICS
        values = pd.DataFrame({c: numeric_column(raw, c, name=name) for c in metrics},
                              index=raw.index)
        keys, values = _fill(raw, values, fill)
        entity = keys["country"].astype(object)
        extra = {"donor": entity, "iso": keys["iso"].astype(object),
                 "imputed": keys["row"].isna().astype(bool)}
        month = pd.PeriodIndex(keys["month"])
        row = keys["row"]
    elif set(cols) == set(_TOTALS):
        metrics = _TOTAL_METRICS
        values = pd.DataFrame({c: numeric_column(raw, c, name=name) for c in metrics},
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
            f"{list(_DONORS)} or total_allocations.csv {list(_TOTALS)}; found {cols}"
        )
    values = values * KIEL_SCALE
    start = pd.Series(month.start_time, index=values.index)
    end = pd.Series(month.end_time.normalize(), index=values.index)
    table = melt_wide(
        values,
        metrics,
        unit="EUR",
        kind="flow",
        start=start,
        end=end,
        entity=entity,
        source="kiel_ukraine_support_tracker",
        extra=extra,
    )
    obs = table.observations
    obs["row"] = pd.array(row.to_numpy()[obs["row"].to_numpy()], dtype="Int64")
    return ObservationTable(observations=obs, set_aside=table.set_aside)


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
        ``data_explorer.csv`` (by donor) or ``total_allocations.csv`` (all donors).
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
        not observations and are not read.

    Raises
    ------
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
    - **Revisions between releases**: pin the release (here 29) when citing.

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

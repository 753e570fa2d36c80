"""The reported-figure table: one row per figure as it was reported.

Every source reader and :func:`read_observations` return the same tidy table,
so everything downstream (:func:`conflictstats.to_daily`, rates, records ...)
has one input. The columns are listed in :data:`OBSERVATION_COLUMNS`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from ._validate import DataWarning, ObservationError
from .errors import InputTypeError
from .results import Result

__all__ = [
    "CURRENCY_CODES",
    "KINDS",
    "OBSERVATION_COLUMNS",
    "OPTIONAL_COLUMNS",
    "QUALIFIERS",
    "UNITS",
    "ObservationTable",
    "read_observations",
    "screen_observations",
]

#: The columns of the observation table, in order. Extra columns (region,
#: weapon model, a note ...) are kept after them and can serve as ``by=``.
OBSERVATION_COLUMNS: tuple[str, ...] = (
    "metric",
    "value",
    "unit",
    "start",
    "end",
    "kind",
    "qualifier",
    "entity",
    "source",
)

#: Optional columns with a fixed meaning: ``flag`` (a short text reason when the
#: figure is an artefact of the source, such as a map redraw; empty or missing =
#: not flagged; :func:`conflictstats.to_daily` keeps it, records and claims leave
#: flagged days out) and ``reported`` (the date the figure was stated or
#: published; conversions and "as known on" claims use it).
OPTIONAL_COLUMNS: tuple[str, ...] = ("flag", "reported")

#: What a row's value is: a total over the period, a stock as of ``end``,
#: a running total of a flow, or a proportion.
KINDS: tuple[str, ...] = ("flow", "level", "cumulative", "share")

#: How the reported number relates to the true one.
QUALIFIERS: tuple[str, ...] = (
    "exact",
    "about",
    "almost",
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "up_to",
)

#: Units that need no conversion machinery (besides the currency codes).
UNITS: tuple[str, ...] = (
    "count",
    "km2",
    "km",
    "ha",
    "sq_mi",
    "mi",
    "m",
    "percent",
    "fraction",
    "year",
    "day",
    "hour",
    "tonne",
    "barrel",
    "m3",
)

#: ISO 4217 codes of currencies in circulation (plus XDR), accepted as units.
CURRENCY_CODES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
    UYU UZS VES VND VUV WST XAF XCD XDR XOF XPF YER ZAR ZMW ZWL
    """.split()
)

_UNITS_SET = frozenset(UNITS)
_METRIC_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_NONNEGATIVE_UNITS = frozenset({"count"})


@dataclasses.dataclass(frozen=True)
class ObservationTable(Result):
    """The outcome of :func:`screen_observations`.

    Attributes
    ----------
    observations : DataFrame
        The rows that passed every check, in the standard columns.
    set_aside : DataFrame
        One row per rejected input row, indexed by the input's row label, with
        ``column``, ``value`` and ``reason``.
    """

    observations: pd.DataFrame
    set_aside: pd.DataFrame

    @property
    def n_read(self) -> int:
        """How many input rows there were."""
        return len(self.observations) + len(self.set_aside)

    def to_frame(self) -> pd.DataFrame:
        """One row: rows read, kept and set aside."""
        return pd.DataFrame(
            [{"n_read": self.n_read, "n_kept": len(self.observations),
              "n_set_aside": len(self.set_aside)}]
        )


def _load(src: Any) -> tuple[pd.DataFrame, str | None]:
    if isinstance(src, pd.DataFrame):
        return src.copy(), None
    if isinstance(src, (str, os.PathLike)):
        path = os.fspath(src)
        if not os.path.exists(path):
            raise FileNotFoundError(f"observation file not found: {path}")
        df = pd.read_csv(path, dtype={"metric": "string", "unit": "string", "kind": "string",
                                      "qualifier": "string", "entity": "string",
                                      "source": "string"},
                         keep_default_na=False, na_values=[""])
        return df, path
    raise InputTypeError(f"src must be a CSV path or a DataFrame; got {type(src).__name__}")


def _where(label: Hashable, path: str | None, position: int) -> str:
    if path is not None:
        return f"row {label} (line {position + 2} of {os.path.basename(path)})"
    return f"row {label}"


def _is_known_unit(unit: str) -> bool:
    if unit in _UNITS_SET or unit in CURRENCY_CODES:
        return True
    from .quantities import _pint_unit  # lazy: pint is slow to import

    return _pint_unit(unit) is not None


def _problems(df: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[Hashable, str, Any, str]]]:
    """Normalise columns and list every (row, column, value, reason) problem found.

    Returns the normalised frame (bad cells become NA) and the problems, in row order
    and, within a row, in column order.
    """
    out = pd.DataFrame(index=df.index)
    problems: list[tuple[Hashable, str, Any, str]] = []

    def add(mask: np.ndarray, column: str, values: pd.Series, reason: str) -> None:
        for label in df.index[mask]:
            got = values.loc[label]
            problems.append((label, column, got.item() if hasattr(got, "item") else got, reason))

    # metric
    metric = df["metric"]
    text = metric.astype("string")
    missing = text.isna().to_numpy() | (text.str.strip() == "").fillna(True).to_numpy()
    add(missing, "metric", metric, "metric is missing")
    bad = ~missing & ~text.fillna("").str.fullmatch(_METRIC_RE).fillna(False).to_numpy(bool)
    add(bad, "metric", metric, "metric must be snake_case (lowercase letters, digits, _)")
    out["metric"] = text.astype(object)

    # value
    raw = df["value"]
    textual = raw.dtype == object or pd.api.types.is_string_dtype(raw)
    num = pd.to_numeric(raw, errors="coerce") if textual else raw.astype("float64")
    num = pd.Series(np.asarray(num, dtype="float64"), index=df.index)
    nonnum = (num.isna() & raw.notna()).to_numpy()
    add(nonnum, "value", raw, "value is not a number (parse text with parse_quantity first)")
    absent = raw.isna().to_numpy()
    add(absent, "value", raw, "value is missing")
    inf = np.isinf(num.to_numpy())
    add(inf, "value", raw, "value must be finite")
    out["value"] = num

    # unit
    unit = df["unit"].astype("string")
    known = {u: _is_known_unit(u) for u in unit.dropna().unique()}
    umissing = unit.isna().to_numpy()
    add(umissing, "unit", df["unit"], "unit is missing")
    ubad = ~umissing & ~unit.map(lambda u: known.get(u, False)).fillna(False).to_numpy(bool)
    add(ubad, "unit", df["unit"],
        "unknown unit (use count, km2, percent, a currency code such as NOK, or a pint unit)")
    out["unit"] = unit.astype(object)

    # start, end
    for col in ("start", "end"):
        rawt = df[col]
        if pd.api.types.is_datetime64_any_dtype(rawt):
            t = rawt
        else:
            t = pd.to_datetime(rawt, errors="coerce", format="mixed")
        tbad = (t.isna() & rawt.notna()).to_numpy()
        add(tbad, col, rawt, f"{col} is not a date or timestamp")
        add(rawt.isna().to_numpy(), col, rawt, f"{col} is missing")
        out[col] = t
    order = (out["end"] < out["start"]).to_numpy()
    add(order, "end", df["end"], "end is before start")

    # kind
    kind = df["kind"].astype("string")
    kbad = ~kind.isin(KINDS).fillna(False).to_numpy(bool)
    add(kbad, "kind", df["kind"], f"unknown kind (expected one of {', '.join(KINDS)})")
    out["kind"] = kind.astype(object)

    # qualifier
    qual = df["qualifier"].astype("string").fillna("exact") if "qualifier" in df else pd.Series(
        "exact", index=df.index, dtype="string"
    )
    qbad = ~qual.isin(QUALIFIERS).to_numpy(bool)
    add(qbad, "qualifier", qual, f"unknown qualifier (expected one of {', '.join(QUALIFIERS)})")
    out["qualifier"] = qual.astype(object)

    # value rules that depend on unit and kind
    v = out["value"].to_numpy()
    counts = unit.isin(list(_NONNEGATIVE_UNITS)).fillna(False).to_numpy(bool)
    neg = counts & (v < 0)
    add(neg, "value", raw, "a count cannot be negative")
    cum_neg = (kind == "cumulative").fillna(False).to_numpy(bool) & (v < 0) & ~counts
    add(cum_neg, "value", raw, "a cumulative total cannot be negative")
    share = (kind == "share").fillna(False).to_numpy(bool)
    pct = share & (unit == "percent").fillna(False).to_numpy(bool) & ((v < 0) | (v > 100))
    add(pct, "value", raw, "a share in percent must lie in [0, 100]")
    frac = share & (unit == "fraction").fillna(False).to_numpy(bool) & ((v < 0) | (v > 1))
    add(frac, "value", raw, "a share as a fraction must lie in [0, 1]")
    share_unit = share & ~unit.isin(["percent", "fraction"]).fillna(False).to_numpy(bool)
    add(share_unit, "unit", df["unit"], "a share must be in percent or fraction")

    for col in ("entity", "source"):
        out[col] = df[col].astype("string").astype(object) if col in df else pd.Series(
            pd.NA, index=df.index, dtype=object
        )

    # optional: flag (text reason, empty = not flagged), reported (a date)
    if "flag" in df:
        ftext = df["flag"].astype("string").str.strip()
        out["flag"] = ftext.where(ftext != "").astype(object)
    if "reported" in df:
        rawr = df["reported"]
        r = rawr if pd.api.types.is_datetime64_any_dtype(rawr) else pd.to_datetime(
            rawr, errors="coerce", format="mixed")
        add((r.isna() & rawr.notna()).to_numpy(), "reported", rawr,
            "reported is not a date (the date the figure was stated or published)")
        out["reported"] = r
    for col in df.columns:
        if col not in out.columns:
            out[col] = df[col]
    out = out.astype({"metric": object, "unit": object, "kind": object, "qualifier": object})
    return out, problems


def _prepare(src: Any) -> tuple[pd.DataFrame, str | None]:
    df, path = _load(src)
    if "date" in df.columns:
        for col in ("start", "end"):
            if col not in df.columns:
                df[col] = df["date"]
        df = df.drop(columns="date")
    elif "end" in df.columns and "start" not in df.columns:
        df["start"] = df["end"]
    required = ("metric", "value", "unit", "end", "kind")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ObservationError(
            f"observations: required column {missing[0]!r} not found; expected "
            f"{', '.join(OBSERVATION_COLUMNS)} (start may be omitted or given as date); "
            f"found {', '.join(map(str, df.columns))}",
            column=missing[0],
        )
    if not df.index.is_unique:
        dup = df.index[df.index.duplicated()][0]
        raise ObservationError(
            f"observations: row labels must be unique; {dup!r} appears more than once",
            row=dup,
        )
    return df, path


def read_observations(src: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Read reported figures into the validated observation table.

    Parameters
    ----------
    src : str, path or DataFrame
        A CSV file or a DataFrame with the columns of :data:`OBSERVATION_COLUMNS`.
        ``start`` may be omitted (it then equals ``end``), or both may be given as
        one ``date`` column. ``qualifier`` defaults to ``exact``; ``entity`` and
        ``source`` may be omitted. The optional columns of
        :data:`OPTIONAL_COLUMNS` are checked when present: ``flag`` (text; blank
        means not flagged) and ``reported`` (a date, may be missing). Other
        columns are kept.

    Returns
    -------
    DataFrame
        The input's rows and index, with columns ``metric`` (str), ``value``
        (float), ``unit`` (str), ``start`` and ``end`` (datetime64), ``kind``
        (``flow``, ``level``, ``cumulative`` or ``share``), ``qualifier``,
        ``entity``, ``source``, then ``flag`` (str or missing) and ``reported``
        (datetime64) when given, then any extra columns.

    Raises
    ------
    ObservationError
        At the first bad row, naming the row, the column, the rule and the value:
        a missing or non-snake_case metric, a value that is not a finite number, a
        negative count, an unknown unit, kind or qualifier, a start or end that is
        not a date, an end before its start, a share outside its range. Use
        :func:`screen_observations` to set bad rows aside instead.

    See Also
    --------
    screen_observations : the lenient reader, returning the bad rows with reasons.
    conflictstats.to_daily : observations to daily series.

    Examples
    --------
    >>> import pandas as pd
    >>> import conflictstats as cs
    >>> obs = cs.read_observations(pd.DataFrame({
    ...     "metric": ["drones_launched", "drones_shot_down"],
    ...     "value": [188, 76], "unit": "count", "kind": "flow",
    ...     "start": "2024-11-25 19:30", "end": "2024-11-26 09:00"}))
    >>> obs[["metric", "value", "end", "qualifier"]]
                 metric  value                 end qualifier
    0   drones_launched  188.0 2024-11-26 09:00:00     exact
    1  drones_shot_down   76.0 2024-11-26 09:00:00     exact

    A bad row is named with its column and value:

    >>> cs.read_observations(pd.DataFrame({"metric": ["drones_launched"], "value": [-3],
    ...     "unit": "count", "kind": "flow", "end": "2024-11-26"}))
    Traceback (most recent call last):
    ...
    conflictstats.errors.ObservationError: row 0, column 'value': a count cannot be ...; got -3
    """
    df, path = _prepare(src)
    out, problems = _problems(df)
    if problems:
        label, column, value, reason = problems[0]
        pos = int(df.index.get_loc(label))  # type: ignore[arg-type]
        more = f" ({len(problems) - 1} more problems; screen_observations lists them all)" if len(
            problems
        ) > 1 else ""
        raise ObservationError(
            f"{_where(label, path, pos)}, column {column!r}: {reason}; got {value!r}{more}",
            row=label,
            column=column,
            value=value,
        )
    return out


def screen_observations(src: str | os.PathLike[str] | pd.DataFrame) -> ObservationTable:
    """Read reported figures, setting bad rows aside with their reasons.

    The lenient twin of :func:`read_observations`: nothing raises for a bad row and
    nothing vanishes; every input row ends up either in ``observations`` or in
    ``set_aside``. A :class:`~conflictstats.DataWarning` says how many rows were set
    aside.

    Parameters
    ----------
    src : str, path or DataFrame
        As for :func:`read_observations`.

    Returns
    -------
    ObservationTable
        ``observations`` (the valid rows, standard columns) and ``set_aside``
        (indexed by input row label; columns ``column``, ``value``, ``reason``; a row
        with several problems appears once, with the reasons joined by ``"; "``).

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> import conflictstats as cs
    >>> raw = pd.DataFrame({"metric": ["drones_launched", "drones_shot_down"],
    ...                     "value": [188, "seventy-six"], "unit": "count",
    ...                     "kind": "flow", "end": "2024-11-26"})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     table = cs.screen_observations(raw)
    >>> len(table.observations), list(table.set_aside["reason"])
    (1, ['value is not a number (parse text with parse_quantity first)'])
    """
    import warnings

    df, _ = _prepare(src)
    out, problems = _problems(df)
    if not problems:
        empty = pd.DataFrame({"column": pd.Series(dtype=object), "value": pd.Series(dtype=object),
                              "reason": pd.Series(dtype=object)})
        return ObservationTable(observations=out, set_aside=empty)
    rec = pd.DataFrame(problems, columns=["row", "column", "value", "reason"])
    grouped = rec.groupby("row", sort=False).agg(
        column=("column", "first"), value=("value", "first"), reason=("reason", "; ".join)
    )
    grouped.index.name = None
    bad = df.index.isin(grouped.index)
    set_aside = grouped.reindex(df.index[bad])
    warnings.warn(
        f"{len(set_aside)} of {len(df)} observation rows set aside; see .set_aside for reasons",
        DataWarning,
        stacklevel=2,
    )
    return ObservationTable(observations=out.loc[~bad], set_aside=set_aside)

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

from ._dates import LOCAL_TZ, parse_dates
from ._docstrings import docstring
from ._files import INCOMPLETE, CsvInfo, lenient, read_csv_checked
from .errors import DataWarning, InputTypeError, ObservationError
from .results import Result
from .units import ACCEPTED, CURRENCY_CODES, NONNEGATIVE_UNITS, UNITS, normalise_unit

__all__ = [
    "CURRENCY_CODES",
    "INCOMPLETE",
    "KINDS",
    "MAX_ABS_VALUE",
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
    "between",
)

_METRIC_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: Largest magnitude a value may have: any sum of fewer than 1e278 such values is finite.
MAX_ABS_VALUE = 1e30


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

    def summary(self) -> str:
        """Rows read, kept and set aside, in one sentence."""
        return (f"{self.n_read:,} rows read: {len(self.observations):,} kept and "
                f"{len(self.set_aside):,} set aside.")


def _load(src: Any) -> tuple[pd.DataFrame, str | None, CsvInfo | None]:
    if isinstance(src, pd.DataFrame):
        return src.copy(), None, None
    if isinstance(src, (str, os.PathLike)):
        path = os.fspath(src)
        if not os.path.exists(path):
            raise FileNotFoundError(f"observation file not found: {path}")
        df, info = read_csv_checked(
            path, name=os.path.basename(path),
            dtype={"metric": "string", "unit": "string", "kind": "string",
                   "qualifier": "string", "entity": "string", "source": "string",
                   "start": "string", "end": "string", "date": "string",
                   "reported": "string", "flag": "string"},
            keep_default_na=False, na_values=[""])
        return df, path, info
    raise InputTypeError(f"src must be a CSV path or a DataFrame; got {type(src).__name__}")


def _where(label: Hashable, path: str | None, info: CsvInfo | None) -> str:
    if path is not None and info is not None:
        return f"row {label} (line {info.line(label)} of {os.path.basename(path)})"
    return f"row {label}"


class _Problems:
    """Collects (position, column, value, reason) problems; positions, not labels,
    so a row labelled NaN is checked like any other."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.n = len(df)
        self.items: list[tuple[int, str, Any, str]] = []

    def add(self, mask: np.ndarray, column: str, values: pd.Series,
            reason: str | np.ndarray) -> None:
        pos = np.flatnonzero(mask)
        if len(pos) == 0:
            return
        got = values.to_numpy(dtype=object)
        for i in pos:  # bad rows only
            v = got[i]
            v = v.item() if isinstance(v, np.generic) else v
            why = str(reason[i]) if isinstance(reason, np.ndarray) else reason
            self.items.append((int(i), column, v, why))

    def sorted(self) -> list[tuple[int, str, Any, str]]:
        """In row order and, within a row, in the order the checks ran."""
        order = sorted(range(len(self.items)), key=lambda k: (self.items[k][0], k))
        return [self.items[k] for k in order]


def _factorize_text(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 where missing) and distinct values of a column read as text.

    As text, so that 1, 1.0 and True (equal in Python) stay apart; a column that
    already holds only strings is factorised as it is, without converting every row.
    """
    if not (pd.api.types.is_string_dtype(values.dtype) and (
            values.dtype != object or pd.api.types.infer_dtype(values, skipna=True) == "string")):
        values = values.astype("string")
    codes, uniques = pd.factorize(values)
    return codes, np.asarray(uniques, dtype=object)


@dataclasses.dataclass
class _Text:
    """A text column by its distinct values: each row's code (-1 where missing) and the
    distinct values as a string Series. Checks run on ``distinct``; :meth:`rows` gives
    each row the answer of its value, without a string operation per row."""

    codes: np.ndarray
    distinct: pd.Series
    index: pd.Index

    @classmethod
    def of(cls, column: pd.Series) -> _Text:
        codes, uniques = _factorize_text(column)
        return cls(codes, pd.Series(uniques, dtype=object).astype("string"), column.index)

    def rows(self, per_value: Any, missing: Any) -> np.ndarray:
        """Each row's entry of ``per_value`` (one per distinct value); ``missing`` where NA."""
        arr = np.asarray(per_value)
        return np.append(arr, np.array([missing], dtype=arr.dtype))[self.codes]

    def flags(self, per_value: pd.Series, missing: bool = False) -> np.ndarray:
        """A boolean per row from a (nullable) boolean per distinct value."""
        return self.rows(per_value.fillna(missing).to_numpy(bool), missing)

    def objects(self, per_value: pd.Series | None = None, missing: Any = pd.NA) -> pd.Series:
        """The rows as an object column: the distinct values (or ``per_value``) spread."""
        vals = self.distinct if per_value is None else per_value
        arr = np.array([*vals.astype(object).tolist(), missing], dtype=object)
        return pd.Series(arr[self.codes], index=self.index, dtype=object, copy=False)


@dataclasses.dataclass
class _Coded:
    """A normalised text column (unit, kind) by its distinct canonical values."""

    text: _Text
    canon: pd.Series  # string, one per distinct value; NA where refused

    def isin(self, names: Any) -> np.ndarray:
        """Whether each row's canonical value is one of ``names`` (False where NA)."""
        return self.text.flags(self.canon.isin(list(names)))


def _as_text_objects(values: pd.Series) -> pd.Series:
    """``values.astype("string").astype(object)``, built from the distinct values."""
    return _Text.of(values).objects()


def _check_metric(df: pd.DataFrame, out: pd.DataFrame, found: _Problems) -> None:
    metric = df["metric"]
    text = _Text.of(metric)
    blank = text.flags(text.distinct.str.strip() == "", missing=True)
    found.add(blank, "metric", metric, "metric is missing")
    snake = text.flags(text.distinct.str.fullmatch(_METRIC_RE))
    found.add(~blank & ~snake, "metric", metric,
              "metric must be snake_case (lowercase letters, digits, _)")
    out["metric"] = text.objects()


def _check_value(df: pd.DataFrame, out: pd.DataFrame, found: _Problems) -> None:
    raw = df["value"]
    textual = raw.dtype == object or pd.api.types.is_string_dtype(raw)
    if pd.api.types.is_bool_dtype(raw):  # True is not the number 1
        raw = raw.astype(object).astype("string")
        textual = True
    absent = raw.isna().to_numpy()
    if textual:  # read once per distinct text
        text = _Text.of(raw)
        stripped = text.distinct.str.strip()
        number = pd.to_numeric(stripped, errors="coerce").astype("float64").to_numpy()
        num = pd.Series(text.rows(number, np.nan), index=df.index)
        absent = absent | text.flags(stripped == "")
    else:
        num = pd.Series(np.asarray(raw.astype("float64"), dtype="float64"), index=df.index)
    v = num.to_numpy()
    nonnum = np.isnan(v) & ~absent
    found.add(nonnum, "value", raw, "value is not a number (parse text with parse_quantity "
                                    "first)")
    found.add(absent, "value", raw, "value is missing")
    found.add(np.isinf(v), "value", raw, "value must be finite")
    huge = np.isfinite(v) & (np.abs(v) > MAX_ABS_VALUE)
    found.add(huge, "value", raw, f"value is too large (more than {MAX_ABS_VALUE:g} in "
                                  "magnitude: sums of it could overflow to infinity)")
    out["value"] = num


def _check_unit(df: pd.DataFrame, out: pd.DataFrame, found: _Problems) -> _Coded:
    """Normalise units (blanks, case, aliases) and refuse those outside the closed list."""
    raw = df["unit"]
    text = _Text.of(raw)
    canon = pd.Series([normalise_unit(u) for u in text.distinct], dtype=object)  # per distinct
    canon = canon.where(canon.notna(), pd.NA).astype("string")
    missing = text.flags(text.distinct.str.strip() == "", missing=True)
    found.add(missing, "unit", raw, "unit is missing")
    found.add(~missing & text.flags(canon.isna(), missing=True), "unit", raw,
              f"unknown unit; {ACCEPTED}")
    out["unit"] = text.objects(canon)
    return _Coded(text, canon)


def _check_times(df: pd.DataFrame, out: pd.DataFrame, found: _Problems,
                 dates: dict[str, Any], lenient: bool) -> None:
    for col in ("start", "end"):
        raw = df[col]
        parsed = parse_dates(raw, labels=df.index, lenient=lenient, **dates)
        bad = parsed.bad
        if bad.any():  # the reasons of bad rows only
            found.add(bad, col, raw, np.array([f"{col}: {r}" for r in parsed.reason],
                                              dtype=object))
        absent = np.isnat(parsed.stamps) & ~bad
        found.add(absent, col, raw, f"{col} is missing")
        out[col] = pd.Series(parsed.stamps, index=df.index)
    order = (out["end"] < out["start"]).to_numpy()
    found.add(order, "end", df["end"], "end is before start")


def _check_kind(df: pd.DataFrame, out: pd.DataFrame, found: _Problems) -> _Coded:
    text = _Text.of(df["kind"])
    canon = text.distinct.str.strip().str.lower()
    bad = ~text.flags(canon.isin(KINDS))
    found.add(bad, "kind", df["kind"], f"unknown kind (expected one of {', '.join(KINDS)})")
    out["kind"] = text.objects(canon)
    return _Coded(text, canon)


def _check_qualifier(df: pd.DataFrame, out: pd.DataFrame, found: _Problems) -> None:
    if "qualifier" in df:
        text = _Text.of(df["qualifier"])
        canon = text.distinct.str.strip().str.lower().replace("", pd.NA).fillna("exact")
        bad = ~text.flags(canon.isin(QUALIFIERS), missing=True)
        if bad.any():  # the values as text, for the message
            found.add(bad, "qualifier", df["qualifier"].astype("string"),
                      f"unknown qualifier (expected one of {', '.join(QUALIFIERS)})")
        out["qualifier"] = text.objects(canon, missing="exact")
    else:
        out["qualifier"] = pd.Series("exact", index=df.index, dtype=object)


def _check_value_rules(df: pd.DataFrame, out: pd.DataFrame, found: _Problems,
                       unit: _Coded, kind: _Coded) -> None:
    """Rules that depend on the (normalised) unit and kind (decided per distinct value)."""
    raw = df["value"]
    v = out["value"].to_numpy()
    nonneg = unit.isin(NONNEGATIVE_UNITS)
    counts = unit.isin(["count"])
    found.add(counts & (v < 0), "value", raw, "a count cannot be negative")
    found.add(counts & np.isfinite(v) & (v != np.round(v)), "value", raw,
              "a count must be a whole number")
    level = kind.isin(["level"])
    found.add(nonneg & ~counts & level & (v < 0), "value", raw,
              "an area (a level of territory) cannot be negative; a change of area is a flow")
    cum_neg = kind.isin(["cumulative"]) & (v < 0) & ~nonneg
    found.add(cum_neg, "value", raw, "a cumulative total cannot be negative")
    share = kind.isin(["share"])
    pct = share & unit.isin(["percent"]) & ((v < 0) | (v > 100))
    found.add(pct, "value", raw, "a share in percent must lie in [0, 100]")
    frac = share & unit.isin(["fraction"]) & ((v < 0) | (v > 1))
    found.add(frac, "value", raw, "a share as a fraction must lie in [0, 1]")
    share_unit = share & ~unit.isin(["percent", "fraction"])
    found.add(share_unit, "unit", df["unit"], "a share must be in percent or fraction")


def _check_optional(df: pd.DataFrame, found: _Problems, dates: dict[str, Any],
                    lenient: bool) -> dict[str, pd.Series]:
    """The optional columns: ``flag`` (text reason, empty = not flagged), ``reported`` (a
    date by the date rule, may be missing)."""
    optional: dict[str, pd.Series] = {}
    if "flag" in df:
        ftext = df["flag"].astype("string").str.strip()
        optional["flag"] = ftext.where(ftext != "").astype(object)
    if "reported" in df:
        raw = df["reported"]
        parsed = parse_dates(raw, labels=df.index, lenient=lenient, **dates)
        if parsed.bad.any():
            found.add(parsed.bad, "reported", raw, np.array(
                [f"reported is not a date (the date the figure was stated or published): {r}"
                 for r in parsed.reason], dtype=object))
        optional["reported"] = pd.Series(parsed.stamps, index=df.index)
    return optional


def _carry_other_columns(df: pd.DataFrame, out: pd.DataFrame,
                         optional: dict[str, pd.Series]) -> pd.DataFrame:
    for col in ("entity", "source"):
        out[col] = _as_text_objects(df[col]) if col in df else pd.Series(
            pd.NA, index=df.index, dtype=object
        )
    for col, values in optional.items():
        out[col] = values
    for col in df.columns:
        if col not in out.columns:
            out[col] = df[col]
    return out.astype({"metric": object, "unit": object, "kind": object, "qualifier": object})


def _problems(df: pd.DataFrame, *, dates: dict[str, Any] | None = None,
              lenient: bool = False) -> tuple[pd.DataFrame, list[tuple[int, str, Any, str]]]:
    """Normalise columns and list every (position, column, value, reason) problem found.

    Returns the normalised frame (bad cells become NA) and the problems, in row order
    and, within a row, in the order of the checks: metric, value, unit, start and end,
    kind, qualifier, the rules joining value, unit and kind, then the optional columns.
    """
    out = pd.DataFrame(index=df.index)
    found = _Problems(df)
    _check_metric(df, out, found)
    _check_value(df, out, found)
    unit = _check_unit(df, out, found)
    _check_times(df, out, found, dates or {}, lenient)
    kind = _check_kind(df, out, found)
    _check_qualifier(df, out, found)
    _check_value_rules(df, out, found, unit, kind)
    optional = _check_optional(df, found, dates or {}, lenient)
    return _carry_other_columns(df, out, optional), found.sorted()


def _prepare(src: Any) -> tuple[pd.DataFrame, str | None, CsvInfo | None]:
    df, path, info = _load(src)
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
    return df, path, info

def _dates_kw(dayfirst: bool | None, format: str | None, origin: str | None,
              tz: str | None) -> dict[str, Any]:
    return {"dayfirst": dayfirst, "format": format, "origin": origin, "tz": tz}


@docstring()
def read_observations(
    src: str | os.PathLike[str] | pd.DataFrame,
    *,
    dayfirst: bool | None = None,
    format: str | None = None,
    origin: str | None = None,
    tz: str | None = LOCAL_TZ,
) -> pd.DataFrame:
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
    {dates.params}
    origin : {None, "excel"}
        ``"excel"`` reads numbers in ``start``/``end`` as spreadsheet serial days
        (45622 is 2024-11-27); otherwise a number is never a date.

    Returns
    -------
    DataFrame
        The input's rows and index, with columns ``metric`` (str), ``value``
        (float), ``unit`` (str, normalised: ``" Count "`` becomes ``count``,
        ``"nok"`` becomes ``NOK``), ``start`` and ``end`` (datetime64, naive local
        time), ``kind`` (``flow``, ``level``, ``cumulative`` or ``share``),
        ``qualifier``, ``entity``, ``source``, then ``flag`` (str or missing) and
        ``reported`` (datetime64) when given, then any extra columns.

    Raises
    ------
    ObservationError
        At the first bad row, naming the row (and the file's line), the column, the
        rule and the value: a missing or non-snake_case metric, a value that is not
        a finite number or is larger than :data:`MAX_ABS_VALUE`, a negative count or
        one that is not a whole number (``1.188`` drones),
        a negative area held (a level; a flow of area may be a loss), a unit outside
        the closed list of :mod:`conflictstats.units`, an unknown kind or
        qualifier, a start or end that breaks the date rule, an end before its
        start, a share outside its range. Use
        :func:`screen_observations` to set bad rows aside instead.
    {reader.raises_whole_file}

    See Also
    --------
    screen_observations : the lenient reader, returning the bad rows with reasons.
    conflictstats.to_daily : observations to daily series.

    Notes
    -----
    {dates.rule}

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
    df, path, info = _prepare(src)
    out, problems = _problems(df, dates=_dates_kw(dayfirst, format, origin, tz))
    if problems:
        pos, column, value, reason = problems[0]
        label = df.index[pos]
        more = f" ({len(problems) - 1} more problems; screen_observations lists them all)" if len(
            problems
        ) > 1 else ""
        raise ObservationError(
            f"{_where(label, path, info)}, column {column!r}: {reason}; got {value!r}{more}",
            row=label,
            column=column,
            value=value,
        )
    return out


@docstring()
def screen_observations(
    src: str | os.PathLike[str] | pd.DataFrame,
    *,
    dayfirst: bool | None = None,
    format: str | None = None,
    origin: str | None = None,
    tz: str | None = LOCAL_TZ,
) -> ObservationTable:
    """Read reported figures, setting bad rows aside with their reasons.

    {screen.intro} A :class:`~conflictstats.DataWarning` says how many rows were
    set aside. Where timestamps with and without a UTC offset are mixed, the rows of
    the less common kind are set aside.

    Parameters
    ----------
    src, dayfirst, format, origin, tz
        As for :func:`read_observations`.

    Returns
    -------
    ObservationTable
        ``observations`` (the valid rows, standard columns) and ``set_aside``
        (indexed by input row label; columns ``column``, ``value``, ``reason``; a row
        with several problems appears once, with the reasons joined by ``"; "``; a
        CSV line cut short has the reason ``"line is incomplete"`` and its text as
        ``value``).

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

    with lenient():
        df, _, info = _prepare(src)
    out, problems = _problems(df, dates=_dates_kw(dayfirst, format, origin, tz), lenient=True)
    lines = info.set_aside if info is not None else None
    n_lines = 0 if lines is None else len(lines)
    if not problems and not n_lines:
        empty = pd.DataFrame({"column": pd.Series(dtype=object), "value": pd.Series(dtype=object),
                              "reason": pd.Series(dtype=object)})
        return ObservationTable(observations=out, set_aside=empty)
    bad = np.zeros(len(df), dtype=bool)
    parts = []
    if problems:
        rec = pd.DataFrame(problems, columns=["pos", "column", "value", "reason"])
        grouped = rec.groupby("pos", sort=True).agg(
            column=("column", "first"), value=("value", "first"), reason=("reason", "; ".join)
        )
        bad[grouped.index.to_numpy()] = True
        grouped.index = df.index[grouped.index.to_numpy()]
        parts.append(grouped)
    if n_lines and lines is not None:
        parts.append(pd.DataFrame({"column": None, "value": lines["text"].to_numpy(),
                                   "reason": lines["reason"].to_numpy()},
                                  index=lines.index.rename(None)))
    set_aside = pd.concat(parts) if len(parts) > 1 else parts[0]
    set_aside.index.name = None
    warnings.warn(
        f"{len(set_aside)} of {len(df) + n_lines} observation rows set aside; see .set_aside "
        "for reasons",
        DataWarning,
        stacklevel=2,
    )
    return ObservationTable(observations=out.loc[~bad], set_aside=set_aside)

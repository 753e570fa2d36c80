"""The kind of a series: one resolver, used by every function whose answer depends on it.

A daily series is one of four kinds (see the data model in the README):

- ``flow``: an amount per day (drones launched each night, km² taken each day);
  a period's total is the sum of its days.
- ``level``: a stock as of each date (the occupied area); a period's total is
  the change between the level at its end and the level before it started.
- ``cumulative``: a running total; :func:`conflictstats.to_daily` turns it into
  daily increments, which are then totalled like a flow.
- ``share``: a proportion; never summed, pooled through its numerator and
  denominator instead (:func:`conflictstats.rate`).

The kind comes from ``kind=`` first, then from what ``to_daily`` recorded in the
series' ``attrs``. When neither is known and the answer depends on it, the
functions raise :class:`~conflictstats.errors.KindError` rather than guess.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import KindError

__all__: list[str] = []  # private module

KINDS: dict[str, str] = {
    "flow": "an amount per day, e.g. drones launched each night (period totals are sums)",
    "level": "a stock as of each date, e.g. the occupied area (period totals are changes)",
    "cumulative": "daily increments of a running total, as to_daily makes them (summed)",
    "share": "a proportion (never summed: pool its numerator and denominator with rate)",
}


def recorded_kind(data: pd.Series | pd.DataFrame, column: Hashable | None = None) -> str | None:
    """The kind (flow, level, cumulative, share) that :func:`conflictstats.to_daily` recorded.

    A Series from ``to_daily(obs, metric=...)`` carries ``attrs["kind"]``; a
    ``to_daily`` DataFrame carries ``attrs["kinds"]``, a mapping looked up by
    ``column`` (for a Series taken from such a frame, ``df[col]``, pandas keeps
    the frame's ``attrs`` and the Series' name is the column). None when
    nothing was recorded.
    """
    attrs = data.attrs
    kinds = attrs.get("kinds")
    if column is None and isinstance(data, pd.Series):
        column = data.name
    if column is not None and isinstance(kinds, dict) and isinstance(kinds.get(column), str):
        return str(kinds[column])
    kind = attrs.get("kind")
    return kind if isinstance(kind, str) else None


# The reports spread over several days, as to_daily records them in attrs["spans"]:
# (first, last) day numbers (days since 1970-01-01) as little-endian int64 pairs in a
# bytes object. Bytes are immutable, so pandas' deep copy of attrs on every operation
# costs nothing, and they compare with == when pandas concatenates.
_SPAN_DTYPE = np.dtype("<i8")


def encode_spans(first: np.ndarray, last: np.ndarray) -> bytes:
    """The ``attrs["spans"]`` entry of one series: first and last day numbers of its reports."""
    pairs = np.empty((len(first), 2), dtype=_SPAN_DTYPE)
    pairs[:, 0] = first
    pairs[:, 1] = last
    return pairs.tobytes()


def decode_spans(raw: bytes) -> np.ndarray:
    """(m, 2) int64 first and last day numbers from an ``attrs["spans"]`` entry."""
    return np.frombuffer(raw, dtype=_SPAN_DTYPE).reshape(-1, 2)


def recorded_spans(data: pd.Series | pd.DataFrame,
                   columns: Sequence[Hashable] | None = None) -> list[np.ndarray | None] | None:
    """The multi-day reports that :func:`conflictstats.to_daily` spread, per column.

    ``to_daily`` records in ``attrs["spans"]`` every report it spread over more
    than one day (a weekly total, a cumulative step across a gap between
    reports): for a Series a bytes object of (first, last) day-number pairs,
    for a DataFrame a dict ``{column: bytes}`` holding the columns that have
    such reports (a Series taken from such a frame finds its own by name).
    Returns, for each of ``columns`` (default: the data's own), an (m, 2)
    int64 array of first and last day numbers (days since 1970-01-01), or
    None when nothing is recorded for it; None when nothing is recorded at all.
    """
    spans = getattr(data, "attrs", {}).get("spans")
    if spans is None:
        return None
    if columns is None:
        columns = [data.name] if isinstance(data, pd.Series) else list(data.columns)
    if isinstance(spans, bytes):
        if not isinstance(data, pd.Series):
            return None
        own = decode_spans(spans)
        return [own for _ in columns]
    if not isinstance(spans, dict):
        return None
    out: list[np.ndarray | None] = []
    for c in columns:
        raw = spans.get(c) if isinstance(c, Hashable) else None
        out.append(decode_spans(raw) if isinstance(raw, bytes) else None)
    return out


def merge_spans(*found: list[np.ndarray | None] | None) -> list[np.ndarray | None] | None:
    """The spans of several series column by column (a rate's numerator and denominator)."""
    lists = [f for f in found if f is not None]
    if not lists:
        return None
    out: list[np.ndarray | None] = []
    for parts in zip(*lists, strict=True):
        have = [p for p in parts if p is not None]
        out.append(None if not have else have[0] if len(have) == 1 else np.concatenate(have))
    return out


def _listing(allowed: Iterable[str]) -> str:
    return "; ".join(f"kind={k!r}: {KINDS[k]}" for k in allowed)


def resolve_kind(
    data: pd.Series | pd.DataFrame | None,
    kind: str | None = None,
    *,
    column: Hashable | None = None,
    allowed: Iterable[str] = ("flow", "level", "cumulative"),
    default: str | None = None,
    what: str = "this",
) -> str:
    """The kind of a series: explicit ``kind=``, else the recorded one, else ``default``.

    Parameters
    ----------
    data : Series or DataFrame or None
        Where ``to_daily`` may have recorded the kind.
    kind : str, optional
        The caller's ``kind=`` argument; it wins over the recorded kind.
    column : hashable, optional
        The column of a wide frame whose kind is asked.
    allowed : iterable of str
        The kinds the caller can handle.
    default : str, optional
        Used when nothing is known; only for callers whose answer does not
        depend on the kind. Leave None to raise instead of guessing.
    what : str
        What needs the kind, for the error message ("period totals").

    Raises
    ------
    KindError
        When the kind is unknown (listing the kinds and what each means) or
        is not one of ``allowed`` (saying why).
    """
    allowed = tuple(allowed)
    k = kind if kind is not None else (
        recorded_kind(data, column) if data is not None else None
    )
    if k is None:
        k = default
    where = "" if column is None else f" of column {column!r}"
    if k is None:
        raise KindError(
            f"the kind{where} is unknown and {what} depends on it (to_daily records it in "
            f"attrs, which many pandas operations drop): pass {_listing(allowed)}"
        )
    if k not in KINDS:
        raise KindError(f"kind must be one of {list(KINDS)}; got {k!r}")
    if k not in allowed:
        if k == "share":
            raise KindError(
                f"kind 'share'{where}: a proportion is never summed or differenced over a "
                "period; pool its numerator and denominator instead (conflictstats.rate)"
            )
        raise KindError(f"{what} needs one of {_listing(allowed)}; got kind={k!r}{where}")
    return k

"""The exceptions and warnings that conflictstats raises.

Every error raised on bad input or bad arguments is a :class:`ConflictStatsError`.
Each concrete class also subclasses the matching builtin, so code written as
``except ValueError`` (or ``TypeError``, ``KeyError``) keeps working, while
``except conflictstats.ConflictStatsError`` catches everything the package
raises on purpose.

This module imports nothing from the package: every other module may import it.

Examples
--------
>>> import conflictstats as cs
>>> try:
...     cs.rate(5, 3)
... except cs.ConflictStatsError as err:
...     print(type(err).__name__, isinstance(err, ValueError))
InputError True
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

__all__ = [
    "ConflictStatsError",
    "DataWarning",
    "InputError",
    "InputTypeError",
    "KindError",
    "MissingKeyError",
    "ObservationError",
    "PeriodError",
]


class ConflictStatsError(Exception):
    """Base class of every error conflictstats raises on bad input or arguments."""


class InputError(ConflictStatsError, ValueError):
    """A value breaks a requirement (a parameter, a row, a series)."""


class InputTypeError(ConflictStatsError, TypeError):
    """An argument has the wrong type."""


class MissingKeyError(ConflictStatsError, KeyError):
    """A named column, metric, series or dataset does not exist."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class KindError(InputError):
    """The kind of a series (flow, level, cumulative, share) is unknown or wrong here."""


class PeriodError(InputError):
    """A calendar period (``freq=``) or rolling window (``window=``) is not understood."""


class ObservationError(InputError):
    """A row of a reported-figure table breaks a rule.

    Attributes
    ----------
    row : hashable or None
        The row label (the table's index value) of the first offending row.
    column : str or None
        The column at fault.
    value : object
        The value received.
    """

    def __init__(
        self,
        message: str,
        *,
        row: Hashable | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.row = row
        self.column = column
        self.value = value


class DataWarning(UserWarning):
    """Something in the data deserves a look (for example a correction)."""

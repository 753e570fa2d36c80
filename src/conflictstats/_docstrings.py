"""Docstring pieces shared by several functions, written once so they cannot drift.

In the manner of seaborn's ``_core`` docstring components: a function's
docstring names a piece as ``%(name)s`` and :func:`fill_doc` substitutes it.
Each piece is written as it appears in a numpydoc Parameters section of a
function (four spaces before a parameter, eight before its description).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__: list[str] = []  # private module

F = TypeVar("F", bound=Callable[..., object])

PIECES: dict[str, str] = {
    "freq_window": """\
freq : str, optional
        A calendar period, labelled by its last day: ``"W-SUN"`` (Monday to
        Sunday weeks; ``"W-MON"`` ... ``"W-SAT"`` end the week on that day),
        ``"ME"`` (months), ``"QE"`` (quarters), ``"YE"`` (years).
    window : int or str or Timedelta, optional
        A rolling span of whole days ending on each date: ``7`` or ``"7D"``.
        Give ``freq`` or ``window``, not both.""",
    "by_value": """\
by : str or list of str, optional
        Group column(s) of a long DataFrame (a DatetimeIndex repeated across
        groups, the group columns and one value column): each group is one
        series, and the result is what calling the function on each group
        alone gives.
    value : str, optional
        The value column of the long frame (needed when there is more than
        one other column).""",
    "kind_totals": """\
kind : {"flow", "level", "cumulative"}, optional
        Overrides the kind :func:`~conflictstats.to_daily` recorded in
        ``attrs``. Flows (and the daily increments ``to_daily`` makes of a
        cumulative total) are summed; for a level the total is the change from
        the last level reported before the period to the last one reported in
        it. Required when nothing was recorded (pandas operations often drop
        ``attrs``): the answer depends on it, so it is never guessed. Shares
        are refused: pool their numerators and denominators with
        :func:`~conflictstats.rate`.""",
}


def fill_doc(func: F) -> F:
    """Substitute the ``%(name)s`` pieces of ``func``'s docstring."""
    if func.__doc__:
        func.__doc__ = func.__doc__ % PIECES
    return func
